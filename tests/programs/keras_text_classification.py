"""A Keras program, written for Keras 3, after keras.io's "Text classification from scratch" and its bag-of-words
variants: movie-review-like sentences are lower-cased, stripped of punctuation and split in Python (real Keras's
TextVectorization needs TensorFlow, which the torch backend does not install), mapped to ids by a vocabulary of the
most frequent words and padded with keras.utils.pad_sequences; an Embedding + GlobalAveragePooling1D classifier
(mask_zero, so the padding is left out of the average), the example's Conv1D + GlobalMaxPooling1D model, and a
bag-of-words Dense model over CategoryEncoding's multi_hot and count outputs; trained with binary cross-entropy,
accuracy and AUC, and an end-to-end model scoring new sentences. The data and weights come from NumPy, so real
Keras and deepgrad print the same numbers."""
import collections
import re
import string

import numpy as np

import keras
from keras import layers

MAX_FEATURES = 40
SEQUENCE_LENGTH = 12
EMBEDDING_DIM = 8

POSITIVE = ["great", "wonderful", "loved", "brilliant", "fun", "moving", "superb", "charming"]
NEGATIVE = ["boring", "awful", "hated", "dull", "terrible", "slow", "weak", "messy"]
FILLER = ["the", "movie", "film", "plot", "was", "a", "and", "acting", "story", "really", "very", "it", "this"]


def custom_standardization(text):
    lowercase = text.lower()
    stripped_html = lowercase.replace("<br />", " ")
    return re.sub(f"[{re.escape(string.punctuation)}]", "", stripped_html)


def make_reviews(rng, n):
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.random() < 0.5)
        words = list(rng.choice(FILLER, size=rng.integers(4, 9)))
        cue = POSITIVE if label else NEGATIVE
        for _ in range(rng.integers(1, 3)):
            words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(cue)))
        if rng.random() < 0.2:
            words.insert(0, str(rng.choice(NEGATIVE if label else POSITIVE)))
        text = " ".join(words).capitalize() + rng.choice([".", "!", "...", "<br />"])
        texts.append(text)
        labels.append(label)
    return texts, np.array(labels, dtype="float32")


def build_vocabulary(texts, max_tokens):
    counts = collections.Counter(w for t in texts for w in custom_standardization(t).split())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ["", "[UNK]"] + [w for w, _ in ordered[:max_tokens - 2]]


def vectorize(texts, vocabulary):
    index = {w: i for i, w in enumerate(vocabulary)}
    ids = [[index.get(w, 1) for w in custom_standardization(t).split()] for t in texts]
    return keras.utils.pad_sequences(ids, maxlen=SEQUENCE_LENGTH, padding="post", truncating="post")


def numpy_weights(model, seed):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])


def main():
    rng = np.random.default_rng(1)
    train_texts, y_train = make_reviews(rng, 96)
    test_texts, y_test = make_reviews(rng, 32)
    print(train_texts[0], "->", custom_standardization(train_texts[0]))
    vocabulary = build_vocabulary(train_texts, MAX_FEATURES)
    print("vocabulary", len(vocabulary), vocabulary[:8])
    x_train, x_test = vectorize(train_texts, vocabulary), vectorize(test_texts, vocabulary)
    print("ids", x_train[0].tolist())

    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(MAX_FEATURES, EMBEDDING_DIM, mask_zero=True)(inputs)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(8, activation="relu")(x)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    model = keras.Model(inputs, predictions)
    numpy_weights(model, 2)
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.02),
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    history = model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=5, batch_size=16,
                        shuffle=False, verbose=0)
    for key in ("loss", "accuracy", "auc", "val_loss", "val_accuracy"):
        print("average", key, np.round(history.history[key], 4).tolist())

    inputs = keras.Input(shape=(None,), dtype="int64")
    x = layers.Embedding(MAX_FEATURES, EMBEDDING_DIM)(inputs)
    x = layers.Dropout(0.0)(x)
    x = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=1)(x)
    x = layers.Conv1D(16, 3, padding="valid", activation="relu", strides=2)(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(16, activation="relu")(x)
    predictions = layers.Dense(1, activation="sigmoid", name="predictions")(x)
    conv_model = keras.Model(inputs, predictions)
    numpy_weights(conv_model, 3)
    conv_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = conv_model.fit(x_train, y_train, epochs=4, batch_size=16, shuffle=False, verbose=0)
    print("conv loss", np.round(history.history["loss"], 4).tolist())
    print("conv evaluate", np.round(conv_model.evaluate(x_test, y_test, verbose=0), 4).tolist())

    for mode in ("multi_hot", "count"):
        bag_inputs = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
        bag = layers.CategoryEncoding(num_tokens=MAX_FEATURES, output_mode=mode)(bag_inputs)
        hidden = layers.Dense(8, activation="relu")(bag)
        bag_model = keras.Model(bag_inputs, layers.Dense(1, activation="sigmoid")(hidden))
        numpy_weights(bag_model, 4)
        bag_model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.RMSprop(0.01),
                          metrics=["accuracy"])
        encoded = keras.ops.convert_to_numpy(bag_model.layers[1](x_train[:1]))
        print(mode, "encoded", encoded.shape, np.nonzero(encoded[0])[0].tolist(), encoded[0][encoded[0] > 0].tolist())
        history = bag_model.fit(x_train, y_train, epochs=4, batch_size=32, shuffle=False, verbose=0)
        print(mode, "loss", np.round(history.history["loss"], 4).tolist())

    string_input = keras.Input(shape=(SEQUENCE_LENGTH,), dtype="int64")
    end_to_end_model = keras.Model(string_input, model(string_input))
    end_to_end_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    new = ["A wonderful, charming film!", "Boring and slow... really dull.", "The plot was it."]
    scores = end_to_end_model.predict(vectorize(new, vocabulary), verbose=0)
    print("new reviews", np.round(scores.ravel().astype("float64"), 4).tolist())
    print("end to end evaluate", np.round(end_to_end_model.evaluate(x_test, y_test, verbose=0), 4).tolist())


if __name__ == "__main__":
    main()
