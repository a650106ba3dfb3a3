"""A Keras program, written for Keras 3: models nested in models as users compose them — a functional encoder
used inside a Sequential, the same encoder shared by two inputs of a functional model, a subclassed model that
builds in build(input_shape) and holds a list of blocks, TimeDistributed over a whole model — frozen and
unfrozen (layer.trainable, recompiling), summary(expand_nested=True, show_trainable=True), get_config /
from_config of the nested model, and weights counted at each stage. The weights start from the same NumPy
arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


class Block(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units, activation="relu")
        self.norm = layers.LayerNormalization()

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.norm.build(input_shape[:-1] + (self.units,))

    def call(self, x):
        return self.norm(self.dense(x)) + x[..., : self.units]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class Tower(keras.Model):
    def __init__(self, depth, units, **kwargs):
        super().__init__(**kwargs)
        self.depth, self.units = depth, units
        self.blocks = [Block(units, name=f"block_{k}") for k in range(depth)]

    def build(self, input_shape):
        self.project = layers.Dense(self.units, name="project")
        self.project.build(input_shape)
        for block in self.blocks:
            block.build(input_shape[:-1] + (self.units,))
        self.built = True

    def call(self, x):
        x = self.project(x)
        for block in self.blocks:
            x = block(x)
        return x


def set_weights(model, seed):
    init = np.random.default_rng(seed)
    for w in model.trainable_weights:
        w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))


def counts(model):
    return len(model.weights), len(model.trainable_weights), len(model.non_trainable_weights), model.count_params()


def main():
    rng = np.random.default_rng(2)
    a = rng.standard_normal((32, 6)).astype("float32")
    b = rng.standard_normal((32, 6)).astype("float32")
    y = (np.sum(a * b, axis=1, keepdims=True) > 0).astype("float32")

    enc_in = keras.Input((6,))
    enc_out = layers.Dense(4, activation="tanh", name="enc_dense")(layers.BatchNormalization(name="enc_bn")(enc_in))
    encoder = keras.Model(enc_in, enc_out, name="encoder")
    left, right = keras.Input((6,), name="left"), keras.Input((6,), name="right")
    merged = layers.Concatenate()([encoder(left), encoder(right)])
    head = layers.Dense(1, activation="sigmoid", name="head")(merged)
    pair = keras.Model([left, right], head, name="pair")
    set_weights(pair, 3)
    print("pair", counts(pair), [l.name for l in pair.layers])
    lines = []
    pair.summary(expand_nested=True, show_trainable=True, print_fn=lambda s, **kw: lines.append(s))
    print("summary rows", sum("enc_dense" in l for l in lines), sum("Trainable" in l for l in lines))

    pair.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    h1 = pair.fit([a, b], y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    encoder.trainable = False
    print("frozen", counts(pair), encoder.get_layer("enc_bn").trainable)
    pair.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    frozen_kernel = encoder.get_layer("enc_dense").kernel.numpy().copy()
    h2 = pair.fit([a, b], y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    print("unchanged", bool(np.array_equal(frozen_kernel, encoder.get_layer("enc_dense").kernel.numpy())))
    encoder.trainable = True
    encoder.get_layer("enc_bn").trainable = False
    pair.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    h3 = pair.fit([a, b], y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for h in (h1, h2, h3):
        print("history", {k: ["%.5f" % v for v in vals] for k, vals in sorted(h.history.items())})
    print("bn stats", np.round(encoder.get_layer("enc_bn").moving_mean.numpy(), 5).tolist())

    stack = keras.Sequential([keras.Input((6,)), encoder, layers.Dense(2, name="out")], name="stack")
    print("stack", counts(stack), [type(l).__name__ for l in stack.layers])
    config = pair.get_config()
    rebuilt = keras.Model.from_config(config)
    print("rebuilt", counts(rebuilt), [l.name for l in rebuilt.layers])

    tower = Tower(2, 5, name="tower")
    tower.build((None, 6))
    set_weights(tower, 7)
    print("tower", counts(tower), [w.path for w in tower.weights][:4])
    seq_in = keras.Input((3, 6))
    per_step = layers.TimeDistributed(encoder)(seq_in)
    timed = keras.Model(seq_in, layers.GlobalAveragePooling1D()(per_step))
    print("timed", counts(timed), np.round(timed.predict(np.stack([a[:4], b[:4], a[4:8]], axis=1), verbose=0), 5).tolist())
    tower.compile(optimizer="adam", loss="mse")
    history = tower.fit(a, np.repeat(y, 5, axis=1), epochs=2, batch_size=16, shuffle=False, verbose=0)
    print("tower loss", ["%.5f" % v for v in history.history["loss"]])
    print("tower predict", np.round(tower.predict(a[:2], verbose=0), 5).tolist())


if __name__ == "__main__":
    main()
