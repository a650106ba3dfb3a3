"""unique, nonzero, argwhere, count_nonzero, bincount, isclose/allclose, equal, multinomial, tril/triu vs PyTorch."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, rand


def _same(ours, theirs):
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert o.dtype == t.numpy().dtype, (o.dtype, t.dtype)
        np.testing.assert_array_equal(o.numpy(), t.numpy())


CALLS = [
    ("unique", lambda m, x: m.unique(x)),
    ("unique inverse counts", lambda m, x: m.unique(x, return_inverse=True, return_counts=True)),
    ("unique dim", lambda m, x: m.unique(x, dim=0, return_inverse=True)),
    ("nonzero", lambda m, x: m.nonzero(x)),
    ("nonzero as_tuple", lambda m, x: m.nonzero(x, as_tuple=True)),
    ("argwhere", lambda m, x: m.argwhere(x > 1)),
    ("count_nonzero", lambda m, x: m.count_nonzero(x, dim=1)),
    ("count_nonzero dims", lambda m, x: m.count_nonzero(x, dim=(0, 1))),
    ("bincount", lambda m, x: m.bincount(x.flatten(), minlength=7)),
    ("bincount weights", lambda m, x: m.bincount(x.flatten(), weights=x.flatten().double() / 2)),
    ("bincount float32 weights", lambda m, x: m.bincount(x.flatten(), weights=x.flatten().float() / 2)),
    ("bincount int weights", lambda m, x: m.bincount(x.flatten(), weights=x.flatten())),
    ("method", lambda m, x: x.flatten().unique(return_counts=True)),
]


@pytest.mark.parametrize("name,call", CALLS, ids=[c[0] for c in CALLS])
def test_value_and_position_ops_match_torch(device, name, call):
    torch = pytest.importorskip("torch")
    data = np.array([[3, 0, 2], [1, 0, 2], [3, 0, 2], [0, 5, 1]], dtype=np.int64)
    _same(call(ag, ag.tensor(data, device=device)), call(torch, torch.tensor(data)))


def test_isclose_allclose_match_torch(device):
    torch = pytest.importorskip("torch")
    a = np.array([1.0, 2.0, np.nan, 4.0], dtype=np.float32)
    b = a + np.array([1e-9, 1e-3, 0, 0], dtype=np.float32)
    for kwargs in ({}, {"equal_nan": True}, {"rtol": 1e-2}):
        _same(ag.isclose(ag.tensor(a, device=device), ag.tensor(b, device=device), **kwargs),
              torch.isclose(torch.tensor(a), torch.tensor(b), **kwargs))
        assert (ag.allclose(ag.tensor(a, device=device), ag.tensor(b, device=device), **kwargs)
                == torch.allclose(torch.tensor(a), torch.tensor(b), **kwargs))


def test_equal_matches_torch(device):
    torch = pytest.importorskip("torch")
    pairs = [([1, 2], [1.0, 2.0]), ([1.0, 2.0], [1.0, 2.5]), ([[1.0], [2.0]], [1.0, 2.0]), ([1.0], [1.0, 1.0]),
             ([float("nan")], [float("nan")]), ([], [])]
    for a, b in pairs:
        ours = ag.equal(ag.tensor(a, device=device), ag.tensor(b, device=device))
        assert ours is torch.equal(torch.tensor(a), torch.tensor(b)), (a, b)
        assert ag.tensor(a, device=device).equal(ag.tensor(b, device=device)) is ours
    with pytest.raises(TypeError, match=r"equal: other must be a Tensor, got list"):
        ag.equal(ag.ones(2), [1.0, 1.0])


@pytest.mark.parametrize("diagonal", [0, 1, -1])
def test_tril_triu_match_torch_with_gradients(device, diagonal):
    torch = pytest.importorskip("torch")
    for name in ("tril", "triu"):
        check_against_torch(lambda x: getattr(ag, name)(x, diagonal), lambda x: getattr(torch, name)(x, diagonal),
                            [rand((2, 3, 4), np.float32)], device=device)
    x = ag.ones(3, 3, device=device)
    assert x.triu(1).sum().item() == 3 and x.tril().sum().item() == 6
    with pytest.raises(ValueError, match=r"tril: input must have at least 2 dims.*Size\(\[3\]\)"):
        ag.tril(ag.ones(3))


def test_multinomial_shapes_dtype_and_frequencies(device):
    probs = ag.tensor([[0.1, 0.0, 0.6, 0.3], [0.5, 0.5, 0.0, 0.0]], device=device)
    ag.manual_seed(0)
    draws = ag.multinomial(probs, 4000, replacement=True)
    assert draws.shape == (2, 4000) and draws.dtype == np.int64
    freq = np.stack([np.bincount(r, minlength=4) / 4000 for r in draws.numpy()])
    np.testing.assert_allclose(freq, probs.numpy(), atol=0.03)
    assert probs[0].multinomial(1).shape == (1,)
    # without replacement every draw is distinct, zero-weight categories never come
    rows = ag.multinomial(ag.tensor([2.0, 1.0, 0.0, 1.0], device=device), 3).numpy()
    assert sorted(rows.tolist()) == [0, 1, 3]
    # the global seed and a Generator both repeat draws
    ag.manual_seed(5)
    a = ag.multinomial(probs, 6, replacement=True).numpy()
    ag.manual_seed(5)
    np.testing.assert_array_equal(a, ag.multinomial(probs, 6, replacement=True).numpy())
    g = ag.Generator().manual_seed(3)
    b = ag.multinomial(probs, 6, True, generator=g).numpy()
    np.testing.assert_array_equal(b, ag.multinomial(probs, 6, True, generator=g.manual_seed(3)).numpy())


def test_multinomial_first_draw_without_replacement_follows_the_weights():
    ag.manual_seed(1)
    first = ag.multinomial(ag.tensor([[0.7, 0.2, 0.1]]).expand(3000, 3), 2).numpy()[:, 0]
    np.testing.assert_allclose(np.bincount(first, minlength=3) / 3000, [0.7, 0.2, 0.1], atol=0.03)


def test_multinomial_bad_input_says_what_to_do():
    with pytest.raises(ValueError, match="not logits"):
        ag.multinomial(ag.tensor([0.5, -0.1]), 1)
    with pytest.raises(ValueError, match="sums to 0"):
        ag.multinomial(ag.zeros(2, 3), 1)
    with pytest.raises(ValueError, match="without replacement from 3 categories.*replacement=True"):
        ag.multinomial(ag.tensor([0.5, 0.5, 0.0]), 4)
    # as PyTorch: a zero-weight category may be drawn once the others are used up
    assert sorted(ag.multinomial(ag.tensor([0.5, 0.5, 0.0]), 3).tolist()) == [0, 1, 2]
    with pytest.raises(TypeError, match=r"1-D or 2-D float tensor.*int64"):
        ag.multinomial(ag.tensor([1, 2]), 1)
