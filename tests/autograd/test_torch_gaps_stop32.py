"""PyTorch forms that were missing: bernoulli with p, torch.norm's 'nuc' and matrix 'fro', Tensor.view(dtype),
einsum's sublist form and Tensor.is_inference(); each checked against PyTorch where it runs."""
import inspect

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch, torch


# ----- bernoulli with p ----------------------------------------------------------------------------------
def test_bernoulli_p_forms_match_torch_signatures_and_dtypes(device):
    require_torch()
    x = ag.rand(200, 50, device=device)
    for draw in (lambda: ag.bernoulli(x, p=0.3), lambda: ag.bernoulli(x, 0.3), lambda: x.bernoulli(p=0.3),
                 lambda: x.bernoulli(0.3), lambda: ag.bernoulli(x, p=ag.tensor(0.3))):
        out = draw()
        assert out.dtype == np.float32 and out.shape == x.shape and not out.requires_grad
        assert set(np.unique(out.numpy())) <= {0.0, 1.0} and abs(out.numpy().mean() - 0.3) < 0.03
    ag.manual_seed(5)
    a = x.bernoulli(0.4)
    ag.manual_seed(5)
    b = ag.bernoulli(x, 0.4)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    g = ag.Generator().manual_seed(2)
    c = x.bernoulli(0.4, generator=g)
    np.testing.assert_array_equal(c.numpy(), x.bernoulli(0.4, generator=ag.Generator().manual_seed(2)).numpy())
    # integer and bool inputs keep their dtype, as torch.bernoulli(t, p) does
    for dt, tdt in ((ag.int64, torch.int64), (ag.bool_, torch.bool), (ag.float64, torch.float64)):
        assert ag.bernoulli(ag.ones(4, dtype=dt, device=device), 0.5).dtype == np.dtype(
            torch.bernoulli(torch.ones(4, dtype=tdt), 0.5).numpy().dtype)
    assert x.bernoulli(1.0).numpy().min() == 1 and x.bernoulli(0).numpy().max() == 0
    assert list(inspect.signature(ag.Tensor.bernoulli_).parameters)[:2] == ["self", "p"]
    assert inspect.signature(ag.Tensor.bernoulli_).parameters["p"].default == 0.5


def test_bernoulli_inplace_with_tensor_or_float_p(device):
    x = ag.zeros(2, 4000, device=device)
    assert x.bernoulli_(0.25) is x and abs(x.numpy().mean() - 0.25) < 0.03
    probs = ag.tensor([[0.0], [1.0]], device=device)
    x.bernoulli_(probs)   # broadcast to x's shape
    np.testing.assert_array_equal(x.numpy(), np.repeat([[0.0], [1.0]], 4000, axis=1))
    n = ag.zeros(3, dtype=ag.int64, device=device).bernoulli_(ag.tensor([0.0, 1.0, 1.0], device=device))
    assert n.dtype == np.int64 and n.tolist() == [0, 1, 1]
    h = ag.zeros(3, dtype=ag.float16, device=device).bernoulli_(ag.tensor([1.0, 0.0, 1.0], dtype=ag.float64))
    assert h.dtype == np.float16 and h.tolist() == [1.0, 0.0, 1.0]


@pytest.mark.parametrize("call, kind, match", [
    (lambda x: ag.bernoulli(x, 1.5), ValueError, r"p to be in \[0, 1\]"),
    (lambda x: ag.bernoulli(x, float("nan")), ValueError, r"p to be in \[0, 1\]"),
    (lambda x: ag.bernoulli(x, "a"), TypeError, "p must be a number"),
    (lambda x: ag.bernoulli(x, p=x), TypeError, "p must be a number"),
    (lambda x: x.bernoulli(x), TypeError, "p must be a number"),
    (lambda x: x.bernoulli(-0.1), ValueError, r"p to be in \[0, 1\]"),
    (lambda x: x.clone().bernoulli_(1.5), ValueError, r"p to be in \[0, 1\]"),
    (lambda x: x.clone().bernoulli_(ag.tensor([1.5])), ValueError, r"probabilities must be in \[0, 1\]"),
    (lambda x: x.clone().bernoulli_(ag.ones(4, dtype=ag.int64)), TypeError, "must be a float tensor"),
    (lambda x: x.clone().bernoulli_(ag.rand(5)), ValueError, "broadcast"),
    (lambda x: ag.bernoulli(x.to(ag.complex64), 0.5), TypeError, "complex"),
])
def test_bernoulli_p_refuses_what_torch_refuses(call, kind, match):
    x = ag.rand(3, 4)
    with pytest.raises(kind, match=match):
        call(x)


# ----- torch.norm 'nuc' and matrix 'fro' -------------------------------------------------------------------
@pytest.mark.parametrize("args", [("nuc", None, False), ("nuc", (0, 2), False), ("nuc", (2, 1), True),
                                  ("fro", (0, 2), False), ("fro", 1, True)])
