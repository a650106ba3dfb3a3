"""A Keras program, written for Keras 3 on the torch backend, in the manner of keras.io's "Making new layers
and models via subclassing" guide: a layer whose weights are made in __init__ with add_weight, one that makes
them lazily in build(input_shape), a layer holding a non-trainable running total, layers nested in layers
(their weights lists gather their children's), a layer that adds an activity loss in call (model.losses), a
layer whose call depends on `training`, get_config / from_config round trips, and a small variational
autoencoder as a subclassed Model (its sampling noise drawn by NumPy and passed in), trained with
compile / fit. Every weight is set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


class Affine(layers.Layer):
    """Weights made eagerly: the input size is an argument."""

    def __init__(self, units=4, input_dim=3, **kwargs):
        super().__init__(**kwargs)
        self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True, name="offset")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


class RunningTotal(layers.Layer):
    """A non-trainable weight that keeps a column sum across calls."""

    def __init__(self, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.total = self.add_weight(shape=(input_dim,), initializer="zeros", trainable=False, name="total")

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class LazyAffine(layers.Layer):
    """Weights made on first call, from the input's last dimension."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel) + self.bias

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


class Block(layers.Layer):
    """Three nested layers; their weights become the block's."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = LazyAffine(6, name="first")
        self.second = LazyAffine(5, name="second")
        self.third = LazyAffine(2, name="third")

    def call(self, inputs):
        h = ops.relu(self.first(inputs))
        h = ops.relu(self.second(h))
        return self.third(h)


class ActivityPenalty(layers.Layer):
    """Passes its input on and adds rate * mean(|x|) to the losses."""

    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(ops.abs(inputs)))
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


class Outer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.penalty = ActivityPenalty(0.5, name="penalty")
        self.dense = layers.Dense(3, kernel_regularizer=keras.regularizers.l2(1e-3), name="dense")

    def call(self, inputs):
        return self.dense(self.penalty(inputs))


class HalveInTraining(layers.Layer):
    """Scales by 0.5 while training and passes through otherwise."""

    def call(self, inputs, training=None):
        if training:
            return inputs * 0.5
        return inputs


class Sampling(layers.Layer):
    """z = mean + exp(log_var / 2) * epsilon, the noise given by the caller."""

    def call(self, inputs):
        z_mean, z_log_var, epsilon = inputs
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    def __init__(self, latent_dim=2, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.proj = layers.Dense(hidden, activation="relu", name="proj")
        self.mean = layers.Dense(latent_dim, name="mean")
        self.log_var = layers.Dense(latent_dim, name="log_var")
        self.sampling = Sampling(name="sampling")

    def call(self, inputs, epsilon):
        h = self.proj(inputs)
        z_mean, z_log_var = self.mean(h), self.log_var(h)
        return z_mean, z_log_var, self.sampling((z_mean, z_log_var, epsilon))


class Decoder(layers.Layer):
    def __init__(self, original_dim, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.proj = layers.Dense(hidden, activation="relu", name="proj")
        self.out = layers.Dense(original_dim, activation="sigmoid", name="out")

    def call(self, inputs):
        return self.out(self.proj(inputs))


class TinyVAE(keras.Model):
    def __init__(self, original_dim, latent_dim=2, **kwargs):
        super().__init__(**kwargs)
        self.original_dim, self.latent_dim = original_dim, latent_dim
        self.encoder = Encoder(latent_dim, name="encoder")
        self.decoder = Decoder(original_dim, name="decoder")

    def call(self, inputs):
        x, epsilon = inputs
        z_mean, z_log_var, z = self.encoder(x, epsilon)
        kl = -0.5 * ops.mean(z_log_var - ops.square(z_mean) - ops.exp(z_log_var) + 1)
        self.add_loss(0.1 * kl)
        return self.decoder(z)

    def get_config(self):
        return {**super().get_config(), "original_dim": self.original_dim, "latent_dim": self.latent_dim}


def fill(layer, seed, scale=0.5):
    """Every weight of `layer` from one NumPy stream, in the order of layer.weights."""
    rng = np.random.default_rng(seed)
    for w in layer.weights:
        if w.trainable:
            w.assign(rng.uniform(-scale, scale, size=tuple(w.shape)).astype("float32"))


def fmt(values):
    return [round(float(v), 5) for v in np.ravel(ops.convert_to_numpy(values))]


def main():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((4, 3)).astype("float32")

    affine = Affine(4, 3, name="affine")
    fill(affine, 1)
    print("affine", [(w.path, w.name, tuple(w.shape)) for w in affine.weights], fmt(affine(x)[0]))

    total = RunningTotal(3, name="running_total")
    total(x)
    print("total", fmt(total(x)), len(total.weights), len(total.trainable_weights),
          len(total.non_trainable_weights))

    lazy = LazyAffine(2, name="lazy")
    print("lazy built", lazy.built, len(lazy.weights))
    lazy(x)
    fill(lazy, 2)
    print("lazy", lazy.built, [(w.path, tuple(w.shape)) for w in lazy.weights], fmt(lazy(x)[:2]))

    block = Block(name="block")
    block(x)
    fill(block, 3)
    print("block weights", len(block.weights), len(block.trainable_weights))
    print("block paths", [w.path for w in block.weights])
    print("block out", fmt(block(x)))
    block.trainable = False
    print("frozen", len(block.trainable_weights), len(block.non_trainable_weights), block.first.trainable)
    block.trainable = True
    print(repr(total.total))

    outer = Outer(name="outer")
    outer(x)
    fill(outer, 4)
    print("outer losses after build", len(outer.losses))
    outer(x)
    print("outer losses", len(outer.losses), fmt(ops.stack(outer.losses)))
    outer(x * 2)
    print("outer losses again", len(outer.losses), fmt(ops.stack(outer.losses)))

    halve = HalveInTraining()
    print("training", fmt(halve(x[0], training=True)), fmt(halve(x[0], training=False)), fmt(halve(x[0])))

    config = lazy.get_config()
    print("config", sorted(config), config["units"], config["trainable"])
    again = LazyAffine.from_config(config)
    print("from_config", type(again).__name__, again.units, again.name, again.built)
    penalty = ActivityPenalty.from_config(ActivityPenalty(0.25, name="act").get_config())
    print("penalty config", penalty.rate, penalty.name)

    inputs = keras.Input((3,), name="inputs")
    hidden = ActivityPenalty(0.1, name="act_in")(inputs)
    functional = keras.Model(inputs, Block(name="fblock")(LazyAffine(3, name="pre")(hidden)), name="fmodel")
    fill(functional, 7)
    out = functional(x)
    print("functional", [l.name for l in functional.layers], functional.count_params(), tuple(out.shape),
          len(functional.losses), fmt(functional.losses[0]))

    data = rng.uniform(0, 1, size=(32, 6)).astype("float32")
    noise = rng.standard_normal((32, 2)).astype("float32")
    vae = TinyVAE(6, name="tiny_vae")
    vae((data[:2], noise[:2]))
    fill(vae, 5)
    print("vae weights", [(w.path, tuple(w.shape)) for w in vae.weights])
    print("vae layers", [layer.name for layer in vae.layers])
    vae_config = vae.get_config()
    print("vae config", sorted(vae_config), vae_config["original_dim"], vae_config["latent_dim"],
          TinyVAE.from_config(vae_config).latent_dim)
    first = vae((data[:4], noise[:4]))
    print("vae losses", len(vae.losses), fmt(vae.losses[0]), fmt(first[0][:3]))
    vae.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    history = vae.fit((data, noise), data, epochs=4, batch_size=8, shuffle=False, verbose=0)
    print("vae loss", ["%.5f" % v for v in history.history["loss"]])
    reconstructed = vae.predict((data[:2], noise[:2]), verbose=0)
    print("vae out", reconstructed.shape, fmt(reconstructed[0]))
    print("vae eval", "%.5f" % vae.evaluate((data, noise), data, verbose=0), len(vae.losses))

    loop_vae = TinyVAE(6, name="loop_vae")
    loop_vae((data[:2], noise[:2]))
    fill(loop_vae, 6)
    optimizer = keras.optimizers.SGD(learning_rate=0.5)
    mse = keras.losses.MeanSquaredError()
    tracker = keras.metrics.Mean(name="loop_loss")
    for step in range(4):
        batch = slice(8 * step, 8 * step + 8)
        loop_vae.zero_grad()
        reconstructed = loop_vae((data[batch], noise[batch]))
        loss = mse(data[batch], reconstructed) + sum(loop_vae.losses)
        loss.backward()
        weights = loop_vae.trainable_weights
        optimizer.apply([w.value.grad for w in weights], weights)
        tracker.update_state(loss)
    print("loop", "%.5f" % float(ops.convert_to_numpy(loss)), "%.5f" % float(ops.convert_to_numpy(tracker.result())),
          int(ops.convert_to_numpy(optimizer.iterations)))


if __name__ == "__main__":
    main()
