"""A Keras program, written for Keras 3: models built the lazy way — a Sequential() grown with add() and no
Input, unbuilt until build((None, 6)) (built, weights and paths before and after, then its summary), a custom
keras.layers.Wrapper that applies weight normalisation to the layer it wraps (its own build, trainable
variables and get_config / from_config with the wrapped layer serialised), the inference behaviour of
GaussianNoise, GaussianDropout, AlphaDropout and SpatialDropout1D, UpSampling2D with bilinear interpolation,
and pop() / get_layer(index=...). Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


class WeightNorm(layers.Wrapper):
    """w = g * v / ||v||, with g one scale per output unit."""

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        units = self.layer.kernel.shape[-1]
        self.g = self.add_weight(name="g", shape=(units,), initializer="ones")
        self.built = True

    def call(self, inputs):
        v = self.layer.kernel
        kernel = self.g * v / ops.sqrt(ops.sum(ops.square(v), axis=0, keepdims=True))
        out = ops.matmul(inputs, kernel) + self.layer.bias
        return self.layer.activation(out)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)


def main():
    model = keras.Sequential(name="lazy")
    model.add(WeightNorm(layers.Dense(5, activation="tanh"), name="wn"))
    model.add(layers.GaussianNoise(0.3))
    model.add(layers.Dense(4, name="hidden"))
    model.add(layers.GaussianDropout(0.4))
    model.add(layers.AlphaDropout(0.2))
    model.add(layers.Dense(1, name="out"))
    print("built", model.built, len(model.weights), [layer.name for layer in model.layers])
    model.build((None, 6))
    print("built", model.built, len(model.weights), [tuple(w.shape) for w in model.weights])
    print("trainable", [w.path for w in model.trainable_weights])
    model.summary()
    init = np.random.default_rng(14)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])

    wrapper = model.get_layer("wn")
    config = wrapper.get_config()
    print("wrapper config", sorted(config), config["layer"]["class_name"], config["layer"]["config"]["units"])
    clone = WeightNorm.from_config(config)
    clone.build((None, 6))
    print("clone", type(clone.layer).__name__, clone.layer.units, len(clone.weights))

    rng = np.random.default_rng(1)
    x = rng.standard_normal((32, 6)).astype("float32")
    y = (np.sin(x[:, :1]) + x[:, 1:2] * 0.5).astype("float32")
    called = ops.convert_to_numpy(model(x, training=False))
    print("inference", r(model.predict(x[:3], verbose=0)[:, 0]), r(called[:3, 0]))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    print("noise layers in eval are identity", bool(np.allclose(model.predict(x, verbose=0), called, atol=1e-6)))
    print("layer 2", model.get_layer(index=2).name, model.layers[-1].name)
    model.pop()
    model.pop()
    model.pop()
    model.add(layers.Dense(1, name="head"))
    print("after pop", [layer.name for layer in model.layers], model.output_shape)
    model.layers[-1].set_weights([np.full((4, 1), 0.25, "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    print("evaluate", r(model.evaluate(x, y, verbose=0)))

    up = layers.UpSampling2D(size=(2, 3), interpolation="bilinear")
    image = np.arange(2 * 2 * 3 * 2, dtype="float32").reshape(2, 2, 3, 2)
    upsampled = ops.convert_to_numpy(up(image))
    print("bilinear", upsampled.shape, r(upsampled[0, :, :, 0]))
    nearest = ops.convert_to_numpy(layers.UpSampling2D(size=2)(image))
    print("nearest", r(nearest[1, :3, :4, 1]))
    spatial = layers.SpatialDropout1D(0.5)
    seq = rng.standard_normal((2, 3, 4)).astype("float32")
    print("spatial eval", bool(np.allclose(ops.convert_to_numpy(spatial(seq, training=False)), seq)))


if __name__ == "__main__":
    main()
