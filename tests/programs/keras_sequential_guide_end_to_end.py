"""A Keras program, written for Keras 3, after keras.io's "The Sequential model" guide end to end: a Sequential
built from a list and one built with add(), layer names and the weights each layer owns, pop(), a model with an
Input whose summary is printed, weights created on first call, feature extraction with a Model over
layer.output of every layer, transfer learning by freezing all but the last layer, get_config / from_config,
keras.models.clone_model with and without clone_function, and get_weights shapes. Weights are set from NumPy,
so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def main():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([layers.Dense(2, activation="relu", name="layer1"),
                              layers.Dense(3, activation="relu", name="layer2"), layers.Dense(4, name="layer3")])
    print("weights before call", len(model.weights), "built", model.built)
    x = np.ones((3, 3), "float32")
    y = model(x)
    print("called", tuple(y.shape), "weights", [w.name for w in model.weights], model.built)
    print("layer names", [layer.name for layer in model.layers])

    grown = keras.Sequential(name="grown")
    grown.add(keras.Input(shape=(4,)))
    grown.add(layers.Dense(2, activation="relu"))
    grown.add(layers.Dense(3, activation="relu"))
    grown.add(layers.Dense(4))
    print("grown layers", len(grown.layers), [l.name for l in grown.layers])
    grown.pop()
    print("after pop", len(grown.layers), grown.layers[-1].name)
    grown.summary()

    conv = keras.Sequential([keras.Input(shape=(20, 20, 3)), layers.Conv2D(8, 5, strides=2, activation="relu"),
                             layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(3)], name="conv")
    conv.summary(line_length=90)
    conv.add(layers.GlobalMaxPooling2D())
    conv.add(layers.Dense(5))
    rng = np.random.default_rng(2)
    conv.set_weights([rng.uniform(-0.3, 0.3, w.shape).astype("float32") for w in conv.get_weights()])
    print("shapes", [tuple(w.shape) for w in conv.get_weights()])

    extractor = keras.Model(inputs=conv.inputs, outputs=[layer.output for layer in conv.layers])
    images = rng.uniform(0, 1, (2, 20, 20, 3)).astype("float32")
    features = extractor(images)
    print("features", [tuple(f.shape) for f in features])
    print("last", np.round(keras.ops.convert_to_numpy(features[-1]), 4).tolist())
    middle = keras.Model(inputs=conv.inputs, outputs=conv.get_layer(index=1).output)
    print("middle", tuple(middle(images).shape), middle.layers[-1].name == conv.layers[1].name)

    for layer in conv.layers[:-1]:
        layer.trainable = False
    print("trainable", len(conv.trainable_weights), "frozen", len(conv.non_trainable_weights))
    conv.compile(optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    frozen_before = conv.layers[0].get_weights()[0].copy()
    history = conv.fit(images, np.array([1, 3]), epochs=3, verbose=0)
    print("fit", np.round(history.history["loss"], 4).tolist(),
          "frozen unchanged", bool(np.array_equal(frozen_before, conv.layers[0].get_weights()[0])))

    config = conv.get_config()
    print("config", config["name"], [l["class_name"] for l in config["layers"]])
    again = keras.Sequential.from_config(config)
    print("from_config", [l.name for l in again.layers] == [l.name for l in conv.layers],
          [l.trainable for l in again.layers])
    again.set_weights(conv.get_weights())
    print("same out", bool(np.allclose(again.predict(images, verbose=0), conv.predict(images, verbose=0), atol=1e-6)))

    clone = keras.models.clone_model(conv)
    print("clone", clone.name, [l.name for l in clone.layers][:2], len(clone.weights),
          bool(np.allclose(clone.get_weights()[0], conv.get_weights()[0])))

    def rename(layer):
        config = layer.get_config()
        config["name"] = "copy_" + config["name"]
        if isinstance(layer, layers.Dense):
            config["units"] = 7
        return layer.__class__.from_config(config)

    renamed = keras.models.clone_model(conv, clone_function=rename)
    print("renamed", [l.name for l in renamed.layers], tuple(renamed.outputs[0].shape))
    print("count", renamed.count_params(), conv.count_params())
