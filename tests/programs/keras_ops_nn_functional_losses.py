"""A Keras program, written for Keras 3: the functional side of keras.ops.nn used to write a model's pieces by
hand: the crossentropies as ops (sparse, categorical, binary, from logits and from probabilities, over another
axis), glu, hard_shrink, soft_shrink, sparse_plus, squareplus, celu, threshold, log_sigmoid, sparse_sigmoid,
layer_normalization and rms_normalization with and without scale, batch_normalization with offset and scale,
dot_product_attention with a mask, a bias, a scale and is_causal, erfinv and psnr; then a layer built from
these ops trains with fit. The inputs and weights are fixed NumPy arrays, so real Keras and deepgrad print the
same numbers."""
import numpy as np

import keras
from keras import layers, ops


def fmt(a, digits=5):
    return np.round(ops.convert_to_numpy(a).astype("float64"), digits).tolist()


class HandNorm(layers.Layer):
    def build(self, shape):
        self.gamma = self.add_weight(shape=(shape[-1],), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(shape[-1],), initializer="zeros", name="beta")

    def call(self, x):
        x = ops.layer_normalization(x, gamma=self.gamma, beta=self.beta, epsilon=1e-5)
        return ops.glu(ops.concatenate([x, x * 0.5], axis=-1))


def main():
    rng = np.random.default_rng(41)
    logits = rng.normal(size=(4, 3)).astype("float32")
    labels = np.array([0, 2, 1, 2], "int32")
    onehot = np.eye(3, dtype="float32")[labels]
    probs = ops.softmax(logits)
    print("sparse ce logits", fmt(ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)))
    print("sparse ce probs", fmt(ops.sparse_categorical_crossentropy(labels, probs)))
    print("categorical ce", fmt(ops.categorical_crossentropy(onehot, logits, from_logits=True)))
    print("categorical ce axis 0", fmt(ops.categorical_crossentropy(onehot.T, ops.transpose(probs), axis=0)))
    bin_target = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]], "float32")
    print("binary ce", fmt(ops.binary_crossentropy(bin_target, logits[:2], from_logits=True)))
    print("binary ce probs", fmt(ops.binary_crossentropy(bin_target, ops.sigmoid(logits[:2]))))

    x = np.linspace(-2.0, 2.0, 9).astype("float32")
    print("glu", fmt(ops.glu(np.stack([x, -x], axis=0), axis=0)))
    print("hard_shrink", fmt(ops.hard_shrink(x, threshold=0.7)))
    print("soft_shrink", fmt(ops.soft_shrink(x, threshold=0.7)))
    print("sparse_plus", fmt(ops.sparse_plus(x)))
    print("squareplus", fmt(ops.squareplus(x, b=2)))
    print("celu", fmt(ops.celu(x, alpha=0.5)))
    print("threshold", fmt(ops.threshold(x, 0.4, -9.0)))
    print("log_sigmoid", fmt(ops.log_sigmoid(x)))
    print("sparse_sigmoid", fmt(ops.sparse_sigmoid(x)))

    feats = rng.normal(size=(2, 5)).astype("float32")
    scale = np.array([1.0, 2.0, 0.5, 1.0, -1.0], "float32")
    print("layer_norm", fmt(ops.layer_normalization(feats), 4))
    print("layer_norm gamma beta", fmt(ops.layer_normalization(feats, gamma=scale, beta=scale * 0.1, epsilon=1e-3), 4))
    print("rms_norm", fmt(ops.rms_normalization(feats), 4), fmt(ops.rms_normalization(feats, scale=scale,
                                                                                    epsilon=0.1), 4))
    mean, var = ops.moments(feats, axes=[0])
    print("batch_norm", fmt(ops.batch_normalization(feats, mean, var, axis=-1, offset=scale, scale=scale * 2), 4))

    q = rng.normal(size=(1, 4, 2, 3)).astype("float32")
    k = rng.normal(size=(1, 4, 2, 3)).astype("float32")
    v = rng.normal(size=(1, 4, 2, 3)).astype("float32")
    mask = np.array([[[[True, True, False, False]] * 4] * 2])
    bias = np.linspace(-1, 1, 16).reshape(1, 1, 4, 4).astype("float32")
    print("dpa plain", fmt(ops.dot_product_attention(q, k, v)[0, 0], 4))
    print("dpa mask", fmt(ops.dot_product_attention(q, k, v, mask=mask)[0, 3], 4))
    print("dpa bias scale", fmt(ops.dot_product_attention(q, k, v, bias=bias, scale=0.3)[0, 1], 4))
    print("dpa causal", fmt(ops.dot_product_attention(q, k, v, is_causal=True)[0, :2, 0], 4))
    print("erfinv", fmt(ops.erfinv(np.array([-0.9, -0.3, 0.0, 0.5, 0.99], "float32")), 4))
    image = np.linspace(0, 1, 12).reshape(1, 2, 2, 3).astype("float32")
    print("psnr", fmt(ops.psnr(image, image * 0.9, max_val=1.0), 4))

    inputs = keras.Input((5,))
    hidden = HandNorm(name="hand")(inputs)
    model = keras.Model(inputs, layers.Dense(1, kernel_initializer="ones")(hidden))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    target = feats.sum(axis=1, keepdims=True)
    history = model.fit(np.tile(feats, (4, 1)), np.tile(target, (4, 1)), batch_size=4, epochs=3, shuffle=False,
                        verbose=0)
    print("hand loss", ["%.5f" % v for v in history.history["loss"]])
    print("hand gamma", fmt(model.get_layer("hand").gamma, 4))


if __name__ == "__main__":
    main()
