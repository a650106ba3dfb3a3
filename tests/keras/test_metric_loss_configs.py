"""Metrics and losses as Keras 3 users configure and serialize them, against real Keras 3 (torch backend):
AUC(multi_label, label_weights), Precision/Recall with a list of thresholds, top_k and class_id,
TopKCategoricalAccuracy's ties, get_config/from_config of custom Loss and Metric subclasses, the crossentropy
losses' axis argument, and keras.losses/metrics/... serialize and deserialize."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(17)
Y_TRUE = (RNG.uniform(size=(50, 4)) > 0.6).astype(np.float32)
Y_PRED = np.clip(Y_TRUE * 0.3 + RNG.uniform(size=(50, 4)) * 0.7, 0, 1).astype(np.float32)
WEIGHTS = RNG.uniform(0.5, 2.0, size=50).astype(np.float32)


def _result(K, make, *args, **kwargs):
    metric = make(K)
    metric.update_state(*args, **kwargs)
    return np.asarray(K.ops.convert_to_numpy(metric.result()), dtype=np.float64)


@pytest.mark.parametrize("name,make", [
    ("multi_label", lambda K: K.metrics.AUC(multi_label=True, num_labels=4)),
    ("multi_label_inferred_pr", lambda K: K.metrics.AUC(multi_label=True, curve="PR")),
    ("multi_label_weights", lambda K: K.metrics.AUC(multi_label=True, label_weights=[1.0, 2.0, 0.5, 1.0])),
    ("label_weights", lambda K: K.metrics.AUC(label_weights=[1.0, 2.0, 0.5, 1.0], num_thresholds=50)),
    ("precision_thresholds", lambda K: K.metrics.Precision(thresholds=[0.3, 0.5, 0.8])),
    ("recall_top_k", lambda K: K.metrics.Recall(top_k=2)),
    ("precision_top_k_class", lambda K: K.metrics.Precision(top_k=2, class_id=1)),
    ("recall_class_threshold", lambda K: K.metrics.Recall(class_id=3, thresholds=0.4)),
])
def test_confusion_metrics_with_their_options_match_keras(name, make):
    keras = real_keras()
    for kwargs in ({}, {"sample_weight": WEIGHTS}):
        np.testing.assert_allclose(_result(ours, make, Y_TRUE, Y_PRED, **kwargs),
                                   _result(keras, make, Y_TRUE, Y_PRED, **kwargs), rtol=1e-5, atol=1e-6,
                                   err_msg=f"{name} {sorted(kwargs)}")


def test_top_k_accuracy_counts_a_tie_with_the_kth_score_as_a_hit():
    keras = real_keras()
    y_pred = np.array([[0.3, 0.4, 0.3, 0.0], [0.1, 0.5, 0.2, 0.2]], np.float32)
    y_true = np.array([[1, 0, 0, 0], [0, 0, 0, 1]], np.float32)
    make = lambda K: K.metrics.TopKCategoricalAccuracy(k=2)   # noqa: E731
    assert _result(ours, make, y_true, y_pred) == _result(keras, make, y_true, y_pred) == 1.0


def test_metric_configs_match_keras_and_round_trip():
    keras = real_keras()
    for make in (lambda K: K.metrics.AUC(num_thresholds=20, multi_label=True, num_labels=3),
                 lambda K: K.metrics.AUC(thresholds=[0.2, 0.6], curve="PR"),
                 lambda K: K.metrics.Precision(thresholds=[0.2, 0.7], name="p"),
                 lambda K: K.metrics.Recall(top_k=3, class_id=1),
                 lambda K: K.metrics.TopKCategoricalAccuracy(k=3, name="top3"),
                 lambda K: K.metrics.MeanSquaredError()):
        mine, theirs = make(ours).get_config(), make(keras).get_config()
        assert {**mine, "name": None} == {**theirs, "name": None}   # auto-names count per library
        assert type(make(ours)).from_config(mine).get_config() == mine


def _custom_classes(K):
    class Scaled(K.losses.Loss):
        def __init__(self, scale=1.0, name="scaled", **kwargs):
            super().__init__(name=name, **kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * K.ops.mean(K.ops.square(y_true - y_pred), axis=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    class Total(K.metrics.Metric):
        def __init__(self, size, name="total", **kwargs):
            super().__init__(name=name, **kwargs)
            self.size = size
            self.sum = self.add_weight(shape=(), initializer="zeros", name="sum")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.sum.assign_add(K.ops.sum(y_pred) * self.size)

        def result(self):
            return self.sum

        def get_config(self):
            return {**super().get_config(), "size": self.size}
    return Scaled, Total


def test_custom_loss_and_metric_round_trip_through_config_and_serialize_as_keras():
    keras = real_keras()
    found = []
    for K in (keras, ours):
        Scaled, Total = _custom_classes(K)
        loss = Scaled(scale=2.5, reduction="sum")
        again = Scaled.from_config(loss.get_config())
        blob = K.losses.serialize(loss)
        back = K.losses.deserialize(blob, custom_objects={"Scaled": Scaled})
        metric = Total.from_config(Total(3).get_config())
        metric_blob = K.metrics.serialize(metric)
        found.append((sorted(loss.get_config().items()), again.scale, again.reduction, blob["class_name"],
                      blob["config"], type(back).__name__, back.scale, sorted(metric.get_config().items()),
                      metric.size, metric_blob["class_name"], metric_blob["config"]))
    assert found[1] == found[0]


def test_crossentropy_losses_take_keras_axis_argument_and_config():
    keras = real_keras()
    for name in ("CategoricalCrossentropy", "BinaryCrossentropy", "BinaryFocalCrossentropy",
                 "CategoricalFocalCrossentropy"):
        mine, theirs = getattr(ours.losses, name)(axis=-1), getattr(keras.losses, name)(axis=-1)
        assert mine.get_config() == theirs.get_config(), name
        assert type(mine).from_config(mine.get_config()).get_config() == mine.get_config()


def test_each_module_serializes_and_deserializes_its_objects():
    cases = [(ours.losses, ours.losses.Huber(delta=0.3)), (ours.metrics, ours.metrics.AUC(num_thresholds=20)),
             (ours.optimizers, ours.optimizers.Adam(0.1)), (ours.initializers, ours.initializers.HeNormal(seed=1)),
             (ours.regularizers, ours.regularizers.L2(0.1)), (ours.constraints, ours.constraints.MaxNorm(2.0)),
             (ours.layers, ours.layers.Dense(3, name="d"))]
    for module, obj in cases:
        again = module.deserialize(module.serialize(obj))
        assert type(again) is type(obj)
        assert again.get_config() == obj.get_config()
    assert ours.activations.deserialize("relu") is ours.activations.relu
    assert ours.losses.deserialize("mse") is not None
