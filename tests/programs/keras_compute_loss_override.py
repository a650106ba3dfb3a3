"""A Keras program, written for Keras 3: a subclassed regressor that overrides compute_loss (adding a smoothness
penalty to the compiled loss, with sample weights), keeps its own Mean / MeanAbsoluteError trackers listed in the
`metrics` property, overrides compute_metrics and test_step (an extra 'spread' key), and is evaluated with
return_dict and sample_weight, listed, and through metrics_names / get_metrics_result. Weights are set from NumPy.
Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class SmoothRegressor(keras.Model):
    def __init__(self, penalty=0.1, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(8, activation="tanh")
        self.out = layers.Dense(3)
        self.penalty = penalty
        self.penalty_tracker = keras.metrics.Mean(name="penalty")
        self.gap_tracker = keras.metrics.MeanAbsoluteError(name="gap")

    def call(self, x):
        return self.out(self.hidden(x))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        base = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        roughness = ops.mean(ops.square(y_pred[:, 1:] - y_pred[:, :-1]))
        self.penalty_tracker.update_state(roughness)
        return base + self.penalty * roughness

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        self.gap_tracker.update_state(y[:, 0], y_pred[:, 0])
        return super().compute_metrics(x, y, y_pred, sample_weight)

    @property
    def metrics(self):
        return super().metrics + [self.penalty_tracker, self.gap_tracker]

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=ops.shape(x)[0])
        results = self.compute_metrics(x, y, y_pred, sample_weight)
        results["spread"] = ops.std(y_pred)
        return results


def main():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((80, 4)).astype("float32")
    base = x[:, :1] * 1.5 + x[:, 1:2]
    y = np.concatenate([base, base + 0.2, base + 0.4], axis=1).astype("float32")
    y += rng.normal(0, 0.1, y.shape).astype("float32")
    weights = np.where(x[:, 2] > 0, 2.0, 0.5).astype("float32")

    model = SmoothRegressor(penalty=0.5, name="smooth")
    model(x[:1])
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse",
                  metrics=[keras.metrics.RootMeanSquaredError(name="rmse")])
    history = model.fit(x[:64], y[:64], sample_weight=weights[:64], batch_size=16, epochs=4, verbose=0,
                        shuffle=False, validation_data=(x[64:], y[64:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("metric names", [m.name for m in model.metrics])
    result = model.evaluate(x[64:], y[64:], batch_size=8, verbose=0, return_dict=True)
    print("evaluate", {k: r(v) for k, v in sorted(result.items())})
    weighted = model.evaluate(x[64:], y[64:], sample_weight=weights[64:], batch_size=8, verbose=0,
                              return_dict=True)
    print("weighted", {k: r(v) for k, v in sorted(weighted.items())})
    listed = model.evaluate(x[64:], y[64:], batch_size=8, verbose=0)
    print("listed", r(listed))
    print("metrics_names", model.metrics_names)
    print("get_metrics_result", sorted(model.get_metrics_result()))
    pred = model.predict(x[:3], verbose=0)
    print("predict", r(pred))
    loss = model.compute_loss(x=x[:4], y=y[:4], y_pred=model(x[:4]), training=False)
    print("direct compute_loss", r(ops.convert_to_numpy(ops.stop_gradient(loss))))
    for m in model.metrics:
        m.reset_state()
    print("after reset", {m.name: r(m.result()) for m in model.metrics if m.name in ("penalty", "gap")})
    print("batch", r(model.train_on_batch(x[:16], y[:16], return_dict=True)["penalty"]))


if __name__ == "__main__":
    main()
