"""MultiHeadAttention and EinsumDense against real Keras 3 (torch backend): outputs, attention scores, input and
weight gradients, with Keras masks (query/value/key), causal masks, explicit attention masks and other axes."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours
from nn.keras import masking

from .layer_oracle_cases import check_config_round_trip, check_layer_against_keras
from .oracle import assert_close_lists, real_keras

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _steps_mask(batch, steps, keep):
    """(batch, steps) booleans: the first keep[b] steps of row b are data."""
    return np.arange(steps)[None, :] < np.asarray(keep)[:, None]


def _run_keras(layer, arrays, masks, cotangents, kwargs):
    import torch
    from keras.src import backend
    tensors = {n: torch.tensor(a, requires_grad=True) for n, a in arrays.items()}
    for n, m in masks.items():
        backend.set_keras_mask(tensors[n], torch.tensor(m))
    extra = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    out = layer(tensors["query"], tensors["value"], key=tensors.get("key"), training=False, **extra)
    outs = list(out) if isinstance(out, tuple) else [out]
    total = sum((o * torch.tensor(c)).sum() for o, c in zip(outs, cotangents))
    wanted = list(tensors.values()) + [w.value for w in layer.trainable_weights]
    grads = torch.autograd.grad(total, wanted, allow_unused=True)
    return [o.detach().numpy() for o in outs], [None if g is None else g.numpy() for g in grads]


def _run_ours(layer, arrays, masks, cotangents, kwargs):
    tensors = {n: ag.tensor(a, requires_grad=True) for n, a in arrays.items()}
    for n, m in masks.items():
        masking.set_mask(tensors[n], ag.tensor(m))
    out = layer(tensors["query"], tensors["value"], key=tensors.get("key"), training=False, **kwargs)
    outs = list(out) if isinstance(out, tuple) else [out]
    total = None
    for o, c in zip(outs, cotangents):
        term = (o * ag.tensor(c)).sum()
        total = term if total is None else total + term
    total.backward()
    wanted = list(tensors.values()) + layer.trainable_weights
    return [o.detach().numpy() for o in outs], [None if t.grad is None else t.grad.numpy() for t in wanted]


def _compare(make, arrays, masks=None, **kwargs):
    keras = real_keras()
    keras.utils.set_random_seed(2)
    masks = masks or {}
    theirs, mine = make(keras.layers), make(ours.layers)
    theirs.build(arrays["query"].shape, arrays["value"].shape, arrays["key"].shape if "key" in arrays else None)
    weights = [w + RNG.uniform(-0.2, 0.2, w.shape).astype(np.float32) for w in theirs.get_weights()]
    theirs.set_weights(weights)
    mine(np.zeros(arrays["query"].shape, np.float32), np.zeros(arrays["value"].shape, np.float32),
         key=np.zeros(arrays["key"].shape, np.float32) if "key" in arrays else None)
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in weights]
    mine.set_weights(weights)
    k_out, _ = _run_keras(theirs, arrays, masks, [np.zeros(1, np.float32)] * 2, kwargs)
    cotangents = [RNG.standard_normal(o.shape).astype(np.float32) for o in k_out]
    k_out, k_grads = _run_keras(theirs, arrays, masks, cotangents, kwargs)
    o_out, o_grads = _run_ours(mine, arrays, masks, cotangents, kwargs)
    assert_close_lists(o_out, k_out, rtol=1e-4, atol=1e-5, what="output/scores")
    assert_close_lists(o_grads, k_grads, rtol=3e-4, atol=3e-5, what="gradient")
    return mine


Q, V, K = _x(2, 5, 6), _x(2, 4, 3), _x(2, 4, 7)
QMASK, VMASK = _steps_mask(2, 5, [5, 3]), _steps_mask(2, 4, [2, 4])
CAUSAL_MASK = RNG.random((2, 5, 5)) > 0.3

CASES = [
    ("self", lambda L: L.MultiHeadAttention(2, 3), {"query": Q, "value": Q}, {}, {}),
    ("cross_key_value_dim_output_shape", lambda L: L.MultiHeadAttention(3, 2, value_dim=4, output_shape=(2, 3)),
     {"query": Q, "value": V, "key": K}, {}, {}),
    ("scores", lambda L: L.MultiHeadAttention(2, 4), {"query": Q, "value": V}, {},
     {"return_attention_scores": True}),
    ("query_value_masks_fused", lambda L: L.MultiHeadAttention(2, 3), {"query": Q, "value": V},
     {"query": QMASK, "value": VMASK}, {}),
    ("query_value_masks_scores", lambda L: L.MultiHeadAttention(2, 3), {"query": Q, "value": V},
     {"query": QMASK, "value": VMASK}, {"return_attention_scores": True}),
    ("key_mask", lambda L: L.MultiHeadAttention(1, 3), {"query": Q, "value": V, "key": K},
     {"key": VMASK}, {"return_attention_scores": True}),
    ("causal_only", lambda L: L.MultiHeadAttention(2, 3), {"query": Q, "value": Q}, {}, {"use_causal_mask": True}),
    ("causal_scores", lambda L: L.MultiHeadAttention(2, 3), {"query": Q, "value": Q}, {},
     {"use_causal_mask": True, "return_attention_scores": True}),
    ("causal_and_attention_mask", lambda L: L.MultiHeadAttention(2, 3), {"query": Q, "value": Q},
     {"query": QMASK}, {"use_causal_mask": True, "attention_mask": CAUSAL_MASK}),
    ("attention_mask_dropout_inference", lambda L: L.MultiHeadAttention(2, 3, dropout=0.5),
     {"query": Q, "value": V}, {}, {"attention_mask": RNG.random((2, 5, 4)) > 0.4}),
    ("no_bias_gate", lambda L: L.MultiHeadAttention(2, 3, use_bias=False, use_gate=True),
     {"query": Q, "value": V}, {}, {}),
    ("sliding_window_causal", lambda L: L.MultiHeadAttention(2, 3, sliding_window=2), {"query": Q, "value": Q},
     {}, {"use_causal_mask": True}),
    ("image_2d_axes", lambda L: L.MultiHeadAttention(2, 3, attention_axes=(1, 2)),
     {"query": _x(2, 3, 4, 5), "value": _x(2, 2, 3, 5)}, {}, {"return_attention_scores": True}),
    ("image_one_axis", lambda L: L.MultiHeadAttention(2, 2, attention_axes=2),
     {"query": _x(2, 3, 4, 5), "value": _x(2, 3, 2, 5)}, {}, {}),
]


@pytest.mark.parametrize("name,make,arrays,masks,kwargs", CASES, ids=[c[0] for c in CASES])
def test_multi_head_attention_matches_keras(name, make, arrays, masks, kwargs):
    mine = _compare(make, arrays, masks, **kwargs)
    check_config_round_trip(mine)


def test_output_keeps_the_query_mask_in_a_model():
    ids = ours.Input(shape=(5,), dtype="int32")
    x = ours.layers.Embedding(10, 4, mask_zero=True)(ids)
    y = ours.layers.MultiHeadAttention(2, 2)(x, x)
    pooled = ours.layers.GlobalAveragePooling1D()(y)
    model = ours.Model(ids, pooled)
    data = np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]])
    out = model.predict(data, verbose=0)
    changed = model.predict(np.array([[1, 2, 3, 0, 0], [4, 5, 0, 0, 0]]) * 1, verbose=0)
    np.testing.assert_allclose(out, changed)
    assert out.shape == (2, 4)
    attention = ours.layers.MultiHeadAttention(2, 2)
    emb = ours.layers.Embedding(10, 4, mask_zero=True)
    x = emb(data)
    assert np.array_equal(masking.get_mask(attention(x, x)).numpy(), data != 0)


def test_dropout_applies_in_training_only():
    layer = ours.layers.MultiHeadAttention(2, 3, dropout=0.5)
    q = _x(2, 5, 6)
    a, b = layer(q, q).numpy(), layer(q, q).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(layer(q, q, training=True).numpy(), a)


def test_symbolic_shapes_with_scores():
    query, value = ours.Input(shape=(5, 6)), ours.Input(shape=(4, 3))
    out, scores = ours.layers.MultiHeadAttention(2, 3, output_shape=8)(query, value, return_attention_scores=True)
    assert tuple(out.shape) == (None, 5, 8) and tuple(scores.shape) == (None, 2, 5, 4)


def test_bad_inputs_name_the_layer_shapes_and_fix():
    layer = ours.layers.MultiHeadAttention(2, 3, name="mha")
    with pytest.raises(ValueError, match=r"mha: query and value must be at least 3-D .*query shape \(2, 6\)"):
        layer(_x(2, 6), _x(2, 6))
    with pytest.raises(ValueError, match=r"mha: value and key must have the same shape except the last axis; got "
                                         r"value shape \(2, 4, 3\) and key shape \(2, 5, 3\)"):
        layer(_x(2, 5, 6), _x(2, 4, 3), key=_x(2, 5, 3))
    layer(_x(2, 5, 6), _x(2, 4, 3))
    with pytest.raises(ValueError, match=r"mha: built for queries with 6 features, got query shape \(2, 5, 7\)"):
        layer(_x(2, 5, 7), _x(2, 4, 3))
    with pytest.raises(ValueError, match=r"mha: the attention mask .* has shape \(2, 5, 3\), which does not "
                                         r"broadcast .*pass attention_mask of shape"):
        layer(_x(2, 5, 6), _x(2, 4, 3), attention_mask=np.ones((2, 5, 3), bool))
    with pytest.raises(ValueError, match="MultiHeadAttention: num_heads must be a positive int, got 0"):
        ours.layers.MultiHeadAttention(0, 3)


EINSUM_CASES = [
    ("dense", dict(equation="ab,bc->ac", output_shape=4, bias_axes="c"), (3, 5)),
    ("heads", dict(equation="abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de", activation="relu"),
     (2, 4, 5)),
    ("left_ellipsis", dict(equation="...b,bc->...c", output_shape=3, bias_axes="c"), (2, 3, 4)),
    ("right_ellipsis_no_bias", dict(equation="abc...,cd->abd...", output_shape=(4, 2)), (2, 4, 3, 5)),
    ("bias_first_axis", dict(equation="abc,cd->abd", output_shape=(4, 3), bias_axes="b"), (2, 4, 5)),
]


@pytest.mark.parametrize("name,args,shape", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_dense_matches_keras(name, args, shape):
    layer = check_layer_against_keras(lambda L: L.EinsumDense(**args), _x(*shape), RNG)
    check_config_round_trip(layer, _x(*shape))


def test_einsum_dense_bad_equation_and_rank():
    with pytest.raises(ValueError, match="EinsumDense: the equation must look like"):
        ours.layers.EinsumDense("ab->b", 3)
    layer = ours.layers.EinsumDense("abc,cd->abd", (4, 3), name="proj")
    with pytest.raises(ValueError, match=r"proj: the equation 'abc,cd->abd' names 3 input axes, but the input has "
                                         r"shape \((None|2), 5\)"):
        layer(_x(2, 5))


def test_build_config_round_trip_keeps_value_and_key_shapes():
    layer = ours.layers.MultiHeadAttention(2, 3)
    layer(_x(2, 5, 6), _x(2, 4, 3), key=_x(2, 4, 7))
    config = layer.get_build_config()
    assert config == {"shapes_dict": {"query_shape": (None, 5, 6), "value_shape": (None, 4, 3),
                                      "key_shape": (None, 4, 7)}}
    again = ours.layers.MultiHeadAttention.from_config(layer.get_config())
    again.build_from_config(config)
    assert [w.shape for w in again.get_weights()] == [w.shape for w in layer.get_weights()]
    assert [w.path for w in again.weights][:2] == [f"{again.name}/query/kernel", f"{again.name}/query/bias"]
