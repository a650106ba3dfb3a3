"""A Keras program, written for Keras 3: the rarely printed losses (`Tversky` with alpha/beta, `Dice` with `axis`,
`CategoricalFocalCrossentropy` with alpha/gamma, `BinaryFocalCrossentropy` with `apply_class_balancing` and label
smoothing, `Circle`, `Huber(delta=)`, `LogCosh`, `Poisson`, `CosineSimilarity(axis=)`) under every reduction
(`sum_over_batch_size`, `sum`, `mean`, `mean_with_sample_weight`, `None`) with and without sample weights,
their configs, and a segmentation-style model trained with a Dice + focal sum loss, a focal classifier and a Huber
regressor through `fit`."""
import numpy as np

import keras
from keras import layers, losses, ops


def r(value, digits=5):
    return (np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits) + 0.0).tolist()


def main():
    rng = np.random.default_rng(2602)
    masks = (rng.uniform(size=(4, 6, 6, 1)) > 0.6).astype("float32")
    probs = rng.uniform(0.02, 0.98, size=(4, 6, 6, 1)).astype("float32")
    labels = np.eye(3, dtype="float32")[rng.integers(0, 3, size=6)]
    scores = rng.uniform(0.05, 1.0, size=(6, 3)).astype("float32")
    scores /= scores.sum(axis=1, keepdims=True)
    binary = (rng.uniform(size=(6, 4)) > 0.5).astype("float32")
    logits = rng.normal(size=(6, 4)).astype("float32") * 2
    targets = rng.normal(size=(6, 3)).astype("float32")
    guesses = (targets + rng.normal(size=(6, 3)) * 1.5).astype("float32")
    weights = rng.uniform(0.2, 1.5, size=6).astype("float32")
    weights[2] = 0.0

    cases = [
        ("tversky", losses.Tversky, dict(alpha=0.7, beta=0.3), masks, probs, None),
        ("dice", losses.Dice, dict(), masks, probs, None),
        ("dice axis", losses.Dice, dict(axis=(1, 2)), masks, probs, None),
        ("cat focal", losses.CategoricalFocalCrossentropy, dict(alpha=0.4, gamma=1.5), labels, scores, weights),
        ("cat focal smooth", losses.CategoricalFocalCrossentropy, dict(label_smoothing=0.1), labels, scores,
         weights),
        ("bin focal balanced", losses.BinaryFocalCrossentropy,
         dict(apply_class_balancing=True, alpha=0.3, gamma=2.5, from_logits=True), binary, logits, weights),
        ("bin focal smooth", losses.BinaryFocalCrossentropy,
         dict(gamma=1.0, label_smoothing=0.2, from_logits=True), binary, logits, weights),
        ("huber", losses.Huber, dict(delta=0.5), targets, guesses, weights),
        ("log cosh", losses.LogCosh, dict(), targets, guesses, weights),
        ("poisson", losses.Poisson, dict(), np.abs(targets), np.abs(guesses) + 0.1, weights),
        ("cosine", losses.CosineSimilarity, dict(axis=0), targets, guesses, None),
    ]
    for name, cls, options, y_true, y_pred, sample_weight in cases:
        for reduction in ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None):
            loss = cls(reduction=reduction, **options)
            plain = loss(y_true, y_pred)
            line = [name, reduction, r(plain, 4)]
            if sample_weight is not None:
                line.append(r(loss(y_true, y_pred, sample_weight=sample_weight), 4))
            print(*line)
        config = cls(**options).get_config()
        print(name, "config", sorted((k, v) for k, v in config.items() if k != "dtype"))

    ids = rng.integers(0, 3, size=8)
    embeddings = rng.normal(size=(8, 5)).astype("float32")
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    for gamma, margin in ((80.0, 0.4), (32.0, 0.25)):
        circle = losses.Circle(gamma=gamma, margin=margin)
        print("circle", gamma, margin, r(circle(ids, embeddings), 4),
              r(losses.Circle(gamma=gamma, margin=margin, reduction=None)(ids, embeddings), 4))

    keras.utils.set_random_seed(2602)
    images = rng.uniform(size=(32, 8, 8, 1)).astype("float32")
    truth = (images > 0.55).astype("float32")
    dice = losses.Dice()
    focal = losses.BinaryFocalCrossentropy(apply_class_balancing=True, gamma=2.0)

    def dice_focal(y_true, y_pred):
        return dice(y_true, y_pred) + focal(y_true, y_pred)

    segmenter = keras.Sequential([keras.Input((8, 8, 1)), layers.Conv2D(4, 3, padding="same", activation="relu"),
                                  layers.Conv2D(1, 1, activation="sigmoid")], name="segmenter")
    segmenter.compile(optimizer=keras.optimizers.Adam(0.02), loss=dice_focal,
                      metrics=[keras.metrics.BinaryIoU(target_class_ids=[1], threshold=0.5)])
    history = segmenter.fit(images, truth, batch_size=8, epochs=3, verbose=0, shuffle=False)
    for key in sorted(history.history):
        print("segmenter", key, r(history.history[key], 4))
    print("segmenter tversky", r(losses.Tversky(alpha=0.3, beta=0.7)(truth, segmenter.predict(images, verbose=0)),
                                 4))

    x = rng.normal(size=(60, 4)).astype("float32")
    y = np.argmax(x[:, :3] + 0.3 * x[:, 3:], axis=1)
    classifier = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="tanh"),
                                   layers.Dense(3, activation="softmax")], name="classifier")
    classifier.compile(optimizer=keras.optimizers.SGD(0.3),
                       loss=losses.CategoricalFocalCrossentropy(alpha=[0.2, 0.5, 0.3], gamma=2.0),
                       metrics=["categorical_accuracy"])
    history = classifier.fit(x, keras.utils.to_categorical(y, 3), batch_size=12, epochs=4, verbose=0,
                             shuffle=False, sample_weight=np.linspace(0.5, 1.5, 60).astype("float32"))
    for key in sorted(history.history):
        print("classifier", key, r(history.history[key], 4))

    regressor = keras.Sequential([keras.Input((4,)), layers.Dense(1)], name="regressor")
    regressor.compile(optimizer=keras.optimizers.RMSprop(0.05), loss=losses.Huber(delta=0.3, reduction="sum"),
                      metrics=["mae"])
    target = (x @ np.array([1.0, -2.0, 0.5, 0.0], "float32") + 0.3)[:, None]
    history = regressor.fit(x, target, batch_size=10, epochs=4, verbose=0, shuffle=False)
    print("regressor loss", r(history.history["loss"], 4), "mae", r(history.history["mae"], 4))
    print("regressor evaluate", r(regressor.evaluate(x, target, verbose=0), 4))


if __name__ == "__main__":
    main()
