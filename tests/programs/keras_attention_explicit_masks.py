"""A Keras program, written for Keras 3: layers.Attention and layers.AdditiveAttention called eagerly with explicit
`mask=[query_mask, value_mask]`, `return_attention_scores=True`, `use_causal_mask=True`, `use_scale` (the trained
scale variable), score_mode="concat", separate key tensors, and a Luong-style encoder-decoder that uses them in a
functional model trained with fit. Weights come from NumPy, so real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def show(name, outputs):
    result, scores = outputs
    print(name, "out", r(ops.convert_to_numpy(result)[0, 0]), "scores", r(ops.convert_to_numpy(scores)[0], 3))


def main():
    rng = np.random.default_rng(3)
    query = rng.normal(size=(2, 3, 4)).astype("float32")
    value = rng.normal(size=(2, 5, 4)).astype("float32")
    key = rng.normal(size=(2, 5, 4)).astype("float32")
    query_mask = np.array([[True, True, False], [True, True, True]])
    value_mask = np.array([[True, True, True, False, False], [True, False, True, True, True]])

    dot = layers.Attention()
    show("dot", dot([query, value], return_attention_scores=True))
    show("dot key", dot([query, value, key], return_attention_scores=True))
    show("dot value mask", dot([query, value], mask=[None, value_mask], return_attention_scores=True))
    masked = dot([query, value], mask=[query_mask, value_mask])
    print("query mask zeroes rows", r(ops.convert_to_numpy(masked)[0, 2]))

    scaled = layers.Attention(use_scale=True)
    scaled.build([(2, 3, 4), (2, 5, 4)])
    scaled.scale.assign(0.5)
    show("scaled", scaled([query, value], return_attention_scores=True))
    print("scale weight", scaled.scale.shape, [w.name for w in scaled.weights])
    concat = layers.Attention(score_mode="concat", use_scale=True)
    concat.build([(2, 3, 4), (2, 5, 4)])
    print("concat weights", [w.name for w in concat.weights], [tuple(w.shape) for w in concat.weights])
    concat.concat_score_weight.assign(0.7)
    show("concat", concat([query, value], return_attention_scores=True))

    additive = layers.AdditiveAttention(use_scale=True)
    additive.build([(2, 3, 4), (2, 5, 4)])
    additive.scale.assign(np.array([0.5, -0.25, 1.0, 0.75], "float32"))
    show("additive", additive([query, value], mask=[query_mask, value_mask], return_attention_scores=True))
    plain = layers.AdditiveAttention(use_scale=False)
    show("additive plain", plain([query, value, key], return_attention_scores=True))

    self_values = rng.normal(size=(1, 4, 4)).astype("float32")
    causal = layers.Attention()
    out, scores = causal([self_values, self_values], use_causal_mask=True, return_attention_scores=True)
    print("causal scores", r(ops.convert_to_numpy(scores)[0], 3))
    print("causal first row", r(ops.convert_to_numpy(out)[0, 0]), "equals value", r(self_values[0, 0]))
    dropped = layers.Attention(dropout=0.5)
    print("dropout inactive at inference", bool(np.allclose(ops.convert_to_numpy(dropped([query, value])),
                                                            ops.convert_to_numpy(dot([query, value])), atol=1e-6)))

    enc_in = keras.Input((6,), dtype="int32", name="source")
    dec_in = keras.Input((4,), dtype="int32", name="target")
    embed = layers.Embedding(10, 6, mask_zero=True, name="embed")
    enc_seq = layers.GRU(6, return_sequences=True, name="encoder")(embed(enc_in))
    dec_seq = layers.GRU(6, return_sequences=True, name="decoder")(embed(dec_in))
    context = layers.Attention(use_scale=True, name="luong")([dec_seq, enc_seq])
    bahdanau = layers.AdditiveAttention(name="bahdanau")([dec_seq, enc_seq])
    merged = layers.Concatenate(name="merge")([dec_seq, context, bahdanau])
    logits = layers.Dense(10, name="vocab")(merged)
    model = keras.Model([enc_in, dec_in], logits)
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])

    n = 32
    source = rng.integers(1, 10, size=(n, 6)).astype("int32")
    source[::3, 4:] = 0
    target_in = np.concatenate([np.ones((n, 1), "int32"), source[:, :3]], axis=1)
    target_out = source[:, :4]
    model.compile(optimizer=keras.optimizers.Adam(0.02),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit([source, target_in], target_out, batch_size=8, epochs=3, shuffle=False, verbose=0)
    print("loss", r(history.history["loss"]))
    print("accuracy", r(history.history["accuracy"]))
    print("luong scale", r(model.get_layer("luong").scale.numpy()))
    print("predict", r(model.predict([source[:1], target_in[:1]], verbose=0)[0, 0, :4]))


if __name__ == "__main__":
    main()
