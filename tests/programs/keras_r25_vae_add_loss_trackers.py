"""A Keras program, written for Keras 3: a variational autoencoder on small vectors, with the KL term added by a
sampling layer through `self.add_loss` (scaled by a `beta` argument) and the reparameterisation drawn from the
layer's own `keras.random.SeedGenerator`; the model is a subclassed `keras.Model` whose `train_step` and
`test_step` track the total, reconstruction and KL losses with `keras.metrics.Mean` objects listed in its
`metrics` property, so `fit` and `evaluate` report them and reset them each epoch; `model.losses` after a call,
the trackers' `result()` and `reset_state()`, a second `fit` continuing, and deterministic encodings via
`training=False` (the sampling layer returns the mean then)."""
import numpy as np

import keras
from keras import layers, ops


class Sampling(layers.Layer):
    def __init__(self, beta=1.0, seed=7, **kwargs):
        super().__init__(**kwargs)
        self.beta = beta
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, mean, log_var, training=None):
        kl = -0.5 * ops.mean(ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1))
        self.add_loss(self.beta * kl)
        if not training:
            return mean
        noise = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * noise


class VAE(keras.Model):
    def __init__(self, latent=2, beta=0.5, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(12, activation="relu", name="enc_hidden")
        self.mean = layers.Dense(latent, name="z_mean")
        self.log_var = layers.Dense(latent, name="z_log_var")
        self.sampling = Sampling(beta=beta, name="sampling")
        self.decoder_hidden = layers.Dense(12, activation="relu", name="dec_hidden")
        self.decoder_out = layers.Dense(8, name="dec_out")
        self.total_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_tracker, self.reconstruction_tracker, self.kl_tracker]

    def encode(self, x, training=False):
        h = self.hidden(x)
        return self.sampling(self.mean(h), self.log_var(h), training=training)

    def call(self, x, training=None):
        return self.decoder_out(self.decoder_hidden(self.encode(x, training=training)))

    def _loss_terms(self, x, training):
        reconstruction = self(x, training=training)
        reconstruction_loss = ops.mean(ops.sum(ops.square(x - reconstruction), axis=-1))
        kl_loss = ops.sum(self.losses)
        return reconstruction_loss, kl_loss

    def _report(self, reconstruction_loss, kl_loss):
        self.total_tracker.update_state(reconstruction_loss + kl_loss)
        self.reconstruction_tracker.update_state(reconstruction_loss)
        self.kl_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        reconstruction_loss, kl_loss = self._loss_terms(x, training=True)
        total = reconstruction_loss + kl_loss
        self.zero_grad()
        total.backward()
        self.optimizer.apply([v.value.grad for v in self.trainable_weights], self.trainable_weights)
        return self._report(reconstruction_loss, kl_loss)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self._report(*self._loss_terms(x, training=False))


def main():
    keras.utils.set_random_seed(2506)
    rng = np.random.default_rng(2506)
    latent = rng.normal(size=(96, 2)).astype("float32")
    mixing = rng.normal(size=(2, 8)).astype("float32")
    x = (np.tanh(latent @ mixing) + 0.05 * rng.normal(size=(96, 8))).astype("float32")

    model = VAE(latent=2, beta=0.5, name="vae")
    model(x[:1])
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("weights", len(model.weights), [w.path for w in model.trainable_weights][:4])
    model(x[:4], training=False)
    print("losses after call", [round(float(ops.convert_to_numpy(v)), 5) for v in model.losses])
    print("metrics before fit", [m.name for m in model.metrics])

    model.compile(optimizer=keras.optimizers.Adam(0.01))
    history = model.fit(x[:80], batch_size=16, epochs=4, verbose=0, shuffle=False, validation_data=(x[80:],))
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("trackers after fit", [round(float(m.result()), 4) for m in model.metrics],
          [round(float(m.count), 1) for m in model.metrics])
    print("evaluate", {k: round(float(v), 4) for k, v in
                       sorted(model.evaluate(x[80:], verbose=0, return_dict=True).items())})
    for m in model.metrics:
        m.reset_state()
    print("trackers reset", [float(m.result()) for m in model.metrics])

    history = model.fit(x[:80], batch_size=40, epochs=2, verbose=0, shuffle=False)
    print("second fit", {k: np.round(v, 4).tolist() for k, v in sorted(history.history.items())})
    codes = ops.convert_to_numpy(model.encode(x[:4], training=False))
    print("codes", np.round(codes.astype("float64"), 4).tolist())
    print("same codes twice", bool(np.array_equal(codes, ops.convert_to_numpy(model.encode(x[:4], training=False)))))
    print("decoded", np.round(model.predict(x[:2], verbose=0).astype("float64"), 3).tolist())
    sampled = ops.convert_to_numpy(model.encode(x[:2], training=True))
    print("sampled differs from mean", bool(not np.allclose(sampled, codes[:2])),
          np.round(sampled.astype("float64"), 4).tolist())


if __name__ == "__main__":
    main()
