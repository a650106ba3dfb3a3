"""A Keras program, written for Keras 3: attention layers with masks in a small sequence model — token ids
embedded with mask_zero=True so padding travels as a Keras mask, a GroupQueryAttention block with
use_causal_mask, a sliding window and a gate, returning its scores; dot-product Attention with use_scale and
score_mode="concat" given explicit query and value masks; AdditiveAttention over the same masks; a
MultiHeadAttention over two axes (attention_axes=(1, 2)) on a 2-D grid; all weights from Keras's seeded
initializers after keras.utils.set_random_seed; the classifier trained with fit and sample weights, evaluated,
and its attention scores printed for one padded sequence."""
import numpy as np

import keras
from keras import layers, ops


def r(t, d=4):
    return np.round(ops.convert_to_numpy(t), d).tolist()


def main():
    rng = np.random.default_rng(31)
    tokens = rng.integers(1, 9, size=(32, 6))
    for i, n in enumerate(rng.integers(3, 7, size=32)):
        tokens[i, n:] = 0
    label = ((tokens == 3).sum(1) > 0).astype("float32")
    weight = np.where(label > 0, 1.5, 1.0).astype("float32")
    print("positives", int(label.sum()), "padding", int((tokens == 0).sum()))

    keras.utils.set_random_seed(42)
    inputs = keras.Input((6,), dtype="int32", name="tokens")
    embedded = layers.Embedding(9, 8, mask_zero=True, name="embed")(inputs)
    gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, sliding_window=2,
                                     use_gate=True, name="gqa")
    attended, gqa_scores = gqa(embedded, embedded, use_causal_mask=True, return_attention_scores=True)
    mixed = layers.Add(name="residual")([embedded, attended])
    dot = layers.Attention(use_scale=True, score_mode="concat", name="dot")(
        [mixed, embedded], return_attention_scores=False)
    additive = layers.AdditiveAttention(name="additive")([mixed, embedded])
    pooled = layers.GlobalAveragePooling1D(name="pool")(layers.Concatenate(name="both")([dot, additive]))
    outputs = layers.Dense(1, activation="sigmoid", name="out")(pooled)
    model = keras.Model(inputs, outputs, name="masked_attention")
    scorer = keras.Model(inputs, gqa_scores, name="scorer")
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights[:9]])
    print("gqa config", {k: gqa.get_config()[k] for k in ("head_dim", "num_query_heads", "num_key_value_heads",
                                                           "sliding_window", "use_gate")})
    print("scale", r(model.get_layer("dot").scale), "concat weight", r(model.get_layer("dot").concat_score_weight))
    print("initial embed", r(model.get_layer("embed").embeddings[1]))
    print("initial out", r(model(tokens[:3])[:, 0]))
    print("gqa scores", scorer.output_shape, r(scorer(tokens[1:2])[0, 0], 3))

    query = rng.normal(size=(2, 3, 4)).astype("float32")
    value = rng.normal(size=(2, 5, 4)).astype("float32")
    q_mask = np.array([[True, True, False], [True, True, True]])
    v_mask = np.array([[True, True, True, False, False], [True, False, True, True, True]])
    direct = layers.Attention(use_scale=True, score_mode="concat", name="direct")
    out, scores = direct([query, value], mask=[q_mask, v_mask], return_attention_scores=True)
    print("direct out", r(out[0]))
    print("direct scores", r(scores[1]))
    add_out = layers.AdditiveAttention(use_scale=False, name="add_direct")([query, value], mask=[None, v_mask])
    print("additive no scale", r(add_out[0, 0]))

    grid = rng.normal(size=(2, 3, 4, 5)).astype("float32")
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2), name="grid_mha")
    grid_out, grid_scores = mha(grid, grid, return_attention_scores=True)
    print("grid", tuple(grid_out.shape), tuple(grid_scores.shape), r(ops.sum(grid_out, axis=(1, 2))[0], 3))

    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=[keras.metrics.AUC(name="auc", num_thresholds=50), "accuracy"])
    history = model.fit(tokens, label, sample_weight=weight, batch_size=8, epochs=3, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    print("evaluate", ["%.5f" % v for v in model.evaluate(tokens, label, verbose=0)])
    print("predict", r(model.predict(tokens[:4], verbose=0)[:, 0]))
    print("trained gqa scores", r(scorer(tokens[1:2])[0, 1], 3))


if __name__ == "__main__":
    main()
