"""A Keras program, written for Keras 3: user-written training pieces together — a registered Loss subclass
(a pinball/quantile loss over several quantiles, with a reduction argument and get_config), a registered
Metric subclass keeping interval coverage and width in add_variable state with sample weights, a callback that
counts batches, reads logs on train/test/predict hooks, lowers the learning rate by hand and stops training
through model.stop_training; fit with class-free sample weights and weighted_metrics, evaluate, predict, the
loss called directly under each reduction, and the model saved and reloaded with its custom objects. Weights
are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

QUANTILES = [0.1, 0.5, 0.9]


@keras.saving.register_keras_serializable(package="r22")
class PinballLoss(keras.losses.Loss):
    def __init__(self, quantiles=QUANTILES, name="pinball", reduction="sum_over_batch_size", **kwargs):
        super().__init__(name=name, reduction=reduction, **kwargs)
        self.quantiles = list(quantiles)

    def call(self, y_true, y_pred):
        q = ops.convert_to_tensor(self.quantiles, dtype=y_pred.dtype)
        error = y_true - y_pred
        return ops.mean(ops.maximum(q * error, (q - 1.0) * error), axis=-1)

    def get_config(self):
        return {**super().get_config(), "quantiles": self.quantiles}


@keras.saving.register_keras_serializable(package="r22")
class IntervalCoverage(keras.metrics.Metric):
    """Weighted share of targets inside [first, last quantile] and the mean interval width."""

    def __init__(self, name="coverage", **kwargs):
        super().__init__(name=name, **kwargs)
        self.inside = self.add_variable(shape=(), initializer="zeros", name="inside")
        self.width = self.add_variable(shape=(), initializer="zeros", name="width")
        self.weight = self.add_variable(shape=(), initializer="zeros", name="weight")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.reshape(ops.cast(y_true, "float32"), (-1,))
        low, high = y_pred[:, 0], y_pred[:, -1]
        w = ops.ones_like(low) if sample_weight is None else ops.reshape(ops.cast(sample_weight, "float32"), (-1,))
        hit = ops.cast(ops.logical_and(y_true >= low, y_true <= high), "float32")
        self.inside.assign_add(ops.sum(hit * w))
        self.width.assign_add(ops.sum((high - low) * w))
        self.weight.assign_add(ops.sum(w))

    def result(self):
        return ops.divide_no_nan(self.inside, self.weight)

    def reset_state(self):
        for v in self.variables:
            v.assign(0.0)


class Watcher(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches, self.tests, self.predicted = 0, 0, 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1

    def on_test_end(self, logs=None):
        self.tests += 1
        print("test end", {k: "%.5f" % v for k, v in sorted(logs.items())})

    def on_predict_end(self, logs=None):
        self.predicted += 1

    def on_epoch_end(self, epoch, logs=None):
        lr = float(ops.convert_to_numpy(self.model.optimizer.learning_rate))
        self.model.optimizer.learning_rate = lr * 0.7
        print("epoch", epoch, "lr %.5f" % lr, {k: "%.5f" % v for k, v in sorted(logs.items())})
        if logs["val_coverage"] > 0.6 and epoch >= 3:
            print("coverage reached, stopping")
            self.model.stop_training = True


def main():
    rng = np.random.default_rng(12)
    x = rng.uniform(-2, 2, size=(90, 3)).astype("float32")
    y = (np.sin(x[:, :1] * 1.5) + 0.3 * x[:, 1:2] + 0.4 * rng.normal(size=(90, 1)) * (1 + np.abs(x[:, 2:3]))
         ).astype("float32")
    weight = np.where(np.abs(x[:, 2]) > 1.0, 2.0, 1.0).astype("float32")

    model = keras.Sequential([keras.Input((3,)), layers.Dense(12, activation="gelu", name="h"),
                              layers.Dense(len(QUANTILES), name="quantiles")], name="quantile_net")
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.weights])
    loss = PinballLoss()
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss, metrics=[IntervalCoverage()],
                  weighted_metrics=[keras.metrics.MeanAbsoluteError(name="wmae")])
    watcher = Watcher()
    history = model.fit(x[:72], y[:72], sample_weight=weight[:72], validation_data=(x[72:], y[72:], weight[72:]),
                        batch_size=18, epochs=8, callbacks=[watcher], verbose=0, shuffle=False)
    print("epochs", len(history.history["loss"]), "batches", watcher.batches, "tests", watcher.tests)
    print("history keys", sorted(history.history))
    print("coverage state", [(v.name, round(float(ops.convert_to_numpy(v)), 4))
                             for v in model.metrics[1].metrics[0].variables]
          if hasattr(model.metrics[1], "metrics") else None)
    print("evaluate", {k: round(v, 5) for k, v in model.evaluate(x, y, sample_weight=weight, verbose=0,
                                                                 return_dict=True).items()})
    pred = model.predict(x[:5], verbose=0, callbacks=[watcher])
    print("predict", np.round(pred, 4).tolist(), "predict calls", watcher.predicted)

    y_true, y_pred = ops.convert_to_tensor(y[:6]), ops.convert_to_tensor(model.predict(x[:6], verbose=0))
    for reduction in ("sum_over_batch_size", "sum", "mean", "none", None):
        value = PinballLoss(reduction=reduction)(y_true, y_pred, sample_weight=np.linspace(0.5, 1.0, 6))
        print("reduction", reduction, np.round(ops.convert_to_numpy(value), 5).tolist())
    print("loss config", {k: v for k, v in sorted(loss.get_config().items()) if k != "dtype"})
    metric = IntervalCoverage()
    metric.update_state(y[:10], ops.convert_to_tensor(pred[:1].repeat(10, 0)), sample_weight=weight[:10])
    print("metric", "%.5f" % float(metric.result()), [(v.path, round(float(ops.convert_to_numpy(v)), 4))
                                                      for v in metric.variables])

    model.save("quantiles.keras")
    again = keras.models.load_model("quantiles.keras")
    print("reloaded", type(again.loss).__name__, again.loss.quantiles,
          bool(np.allclose(again.predict(x[:5], verbose=0), pred, atol=1e-6)))
    print("reloaded evaluate", ["%.5f" % v for v in again.evaluate(x, y, verbose=0)])


if __name__ == "__main__":
    main()
