"""Reliability of dtypes: every op returns the dtype PyTorch returns for the same input dtypes, on every
device, and a leaf's gradient has the leaf's dtype (float16 stays float16). Where PyTorch refuses a dtype
(softmax of integers, neg of bool...) the sweep skips it; what we do there is documented per op."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
import nn
import nn.functional as F

DTYPES = ["float16", "float32", "float64", "int32", "int64", "bool"]

# name: (ours, torch's (given the torch module), number of tensor arguments); inputs lie in [0.5, 2)
OPS = {
    # elementwise, unary
    "neg": (lambda x: -x, lambda t, x: -x, 1),
    "abs": (ag.abs, lambda t, x: t.abs(x), 1),
    "exp": (ag.exp, lambda t, x: t.exp(x), 1),
    "log": (ag.log, lambda t, x: t.log(x), 1),
    "log1p": (ag.log1p, lambda t, x: t.log1p(x), 1),
    "sqrt": (ag.sqrt, lambda t, x: t.sqrt(x), 1),
    "sin": (ag.sin, lambda t, x: t.sin(x), 1),
    "tanh": (ag.tanh, lambda t, x: t.tanh(x), 1),
    "sign": (ag.sign, lambda t, x: t.sign(x), 1),
    "square": (ag.square, lambda t, x: t.square(x), 1),
    "reciprocal": (ag.reciprocal, lambda t, x: t.reciprocal(x), 1),
    "floor": (ag.floor, lambda t, x: t.floor(x), 1),
    "clamp": (lambda x: ag.clamp(x, min=1), lambda t, x: t.clamp(x, min=1), 1),
    # elementwise with a Python scalar
    "add_scalar": (lambda x: x + 1.5, lambda t, x: x + 1.5, 1),
    "mul_int": (lambda x: x * 2, lambda t, x: x * 2, 1),
    "div_int": (lambda x: x / 2, lambda t, x: x / 2, 1),
    "pow_2": (lambda x: x ** 2, lambda t, x: x ** 2, 1),
    # elementwise, binary (both operands of the same dtype; mixed pairs have their own test)
    "add": (ag.add, lambda t, x, y: t.add(x, y), 2),
    "mul": (ag.mul, lambda t, x, y: t.mul(x, y), 2),
    "div": (ag.div, lambda t, x, y: t.div(x, y), 2),
    "maximum": (ag.maximum, lambda t, x, y: t.maximum(x, y), 2),
    "where": (lambda x, y: ag.where(x > y, x, y), lambda t, x, y: t.where(x > y, x, y), 2),
    "eq": (ag.eq, lambda t, x, y: t.eq(x, y), 2),
    # reductions
    "sum": (ag.sum, lambda t, x: t.sum(x), 1),
    "sum_dim": (lambda x: x.sum(1), lambda t, x: x.sum(1), 1),
    "mean": (ag.mean, lambda t, x: t.mean(x), 1),
    "prod": (ag.prod, lambda t, x: t.prod(x), 1),
    "var": (ag.var, lambda t, x: t.var(x), 1),
    "std": (lambda x: x.std(1), lambda t, x: x.std(1), 1),
    "amax": (lambda x: ag.amax(x, 1), lambda t, x: t.amax(x, 1), 1),
    "max_dim": (lambda x: ag.max(x, 1)[0], lambda t, x: t.max(x, 1)[0], 1),
    "argmax": (lambda x: ag.argmax(x, 1), lambda t, x: t.argmax(x, 1), 1),
    "logsumexp": (lambda x: ag.logsumexp(x, 1), lambda t, x: t.logsumexp(x, 1), 1),
    "norm": (ag.norm, lambda t, x: t.linalg.vector_norm(x), 1),
    "cumsum": (lambda x: ag.cumsum(x, 1), lambda t, x: t.cumsum(x, 1), 1),
    "any": (lambda x: ag.any(x, 1), lambda t, x: t.any(x, 1), 1),
    # activations
    "relu": (F.relu, lambda t, x: t.nn.functional.relu(x), 1),
    "sigmoid": (F.sigmoid, lambda t, x: t.sigmoid(x), 1),
    "gelu": (F.gelu, lambda t, x: t.nn.functional.gelu(x), 1),
    "gelu_tanh": (lambda x: F.gelu(x, approximate="tanh"),
                  lambda t, x: t.nn.functional.gelu(x, approximate="tanh"), 1),
    "silu": (F.silu, lambda t, x: t.nn.functional.silu(x), 1),
    "softplus": (F.softplus, lambda t, x: t.nn.functional.softplus(x), 1),
    "elu": (F.elu, lambda t, x: t.nn.functional.elu(x), 1),
    "leaky_relu": (F.leaky_relu, lambda t, x: t.nn.functional.leaky_relu(x), 1),
    "hardtanh": (F.hardtanh, lambda t, x: t.nn.functional.hardtanh(x), 1),
    "softmax": (lambda x: F.softmax(x, dim=1), lambda t, x: t.softmax(x, 1), 1),
    "log_softmax": (lambda x: F.log_softmax(x, dim=1), lambda t, x: t.log_softmax(x, 1), 1),
    # losses (input and target of the same dtype)
    "mse_loss": (F.mse_loss, lambda t, x, y: t.nn.functional.mse_loss(x, y), 2),
    "l1_loss": (F.l1_loss, lambda t, x, y: t.nn.functional.l1_loss(x, y), 2),
    "huber_loss": (F.huber_loss, lambda t, x, y: t.nn.functional.huber_loss(x, y), 2),
    "smooth_l1_loss": (F.smooth_l1_loss, lambda t, x, y: t.nn.functional.smooth_l1_loss(x, y), 2),
    "bce": (lambda x, y: F.binary_cross_entropy(x / 2, y / 2),
            lambda t, x, y: t.nn.functional.binary_cross_entropy(x / 2, y / 2), 2),
    "bce_with_logits": (F.binary_cross_entropy_with_logits,
                        lambda t, x, y: t.nn.functional.binary_cross_entropy_with_logits(x, y), 2),
    "kl_div": (lambda x, y: F.kl_div(x, y, reduction="batchmean"),
               lambda t, x, y: t.nn.functional.kl_div(x, y, reduction="batchmean"), 2),
    "cross_entropy": (lambda x: F.cross_entropy(x, ag.tensor([0, 2, 1], device=x.device)),
                      lambda t, x: t.nn.functional.cross_entropy(x, t.tensor([0, 2, 1])), 1),
    "cross_entropy_probs": (lambda x, y: F.cross_entropy(x, y), lambda t, x, y: t.nn.functional.cross_entropy(x, y),
                            2),
    # shape ops
    "reshape": (lambda x: x.reshape(4, 3), lambda t, x: x.reshape(4, 3), 1),
    "transpose": (lambda x: x.transpose(0, 1), lambda t, x: x.transpose(0, 1), 1),
    "cat": (lambda x, y: ag.cat([x, y]), lambda t, x, y: t.cat([x, y]), 2),
    "stack": (lambda x, y: ag.stack([x, y]), lambda t, x, y: t.stack([x, y]), 2),
    "flip": (lambda x: ag.flip(x, (0,)), lambda t, x: t.flip(x, (0,)), 1),
    "getitem": (lambda x: x[1:, ::2], lambda t, x: x[1:, ::2], 1),
    # matrix products
    "matmul": (lambda x, y: x @ y.T, lambda t, x, y: x @ y.T, 2),
}


def _arrays(n, dtype, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        a = rng.uniform(0.5, 2.0, (3, 4))
        out.append(a > 1.2 if dtype == "bool" else a.astype(dtype))
    return out


def _torch_dtype_name(t):
    return str(t.dtype).replace("torch.", "")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", sorted(OPS))
def test_result_dtype_matches_torch(device, op, dtype):
    """The op's result dtype is PyTorch's for the same input dtype, and a float leaf's .grad keeps its dtype."""
    torch = pytest.importorskip("torch")
    ours, theirs, n = OPS[op]
    arrays = _arrays(n, dtype)
    try:
        expected = theirs(torch, *[torch.from_numpy(a) for a in arrays])
    except (RuntimeError, TypeError, ValueError, NotImplementedError):
        pytest.skip(f"PyTorch refuses {op} on {dtype}")
    floating = dtype.startswith("float")
    inputs = [ag.tensor(a, device=device, requires_grad=floating) for a in arrays]
    out = ours(*inputs)
    assert out.dtype.name == _torch_dtype_name(expected), f"{op}({dtype})"
    if floating and out.requires_grad:
        out.sum().backward()
        for x in inputs:
            assert x.grad is not None and x.grad.dtype == x.dtype, f"{op}({dtype}): grad is {x.grad.dtype}"


