"""A Keras program, written for Keras 3: a small sequence model whose layers lean on keras.ops directly: a
gradient-reversal layer and a gradient-clipping identity written with keras.ops.custom_gradient (torch-backend
signature, upstream as a keyword), stop_gradient in a target branch, einsum in several forms (batched matmul,
outer product, trace, transpose, ellipsis), and a GroupQueryAttention block with fewer key/value heads than
query heads, a causal mask and its scores; trained with fit, printing how far each weight moved (which the custom
gradients decide). The weights start from the same NumPy arrays, so real
Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def set_weights(model, seed, scale=0.3):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def fmt(a, digits=5):
    return np.round(ops.convert_to_numpy(a).astype("float64"), digits).tolist()


@ops.custom_gradient
def reverse_gradient(x):
    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return -0.5 * upstream
    return x, grad


@ops.custom_gradient
def clip_gradient(x):
    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return ops.clip(upstream, -0.01, 0.01)
    return x, grad


class Reverse(layers.Layer):
    def call(self, x):
        return reverse_gradient(x)


class Clip(layers.Layer):
    def call(self, x):
        return clip_gradient(x)


class Bilinear(layers.Layer):
    def build(self, shape):
        self.w = self.add_weight(shape=(shape[-1], shape[-1]), initializer="identity", name="w")

    def call(self, x):
        return ops.einsum("btd,de,bse->bts", x, self.w, x)


def main():
    rng = np.random.default_rng(17)
    a = rng.normal(size=(2, 3, 4)).astype("float32")
    b = rng.normal(size=(2, 4, 5)).astype("float32")
    print("einsum bmm", fmt(ops.einsum("bij,bjk->bik", a, b)[1, 0]))
    print("einsum outer", fmt(ops.einsum("i,j->ij", a[0, 0], a[0, 1])[1]))
    print("einsum trace", fmt(ops.einsum("ii->", a[0, :3, :3])), fmt(ops.einsum("bii->b", a[:, :3, :3])))
    print("einsum transpose sum", fmt(ops.einsum("bij->ji", a)[0]))
    print("einsum ellipsis", fmt(ops.einsum("...j,jk->...k", a, b[0])[1, 2]))

    x = keras.Variable(np.array([1.0, -2.0, 3.0], "float32"))
    rev = ops.convert_to_numpy(reverse_gradient(x.value))
    print("forward identity", rev.tolist())

    tokens = rng.normal(size=(16, 6, 8)).astype("float32")
    target = tokens.mean(axis=(1, 2))[:, None].astype("float32")
    inputs = keras.Input((6, 8), name="seq")
    gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, name="gqa")
    attended, scores = gqa(inputs, inputs, use_causal_mask=True, return_attention_scores=True)
    print("gqa shapes", tuple(attended.shape), tuple(scores.shape))
    hidden = layers.LayerNormalization(name="norm")(layers.Add()([inputs, attended]))
    pair = Bilinear(name="bilinear")(hidden)
    reversed_branch = Reverse(name="reverse")(layers.GlobalAveragePooling1D()(hidden))
    clipped = Clip(name="clip")(layers.Flatten()(pair))
    merged = layers.Concatenate()([reversed_branch, clipped])
    output = layers.Dense(1, name="out")(merged)
    model = keras.Model(inputs, output)
    set_weights(model, 6)
    print("gqa weights", [(w.path, tuple(w.shape)) for w in gqa.weights])
    probe = keras.Model(inputs, scores)
    got = probe.predict(tokens[:1], verbose=0)
    print("gqa causal", fmt(np.triu(got[0, 0], 1).sum()), fmt(got[0, 3, 2, :3], 4))
    print("gqa row sums", fmt(got.sum(axis=-1)[0, :, -1]))

    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(tokens, target, batch_size=8, epochs=2, shuffle=False, verbose=0)
    print("loss", ["%.5f" % v for v in history.history["loss"]])
    moved = {w.path: float(np.abs(ops.convert_to_numpy(w) - old).max())
             for w, old in zip(model.weights, before)}
    print("moved", {k: "%.6f" % v for k, v in sorted(moved.items()) if k.startswith(("bilinear", "norm", "gqa/query"))})
    print("predict", fmt(model.predict(tokens[:3], verbose=0)[:, 0]))

    stopped = keras.Sequential([keras.Input((8,)), layers.Dense(2, name="d"),
                                layers.Lambda(lambda t: t + ops.stop_gradient(ops.square(t)), name="stop")])
    set_weights(stopped, 7)
    stopped.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    kernel_before = stopped.get_layer("d").kernel.numpy().copy()
    stopped.fit(tokens[:, 0], np.zeros((16, 2), "float32"), batch_size=16, epochs=1, verbose=0)
    print("stop_gradient step", fmt((stopped.get_layer("d").kernel.numpy() - kernel_before)[:2]))
    print("config", gqa.get_config()["num_key_value_heads"], gqa.get_config()["head_dim"])


if __name__ == "__main__":
    main()
