"""ag.gradient against torch.gradient (values, dtypes, errors) and gradcheck through it."""
import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(0)
DATA = RNG.standard_normal((4, 5, 3))
POINTS = [np.cumsum(RNG.uniform(0.2, 1.5, n)) for n in DATA.shape]

CASES = [
    ("all dims", {}),
    ("one dim", {"dim": 1}),
    ("negative dim", {"dim": -1}),
    ("two dims", {"dim": (0, 2)}),
    ("spacing", {"spacing": 0.5}),
    ("spacing per dim", {"spacing": [0.5, 2.0, 3.0]}),
    ("points", {"spacing": "points"}),
    ("points on two dims", {"spacing": "points02", "dim": [0, 2]}),
    ("edge order 2", {"edge_order": 2}),
    ("edge order 2, spacing", {"spacing": 0.25, "edge_order": 2, "dim": 1}),
    ("edge order 2, points", {"spacing": "points", "edge_order": 2}),
]


def _kwargs(m, kwargs):
    out = dict(kwargs)
    if out.get("spacing") == "points":
        out["spacing"] = [m.tensor(p) for p in POINTS]
    elif out.get("spacing") == "points02":
        out["spacing"] = [m.tensor(POINTS[0]), m.tensor(POINTS[2])]
    return out


@pytest.mark.parametrize("name,kwargs", CASES, ids=[c[0] for c in CASES])
def test_gradient_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours = ag.gradient(ag.tensor(DATA), **_kwargs(ag, kwargs))
    theirs = torch.gradient(torch.tensor(DATA), **_kwargs(torch, kwargs))
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


def test_integer_input_gives_default_float_and_0d_gives_nothing_as_torch():
    torch = pytest.importorskip("torch")
    ours, = ag.gradient(ag.tensor([1, 4, 9, 16]))
    theirs, = torch.gradient(torch.tensor([1, 4, 9, 16]))
    assert ours.dtype == np.float32 and str(theirs.dtype) == "torch.float32"
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ag.gradient(ag.tensor(3.0)) == () == torch.gradient(torch.tensor(3.0))
    f32, = ag.gradient(ag.tensor([1.0, 2.0, 4.0], dtype=ag.float32))
    assert f32.dtype == np.float32


def test_gradient_errors_as_torch():
    torch = pytest.importorskip("torch")
    for call in (lambda m: m.gradient(m.ones(2), edge_order=2), lambda m: m.gradient(m.ones(1))):
        with pytest.raises(RuntimeError, match="at least edge_order\\+1"):
            call(ag)
        with pytest.raises(RuntimeError, match="at least edge_order\\+1"):
            call(torch)
    with pytest.raises(RuntimeError, match="edge_order=1 and edge_order=2"):
        ag.gradient(ag.ones(4), edge_order=3)
    with pytest.raises(RuntimeError, match="list of length 2"):
        ag.gradient(ag.ones(3, 4), spacing=[1.0])
    with pytest.raises(RuntimeError, match="1-D tensor of 3 values"):
        ag.gradient(ag.ones(3, 4), spacing=[ag.ones(2), ag.arange(4.0)])
    with pytest.raises(TypeError, match="spacing must be"):
        ag.gradient(ag.ones(3), spacing="1")


@pytest.mark.parametrize("kwargs", [{}, {"edge_order": 2}, {"spacing": "points"}, {"spacing": "points", "edge_order": 2}])
def test_gradcheck_through_gradient(kwargs):
    x = ag.tensor(DATA, requires_grad=True)
    assert ag.gradcheck(lambda t: ag.gradient(t, **_kwargs(ag, kwargs)), (x,))
    points = [ag.tensor(p, requires_grad=True) for p in POINTS]
    if kwargs.get("spacing"):
        assert ag.gradcheck(lambda *p: ag.gradient(ag.tensor(DATA), spacing=list(p),
                                                   edge_order=kwargs.get("edge_order", 1)), tuple(points))
