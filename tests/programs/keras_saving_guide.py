"""A Keras program, written for Keras 3 on the torch backend, in the manner of keras.io's "Save, serialize, and
export models" guide: a functional model with a registered custom layer and a registered custom function saved
to a .keras file and loaded back (predictions compared), a custom layer that is not registered loaded through
custom_objects=, get_config / from_config for Sequential and functional models, clone_model, weights files
(save_weights / load_weights), get_weights / set_weights, the configs of a few built-in layers, and
keras.saving.serialize_keras_object / deserialize_keras_object. All weights come from NumPy, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="guide")
class ScaledResidual(layers.Layer):
    """x + scale * dense(x), the scale a trainable scalar."""

    def __init__(self, units, init_scale=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units, self.init_scale = units, init_scale
        self.dense = layers.Dense(units, name="inner")

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.scale = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.init_scale),
                                     name="scale")

    def call(self, inputs):
        return inputs + self.scale * self.dense(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "init_scale": self.init_scale}


@keras.saving.register_keras_serializable(package="guide", name="soft_clip")
def soft_clip(x):
    return 2.0 * ops.tanh(x / 2.0)


class Doubler(layers.Layer):
    """Not registered: loading needs custom_objects."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="guide")
class Vocabulary(layers.Layer):
    """Maps ids through a table that is state, not a weight: it is saved with save_own_variables."""

    def __init__(self, size=5, **kwargs):
        super().__init__(**kwargs)
        self.size = size
        self.table = np.zeros(size, "float32")

    def set_table(self, values):
        self.table = np.asarray(values, "float32")

    def call(self, inputs):
        return ops.take(ops.convert_to_tensor(self.table), ops.cast(inputs, "int32"), axis=0)

    def save_own_variables(self, store):
        store["table"] = self.table

    def load_own_variables(self, store):
        self.table = np.array(store["table"])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def fill(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])


def same(a, b):
    return bool(np.allclose(a, b, atol=1e-6))


def functional_model():
    inputs = keras.Input((4,), name="features")
    h = layers.Dense(4, activation=soft_clip, name="hidden")(inputs)
    h = ScaledResidual(4, name="residual")(h)
    outputs = layers.Dense(2, name="head")(h)
    return keras.Model(inputs, outputs, name="functional")


