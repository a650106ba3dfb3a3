"""A Keras program, written for Keras 3, after keras.io's "Making new layers and models via subclassing": a Linear
layer with add_weight and named initializers, a ComputeSum layer with a non-trainable weight updated in call, a
block of nested layers whose weights / trainable_weights / non_trainable_weights lists are printed in order (names
and paths), a layer calling self.add_loss (cleared on each top-level call, gathered by model.losses), a
layer whose call takes training=, a layer with compute_output_shape and get_config / from_config, and a model
that trains with those losses in fit. Weights are set from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


class Linear(layers.Layer):
    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer=keras.initializers.Constant(0.1),
                                 trainable=True, name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True, name="b")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class ComputeSum(layers.Layer):
    def __init__(self, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False, name="total")

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class ActivityRegularization(layers.Layer):
    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(ops.square(inputs)))
        return inputs


class NoisyScale(layers.Layer):
    def call(self, inputs, training=False):
        if training:
            return inputs * 0.5
        return inputs


class MLPBlock(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.linear_1 = Linear(5, name="first")
        self.regularize = ActivityRegularization(0.1)
        self.linear_2 = Linear(3, name="second")
        self.counter = ComputeSum(3)
        self.norm = layers.BatchNormalization()

    def call(self, inputs, training=None):
        x = ops.relu(self.linear_1(inputs))
        x = self.regularize(x)
        x = self.norm(self.linear_2(x), training=training)
        self.counter(x)
        return x


def main():
    x = np.stack([np.linspace(-1, 1.5, 8), np.linspace(0, 2, 8), np.cos(np.arange(8.0))], 1).astype("float32")
    linear = Linear(4)
    y = linear(x)
    print("linear", tuple(y.shape), [w.name for w in linear.weights], np.round(ops.convert_to_numpy(y[0]), 4).tolist())
    print("output shape", linear.compute_output_shape((None, 7, 3)))
    again = Linear.from_config(linear.get_config())
    print("config", sorted(linear.get_config().items()), again.units, again.built)

    summer = ComputeSum(3)
    summer(x)
    print("sum", np.round(ops.convert_to_numpy(summer(x)), 4).tolist(), len(summer.weights),
          len(summer.trainable_weights), len(summer.non_trainable_weights))

    block = MLPBlock()
    out = block(x)
    print("block weights", len(block.weights), len(block.trainable_weights), len(block.non_trainable_weights))
    print("trainable", [w.path for w in block.trainable_weights])
    print("non-trainable", [w.path for w in block.non_trainable_weights])
    print("losses", len(block.losses), np.round([float(ops.convert_to_numpy(l)) for l in block.losses], 5).tolist())
    block(x)
    print("losses after second call", len(block.losses))
    print("scale", np.round(ops.convert_to_numpy(NoisyScale()(x[:1], training=True)), 3).tolist(),
          np.round(ops.convert_to_numpy(NoisyScale()(x[:1])), 3).tolist())

    inputs = keras.Input((3,))
    h = MLPBlock(name="block")(inputs)
    h = NoisyScale()(h)
    outputs = layers.Dense(1, kernel_initializer="ones")(h)
    model = keras.Model(inputs, outputs)
    print("model losses before", len(model.losses))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    target = (x[:, :1] * 2 - 1).astype("float32")
    history = model.fit(x, target, batch_size=4, epochs=3, shuffle=False, verbose=0)
    print("fit", np.round(history.history["loss"], 5).tolist())
    print("model losses", len(model.losses))
    print("counter", np.round(model.get_layer("block").counter.total.numpy(), 4).tolist())
    print("moving mean", np.round(model.get_layer("block").norm.moving_mean.numpy(), 5).tolist())
    print("evaluate", round(float(model.evaluate(x, target, verbose=0)), 5),
          "predict", np.round(model.predict(x[:3], verbose=0).ravel(), 5).tolist())
    print("weights", [w.shape for w in model.get_weights()])
