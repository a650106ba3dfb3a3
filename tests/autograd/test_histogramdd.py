"""torch.histogramdd, which deepgrad lacked: joint counts, weights, density, per-dim bin counts or edge tensors, a
range per dim, batched points and empty input, against PyTorch; and its errors."""
import numpy as np
import pytest

import autograd as ag

RNG = np.random.default_rng(0)
X, X3, W = RNG.standard_normal((50, 2)), RNG.standard_normal((4, 5, 3)), RNG.random(50)


def _edges(lib):
    return [lib.tensor([-3.0, 0.0, 0.5, 3.0], dtype=lib.float64), lib.tensor([-1.0, 1.0], dtype=lib.float64)]


CASES = {
    "counts per dim": lambda L: L.histogramdd(L.tensor(X), bins=[3, 4]),
    "weights density range": lambda L: L.histogramdd(L.tensor(X), bins=3, range=[-1.0, 1.0, -2.0, 2.0],
                                                     weight=L.tensor(W), density=True),
    "batched points": lambda L: L.histogramdd(L.tensor(X3), bins=[2, 3, 2]),
    "edge tensors": lambda L: L.histogramdd(L.tensor(X), bins=_edges(L)),
    "a constant coordinate": lambda L: L.histogramdd(L.tensor(np.array([[0.1, 0.2], [0.1, 0.9], [0.1, 0.3]])),
                                                     bins=[2, 3]),
    "empty": lambda L: L.histogramdd(L.tensor(np.zeros((0, 2))), bins=2),
    "float32 one dim": lambda L: L.histogramdd(L.tensor(X[:, :1].astype(np.float32)), bins=5),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_histogramdd_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = CASES[name](ag), CASES[name](torch)
    assert ours.hist.dtype == np.dtype(str(theirs.hist.dtype).replace("torch.", ""))
    np.testing.assert_allclose(ours.hist.numpy(), theirs.hist.numpy(), rtol=1e-12)
    assert len(ours.bin_edges) == len(theirs.bin_edges)
    for a, b in zip(ours.bin_edges, theirs.bin_edges):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12)


def test_histogramdd_errors_name_the_problem():
    x = ag.tensor(X)
    with pytest.raises(ValueError, match="bins has 3 entries, but the points have 2 coordinates"):
        ag.histogramdd(x, bins=[2, 2, 2])
    with pytest.raises(ValueError, match=r"range must list a min and a max per coordinate \(4 numbers\), got 2"):
        ag.histogramdd(x, bins=2, range=[0.0, 1.0])
    with pytest.raises(TypeError, match=r"the bin edges of dim 0 \(float32\) must have input's dtype \(float64\)"):
        ag.histogramdd(x, bins=[ag.tensor([0.0, 1.0]), ag.tensor([0.0, 1.0])])
    with pytest.raises(ValueError, match=r"weight of shape \(3,\) must have input's shape without its last dim"):
        ag.histogramdd(x, bins=2, weight=ag.ones(3, dtype=ag.float64))
    with pytest.raises(TypeError, match="expects a floating-point tensor"):
        ag.histogramdd(ag.tensor([[1, 2]]), bins=2)
