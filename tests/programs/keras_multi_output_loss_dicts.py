"""A Keras program, written for Keras 3: a functional model with three named outputs (a price regressor, a
category classifier and a binary 'urgent' flag), compiled with a loss dict, a loss_weights dict and a metrics dict
per output (lists and single metrics, strings and objects), trained with per-output sample_weight dicts and
validation data, evaluated with return_dict=True with and without sample weights, and predicted as a dict. Real Keras
and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def build():
    features = keras.Input((6,), name="features")
    tags = keras.Input((3,), name="tags")
    joined = layers.Concatenate(name="joined")([features, tags])
    trunk = layers.Dense(16, activation="relu", name="trunk")(joined)
    price = layers.Dense(1, name="price")(trunk)
    category = layers.Dense(4, activation="softmax", name="category")(trunk)
    urgent = layers.Dense(1, activation="sigmoid", name="urgent")(layers.Dense(8, activation="tanh",
                                                                            name="urgent_hidden")(trunk))
    return keras.Model({"features": features, "tags": tags},
                       {"price": price, "category": category, "urgent": urgent}, name="ticket_triage")


def main():
    keras.utils.set_random_seed(11)
    rng = np.random.default_rng(11)
    n = 120
    features = rng.standard_normal((n, 6)).astype("float32")
    tags = rng.integers(0, 2, (n, 3)).astype("float32")
    price = (features[:, :2].sum(axis=1, keepdims=True) * 3.0 + tags[:, :1] * 2.0).astype("float32")
    category = (np.abs(features[:, 2]) * 2).astype("int64").clip(0, 3)
    urgent = (features[:, 3] + tags[:, 2] > 0.5).astype("float32").reshape(-1, 1)
    x = {"features": features, "tags": tags}
    y = {"price": price, "category": category, "urgent": urgent}

    model = build()
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("outputs", model.output_names)
    print("output shapes", {k: tuple(v.shape) for k, v in model.output.items()})
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss={"price": "mse", "category": keras.losses.SparseCategoricalCrossentropy(),
                        "urgent": "binary_crossentropy"},
                  loss_weights={"price": 0.1, "category": 1.0, "urgent": 2.0},
                  metrics={"price": ["mae", keras.metrics.RootMeanSquaredError(name="rmse")],
                           "category": "sparse_categorical_accuracy",
                           "urgent": [keras.metrics.BinaryAccuracy(name="acc"), keras.metrics.AUC(name="auc")]})
    weights = {"price": np.linspace(0.5, 1.5, n).astype("float32"),
               "category": np.ones(n, "float32"),
               "urgent": np.where(urgent[:, 0] > 0, 2.0, 1.0).astype("float32")}
    history = model.fit(x, y, sample_weight=weights,
                        batch_size=24, epochs=4, shuffle=False, verbose=0, validation_split=0.2)
    for key in sorted(history.history):
        print(key, r(history.history[key]))

    plain = model.evaluate(x, y, batch_size=40, verbose=0, return_dict=True)
    for key in sorted(plain):
        print("evaluate", key, r(plain[key]))
    weighted = model.evaluate(x, y, sample_weight=weights, batch_size=40, verbose=0, return_dict=True)
    print("weighted keys", sorted(weighted))
    print("weighted loss", r(weighted["loss"]), "urgent auc", r(weighted["urgent_auc"]))
    as_list = model.evaluate(x, y, batch_size=40, verbose=0)
    print("as list", len(as_list), r(as_list[0]))

    predicted = model.predict(x, batch_size=50, verbose=0)
    print("predicted", sorted(predicted), {k: v.shape for k, v in sorted(predicted.items())})
    print("price head", r(predicted["price"][:3, 0]))
    print("category argmax", predicted["category"][:10].argmax(axis=1).tolist())
    print("urgent", r(predicted["urgent"][:4, 0]))
    batch = model.test_on_batch({k: v[:16] for k, v in x.items()}, {k: v[:16] for k, v in y.items()},
                                return_dict=True)
    print("test_on_batch", sorted(batch), r(batch["loss"]))
    trained = model.train_on_batch({k: v[:16] for k, v in x.items()}, {k: v[:16] for k, v in y.items()},
                                   return_dict=True)
    print("train_on_batch", r(trained["loss"]), r(trained["category_sparse_categorical_accuracy"]))


if __name__ == "__main__":
    main()
