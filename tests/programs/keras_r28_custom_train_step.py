"""A Keras program, written for Keras 3: a subclassed model with its own `train_step` and `test_step` (the torch
way: zero_grad, backward, apply_gradients) that tracks a custom stateful metric and a `Mean` loss tracker, listed
through the `metrics` property; a custom callback reading the logs; fit with validation, evaluate, predict,
`train_on_batch`/`test_on_batch`, and the trackers' states after `reset_metrics`."""
import numpy as np
import torch

import keras
from keras import layers, ops


class SignAgreement(keras.metrics.Metric):
    """The weighted fraction of predictions with the target's sign."""

    def __init__(self, name="sign_agreement", **kwargs):
        super().__init__(name=name, **kwargs)
        self.hits = self.add_weight(name="hits", initializer="zeros")
        self.total = self.add_weight(name="total", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        agree = ops.cast(ops.equal(ops.sign(y_true), ops.sign(y_pred)), "float32")
        weight = ops.ones_like(agree) if sample_weight is None else ops.cast(sample_weight, "float32")
        self.hits.assign_add(ops.sum(agree * ops.reshape(weight, ops.shape(agree))))
        self.total.assign_add(ops.cast(ops.size(agree), "float32"))

    def result(self):
        return ops.divide_no_nan(self.hits, self.total)


class Regressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(12, activation="gelu", name="hidden")
        self.out = layers.Dense(1, name="out")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.sign = SignAgreement()

    def call(self, inputs, training=False):
        return self.out(self.hidden(inputs))

    @property
    def metrics(self):
        return [self.loss_tracker, self.sign]

    def train_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        y = ops.convert_to_tensor(y)   # train_on_batch hands NumPy targets through
        self.zero_grad()
        prediction = self(x, training=True)
        loss = ops.mean(ops.abs(prediction - y)) + 0.1 * ops.mean(ops.square(prediction - y))
        loss.backward()
        weights = self.trainable_weights
        with torch.no_grad():
            self.optimizer.apply_gradients(zip([w.value.grad for w in weights], weights))
        self.loss_tracker.update_state(loss)
        self.sign.update_state(y, prediction)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        y = ops.convert_to_tensor(y)
        prediction = self(x, training=False)
        self.loss_tracker.update_state(ops.mean(ops.abs(prediction - y)) + 0.1 * ops.mean(ops.square(prediction - y)))
        self.sign.update_state(y, prediction)
        return {m.name: m.result() for m in self.metrics}


class Reporter(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        print("epoch", epoch, sorted((k, round(float(v), 4)) for k, v in logs.items()))


def main():
    keras.utils.set_random_seed(2806)
    rng = np.random.default_rng(2806)
    x = rng.normal(size=(40, 4)).astype("float32")
    y = (x[:, :1] - 0.7 * x[:, 1:2] + 0.2 * rng.normal(size=(40, 1))).astype("float32")
    model = Regressor(name="own_steps")
    model.compile(optimizer=keras.optimizers.Adam(0.02))
    history = model.fit(x[:32], y[:32], validation_data=(x[32:], y[32:]), batch_size=8, epochs=3, verbose=0,
                        callbacks=[Reporter()])
    print("history", sorted(history.history))
    print("evaluate", [round(float(v), 4) for v in model.evaluate(x, y, batch_size=10, verbose=0)])
    print("evaluate dict", sorted((k, round(float(v), 4)) for k, v in
                                  model.evaluate(x, y, verbose=0, return_dict=True).items()))
    print("predict", np.round(model.predict(x[:3], verbose=0)[:, 0], 4).tolist())
    print("train_on_batch", [round(float(v), 4) for v in model.train_on_batch(x[:8], y[:8])])
    print("test_on_batch", sorted((k, round(float(v), 4)) for k, v in
                                  model.test_on_batch(x[8:16], y[8:16], return_dict=True).items()))
    print("metric states", [round(float(v.numpy()), 4) for v in model.sign.variables])
    model.reset_metrics()
    print("after reset", [float(v.numpy()) for v in model.sign.variables], float(model.loss_tracker.result()))
    print("weights", [w.path for w in model.weights])


if __name__ == "__main__":
    main()
