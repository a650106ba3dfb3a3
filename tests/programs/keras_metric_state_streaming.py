"""A Keras program, written for Keras 3: metrics used as streaming state outside fit, as an evaluation script
does — update_state batch by batch with sample_weight, result() read in between, reset_state, the metric's
variables; F1Score and FBetaScore in every average mode with and without a threshold, R2Score with
class_aggregation and num_regressors, MeanIoU / IoU with target_class_ids / OneHotIoU / OneHotMeanIoU with
ignore_class, and metrics from keras.metrics.get and a config round trip."""
import numpy as np

import keras
from keras import metrics


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def stream(metric, batches, weights=None):
    seen = []
    for k, (y_true, y_pred) in enumerate(batches):
        if weights is None:
            metric.update_state(y_true, y_pred)
        else:
            metric.update_state(y_true, y_pred, sample_weight=weights[k])
        seen.append(r(metric.result()))
    return seen


def main():
    rng = np.random.default_rng(21)
    labels = rng.integers(0, 3, 24)
    onehot = np.eye(3, dtype="float32")[labels]
    probs = rng.dirichlet(np.ones(3), 24).astype("float32")
    batches = [(onehot[k:k + 8], probs[k:k + 8]) for k in (0, 8, 16)]
    weights = [rng.uniform(0.1, 2.0, 8).astype("float32") for _ in range(3)]

    for average in (None, "micro", "macro", "weighted"):
        f1 = metrics.F1Score(average=average)
        print("f1", average, stream(f1, batches)[-1])
    f1 = metrics.F1Score(average="macro", threshold=0.4)
    print("f1 threshold stream", stream(f1, batches, weights))
    fbeta = metrics.FBetaScore(average="weighted", beta=0.5, threshold=0.3)
    print("fbeta weighted", stream(fbeta, batches))
    print("fbeta variables", [v.name for v in fbeta.variables])
    fbeta.reset_state()
    print("fbeta after reset", r(fbeta.result()))

    targets = rng.normal(size=(24, 2)).astype("float32")
    preds = (targets + rng.normal(0, 0.5, (24, 2))).astype("float32")
    reg_batches = [(targets[k:k + 12], preds[k:k + 12]) for k in (0, 12)]
    for aggregation in ("uniform_average", "variance_weighted_average", None):
        r2 = metrics.R2Score(class_aggregation=aggregation)
        print("r2", aggregation, stream(r2, reg_batches))
    r2 = metrics.R2Score(num_regressors=3)
    print("r2 adjusted", stream(r2, reg_batches, [np.tile(w, 2)[:12] for w in weights[:2]]))

    classes = rng.integers(0, 4, (3, 10))
    predicted = np.where(rng.uniform(size=(3, 10)) < 0.7, classes, rng.integers(0, 4, (3, 10)))
    miou = metrics.MeanIoU(num_classes=4)
    print("mean iou", stream(miou, list(zip(classes, predicted))))
    print("mean iou matrix", r(miou.total_cm).__len__(), int(np.sum(keras.ops.convert_to_numpy(miou.total_cm))))
    iou = metrics.IoU(num_classes=4, target_class_ids=[1, 3])
    print("iou targets", stream(iou, list(zip(classes, predicted)), [np.tile(w, 2)[:10] for w in weights]))
    iou_ignore = metrics.MeanIoU(num_classes=4, ignore_class=0)
    print("mean iou ignore", stream(iou_ignore, list(zip(classes, predicted))))
    hot_true = np.eye(4, dtype="float32")[classes[0]]
    hot_pred = np.eye(4, dtype="float32")[predicted[0]] * 0.6 + 0.1
    print("onehot iou", r(metrics.OneHotIoU(num_classes=4, target_class_ids=[0, 2])(hot_true, hot_pred)))
    print("onehot mean iou", r(metrics.OneHotMeanIoU(num_classes=4)(hot_true, hot_pred)))

    auc = metrics.AUC(num_thresholds=20)
    pos = (probs[:, 0] > 0.3).astype("float32")
    print("auc stream", stream(auc, [(pos[k:k + 8], probs[k:k + 8, 1]) for k in (0, 8, 16)]))
    acc = metrics.get("categorical_accuracy")
    print("get", acc.__class__.__name__ if hasattr(acc, "__class__") else acc)
    mean = metrics.Mean(name="running")
    for k, w in enumerate(weights):
        mean.update_state(w, sample_weight=np.arange(8) % 2)
        print("mean step", k, r(mean.result()), r(mean.count))
    clone = metrics.F1Score.from_config(metrics.F1Score(average="micro", threshold=0.5, name="f1m").get_config())
    print("clone", clone.name, clone.average, clone.threshold, stream(clone, batches[:1]))


if __name__ == "__main__":
    main()
