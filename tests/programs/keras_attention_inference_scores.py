"""A Keras program, written for Keras 3: dot-product attention layers used the way a reader of the layer docs
writes them. Attention with use_scale and score_mode "concat", a dropout that must vanish in inference, query and
value masks given by hand and use_causal_mask; AdditiveAttention fed a key different from the value; and a
MultiHeadAttention with key_dim different from value_dim, an output_shape tuple, attention over the two spatial
axes of an image-like tensor and its scores returned, all inside functional models that are trained for a few
steps. The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def set_weights(model, seed, scale=0.4):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-scale, scale, size=w.shape).astype("float32") for w in model.get_weights()])


def fmt(a, digits=5):
    return np.round(keras.ops.convert_to_numpy(a).astype("float64"), digits).tolist()


def main():
    rng = np.random.default_rng(19)
    q = rng.normal(size=(2, 3, 4)).astype("float32")
    v = rng.normal(size=(2, 5, 4)).astype("float32")
    k = rng.normal(size=(2, 5, 4)).astype("float32")
    q_mask = np.array([[True, True, False], [True, True, True]])
    v_mask = np.array([[True, True, True, False, False], [True, True, True, True, True]])

    concat = layers.Attention(use_scale=True, score_mode="concat", dropout=0.5, seed=3)
    concat.build([q.shape, v.shape])
    print("concat weights", [(w.name, tuple(w.shape)) for w in concat.weights])
    concat.scale.assign(np.array(0.7, "float32"))
    concat.concat_score_weight.assign(np.array(1.3, "float32"))
    out, scores = concat([q, v, k], mask=[q_mask, v_mask], return_attention_scores=True, training=False)
    print("concat out", fmt(out[0]))
    print("concat scores row sums", fmt(np.sum(keras.ops.convert_to_numpy(scores), axis=-1)))
    print("concat scores b0", fmt(scores[0], 4))

    causal = layers.Attention()
    same_len = rng.normal(size=(2, 4, 4)).astype("float32")
    c_out, c_scores = causal([same_len, same_len], use_causal_mask=True, return_attention_scores=True)
    print("causal upper", fmt(np.triu(keras.ops.convert_to_numpy(c_scores[1]), 1).sum()), "diag", fmt(np.diagonal(c_scores[1]), 4))

    additive = layers.AdditiveAttention(use_scale=True)
    additive.build([q.shape, v.shape, k.shape])
    additive.scale.assign(np.array([0.5, -0.3, 0.8, 0.2], "float32"))
    a_out, a_scores = additive([q, v, k], mask=[None, v_mask], return_attention_scores=True)
    print("additive weights", [(w.name, tuple(w.shape)) for w in additive.weights])
    print("additive out", fmt(a_out[0, :2]))
    print("additive masked mass", fmt(keras.ops.convert_to_numpy(a_scores)[0, :, 3:].sum()))

    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5, output_shape=(6,), name="mha")
    image = keras.Input((3, 4, 2), name="image")
    context, attn = mha(image, image, return_attention_scores=True)
    print("mha symbolic", tuple(context.shape))
    mha2d = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2), name="mha2d")
    spatial, spatial_scores = mha2d(image, image, return_attention_scores=True)
    print("mha2d symbolic", tuple(spatial.shape))
    pooled = layers.Concatenate()([layers.GlobalAveragePooling2D()(context), layers.GlobalAveragePooling2D()(spatial)])
    logits = layers.Dense(3, name="head")(pooled)
    model = keras.Model(image, logits)
    set_weights(model, 4)
    print("mha weights", [(w.path, tuple(w.shape)) for w in mha.weights][:4])
    print("mha2d kernel shapes", [tuple(w.shape) for w in mha2d.weights])

    x = rng.normal(size=(12, 3, 4, 2)).astype("float32")
    y = rng.integers(0, 3, size=(12,))
    probe = keras.Model(image, [context, attn, spatial_scores])
    ctx, att, sp = probe.predict(x[:2], verbose=0)
    print("mha context", fmt(ctx[0, 0, :2], 4))
    print("mha scores sum", fmt(att.sum(axis=-1)[0, :, 0, 0]), "2d scores shape", sp.shape,
          "2d sums", fmt(sp.reshape(2, 3, 2, 4, 12).sum(axis=-1)[0, 0, 0]))
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    print("loss", ["%.5f" % value for value in history.history["loss"]])
    print("logits", fmt(model.predict(x[:2], verbose=0)))

    inputs = keras.Input((4, 4))
    dropped = layers.Attention(dropout=0.9, seed=1)([inputs, inputs])
    infer = keras.Model(inputs, dropped)
    sample = rng.normal(size=(1, 4, 4)).astype("float32")
    plain = layers.Attention()([sample, sample])
    print("dropout off at predict", np.allclose(infer.predict(sample, verbose=0), keras.ops.convert_to_numpy(plain), atol=1e-6))
    print("config", sorted(concat.get_config().items())[:5])
    print("mha config", mha.get_config()["value_dim"], mha.get_config()["output_shape"],
          mha2d.get_config()["attention_axes"])


if __name__ == "__main__":
    main()
