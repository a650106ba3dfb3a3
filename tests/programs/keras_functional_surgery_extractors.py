"""A Keras program, written for Keras 3, after the functional API guide: a two-input model with a shared
embedding and a shared LSTM encoder, a nested Sequential used as a layer, then surgery — a feature extractor
Model(inputs, [layer.output for layer in ...]) over get_layer(...).output, a model that stops at an
intermediate layer, a new head on a frozen trunk, calling the model on new Inputs, and the structure it reports:
inputs / outputs names and shapes, layer.output of nested layers,
count_params, get_config layer lists. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


def seeded(model):
    for k, w in enumerate(model.weights):
        w.assign((np.sin(np.arange(int(np.prod(w.shape))) * 0.41 + k) * 0.3).reshape(w.shape).astype("float32"))


def shapes(tensors):
    return [tuple(t.shape) for t in tensors]


def main():
    left = keras.Input((6,), dtype="int32", name="left")
    right = keras.Input((6,), dtype="int32", name="right")
    embed = layers.Embedding(12, 4, name="embed")
    encoder = layers.LSTM(5, name="encoder")
    code_l, code_r = encoder(embed(left)), encoder(embed(right))
    merged = layers.concatenate([code_l, code_r, layers.subtract([code_l, code_r])], name="merged")
    mlp = keras.Sequential([keras.Input((15,)), layers.Dense(8, activation="relu", name="hidden"),
                            layers.Dense(4, activation="relu", name="narrow")], name="mlp")
    features = mlp(merged)
    score = layers.Dense(1, activation="sigmoid", name="score")(features)
    model = keras.Model([left, right], score, name="pairs")
    seeded(model)

    print("inputs", [t.name for t in model.inputs], shapes(model.inputs))
    print("outputs", shapes(model.outputs), "layers", [l.name for l in model.layers])
    print("mlp output", tuple(mlp.output.shape), "hidden output", tuple(mlp.get_layer("hidden").output.shape))
    print("params", model.count_params(), "mlp params", mlp.count_params())

    a = (np.arange(24).reshape(4, 6) % 12).astype("int32")
    b = ((np.arange(24).reshape(4, 6) * 5 + 1) % 12).astype("int32")
    print("scores", r(model.predict([a, b], verbose=0)[:, 0]))
    print("swapped", r(model.predict({"left": b, "right": a}, verbose=0)[:, 0]))

    extractor = keras.Model(model.inputs, [model.get_layer("merged").output, features,
                                           model.get_layer("score").output])
    merged_out, feature_out, score_out = extractor.predict([a, b], verbose=0)
    print("extractor", merged_out.shape, feature_out.shape, score_out.shape, r(feature_out[0]))
    print("difference part zero on equal pair", r(extractor.predict([a, a], verbose=0)[0][0, 10:]))

    inner = mlp.get_layer("hidden")
    trunk = keras.Model(mlp.inputs, inner.output, name="trunk")
    print("trunk", trunk.name, tuple(trunk.output.shape), r(trunk(np.ones((1, 15), "float32"))[0, :4]))

    for layer in (embed, encoder, mlp):
        layer.trainable = False
    head = layers.Dense(2, activation="softmax", name="two_way")(features)
    classifier = keras.Model([left, right], head)
    classifier.get_layer("two_way").set_weights([np.array([[0.3, -0.3], [0.1, 0.2], [-0.4, 0.4], [0.2, 0.0]],
                                                          "float32"), np.zeros(2, "float32")])
    print("trainable", [w.path for w in classifier.trainable_weights])
    print("non trainable count", len(classifier.non_trainable_weights))
    classifier.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    labels = np.array([0, 1, 1, 0])
    history = classifier.fit([a, b], labels, epochs=3, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]))
    print("embed unchanged", r(embed.embeddings[0]))

    new_left, new_right = keras.Input((6,), dtype="int32"), keras.Input((6,), dtype="int32")
    reused = keras.Model([new_left, new_right], model([new_right, new_left]))
    print("reused layers", [l.name for l in reused.layers][2:], r(reused.predict([a, b], verbose=0)[:, 0]))
    config = model.get_config()
    print("config layers", [entry["name"] for entry in config["layers"]])
    print("config inputs", config["input_layers"], "outputs", config["output_layers"])
    rebuilt = keras.Model.from_config(config)
    rebuilt.set_weights(model.get_weights())
    print("rebuilt", r(rebuilt.predict([a, b], verbose=0)[:, 0]))


if __name__ == "__main__":
    main()
