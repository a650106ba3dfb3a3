"""nn.attention.flex_attention against PyTorch's (eager): score_mod, block masks from mask_mods, GQA and lse;
gradients by gradcheck (PyTorch's flex_attention has no backward on a CPU)."""
import warnings

import numpy as np
import pytest

import autograd as ag
from nn.attention.flex_attention import and_masks, create_block_mask, flex_attention, noop_mask, or_masks

torch = pytest.importorskip("torch")
tflex = pytest.importorskip("torch.nn.attention.flex_attention")

rng = np.random.default_rng(1)
BIAS = rng.standard_normal((3, 6, 6))


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def window(b, h, q_idx, kv_idx):
    return (q_idx - kv_idx) <= 2


def late_keys(b, h, q_idx, kv_idx):
    return kv_idx > q_idx + 10      # no key at all for most queries: rows fully masked


def relative(score, b, h, q_idx, kv_idx):
    return score + (q_idx - kv_idx) * 0.1


def per_head(score, b, h, q_idx, kv_idx):
    return score * (h + 1) - b


def _bias(lib):
    table = lib.tensor(BIAS)

    def mod(score, b, h, q_idx, kv_idx):
        return score + table[h, q_idx, kv_idx]
    return mod


CASES = {
    "plain": dict(),
    "relative": dict(score_mod=relative),
    "per head": dict(score_mod=per_head),
    "bias table": dict(score_mod="bias"),
    "causal": dict(mask=causal),
    "window and causal": dict(mask=(and_masks, tflex.and_masks, causal, window)),
    "or masks": dict(mask=(or_masks, tflex.or_masks, causal, window), score_mod=relative),
    "noop": dict(mask=(None, None, "noop")),
    "fully masked rows": dict(mask=late_keys),
    "scale": dict(scale=0.25),
    "gqa": dict(kv_heads=1, enable_gqa=True),
}


def _run(lib, case, grad=False):
    spec = CASES[case]
    q = rng_q[case]
    k, v = rng_k[case], rng_v[case]
    make = (lambda a: torch.tensor(a)) if lib is torch else (lambda a: ag.tensor(a, requires_grad=grad))
    q, k, v = make(q), make(k), make(v)
    kw = {}
    mod = spec.get("score_mod")
    if mod == "bias":
        mod = _bias(lib)
    if mod is not None:
        kw["score_mod"] = mod
    if "scale" in spec:
        kw["scale"] = spec["scale"]
    if spec.get("enable_gqa"):
        kw["enable_gqa"] = True
    mask = spec.get("mask")
    if mask is not None:
        if isinstance(mask, tuple):
            combine = mask[0] if lib is ag else mask[1]
            mod_fn = (noop_mask if lib is ag else tflex.noop_mask) if mask[2] == "noop" else combine(*mask[2:])
        else:
            mod_fn = mask
        make_mask = create_block_mask if lib is ag else tflex.create_block_mask
        kw["block_mask"] = make_mask(mod_fn, None, None, 6, 6, device="cpu")
    fn = flex_attention if lib is ag else tflex.flex_attention
    if grad:
        return fn, (q, k, v), kw
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, lse = fn(q, k, v, return_lse=True, **kw)
    return [t.detach().numpy() for t in (out, lse)]


rng_q, rng_k, rng_v = {}, {}, {}
for _name, _spec in CASES.items():
    rng_q[_name] = rng.standard_normal((2, 3, 6, 4))
    heads = _spec.get("kv_heads", 3)
    rng_k[_name] = rng.standard_normal((2, heads, 6, 4))
    rng_v[_name] = rng.standard_normal((2, heads, 6, 5 if _name != "gqa" else 4))


@pytest.mark.parametrize("case", list(CASES))
def test_flex_attention_matches_pytorch(case):
    ours, theirs = _run(ag, case), _run(torch, case)
    for what, a, b in zip(("out", "lse"), ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9, err_msg=what)


@pytest.mark.parametrize("case", ["relative", "bias table", "or masks", "fully masked rows", "gqa"])
def test_flex_attention_gradcheck(case):
    fn, inputs, kw = _run(ag, case, grad=True)

    def f(q, k, v):
        out, lse = fn(q, k, v, return_lse=True, **kw)
        return out if case == "fully masked rows" else out.sum() + (lse * 0.5).sum()
    assert ag.autograd.gradcheck(f, inputs)


def test_flex_attention_errors_and_block_mask():
    q = ag.randn(1, 2, 4, 3)
    with pytest.raises(ValueError, match="4-D"):
        flex_attention(q[0], q[0], q[0])
    with pytest.raises(ValueError, match="enable_gqa"):
        flex_attention(q, q[:, :1], q[:, :1])
    mask = create_block_mask(causal, None, None, 5, 5, device="cpu")
    with pytest.raises(ValueError, match="Q_LEN=4"):
        flex_attention(q, q, q, block_mask=mask)
    assert mask.shape == (1, 1, 5, 5) and mask.sparsity() == pytest.approx(100 * 10 / 25)
    with pytest.raises(TypeError, match="bool"):
        create_block_mask(lambda b, h, qi, ki: qi - ki, None, None, 4, 4)
