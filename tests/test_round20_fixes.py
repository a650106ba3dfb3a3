"""Regressions for the differences from PyTorch that round 20 found while writing its programs
(tests/test_pytorch_programs_round20.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


def test_cumulative_trapezoid_over_sample_points_ends_in_divbackward1():
    """cumulative_trapezoid(y, x) divides the running sum by 2 last, so PyTorch prints grad_fn=<DivBackward1>;
    deepgrad's last node printed as DivBackward0."""
    torch = require_torch()
    for lib in (torch, ag):
        y = lib.ones(2, 5, dtype=lib.float64, requires_grad=True)
        x = lib.arange(5.0, dtype=lib.float64)
        assert lib.cumulative_trapezoid(y, x).grad_fn.name() == "DivBackward1"
        assert lib.cumulative_trapezoid(y, dx=2.0).grad_fn.name() == "CumsumBackward0"
