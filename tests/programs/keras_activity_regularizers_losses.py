"""A Keras program, written for Keras 3: the extra losses a model collects besides its compiled loss — a Dense
layer's activity_regularizer (L1, L2, L1L2, OrthogonalRegularizer, a registered custom regularizer), weight
regularizers, an ActivityRegularization layer, a custom layer's add_loss of a KL-style term scaled by a rate, and a
subclassed model's own add_loss in call — read back through layer.losses / model.losses after a forward pass,
and trained so that the reported loss includes them (fit, evaluate, train_on_batch). Weights are set from NumPy.
Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers, ops, regularizers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


@keras.saving.register_keras_serializable(package="round11")
class MeanActivation(regularizers.Regularizer):
    def __init__(self, strength=0.1):
        self.strength = strength

    def __call__(self, x):
        return self.strength * ops.square(ops.mean(x))

    def get_config(self):
        return {"strength": self.strength}


class SparsityPenalty(layers.Layer):
    """Adds a KL divergence between a target activation rate and the batch's mean activation."""

    def __init__(self, target=0.1, rate=0.5, **kwargs):
        super().__init__(**kwargs)
        self.target, self.rate = target, rate

    def call(self, x):
        mean = ops.clip(ops.mean(ops.sigmoid(x), axis=0), 1e-6, 1 - 1e-6)
        t = self.target
        kl = t * ops.log(t / mean) + (1 - t) * ops.log((1 - t) / (1 - mean))
        self.add_loss(self.rate * ops.sum(kl))
        return x


class Encoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = layers.Dense(6, activation="relu", activity_regularizer=regularizers.L1(0.01),
                                  kernel_regularizer=regularizers.L2(0.001))
        self.second = layers.Dense(4, activity_regularizer=regularizers.L1L2(l1=0.002, l2=0.01),
                                   bias_regularizer="l2")
        self.sparse = SparsityPenalty(target=0.2, rate=0.3)
        self.ortho = layers.Dense(3, kernel_regularizer=regularizers.OrthogonalRegularizer(0.05, mode="columns"),
                                  activity_regularizer=MeanActivation(0.2))
        self.reg = layers.ActivityRegularization(l1=0.001, l2=0.002)
        self.head = layers.Dense(1)

    def call(self, x):
        h = self.reg(self.ortho(self.sparse(self.second(self.first(x)))))
        self.add_loss(0.01 * ops.mean(ops.square(h)))
        return self.head(h)


def main():
    rng = np.random.default_rng(44)
    x = rng.standard_normal((60, 5)).astype("float32")
    y = (x[:, :1] * 2 - x[:, 1:2] + 0.5).astype("float32")

    model = Encoder(name="encoder")
    model(x[:2])
    init = np.random.default_rng(5)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    out = model(x[:10])
    print("output", tuple(out.shape), "losses", len(model.losses))
    print("loss values", r([ops.convert_to_numpy(loss) for loss in model.losses]))
    for layer in (model.first, model.second, model.sparse, model.ortho, model.reg):
        print(" ", layer.name, len(layer.losses), r(sum(ops.convert_to_numpy(loss) for loss in layer.losses)))
    print("config", model.ortho.get_config()["kernel_regularizer"]["config"],
          model.ortho.get_config()["activity_regularizer"]["class_name"],
          model.second.get_config()["activity_regularizer"]["config"])

    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse", metrics=["mae"])
    history = model.fit(x[:48], y[:48], batch_size=12, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[48:], y[48:]))
    for key in sorted(history.history):
        print(key, r(history.history[key]))
    print("evaluate", r(model.evaluate(x[48:], y[48:], verbose=0)))
    mse = float(np.mean((model.predict(x[48:], verbose=0) - y[48:]) ** 2))
    print("plain mse below evaluate loss", mse < model.evaluate(x[48:], y[48:], verbose=0)[0], r(mse))
    print("train_on_batch", r(model.train_on_batch(x[:12], y[:12])))

    inputs = keras.Input((5,))
    hidden = layers.Dense(4, activity_regularizer="l2", name="act_l2")(inputs)
    functional = keras.Model(inputs, layers.Dense(1, name="out")(hidden))
    functional.set_weights([np.full(w.shape, 0.1, "float32") for w in functional.get_weights()])
    functional(x[:6])
    print("functional losses", r([ops.convert_to_numpy(loss) for loss in functional.losses]))
    functional.compile(optimizer="sgd", loss="mse")
    print("functional evaluate", r(functional.evaluate(x[:6], y[:6], verbose=0)))
    print("regularizer call", r(regularizers.L1L2(0.1, 0.2)(ops.convert_to_tensor([[1.0, -2.0]]))),
          r(regularizers.OrthogonalRegularizer(0.1)(ops.convert_to_tensor(
              np.array([[1.0, 0.5], [0.2, 1.0], [0.3, 0.1]], "float32")))))


if __name__ == "__main__":
    main()