_PAIRS = [(a, b) for a in DTYPES for b in DTYPES if a != b]


@settings(derandomize=True, deadline=None, max_examples=60)
@given(pair=st.sampled_from(_PAIRS), op=st.sampled_from(["add", "mul", "div", "maximum", "sub", "matmul"]))
def test_mixed_dtype_promotion_matches_torch(pair, op):
    """Property: for any two different input dtypes, a binary op's result dtype is PyTorch's."""
    torch = pytest.importorskip("torch")
    a, b = _arrays(2, pair[0])[0], _arrays(2, pair[1], seed=1)[1]
    fn = {"add": ag.add, "mul": ag.mul, "div": ag.div, "maximum": ag.maximum, "sub": ag.sub,
          "matmul": lambda x, y: x @ y.T}[op]
    tfn = {"add": torch.add, "mul": torch.mul, "div": torch.div, "maximum": torch.maximum, "sub": torch.sub,
           "matmul": lambda x, y: x @ y.T}[op]
    try:
        expected = tfn(torch.from_numpy(a), torch.from_numpy(b))
    except (RuntimeError, TypeError):
        return
    assert fn(ag.tensor(a), ag.tensor(b)).dtype.name == _torch_dtype_name(expected), f"{op}{pair}"


@settings(derandomize=True, deadline=None, max_examples=40)
@given(op=st.sampled_from(sorted(n for n, row in OPS.items() if row[2] == 1)),
       dtype=st.sampled_from(["float16", "float32", "float64"]), scale=st.sampled_from([1e-3, 1.0, 30.0]))
