"""A Keras program, written for Keras 3: metrics a user rarely prints, each streamed through `fit` and `evaluate`
and by hand with `update_state`/`result`/`reset_state`: `AUC(curve='PR', multi_label=True, num_thresholds=)`,
`AUC(summation_method='minoring')`, `PrecisionAtRecall`, `RecallAtPrecision`, `SensitivityAtSpecificity`,
`SpecificityAtSensitivity`, `F1Score(average='weighted', threshold=)`, `FBetaScore(beta=2, average='micro')`,
`R2Score(class_aggregation=, num_regressors=)`, `CategoricalHinge`, `MeanIoU`, `OneHotIoU`, `OneHotMeanIoU`,
`Poisson`, `LogCoshError`, `KLDivergence`, with and without sample weights."""
import numpy as np

import keras
from keras import layers, metrics


def r(value, digits=4):
    return (np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    rng = np.random.default_rng(2508)
    x = rng.normal(size=(80, 5)).astype("float32")
    logits = x @ rng.normal(size=(5, 3)).astype("float32")
    y_multi = (logits + 0.8 * rng.normal(size=(80, 3)) > 0.2).astype("float32")
    y_class = np.argmax(logits + 0.5 * rng.normal(size=(80, 3)), axis=1)
    y_onehot = np.eye(3, dtype="float32")[y_class]
    weights = rng.uniform(0.2, 1.8, size=80).astype("float32")

    # by hand: each metric, weighted and not, then reset
    probs = 1.0 / (1.0 + np.exp(-logits))
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    by_hand = [
        ("auc_pr_multi", metrics.AUC(curve="PR", multi_label=True, num_thresholds=50), y_multi, probs),
        ("auc_minoring", metrics.AUC(num_thresholds=30, summation_method="minoring"), y_multi, probs),
        ("precision_at_recall", metrics.PrecisionAtRecall(0.7, num_thresholds=40), y_multi[:, 0], probs[:, 0]),
        ("recall_at_precision", metrics.RecallAtPrecision(0.6, num_thresholds=40), y_multi[:, 1], probs[:, 1]),
        ("sensitivity_at_specificity", metrics.SensitivityAtSpecificity(0.5, num_thresholds=40), y_multi[:, 2],
         probs[:, 2]),
        ("specificity_at_sensitivity", metrics.SpecificityAtSensitivity(0.8, class_id=1), y_multi, probs),
        ("f1_weighted", metrics.F1Score(average="weighted", threshold=0.4), y_onehot, softmax),
        ("f1_none", metrics.F1Score(average=None), y_onehot, softmax),
        ("fbeta_micro", metrics.FBetaScore(beta=2.0, average="micro", threshold=0.3), y_onehot, softmax),
        ("r2_uniform", metrics.R2Score(), logits, logits * 0.8 + 0.1),
        ("r2_variance", metrics.R2Score(class_aggregation="variance_weighted_average", num_regressors=2), logits,
         logits * 0.8 + 0.1),
        ("r2_none", metrics.R2Score(class_aggregation=None), logits, logits * 0.8 + 0.1),
        ("categorical_hinge", metrics.CategoricalHinge(), y_onehot, softmax),
        ("mean_iou", metrics.MeanIoU(num_classes=3), y_class, np.argmax(softmax, axis=1)),
        ("one_hot_iou", metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2]), y_onehot, softmax),
        ("one_hot_mean_iou", metrics.OneHotMeanIoU(num_classes=3), y_onehot, softmax),
        ("poisson", metrics.Poisson(), np.abs(logits), np.abs(logits) * 0.9 + 0.2),
        ("log_cosh", metrics.LogCoshError(), logits, logits * 0.7),
        ("kl_divergence", metrics.KLDivergence(), y_onehot * 0.9 + 0.0333, softmax),
    ]
    for name, metric, y_true, y_pred in by_hand:
        metric.update_state(y_true[:40], y_pred[:40])
        first = r(metric.result())
        metric.update_state(y_true[40:], y_pred[40:], sample_weight=weights[40:])
        print(name, first, r(metric.result()))
        metric.reset_state()
        metric.update_state(y_true, y_pred, sample_weight=weights)
        print(name, "weighted", r(metric.result()), "variables", len(metric.variables))

    # through fit: a multi-label head and a softmax head
    inputs = keras.Input((5,))
    hidden = layers.Dense(8, activation="relu", name="hidden")(inputs)
    tags = layers.Dense(3, activation="sigmoid", name="tags")(hidden)
    kind = layers.Dense(3, activation="softmax", name="kind")(hidden)
    model = keras.Model(inputs, {"tags": tags, "kind": kind})
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(
        optimizer=keras.optimizers.Adam(0.03),
        loss={"tags": "binary_crossentropy", "kind": "categorical_crossentropy"},
        metrics={"tags": [metrics.AUC(curve="PR", multi_label=True, num_thresholds=50, name="pr_auc"),
                          metrics.PrecisionAtRecall(0.6, name="p_at_r")],
                 "kind": [metrics.F1Score(average="weighted", name="f1"), metrics.CategoricalHinge(name="hinge"),
                          metrics.OneHotMeanIoU(num_classes=3, name="miou")]},
    )
    history = model.fit(x[:64], {"tags": y_multi[:64], "kind": y_onehot[:64]}, batch_size=16, epochs=3,
                        verbose=0, shuffle=False,
                        validation_data=(x[64:], {"tags": y_multi[64:], "kind": y_onehot[64:]}))
    for key in sorted(history.history):
        print("fit", key, r(history.history[key]))
    results = model.evaluate(x, {"tags": y_multi, "kind": y_onehot}, verbose=0, return_dict=True)
    print("evaluate", {k: r(v) for k, v in sorted(results.items())})
    results = model.evaluate(x, {"tags": y_multi, "kind": y_onehot}, sample_weight=weights, verbose=0,
                             return_dict=True)
    print("evaluate weighted", {k: r(v) for k, v in sorted(results.items())})


if __name__ == "__main__":
    main()