def test_norm_matrix_strings_match_torch(device, args):
    p, dim, keepdim = args
    x = np.random.default_rng(3).standard_normal((3, 4, 5))
    take = (lambda t: t[0]) if dim is None else (lambda t: t)
    check_against_torch(lambda t: ag.norm(take(t), p, dim, keepdim), lambda t: torch.norm(take(t), p, dim, keepdim),
                        [x], device=device, atol=1e-10, rtol=1e-10)
    check_against_torch(lambda t: take(t).norm(p=p, dim=dim, keepdim=keepdim),
                        lambda t: take(t).norm(p=p, dim=dim, keepdim=keepdim), [x.astype(np.float32)],
                        device=device, atol=1e-5, rtol=1e-5)


def test_nuclear_norm_complex_and_gradcheck(device):
    rng = np.random.default_rng(4)
    z = rng.standard_normal((2, 4, 3)) + 1j * rng.standard_normal((2, 4, 3))
    check_against_torch(lambda t: ag.norm(t, "nuc", (1, 2)), lambda t: torch.norm(t, "nuc", (1, 2)), [z],
                        device=device, requires_grad=[True], atol=1e-10, rtol=1e-10)
    check_against_torch(lambda t: ag.linalg.matrix_norm(t, ord="nuc"), lambda t: torch.linalg.matrix_norm(t, ord="nuc"),
                        [z], device=device, requires_grad=[True], atol=1e-10, rtol=1e-10)
    check_gradcheck(lambda t: ag.norm(t, p="nuc"), [rng.standard_normal((3, 4))], device=device)
    check_gradcheck(lambda t: ag.norm(t, "nuc", dim=(0, 2)), [rng.standard_normal((3, 2, 4))], device=device)


def test_fro_over_more_than_two_dims_is_refused_as_pytorch():
    """torch.norm hands p='fro' over three dims to the matrix norm, which refuses them (this used to compute the
    2-norm over all three); over every dim (dim None) it stays the 2-norm."""
    x = ag.randn(2, 3, 4)
    with pytest.raises(RuntimeError, match="dim must be a 2-tuple"):
        ag.norm(x, p="fro", dim=(0, 1, 2))
    assert ag.norm(x, p="fro").item() == pytest.approx(ag.linalg.vector_norm(x).item(), rel=1e-6)


@pytest.mark.parametrize("call, kind, match", [
    (lambda x: ag.norm(x, p="nuc"), RuntimeError, "dim must be a 2-tuple"),
    (lambda x: ag.norm(x, p="nuc", dim=0), RuntimeError, "dim must be a 2-tuple"),
    (lambda x: ag.norm(x, p="abc"), RuntimeError, "Order abc not supported"),
    (lambda x: ag.norm(x[0].long(), p="nuc"), TypeError, "floating point"),
    (lambda x: ag.norm(x[0], p="nuc", dim=(0, 0)), ValueError, "different"),
])
def test_norm_matrix_strings_refuse_bad_input(call, kind, match):
    x = ag.randn(2, 3, 4)
    with pytest.raises(kind, match=match):
        call(x)


# ----- Tensor.view(dtype) -----------------------------------------------------------------------------------
VIEWS = [("int32", lambda t: t), ("int64", lambda t: t), ("uint8", lambda t: t), ("float16", lambda t: t),
         ("complex64", lambda t: t), ("bool", lambda t: t), ("int32", lambda t: t.t()),
         ("int64", lambda t: t[:, 2:]), ("int32", lambda t: t[1, 1]), ("int8", lambda t: t[:, :1])]


@pytest.mark.parametrize("name, pick", VIEWS)
def test_view_dtype_matches_torch_bytes(device, name, pick):
    require_torch()
    data = np.arange(24, dtype=np.float32).reshape(4, 6) / 7
    dtype = getattr(np, name if name != "bool" else "bool_")
    ours = pick(ag.tensor(data, device=device, requires_grad=True)).view(dtype)
    theirs = pick(torch.tensor(data, requires_grad=True)).view(getattr(torch, name))
    assert tuple(ours.shape) == tuple(theirs.shape) and ours.dtype == theirs.numpy().dtype
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ours.requires_grad is theirs.requires_grad is False   # no gradient through a reinterpretation


def test_view_dtype_shares_memory_and_shape_views_unchanged(device):
    x = ag.zeros(2, 4, device=device)
    bits = x.view(ag.int32)
    bits[0, 0] = 1065353216   # the bits of 1.0f
    assert x[0, 0].item() == 1.0
    assert x.view(8).shape == (8,) and x.view((4, 2)).shape == (4, 2) and x.view(-1, 4).shape == (2, 4)
    assert x.view(dtype=ag.float64).shape == (2, 2)
    assert ag.zeros(0, 4).view(ag.int64).shape == (0, 2)


