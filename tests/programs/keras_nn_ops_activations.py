"""A Keras program, written for Keras 3: the keras.ops.nn functions a custom layer author reaches for — gelu
(exact and tanh-approximate), glu, sparse_plus, squareplus, celu, hard_shrink / soft_shrink /
tanh_shrink, threshold, log_sigmoid, log_softmax over an axis, one_hot and multi_hot, moments (keepdims),
batch_normalization, rms_normalization, layer_normalization, psnr, dot_product_attention (mask, causal, bias,
scale), sparse_categorical_crossentropy from logits — and the matching activation layers (PReLU, ELU, ReLU with
max_value / negative_slope / threshold, Softmax with a mask), inside a small model that is trained. Real Keras and
deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def show(name, value, digits=5):
    value = np.asarray(keras.ops.convert_to_numpy(value), "float64")
    print(name, value.shape, np.round(value.ravel()[:6], digits).tolist(), round(float(value.sum()), 4))


def main():
    rng = np.random.default_rng(21)
    x = (rng.standard_normal((3, 8)) * 2).astype("float32")
    show("gelu", ops.nn.gelu(x))
    show("gelu tanh", ops.nn.gelu(x, approximate=True))
    show("glu", ops.nn.glu(x))
    show("glu axis0", ops.nn.glu(x[:2], axis=0))
    show("sparse_plus", ops.nn.sparse_plus(x))
    show("squareplus", ops.nn.squareplus(x, b=2))
    show("celu", ops.nn.celu(x, alpha=0.5))
    show("hard_shrink", ops.nn.hard_shrink(x, threshold=1.0))
    show("soft_shrink", ops.nn.soft_shrink(x, threshold=0.8))
    show("tanh_shrink", ops.nn.tanh_shrink(x))
    show("threshold", ops.nn.threshold(x, 0.5, -1.0))
    show("log_sigmoid", ops.nn.log_sigmoid(x))
    show("log_softmax", ops.nn.log_softmax(x, axis=0))
    show("hard_swish", ops.nn.hard_swish(x))
    show("selu", ops.nn.selu(x))
    labels = np.array([2, 0, 5])
    show("one_hot", ops.nn.one_hot(labels, 6))
    show("one_hot axis0", ops.nn.one_hot(labels, 6, axis=0, dtype="int32"))
    show("multi_hot", ops.nn.multi_hot(np.array([[1, 3], [0, 0], [2, 5]]), 6))
    mean, var = ops.nn.moments(x, axes=[1], keepdims=True)
    show("moments mean", mean)
    show("moments var", var)
    show("batch_normalization", ops.nn.batch_normalization(x, ops.squeeze(mean), ops.squeeze(var), axis=0,
                                                            offset=np.ones(3, "float32"), scale=None, epsilon=1e-3))
    show("rms_normalization", ops.nn.rms_normalization(x, scale=np.linspace(0.5, 1.5, 8).astype("float32")))
    show("layer_normalization", ops.nn.layer_normalization(x, gamma=np.full(8, 2.0, "float32"),
                                                            beta=np.full(8, 0.1, "float32"), epsilon=1e-5))
    noisy = x + rng.standard_normal(x.shape).astype("float32") * 0.1
    show("psnr", ops.nn.psnr(x, noisy, max_val=8.0))
    logits = rng.standard_normal((3, 6)).astype("float32")
    show("sparse ce", ops.nn.sparse_categorical_crossentropy(labels, logits, from_logits=True))
    show("ce", ops.nn.categorical_crossentropy(ops.nn.one_hot(labels, 6), ops.nn.softmax(logits)))

    q = rng.standard_normal((2, 5, 2, 4)).astype("float32")
    k = rng.standard_normal((2, 5, 2, 4)).astype("float32")
    v = rng.standard_normal((2, 5, 2, 4)).astype("float32")
    show("attention", ops.nn.dot_product_attention(q, k, v))
    show("attention causal", ops.nn.dot_product_attention(q, k, v, is_causal=True))
    mask = np.tril(np.ones((5, 5), bool))[None, None] | np.eye(5, dtype=bool)[::-1][None, None]
    show("attention mask", ops.nn.dot_product_attention(q, k, v, mask=mask, scale=0.3))
    bias = rng.standard_normal((1, 2, 5, 5)).astype("float32")
    show("attention bias", ops.nn.dot_product_attention(q, k, v, bias=bias))

    for layer in (layers.PReLU(alpha_initializer=keras.initializers.Constant(0.2)), layers.ELU(alpha=0.7),
                  layers.ReLU(max_value=2.0, negative_slope=0.1, threshold=0.5), layers.LeakyReLU(negative_slope=0.2),
                  layers.Activation("hard_silu"), layers.Activation("mish"), layers.Activation("softsign"),
                  layers.Activation("relu6"), layers.Activation("log_softmax")):
        show(layer.__class__.__name__.lower(), layer(x))
    softmax = layers.Softmax(axis=-1)
    show("masked softmax", softmax(x, mask=x > -1.0))

    data = rng.standard_normal((64, 8)).astype("float32")
    target = (np.abs(data[:, 0]) + data[:, 1] > 0.8).astype("int32")
    inputs = keras.Input((8,))
    h = layers.Dense(12)(inputs)
    h = layers.PReLU(shared_axes=None)(h)
    h = layers.Dense(12, activation="gelu")(h)
    h = layers.Lambda(lambda t: ops.nn.glu(t))(h)
    h = layers.Dense(8, activation="celu")(h)
    outputs = layers.Dense(2)(h)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(4)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(data, target, epochs=4, batch_size=16, shuffle=False, verbose=0)
    print("loss", np.round(history.history["loss"], 5).tolist())
    print("accuracy", np.round(history.history["accuracy"], 5).tolist())
    print("prelu alpha", np.round(model.layers[2].get_weights()[0][:4], 5).tolist())
