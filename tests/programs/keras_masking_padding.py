"""A Keras program, written for Keras 3, in the manner of keras.io's "Masking and padding" guide: ragged integer
sequences padded with keras.utils.pad_sequences ('pre' and 'post' padding, maxlen, 'pre' and 'post'
truncation, a float padding value), the mask an Embedding(mask_zero=True) and a Masking layer compute (read with
compute_mask, as Keras 3 code does, not from a private tensor attribute), an LSTM after each (called with and
without the mask), custom layers that pass a mask on (supports_masking), that read it in call, that make it
(compute_mask) and that split it, a masked temporal softmax, and a functional model whose layers hand the
mask down to its end, trained for a few epochs. Weights come from NumPy, so real Keras and deepgrad print the
same numbers."""
import numpy as np

import keras
from keras import layers, ops


def fmt(values, digits=5):
    """A short text of rounded numbers."""
    return np.round(np.asarray(ops.convert_to_numpy(values), dtype="float64"), digits).tolist()


def seed_weights(model_or_layer, seed, scale=0.4):
    """Every weight drawn from one seeded NumPy generator (the same numbers in every library)."""
    rng = np.random.default_rng(seed)
    model_or_layer.set_weights([rng.uniform(-scale, scale, size=w.shape).astype("float32")
                                for w in model_or_layer.get_weights()])


