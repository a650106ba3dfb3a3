"""Scaled dot-product attention (the fused node) and nn.MultiheadAttention against PyTorch."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.ops import attention as attention_op
from tests.helpers import check_against_torch, check_gradcheck, rand, require_torch

# PyTorch's own note when bool and float masks are mixed is not about deepgrad
pytestmark = pytest.mark.filterwarnings("ignore:.*mismatched key_padding_mask.*:UserWarning")


def _sdpa_pair(**kwargs):
    """(ours, theirs) taking (q, k, v[, mask]) and passing the mask as attn_mask."""
    torch = require_torch()

    def ours(q, k, v, m=None):
        return F.scaled_dot_product_attention(q, k, v, attn_mask=m, **kwargs)

    def theirs(q, k, v, m=None):
        return torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m, **kwargs)
    return ours, theirs


def _bool_mask(shape, seed, p=0.7, keep_first=False):
    """Random bool mask, True with probability p; keep_first leaves the first key False (a row never fully
    masked under PyTorch's 'True = masked' meaning)."""
    mask = np.random.default_rng(seed).random(shape) < p
    if keep_first:
        mask[..., 0] = False
    return mask


# (query, key, value, mask or None, keyword arguments)
SDPA_CASES = {
    "plain": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), None, {}),
    "unbatched": ((4, 8), (5, 8), (5, 6), None, {}),
    "one_batch_dim": ((3, 4, 8), (3, 5, 8), (3, 5, 6), None, {}),
    "broadcast_batch": ((2, 3, 4, 8), (1, 3, 5, 8), (2, 1, 5, 6), None, {}),
    "causal_square": ((2, 2, 6, 8), (2, 2, 6, 8), (2, 2, 6, 8), None, {"is_causal": True}),
    "causal_rect": ((2, 2, 4, 8), (2, 2, 7, 8), (2, 2, 7, 8), None, {"is_causal": True}),
    "scale": ((2, 4, 8), (2, 5, 8), (2, 5, 3), None, {"scale": 0.3}),
    "bool_mask_2d": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), _bool_mask((4, 5), 1), {}),
    "bool_mask_per_head": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), _bool_mask((2, 3, 4, 5), 2), {}),
    "bool_mask_key_only": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), _bool_mask((2, 1, 1, 5), 3), {}),
    "float_mask": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), rand((3, 4, 5), seed=4), {}),
    "float_mask_rows_broadcast": ((2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6), rand((3, 1, 5), seed=5), {}),
    "float_mask_1d": ((2, 4, 8), (2, 5, 8), (2, 5, 6), rand((5,), seed=6), {}),
    "gqa": ((2, 4, 3, 8), (2, 2, 5, 8), (2, 2, 5, 6), None, {"enable_gqa": True}),
    "gqa_mask_per_head": ((2, 4, 3, 8), (2, 2, 5, 8), (2, 2, 5, 6), rand((4, 3, 5), seed=7), {"enable_gqa": True}),
    "gqa_causal": ((1, 6, 5, 4), (1, 2, 5, 4), (1, 2, 5, 4), None, {"enable_gqa": True, "is_causal": True}),
}


