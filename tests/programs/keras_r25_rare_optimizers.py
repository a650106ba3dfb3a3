"""A Keras program, written for Keras 3: the optimizers and options a user rarely prints, each training the same
small regression model from the same weights: Adafactor, Lion, Ftrl (with l1/l2 and a shrinkage), Nadam,
Adamax, AdamW(weight_decay=, amsgrad=True), Lamb and Adagrad, with `clipnorm`, `clipvalue`, `global_clipnorm`,
`use_ema=True` (momentum and overwrite frequency), `gradient_accumulation_steps`, and the schedules
CosineDecayRestarts, PiecewiseConstantDecay, PolynomialDecay(cycle=True), InverseTimeDecay(staircase=True),
ExponentialDecay and CosineDecay with warm-up; the schedules' values are printed by step, each optimizer's final
loss, weights, iteration count, learning rate and number of variables, and a config round trip."""
import numpy as np

import keras
from keras import layers, optimizers

schedules = keras.optimizers.schedules


def r(value, digits=5):
    return (np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def make_model(weights):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="tanh", name="hidden"),
                              layers.Dense(1, name="out")], name="regressor")
    model.set_weights(weights)
    return model


def main():
    rng = np.random.default_rng(2505)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] * 1.5 - np.sin(x[:, 1:2]) + 0.5 * x[:, 2:3] * x[:, 3:4]).astype("float32")
    template = make_model([np.zeros((4, 6), "float32"), np.zeros(6, "float32"), np.zeros((6, 1), "float32"),
                           np.zeros(1, "float32")])
    weights = [rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in template.get_weights()]

    steps = [0, 1, 3, 5, 8, 12, 20, 30]
    table = {
        "cosine_restarts": schedules.CosineDecayRestarts(0.1, first_decay_steps=4, t_mul=2.0, m_mul=0.5, alpha=0.1),
        "piecewise": schedules.PiecewiseConstantDecay([3, 10], [0.1, 0.05, 0.01]),
        "polynomial_cycle": schedules.PolynomialDecay(0.1, decay_steps=6, end_learning_rate=0.01, power=2.0,
                                                      cycle=True),
        "inverse_time_staircase": schedules.InverseTimeDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True),
        "exponential": schedules.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.7),
        "cosine_warmup": schedules.CosineDecay(0.0, decay_steps=20, alpha=0.05, warmup_target=0.1, warmup_steps=5),
    }
    for name, schedule in table.items():
        print("schedule", name, [round(float(schedule(s)), 6) for s in steps])
    restored = schedules.deserialize(schedules.serialize(table["cosine_restarts"]))
    print("schedule round trip", type(restored).__name__, sorted(restored.get_config().items()))

    candidates = [
        ("adafactor", lambda: optimizers.Adafactor(learning_rate=0.05, clip_threshold=1.0)),
        ("lion", lambda: optimizers.Lion(learning_rate=table["piecewise"], beta_1=0.9, beta_2=0.95,
                                         clipnorm=0.5)),
        ("ftrl", lambda: optimizers.Ftrl(learning_rate=0.2, l1_regularization_strength=0.001,
                                         l2_regularization_strength=0.01,
                                         l2_shrinkage_regularization_strength=0.001, beta=0.1)),
        ("nadam", lambda: optimizers.Nadam(learning_rate=table["polynomial_cycle"], clipvalue=0.3)),
        ("adamax", lambda: optimizers.Adamax(learning_rate=0.05, global_clipnorm=0.8, use_ema=True,
                                             ema_momentum=0.9, ema_overwrite_frequency=3)),
        ("adamw_amsgrad", lambda: optimizers.AdamW(learning_rate=schedules.CosineDecay(
            0.0, decay_steps=20, warmup_target=0.05, warmup_steps=4), weight_decay=0.05, amsgrad=True)),
        ("lamb", lambda: optimizers.Lamb(learning_rate=table["inverse_time_staircase"])),
        ("adagrad_accumulated", lambda: optimizers.Adagrad(learning_rate=0.2, initial_accumulator_value=0.2,
                                                           gradient_accumulation_steps=2)),
        ("sgd_restarts", lambda: optimizers.SGD(learning_rate=table["cosine_restarts"], momentum=0.8,
                                                nesterov=True, use_ema=True, ema_momentum=0.5)),
    ]
    for name, make in candidates:
        model = make_model(weights)
        optimizer = make()
        model.compile(optimizer=optimizer, loss="mse")
        history = model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
        print(name, "losses", r(history.history["loss"]))
        print(name, "out kernel", r(model.get_layer("out").kernel), "bias", r(model.get_layer("out").bias))
        print(name, "iterations", int(optimizer.iterations), "lr", round(float(optimizer.learning_rate), 6),
              "variables", len(optimizer.variables))
        print(name, "evaluate", round(model.evaluate(x, y, verbose=0), 5))
        config = optimizer.get_config()
        again = type(optimizer).from_config(config)
        print(name, "config", type(again).__name__, again.name,
              sorted(k for k, v in config.items() if v is not None and k != "learning_rate"))


if __name__ == "__main__":
    main()
