"""A Keras program, written for Keras 3, after keras.io's domain-adaptation examples: a gradient reversal layer
written with keras.ops.custom_gradient sits between a shared feature extractor and a domain classifier, in a
functional model with two named inputs (features and a per-sample scale) and two named outputs compiled with dict
losses, loss_weights and per-output metrics; fitted with a dict of sample weights and validation data, evaluated
with return_dict, predicted with a batch_size. A second custom_gradient op clips gradients on the way back. Real
Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops


@ops.custom_gradient
def reverse_gradient(x):
    def grad(*args, upstream=None):
        upstream = args[0] if upstream is None else upstream
        return ops.negative(upstream) * 0.5
    return ops.multiply(x, 1.0), grad


@ops.custom_gradient
def clip_gradient(x):
    def grad(*args, upstream=None):
        upstream = args[0] if upstream is None else upstream
        return ops.clip(upstream, -0.01, 0.01)
    return x * 1.0, grad


class GradientReversal(layers.Layer):
    def call(self, x):
        return reverse_gradient(x)


class GradientClip(layers.Layer):
    def call(self, x):
        return clip_gradient(x)


def main():
    rng = np.random.default_rng(31)
    n = 96
    domain = (np.arange(n) % 2).astype("float32")
    features = rng.standard_normal((n, 6)).astype("float32") + domain[:, None] * np.array([1, 0, 0, 0, 0, 0.5],
                                                                                          "float32")
    scale = rng.uniform(0.5, 1.5, (n, 1)).astype("float32")
    label = (features[:, 1] + features[:, 2] * scale[:, 0] > 0).astype("int32")

    x_in = keras.Input((6,), name="features")
    s_in = keras.Input((1,), name="scale")
    h = layers.Concatenate()([x_in, s_in])
    h = layers.Dense(16, activation="relu", name="shared")(h)
    h = GradientClip(name="clip")(h)
    task = layers.Dense(2, activation="softmax", name="task")(h)
    reversed_features = GradientReversal(name="reversal")(h)
    d = layers.Dense(8, activation="relu", name="domain_hidden")(reversed_features)
    dom = layers.Dense(1, activation="sigmoid", name="domain")(d)
    model = keras.Model({"features": x_in, "scale": s_in}, {"task": task, "domain": dom})
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.4, 0.4, w.shape).astype("float32") for w in model.get_weights()])
    print("inputs", [t.name for t in model.inputs], "outputs", sorted(model.output_names))

    x = ops.convert_to_tensor(features[:4])
    with_grad = keras.Model(x_in, GradientReversal()(x_in))
    print("reversal forward", np.allclose(ops.convert_to_numpy(with_grad(x)), features[:4]))

    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss={"task": "sparse_categorical_crossentropy", "domain": "binary_crossentropy"},
                  loss_weights={"task": 1.0, "domain": 0.3},
                  metrics={"task": ["accuracy"], "domain": [keras.metrics.BinaryAccuracy(name="acc")]})
    inputs = {"features": features[:80], "scale": scale[:80]}
    targets = {"task": label[:80], "domain": domain[:80]}
    weights = {"task": np.where(domain[:80] == 0, 1.0, 0.0).astype("float32"), "domain": np.ones(80, "float32")}
    val = ({"features": features[80:], "scale": scale[80:]}, {"task": label[80:], "domain": domain[80:]})
    history = model.fit(inputs, targets, sample_weight=weights, validation_data=val, epochs=4, batch_size=16,
                        shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    result = model.evaluate(val[0], val[1], batch_size=8, return_dict=True, verbose=0)
    print("evaluate", {k: round(float(v), 4) for k, v in sorted(result.items())})
    out = model.predict({"features": features[:5], "scale": scale[:5]}, batch_size=2, verbose=0)
    print("predict", sorted(out), np.round(out["task"][:, 1], 4).tolist(), np.round(out["domain"][:, 0], 4).tolist())
    print("shared kernel", np.round(model.get_layer("shared").kernel.numpy()[0, :4], 5).tolist())
