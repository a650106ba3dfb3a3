"""A Keras program, written for Keras 3: a 4-class classifier on imbalanced data, trained with a custom Loss
subclass (focal cross-entropy with get_config) and a custom stateful Metric (macro recall with add_weight),
class_weight in one fit and sample_weight in another, and Keras's metrics AUC (one-vs-rest, multi_label),
Precision/Recall at a threshold and for one class_id, TopKCategoricalAccuracy and CategoricalAccuracy;
the custom loss and metric survive get_config/from_config and keras.losses/metrics serialize/deserialize.
The weights start from the same NumPy arrays, so real Keras and deepgrad print the same numbers."""
import numpy as np

import keras
from keras import layers, ops


class FocalCrossentropy(keras.losses.Loss):
    def __init__(self, gamma=2.0, name="focal_crossentropy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.gamma = gamma

    def call(self, y_true, y_pred):
        y_pred = ops.clip(y_pred, 1e-7, 1.0 - 1e-7)
        ce = -y_true * ops.log(y_pred)
        return ops.sum(ops.power(1.0 - y_pred, self.gamma) * ce, axis=-1)

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma}


class MacroRecall(keras.metrics.Metric):
    def __init__(self, num_classes, name="macro_recall", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_classes = num_classes
        self.hits = self.add_weight(shape=(num_classes,), initializer="zeros", name="hits")
        self.totals = self.add_weight(shape=(num_classes,), initializer="zeros", name="totals")

    def update_state(self, y_true, y_pred, sample_weight=None):
        true = ops.argmax(y_true, axis=-1)
        pred = ops.argmax(y_pred, axis=-1)
        true_hot = ops.one_hot(true, self.num_classes)
        hit = ops.cast(ops.equal(true, pred), "float32")
        self.hits.assign_add(ops.sum(true_hot * ops.expand_dims(hit, -1), axis=0))
        self.totals.assign_add(ops.sum(true_hot, axis=0))

    def result(self):
        return ops.mean(ops.divide_no_nan(self.hits, self.totals))

    def reset_state(self):
        self.hits.assign(ops.zeros((self.num_classes,)))
        self.totals.assign(ops.zeros((self.num_classes,)))

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes}


def make_model():
    model = keras.Sequential([keras.Input((6,)), layers.Dense(12, activation="relu"),
                              layers.Dense(4, activation="softmax")])
    init = np.random.default_rng(8)
    for w in model.weights:
        w.assign(init.uniform(-0.5, 0.5, size=tuple(w.shape)).astype("float32"))
    return model


def metrics():
    return ["categorical_accuracy", keras.metrics.TopKCategoricalAccuracy(k=2, name="top2"),
            keras.metrics.AUC(name="auc", multi_label=True, num_labels=4),
            keras.metrics.AUC(name="pr_auc", curve="PR", num_thresholds=50),
            keras.metrics.Precision(thresholds=0.4, name="precision"),
            keras.metrics.Recall(class_id=3, name="recall_3"), MacroRecall(4)]


def main():
    rng = np.random.default_rng(13)
    x = rng.standard_normal((120, 6)).astype("float32")
    labels = np.digitize(x[:, 0] + 0.5 * x[:, 1], [-0.2, 0.9, 1.6])
    y = keras.utils.to_categorical(labels, num_classes=4)
    print("counts", np.bincount(labels).tolist(), y.dtype, y.shape)

    loss = FocalCrossentropy(gamma=1.5)
    config = loss.get_config()
    print("loss config", sorted(config.items()))
    again = FocalCrossentropy.from_config(config)
    print("same loss", "%.6f" % float(ops.convert_to_numpy(again(y[:8], np.full((8, 4), 0.25, "float32")))))
    blob = keras.losses.serialize(loss)
    print(blob["class_name"], blob["config"]["gamma"],
          type(keras.losses.deserialize(blob, custom_objects={"FocalCrossentropy": FocalCrossentropy})).__name__)
    metric = MacroRecall(4)
    print("metric config", sorted(metric.get_config().items()))
    print(type(MacroRecall.from_config(metric.get_config())).__name__, MacroRecall.from_config(metric.get_config()).num_classes)

    class_weight = {0: 1.0, 1: 1.0, 2: 2.5, 3: 4.0}
    model = make_model()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss, metrics=metrics())
    history = model.fit(x, y, epochs=3, batch_size=40, shuffle=False, verbose=0, class_weight=class_weight,
                        validation_data=(x[:40], y[:40]))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])

    weights = np.where(labels == 3, 3.0, 1.0).astype("float32")
    model = make_model()
    model.compile(optimizer=keras.optimizers.Adam(0.015), loss=loss, metrics=metrics(),
                  weighted_metrics=["categorical_accuracy"])
    history = model.fit(x, y, sample_weight=weights, epochs=2, batch_size=40, shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = model.evaluate(x, y, sample_weight=weights, verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(results.items())})
    print([m.name for m in model.metrics])


if __name__ == "__main__":
    main()
