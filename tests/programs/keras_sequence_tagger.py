"""A Keras program, written for Keras 3: a part-of-speech style sequence tagger on padded integer sentences,
Embedding(mask_zero=True) -> Bidirectional(GRU(return_sequences=True)) -> TimeDistributed(Dense(softmax)),
so the padding mask reaches the loss and the metric (padded steps weigh nothing); then a second model that
stacks LSTM(return_state=True) states into a sentence classifier. Prints masks, shapes, histories and
predictions (predict with a batch size that leaves a partial final batch). The weights start from the same
NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def sentences(rng, n, steps, vocab):
    lengths = rng.integers(3, steps + 1, size=n)
    x = np.zeros((n, steps), dtype="int32")
    for row, length in zip(x, lengths):
        row[:length] = rng.integers(1, vocab, size=length)
    tags = np.where(x == 0, 0, (x % 3) + (np.roll(x, 1, axis=1) % 2))
    return x, tags.astype("int32")


def assign(model, seed):
    init = np.random.default_rng(seed)
    for w in model.weights:
        w.assign(init.uniform(-0.3, 0.3, size=tuple(w.shape)).astype("float32"))


def main():
    rng = np.random.default_rng(2)
    x, tags = sentences(rng, 50, 8, 20)
    print("padding", int((x == 0).sum()), x[0].tolist(), tags[0].tolist())

    inputs = keras.Input(shape=(None,), dtype="int32")
    embedded = layers.Embedding(20, 6, mask_zero=True)(inputs)
    hidden = layers.Bidirectional(layers.GRU(5, return_sequences=True), merge_mode="concat")(embedded)
    outputs = layers.TimeDistributed(layers.Dense(4, activation="softmax"))(hidden)
    tagger = keras.Model(inputs, outputs)
    assign(tagger, 1)
    print([tuple(w.shape) for w in tagger.weights])
    mask = tagger.layers[1].compute_mask(x[:2])
    print("mask", keras.ops.convert_to_numpy(mask).astype(int).tolist())

    tagger.compile(optimizer=keras.optimizers.Adam(0.03), loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"])
    history = tagger.fit(x, tags, epochs=3, batch_size=16, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    probabilities = tagger.predict(x, batch_size=16, verbose=0)
    print(probabilities.shape, np.round(probabilities[3, :4], 4).tolist())
    print("tags", probabilities[3].argmax(-1).tolist(), tags[3].tolist())
    print("evaluate", ["%.5f" % v for v in tagger.evaluate(x, tags, batch_size=7, verbose=0)])

    label = (tags.sum(axis=1) > np.median(tags.sum(axis=1))).astype("float32")
    inputs = keras.Input(shape=(8,), dtype="int32")
    embedded = layers.Embedding(20, 6, mask_zero=True)(inputs)
    sequence, h, c = layers.LSTM(5, return_sequences=True, return_state=True)(embedded)
    pooled = layers.GlobalAveragePooling1D()(sequence)
    merged = layers.concatenate([pooled, h, c])
    classifier = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(merged))
    assign(classifier, 4)
    print([layer.__class__.__name__ for layer in classifier.layers])
    print([tuple(t.shape) for t in (sequence, h, c, merged)])
    classifier.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="binary_crossentropy",
                       metrics=["accuracy", keras.metrics.AUC(name="auc")])
    history = classifier.fit(x, label, epochs=3, batch_size=12, shuffle=False, verbose=0, validation_split=0.2)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print(np.round(classifier.predict(x[:7], batch_size=3, verbose=0).ravel(), 5).tolist())


if __name__ == "__main__":
    main()
