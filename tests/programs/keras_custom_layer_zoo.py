"""A Keras program, written for Keras 3: a zoo of custom layers as users write them, each registered with
keras.saving.register_keras_serializable or passed as custom_objects: weights made in build() with
add_weight(initializer=..., regularizer=..., constraint=...), get_config / from_config, compute_output_shape,
masking (supports_masking, compute_mask, a mask argument in call), a layer holding sublayers, used in a
Sequential and a functional model; both are trained, saved to .keras, reloaded and must predict the same;
the regularization losses, constrained weights and configs are printed. The weights start from the same NumPy
arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="zoo")
class ScaledDense(layers.Layer):
    def __init__(self, units, max_norm=1.0, l2=0.01, **kwargs):
        super().__init__(**kwargs)
        self.units, self.max_norm, self.l2 = units, max_norm, l2

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel",
                                      initializer=keras.initializers.GlorotUniform(seed=1),
                                      regularizer=keras.regularizers.L2(self.l2),
                                      constraint=keras.constraints.MaxNorm(self.max_norm, axis=0))
        self.scale = self.add_weight(shape=(self.units,), name="scale", initializer="ones",
                                     constraint=keras.constraints.NonNeg())
        self.bias = self.add_weight(shape=(self.units,), name="bias", initializer=keras.initializers.Constant(0.1),
                                    regularizer=keras.regularizers.L1L2(l1=0.001, l2=0.002))

    def call(self, x):
        return ops.matmul(x, self.kernel) * self.scale + self.bias

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "max_norm": self.max_norm, "l2": self.l2}


@keras.saving.register_keras_serializable(package="zoo")
class MaskedMeanPool(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, x, mask=None):
        if mask is None:
            return ops.mean(x, axis=1)
        weights = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.sum(x * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])


class GatedResidual(layers.Layer):
    def __init__(self, units, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.dropout = units, dropout
        self.supports_masking = True
        self.value = layers.Dense(units, activation="elu")
        self.gate = layers.Dense(units, activation="sigmoid")
        self.norm = layers.LayerNormalization(epsilon=1e-5)

    def call(self, x, mask=None):
        out = self.norm(x + self.value(x) * self.gate(x))
        if mask is not None:
            out = out * ops.expand_dims(ops.cast(mask, out.dtype), -1)
        return out

    def get_config(self):
        return {**super().get_config(), "units": self.units, "dropout": self.dropout}


def set_weights(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])


def show(history):
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])


def main():
    rng = np.random.default_rng(33)
    x = rng.standard_normal((40, 5)).astype("float32")
    y = (x[:, :1] - 2 * x[:, 1:2] + 0.5).astype("float32")

    dense_model = keras.Sequential([keras.Input((5,)), ScaledDense(6, max_norm=0.8, name="scaled"),
                                    layers.Activation("tanh"), ScaledDense(1, l2=0.0, name="head")])
    set_weights(dense_model, 4)
    print("weights", [(w.path, tuple(w.shape), w.trainable) for w in dense_model.weights])
    dense_model(x[:4])
    print("losses", ["%.5f" % float(ops.convert_to_numpy(v)) for v in dense_model.losses])
    print("output_shape", dense_model.get_layer("scaled").compute_output_shape((None, 3, 5)))
    dense_model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    show(dense_model.fit(x, y, epochs=4, batch_size=10, shuffle=False, verbose=0))
    kernel = dense_model.get_layer("scaled").kernel.numpy()
    print("column norms", np.round(np.sqrt((kernel ** 2).sum(axis=0)), 5).tolist())
    print("scale", np.round(dense_model.get_layer("scaled").scale.numpy(), 5).tolist())
    dense_model.save("dense.keras")
    dense_again = keras.models.load_model("dense.keras")
    print("reloaded", type(dense_again.get_layer("scaled")).__name__, dense_again.get_layer("scaled").get_config()["max_norm"],
          np.allclose(dense_again.predict(x, verbose=0), dense_model.predict(x, verbose=0), atol=1e-6))
    print("registered", keras.saving.get_registered_name(ScaledDense))

    tokens = rng.integers(1, 12, size=(30, 7))
    for k in range(30):
        tokens[k, rng.integers(3, 8):] = 0
    target = (tokens[:, 0] > 6).astype("float32")
    inputs = keras.Input((7,), dtype="int32")
    emb = layers.Embedding(12, 6, mask_zero=True, name="emb")(inputs)
    hidden = GatedResidual(6, name="gated")(emb)
    pooled = MaskedMeanPool(name="pool")(hidden)
    output = layers.Dense(1, activation="sigmoid", name="out")(ScaledDense(4, name="proj")(pooled))
    seq_model = keras.Model(inputs, output)
    set_weights(seq_model, 9)
    print("seq weights", [tuple(w.shape) for w in seq_model.weights])
    mask = seq_model.get_layer("emb").compute_mask(tokens[:3])
    print("mask", ops.convert_to_numpy(mask).astype(int).tolist())
    print("pool", np.round(MaskedMeanPool()(np.ones((2, 3, 2), "float32"), mask=np.array([[1, 1, 0], [1, 0, 0]], bool)).numpy(), 5).tolist())
    seq_model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    show(seq_model.fit(tokens, target, epochs=3, batch_size=10, shuffle=False, verbose=0))
    print("evaluate", ["%.5f" % v for v in seq_model.evaluate(tokens, target, verbose=0)])
    seq_model.save("seq.keras")
    seq_again = keras.models.load_model("seq.keras", custom_objects={"GatedResidual": GatedResidual})
    print("seq reloaded", [l.__class__.__name__ for l in seq_again.layers],
          np.round(seq_again.predict(tokens[:4], verbose=0).ravel(), 5).tolist(),
          np.allclose(seq_again.predict(tokens, verbose=0), seq_model.predict(tokens, verbose=0), atol=1e-6))
    config = seq_again.get_layer("gated").get_config()
    print("gated config", config["units"], config["dropout"], config["name"])
    clone = GatedResidual.from_config(config)
    print("clone", clone.units, clone.built)


if __name__ == "__main__":
    main()
