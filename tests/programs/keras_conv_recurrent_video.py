"""A Keras program, written for Keras 3: recurrent layers over short "videos" and signals as keras.io's
next-frame and sequence examples stack them — ConvLSTM1D (return_sequences, padding "same", strides and
dilation) and ConvLSTM2D with go_backwards and return_state, TimeDistributed(Conv1D) and TimeDistributed(Flatten)
per frame, Bidirectional with merge_mode "mul", "ave" and "concat" over a GRU with return_state (the forward and
backward states), an RNN over StackedRNNCells of an LSTMCell and a GRUCell, and a SimpleRNN with unroll=True;
shapes printed per layer, a model trained with fit, get_config / from_config of the wrappers. The weights start
from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def seeded(model, seed, scale=0.4):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def arr(value, digits=5):
    return np.round(np.asarray(keras.ops.convert_to_numpy(value), "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(19)
    clips = rng.standard_normal((12, 5, 8, 3)).astype("float32")        # (batch, frames, width, channels)
    frames = rng.standard_normal((2, 4, 6, 6, 2)).astype("float32")     # (batch, frames, h, w, channels)
    signal = rng.standard_normal((12, 7, 4)).astype("float32")

    inputs = keras.Input((5, 8, 3))
    conv_seq = layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True, name="convlstm_a")(inputs)
    conv_last = layers.ConvLSTM1D(3, 2, strides=2, recurrent_activation="sigmoid", name="convlstm_b")(conv_seq)
    framewise = layers.TimeDistributed(layers.Conv1D(2, 3, activation="relu"), name="td_conv")(inputs)
    flat = layers.TimeDistributed(layers.Flatten(), name="td_flat")(framewise)
    recurrent = layers.Bidirectional(layers.GRU(3), merge_mode="mul", name="bi_mul")(flat)
    merged = layers.Concatenate()([layers.Flatten()(conv_last), recurrent])
    outputs = layers.Dense(1, name="out")(merged)
    model = seeded(keras.Model(inputs, outputs), 2)
    for layer in model.layers[1:]:
        print("shape", layer.name, tuple(layer.output.shape))
    print("predict", arr(model.predict(clips[:3], verbose=0).ravel()))
    y = clips.mean(axis=(1, 2, 3))[:, None].astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(clips, y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])

    conv2d = layers.ConvLSTM2D(3, (3, 3), padding="same", go_backwards=True, return_state=True, name="convlstm2d")
    out, h, c = conv2d(frames)
    seeded_layer = keras.Sequential([keras.Input((4, 6, 6, 2)), conv2d])
    seeded(seeded_layer, 5)
    out, h, c = conv2d(frames)
    print("convlstm2d", tuple(out.shape), tuple(h.shape), tuple(c.shape), arr(keras.ops.sum(out)),
          arr(keras.ops.mean(c)))
    dilated = layers.ConvLSTM1D(2, 2, dilation_rate=2, return_sequences=True, name="dilated")
    seeded(keras.Sequential([keras.Input((5, 8, 3)), dilated]), 6)
    print("dilated", tuple(dilated(clips[:2]).shape), arr(keras.ops.sum(dilated(clips[:2]))))

    for mode in ["ave", "concat", None]:
        bi = layers.Bidirectional(layers.GRU(3, return_sequences=True, return_state=True), merge_mode=mode,
                                  name=f"bi_{mode}")
        results = bi(signal[:2])
        flat_results = [r for item in results for r in (item if isinstance(item, (list, tuple)) else [item])]
        print("bidirectional", mode, len(results), [tuple(r.shape) for r in flat_results])
    bi = layers.Bidirectional(layers.LSTM(2, return_state=True), merge_mode="ave", name="bi_states")
    sequence_in = keras.Input((7, 4))
    merged_out, fh, fc, bh, bc = bi(sequence_in)
    states_model = seeded(keras.Model(sequence_in, [merged_out, fh, bh]), 9)
    m, f_h, b_h = states_model.predict(signal[:2], verbose=0)
    print("states", arr(m), arr(f_h), arr(b_h), bool(np.allclose(m, (f_h + b_h) / 2, atol=1e-6)))

    cells = layers.StackedRNNCells([layers.LSTMCell(4), layers.GRUCell(3)])
    stacked = keras.Sequential([keras.Input((7, 4)), layers.RNN(cells, return_sequences=True, name="stacked"),
                                layers.SimpleRNN(2, unroll=True, name="unrolled"), layers.Dense(1)])
    seeded(stacked, 11)
    print("stacked", [tuple(w.shape) for w in stacked.layers[0].weights],
          arr(stacked.predict(signal[:3], verbose=0).ravel()))
    stacked.compile(optimizer="rmsprop", loss="mae")
    history = stacked.fit(signal, signal[:, -1, :1], epochs=2, batch_size=6, shuffle=False, verbose=0)
    print("stacked loss", ["%.5f" % v for v in history.history["loss"]])
    config = layers.Bidirectional(layers.GRU(3), merge_mode="mul").get_config()
    again = layers.Bidirectional.from_config(config)
    print("config", config["merge_mode"], config["layer"]["class_name"], type(again.forward_layer).__name__,
          again.backward_layer.go_backwards)
    td = layers.TimeDistributed.from_config(layers.TimeDistributed(layers.Dense(2)).get_config())
    print("td config", type(td.layer).__name__, tuple(td.compute_output_shape((None, 5, 3))))


if __name__ == "__main__":
    main()
