"""A Keras program, written for Keras 3: the rarer losses as training objectives — a tiny segmentation head
trained with `Dice(axis=(1, 2))` and compared with `Tversky(alpha=0.7, beta=0.3)`; an embedding model trained with
`Circle(gamma=16, margin=0.3)` on class labels; a CTC sequence model (`keras.losses.CTC`) decoded with
`ops.nn.ctc_decode` greedily and by beam search; each loss's config and a `.keras` round trip of the CTC model."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    rng = np.random.default_rng(2935)
    images = rng.uniform(size=(24, 8, 8, 1)).astype("float32")
    masks = (images > 0.6).astype("float32")
    for loss in (keras.losses.Dice(axis=(1, 2), name="dice"), keras.losses.Tversky(alpha=0.7, beta=0.3)):
        keras.utils.set_random_seed(2935)
        model = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3, padding="same", activation="relu"),
                                  layers.Conv2D(1, 1, activation="sigmoid")])
        model.compile(keras.optimizers.Adam(0.02), loss)
        history = model.fit(images, masks, batch_size=8, epochs=3, verbose=0)
        print(loss.name, [round(v, 4) for v in history.history["loss"]],
              sorted((k, v) for k, v in loss.get_config().items() if k in ("alpha", "beta", "axis", "reduction")))

    soft = np.clip(masks[:2] * 0.8 + 0.1, 0, 1)
    print("functions", r(keras.losses.dice(masks[:2], soft, axis=(1, 2, 3))),
          r(keras.losses.tversky(masks[:2], soft, alpha=0.3, beta=0.7)),
          r(keras.losses.circle(np.array([0, 1, 0, 1]), images[:4].reshape(4, -1)[:, :5], gamma=8.0)))
    labels = rng.integers(0, 3, size=(30,))
    points = (np.eye(3)[labels] * 2 + rng.normal(size=(30, 3)) * 0.7).astype("float32")
    keras.utils.set_random_seed(2935)
    embedder = keras.Sequential([keras.Input((3,)), layers.Dense(8, activation="tanh"), layers.Dense(4),
                                 layers.UnitNormalization()])
    circle = keras.losses.Circle(gamma=16, margin=0.3)
    embedder.compile(keras.optimizers.SGD(0.1), circle)
    history = embedder.fit(points, labels, batch_size=10, epochs=3, verbose=0, shuffle=False)
    print("circle", [round(v, 4) for v in history.history["loss"]], circle.get_config()["gamma"])
    emb = embedder.predict(points[:6], verbose=0)
    print("cosines", r(emb @ emb.T, 3)[0])

    steps, classes = 10, 5
    seqs = rng.normal(size=(20, steps, 3)).astype("float32")
    targets = rng.integers(1, classes, size=(20, 3))
    keras.utils.set_random_seed(2935)
    inputs = keras.Input((steps, 3))
    hidden = layers.Bidirectional(layers.GRU(8, return_sequences=True))(inputs)
    logits = layers.Dense(classes, name="logits")(hidden)
    ctc_model = keras.Model(inputs, logits, name="ctc")
    ctc_model.compile(keras.optimizers.Adam(0.02), keras.losses.CTC())
    history = ctc_model.fit(seqs, targets, batch_size=5, epochs=3, verbose=0, shuffle=False)
    print("ctc", [round(v, 4) for v in history.history["loss"]])
    out = ctc_model.predict(seqs[:3], verbose=0)
    probs = ops.softmax(out)
    lengths = np.full((3,), steps)
    greedy, greedy_scores = ops.nn.ctc_decode(probs, lengths, strategy="greedy", mask_index=0)
    print("greedy", r(greedy[0]), r(greedy_scores[:, 0], 3))
    beams, beam_scores = ops.nn.ctc_decode(ops.log(probs), lengths, strategy="beam_search", beam_width=4,
                                           top_paths=2, mask_index=0)
    print("beam", tuple(beams.shape), r(beams[0, 0]), r(beam_scores, 3))
    ctc_model.save("ctc.keras")
    again = keras.models.load_model("ctc.keras")
    print("reloaded", r(np.abs(again.predict(seqs[:3], verbose=0) - out).max(), 6), type(again.loss).__name__)


if __name__ == "__main__":
    main()