def main():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 4)).astype("float32")
    y = rng.standard_normal((6, 2)).astype("float32")

    model = functional_model()
    fill(model, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0)
    before = model.predict(x, verbose=0)
    print("names", keras.saving.get_registered_name(ScaledResidual), keras.saving.get_registered_name(soft_clip))
    print("registered", keras.saving.get_registered_object("guide>ScaledResidual") is ScaledResidual)
    model.save("functional.keras")
    loaded = keras.models.load_model("functional.keras")
    after = loaded.predict(x, verbose=0)
    print("loaded", type(loaded).__name__, loaded.name, [l.name for l in loaded.layers], same(before, after))
    print("loaded types", [type(l).__name__ for l in loaded.layers], loaded.get_layer("hidden").activation.__name__)
    print("optimizer", type(loaded.optimizer).__name__, int(loaded.optimizer.iterations.numpy()),
          round(float(ops.convert_to_numpy(loaded.optimizer.learning_rate)), 6))
    print("predict", np.round(after[0], 5).tolist())
    history = loaded.fit(x, y, epochs=1, batch_size=3, shuffle=False, verbose=0)
    model.fit(x, y, epochs=1, batch_size=3, shuffle=False, verbose=0)
    print("resumed", "%.5f" % history.history["loss"][0], same(model.predict(x, verbose=0), loaded.predict(x, verbose=0)))

    seq = keras.Sequential([keras.Input((4,)), Doubler(3.0, name="doubler"), layers.Dense(3, name="d1")], name="seq")
    fill(seq, 2)
    seq.save("seq.keras")
    try:
        keras.models.load_model("seq.keras")
        print("loaded without custom_objects")
    except Exception as error:
        print("needs custom_objects", type(error).__name__)
    seq2 = keras.models.load_model("seq.keras", custom_objects={"Doubler": Doubler})
    print("custom_objects", seq2.layers[0].factor, same(seq.predict(x, verbose=0), seq2.predict(x, verbose=0)))
    with keras.saving.custom_object_scope({"Doubler": Doubler}):
        seq3 = keras.models.load_model("seq.keras")
    print("scope", type(seq3.layers[0]).__name__, seq3.compiled)

    config = seq.get_config()
    print("seq config", sorted(config), config["name"], [l["class_name"] for l in config["layers"]])
    rebuilt = keras.Sequential.from_config(config, custom_objects={"Doubler": Doubler})
    print("rebuilt", [l.name for l in rebuilt.layers], rebuilt.count_params())
    fconfig = model.get_config()
    print("functional config", sorted(fconfig), [l["name"] for l in fconfig["layers"]])
    print("input/output layers", fconfig["input_layers"], fconfig["output_layers"])
    refunc = keras.Model.from_config(fconfig)
    refunc.set_weights(model.get_weights())
    print("from_config", same(refunc.predict(x, verbose=0), model.predict(x, verbose=0)))

    clone = keras.models.clone_model(model)
    print("clone", clone.name, [l.name for l in clone.layers], clone.count_params() == model.count_params())
    clone.set_weights(model.get_weights())
    print("clone same", same(clone.predict(x, verbose=0), model.predict(x, verbose=0)))

    model.save_weights("functional.weights.h5")
    fresh = functional_model()
    fill(fresh, 9)
    print("fresh differs", not same(fresh.predict(x, verbose=0), model.predict(x, verbose=0)))
    fresh.load_weights("functional.weights.h5")
    print("weights file", same(fresh.predict(x, verbose=0), model.predict(x, verbose=0)))
    weights = model.get_weights()
    print("get_weights", [w.shape for w in weights], [str(w.dtype) for w in weights][:2])
    print("scale", round(float(model.get_layer("residual").scale.numpy()), 5))

    for layer in (layers.Dense(3, activation="relu", name="dense_cfg"), layers.Dropout(0.25, name="drop_cfg"),
                  layers.Conv1D(2, 3, padding="same", name="conv_cfg"), layers.LayerNormalization(name="ln_cfg")):
        cfg = layer.get_config()
        print(type(layer).__name__, sorted(cfg))
    dense_cfg = layers.Dense(3, activation="relu", name="dense_cfg").get_config()
    print("dense values", dense_cfg["units"], dense_cfg["activation"], dense_cfg["use_bias"],
          dense_cfg["kernel_initializer"]["class_name"], dense_cfg["bias_initializer"]["class_name"])

    serialized = keras.saving.serialize_keras_object(ScaledResidual(3, init_scale=0.25, name="sr"))
    print("serialized", serialized["class_name"], serialized["registered_name"],
          serialized["config"]["units"], serialized["config"]["init_scale"])
    back = keras.saving.deserialize_keras_object(serialized)
    print("deserialized", type(back).__name__, back.name, back.units, back.init_scale)
    opt = keras.saving.serialize_keras_object(keras.optimizers.SGD(learning_rate=0.05, momentum=0.9))
    opt_back = keras.saving.deserialize_keras_object(opt)
    print("optimizer ser", opt["class_name"], type(opt_back).__name__,
          round(float(ops.convert_to_numpy(opt_back.learning_rate)), 6), opt_back.momentum)
    ids = keras.Input((3,), dtype="int32")
    lookup = keras.Model(ids, Vocabulary(5, name="vocab")(ids))
    lookup.get_layer("vocab").set_table([0.5, 1.5, 2.5, 3.5, 4.5])
    lookup.save("lookup.keras")
    again = keras.models.load_model("lookup.keras", compile=False)
    print("own variables", again.get_layer("vocab").table.tolist(),
          again.predict(np.array([[0, 4, 2]], "int32"), verbose=0).tolist())
    as_json = model.to_json()
    from_json = keras.models.model_from_json(as_json)
    print("json", type(from_json).__name__, [l.name for l in from_json.layers], from_json.count_params())
    fn = keras.saving.serialize_keras_object(soft_clip)
    print("function ser", fn["class_name"], fn["config"], keras.saving.deserialize_keras_object(fn) is soft_clip)


if __name__ == "__main__":
    main()
