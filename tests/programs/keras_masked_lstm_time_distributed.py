"""A Keras program, written for Keras 3: a per-token tagger over padded integer sequences — Embedding(mask_zero=True)
into LSTM(return_sequences=True) and a second LSTM returning its states, TimeDistributed(Dense) heads, the mask
carried through (compute_mask), temporal sample weights that zero the padding, a masked accuracy, and predictions
whose padded steps repeat the last real step's state. Weights are set from NumPy. Real Keras and deepgrad print the
same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def make_data(rng, n=60, length=9, vocab=20):
    lengths = rng.integers(3, length + 1, n)
    tokens = np.zeros((n, length), "int32")
    for i, size in enumerate(lengths):
        tokens[i, :size] = rng.integers(1, vocab, size)
    tags = (tokens % 3).astype("int32")               # tag each token by its id modulo 3
    weights = (tokens > 0).astype("float32")
    return tokens, tags, weights, lengths


def main():
    rng = np.random.default_rng(17)
    tokens, tags, weights, lengths = make_data(rng)
    print("lengths", lengths[:10].tolist())

    inputs = keras.Input((None,), dtype="int32", name="tokens")
    embed = layers.Embedding(20, 8, mask_zero=True, name="embed")
    x = embed(inputs)
    x = layers.LSTM(12, return_sequences=True, name="lstm_1")(x)
    seq, h, c = layers.LSTM(10, return_sequences=True, return_state=True, name="lstm_2")(x)
    tagged = layers.TimeDistributed(layers.Dense(3, activation="softmax"), name="tags")(seq)
    model = keras.Model(inputs, tagged, name="tagger")
    init = np.random.default_rng(2)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("mask", ops.convert_to_numpy(embed.compute_mask(tokens[:2])).astype(int).tolist())
    print("lstm mask", ops.convert_to_numpy(model.get_layer("lstm_1").compute_mask(
        x, embed.compute_mask(tokens[:1]))).astype(int).tolist())

    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(tokens[:48], tags[:48], sample_weight=weights[:48], batch_size=16, epochs=4,
                        shuffle=False, verbose=0,
                        validation_data=(tokens[48:], tags[48:], weights[48:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(tokens[48:], tags[48:], sample_weight=weights[48:], verbose=0)))
    print("evaluate unweighted", r(model.evaluate(tokens[48:], tags[48:], verbose=0)))

    probs = model.predict(tokens[:3], verbose=0)
    print("predict", probs.shape, r(probs[0, 0]))
    predicted = probs.argmax(axis=-1)
    for row in range(3):
        size = lengths[row]
        print("row", row, "tags", tags[row, :size].tolist(), "predicted", predicted[row, :size].tolist())

    encoder = keras.Model(inputs, [seq, h, c])
    seq_out, h_out, c_out = encoder.predict(tokens[:3], verbose=0)
    last = lengths[:3] - 1
    print("state equals last real step", bool(np.allclose(h_out, seq_out[np.arange(3), last], atol=1e-6)))
    print("padded steps", r(seq_out[0, lengths[0]:, 0]) if lengths[0] < 9 else "none")
    print("cell state", r(c_out[:, :3], 6))

    wrapped = layers.TimeDistributed(layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros"))
    steps = np.arange(12, dtype="float32").reshape(2, 3, 2)
    print("time distributed", r(ops.convert_to_numpy(wrapped(steps))), wrapped.layer.kernel.shape)
    print("compute_output_shape", wrapped.compute_output_shape((None, 3, 2)))


if __name__ == "__main__":
    main()
