"""A Keras program, written for Keras 3: model state handled as data — get_state_tree / set_state_tree after a
short fit (trainable, non-trainable, optimizer and metric variables by path), copying a trained trunk into a model
with a new head through .weights.h5 and load_weights(skip_mismatch=True), a custom layer declaring an InputSpec
that rejects wrong inputs, and int8 post-training quantization (model.quantize) compared with the float model.
Weights are set from NumPy. Real Keras and deepgrad print the same."""
import warnings

import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class PairFeatures(layers.Layer):
    """Expects (batch, 6) inputs; returns the products of neighbouring features."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.input_spec = keras.InputSpec(ndim=2, axes={-1: 6})

    def call(self, x):
        return x[:, :-1] * x[:, 1:]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1] - 1)


def build(head_units, name):
    inputs = keras.Input((6,), name="features")
    h = PairFeatures(name="pairs")(inputs)
    h = layers.Dense(8, activation="relu", name="trunk")(h)
    h = layers.BatchNormalization(name="norm")(h)
    outputs = layers.Dense(head_units, name="head")(h)
    return keras.Model(inputs, outputs, name=name)


def leaves(tree, prefix=""):
    for key in sorted(tree):
        value = tree[key]
        if isinstance(value, dict):
            yield from leaves(value, f"{prefix}{key}/")
        else:
            yield f"{prefix}{key}", value


def main():
    rng = np.random.default_rng(33)
    x = rng.standard_normal((64, 6)).astype("float32")
    y = (x[:, :3].sum(axis=1, keepdims=True) * x[:, 3:4]).astype("float32")

    model = build(1, "source")
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") if w.ndim > 1 else np.abs(w) * 0 + 0.1
                       for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
    tree = model.get_state_tree()
    print("state groups", sorted(tree))
    for group in sorted(tree):
        paths = [path for path, _ in leaves(tree[group])]
        print(" ", group, len(paths), paths[:4])
    print("moving mean", r(tree["non_trainable_variables"]["norm"]["moving_mean"][:3]))
    print("iterations", int(np.asarray(tree["optimizer_variables"]["adam"]["iteration"])))

    tree["trainable_variables"]["head"]["bias"] = np.array([5.0], "float32")
    model.set_state_tree(tree)
    print("after set_state_tree", r(model.get_layer("head").bias.numpy()))

    model.save_weights("source.weights.h5")
    target = build(3, "target")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        target.load_weights("source.weights.h5", skip_mismatch=True)
    same_trunk = np.allclose(target.get_layer("trunk").kernel.numpy(), model.get_layer("trunk").kernel.numpy())
    print("trunk copied", same_trunk, "head kept", tuple(target.get_layer("head").kernel.shape))
    print("norm copied", r(target.get_layer("norm").moving_variance.numpy()[:3]))

    pairs = model.get_layer("pairs")
    for bad in (np.ones((2, 5), "float32"), np.ones((2, 3, 6), "float32")):
        try:
            pairs(bad)
        except ValueError as error:
            print("input spec refused", bad.shape, "pairs" in str(error))
    print("spec", pairs.input_spec.ndim, pairs.input_spec.axes)

    before = model.predict(x[:4], verbose=0)
    model.quantize("int8")
    after = model.predict(x[:4], verbose=0)
    print("quantized policies", [layer.dtype_policy.name for layer in model.layers if isinstance(layer, layers.Dense)])
    print("quantized variables", sorted(v.name for v in model.get_layer("trunk").variables))
    print("int8 kernel", model.get_layer("trunk")._kernel.dtype if hasattr(model.get_layer("trunk"), "_kernel")
          else None)
    print("close to float", bool(np.allclose(before, after, atol=0.1)), r(np.abs(before - after).max() < 0.1))
    print("loss", r(model.evaluate(x, y, verbose=0)[0] < 10.0))


if __name__ == "__main__":
    main()
