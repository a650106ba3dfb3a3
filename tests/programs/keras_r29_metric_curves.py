"""A Keras program, written for Keras 3: the thresholded metric families with their rarer options, fed in
several batches with sample weights — `AUC` (ROC and PR curves, every summation method, a small
`num_thresholds`, explicit `thresholds`, `multi_label` with `label_weights`, `from_logits`), the at-point
metrics (`PrecisionAtRecall`, `RecallAtPrecision`, `SensitivityAtSpecificity`, `SpecificityAtSensitivity`
with `class_id` and `num_thresholds`), `Precision`/`Recall` at `top_k` and a list of thresholds, the
confusion counts, their configs and `reset_state`, and the same metrics compiled into a model's fit."""
import numpy as np

import keras
from keras import layers, metrics


def r(value, digits=4):
    return (np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def feed(metric, y, p, w=None, batches=3):
    metric.reset_state()
    for part in np.array_split(np.arange(len(y)), batches):
        metric.update_state(y[part], p[part], sample_weight=None if w is None else w[part])
    return r(metric.result())


def main():
    rng = np.random.default_rng(29)
    y = (rng.uniform(size=(24, 3)) > 0.55).astype("float32")
    p = np.clip(y * 0.4 + rng.uniform(size=(24, 3)) * 0.6, 0, 1).astype("float32")
    w = rng.uniform(0.2, 2.0, size=(24,)).astype("float32")
    for kwargs in [dict(), dict(curve="PR"), dict(summation_method="minoring"),
                   dict(summation_method="majoring", curve="PR"), dict(num_thresholds=7),
                   dict(thresholds=[0.1, 0.35, 0.5, 0.8]), dict(multi_label=True, num_labels=3),
                   dict(multi_label=True, num_labels=3, label_weights=[0.5, 1.0, 2.0], curve="PR")]:
        auc = metrics.AUC(**kwargs)
        print("auc", sorted(kwargs), feed(auc, y, p), feed(auc, y, p, w))
    logits = np.log(p + 1e-3) - np.log(1 - p + 1e-3)
    print("auc logits", feed(metrics.AUC(from_logits=True, num_thresholds=50), y, logits.astype("float32"), w))
    auc = metrics.AUC(num_thresholds=5, curve="PR")
    feed(auc, y, p)
    print("auc state", r(auc.true_positives), r(auc.false_positives), len(auc.thresholds))
    print("auc config", sorted((k, v) for k, v in auc.get_config().items()
                               if k in ("num_thresholds", "curve", "summation_method", "multi_label")))

    for cls, kw in [(metrics.PrecisionAtRecall, dict(recall=0.6)), (metrics.RecallAtPrecision, dict(precision=0.7)),
                    (metrics.SensitivityAtSpecificity, dict(specificity=0.5)),
                    (metrics.SpecificityAtSensitivity, dict(sensitivity=0.8))]:
        for extra in [dict(), dict(class_id=1), dict(num_thresholds=9)]:
            m = cls(**kw, **extra)
            print(cls.__name__, sorted(extra), feed(m, y, p), feed(m, y, p, w))

    for kw in [dict(top_k=1), dict(top_k=2, class_id=2), dict(thresholds=[0.3, 0.6, 0.9]), dict(class_id=0)]:
        prec, rec = metrics.Precision(**kw), metrics.Recall(**kw)
        print("precision", sorted(kw), feed(prec, y, p), feed(prec, y, p, w))
        print("recall", sorted(kw), feed(rec, y, p), feed(rec, y, p, w))
    for cls in (metrics.TruePositives, metrics.FalsePositives, metrics.TrueNegatives, metrics.FalseNegatives):
        print(cls.__name__, feed(cls(thresholds=[0.25, 0.75]), y, p, w))

    x = rng.normal(size=(48, 5)).astype("float32")
    t = (x[:, :3] + 0.3 * rng.normal(size=(48, 3)) > 0).astype("float32")
    keras.utils.set_random_seed(29)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="tanh"),
                              layers.Dense(3, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=[
        metrics.AUC(name="auc_pr", curve="PR", num_thresholds=20),
        metrics.AUC(name="auc_ml", multi_label=True, num_labels=3),
        metrics.Precision(top_k=2, name="p_top2"), metrics.Recall(thresholds=0.4, name="r40"),
        metrics.PrecisionAtRecall(0.5, name="par")])
    history = model.fit(x, t, batch_size=16, epochs=3, verbose=0, validation_split=0.25)
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    print("evaluate", [round(v, 4) for v in model.evaluate(x, t, verbose=0)])


if __name__ == "__main__":
    main()
