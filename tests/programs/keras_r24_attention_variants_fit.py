"""A Keras program, written for Keras 3: three attention layers trained with `fit` in one functional sequence
classifier — Attention(score_mode="concat", use_scale=True) with a causal mask and return_attention_scores,
AdditiveAttention(use_scale=False) with query and value masks, and GroupQueryAttention (4 query heads sharing 2
key/value heads) with an attention mask built from the padding; an Embedding(mask_zero=True) feeds them, and a
masked GlobalAveragePooling1D pools. The layers' weights and scores are printed before training, then per-epoch
losses with validation_data, evaluate, predict, and the scores again after training. Weights are set from NumPy,
so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=5):
    return np.round(ops.convert_to_numpy(value).astype("float64"), digits).tolist()


def main():
    rng = np.random.default_rng(2402)
    init = np.random.default_rng(7)
    tokens = rng.integers(1, 20, size=(40, 7))
    for i, length in enumerate(rng.integers(3, 8, size=40)):
        tokens[i, length:] = 0
    labels = (((tokens % 3 == 0) & (tokens > 0)).sum(axis=1) > 1).astype("float32")

    inp = keras.Input((7,), dtype="int32", name="tokens")
    emb = layers.Embedding(20, 8, mask_zero=True, name="emb")(inp)
    concat = layers.Attention(score_mode="concat", use_scale=True, name="concat_att")
    att, scores = concat([emb, emb], use_causal_mask=True, return_attention_scores=True)
    add = layers.AdditiveAttention(use_scale=False, name="additive")([att, emb])
    pad = ops.cast(ops.not_equal(inp, 0), "bool")
    gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, name="gqa")
    grouped = gqa(add, add, attention_mask=ops.logical_and(pad[:, :, None], pad[:, None, :]))
    pooled = layers.GlobalAveragePooling1D(name="pool")(grouped)
    out = layers.Dense(1, activation="sigmoid", name="out")(pooled)
    model = keras.Model(inp, out, name="attention_classifier")
    probe = keras.Model(inp, scores, name="scores")

    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") if w.ndim else
                       np.array(0.7, "float32") for w in model.get_weights()])
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights])
    print("concat scale", r(concat.scale), "concat_score_weight", r(concat.concat_score_weight))
    s = probe.predict(tokens[:2], verbose=0)
    print("scores shape", s.shape, "row sums", r(s.sum(axis=-1)))
    print("scores first", r(s[0, :3, :3]))
    print("upper triangle zero", bool(np.all(np.triu(s[0], 1) == 0)))

    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
                  metrics=["accuracy", keras.metrics.AUC(name="auc")])
    history = model.fit(tokens[:32], labels[:32], batch_size=8, epochs=4, verbose=0, shuffle=False,
                        validation_data=(tokens[32:], labels[32:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(tokens, labels, verbose=0)))
    print("predict", r(model.predict(tokens[:5], verbose=0).ravel()))
    print("scale after", r(concat.scale), "score weight after", r(concat.concat_score_weight))
    s = probe.predict(tokens[:2], verbose=0)
    print("scores after", r(s[1, 2, :4]))
    print("gqa weights", [tuple(w.shape) for w in gqa.weights])
    print("configs", {k: concat.get_config()[k] for k in ("score_mode", "use_scale", "dropout")},
          {k: gqa.get_config()[k] for k in ("head_dim", "num_query_heads", "num_key_value_heads")})


if __name__ == "__main__":
    main()
