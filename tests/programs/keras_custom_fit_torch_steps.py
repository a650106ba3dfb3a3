"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Customizing what happens in
fit() with PyTorch": a Model subclass whose train_step unpacks (x, y, sample_weight), calls self.zero_grad,
computes self.compute_loss, steps the optimizer with optimizer.apply on the trainable weights' .value.grad,
updates self.compiled_metrics through self.compute_metrics and returns {m.name: m.result()}; a test_step that
updates a loss tracker and the compiled metrics by hand; a predict_step returning a dict; a model with its own
Mean / MeanAbsoluteError trackers listed in its metrics property (so reset each epoch); model.metrics_names,
get_metrics_result, evaluate(return_dict=True), and a model compiled with no loss that computes its own.
Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np
import torch

import keras
from keras import layers, ops


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        self.zero_grad()
        loss.backward()
        weights = self.trainable_weights
        gradients = [v.value.grad for v in weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, weights)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, training=False)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def predict_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        y = self(x, training=False)
        return {"value": y, "doubled": 2 * y}


class OwnTrackers(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(4, activation="relu")
        self.out = layers.Dense(1)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def call(self, x):
        return self.out(self.hidden(x))

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]

    def train_step(self, data):
        x, y = data
        y_pred = self(x, training=True)
        loss = ops.mean(ops.square(y_pred - y))
        self.zero_grad()
        loss.backward()
        with torch.no_grad():
            self.optimizer.apply([v.value.grad for v in self.trainable_weights], self.trainable_weights)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(ops.mean(ops.square(y_pred - y)))
        self.mae_metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def numbers(logs):
    return {k: round(float(v), 4) for k, v in sorted(logs.items())}


def main():
    x = np.stack([np.linspace(-1, 1, 24), np.cos(np.arange(24.0) / 2), np.sin(np.arange(24.0) / 5)], 1).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [2.0]]) + 0.1).astype("float32")
    weights = np.linspace(0.5, 1.5, 24).astype("float32")

    inputs = keras.Input(shape=(3,))
    outputs = layers.Dense(1)(layers.Dense(5, activation="tanh")(inputs))
    model = CustomModel(inputs, outputs)
    rng = np.random.default_rng(4)
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="mse", metrics=["mae", keras.metrics.RootMeanSquaredError()])
    print("metrics before fit", [m.name for m in model.metrics])
    history = model.fit(x, y, sample_weight=weights, batch_size=6, epochs=3, shuffle=False, verbose=0)
    print("history keys", sorted(history.history))
    for key in sorted(history.history):
        print("  ", key, np.round(history.history[key], 4).tolist())
    print("metrics after fit", [m.name for m in model.metrics], model.metrics_names)
    print("metrics result", numbers(model.get_metrics_result()))
    print("evaluate", numbers(model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)))
    print("evaluate list", np.round(model.evaluate(x, y, batch_size=8, verbose=0), 4).tolist())
    predicted = model.predict(x[:5], batch_size=2, verbose=0)
    print("predict", sorted(predicted), np.round(predicted["doubled"].ravel(), 4).tolist())
    print("train_on_batch", numbers(model.train_on_batch(x[:6], y[:6], return_dict=True)))

    own = OwnTrackers()
    own.build((None, 3))
    print("built by build()", own.built, len(own.weights))
    own(x[:1])
    own.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in own.get_weights()])
    own.compile(optimizer=keras.optimizers.SGD(0.05))
    history = own.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("own", sorted(history.history), np.round(history.history["loss"], 4).tolist(),
          np.round(history.history["mae"], 4).tolist())
    print("own metrics", [m.name for m in own.metrics], "count", int(own.loss_tracker.count.numpy()))
    print("own evaluate", numbers(own.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)))
    own.reset_metrics()
    print("after reset", float(own.loss_tracker.result()), int(own.loss_tracker.count.numpy()))
