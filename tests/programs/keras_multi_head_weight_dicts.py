"""A Keras program, written for Keras 3: a three-headed functional model (a regression, a binary and a
three-class head, named outputs) compiled with dicts everywhere: losses, loss_weights, metrics (a list per head,
weighted_metrics too), and fit with y and sample_weight as dicts keyed by output name, validation_data with its own
weight dict, class weights left out, and one head whose loss is None in a second compile. The history keys, the
evaluate dict and list, predict's dict and the weighted totals are printed. The weights start from the same NumPy
arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def set_weights(model, seed, scale=0.4):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def build():
    inputs = keras.Input((5,), name="features")
    trunk = layers.Dense(8, activation="relu", name="trunk")(inputs)
    price = layers.Dense(1, name="price")(trunk)
    churn = layers.Dense(1, activation="sigmoid", name="churn")(trunk)
    tier = layers.Dense(3, activation="softmax", name="tier")(trunk)
    return keras.Model(inputs, {"price": price, "churn": churn, "tier": tier}, name="heads")


def main():
    rng = np.random.default_rng(23)
    x = rng.normal(size=(30, 5)).astype("float32")
    y = {"price": (x[:, :1] * 2.0 - x[:, 1:2]).astype("float32"),
         "churn": (x[:, 2:3] > 0).astype("float32"),
         "tier": rng.integers(0, 3, size=(30,)).astype("int32")}
    w = {"price": np.linspace(0.5, 2.0, 30).astype("float32"),
         "churn": np.where(y["churn"][:, 0] > 0, 2.0, 1.0).astype("float32"),
         "tier": np.ones(30, "float32")}

    model = build()
    set_weights(model, 3)
    print("output names", model.output_names, [tuple(t.shape) for t in keras.tree.flatten(model.outputs)])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss={"price": "mse", "churn": "binary_crossentropy", "tier": "sparse_categorical_crossentropy"},
                  loss_weights={"price": 0.5, "churn": 2.0, "tier": 1.0},
                  metrics={"price": ["mae"], "churn": [keras.metrics.BinaryAccuracy(name="acc"), "auc"],
                           "tier": ["sparse_categorical_accuracy"]},
                  weighted_metrics={"price": [keras.metrics.MeanSquaredError(name="wmse")]})
    history = model.fit(x[:24], y={k: v[:24] for k, v in y.items()}, sample_weight={k: v[:24] for k, v in w.items()},
                        validation_data=(x[24:], {k: v[24:] for k, v in y.items()},
                                         {k: v[24:] for k, v in w.items()}),
                        batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("history keys", sorted(history.history))
    for key in ["loss", "price_loss", "churn_loss", "tier_loss", "price_wmse", "val_churn_acc", "val_loss"]:
        print(key, ["%.5f" % v for v in history.history[key]])
    print("params", sorted(history.params.items()))
    as_dict = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
    print("evaluate dict", {k: "%.5f" % v for k, v in sorted(as_dict.items())})
    as_list = model.evaluate(x, y, sample_weight=w, verbose=0)
    print("evaluate list order", [k for v in as_list for k in sorted(as_dict) if abs(as_dict[k] - v) < 1e-9][:6])
    weighted_total = 0.5 * as_dict["price_loss"] + 2.0 * as_dict["churn_loss"] + as_dict["tier_loss"]
    print("weighted total matches", abs(weighted_total - as_dict["loss"]) < 1e-4)
    predicted = model.predict(x[:3], verbose=0)
    print("predict keys", sorted(predicted), {k: np.round(v, 4).tolist() for k, v in sorted(predicted.items())})

    model.compile(optimizer=keras.optimizers.SGD(0.05),
                  loss={"price": "mae", "churn": None, "tier": keras.losses.SparseCategoricalCrossentropy()},
                  metrics={"churn": ["accuracy"]})
    history = model.fit(x, {"price": y["price"], "churn": y["churn"], "tier": y["tier"]}, batch_size=10, epochs=2,
                        shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("recompiled", key, ["%.5f" % v for v in history.history[key]])
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    print("recompiled evaluate", {k: "%.5f" % v for k, v in sorted(result.items())})
    print("metrics names", model.metrics_names)
    batch = model.train_on_batch(x[:6], y={k: v[:6] for k, v in y.items()}, return_dict=True)
    print("train_on_batch", {k: "%.5f" % v for k, v in sorted(batch.items())})
    print("test_on_batch", ["%.5f" % v for v in model.test_on_batch(x[:6], {k: v[:6] for k, v in y.items()})])


if __name__ == "__main__":
    main()
