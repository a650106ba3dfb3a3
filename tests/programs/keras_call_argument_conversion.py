"""A Keras program, written for Keras 3: what a layer's `call` receives when `__call__` is given NumPy arrays,
NumPy scalars, Python numbers, nested lists and dicts, masks and tensors, positionally and by keyword, under the
float32, float64 and mixed_float16 policies and with autocast off. Keras converts every argument leaf that is an
array (NumPy arrays and scalars, tensors) to a backend tensor, casting floats to the layer's compute dtype and
keeping integers and booleans; Python numbers and strings pass through unchanged."""
import numpy as np

import keras


def describe(name, value):
    """Print one argument: its structure, each leaf's type, dtype and values."""
    if isinstance(value, dict):
        for key in sorted(value):
            describe(f"{name}[{key!r}]", value[key])
    elif isinstance(value, (list, tuple)):
        print(f"{name}: {type(value).__name__} of {len(value)}")
        for k, item in enumerate(value):
            describe(f"{name}[{k}]", item)
    elif value is None or isinstance(value, (bool, int, float, str)):
        print(f"{name}: {type(value).__name__} {value!r}")
    else:
        array = keras.ops.convert_to_numpy(value)
        dtype = keras.backend.standardize_dtype(value.dtype)
        print(f"{name}: {type(value).__name__} {dtype} {np.round(array.astype('float64'), 4).tolist()}")


class Probe(keras.layers.Layer):
    """Prints every argument its call receives."""

    def call(self, x0, x=None, extra=None, scale=None, training=None, mask=None):
        print(f"-- {self.name} ({self.dtype_policy.name}) training={training!r}")
        describe("x0", x0)
        describe("x", x)
        describe("extra", extra)
        describe("scale", scale)
        describe("mask", mask)
        return x0


def main():
    floats = np.array([[0.5, -1.25], [2.0, 3.1]])
    ints = np.array([1, 2, 3], dtype="int64")
    small = np.array([4, 5], dtype="int32")
    flags = np.array([True, False])
    halves = np.array([1.5, 2.5], dtype="float16")

    probe = Probe(name="probe")
    probe(floats, floats.astype("float32"))
    probe(floats, ints, extra=[floats[0], small, [np.float64(2.25), flags]], scale=np.float64(0.5))
    probe(halves, extra={"a": floats[1], "b": [flags, ints], "c": None}, scale=2, training=True)
    probe(ints, mask=flags, scale=keras.ops.convert_to_tensor(floats, dtype="float64"))

    mixed = Probe(name="mixed", dtype="mixed_float16")
    mixed(floats, ints, extra=[halves, np.float32(1.0)], scale=keras.ops.ones((2,), dtype="float64"))
    mixed(small, extra=(np.int8(7), np.uint8(9)), scale=True)
    mixed(floats.astype("float32"), extra={"w": floats}, mask=flags, training=False)

    wide = Probe(name="wide", dtype="float64")
    wide(floats.astype("float32"), halves, extra=[1.5, "text", [0.25]], scale=0.75)

    plain = Probe(name="plain", autocast=False)
    plain(floats, halves, extra={"t": keras.ops.convert_to_tensor(floats, dtype="float64")})

    try:
        probe(floats, 3.0)
    except Exception as error:
        print("positional Python number:", type(error).__name__)
    try:
        probe(floats, [1.0, 2.0])
    except Exception as error:
        print("positional Python list:", type(error).__name__)

    dense = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    out = dense(floats)
    print("dense:", keras.backend.standardize_dtype(out.dtype), np.round(keras.ops.convert_to_numpy(out), 4).tolist())


if __name__ == "__main__":
    main()
