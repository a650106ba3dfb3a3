"""A Keras program, written for Keras 3, that trains one small classifier with each of Keras's less common
optimizers and options: Adagrad, Adadelta, Adamax, Ftrl (with l1/l2 shrinkage), Lion, Adafactor, Lamb, Nadam,
AdamW with exclude_from_weight_decay, use_ema with ema_overwrite_frequency, gradient_accumulation_steps,
LossScaleOptimizer, plus optimizer.apply_gradients by hand, get_config/from_config round trips, the number of
optimizer variables and the iteration counters. The weights start from the same NumPy arrays, so real Keras and
deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, optimizers


def build():
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="relu", name="hidden"),
                              layers.BatchNormalization(name="bn"), layers.Dense(3, name="logits")])
    init = np.random.default_rng(12)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(41)
    x = rng.standard_normal((48, 5)).astype("float32")
    y = np.argmax(x[:, :3] + 0.2 * x[:, 3:4], axis=1).astype("int32")
    choices = [
        ("adagrad", optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.2)),
        ("adadelta", optimizers.Adadelta(learning_rate=1.0, rho=0.9)),
        ("adamax", optimizers.Adamax(learning_rate=0.02)),
        ("ftrl", optimizers.Ftrl(learning_rate=0.2, l1_regularization_strength=0.01,
                                 l2_regularization_strength=0.01, l2_shrinkage_regularization_strength=0.01)),
        ("lion", optimizers.Lion(learning_rate=0.003, beta_1=0.9, beta_2=0.99)),
        ("adafactor", optimizers.Adafactor(learning_rate=0.05)),
        ("lamb", optimizers.Lamb(learning_rate=0.02)),
        ("nadam", optimizers.Nadam(learning_rate=0.01)),
        ("adamw", optimizers.AdamW(learning_rate=0.01, weight_decay=0.1)),
        ("ema", optimizers.Adam(learning_rate=0.02, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3)),
        ("accumulate", optimizers.SGD(learning_rate=0.1, momentum=0.9, gradient_accumulation_steps=2)),
        ("scaled", optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=64.0, dynamic_growth_steps=2)),
    ]
    for name, optimizer in choices:
        model = build()
        if name == "adamw":
            optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
        model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      metrics=["accuracy"])
        history = model.fit(x, y, epochs=3, batch_size=12, shuffle=False, verbose=0)
        print(name, ["%.5f" % v for v in history.history["loss"]], ["%.5f" % v for v in history.history["accuracy"]])
        print("  vars", len(optimizer.variables), int(optimizer.iterations.numpy()),
              np.round(model.get_layer("logits").kernel.numpy()[0], 5).tolist())
    ema_model = build()
    ema = optimizers.Adam(learning_rate=0.05, use_ema=True, ema_momentum=0.5)
    ema_model.compile(optimizer=ema, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ema_model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    before = ema_model.get_layer("hidden").bias.numpy()
    ema.finalize_variable_values(ema_model.trainable_variables)
    print("finalized", np.round(before, 5).tolist(), np.round(ema_model.get_layer("hidden").bias.numpy(), 5).tolist())

    w = keras.Variable(np.array([1.0, -2.0, 3.0], "float32"), name="w")
    for optimizer in (optimizers.Adagrad(0.5), optimizers.Adadelta(1.0), optimizers.Ftrl(0.5), optimizers.Lion(0.1),
                      optimizers.Adafactor(0.1), optimizers.Adamax(0.1)):
        w.assign(np.array([1.0, -2.0, 3.0], "float32"))
        for step in range(3):
            optimizer.apply_gradients([(keras.ops.convert_to_tensor(np.array([0.5, -1.0, 0.25 * step], "float32")), w)])
        config = optimizer.get_config()
        again = type(optimizer).from_config(config)
        print(type(optimizer).__name__, np.round(w.numpy(), 5).tolist(), "%.4f" % again.learning_rate.numpy(),
              sorted(k for k in config if k not in ("name",)))
    scale = optimizers.LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0, dynamic_growth_steps=1)
    w.assign(np.array([1.0, -2.0, 3.0], "float32"))
    scale.apply_gradients([(keras.ops.convert_to_tensor(np.array([8.0, np.inf, 0.0], "float32")), w)])
    print("after inf", np.round(w.numpy(), 5).tolist(), float(scale.dynamic_scale.numpy()))
    scale.apply_gradients([(keras.ops.convert_to_tensor(np.array([8.0, 4.0, 0.0], "float32")), w)])
    print("after finite", np.round(w.numpy(), 5).tolist(), float(scale.dynamic_scale.numpy()))


if __name__ == "__main__":
    main()
