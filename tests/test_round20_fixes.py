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


def test_load_state_dict_error_carries_pytorchs_lines():
    """Code that catches load_state_dict's RuntimeError searches its text ("size mismatch for fc2.weight",
    "Unexpected key(s)"); deepgrad's message had its own wording ("mis-shaped keys: ...", "unexpected keys: ...")."""
    torch = require_torch()
    import nn
    for lib, mod in ((torch, torch.nn), (ag, nn)):
        wide, narrow = mod.Sequential(mod.Linear(4, 3), mod.Linear(3, 5)), mod.Sequential(mod.Linear(4, 3))
        with pytest.raises(RuntimeError) as shape:
            mod.Sequential(mod.Linear(4, 3), mod.Linear(3, 2)).load_state_dict(wide.state_dict(), strict=False)
        assert str(shape.value).startswith("Error(s) in loading state_dict for Sequential:\n\tsize mismatch for "
                                           "1.weight: copying a param with shape ")
        assert "from checkpoint, the shape in current model is " in str(shape.value)
        with pytest.raises(RuntimeError) as keys:
            narrow.load_state_dict(wide.state_dict())
        assert 'Unexpected key(s) in state_dict: "1.weight", "1.bias".' in str(keys.value)
        with pytest.raises(RuntimeError) as keys:
            wide.load_state_dict(narrow.state_dict())
        assert '\n\tMissing key(s) in state_dict: "1.weight", "1.bias".' in str(keys.value)