@pytest.mark.parametrize("case", SDPA_CASES)
def test_sdpa_matches_torch_float64(case, device):
    qs, ks, vs, mask, kwargs = SDPA_CASES[case]
    arrays = [rand(qs, seed=10), rand(ks, seed=11), rand(vs, seed=12)] + ([] if mask is None else [mask])
    ours, theirs = _sdpa_pair(**kwargs)
    check_against_torch(ours, theirs, arrays, device=device, atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("case", ["plain", "causal_rect", "bool_mask_per_head", "float_mask", "gqa"])
def test_sdpa_matches_torch_float32(case, device):
    qs, ks, vs, mask, kwargs = SDPA_CASES[case]
    mask = None if mask is None or mask.dtype == bool else mask.astype(np.float32)
    arrays = [rand(qs, np.float32, seed=10), rand(ks, np.float32, seed=11), rand(vs, np.float32, seed=12)]
    ours, theirs = _sdpa_pair(**kwargs)
    check_against_torch(ours, theirs, arrays + ([] if mask is None else [mask]), device=device, atol=1e-5,
                        rtol=1e-4)


@pytest.mark.parametrize("case", ["causal_rect", "bool_mask_per_head", "float_mask", "float_mask_rows_broadcast",
                                  "broadcast_batch"])
def test_sdpa_blocks_of_one_row_match_torch(case, device, monkeypatch):
    """Tiny blocks (one query row each) exercise the blocked forward and backward."""
    monkeypatch.setattr(attention_op, "BLOCK_ELEMENTS", 1)
    qs, ks, vs, mask, kwargs = SDPA_CASES[case]
    arrays = [rand(qs, seed=10), rand(ks, seed=11), rand(vs, seed=12)] + ([] if mask is None else [mask])
    ours, theirs = _sdpa_pair(**kwargs)
    check_against_torch(ours, theirs, arrays, device=device, atol=1e-12, rtol=1e-10)


def test_sdpa_fully_masked_rows_give_zeros_as_torch(device):
    mask = _bool_mask((2, 1, 4, 5), 8)
    mask[0, 0, 1] = False
    mask[1, 0, 3] = False
    float_mask = np.where(mask, 0.0, -np.inf)
    for m in (mask, float_mask):
        ours, theirs = _sdpa_pair()
        check_against_torch(ours, theirs, [rand((2, 3, 4, 8), seed=1), rand((2, 3, 5, 8), seed=2),
                                           rand((2, 3, 5, 6), seed=3), m], device=device,
                            requires_grad=[True, True, True, False], atol=1e-12, rtol=1e-10)
    q = ag.tensor(rand((2, 3, 4, 8)), device=device, requires_grad=True)
    out = F.scaled_dot_product_attention(q, ag.tensor(rand((2, 3, 5, 8)), device=device),
                                         ag.tensor(rand((2, 3, 5, 6)), device=device),
                                         attn_mask=ag.tensor(mask, device=device))
    assert np.all(out.numpy()[0, :, 1] == 0)
    out.sum().backward()
    assert np.all(q.grad.numpy()[0, :, 1] == 0)


@pytest.mark.parametrize("shapes", [((0, 3, 4, 8), (0, 3, 5, 8), (0, 3, 5, 6)),
                                    ((2, 0, 8), (2, 5, 8), (2, 5, 6)),
                                    ((2, 4, 8), (2, 0, 8), (2, 0, 6))])
def test_sdpa_empty_as_torch(shapes, device):
    ours, theirs = _sdpa_pair()
    check_against_torch(ours, theirs, [rand(s) for s in shapes], device=device)


@pytest.mark.parametrize("case", ["plain", "causal_rect", "float_mask", "bool_mask_per_head", "gqa"])
def test_sdpa_gradcheck(case, device):
    qs, ks, vs, mask, kwargs = SDPA_CASES[case]
    arrays = [rand(qs, seed=20), rand(ks, seed=21), rand(vs, seed=22)] + ([] if mask is None else [mask])
    check_gradcheck(lambda q, k, v, m=None: F.scaled_dot_product_attention(q, k, v, attn_mask=m, **kwargs),
                    arrays, device=device)


def test_sdpa_gradcheck_with_dropout(device):
    """Re-seeding before each call draws the same dropout mask, so finite differences see one function."""
    def fn(q, k, v):
        ag.manual_seed(3)
        return F.scaled_dot_product_attention(q, k, v, dropout_p=0.4)
    check_gradcheck(fn, [rand((2, 3, 6)), rand((2, 5, 6)), rand((2, 5, 4))], device=device)


def test_sdpa_dropout_drops_probabilities_and_rescales(device):
    """With value = identity the output is the attention matrix itself: dropped entries are 0, the others
    are the probabilities divided by 1 - p, and about p of them are dropped."""
    p, L, S = 0.25, 64, 32
    q = ag.tensor(rand((4, L, 8), seed=1), device=device)
    k = ag.tensor(rand((4, S, 8), seed=2), device=device)
    v = ag.tensor(np.broadcast_to(np.eye(S), (4, S, S)).copy(), device=device)
    probs = F.scaled_dot_product_attention(q, k, v).numpy()
    ag.manual_seed(5)
    dropped = F.scaled_dot_product_attention(q, k, v, dropout_p=p).numpy()
    kept = dropped != 0
    assert abs(1 - kept.mean() - p) < 0.03
    np.testing.assert_allclose(dropped[kept], probs[kept] / (1 - p), rtol=1e-12)
    ag.manual_seed(5)
    np.testing.assert_array_equal(F.scaled_dot_product_attention(q, k, v, dropout_p=p).numpy(), dropped)
    assert np.all(F.scaled_dot_product_attention(q, k, v, dropout_p=1.0).numpy() == 0)


def test_sdpa_keeps_no_score_matrix_for_backward():
    """The node saves the inputs, the output and one number per query row, never an (L, S) array."""
    L, S = 64, 48
    q = ag.tensor(rand((2, 3, L, 8)), requires_grad=True)
    out = F.scaled_dot_product_attention(q, ag.tensor(rand((2, 3, S, 8))), ag.tensor(rand((2, 3, S, 8))),
                                         is_causal=True)
    sizes = [a.size for a in out.grad_fn.saved_tensors if a is not None]
    assert max(sizes) == 2 * 3 * L * 8
    assert 2 * 3 * L in sizes
    assert all(s < 2 * 3 * L * S for s in sizes)


@pytest.mark.parametrize("args, kwargs, match", [
    (((4, 8), (5, 8), (5,)), {}, "at least 2 dimensions"),
    (((2, 4, 8), (2, 5, 7), (2, 5, 6)), {}, "same feature size"),
    (((2, 4, 8), (2, 5, 8), (2, 6, 6)), {}, "same sequence length"),
    (((2, 4, 8), (3, 5, 8), (3, 5, 6)), {}, "batch dimensions must broadcast"),
    (((2, 4, 8), (2, 5, 8), (2, 5, 6)), {"attn_mask": np.ones((3, 5), bool)}, "attn_mask must broadcast"),
    (((2, 4, 8), (2, 5, 8), (2, 5, 6)), {"attn_mask": np.ones((4, 5), bool), "is_causal": True}, "not both"),
    (((2, 4, 8), (2, 5, 8), (2, 5, 6)), {"attn_mask": np.ones((4, 5), np.int64)}, "bool"),
    (((2, 4, 8), (2, 5, 8), (2, 5, 6)), {"dropout_p": 1.5}, "probability"),
    (((1, 4, 3, 8), (1, 3, 5, 8), (1, 3, 5, 6)), {"enable_gqa": True}, "divide"),
])
def test_sdpa_clear_errors(args, kwargs, match):
    tensors = [ag.tensor(rand(s)) for s in args]
    if "attn_mask" in kwargs:
        kwargs = dict(kwargs, attn_mask=ag.tensor(kwargs["attn_mask"]))
    with pytest.raises((ValueError, TypeError), match=match):
        F.scaled_dot_product_attention(*tensors, **kwargs)


def test_sdpa_rejects_mixed_dtypes():
    with pytest.raises(TypeError, match="one float dtype"):
        F.scaled_dot_product_attention(ag.tensor(rand((4, 8))), ag.tensor(rand((5, 8), np.float32)),
                                       ag.tensor(rand((5, 8))))


# ----- nn.MultiheadAttention -------------------------------------------------------------------------

E, H, L, S, N = 8, 2, 5, 6, 3


def _mha_pair(**kwargs):
    """(ours, theirs): the same MultiheadAttention, ours loaded from torch's float64 state_dict."""
    torch = require_torch()
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(E, H, **kwargs).double()
    ours = nn.MultiheadAttention(E, H, **kwargs)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    return ours.to(ag.float64), theirs


def _compare_mha(ours, theirs, inputs, masks=None, self_attention=False, **kwargs):
    """Forward both on the same inputs, backward the same cotangents; compare outputs, weights and every gradient."""
    torch = require_torch()
    masks = masks or {}
    if self_attention:
        inputs = [inputs[0]]
    ins_o = [ag.tensor(a, requires_grad=True) for a in inputs]
    ins_t = [torch.tensor(a, requires_grad=True) for a in inputs]
    args_o, args_t = (ins_o * 3, ins_t * 3) if self_attention else (ins_o, ins_t)
    out_o, w_o = ours(*args_o, **{k: ag.tensor(v) for k, v in masks.items()}, **kwargs)
    out_t, w_t = theirs(*args_t, **{k: torch.tensor(v) for k, v in masks.items()}, **kwargs)
    assert out_o.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out_o.numpy(), out_t.detach().numpy(), atol=1e-12, rtol=1e-10)
    loss_o = (out_o * ag.tensor(rand(out_o.shape, seed=40))).sum()
    loss_t = (out_t * torch.tensor(rand(out_o.shape, seed=40))).sum()
    if w_t is None:
        assert w_o is None
    else:
        assert w_o.shape == tuple(w_t.shape)
        np.testing.assert_allclose(w_o.numpy(), w_t.detach().numpy(), atol=1e-12, rtol=1e-10)
        loss_o = loss_o + (w_o * ag.tensor(rand(w_o.shape, seed=41))).sum()
        loss_t = loss_t + (w_t * torch.tensor(rand(w_o.shape, seed=41))).sum()
    loss_o.backward()
    loss_t.backward()
    for k, (a, b) in enumerate(zip(ins_o, ins_t)):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), atol=1e-12, rtol=1e-10, err_msg=f"input {k}")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs_params[name].grad.numpy(), atol=1e-12, rtol=1e-10,
                                   err_msg=name)


