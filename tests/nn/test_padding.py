"""F.pad in every mode against torch.nn.functional.pad: values, gradients, negative pads, errors, gradcheck."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.helpers import check_against_torch, check_gradcheck, rand

CASES = [
    ("constant", (2, 3, 4, 5), (1, 2)),
    ("constant", (2, 3, 4, 5), (1, 2, 0, 3, 2, 1)),
    ("constant", (2, 3, 4, 5), (2, -1, -2, 3)),
    ("constant", (5,), (3, 0)),
    ("reflect", (2, 3, 6), (2, 3)),
    ("reflect", (3, 6), (5, 1)),
    ("reflect", (2, 3, 4, 5), (1, 2, 3, 1)),
    ("reflect", (2, 3, 4, 5), (2, -1, 0, 3)),
    ("reflect", (2, 2, 3, 4, 5), (1, 1, 2, 2, 1, 0)),
    ("replicate", (2, 3, 4), (3, 5)),
    ("replicate", (2, 3, 4, 5), (6, 1, 0, 4)),
    ("replicate", (3, 4, 5), (-1, -2, 1, 1)),
    ("circular", (2, 3, 4), (4, 2)),
    ("circular", (2, 3, 4, 5), (1, 2, 3, 1)),
    ("circular", (2, 3, 4, 5), (2, -1, 0, 3)),
    ("circular", (1, 2, 3, 4, 5), (1, 1, 2, 2, 3, 0)),
]


@pytest.mark.parametrize("mode,shape,pad", CASES)
def test_pad_matches_torch(device, mode, shape, pad):
    torch = pytest.importorskip("torch")
    check_against_torch(lambda x: F.pad(x, pad, mode=mode), lambda x: torch.nn.functional.pad(x, pad, mode=mode),
                        [rand(shape, seed=1)], device=device)


def test_constant_value_and_dtypes(device):
    torch = pytest.importorskip("torch")
    x = rand((2, 3), np.float32, seed=2)
    out = F.pad(ag.tensor(x, device=device), (1, 2, 1, 0), value=-1.5)
    expected = torch.nn.functional.pad(torch.tensor(x), (1, 2, 1, 0), value=-1.5).numpy()
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), expected)
    ints = np.arange(6, dtype=np.int64).reshape(2, 3)
    out = F.pad(ag.tensor(ints, device=device), (1, 1), value=7)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out.numpy(), torch.nn.functional.pad(torch.tensor(ints), (1, 1), value=7).numpy())


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
def test_empty_batch(device, mode):
    torch = pytest.importorskip("torch")
    x = np.zeros((0, 2, 3, 4))
    out = F.pad(ag.tensor(x, device=device), (1, 1, 2, 1), mode=mode)
    assert out.shape == tuple(torch.nn.functional.pad(torch.tensor(x), (1, 1, 2, 1), mode=mode).shape)


@pytest.mark.parametrize("mode,pad", [("constant", (1, -1, 2, 0)), ("reflect", (2, 1, 1, 2)),
                                      ("replicate", (3, 1, 0, 2)), ("circular", (2, 3, 1, 1))])
def test_gradcheck(device, mode, pad):
    check_gradcheck(lambda x: F.pad(x, pad, mode=mode), [rand((1, 2, 3, 4), seed=3)], device=device)


@pytest.mark.parametrize("call,match", [
    (lambda x: F.pad(x, (1,)), "odd length"),
    (lambda x: F.pad(x, (1, 1) * 4), "pads 4 dimensions.*only 3"),
    (lambda x: F.pad(x, (1.5, 1)), "tuple of ints"),
    (lambda x: F.pad(x, (1, 1), mode="wrap"), "mode must be one of"),
    (lambda x: F.pad(x, (1, 1), mode="reflect", value=2.0), "takes no value"),
    (lambda x: F.pad(x, (4, 0), mode="reflect"), "smaller than its size 4"),
    (lambda x: F.pad(x, (5, 0), mode="circular"), "wrap around more than once"),
    (lambda x: F.pad(x, (1, 1, 1, 1, 1, 1), mode="replicate"), "does not take a 3-D input"),
    (lambda x: F.pad(x, (-3, -2)), "crop more than dimension 2 holds"),
])
def test_errors(device, call, match):
    x = ag.tensor(rand((2, 3, 4), seed=4), device=device)
    with pytest.raises((ValueError, TypeError), match=match):
        call(x)


def test_non_constant_mode_refuses_empty_channels(device):
    with pytest.raises(ValueError, match="non-empty"):
        F.pad(ag.tensor(np.zeros((2, 0, 3)), device=device), (1, 1), mode="reflect")
