"""A Keras program, written for Keras 3: a question-answer matching model built from Keras's attention layers,
as users combine them: Embedding(mask_zero=True) whose masks flow into layers.Attention (dot-product with
use_scale and score_mode="concat"), layers.AdditiveAttention, and MultiHeadAttention with an explicit
attention_mask and return_attention_scores; a causal self-attention (use_causal_mask); the model trained with
train_on_batch / test_on_batch / predict_on_batch (return_dict) and then fit, with attention weights and
masked outputs printed. The weights start from the same NumPy arrays, so real Keras and deepgrad print the
same numbers."""
import numpy as np

import keras
from keras import layers, ops

VOCAB, LEN_Q, LEN_D, DIM = 15, 5, 7, 8


def build():
    query_ids = keras.Input((LEN_Q,), dtype="int32", name="query")
    doc_ids = keras.Input((LEN_D,), dtype="int32", name="doc")
    embed = layers.Embedding(VOCAB, DIM, mask_zero=True, name="embed")
    q, d = embed(query_ids), embed(doc_ids)
    dot = layers.Attention(use_scale=True, name="dot_attention")([q, d])
    concat = layers.Attention(score_mode="concat", name="concat_attention")([q, d, d])
    additive = layers.AdditiveAttention(name="additive_attention")([q, d])
    merged = layers.Concatenate(name="merge")([dot, concat, additive])
    self_att = layers.MultiHeadAttention(num_heads=2, key_dim=4, name="self_mha")(merged, merged, use_causal_mask=True)
    pooled = layers.GlobalAveragePooling1D(name="pool")(self_att)
    out = layers.Dense(1, activation="sigmoid", name="score")(pooled)
    model = keras.Model([query_ids, doc_ids], out, name="matcher")
    init = np.random.default_rng(6)
    model.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(29)
    n = 40
    queries = rng.integers(1, VOCAB, size=(n, LEN_Q))
    docs = rng.integers(1, VOCAB, size=(n, LEN_D))
    for k in range(n):
        queries[k, rng.integers(2, LEN_Q + 1):] = 0
        docs[k, rng.integers(3, LEN_D + 1):] = 0
    labels = np.array([len(set(q[q > 0]) & set(d[d > 0])) > 1 for q, d in zip(queries, docs)], "float32")
    print("labels", labels[:12].tolist(), float(labels.mean()))

    model = build()
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    for step in range(3):
        logs = model.train_on_batch([queries[:16], docs[:16]], labels[:16], return_dict=True)
        print("train_on_batch", step, {k: "%.5f" % v for k, v in sorted(logs.items())})
    print("test_on_batch", ["%.5f" % v for v in model.test_on_batch([queries[16:], docs[16:]], labels[16:])])
    print("predict_on_batch", np.round(model.predict_on_batch([queries[:4], docs[:4]]).ravel(), 5).tolist())
    history = model.fit({"query": queries, "doc": docs}, labels, epochs=3, batch_size=10, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])

    embed = model.get_layer("embed")
    q, d = embed(queries[:2]), embed(docs[:2])
    q_mask, d_mask = embed.compute_mask(queries[:2]), embed.compute_mask(docs[:2])
    out, scores = model.get_layer("dot_attention")([q, d], mask=[q_mask, d_mask], return_attention_scores=True)
    print("dot scores", np.round(ops.convert_to_numpy(scores[0]), 5).tolist())
    print("dot out", np.round(ops.convert_to_numpy(out[1]), 5).tolist())
    additive = model.get_layer("additive_attention")
    out = additive([q, d], mask=[q_mask, d_mask])
    print("additive", np.round(ops.convert_to_numpy(out[0, :2]), 5).tolist(), [tuple(w.shape) for w in additive.weights])

    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, output_shape=5, name="cross_mha")
    x = ops.convert_to_tensor(rng.standard_normal((2, 4, 6)).astype("float32"))
    y = ops.convert_to_tensor(rng.standard_normal((2, 3, 6)).astype("float32"))
    mha(x, y)
    init = np.random.default_rng(2)
    mha.set_weights([init.uniform(-0.5, 0.5, size=w.shape).astype("float32") for w in mha.get_weights()])
    attention_mask = np.array([[[1, 1, 0]] * 4, [[1, 0, 0]] * 4], bool)
    out, weights = mha(x, y, attention_mask=attention_mask, return_attention_scores=True)
    print("mha", tuple(out.shape), tuple(weights.shape), [tuple(w.shape) for w in mha.weights])
    print("mha weights", np.round(ops.convert_to_numpy(weights[1, 0]), 5).tolist())
    print("mha out", np.round(ops.convert_to_numpy(out[0, 0]), 5).tolist())
    causal = layers.MultiHeadAttention(num_heads=1, key_dim=2, name="causal")
    _, causal_scores = causal(x, x, use_causal_mask=True, return_attention_scores=True)
    print("causal zeros", int((ops.convert_to_numpy(causal_scores) == 0).sum()), tuple(causal_scores.shape))
    print("evaluate", ["%.5f" % v for v in model.evaluate([queries, docs], labels, batch_size=16, verbose=0)])


if __name__ == "__main__":
    main()
