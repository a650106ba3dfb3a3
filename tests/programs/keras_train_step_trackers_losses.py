"""A Keras program, written for Keras 3: a Model subclass that overrides train_step and test_step the way the
"customizing what happens in fit" guide does on the torch backend, with its own Mean trackers listed in the
metrics property, compute_loss and compute_metrics, a layer that adds an activity penalty with add_loss, a
custom metric that counts samples, sample weights passed through fit, and a second model that keeps the default
train_step but overrides compute_loss. History keys, evaluate's dict, metrics_names and the trackers' states are
printed. The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops


def set_weights(model, seed, scale=0.4):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


class Penalised(layers.Layer):
    def __init__(self, units, rate, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units, activation="tanh")
        self.rate = rate

    def call(self, x):
        h = self.dense(x)
        self.add_loss(self.rate * ops.mean(ops.square(h)))
        return h


class SampleCount(keras.metrics.Metric):
    def __init__(self, name="samples", **kwargs):
        super().__init__(name=name, **kwargs)
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.count.assign_add(ops.cast(ops.shape(y_true)[0], "float32"))

    def result(self):
        return self.count


class Tracked(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.body = Penalised(6, 0.1, name="body")
        self.out = layers.Dense(1, name="out")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.penalty_tracker = keras.metrics.Mean(name="penalty")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def call(self, x):
        return self.out(self.body(x))

    @property
    def metrics(self):
        return [self.loss_tracker, self.penalty_tracker, self.mae_metric]

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        loss.backward()
        grads = [v.value.grad for v in self.trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(grads, self.trainable_weights)
        self.loss_tracker.update_state(loss)
        self.penalty_tracker.update_state(ops.sum(self.losses))
        self.mae_metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}


class HalvedLoss(keras.Model):
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        base = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return 0.5 * base


def main():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(24, 4)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [0.3], [0.8]], "float32") + 0.1).astype("float32")
    weights = np.linspace(0.5, 1.5, 24).astype("float32")

    model = Tracked()
    model(x[:1])
    set_weights(model, 1)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    print("metrics before fit", [m.name for m in model.metrics])
    history = model.fit(x, y, sample_weight=weights, batch_size=8, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[:8], y[:8]))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("metrics_names", model.metrics_names)
    result = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    print("evaluate", {k: "%.5f" % v for k, v in sorted(result.items())})
    print("tracker count", "%.1f" % float(model.loss_tracker.count.numpy()),
          "penalty now", "%.5f" % float(ops.convert_to_numpy(ops.sum(model.losses))))
    print("predict", np.round(model.predict(x[:3], verbose=0)[:, 0], 5).tolist())

    inputs = keras.Input((4,))
    hidden = Penalised(5, 0.05, name="pen")(inputs)
    halved = HalvedLoss(inputs, layers.Dense(1)(hidden))
    set_weights(halved, 2)
    halved.compile(optimizer=keras.optimizers.Adam(0.02), loss="mae",
                   metrics=[SampleCount(), keras.metrics.RootMeanSquaredError(name="rmse")])
    history = halved.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("halved", key, ["%.5f" % v for v in history.history[key]])
    print("halved evaluate", ["%.5f" % v for v in halved.evaluate(x, y, batch_size=12, verbose=0)])
    print("halved metrics", [m.name for m in halved.metrics], halved.metrics_names)
    halved.reset_metrics()
    print("after reset", [type(m).__name__ for m in halved.metrics])
    print("layer losses", len(halved.losses), "%.5f" % float(ops.convert_to_numpy(halved.losses[0])))


if __name__ == "__main__":
    main()
