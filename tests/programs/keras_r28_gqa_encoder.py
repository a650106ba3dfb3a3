"""A Keras program, written for Keras 3: a small sequence regressor built around `GroupQueryAttention` (two key/value
heads shared by four query heads) with a padding mask and a causal mask, its attention scores read back, beside a
`MultiHeadAttention` over two attention axes; trained, evaluated, saved to `.keras`, reloaded and compared."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    keras.utils.set_random_seed(2802)
    rng = np.random.default_rng(2802)
    x = rng.normal(size=(24, 6, 8)).astype("float32")
    lengths = rng.integers(3, 7, size=24)
    mask = (np.arange(6)[None, :] < lengths[:, None])
    y = (x * mask[..., None]).sum(axis=(1, 2), keepdims=False)[:, None].astype("float32") / 6.0

    gqa = layers.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2, dropout=0.0,
                                     name="gqa")
    probe_out, probe_scores = gqa(x[:2], x[:2], return_attention_scores=True, use_causal_mask=True)
    print("probe", ops.shape(probe_out), ops.shape(probe_scores))
    print("causal upper zero", bool(np.all(np.triu(ops.convert_to_numpy(probe_scores)[0, 0], 1) == 0)))
    print("weights", [(w.path, tuple(w.shape)) for w in gqa.weights])

    inputs = keras.Input((6, 8), name="seq")
    keep = keras.Input((6,), dtype="bool", name="keep")
    attention_mask = ops.logical_and(ops.expand_dims(keep, 1), ops.expand_dims(keep, 2))
    attended = gqa(inputs, inputs, attention_mask=attention_mask)
    hidden = layers.LayerNormalization(name="norm")(layers.Add()([inputs, attended]))
    pooled = layers.GlobalAveragePooling1D(name="pool")(hidden)
    outputs = layers.Dense(1, name="head")(pooled)
    model = keras.Model([inputs, keep], outputs, name="gqa_regressor")
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    history = model.fit([x, mask], y, batch_size=6, epochs=4, verbose=0, shuffle=False)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("evaluate", [round(v, 4) for v in model.evaluate([x, mask], y, verbose=0)])
    predicted = model.predict([x[:4], mask[:4]], verbose=0)
    print("predict", r(predicted[:, 0]))
    model.save("gqa.keras")
    restored = keras.saving.load_model("gqa.keras")
    print("restored same", bool(np.allclose(restored.predict([x[:4], mask[:4]], verbose=0), predicted, atol=1e-5)))
    print("restored gqa config", sorted((k, v) for k, v in restored.get_layer("gqa").get_config().items()
                                        if k in ("head_dim", "num_query_heads", "num_key_value_heads", "use_bias")))

    grid = rng.normal(size=(2, 3, 4, 5)).astype("float32")
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2), name="mha2d")
    out, scores = mha(grid, grid, return_attention_scores=True)
    print("mha 2d", ops.shape(out), ops.shape(scores), r(ops.sum(scores, axis=(-2, -1))[0], 3))
    print("mha out", r(ops.mean(out, axis=(1, 2))[0]))


if __name__ == "__main__":
    main()
