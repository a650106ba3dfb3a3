"""A Keras program, written for Keras 3: keras.Variable as user code meets it — dtype strings, .value, .numpy(),
assign / assign_add / assign_sub, trainable flags, names and paths inside layers and name scopes, a custom layer's
add_weight with a non-trainable counter updated in call, and the weights lists of a model. Real Keras and deepgrad
print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


class Counter(layers.Layer):
    """Scales its input by a trainable vector and counts the calls in a non-trainable integer variable."""

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
        self.calls = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="calls")
        self.total = self.add_weight(shape=(), initializer="zeros", trainable=False, name="total")

    def call(self, x):
        self.calls.assign_add(1)
        self.total.assign_add(ops.sum(x))
        return x * self.scale


def main():
    v = keras.Variable(np.array([[1.0, 2.0], [3.0, 4.0]], "float32"), name="weights")
    print("dtype", v.dtype, isinstance(v.dtype, str), v.dtype == "float32", repr(v.dtype))
    print("name", v.name, "path", v.path, "shape", v.shape, "ndim", v.ndim)
    print("trainable", v.trainable)
    v.assign_add(np.ones((2, 2), "float32"))
    print("after assign_add", r(v.numpy()))
    v.assign_sub(np.full((2, 2), 0.5, "float32"))
    print("after assign_sub", r(v.numpy()))
    v.assign(v * 2.0)
    print("after assign", r(ops.convert_to_numpy(v.value)))
    print("sum through ops", float(ops.convert_to_numpy(ops.sum(v))),
          "mean", r(ops.convert_to_numpy(ops.mean(v, axis=0))))

    i = keras.Variable(3, name="step", trainable=False)
    f = keras.Variable(0.5)
    b = keras.Variable(True, trainable=False)
    print("python dtypes", [i.dtype, f.dtype, b.dtype], "trainable", [i.trainable, f.trainable, b.trainable])
    print("default names", f.name.startswith("variable"), b.path == b.name)
    i.assign_add(4)
    print("int step", int(i.numpy()), i.dtype)
    h = keras.Variable(initializer="ones", shape=(3,), dtype="float16", name="half")
    print("half", h.dtype, r(h.numpy()), "float64", keras.Variable(np.zeros(2), name="d").dtype)
    frozen = keras.Variable(np.zeros(2, "float32"), trainable=False, name="frozen")
    frozen.trainable = True
    print("trainable toggled", frozen.trainable)

    with keras.name_scope("outer"):
        scoped = keras.Variable(np.zeros(1, "float32"), name="inner")
    print("scoped path", scoped.path, scoped.name)

    inputs = keras.Input((3,))
    x = layers.Dense(4, name="hidden")(inputs)
    counter = Counter(name="counter")
    x = counter(x)
    outputs = layers.Dense(1, name="out")(x)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(0)
    for w in model.trainable_weights:
        w.assign(init.uniform(-0.5, 0.5, w.shape).astype("float32"))
    print("weights", [w.path for w in model.weights])
    print("trainable", [w.name for w in model.trainable_weights])
    print("non-trainable", [w.name for w in model.non_trainable_weights])
    print("dtypes", [w.dtype for w in model.weights])
    print("counter dtypes", counter.calls.dtype, counter.total.dtype, counter.scale.shape)

    data = np.linspace(-1, 1, 24).reshape(8, 3).astype("float32")
    target = data.sum(axis=1, keepdims=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(data, target, batch_size=4, epochs=2, verbose=0, shuffle=False)
    print("calls after fit", int(counter.calls.numpy()), "total", r(counter.total.numpy()))
    print("scale", r(counter.scale.numpy()))
    print("kernel value type", type(model.get_layer("out").kernel.numpy()).__name__)
    before = counter.scale.numpy()
    counter.scale.assign(before + 1.0)
    print("snapshot unchanged", r(before), "now", r(counter.scale.numpy()))
    counter.trainable = False
    print("frozen layer", [w.name for w in model.trainable_weights], counter.scale.trainable)
    print("optimizer vars", [v.path for v in model.optimizer.variables][:4])
    print("iterations", model.optimizer.iterations.dtype, int(model.optimizer.iterations.numpy()))


if __name__ == "__main__":
    main()
