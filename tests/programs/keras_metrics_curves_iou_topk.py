"""A Keras program, written for Keras 3: keras.metrics objects fed batch by batch with update_state, read with
result and cleared with reset_state — AUC (ROC and PR, interpolation and minoring / majoring summation,
multi_label with label_weights, from_logits), Precision / Recall with several thresholds, top_k and class_id,
PrecisionAtRecall / SensitivityAtSpecificity, F1Score and FBetaScore with each average, MeanIoU / IoU /
OneHotMeanIoU / BinaryIoU with ignore_class, SparseTopKCategoricalAccuracy and TopKCategoricalAccuracy with
sample_weight, R2Score and the correlation metrics. Fixed NumPy data, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import ops

M = keras.metrics


def r(value, digits=5):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).tolist()


def fed(metric, *batches):
    for batch in batches:
        metric.update_state(*batch)
    return r(metric.result())


def main():
    rng = np.random.default_rng(14)
    y = (rng.random((24, 3)) > 0.55).astype("float32")
    p = np.clip(0.6 * y + 0.5 * rng.random((24, 3)), 0, 1).astype("float32")
    halves = [(y[:12], p[:12]), (y[12:], p[12:])]

    print("auc roc", fed(M.AUC(num_thresholds=50), *halves))
    print("auc pr", fed(M.AUC(curve="PR", num_thresholds=50), *halves))
    print("auc minoring", fed(M.AUC(num_thresholds=20, summation_method="minoring"), *halves),
          "majoring", fed(M.AUC(num_thresholds=20, summation_method="majoring"), *halves))
    print("auc multi_label", fed(M.AUC(multi_label=True, num_labels=3, label_weights=[1.0, 2.0, 0.5]), *halves))
    print("auc logits", fed(M.AUC(from_logits=True), (y[:, 0], 4 * (p[:, 0] - 0.5))))
    auc = M.AUC(num_thresholds=5)
    auc.update_state(y[:, 1], p[:, 1], sample_weight=np.linspace(0.5, 1.5, 24))
    print("auc weighted", r(auc.result()), "tp", r(auc.true_positives), "thresholds", r(auc.thresholds, 4))

    print("precision thresholds", fed(M.Precision(thresholds=[0.3, 0.5, 0.8]), *halves))
    print("recall thresholds", fed(M.Recall(thresholds=[0.3, 0.5, 0.8]), *halves))
    print("precision top_k", fed(M.Precision(top_k=1), *halves), "class_id", fed(M.Precision(class_id=2), *halves))
    print("recall top_k class", fed(M.Recall(top_k=2, class_id=1), *halves))
    print("at recall", fed(M.PrecisionAtRecall(0.6, num_thresholds=30), *halves),
          "at specificity", fed(M.SensitivityAtSpecificity(0.7, num_thresholds=30), *halves),
          "recall at precision", fed(M.RecallAtPrecision(0.7, num_thresholds=30), *halves),
          "spec at sens", fed(M.SpecificityAtSensitivity(0.5, num_thresholds=30), *halves))

    for average in (None, "micro", "macro", "weighted"):
        print("f1", average, fed(M.F1Score(average=average, threshold=0.5), *halves),
              "fbeta2", fed(M.FBetaScore(average=average, beta=2.0, threshold=0.4), *halves))
    print("f1 no threshold", fed(M.F1Score(), (np.eye(3)[[0, 1, 2, 1]], np.array(
        [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2]]))))

    labels = np.array([[0, 1, 2, 2], [1, 1, 0, 3]])
    predicted = np.array([[0, 2, 2, 2], [1, 0, 0, 3]])
    print("mean iou", fed(M.MeanIoU(num_classes=4), (labels, predicted)),
          "ignore", fed(M.MeanIoU(num_classes=4, ignore_class=0), (labels, predicted)))
    print("iou targets", fed(M.IoU(num_classes=4, target_class_ids=[1, 2]), (labels, predicted)))
    print("onehot mean iou", fed(M.OneHotMeanIoU(num_classes=3), (np.eye(3)[[0, 1, 2, 1]], np.array(
        [[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2]]))))
    print("binary iou", fed(M.BinaryIoU(target_class_ids=[0, 1], threshold=0.6), *halves))
    iou = M.MeanIoU(num_classes=3, sparse_y_pred=False)
    iou.update_state(np.array([0, 1, 2, 1]), np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.3], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2]]))
    print("mean iou dense preds", r(iou.result()), r(iou.total_cm))

    scores = rng.standard_normal((10, 5)).astype("float32")
    target = rng.integers(0, 5, 10)
    print("sparse top2", fed(M.SparseTopKCategoricalAccuracy(k=2), (target, scores)),
          "weighted", fed(M.SparseTopKCategoricalAccuracy(k=3), (target, scores, np.arange(10) % 3)))
    print("top2 onehot", fed(M.TopKCategoricalAccuracy(k=2), (np.eye(5)[target], scores)))
    true_reg = np.stack([np.linspace(0, 1, 10), np.linspace(2, -1, 10)], 1)
    pred_reg = true_reg + 0.1 * scores[:, :2]
    for aggregation in ("uniform_average", "variance_weighted_average", None):
        print("r2", aggregation, fed(M.R2Score(class_aggregation=aggregation), (true_reg, pred_reg)))
    print("r2 regressors", fed(M.R2Score(num_regressors=2), (true_reg, pred_reg)))
    print("pearson", fed(M.PearsonCorrelation(), (true_reg, pred_reg)),
          "concordance", fed(M.ConcordanceCorrelation(), (true_reg, pred_reg)))
    metric = M.F1Score(average="macro", threshold=0.5)
    metric.update_state(*halves[0])
    metric.reset_state()
    print("after reset", r(metric.result()), [v.name for v in metric.variables])