def test_float_ops_keep_float_dtype_and_grad_dtype(op, dtype, scale):
    """Property: a float op on a float tensor returns that float dtype (or PyTorch's integer/bool result),
    and the leaf's gradient has the leaf's dtype."""
    ours, _, _ = OPS[op]
    x = ag.tensor(_arrays(1, dtype)[0] * scale, requires_grad=True)
    out = ours(x)
    assert out.dtype == x.dtype or out.dtype.kind in "bi"
    if out.requires_grad:
        out.sum().backward()
        assert x.grad.dtype == x.dtype


def test_clip_grad_norm_accumulates_float16_in_float32(device):
    """Ten float16 gradients of 300: norm 948.7 (not inf), below max_norm=1000, so they stay (as PyTorch)."""
    params = [nn.Parameter(ag.zeros(1, dtype=ag.float16, device=device)) for _ in range(10)]
    for p in params:
        p.grad = ag.full((1,), 300.0, dtype=ag.float16, device=device)
    total = nn.utils.clip_grad_norm_(params, max_norm=1000.0)
    assert total.dtype == np.float16 and abs(float(total) - 948.5) < 1.0
    assert all(float(p.grad) == 300.0 for p in params)


def test_norm_of_float16_does_not_overflow(device):
    x = ag.full((10,), 300.0, dtype=ag.float16, device=device)
    n = ag.norm(x)
    assert n.dtype == np.float16 and abs(float(n) - 948.5) < 1.0
