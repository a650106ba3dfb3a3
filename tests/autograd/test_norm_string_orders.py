"""`torch.norm` with a string p as PyTorch dispatches it: 'fro' over at most two dims is the vector 2-norm, 'nuc'
(and 'fro' over more dims) is `linalg.matrix_norm` over `dim` or every dim, which takes exactly two (so a
3-D tensor with p="nuc" and dim=None is refused, as in PyTorch). "fro" over three dims gave the 2-norm before."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

X = np.random.default_rng(0).standard_normal((3, 4, 5))

CASES = [
    ("nuc of a matrix", (0,), "nuc", {}),
    ("nuc over dims 0, 1", None, "nuc", {"dim": (0, 1)}),
    ("nuc over dims 1, 2, keepdim", None, "nuc", {"dim": (1, 2), "keepdim": True}),
    ("nuc over negative dims", None, "nuc", {"dim": (-1, -3)}),
    ("fro over two dims", None, "fro", {"dim": (0, 1)}),
    ("fro over one dim", None, "fro", {"dim": 2}),
    ("fro over everything", None, "fro", {}),
]


def _input(lib, pick):
    data = X if pick is None else X[pick]
    return lib.tensor(data, requires_grad=True)


@pytest.mark.parametrize("name, pick, p, kwargs", CASES, ids=[c[0] for c in CASES])
def test_norm_string_orders_match_pytorch(name, pick, p, kwargs):
    torch = require_torch()
    ours, theirs = _input(ag, pick), _input(torch, pick)
    a, b = ag.norm(ours, p, **kwargs), torch.norm(theirs, p, **kwargs)
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)
    a.sum().backward()
    b.sum().backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("p, kwargs", [("fro", {"dim": (0, 1, 2)}), ("nuc", {}), ("nuc", {"dim": 1}),
                                       ("abc", {"dim": (0, 1)})])
def test_norm_string_orders_refused_as_pytorch(p, kwargs):
    torch = require_torch()
    with pytest.raises(RuntimeError):
        torch.norm(torch.tensor(X), p, **kwargs)
    with pytest.raises(RuntimeError, match="matrix_norm"):
        ag.norm(ag.tensor(X), p, **kwargs)


def test_nuclear_norm_through_torch_norm_passes_gradcheck():
    x = ag.tensor(X[:, :3, :4].copy(), requires_grad=True)
    assert ag.autograd.gradcheck(lambda t: ag.norm(t, "nuc", dim=(1, 2)), (x,))
