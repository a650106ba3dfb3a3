"""Losses against real Keras 3 (torch backend): values and gradients, on probabilities (after a softmax or
sigmoid, and plain), on logits (from_logits=True), with sample weights and label smoothing."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(3)
N, C = 6, 4
LOGITS = RNG.standard_normal((N, C)).astype(np.float32) * 2
SPARSE = RNG.integers(0, C, N)
ONE_HOT = np.eye(C, dtype=np.float32)[SPARSE]
BINARY = RNG.integers(0, 2, (N, 1)).astype(np.float32)
REAL = RNG.standard_normal((N, 3)).astype(np.float32)
WEIGHTS = RNG.uniform(0.2, 2.0, N).astype(np.float32)


def _pair(keras, name, **kwargs):
    return getattr(keras.losses, name)(**kwargs), getattr(ours.losses, name)(**kwargs)


# (class name, kwargs, targets, how y_pred is made from LOGITS-like raw values: 'softmax' | 'sigmoid' | 'raw' |
#  'normalised' (probabilities not made by a softmax))
CASES = [
    ("SparseCategoricalCrossentropy", {}, SPARSE, "softmax"),
    ("SparseCategoricalCrossentropy", {}, SPARSE, "normalised"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, SPARSE, "raw"),
    ("CategoricalCrossentropy", {}, ONE_HOT, "softmax"),
    ("CategoricalCrossentropy", {"label_smoothing": 0.1}, ONE_HOT, "normalised"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, ONE_HOT, "raw"),
    ("BinaryCrossentropy", {}, BINARY, "sigmoid"),
    ("BinaryCrossentropy", {}, BINARY, "sigmoid_plain"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BINARY, "raw1"),
    ("MeanSquaredError", {}, REAL, "raw3"),
    ("MeanAbsoluteError", {}, REAL, "raw3"),
    ("Huber", {"delta": 0.7}, REAL, "raw3"),
    ("LogCosh", {}, REAL, "raw3"),
    ("Hinge", {}, BINARY, "raw1"),
    ("KLDivergence", {}, ONE_HOT * 0.9 + 0.025, "softmax"),
    ("Poisson", {}, np.abs(REAL), "positive3"),
]


def _inputs(kind):
    if kind in ("raw1", "sigmoid", "sigmoid_plain"):
        return LOGITS[:, :1].copy()
    if kind == "raw3":
        return RNG.standard_normal((N, 3)).astype(np.float32)
    if kind == "positive3":
        return RNG.uniform(0.1, 2.0, (N, 3)).astype(np.float32)
    return LOGITS.copy()


def _keras_pred(torch, z, kind):
    if kind == "softmax":
        return torch.softmax(z, -1)
    if kind in ("sigmoid", "sigmoid_plain"):
        return torch.sigmoid(z)
    if kind == "normalised":
        e = torch.exp(z)
        return e / e.sum(-1, keepdim=True)
    return z


def _our_pred(z, kind):
    if kind == "softmax":
        return ours.activations.softmax(z)
    if kind == "sigmoid":
        return ours.activations.sigmoid(z)
    if kind == "sigmoid_plain":
        return z.sigmoid()
    if kind == "normalised":
        e = z.exp()
        return e / e.sum(dim=-1, keepdim=True)
    return z


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("name,kwargs,targets,kind", CASES,
                         ids=[f"{c[0]}-{'-'.join(f'{k}={v}' for k, v in c[1].items()) or 'default'}-{c[3]}"
                              for c in CASES])
def test_loss_matches_keras(name, kwargs, targets, kind, weighted):
    keras = real_keras()
    import torch
    theirs, mine = _pair(keras, name, **kwargs)
    raw = _inputs(kind)
    weight = WEIGHTS if weighted else None
    z_t = torch.tensor(raw, requires_grad=True)
    k_value = theirs(targets, _keras_pred(torch, z_t, kind), sample_weight=weight)
    (k_grad,) = torch.autograd.grad(k_value, [z_t])
    z_o = ag.tensor(raw, requires_grad=True)
    o_value = mine(targets, _our_pred(z_o, kind), sample_weight=weight)
    o_value.backward()
    np.testing.assert_allclose(o_value.item(), k_value.item(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(z_o.grad.numpy(), k_grad.numpy(), rtol=1e-4, atol=1e-6)


def test_loss_functions_return_per_example_values_like_keras():
    keras = real_keras()
    probs = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)
    for fn, target in (("sparse_categorical_crossentropy", SPARSE), ("categorical_crossentropy", ONE_HOT),
                       ("mean_squared_error", ONE_HOT), ("binary_crossentropy", ONE_HOT)):
        theirs = np.asarray(getattr(keras.losses, fn)(target, probs))
        mine = getattr(ours.losses, fn)(target, probs).numpy()
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6, err_msg=fn)


def test_saturated_softmax_is_clipped_as_keras_does():
    """A saturated softmax: Keras's torch backend clips p at 1e-7 (loss -log(1e-7) ~ 16.118), not the logits' 60."""
    z = ag.tensor(np.array([[0.0, 60.0]], np.float32))
    loss = ours.losses.SparseCategoricalCrossentropy()(np.array([0]), ours.activations.softmax(z))
    assert loss.item() == pytest.approx(16.11809539794922, rel=1e-6)
