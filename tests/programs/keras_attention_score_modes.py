"""A Keras program, written for Keras 3: the dot-product attention layers in detail — keras.layers.Attention
with use_scale and score_mode "dot" and "concat", query / value / key inputs, value masks and query masks,
use_causal_mask, return_attention_scores, dropout at inference, AdditiveAttention with and without use_scale,
their weights and configs, and a small attention-pooling classifier trained with fit; weights from NumPy."""
import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(keras.ops.convert_to_numpy(values), "float64"), digits).tolist()


def main():
    rng = np.random.default_rng(31)
    q = rng.normal(size=(2, 3, 4)).astype("float32")
    v = rng.normal(size=(2, 5, 4)).astype("float32")
    k = rng.normal(size=(2, 5, 4)).astype("float32")
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)
    q_mask = np.array([[1, 1, 0], [1, 0, 1]], bool)

    for mode in ("dot", "concat"):
        for scale in (False, True):
            att = layers.Attention(use_scale=scale, score_mode=mode)
            out, scores = att([q, v, k], return_attention_scores=True)
            if att.weights:
                att.set_weights([np.full(w.shape, 0.7, "float32") for w in att.weights])
                out, scores = att([q, v, k], return_attention_scores=True)
            print("attention", mode, scale, [w.name for w in att.weights], r(out[0, 0]), r(scores[1, 2]))

    att = layers.Attention(score_mode="concat")
    out, scores = att([q, v], mask=[q_mask, v_mask], return_attention_scores=True)
    print("masked scores", r(scores[0, 0]), "masked query row", r(out[0, 2]))
    causal = layers.Attention()
    out, scores = causal([v, v], use_causal_mask=True, return_attention_scores=True)
    print("causal scores", r(scores[0, 2]), r(scores[1, 4, :2]))
    out = causal([v, v], use_causal_mask=True, mask=[v_mask, v_mask])
    print("causal with masks", r(out[0, 4]))
    dropped = layers.Attention(dropout=0.5)
    print("dropout inference", r(dropped([q, v], training=False)[1, 1]))

    for scale in (True, False):
        add = layers.AdditiveAttention(use_scale=scale)
        out, scores = add([q, v, k], return_attention_scores=True)
        if add.weights:
            add.set_weights([np.linspace(-1, 1, 4).astype("float32")])
            out, scores = add([q, v, k], return_attention_scores=True)
        print("additive", scale, [tuple(w.shape) for w in add.weights], r(out[1, 0]), r(scores[0, 1]))
    add = layers.AdditiveAttention()
    add([q, v])
    add.set_weights([np.array([0.5, -0.5, 1.0, 0.2], "float32")])
    print("additive masked", r(add([q, v], mask=[None, v_mask])[0, 1]))
    print("configs", sorted(layers.Attention(score_mode="concat").get_config().items())[:4],
          layers.AdditiveAttention(use_scale=False).get_config()["use_scale"])

    tokens = keras.Input((6, 4))
    query = layers.Dense(4, name="query")(layers.GlobalAveragePooling1D()(tokens))
    query = layers.Reshape((1, 4))(query)
    pooled = layers.Attention(use_scale=True, name="pool")([query, tokens])
    outputs = layers.Dense(1, activation="sigmoid", name="head")(layers.Flatten()(pooled))
    model = keras.Model(tokens, outputs)
    model.get_layer("query").set_weights([np.eye(4, dtype="float32") * 0.5, np.zeros(4, "float32")])
    model.get_layer("head").set_weights([np.array([[0.3], [-0.2], [0.1], [0.4]], "float32"),
                                         np.zeros(1, "float32")])
    x = rng.normal(size=(24, 6, 4)).astype("float32")
    y = (x[:, :, 0].max(axis=1) > 1.0).astype("float32")
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=6, epochs=3, shuffle=False, verbose=0)
    print("fit", r(history.history["loss"]), r(history.history["accuracy"]))
    print("scale after fit", r(model.get_layer("pool").scale))


if __name__ == "__main__":
    main()
