"""The padding layers (Zero/Constant/Reflection/Replication/CircularPad 1d-3d) against PyTorch: forward,
gradients, repr, and errors that name the layer."""
import numpy as np
import pytest

import autograd as ag
import nn

from ..helpers import check_gradcheck, rand, torch
from .torch_layer_check import check_layer

CASES = [
    ("ZeroPad1d", (2,), (1, 3, 5)), ("ZeroPad1d", ((1, 3),), (3, 4)),
    ("ZeroPad2d", ((1, 2, 0, 3),), (2, 2, 3, 4)), ("ZeroPad3d", (1,), (1, 2, 2, 3, 2)),
    ("ConstantPad1d", (2, 3.5), (2, 3, 4)), ("ConstantPad2d", ((1, 0, 2, 1), -1.0), (1, 2, 3)),
    ("ConstantPad3d", ((1, 0, 0, 1, 2, 0), 0.5), (2, 1, 2, 2, 2)),
    ("ReflectionPad1d", ((2, 1),), (2, 3, 5)), ("ReflectionPad2d", (1,), (1, 2, 3, 4)),
    ("ReflectionPad2d", ((2, 0, 1, 2),), (2, 4, 5)), ("ReflectionPad3d", (1,), (1, 1, 3, 2, 3)),
    ("ReplicationPad1d", ((3, 1),), (1, 2, 2)), ("ReplicationPad2d", ((1, 2, 3, 0),), (2, 1, 3, 3)),
    ("ReplicationPad3d", (2,), (1, 2, 2, 1, 3)),
    ("CircularPad1d", ((1, 2),), (2, 2, 4)), ("CircularPad2d", (1,), (1, 2, 3, 3)),
    ("CircularPad3d", ((1, 0, 1, 1, 0, 2),), (1, 1, 3, 2, 2)),
    ("ZeroPad2d", ((-1, 2, 1, -1),), (1, 1, 4, 4)),
]


@pytest.mark.parametrize("name,args,shape", CASES)
def test_padding_layer_matches_torch(device, name, args, shape):
    ours, theirs = getattr(nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ours) == repr(theirs)
    check_layer(ours, theirs, [rand(shape, np.float32, seed=len(shape))], device, atol=1e-6)


@pytest.mark.parametrize("name", ["ReflectionPad2d", "ReplicationPad1d", "CircularPad2d", "ConstantPad2d"])
def test_padding_gradcheck_float64(device, name):
    dims = int(name[-2])
    layer = getattr(nn, name)(*((1, 0.5) if name.startswith("Constant") else (2 if dims == 1 else 1,)))
    check_gradcheck(layer, [rand((2, 3) + (4,) * dims, seed=3)], device)


def test_padding_layer_names_itself_and_the_fix():
    with pytest.raises(ValueError, match=r"ReflectionPad1d\(\(3, 3\)\): pad: reflect pads \(3, 3\).*smaller than "
                                         r"its size 2.*use mode 'replicate'"):
        nn.ReflectionPad1d(3)(ag.randn(1, 1, 2))
    with pytest.raises(ValueError, match=r"ReflectionPad2d\(\(1, 1, 1, 1\)\): pad: mode 'reflect'.*2-D input"):
        nn.ReflectionPad2d(1)(ag.randn(3, 3))
    with pytest.raises(ValueError, match=r"ZeroPad2d: padding must be an int or a tuple of 4 ints"):
        nn.ZeroPad2d((1, 2))
