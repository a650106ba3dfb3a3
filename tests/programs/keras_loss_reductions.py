"""A Keras program, written for Keras 3: Keras's loss classes called the ways users call them — every reduction
("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None / "none"), sample_weight of several shapes,
from_logits, label_smoothing (binary, categorical and sparse), axis, focal losses with alpha/gamma and
apply_class_balancing, Huber's delta, Tversky and Dice, CosineSimilarity, the hinge family, Poisson, KLDivergence,
LogCosh, MeanSquaredLogarithmicError and CategoricalGeneralizedCrossEntropy; their configs, losses.get by
name, and a model trained with a label-smoothed from_logits loss. Real Keras and deepgrad must print the same."""
import numpy as np

import keras
from keras import losses


def show(name, value):
    print(name, np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), 5).tolist())


def main():
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(4), size=6).astype("float32")
    logits = rng.standard_normal((6, 4)).astype("float32") * 2
    labels = np.array([0, 3, 1, 1, 2, 0])
    onehot = np.eye(4, dtype="float32")[labels]
    binary = (rng.random((6, 3)) > 0.5).astype("float32")
    binary_p = rng.uniform(0.05, 0.95, (6, 3)).astype("float32")
    reg_true = rng.standard_normal((6, 3)).astype("float32")
    reg_pred = rng.standard_normal((6, 3)).astype("float32")
    weights = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0], "float32")

    for reduction in ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None, "none"]:
        loss = losses.MeanSquaredError(reduction=reduction)
        show(f"mse {reduction}", loss(reg_true, reg_pred, sample_weight=weights))
    show("mse weight column", losses.MeanSquaredError(reduction="sum")(reg_true, reg_pred, weights[:, None]))
    show("bce", losses.BinaryCrossentropy()(binary, binary_p))
    show("bce smooth logits", losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.2)(binary, reg_pred))
    show("bce axis0 none", losses.BinaryCrossentropy(axis=0, reduction=None)(binary, binary_p))
    show("bfocal", losses.BinaryFocalCrossentropy(gamma=3.0)(binary, binary_p))
    show("bfocal balanced", losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3,
                                                            from_logits=True, label_smoothing=0.1)(binary, reg_pred))
    show("cce", losses.CategoricalCrossentropy()(onehot, probs, sample_weight=weights))
    show("cce smooth logits", losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.3)(onehot, logits))
    show("cce axis0", losses.CategoricalCrossentropy(axis=0, reduction="none")(onehot.T, probs.T))
    show("cfocal", losses.CategoricalFocalCrossentropy(alpha=0.5, gamma=1.5, reduction="sum")(onehot, probs))
    show("sparse", losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits, sample_weight=weights))
    show("sparse ignore", losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1,
                                                               reduction="none")(labels, logits))
    show("huber", losses.Huber(delta=0.5)(reg_true, reg_pred))
    show("logcosh", losses.LogCosh(reduction="none")(reg_true, reg_pred))
    show("msle", losses.MeanSquaredLogarithmicError()(np.abs(reg_true), np.abs(reg_pred)))
    show("mape", losses.MeanAbsolutePercentageError(reduction="sum")(reg_true, reg_pred))
    show("cosine", losses.CosineSimilarity(axis=1, reduction="none")(reg_true, reg_pred))
    show("hinge", losses.Hinge()(binary * 2 - 1, reg_pred))
    show("squared hinge", losses.SquaredHinge(reduction="none")(binary, reg_pred))
    show("categorical hinge", losses.CategoricalHinge()(onehot, logits))
    show("poisson", losses.Poisson()(np.abs(reg_true), np.abs(reg_pred)))
    show("kld", losses.KLDivergence(reduction="none")(probs[::-1], probs))
    show("tversky", losses.Tversky(alpha=0.7, beta=0.3)(binary, binary_p))
    show("dice", losses.Dice(reduction="none", axis=1)(binary, binary_p))
    show("generalized ce", losses.CategoricalGeneralizedCrossEntropy(q=0.7)(labels, probs))
    show("function", losses.categorical_crossentropy(onehot, logits, from_logits=True, label_smoothing=0.1))
    show("function sparse", losses.sparse_categorical_crossentropy(labels, probs))
    show("function gce", losses.categorical_generalized_cross_entropy(labels, keras.ops.convert_to_tensor(probs),
                                                                        q=0.4))
    show("function bce", losses.binary_crossentropy(binary, binary_p, label_smoothing=0.2))
    got = losses.get("categorical_crossentropy")
    print("get", getattr(got, "__name__", type(got).__name__), type(losses.get({"class_name": "Huber",
                                                                                 "config": {"delta": 2.0}})).__name__)
    config = losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.0).get_config()
    print("config", sorted(config.items()))
    again = losses.CategoricalCrossentropy.from_config(losses.CategoricalCrossentropy(label_smoothing=0.2).get_config())
    show("from_config", again(onehot, probs))

    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(4)(hidden))
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, reduction="sum"),
                  metrics=[keras.metrics.CategoricalAccuracy(),
                           keras.metrics.CategoricalCrossentropy(from_logits=True)])
    x = rng.standard_normal((24, 4)).astype("float32")
    y = np.eye(4, dtype="float32")[np.argmax(x, axis=1)]
    history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0,
                        sample_weight=np.linspace(0.5, 1.5, 24).astype("float32"))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])


if __name__ == "__main__":
    main()
