"""Attention and AdditiveAttention against real Keras 3 (torch backend), with masks and causal masking."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours
from nn.keras import masking

from .layer_oracle_cases import check_config_round_trip
from .oracle import assert_close_lists, real_keras

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def _run(layer, arrays, masks, cotangents, kwargs, theirs):
    """Outputs and gradients (inputs, then trainable weights) of sum(out * cotangent)."""
    if theirs:
        import torch
        from keras.src import backend
        tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
        for t, m in zip(tensors, masks):
            if m is not None:
                backend.set_keras_mask(t, torch.tensor(m))
        out = layer(tensors, training=False, **kwargs)
        outs = list(out) if isinstance(out, tuple) else [out]
        total = sum((o * torch.tensor(c)).sum() for o, c in zip(outs, cotangents))
        grads = torch.autograd.grad(total, tensors + [w.value for w in layer.trainable_weights], allow_unused=True)
        return [o.detach().numpy() for o in outs], [None if g is None else g.numpy() for g in grads]
    tensors = [ag.tensor(a, requires_grad=True) for a in arrays]
    for t, m in zip(tensors, masks):
        if m is not None:
            masking.set_mask(t, ag.tensor(m))
    out = layer(tensors, training=False, **kwargs)
    outs = list(out) if isinstance(out, tuple) else [out]
    total = None
    for o, c in zip(outs, cotangents):
        total = (o * ag.tensor(c)).sum() if total is None else total + (o * ag.tensor(c)).sum()
    total.backward()
    return ([o.detach().numpy() for o in outs],
            [None if t.grad is None else t.grad.numpy() for t in tensors + layer.trainable_weights])


Q, V, K = _x(2, 4, 3), _x(2, 5, 6), _x(2, 5, 3)
QMASK = np.arange(4)[None] < np.array([[4], [2]])
VMASK = np.arange(5)[None] < np.array([[3], [5]])

CASES = [
    ("dot", lambda L: L.Attention(), [Q, V, K], [None] * 3, {}),
    ("dot_scale_scores", lambda L: L.Attention(use_scale=True), [Q, V, K], [None] * 3,
     {"return_attention_scores": True}),
    ("dot_self_key_is_value", lambda L: L.Attention(), [Q, Q], [None] * 2, {}),
    ("concat_scale", lambda L: L.Attention(use_scale=True, score_mode="concat"), [Q, V, K], [None] * 3, {}),
    ("concat_masks", lambda L: L.Attention(score_mode="concat"), [Q, V, K], [QMASK, VMASK, None],
     {"return_attention_scores": True}),
    ("dot_masks_causal", lambda L: L.Attention(), [Q, Q], [QMASK, QMASK], {"use_causal_mask": True}),
    ("dot_causal_scores", lambda L: L.Attention(use_scale=True), [_x(2, 4, 3), _x(2, 6, 2), _x(2, 6, 3)],
     [None] * 3, {"use_causal_mask": True, "return_attention_scores": True}),
    ("additive", lambda L: L.AdditiveAttention(), [Q, V, K], [None] * 3, {}),
    ("additive_no_scale_masks", lambda L: L.AdditiveAttention(use_scale=False), [Q, V, K], [QMASK, VMASK, None],
     {"return_attention_scores": True}),
    ("additive_causal", lambda L: L.AdditiveAttention(dropout=0.3), [Q, Q], [None, QMASK],
     {"use_causal_mask": True}),
]


@pytest.mark.parametrize("name,make,arrays,masks,kwargs", CASES, ids=[c[0] for c in CASES])
def test_attention_matches_keras(name, make, arrays, masks, kwargs):
    keras = real_keras()
    keras.utils.set_random_seed(3)
    theirs, mine = make(keras.layers), make(ours.layers)
    theirs.build([a.shape for a in arrays])
    weights = [w + RNG.uniform(-0.3, 0.3, w.shape).astype(np.float32) for w in theirs.get_weights()]
    theirs.set_weights(weights)
    mine([np.zeros(a.shape, np.float32) for a in arrays])
    assert [w.shape for w in mine.get_weights()] == [w.shape for w in weights]
    assert [w.name for w in mine.weights] == [w.name for w in theirs.weights]
    mine.set_weights(weights)
    k_out, _ = _run(theirs, arrays, masks, [np.zeros(1, np.float32)] * 2, kwargs, True)
    cotangents = [RNG.standard_normal(o.shape).astype(np.float32) for o in k_out]
    k_out, k_grads = _run(theirs, arrays, masks, cotangents, kwargs, True)
    o_out, o_grads = _run(mine, arrays, masks, cotangents, kwargs, False)
    assert_close_lists(o_out, k_out, rtol=1e-4, atol=1e-5, what="output/scores")
    assert_close_lists(o_grads, k_grads, rtol=3e-4, atol=3e-5, what="gradient")
    check_config_round_trip(mine, [ag.tensor(a) for a in arrays])


def test_output_carries_the_query_mask_and_dropout_is_training_only():
    q = ag.tensor(Q)
    masking.set_mask(q, ag.tensor(QMASK))
    layer = ours.layers.Attention(dropout=0.5)
    out = layer([q, ag.tensor(V), ag.tensor(K)])
    assert np.array_equal(masking.get_mask(out).numpy(), QMASK)
    np.testing.assert_array_equal(out.numpy()[1, 2:], 0.0)
    _, weights = layer([ag.tensor(Q), ag.tensor(V), ag.tensor(K)], training=True, return_attention_scores=True)
    assert (weights.numpy() == 0).any()


def test_symbolic_shapes():
    q, v = ours.Input(shape=(4, 3)), ours.Input(shape=(7, 3))
    out, scores = ours.layers.AdditiveAttention()([q, v], return_attention_scores=True)
    assert tuple(out.shape) == (None, 4, 3) and tuple(scores.shape) == (None, 4, 7)


def test_bad_inputs_name_the_layer_shapes_and_fix():
    with pytest.raises(ValueError, match=r"att \(Attention\): call it on a list \[query, value\]"):
        ours.layers.Attention(name="att")(Q)
    with pytest.raises(ValueError, match=r"add \(AdditiveAttention\): expects query \(batch, Tq, dim\), value .*"
                                         r"got shapes \[\((None|2), 4, 3\), \((None|2), 5, 6\), \((None|2), 5, 4\)\]"):
        ours.layers.AdditiveAttention(name="add")([Q, V, _x(2, 5, 4)])
    with pytest.raises(ValueError, match="Attention: score_mode must be 'dot' or 'concat', got 'sum'"):
        ours.layers.Attention(score_mode="sum")
