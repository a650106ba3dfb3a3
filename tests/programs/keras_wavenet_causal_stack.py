"""A Keras program, written for Keras 3: a WaveNet-like forecaster — a stack of Conv1D layers with padding="causal"
and growing dilation_rate, gated activations (tanh * sigmoid), residual and skip connections, a 1x1 Conv1D head,
and checks that causal outputs never see the future; strided and "same"/"valid" variants and their output shapes;
trained with fit and used for a step-by-step autoregressive rollout. Weights come from NumPy, so real Keras and
deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def residual_block(x, filters, dilation, index):
    tanh_out = layers.Conv1D(filters, 2, padding="causal", dilation_rate=dilation, activation="tanh",
                             name=f"filter_{index}")(x)
    gate_out = layers.Conv1D(filters, 2, padding="causal", dilation_rate=dilation, activation="sigmoid",
                             name=f"gate_{index}")(x)
    gated = layers.Multiply(name=f"gated_{index}")([tanh_out, gate_out])
    skip = layers.Conv1D(filters, 1, name=f"skip_{index}")(gated)
    residual = layers.Add(name=f"residual_{index}")([x, skip])
    return residual, skip


def build(length=None, filters=6, dilations=(1, 2, 4, 8)):
    inputs = keras.Input((length, 1), name="signal")
    x = layers.Conv1D(filters, 2, padding="causal", name="input_conv")(inputs)
    skips = []
    for k, dilation in enumerate(dilations):
        x, skip = residual_block(x, filters, dilation, k)
        skips.append(skip)
    x = layers.Add(name="skips")(skips)
    x = layers.Activation("relu", name="relu")(x)
    x = layers.Conv1D(filters, 1, activation="relu", name="post")(x)
    outputs = layers.Conv1D(1, 1, name="head")(x)
    return keras.Model(inputs, outputs, name="wavenet")


def main():
    steps = np.arange(400, dtype="float32")
    series = (np.sin(steps * 0.2) + 0.5 * np.sin(steps * 0.05)).astype("float32")
    windows = np.stack([series[k:k + 33] for k in range(0, 360, 4)])
    x, y = windows[:, :-1, None], windows[:, 1:, None]
    print("windows", x.shape, y.shape)

    model = build()
    init = np.random.default_rng(11)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])
    print("params", model.count_params(), "layers", len(model.layers))
    print("receptive field", 1 + sum(model.get_layer(f"filter_{k}").dilation_rate[0] for k in range(4)) + 1)
    print("dilations", [model.get_layer(f"gate_{k}").dilation_rate for k in range(4)])

    probe = np.zeros((1, 32, 1), "float32")
    base = model.predict(probe, verbose=0)
    probe[0, 20, 0] = 1.0
    moved = model.predict(probe, verbose=0)
    changed = np.nonzero(np.abs(moved - base)[0, :, 0] > 1e-7)[0]
    print("causal: first changed step", int(changed.min()), "count", len(changed))

    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = model.fit(x[:72], y[:72], batch_size=12, epochs=4, shuffle=False, verbose=0,
                        validation_data=(x[72:], y[72:]))
    print("loss", r(history.history["loss"]))
    print("val_mae", r(history.history["val_mae"]))

    context = series[300:332].copy()
    rollout = []
    for _ in range(5):
        step = model.predict(context[None, :, None], verbose=0)[0, -1, 0]
        rollout.append(step)
        context = np.append(context[1:], step).astype("float32")
    print("rollout", r(rollout))
    print("truth", r(series[332:337]))

    variable = build(length=None)
    variable.set_weights(model.get_weights())
    short = variable.predict(series[None, :16, None], verbose=0)
    print("prefix agrees", bool(np.allclose(short[0], model.predict(series[None, :32, None], verbose=0)[0, :16],
                                            atol=1e-5)))

    signal = np.arange(20, dtype="float32").reshape(1, 10, 2)
    for padding, strides, dilation in (("causal", 1, 3), ("same", 2, 1), ("valid", 3, 1), ("valid", 1, 2)):
        conv = layers.Conv1D(2, 3, padding=padding, strides=strides, dilation_rate=dilation,
                             kernel_initializer="ones", bias_initializer="zeros")
        out = conv(signal)
        print(padding, strides, dilation, tuple(out.shape), conv.compute_output_shape((None, 10, 2)),
              r(ops.convert_to_numpy(out)[0, :, 0]))


if __name__ == "__main__":
    main()
