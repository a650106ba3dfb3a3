"""A Keras program, written for Keras 3, in the transfer-learning style: a functional "backbone" model used
as a layer inside a new model with two inputs sharing it (a siamese pair), a frozen backbone
(trainable=False) then fine-tuned after recompiling, a feature-extractor Model built from an inner layer's
output, keras.models.clone_model, get_config/from_config of the whole model, get_layer by name, and
summary(). The weights start from the same NumPy arrays, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def backbone():
    inputs = keras.Input(shape=(6,), name="features")
    x = layers.Dense(10, activation="relu", name="hidden")(inputs)
    x = layers.BatchNormalization(name="norm")(x)
    x = layers.Dense(4, activation="tanh", name="embedding")(x)
    return keras.Model(inputs, x, name="backbone")


def main():
    rng = np.random.default_rng(12)
    a = rng.standard_normal((80, 6)).astype("float32")
    b = rng.standard_normal((80, 6)).astype("float32")
    same = (np.sign(a[:, 0]) == np.sign(b[:, 0])).astype("float32").reshape(-1, 1)

    base = backbone()
    left, right = keras.Input(shape=(6,), name="left"), keras.Input(shape=(6,), name="right")
    distance = layers.Subtract(name="difference")([base(left), base(right)])
    distance = layers.Lambda(lambda t: keras.ops.abs(t), name="absolute")(distance)
    score = layers.Dense(1, activation="sigmoid", name="score")(distance)
    siamese = keras.Model([left, right], score, name="siamese")
    init = np.random.default_rng(2)
    for w in siamese.weights:
        if "moving" not in w.name:
            w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))
    siamese.summary()
    print([layer.name for layer in siamese.layers], siamese.get_layer("backbone").name)

    base.trainable = False
    siamese.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    print("frozen", len(siamese.trainable_weights), len(siamese.non_trainable_weights))
    history = siamese.fit([a, b], same, epochs=2, batch_size=20, shuffle=False, verbose=0)
    print("head only", ["%.5f" % v for v in history.history["loss"]])
    print("moving mean unchanged", np.round(base.get_layer("norm").moving_mean.numpy()[:3], 5).tolist())

    base.trainable = True
    siamese.compile(optimizer=keras.optimizers.Adam(0.005), loss="binary_crossentropy", metrics=["accuracy"])
    print("unfrozen", len(siamese.trainable_weights), len(siamese.non_trainable_weights))
    history = siamese.fit([a, b], same, epochs=2, batch_size=20, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("moving mean", np.round(keras.ops.convert_to_numpy(base.get_layer("norm").moving_mean)[:3], 5).tolist())

    extractor = keras.Model(base.input, base.get_layer("hidden").output)
    print("extractor", extractor.output_shape, np.round(extractor.predict(a[:2], verbose=0)[0][:4], 5).tolist())

    clone = keras.models.clone_model(base)
    print("clone", clone.name == base.name, [l.name for l in clone.layers], len(clone.weights))
    clone.set_weights(base.get_weights())
    print("clone same", np.allclose(clone.predict(a[:5], verbose=0), base.predict(a[:5], verbose=0), atol=1e-6))

    config = base.get_config()
    print(sorted(config), [l["class_name"] for l in config["layers"]])
    rebuilt = keras.Model.from_config(config)
    rebuilt.set_weights(base.get_weights())
    print("rebuilt", np.allclose(rebuilt.predict(a[:5], verbose=0), base.predict(a[:5], verbose=0), atol=1e-6))
    print(np.round(siamese.predict([a[:4], b[:4]], verbose=0).ravel(), 5).tolist())


if __name__ == "__main__":
    main()
