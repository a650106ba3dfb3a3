"""Regressions for the differences from PyTorch that round 18 found while writing its programs
(tests/test_pytorch_programs_round18.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import pytest

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
