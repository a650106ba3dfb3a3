"""A Keras program, written for Keras 3 on the torch backend, after keras.io's GAN guides ("customizing what
happens in fit()" and the DCGAN example): a GAN subclass of keras.Model holding a generator and a
discriminator (two Sequential models), overriding compile(d_optimizer, g_optimizer, loss_fn) with
super().compile(), a metrics property of two Mean trackers, and a train_step that trains the discriminator
then the generator, each with its own optimizer applied to its own model's trainable_weights (zero_grad,
backward, v.value.grad, optimizer.apply under torch.no_grad). The latent points come with the data (fit gets
the real samples and the noise as a list) so that both libraries see the same numbers; the weights start
from the same NumPy arrays."""
import numpy as np
import torch

import keras
from keras import layers, ops


class GAN(keras.Model):
    def __init__(self, discriminator, generator, **kwargs):
        super().__init__(**kwargs)
        self.discriminator = discriminator
        self.generator = generator
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def call(self, latent):
        return self.generator(latent)

    def train_step(self, data):
        self.data_seen = (type(data).__name__, len(data), type(data[0]).__name__)
        real, latent = data[0] if isinstance(data, tuple) and len(data) == 1 else data
        batch_size = ops.shape(real)[0]
        generated = self.generator(latent)
        combined = ops.concatenate([generated, real], axis=0)
        labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        labels = 0.9 * labels + 0.05 + 0.03 * ops.cos(ops.arange(2 * batch_size, dtype="float32"))[:, None]

        self.zero_grad()
        predictions = self.discriminator(ops.stop_gradient(combined))
        d_loss = self.loss_fn(labels, predictions)
        d_loss.backward()
        weights = self.discriminator.trainable_weights
        gradients = [v.value.grad for v in weights]
        with torch.no_grad():
            self.d_optimizer.apply(gradients, weights)

        misleading = ops.zeros((batch_size, 1))
        self.zero_grad()
        predictions = self.discriminator(self.generator(latent))
        g_loss = self.loss_fn(misleading, predictions)
        g_loss.backward()
        weights = self.generator.trainable_weights
        gradients = [v.value.grad for v in weights]
        with torch.no_grad():
            self.g_optimizer.apply(gradients, weights)

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


def main():
    rng = np.random.default_rng(37)
    angles = rng.uniform(0, 2 * np.pi, size=48)
    real = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype("float32") * 2.0   # points on a circle
    latent = rng.standard_normal((48, 3)).astype("float32")

    discriminator = keras.Sequential([keras.Input((2,)), layers.Dense(16), layers.LeakyReLU(negative_slope=0.2),
                                      layers.Dense(1, activation="sigmoid")], name="discriminator")
    generator = keras.Sequential([keras.Input((3,)), layers.Dense(16), layers.LeakyReLU(negative_slope=0.2),
                                  layers.Dense(2)], name="generator")
    init = np.random.default_rng(8)
    for model in (discriminator, generator):
        model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    gan = GAN(discriminator=discriminator, generator=generator)
    gan(latent[:2])   # build it, so fit does not try to build it from the data
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate=0.003, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(learning_rate=0.003, beta_1=0.5),
                loss_fn=keras.losses.BinaryCrossentropy())
    history = gan.fit([real, latent], epochs=4, batch_size=12, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("data", gan.data_seen[:2])
    print("iterations", int(ops.convert_to_numpy(gan.d_optimizer.iterations)),
          int(ops.convert_to_numpy(gan.g_optimizer.iterations)))
    print("weights", len(gan.weights), len(gan.trainable_weights), [len(m.weights) for m in (discriminator, generator)])
    samples = ops.convert_to_numpy(gan(latent[:4]))
    print("samples", np.round(samples, 5).tolist())
    print("radius", np.round(np.linalg.norm(gan.generator.predict(latent, verbose=0), axis=1).mean(), 5))
    print("scores", np.round(discriminator.predict(real[:4], verbose=0).ravel(), 5).tolist())


if __name__ == "__main__":
    main()
