"""A Keras program, written for Keras 3: Keras's threshold, curve and segmentation metrics driven the ways users
drive them — update_state with sample_weight over several batches, result, reset_state — AUC (ROC and PR,
interpolation and majoring/minoring summation, num_thresholds, from_logits, multi_label with label_weights),
Precision / Recall with several thresholds, top_k and class_id, PrecisionAtRecall, RecallAtPrecision,
SensitivityAtSpecificity, SpecificityAtSensitivity, TruePositives & co. with thresholds, MeanIoU, IoU with
target_class_ids, BinaryIoU, OneHotIoU, OneHotMeanIoU (ignore_class, sparse_y_pred), R2Score
(class_aggregation, num_regressors), FBetaScore / F1Score (average, threshold), TopKCategoricalAccuracy and
SparseTopKCategoricalAccuracy; their variables and configs, and a binary classifier trained with several of
them in compile. Real Keras and deepgrad must print the same."""
import numpy as np

import keras
from keras import metrics


def run(name, metric, batches):
    for args in batches:
        metric.update_state(*args)
    value = keras.ops.convert_to_numpy(metric.result())
    print(name, np.round(np.asarray(value, "float64"), 5).tolist(), len(metric.variables))
    metric.reset_state()


def main():
    rng = np.random.default_rng(12)
    y = (rng.random((40,)) > 0.55).astype("float32")
    p = np.clip(y * 0.35 + rng.random((40,)) * 0.65, 0, 1).astype("float32")
    w = rng.uniform(0.2, 2.0, (40,)).astype("float32")
    halves = [(y[:20], p[:20], w[:20]), (y[20:], p[20:], w[20:])]
    multi_y = (rng.random((40, 3)) > 0.5).astype("float32")
    multi_p = rng.random((40, 3)).astype("float32")
    classes = rng.integers(0, 4, 40)
    scores = rng.standard_normal((40, 4)).astype("float32") + np.eye(4, dtype="float32")[classes]

    run("auc roc", metrics.AUC(num_thresholds=50), halves)
    run("auc pr", metrics.AUC(curve="PR", num_thresholds=30), halves)
    run("auc minoring", metrics.AUC(summation_method="minoring", num_thresholds=20), halves)
    run("auc majoring pr", metrics.AUC(curve="PR", summation_method="majoring"), halves)
    run("auc logits", metrics.AUC(from_logits=True), [(y, (p - 0.5) * 6)])
    run("auc multi", metrics.AUC(multi_label=True, num_labels=3, label_weights=[1.0, 2.0, 0.5]),
        [(multi_y, multi_p)])
    run("auc thresholds", metrics.AUC(thresholds=[0.25, 0.5, 0.75]), halves)
    run("precision", metrics.Precision(thresholds=[0.3, 0.5, 0.7]), halves)
    run("recall", metrics.Recall(thresholds=0.6), halves)
    run("precision top_k", metrics.Precision(top_k=2), [(multi_y, multi_p)])
    run("recall class", metrics.Recall(class_id=1), [(multi_y, multi_p)])
    run("p@r", metrics.PrecisionAtRecall(0.7, num_thresholds=100), halves)
    run("r@p", metrics.RecallAtPrecision(0.6, num_thresholds=100), halves)
    run("sens@spec", metrics.SensitivityAtSpecificity(0.5, num_thresholds=50), halves)
    run("spec@sens", metrics.SpecificityAtSensitivity(0.8, num_thresholds=50, class_id=None), halves)
    run("tp", metrics.TruePositives(thresholds=[0.2, 0.6]), halves)
    run("fp", metrics.FalsePositives(), halves)
    run("tn", metrics.TrueNegatives(thresholds=0.4), halves)
    run("fn", metrics.FalseNegatives(), halves)
    pred_classes = np.argmax(scores, axis=1)
    run("mean iou", metrics.MeanIoU(num_classes=4), [(classes, pred_classes, w)])
    run("iou", metrics.IoU(num_classes=4, target_class_ids=[0, 2]), [(classes, pred_classes)])
    run("iou ignore", metrics.MeanIoU(num_classes=4, ignore_class=3), [(classes, pred_classes)])
    run("binary iou", metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.4), halves)
    run("onehot iou", metrics.OneHotIoU(num_classes=4, target_class_ids=[1, 3]),
        [(np.eye(4, dtype="float32")[classes], scores)])
    run("onehot mean iou", metrics.OneHotMeanIoU(num_classes=4), [(np.eye(4, dtype="float32")[classes], scores)])
    run("sparse pred iou", metrics.MeanIoU(num_classes=4, sparse_y_pred=False), [(classes, scores)])
    targets = rng.standard_normal((40, 2)).astype("float32")
    guesses = (targets + rng.standard_normal((40, 2)) * 0.5).astype("float32")
    run("r2", metrics.R2Score(), [(targets, guesses)])
    run("r2 var", metrics.R2Score(class_aggregation="variance_weighted_average"), [(targets, guesses, w)])
    run("r2 none", metrics.R2Score(class_aggregation=None, num_regressors=3), [(targets, guesses)])
    run("fbeta", metrics.FBetaScore(average="macro", beta=0.5, threshold=0.5), [(multi_y, multi_p)])
    run("fbeta micro", metrics.FBetaScore(average="micro", beta=2.0, threshold=0.4), [(multi_y, multi_p)])
    run("f1 weighted", metrics.F1Score(average="weighted"), [(np.eye(4, dtype="float32")[classes], scores)])
    run("f1 none", metrics.F1Score(threshold=0.3), [(multi_y, multi_p)])
    run("top2", metrics.TopKCategoricalAccuracy(k=2), [(np.eye(4, dtype="float32")[classes], scores, w)])
    run("sparse top3", metrics.SparseTopKCategoricalAccuracy(k=3), [(classes, scores)])
    print("configs", sorted(metrics.AUC(curve="PR", num_thresholds=7).get_config().items())[:6])
    print("config iou", sorted(metrics.IoU(4, [1], name="iou_one").get_config().items()))

    x = rng.standard_normal((64, 5)).astype("float32")
    labels = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("float32")
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(6, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    init = np.random.default_rng(2)
    model.set_weights([init.uniform(-0.6, 0.6, size=v.shape).astype("float32") for v in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy",
                  metrics=[metrics.AUC(name="auc"), metrics.Precision(thresholds=0.6, name="p60"),
                           metrics.RecallAtPrecision(0.8, name="rap"), metrics.BinaryIoU(name="biou")])
    history = model.fit(x, labels, epochs=3, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = model.evaluate(x, labels, verbose=0, return_dict=True)
    print("evaluate", {k: round(float(v), 5) for k, v in results.items()})


if __name__ == "__main__":
    main()
