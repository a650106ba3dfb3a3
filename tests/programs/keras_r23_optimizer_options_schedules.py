"""A Keras program, written for Keras 3: one small regression model trained from the same NumPy weights by
optimizers with their options — AdamW(weight_decay, exclude_from_weight_decay by variable and by name), Lion,
Lamb, Adafactor, SGD(momentum, nesterov, clipnorm), RMSprop(global_clipnorm, centered), Adam(clipvalue,
amsgrad), Adamax with ema_momentum/use_ema, Nadam — and by schedules (CosineDecay with warmup_target and
warmup_steps, PiecewiseConstantDecay, ExponentialDecay(staircase=True), InverseTimeDecay, PolynomialDecay
with cycle) whose learning rate is printed per epoch from a callback, beside the losses, the final weights'
norms and the optimizers' iteration counts; the schedules' values are also printed step by step and rebuilt
from their configs. Weights are set from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops, optimizers

schedules = optimizers.schedules



class LearningRateLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_end(self, epoch, logs=None):
        self.rates.append(round(float(ops.convert_to_numpy(self.model.optimizer.learning_rate)), 6))


def build(init):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="tanh", name="hidden"),
                              layers.LayerNormalization(name="norm"), layers.Dense(1, name="head")], name="reg")
    model.set_weights([w if "norm" in v.path else init.uniform(-0.5, 0.5, w.shape).astype("float32")
                       for w, v in zip(model.get_weights(), model.weights)])
    return model


def main():
    rng = np.random.default_rng(423)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [0.3], [0.8]], "float32") + 0.2 * np.sin(3 * x[:, :1])).astype("float32")

    steps = [0, 1, 3, 4, 7, 8, 12, 20]
    made = {
        "cosine warmup": schedules.CosineDecay(0.0, decay_steps=12, alpha=0.1, warmup_target=0.05,
                                               warmup_steps=4),
        "piecewise": schedules.PiecewiseConstantDecay([4, 8], [0.05, 0.02, 0.005]),
        "exponential staircase": schedules.ExponentialDecay(0.05, decay_steps=4, decay_rate=0.5, staircase=True),
        "inverse time": schedules.InverseTimeDecay(0.05, decay_steps=4, decay_rate=0.3),
        "polynomial cycle": schedules.PolynomialDecay(0.05, decay_steps=6, end_learning_rate=0.01, power=2.0,
                                                      cycle=True),
        "cosine restarts": schedules.CosineDecayRestarts(0.05, first_decay_steps=4, t_mul=2.0, m_mul=0.5),
    }
    for name, schedule in made.items():
        again = type(schedule).from_config(schedule.get_config())
        print(name, [round(float(ops.convert_to_numpy(schedule(s))), 6) for s in steps],
              [round(float(ops.convert_to_numpy(again(s))), 6) for s in steps[-2:]])

    runs = [
        ("adamw exclude", lambda m: optimizers.AdamW(0.02, weight_decay=0.1), True),
        ("lion", lambda m: optimizers.Lion(0.005, beta_1=0.8), False),
        ("lamb", lambda m: optimizers.Lamb(0.02), False),
        ("adafactor", lambda m: optimizers.Adafactor(0.05, clip_threshold=0.5), False),
        ("sgd nesterov clipnorm", lambda m: optimizers.SGD(0.05, momentum=0.8, nesterov=True, clipnorm=0.5), False),
        ("rmsprop global clipnorm", lambda m: optimizers.RMSprop(0.01, centered=True, global_clipnorm=0.7), False),
        ("adam clipvalue amsgrad", lambda m: optimizers.Adam(0.02, amsgrad=True, clipvalue=0.05), False),
        ("adamax ema", lambda m: optimizers.Adamax(0.03, use_ema=True, ema_momentum=0.9,
                                                    ema_overwrite_frequency=3), False),
        ("nadam cosine warmup", lambda m: optimizers.Nadam(made["cosine warmup"]), False),
        ("sgd piecewise", lambda m: optimizers.SGD(made["piecewise"], momentum=0.5), False),
        ("adam staircase", lambda m: optimizers.Adam(made["exponential staircase"]), False),
    ]
    for name, make, exclude in runs:
        model = build(np.random.default_rng(8))
        optimizer = make(model)
        if exclude:
            optimizer.exclude_from_weight_decay(var_list=[model.get_layer("head").bias], var_names=["norm"])
        model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
        log = LearningRateLog()
        history = model.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=False, callbacks=[log])
        norms = [round(float(np.linalg.norm(w)), 4) for w in model.get_weights()]
        print(name, "loss", [round(v, 5) for v in history.history["loss"]], "lr", log.rates)
        print(name, "norms", norms, "iterations", int(ops.convert_to_numpy(optimizer.iterations)))
    print("adamw config", {k: v for k, v in sorted(optimizers.AdamW(0.02, weight_decay=0.1).get_config().items())
                           if k in ("weight_decay", "beta_1", "beta_2", "epsilon", "amsgrad", "use_ema")})
    print("lion config", {k: v for k, v in sorted(optimizers.Lion(0.005, beta_1=0.8).get_config().items())
                          if k in ("learning_rate", "beta_1", "beta_2")})


if __name__ == "__main__":
    main()
