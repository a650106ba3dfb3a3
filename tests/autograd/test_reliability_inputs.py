"""Reliability of inputs: non-numeric data (and complex beyond complex128) is refused when a tensor is made, ops refuse Python lists,
scalars and NumPy arrays where PyTorch's functions do (naming the op and the fix), out-of-range dims and
malformed shapes are clear errors, and class weights must have one value per class."""
import re

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
import nn.functional as F

BAD_DTYPES = ["clongdouble", "object", "<U3", "S2", "datetime64[s]"]


def _bad_array(dtype, shape):
    if dtype == "object":
        return np.full(shape, None, dtype=object)
    if dtype == "clongdouble":
        return np.asarray((np.ones(shape) + 1j).astype(dtype))
    return np.zeros(shape, dtype=dtype)


@pytest.mark.parametrize("dtype", BAD_DTYPES)
@pytest.mark.parametrize("make", ["tensor", "Tensor", "as_tensor", "from_numpy", "from_dlpack"])
def test_non_numeric_arrays_are_refused_at_creation(make, dtype):
    array = _bad_array(dtype, (2, 3))
    if make == "from_dlpack":
        pytest.skip("NumPy exports none of these through DLPack")
    op = "tensor" if make == "Tensor" else make
    with pytest.raises(TypeError, match=rf"^{op}: .*\(dtype {re.escape(str(np.dtype(dtype)))}\) is not supported"):
        getattr(ag, make)(array)


@settings(derandomize=True, deadline=None, max_examples=40)
@given(dtype=st.sampled_from(BAD_DTYPES), shape=st.lists(st.integers(0, 3), max_size=3).map(tuple),
       make=st.sampled_from(["tensor", "as_tensor", "from_numpy"]))
def test_any_non_numeric_array_is_refused_naming_its_dtype(dtype, shape, make):
    """Property: whatever the shape (empty included), a non-numeric array never becomes a tensor; the error
    names the dtype."""
    array = _bad_array(dtype, shape)
    with pytest.raises(TypeError) as info:
        getattr(ag, make)(array)
    assert str(array.dtype) in str(info.value) and "not supported" in str(info.value)


@pytest.mark.parametrize("data", [["a", "b"], [[None, 1.0]]])
def test_non_numeric_python_data_is_refused(data):
    with pytest.raises(TypeError, match=r"tensor: .* not supported"):
        ag.tensor(data)


@pytest.mark.parametrize("dtype", [np.clongdouble, "U1", object])
def test_conversion_to_a_non_numeric_dtype_is_refused(device, dtype):
    t = ag.ones(2, device=device)
    for convert in (t.astype, t.to, lambda d: ag.tensor([1.0], dtype=d)):
        # (a name to a creation function is refused first, as PyTorch refuses any string dtype; since stop 56 a
        # string given to `to` is read as a device, as PyTorch reads it: "invalid device string")
        with pytest.raises(TypeError, match="not supported|must be torch.dtype, not str|invalid device string"):
            convert(dtype)


# ----- ops given what is not a Tensor --------------------------------------------------------------------
UNARY = {
    "mean": ag.mean, "sum": ag.sum, "exp": ag.exp, "log": ag.log, "abs": ag.abs, "relu": ag.relu,
    "sigmoid": ag.sigmoid, "softmax": ag.softmax, "reshape": lambda x: ag.reshape(x, (2,)),
    "transpose": lambda x: ag.transpose(x, 0, 0), "flatten": ag.flatten, "unsqueeze": lambda x: ag.unsqueeze(x, 0),
    "squeeze": ag.squeeze, "var": ag.var, "std": ag.std, "amax": ag.amax, "max": ag.max, "argmax": ag.argmax,
    "norm": ag.norm, "cumsum": lambda x: ag.cumsum(x, 0), "clamp": lambda x: ag.clamp(x, 0), "all": ag.all,
    "any": ag.any, "zeros_like": ag.zeros_like, "astype": lambda x: ag.astype(x, ag.float64),
    "gelu": F.gelu, "silu": F.silu, "elu": F.elu, "softplus": F.softplus, "tanh": F.tanh,
    "log_softmax": F.log_softmax, "dropout": F.dropout, "layer_norm": lambda x: F.layer_norm(x, (2,)),
}
LOSSES = {"mse_loss": F.mse_loss, "l1_loss": F.l1_loss, "huber_loss": F.huber_loss, "kl_div": F.kl_div,
          "binary_cross_entropy": F.binary_cross_entropy, "smooth_l1_loss": F.smooth_l1_loss,
          "binary_cross_entropy_with_logits": F.binary_cross_entropy_with_logits}
