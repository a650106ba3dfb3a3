"""A Keras program, written for Keras 3: padding masks end to end — a Masking layer over padded float features, an
Embedding(mask_zero=True) over padded tokens, the mask each layer computes (compute_mask, the `_keras_mask` on eager
outputs), the mask reaching GRU / LSTM / Bidirectional and GlobalAveragePooling1D, a custom layer that supports
masking and one that consumes it, and a masked model trained and evaluated. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def mask_of(tensor):
    mask = getattr(tensor, "_keras_mask", None)
    return None if mask is None else ops.convert_to_numpy(mask).astype(int).tolist()


class Doubler(layers.Layer):
    """Keeps the incoming mask (supports_masking) while doubling its input."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, x):
        return x * 2.0


class MaskedSum(layers.Layer):
    """Sums the unmasked steps; consumes the mask (returns none)."""

    def call(self, x, mask=None):
        if mask is None:
            return ops.sum(x, axis=1)
        weights = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        return ops.sum(x * weights, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None


def main():
    features = np.array([[[1.0, 2.0], [3.0, 4.0], [0.0, 0.0], [0.0, 0.0]],
                         [[5.0, 6.0], [0.0, 0.0], [7.0, 8.0], [0.0, 0.0]]], "float32")
    masking = layers.Masking(mask_value=0.0)
    masked = masking(features)
    print("masking mask", mask_of(masked))
    print("compute_mask", ops.convert_to_numpy(masking.compute_mask(features)).astype(int).tolist())
    doubled = Doubler()(masked)
    print("doubler keeps mask", mask_of(doubled), r(ops.convert_to_numpy(doubled)[0, 0]))
    summed = MaskedSum()(doubled)
    print("masked sum", r(ops.convert_to_numpy(summed)), "mask after", mask_of(summed))
    pooled = layers.GlobalAveragePooling1D()(masked)
    print("masked average", r(ops.convert_to_numpy(pooled)))
    print("unmasked average", r(ops.convert_to_numpy(layers.GlobalAveragePooling1D()(features))))
    print("max pooling ignores mask", r(ops.convert_to_numpy(layers.GlobalMaxPooling1D()(masked))))

    tokens = np.array([[4, 7, 2, 0, 0], [9, 0, 0, 0, 0], [3, 3, 5, 8, 1]], "int32")
    embed = layers.Embedding(10, 3, mask_zero=True, embeddings_initializer="ones")
    embedded = embed(tokens)
    print("embedding mask", mask_of(embedded))
    print("explicit mask", ops.convert_to_numpy(embed.compute_mask(tokens)).astype(int).tolist())
    gru = layers.GRU(2, kernel_initializer="ones", recurrent_initializer="zeros", return_sequences=True)
    seq = gru(embedded)
    print("gru sequence mask", mask_of(seq))
    print("gru padded steps repeat", r(ops.convert_to_numpy(seq)[1, :, 0]))
    last = layers.GRU(2, kernel_initializer="ones", recurrent_initializer="zeros")(embedded)
    print("gru last state", r(ops.convert_to_numpy(last)), "mask", mask_of(last))

    rng = np.random.default_rng(5)
    n, steps = 48, 6
    lengths = rng.integers(1, steps + 1, n)
    data = np.zeros((n, steps), "int32")
    for k, size in enumerate(lengths):
        data[k, :size] = rng.integers(1, 12, size)
    labels = ((data == 3).any(axis=1)).astype("float32")

    inputs = keras.Input((steps,), dtype="int32")
    x = layers.Embedding(12, 6, mask_zero=True, name="embed")(inputs)
    x = layers.Bidirectional(layers.LSTM(4, return_sequences=True), name="bilstm")(x)
    x = Doubler(name="doubler")(x)
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    outputs = layers.Dense(1, activation="sigmoid", name="head")(x)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(1)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("symbolic mask", model.get_layer("bilstm").output.shape, model.get_layer("pool").output.shape)
    model.compile(optimizer=keras.optimizers.Adam(0.03), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(data[:36], labels[:36], batch_size=12, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    print("accuracy", r(history.history["accuracy"]))
    print("evaluate", r(model.evaluate(data[36:], labels[36:], verbose=0)))
    padded = np.concatenate([data[:2], np.zeros((2, 3), "int32")], axis=1)[:, :steps]
    print("predict", r(model.predict(data[:4], verbose=0)[:, 0]))
    print("same after zero tail", bool(np.allclose(model.predict(padded, verbose=0),
                                                   model.predict(data[:2], verbose=0), atol=1e-6)))


if __name__ == "__main__":
    main()
