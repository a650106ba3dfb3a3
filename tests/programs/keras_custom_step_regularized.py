"""A Keras program, written for Keras 3 on the torch backend: a subclassed keras.Model with its own
train_step / test_step / predict_step (self.compute_loss, loss.backward, optimizer.apply under torch.no_grad,
Mean trackers for the parts of the loss, a metric updated by hand, reset by Keras each epoch), whose custom
layer adds an activity penalty with add_loss and a kernel regularizer, so model.losses feeds compute_loss.
The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops


class SparseDense(layers.Layer):
    def __init__(self, units, penalty=0.01, **kwargs):
        super().__init__(**kwargs)
        self.units, self.penalty = units, penalty

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                      regularizer=keras.regularizers.L2(0.02), name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        y = ops.relu(ops.matmul(x, self.kernel) + self.bias)
        self.add_loss(self.penalty * ops.mean(ops.abs(y)))
        return y

    def get_config(self):
        return {**super().get_config(), "units": self.units, "penalty": self.penalty}


class Regressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = SparseDense(12, penalty=0.05)
        self.head = layers.Dense(1)
        self.total_tracker = keras.metrics.Mean(name="total")
        self.extra_tracker = keras.metrics.Mean(name="extra")
        self.mae = keras.metrics.MeanAbsoluteError(name="mae")

    def call(self, x):
        return self.head(self.hidden(x))

    @property
    def metrics(self):
        return [self.total_tracker, self.extra_tracker, self.mae]

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        total = self.compute_loss(x=x, y=y, y_pred=y_pred)
        extra = sum(self.losses)
        total.backward()
        weights = self.trainable_weights
        gradients = [w.value.grad for w in weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, weights)
        self.total_tracker.update_state(total)
        self.extra_tracker.update_state(extra)
        self.mae.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.total_tracker.update_state(self.compute_loss(x=x, y=y, y_pred=y_pred))
        self.extra_tracker.update_state(sum(self.losses))
        self.mae.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        y = self(x, training=False)
        return {"value": y, "positive": ops.cast(y > 0, "float32")}


def main():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((64, 5)).astype("float32")
    y = (np.abs(x[:, :1]) * 2 - x[:, 1:2] + 0.05 * rng.standard_normal((64, 1))).astype("float32")

    model = Regressor()
    model(x[:2])
    init = np.random.default_rng(1)
    for w in model.weights:
        w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))
    print([(w.name, tuple(w.shape)) for w in model.weights])
    model(x[:8])
    print("losses", len(model.losses), ["%.5f" % float(ops.convert_to_numpy(v)) for v in model.losses])

    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.5), loss="mse")
    history = model.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0, validation_data=(x[:24], y[:24]))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = model.evaluate(x, y, batch_size=20, verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(results.items())})
    predicted = model.predict(x[:5], verbose=0)
    print(sorted(predicted), np.round(predicted["value"].ravel(), 5).tolist(), predicted["positive"].ravel().tolist())
    print(model.hidden.get_config()["units"], model.hidden.get_config()["penalty"])


if __name__ == "__main__":
    main()
