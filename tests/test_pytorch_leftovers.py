"""Sweeps of the differences from PyTorch that the README listed as left: `out=` on the unary math functions
and the module-level reductions, NumPy operands' dtypes, and gradients at NaN, inf and zero entries. Each case
is compared with PyTorch itself (installed; the module skips without it)."""
import warnings

import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

DTYPES = {"float16": (ag.float16, torch.float16), "float32": (ag.float32, torch.float32),
          "float64": (ag.float64, torch.float64), "int64": (ag.int64, torch.int64),
          "int32": (ag.int32, torch.int32), "bool": (ag.bool_, torch.bool),
          "complex64": (ag.complex64, torch.complex64)}


def _outcome(call):
    """What a call gives: ('ok', values, dtypes, shapes, warned) or ('error', RuntimeError/TypeError)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
        except (RuntimeError, TypeError) as err:
            return ("error", RuntimeError if isinstance(err, RuntimeError) else TypeError)
    warned = any("resized" in str(w.message) for w in caught)
    parts = result if isinstance(result, tuple) else (result,)
    return ("ok", [str((np.asarray(p.detach().numpy(), dtype=np.float64).round(3) + 0.0).tolist()) for p in parts], [str(p.dtype).split(".")[-1] for p in parts],
            [tuple(p.shape) for p in parts], warned)


UNARY = ("exp log log1p sqrt abs neg sigmoid tanh sin cos tan sinh cosh asin atan asinh atanh sign sgn ceil floor "
         "trunc frac reciprocal rsqrt square erf erfc erfinv exp2 expm1 lgamma digamma log2 log10 deg2rad sinc "
         "logical_not").split()


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("case", ["same", "f64", "f16", "int", "resized", "int-input"])
def test_unary_out_matches_pytorch(name, case):
    if (name, case) == ("frac", "int-input"):
        pytest.skip("PyTorch has no frac of integers (NotImplementedError; deepgrad: TypeError)")
    values = [0.25, 0.5, 0.75] if case != "int-input" else [1, 2, 3]
    in_dtype = "int64" if case == "int-input" else "float32"
    out_dtype = {"f64": "float64", "f16": "float16", "int": "int64"}.get(case, "float32")
    out_shape = (2,) if case == "resized" else (3,)

    def run(lib, k):
        x = lib.tensor(values, dtype=DTYPES[in_dtype][k])
        out = lib.zeros(out_shape, dtype=DTYPES[out_dtype][k])
        result = getattr(lib, name)(x, out=out)
        assert result is out
        return out
    assert _outcome(lambda: run(ag, 0)) == _outcome(lambda: run(torch, 1))


def _x(lib):
    return lib.tensor([[0.5, -1.0, 2.0, 0.25], [3.0, 0.0, -2.0, 1.5], [1.0, 1.25, -0.5, 4.0]])


TUPLE_OPS = {
    "max": lambda lib, x, out: lib.max(x, 1, out=out), "min": lambda lib, x, out: lib.min(x, 0, True, out=out),
    "sort": lambda lib, x, out: lib.sort(x, 1, out=out), "topk": lambda lib, x, out: lib.topk(x, 2, out=out),
    "kthvalue": lambda lib, x, out: lib.kthvalue(x, 2, 1, out=out), "mode": lambda lib, x, out: lib.mode(x, out=out),
    "median": lambda lib, x, out: lib.median(x, 1, out=out)}


@pytest.mark.parametrize("name", sorted(TUPLE_OPS))
@pytest.mark.parametrize("case", ["right", "f64-values", "int32-indices", "one-tensor", "three", "grad"])
def test_named_tuple_out_matches_pytorch(name, case):
    def run(lib, k):
        x = _x(lib).requires_grad_(case == "grad")
        values = lib.empty(0, dtype=DTYPES["float64" if case == "f64-values" else "float32"][k])
        indices = lib.empty(0, dtype=DTYPES["int32" if case == "int32-indices" else "int64"][k])
        out = {"one-tensor": values, "three": (values, indices, lib.empty(0))}.get(case, (values, indices))
        result = TUPLE_OPS[name](lib, x, out)
        assert result[0] is values and result[1] is indices
        return result
    assert _outcome(lambda: run(ag, 0)) == _outcome(lambda: run(torch, 1))


TENSOR_OPS = {
    "dot": lambda lib, x, **o: lib.dot(x[0], x[1], **o), "mv": lambda lib, x, **o: lib.mv(x, x[0], **o),
    "outer": lambda lib, x, **o: lib.outer(x[0], x[1], **o), "norm": lambda lib, x, **o: lib.norm(x, **o),
    "norm-dim": lambda lib, x, **o: lib.norm(x, dim=1, **o),
    "vector_norm": lambda lib, x, **o: lib.linalg.vector_norm(x, 3, **o),
    "argmax": lambda lib, x, **o: lib.argmax(x, 1, **o), "argmin": lambda lib, x, **o: lib.argmin(x, **o),
    "max-all": lambda lib, x, **o: lib.max(x, **o), "min-binary": lambda lib, x, **o: lib.min(x, x.flip(0), **o),
    "amax": lambda lib, x, **o: lib.amax(x, 0, **o), "atan2": lambda lib, x, **o: lib.atan2(x, x.flip(1), **o),
    "round": lambda lib, x, **o: lib.round(x, decimals=1, **o), "cumsum": lambda lib, x, **o: lib.cumsum(x, 1, **o),
    "vdot": lambda lib, x, **o: lib.vdot(x[0], x[2], **o)}


@pytest.mark.parametrize("name", sorted(TENSOR_OPS))
@pytest.mark.parametrize("out_dtype", ["float32", "float64", "int64"])
@pytest.mark.parametrize("grad", [False, True])
def test_module_function_out_matches_pytorch(name, out_dtype, grad):
    def run(lib, k):
        out = lib.ones(5, dtype=DTYPES[out_dtype][k])   # the wrong shape: resized, with a warning
        result = TENSOR_OPS[name](lib, _x(lib).requires_grad_(grad), out=out)
        assert result is out
        return result
    assert _outcome(lambda: run(ag, 0)) == _outcome(lambda: run(torch, 1))


NUMPY_OTHERS = {"0-d float64": np.array(1.5), "0-d float32": np.array(1.5, dtype=np.float32),
                "0-d int64": np.array(2), "0-d bool": np.array(True), "1-d float64": np.array([1.5, 2.0]),
                "1-d float32": np.array([1.5, 2.0], dtype=np.float32), "np.float64": np.float64(1.5),
                "np.int64": np.int64(2)}
BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
          "**": lambda a, b: a ** b, "==": lambda a, b: a == b}


@pytest.mark.parametrize("other", sorted(NUMPY_OTHERS))
@pytest.mark.parametrize("op", sorted(BINARY))
@pytest.mark.parametrize("dtype", ["float32", "int64", "float16"])
def test_numpy_operand_promotes_as_pytorch(dtype, op, other):
    """A NumPy array is never a weak operand (PyTorch gives `t + array` to NumPy, whose promotion decides); a
    NumPy scalar is one, as a Python number."""
    def run(lib, k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # PyTorch's __array_wrap__ under NumPy 2
            return BINARY[op](lib.tensor([1, 2], dtype=DTYPES[dtype][k]), NUMPY_OTHERS[other])
    assert _outcome(lambda: run(ag, 0)) == _outcome(lambda: run(torch, 1))


_SPECIAL = [float("nan"), float("inf"), -float("inf"), 0.0, 1.0, -1.0, 6.0, 0.5]
# 64 entries: PyTorch's vectorised CPU loops, which any real tensor takes (a few activations, elu and hardtanh
# among them, give another gradient at NaN in the scalar loop of tensors under 8 or 16 elements)
NAN_INPUTS = {"x-special": (_SPECIAL * 8, [1.0, 0.25, 0.0, 2.0, 1.0, -3.0, 6.0, 0.5] * 8),
              "both-special": (_SPECIAL * 8, _SPECIAL[::-1] * 8)}


def _nan_cases(lib, F):
    return {
        "relu": lambda x, y: F.relu(x), "leaky_relu": lambda x, y: F.leaky_relu(x, 0.1),
        "hardtanh": lambda x, y: F.hardtanh(x), "relu6": lambda x, y: F.relu6(x), "elu": lambda x, y: F.elu(x),
        "threshold": lambda x, y: F.threshold(x, 0.5, -2.0), "hardswish": lambda x, y: F.hardswish(x),
        "clamp": lambda x, y: lib.clamp(x, -0.5, 0.7), "clamp-min": lambda x, y: lib.clamp(x, min=0.2),
        "clamp-tensors": lambda x, y: lib.clamp(x, y - 0.5, y + 0.5),
        "clamp-tensor-min": lambda x, y: lib.clamp(x, min=y), "clamp-tensor-max": lambda x, y: lib.clamp(x, max=y),
        "maximum": lambda x, y: lib.maximum(x, y), "minimum": lambda x, y: lib.minimum(x, y),
        "fmax": lambda x, y: lib.fmax(x, y), "fmin": lambda x, y: lib.fmin(x, y), "abs": lambda x, y: lib.abs(x),
        "sign": lambda x, y: lib.sign(x), "l1_loss": lambda x, y: F.l1_loss(x, y, reduction="none"),
        "smooth_l1_loss": lambda x, y: F.smooth_l1_loss(x, y, reduction="none"),
        "huber_loss": lambda x, y: F.huber_loss(x, y, reduction="none"),
        "max": lambda x, y: lib.max(x).reshape(1), "min": lambda x, y: lib.min(x).reshape(1),
        "max-dim": lambda x, y: lib.max(x.reshape(16, 4), 1)[0], "amin": lambda x, y: lib.amin(x.reshape(16, 4), 1)}


def _grads(lib, F, name, dtype, xs, ys):
    x = lib.tensor(xs, dtype=dtype, requires_grad=True)
    y = lib.tensor(ys, dtype=dtype, requires_grad=True)
    out = _nan_cases(lib, F)[name](x, y)
    out.backward(lib.ones_like(out))

    def host(t):
        if t is None:
            return None
        t = t.detach()
        return np.asarray(t.numpy(force=True) if lib is torch else t.numpy(), dtype=np.float64)
    return host(out), host(x.grad), host(y.grad)


@pytest.mark.parametrize("inputs", sorted(NAN_INPUTS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(_nan_cases(ag, None)))
def test_gradients_at_nan_and_inf_match_pytorch(name, dtype, inputs):
    import nn.functional as F
    import torch.nn.functional as TF
    xs, ys = NAN_INPUTS[inputs]
    ours = _grads(ag, F, name, DTYPES[dtype][0], xs, ys)
    theirs = _grads(torch, TF, name, DTYPES[dtype][1], xs, ys)
    for what, a, b in zip(("forward", "input's gradient", "other's gradient"), ours, theirs):
        if a is None or b is None:   # no gradient on one side: the other's must be zeros
            assert not np.any(a if b is None else b), what
            continue
        np.testing.assert_allclose(a, b, rtol=1e-6, equal_nan=True, err_msg=what)


_PRODUCT_INPUTS = {
    "finite": [[1.5, -2.0, 0.5], [3.0, -0.25, 2.0]], "one zero": [[1.5, 0.0, 0.5], [3.0, -0.25, 2.0]],
    "two zeros in a row": [[0.0, 2.0, 0.0], [3.0, -0.25, 2.0]], "zeros in two rows": [[0.0, 2.0, 1.0], [3.0, 0.0, 2.0]],
    "inf": [[np.inf, 2.0, 0.5], [3.0, -np.inf, 2.0]], "inf and zero": [[np.inf, 0.0, 0.5], [3.0, -0.25, 2.0]],
    "zero then inf": [[0.0, 1.5, np.inf], [2.0, 3.0, -1.0]], "nan": [[np.nan, 2.0, 0.5], [3.0, -0.25, 2.0]],
    "nan and zero": [[np.nan, 0.0, 0.5], [3.0, -0.25, 2.0]], "nan and two zeros": [[np.nan, 0.0, 0.0], [1.0, 2.0, 3.0]],
    "0-d inf": np.inf}
_PRODUCTS = {"prod": lambda t: t.prod(), "prod-dim0": lambda t: t.prod(0), "prod-dim1": lambda t: t.prod(-1, True),
             "cumprod-dim0": lambda t: t.cumprod(0), "cumprod-dim1": lambda t: t.cumprod(1)}


@pytest.mark.parametrize("inputs", sorted(_PRODUCT_INPUTS))
@pytest.mark.parametrize("name", sorted(_PRODUCTS))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_prod_and_cumprod_gradients_at_zero_inf_and_nan_match_pytorch(name, inputs, dtype):
    values = _PRODUCT_INPUTS[inputs]
    if np.ndim(values) == 0 and name.endswith("dim1"):
        pytest.skip("a 0-d tensor has no dim 1")

    def run(lib, k):
        x = lib.tensor(values, dtype=DTYPES[dtype][k], requires_grad=True)
        y = _PRODUCTS[name](x)
        y.backward(lib.full(y.shape, -1.5, dtype=DTYPES[dtype][k]))
        return np.asarray(y.detach().numpy(), np.float64), np.asarray(x.grad.numpy(), np.float64)
    for ours, theirs in zip(run(ag, 0), run(torch, 1)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_lerp_gradients_with_a_tensor_weight_at_infinities_match_pytorch(dtype):
    special = [np.nan, np.inf, -np.inf, 0.0, 1.0, -2.0]
    weights = [0.0, 0.25, 0.5, 1.0, 1.5, -0.5, np.inf, np.nan]
    grid = np.array([(a, b, w) for a in special for b in special for w in weights]).T

    def run(lib, k):
        a, b, w = (lib.tensor(v, dtype=DTYPES[dtype][k], requires_grad=True) for v in grid)
        y = lib.lerp(a, b, w)
        y.backward(lib.ones_like(y))
        return [np.asarray(t.detach().numpy(), np.float64) for t in (y, a.grad, b.grad, w.grad)]
    for what, ours, theirs in zip(("forward", "input", "end", "weight"), run(ag, 0), run(torch, 1)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, equal_nan=True, err_msg=what)