class Squash(layers.Layer):
    """An element-wise layer that lets the incoming mask through untouched."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.supports_masking = True

    def call(self, inputs):
        return self.factor * ops.tanh(inputs)


class MaskedAverage(layers.Layer):
    """Average over time of the kept steps only; the result has no time axis, so no mask leaves it."""

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * weights, axis=1) / ops.maximum(ops.sum(weights, axis=1), 1.0)


class LookupWithMask(layers.Layer):
    """A hand-written embedding: token 0 is padding, and its compute_mask says so."""

    def __init__(self, vocab, width, **kwargs):
        super().__init__(**kwargs)
        self.vocab, self.width = vocab, width

    def build(self, input_shape):
        self.table = self.add_weight(shape=(self.vocab, self.width), initializer="zeros", name="table")

    def call(self, inputs):
        return ops.take(self.table, ops.cast(inputs, "int32"), axis=0)

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0)


class HalvesInTime(layers.Layer):
    """Splits a sequence into its first and second halves in time, and its mask likewise."""

    def call(self, inputs):
        return ops.split(inputs, 2, axis=1)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        return ops.split(mask, 2, axis=1)


class SoftmaxOverTime(layers.Layer):
    """Softmax of (batch, time, 1) scores over the kept steps; padded steps get weight 0."""

    def call(self, inputs, mask=None):
        keep = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        shifted = inputs - ops.max(inputs, axis=1, keepdims=True)
        raised = ops.exp(shifted) * keep
        return raised / ops.sum(raised, axis=1, keepdims=True)


def main():
    ragged = [[7, 3, 9], [4, 12, 5, 8, 2, 6, 11], [1], [13, 2, 2, 5, 9]]
    print("pre ", keras.utils.pad_sequences(ragged).tolist())
    print("post", keras.utils.pad_sequences(ragged, padding="post").tolist())
    print("cut4", keras.utils.pad_sequences(ragged, maxlen=4).tolist(),
          keras.utils.pad_sequences(ragged, maxlen=4, truncating="post", padding="post").tolist())
    floats = keras.utils.pad_sequences([[0.5, 1.5], [2.25]], maxlen=3, dtype="float32", value=-1.0)
    print("floats", str(floats.dtype), floats.tolist())

    tokens = keras.utils.pad_sequences(ragged, maxlen=6, padding="post")
    embedding = layers.Embedding(input_dim=14, output_dim=3, mask_zero=True)
    vectors = embedding(tokens)
    seed_weights(embedding, 1)
    vectors = embedding(tokens)
    mask = embedding.compute_mask(tokens)
    print("embedding", tuple(vectors.shape), str(ops.convert_to_numpy(mask).dtype),
          ops.convert_to_numpy(mask).astype(int).tolist())

    lstm = layers.LSTM(4)
    lstm(vectors)
    seed_weights(lstm, 2)
    print("lstm masked  ", fmt(lstm(vectors, mask=mask)[:2]))
    print("lstm mask attached", fmt(lstm(vectors)[:2]))
    bare = ops.convert_to_tensor(ops.convert_to_numpy(vectors))   # the same numbers, no mask
    print("lstm without mask", fmt(lstm(bare)[:1]), fmt(lstm(bare)[2]))

    rng = np.random.default_rng(5)
    series = rng.normal(size=(3, 5, 2)).astype("float32")
    series[0, 3:] = 0.0
    series[2, :2] = 0.0
    series[1, 2] = 0.0
    masking = layers.Masking(mask_value=0.0)
    masked_series = masking(series)
    print("masking", ops.convert_to_numpy(masking.compute_mask(series)).astype(int).tolist(),
          fmt(masked_series[0, 3]))
    sequences = layers.LSTM(2, return_sequences=True)
    sequences(series)
    seed_weights(sequences, 3)
    print("masked sequences", fmt(sequences(series, mask=masking.compute_mask(series))[0]))

    regressor = keras.Sequential([keras.Input((5, 2)), layers.Masking(mask_value=0.0), layers.LSTM(3),
                                  layers.Dense(1)])
    seed_weights(regressor, 9)
    targets = series.sum(axis=(1, 2))[:, None]
    regressor.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    fitted = regressor.fit(series, targets, batch_size=3, epochs=3, verbose=0)
    print("masked regressor", fmt(fitted.history["loss"]), fmt(regressor.predict(series, verbose=0).ravel()))

    squash = Squash(2.0)
    print("squash", squash.supports_masking, fmt(squash(vectors)[1, 0]),
          ops.convert_to_numpy(squash.compute_mask(vectors, mask)).astype(int)[1].tolist())
    print("average", fmt(MaskedAverage()(vectors, mask=mask)), fmt(MaskedAverage()(vectors)[0]))
    keeps = layers.Lambda(lambda t: 2.0 * t, mask=lambda t, previous: previous)
    drops = layers.Lambda(lambda t: 2.0 * t)
    total = layers.Lambda(lambda t, mask=None: ops.sum(t * ops.expand_dims(ops.cast(mask, t.dtype), -1), axis=1))
    print("lambda", keeps.supports_masking, drops.supports_masking, fmt(lstm(keeps(vectors))[0]),
          fmt(lstm(drops(vectors))[0]), fmt(total(vectors)[0]))

    lookup = LookupWithMask(14, 3)
    lookup(tokens)
    seed_weights(lookup, 4)
    own_mask = lookup.compute_mask(tokens)
    print("lookup", lookup.supports_masking, ops.convert_to_numpy(own_mask).astype(int)[0].tolist(),
          fmt(lookup(tokens)[0, 0]))
    halves = HalvesInTime()
    first, second = halves(vectors)
    first_mask, second_mask = halves.compute_mask(vectors, mask)
    print("halves", tuple(first.shape), tuple(second.shape), ops.convert_to_numpy(first_mask).astype(int).tolist(),
          ops.convert_to_numpy(second_mask).astype(int).tolist())
    scores = ops.convert_to_tensor(rng.normal(size=(4, 6, 1)).astype("float32"))
    attention = SoftmaxOverTime()(scores, mask=mask)
    print("softmax over time", fmt(ops.squeeze(attention, -1), 4))

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = LookupWithMask(14, 4)(inputs)
    x = Squash(1.5)(x)
    seq = layers.LSTM(5, return_sequences=True)(x)
    pooled = MaskedAverage()(seq)
    last = layers.GRU(3)(seq)
    merged = layers.concatenate([pooled, last])
    outputs = layers.Dense(1, activation="sigmoid")(merged)
    model = keras.Model(inputs, outputs)
    seed_weights(model, 6)
    print("layers", [type(l).__name__ for l in model.layers])

    texts, labels = [], []
    for _ in range(48):
        length = int(rng.integers(2, 9))
        words = rng.integers(2, 14, size=length)
        label = int(rng.random() < 0.5)
        if label:
            words[-1] = 1
        texts.append(words.tolist())
        labels.append(label)
    x_train = keras.utils.pad_sequences(texts, maxlen=8, padding="post")
    y_train = np.array(labels, dtype="float32")
    before = model.predict(x_train[:3], verbose=0)
    again = model.predict(keras.utils.pad_sequences(texts[:3], maxlen=12, padding="post"), verbose=0)
    print("padding length does not matter", fmt(before.ravel()), fmt(again.ravel()))

    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, batch_size=12, epochs=4, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, fmt(history.history[key]))
    print("evaluate", fmt(model.evaluate(x_train, y_train, verbose=0)))

    tagger_in = keras.Input(shape=(6,), dtype="int32")
    tagged = layers.Embedding(14, 3, mask_zero=True)(tagger_in)
    tagged = layers.Dense(1)(tagged)
    tagged = SoftmaxOverTime()(tagged)
    tagger = keras.Model(tagger_in, tagged)
    seed_weights(tagger, 8)
    print("attention weights", fmt(ops.squeeze(tagger(tokens), -1), 4))


if __name__ == "__main__":
    main()
