"""A Keras program, written for Keras 3, after keras.io's conditional GAN example: a generator fed noise
concatenated with one-hot labels, a discriminator fed samples concatenated with label maps, a Model subclass
with its own compile(d_optimizer, g_optimizer, loss_fn), metrics as Mean trackers, and a train_step using
keras.random.normal with a SeedGenerator; trained with fit on tiny synthetic data, then sampled per class.
Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np
import torch

import keras
from keras import layers, ops

LATENT, CLASSES, FEATURES = 4, 3, 6


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


def seeded(model, scale):
    for k, w in enumerate(model.weights):
        w.assign((np.cos(np.arange(int(np.prod(w.shape))) * 0.53 + k) * scale).reshape(w.shape).astype("float32"))


class ConditionalGAN(keras.Model):
    def __init__(self, discriminator, generator):
        super().__init__()
        self.discriminator, self.generator = discriminator, generator
        self.built = True   # its parts are built; fit has nothing to trace
        self.seed_generator = keras.random.SeedGenerator(7)
        self.gen_loss_tracker = keras.metrics.Mean(name="generator_loss")
        self.disc_loss_tracker = keras.metrics.Mean(name="discriminator_loss")

    @property
    def metrics(self):
        return [self.gen_loss_tracker, self.disc_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def train_step(self, data):
        real, labels = data
        batch = ops.shape(real)[0]
        noise = keras.random.normal((batch, LATENT), seed=self.seed_generator)
        fake = self.generator(ops.concatenate([noise, labels], -1))
        both = ops.concatenate([ops.concatenate([fake, labels], -1), ops.concatenate([real, labels], -1)], 0)
        truth = ops.concatenate([ops.ones((batch, 1)), ops.zeros((batch, 1))], 0)
        self.zero_grad()
        d_loss = self.loss_fn(truth, self.discriminator(both))
        d_loss.backward()
        grads = [v.value.grad for v in self.discriminator.trainable_weights]
        with torch.no_grad():
            self.d_optimizer.apply(grads, self.discriminator.trainable_weights)

        noise = keras.random.normal((batch, LATENT), seed=self.seed_generator)
        self.zero_grad()
        fooled = self.discriminator(ops.concatenate([self.generator(ops.concatenate([noise, labels], -1)), labels], -1))
        g_loss = self.loss_fn(ops.zeros((batch, 1)), fooled)
        g_loss.backward()
        grads = [v.value.grad for v in self.generator.trainable_weights]
        with torch.no_grad():
            self.g_optimizer.apply(grads, self.generator.trainable_weights)
        self.gen_loss_tracker.update_state(g_loss)
        self.disc_loss_tracker.update_state(d_loss)
        return {"g_loss": self.gen_loss_tracker.result(), "d_loss": self.disc_loss_tracker.result()}


def main():
    keras.utils.set_random_seed(3)
    generator = keras.Sequential([keras.Input((LATENT + CLASSES,)), layers.Dense(8), layers.LeakyReLU(0.2),
                                  layers.Dense(FEATURES, activation="tanh")], name="generator")
    discriminator = keras.Sequential([keras.Input((FEATURES + CLASSES,)), layers.Dense(8), layers.LeakyReLU(0.2),
                                      layers.Dropout(0.0), layers.Dense(1)], name="discriminator")
    seeded(generator, 0.4)
    seeded(discriminator, 0.3)
    print("generator params", generator.count_params(), "discriminator params", discriminator.count_params())
    labels = keras.utils.to_categorical(np.arange(24) % CLASSES, CLASSES).astype("float32")
    real = np.tanh(np.outer(np.arange(24) % CLASSES - 1.0, np.linspace(-1, 1, FEATURES))).astype("float32")
    gan = ConditionalGAN(discriminator, generator)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.01), g_optimizer=keras.optimizers.Adam(0.01),
                loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))
    history = gan.fit(real, labels, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("metric names", [m.name for m in gan.metrics])
    print("d iterations", int(gan.d_optimizer.iterations), "g iterations", int(gan.g_optimizer.iterations))
    noise = keras.random.normal((CLASSES, LATENT), seed=11)
    print("noise", r(noise[0]))
    codes = np.concatenate([np.zeros((CLASSES, LATENT), "float32"), np.eye(CLASSES, dtype="float32")], 1)
    samples = generator.predict(codes, verbose=0)
    for c in range(CLASSES):
        print("class", c, r(samples[c], 3))
    scores = discriminator(np.concatenate([real[:3], labels[:3]], 1))
    print("discriminator on real", r(scores[:, 0]))
    print("generator weights", len(generator.weights), r(generator.layers[-1].bias))


if __name__ == "__main__":
    main()