@pytest.mark.parametrize("call, match", [
    (lambda x: x.t().view(ag.int64), r"size\(-1\) must be divisible by 2|stride\(-1\) must be 1"),
    (lambda x: x[:, ::2].view(ag.int16), r"stride\(-1\) must be 1"),
    (lambda x: x[:, :3].view(ag.int64), r"size\(-1\) must be divisible by 2"),
    (lambda x: x[:, 1:3].view(ag.int64), r"storage_offset\(\) must be divisible by 2"),
    (lambda x: x[0, 0].view(ag.int64), r"dim\(\) cannot be 0"),
    (lambda x: ag.arange(15.).reshape(3, 5)[:, :2].view(ag.int64), r"stride\(0\) must be divisible by 2"),
])
def test_view_dtype_refuses_what_torch_refuses(call, match):
    require_torch()
    x = ag.arange(12, dtype=ag.float32).reshape(3, 4)
    with pytest.raises(RuntimeError, match=match):
        call(x)


def test_view_dtype_refuses_a_string_and_both_forms():
    x = ag.zeros(2, 2)
    with pytest.raises(TypeError, match="dtype"):
        x.view("int32")
    with pytest.raises(TypeError, match="either a dtype or a shape"):
        x.view(4, dtype=ag.int32)


# ----- einsum's sublist form ----------------------------------------------------------------------------
@pytest.mark.parametrize("form", [
    lambda e, a, b: e(a, [0, 1], b, [1, 2], [0, 2]),
    lambda e, a, b: e(a, [0, 1], b, [1, 2]),
    lambda e, a, b: e(a, [1, 0], b, [0, 2], [2]),
    lambda e, a, b: e(a, [Ellipsis, 1], b, [1, 2], [Ellipsis, 2]),
    lambda e, a, b: e(a, (51, 26), b, (26, 0), []),
])
def test_einsum_sublist_matches_torch_with_gradients(device, form):
    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))
    check_against_torch(lambda p, q: form(ag.einsum, p, q), lambda p, q: form(torch.einsum, p, q), [a, b],
                        device=device, atol=1e-10, rtol=1e-10)
    check_gradcheck(lambda p, q: form(ag.einsum, p, q), [a, b], device=device)


@pytest.mark.parametrize("call, kind, match", [
    (lambda a: ag.einsum(a, [0, 52]), ValueError, r"valid range \[0, 52\)"),
    (lambda a: ag.einsum(a, [0, -1]), ValueError, r"valid range \[0, 52\)"),
    (lambda a: ag.einsum(a, [0, "a"]), TypeError, "ints in"),
    (lambda a: ag.einsum(a, [0, 1.0]), TypeError, "ints in"),
    (lambda a: ag.einsum(a, [0, 1], a), TypeError, "output's list"),
    (lambda a: ag.einsum(a, 0), TypeError, "list of subscripts"),
    (lambda a: ag.einsum(a, [0, 1, 2]), ValueError, "do not fit"),
    (lambda a: ag.einsum(a, [0, 1], [5]), ValueError, "output letter"),
])
def test_einsum_sublist_refuses_bad_input(call, kind, match):
    with pytest.raises(kind, match=match):
        call(ag.randn(2, 3))


# ----- Tensor.is_inference() -------------------------------------------------------------------------------
def test_is_inference_as_torch(device):
    require_torch()
    x, w = ag.ones(3, device=device), ag.ones(3, device=device, requires_grad=True)
    tx, tw = torch.ones(3), torch.ones(3, requires_grad=True)

    def made(lib, x, w, mode, z):
        with mode():
            out = dict(op=x * 2, view=x[0:2], zeros=z(2), tensor=lib.tensor([1.0]), detach=x.detach(), grad=w * 2)
            with mode(False):
                out["nested_off"] = x * 2
        return {k: v.is_inference() for k, v in out.items()}

    ours = made(ag, x, w, ag.inference_mode, lambda n: ag.zeros(n, device=device))
    theirs = made(torch, tx, tw, torch.inference_mode, torch.zeros)
    assert ours == theirs
    with ag.no_grad():
        assert not (x * 2).is_inference()
    assert not x.is_inference() and not (x * 2).is_inference()


def test_inference_tensors_refused_where_torch_refuses(device):
    w = ag.ones(3, device=device, requires_grad=True)
    with ag.inference_mode():
        a = ag.ones(3, device=device) * 2
        a.add_(1)   # in place inside inference mode is allowed
    assert a.is_inference() and a.tolist() == [3.0, 3.0, 3.0]
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        a * w
    with pytest.raises(RuntimeError, match="Inference tensors cannot be saved for backward"):
        ag.matmul(a, ag.ones(3, 3, device=device, requires_grad=True))
    assert (a + w).requires_grad   # add saves nothing: allowed, as in PyTorch
    c = a.clone()
    assert not c.is_inference() and (c * w).requires_grad
    with pytest.raises(RuntimeError, match="in-place update of an inference tensor"):
        a.add_(1)
    with pytest.raises(RuntimeError, match="inference tensor outside"):
        a.requires_grad_()
