"""A Keras program, written for Keras 3: losses with their options under sample weights — Tversky(alpha,
beta), Dice(axis=), CategoricalFocalCrossentropy(alpha, gamma, label_smoothing, from_logits),
BinaryFocalCrossentropy(apply_class_balancing), Poisson, LogCosh, Huber(delta), CTC, CosineSimilarity and
SquaredHinge, each called with per-sample and per-timestep weights under every reduction; then a segmentation-
style model trained with Dice and a weighted count model trained with Poisson through fit(sample_weight=) and
validation_data=(x, y, sample_weight), evaluated with sample weights and used to predict. Weights are set from
NumPy, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, losses, ops


def show(name, value):
    print(name, np.round(ops.convert_to_numpy(value).astype("float64"), 5).tolist())


def main():
    rng = np.random.default_rng(1923)
    masks = (rng.uniform(size=(4, 6, 6, 1)) > 0.6).astype("float32")
    probs = np.clip(masks * 0.5 + rng.uniform(size=(4, 6, 6, 1)) * 0.5, 0.01, 0.99).astype("float32")
    per_sample = np.array([1.0, 0.5, 2.0, 0.0], "float32")
    for reduction in ("sum_over_batch_size", "sum", "mean", "none"):
        show(f"tversky {reduction}", losses.Tversky(alpha=0.7, beta=0.3, reduction=reduction)(
            masks, probs, sample_weight=per_sample))
        show(f"dice {reduction}", losses.Dice(reduction=reduction, axis=(1, 2, 3))(
            masks, probs, sample_weight=per_sample))
    show("dice whole", losses.Dice()(masks, probs))

    classes = rng.integers(0, 4, 8)
    onehot = np.eye(4, dtype="float32")[classes]
    logits = rng.normal(size=(8, 4)).astype("float32") * 2
    soft = ops.convert_to_numpy(ops.softmax(logits))
    w8 = rng.uniform(0.2, 1.5, 8).astype("float32")
    show("focal", losses.CategoricalFocalCrossentropy()(onehot, soft, sample_weight=w8))
    show("focal options", losses.CategoricalFocalCrossentropy(alpha=[0.1, 0.2, 0.3, 0.4], gamma=1.5,
                                                                label_smoothing=0.1, from_logits=True,
                                                                reduction="none")(onehot, logits, sample_weight=w8))
    show("binary focal balanced", losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3,
                                                                  gamma=2.5)(masks[:, :, :, 0], probs[:, :, :, 0],
                                                                            sample_weight=per_sample[:, None]))
    counts = rng.poisson(3.0, size=(8, 3)).astype("float32")
    rates = rng.uniform(1.0, 5.0, size=(8, 3)).astype("float32")
    step_weight = rng.uniform(0.0, 1.0, size=(8, 3)).astype("float32")
    show("poisson", losses.Poisson()(counts, rates, sample_weight=w8))
    show("poisson per element", losses.Poisson(reduction="none")(counts[..., None], rates[..., None],
                                                                 sample_weight=step_weight))
    show("logcosh", losses.LogCosh()(counts, rates, sample_weight=w8))
    show("logcosh sum", losses.LogCosh(reduction="sum")(counts, rates, sample_weight=w8[:, None]))
    show("huber", losses.Huber(delta=0.75)(counts, rates, sample_weight=w8))
    show("cosine", losses.CosineSimilarity(axis=-1)(counts, rates, sample_weight=w8))
    show("squared hinge", losses.SquaredHinge()(np.sign(counts - 3.0), rates - 3.0, sample_weight=w8))

    labels = np.array([[1, 2, 2, 0, 0], [3, 1, 3, 2, 0]], "int32")
    frames = ops.convert_to_numpy(ops.log_softmax(rng.normal(size=(2, 9, 4)).astype("float32"), axis=-1))
    ctc_probs = np.exp(frames).astype("float32")
    show("ctc", losses.CTC(reduction="none")(labels, ctc_probs))
    show("ctc weighted", losses.CTC()(labels, ctc_probs, sample_weight=np.array([1.0, 3.0], "float32")))

    images = rng.uniform(size=(40, 6, 6, 1)).astype("float32")
    truth = (images > 0.55).astype("float32")
    seg = keras.Sequential([keras.Input((6, 6, 1)), layers.Conv2D(4, 3, padding="same", activation="relu"),
                            layers.Conv2D(1, 1, activation="sigmoid")], name="segmenter")
    init = np.random.default_rng(31)
    seg.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in seg.get_weights()])
    seg.compile(optimizer=keras.optimizers.Adam(0.05), loss=losses.Dice(axis=(1, 2, 3)),
                metrics=[keras.metrics.BinaryIoU(target_class_ids=[1], name="iou")])
    sw = np.linspace(0.5, 1.5, 40).astype("float32")
    history = seg.fit(images[:32], truth[:32], sample_weight=sw[:32], batch_size=8, epochs=4, verbose=0,
                      shuffle=False, validation_data=(images[32:], truth[32:], sw[32:]))
    for key in sorted(history.history):
        print("dice", key, [round(v, 4) for v in history.history[key]])
    print("dice evaluate", [round(v, 4) for v in seg.evaluate(images, truth, sample_weight=sw, verbose=0)])

    features = rng.normal(size=(60, 4)).astype("float32")
    expected = np.exp(0.4 * features[:, :1] - 0.2 * features[:, 1:2] + 0.8)
    observed = rng.poisson(expected).astype("float32")
    exposure = rng.uniform(0.5, 2.0, 60).astype("float32")
    counter = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="tanh"),
                                layers.Dense(1, activation="softplus")], name="counter")
    counter.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in counter.get_weights()])
    counter.compile(optimizer=keras.optimizers.Adam(0.03), loss="poisson",
                    metrics=[keras.metrics.Poisson(name="p"), keras.metrics.LogCoshError(name="lc")],
                    weighted_metrics=[keras.metrics.MeanAbsoluteError(name="wmae")])
    history = counter.fit(features[:48], observed[:48], sample_weight=exposure[:48], batch_size=12, epochs=4,
                          verbose=0, shuffle=False,
                          validation_data=(features[48:], observed[48:], exposure[48:]))
    for key in sorted(history.history):
        print("poisson", key, [round(v, 4) for v in history.history[key]])
    print("poisson evaluate", {k: round(v, 4) for k, v in counter.evaluate(
        features, observed, sample_weight=exposure, verbose=0, return_dict=True).items()})
    print("predict", np.round(counter.predict(features[:4], verbose=0)[:, 0], 4).tolist())


if __name__ == "__main__":
    main()
