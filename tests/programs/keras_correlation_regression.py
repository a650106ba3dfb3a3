"""A Keras program, written for Keras 3: a two-target regressor judged by agreement metrics — PearsonCorrelation
and ConcordanceCorrelation (aggregate over the whole epoch and per batch, axis), R2Score with
class_aggregation "uniform_average", "variance_weighted_average" and None, RootMeanSquaredError,
MeanAbsolutePercentageError, compiled with a Huber loss and weighted_metrics under sample_weight, and the
same metrics used standalone with update_state / result / reset_state. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, metrics


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def main():
    rng = np.random.default_rng(31)
    x = rng.standard_normal((96, 5)).astype("float32")
    y = np.stack([x[:, 0] * 2.0 + x[:, 1], np.sin(x[:, 2]) * 3.0 - x[:, 3] * x[:, 4]], axis=1)
    y = (y + rng.standard_normal(y.shape) * 0.2 + 4.0).astype("float32")
    weights = np.linspace(0.5, 2.0, 96).astype("float32")

    model = keras.Sequential([keras.Input((5,)), layers.Dense(12, activation="tanh"), layers.Dense(2)])
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss=keras.losses.Huber(delta=1.5),
                  metrics=[metrics.PearsonCorrelation(name="pearson"),
                           metrics.ConcordanceCorrelation(name="ccc"),
                           metrics.R2Score(name="r2"), metrics.RootMeanSquaredError(name="rmse")],
                  weighted_metrics=[metrics.MeanAbsolutePercentageError(name="mape")])
    history = model.fit(x[:72], y[:72], sample_weight=weights[:72], batch_size=24, epochs=5, shuffle=False,
                        verbose=0, validation_data=(x[72:], y[72:], weights[72:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(x[72:], y[72:], verbose=0)))

    pred = model.predict(x, verbose=0)
    for aggregation in ("uniform_average", "variance_weighted_average", None):
        r2 = metrics.R2Score(class_aggregation=aggregation)
        r2.update_state(y[:48], pred[:48])
        r2.update_state(y[48:], pred[48:], sample_weight=weights[48:])
        print("r2", aggregation, r(r2.result()))
    r2 = metrics.R2Score(num_regressors=5)
    r2.update_state(y, pred)
    print("adjusted r2", r(r2.result()))

    for cls in (metrics.PearsonCorrelation, metrics.ConcordanceCorrelation):
        metric = cls(axis=0)
        metric.update_state(y[:32], pred[:32])
        first = r(metric.result())
        metric.update_state(y[32:64], pred[32:64])
        print(cls.__name__, first, r(metric.result()))
        metric.reset_state()
        metric.update_state(y[:, :1].T, pred[:, :1].T)
        print(cls.__name__, "rows", r(metric.result()))
        rowwise = cls(axis=-1)
        rowwise.update_state(y[:6], pred[:6])
        print(cls.__name__, "axis -1", r(rowwise.result()))

    mape = metrics.MeanAbsolutePercentageError()
    mape.update_state(y, pred, sample_weight=weights)
    print("mape", r(mape.result()), "variables", len(mape.variables))
    print("pred", r(pred[:3]))


if __name__ == "__main__":
    main()
