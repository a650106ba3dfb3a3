"""A Keras program, written for Keras 3: keras.losses objects with their options — label_smoothing on
binary, categorical and (sparse-free) one-hot targets with from_logits, the axis argument, the focal losses'
alpha / gamma / apply_class_balancing, Huber's delta, ignore_class on SparseCategoricalCrossentropy, Tversky
and Dice — each called with and without sample_weight of several shapes and with reduction "sum", "none",
"sum_over_batch_size" and "mean_with_sample_weight"; then two of them in compile with loss_weights. Fixed
NumPy data, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

L = keras.losses


def r(values, digits=5):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).tolist()


def main():
    logits = np.array([[2.0, -1.0, 0.5], [0.1, 0.3, -0.4], [-1.5, 2.5, 0.0], [0.7, 0.7, 0.7]], "float32")
    onehot = np.eye(3, dtype="float32")[[0, 1, 1, 2]]
    sparse = np.array([0, 1, 1, 2], "int32")
    probs = ops.convert_to_numpy(ops.softmax(logits))
    weights = np.array([1.0, 0.5, 2.0, 0.0], "float32")

    for reduction in ("sum_over_batch_size", "sum", "none", "mean_with_sample_weight"):
        loss = L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction=reduction)
        print("cce", reduction, r(loss(onehot, logits)), r(loss(onehot, logits, sample_weight=weights)))

    cce_axis = L.CategoricalCrossentropy(axis=0, label_smoothing=0.1)
    print("cce axis0", r(cce_axis(onehot.T, probs.T)))
    print("sparse ignore", r(L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=1)(sparse, logits)),
          r(L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2, reduction="none")(sparse, logits)))

    binary_true = np.array([[1, 0], [0, 0], [1, 1], [0, 1]], "float32")
    binary_logit = np.array([[1.2, -0.3], [0.4, -2.0], [0.0, 3.0], [-0.8, 0.6]], "float32")
    for smoothing in (0.0, 0.3):
        bce = L.BinaryCrossentropy(from_logits=True, label_smoothing=smoothing)
        print("bce smoothing", smoothing, r(bce(binary_true, binary_logit)),
              r(bce(binary_true, binary_logit, sample_weight=np.array([1.0, 0.0, 0.5, 2.0]))))
    focal = L.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.5, from_logits=True,
                                      label_smoothing=0.1, reduction="none")
    print("binary focal", r(focal(binary_true, binary_logit)))
    cfocal = L.CategoricalFocalCrossentropy(alpha=0.5, gamma=3.0, from_logits=True, label_smoothing=0.05)
    print("categorical focal", r(cfocal(onehot, logits)), r(cfocal(onehot, logits, sample_weight=weights)))

    y_true = np.array([[0.0, 1.0, 2.0], [3.0, -1.0, 0.5]], "float32")
    y_pred = np.array([[0.5, 3.0, 1.0], [2.0, -1.5, 4.0]], "float32")
    for delta in (0.5, 1.0, 2.5):
        print("huber", delta, r(L.Huber(delta=delta)(y_true, y_pred)),
              r(L.Huber(delta=delta, reduction="none")(y_true, y_pred)))
    print("per-element weights", r(L.MeanSquaredError()(y_true, y_pred, sample_weight=np.array([[1.0], [0.25]]))),
          r(L.MeanAbsoluteError(reduction="sum")(y_true, y_pred, sample_weight=np.array([2.0, 0.5]))))
    print("log cosh / msle", r(L.LogCosh()(y_true, y_pred)), r(L.MeanSquaredLogarithmicError()(abs(y_true), abs(y_pred))))
    mask_true = np.array([[[1, 0], [1, 1]], [[0, 0], [1, 0]]], "float32")
    mask_pred = np.array([[[0.9, 0.2], [0.6, 0.7]], [[0.1, 0.4], [0.8, 0.3]]], "float32")
    print("tversky", r(L.Tversky(alpha=0.7, beta=0.3)(mask_true, mask_pred)),
          "dice", r(L.Dice()(mask_true, mask_pred)), r(L.Dice(axis=(1, 2), reduction="none")(mask_true, mask_pred)))
    print("kld poisson", r(L.KLDivergence()(probs[::-1], probs)), r(L.Poisson()(abs(y_true), abs(y_pred))))
    print("cosine", r(L.CosineSimilarity(axis=1)(y_true, y_pred)), r(L.CosineSimilarity(axis=0, reduction=None)(y_true, y_pred)))
    print("config", sorted(L.BinaryFocalCrossentropy(alpha=0.3, gamma=1.5, label_smoothing=0.1).get_config().items()))

    inputs = keras.Input((3,))
    a = layers.Dense(3, name="cls", kernel_initializer=keras.initializers.Constant(0.1))(inputs)
    b = layers.Dense(2, name="reg", kernel_initializer=keras.initializers.Constant(-0.2))(inputs)
    model = keras.Model(inputs, {"cls": a, "reg": b})
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss={"cls": L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1), "reg": L.Huber(0.5)},
                  loss_weights={"cls": 1.0, "reg": 0.25})
    x = logits
    targets = {"cls": onehot, "reg": y_pred[[0, 1, 0, 1], :2]}
    history = model.fit(x, targets, sample_weight=weights, batch_size=2, epochs=3, shuffle=False, verbose=0)
    print("fit", sorted(history.history), [r(v, 4) for k, v in sorted(history.history.items())])
    print("evaluate", r(model.evaluate(x, targets, verbose=0, return_dict=False), 4))
