"""A Keras program, written for Keras 3, after keras.io's guide on custom metrics: Metric subclasses with
add_variable state, update_state (with sample_weight), result and reset_state; a MeanMetricWrapper around a plain
function; Sum and Mean; metrics' get_config / from_config, variables and their names;
custom metrics passed to compile, their values in fit history and evaluate(return_dict=True), and reset between
epochs. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


class CategoricalTruePositives(keras.metrics.Metric):
    """Counts samples whose argmax equals their sparse label."""

    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), initializer="zeros", name="ctp")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(ops.equal(ops.cast(y_true, "int32"), ops.cast(y_pred, "int32")), "float32")
        if sample_weight is not None:
            values = values * ops.reshape(ops.cast(sample_weight, "float32"), (-1, 1))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives

    def reset_state(self):
        self.true_positives.assign(0.0)


class RangeTracker(keras.metrics.Metric):
    """Tracks the smallest and largest prediction seen."""

    def __init__(self, name="range", **kwargs):
        super().__init__(name=name, **kwargs)
        self.low = self.add_variable(shape=(), initializer=keras.initializers.Constant(1e9), name="low")
        self.high = self.add_variable(shape=(), initializer=keras.initializers.Constant(-1e9), name="high")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.low.assign(ops.minimum(self.low, ops.min(y_pred)))
        self.high.assign(ops.maximum(self.high, ops.max(y_pred)))

    def result(self):
        return self.high - self.low


def margin(y_true, y_pred):
    return ops.max(y_pred, axis=-1) - ops.min(y_pred, axis=-1)


def main():
    metric = CategoricalTruePositives()
    y_true = np.array([[0], [1], [2], [1]])
    y_pred = np.array([[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.6, 0.2, 0.2], [0.1, 0.8, 0.1]], "float32")
    metric.update_state(y_true, y_pred)
    print("ctp", float(metric.result()), [v.name for v in metric.variables])
    metric.update_state(y_true, y_pred, sample_weight=np.array([1.0, 0.5, 1.0, 2.0]))
    print("ctp weighted", float(metric.result()))
    metric.reset_state()
    print("ctp reset", float(metric.result()), "config", sorted(metric.get_config()))

    wrapped = keras.metrics.MeanMetricWrapper(fn=margin, name="margin")
    wrapped.update_state(y_true, y_pred)
    print("wrapper", r(wrapped.result()), sorted(wrapped.get_config()))
    wrapped.update_state(y_true, y_pred, sample_weight=np.array([0.0, 1.0, 1.0, 0.0]))
    print("wrapper weighted", r(wrapped.result()), [v.name for v in wrapped.variables])
    total = keras.metrics.Sum()
    total.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 0.0, 2.0])
    mean = keras.metrics.Mean()
    mean.update_state([[1.0, 2.0], [3.0, 5.0]], sample_weight=[1.0, 3.0])
    print("sum", float(total.result()), "mean", r(mean.result()), "dtype", mean.dtype)
    clone = CategoricalTruePositives.from_config(metric.get_config())
    print("clone", clone.name, float(clone.result()))

    x = np.stack([np.linspace(-1, 1, 24), np.cos(np.arange(24.0))], 1).astype("float32")
    y = (np.arange(24) % 3)[:, None]
    model = keras.Sequential([keras.Input((2,)), layers.Dense(3, activation="softmax")])
    model.set_weights([np.array([[1.0, -0.5, 0.2], [0.3, 0.8, -0.6]], "float32"), np.zeros(3, "float32")])
    model.compile(optimizer=keras.optimizers.SGD(0.3), loss="sparse_categorical_crossentropy",
                  metrics=[CategoricalTruePositives(), RangeTracker(), keras.metrics.MeanMetricWrapper(margin, "m")])
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("history", key, r(history.history[key]))
    print("evaluate", {k: round(float(v), 4) for k, v in model.evaluate(x, y, batch_size=8, verbose=0,
                                                                         return_dict=True).items()})
    print("metrics names", [m.name for m in model.metrics])


if __name__ == "__main__":
    main()
