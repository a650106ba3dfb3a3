"""A Keras program, written for Keras 3: variable-length token sequences padded with `pad_sequences` (pre and post
truncation, a custom value), an `Embedding(mask_zero=True)` whose mask flows through `Bidirectional(GRU)` with
`merge_mode='ave'`, a masked `LSTM(return_sequences=True)`, `GlobalMaxPooling1D` and a `Masking` branch; the
masks are printed, the classifier trained, evaluated and used to predict."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    keras.utils.set_random_seed(2807)
    rng = np.random.default_rng(2807)
    sentences = [list(rng.integers(1, 20, size=rng.integers(2, 9))) for _ in range(36)]
    print("pre", keras.utils.pad_sequences(sentences[:3], maxlen=5).tolist())
    print("post", keras.utils.pad_sequences(sentences[:3], maxlen=5, padding="post", truncating="post",
                                            value=-1).tolist())
    print("float", keras.utils.pad_sequences([[0.5, 1.5], [2.5]], dtype="float32", padding="post").tolist())
    tokens = keras.utils.pad_sequences(sentences, maxlen=7, padding="post")
    labels = np.array([int(sum(s) % 3 == 0) for s in sentences], "int32")

    embed = layers.Embedding(20, 6, mask_zero=True, name="embed")
    print("mask", ops.convert_to_numpy(embed.compute_mask(tokens[:2])).tolist())
    inputs = keras.Input((7,), dtype="int32", name="tokens")
    embedded = embed(inputs)
    both = layers.Bidirectional(layers.GRU(5, return_sequences=True, name="gru"), merge_mode="ave",
                                name="bi")(embedded)
    deep = layers.LSTM(4, return_sequences=True, name="lstm")(both)
    pooled = layers.GlobalMaxPooling1D(name="max")(deep)
    averaged = layers.GlobalAveragePooling1D(name="avg")(embedded)
    outputs = layers.Dense(1, activation="sigmoid", name="out")(layers.Concatenate(name="cat")([pooled, averaged]))
    model = keras.Model(inputs, outputs, name="masked_text")
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    history = model.fit(tokens, labels, batch_size=9, epochs=3, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, [round(v, 4) for v in history.history[key]])
    print("evaluate", [round(v, 4) for v in model.evaluate(tokens, labels, verbose=0)])
    print("predict", r(model.predict(tokens[:4], verbose=0)[:, 0]))
    sub = keras.Model(inputs, model.get_layer("bi").output)
    hidden = sub.predict(tokens[:1], verbose=0)
    print("bi states", ops.shape(hidden), r(hidden[0, :, 0]))

    masked = layers.Masking(mask_value=0.0, name="masking")
    steps = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 1.0]]], "float32")
    print("masking", ops.convert_to_numpy(masked.compute_mask(steps)).tolist(),
          r(layers.LSTM(2, name="lstm_masked")(masked(steps))))


if __name__ == "__main__":
    main()
