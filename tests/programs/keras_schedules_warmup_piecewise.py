"""A Keras program, written for Keras 3: learning-rate schedules as optimizers use them — CosineDecay with
warmup_target / warmup_steps and alpha, CosineDecayRestarts (t_mul, m_mul), PiecewiseConstantDecay, ExponentialDecay
(staircase), InverseTimeDecay, PolynomialDecay (power, cycle) — sampled at chosen steps, their get_config and
from_config, a subclassed LearningRateSchedule, and an optimizer whose learning_rate follows a schedule through fit
(optimizer.learning_rate, iterations, the logged learning_rate). Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops
from keras.optimizers import schedules


def r(values, digits=6):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def sample(schedule, steps):
    return r([float(ops.convert_to_numpy(schedule(step))) for step in steps])


class WarmupThenConstant(schedules.LearningRateSchedule):
    """Linear warmup to `peak` over `warmup` steps, then constant."""

    def __init__(self, peak, warmup):
        self.peak, self.warmup = peak, warmup

    def __call__(self, step):
        step = ops.cast(step, "float32")
        return self.peak * ops.minimum(1.0, (step + 1.0) / self.warmup)

    def get_config(self):
        return {"peak": self.peak, "warmup": self.warmup}


def main():
    steps = [0, 1, 3, 5, 8, 10, 15, 20, 30]
    warm = schedules.CosineDecay(0.0, decay_steps=20, alpha=0.1, warmup_target=0.1, warmup_steps=5)
    print("cosine warmup", sample(warm, steps))
    print("cosine no warmup", sample(schedules.CosineDecay(0.1, 20), steps))
    restarts = schedules.CosineDecayRestarts(0.1, first_decay_steps=4, t_mul=2.0, m_mul=0.5, alpha=0.05)
    print("restarts", sample(restarts, steps))
    print("restarts t_mul 1", sample(schedules.CosineDecayRestarts(0.1, 5, t_mul=1.0, m_mul=1.0), steps))
    piecewise = schedules.PiecewiseConstantDecay([4, 10], [0.1, 0.05, 0.01])
    print("piecewise", sample(piecewise, steps))
    print("exponential", sample(schedules.ExponentialDecay(0.1, 4, 0.5), steps))
    print("exponential staircase", sample(schedules.ExponentialDecay(0.1, 4, 0.5, staircase=True), steps))
    print("inverse time", sample(schedules.InverseTimeDecay(0.1, 5, 0.5), steps),
          sample(schedules.InverseTimeDecay(0.1, 5, 0.5, staircase=True), steps[:4]))
    print("polynomial", sample(schedules.PolynomialDecay(0.1, 10, 0.01, power=2.0), steps))
    print("polynomial cycle", sample(schedules.PolynomialDecay(0.1, 10, 0.01, power=1.0, cycle=True), steps))

    print("cosine config", warm.get_config())
    print("restarts config", restarts.get_config())
    print("piecewise config", piecewise.get_config())
    rebuilt = schedules.CosineDecay.from_config(warm.get_config())
    print("rebuilt agrees", sample(rebuilt, [3, 12]) == sample(warm, [3, 12]))
    serialized = schedules.serialize(piecewise)
    print("serialized", serialized["class_name"], sorted(serialized["config"]))
    print("deserialized", sample(schedules.deserialize(serialized), [0, 5, 11]))

    rng = np.random.default_rng(10)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [2.0]], "float32")).astype("float32")
    for name, schedule in (("restarts", restarts), ("piecewise", piecewise), ("custom", WarmupThenConstant(0.05, 6))):
        model = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
        model.set_weights([np.zeros((3, 1), "float32"), np.zeros(1, "float32")])
        optimizer = keras.optimizers.SGD(learning_rate=schedule, momentum=0.5)
        model.compile(optimizer=optimizer, loss="mse")
        history = model.fit(x, y, batch_size=10, epochs=3, verbose=0, shuffle=False)
        print(name, "logged", sorted(history.history), "loss", r(history.history["loss"], 4))
        print(name, "iterations", int(ops.convert_to_numpy(optimizer.iterations)),
              "now", r(float(ops.convert_to_numpy(optimizer.learning_rate))))
    adam = keras.optimizers.Adam(learning_rate=schedules.ExponentialDecay(0.01, 2, 0.9, staircase=True))
    print("adam config lr", adam.get_config()["learning_rate"]["class_name"],
          adam.get_config()["learning_rate"]["config"]["decay_rate"])


if __name__ == "__main__":
    main()
