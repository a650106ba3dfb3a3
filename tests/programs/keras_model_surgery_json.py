"""A Keras program, written for Keras 3, after the functional-API and serialization guides: a trained
Sequential taken apart and rebuilt — Sequential.pop and add, get_layer by name and by index, a feature-extraction
model over every layer's output (layer.output / layer.input), a new head on a frozen trunk, to_json and
keras.models.model_from_json (with a custom layer through custom_objects), clone_model with a clone_function
that swaps activations and with input_tensors, get_config / from_config of the functional graph, and weights moved
by save_weights / load_weights (.weights.h5) and by get_weights / set_weights. Real Keras and deepgrad print the
same."""
import json

import numpy as np

import keras
from keras import layers


@keras.saving.register_keras_serializable(package="surgery")
class Scale(layers.Layer):
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def seeded(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(23)
    x = rng.standard_normal((40, 6)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("int32")
    model = keras.Sequential([keras.Input((6,)), layers.Dense(12, activation="relu", name="d1"),
                              Scale(0.5, name="scale"), layers.Dense(8, activation="tanh", name="d2"),
                              layers.Dense(2, activation="softmax", name="head")], name="base")
    seeded(model, 1)
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=3, batch_size=10, shuffle=False, verbose=0)
    print("layers", [layer.name for layer in model.layers], model.get_layer(index=2).name)
    print("shapes", [tuple(layer.output.shape) for layer in model.layers], tuple(model.get_layer("d2").input.shape))

    extractor = keras.Model(model.inputs, [layer.output for layer in model.layers])
    features = extractor.predict(x[:3], verbose=0)
    print("features", [(f.shape, round(float(f.sum()), 4)) for f in features])

    popped = keras.models.clone_model(model)
    popped.set_weights(model.get_weights())
    popped.pop()
    print("popped", [layer.name for layer in popped.layers], popped.output_shape)
    popped.add(layers.Dense(1, activation="sigmoid", name="new_head"))
    seeded(popped.get_layer("new_head"), 5)
    for layer in popped.layers[:-1]:
        layer.trainable = False
    popped.compile(optimizer="adam", loss="binary_crossentropy")
    print("trainable", len(popped.trainable_weights), len(popped.non_trainable_weights))
    history = popped.fit(x, y, epochs=2, batch_size=10, shuffle=False, verbose=0)
    print("new head", np.round(history.history["loss"], 5).tolist())
    print("trunk unchanged", bool(np.allclose(popped.get_layer("d1").kernel.numpy(),
                                              model.get_layer("d1").kernel.numpy())))

    text = model.to_json()
    config = json.loads(text)
    print("json", config["class_name"], [l["class_name"] for l in config["config"]["layers"]])
    rebuilt = keras.models.model_from_json(text, custom_objects={"Scale": Scale})
    rebuilt.set_weights(model.get_weights())
    print("rebuilt", rebuilt.name, [l.name for l in rebuilt.layers],
          bool(np.allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)))

    def swap(layer):
        config = layer.get_config()
        if config.get("activation") == "tanh":
            config["activation"] = "sigmoid"
        return layer.__class__.from_config(config)
    swapped = keras.models.clone_model(model, clone_function=swap)
    swapped.set_weights(model.get_weights())
    print("swapped", swapped.get_layer("d2").get_config()["activation"],
          np.round(swapped.predict(x[:2], verbose=0).astype("float64"), 5).tolist())

    inputs = keras.Input((6,), name="features")
    trunk = keras.Model(model.inputs, model.get_layer("d2").output, name="trunk")
    h = trunk(inputs)
    out = layers.Dense(3, name="three")(layers.Concatenate()([h, inputs]))
    combined = keras.Model(inputs, out, name="combined")
    seeded(combined.get_layer("three"), 7)
    config = combined.get_config()
    print("functional config", [l["class_name"] for l in config["layers"]], config["input_layers"],
          config["output_layers"])
    again = keras.Model.from_config(config)
    again.set_weights(combined.get_weights())
    same = np.allclose(again.predict(x[:4], verbose=0), combined.predict(x[:4], verbose=0), atol=1e-6)
    print("from_config", bool(same))

    combined.save_weights("combined.weights.h5")
    fresh = keras.models.clone_model(combined)
    fresh.load_weights("combined.weights.h5")
    print("load_weights", np.round(fresh.predict(x[:2], verbose=0).astype("float64"), 5).tolist())
    cloned = keras.models.clone_model(combined, input_tensors=keras.Input((6,), name="other"))
    print("input_tensors", [t.name for t in cloned.inputs], len(cloned.weights), cloned.count_params())
