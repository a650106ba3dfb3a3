"""A Keras program, written for Keras 3: Bidirectional in every merge mode (concat, sum, ave, mul, None), with a
backward_layer given explicitly (a GRU with go_backwards=True next to an LSTM forward), return_state and
return_sequences, the weights' names and order, count_params, a summary line, and a short fit of a tagger; the
weights are set from NumPy so both Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def fill(layer, seed):
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.normal(0, 0.3, w.shape).astype("float32") for w in layer.get_weights()])


def main():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 5, 3)).astype("float32")

    for mode in ("concat", "sum", "ave", "mul", None):
        bi = layers.Bidirectional(layers.LSTM(4, return_sequences=True), merge_mode=mode)
        out = bi(x)
        fill(bi, 7)
        out = bi(x)
        if mode is None:
            print("merge None", len(out), [tuple(o.shape) for o in out], r(out[1][0, 0]))
        else:
            print("merge", mode, tuple(out.shape), r(out[0, -1]))

    forward = layers.LSTM(3, return_state=True)
    backward = layers.LSTM(3, return_state=True, go_backwards=True)
    bi = layers.Bidirectional(forward, backward_layer=backward)
    outs = bi(x)
    fill(bi, 8)
    outs = bi(x)
    print("states returned", len(outs), [tuple(o.shape) for o in outs])
    print("concat output", r(outs[0][0]))
    print("forward h equals first half", bool(np.allclose(keras.ops.convert_to_numpy(outs[1]), keras.ops.convert_to_numpy(outs[0])[:, :3])))
    print("weight names", [w.path for w in bi.weights])

    gru_back = layers.GRU(4, go_backwards=True, return_sequences=True)
    mixed = layers.Bidirectional(layers.GRU(4, return_sequences=True), backward_layer=gru_back, merge_mode="sum")
    y = mixed(x)
    fill(mixed, 9)
    y = mixed(x)
    print("gru sum", tuple(y.shape), r(y[1, 0]))
    print("mixed layers", mixed.forward_layer.name, mixed.backward_layer.name, mixed.backward_layer.go_backwards)
    print("mixed params", mixed.count_params())

    inputs = keras.Input((5, 3))
    h = layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True), merge_mode="ave")(inputs)
    h = layers.Bidirectional(layers.GRU(3, return_sequences=True), merge_mode="mul")(h)
    outputs = layers.TimeDistributed(layers.Dense(2, activation="softmax"))(h)
    model = keras.Model(inputs, outputs)
    for k, layer in enumerate(model.layers[1:]):
        fill(layer, 20 + k)
    print("tagger shapes", [tuple(layer.output.shape) for layer in model.layers])
    print("tagger params", model.count_params(), [layer.count_params() for layer in model.layers])
    labels = (x.sum(-1) > 0).astype("int32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    history = model.fit(np.concatenate([x] * 4), np.concatenate([labels] * 4), batch_size=4, epochs=3,
                        shuffle=False, verbose=0)
    print("tagger loss", r(history.history["loss"]))
    print("tagger predict", r(model.predict(x, verbose=0)[0, :2]))
    config = model.layers[1].get_config()
    print("config", config["merge_mode"], config["layer"]["class_name"], "backward_layer" in config)


if __name__ == "__main__":
    main()
