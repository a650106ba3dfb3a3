"""A Keras program, written for Keras 3: metrics with their options, called standalone with sample weights
and inside compile/fit — AUC(multi_label=True, num_labels=) with and without label_weights, AUC(curve="PR",
summation_method="minoring"), F1Score under each average with a threshold, FBetaScore(beta=2),
PrecisionAtRecall / RecallAtPrecision / SensitivityAtSpecificity / SpecificityAtSensitivity (class_id),
MeanIoU(num_classes=, sparse_y_pred=False), OneHotIoU, R2Score(class_aggregation=, num_regressors=), and a
multi-label classifier fitted a few epochs with several of them, evaluated and predicted. Weights are set from
NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, metrics


def value(metric):
    result = metric.result()
    return np.round(keras.ops.convert_to_numpy(result).astype("float64"), 4).tolist()


def main():
    rng = np.random.default_rng(2323)
    y_true = (rng.uniform(size=(24, 3)) > 0.55).astype("float32")
    y_score = np.clip(y_true * 0.35 + rng.uniform(size=(24, 3)) * 0.65, 0, 1).astype("float32")
    weight = rng.uniform(0.5, 2.0, 24).astype("float32")

    for name, metric in [
            ("auc multi-label", metrics.AUC(multi_label=True, num_labels=3)),
            ("auc label weights", metrics.AUC(multi_label=True, num_labels=3, label_weights=[0.2, 0.3, 0.5])),
            ("auc pr minoring", metrics.AUC(curve="PR", summation_method="minoring", num_thresholds=50)),
            ("auc majoring", metrics.AUC(summation_method="majoring", num_thresholds=20)),
            ("f1 none", metrics.F1Score(average=None, threshold=0.5)),
            ("f1 micro", metrics.F1Score(average="micro", threshold=0.4)),
            ("f1 macro", metrics.F1Score(average="macro", threshold=0.6)),
            ("f1 weighted", metrics.F1Score(average="weighted", threshold=0.5)),
            ("fbeta 2", metrics.FBetaScore(beta=2.0, average="macro", threshold=0.5)),
            ("precision at recall", metrics.PrecisionAtRecall(0.7, num_thresholds=60)),
            ("recall at precision", metrics.RecallAtPrecision(0.8, num_thresholds=60, class_id=1)),
            ("sensitivity at specificity", metrics.SensitivityAtSpecificity(0.6, class_id=2)),
            ("specificity at sensitivity", metrics.SpecificityAtSensitivity(0.9)),
            ("precision top-2", metrics.Precision(top_k=2)),
            ("recall thresholds", metrics.Recall(thresholds=[0.3, 0.5, 0.7]))]:
        metric.update_state(y_true[:12], y_score[:12])
        metric.update_state(y_true[12:], y_score[12:], sample_weight=weight[12:])
        print(name, value(metric))

    labels = rng.integers(0, 4, 30)
    guesses = rng.integers(0, 4, 30)
    iou = metrics.MeanIoU(num_classes=4)
    iou.update_state(labels, guesses, sample_weight=rng.uniform(0.5, 1.5, 30).astype("float32"))
    print("mean iou", value(iou))
    print("confusion", keras.ops.convert_to_numpy(iou.total_cm).astype("float64").round(3).tolist())
    scores = np.eye(4, dtype="float32")[guesses] * 0.6 + rng.uniform(size=(30, 4)).astype("float32") * 0.4
    dense = metrics.MeanIoU(num_classes=4, sparse_y_pred=False, ignore_class=0)
    dense.update_state(labels, scores)
    print("mean iou from scores, class 0 ignored", value(dense))
    one_hot = metrics.OneHotIoU(num_classes=4, target_class_ids=[1, 3])
    one_hot.update_state(np.eye(4, dtype="float32")[labels], scores)
    print("one-hot iou", value(one_hot))
    one_hot_mean = metrics.OneHotMeanIoU(num_classes=4)
    one_hot_mean.update_state(np.eye(4, dtype="float32")[labels], scores)
    print("one-hot mean iou", value(one_hot_mean))

    targets = rng.normal(size=(20, 2)).astype("float32")
    predictions = (targets * 0.8 + 0.3 * rng.normal(size=(20, 2))).astype("float32")
    for aggregation in ("uniform_average", "variance_weighted_average", None):
        r2 = metrics.R2Score(class_aggregation=aggregation)
        r2.update_state(targets, predictions, sample_weight=np.linspace(0.5, 1.5, 20).astype("float32"))
        print("r2", aggregation, value(r2))
    adjusted = metrics.R2Score(num_regressors=3)
    adjusted.update_state(targets, predictions)
    print("adjusted r2", value(adjusted))
    print("f1 config", sorted((k, v) for k, v in metrics.F1Score(average="macro", threshold=0.4).get_config().items()
                              if k != "dtype"))
    print("auc config", {k: v for k, v in sorted(metrics.AUC(multi_label=True, num_labels=3).get_config().items())
                         if k in ("multi_label", "num_labels", "curve", "summation_method", "from_logits")})

    x = rng.normal(size=(72, 5)).astype("float32")
    labels3 = (x[:, :3] + 0.5 * x[:, 3:4] + 0.3 * rng.normal(size=(72, 3)) > 0.2).astype("float32")
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="tanh"),
                              layers.Dense(3, activation="sigmoid")], name="tagger")
    init = np.random.default_rng(9)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.04), loss="binary_crossentropy",
                  metrics=[metrics.AUC(multi_label=True, num_labels=3, name="auc"),
                           metrics.F1Score(average="macro", threshold=0.5, name="f1"),
                           metrics.FBetaScore(beta=0.5, average="micro", threshold=0.5, name="f05"),
                           metrics.PrecisionAtRecall(0.8, name="p_at_r"),
                           metrics.R2Score(name="r2")])
    history = model.fit(x[:56], labels3[:56], batch_size=14, epochs=4, verbose=0, shuffle=False,
                        validation_data=(x[56:], labels3[56:]))
    for key in sorted(history.history):
        print(key, [round(float(v), 4) for v in history.history[key]])
    print("evaluate", {k: np.round(np.asarray(v, "float64"), 4).tolist()
                       for k, v in model.evaluate(x, labels3, verbose=0, return_dict=True).items()})
    print("predict", np.round(model.predict(x[:3], verbose=0), 4).tolist())


if __name__ == "__main__":
    main()
