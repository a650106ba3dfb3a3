"""A Keras program, written for Keras 3, whose losses and metrics are written with keras.ops: a label-smoothed
cross-entropy loss function (ops.one_hot, ops.log_softmax), a Loss subclass with a margin (ops.top_k,
ops.where, ops.take_along_axis) and its reduction, a stateful top-2 recall Metric with add_variable, a
per-class error Metric accumulated with ops.segment_sum and ops.bincount, and a plain metric function; the
model trains with sample_weight and class_weight, and the metrics are also driven by hand (update_state with
sample_weight, result, reset_state). The weights start from the same NumPy arrays, so real Keras and deepgrad
print the same numbers."""
import numpy as np

import keras
from keras import layers, ops

CLASSES = 4


def smoothed_crossentropy(y_true, y_pred):
    labels = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), CLASSES)
    labels = labels * 0.9 + 0.1 / CLASSES
    return -ops.sum(labels * ops.log_softmax(y_pred, axis=-1), axis=-1)


class MarginLoss(keras.losses.Loss):
    def __init__(self, margin=1.0, name="margin_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.margin = margin

    def call(self, y_true, y_pred):
        labels = ops.cast(ops.reshape(y_true, (-1, 1)), "int32")
        true_score = ops.take_along_axis(y_pred, labels, axis=-1)[:, 0]
        top2, top_idx = ops.top_k(y_pred, k=2)
        best_other = ops.where(top_idx[:, 0] == labels[:, 0], top2[:, 1], top2[:, 0])
        return ops.relu(self.margin - true_score + best_other)

    def get_config(self):
        return {**super().get_config(), "margin": self.margin}


class TopTwoRecall(keras.metrics.Metric):
    def __init__(self, name="top2_recall", **kwargs):
        super().__init__(name=name, **kwargs)
        self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels = ops.cast(ops.reshape(y_true, (-1, 1)), "int32")
        _, top_idx = ops.top_k(y_pred, k=2)
        hit = ops.cast(ops.any(ops.equal(top_idx, labels), axis=-1), "float32")
        weight = ops.ones_like(hit) if sample_weight is None else ops.cast(ops.reshape(sample_weight, (-1,)), "float32")
        self.hits.assign_add(ops.sum(hit * weight))
        self.total.assign_add(ops.sum(weight))

    def result(self):
        return ops.divide_no_nan(self.hits, self.total)


class PerClassError(keras.metrics.Metric):
    def __init__(self, name="worst_class_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.errors = self.add_variable(shape=(CLASSES,), initializer="zeros", name="errors")
        self.counts = self.add_variable(shape=(CLASSES,), initializer="zeros", name="counts")

    def update_state(self, y_true, y_pred, sample_weight=None):
        labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
        wrong = ops.cast(ops.argmax(y_pred, axis=-1) != labels, "float32")
        self.errors.assign_add(ops.segment_sum(wrong, labels, num_segments=CLASSES))
        self.counts.assign_add(ops.cast(ops.bincount(labels, minlength=CLASSES), "float32"))

    def result(self):
        return ops.max(ops.divide_no_nan(self.errors, self.counts))


def mean_true_logit(y_true, y_pred):
    labels = ops.cast(ops.reshape(y_true, (-1, 1)), "int32")
    return ops.mean(ops.take_along_axis(y_pred, labels, axis=-1))


def build():
    inputs = keras.Input((6,))
    x = layers.Dense(10, activation="gelu")(inputs)
    x = layers.Dense(CLASSES)(x)
    model = keras.Model(inputs, x)
    init = np.random.default_rng(8)
    model.set_weights([init.uniform(-0.6, 0.6, size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def main():
    rng = np.random.default_rng(17)
    x = rng.standard_normal((80, 6)).astype("float32")
    y = (np.argmax(x[:, :CLASSES] + 0.3 * rng.standard_normal((80, CLASSES)), axis=1)).astype("int32")
    weights = rng.uniform(0.5, 1.5, size=80).astype("float32")
    print("classes", np.bincount(y).tolist())

    logits = np.round(rng.standard_normal((5, CLASSES)), 3).astype("float32")
    labels = np.array([0, 3, 1, 1, 2], "int32")
    print("smoothed", np.round(ops.convert_to_numpy(smoothed_crossentropy(labels, logits)), 5).tolist())
    for reduction in ("sum_over_batch_size", "sum", None):
        value = MarginLoss(margin=0.5, reduction=reduction)(labels, logits, sample_weight=[1.0, 2.0, 0.0, 1.0, 0.5])
        print("margin", reduction, np.round(ops.convert_to_numpy(value), 5).tolist())
    metric = TopTwoRecall()
    metric.update_state(labels, logits)
    first = float(metric.result())
    metric.update_state(labels, -logits, sample_weight=[1, 1, 3, 1, 1])
    print("top2", "%.5f" % first, "%.5f" % float(metric.result()), [v.name for v in metric.variables])
    metric.reset_state()
    print("reset", float(metric.result()))
    per_class = PerClassError()
    per_class.update_state(labels, logits)
    print("per_class", np.round(ops.convert_to_numpy(per_class.errors), 5).tolist(), "%.5f" % float(per_class.result()))

    model = build()
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=smoothed_crossentropy,
                  metrics=[TopTwoRecall(), PerClassError(), mean_true_logit,
                           keras.metrics.SparseCategoricalAccuracy(name="acc")])
    history = model.fit(x[:64], y[:64], sample_weight=weights[:64], epochs=3, batch_size=16, shuffle=False,
                        verbose=0, validation_data=(x[64:], y[64:]))
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])

    margin_model = build()
    margin_model.compile(optimizer=keras.optimizers.SGD(0.1), loss=MarginLoss(margin=1.0),
                         metrics=[TopTwoRecall(), keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")])
    history = margin_model.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 0.5, 3: 1.5}, epochs=3, batch_size=20,
                               shuffle=False, verbose=0)
    for key in sorted(history.history):
        print(key, ["%.5f" % v for v in history.history[key]])
    results = margin_model.evaluate(x, y, sample_weight=weights, batch_size=32, verbose=0, return_dict=True)
    print({k: "%.5f" % v for k, v in sorted(results.items())})
    print("predict", np.round(margin_model.predict(x[:3], verbose=0), 5).tolist())
    print("config", MarginLoss.from_config(MarginLoss(margin=0.25).get_config()).margin)


if __name__ == "__main__":
    main()