def _qkv(batch_first=False, kdim=E, vdim=E, batched=True):
    def shape(seq, dim):
        if not batched:
            return (seq, dim)
        return (N, seq, dim) if batch_first else (seq, N, dim)
    return [rand(shape(L, E), seed=1), rand(shape(S, kdim), seed=2), rand(shape(S, vdim), seed=3)]


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("need_weights, average", [(True, True), (True, False), (False, True)])
def test_mha_matches_torch(batch_first, need_weights, average):
    pytest.importorskip("torch")
    ours, theirs = _mha_pair(batch_first=batch_first)
    _compare_mha(ours, theirs, _qkv(batch_first), need_weights=need_weights, average_attn_weights=average)


@pytest.mark.parametrize("kwargs", [{"kdim": 4, "vdim": 6}, {"bias": False}, {"add_bias_kv": True},
                                    {"add_zero_attn": True}, {"add_bias_kv": True, "add_zero_attn": True,
                                                              "kdim": 4, "vdim": 6}])
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_options_match_torch(kwargs, need_weights):
    pytest.importorskip("torch")
    ours, theirs = _mha_pair(**kwargs)
    masks = {"key_padding_mask": _bool_mask((N, S), 9, p=0.3), "attn_mask": _bool_mask((L, S), 10, p=0.2)}
    _compare_mha(ours, theirs, _qkv(kdim=kwargs.get("kdim", E), vdim=kwargs.get("vdim", E)), masks,
                 need_weights=need_weights)


