"""A Keras program, written for Keras 3: a two-input, two-output functional model compiled with an optimizer on a
learning-rate schedule, loss objects with their own reductions, a registered custom loss, loss_weights and
weighted_metrics; its get_compile_config, get_build_config and get_config are printed, a copy is rebuilt with
from_config + build_from_config + compile_from_config and both train side by side with the same data, and the
copy's optimizer, losses and metrics are read back. Weights are set from NumPy, so real Keras and deepgrad print
the same numbers."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="round20")
class ScaledHinge(keras.losses.Loss):
    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, y_true, y_pred):
        signed = 2.0 * y_true - 1.0
        return self.scale * ops.mean(ops.relu(1.0 - signed * y_pred), axis=-1)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def build():
    left = keras.Input((3,), name="left")
    right = keras.Input((2,), name="right")
    joined = layers.Concatenate(name="join")([left, right])
    trunk = layers.Dense(5, activation="tanh", name="trunk")(joined)
    margin = layers.Dense(1, name="margin")(trunk)
    level = layers.Dense(2, name="level")(trunk)
    return keras.Model({"left": left, "right": right}, {"margin": margin, "level": level}, name="towers")


def set_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])


def show(value):
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, float):
        return "%.6g" % value
    return repr(value)


def main():
    rng = np.random.default_rng(20)
    x = {"left": rng.normal(size=(20, 3)).astype("float32"), "right": rng.normal(size=(20, 2)).astype("float32")}
    y = {"margin": (rng.uniform(size=(20, 1)) > 0.5).astype("float32"),
         "level": rng.normal(size=(20, 2)).astype("float32")}
    weights = np.linspace(0.5, 2.0, 20).astype("float32")

    schedule = keras.optimizers.schedules.PiecewiseConstantDecay([3, 6], [0.05, 0.02, 0.01])
    model = build()
    set_weights(model, 1)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule, beta_1=0.8, clipnorm=1.0),
        loss={"margin": ScaledHinge(scale=0.5, reduction="sum", name="hinge"),
              "level": keras.losses.MeanSquaredError(reduction="mean_with_sample_weight")},
        loss_weights={"margin": 2.0, "level": 0.5},
        metrics={"level": ["mae"]},
        weighted_metrics={"margin": [keras.metrics.BinaryAccuracy(threshold=0.0, name="acc")]})

    config = model.get_compile_config()
    print("compile config keys", sorted(config))
    losses = config["loss"]
    print("loss", show({key: {k: v for k, v in entry.items() if k != "module"} for key, entry in losses.items()}),
          "built-in module", losses["level"]["module"])
    print("loss_weights", show(config["loss_weights"]))
    print("optimizer", config["optimizer"]["class_name"], show(config["optimizer"]["config"]["learning_rate"]))
    print("build config before fit", model.get_build_config())

    history = model.fit(x, y, sample_weight=weights, batch_size=5, epochs=3, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("iterations", int(model.optimizer.iterations.numpy()),
          "lr now", "%.4f" % float(ops.convert_to_numpy(model.optimizer.learning_rate)))

    copy = keras.Model.from_config(model.get_config())
    copy.build_from_config(model.get_build_config())
    copy.compile_from_config(model.get_compile_config())
    set_weights(copy, 1)
    set_weights(model, 1)
    print("copy optimizer", type(copy.optimizer).__name__, "%.2f" % float(copy.optimizer.beta_1),
          copy.optimizer.clipnorm, type(copy.optimizer.get_config()["learning_rate"]).__name__)
    print("copy loss types", show({k: type(v).__name__ for k, v in copy.loss.items()}))
    print("copy loss reductions", show({k: v.reduction for k, v in copy.loss.items()}),
          "scale", copy.loss["margin"].scale)
    first = copy.fit(x, y, sample_weight=weights, batch_size=5, epochs=2, shuffle=False, verbose=0)
    for key in sorted(first.history):
        print("copy", key, ["%.5f" % v for v in first.history[key]])
    print("copy evaluate", show(copy.evaluate(x, y, batch_size=10, verbose=0, return_dict=True)))
    print("copy metrics_names", copy.metrics_names)
    predicted = copy.predict(x, batch_size=8, verbose=0)
    print("predict keys", sorted(predicted), "margin", np.round(predicted["margin"][:3, 0], 4).tolist())


if __name__ == "__main__":
    main()
