"""A Keras program, written for Keras 3: a small speech-style recogniser: Conv1D feature extraction over
spectrogram-like frames, a Bidirectional GRU, and per-frame softmax over characters plus a blank, trained with a
CTC loss written as a `keras.losses.Loss` subclass over `ops.ctc_loss` (label lengths from the -1 padding) and
checked against `keras.losses.CTC`; `ops.ctc_decode` greedy and beam search on its predictions, with the
decoded paths (from log-probabilities), their scores and the edit distance to the targets; a reload from a `.keras` file with the custom
loss registered."""
import numpy as np

import keras
from keras import layers, ops

BLANK = 0
CHARS = 5   # 1..5 are characters, 0 is the blank


@keras.saving.register_keras_serializable(package="r25")
class PaddedCTC(keras.losses.Loss):
    """CTC of softmax outputs against labels padded with -1 (label length = count of entries >= 0)."""

    def __init__(self, name="padded_ctc", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        labels = ops.cast(y_true, "int32")
        label_length = ops.sum(ops.cast(labels >= 0, "int32"), axis=-1)
        batch, frames = ops.shape(y_pred)[0], ops.shape(y_pred)[1]
        logit_length = ops.full((batch,), frames, dtype="int32")
        clean = ops.where(labels >= 0, labels, ops.zeros_like(labels))
        return ops.ctc_loss(clean, ops.log(y_pred + 1e-7), label_length, logit_length, mask_index=BLANK)


def edit_distance(a, b):
    table = np.arange(len(b) + 1)
    for i, ca in enumerate(a, 1):
        previous, table[0] = table[0], i
        for j, cb in enumerate(b, 1):
            previous, table[j] = table[j], min(table[j] + 1, table[j - 1] + 1, previous + (ca != cb))
    return int(table[-1])


def make_data(rng, count, frames=20, features=6):
    x = 0.3 * rng.normal(size=(count, frames, features)).astype("float32")
    y = -np.ones((count, 4), "int32")
    for n in range(count):
        length = rng.integers(2, 5)
        labels = rng.integers(1, CHARS + 1, size=length)
        y[n, :length] = labels
        for k, c in enumerate(labels):   # each character lights feature (c % features) in its own span
            start = 1 + k * (frames // length)
            x[n, start:start + 3, c % features] += 1.5
            x[n, start:start + 3, (c + 2) % features] -= 0.5 * c
    return x, y


def main():
    rng = np.random.default_rng(2503)
    x, y = make_data(rng, 48)
    inputs = keras.Input((20, 6), name="frames")
    h = layers.Conv1D(12, 3, padding="same", activation="relu", name="conv")(inputs)
    h = layers.Bidirectional(layers.GRU(8, return_sequences=True, name="gru"), name="bigru")(h)
    outputs = layers.Dense(CHARS + 1, activation="softmax", name="chars")(h)
    model = keras.Model(inputs, outputs, name="speech")
    init = np.random.default_rng(11)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    model.summary()

    probs = model.predict(x[:4], verbose=0)
    mine = PaddedCTC(reduction=None)(y[:4], probs)
    print("custom ctc", np.round(ops.convert_to_numpy(mine).astype("float64"), 4).tolist())
    builtin = keras.losses.CTC(reduction=None)
    dense_labels = np.where(y[:4] >= 0, y[:4], 0)
    print("keras CTC on log-probs", np.round(ops.convert_to_numpy(
        builtin(dense_labels, np.log(probs + 1e-7))).astype("float64"), 4).tolist())

    model.compile(optimizer=keras.optimizers.Adam(0.03, clipnorm=1.0), loss=PaddedCTC())
    history = model.fit(x[:40], y[:40], batch_size=8, epochs=8, verbose=0, shuffle=False,
                        validation_data=(x[40:], y[40:]))
    print("loss", np.round(history.history["loss"], 4).tolist())
    print("val_loss", np.round(history.history["val_loss"], 4).tolist())
    print("evaluate", round(model.evaluate(x[40:], y[40:], verbose=0), 4))

    probs = model.predict(x[40:], verbose=0)
    lengths = np.full((8,), 20, "int32")
    greedy, greedy_scores = ops.ctc_decode(np.log(probs), lengths, strategy="greedy", mask_index=BLANK)
    greedy = ops.convert_to_numpy(greedy)
    print("greedy shape", greedy.shape, "scores", np.round(ops.convert_to_numpy(greedy_scores)[:, 0].astype("float64"), 3).tolist())
    for n in range(4):
        path = [int(c) for c in greedy[0, n] if c >= 0]
        print("greedy", n, path, "target", [int(c) for c in y[40 + n] if c >= 0],
              "distance", edit_distance(path, [c for c in y[40 + n] if c >= 0]))
    beams, beam_scores = ops.ctc_decode(np.log(probs[:3]), lengths[:3], strategy="beam_search", beam_width=4, top_paths=2,
                                        mask_index=BLANK)
    beams = ops.convert_to_numpy(beams)
    print("beam shape", beams.shape, "scores", np.round(ops.convert_to_numpy(beam_scores).astype("float64"), 3).tolist())
    for n in range(3):
        print("beam", n, [[int(c) for c in beams[p, n] if c >= 0] for p in range(2)])

    model.save("speech.keras")
    again = keras.models.load_model("speech.keras")
    print("reloaded loss", type(again.loss).__name__, round(again.evaluate(x[40:], y[40:], verbose=0), 4))
    print("same predictions", bool(np.allclose(again.predict(x[40:42], verbose=0), probs[:2], atol=1e-6)))


if __name__ == "__main__":
    main()
