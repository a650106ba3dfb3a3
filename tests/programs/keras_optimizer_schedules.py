"""A Keras program, written for Keras 3, that trains one small regression model with each of several
optimizers configured as users configure them: learning-rate schedules (ExponentialDecay staircase,
CosineDecay with warmup, PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay), clipnorm, clipvalue,
global_clipnorm, weight_decay, momentum/nesterov, amsgrad; prints the losses, the schedules' values and
configs, the step counters and the final weights. The weights start from the same NumPy arrays, so real
Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, optimizers


def make_model():
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="tanh"), layers.Dense(1)])
    init = np.random.default_rng(4)
    for w in model.weights:
        w.assign(init.uniform(-0.6, 0.6, size=tuple(w.shape)).astype("float32"))
    return model


def main():
    rng = np.random.default_rng(9)
    x = rng.standard_normal((60, 5)).astype("float32")
    y = (x @ np.array([[1.5], [-2.0], [0.5], [0.0], [3.0]]) + 0.1).astype("float32")

    schedules = {
        "exponential": optimizers.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5, staircase=True),
        "cosine_warmup": optimizers.schedules.CosineDecay(0.0, decay_steps=10, alpha=0.1, warmup_target=0.05,
                                                          warmup_steps=4),
        "piecewise": optimizers.schedules.PiecewiseConstantDecay([4, 8], [0.05, 0.02, 0.005]),
        "inverse_time": optimizers.schedules.InverseTimeDecay(0.05, decay_steps=2, decay_rate=0.3),
        "polynomial": optimizers.schedules.PolynomialDecay(0.05, decay_steps=8, end_learning_rate=0.001, power=2.0),
    }
    for name, schedule in schedules.items():
        print(name, ["%.6f" % float(keras.ops.convert_to_numpy(schedule(step))) for step in range(0, 14, 2)])
        config = schedule.get_config()
        again = type(schedule).from_config(config)
        print(" ", sorted(config), "%.6f" % float(keras.ops.convert_to_numpy(again(5))))

    configured = [
        ("sgd_exp_clipnorm", lambda: optimizers.SGD(schedules["exponential"], momentum=0.9, clipnorm=1.0)),
        ("adam_cosine", lambda: optimizers.Adam(schedules["cosine_warmup"], global_clipnorm=0.5)),
        ("rmsprop_piecewise", lambda: optimizers.RMSprop(schedules["piecewise"], clipvalue=0.1)),
        ("adamw_inverse", lambda: optimizers.AdamW(schedules["inverse_time"], weight_decay=0.05)),
        ("sgd_poly_nesterov", lambda: optimizers.SGD(schedules["polynomial"], momentum=0.8, nesterov=True)),
        ("adam_amsgrad", lambda: optimizers.Adam(0.02, amsgrad=True, clipnorm=2.0)),
        ("adagrad", lambda: optimizers.Adagrad(0.1, initial_accumulator_value=0.2)),
        ("nadam", lambda: optimizers.Nadam(0.01)),
    ]
    for name, make in configured:
        model = make_model()
        optimizer = make()
        model.compile(optimizer=optimizer, loss="mse")
        history = model.fit(x, y, epochs=3, batch_size=15, shuffle=False, verbose=0)
        kernel = model.layers[-1].get_weights()[0].ravel()
        print(name, ["%.5f" % v for v in history.history["loss"]], int(optimizer.iterations),
              "%.6f" % float(keras.ops.convert_to_numpy(optimizer.learning_rate)), np.round(kernel[:4], 4))
        config = optimizer.get_config()
        print(" ", {k: config[k] for k in ("clipnorm", "clipvalue", "global_clipnorm") if k in config},
              type(config["learning_rate"]).__name__)


if __name__ == "__main__":
    main()
