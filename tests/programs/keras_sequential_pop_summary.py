"""A Keras program, written for Keras 3: editing a Sequential model as the guides do — add layers one by one,
summary() before and after, pop the head and add a new one, get_layer by name and by index, layer.get_weights /
set_weights (and their shape errors), count_params, freezing layers and the summary's trainable counts, a model's
layers/inputs/outputs after surgery, and feature extraction from an intermediate layer. Real Keras and deepgrad
print the same."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def main():
    keras.utils.set_random_seed(3)
    model = keras.Sequential(name="editable")
    model.add(keras.Input((6,), name="features"))
    model.add(layers.Dense(8, activation="relu", name="dense_a"))
    model.add(layers.Dropout(0.2, name="drop"))
    model.add(layers.Dense(4, activation="relu", name="dense_b"))
    model.add(layers.Dense(3, activation="softmax", name="old_head"))
    init = np.random.default_rng(0)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.summary()
    print("layers", [layer.name for layer in model.layers], "params", model.count_params())
    print("by index", model.get_layer(index=2).name, "by name", model.get_layer("dense_b").units)
    try:
        model.get_layer("missing")
    except ValueError:
        print("missing layer raises ValueError")

    head = model.get_layer("old_head")
    kernel, bias = head.get_weights()
    print("head weights", kernel.shape, bias.shape, r(bias))
    try:
        head.set_weights([kernel])
    except ValueError:
        print("set_weights with one array raises ValueError")
    try:
        head.set_weights([kernel.T, bias])
    except ValueError:
        print("set_weights with a wrong shape raises ValueError")

    x = np.random.default_rng(1).normal(size=(5, 6)).astype("float32")
    before = model.predict(x, verbose=0)
    popped = model.pop()
    print("popped", popped.name, "now", [layer.name for layer in model.layers])
    model.add(layers.Dense(2, activation="sigmoid", name="new_head"))
    model.get_layer("new_head").set_weights([np.full((4, 2), 0.25, "float32"), np.array([0.1, -0.1], "float32")])
    print("after surgery", [layer.name for layer in model.layers], model.built)
    after = model.predict(x, verbose=0)
    print("predictions", before.shape, after.shape, r(after[0]), model.output_shape, model.count_params())

    model.get_layer("dense_a").trainable = False
    model.summary()
    print("trainable weights", [w.path for w in model.trainable_weights])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="binary_crossentropy")
    frozen_before = model.get_layer("dense_a").get_weights()[0].copy()
    y = (x[:, :2] > 0).astype("float32")
    model.fit(x, y, epochs=2, batch_size=5, verbose=0)
    print("frozen unchanged", bool(np.array_equal(frozen_before, model.get_layer("dense_a").get_weights()[0])))
    print("new head trained", r(model.get_layer("new_head").get_weights()[1]))

    extractor = keras.Model(model.inputs, model.get_layer("dense_b").output)
    print("extractor", [layer.name for layer in extractor.layers], r(extractor.predict(x[:1], verbose=0)))
    features_out = [layer.output for layer in model.layers if isinstance(layer, layers.Dense)]
    multi = keras.Model(model.inputs, features_out)
    print("multi outputs", [tuple(t.shape) for t in multi.predict(x[:2], verbose=0)])

    rebuilt = keras.Sequential([layers.Dense(8, name="d1"), layers.Dense(2, name="d2")])
    print("unbuilt", rebuilt.built, len(rebuilt.weights))
    rebuilt.build((None, 6))
    print("built", rebuilt.built, [w.path for w in rebuilt.weights])
    rebuilt.pop()
    rebuilt.add(layers.Dense(5, name="d3"))
    print("rebuilt output", tuple(rebuilt(x).shape), [layer.name for layer in rebuilt.layers])
    rebuilt.summary(line_length=70)


if __name__ == "__main__":
    main()
