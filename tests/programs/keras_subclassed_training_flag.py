"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "customizing what happens in
fit() with PyTorch": a subclassed Model whose call(x, training=None) behaves differently in training (an
add_loss consistency penalty only then, BatchNormalization's batch statistics), built from custom layers
that compute with keras.ops (an RBF feature layer with add_weight, ops.exp / ops.square / ops.expand_dims,
and a set-attention pooling with ops.einsum / ops.softmax / ops.where / ops.logsumexp); a train_step that
loops over self.metrics (the loss tracker and the compiled metrics, updated by hand), a test_step, then
summary(), the per-epoch logs, evaluate, predict, save_weights / load_weights into a fresh model. The weights
start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops


class RBFFeatures(layers.Layer):
    def __init__(self, centers, gamma=0.5, **kwargs):
        super().__init__(**kwargs)
        self.centers, self.gamma = centers, gamma

    def build(self, input_shape):
        self.mu = self.add_weight(shape=(self.centers, input_shape[-1]), initializer="random_normal", name="mu")
        self.log_width = self.add_weight(shape=(self.centers,), initializer="zeros", name="log_width")

    def call(self, x):
        distance = ops.sum(ops.square(ops.expand_dims(x, -2) - self.mu), axis=-1)
        return ops.exp(-self.gamma * distance * ops.exp(-self.log_width))


class SetAttentionPool(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.query = self.add_weight(shape=(self.units,), initializer="ones", name="query")
        self.keys = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="keys")

    def call(self, x):
        scores = ops.einsum("bnd,du,u->bn", x, self.keys, self.query)
        present = ops.any(ops.not_equal(x, 0.0), axis=-1)
        scores = ops.where(present, scores, -1e9)
        weights = ops.softmax(scores, axis=-1)
        self.add_loss(0.001 * ops.mean(ops.logsumexp(scores, axis=-1) - ops.max(scores, axis=-1)))
        return ops.einsum("bn,bnd->bd", weights, x)


class SetRegressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rbf = RBFFeatures(6, name="rbf")
        self.pool = SetAttentionPool(4, name="pool")
        self.norm = layers.BatchNormalization(name="norm")
        self.head = layers.Dense(1, name="head")

    def call(self, x, training=None):
        features = self.rbf(x)
        pooled = self.pool(features)
        normed = self.norm(pooled, training=training)
        if training:
            self.add_loss(0.01 * ops.mean(ops.square(normed)))
        return self.head(normed)

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def sets(rng, n):
    x = rng.standard_normal((n, 5, 2)).astype("float32")
    sizes = rng.integers(2, 6, size=n)
    for row, size in zip(x, sizes):
        row[size:] = 0.0
    y = (np.abs(x).sum(axis=(1, 2)) / sizes).reshape(-1, 1).astype("float32")
    return x, y


def make(x, seed):
    model = SetRegressor(name="set_regressor")
    model(x[:2])
    init = np.random.default_rng(seed)
    for w in model.weights:
        if w.trainable:
            w.assign(init.uniform(-0.6, 0.6, size=tuple(w.shape)).astype("float32"))
    return model


def main():
    rng = np.random.default_rng(27)
    x, y = sets(rng, 64)
    model = make(x, 4)
    print([(w.path, tuple(w.shape), w.trainable) for w in model.weights])
    print("eval losses", len(model.losses))
    model(x[:8], training=True)
    print("train losses", len(model.losses), ["%.6f" % float(ops.convert_to_numpy(v)) for v in model.losses])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    history = model.fit(x[:48], y[:48], epochs=4, batch_size=16, shuffle=False, verbose=0,
                        validation_data=(x[48:], y[48:]))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    model.summary()
    print("metrics", [m.name for m in model.metrics])
    print("evaluate", {k: "%.5f" % v for k, v in sorted(model.evaluate(x, y, batch_size=32, verbose=0,
                                                                        return_dict=True).items())})
    predicted = model.predict(x[:5], verbose=0)
    print("predict", np.round(predicted.ravel(), 5).tolist())
    moving = ops.convert_to_numpy(model.norm.moving_mean)
    print("moving mean", np.round(moving, 5).tolist())

    model.save_weights("sets.weights.h5")
    fresh = make(x, 99)
    fresh.load_weights("sets.weights.h5")
    print("reloaded", bool(np.allclose(fresh.predict(x[:5], verbose=0), predicted, atol=1e-6)))


if __name__ == "__main__":
    main()
