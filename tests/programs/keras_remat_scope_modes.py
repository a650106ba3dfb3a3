"""A Keras program, written for Keras 3: rematerialization. keras.RematScope in each mode ('full', 'activations',
'larger_than' below and above its threshold, 'list_of_layers', None) around the layers of a small model, and
keras.remat around a function and a layer: how many times each layer's call and the activation run in one
training step (a rematerialized call runs again in backward; 'larger_than' runs it once more to find its output
size), and the losses and weights after training, which must equal those of the same model without
rematerialization. Also the scope stack (nesting) and the refusal of an unknown mode."""
import numpy as np

import keras
from keras import layers, ops

counts = {}


def counted(layer):
    call = layer.call

    def wrapped(*args, **kwargs):
        counts[layer.name] = counts.get(layer.name, 0) + 1
        return call(*args, **kwargs)
    layer.call = wrapped
    return layer


def act(x):
    counts["act"] = counts.get("act", 0) + 1
    return ops.relu(x)


x = np.random.RandomState(0).randn(16, 5).astype("float32")
y = np.random.RandomState(1).randn(16, 3).astype("float32")


def train(mode, **kwargs):
    keras.utils.set_random_seed(7)
    with keras.RematScope(mode, **kwargs):
        d1 = counted(layers.Dense(8, activation=act, name="d1"))
        mid = counted(layers.Dense(6, activation="tanh", name="mid"))
        d2 = counted(layers.Dense(3, name="d2"))
    inputs = keras.Input((5,))
    model = keras.Model(inputs, d2(mid(d1(inputs))))
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    losses = [float(model.train_on_batch(x, y))]
    counts.clear()   # one step after the first (which also builds the optimizer and the metrics)
    losses.append(float(model.train_on_batch(x, y)))
    step_counts = dict(sorted(counts.items()))
    losses += [float(model.train_on_batch(x, y)) for _ in range(3)]
    return step_counts, losses, [w.numpy() for w in model.weights]


def main():
    base_counts, base_losses, base_weights = train(None)
    print("no remat:", base_counts, np.round(base_losses, 5).tolist())
    for mode, kwargs in [("full", {}), ("activations", {}), ("larger_than", {"output_size_threshold": 60}),
                         ("larger_than", {"output_size_threshold": 100}), ("list_of_layers", {"layer_names": ["d2", "mid"]}),
                         ("list_of_layers", {})]:
        step_counts, losses, weights = train(mode, **kwargs)
        same = np.allclose(losses, base_losses, rtol=1e-6, atol=0) and \
            all(np.allclose(a, b, rtol=1e-6, atol=1e-7) for a, b in zip(weights, base_weights))
        print(mode, kwargs, step_counts, "same losses and weights:", same)

    print("mode outside any scope:", keras.RematScope(mode="full").mode, keras.RematScope().output_size_threshold,
          keras.RematScope(mode="list_of_layers").layer_names)
    try:
        keras.RematScope(mode="some")
    except ValueError as error:
        print("ValueError:", error)

    with keras.RematScope(mode="full"):
        outer = layers.Dense(2, name="outer")
        with keras.RematScope(mode="list_of_layers", layer_names=["inner"]):
            inner = layers.Dense(2, name="inner")
        after = layers.Dense(2, name="after")
    outside = layers.Dense(2, name="outside")
    for layer in (outer, inner, after, outside):   # the mode each layer took from the scope it was made in
        mode = layer._remat_mode
        print(layer.name, None if mode is None else (mode.mode, mode.output_size_threshold, mode.layer_names))

    # keras.remat around a plain function and a layer: the same values as without it, in a model that trains
    square_sum = keras.remat(lambda v: ops.sum(v * v, axis=-1, keepdims=True))
    print("remat function:", np.round(ops.convert_to_numpy(square_sum(x[:3])), 4).ravel().tolist())
    relu_layer = keras.remat(layers.ReLU())
    print("remat layer:", np.round(ops.convert_to_numpy(relu_layer(x[:1])), 4).ravel().tolist())
    keras.utils.set_random_seed(5)
    inputs = keras.Input((5,))
    hidden = layers.Dense(6, name="h")(inputs)
    model = keras.Model(inputs, layers.Dense(1, name="o")(layers.Lambda(keras.remat(layers.ReLU()))(hidden)))
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y[:, :1], epochs=3, batch_size=8, verbose=0, shuffle=False)
    print("remat in a Lambda, losses:", np.round(history.history["loss"], 5).tolist())


if __name__ == "__main__":
    main()
