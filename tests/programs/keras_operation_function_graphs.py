"""A Keras program, written for Keras 3: keras.Operation subclasses (one finding its output spec by running its
call, one with its own compute_output_spec) called on arrays and on KerasTensors, inside a functional model, with
their names, configs and the name check; keras.Function over bare keras.KerasTensor inputs (lists and dicts),
its operations, its output spec for other shapes and its refusal of incompatible inputs; and what a user meets on
a KerasTensor (its attributes, operators keeping float16, and the errors when asked for values or a truth
value)."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=5):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).ravel().tolist()


class Scale(keras.Operation):
    def __init__(self, factor=2.0, name=None):
        super().__init__(name=name)
        self.factor = factor

    def call(self, x):
        return ops.sin(x) * self.factor


class RowSum(keras.Operation):
    def call(self, x):
        return ops.sum(x, axis=-1)

    def compute_output_spec(self, x):
        return keras.KerasTensor(x.shape[:-1], dtype=x.dtype)


def main():
    scale = Scale(3.0)
    print(scale.name, repr(scale), scale.get_config())
    print("from_config:", Scale.from_config(scale.get_config()).factor)
    print("eager:", r(scale(np.full((2, 3), 0.5, "float32"))))
    inputs = keras.Input((4,))
    scaled = scale(inputs)
    print("symbolic:", scaled.shape, scaled.dtype, scale.input is inputs, scale.output is scaled)
    row_sum = RowSum()
    summed = row_sum(scaled)
    print("spec:", summed.shape, row_sum.name)
    model = keras.Model(inputs, summed)
    print("model:", r(model(np.ones((2, 4), "float32"))), [layer.name for layer in model.layers],
          [op.name for op in model.operations])
    print("layers are operations:", isinstance(layers.Dense(1), keras.Operation), isinstance(scale, keras.Operation))
    try:
        keras.Operation(name="a/b")
    except ValueError as error:
        print("ValueError:", str(error).split(". Received")[0])

    a = keras.KerasTensor((None, 2, 3))
    b = keras.KerasTensor((None, 2, 3))
    out = ops.sigmoid(a + b)
    fn = keras.Function(inputs=[a, b], outputs=out, name="f")
    print(fn.name, [op.name for op in fn.operations], fn.inputs == [a, b], fn.outputs == [out])
    value = fn([np.ones((4, 2, 3), "float32"), np.zeros((4, 2, 3), "float32")])
    print("call:", tuple(value.shape), r(value)[:3])
    spec = fn.compute_output_spec([keras.KerasTensor((5, 2, 3)), keras.KerasTensor((5, 2, 3))])
    print("output spec:", spec.shape, spec.dtype)
    both = keras.Function(inputs={"p": a, "q": b}, outputs={"o": out, "s": a * 2.0})
    result = both({"p": np.ones((1, 2, 3), "float32"), "q": np.ones((1, 2, 3), "float32")})
    print("dicts:", sorted(result), r(result["o"])[:2], r(result["s"])[:2])
    try:
        fn([np.ones((4, 2, 4), "float32"), np.zeros((4, 2, 4), "float32")])
    except ValueError as error:
        print("ValueError:", "incompatible inputs" in str(error), "(None, 2, 3)" in str(error), "(4, 2, 4)" in str(error))
    try:
        keras.Function(inputs=[], outputs=out)
    except ValueError as error:
        print("ValueError:", str(error).splitlines()[0])

    half = keras.KerasTensor((None, 3), dtype="float16", name="half")
    print(half, half.ndim, half.shape, half.dtype, half.name, half.sparse)
    print((half + 1).dtype, ops.sin(half).dtype, (half * 2.0).shape, half.reshape((-1, 1)).shape, half[0].shape)
    try:
        np.asarray(half)
    except ValueError:
        print("ValueError on np.asarray")
    try:
        bool(half)
    except TypeError:
        print("TypeError on bool")


if __name__ == "__main__":
    main()
