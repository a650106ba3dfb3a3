"""A Keras program, written for Keras 3: what a custom layer tracks — keras.Variable attributes, add_weight with an
initializer object, a regularizer and a constraint, sublayers held in attributes, lists and dicts, non-trainable
variables, and the order of weights / trainable_variables / non_trainable_variables in the layer and in a model;
freezing a sublayer, the constraint applied after each fit step, regularization losses, and get_weights /
set_weights on the whole layer. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class Gate(layers.Layer):
    """A learned gate vector held in a keras.Variable attribute, plus a non-trainable running count."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.gate = keras.Variable(np.full((units,), 0.5, "float32"), name="gate")
        self.count = keras.Variable(0.0, trainable=False, name="count")

    def call(self, x):
        return x * ops.sigmoid(self.gate)


class Block(layers.Layer):
    """Sublayers in an attribute, a list and a dict, and weights made with add_weight."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.project = layers.Dense(units, name="project")
        self.stack = [layers.Dense(units, activation="tanh", name=f"stack_{k}") for k in range(2)]
        self.heads = {"left": layers.Dense(1, name="left"), "right": layers.Dense(1, name="right")}
        self.gate = Gate(units, name="gate_layer")

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(self.units,), name="scale",
                                     initializer=keras.initializers.Constant(1.5),
                                     regularizer=keras.regularizers.L2(0.01),
                                     constraint=keras.constraints.MaxNorm(1.0, axis=0))
        self.offset = self.add_weight(shape=(1,), name="offset", initializer="zeros", trainable=False)

    def call(self, x):
        x = self.project(x) * self.scale
        for layer in self.stack:
            x = layer(x)
        x = self.gate(x)
        return self.heads["left"](x) + self.heads["right"](x) + self.offset


def main():
    block = Block(4, name="block")
    inputs = keras.Input((3,))
    model = keras.Model(inputs, block(inputs))
    init = np.random.default_rng(0)
    for w in model.trainable_weights:
        if w.name not in ("scale", "gate"):
            w.assign(init.uniform(-0.5, 0.5, w.shape).astype("float32"))
    print("weights", [w.path for w in block.weights])
    print("trainable", [w.name for w in block.trainable_variables])
    print("non-trainable", [w.name for w in block.non_trainable_variables])
    print("variables count", len(block.variables), len(model.variables))
    print("gate layer weights", [w.name for w in block.gate.weights], block.gate.count.trainable)
    print("scale constraint", type(block.scale.constraint).__name__, r(block.scale.numpy()))
    print("losses", len(model.losses), r(float(ops.convert_to_numpy(model.losses[0]))))
    print("params", model.count_params(), [tuple(a.shape) for a in block.get_weights()])

    rng = np.random.default_rng(3)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (x[:, :1] - x[:, 1:2]).astype("float32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    print("loss", r(history.history["loss"]))
    print("scale after constraint", r(block.scale.numpy()), "norm", r(np.linalg.norm(block.scale.numpy())))
    print("gate", r(block.gate.gate.numpy()), "count untouched", float(block.gate.count.numpy()))

    block.stack[0].trainable = False
    print("frozen stack_0", [w.path for w in model.trainable_weights])
    print("non-trainable now", [w.path for w in model.non_trainable_weights])
    frozen = block.stack[0].kernel.numpy().copy()
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    print("frozen kept", bool(np.array_equal(frozen, block.stack[0].kernel.numpy())))

    saved = block.get_weights()
    block.set_weights([np.zeros_like(a) for a in saved])
    print("zeroed predict", r(model.predict(x[:2], verbose=0)))
    block.set_weights(saved)
    print("restored predict", r(model.predict(x[:2], verbose=0)))
    block.heads["right"].trainable = False
    block.gate.trainable = False
    print("trainable after freezing", [w.name for w in block.trainable_weights])
    print("config keys", sorted(k for k in block.get_config() if k != "dtype"))


if __name__ == "__main__":
    main()
