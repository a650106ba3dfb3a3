"""A Keras program, written for Keras 3: padded integer sequences through Embedding(mask_zero=True) into a
stacked LSTM (return_sequences) and a GRU (return_sequences) whose outputs are averaged by
GlobalAveragePooling1D and maxed by GlobalMaxPooling1D under the propagated mask, beside a Bidirectional
SimpleRNN branch; the masks each layer computes are printed (compute_mask, the _keras_mask of eager outputs),
and the model is compiled, fitted for a few epochs with
sample weights, evaluated, used to predict, and reloaded from .keras. Weights are set from NumPy, so real Keras
and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def padded(rng, n, length, vocab):
    rows = np.zeros((n, length), "int32")
    lengths = rng.integers(2, length + 1, n)
    for i, k in enumerate(lengths):
        rows[i, :k] = rng.integers(1, vocab, k)
    return rows, lengths


def main():
    rng = np.random.default_rng(230)
    vocab, length, n = 12, 7, 80
    x, lengths = padded(rng, n, length, vocab)
    y = ((x == 3).sum(1) + (x == 7).sum(1) > 1).astype("float32")[:, None]

    embed = layers.Embedding(vocab, 5, mask_zero=True, name="embed")
    print("embedding mask", ops.convert_to_numpy(embed.compute_mask(x[:2])).tolist())
    pool = layers.GlobalAveragePooling1D()
    values = np.arange(12, dtype="float32").reshape(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    print("masked average", ops.convert_to_numpy(pool(values, mask=mask)).tolist())

    tokens = keras.Input((length,), dtype="int32", name="tokens")
    e = embed(tokens)
    seq = layers.LSTM(6, return_sequences=True, name="lstm")(e)
    seq = layers.GRU(4, return_sequences=True, name="gru")(seq)
    avg = layers.GlobalAveragePooling1D(name="avg")(seq)
    top = layers.GlobalMaxPooling1D(name="max")(seq)
    side = layers.Bidirectional(layers.SimpleRNN(3, name="rnn"), merge_mode="sum", name="bi")(e)
    joined = layers.Concatenate(name="joined")([avg, top, side])
    out = layers.Dense(1, activation="sigmoid", name="out")(joined)
    model = keras.Model(tokens, out, name="masked_reader")
    init = np.random.default_rng(7)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("layers", [(layer.name, layer.supports_masking) for layer in model.layers])
    print("output shapes", [tuple(t.shape) for t in (e, seq, avg, top, side)])

    lstm_out = layers.LSTM(3, return_sequences=True, name="probe_lstm")
    lstm_out.build((None, length, 5))
    lstm_out.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in lstm_out.get_weights()])
    emb = embed(x[:2])
    states = lstm_out(emb, mask=embed.compute_mask(x[:2]))
    print("lstm on padding repeats the last state", np.round(ops.convert_to_numpy(states)[1], 4).tolist())
    print("lengths", lengths[:2].tolist())

    weight = np.where(lengths > 4, 1.5, 1.0).astype("float32")
    model.compile(optimizer=keras.optimizers.RMSprop(0.02), loss="binary_crossentropy",
                  metrics=["accuracy"], weighted_metrics=["accuracy"])
    history = model.fit(x[:64], y[:64], sample_weight=weight[:64], batch_size=16, epochs=4, verbose=0,
                        shuffle=False, validation_data=(x[64:], y[64:]))
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    print("evaluate", [round(v, 4) for v in model.evaluate(x, y, verbose=0)])
    pred = model.predict(x[:5], verbose=0)
    print("predict", np.round(pred[:, 0], 4).tolist())
    model.save("reader.keras")
    again = keras.models.load_model("reader.keras")
    print("reloaded", again.get_layer("embed").mask_zero,
          bool(np.allclose(again.predict(x[:5], verbose=0), pred, atol=1e-6)))


if __name__ == "__main__":
    main()