NOT_TENSORS = {"list": [0.5, 0.25], "float": 0.5, "ndarray": np.array([0.5, 0.25], np.float32), "tuple": (0.5, 0.25)}


@pytest.mark.parametrize("kind", sorted(NOT_TENSORS))
@pytest.mark.parametrize("op", sorted(UNARY))
def test_ops_refuse_non_tensors_naming_the_op(op, kind):
    """PyTorch's rule: torch.mean([1., 2.]) is a TypeError; here the message also names the fix."""
    fix = r"ag\.from_numpy" if kind == "ndarray" else r"ag\.tensor"
    with pytest.raises(TypeError, match=rf"^{op}: input must be a Tensor, got [\w.]+; wrap it with .*{fix}"):
        UNARY[op](NOT_TENSORS[kind])


@pytest.mark.parametrize("op", sorted(LOSSES))
def test_losses_refuse_lists(op):
    with pytest.raises(TypeError, match=rf"^{op}: input must be a Tensor, got list; wrap it with ag\.tensor"):
        LOSSES[op]([0.5], [0.5])
    with pytest.raises(TypeError, match=rf"^{op}: target must be a Tensor, got list"):
        LOSSES[op](ag.tensor([0.5]), [0.5])


@settings(derandomize=True, deadline=None, max_examples=50)
@given(op=st.sampled_from(["add", "sub", "mul", "div", "pow", "maximum", "minimum", "matmul", "eq", "lt"]),
       left=st.sampled_from(["list", "tuple", "tensor"]), right=st.sampled_from(["list", "tuple", "tensor"]))
def test_binary_ops_refuse_lists(op, left, right):
    """Property: a binary op with a list or tuple operand (or no tensor at all) is a TypeError naming the op;
    two tensors work."""
    values = {"list": [1.0, 2.0], "tuple": (1.0, 2.0), "tensor": ag.tensor([1.0, 2.0])}
    fn = getattr(ag, op)
    if left == right == "tensor":
        assert fn(values[left], values[right]).shape in ((2,), ())
        return
    with pytest.raises(TypeError, match=rf"^{op}: .* must be a Tensor.*ag\.tensor"):
        fn(values[left], values[right])


def test_binary_ops_still_take_numbers_and_numpy_operands(device):
    t = ag.tensor([1.0, 2.0], device=device)
    assert (2.0 * t).dtype == np.float32 and ag.add(2, t).dtype == np.float32
    assert (t + np.array([1.0, 1.0], np.float32)).shape == (2,)
    assert ag.where(t > 1, 1.0, 0.0).tolist() == [0.0, 1.0]