MASKS = {
    "kpm_bool": {"key_padding_mask": _bool_mask((N, S), 11, p=0.3)},
    "kpm_float": {"key_padding_mask": rand((N, S), seed=12)},
    "attn_2d_bool": {"attn_mask": _bool_mask((L, S), 13, p=0.3)},
    "attn_3d_float": {"attn_mask": rand((N * H, L, S), seed=14)},
    "both_bool": {"key_padding_mask": _bool_mask((N, S), 15, p=0.3, keep_first=True),
                  "attn_mask": _bool_mask((N * H, L, S), 16, p=0.2, keep_first=True)},
    "both_float": {"key_padding_mask": rand((N, S), seed=17), "attn_mask": rand((L, S), seed=18)},
}


@pytest.mark.parametrize("mask", MASKS)
@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_masks_match_torch(mask, need_weights):
    pytest.importorskip("torch")
    ours, theirs = _mha_pair(batch_first=True)
    _compare_mha(ours, theirs, _qkv(batch_first=True), MASKS[mask], need_weights=need_weights)


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("with_padding", [False, True])
def test_mha_causal_hint_matches_torch(need_weights, with_padding):
    pytest.importorskip("torch")
    ours, theirs = _mha_pair()
    masks = {"attn_mask": np.triu(np.full((L, L), -np.inf), 1)}
    if with_padding:
        masks["key_padding_mask"] = _bool_mask((N, L), 19, p=0.2)
    x = rand((L, N, E), seed=20)
    _compare_mha(ours, theirs, [x], masks, self_attention=True, need_weights=need_weights, is_causal=True)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_unbatched_matches_torch(need_weights):
    pytest.importorskip("torch")
    ours, theirs = _mha_pair(batch_first=True)
    masks = {"key_padding_mask": _bool_mask((S,), 21, p=0.3), "attn_mask": rand((H, L, S), seed=22)}
    _compare_mha(ours, theirs, _qkv(batched=False), masks, need_weights=need_weights)


