"""A Keras program, written for Keras 3 on the torch backend: a video-like sequence classifier and a
question-answer matcher built from the sequence layers Keras users combine: TimeDistributed (around Conv1D, a
GlobalMaxPooling1D and a Dense), ConvLSTM1D over frames of 1-D signals, Bidirectional GRU / LSTM / SimpleRNN with
merge_mode "ave", "mul", "sum" and None (a list of both directions), Attention with use_scale=True and
score_mode="concat" (return_attention_scores, a query mask), AdditiveAttention, UnitNormalization and a
SpectralNormalization wrapper around a Dense (its power iteration vector set from NumPy). Both models train with
Nadam. Data and weights come from NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

FRAMES, STEPS, CHANNELS = 4, 8, 2


def np_(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), dtype="float64"), digits).tolist()


def video_model():
    inputs = keras.Input((FRAMES, STEPS, CHANNELS))
    x = layers.ConvLSTM1D(3, 3, padding="same", return_sequences=True)(inputs)
    x = layers.TimeDistributed(layers.Conv1D(4, 3, activation="relu"))(x)
    x = layers.TimeDistributed(layers.GlobalMaxPooling1D())(x)
    x = layers.Bidirectional(layers.GRU(4, return_sequences=True), merge_mode="ave")(x)
    x = layers.Bidirectional(layers.LSTM(3), merge_mode="mul")(x)
    x = layers.UnitNormalization()(x)
    outputs = layers.SpectralNormalization(layers.Dense(2, activation="softmax"))(x)
    return keras.Model(inputs, outputs, name="video")


def matcher_model():
    query_in = keras.Input((5,), dtype="int32", name="query")
    value_in = keras.Input((7,), dtype="int32", name="value")
    embedding = layers.Embedding(10, 6, mask_zero=True)
    query, value = embedding(query_in), embedding(value_in)
    attended = layers.Attention(use_scale=True, score_mode="concat")([query, value])
    additive = layers.AdditiveAttention()([query, value])
    forward, backward = layers.Bidirectional(layers.SimpleRNN(4, return_sequences=True), merge_mode=None)(attended)
    summed = layers.Bidirectional(layers.SimpleRNN(4), merge_mode="sum")(additive)
    merged = layers.concatenate([layers.GlobalAveragePooling1D()(forward), layers.GlobalAveragePooling1D()(backward),
                                 summed])
    outputs = layers.Dense(1, activation="sigmoid")(layers.TimeDistributed(layers.Dense(3))(
        layers.Reshape((1, 12))(merged)))
    return keras.Model([query_in, value_in], layers.Flatten()(outputs), name="matcher")


def initialise(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.normal(0, 0.4, value.shape).astype("float32") if value.dtype.kind == "f" else value
                       for value in model.get_weights()])


def main():
    rng = np.random.default_rng(5)
    video_labels = rng.integers(0, 2, 24)
    clips = rng.normal(size=(24, FRAMES, STEPS, CHANNELS)).astype("float32")
    clips[:, :, :, 0] += np.linspace(-1, 1, STEPS) * (2 * video_labels[:, None, None] - 1)

    video = video_model()
    initialise(video, 1)
    print("video layers", [layer.__class__.__name__ for layer in video.layers][1:])
    spectral = video.layers[-1]
    print("spectral weights", [w.path.split("/")[-1] for w in spectral.weights])
    video.compile(optimizer=keras.optimizers.Nadam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = video.fit(clips[:18], video_labels[:18], validation_data=(clips[18:], video_labels[18:]), batch_size=6,
                        epochs=3, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("video", key, np.round(history.history[key], 4).tolist())
    print("video predict", np_(video.predict(clips[18:21], verbose=0)))
    print("spectral vector", np_(ops.reshape(spectral.vector_u, (-1,))[:2]))
    unit = layers.UnitNormalization(axis=(1, 2))(ops.convert_to_tensor(clips[:1, 0]))
    print("unit norm", np_(ops.sum(ops.square(unit))), np_(unit[0, 0]))

    queries = rng.integers(1, 10, (30, 5))
    values = rng.integers(1, 10, (30, 7))
    queries[:, 3:] *= rng.integers(0, 2, (30, 2))
    values[:, 5:] = 0
    match = (queries[:, :1] == values[:, :3]).any(axis=1).astype("float32")
    matcher = matcher_model()
    initialise(matcher, 2)
    attention = matcher.get_layer("attention")
    scale = [w for w in attention.weights]
    print("attention weights", [w.path.split("/")[-1] for w in scale], [tuple(w.shape) for w in scale])
    matcher.compile(optimizer=keras.optimizers.Nadam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    history = matcher.fit({"query": queries[:24], "value": values[:24]}, match[:24], batch_size=8, epochs=3,
                          shuffle=False, verbose=0)
    for key in sorted(history.history):
        print("matcher", key, np.round(history.history[key], 4).tolist())
    print("matcher predict", np_(matcher.predict({"query": queries[24:], "value": values[24:]}, verbose=0)))
    embedding = matcher.get_layer("embedding")
    q, v = embedding(queries[:2]), embedding(values[:2])
    out, scores = attention([q, v], return_attention_scores=True, mask=[None, ops.not_equal(values[:2], 0)])
    print("attention scores", tuple(scores.shape), np_(scores[0, 0]))
    print("attention output", np_(out[1, 0, :3]))
    additive = matcher.get_layer("additive_attention")
    print("additive", np_(additive([q, v])[0, 1, :3]), [tuple(w.shape) for w in additive.weights])


if __name__ == "__main__":
    main()
