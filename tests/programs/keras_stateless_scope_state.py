"""A Keras program, written for Keras 3: keras.StatelessScope. A model run in training mode inside a scope that maps
its kernel to other values: the outputs use the mapped values, no variable of the model changes, and the scope
hands back the mapped kernel and the moving statistics the BatchNormalization layer wrote
(get_current_value; None for untouched variables); collect_losses gathers the activity regularizer's loss. A
variable assigned inside a scope reads its new value there and keeps its old one after; a seed generator does not
advance; the mapping's checks (a key that is no variable, a value of another shape)."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=5):
    return np.round(np.asarray(ops.convert_to_numpy(values), "float64"), digits).ravel().tolist()


def main():
    keras.utils.set_random_seed(0)
    x = np.random.RandomState(0).randn(4, 3).astype("float32")
    dense = layers.Dense(2, kernel_initializer="ones", activity_regularizer="l2")
    norm = layers.BatchNormalization()
    inputs = keras.Input((3,))
    model = keras.Model(inputs, norm(dense(inputs)))
    model(x)
    before = [w.numpy().copy() for w in model.weights]
    mapping = [(dense.kernel, np.full((3, 2), 0.5, "float32"))]
    with keras.StatelessScope(state_mapping=mapping, collect_losses=True) as scope:
        y = model(x, training=True)
        print("kernel read inside:", r(dense.kernel.value)[:3])
    print("outputs:", r(y))
    print("variables unchanged:", all(np.array_equal(a, w.numpy()) for a, w in zip(before, model.weights)))
    for weight in model.weights:
        value = scope.get_current_value(weight)
        print(weight.path, None if value is None else r(value)[:3])
    print("collected losses:", len(scope.losses), [round(float(ops.convert_to_numpy(v)), 4) for v in scope.losses])
    print("model losses after:", len(model.losses))

    with keras.StatelessScope() as quiet:
        model(x, training=True)
    print("without collect_losses:", len(quiet.losses), "moving mean kept:", r(norm.moving_mean))

    v = keras.Variable(np.ones(2, "float32"))
    with keras.StatelessScope() as scope:
        v.assign(np.array([3.0, 4.0], "float32"))
        print("read after assign, inside:", r(v.value))
        v.assign_add(np.array([1.0, 1.0], "float32"))
    print("after the scope:", r(v), "collected:", r(scope.get_current_value(v)))

    generator = keras.random.SeedGenerator(3)
    state = generator.state.numpy().copy()
    with keras.StatelessScope() as scope:
        keras.random.normal((2,), seed=generator)
    print("seed state unchanged:", np.array_equal(state, generator.state.numpy()),
          "collected:", r(scope.get_current_value(generator.state)))

    with keras.StatelessScope([(v, [7.0, 8.0])]) as scope:
        print("mapped read:", r(v.value))
    print("mapped value:", r(scope.get_current_value(v)), "other:", scope.get_current_value(dense.bias))
    for bad in ([(np.zeros(2), np.zeros(2))], [(v, np.zeros(3))]):
        try:
            keras.StatelessScope(bad)
        except ValueError as error:
            print("ValueError:", str(error).split(":")[0])


if __name__ == "__main__":
    main()
