"""A Keras program, written for Keras 3: losses on sequence-shaped data, the way a tagger or a forecaster
scores them — per-timestep sample weights of shape (batch, time), weights of shape (batch,) and (batch, 1),
a Keras mask carried by y_pred from a Masking layer, each reduction ("sum", "none", "sum_over_batch_size",
"mean_with_sample_weight", None), Dice and Tversky with axis, the functional forms (keras.losses.dice,
tversky, huber, log_cosh, categorical_focal_crossentropy with axis), losses.get by name and by config dict, a
loss's dtype, and a model trained with sample_weight_mode-free temporal weights. Fixed NumPy inputs and
weights, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, losses, ops


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(1702)
    y_true = rng.normal(size=(3, 4, 2)).astype("float32")
    y_pred = rng.normal(size=(3, 4, 2)).astype("float32")
    time_w = np.array([[1.0, 1.0, 0.0, 0.0], [1.0, 0.5, 0.5, 0.0], [0.0, 0.0, 0.0, 2.0]], "float32")
    for reduction in ("sum", "none", "sum_over_batch_size", "mean_with_sample_weight", None):
        loss = losses.MeanSquaredError(reduction=reduction)
        print("mse", reduction, r(loss(y_true, y_pred)), r(loss(y_true, y_pred, sample_weight=time_w)))
    print("batch weights", r(losses.MeanAbsoluteError()(y_true, y_pred, sample_weight=np.array([[1.0], [0.0], [3.0]]))),
          r(losses.MeanAbsoluteError(reduction="none")(y_true, y_pred,
                                                         sample_weight=np.array([[1.0], [0.0], [3.0]]))))
    print("huber time weights", r(losses.Huber(delta=0.5, reduction="none")(y_true, y_pred, sample_weight=time_w)))

    masked = keras.Sequential([layers.Masking(mask_value=0.0)])
    x = y_pred.copy()
    x[0, 3] = 0.0
    x[2, :2] = 0.0
    y_masked = masked(x)
    print("mask", r(ops.convert_to_numpy(y_masked._keras_mask).astype("float32")))
    for reduction in ("sum_over_batch_size", "sum", "none", "mean_with_sample_weight"):
        print("masked mse", reduction, r(losses.MeanSquaredError(reduction=reduction)(y_true, y_masked)),
              r(losses.MeanSquaredError(reduction=reduction)(y_true, y_masked, sample_weight=time_w)))

    probs_true = (rng.uniform(size=(2, 5, 5, 1)) > 0.5).astype("float32")
    probs_pred = rng.uniform(0.05, 0.95, size=(2, 5, 5, 1)).astype("float32")
    print("dice", r(losses.Dice()(probs_true, probs_pred)), r(losses.Dice(axis=(1, 2))(probs_true, probs_pred)),
          r(losses.Dice(reduction="none", axis=(1, 2, 3))(probs_true, probs_pred)))
    print("tversky", r(losses.Tversky(alpha=0.7, beta=0.3)(probs_true, probs_pred)),
          r(losses.Tversky(alpha=0.3, beta=0.7, axis=(1, 2), reduction="none")(probs_true, probs_pred)))
    print("dice fn", r(losses.dice(probs_true, probs_pred)), r(losses.dice(probs_true, probs_pred, axis=(1, 2))))
    print("tversky fn", r(losses.tversky(probs_true, probs_pred, alpha=0.6, beta=0.4)))
    print("huber fn", r(losses.huber(y_true[0], y_pred[0], delta=0.3)), "log_cosh fn",
          r(losses.log_cosh(y_true[0], y_pred[0])))

    onehot = np.eye(3, dtype="float32")[[0, 2, 1, 2]].T
    logits = rng.normal(size=(3, 4)).astype("float32")
    print("focal axis 0", r(losses.categorical_focal_crossentropy(onehot, logits, from_logits=True, axis=0)),
          r(losses.CategoricalFocalCrossentropy(from_logits=True, axis=0, alpha=0.5, gamma=1.0)(onehot, logits)))
    print("cce axis 0 smoothing", r(losses.CategoricalCrossentropy(from_logits=True, axis=0,
                                                                    label_smoothing=0.2)(onehot, logits)))
    print("cosine axis 0", r(losses.CosineSimilarity(axis=0, reduction="none")(y_true[0], y_pred[0])),
          r(losses.cosine_similarity(y_true[0], y_pred[0], axis=0)))

    by_name = losses.get("huber")
    by_config = losses.get({"class_name": "LogCosh", "config": {"reduction": "sum", "name": "lc"}})
    print("get", type(by_name).__name__ if not callable(by_name) or isinstance(by_name, losses.Loss)
          else by_name.__name__, type(by_config).__name__, by_config.reduction, by_config.name,
          r(by_config(y_true, y_pred)))
    half = losses.MeanSquaredError(dtype="float16")
    value = half(y_true, y_pred)
    print("dtype", half.dtype, str(ops.convert_to_numpy(value).dtype), r(value, 2))
    print("config", sorted(losses.Tversky(alpha=0.2, beta=0.8, axis=(1, 2)).get_config().items()))

    inputs = keras.Input((4, 2))
    outputs = layers.TimeDistributed(layers.Dense(2))(layers.LSTM(3, return_sequences=True)(inputs))
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse", weighted_metrics=["mae"])
    history = model.fit(y_pred, y_true, sample_weight=time_w, batch_size=3, epochs=3, verbose=0, shuffle=False)
    print("temporal weights fit", r(history.history["loss"]), r(history.history["mae"]))
    print("evaluate", r(model.evaluate(y_pred, y_true, sample_weight=time_w, verbose=0)))


if __name__ == "__main__":
    main()
