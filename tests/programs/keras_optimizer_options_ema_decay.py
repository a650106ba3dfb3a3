"""A Keras program, written for Keras 3: the options every Keras optimizer takes, each on the same small
regression — clipvalue, clipnorm and global_clipnorm on large gradients, weight_decay on SGD / Adam / AdamW with
exclude_from_weight_decay, use_ema with ema_momentum and ema_overwrite_frequency (and
finalize_variable_values at the end of fit), gradient_accumulation_steps, and the optimizer's config and
variables listed afterwards. Weights start from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=5):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def data():
    x = np.stack([np.linspace(-2, 2, 16), np.cos(np.arange(16.0))], 1).astype("float32")
    y = (3.0 * x[:, :1] - 2.0 * x[:, 1:] + 4.0).astype("float32")
    return x, y


def build(optimizer):
    model = keras.Sequential([keras.Input((2,)), layers.Dense(3, activation="tanh", name="hidden"),
                              layers.Dense(1, name="out")])
    model.set_weights([np.array([[0.3, -0.2, 0.1], [0.5, 0.4, -0.3]], "float32"), np.array([0.1, 0.0, -0.1], "float32"),
                       np.array([[0.4], [-0.6], [0.2]], "float32"), np.array([0.05], "float32")])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def run(tag, optimizer, epochs=3):
    x, y = data()
    model = build(optimizer)
    history = model.fit(x, y, batch_size=4, epochs=epochs, shuffle=False, verbose=0)
    print(tag, "loss", r(history.history["loss"], 4), "iterations", int(ops.convert_to_numpy(optimizer.iterations)))
    print("  ", "hidden kernel", r(model.get_weights()[0].ravel(), 4), "out", r(model.get_weights()[2].ravel(), 4))
    return model


def main():
    O = keras.optimizers
    run("clipvalue", O.SGD(0.05, clipvalue=0.1))
    run("clipnorm", O.SGD(0.05, clipnorm=0.2, momentum=0.5))
    run("global_clipnorm", O.SGD(0.05, global_clipnorm=0.3, nesterov=True, momentum=0.7))
    run("sgd_decay", O.SGD(0.05, weight_decay=0.1))
    run("adam_decay", O.Adam(0.05, weight_decay=0.05, amsgrad=True))
    adamw = O.AdamW(0.05, weight_decay=0.2)
    adamw.exclude_from_weight_decay(var_names=["bias"])
    run("adamw_exclude", adamw)
    ema = O.Adam(0.05, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=3)
    model = run("ema", ema)
    print("   ema variables", len([v for v in ema.variables if "average" in v.name]))
    accumulate = O.Adam(0.05, gradient_accumulation_steps=2)
    run("accumulate", accumulate, epochs=2)
    print("   accumulator variables", len(accumulate.variables))
    config = O.AdamW(0.01, weight_decay=0.3, clipnorm=1.5, use_ema=True, gradient_accumulation_steps=4).get_config()
    print("config", sorted((k, v) for k, v in config.items() if k not in ("name",) and not isinstance(v, dict)))
    again = O.AdamW.from_config(config)
    print("from_config", again.weight_decay, again.clipnorm, again.use_ema, again.gradient_accumulation_steps)
    lion = O.Lion(0.01, beta_1=0.8, weight_decay=0.01, global_clipnorm=0.5)
    run("lion", lion, epochs=2)
    print("lion variables", sorted(v.name for v in lion.variables)[:5])
    print("predict", r(model.predict(data()[0][:3], verbose=0).ravel(), 4))
