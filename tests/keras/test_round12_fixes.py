"""Regression tests for the bugs found by the twelfth round of ported Keras programs
(tests/keras/test_keras_programs_round12.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _one_d_sizes(K):
    made = [K.layers.Conv1D(2, 3, dilation_rate=2, padding="causal"), K.layers.Conv1D(2, (5,), strides=2),
            K.layers.MaxPooling1D(2), K.layers.AveragePooling1D(3, 2, padding="same")]
    return [[getattr(layer, key, None) for key in ("kernel_size", "strides", "dilation_rate", "pool_size", "padding")]
            for layer in made]


def test_one_d_conv_and_pooling_sizes_are_one_tuples_as_keras():
    """Conv1D's dilation_rate printed (1, 2) where Keras prints (2,) (a WaveNet's receptive field summed the
    tuples), its padding 'valid' for 'causal', and the 1-D pooling sizes were pairs too."""
    K, ours = fresh_sessions()
    assert _one_d_sizes(ours) == _one_d_sizes(K)


def test_one_d_layers_compute_as_before_with_one_tuple_sizes():
    K, ours = fresh_sessions()
    x = np.linspace(-1, 1, 2 * 11 * 3, dtype="float32").reshape(2, 11, 3)
    for make in (lambda M: M.layers.Conv1D(2, 3, dilation_rate=2, padding="causal", kernel_initializer="ones"),
                 lambda M: M.layers.Conv1D(2, 3, strides=2, padding="same", kernel_initializer="ones"),
                 lambda M: M.layers.MaxPooling1D(3, 2, padding="same"),
                 lambda M: M.layers.AveragePooling1D(3, 2, padding="same")):
        theirs, mine = make(K)(x), make(ours)(x)
        np.testing.assert_allclose(mine.numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)


def _confusion_matrix(K):
    metric = K.metrics.MeanIoU(num_classes=3)
    metric.update_state(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 1]))
    return (metric.total_cm.name, metric.total_cm.path,
            K.ops.convert_to_numpy(metric.total_cm).astype(int).tolist())


def test_iou_metrics_expose_total_cm_as_keras():
    """MeanIoU had no `total_cm`, the attribute Keras code reads for the confusion matrix."""
    K, ours = fresh_sessions()
    assert _confusion_matrix(ours) == _confusion_matrix(K)


@pytest.mark.parametrize("name, kwargs", [("Huber", {"delta": 0.5}), ("CosineSimilarity", {"axis": 1}),
                                          ("CategoricalFocalCrossentropy", {"gamma": 3.0}),
                                          ("BinaryFocalCrossentropy", {"alpha": 0.4})])
def test_loss_configs_list_keras_keys_in_keras_order(name, kwargs):
    """Huber's config held delta and CosineSimilarity's axis, which Keras's leave out, and the focal losses listed
    alpha and gamma first where Keras lists them last: a printed config differed."""
    K, ours = fresh_sessions()
    theirs, mine = getattr(K.losses, name)(**kwargs).get_config(), getattr(ours.losses, name)(**kwargs).get_config()
    assert list(mine.items()) == list(theirs.items())
