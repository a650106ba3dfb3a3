"""SquaredHinge, CategoricalHinge, MeanSquaredLogarithmicError, CosineSimilarity, the focal cross-entropies,
Dice and Tversky against real Keras 3 (torch backend): values and gradients, with sample weights and every
reduction, the function forms and the names compile accepts."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(23)
N, C = 6, 4
RAW = RNG.standard_normal((N, C)).astype(np.float32) * 1.5
PROBS = 1.0 / (1.0 + np.exp(-RAW))
SOFT = np.exp(RAW) / np.exp(RAW).sum(-1, keepdims=True)
ONE_HOT = np.eye(C, dtype=np.float32)[RNG.integers(0, C, N)]
BINARY = RNG.integers(0, 2, (N, C)).astype(np.float32)
SIGNED = BINARY * 2 - 1
REAL = np.abs(RNG.standard_normal((N, C))).astype(np.float32)
WEIGHTS = RNG.uniform(0.2, 2.0, N).astype(np.float32)

# (class, kwargs, y_true, y_pred input, how y_pred is made from the input: 'raw' | 'sigmoid' | 'softmax')
CASES = [
    ("SquaredHinge", {}, BINARY, RAW, "raw"), ("SquaredHinge", {}, SIGNED, RAW, "raw"),
    ("CategoricalHinge", {}, ONE_HOT, RAW, "raw"),
    ("MeanSquaredLogarithmicError", {}, REAL, RAW, "raw"),
    ("CosineSimilarity", {}, RAW[::-1].copy(), RAW, "raw"), ("CosineSimilarity", {"axis": 0}, REAL, RAW, "raw"),
    ("BinaryFocalCrossentropy", {}, BINARY, RAW, "sigmoid"),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5}, BINARY, RAW, "sigmoid"),
    ("BinaryFocalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BINARY, RAW, "raw"),
    ("CategoricalFocalCrossentropy", {}, ONE_HOT, RAW, "softmax"),
    ("CategoricalFocalCrossentropy", {"alpha": [0.1, 0.2, 0.3, 0.4], "gamma": 3.0, "label_smoothing": 0.1},
     ONE_HOT, RAW, "softmax"),
    ("CategoricalFocalCrossentropy", {"from_logits": True}, ONE_HOT, RAW, "raw"),
    ("Dice", {}, BINARY, RAW, "sigmoid"), ("Dice", {"axis": -1}, BINARY, RAW, "sigmoid"),
    ("Tversky", {}, BINARY, RAW, "sigmoid"), ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": 1}, BINARY, RAW,
                                              "sigmoid"),
]


def _ids(cases):
    return [f"{c[0]}-{'-'.join(f'{k}={v}' for k, v in c[1].items()) or 'default'}-{k}" for k, c in enumerate(cases)]


def _make(x, kind, softmax, sigmoid):
    return softmax(x) if kind == "softmax" else sigmoid(x) if kind == "sigmoid" else x


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "sample_weight"])
@pytest.mark.parametrize("name,kwargs,y_true,raw,kind", CASES, ids=_ids(CASES))
def test_loss_matches_keras(name, kwargs, y_true, raw, kind, weighted, reduction):
    keras = real_keras()
    import torch
    theirs = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    mine = getattr(ours.losses, name)(reduction=reduction, **kwargs)
    weight = (WEIGHTS[:C] if kwargs.get("axis") == 0 else WEIGHTS) if weighted else None  # one value per column
    z_t = torch.tensor(raw, requires_grad=True)
    k_value = theirs(y_true, _make(z_t, kind, lambda t: torch.softmax(t, -1), torch.sigmoid), sample_weight=weight)
    (k_grad,) = torch.autograd.grad(k_value.sum(), [z_t])
    z_o = ag.tensor(raw, requires_grad=True)
    o_value = mine(y_true, _make(z_o, kind, lambda t: t.softmax(dim=-1), lambda t: t.sigmoid()), sample_weight=weight)
    o_value.sum().backward()
    np.testing.assert_allclose(o_value.numpy(), k_value.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(z_o.grad.numpy(), k_grad.numpy(), rtol=1e-4, atol=1e-6)


FUNCTIONS = [("squared_hinge", BINARY, RAW), ("categorical_hinge", ONE_HOT, RAW),
             ("mean_squared_logarithmic_error", REAL, RAW), ("cosine_similarity", REAL, RAW),
             ("binary_focal_crossentropy", BINARY, PROBS), ("categorical_focal_crossentropy", ONE_HOT, SOFT),
             ("dice", BINARY, PROBS), ("tversky", BINARY, PROBS)]


@pytest.mark.parametrize("fn,y_true,y_pred", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_functions_give_keras_values_per_example(fn, y_true, y_pred):
    keras = real_keras()
    theirs = keras.ops.convert_to_numpy(getattr(keras.losses, fn)(y_true, y_pred))
    mine = getattr(ours.losses, fn)(y_true, y_pred).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_names_in_compile_resolve_like_keras():
    keras = real_keras()
    for name in ("squared_hinge", "categorical_hinge", "msle", "mean_squared_logarithmic_error",
                 "cosine_similarity", "binary_focal_crossentropy", "categorical_focal_crossentropy", "dice",
                 "tversky", "SquaredHinge", "Dice", "BinaryFocalCrossentropy"):
        theirs, mine = keras.losses.get(name), ours.losses.get(name)
        value = keras.ops.convert_to_numpy(theirs(BINARY, PROBS))
        np.testing.assert_allclose(np.mean(mine(BINARY, PROBS).numpy()), np.mean(value), rtol=1e-5, err_msg=name)
    x = RNG.standard_normal((32, 5)).astype(np.float32)
    y = (x[:, :2] > 0).astype(np.float32)
    model = ours.Sequential([ours.Input(shape=(5,)), ours.layers.Dense(2, activation="sigmoid")])
    model.compile("adam", loss="binary_focal_crossentropy")
    assert np.isfinite(model.fit(x, y, epochs=1, verbose=0).history["loss"][0])


def test_focal_axis_must_be_an_int():
    with pytest.raises(ValueError, match="axis must be an int"):
        ours.losses.categorical_focal_crossentropy(ONE_HOT, SOFT, axis=True)
