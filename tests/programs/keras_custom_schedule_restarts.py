"""A Keras program, written for Keras 3: learning-rate schedules as users write them — the transformer warmup
schedule from keras.io as a LearningRateSchedule subclass with get_config, CosineDecayRestarts (t_mul, m_mul,
alpha), PolynomialDecay with cycle=True and power, each sampled step by step and read back through
optimizer.learning_rate during fit by a callback; the model with the custom schedule inside its optimizer saved
to a .keras file, reloaded with custom_objects, and trained further from the restored step count. Real Keras and
deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values):
    return np.round(np.asarray(values, "float64"), 6).tolist()


class TransformerSchedule(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, d_model, warmup_steps=4):
        super().__init__()
        self.d_model = d_model
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        step = ops.cast(step, "float32") + 1.0
        arg1 = ops.rsqrt(step)
        arg2 = step * (self.warmup_steps ** -1.5)
        return ops.rsqrt(ops.cast(self.d_model, "float32")) * ops.minimum(arg1, arg2)

    def get_config(self):
        return {"d_model": self.d_model, "warmup_steps": self.warmup_steps}


class LearningRateLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_end(self, batch, logs=None):
        self.rates.append(float(ops.convert_to_numpy(self.model.optimizer.learning_rate)))


def main():
    custom = TransformerSchedule(16)
    restarts = keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=3, t_mul=2.0, m_mul=0.5,
                                                              alpha=0.1)
    cyclic = keras.optimizers.schedules.PolynomialDecay(0.1, decay_steps=4, end_learning_rate=0.01, power=2.0,
                                                        cycle=True)
    for name, schedule in (("custom", custom), ("restarts", restarts), ("cyclic", cyclic)):
        print(name, r([ops.convert_to_numpy(schedule(step)) for step in range(12)]))
    print("restarts config", sorted(restarts.get_config().items()))
    print("cyclic config", sorted(cyclic.get_config().items()))
    rebuilt = keras.optimizers.schedules.deserialize(keras.optimizers.schedules.serialize(restarts))
    print("rebuilt", type(rebuilt).__name__, r(ops.convert_to_numpy(rebuilt(7))))

    rng = np.random.default_rng(12)
    x = rng.standard_normal((40, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")

    def make():
        model = keras.Sequential([keras.Input((3,)), layers.Dense(6, activation="relu"), layers.Dense(1)])
        init = np.random.default_rng(3)
        model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
        return model

    for name, schedule in (("restarts", restarts), ("cyclic", cyclic)):
        model = make()
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule, momentum=0.5), loss="mse")
        log = LearningRateLog()
        history = model.fit(x, y, batch_size=10, epochs=3, shuffle=False, verbose=0, callbacks=[log])
        print(name, "lr seen", r(log.rates))
        print(name, "loss", r(history.history["loss"]))

    model = make()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=custom), loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=10, epochs=2, shuffle=False, verbose=0)
    print("custom loss", r(history.history["loss"]), "iterations", int(model.optimizer.iterations))
    model.save("scheduled.keras")
    restored = keras.models.load_model("scheduled.keras", custom_objects={"TransformerSchedule": TransformerSchedule})
    saved = restored.optimizer.get_config()["learning_rate"]
    print("restored", saved["class_name"], sorted(saved["config"].items()), int(restored.optimizer.iterations))
    print("same predictions", bool(np.allclose(model.predict(x[:5], verbose=0), restored.predict(x[:5], verbose=0))))
    more = restored.fit(x, y, batch_size=10, epochs=4, initial_epoch=2, shuffle=False, verbose=0)
    print("resumed", more.epoch, r(more.history["loss"]), int(restored.optimizer.iterations))
    print("lr now", r(ops.convert_to_numpy(restored.optimizer.learning_rate)))
    print("weights", r(ops.convert_to_numpy(restored.layers[-1].kernel)[:, 0]))


if __name__ == "__main__":
    main()
