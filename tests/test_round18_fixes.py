"""Regressions for the differences from PyTorch that round 18 found while writing its programs
(tests/test_pytorch_programs_round18.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
import nn.data as ours_data
from tests.helpers import require_torch


@pytest.mark.parametrize("weights,num_samples", [([1.0, 2.0], 3), ([1.0, -2.0, 3.0], 2), ([0.0, 0.0], 1)])
def test_weighted_random_sampler_refusals_are_runtime_errors_as_in_pytorch(weights, num_samples):
    """More draws than weights without replacement, a negative weight and an all-zero weight vector: PyTorch's
    torch.multinomial raises RuntimeError; deepgrad raised a bare ValueError, which `except RuntimeError` missed."""
    torch = require_torch()
    from torch.utils.data import WeightedRandomSampler
    with pytest.raises(RuntimeError):
        list(WeightedRandomSampler(weights, num_samples, replacement=False))
    with pytest.raises(RuntimeError, match="WeightedRandomSampler"):
        list(ours_data.WeightedRandomSampler(weights, num_samples, replacement=False))


@pytest.mark.parametrize("call", [
    "x.broadcast_to(2, 3)", "x.broadcast_to(size=(2, 3))", "lib.broadcast_to(x, size=(2, 3))", "x.broadcast_to([1, 2, 3])",
    "x.broadcast_to(lib.Size([2, 3]))", "lib.broadcast_to(x, (2, 3))",
])
def test_broadcast_to_takes_pytorchs_size_forms(call):
    """Tensor.broadcast_to takes the sizes as separate ints and both forms take size=, as in PyTorch; deepgrad's took
    one positional `shape` only (TypeError: takes 2 positional arguments but 3 were given)."""
    torch = require_torch()
    ours = eval(call, {"lib": ag, "x": ag.tensor([1.0, 2.0, 3.0])})
    theirs = eval(call, {"lib": torch, "x": torch.tensor([1.0, 2.0, 3.0])})
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", ["lib.hsplit(lib.ones(2, 3), 2)", "lib.ones(2, 3).vsplit(3)", "lib.dsplit(lib.ones(2, 2, 3), 2)",
                                  "lib.vsplit(lib.ones(3), 1)", "lib.hsplit(lib.tensor(1.0), 1)"])
def test_hsplit_vsplit_dsplit_refusals_are_runtime_errors_as_in_pytorch(call):
    """A section count that does not divide the dim, or too few dims: RuntimeError in PyTorch; deepgrad raised a bare
    ValueError, which a ported `except RuntimeError` missed."""
    torch = require_torch()
    with pytest.raises(RuntimeError):
        eval(call, {"lib": torch})
    with pytest.raises(RuntimeError, match="split"):
        eval(call, {"lib": ag})


@pytest.mark.parametrize("call", [
    "lib.arange(end=4)", "lib.arange(1, end=6, step=2)", "lib.arange(start=1, end=5)", "lib.reshape(x, shape=(3, 2))",
    "x.reshape(shape=(3, 2))", "x.view(size=(6,))", "x.permute(dims=(1, 0))", "lib.permute(x, dims=(1, 0))",
    "x.expand(size=(2, 2, 3))", "x.repeat(repeats=(1, 2))", "x.split(split_size=2, dim=1)", "lib.matmul(input=x, other=x.T)",
    "x.matmul(other=x.T)",
])
def test_pytorchs_keyword_names_for_sizes_and_bounds(call):
    """PyTorch's keyword names (arange's end=, reshape's shape=, view's and expand's size=, permute's dims=, repeat's
    repeats=, Tensor.split's split_size=, matmul's input=/other=) work as in PyTorch; deepgrad raised TypeError:
    unexpected keyword argument."""
    torch = require_torch()
    ours = eval(call, {"lib": ag, "x": ag.arange(6.0).reshape(2, 3)})
    theirs = eval(call, {"lib": torch, "x": torch.arange(6.0).reshape(2, 3)})
    for mine, want in zip(ours if isinstance(ours, tuple) else [ours], theirs if isinstance(theirs, tuple) else [theirs]):
        np.testing.assert_array_equal(mine.numpy(), want.numpy())
