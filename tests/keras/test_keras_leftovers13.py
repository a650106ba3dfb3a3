"""Keras differences left by earlier rounds, checked against Keras 3 (torch backend) directly: cross-entropies of a
softmax or sigmoid output taken from the clipped probabilities as Keras's torch backend takes them (losses, metrics,
keras.ops, fit's first loss)."""
import numpy as np
import pytest

import autograd as ag
from tests.keras.oracle import fresh_sessions

RNG = np.random.default_rng(13)
X = (RNG.normal(size=(32, 6)) * 4).astype(np.float32)     # large enough that some probabilities saturate
KERNEL = RNG.normal(size=(6, 5)).astype(np.float32) * 2
BIAS = RNG.normal(size=5).astype(np.float32)
LABELS = RNG.integers(0, 5, 32)
ONE_HOT = np.eye(5, dtype=np.float32)[LABELS]
BITS = (RNG.random((32, 5)) > 0.5).astype(np.float32)

# (activation of the output layer, loss name, target)
_CROSS_ENTROPIES = [("softmax", "categorical_crossentropy", ONE_HOT),
                    ("softmax", "sparse_categorical_crossentropy", LABELS),
                    ("sigmoid", "binary_crossentropy", BITS)]
_CLASSES = {"categorical_crossentropy": "CategoricalCrossentropy",
            "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
            "binary_crossentropy": "BinaryCrossentropy"}


def _dense(keras, activation):
    layer = keras.layers.Dense(5, activation=activation)
    layer.build((None, 6))
    layer.set_weights([KERNEL, BIAS])
    return layer


def _cross_entropy_run(keras, activation, name, target, form):
    """(loss value(s), the kernel's gradient) of `form` ('function', 'loss', 'metric', 'ops') on a Dense output."""
    import torch
    theirs = keras.__name__ == "keras"
    layer = _dense(keras, activation)
    probabilities = layer(torch.tensor(X) if theirs else ag.tensor(X))
    if form == "function":
        value = getattr(keras.losses, name)(target, probabilities).sum()
    elif form == "loss":
        value = getattr(keras.losses, _CLASSES[name])()(target, probabilities)
    elif form == "metric":
        metric = getattr(keras.metrics, _CLASSES[name])()
        metric.update_state(target, probabilities)
        value = metric.result()
    else:
        value = getattr(keras.ops, name)(keras.ops.convert_to_tensor(target), probabilities).sum()
    if form == "metric":
        return float(value), None
    value.backward()
    grad = layer.kernel.value.grad if theirs else layer.kernel.grad
    return float(value.detach()), np.asarray(grad)


@pytest.mark.parametrize("form", ["function", "loss", "metric", "ops"])
@pytest.mark.parametrize("activation,name,target", _CROSS_ENTROPIES, ids=[c[1] for c in _CROSS_ENTROPIES])
def test_cross_entropy_of_probabilities_is_keras_torch_backends(activation, name, target, form):
    """Keras's torch backend clips the probabilities and takes their log; the logits form gave other values where
    the probabilities saturate (here by several units)."""
    keras, ours = fresh_sessions()
    k_value, k_grad = _cross_entropy_run(keras, activation, name, target, form)
    o_value, o_grad = _cross_entropy_run(ours, activation, name, target, form)
    assert o_value == pytest.approx(k_value, rel=2e-6)
    if k_grad is not None:
        np.testing.assert_allclose(o_grad, k_grad, rtol=1e-5, atol=1e-7)


def test_saturated_sigmoid_is_clipped_as_keras_does():
    """sigmoid(40) is 1 in float32: Keras's loss is -log(1e-7) for a 0 target, clipped, not the logits' 40."""
    keras, ours = fresh_sessions()
    import torch
    k = keras.losses.binary_crossentropy([[0.0]], keras.activations.sigmoid(torch.tensor([[40.0]])))
    o = ours.losses.binary_crossentropy([[0.0]], ours.activations.sigmoid(ag.tensor([[40.0]])))
    assert float(o[0]) == float(k[0]) == pytest.approx(15.942385, rel=1e-6)


def test_first_epoch_loss_of_a_softmax_classifier_is_keras():
    """fit's logged loss for a softmax classifier (the keras-io mixture-of-experts baseline differed by 0.036)."""
    keras, ours = fresh_sessions()
    losses = []
    for lib in (keras, ours):
        lib.utils.set_random_seed(0)
        model = lib.Sequential([lib.Input((6,)), lib.layers.Dense(5, activation="softmax")])
        model.set_weights([KERNEL, BIAS])
        model.compile(optimizer=lib.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["sparse_categorical_crossentropy"])
        history = model.fit(X, LABELS, batch_size=8, epochs=2, shuffle=False, verbose=0)
        losses.append(history.history)
    assert losses[1].keys() == losses[0].keys()
    for key in losses[0]:
        np.testing.assert_allclose(losses[1][key], losses[0][key], rtol=2e-6, err_msg=key)
