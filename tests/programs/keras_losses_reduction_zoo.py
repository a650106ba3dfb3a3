"""A Keras program, written for Keras 3: loss objects called directly with reduction="none" / "sum" /
"sum_over_batch_size" / "mean_with_sample_weight", sample weights and from_logits — CategoricalFocalCrossentropy,
BinaryFocalCrossentropy (alpha balancing), Huber (delta), LogCosh, Tversky (alpha, beta), Dice (axis),
CategoricalCrossentropy with label_smoothing and from_logits, Poisson, KLDivergence, CosineSimilarity — their
get_config, and a segmentation model compiled with a sum of Dice and focal losses. Real Keras and deepgrad print the
same."""
import numpy as np

import keras
from keras import layers, losses, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def n(tensor):
    return ops.convert_to_numpy(tensor)


def dice_focal(y_true, y_pred):
    return losses.Dice()(y_true, y_pred) + losses.BinaryFocalCrossentropy(gamma=2.0)(y_true, y_pred)


def main():
    y_true = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]], "float32")
    logits = np.array([[0.5, 2.0, -1.0], [1.0, 0.2, 0.1], [3.0, -0.5, 0.0], [-1.0, 0.3, 0.8]], "float32")
    probs = n(ops.softmax(logits))
    weights = np.array([1.0, 0.5, 2.0, 0.0], "float32")

    for reduction in ("none", "sum", "sum_over_batch_size", "mean_with_sample_weight"):
        focal = losses.CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, reduction=reduction)
        print("focal", reduction, r(n(focal(y_true, probs))), r(n(focal(y_true, probs, sample_weight=weights))))
    focal_logits = losses.CategoricalFocalCrossentropy(from_logits=True, label_smoothing=0.1, reduction="none")
    print("focal from_logits smoothed", r(n(focal_logits(y_true, logits))))
    cce = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, reduction="none")
    print("cce smoothed", r(n(cce(y_true, logits))))

    binary_true = np.array([[1, 0, 1, 1], [0, 0, 1, 0]], "float32")
    binary_prob = np.array([[0.9, 0.2, 0.6, 0.3], [0.1, 0.7, 0.8, 0.4]], "float32")
    bfocal = losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, gamma=1.5, reduction="none")
    print("binary focal balanced", r(n(bfocal(binary_true, binary_prob))))
    bfocal_sum = losses.BinaryFocalCrossentropy(from_logits=True, reduction="sum")
    print("binary focal logits sum", r(n(bfocal_sum(binary_true, binary_prob * 4 - 2))))

    regression_true = np.array([[0.0, 1.0], [2.0, -3.0], [1.5, 0.5]], "float32")
    regression_pred = np.array([[0.2, 2.5], [1.0, -0.5], [1.5, 0.4]], "float32")
    for delta in (0.5, 1.0, 2.0):
        huber = losses.Huber(delta=delta, reduction="none")
        print("huber", delta, r(n(huber(regression_true, regression_pred))))
    print("huber sum weighted", r(n(losses.Huber(reduction="sum")(regression_true, regression_pred,
                                                                   sample_weight=np.array([1.0, 2.0, 0.5])))))
    print("log_cosh", r(n(losses.LogCosh(reduction="none")(regression_true, regression_pred))),
          r(n(losses.LogCosh()(regression_true, regression_pred))))

    mask_true = np.array([[[1, 0], [1, 1]], [[0, 0], [1, 0]]], "float32")
    mask_pred = np.array([[[0.8, 0.3], [0.6, 0.9]], [[0.2, 0.1], [0.7, 0.4]]], "float32")
    print("dice", r(n(losses.Dice()(mask_true, mask_pred))),
          r(n(losses.Dice(reduction="none")(mask_true, mask_pred))))
    print("dice axis", r(n(losses.Dice(reduction="none", axis=(1, 2))(mask_true, mask_pred))))
    print("tversky", r(n(losses.Tversky(alpha=0.7, beta=0.3)(mask_true, mask_pred))),
          r(n(losses.Tversky(alpha=0.3, beta=0.7, reduction="none")(mask_true, mask_pred))))

    counts_true = np.array([[2.0, 0.0], [1.0, 3.0]], "float32")
    rate = np.array([[1.5, 0.5], [1.0, 2.0]], "float32")
    print("poisson", r(n(losses.Poisson(reduction="none")(counts_true, rate))))
    print("kld", r(n(losses.KLDivergence(reduction="none")(y_true, probs))))
    print("cosine", r(n(losses.CosineSimilarity(axis=-1, reduction="none")(regression_true, regression_pred))))
    print("huber config", losses.Huber(delta=0.5).get_config())
    print("tversky config", losses.Tversky(alpha=0.7, beta=0.3).get_config())
    print("focal config", losses.CategoricalFocalCrossentropy(gamma=3.0).get_config())

    rng = np.random.default_rng(21)
    images = rng.uniform(size=(24, 8, 8, 1)).astype("float32")
    masks = (images > 0.6).astype("float32")
    inputs = keras.Input((8, 8, 1))
    x = layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
    outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=dice_focal,
                  metrics=[keras.metrics.BinaryIoU(target_class_ids=[1], name="iou")])
    history = model.fit(images, masks, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("segmentation loss", r(history.history["loss"]))
    print("segmentation iou", r(history.history["iou"]))


if __name__ == "__main__":
    main()
