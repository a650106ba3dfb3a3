"""A Keras program, written for Keras 3, after keras.io's "Imbalanced classification: credit card fraud
detection": features standardised by hand, an output bias initialised to log(pos/neg) with a Constant
initializer, class_weight in fit, the confusion-matrix metrics (TruePositives ... FalseNegatives, with a list of
thresholds), Precision / Recall (thresholds, top_k), PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
SpecificityAtSensitivity, AUC(curve="PR"), evaluate(return_dict=True) with sample_weight, and predictions turned
into a confusion matrix with a chosen threshold. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, metrics


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def main():
    rng = np.random.default_rng(8)
    n = 240
    x = rng.standard_normal((n, 6)).astype("float32")
    score = 1.6 * x[:, 0] - 1.1 * x[:, 1] + 0.5 * x[:, 2] * x[:, 3]
    y = (score > 2.2).astype("float32")[:, None]
    neg, pos = int((y == 0).sum()), int((y == 1).sum())
    print("counts", neg, pos)
    mean, std = x[:180].mean(axis=0), x[:180].std(axis=0)
    x = (x - mean) / std
    train_x, train_y, val_x, val_y = x[:180], y[:180], x[180:], y[180:]
    weight_for_0, weight_for_1 = (1.0 / neg) * n / 2.0, (1.0 / pos) * n / 2.0
    class_weight = {0: weight_for_0, 1: weight_for_1}
    print("class_weight", r([weight_for_0, weight_for_1]))

    bias = np.log(pos / neg)
    model = keras.Sequential([
        keras.Input((6,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid", bias_initializer=keras.initializers.Constant(bias)),
    ])
    init = np.random.default_rng(2)
    kernels = [init.uniform(-0.4, 0.4, w.shape).astype("float32") if w.ndim == 2 else w
               for w in model.get_weights()]
    model.set_weights(kernels)
    print("initial bias", r(model.layers[-1].bias), "mean prediction", r(model.predict(x, verbose=0).mean()))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=[
        metrics.TruePositives(name="tp"), metrics.FalsePositives(name="fp"),
        metrics.TrueNegatives(name="tn"), metrics.FalseNegatives(name="fn"),
        metrics.BinaryAccuracy(name="accuracy"), metrics.Precision(name="precision"),
        metrics.Recall(name="recall"), metrics.AUC(name="prc", curve="PR"),
    ])
    history = model.fit(train_x, train_y, batch_size=32, epochs=5, shuffle=False, verbose=0,
                        validation_data=(val_x, val_y), class_weight=class_weight)
    print("keys", sorted(history.history))
    # Keras's torch backend logs the training tp / fp / tn / fn as the variables themselves, which validation
    # then overwrites (the history shows the validation counts twice); the other keys are sound
    for key in sorted(history.history):
        if key not in ("tp", "fp", "tn", "fn"):
            print(key, r(history.history[key]))

    weights = np.where(val_y[:, 0] > 0, 3.0, 1.0).astype("float32")
    result = model.evaluate(val_x, val_y, sample_weight=weights, return_dict=True, verbose=0)
    print("evaluate", sorted(result), r([result[k] for k in sorted(result)]))

    probs = model.predict(val_x, verbose=0)
    standalone = [metrics.TruePositives(thresholds=[0.3, 0.5, 0.7]), metrics.FalseNegatives(thresholds=[0.3, 0.7]),
                  metrics.Precision(thresholds=[0.2, 0.6]), metrics.Recall(thresholds=0.4),
                  metrics.PrecisionAtRecall(0.8, num_thresholds=50), metrics.RecallAtPrecision(0.6),
                  metrics.SensitivityAtSpecificity(0.9), metrics.SpecificityAtSensitivity(0.7, num_thresholds=40)]
    for metric in standalone:
        metric.update_state(val_y, probs)
        metric.update_state(train_y[:40], model.predict(train_x[:40], verbose=0), sample_weight=np.full(40, 0.5))
        print(type(metric).__name__, r(metric.result()))
    top = metrics.Precision(top_k=2)
    top.update_state([[0, 1, 1, 0], [1, 0, 0, 1]], [[0.9, 0.8, 0.1, 0.3], [0.2, 0.7, 0.1, 0.6]])
    print("precision top_k", r(top.result()))

    predicted = (probs[:, 0] > 0.4).astype(int)
    matrix = np.zeros((2, 2), int)
    for truth, guess in zip(val_y[:, 0].astype(int), predicted):
        matrix[truth, guess] += 1
    print("confusion", matrix.tolist())
    print("probs", r(probs[:6, 0]))


if __name__ == "__main__":
    main()
