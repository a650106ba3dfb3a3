"""A Keras program, written for Keras 3 on the torch backend, after keras.io's "Variational AutoEncoder"
example: a convolutional encoder (Conv2D with strides, Flatten, Dense) ending in z_mean / z_log_var and a
custom Sampling layer, a decoder (Dense, Reshape, Conv2DTranspose), and a VAE subclassed Model with Mean
trackers for the total, reconstruction and KL losses, its own train_step (keras.ops losses, backward,
optimizer.apply under torch.no_grad) and test_step; fit on images alone, evaluate, then encode and decode.
The sampling noise is drawn once by NumPy and kept as a non-trainable weight of the Sampling layer, and every
weight starts from NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np
import torch

import keras
from keras import layers, ops

LATENT = 2


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def __init__(self, batch, **kwargs):
        super().__init__(**kwargs)
        self.batch = batch

    def build(self, input_shape):
        self.noise = self.add_weight(shape=(self.batch, input_shape[0][-1]), initializer="zeros",
                                     trainable=False, name="noise")

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = self.noise[: ops.shape(z_mean)[0]]
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def make_encoder(batch):
    encoder_inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(4, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(12, activation="relu")(x)
    z_mean = layers.Dense(LATENT, name="z_mean")(x)
    z_log_var = layers.Dense(LATENT, name="z_log_var")(x)
    z = Sampling(batch, name="sampling")([z_mean, z_log_var])
    return keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")


def make_decoder():
    latent_inputs = keras.Input(shape=(LATENT,))
    x = layers.Dense(2 * 2 * 8, activation="relu")(latent_inputs)
    x = layers.Reshape((2, 2, 8))(x)
    x = layers.Conv2DTranspose(8, 3, activation="relu", strides=2, padding="same")(x)
    x = layers.Conv2DTranspose(4, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, activation="sigmoid", padding="same")(x)
    return keras.Model(latent_inputs, decoder_outputs, name="decoder")


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def call(self, inputs):
        return self.decoder(self.encoder(inputs)[2])

    def losses_for(self, data):
        z_mean, z_log_var, z = self.encoder(data)
        reconstruction = self.decoder(z)
        reconstruction_loss = ops.mean(ops.sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2)))
        kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
        kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
        return reconstruction_loss + kl_loss, reconstruction_loss, kl_loss

    def train_step(self, data):
        self.zero_grad()
        total_loss, reconstruction_loss, kl_loss = self.losses_for(data)
        total_loss.backward()
        trainable_weights = [v for v in self.trainable_weights]
        gradients = [v.value.grad for v in trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, trainable_weights)
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {"loss": self.total_loss_tracker.result(),
                "reconstruction_loss": self.reconstruction_loss_tracker.result(),
                "kl_loss": self.kl_loss_tracker.result()}

    def test_step(self, data):
        total_loss, reconstruction_loss, kl_loss = self.losses_for(data)
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {m.name: m.result() for m in self.metrics}


def main():
    rng = np.random.default_rng(21)
    images = np.zeros((48, 8, 8, 1), "float32")
    for k in range(48):                      # bright squares at random places, a little noise
        r, c = rng.integers(0, 5, size=2)
        images[k, r:r + 3, c:c + 3, 0] = 1.0
    images = np.clip(images + 0.1 * rng.random(images.shape), 0, 1).astype("float32")

    encoder, decoder = make_encoder(batch=16), make_decoder()
    init = np.random.default_rng(5)
    for model in (encoder, decoder):
        for w in model.trainable_weights:
            w.assign(init.uniform(-0.4, 0.4, size=tuple(w.shape)).astype("float32"))
    encoder.get_layer("sampling").noise.assign(init.standard_normal((16, LATENT)).astype("float32"))
    print("encoder", [tuple(w.shape) for w in encoder.weights])
    print("decoder", [tuple(w.shape) for w in decoder.weights], decoder.output_shape)
    print("non-trainable", [w.name for w in encoder.non_trainable_weights])

    vae = VAE(encoder, decoder)
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01))
    history = vae.fit(images, epochs=4, batch_size=16, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = vae.evaluate(images[:32], batch_size=16, verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(results.items())})
    print("trackers", [m.name for m in vae.metrics], "%.5f" % float(vae.metrics[0].result()))

    z_mean, z_log_var, z = encoder.predict(images[:6], verbose=0)
    print("z_mean", np.round(z_mean, 5).tolist())
    print("z_log_var", np.round(z_log_var, 5).tolist())
    print("z", np.round(z, 5).tolist())
    grid = np.array([[x, y] for x in (-1.0, 0.0, 1.0) for y in (-1.0, 1.0)], "float32")
    decoded = decoder.predict(grid, verbose=0)
    print("decoded", decoded.shape, np.round(decoded.mean(axis=(1, 2, 3)), 5).tolist())
    print("corner", np.round(decoded[0, :3, :3, 0], 5).tolist())


if __name__ == "__main__":
    main()
