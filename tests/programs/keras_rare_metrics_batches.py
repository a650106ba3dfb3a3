"""A Keras program, written for Keras 3: the metrics users reach for less often, each fed in batches with sample
weights and then reset — SpecificityAtSensitivity and RecallAtPrecision (num_thresholds, class_id),
OneHotIoU / OneHotMeanIoU with ignore_class, Poisson, KLDivergence, CategoricalHinge, Hinge and SquaredHinge on
-1/1 labels, LogCoshError, R2Score with num_regressors, and AUC with multi_label, num_labels, label_weights and the
"minoring" / "majoring" summation methods; then some of them compiled into fit as weighted_metrics. Real Keras
and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, metrics


def r(value, digits=4):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    return round(float(value), digits) if value.ndim == 0 else np.round(value, digits).tolist()


def feed(metric, batches):
    for batch in batches:
        metric.update_state(*batch)
    value = metric.result()
    metric.reset_state()
    return r(value), r(metric.result())


def main():
    rng = np.random.default_rng(21)
    labels = (rng.random((24, 3)) > 0.5).astype("float32")
    scores = np.clip(labels * 0.4 + rng.random((24, 3)) * 0.6, 0, 1).astype("float32")
    weights = rng.uniform(0.2, 2.0, 24).astype("float32")
    chunks = [slice(0, 10), slice(10, 17), slice(17, 24)]

    def weighted(y, p):
        return [(y[c], p[c], weights[c]) for c in chunks]

    def plain(y, p):
        return [(y[c], p[c]) for c in chunks]

    print("spec@sens", feed(metrics.SpecificityAtSensitivity(0.7, num_thresholds=50), weighted(labels, scores)))
    print("spec@sens class", feed(metrics.SpecificityAtSensitivity(0.5, class_id=1), plain(labels, scores)))
    print("recall@prec", feed(metrics.RecallAtPrecision(0.6, num_thresholds=30), weighted(labels, scores)))
    print("recall@prec class", feed(metrics.RecallAtPrecision(0.8, class_id=2), plain(labels, scores)))

    onehot = np.eye(3, dtype="float32")[rng.integers(0, 3, 24)]
    probs = rng.dirichlet(np.ones(3), 24).astype("float32")
    print("onehot iou", feed(metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2]), weighted(onehot, probs)))
    print("onehot mean iou", feed(metrics.OneHotMeanIoU(num_classes=3), plain(onehot, probs)))
    print("onehot mean iou ignore", feed(metrics.OneHotMeanIoU(num_classes=3, ignore_class=1),
                                         weighted(onehot, probs)))

    counts = rng.poisson(2.0, (24, 3)).astype("float32")
    rates = rng.uniform(0.5, 3.0, (24, 3)).astype("float32")
    print("poisson", feed(metrics.Poisson(), weighted(counts, rates)))
    print("kl", feed(metrics.KLDivergence(), weighted(onehot * 0.9 + 0.033, probs)))
    print("categorical hinge", feed(metrics.CategoricalHinge(), weighted(onehot, probs)))
    signs = labels * 2 - 1
    print("hinge", feed(metrics.Hinge(), weighted(signs, scores * 2 - 1)))
    print("squared hinge", feed(metrics.SquaredHinge(), plain(labels, scores * 2 - 1)))
    print("logcosh", feed(metrics.LogCoshError(), weighted(counts, rates)))
    target = rng.normal(size=(24, 2)).astype("float32")
    guess = (target * 0.8 + rng.normal(scale=0.3, size=(24, 2))).astype("float32")
    print("r2 regressors", feed(metrics.R2Score(num_regressors=3), plain(target, guess)))
    print("r2 raw weighted", feed(metrics.R2Score(class_aggregation=None, num_regressors=1),
                                  [(target[c], guess[c], weights[c][:, None]) for c in chunks]))

    print("auc multi", feed(metrics.AUC(multi_label=True, num_labels=3), weighted(labels, scores)))
    print("auc label weights", feed(metrics.AUC(multi_label=True, num_labels=3, label_weights=[1.0, 0.5, 2.0]),
                                    plain(labels, scores)))
    print("auc minoring", feed(metrics.AUC(num_thresholds=20, summation_method="minoring"), plain(labels, scores)))
    print("auc majoring pr", feed(metrics.AUC(num_thresholds=20, curve="PR", summation_method="majoring"),
                                  weighted(labels, scores)))
    auc = metrics.AUC(multi_label=True, num_labels=3, num_thresholds=5)
    auc.update_state(labels, scores)
    print("auc variables", [tuple(v.shape) for v in auc.variables], r(auc.true_positives)[:2])

    inputs = keras.Input((4,))
    outputs = layers.Dense(3, activation="sigmoid")(inputs)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(2)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer="sgd", loss="binary_crossentropy",
                  metrics=[metrics.AUC(multi_label=True, num_labels=3, name="mauc")],
                  weighted_metrics=[metrics.RecallAtPrecision(0.5, name="rap"), metrics.Poisson(name="pois")])
    features = rng.normal(size=(24, 4)).astype("float32")
    history = model.fit(features, labels, sample_weight=weights, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("fit logs", {k: [round(v, 7) for v in vals] for k, vals in sorted(history.history.items())})
    print("evaluate", {k: round(float(v), 4) for k, v in model.evaluate(features, labels, sample_weight=weights,
                                                                        verbose=0, return_dict=True).items()})
