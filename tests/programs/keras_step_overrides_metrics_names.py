"""A Keras program, written for Keras 3: a subclassed regressor that overrides train_step, test_step and
predict_step the way the "customizing what happens in fit" guide does — compute_loss with sample weights,
compute_metrics, its own Mean trackers listed in the `metrics` property, a predict_step that returns a dict
of two arrays — and a second model that keeps compile's metrics and only overrides test_step to add an extra
log. It prints model.metrics_names before and after fit, the History keys, evaluate's list and dict forms,
predict's structure, what reset_metrics leaves, and train_on_batch / test_on_batch returns. Weights start
from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(np.asarray(value, "float64"), digits).tolist()


class Regressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(8, activation="tanh")
        self.out = layers.Dense(1)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_tracker = keras.metrics.MeanAbsoluteError(name="mae")
        self.weights_seen = keras.metrics.Mean(name="weights_seen")

    def call(self, x):
        return self.out(self.hidden(x))

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_tracker, self.weights_seen]

    def train_step(self, data):
        x, y, w = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=w)
        self.zero_grad()
        loss.backward()
        grads = [v.value.grad for v in self.trainable_weights]
        with __import__("torch").no_grad():
            self.optimizer.apply(grads, self.trainable_weights)
        self.loss_tracker.update_state(loss)
        self.mae_tracker.update_state(y, y_pred, sample_weight=w)
        self.weights_seen.update_state(1.0 if w is None else w)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        x, y, w = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=w))
        self.mae_tracker.update_state(y, y_pred, sample_weight=w)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_tracker.result(), "extra": ops.max(y_pred)}

    def predict_step(self, data):
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        return {"value": y_pred, "sign": ops.sign(y_pred)}


class Checked(keras.Model):
    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        metrics = self.compute_metrics(x, y, y_pred)
        metrics["spread"] = ops.std(y_pred)
        metrics["loss_again"] = loss
        return metrics


def set_from_numpy(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(1701)
    x = rng.normal(size=(48, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")
    w = np.linspace(0.5, 1.5, 48).astype("float32")

    model = Regressor(name="regressor")
    model(x[:1])
    set_from_numpy(model, 3)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    print("metrics_names before fit", model.metrics_names)
    history = model.fit(x, y, sample_weight=w, batch_size=16, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[:16], y[:16]))
    print("history keys", list(history.history))
    for key in history.history:
        print("  ", key, r(history.history[key]))
    print("metrics_names after fit", model.metrics_names)
    print("metrics", [m.name for m in model.metrics])
    print("evaluate list", r(model.evaluate(x, y, batch_size=16, verbose=0)))
    print("evaluate dict", {k: round(float(v), 4) for k, v in
                            model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True).items()})
    out = model.predict(x[:5], batch_size=2, verbose=0)
    print("predict", type(out).__name__, sorted(out), out["value"].shape, r(out["value"][:, 0]), r(out["sign"][:, 0]))
    print("train_on_batch", r(model.train_on_batch(x[:8], y[:8])))
    print("train_on_batch dict", {k: round(float(v), 4) for k, v in
                                  model.train_on_batch(x[:8], y[:8], return_dict=True).items()})
    model.reset_metrics()
    print("after reset", [round(float(m.result()), 4) for m in model.metrics])

    inputs = keras.Input((3,))
    outputs = layers.Dense(1)(layers.Dense(4, activation="relu")(inputs))
    checked = Checked(inputs, outputs, name="checked")
    set_from_numpy(checked, 5)
    checked.compile(optimizer=keras.optimizers.Adam(0.01), loss="mae",
                    metrics=["mse", keras.metrics.RootMeanSquaredError(name="rmse")])
    print("checked names before", checked.metrics_names)
    history = checked.fit(x, y, batch_size=24, epochs=2, shuffle=False, verbose=0, validation_data=(x, y))
    print("checked history", list(history.history))
    print("checked val", r(history.history["val_loss_again"]), r(history.history["val_spread"]))
    print("checked names after", checked.metrics_names)
    print("checked evaluate", r(checked.evaluate(x, y, verbose=0)))
    print("checked test_on_batch", {k: round(float(v), 4) for k, v in
                                    checked.test_on_batch(x[:6], y[:6], return_dict=True).items()})


if __name__ == "__main__":
    main()
