"""A Keras program, written for Keras 3: tabular data in a pandas DataFrame, as in keras.io's structured-data
examples — columns passed to fit as a dict of Series (dict(df)), a Normalization layer adapted on a DataFrame
column, an integer category one-hot encoded by CategoryEncoding, a pandas Series as the target — and five-fold
cross-validation with sklearn's KFold, where each fold calls keras.backend.clear_session(), rebuilds the model,
restores the same starting weights, fits and evaluates; then clone_model on the last fold's model, the fold
scores and their mean. Real Keras and deepgrad print the same."""
import numpy as np
import pandas as pd
from sklearn.model_selection import KFold

import keras
from keras import layers


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def make_frame():
    rng = np.random.default_rng(50)
    n = 100
    df = pd.DataFrame({
        "age": rng.uniform(20, 70, n).astype("float32"),
        "income": rng.lognormal(3.0, 0.4, n).astype("float32"),
        "segment": rng.integers(0, 4, n).astype("int32"),
    })
    df["log_income"] = np.log(df["income"])
    score = 0.05 * (df["age"] - 45) + 0.08 * (df["income"] - 20) + (df["segment"] == 2) * 1.2
    df["bought"] = (score > 0.3).astype("float32")
    return df


def build(df_train):
    age = keras.Input((1,), name="age")
    income = keras.Input((1,), name="log_income")
    segment = keras.Input((1,), name="segment", dtype="int32")
    age_norm = layers.Normalization(name="age_norm")
    age_norm.adapt(df_train["age"].to_numpy()[:, None])
    income_norm = layers.Normalization(name="income_norm")
    income_norm.adapt(df_train["log_income"].to_numpy()[:, None])
    features = layers.concatenate([age_norm(age), income_norm(income),
                                   layers.CategoryEncoding(4, output_mode="one_hot")(segment)])
    h = layers.Dense(8, activation="relu", name="hidden")(features)
    model = keras.Model([age, income, segment], layers.Dense(1, activation="sigmoid", name="out")(h))
    init = np.random.default_rng(7)
    for layer in (model.get_layer("hidden"), model.get_layer("out")):
        layer.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in layer.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    return model


def main():
    df = make_frame()
    print(df.describe().round(3).loc[["mean", "std"]].to_dict())
    print("bought", int(df["bought"].sum()), "of", len(df))
    folds = KFold(n_splits=5, shuffle=True, random_state=3)
    scores = []
    for fold, (train_idx, test_idx) in enumerate(folds.split(df)):
        keras.backend.clear_session()
        train, test = df.iloc[train_idx], df.iloc[test_idx]
        model = build(train)
        if fold == 0:
            print("first layer names", [layer.name for layer in model.layers][:4])
            print("age mean", r(keras.ops.convert_to_numpy(model.get_layer("age_norm").mean).ravel()))
        features = {name: train[name] for name in ("age", "log_income", "segment")}
        history = model.fit(features, train["bought"], batch_size=16, epochs=4, shuffle=False, verbose=0)
        result = model.evaluate(dict(test[["age", "log_income", "segment"]]), test["bought"], verbose=0,
                                return_dict=True)
        scores.append(result["accuracy"])
        print("fold", fold, len(train_idx), r(history.history["loss"][-1]), sorted(result),
              r([result[k] for k in sorted(result)]))
    print("mean accuracy", r(np.mean(scores)), "std", r(np.std(scores)))

    twin = keras.models.clone_model(model)
    print("clone", [layer.name for layer in twin.layers] == [layer.name for layer in model.layers],
          bool(twin.get_layer("hidden") is model.get_layer("hidden")))
    twin.set_weights(model.get_weights())
    sample = {name: df[name].iloc[:4] for name in ("age", "log_income", "segment")}
    print("same predictions", bool(np.allclose(twin.predict(sample, verbose=0), model.predict(sample, verbose=0))))
    print("predictions", r(model.predict(sample, verbose=0).ravel()))


if __name__ == "__main__":
    main()
