"""A Keras program, written for Keras 3: the rarely printed optimizers with their options (`Ftrl` with l1/l2/
shrinkage/beta, `Lion`, `Adafactor` with its decay and clipping settings, `AdamW(amsgrad=True)` with
`exclude_from_weight_decay`, `Adamax`, `Nadam`, `Adagrad`, `RMSprop(centered=True, momentum=)`) each under a
schedule (`CosineDecayRestarts`, `PiecewiseConstantDecay`, `PolynomialDecay(cycle=True)`,
`InverseTimeDecay(staircase=True)`, `CosineDecay` with warm-up, `ExponentialDecay(staircase=True)`) and with
`clipvalue`/`global_clipnorm`/`use_ema`/`gradient_accumulation_steps`, trained through `fit`; the schedules'
values and configs, and each optimizer's variables and its config round trip."""
import numpy as np

import keras
from keras import layers, ops, optimizers

schedules = optimizers.schedules


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    made = {
        "restarts": schedules.CosineDecayRestarts(0.1, 4, t_mul=2.0, m_mul=0.7, alpha=0.05),
        "piecewise": schedules.PiecewiseConstantDecay([3, 7], [0.1, 0.05, 0.01]),
        "poly cycle": schedules.PolynomialDecay(0.1, 4, end_learning_rate=0.01, power=2.0, cycle=True),
        "inverse stair": schedules.InverseTimeDecay(0.1, 3, 0.5, staircase=True),
        "cosine warmup": schedules.CosineDecay(0.0, 6, alpha=0.1, warmup_target=0.08, warmup_steps=3),
        "exp stair": schedules.ExponentialDecay(0.1, 2, 0.6, staircase=True),
    }
    for name, schedule in made.items():
        print("schedule", name, [round(float(schedule(step)), 6) for step in range(0, 14)])
        print("  config", sorted((k, v) for k, v in schedule.get_config().items() if k != "name"))

    rng = np.random.default_rng(2707)
    x = rng.normal(size=(48, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 2)) + 0.1 * rng.normal(size=(48, 2))).astype("float32")
    cases = [
        ("ftrl", lambda: optimizers.Ftrl(made["piecewise"], learning_rate_power=-0.6, initial_accumulator_value=0.2,
                                         l1_regularization_strength=0.01, l2_regularization_strength=0.02,
                                         l2_shrinkage_regularization_strength=0.01, beta=0.1)),
        ("lion", lambda: optimizers.Lion(made["restarts"], beta_1=0.8, beta_2=0.95, weight_decay=0.01,
                                         clipvalue=0.5)),
        ("adafactor", lambda: optimizers.Adafactor(0.05, beta_2_decay=-0.7, epsilon_1=1e-20, epsilon_2=1e-3,
                                                   clip_threshold=0.8, relative_step=True)),
        ("adamw amsgrad", lambda: optimizers.AdamW(made["cosine warmup"], weight_decay=0.05, amsgrad=True,
                                                   global_clipnorm=1.0)),
        ("adamax", lambda: optimizers.Adamax(made["inverse stair"], beta_1=0.85, use_ema=True, ema_momentum=0.9,
                                             ema_overwrite_frequency=3)),
        ("nadam", lambda: optimizers.Nadam(made["poly cycle"], gradient_accumulation_steps=2)),
        ("adagrad", lambda: optimizers.Adagrad(made["exp stair"], initial_accumulator_value=0.5, clipnorm=0.7)),
        ("rmsprop centered", lambda: optimizers.RMSprop(0.01, rho=0.8, momentum=0.5, centered=True)),
    ]
    for name, make in cases:
        keras.utils.set_random_seed(2707)
        model = keras.Sequential([keras.Input((5,)), layers.Dense(6, activation="tanh", name="hidden"),
                                  layers.Dense(2, name="out")], name="regressor")
        optimizer = make()
        if name == "adamw amsgrad":
            optimizer.exclude_from_weight_decay(var_names=["bias"])
        model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
        history = model.fit(x, y, batch_size=8, epochs=3, verbose=0, shuffle=False)
        print(name, "loss", r(history.history["loss"], 4), "mae", r(history.history["mae"], 4))
        print(name, "iterations", int(optimizer.iterations), "lr", round(float(ops.convert_to_numpy(
            optimizer.learning_rate)), 6), "variables", len(optimizer.variables),
            sorted({v.name for v in optimizer.variables})[:6])
        print(name, "kernel", r(model.get_layer("out").kernel[:, 0], 4))
        config = optimizer.get_config()
        rate = config["learning_rate"]
        print(name, "config", sorted(k for k in config if k != "name"),
              rate["class_name"] if isinstance(rate, dict) else rate)
        again = type(optimizer).from_config(config)
        print(name, "from_config", type(again).__name__, round(float(ops.convert_to_numpy(again.learning_rate)), 6))


if __name__ == "__main__":
    main()
