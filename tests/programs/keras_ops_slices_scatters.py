"""A Keras program, written for Keras 3: keras.ops' indexing toolbox — ops.slice and ops.slice_update with tensor
start indices, ops.scatter with repeated indices (they add up), ops.scatter_update with full and partial index
tuples and its reductions, ops.take / take_along_axis with negative indices and axis=None, ops.unstack,
ops.array_split, ops.rearrange with named lengths, ops.unravel_index, ops.tril/triu with offsets — then a layer
that writes a learned row into its input with slice_update and gathers with take_along_axis, trained with fit so
the gradients flow through the writes and gathers. Weights are set from NumPy, so real Keras and deepgrad print
the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(t, digits=4):
    return np.round(ops.convert_to_numpy(t).astype("float64"), digits).tolist()


class WriteAndGather(layers.Layer):
    """Overwrites the first time step with a learned row, then picks each sample's step given by an index input."""

    def build(self, input_shape):
        seq_shape = input_shape[0]
        self.row = self.add_weight(shape=(1, 1, seq_shape[-1]), initializer="zeros", name="row")

    def call(self, inputs):
        seq, picks = inputs
        batch = ops.shape(seq)[0]
        first = ops.broadcast_to(self.row, (batch, 1, ops.shape(seq)[-1]))
        written = ops.slice_update(seq, (0, 0, 0), first)
        index = ops.reshape(ops.cast(picks, "int32"), (-1, 1, 1))
        return ops.squeeze(ops.take_along_axis(written, index, axis=1), 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], input_shape[0][-1])


def main():
    grid = ops.reshape(ops.arange(24, dtype="float32"), (4, 6))
    print("slice", r(ops.slice(grid, (1, 2), (2, 3))))
    start = ops.array([2, 1])
    print("slice tensor start", r(ops.slice(grid, start, (2, 2))))
    print("slice_update", r(ops.slice_update(grid, (3, 4), ops.full((1, 2), -1.0))))
    print("scatter repeated", r(ops.scatter([[0, 1], [2, 2], [0, 1]], ops.array([1.0, 5.0, 2.0]), (3, 3))))
    print("scatter rows", r(ops.scatter([[1], [3]], ops.array([[1.0, 2.0], [3.0, 4.0]]), (4, 2))))
    base = ops.zeros((3, 4))
    print("scatter_update points", r(ops.scatter_update(base, [[0, 0], [2, 3]], ops.array([7.0, 9.0]))))
    print("scatter_update rows", r(ops.scatter_update(base, [[1]], ops.array([[1.0, 2.0, 3.0, 4.0]]))))
    for reduction in ("add", "max", "min", "mul"):
        print("scatter_update", reduction, r(ops.scatter_update(ops.full((2, 3), 2.0), [[0, 1], [0, 1], [1, 2]],
                                                              ops.array([3.0, 4.0, 0.5]), reduction=reduction)))
    print("take negative", r(ops.take(grid, ops.array([-1, 0, -2]), axis=1)))
    print("take flat", r(ops.take(grid, [[0, 23], [5, 6]])))
    order = ops.argsort((grid * 7.0) % 11.0, axis=1)
    print("take_along_axis", r(ops.take_along_axis(grid, order[:, :2], axis=1)))
    print("take_along_axis flat", r(ops.take_along_axis(grid, ops.array([3, 0, 20]), axis=None)))
    print("unstack", [r(t) for t in ops.unstack(grid[:2, :3], axis=1)])
    print("array_split", [tuple(t.shape) for t in ops.array_split(grid, 4, axis=1)])
    images = ops.reshape(ops.arange(48, dtype="float32"), (2, 2, 4, 3))
    patches = ops.rearrange(images, "b h (w p) c -> b (h w) (p c)", p=2)
    print("rearrange", tuple(patches.shape), r(patches[1, 0]))
    print("rearrange back", bool(np.array_equal(
        ops.convert_to_numpy(ops.rearrange(patches, "b (h w) (p c) -> b h (w p) c", h=2, p=2)),
        ops.convert_to_numpy(images))))
    print("unravel_index", [r(t) for t in ops.unravel_index(ops.array([0, 7, 13, 23]), (4, 6))])
    square = ops.ones((4, 4))
    print("tril -1", r(ops.sum(ops.tril(square, -1))), "triu 2", r(ops.triu(square, 2)[0]))

    rng = np.random.default_rng(8)
    seqs = rng.normal(size=(30, 5, 3)).astype("float32")
    picks = rng.integers(0, 5, size=(30,)).astype("int32")
    target = np.where(picks[:, None] == 0, 1.5, seqs[np.arange(30), picks]).sum(axis=1, keepdims=True)
    target = target.astype("float32")
    seq_in = keras.Input((5, 3), name="seq")
    pick_in = keras.Input((), dtype="int32", name="pick")
    gathered = WriteAndGather(name="write_gather")([seq_in, pick_in])
    out = layers.Dense(1, name="sum")(gathered)
    model = keras.Model([seq_in, pick_in], out)
    model.set_weights([np.zeros((1, 1, 3), "float32"), np.full((3, 1), 0.5, "float32"), np.zeros(1, "float32")])
    print("gathered shape", tuple(gathered.shape), [w.path for w in model.weights])
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="mse")
    history = model.fit([seqs, picks], target, batch_size=10, epochs=5, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("learned row", r(model.get_layer("write_gather").row[0, 0]))
    print("predict", r(model.predict([seqs[:4], picks[:4]], verbose=0)[:, 0]), picks[:4].tolist())


if __name__ == "__main__":
    main()
