"""A Keras program, written for Keras 3, after keras.io's "Structured data classification from scratch": a
heart-disease-like table (numeric, integer-categorical and string-categorical columns) fed as a dict of named
keras.Input columns; numeric columns standardized by Normalization layers adapted to each column, integer
categories one-hot encoded by CategoryEncoding, the string column ('thal') mapped to integers in Python (real
Keras's StringLookup needs TensorFlow) and one-hot encoded, age bucketized by Discretization with fixed bin
boundaries (one_hot), a sex x chest-pain crossed feature (an integer pair made one index, then CategoryEncoding),
and the counts of risk flags from a multi_hot encoding; all concatenated into a small Dense classifier trained
with binary cross-entropy, then evaluated and asked about one new patient given as a dict of tensors. The data
and weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers

NUMERIC = ["age", "trestbps", "chol", "thalach", "oldpeak"]
INTEGER_CATEGORICAL = {"sex": 2, "cp": 4, "fbs": 2, "restecg": 3, "exang": 2, "ca": 4}
THAL = ["fixed", "normal", "reversible"]


def make_table(rng, n):
    table = {
        "age": rng.integers(29, 78, n).astype("float32"),
        "trestbps": rng.normal(131, 17, n).round().astype("float32"),
        "chol": rng.normal(246, 50, n).round().astype("float32"),
        "thalach": rng.normal(150, 22, n).round().astype("float32"),
        "oldpeak": np.abs(rng.normal(1.0, 1.1, n)).round(1).astype("float32"),
    }
    for name, size in INTEGER_CATEGORICAL.items():
        table[name] = rng.integers(0, size, n).astype("int64")
    table["thal"] = rng.choice(THAL, n)
    risk = (0.04 * (table["age"] - 50) + 0.8 * table["exang"] + 0.6 * table["oldpeak"] - 0.03 *
            (table["thalach"] - 150) + 0.7 * (table["thal"] == "reversible") + 0.5 * table["ca"] - 1.0)
    target = (risk + rng.normal(0, 0.5, n) > 0).astype("float32")
    return table, target


def to_inputs(table):
    inputs = {name: table[name][:, None] for name in NUMERIC + list(INTEGER_CATEGORICAL)}
    inputs["thal"] = np.array([THAL.index(t) for t in table["thal"]], dtype="int64")[:, None]
    return inputs


def encode_numerical_feature(feature, name, data):
    normalizer = layers.Normalization(name=f"{name}_norm")
    normalizer.adapt(data[name])
    return normalizer(feature)


def encode_categorical_feature(feature, name, size):
    return layers.CategoryEncoding(num_tokens=size, output_mode="one_hot", name=f"{name}_onehot")(feature)


def main():
    rng = np.random.default_rng(1337)
    table, target = make_table(rng, 160)
    data = to_inputs(table)
    train = {k: v[:128] for k, v in data.items()}
    val = {k: v[128:] for k, v in data.items()}
    y_train, y_val = target[:128], target[128:]
    print(f"Using {len(y_train)} samples for training and {len(y_val)} for validation")
    print("positive rate", round(float(target.mean()), 4))

    inputs = {name: keras.Input(shape=(1,), name=name) for name in NUMERIC}
    inputs.update({name: keras.Input(shape=(1,), name=name, dtype="int64")
                   for name in list(INTEGER_CATEGORICAL) + ["thal"]})

    encoded = [encode_numerical_feature(inputs[name], name, train) for name in NUMERIC]
    encoded += [encode_categorical_feature(inputs[name], name, size) for name, size in INTEGER_CATEGORICAL.items()]
    encoded.append(encode_categorical_feature(inputs["thal"], "thal", len(THAL)))
    age_buckets = layers.Discretization(bin_boundaries=[40.0, 50.0, 60.0, 70.0], output_mode="one_hot",
                                        name="age_bucket")(inputs["age"])
    encoded.append(age_buckets)
    crossed = layers.Lambda(lambda pair: pair[0] * 4 + pair[1], name="sex_x_cp")([inputs["sex"], inputs["cp"]])
    encoded.append(layers.CategoryEncoding(num_tokens=8, output_mode="one_hot", name="cross_onehot")(crossed))
    flags = layers.Concatenate(name="flags")([inputs["fbs"], inputs["exang"] + 2])
    encoded.append(layers.CategoryEncoding(num_tokens=4, output_mode="multi_hot", name="flag_bits")(flags))

    all_features = layers.concatenate(encoded)
    x = layers.Dense(16, activation="relu")(all_features)
    x = layers.Dropout(0.0)(x)
    output = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, output)
    print("features", all_features.shape[-1], "inputs", len(model.inputs))
    normalizer = model.get_layer("chol_norm")
    print("chol mean", np.round(np.asarray(normalizer.mean).ravel().astype("float64"), 2).tolist(),
          "variance", np.round(np.asarray(normalizer.variance).ravel().astype("float64"), 1).tolist())
    init = np.random.default_rng(5)
    model.set_weights([init.normal(0.0, 0.3, value.shape).astype("float32") if w.trainable else value
                       for w, value in zip(model.weights, model.get_weights())])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy", keras.metrics.Precision(name="precision"),
                                                          keras.metrics.Recall(name="recall")])
    history = model.fit(train, y_train, epochs=6, batch_size=32, validation_data=(val, y_val), shuffle=False,
                        verbose=0)
    for key in ("loss", "accuracy", "precision", "recall", "val_loss", "val_accuracy"):
        print(key, np.round(history.history[key], 4).tolist())

    buckets = keras.ops.convert_to_numpy(model.get_layer("age_bucket")(np.array([[35.0], [50.0], [71.0]])))
    print("age buckets", buckets.tolist())
    crosses = keras.ops.convert_to_numpy(model.get_layer("sex_x_cp")([np.array([[1]]), np.array([[3]])]))
    print("cross index", crosses.tolist())

    sample = {"age": 60, "sex": 1, "cp": 1, "trestbps": 145, "chol": 233, "fbs": 1, "restecg": 2, "thalach": 150,
              "exang": 0, "oldpeak": 2.3, "ca": 0, "thal": THAL.index("fixed")}
    input_dict = {name: keras.ops.convert_to_tensor([value]) for name, value in sample.items()}
    predictions = model.predict(input_dict, verbose=0)
    print(f"This particular patient had a {100 * predictions[0][0]:.1f} percent probability of having a heart "
          "disease, as evaluated by our model.")
    print("evaluate", np.round(model.evaluate(val, y_val, verbose=0), 4).tolist())


if __name__ == "__main__":
    main()
