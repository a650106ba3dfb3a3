"""A Keras program, written for Keras 3: a small pre-norm transformer text classifier of the kind keras.io's
examples build, with RMSNormalization before the attention and the feed-forward block, UnitNormalization on the
pooled embedding, a masked Embedding (mask_zero) feeding MultiHeadAttention, GlobalAveragePooling1D honouring the
mask, trained with SGD (momentum, nesterov, global_clipnorm, gradient_accumulation_steps) and a
CosineDecay schedule with warmup; it prints the layer outputs' norms, the losses and accuracies, the schedule's
rates, the optimizer's iteration counts and the predictions. The weights start from the same NumPy arrays, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


def r(value, digits=4):
    return np.round(np.asarray(ops.convert_to_numpy(value), "float64"), digits).ravel()[:4].tolist()


class PreNormBlock(layers.Layer):
    def __init__(self, dim, heads, **kwargs):
        super().__init__(**kwargs)
        self.norm1 = layers.RMSNormalization(epsilon=1e-5)
        self.attention = layers.MultiHeadAttention(heads, dim // heads)
        self.norm2 = layers.RMSNormalization(epsilon=1e-5)
        self.up = layers.Dense(dim * 2, activation="gelu")
        self.down = layers.Dense(dim)
        self.supports_masking = True

    def call(self, x, mask=None):
        attention_mask = None if mask is None else ops.logical_and(mask[:, :, None], mask[:, None, :])
        h = self.norm1(x)
        x = x + self.attention(h, h, attention_mask=attention_mask)
        return x + self.down(self.up(self.norm2(x)))


def main():
    rng = np.random.default_rng(8)
    tokens = rng.integers(1, 20, (24, 7))
    for row, length in zip(tokens, rng.integers(3, 8, 24)):
        row[length:] = 0
    labels = ((tokens == 3).any(axis=1) | (tokens == 7).any(axis=1)).astype("int32")

    inputs = keras.Input((7,), dtype="int32")
    h = layers.Embedding(20, 8, mask_zero=True)(inputs)
    h = PreNormBlock(8, 2, name="block")(h)
    pooled = layers.GlobalAveragePooling1D()(h)
    unit = layers.UnitNormalization()(pooled)
    outputs = layers.Dense(2, activation="softmax")(unit)
    model = keras.Model(inputs, outputs)
    init = np.random.default_rng(3)
    model.set_weights([init.normal(0, 0.3, w.shape).astype("float32") if w.ndim > 1 else np.ones(w.shape, "float32")
                       if "scale" in w.path or "gamma" in w.path else np.zeros(w.shape, "float32")
                       for w in model.weights])
    print("weights", [(w.path, tuple(w.shape)) for w in model.weights][:6])
    probe = keras.Model(inputs, [pooled, unit])
    got = probe.predict(tokens[:3], verbose=0)
    print("pooled", r(got[0]))
    print("unit norms", r(np.linalg.norm(got[1], axis=-1)))

    schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=6, warmup_target=0.3, warmup_steps=2)
    print("schedule", [round(float(schedule(step)), 5) for step in range(8)])
    optimizer = keras.optimizers.SGD(schedule, momentum=0.9, nesterov=True, global_clipnorm=1.0,
                                     gradient_accumulation_steps=2)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(tokens, labels, batch_size=6, epochs=3, shuffle=False, verbose=0)
    print("losses", [round(v, 4) for v in history.history["loss"]])
    print("accuracy", [round(v, 4) for v in history.history["accuracy"]])
    print("iterations", int(optimizer.iterations.numpy()), "rate now", round(float(optimizer.learning_rate), 5))
    print("optimizer variables", [v.name for v in optimizer.variables][:5])
    print("block norm scale", r(model.get_layer("block").norm1.weights[0]))
    print("predict", r(model.predict(tokens[:4], verbose=0)[:, 1], 5))
    print("evaluate", {k: round(float(v), 4) for k, v in model.evaluate(tokens, labels, verbose=0,
                                                                        return_dict=True).items()})
    config = model.get_layer("block").norm1.get_config()
    print("rms config", {k: config[k] for k in ("axis", "epsilon")})