def test_mha_empty_batch_as_torch():
    pytest.importorskip("torch")
    ours, theirs = _mha_pair()
    for need_weights in (True, False):
        inputs = [rand((L, 0, E)), rand((S, 0, E)), rand((S, 0, E))]
        out, weights = ours(*[ag.tensor(a) for a in inputs], need_weights=need_weights)
        out_t, weights_t = theirs(*[__import__("torch").tensor(a) for a in inputs], need_weights=need_weights)
        assert out.shape == tuple(out_t.shape)
        assert (weights is None) == (weights_t is None)
        assert weights is None or weights.shape == tuple(weights_t.shape)


@pytest.mark.parametrize("kwargs", [{}, {"kdim": 4, "vdim": 6, "add_bias_kv": True}, {"bias": False}])
def test_mha_state_dict_both_ways(kwargs):
    torch = pytest.importorskip("torch")
    ours = nn.MultiheadAttention(E, H, **kwargs)
    theirs = torch.nn.MultiheadAttention(E, H, **kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert {k: v.shape for k, v in ours.state_dict().items()} == {
        k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    inputs = _qkv(kdim=kwargs.get("kdim", E), vdim=kwargs.get("vdim", E))
    out_o, w_o = ours(*[ag.tensor(a.astype(np.float32)) for a in inputs])
    out_t, w_t = theirs(*[torch.tensor(a.astype(np.float32)) for a in inputs])
    np.testing.assert_allclose(out_o.numpy(), out_t.detach().numpy(), atol=1e-5, rtol=1e-4)
    np.testing.assert_allclose(w_o.numpy(), w_t.detach().numpy(), atol=1e-5, rtol=1e-4)


def test_mha_initialisation_as_torch():
    m = nn.MultiheadAttention(64, 4, add_bias_kv=True)
    bound = np.sqrt(6.0 / (64 + 3 * 64))     # xavier_uniform_ over the whole (3E, E) in_proj_weight
    w = m.in_proj_weight.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.9 * bound
    assert np.all(m.in_proj_bias.numpy() == 0) and np.all(m.out_proj.bias.numpy() == 0)
    assert m.bias_k.shape == (1, 1, 64) and m.bias_k.numpy().std() > 0


def test_mha_dropout_only_in_training():
    pytest.importorskip("torch")
    ours, theirs = _mha_pair(dropout=0.5)
    inputs = _qkv()
    ours.eval()
    theirs.eval()
    _compare_mha(ours, theirs, inputs)
    ours.train()
    x = [ag.tensor(a) for a in inputs]
    first, weights = ours(*x, average_attn_weights=False)
    second, _ = ours(*x, need_weights=False)
    assert not np.allclose(first.numpy(), second.numpy())
    w = weights.numpy()
    assert (w == 0).mean() > 0.2   # dropped weights are returned as PyTorch returns them


@pytest.mark.parametrize("build, call, match", [
    (lambda: nn.MultiheadAttention(10, 3), None, "divisible"),
    (lambda: nn.MultiheadAttention(0, 1), None, "positive"),
    (lambda: nn.MultiheadAttention(E, H), lambda m: m(*[ag.tensor(rand((L, N, 6)))] * 3), "features"),
    (lambda: nn.MultiheadAttention(E, H), lambda m: m(*[ag.tensor(rand((1, L, N, E)))] * 3), "3-D"),
    (lambda: nn.MultiheadAttention(E, H), lambda m: m(ag.tensor(rand((L, N, E))), ag.tensor(rand((S, N, E))),
                                                      ag.tensor(rand((S + 1, N, E)))), "agree"),
    (lambda: nn.MultiheadAttention(E, H), lambda m: m(*[ag.tensor(rand((L, N, E)))] * 3, is_causal=True),
     "needs attn_mask"),
    (lambda: nn.MultiheadAttention(E, H), lambda m: m(*[ag.tensor(rand((L, N, E)))] * 3,
                                                      attn_mask=ag.tensor(np.zeros((L, L + 1)))), "shape"),
    (lambda: nn.MultiheadAttention(E, H), lambda m: m(*[ag.tensor(rand((L, N, E)))] * 3,
                                                      key_padding_mask=ag.tensor(np.zeros((N + 1, L), bool))),
     "key_padding_mask"),
])
def test_mha_clear_errors(build, call, match):
    with pytest.raises(ValueError, match=match):
        m = build()
        call(m)


@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_float32_masks_on_a_float64_model_match_pytorch(need_weights):
    """A float32 mask (generate_square_subsequent_mask's default) on a float64 model works as in PyTorch's
    need_weights=False path: it is cast to the query's dtype."""
    torch = require_torch()
    theirs = torch.nn.MultiheadAttention(8, 2, batch_first=True, dtype=torch.float64)
    ours = nn.MultiheadAttention(8, 2, batch_first=True).to(ag.float64)
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((3, 5, 8))
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    assert mask.dtype == ag.float32
    got, _ = ours(ag.tensor(x), ag.tensor(x), ag.tensor(x), attn_mask=mask, need_weights=need_weights)
    want, _ = theirs(torch.tensor(x), torch.tensor(x), torch.tensor(x), attn_mask=torch.tensor(mask.numpy()),
                     need_weights=False)
    assert got.dtype == ag.float64
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_multihead_mask_and_width_errors_name_the_problem():
    m = nn.MultiheadAttention(8, 2, batch_first=True)
    x = ag.randn(3, 5, 8)
    with pytest.raises(TypeError, match=r"key_padding_mask is float64 but the query is float32.*\.to\(float32\)"):
        m(x, x, x, key_padding_mask=ag.zeros(3, 5, dtype=ag.float64))
    with pytest.raises(ValueError, match=r"^MultiheadAttention\(embed_dim=8, num_heads=2\): expected query with 8 "
                                         r"features in its last dimension, got shape \(3, 5, 6\)$"):
        y = ag.randn(3, 5, 6)
        m(y, y, y)
