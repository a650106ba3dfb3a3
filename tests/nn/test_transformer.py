"""Transformer layers, stacks and nn.Transformer against PyTorch: outputs, every gradient, state_dicts."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import rand, require_torch

D, HEADS, FF, S, T, N = 16, 4, 32, 7, 5, 3
# PyTorch's own notes (its nested-tensor fast path, bool and float masks mixed) are not about deepgrad
pytestmark = pytest.mark.filterwarnings("ignore:.*(enable_nested_tensor|mismatched key_padding_mask).*:UserWarning")


def _causal(n):
    return np.triu(np.full((n, n), -np.inf), 1)


def _pair(build):
    """(ours, theirs): `build(nn_module)` in deepgrad and in PyTorch (float64), ours loaded from theirs."""
    torch = require_torch()
    torch.manual_seed(0)
    theirs = build(torch.nn).double()
    ours = build(nn)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours.to(ag.float64), theirs


def _compare(ours, theirs, inputs, masks=None, **kwargs):
    """Same inputs and cotangent through both; compare output, input gradients and every parameter gradient."""
    torch = require_torch()
    masks = masks or {}
    ins_o = [ag.tensor(a, requires_grad=True) for a in inputs]
    ins_t = [torch.tensor(a, requires_grad=True) for a in inputs]
    out_o = ours(*ins_o, **{k: ag.tensor(v) for k, v in masks.items()}, **kwargs)
    out_t = theirs(*ins_t, **{k: torch.tensor(v) for k, v in masks.items()}, **kwargs)
    assert out_o.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out_o.numpy(), out_t.detach().numpy(), atol=1e-10, rtol=1e-8)
    cot = rand(out_o.shape, seed=50)
    (out_o * ag.tensor(cot)).sum().backward()
    (out_t * torch.tensor(cot)).sum().backward()
    for k, (a, b) in enumerate(zip(ins_o, ins_t)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-10, rtol=1e-8, err_msg=f"input {k}")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs_params[name].grad.numpy(), atol=1e-10, rtol=1e-8,
                                   err_msg=name)


def _seq(length, batch_first, seed, batched=True):
    if not batched:
        return rand((length, D), seed=seed)
    return rand((N, length, D) if batch_first else (length, N, D), seed=seed)


def _activation(kind):
    return {"relu": "relu", "gelu": "gelu", "callable": (lambda x: x * 0.5 + x * x * 0.1)}[kind]


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu", "callable"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_layer_matches_torch(norm_first, activation, batch_first):
    pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.TransformerEncoderLayer(
        D, HEADS, FF, dropout=0.0, activation=_activation(activation), batch_first=batch_first,
        norm_first=norm_first))
    masks = {"src_key_padding_mask": np.random.default_rng(1).random((N, S)) < 0.3}
    masks["src_key_padding_mask"][:, 0] = False
    _compare(ours, theirs, [_seq(S, batch_first, 1)], masks)


@pytest.mark.parametrize("mask_kind", ["float_causal", "bool", "float_3d"])
def test_encoder_layer_masks_match_torch(mask_kind):
    pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, activation="gelu"))
    masks = {"float_causal": {"src_mask": _causal(S)},
             "bool": {"src_mask": np.triu(np.ones((S, S), bool), 1)},
             "float_3d": {"src_mask": rand((N * HEADS, S, S), seed=2)}}[mask_kind]
    _compare(ours, theirs, [_seq(S, False, 2)], masks, is_causal=mask_kind != "float_3d")


def test_encoder_layer_unbatched_and_module_activation_match_torch():
    pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0, activation=m.GELU(),
                                                             bias=False, layer_norm_eps=1e-3))
    _compare(ours, theirs, [_seq(S, False, 3, batched=False)], {"src_mask": _causal(S)})


@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer_matches_torch(norm_first, batch_first):
    pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0, batch_first=batch_first,
                                                             norm_first=norm_first, activation="gelu"))
    memory_padding = np.random.default_rng(4).random((N, S)) < 0.3
    memory_padding[:, 0] = False
    _compare(ours, theirs, [_seq(T, batch_first, 4), _seq(S, batch_first, 5)],
             {"tgt_mask": _causal(T), "memory_key_padding_mask": memory_padding,
              "memory_mask": rand((T, S), seed=6)}, tgt_is_causal=True)


def test_encoder_stack_matches_torch_and_detects_the_causal_mask():
    pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.TransformerEncoder(m.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0), 3,
                                                        m.LayerNorm(D)))
    assert [k for k in ours.state_dict() if k.startswith("layers.2.")]
    _compare(ours, theirs, [_seq(S, False, 7)], {"mask": _causal(S)})
    from nn.layers.transformer import _detect_is_causal_mask
    assert _detect_is_causal_mask(ag.tensor(_causal(S)), None, S)
    assert _detect_is_causal_mask(ag.tensor(np.triu(np.ones((S, S), bool), 1)), None, S)
    assert not _detect_is_causal_mask(ag.tensor(rand((S, S))), None, S)
    assert not _detect_is_causal_mask(ag.tensor(_causal(S)), False, S)


@pytest.mark.parametrize("layer_kwargs, padding_rows, eval_mode, grad", [
    (dict(batch_first=True), "left", True, False),      # PyTorch's nested-tensor path: zeros at the padding
    (dict(batch_first=True), "left", True, True),       # a gradient is needed: the ordinary path
    (dict(batch_first=True), "left", False, False),     # training mode: the ordinary path
    (dict(batch_first=True), "right", True, False),     # not left-aligned: the ordinary path
    (dict(batch_first=True, norm_first=True), "left", True, False),
    (dict(batch_first=False), "left", True, False),
])
def test_encoder_stack_padded_outputs_follow_torchs_fast_path(layer_kwargs, padding_rows, eval_mode, grad):
    torch = require_torch()
    ours, theirs = _pair(lambda m: m.TransformerEncoder(m.TransformerEncoderLayer(D, HEADS, FF, dropout=0.0,
                                                                                  **layer_kwargs), 2, m.LayerNorm(D)))
    assert ours.use_nested_tensor == theirs.use_nested_tensor
    for model in (ours, theirs):
        model.train(not eval_mode)
    batch_first = layer_kwargs["batch_first"]
    x = _seq(S, batch_first, 11)
    pad = np.zeros((N, S), bool)
    pad[1, -3:] = True
    pad[2, -1:] = True
    if padding_rows == "right":
        pad[0, 2] = True
    outs = []
    for lib, model in ((ag, ours), (torch, theirs)):
        with lib.set_grad_enabled(grad):
            outs.append(model(lib.tensor(x), src_key_padding_mask=lib.tensor(pad)).detach().numpy())
    np.testing.assert_allclose(outs[0], outs[1], atol=1e-10, rtol=1e-8)


def test_decoder_stack_matches_torch():
    pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.TransformerDecoder(m.TransformerDecoderLayer(D, HEADS, FF, dropout=0.0,
                                                                                  batch_first=True), 2))
    padding = np.zeros((N, T), bool)
    padding[0, -2:] = True
    _compare(ours, theirs, [_seq(T, True, 8), _seq(S, True, 9)],
             {"tgt_mask": _causal(T), "tgt_key_padding_mask": padding})


@pytest.mark.parametrize("batch_first, norm_first", [(False, False), (True, True)])
def test_transformer_matches_torch(batch_first, norm_first):
    pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.Transformer(D, HEADS, 2, 2, FF, dropout=0.0, batch_first=batch_first,
                                                 norm_first=norm_first))
    src_padding = np.zeros((N, S), bool)
    src_padding[1, -3:] = True
    _compare(ours, theirs, [_seq(S, batch_first, 10), _seq(T, batch_first, 11)],
             {"tgt_mask": _causal(T), "src_key_padding_mask": src_padding,
              "memory_key_padding_mask": src_padding})


def test_transformer_state_dict_loads_both_ways():
    torch = pytest.importorskip("torch")
    ours = nn.Transformer(D, HEADS, 2, 1, FF)
    theirs = torch.nn.Transformer(D, HEADS, 2, 1, FF)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    ours.eval()
    theirs.eval()
    src, tgt = _seq(S, False, 12).astype(np.float32), _seq(T, False, 13).astype(np.float32)
    mask = nn.Transformer.generate_square_subsequent_mask(T)
    out_o = ours(ag.tensor(src), ag.tensor(tgt), tgt_mask=mask)
    with torch.no_grad():
        out_t = theirs(torch.tensor(src), torch.tensor(tgt), tgt_mask=torch.tensor(mask.numpy()))
    np.testing.assert_allclose(out_o.numpy(), out_t.numpy(), atol=1e-5, rtol=1e-4)


def test_generate_square_subsequent_mask_as_torch():
    torch = pytest.importorskip("torch")
    mask = nn.Transformer.generate_square_subsequent_mask(4)
    assert mask.dtype == np.float32
    np.testing.assert_array_equal(mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(4).numpy())
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=ag.float64).dtype == np.float64


def test_transformer_initialisation_is_xavier_uniform():
    m = nn.Transformer(32, 4, 1, 1, 64)
    w = m.encoder.layers[0].linear1.weight.numpy()
    bound = np.sqrt(6.0 / (32 + 64))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.all(m.encoder.norm.weight.numpy() == 1)


def test_stack_layers_are_independent_deep_copies():
    layer = nn.TransformerEncoderLayer(D, HEADS, FF)
    stack = nn.TransformerEncoder(layer, 2)
    first, second = stack.layers[0], stack.layers[1]
    assert first is not layer and first is not second
    np.testing.assert_array_equal(first.linear1.weight.numpy(), layer.linear1.weight.numpy())
    first.linear1.weight.numpy()[...] = 0   # host array shares memory on the CPU devices
    assert np.abs(second.linear1.weight.numpy()).max() > 0
    assert np.abs(layer.linear1.weight.numpy()).max() > 0
    assert first.linear1.weight.device is layer.linear1.weight.device
    stack(ag.tensor(rand((S, N, D), np.float32)))   # the copies run on the original device


def test_dropout_only_in_training():
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(lambda m: m.TransformerEncoderLayer(D, HEADS, FF, dropout=0.3))
    ours.eval()
    theirs.eval()
    x = _seq(S, False, 14)
    with torch.no_grad():
        expected = theirs(torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours(ag.tensor(x)).numpy(), expected, atol=1e-10)
    ours.train()
    first, second = ours(ag.tensor(x)).numpy(), ours(ag.tensor(x)).numpy()
    assert not np.allclose(first, second) and not np.allclose(first, expected)


def test_empty_batch_as_torch():
    torch = pytest.importorskip("torch")
    ours = nn.Transformer(D, HEADS, 1, 1, FF)
    theirs = torch.nn.Transformer(D, HEADS, 1, 1, FF)
    src, tgt = np.zeros((S, 0, D), np.float32), np.zeros((T, 0, D), np.float32)
    out = ours(ag.tensor(src), ag.tensor(tgt))
    assert out.shape == tuple(theirs(torch.tensor(src), torch.tensor(tgt)).shape) == (T, 0, D)
    x = ag.tensor(np.zeros((0, S, D), np.float32), requires_grad=True)
    nn.TransformerEncoderLayer(D, HEADS, FF, batch_first=True)(x).sum().backward()
    assert x.grad.shape == (0, S, D)


@pytest.mark.parametrize("call, match", [
    (lambda: nn.TransformerEncoderLayer(D, HEADS, activation="tanh"), "relu"),
    (lambda: nn.TransformerEncoderLayer(D, HEADS, activation=3), "callable"),
    (lambda: nn.TransformerEncoderLayer(D, 3), "divisible"),
    (lambda: nn.Transformer(D, HEADS, 1, 1, FF)(ag.tensor(rand((S, N, D))), ag.tensor(rand((T, N + 1, D)))),
     "batch size"),
    (lambda: nn.Transformer(D, HEADS, 1, 1, FF)(ag.tensor(rand((S, N, D))), ag.tensor(rand((T, N, D + 1)))),
     "d_model"),
    (lambda: nn.TransformerEncoderLayer(D, HEADS)(ag.tensor(rand((S, N, D))), src_mask=ag.tensor(rand((S, S + 1)))),
     "attn_mask"),
])
def test_clear_errors(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_functional_activation_is_kept():
    assert nn.TransformerEncoderLayer(D, HEADS).activation is F.relu
    assert nn.TransformerDecoderLayer(D, HEADS, activation="gelu").activation is F.gelu
