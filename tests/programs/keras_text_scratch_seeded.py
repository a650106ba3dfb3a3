"""A Keras program, written for Keras 3, after keras.io's "Text classification from scratch" without TensorFlow:
reviews generated from word lists, standardized and split in Python (lower-case, punctuation stripped), a
vocabulary built by frequency, sequences made by pad_sequences (post padding and truncating), then the
example's model — Embedding, Dropout, two Conv1D with strides, GlobalMaxPooling1D, Dense, Dropout and a sigmoid
output — whose weights come from keras.utils.set_random_seed and the default initializers, trained with
validation_split, then evaluate and an end-to-end scorer for raw strings. deepgrad draws Keras's own numbers,
so real Keras and deepgrad print the same."""
import re
import string
from collections import Counter

import numpy as np

import keras
from keras import layers

GOOD = ["great", "wonderful", "moving", "funny", "brilliant", "charming", "superb"]
BAD = ["boring", "awful", "dull", "terrible", "clumsy", "tedious", "weak"]
FILLER = ["the", "movie", "film", "plot", "acting", "was", "and", "a", "story", "really", "quite", "ending"]


def standardize(text):
    text = text.lower().replace("<br />", " ")
    return re.sub(f"[{re.escape(string.punctuation)}]", "", text)


def make_reviews(rng, n):
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(0, 2))
        words = list(rng.choice(FILLER, rng.integers(6, 14)))
        for _ in range(rng.integers(1, 4)):
            words.insert(int(rng.integers(0, len(words))), str(rng.choice(GOOD if label else BAD)))
        text = " ".join(words).capitalize() + rng.choice([".", "!", "<br />"])
        texts.append(text)
        labels.append(label)
    return texts, np.array(labels, "float32")


def main():
    rng = np.random.default_rng(31)
    texts, labels = make_reviews(rng, 96)
    print("sample", texts[0], "->", standardize(texts[0]))
    counts = Counter(word for text in texts for word in standardize(text).split())
    vocab = ["", "[UNK]"] + [w for w, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))][:28]
    index = {w: i for i, w in enumerate(vocab)}
    print("vocabulary", len(vocab), vocab[2:8])

    def vectorize(batch):
        ids = [[index.get(w, 1) for w in standardize(t).split()] for t in batch]
        return keras.utils.pad_sequences(ids, maxlen=16, padding="post", truncating="post")

    x = vectorize(texts)
    print("sequences", x.shape, x.dtype, x[0].tolist())

    keras.utils.set_random_seed(1337)
    inputs = keras.Input((None,), dtype="int64")
    h = layers.Embedding(len(vocab), 16)(inputs)
    h = layers.Dropout(0.3)(h)
    h = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=2)(h)
    h = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=2)(h)
    h = layers.GlobalMaxPooling1D()(h)
    h = layers.Dense(16, activation="relu")(h)
    h = layers.Dropout(0.3)(h)
    outputs = layers.Dense(1, activation="sigmoid", name="predictions")(h)
    model = keras.Model(inputs, outputs)
    print("params", model.count_params(), [w.shape for w in model.weights[:3]])
    print("first weights", np.round(model.weights[0].numpy()[2, :4].astype("float64"), 5).tolist())
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x[:80], labels[:80], validation_split=0.25, epochs=4, batch_size=12, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    print("evaluate", np.round(model.evaluate(x[80:], labels[80:], verbose=0), 4).tolist())

    def score(raw):
        return model.predict(vectorize(raw), verbose=0)[:, 0]

    print("scores", np.round(score(["A brilliant and moving film!", "Dull, tedious and weak."]), 4).tolist())
    print("unknown words", vectorize(["Zebras were superb"])[0][:4].tolist())


if __name__ == "__main__":
    main()
