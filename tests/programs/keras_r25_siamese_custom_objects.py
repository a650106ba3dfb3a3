"""A Keras program, written for Keras 3: a Siamese network on pairs of vectors: one shared encoder (a registered
Layer subclass with its own weights and `get_config`), a subclassed distance layer (no Lambda) that returns the
Euclidean distance with an `epsilon` argument, a registered contrastive loss function with a margin (through a
registered Loss subclass), and a registered metric function; trained with `fit`, then saved to `.keras` and
loaded again with its custom objects (also through `custom_objects=` and `keras.saving.custom_object_scope`),
`get_registered_name`/`get_registered_object`, and `save_weights`/`load_weights` into a model whose head differs,
with `skip_mismatch=True`."""
import numpy as np

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="siamese")
class Encoder(layers.Layer):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units * 2, activation="tanh", name="hidden")
        self.project = layers.Dense(units, name="project")

    def call(self, x):
        return self.project(self.hidden(x))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="siamese")
class EuclideanDistance(layers.Layer):
    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, a, b):
        return ops.sqrt(ops.maximum(ops.sum(ops.square(a - b), axis=-1, keepdims=True), self.epsilon))

    def compute_output_shape(self, a_shape, b_shape):
        return a_shape[:-1] + (1,)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="siamese")
class Contrastive(keras.losses.Loss):
    def __init__(self, margin=1.0, name="contrastive", **kwargs):
        super().__init__(name=name, **kwargs)
        self.margin = margin

    def call(self, y_true, distance):
        y_true = ops.cast(y_true, distance.dtype)
        same = y_true * ops.square(distance)
        different = (1.0 - y_true) * ops.square(ops.maximum(self.margin - distance, 0.0))
        return ops.mean(same + different, axis=-1)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin}


@keras.saving.register_keras_serializable(package="siamese", name="pair_accuracy")
def pair_accuracy(y_true, distance):
    return ops.mean(ops.cast(ops.equal(ops.cast(distance < 0.5, "float32"), ops.cast(y_true, "float32")),
                             "float32"), axis=-1)


def build(head_units=1, name="siamese"):
    left, right = keras.Input((6,), name="left"), keras.Input((6,), name="right")
    encoder = Encoder(4, name="encoder")
    distance = EuclideanDistance(epsilon=1e-5, name="distance")(encoder(left), encoder(right))
    outputs = layers.Dense(head_units, name="head")(distance) if head_units != 1 else distance
    return keras.Model([left, right], outputs, name=name)


def main():
    rng = np.random.default_rng(2504)
    centers = rng.normal(size=(4, 6)).astype("float32") * 1.5
    labels = rng.integers(0, 4, size=(96,))
    points = centers[labels] + 0.4 * rng.normal(size=(96, 6)).astype("float32")
    partner = rng.permutation(96)
    same = (labels == labels[partner]).astype("float32")[:, None]
    print("pairs", points.shape, "same fraction", round(float(same.mean()), 4))

    model = build()
    init = np.random.default_rng(3)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.summary()
    print("registered", keras.saving.get_registered_name(Encoder), keras.saving.get_registered_name(pair_accuracy),
          keras.saving.get_registered_object("siamese>Contrastive") is Contrastive)
    model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss=Contrastive(margin=1.5),
                  metrics=[pair_accuracy])
    history = model.fit([points[:80], points[partner][:80]], same[:80], batch_size=16, epochs=4, verbose=0,
                        shuffle=False, validation_data=([points[80:], points[partner][80:]], same[80:]))
    for key in sorted(history.history):
        print(key, np.round(history.history[key], 4).tolist())
    distances = model.predict([points[:5], points[partner][:5]], verbose=0)
    print("distances", np.round(distances.ravel().astype("float64"), 4).tolist(), same[:5].ravel().tolist())

    model.save("siamese.keras")
    again = keras.models.load_model("siamese.keras")
    print("reloaded", [type(layer).__name__ for layer in again.layers], type(again.loss).__name__,
          again.loss.margin, again.get_layer("distance").epsilon, again.get_layer("encoder").units)
    print("reloaded evaluate", np.round(again.evaluate([points[80:], points[partner][80:]], same[80:], verbose=0),
                                        4).tolist())
    with keras.saving.custom_object_scope({"Encoder": Encoder}):
        scoped = keras.models.load_model("siamese.keras", compile=False)
    print("scoped compiled", scoped.compiled, np.allclose(scoped.predict([points[:5], points[partner][:5]],
                                                                          verbose=0), distances, atol=1e-6))
    config = model.get_layer("encoder").get_config()
    clone = Encoder.from_config(config)
    print("encoder config", sorted(k for k in config if k != "dtype"), clone.units, clone.built)

    model.save_weights("siamese.weights.h5")
    other = build(head_units=3, name="other")
    other.load_weights("siamese.weights.h5", skip_mismatch=True)
    print("encoder weights equal after skip_mismatch", all(
        np.allclose(a, b) for a, b in zip(other.get_layer("encoder").get_weights(),
                                          model.get_layer("encoder").get_weights())))
    print("head weights", [w.shape for w in other.get_layer("head").get_weights()])


if __name__ == "__main__":
    main()
