"""A Keras program, written for Keras 3: fit's data paths at their edges — a finite generator that runs out
before steps_per_epoch * epochs (Keras stops early and keeps what it trained), a generator of
(x, y, sample_weight) triples, dict inputs and a dict of sample weights per output for a two-output model,
validation_split on dict inputs, epochs=0, evaluate / predict with steps on a generator, a PyDataset whose
last batch is short, and the History and logs each of these leave. Weights come from NumPy, so real Keras and
deepgrad print the same numbers."""
import warnings

import numpy as np

import keras
from keras import layers


def r(values, digits=4):
    return np.round(np.asarray(values, "float64"), digits).tolist()


def single(seed):
    model = keras.Sequential([keras.Input((3,)), layers.Dense(5, activation="relu"), layers.Dense(1)])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return model


def two_outputs(seed):
    a = keras.Input((3,), name="a")
    b = keras.Input((2,), name="b")
    h = layers.Dense(4, activation="tanh", name="shared")(layers.Concatenate()([a, b]))
    out_r = layers.Dense(1, name="reg")(h)
    out_c = layers.Dense(1, activation="sigmoid", name="cls")(h)
    model = keras.Model({"a": a, "b": b}, {"reg": out_r, "cls": out_c})
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.6, 0.6, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss={"reg": "mse", "cls": "binary_crossentropy"},
                  loss_weights={"reg": 1.0, "cls": 0.5}, metrics={"cls": ["accuracy"], "reg": ["mae"]})
    return model


class Short(keras.utils.PyDataset):
    def __init__(self, x, y, batch):
        super().__init__()
        self.x, self.y, self.batch = x, y, batch

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch))

    def __getitem__(self, index):
        part = slice(index * self.batch, (index + 1) * self.batch)
        return self.x[part], self.y[part]


def main():
    rng = np.random.default_rng(1707)
    x = rng.normal(size=(40, 3)).astype("float32")
    y = (x[:, :1] - 0.5 * x[:, 1:2] ** 2).astype("float32")

    def finite(n_batches, batch=8):
        for k in range(n_batches):
            yield x[k * batch:(k + 1) * batch], y[k * batch:(k + 1) * batch]

    model = single(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(finite(5), steps_per_epoch=3, epochs=3, verbose=0)
    print("ran out", history.epoch, {k: r(v) for k, v in history.history.items()})
    print("iterations", int(model.optimizer.iterations))

    def triples():
        while True:
            for k in range(0, 40, 10):
                yield x[k:k + 10], y[k:k + 10], np.linspace(0.0, 1.0, 10).astype("float32")

    model = single(2)
    history = model.fit(triples(), steps_per_epoch=4, epochs=2, verbose=0)
    print("triples", {k: r(v) for k, v in history.history.items()})
    print("evaluate steps", r(model.evaluate(triples(), steps=2, verbose=0)))
    print("predict steps", model.predict(triples(), steps=3, verbose=0).shape)

    model = single(3)
    history = model.fit(x, y, epochs=0, verbose=0)
    print("epochs=0", history.epoch, history.history, int(model.optimizer.iterations))

    model = single(4)
    history = model.fit(Short(x, y, 16), epochs=2, shuffle=False, verbose=0)
    print("short last batch", {k: r(v) for k, v in history.history.items()}, int(model.optimizer.iterations))
    print("evaluate pydataset", r(model.evaluate(Short(x, y, 16), verbose=0, return_dict=True)["loss"]))

    inputs = {"a": x, "b": rng.normal(size=(40, 2)).astype("float32")}
    targets = {"reg": y, "cls": (x[:, :1] > 0).astype("float32")}
    model = two_outputs(5)
    history = model.fit(inputs, targets, batch_size=10, epochs=2, shuffle=False, verbose=0,
                        sample_weight={"reg": np.ones(40, "float32"), "cls": np.linspace(0.5, 1.5, 40)})
    print("dict keys", list(history.history))
    for key, values in history.history.items():
        print("  ", key, r(values))
    model = two_outputs(5)
    history = model.fit(inputs, targets, batch_size=10, epochs=2, shuffle=False, verbose=0, validation_split=0.2)
    print("dict validation_split", list(history.history))
    print("  val_loss", r(history.history["val_loss"]), "val_cls_accuracy", r(history.history["val_cls_accuracy"]))
    result = model.evaluate(inputs, targets, verbose=0, return_dict=True)
    print("evaluate dict", {k: round(float(v), 4) for k, v in result.items()})
    print("evaluate list", r(model.evaluate(inputs, targets, verbose=0)))
    out = model.predict(inputs, batch_size=16, verbose=0)
    print("predict", type(out).__name__, sorted(out), {k: v.shape for k, v in out.items()})
    print("test_on_batch", r(model.test_on_batch(inputs, targets)))


if __name__ == "__main__":
    main()
