"""A Keras program, written for Keras 3: a two-input, two-output functional model (a regression head and a
classification head) compiled with loss and metric dicts, `loss_weights`, per-output sample weights; fit with
validation data, evaluated with `return_dict=True`, predicted as a dict, saved as weights and reloaded."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    keras.utils.set_random_seed(2803)
    rng = np.random.default_rng(2803)
    numeric = rng.normal(size=(60, 4)).astype("float32")
    tokens = rng.integers(1, 12, size=(60, 5)).astype("int32")
    price = (numeric @ np.array([0.5, -1.0, 0.3, 0.8]) + 0.05 * tokens.sum(1)).astype("float32")[:, None]
    kind = (numeric[:, 0] + numeric[:, 1] > 0).astype("int32") + (tokens[:, 0] > 6).astype("int32")

    numeric_in = keras.Input((4,), name="numeric")
    tokens_in = keras.Input((5,), dtype="int32", name="tokens")
    embedded = layers.GlobalAveragePooling1D(name="avg")(layers.Embedding(12, 4, name="embed")(tokens_in))
    joined = layers.Concatenate(name="join")([numeric_in, embedded])
    trunk = layers.Dense(16, activation="relu", name="trunk")(joined)
    price_out = layers.Dense(1, name="price")(trunk)
    kind_out = layers.Dense(3, activation="softmax", name="kind")(layers.Dropout(0.2, name="drop")(trunk))
    model = keras.Model({"numeric": numeric_in, "tokens": tokens_in}, {"price": price_out, "kind": kind_out},
                        name="two_heads")
    model.compile(optimizer=keras.optimizers.RMSprop(0.01),
                  loss={"price": keras.losses.Huber(delta=0.5), "kind": "sparse_categorical_crossentropy"},
                  loss_weights={"price": 2.0, "kind": 0.5},
                  metrics={"price": ["mae"], "kind": ["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(2)]})
    inputs = {"numeric": numeric, "tokens": tokens}
    targets = {"price": price, "kind": kind}
    weights = {"price": np.linspace(0.5, 1.5, 60).astype("float32"), "kind": np.ones(60, "float32")}
    history = model.fit({k: v[:48] for k, v in inputs.items()}, {k: v[:48] for k, v in targets.items()},
                        sample_weight={k: v[:48] for k, v in weights.items()}, batch_size=12, epochs=3, verbose=0,
                        validation_data=({k: v[48:] for k, v in inputs.items()},
                                         {k: v[48:] for k, v in targets.items()}))
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    scores = model.evaluate(inputs, targets, batch_size=20, verbose=0, return_dict=True)
    print("evaluate", sorted((k, round(v, 4)) for k, v in scores.items()))
    print("metrics names", model.metrics_names)
    predicted = model.predict({k: v[:3] for k, v in inputs.items()}, verbose=0)
    print("predict keys", sorted(predicted), r(predicted["price"][:, 0]), r(predicted["kind"]))
    model.save_weights("two_heads.weights.h5")
    keras.utils.set_random_seed(1)
    twin = keras.models.clone_model(model)
    twin.load_weights("two_heads.weights.h5")
    again = twin.predict({k: v[:3] for k, v in inputs.items()}, verbose=0)
    print("twin same", bool(np.allclose(again["price"], predicted["price"], atol=1e-5)))
    print("outputs", model.output_names if hasattr(model, "output_names") else None,
          [tuple(t.shape) for t in keras.tree.flatten(model.outputs)])


if __name__ == "__main__":
    main()
