"""A Keras program, written for Keras 3: experiment settings kept in a keras.utils.Config (attribute and item
access, update, to_json, freeze against accidental changes, the error for an unknown attribute), a model whose
blocks are built under keras.name_scope so their weight paths carry the block names (nested scopes, a
keras.Variable made in a scope, a layer built inside one), tensors made under keras.device("cpu"), the weights
listed by path, trained with the Config's settings, and the paths kept through get_weights / set_weights and a
.weights.h5 round trip. The weights start from the same NumPy arrays, so real Keras and deepgrad print the same
numbers."""
import numpy as np

import keras
from keras import layers, ops


class ScaledResidual(layers.Layer):
    """x + scale * dense(x), with its scale a keras.Variable made under an explicit name scope."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units, activation="tanh")

    def build(self, input_shape):
        self.dense.build(input_shape)
        with keras.name_scope("gate"):
            self.scale = self.add_weight(shape=(1,), initializer="ones", name="scale")

    def call(self, x):
        return x + self.scale * self.dense(x)


def main():
    config = keras.utils.Config(units=6, learning_rate=0.05, epochs=3)
    config.batch_size = 8
    config["seed"] = 5
    config.update(optimizer="adam")
    print("config", config, len(config), list(config), config.get("dropout", 0.0), "units" in config)
    print("json", config.to_json())
    config.freeze()
    try:
        config.epochs = 10
    except ValueError as error:
        print("frozen", error, config.frozen)
    try:
        config.learning_rat
    except AttributeError as error:
        print("unknown", error)
    print("as_dict", sorted(config.as_dict().items()))

    with keras.name_scope("outer"):
        with keras.name_scope("inner"):
            temperature = keras.Variable(np.array([1.5], "float32"), name="temperature", trainable=False)
        counter = keras.Variable(np.zeros((), "int32"), name="counter", dtype="int32", trainable=False)
        probe = layers.Dense(2, name="probe")
        probe.build((None, 3))
    print("paths", temperature.path, counter.path, [w.path for w in probe.weights])

    inputs = keras.Input((4,))
    with keras.name_scope("encoder"):
        hidden = layers.Dense(config.units, activation="relu", name="hidden")(inputs)
        hidden = ScaledResidual(config.units, name="residual")(hidden)
    outputs = layers.Dense(1, name="head")(hidden)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(config.seed)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    print("model paths", [w.path for w in model.weights])

    with keras.device("cpu"):
        rng = np.random.default_rng(3)
        x = ops.convert_to_tensor(rng.standard_normal((32, 4)).astype("float32"))
        y = ops.sum(ops.sin(x), axis=1, keepdims=True)
        print("device", str(x.device).split(":")[0], tuple(y.shape),
              np.round(ops.convert_to_numpy(y[:3, 0]), 5).tolist())
    x, y = ops.convert_to_numpy(x), ops.convert_to_numpy(y)

    model.compile(optimizer=keras.optimizers.get({"class_name": config.optimizer,
                                                  "config": {"learning_rate": config.learning_rate}}), loss="mse")
    history = model.fit(x, y, epochs=config.epochs, batch_size=config.batch_size, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    print("scale", np.round(model.get_layer("residual").scale.numpy(), 5).tolist())
    model.save_weights("scoped.weights.h5")
    copy = keras.models.clone_model(model)
    copy.load_weights("scoped.weights.h5")
    print("reloaded", np.allclose(copy.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6),
          [w.path for w in copy.weights][:3])
    print("predict", np.round(model.predict(x[:4], verbose=0).ravel(), 5).tolist())


if __name__ == "__main__":
    main()
