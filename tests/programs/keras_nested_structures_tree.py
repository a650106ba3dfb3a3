"""A Keras program, written for Keras 3: nested data handled with keras.tree (flatten, map_structure over two
structures, pack_sequence_as, assert_same_structure, is_nested, traverse, lists_to_tuples, map_shape_structure)
and a functional model whose inputs are a dict holding a tuple and whose outputs are a dict keyed by names other
than their layers' (compile's dicts, the targets and the logs use the keys), predicted into the same dict, and a
subclassed layer returning a dict of tuples. Real Keras and deepgrad print the same."""
from collections import OrderedDict

import numpy as np

import keras
from keras import layers, ops, tree


class PairStats(layers.Layer):
    """Returns {"moments": (mean, variance), "extremes": [min, max]} over the last axis."""

    def call(self, x):
        mean, var = ops.moments(x, axes=[-1], keepdims=True)
        return {"moments": (mean, var), "extremes": [ops.min(x, axis=-1, keepdims=True),
                                                     ops.max(x, axis=-1, keepdims=True)]}


def main():
    structure = {"b": [1, (2, 3)], "a": {"y": 4, "x": None}, "c": OrderedDict([("z", 5), ("w", 6)])}
    print("flatten", tree.flatten(structure))
    print("is_nested", tree.is_nested(structure), tree.is_nested(3), tree.is_nested((1,)))
    doubled = tree.map_structure(lambda v: None if v is None else v * 2, structure)
    print("map", doubled)
    print("map two", tree.map_structure(lambda u, v: (u or 0) + (v or 0), structure, doubled)["b"])
    print("pack", tree.pack_sequence_as(structure, list(range(len(tree.flatten(structure))))))
    try:
        tree.assert_same_structure(structure, {"b": [1, 2], "a": {}, "c": {}})
    except ValueError:
        print("assert_same_structure: ValueError")
    print("lists_to_tuples", tree.lists_to_tuples([1, [2, {"k": [3, 4]}]]))
    seen = []
    tree.traverse(lambda v: seen.append(v) if not tree.is_nested(v) else None, (1, [2, 3], {"q": 4}))
    print("traverse", seen)
    print("shapes", tree.map_shape_structure(lambda s: tuple(d * 2 for d in s), {"p": (2, 3), "q": [(4,), (1, 1)]}))
    print("flatten_with_path", tree.flatten_with_path({"k": [10, (20,)], "j": 5}))

    rng = np.random.default_rng(13)
    n = 40
    data = {"tokens": rng.standard_normal((n, 6)).astype("float32"),
            "pair": (rng.standard_normal((n, 3)).astype("float32"), rng.standard_normal((n, 2)).astype("float32"))}
    inputs = {"tokens": keras.Input((6,), name="tokens"),
              "pair": (keras.Input((3,), name="left"), keras.Input((2,), name="right"))}
    stats = PairStats(name="stats")(inputs["tokens"])
    joined = layers.Concatenate()([inputs["tokens"], *inputs["pair"], *stats["moments"], *stats["extremes"]])
    hidden = layers.Dense(10, activation="relu", name="hidden")(joined)
    outputs = {"score": layers.Dense(1, name="score")(hidden),
               "part_a": layers.Dense(2, activation="softmax", name="head_a")(hidden),
               "part_b": layers.Dense(1, activation="sigmoid", name="head_b")(hidden)}
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("model inputs", tree.map_structure(lambda t: tuple(t.shape), model.input))
    print("model outputs", tree.map_structure(lambda t: tuple(t.shape), model.output), model.output_names)
    targets = {"score": data["tokens"].sum(axis=1, keepdims=True),
               "part_a": (data["pair"][0][:, 0] > 0).astype("int32"),
               "part_b": (data["pair"][1][:, :1] > 0).astype("float32")}
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss={"score": "mse", "part_a": "sparse_categorical_crossentropy", "part_b": "binary_crossentropy"},
                  metrics={"part_b": ["accuracy"]})
    history = model.fit(data, targets, epochs=3, batch_size=10, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    predicted = model.predict(data, batch_size=16, verbose=0)
    print("predicted", tree.map_structure(lambda a: (type(a).__name__, a.shape), predicted))
    print("score", np.round(predicted["score"][:3, 0].astype("float64"), 4).tolist())
    print("evaluate", np.round(model.evaluate(data, targets, verbose=0), 4).tolist())
    direct = model(tree.map_structure(ops.convert_to_tensor, data))
    print("call", tree.map_structure(lambda t: tuple(t.shape), direct))
