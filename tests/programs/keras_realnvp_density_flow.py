"""A Keras program, written for Keras 3, after keras.io's "Density estimation using Real NVP" example: affine
coupling layers built as small functional models with L2-regularised Dense layers (a scale net ending in tanh
and a translation net), alternating binary masks, a Model subclass whose call runs the flow in either direction
and returns the log-determinant of the Jacobian, a log_loss of a standard-normal prior, a train_step / test_step
pair with a Mean loss tracker, fit with validation_split on two-moons-like data, then the inverse pass from the
data to the latent space and back. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import math

import numpy as np
import torch

import keras
from keras import layers, ops, regularizers


def coupling(input_shape, hidden=16, reg=0.01):
    inputs = keras.Input((input_shape,))
    t = layers.Dense(hidden, activation="relu", kernel_regularizer=regularizers.l2(reg))(inputs)
    t = layers.Dense(input_shape, activation="linear", kernel_regularizer=regularizers.l2(reg))(t)
    s = layers.Dense(hidden, activation="relu", kernel_regularizer=regularizers.l2(reg))(inputs)
    s = layers.Dense(input_shape, activation="tanh", kernel_regularizer=regularizers.l2(reg))(s)
    return keras.Model(inputs=inputs, outputs=[s, t])


class RealNVP(keras.Model):
    def __init__(self, num_coupling_layers):
        super().__init__()
        self.num_coupling_layers = num_coupling_layers
        self.masks = ops.convert_to_tensor(np.array([[0, 1], [1, 0]] * (num_coupling_layers // 2), dtype="float32"))
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.layers_list = [coupling(2) for _ in range(num_coupling_layers)]

    @property
    def metrics(self):
        return [self.loss_tracker]

    def call(self, x, training=True):
        log_det_inv = 0
        direction = 1
        if training:
            direction = -1
        for i in range(self.num_coupling_layers)[::direction]:
            x_masked = x * self.masks[i]
            reversed_mask = 1 - self.masks[i]
            s, t = self.layers_list[i](x_masked)
            s = s * reversed_mask
            t = t * reversed_mask
            gate = (direction - 1) / 2
            x = (reversed_mask * (x * ops.exp(direction * s) + direction * t * ops.exp(gate * s))
                 + x_masked)
            log_det_inv += gate * ops.sum(s, axis=1)
        return x, log_det_inv

    def log_loss(self, x):
        y, logdet = self(x)
        log_prob = ops.sum(-0.5 * ops.square(y) - 0.5 * math.log(2 * math.pi), axis=1)
        return -ops.mean(log_prob + logdet)

    def train_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        self.zero_grad()
        loss = self.log_loss(x) + ops.sum(self.losses)
        loss.backward()
        trainable = self.trainable_weights
        grads = [v.value.grad for v in trainable]
        with torch.no_grad():
            self.optimizer.apply(grads, trainable)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        loss = self.log_loss(x)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


def moons(rng, n):
    angle = rng.uniform(0, np.pi, n)
    upper = rng.uniform(size=n) > 0.5
    x = np.where(upper, np.cos(angle), 1 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    points = np.stack([x, y], axis=1) + 0.08 * rng.normal(size=(n, 2))
    return ((points - points.mean(0)) / points.std(0)).astype("float32")


def main():
    rng = np.random.default_rng(0)
    data = moons(rng, 120)
    model = RealNVP(num_coupling_layers=4)
    model(data[:2])
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("weights", len(model.weights), "params", model.count_params(), "losses", len(model.losses))
    print("initial log_loss", "%.5f" % float(ops.convert_to_numpy(model.log_loss(data))))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005))
    history = model.fit(data, batch_size=32, epochs=4, verbose=0, validation_split=0.25, shuffle=False)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("val_loss", ["%.5f" % v for v in history.history["val_loss"]])
    print("evaluate", "%.5f" % model.evaluate(data, batch_size=40, verbose=0))

    z, logdet = model(data[:4])
    print("latent", np.round(ops.convert_to_numpy(z).astype("float64"), 4).tolist())
    print("log det", np.round(ops.convert_to_numpy(logdet).astype("float64"), 4).tolist())
    back, _ = model.predict(ops.convert_to_numpy(z), verbose=0)
    print("round trip error", "%.6f" % float(np.abs(back - data[:4]).max()))
    samples, _ = model.predict(np.random.default_rng(2).normal(size=(5, 2)).astype("float32"), verbose=0)
    print("samples", np.round(samples.astype("float64"), 4).tolist())
    print("regularization", "%.5f" % float(ops.convert_to_numpy(ops.sum(model.losses))))


if __name__ == "__main__":
    main()
