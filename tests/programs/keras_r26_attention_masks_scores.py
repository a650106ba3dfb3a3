"""A Keras program, written for Keras 3: attention layers with masks and scores. `MultiHeadAttention` with
`attention_axes=(1, 2)` on a grid, an explicit `attention_mask`, `use_causal_mask=True`, `return_attention_scores`
and masks carried by `Embedding(mask_zero=True)`; `GroupQueryAttention` with `attention_mask`, a causal mask and
its scores; `Attention(score_mode="concat", use_scale=True)` and `AdditiveAttention` with `query_mask`/`value_mask`
and `return_attention_scores`; then a masked encoder built from them trained by `fit` and evaluated."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def fill(layer, seed, scale=0.4):
    init = np.random.default_rng(seed)
    layer.set_weights([init.uniform(-scale, scale, w.shape).astype("float32") for w in layer.get_weights()])


def main():
    keras.utils.set_random_seed(2608)
    rng = np.random.default_rng(2608)
    query = rng.normal(size=(2, 4, 6)).astype("float32")
    value = rng.normal(size=(2, 5, 6)).astype("float32")
    mask = np.ones((2, 4, 5), bool)
    mask[0, :, 3:] = False
    mask[1, 2:, 0] = False

    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=2, output_shape=5)
    mha(query, value)
    fill(mha, 1)
    out, scores = mha(query, value, attention_mask=mask, return_attention_scores=True)
    print("mha", tuple(out.shape), tuple(scores.shape), r(out[0, 0]), r(scores[0, 1, 0]), r(scores[1, 0, 3]))
    out, scores = mha(query, query, use_causal_mask=True, return_attention_scores=True)
    print("mha causal", r(scores[0, 0, 2]), r(out[1, -1]))
    out = mha(query, query, attention_mask=mask[:, :, :4], use_causal_mask=True)
    print("mha causal and mask", r(out[0, 3]))

    grid = rng.normal(size=(2, 3, 4, 6)).astype("float32")
    axes = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))
    axes(grid, grid)
    fill(axes, 2)
    out, scores = axes(grid, grid, return_attention_scores=True)
    print("mha axes", tuple(out.shape), tuple(scores.shape), r(out[0, 1, 2]), r(scores[1, 0, 2, 3, 0]))
    grid_mask = np.ones((2, 3, 4, 3, 4), bool)
    grid_mask[..., 2, :] = False
    out = axes(grid, grid, attention_mask=grid_mask)
    print("mha axes masked", r(out[1, 2, 3]))

    gqa = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    gqa(query, value)
    fill(gqa, 3)
    out, scores = gqa(query, value, attention_mask=mask, return_attention_scores=True)
    print("gqa", tuple(out.shape), tuple(scores.shape), r(out[0, 1]), r(scores[0, 3, 1]))
    out = gqa(query, query, use_causal_mask=True)
    print("gqa causal", r(out[1, 0]), r(out[0, 3]))

    query_mask = np.array([[True, True, True, False], [True, True, False, False]])
    value_mask = np.array([[True, True, False, False, False], [True, True, True, True, False]])
    concat = layers.Attention(score_mode="concat", use_scale=True)
    concat([query, value])
    concat.set_weights([np.array(0.7, "float32"), np.array(1.3, "float32")][:len(concat.weights)])
    out, scores = concat([query, value], mask=[query_mask, value_mask], return_attention_scores=True)
    print("concat", [w.name for w in concat.weights], r(out[0, 0]), r(scores[1, 1]), r(out[0, 3]))
    out = concat([query, value, value * 0.5], use_causal_mask=False, mask=[None, value_mask])
    print("concat key value", r(out[1, 2]))
    additive = layers.AdditiveAttention(use_scale=True)
    additive([query, value])
    additive.set_weights([np.linspace(0.5, 1.5, 6).astype("float32")])
    out, scores = additive([query, value], mask=[query_mask, value_mask], return_attention_scores=True)
    print("additive", r(out[1, 1]), r(scores[0, 2]))
    out = layers.Attention(use_scale=False)([query, query], use_causal_mask=True)
    print("dot causal", r(out[0, 1]))

    tokens = rng.integers(1, 12, size=(48, 7))
    lengths = rng.integers(3, 8, size=48)
    for n, length in enumerate(lengths):
        tokens[n, length:] = 0
    labels = ((tokens == 3).sum(axis=1) + (tokens == 5).sum(axis=1) > 0).astype("int32")
    inputs = keras.Input((7,), dtype="int32")
    embedded = layers.Embedding(12, 6, mask_zero=True, name="embed")(inputs)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="mha")(embedded, embedded)
    grouped = layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=1, name="gqa")(
        attended, attended)
    joined = layers.AdditiveAttention(name="additive")([grouped, embedded])
    pooled = layers.GlobalAveragePooling1D(name="pool")(joined)
    outputs = layers.Dense(1, activation="sigmoid", name="out")(pooled)
    model = keras.Model(inputs, outputs, name="masked_attention")
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(tokens[:40], labels[:40], batch_size=8, epochs=3, verbose=0, shuffle=False,
                        validation_data=(tokens[40:], labels[40:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(tokens, labels, verbose=0)))
    print("predict", r(model.predict(tokens[:4], verbose=0)[:, 0]))
    print("mask reaches pool", r(ops.convert_to_numpy(model.get_layer("embed").compute_mask(tokens[:2])).astype(int)))


if __name__ == "__main__":
    main()