# ----- dims and shapes ---------------------------------------------------------------------------------------
DIM_OPS = {
    "sum": lambda x, d: ag.sum(x, d), "mean": lambda x, d: ag.mean(x, d), "var": lambda x, d: ag.var(x, d),
    "amax": lambda x, d: ag.amax(x, d), "max": lambda x, d: ag.max(x, d), "argmax": lambda x, d: ag.argmax(x, d),
    "softmax": lambda x, d: ag.softmax(x, d), "log_softmax": lambda x, d: ag.log_softmax(x, d),
    "cumsum": lambda x, d: ag.cumsum(x, d), "transpose": lambda x, d: ag.transpose(x, 0, d),
    "unsqueeze": lambda x, d: ag.unsqueeze(x, d + 1 if d >= 0 else d - 1), "squeeze": lambda x, d: ag.squeeze(x, d),
    "cat": lambda x, d: ag.cat([x, x], d), "stack": lambda x, d: ag.stack([x, x], d + 1 if d >= 0 else d - 1),
    "split": lambda x, d: ag.split(x, 1, d), "flip": lambda x, d: ag.flip(x, (d,)), "logsumexp":
    lambda x, d: ag.logsumexp(x, d), "norm": lambda x, d: ag.norm(x, dim=d), "sort": lambda x, d: ag.sort(x, d),
    "gather": lambda x, d: ag.gather(x, d, ag.zeros(x.shape, dtype=ag.int64)),
}


@settings(derandomize=True, deadline=None, max_examples=80)
@given(op=st.sampled_from(sorted(DIM_OPS)), ndim=st.integers(0, 3), offset=st.integers(0, 4),
       negative=st.booleans())
def test_out_of_range_dims_are_index_errors_naming_op_and_dim(op, ndim, offset, negative):
    """Property: a dim past the tensor's dimensions is an IndexError that names the op, the dim and the
    number of dimensions (never a bare 'tuple index out of range')."""
    x = ag.ones(*([2] * ndim))
    size = max(ndim, 1) + (1 if op in ("unsqueeze", "stack") else 0)
    dim = -(size + 1 + offset) if negative else size + offset
    if op in ("unsqueeze", "stack"):
        dim = dim - 1 if dim >= 0 else dim + 1   # the lambdas shift it by one for the extra dim
    if op == "cat" and ndim == 0:   # PyTorch refuses 0-d tensors before it reads the dim, whatever the dim
        with pytest.raises(RuntimeError, match="^cat: zero-dimensional tensors cannot be concatenated"):
            DIM_OPS[op](x, dim)
        return
    with pytest.raises(IndexError) as info:
        DIM_OPS[op](x, dim)
    text = str(info.value)
    assert text.startswith((op, "cat", "stack")) and "out of range" in text, text


@pytest.mark.parametrize("shape", ["ab", ("a",), (2.5,), [None], (1, "x")])
def test_reshape_to_non_integers_is_a_type_error(shape):
    with pytest.raises(TypeError, match=r"^reshape: sizes must be ints"):
        ag.reshape(ag.ones(2), shape)


def test_split_and_transpose_errors_are_clear():
    with pytest.raises(ValueError, match="split: split_size must be a positive int, got 0"):
        ag.split(ag.ones(3), 0)
    with pytest.raises(IndexError, match=r"transpose: dim 1 is out of range for a tensor with 0 dimensions"):
        ag.transpose(ag.tensor(1.0), 0, 1)


# ----- class weights -----------------------------------------------------------------------------------------
@settings(derandomize=True, deadline=None, max_examples=30)
@given(classes=st.integers(1, 6), wrong=st.integers(0, 8), loss=st.sampled_from(["cross_entropy", "nll_loss"]),
       probabilities=st.booleans())
def test_class_weights_of_the_wrong_length_are_refused(classes, wrong, loss, probabilities):
    """Property: weight must hold exactly one value per class; otherwise a ValueError names both lengths."""
    x = ag.randn(3, classes)
    target = ag.softmax(ag.randn(3, classes), 1) if probabilities and loss == "cross_entropy" \
        else ag.tensor([0, classes - 1, 0])
    fn = getattr(F, loss)
    if wrong == classes:
        assert fn(x, target, weight=ag.ones(classes)).shape == ()
        return
    with pytest.raises(ValueError, match=rf"{loss}: weight .* \({classes},\).* got shape Size\(\[{wrong}\]\)"):
        fn(x, target, weight=ag.ones(wrong))
