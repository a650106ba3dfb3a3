"""Regressions for the differences from PyTorch that round 14 found in its from-scratch programs
(tests/test_pytorch_programs_round14.py) and in the spot checks around them. Each test runs the same code with
PyTorch and with deepgrad and compares what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


@pytest.mark.parametrize("size", [1, 8, 255, 256, 1000])
def test_float32_sigmoid_rounds_as_pytorch_whatever_the_size(size):
    """sigmoid is 1 / (1 + exp(-x)) rounded in float32 at every step, as PyTorch's kernel: sigmoid(17) is exactly
    1.0 (so the naive binary cross-entropy log(1 - p) is -inf, as the numerical-stability lessons show), -100
    gives exactly 0, and a tensor of fewer than 256 elements gets the same values as a large one (tiny tensors went
    through exp(-log(1 + exp(-x))), one unit in the last place away)."""
    torch = require_torch()
    x = np.resize(np.array([17.0, 8.0, 5.0, 10.0, -100.0, -8.0, 30.0, 0.5], np.float32), size)
    ours = ag.sigmoid(ag.tensor(x)).numpy()
    theirs = torch.sigmoid(torch.from_numpy(x)).numpy()
    np.testing.assert_array_equal(ours[x == 17.0], 1.0)
    np.testing.assert_array_equal(ours[x == -100.0], 0.0)
    np.testing.assert_array_equal(ours[x == 8.0], theirs[x == 8.0])
    np.testing.assert_allclose(ours, theirs, rtol=2e-7, atol=0)
    assert np.isinf(ag.log(1 - ag.sigmoid(ag.tensor(x))).numpy()[0])


def test_sigmoid_backward_at_saturation_matches_pytorch():
    """The gradient s * (1 - s) read off a float32 sigmoid near saturation is PyTorch's: it depends on the forward
    value's last bit (at x = 8, 1 - s keeps only a few significant bits)."""
    torch = require_torch()
    x = np.array([-8.0, 8.0, 12.0, 17.0], np.float32)
    grads = []
    for lib in (torch, ag):
        t = lib.tensor(x, requires_grad=True)
        lib.sigmoid(t).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=0)


@pytest.mark.parametrize("call", [
    "lib.zeros(size=(2, 3))", "lib.ones(size=(2, 3), dtype=lib.float64)", "lib.empty(size=(4,)).shape",
    "lib.full(size=(2, 2), fill_value=1.5)", "lib.rand(size=(1, 1, 3, 3), dtype=lib.float32).shape",
    "lib.randn(size=(2, 5), requires_grad=True).requires_grad", "lib.randn(size=[3]).shape",
])
def test_creation_functions_take_pytorchs_size_keyword(call):
    """zeros / ones / empty / full / rand / randn take the shape as size=..., as d2l writes them
    (`torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)`)."""
    torch = require_torch()
    seen = []
    for lib in (torch, ag):
        value = eval(call, {"lib": lib})
        seen.append((tuple(value.shape), str(value.dtype).replace("torch.", ""), value.tolist() if "rand" not in call
                     and "empty" not in call else None) if hasattr(value, "dtype") else value)
    assert seen[1] == seen[0]


def test_sizes_given_twice_name_both():
    with pytest.raises(TypeError, match=r"zeros: got sizes both positionally \(2,\) and as size=\(3,\)"):
        ag.zeros(2, size=(3,))


@pytest.mark.parametrize("call", [
    "x.cumsum(axis=0)", "lib.cumsum(x, axis=1)", "x.cumprod(axis=1)", "x.sort(axis=0)", "lib.sort(x, axis=0, "
    "descending=True)", "x.argsort(axis=0)", "x.unsqueeze(axis=1)", "lib.unsqueeze(x, axis=-1)", "x.nansum(axis=1)",
    "lib.nanmean(x, axis=0, keepdims=True)", "x.median(axis=1)", "x.count_nonzero(axis=0)", "x.unbind(axis=1)",
    "x.flip(dims=[1])", "lib.flip(x, dims=(0, 1))", "x.cummax(axis=1)", "lib.cummin(x, axis=0)",
    "x.logcumsumexp(axis=1)", "lib.aminmax(x, axis=1, keepdims=True)", "lib.std_mean(x, axis=1)",
    "lib.var_mean(x, axis=0, keepdims=True)", "x.nanmedian(axis=1)", "x.mode(axis=1)", "x.mode()",
    "lib.diff(x, axis=0)", "x.diff()",
])
def test_dim_taking_ops_accept_numpys_axis_and_keepdims(call):
    """PyTorch takes NumPy's spellings axis= / keepdims= for every dim= / keepdim= argument; d2l's linear-algebra
    chapter writes `A.cumsum(axis=0)`. Tensor.flip also takes its dims by keyword."""
    torch = require_torch()
    data = np.array([[3.0, 1.0, np.nan], [0.0, 5.0, 4.0], [2.0, 2.0, 7.0]], np.float32)
    seen = []
    for lib in (torch, ag):
        out = eval(call, {"lib": lib, "x": lib.tensor(data)})
        parts = out if isinstance(out, tuple) else (out,)
        seen.append([(tuple(p.shape), np.nan_to_num(p.numpy(), nan=-1.0).tolist()) for p in parts])
    assert seen[1] == seen[0]


def test_a_missing_dim_is_named():
    with pytest.raises(TypeError, match="cumsum: missing the dim to work along; pass dim="):
        ag.ones(3).cumsum()


@pytest.mark.parametrize("name", ["trapezoid", "trapz", "cumulative_trapezoid", "gradient"])
def test_integration_and_gradient_take_numpys_axis(name):
    torch = pytest.importorskip("torch")
    y = np.arange(12.0).reshape(3, 4) ** 1.5
    ours, theirs = getattr(ag, name)(ag.tensor(y), axis=0), getattr(torch, name)(torch.tensor(y), axis=0)
    ours, theirs = (ours[0], theirs[0]) if name == "gradient" else (ours, theirs)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("args", [(), ([1, 2],), (2, 3), (3,), ([True, False],), ([[1, 2], [3, 4]],), ([1.5, 2],),
                                  ("size",)], ids=lambda a: repr(a))
def test_legacy_tensor_constructor_reads_as_pytorchs(args):
    """torch.Tensor(...) as old tutorials write it: sizes give a float tensor of that shape, lists hold floats."""
    torch = pytest.importorskip("torch")
    ours_args = (ag.Size([2, 3]),) if args == ("size",) else args
    theirs_args = (torch.Size([2, 3]),) if args == ("size",) else args
    ours, theirs = ag.Tensor(*ours_args), torch.Tensor(*theirs_args)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    if args and not isinstance(args[0], int) and args != ("size",):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_tensor_function_and_constructor_with_device_keep_the_datas_dtype():
    assert ag.tensor([1, 2]).dtype == ag.int64 and ag.Tensor([1, 2], device="cpu").dtype == ag.int64
    assert ag.Tensor(ag.tensor([1, 2])).dtype == ag.int64
    with pytest.raises(TypeError, match="ag.tensor"):
        ag.Tensor([1], [2], device="cpu")
