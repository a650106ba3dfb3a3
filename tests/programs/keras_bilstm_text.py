"""A Keras program, written for Keras 3, after keras.io's "bidirectional LSTM on IMDB": integer word sequences
padded with keras.utils.pad_sequences (pre and post padding, truncation), Embedding(mask_zero=True), two
stacked Bidirectional LSTMs (return_sequences=True, then merge_mode "sum"), a GRU and a SimpleRNN beside
them under the same mask, a sigmoid head; trained with class_weight and validation_split, then the
layers' parameter counts and shapes, compute_mask, evaluate and predict, and the Bidirectional layer's
forward/backward sub-layers and its config (the wrapped layers serialized, and rebuilt by from_config).
The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def reviews(rng, n, vocab):
    texts, labels = [], []
    for _ in range(n):
        length = int(rng.integers(3, 14))
        words = rng.integers(3, vocab, size=length)
        label = int(rng.random() < 0.35)
        if label:
            words[rng.integers(0, length)] = 1     # word 1 marks a positive review
        texts.append(words.tolist())
        labels.append(label)
    return texts, np.array(labels, dtype="float32")


def main():
    rng = np.random.default_rng(23)
    vocab, maxlen = 30, 10
    texts, labels = reviews(rng, 80, vocab)
    x = keras.utils.pad_sequences(texts, maxlen=maxlen)
    post = keras.utils.pad_sequences(texts[:3], maxlen=maxlen, padding="post", truncating="post")
    print("padded", x.shape, str(x.dtype), x[:2].tolist(), post.tolist())
    print("balance", float(labels.mean()))

    inputs = keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(vocab, 6, mask_zero=True)(inputs)
    h = layers.Bidirectional(layers.LSTM(5, return_sequences=True))(embedded)
    h = layers.Bidirectional(layers.LSTM(4), merge_mode="sum")(h)
    g = layers.GRU(3)(embedded)
    s = layers.SimpleRNN(3, activation="tanh")(embedded)
    merged = layers.concatenate([h, g, s])
    outputs = layers.Dense(1, activation="sigmoid")(merged)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.4, 0.4, size=w.shape).astype("float32") for w in model.get_weights()])
    # (not summary(): Keras 3.15 lists the mask's NotEqual operation in it, which nn.keras does not record)
    print([(l.name, type(l).__name__, l.count_params()) for l in model.layers])
    print([tuple(l.output.shape) for l in model.layers])
    mask = model.layers[1].compute_mask(x[:2])
    print("mask", keras.ops.convert_to_numpy(mask).astype(int).tolist())

    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc"), keras.metrics.Precision(name="precision")])
    history = model.fit(x, labels, batch_size=16, epochs=4, shuffle=False, verbose=0, validation_split=0.2,
                        class_weight={0: 0.7, 1: 1.6})
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(x, labels, batch_size=32, verbose=0)])
    print("predict", np.round(model.predict(x[:6], batch_size=4, verbose=0).ravel(), 5).tolist())
    short = keras.utils.pad_sequences([[1, 5, 7], [9, 4]], maxlen=6)
    print("short", np.round(model.predict(short, verbose=0).ravel(), 5).tolist())

    bidirectional = model.layers[2]
    config = bidirectional.get_config()
    print("bidirectional", bidirectional.forward_layer.name, bidirectional.backward_layer.name,
          bidirectional.backward_layer.go_backwards, config["merge_mode"], config["layer"]["config"]["units"],
          config["layer"]["config"]["return_sequences"], config["layer"]["config"]["zero_output_for_mask"],
          config["backward_layer"]["config"]["name"], config["backward_layer"]["config"]["go_backwards"])
    again = layers.Bidirectional.from_config(config)
    print("from_config", again.forward_layer.name, again.backward_layer.name, again.merge_mode)
    print("weights", [tuple(w.shape) for w in bidirectional.weights])


if __name__ == "__main__":
    main()
