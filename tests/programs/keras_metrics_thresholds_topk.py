"""A Keras program, written for Keras 3: classification metrics used standalone and in fit — AUC with curve="PR"
and "ROC", summation_method, num_thresholds and multi_label; Precision / Recall with a list of thresholds, top_k and
class_id; PrecisionAtRecall / SensitivityAtSpecificity; F1Score / FBetaScore with average=None/"micro"/"macro" and a
threshold; MeanIoU and OneHotIoU; update_state with sample weights, result, reset_state, and the metric variables.
Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, metrics, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def value(metric, y_true, y_pred, sample_weight=None):
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=sample_weight)
    return r(ops.convert_to_numpy(metric.result()))


def main():
    rng = np.random.default_rng(31)
    y_true = rng.integers(0, 2, 40).astype("float32")
    y_score = np.clip(y_true * 0.35 + rng.uniform(0, 0.65, 40), 0, 1).astype("float32")
    weights = rng.uniform(0.2, 1.0, 40).astype("float32")

    print("auc roc", value(metrics.AUC(), y_true, y_score), value(metrics.AUC(), y_true, y_score, weights))
    print("auc pr", value(metrics.AUC(curve="PR"), y_true, y_score),
          value(metrics.AUC(curve="PR", num_thresholds=50), y_true, y_score))
    print("auc minoring", value(metrics.AUC(summation_method="minoring"), y_true, y_score),
          value(metrics.AUC(summation_method="majoring", num_thresholds=20), y_true, y_score))
    auc = metrics.AUC(num_thresholds=5)
    auc.update_state(y_true, y_score)
    print("auc variables", [v.name for v in auc.variables], [tuple(v.shape) for v in auc.variables])
    print("auc thresholds", r(auc.thresholds), r(ops.convert_to_numpy(auc.true_positives)))

    multi_true = rng.integers(0, 2, (30, 3)).astype("float32")
    multi_score = np.clip(multi_true * 0.4 + rng.uniform(0, 0.6, (30, 3)), 0, 1).astype("float32")
    print("auc multi_label", value(metrics.AUC(multi_label=True, num_labels=3), multi_true, multi_score),
          value(metrics.AUC(multi_label=False), multi_true, multi_score))

    print("precision thresholds", value(metrics.Precision(thresholds=[0.3, 0.5, 0.7]), y_true, y_score))
    print("recall thresholds", value(metrics.Recall(thresholds=[0.3, 0.5, 0.7]), y_true, y_score))
    print("precision class_id", value(metrics.Precision(class_id=1), multi_true, multi_score),
          "recall class_id", value(metrics.Recall(class_id=2, thresholds=0.6), multi_true, multi_score))
    print("precision top_k", value(metrics.Precision(top_k=1), multi_true, multi_score),
          value(metrics.Precision(top_k=2), multi_true, multi_score))
    print("recall top_k", value(metrics.Recall(top_k=2), multi_true, multi_score))
    print("precision at recall", value(metrics.PrecisionAtRecall(0.8), y_true, y_score),
          "recall at precision", value(metrics.RecallAtPrecision(0.7), y_true, y_score))
    print("sensitivity at specificity", value(metrics.SensitivityAtSpecificity(0.6), y_true, y_score),
          "specificity at sensitivity", value(metrics.SpecificityAtSensitivity(0.9), y_true, y_score))

    for average in (None, "micro", "macro", "weighted"):
        print("f1", average, value(metrics.F1Score(average=average, threshold=0.5), multi_true, multi_score))
    print("fbeta 2", value(metrics.FBetaScore(beta=2.0, average="macro", threshold=0.4), multi_true, multi_score))
    one_hot_true = np.eye(3, dtype="float32")[rng.integers(0, 3, 12)]
    one_hot_pred = rng.dirichlet(np.ones(3), 12).astype("float32")
    print("f1 argmax", value(metrics.F1Score(average="macro"), one_hot_true, one_hot_pred))

    classes_true = np.array([0, 0, 1, 1, 2, 2, 2, 1], "int32")
    classes_pred = np.array([0, 1, 1, 1, 2, 0, 2, 2], "int32")
    miou = metrics.MeanIoU(num_classes=3)
    miou.update_state(classes_true, classes_pred)
    print("mean iou", r(ops.convert_to_numpy(miou.result())),
          "confusion", ops.convert_to_numpy(miou.total_cm).astype(int).tolist())
    miou.update_state(classes_true, classes_pred, sample_weight=np.array([1, 1, 0, 0, 1, 1, 1, 1], "float32"))
    print("mean iou accumulated", r(ops.convert_to_numpy(miou.result())))
    miou.reset_state()
    print("after reset", r(ops.convert_to_numpy(miou.result())))
    print("iou targets", value(metrics.IoU(num_classes=3, target_class_ids=[0, 2]), classes_true, classes_pred))
    print("one hot iou", value(metrics.OneHotMeanIoU(num_classes=3), np.eye(3)[classes_true],
                               np.eye(3)[classes_pred]))

    features = rng.normal(size=(64, 5)).astype("float32")
    labels = (features[:, 0] + 0.5 * features[:, 1] > 0).astype("float32")
    inputs = keras.Input((5,))
    outputs = layers.Dense(1, activation="sigmoid")(layers.Dense(6, activation="relu")(inputs))
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(7)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=[metrics.AUC(curve="PR", name="pr_auc"), metrics.Precision(thresholds=0.6, name="p60"),
                           metrics.Recall(name="rec"), metrics.F1Score(threshold=0.5, name="f1")])
    history = model.fit(features[:48], labels[:48, None], batch_size=16, epochs=3, shuffle=False, verbose=0,
                        validation_data=(features[48:], labels[48:, None]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))


if __name__ == "__main__":
    main()
