"""A Keras program, written for Keras 3: weight constraints and regularizers trained with `fit` and read back —
MaxNorm(axis=0) on a Dense kernel, MinMaxNorm(min_value, max_value, rate) on a Conv1D kernel over its three axes,
UnitNorm(axis=0) on another Dense, NonNeg on a bias and an Embedding, OrthogonalRegularizer (rows and columns
modes), L1L2 on a kernel, L1 on a bias and L2 as an activity regularizer; the column norms, signs and penalty
terms are printed after each phase, `model.losses` in order, the regularizers' configs and `get`, and a .keras
round trip keeps the constraints. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


def norms(w, axis):
    return r(np.sqrt(np.sum(np.square(ops.convert_to_numpy(w)), axis=axis)))


def main():
    rng = np.random.default_rng(2409)
    tokens = rng.integers(0, 12, size=(36, 6))
    feats = rng.normal(size=(36, 6, 3)).astype("float32")
    y = ((tokens % 4 == 1).sum(axis=1) + feats[:, :, 0].mean(axis=1) > 1.5).astype("float32")

    tok = keras.Input((6,), dtype="int32", name="tokens")
    seq = keras.Input((6, 3), name="feats")
    e = layers.Embedding(12, 3, embeddings_constraint=keras.constraints.NonNeg(), name="emb")(tok)
    c = layers.Conv1D(4, 3, padding="same", name="conv",
                      kernel_constraint=keras.constraints.MinMaxNorm(0.5, 1.0, rate=0.7, axis=[0, 1, 2]),
                      kernel_regularizer=keras.regularizers.L2(0.02))(seq)
    h = layers.Concatenate(name="cat")([e, c])
    h = layers.GlobalAveragePooling1D(name="pool")(h)
    h = layers.Dense(6, activation="relu", name="capped",
                     kernel_constraint=keras.constraints.MaxNorm(1.2, axis=0),
                     kernel_regularizer=keras.regularizers.L1L2(l1=0.001, l2=0.01),
                     bias_regularizer=keras.regularizers.L1(0.02),
                     bias_constraint=keras.constraints.NonNeg(),
                     activity_regularizer=keras.regularizers.L2(0.005))(h)
    h = layers.Dense(4, activation="tanh", name="unit", kernel_constraint=keras.constraints.UnitNorm(axis=0),
                     kernel_regularizer=keras.regularizers.OrthogonalRegularizer(0.1, mode="rows"))(h)
    out = layers.Dense(1, activation="sigmoid", name="out")(h)
    model = keras.Model([tok, seq], out, name="constrained")
    init = np.random.default_rng(10)
    model.set_weights([init.uniform(-0.8, 0.8, w.shape).astype("float32") for w in model.get_weights()])

    print("losses before", len(model.losses), r(ops.stack(model.losses[:3])))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit([tokens, feats], y, batch_size=9, epochs=4, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]), "accuracy", r(history.history["accuracy"]))
    print("capped column norms", norms(model.get_layer("capped").kernel, 0))
    print("capped bias min", r(ops.min(model.get_layer("capped").bias)))
    print("unit column norms", norms(model.get_layer("unit").kernel, 0))
    print("conv kernel norms", norms(model.get_layer("conv").kernel, (0, 1, 2)))
    print("embedding min", r(ops.min(model.get_layer("emb").embeddings)))
    print("weight penalties", [r(p) for p in model.losses[:3]])
    print("evaluate", r(model.evaluate([tokens, feats], y, verbose=0)))
    print("predict", r(model.predict([tokens[:4], feats[:4]], verbose=0).ravel()))
    model(([tokens[:4], feats[:4]]))
    print("losses after call", len(model.losses), r(model.losses[-1]))

    reg = model.get_layer("capped").kernel_regularizer
    print("l1l2 config", sorted(reg.get_config().items()), "penalty", r(reg(model.get_layer("capped").kernel)))
    ortho = keras.regularizers.get({"class_name": "OrthogonalRegularizer", "config": {"factor": 0.2,
                                                                                      "mode": "columns"}})
    print("orthogonal", sorted(ortho.get_config().items()), r(ortho(ops.eye(3, 2) * 2 + 0.1)))
    mm = keras.constraints.MinMaxNorm(0.5, 1.0, rate=0.7, axis=0)
    print("minmax", r(mm(ops.convert_to_tensor([[3.0, 0.1], [4.0, 0.2]]))), sorted(mm.get_config().items()))
    print("maxnorm", r(keras.constraints.MaxNorm(2.0)(ops.convert_to_tensor([[3.0, 1.0], [4.0, 1.0]]))))
    print("get", [type(keras.constraints.get(n)).__name__ for n in ("non_neg", "unit_norm", "max_norm")])

    model.save("constrained.keras")
    back = keras.models.load_model("constrained.keras")
    print("reloaded constraints", type(back.get_layer("conv").kernel_constraint).__name__,
          back.get_layer("conv").kernel_constraint.get_config()["rate"],
          type(back.get_layer("unit").kernel_regularizer).__name__,
          back.get_layer("unit").kernel_regularizer.get_config()["mode"])
    back.fit([tokens, feats], y, batch_size=12, epochs=1, verbose=0, shuffle=False)
    print("reloaded trained norms", norms(back.get_layer("capped").kernel, 0))


if __name__ == "__main__":
    main()
