"""A Keras program, written for Keras 3: a subclassed Model overriding `train_step` and `test_step` with
`compute_loss` and `compute_metrics` (and a loss tracker of its own), trained with `fit` and validation data; a
`keras.Metric` subclass keeping its state with `add_variable` (a weighted hit rate and a running maximum of the
error), reset between epochs; a `keras.losses.Loss` subclass with a parameter, used under each `reduction`
("sum", "sum_over_batch_size", "mean_with_sample_weight", "none") standalone with sample weights and in compile;
the metric's variables, configs and a from_config round trip are printed. Weights are set from NumPy, so real
Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


class ScaledLogCosh(keras.losses.Loss):
    def __init__(self, scale=1.0, reduction="sum_over_batch_size", name="scaled_log_cosh"):
        super().__init__(reduction=reduction, name=name)
        self.scale = scale

    def call(self, y_true, y_pred):
        d = (y_pred - y_true) * self.scale
        return ops.mean(d + ops.softplus(-2.0 * d) - ops.log(2.0), axis=-1)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


class HitRateAndWorst(keras.metrics.Metric):
    def __init__(self, tolerance=0.5, name="hit_rate", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tolerance = tolerance
        self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
        self.weight_sum = self.add_variable(shape=(), initializer="zeros", name="weight_sum")
        self.worst = self.add_variable(shape=(), initializer="zeros", name="worst")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = ops.max(ops.abs(ops.cast(y_true, "float32") - y_pred), axis=-1)
        w = ops.ones_like(error) if sample_weight is None else ops.cast(ops.reshape(sample_weight, (-1,)),
                                                                          "float32")
        self.hits.assign_add(ops.sum(ops.cast(error < self.tolerance, "float32") * w))
        self.weight_sum.assign_add(ops.sum(w))
        self.worst.assign(ops.maximum(self.worst, ops.max(error)))

    def result(self):
        return ops.divide_no_nan(self.hits, self.weight_sum)

    def get_config(self):
        return {**super().get_config(), "tolerance": self.tolerance}


class Regressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(10, activation="tanh", name="hidden")
        self.out = layers.Dense(2, name="out")
        self.tracker = keras.metrics.Mean(name="loss")

    def call(self, x):
        return self.out(self.hidden(x))

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        self.zero_grad()
        loss.backward()
        self.optimizer.apply([v.value.grad for v in self.trainable_weights], self.trainable_weights)
        self.tracker.update_state(loss)
        logs = self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
        return {**logs, "loss": self.tracker.result()}

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self.tracker.update_state(loss)
        logs = self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)
        return {**logs, "loss": self.tracker.result()}

    @property
    def metrics(self):
        return [self.tracker] + super().metrics[1:]


def main():
    rng = np.random.default_rng(2404)
    x = rng.normal(size=(48, 4)).astype("float32")
    y = np.stack([x[:, 0] - x[:, 1], np.tanh(x[:, 2] * x[:, 3])], axis=1).astype("float32")
    w = rng.uniform(0.2, 1.5, size=(48,)).astype("float32")

    for reduction in ("sum", "sum_over_batch_size", "mean_with_sample_weight", "none", None):
        loss = ScaledLogCosh(scale=2.0, reduction=reduction)
        print("loss", reduction, r(loss(y[:5], y[:5] * 0.5, sample_weight=w[:5])))
    again = ScaledLogCosh.from_config(ScaledLogCosh(3.0, reduction="sum").get_config())
    print("loss config", sorted(again.get_config().items()))

    metric = HitRateAndWorst(tolerance=0.8)
    metric.update_state(y[:10], y[:10] * 0.2, sample_weight=w[:10])
    print("metric", r(metric.result()), [(v.name, r(v)) for v in metric.variables])
    metric.reset_state()
    print("metric reset", r(metric.result()), r(metric.worst))

    model = Regressor(name="regressor")
    model(x[:1])
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.5, 0.5, v.shape).astype("float32") for v in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=ScaledLogCosh(scale=1.5),
                  metrics=[HitRateAndWorst(tolerance=0.5), "mae"])
    history = model.fit(x[:36], y[:36], sample_weight=w[:36], batch_size=12, epochs=4, verbose=0, shuffle=False,
                        validation_data=(x[36:], y[36:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(x, y, verbose=0)))
    print("evaluate weighted", {k: round(v, 5) for k, v in sorted(model.evaluate(x, y, sample_weight=w, verbose=0,
                                                                             return_dict=True).items())})
    print("metrics", [m.name for m in model.metrics])
    print("predict", r(model.predict(x[:3], verbose=0)))

    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=ScaledLogCosh(scale=1.5, reduction="sum"))
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    print("sum reduction losses", r(history.history["loss"]))


if __name__ == "__main__":
    main()
