"""nn.attention (torch.nn.attention): SDPBackend and sdpa_kernel choose which calls of
F.scaled_dot_product_attention may run, exactly where PyTorch on a CPU runs them, with PyTorch's values."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn.attention import SDPBackend, sdpa_kernel
from nn.attention import sdpa_backends

torch = pytest.importorskip("torch")
from torch.nn.attention import SDPBackend as TSDPBackend, sdpa_kernel as tsdpa_kernel  # noqa: E402

B = SDPBackend
rng = np.random.default_rng(0)


def _arr(*shape):
    return rng.standard_normal(shape)


# name -> (query, key, value arrays, keyword arguments; masks as numpy arrays)
CASES = {
    "plain": (_arr(2, 3, 5, 4), _arr(2, 3, 6, 4), _arr(2, 3, 6, 4), {}),
    "float mask 2d": (_arr(2, 3, 5, 4), _arr(2, 3, 6, 4), _arr(2, 3, 6, 4), {"attn_mask": _arr(5, 6)}),
    "bool mask 4d": (_arr(2, 3, 5, 4), _arr(2, 3, 6, 4), _arr(2, 3, 6, 4),
                     {"attn_mask": rng.random((2, 1, 5, 6)) > 0.3}),
    "mask 3d": (_arr(2, 3, 5, 4), _arr(2, 3, 6, 4), _arr(2, 3, 6, 4), {"attn_mask": _arr(3, 5, 6)}),
    "causal": (_arr(2, 3, 5, 4), _arr(2, 3, 5, 4), _arr(2, 3, 5, 4), {"is_causal": True}),
    "dropout": (_arr(2, 3, 5, 4), _arr(2, 3, 5, 4), _arr(2, 3, 5, 4), {"dropout_p": 0.5}),
    "gqa": (_arr(2, 4, 5, 4), _arr(2, 2, 5, 4), _arr(2, 2, 5, 4), {"enable_gqa": True}),
    "3d": (_arr(3, 5, 4), _arr(3, 6, 4), _arr(3, 6, 4), {}),
    "value dim": (_arr(2, 3, 5, 4), _arr(2, 3, 6, 4), _arr(2, 3, 6, 7), {}),
    "batch broadcast": (_arr(1, 3, 5, 4), _arr(2, 3, 6, 4), _arr(2, 3, 6, 4), {}),
    "scale": (_arr(2, 3, 5, 4), _arr(2, 3, 6, 4), _arr(2, 3, 6, 4), {"scale": 0.3}),
}
SETS = [[B.MATH], [B.FLASH_ATTENTION], [B.EFFICIENT_ATTENTION], [B.CUDNN_ATTENTION], [B.OVERRIDEABLE], [B.ERROR],
        [], [B.FLASH_ATTENTION, B.EFFICIENT_ATTENTION], [B.ERROR, B.MATH], None]


def _run(lib, kernel, backends, case, grad):
    q, k, v, kw = CASES[case]
    make = (lambda a: lib.tensor(a, requires_grad=grad)) if lib is torch else (
        lambda a: ag.tensor(a, requires_grad=grad))
    q, k, v = make(q), make(k), make(v)
    kw = {n: (lib.tensor(a) if isinstance(a, np.ndarray) else a) for n, a in kw.items()}
    fn = torch.nn.functional.scaled_dot_product_attention if lib is torch else F.scaled_dot_product_attention
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if backends is None:
                out = fn(q, k, v, **kw)
            else:
                with kernel(backends):
                    out = fn(q, k, v, **kw)
        except RuntimeError as exc:
            return ("error", str(exc).split(" (")[0].split(".  ")[0]), caught
    if grad:
        out.sum().backward()
        return ("ok", out.detach().numpy(), q.grad.numpy(), k.grad.numpy(), v.grad.numpy()), caught
    return ("ok",), caught


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("backends", SETS, ids=lambda s: "default" if s is None else "+".join(b.name for b in s))
def test_backend_choice_matches_pytorch(case, backends):
    tb = None if backends is None else [getattr(TSDPBackend, b.name) for b in backends]
    theirs, their_warnings = _run(torch, tsdpa_kernel, tb, case, grad=False)
    ours, our_warnings = _run(ag, sdpa_kernel, backends, case, grad=False)
    assert ours[0] == theirs[0], (ours, theirs)
    if ours[0] == "error":
        assert ours[1] == theirs[1]
        # the reason PyTorch warns about is warned here too
        theirs_why = [str(w.message).split(" (Triggered")[0] for w in their_warnings]
        ours_why = [str(w.message) for w in our_warnings]
        assert [m[:40] for m in ours_why] == [m[:40] for m in theirs_why]


@pytest.mark.parametrize("case", ["plain", "float mask 2d", "bool mask 4d", "causal", "gqa", "scale"])
def test_values_and_gradients_under_flash_match_pytorch(case):
    theirs, _ = _run(torch, tsdpa_kernel, [TSDPBackend.FLASH_ATTENTION], case, grad=True)
    ours, _ = _run(ag, sdpa_kernel, [B.FLASH_ATTENTION], case, grad=True)
    assert ours[0] == theirs[0] == "ok"
    for a, b in zip(ours[1:], theirs[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_sdpa_kernel_restores_and_rejects_bad_arguments():
    assert sdpa_backends.restricted is False
    with sdpa_kernel([B.MATH]):
        with sdpa_kernel(B.FLASH_ATTENTION, set_priority=True):
            assert sdpa_backends._cur_sdpa_kernel_backends() == [B.FLASH_ATTENTION]
        assert sdpa_backends._cur_sdpa_kernel_backends() == [B.MATH]
    assert sdpa_backends.restricted is False and len(sdpa_backends._cur_sdpa_kernel_backends()) == 5
    with pytest.raises(AssertionError, match="Backend must be an instance of SDPBackend"):
        with sdpa_kernel((B.MATH,)):
            pass
    with pytest.raises(AssertionError, match="got str"):
        with sdpa_kernel("math"):
            pass
    with pytest.raises(ZeroDivisionError):
        with sdpa_kernel([]):
            1 / 0
    assert sdpa_backends.restricted is False
    assert [(b.name, b.value) for b in SDPBackend] == [(n, v.value) for n, v in TSDPBackend.__members__.items()]

    @sdpa_kernel([B.EFFICIENT_ATTENTION])
    def attend(q):
        return F.scaled_dot_product_attention(q, q, q)
    with pytest.raises(RuntimeError, match="No viable backend"):
        attend(ag.ones(1, 1, 2, 2))


def test_multihead_attention_follows_the_choice():
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    x = ag.randn(2, 5, 8)
    with sdpa_kernel([B.CUDNN_ATTENTION]):
        with pytest.raises(RuntimeError, match="No viable backend"):
            mha(x, x, x, need_weights=False)
    with sdpa_kernel([B.MATH]):
        assert mha(x, x, x, need_weights=False)[0].shape == (2, 5, 8)
