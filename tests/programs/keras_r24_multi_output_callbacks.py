"""A Keras program, written for Keras 3: a two-output functional model (a regression head and a 3-class head)
compiled with a dict `loss`, `loss_weights`, per-output `metrics` lists and `weighted_metrics`, fitted with
`validation_split`, `shuffle=False`, a resumed run from `initial_epoch`, and the callbacks that steer training:
EarlyStopping(restore_best_weights=True, start_from_epoch=2, verbose=1), ReduceLROnPlateau(min_delta=, cooldown=,
verbose=1) and LearningRateScheduler(verbose=1); their messages, the history keys and values, the learning rate
per epoch, evaluate (list and dict forms) and predict on both outputs are printed. Weights are set from NumPy, so
real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers


def r(value, digits=5):
    return np.round(np.asarray(value, dtype="float64"), digits).tolist()


class LearningRates(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.seen = []

    def on_epoch_end(self, epoch, logs=None):
        self.seen.append(round(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)), 6))


def build(init):
    inp = keras.Input((6,), name="features")
    h = layers.Dense(12, activation="relu", name="shared")(inp)
    h = layers.Dropout(0.0, name="noop")(h)
    amount = layers.Dense(1, name="amount")(h)
    kind = layers.Dense(3, activation="softmax", name="kind")(layers.Dense(6, activation="tanh", name="kh")(h))
    model = keras.Model(inp, {"amount": amount, "kind": kind}, name="two_heads")
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(0.05, momentum=0.8),
                  loss={"amount": "huber", "kind": "sparse_categorical_crossentropy"},
                  loss_weights={"amount": 0.5, "kind": 2.0},
                  metrics={"amount": ["mae", keras.metrics.RootMeanSquaredError(name="rmse")],
                           "kind": ["accuracy", keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")]},
                  weighted_metrics={"kind": ["accuracy"]})
    return model


def main():
    rng = np.random.default_rng(2403)
    x = rng.normal(size=(60, 6)).astype("float32")
    amount = (x[:, :2].sum(axis=1, keepdims=True) + 0.1 * rng.normal(size=(60, 1))).astype("float32")
    kind = np.digitize(x[:, 2] - x[:, 3], [-0.7, 0.7]).astype("int32")
    targets = {"amount": amount, "kind": kind}

    model = build(np.random.default_rng(11))
    lrs = LearningRates()
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_delta=0.25,
                                                cooldown=1, min_lr=0.004, verbose=1)
    stop = keras.callbacks.EarlyStopping(monitor="val_kind_accuracy", mode="max", patience=2, start_from_epoch=2,
                                         restore_best_weights=True, verbose=1)
    history = model.fit(x, targets, batch_size=10, epochs=9, verbose=0, shuffle=False, validation_split=0.25,
                        callbacks=[plateau, stop, lrs])
    print("history keys", sorted(history.history))
    for key in ("loss", "amount_loss", "kind_loss", "val_loss", "val_kind_accuracy", "kind_top2", "amount_rmse"):
        print(key, r(history.history[key]))
    print("epochs run", len(history.history["loss"]), "stopped_epoch", stop.stopped_epoch,
          "best_epoch", stop.best_epoch, "best", r(stop.best))
    print("learning rates", lrs.seen)
    print("evaluate list", r(model.evaluate(x, targets, verbose=0)))
    print("evaluate dict", {k: round(v, 5) for k, v in sorted(model.evaluate(x, targets, verbose=0,
                                                                          return_dict=True).items())})

    model = build(np.random.default_rng(11))
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.05 / (1 + epoch), verbose=1)
    first = model.fit(x, targets, batch_size=12, epochs=2, verbose=0, shuffle=False, callbacks=[schedule])
    resumed = model.fit(x, targets, batch_size=12, epochs=5, initial_epoch=2, verbose=0, shuffle=False,
                        callbacks=[schedule], validation_split=0.2)
    print("first", r(first.history["loss"]), "resumed", r(resumed.history["loss"]), "epochs", resumed.epoch)
    print("resumed keys", sorted(resumed.history))
    out = model.predict(x[:4], verbose=0)
    print("predict keys", sorted(out), "amount", r(out["amount"].ravel()))
    print("kind", r(out["kind"]))
    print("final lr", r(keras.ops.convert_to_numpy(model.optimizer.learning_rate)))


if __name__ == "__main__":
    main()
