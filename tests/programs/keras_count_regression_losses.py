"""A Keras program, written for Keras 3: count and distribution regression as in keras.io's probabilistic
examples — a Poisson regressor with an exponential output trained on Poisson loss with Poisson / LogCoshError /
MeanSquaredLogarithmicError metrics, a softmax model fitted to target distributions with KLDivergence and
CategoricalFocalCrossentropy, an embedding model with CosineSimilarity loss and metric (axis), a robust regressor
with Huber(delta) and LogCosh, Tversky and Dice on a tiny segmentation map — each loss also called directly with
sample_weight and every reduction. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, losses, metrics


def seeded(model, seed):
    init = np.random.default_rng(seed)
    model.set_weights([init.uniform(-0.3, 0.3, w.shape).astype("float32") for w in model.get_weights()])


def fit(name, model, x, y, loss, metric_list, **kwargs):
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss, metrics=metric_list)
    history = model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0, **kwargs)
    for key in sorted(history.history):
        print(name, key, np.round(history.history[key], 4).tolist())


def main():
    rng = np.random.default_rng(37)
    x = rng.standard_normal((64, 4)).astype("float32")
    rate = np.exp(0.5 * x[:, 0] - 0.3 * x[:, 1])
    counts = rng.poisson(rate).astype("float32")[:, None]
    poisson = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"),
                                layers.Dense(1, activation="exponential")])
    seeded(poisson, 1)
    fit("poisson", poisson, x, counts, losses.Poisson(),
        [metrics.Poisson(), metrics.LogCoshError(), metrics.MeanSquaredLogarithmicError()])

    logits = x @ rng.standard_normal((4, 3)).astype("float32")
    dist = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    soft = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="softmax")])
    seeded(soft, 2)
    fit("kl", soft, x, dist.astype("float32"), losses.KLDivergence(), [metrics.KLDivergence(name="kl")])
    seeded(soft, 2)
    fit("focal", soft, x, np.eye(3, dtype="float32")[np.argmax(dist, 1)],
        losses.CategoricalFocalCrossentropy(alpha=0.5, gamma=1.5, label_smoothing=0.05), ["categorical_accuracy"])

    target_vectors = np.tanh(x @ rng.standard_normal((4, 5))).astype("float32")
    embed = keras.Sequential([keras.Input((4,)), layers.Dense(5)])
    seeded(embed, 3)
    fit("cosine", embed, x, target_vectors, losses.CosineSimilarity(axis=-1),
        [metrics.CosineSimilarity(name="cos")])

    noisy = (x[:, :1] * 2 + rng.standard_normal((64, 1)) * 0.3).astype("float32")
    noisy[::9] += 8.0
    robust = keras.Sequential([keras.Input((4,)), layers.Dense(1)])
    for loss in (losses.Huber(delta=0.5), losses.LogCosh()):
        seeded(robust, 4)
        fit(loss.name, robust, x, noisy, loss, ["mae"], sample_weight=np.linspace(0.5, 1.5, 64).astype("float32"))

    masks = (rng.random((8, 6, 6, 1)) > 0.6).astype("float32")
    probs = np.clip(masks * 0.7 + rng.random((8, 6, 6, 1)) * 0.4, 0, 1).astype("float32")
    weights = np.linspace(0.2, 1.0, 8).astype("float32")
    y_dist, p_dist = dist[:8].astype("float32"), np.roll(dist[:8], 1, axis=1).astype("float32")
    cases = [(losses.Poisson, {}, counts[:8], np.exp(x[:8, :1] * 0.3)),
             (losses.KLDivergence, {}, y_dist, p_dist),
             (losses.CategoricalFocalCrossentropy, {"gamma": 2.0, "from_logits": True}, y_dist, logits[:8]),
             (losses.CosineSimilarity, {"axis": 1}, target_vectors[:8], x[:8, :1] + target_vectors[:8]),
             (losses.Huber, {"delta": 2.0}, noisy[:8], x[:8, :1]),
             (losses.LogCosh, {}, noisy[:8], x[:8, :1]),
             (losses.Tversky, {"alpha": 0.3, "beta": 0.7}, masks, probs),
             (losses.Dice, {}, masks, probs),
             (losses.Dice, {"axis": (1, 2)}, masks, probs)]
    for cls, kwargs, y_true, y_pred in cases:
        values = []
        for reduction in ("sum_over_batch_size", "sum", "mean", None, "mean_with_sample_weight"):
            loss = cls(reduction=reduction, **kwargs)
            value = keras.ops.convert_to_numpy(loss(y_true, y_pred, sample_weight=weights))
            values.append(np.round(np.asarray(value, "float64"), 4).tolist())
        print(cls.__name__, kwargs, values)
