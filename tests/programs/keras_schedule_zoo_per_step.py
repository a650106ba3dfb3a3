"""A Keras program, written for Keras 3: the learning-rate schedules of keras.optimizers.schedules with their
less common options (ExponentialDecay staircase, PiecewiseConstantDecay with three boundaries, CosineDecay with
alpha and a warmup to warmup_target, CosineDecayRestarts with t_mul and m_mul, InverseTimeDecay staircase,
PolynomialDecay with cycle and power), each printed per step, round-tripped through get_config / from_config and
keras.optimizers.schedules.serialize / deserialize, and fed to an SGD optimizer whose learning_rate is read as
it steps. Everything is deterministic, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import ops

S = keras.optimizers.schedules


def r(values, digits=5):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def at(schedule, steps):
    return r([float(ops.convert_to_numpy(schedule(step))) for step in steps])


def main():
    steps = [0, 1, 2, 3, 5, 8, 13, 21]
    made = {
        "exp_stair": S.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5, staircase=True),
        "exp_smooth": S.ExponentialDecay(0.1, decay_steps=3, decay_rate=0.5),
        "piecewise": S.PiecewiseConstantDecay([2, 5, 10], [0.3, 0.2, 0.1, 0.05]),
        "cosine_alpha": S.CosineDecay(0.2, decay_steps=10, alpha=0.1),
        "cosine_warm": S.CosineDecay(0.0, decay_steps=10, warmup_target=0.4, warmup_steps=4),
        "restarts": S.CosineDecayRestarts(0.5, first_decay_steps=3, t_mul=2.0, m_mul=0.5, alpha=0.05),
        "inverse": S.InverseTimeDecay(0.3, decay_steps=2, decay_rate=0.5, staircase=True),
        "inverse_smooth": S.InverseTimeDecay(0.3, decay_steps=2, decay_rate=0.5),
        "poly_cycle": S.PolynomialDecay(0.4, decay_steps=4, end_learning_rate=0.01, power=0.5, cycle=True),
        "poly": S.PolynomialDecay(0.4, decay_steps=6, end_learning_rate=0.02, power=2.0),
    }
    for name, schedule in made.items():
        print(name, at(schedule, steps))

    for name in ("cosine_warm", "restarts", "poly_cycle"):
        config = made[name].get_config()
        print(name, "config", sorted(config.items()))
        again = type(made[name]).from_config(config)
        print(name, "from_config equal", at(again, steps) == at(made[name], steps))

    packed = S.serialize(made["piecewise"])
    print("serialized", packed["class_name"], sorted(packed["config"]))
    back = S.deserialize(packed)
    print("deserialized", type(back).__name__, at(back, [0, 2, 3, 6, 11]))

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)])
    optimizer = keras.optimizers.SGD(learning_rate=made["restarts"])
    model.compile(optimizer=optimizer, loss="mse")
    x = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.0]], "float32")
    y = np.array([[1.0], [0.0], [2.0], [0.5]], "float32")
    seen = []
    for step in range(6):
        loss = model.train_on_batch(x, y)
        seen.append((int(ops.convert_to_numpy(optimizer.iterations)),
                     round(float(ops.convert_to_numpy(optimizer.learning_rate)), 5), round(float(loss), 5)))
    print("steps", seen)
    print("kernel", r(model.get_weights()[0].ravel()))
    print("optimizer config lr", optimizer.get_config()["learning_rate"]["class_name"])
    clone = keras.optimizers.SGD.from_config(optimizer.get_config())
    print("clone lr", sorted(clone.get_config()["learning_rate"]["config"].items()),
          round(float(ops.convert_to_numpy(clone.learning_rate)), 5))
