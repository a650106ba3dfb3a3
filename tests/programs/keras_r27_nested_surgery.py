"""A Keras program, written for Keras 3: surgery on nested functional models. A functional encoder and a Sequential
head inside an outer functional model; `get_layer` by name and by index on the outer and inner models, `layers`,
`submodules`-free walks of the nesting, a feature extractor built from an inner layer's `output`,
`clone_model(clone_function=)` replacing Dropout and changing activations and `clone_model(call_function=)`,
freezing the encoder and `summary(expand_nested=True, show_trainable=True)`, `to_json`/`model_from_json` of the
whole nest, and training the outer model before and after the surgery."""
import json

import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def build():
    inner_in = keras.Input((6,), name="features")
    h = layers.Dense(8, activation="relu", name="enc_a")(inner_in)
    h = layers.Dropout(0.3, name="enc_drop")(h)
    skip = layers.Dense(8, name="enc_skip")(inner_in)
    h = layers.Add(name="enc_add")([h, skip])
    encoder = keras.Model(inner_in, layers.Dense(4, activation="tanh", name="enc_out")(h), name="encoder")
    head = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu", name="head_a"),
                             layers.Dense(3, name="head_out")], name="head")
    outer_in = keras.Input((6,), name="x")
    outputs = head(encoder(outer_in))
    return keras.Model(outer_in, outputs, name="outer"), encoder, head


def main():
    rng = np.random.default_rng(2706)
    x = rng.normal(size=(40, 6)).astype("float32")
    y = np.argmax(x[:, :3] + 0.5 * x[:, 3:], axis=1)
    keras.utils.set_random_seed(2706)
    model, encoder, head = build()
    print("outer layers", [layer.name for layer in model.layers])
    print("encoder layers", [layer.name for layer in model.get_layer("encoder").layers])
    print("by index", model.get_layer(index=1).name, model.get_layer(index=2).get_layer(index=0).name,
          encoder.get_layer("enc_skip").units, head.get_layer("head_out").units)
    print("weights", [w.path for w in model.weights])
    print("trainable counts", len(model.trainable_weights), model.count_params(), encoder.count_params())

    model.compile(optimizer=keras.optimizers.Adam(0.03),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(x, y, batch_size=10, epochs=3, verbose=0, shuffle=False)
    print("fit", r(history.history["loss"], 4), r(history.history["accuracy"], 4))

    extractor = keras.Model(encoder.input, [encoder.get_layer("enc_add").output, encoder.output], name="extractor")
    added, encoded = extractor.predict(x[:4], verbose=0)
    print("extractor", added.shape, encoded.shape, r(encoded[0], 4))

    def swap(layer):
        if isinstance(layer, layers.Dropout):
            return layers.Activation("linear", name=layer.name)
        config = layer.get_config()
        if config.get("activation") == "relu":
            config["activation"] = "elu"
        return layer.__class__.from_config(config)

    clone = keras.models.clone_model(encoder, clone_function=swap)
    clone.set_weights(encoder.get_weights())
    print("clone", [type(layer).__name__ for layer in clone.layers],
          [layer.get_config().get("activation") for layer in clone.layers if hasattr(layer, "activation")])
    print("clone differs", r(ops.max(ops.abs(clone(x[:5]) - encoder(x[:5]))), 4) > 0)

    def call_twice(layer, *args, **kwargs):
        out = layer(*args, **kwargs)
        if layer.name == "enc_out":
            out = ops.multiply(out, 2.0)
        return out

    doubled = keras.models.clone_model(encoder, call_function=call_twice)
    doubled.set_weights(encoder.get_weights())
    print("call_function", r(doubled.predict(x[:2], verbose=0) / encoder.predict(x[:2], verbose=0), 4))

    text = model.to_json()
    config = json.loads(text)
    print("json", config["class_name"], [layer["class_name"] for layer in config["config"]["layers"]],
          [layer["name"] for layer in config["config"]["layers"][1]["config"]["layers"]])
    rebuilt = keras.models.model_from_json(text)
    rebuilt.set_weights(model.get_weights())
    print("rebuilt", [layer.name for layer in rebuilt.layers], r(rebuilt.predict(x[:3], verbose=0), 4) ==
          r(model.predict(x[:3], verbose=0), 4))

    encoder.trainable = False
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    frozen_before = r(encoder.get_layer("enc_out").kernel, 5)
    history = model.fit(x, y, batch_size=10, epochs=2, verbose=0, shuffle=False)
    print("frozen fit", r(history.history["loss"], 4), len(model.trainable_weights), len(model.non_trainable_weights),
          frozen_before == r(encoder.get_layer("enc_out").kernel, 5))
    model.summary(expand_nested=True, show_trainable=True)


if __name__ == "__main__":
    main()
