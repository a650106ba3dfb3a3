"""A Keras program, written for Keras 3: a subclassed keras.Model (layers made in __init__, a training flag in
call, get_config / from_config, registered with a package) trained with ReduceLROnPlateau(mode="max", cooldown,
min_delta, verbose=1) watching a validation AUC and EarlyStopping inferring "max" from the compiled AUC, with a
baseline, saved whole to a .keras file with its optimizer state, loaded back, and trained on side by side with
the original: both must stay identical. Also get_layer, get_weights / set_weights between the two, and the
History's keys, epochs and learning rates. Real Keras and deepgrad print the same."""
import numpy as np

import keras
from keras import layers


def r(values):
    return np.round(np.asarray(values, "float64"), 5).tolist()


@keras.saving.register_keras_serializable(package="round10")
class ResidualClassifier(keras.Model):
    def __init__(self, hidden=8, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.hidden, self.dropout = hidden, dropout
        self.stem = layers.Dense(hidden, activation="relu", name="stem")
        self.block = layers.Dense(hidden, activation="relu", name="block")
        self.norm = layers.LayerNormalization(name="norm")
        self.drop = layers.Dropout(dropout)   # rate 0 here: random draws differ between backends
        self.head = layers.Dense(1, activation="sigmoid", name="head")

    def call(self, inputs, training=False):
        h = self.stem(inputs)
        h = self.norm(h + self.block(h))
        return self.head(self.drop(h, training=training))

    def get_config(self):
        config = super().get_config()
        config.update({"hidden": self.hidden, "dropout": self.dropout})
        return config


class LrLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_end(self, epoch, logs=None):
        self.rates.append(float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate)))


def main():
    rng = np.random.default_rng(41)
    x = rng.standard_normal((120, 5)).astype("float32")
    y = ((x[:, 0] * x[:, 1] + 0.5 * x[:, 2]) > 0).astype("float32")[:, None]
    model = ResidualClassifier(hidden=8, name="residual")
    model(x[:1])   # builds every layer (a subclassed model without build() is not built by build())
    init = np.random.default_rng(2)
    model.set_weights([init.uniform(-0.5, 0.5, w.shape).astype("float32") for w in model.get_weights()])
    print("layers", [layer.name for layer in model.layers], model.get_layer("block").units)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=[keras.metrics.AUC(name="auc"), "accuracy"])
    plateau = keras.callbacks.ReduceLROnPlateau(monitor="val_auc", mode="max", factor=0.5, patience=1, cooldown=1,
                                                min_delta=0.002, min_lr=0.01, verbose=1)
    stop = keras.callbacks.EarlyStopping(monitor="val_auc", patience=3, baseline=0.5)
    log = LrLog()
    history = model.fit(x[:90], y[:90], batch_size=15, epochs=8, shuffle=False, verbose=0,
                        validation_data=(x[90:], y[90:]), callbacks=[plateau, stop, log])
    print("epochs", history.epoch, "stopped", stop.stopped_epoch)
    print("keys", sorted(history.history))
    for key in ("loss", "val_auc", "learning_rate"):
        print(key, r(history.history[key]))
    print("rates", r(log.rates))

    model.save("residual.keras")
    loaded = keras.saving.load_model("residual.keras")
    print("loaded", type(loaded).__name__, loaded.name, loaded.hidden, loaded.dropout,
          int(loaded.optimizer.iterations), r(keras.ops.convert_to_numpy(loaded.optimizer.learning_rate)))
    print("same predictions", bool(np.allclose(model.predict(x, verbose=0), loaded.predict(x, verbose=0))))
    print("config", sorted(loaded.get_config().items()))
    for which, net in (("original", model), ("loaded", loaded)):
        more = net.fit(x[:90], y[:90], batch_size=30, epochs=2, shuffle=False, verbose=0)
        print(which, r(more.history["loss"]), r(net.predict(x[:3], verbose=0)[:, 0]))
    copy = ResidualClassifier.from_config(model.get_config())
    copy(x[:1])
    copy.set_weights(loaded.get_weights())
    print("copy", copy.name, r(copy.predict(x[:3], verbose=0)[:, 0]))


if __name__ == "__main__":
    main()
