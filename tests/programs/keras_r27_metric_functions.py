"""A Keras program, written for Keras 3: the function forms of the losses and metrics that are rarely printed
(`pearson_correlation`, `concordance_correlation`, `top_k_categorical_accuracy`,
`sparse_top_k_categorical_accuracy`, `mean_squared_logarithmic_error`, `mean_absolute_percentage_error`,
`squared_hinge`, `categorical_hinge`, `binary_focal_crossentropy`, `kl_divergence`, `poisson`, `log_cosh`,
`huber`), the `PearsonCorrelation`/`ConcordanceCorrelation` metric classes with `axis` and sample weights streamed
over batches, `get`/`serialize` by name, and a regression model compiled with string-named losses and metrics."""
import numpy as np

import keras
from keras import layers, losses, metrics, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    rng = np.random.default_rng(2703)
    y_true = rng.normal(size=(6, 4)).astype("float32")
    y_pred = (0.7 * y_true + rng.normal(size=(6, 4)) * 0.6).astype("float32")
    positive_true, positive_pred = np.abs(y_true) + 0.1, np.abs(y_pred) + 0.2
    signs = np.where(y_true > 0, 1.0, -1.0).astype("float32")
    onehot = np.eye(4, dtype="float32")[rng.integers(0, 4, size=6)]
    probs = ops.convert_to_numpy(ops.softmax(y_pred, axis=-1))
    binary = (y_true > 0).astype("float32")
    sigm = ops.convert_to_numpy(ops.sigmoid(y_pred))

    for axis in (-1, 0):
        print("pearson axis", axis, r(metrics.pearson_correlation(y_true, y_pred, axis=axis), 4))
        print("concordance axis", axis, r(metrics.concordance_correlation(y_true, y_pred, axis=axis), 4))
    for k in (1, 2, 3):
        print("top k", k, r(metrics.top_k_categorical_accuracy(onehot, probs, k=k)),
              r(metrics.sparse_top_k_categorical_accuracy(np.argmax(onehot, axis=1), probs, k=k)))
    table = [("msle", metrics.mean_squared_logarithmic_error, positive_true, positive_pred),
             ("mape", metrics.mean_absolute_percentage_error, y_true, y_pred),
             ("squared hinge", metrics.squared_hinge, signs, y_pred),
             ("categorical hinge", metrics.categorical_hinge, onehot, y_pred),
             ("kl", metrics.kl_divergence, probs[::-1].copy(), probs),
             ("poisson", metrics.poisson, positive_true, positive_pred),
             ("msle loss", losses.mean_squared_logarithmic_error, positive_true, positive_pred),
             ("squared hinge loss", losses.squared_hinge, signs, y_pred),
             ("log cosh", losses.log_cosh, y_true, y_pred),
             ("huber", losses.huber, y_true, y_pred),
             ("binary crossentropy", metrics.binary_crossentropy, binary, sigm)]
    for name, fn, a, b in table:
        print(name, r(fn(a, b), 4))
    for options in (dict(), dict(gamma=0.5, from_logits=True), dict(apply_class_balancing=True, alpha=0.35),
                    dict(label_smoothing=0.2)):
        pred = y_pred if options.get("from_logits") else sigm
        print("binary focal", sorted(options), r(losses.binary_focal_crossentropy(binary, pred, **options), 4),
              r(metrics.binary_focal_crossentropy(binary, pred, **options), 4))

    weights = np.array([1.0, 0.5, 0.0, 2.0, 1.0, 1.5], "float32")
    for cls in (metrics.PearsonCorrelation, metrics.ConcordanceCorrelation):
        for axis in (-1, 0):
            metric = cls(axis=axis)
            for start in (0, 3):
                metric.update_state(y_true[start:start + 3], y_pred[start:start + 3])
            weighted = cls(axis=axis, name="weighted")
            weighted.update_state(y_true, y_pred, sample_weight=weights if axis == -1 else None)
            print(cls.__name__, axis, r(metric.result(), 4), r(weighted.result(), 4),
                  [v.path for v in metric.variables][:2], sorted(metric.get_config()))

    for name in ("pearson_correlation", "concordance_correlation", "squared_hinge", "msle", "mape", "kl_divergence"):
        found = metrics.get(name)
        print("get", name, getattr(found, "__name__", type(found).__name__), r(found(positive_true, positive_pred), 4))
    print("serialize", metrics.serialize(metrics.PearsonCorrelation(axis=0))["config"]["axis"],
          losses.serialize(losses.get("squared_hinge")))

    x = rng.normal(size=(48, 5)).astype("float32")
    target = np.abs(x @ rng.normal(size=(5, 2)).astype("float32")) + 0.5
    keras.utils.set_random_seed(2703)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu"),
                              layers.Dense(2, activation="softplus")], name="positive")
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mean_squared_logarithmic_error",
                  metrics=["mape", "poisson", metrics.PearsonCorrelation(name="r"),
                           metrics.ConcordanceCorrelation(name="ccc"), "log_cosh_error"])
    history = model.fit(x, target, batch_size=12, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[:12], target[:12]))
    for key in sorted(history.history):
        print("fit", key, r(history.history[key], 4))
    print("evaluate", dict(zip(model.metrics_names, r(model.evaluate(x, target, verbose=0), 4))))


if __name__ == "__main__":
    main()
