"""A Keras program, written for Keras 3: tabular rows with missing values summarised by keras.ops' nan-aware
reductions (nanmean, nanstd, nanmax, nanmin, nansum, nanmedian, nanpercentile, isnan counts) in a custom layer, an
RBF prototype layer on ops.cdist, a classifier trained on them with in_top_k and multi_hot targets checked, and a
tour of the less common ops users reach for (logaddexp, corrcoef, psnr, adaptive pooling, extract_sequences,
segment_min / segment_prod, diff, trapezoid, vander, geomspace, saturate_cast, rot90, array_split, round).
Weights are set from NumPy. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class NanSummary(layers.Layer):
    """Per-row summaries that skip NaNs, plus the fraction of missing entries."""

    def call(self, x):
        missing = ops.mean(ops.cast(ops.isnan(x), "float32"), axis=-1, keepdims=True)
        filled = ops.where(ops.isnan(x), ops.nanmean(x, axis=-1, keepdims=True), x)
        stats = [ops.nanmean(x, axis=-1, keepdims=True), ops.nanstd(x, axis=-1, keepdims=True),
                 ops.nanmax(x, axis=-1, keepdims=True), ops.nanmin(x, axis=-1, keepdims=True)]
        return ops.concatenate([filled, missing] + stats, axis=-1)


class Prototypes(layers.Layer):
    def __init__(self, count, gamma=0.5, **kwargs):
        super().__init__(**kwargs)
        self.count, self.gamma = count, gamma

    def build(self, input_shape):
        self.centers = self.add_weight(shape=(self.count, input_shape[-1]), initializer="random_normal",
                                       name="centers")

    def call(self, x):
        distance = ops.cdist(x, self.centers)
        return ops.exp(-self.gamma * ops.square(distance))


def main():
    rng = np.random.default_rng(52)
    x = rng.standard_normal((90, 6)).astype("float32")
    labels = (np.nansum(x[:, :3], axis=1) > 0).astype("int32") + (x[:, 3] > 1).astype("int32")
    x[rng.uniform(size=x.shape) < 0.15] = np.nan
    print("missing", int(np.isnan(x).sum()), "rows with nan", int(np.isnan(x).any(axis=1).sum()))

    summary = NanSummary()
    print("summary row", r(ops.convert_to_numpy(summary(x[:1]))[0], 3))
    inputs = keras.Input((6,))
    h = summary(inputs)
    h = Prototypes(5, name="protos")(h)
    outputs = layers.Dense(3, activation="softmax")(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x[:72], labels[:72], batch_size=18, epochs=4, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]), "accuracy", r(history.history["accuracy"]))
    probs = model.predict(x[72:], verbose=0)
    top2 = ops.in_top_k(ops.convert_to_tensor(labels[72:]), ops.convert_to_tensor(probs), 2)
    print("in top 2", int(ops.sum(ops.cast(top2, "int32"))), "of", len(probs))
    print("multi_hot", ops.convert_to_numpy(ops.multi_hot(ops.convert_to_tensor([[0, 2], [1, 1]]), 3)).tolist())

    column = ops.convert_to_tensor(x[:, 0])
    print("nan reductions", r([ops.nansum(column), ops.nanmedian(column), ops.nanpercentile(column, 90.0),
                               ops.nanvar(column), ops.nanprod(column[:6])]))
    print("nanargmax", int(ops.nanargmax(column)), "nanargmin", int(ops.nanargmin(column)))
    a = ops.convert_to_tensor(np.array([[1.0, 2.0, 4.0], [2.0, 2.5, 7.0]], "float32"))
    print("logaddexp", r(ops.logaddexp(a[0], a[1])), "corrcoef", r(ops.corrcoef(a)))
    image = ops.convert_to_tensor(rng.uniform(size=(1, 6, 6, 1)).astype("float32"))
    print("psnr", r(ops.psnr(image, ops.clip(image + 0.05, 0, 1), max_val=1.0)))
    print("adaptive pools", tuple(ops.adaptive_average_pool(image, (2, 3)).shape),
          r(ops.reshape(ops.adaptive_max_pool(image, (2, 2)), (-1,))))
    frames = ops.extract_sequences(ops.arange(10, dtype="float32"), 4, 3)
    print("extract_sequences", ops.convert_to_numpy(frames).tolist())
    data = ops.convert_to_tensor(np.array([3.0, 1.0, 4.0, 1.5, 5.0], "float32"))
    ids = ops.convert_to_tensor(np.array([0, 0, 1, 2, 2]))
    print("segments", r(ops.segment_min(data, ids, num_segments=3)), r(ops.segment_prod(data, ids, num_segments=3)))
    print("diff", r(ops.diff(data)), r(ops.diff(data, n=2)), "trapezoid", r(ops.trapezoid(data)))
    print("vander", ops.convert_to_numpy(ops.vander(ops.convert_to_tensor([1, 2, 3]), 3)).tolist())
    print("geomspace", r(ops.geomspace(1.0, 1000.0, 4)), "logspace", r(ops.logspace(0.0, 2.0, 3)))
    print("saturate_cast", ops.convert_to_numpy(ops.saturate_cast(ops.convert_to_tensor(
        [-5.0, 100.5, 300.0]), "uint8")).tolist())
    grid = ops.reshape(ops.arange(6), (2, 3))
    print("rot90", ops.convert_to_numpy(ops.rot90(grid)).tolist(),
          [ops.convert_to_numpy(p).tolist() for p in ops.array_split(ops.arange(7), 3)])
    print("round", r(ops.round(ops.convert_to_tensor([1.2345, -2.5, 0.5]), 2)),
          r(ops.round(ops.convert_to_tensor([-2.5, 0.5, 1.5]))))


if __name__ == "__main__":
    main()
