"""A Keras program, written for Keras 3: a Siamese-style functional model whose two inputs go through one
shared nested encoder (itself a functional model holding a nested Sequential), a shared Dense projection
applied three times, a Dot(normalize=True) similarity and a Subtract/abs distance joined into a head; the
summary (plain and expand_nested), layer and weight listings, the model rebuilt with keras.Model.from_config
(get_config), model_from_json (to_json) and clone_model, each given the same weights and compared; trained a
few epochs with fit, saved as .keras and reloaded, and a sub-model built from the nested encoder's layers.
Weights are set from NumPy."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="r22")
def absolute(t):
    return ops.abs(t)


def build():
    block = keras.Sequential([layers.Dense(6, activation="relu", name="block_dense"),
                              layers.LayerNormalization(name="block_norm")], name="block")
    features = keras.Input((5,), name="features")
    hidden = block(features)
    encoder = keras.Model(features, layers.Dense(4, activation="tanh", name="enc_out")(hidden), name="encoder")
    left = keras.Input((5,), name="left")
    right = keras.Input((5,), name="right")
    projection = layers.Dense(4, use_bias=False, name="projection")
    a, b = projection(encoder(left)), projection(encoder(right))
    both = projection(layers.Average(name="mean_pair")([encoder(left), encoder(right)]))
    cosine = layers.Dot(axes=1, normalize=True, name="cosine")([a, b])
    distance = layers.Lambda(absolute, output_shape=(4,), name="abs_gap")(layers.Subtract(name="gap")([a, b]))
    joined = layers.Concatenate(name="joined")([cosine, distance, both])
    out = layers.Dense(1, activation="sigmoid", name="same")(joined)
    return keras.Model([left, right], out, name="siamese")


def main():
    rng = np.random.default_rng(6)
    left = rng.normal(size=(48, 5)).astype("float32")
    right = np.where(rng.random((48, 1)) < 0.5, left + 0.1 * rng.normal(size=(48, 5)),
                     rng.normal(size=(48, 5))).astype("float32")
    same = (np.abs(left - right).mean(1) < 0.3).astype("float32")

    model = build()
    init = np.random.default_rng(2)
    weights = [init.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.weights]
    model.set_weights(weights)
    model.summary()
    model.summary(expand_nested=True, show_trainable=True)
    print("layers", [layer.name for layer in model.layers])
    print("weights", [w.path for w in model.weights])

    config = model.get_config()
    print("config layers", [(c["name"], c["class_name"], len(c["inbound_nodes"])) for c in config["layers"]])
    print("input/output layers", config["input_layers"], config["output_layers"])
    rebuilt = keras.Model.from_config(config)
    from_json = keras.models.model_from_json(model.to_json())
    cloned = keras.models.clone_model(model)
    probe = [left[:4], right[:4]]
    reference = model.predict(probe, verbose=0)
    for name, other in (("from_config", rebuilt), ("from_json", from_json), ("clone", cloned)):
        other.set_weights(weights)
        print(name, other.name, len(other.weights), bool(np.allclose(other.predict(probe, verbose=0), reference,
                                                                     atol=1e-6)))
    print("reference", np.round(reference[:, 0], 5).tolist())

    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=[keras.metrics.BinaryAccuracy(name="acc"), keras.metrics.AUC(name="auc")])
    history = model.fit([left, right], same, batch_size=12, epochs=3, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    model.save("siamese.keras")
    again = keras.models.load_model("siamese.keras")
    print("reloaded", [layer.name for layer in again.layers],
          bool(np.allclose(again.predict(probe, verbose=0), model.predict(probe, verbose=0), atol=1e-6)))
    print("evaluate", ["%.5f" % v for v in again.evaluate([left, right], same, verbose=0)])

    encoder = again.get_layer("encoder")
    inner = keras.Model(encoder.input, encoder.get_layer("block").output, name="inner")
    print("inner", inner.output_shape, np.round(inner.predict(left[:2], verbose=0), 4).tolist())
    print("block weights", [w.path for w in encoder.get_layer("block").weights])


if __name__ == "__main__":
    main()
