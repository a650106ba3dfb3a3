"""A Keras program, written for Keras 3: keras.tree on the nested structures a custom training step passes
around — namedtuples, dicts (sorted by key), tuples, lists and None leaves — with flatten, flatten_with_path,
map_structure over several structures, map_structure_up_to a shallower structure, pack_sequence_as,
assert_same_structure and assert_same_paths (and the errors they raise), traverse top-down and bottom-up with
MAP_TO_NONE, lists_to_tuples, is_nested and map_shape_structure; then a layer whose call returns a namedtuple of
dicts used in a functional model. Real Keras and deepgrad print the same."""
import collections

import numpy as np

import keras
from keras import layers, ops, tree

Batch = collections.namedtuple("Batch", ["features", "labels", "weights"])


def main():
    batch = Batch(features={"b": [1, 2], "a": (3, None)}, labels=np.int64(4), weights=None)
    print("flatten", tree.flatten(batch))
    print("flatten_with_path", tree.flatten_with_path(batch))
    print("is_nested", tree.is_nested(batch), tree.is_nested(None), tree.is_nested("text"), tree.is_nested([]))
    doubled = tree.map_structure(lambda v: None if v is None else v * 2, batch)
    print("map_structure", doubled)
    print("type kept", type(doubled).__name__, doubled._fields)
    summed = tree.map_structure(lambda x, y: x + y, {"p": (1, 2), "q": [3]}, {"p": (10, 20), "q": [30]})
    print("map two", summed)
    shallow = {"p": None, "q": None}
    print("up_to", tree.map_structure_up_to(shallow, lambda v: len(v), {"p": (1, 2, 3), "q": [[4, 5], 6]}))
    print("up_to two", tree.map_structure_up_to((None, [None, None]), lambda a, b: (a, b),
                                                 ((1, 2), [3, 4]), ("x", ["y", "z"])))
    print("pack", tree.pack_sequence_as(batch, list(range(10, 10 + len(tree.flatten(batch))))))
    print("pack nested", tree.pack_sequence_as({"z": [0, (0, 0)], "y": 0}, ["Y", "Z1", "Z2", "Z3"]))
    print("lists_to_tuples", tree.lists_to_tuples({"a": [1, [2, 3]], "b": ([4],)}))

    tree.assert_same_structure({"a": [1, 2]}, {"a": [3, 4]})
    print("same structure ok")
    for first, second in [({"a": [1, 2]}, {"a": [1]}), ((1, 2), [1, 2]), ({"a": 1}, {"b": 1})]:
        try:
            tree.assert_same_structure(first, second)
            print("assert_same_structure passed", first, second)
        except (ValueError, TypeError) as error:
            print("assert_same_structure", type(error).__name__)
    tree.assert_same_paths({"a": [1, 2]}, {"a": (5, 6)})
    print("same paths ok")
    try:
        tree.assert_same_paths({"a": 1}, {"b": 1})
    except ValueError as error:
        print("assert_same_paths", type(error).__name__)

    seen = []

    def visit(node):
        seen.append(type(node).__name__ if tree.is_nested(node) else node)
        return None
    tree.traverse(visit, {"x": [1, (2, 3)], "y": 4})
    print("traverse top down", seen)
    seen.clear()
    tree.traverse(visit, {"x": [1, (2, 3)], "y": 4}, top_down=False)
    print("traverse bottom up", seen)
    pruned = tree.traverse(lambda node: tree.MAP_TO_NONE if node == 2 else None, [1, [2, 3], 2])
    print("traverse MAP_TO_NONE", pruned)
    replaced = tree.traverse(lambda node: "list" if isinstance(node, list) and len(node) == 2 else None,
                             [1, [2, 3], (4, [5, 6])])
    print("traverse replace", replaced)
    print("shapes", tree.map_shape_structure(lambda s: tuple(2 * d for d in s), {"a": (2, 3), "b": [(4,), (1, 1)]}))

    Out = collections.namedtuple("Out", ["scores", "extras"])

    class TwoHeads(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2, kernel_initializer="ones")

        def call(self, x):
            h = self.dense(x)
            return Out(scores=ops.softmax(h), extras={"sum": ops.sum(h, axis=-1), "max": ops.max(h, axis=-1)})

    inputs = {"left": keras.Input((3,), name="left"), "right": keras.Input((3,), name="right")}
    result = TwoHeads()(ops.concatenate([inputs["left"], inputs["right"]], axis=-1))
    print("symbolic", type(result).__name__, tree.map_structure(lambda t: tuple(t.shape), result))
    model = keras.Model(inputs, {"scores": result.scores, "total": result.extras["sum"]})
    data = {"left": np.arange(6, dtype="float32").reshape(2, 3) / 10, "right": np.ones((2, 3), "float32")}
    predicted = model.predict(data, verbose=0)
    print("predicted", tree.map_structure(lambda a: np.round(a, 4).tolist(), predicted))
    print("flatten predicted", [a.shape for a in tree.flatten(predicted)])
