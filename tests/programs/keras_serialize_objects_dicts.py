"""A Keras program, written for Keras 3, after keras.io's "Serialization and saving" guide: what
keras.saving.serialize_keras_object returns for built-in and registered objects (module, class_name,
registered_name, config, build_config), get_registered_name / get_registered_object, a registered layer with
get_build_config / build_from_config and a nested sublayer serialized in its config, a registered function used
as activation and as a loss, a model saved to .keras with its compiled optimizer and loaded back (compile state,
iterations, same predictions, training continues identically), load_model(compile=False), custom_object_scope,
and save_weights / load_weights of a .weights.h5 file. Weights are set from NumPy, so real Keras and deepgrad
print the same."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="round14", name="scaled_tanh")
def scaled_tanh(x):
    return 1.5 * ops.tanh(x)


@keras.saving.register_keras_serializable(package="round14")
def soft_l1(y_true, y_pred):
    return ops.mean(ops.sqrt(1.0 + ops.square(y_true - y_pred)) - 1.0, axis=-1)


@keras.saving.register_keras_serializable(package="round14")
class Residual(layers.Layer):
    def __init__(self, inner, scale=0.5, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner
        self.scale = scale

    def build(self, input_shape):
        if not self.inner.built:
            self.inner.build(input_shape)
        self.gate = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gate")

    def call(self, x):
        return x + self.scale * self.gate * self.inner(x)

    def get_config(self):
        config = super().get_config()
        config.update(inner=keras.saving.serialize_keras_object(self.inner), scale=self.scale)
        return config

    @classmethod
    def from_config(cls, config):
        config["inner"] = keras.saving.deserialize_keras_object(config["inner"])
        return cls(**config)


def show(tag, packed):
    print(tag, sorted(packed) if isinstance(packed, dict) else packed)
    if isinstance(packed, dict):
        module = packed.get("module")
        print("  ", module if module is None or module.startswith(("keras.", "builtins")) else "(user module)",
              packed.get("class_name"), packed.get("registered_name"),
              sorted(packed.get("config", {}) or {}) if isinstance(packed.get("config"), dict) else packed.get("config"))


def build():
    inputs = keras.Input((4,), name="features")
    h = layers.Dense(4, activation=scaled_tanh, name="encode")(inputs)
    h = Residual(layers.Dense(4, name="inner_dense"), scale=0.25, name="residual")(h)
    outputs = layers.Dense(2, name="head")(h)
    model = keras.Model(inputs, outputs, name="saved_model")
    rng = np.random.default_rng(5)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=soft_l1, metrics=["mae"])
    return model


def main():
    show("dense", keras.saving.serialize_keras_object(layers.Dense(3, activation="relu")))
    show("adam", keras.saving.serialize_keras_object(keras.optimizers.Adam(0.01)))
    show("function", keras.saving.serialize_keras_object(scaled_tanh))
    show("builtin fn", keras.saving.serialize_keras_object(keras.activations.relu))
    show("string", keras.saving.serialize_keras_object("relu"))
    print("registered", keras.saving.get_registered_name(Residual), keras.saving.get_registered_name(soft_l1),
          keras.saving.get_registered_object("round14>scaled_tanh") is scaled_tanh)
    layer = Residual(layers.Dense(3), scale=0.1)
    layer.build((None, 3))
    packed = keras.saving.serialize_keras_object(layer)
    show("residual", packed)
    print("  build_config", packed.get("build_config"), "inner", packed["config"]["inner"]["class_name"])
    restored = keras.saving.deserialize_keras_object(packed)
    print("  restored", type(restored).__name__, restored.scale, restored.built, type(restored.inner).__name__)

    x = np.stack([np.linspace(-1, 1, 12), np.linspace(1, -1, 12) ** 2, np.sin(np.arange(12.0)),
                  np.cos(np.arange(12.0))], 1).astype("float32")
    y = np.stack([x[:, 0] - x[:, 1], x[:, 2] * 2], 1).astype("float32")
    model = build()
    model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    model.save("model.keras")
    loaded = keras.saving.load_model("model.keras")
    print("loaded", loaded.name, [l.name for l in loaded.layers], type(loaded.layers[2]).__name__)
    print("compiled", loaded.optimizer.__class__.__name__, int(ops.convert_to_numpy(loaded.optimizer.iterations)),
          loaded.loss.__name__ if hasattr(loaded.loss, "__name__") else type(loaded.loss).__name__)
    print("same predictions", bool(np.allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)))
    a = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0).history["loss"]
    b = loaded.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0).history["loss"]
    print("continued", np.round(a, 5).tolist(), np.round(b, 5).tolist())
    bare = keras.saving.load_model("model.keras", compile=False)
    print("uncompiled", bare.compiled, getattr(bare, "optimizer", None) is None)
    with keras.saving.custom_object_scope({"Residual": Residual}):
        print("scope", type(keras.models.model_from_json(model.to_json()).layers[2]).__name__)

    model.save_weights("trained.weights.h5")
    fresh = build()
    print("fresh differs", not np.allclose(fresh.get_weights()[0], model.get_weights()[0]))
    fresh.load_weights("trained.weights.h5")
    print("weights loaded", all(np.array_equal(u, v) for u, v in zip(fresh.get_weights(), model.get_weights())))
    print("gate", np.round(fresh.get_layer("residual").gate.numpy(), 5).tolist())
    print("evaluate", np.round(fresh.evaluate(x, y, verbose=0), 5).tolist())
