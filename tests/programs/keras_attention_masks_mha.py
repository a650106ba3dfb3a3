"""A Keras program, written for Keras 3: MultiHeadAttention the ways the transformer examples use it — a padding
mask from Embedding(mask_zero=True) that flows into the query and value masks, use_causal_mask together with an
explicit attention_mask, return_attention_scores, different key / value / query lengths, value_dim and
output_shape, attention over two axes (attention_axes on images), and a cross-attention decoder block trained on a
copy task. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


def seeded(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])


def show(name, value):
    value = np.asarray(ops.convert_to_numpy(value), "float64")
    print(name, value.shape, round(float(value.sum()), 4), np.round(value.ravel()[:4], 5).tolist())


def main():
    rng = np.random.default_rng(43)
    q = rng.standard_normal((2, 5, 6)).astype("float32")
    kv = rng.standard_normal((2, 7, 4)).astype("float32")
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5, output_shape=8)
    mha(q, kv)
    seeded(mha, 1)
    out, scores = mha(q, kv, return_attention_scores=True)
    show("cross", out)
    show("scores", scores)
    print("weights", [(w.path.split("/", 1)[1], tuple(w.shape)) for w in mha.weights])
    mask = np.ones((2, 5, 7), bool)
    mask[0, :, 5:] = False
    mask[1, 2:, :2] = False
    show("masked", mha(q, kv, attention_mask=mask))
    self_attn = layers.MultiHeadAttention(num_heads=3, key_dim=2)
    self_attn(q, q)
    seeded(self_attn, 2)
    show("causal", self_attn(q, q, use_causal_mask=True))
    both = np.ones((2, 5, 5), bool)
    both[:, :, 0] = False
    both[:, 0, 0] = True
    out, scores = self_attn(q, q, attention_mask=both, use_causal_mask=True, return_attention_scores=True)
    show("causal and mask", out)
    show("causal scores", scores[0, 0])
    key = rng.standard_normal((2, 7, 3)).astype("float32")
    show("key differs", mha(q, kv, key=np.concatenate([key, key[:, :, :1]], axis=-1)))

    images = rng.standard_normal((2, 4, 4, 3)).astype("float32")
    axes = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))
    axes(images, images)
    seeded(axes, 3)
    out, scores = axes(images, images, return_attention_scores=True)
    show("2d attention", out)
    print("2d scores", tuple(scores.shape))
    rows = layers.MultiHeadAttention(num_heads=1, key_dim=4, attention_axes=2)
    rows(images, images)
    seeded(rows, 4)
    show("row attention", rows(images, images))

    tokens = rng.integers(1, 12, (64, 6))
    lengths = rng.integers(3, 7, 64)
    for row, n in zip(tokens, lengths):
        row[n:] = 0
    target = np.where(tokens > 0, (tokens + 1) % 12, 0)
    enc_in = keras.Input((6,), dtype="int32", name="source")
    dec_in = keras.Input((6,), dtype="int32", name="shifted")
    embed = layers.Embedding(12, 8, mask_zero=True)
    memory = embed(enc_in)
    memory = layers.LayerNormalization()(memory + layers.MultiHeadAttention(2, 4)(memory, memory))
    h = embed(dec_in)
    h = layers.LayerNormalization()(h + layers.MultiHeadAttention(2, 4)(h, h, use_causal_mask=True))
    h = layers.LayerNormalization()(h + layers.MultiHeadAttention(2, 4)(h, memory))
    logits = layers.Dense(12)(h)
    model = keras.Model([enc_in, dec_in], logits)
    seeded(model, 5)
    shifted = np.concatenate([np.zeros((64, 1), int) + 1, target[:, :-1]], axis=1)
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit([tokens, shifted], target, epochs=3, batch_size=16, shuffle=False, verbose=0)
    print("loss", np.round(history.history["loss"], 4).tolist())
    print("accuracy", np.round(history.history["accuracy"], 4).tolist())
    print("mask", ops.convert_to_numpy(model.layers[2].compute_mask(tokens[:2])).astype(int).tolist())
    show("predict", model.predict([tokens[:2], shifted[:2]], verbose=0))
