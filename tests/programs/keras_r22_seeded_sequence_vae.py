"""A Keras program, written for Keras 3: a small 1-D convolutional variational autoencoder for short signals
— ZeroPadding1D, Conv1D with strides, SpatialDropout1D, a Sampling layer drawing keras.random.normal from its own
SeedGenerator, an add_loss KL term, UpSampling1D, Conv1DTranspose and Cropping1D back to the input length,
GaussianDropout and AlphaDropout in the decoder; everything starts from keras.utils.set_random_seed, so the
default initializers, the layers' dropout and noise masks and fit's shuffling all draw Keras's numbers; the
model trains with fit, reports its losses, evaluates, reconstructs in inference (no noise) and samples twice
from the SeedGenerator (its state advancing)."""
import numpy as np

import keras
from keras import layers, ops


class Sampling(layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        noise = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        kl = -0.5 * ops.mean(ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1))
        self.add_loss(0.05 * kl)
        return mean + ops.exp(0.5 * log_var) * noise


def main():
    rng = np.random.default_rng(17)
    t = np.linspace(0, 1, 12, dtype="float32")
    phase = rng.uniform(0, 2 * np.pi, size=(40, 1)).astype("float32")
    signals = (np.sin(2 * np.pi * 2 * t + phase) + 0.1 * rng.normal(size=(40, 12)))[..., None].astype("float32")

    keras.utils.set_random_seed(2024)
    inputs = keras.Input((12, 1), name="signal")
    x = layers.ZeroPadding1D((1, 1), name="pad")(inputs)
    x = layers.Conv1D(4, 3, strides=2, activation="relu", name="down")(x)
    x = layers.SpatialDropout1D(0.25, name="spatial_drop")(x)
    x = layers.Flatten(name="flat")(x)
    mean = layers.Dense(2, name="mean")(x)
    log_var = layers.Dense(2, name="log_var")(x)
    z = Sampling(seed=5, name="sampling")([mean, log_var])
    y = layers.Dense(6 * 4, activation="relu", name="expand")(z)
    y = layers.Reshape((6, 4), name="grid")(y)
    y = layers.GaussianDropout(0.1, name="gauss_drop")(y)
    y = layers.UpSampling1D(2, name="up")(y)
    y = layers.Conv1DTranspose(3, 3, padding="same", activation="selu", name="deconv")(y)
    y = layers.AlphaDropout(0.1, name="alpha_drop")(y)
    y = layers.ZeroPadding1D(1, name="pad_out")(y)
    y = layers.Conv1D(1, 3, padding="same", name="out_conv")(y)
    outputs = layers.Cropping1D((1, 1), name="crop")(y)
    model = keras.Model(inputs, outputs, name="signal_vae")
    print("shapes", [(layer.name, tuple(layer.output.shape)) for layer in model.layers[1:]])
    print("initial down", np.round(ops.convert_to_numpy(model.get_layer("down").kernel)[:, 0, :2], 4).tolist())
    print("initial expand", np.round(ops.convert_to_numpy(model.get_layer("expand").kernel)[:, :3], 4).tolist())
    print("initial deconv", np.round(ops.convert_to_numpy(model.get_layer("deconv").kernel)[0, :, 0], 4).tolist())

    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(signals, signals, batch_size=10, epochs=4, shuffle=True, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("evaluate", "%.5f" % model.evaluate(signals, signals, verbose=0))
    print("kl now", ["%.5f" % float(v) for v in model.losses])
    print("reconstruction", np.round(model.predict(signals[:2], verbose=0)[..., 0], 4).tolist())
    sampler = model.get_layer("sampling")
    print("state before", ops.convert_to_numpy(sampler.seed_generator.state).tolist())
    means = np.zeros((3, 2), "float32")
    draws = [ops.convert_to_numpy(sampler([means, means])) for _ in range(2)]
    print("draws", [np.round(d, 5).tolist() for d in draws])
    print("state after", ops.convert_to_numpy(sampler.seed_generator.state).tolist())
    noisy = model(signals[:2], training=True)
    print("training call", np.round(ops.convert_to_numpy(noisy)[..., 0][:, :5], 4).tolist())


if __name__ == "__main__":
    main()
