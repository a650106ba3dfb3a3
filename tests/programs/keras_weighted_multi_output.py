"""A Keras program, written for Keras 3: a functional model with two inputs and three outputs given as a list
(a regression head, a binary head, a 3-class head), compiled with losses and metrics as lists (one entry per
output, None for no metric), loss_weights as a list and weighted_metrics; trained with per-output
sample_weight (a list of arrays), validation_data with sample weights, then validation_split; evaluate with
and without sample weights (return_dict), predict returning a list, summary(), and
single-output fits with class_weight and with sample_weight. The weights start from the same NumPy arrays, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def build():
    features = keras.Input(shape=(6,), name="features")
    context = keras.Input(shape=(3,), name="context")
    shared = layers.Dense(12, activation="relu", name="shared")(layers.concatenate([features, context]))
    amount = layers.Dense(1, name="amount")(shared)
    flag = layers.Dense(1, activation="sigmoid", name="flag")(shared)
    hidden = layers.Dense(6, activation="tanh", name="kind_hidden")(shared)
    kind = layers.Dense(3, activation="softmax", name="kind")(hidden)
    return keras.Model([features, context], [amount, flag, kind], name="multi_head")


def set_weights(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])


def show(history):
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])


def main():
    rng = np.random.default_rng(19)
    n = 60
    features = rng.standard_normal((n, 6)).astype("float32")
    context = rng.standard_normal((n, 3)).astype("float32")
    amount = (features[:, :1] * 1.5 + context[:, :1]).astype("float32")
    flag = (features[:, 1] + context[:, 1] > 0).astype("float32")
    kind = np.digitize(features[:, 2], [-0.5, 0.5]).astype("int32")
    weights = [rng.uniform(0.2, 2.0, size=n).astype("float32") for _ in range(3)]

    model = build()
    set_weights(model, 2)
    model.summary()
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=["mse", "binary_crossentropy", "sparse_categorical_crossentropy"],
                  loss_weights=[0.5, 1.0, 2.0],
                  metrics=[["mae"], None, ["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2)]],
                  weighted_metrics=[[], ["accuracy"], []])
    history = model.fit([features[:45], context[:45]], [amount[:45], flag[:45], kind[:45]],
                        sample_weight=[w[:45] for w in weights], epochs=3, batch_size=15, shuffle=False, verbose=0,
                        validation_data=([features[45:], context[45:]], [amount[45:], flag[45:], kind[45:]],
                                         [w[45:] for w in weights]))
    show(history)
    history = model.fit([features, context], [amount, flag, kind], epochs=2, batch_size=20, shuffle=False,
                        verbose=0, validation_split=0.25)
    show(history)
    plain = model.evaluate([features, context], [amount, flag, kind], batch_size=25, verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(plain.items())})
    weighted = model.evaluate([features, context], [amount, flag, kind], sample_weight=weights, batch_size=25,
                              verbose=0)
    print(["%.5f" % v for v in weighted])
    outputs = model.predict([features[:4], context[:4]], verbose=0)
    print(type(outputs).__name__, [o.shape for o in outputs], np.round(outputs[2], 5).tolist())

    single = keras.Model(model.inputs, model.outputs[1])
    single.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy",
                   metrics=["accuracy", keras.metrics.AUC(name="auc")], weighted_metrics=["accuracy"])
    show(single.fit([features, context], flag, class_weight={0: 0.4, 1: 2.5}, epochs=2, batch_size=16,
                    shuffle=False, verbose=0))
    show(single.fit([features, context], flag, sample_weight=weights[1], epochs=2, batch_size=16, shuffle=False,
                    verbose=0, validation_split=0.2))
    print("single", ["%.5f" % v for v in single.evaluate([features, context], flag, verbose=0)])


if __name__ == "__main__":
    main()
