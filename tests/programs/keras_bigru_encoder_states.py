"""A Keras program, written for Keras 3: a sequence-to-sequence model on GRUs the way the keras.io character
translation example wires it — padded inputs masked by Embedding(mask_zero=True), a Bidirectional GRU encoder
with reset_after=False and return_state=True whose forward and backward states are concatenated into the
decoder's initial_state, a GRU decoder with return_sequences and return_state, Bidirectional merge modes
("sum", "ave", "mul", None) on the same weights, temporal sample weights in fit, and a step-by-step inference
decoder that reuses the trained layers. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops

SRC, TGT, UNITS = 9, 7, 6


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


def main():
    rng = np.random.default_rng(19)
    lengths = rng.integers(2, 6, 40)
    src = np.zeros((40, 5), "int32")
    for row, length in enumerate(lengths):
        src[row, :length] = rng.integers(1, SRC, length)
    tgt = np.zeros((40, 5), "int32")
    tgt[:, 0] = 1
    tgt[:, 1:] = (src[:, :4] % (TGT - 2)) + 2
    tgt[:, 1:] *= (src[:, :4] > 0)
    dec_in, dec_out = tgt[:, :-1], tgt[:, 1:]
    weights = (dec_out > 0).astype("float32")

    enc_ids = keras.Input((None,), dtype="int32", name="source")
    dec_ids = keras.Input((None,), dtype="int32", name="target")
    enc_embed = layers.Embedding(SRC, 5, mask_zero=True, name="enc_embed")(enc_ids)
    encoder = layers.Bidirectional(layers.GRU(UNITS, reset_after=False, return_state=True), name="encoder")
    _, forward_h, backward_h = encoder(enc_embed)
    state = layers.Concatenate()([forward_h, backward_h])
    dec_embed_layer = layers.Embedding(TGT, 5, mask_zero=True, name="dec_embed")
    decoder = layers.GRU(2 * UNITS, return_sequences=True, return_state=True, name="decoder")
    dec_seq, _ = decoder(dec_embed_layer(dec_ids), initial_state=state)
    head = layers.Dense(TGT, activation="softmax", name="head")
    model = keras.Model([enc_ids, dec_ids], head(dec_seq))
    init = np.random.default_rng(7)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("weights", [(w.path, tuple(w.shape)) for w in model.get_layer("encoder").weights])
    print("reset_after", model.get_layer("encoder").forward_layer.reset_after, decoder.reset_after)

    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # accuracy, not weighted_metrics: Keras's torch loss scales the batch's sample_weight in place by the
    # mask's total / valid count, and its weighted metrics then average batches with those scaled weights
    history = model.fit([src, dec_in], dec_out, sample_weight=weights, batch_size=10, epochs=4, shuffle=False,
                        verbose=0)
    for key in sorted(history.history):
        print(key, r(history.history[key]))

    print("evaluate", r(model.evaluate([src, dec_in], dec_out, sample_weight=weights, verbose=0)),
          "params", model.count_params())

    encoder_model = keras.Model(enc_ids, state)
    step_ids = keras.Input((1,), dtype="int32")
    step_state = keras.Input((2 * UNITS,))
    step_seq, step_h = decoder(dec_embed_layer(step_ids), initial_state=step_state)
    step_model = keras.Model([step_ids, step_state], [head(step_seq), step_h])
    h = encoder_model.predict(src[:3], verbose=0)
    print("encoded", r(h[:, :4]))
    token = np.ones((3, 1), "int32")
    decoded = []
    for _ in range(4):
        probs, h = step_model.predict([token, h], verbose=0)
        token = np.argmax(probs, axis=-1).astype("int32")
        decoded.append(token[:, 0].tolist())
    print("decoded", np.array(decoded).T.tolist(), "wanted", dec_out[:3].tolist())

    x = model.get_layer("enc_embed")(ops.convert_to_tensor(src[:2]))
    mask = ops.convert_to_tensor(src[:2] > 0)
    gru_weights = model.get_layer("encoder").get_weights()
    for mode in ("sum", "ave", "mul", None):
        bi = layers.Bidirectional(layers.GRU(UNITS, reset_after=False, return_sequences=True), merge_mode=mode)
        bi.build((None, None, 5))
        bi.set_weights(gru_weights)
        out = bi(x, mask=mask)
        outs = out if isinstance(out, (list, tuple)) else [out]
        print("merge", mode, [tuple(o.shape) for o in outs], r(ops.convert_to_numpy(outs[-1])[1, :, 0]))


if __name__ == "__main__":
    main()
