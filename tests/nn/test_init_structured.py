"""trunc_normal_, orthogonal_, eye_, dirac_ and sparse_: PyTorch's signatures, bounds, moments and structure;
the deterministic ones equal torch.nn.init's results exactly."""
import math

import numpy as np
import pytest

import autograd as ag
import nn
from nn import init


def _truncated_moments(mean, std, a, b):
    """Mean and standard deviation of N(mean, std**2) truncated to [a, b]."""
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)   # noqa: E731
    mass = 0.5 * (math.erf(beta / math.sqrt(2)) - math.erf(alpha / math.sqrt(2)))
    m = (pdf(alpha) - pdf(beta)) / mass
    var = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / mass - m * m
    return mean + std * m, std * math.sqrt(var)


@pytest.mark.parametrize("mean,std,a,b", [(0.0, 1.0, -2.0, 2.0), (0.5, 0.02, 0.46, 0.6), (0.0, 1.0, 1.5, 4.0)])
def test_trunc_normal_bounds_and_moments(device, mean, std, a, b):
    ag.manual_seed(0)
    t = ag.empty(300, 400, device=device)
    assert init.trunc_normal_(t, mean, std, a, b) is t
    v = t.numpy()
    assert v.min() >= a and v.max() <= b
    want_mean, want_std = _truncated_moments(mean, std, a, b)
    assert abs(v.mean() - want_mean) < 0.01 * want_std
    assert abs(v.std() - want_std) < 0.01 * want_std


def test_trunc_normal_defaults_match_torch_signature():
    torch = pytest.importorskip("torch")
    import inspect
    ours = inspect.signature(init.trunc_normal_).parameters
    theirs = inspect.signature(torch.nn.init.trunc_normal_).parameters
    for name in ("mean", "std", "a", "b"):
        assert ours[name].default == theirs[name].default
    t = init.trunc_normal_(ag.empty(1000))
    assert t.numpy().min() >= -2 and t.numpy().max() <= 2


def test_trunc_normal_bad_arguments():
    with pytest.raises(ValueError, match="trunc_normal_: the interval"):
        init.trunc_normal_(ag.empty(3), a=1.0, b=-1.0)
    with pytest.raises(ValueError, match="trunc_normal_: std"):
        init.trunc_normal_(ag.empty(3), std=0.0)



def test_trunc_normal_far_in_the_tail_still_draws_inside_as_pytorch():
    # [20, 21] holds almost none of N(0, 1): PyTorch warns and samples it (uniform draws accepted by the density)
    with pytest.warns(UserWarning, match="more than 2 std"):
        t = init.trunc_normal_(ag.empty(2000), mean=0.0, std=1.0, a=20.0, b=21.0)
    v = t.numpy()
    assert v.min() >= 20.0 and v.max() <= 21.0
    assert abs(v.mean() - 20.05) < 0.01     # the density falls off as exp(-20 (x - 20)): mean about 20 + 1/20


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (8, 3), (6, 2, 3, 3), (4, 40)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal(device, shape, gain):
    t = init.orthogonal_(ag.empty(*shape, device=device), gain)
    q = t.numpy().reshape(shape[0], -1).astype(np.float64) / gain
    rows, cols = q.shape
    gram = q @ q.T if rows <= cols else q.T @ q
    np.testing.assert_allclose(gram, np.eye(min(rows, cols)), atol=1e-5)


def test_orthogonal_is_random_and_float64_exact():
    ag.manual_seed(1)
    a = init.orthogonal_(ag.empty(6, 6, dtype=ag.float64)).numpy()
    b = init.orthogonal_(ag.empty(6, 6, dtype=ag.float64)).numpy()
    np.testing.assert_allclose(a @ a.T, np.eye(6), atol=1e-13)
    assert not np.allclose(a, b)
    ag.manual_seed(1)
    np.testing.assert_array_equal(init.orthogonal_(ag.empty(6, 6, dtype=ag.float64)).numpy(), a)


def test_orthogonal_entries_are_unbiased():
    # the sign fix makes Q Haar-distributed: entry means vanish and each entry has variance 1 / n
    ag.manual_seed(2)
    n, samples = 4, 2000
    qs = np.stack([init.orthogonal_(ag.empty(n, n, dtype=ag.float64)).numpy() for _ in range(samples)])
    assert np.abs(qs.mean(axis=0)).max() < 4 / math.sqrt(samples * n)
    np.testing.assert_allclose(qs.var(axis=0), 1 / n, atol=0.03)


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (5, 2)])
def test_eye_matches_torch(shape):
    torch = pytest.importorskip("torch")
    ours = init.eye_(ag.full(shape, 7.0)).numpy()
    np.testing.assert_array_equal(ours, torch.nn.init.eye_(torch.full(shape, 7.0)).numpy())


@pytest.mark.parametrize("shape,groups", [((4, 4, 3), 1), ((6, 3, 3, 3), 2), ((4, 6, 2, 3), 1), ((2, 4, 3, 3, 3), 1),
                                          ((6, 2, 5, 4), 3), ((3, 5, 3), 3)])
def test_dirac_matches_torch(shape, groups):
    torch = pytest.importorskip("torch")
    ours = init.dirac_(ag.full(shape, 7.0), groups).numpy()
    np.testing.assert_array_equal(ours, torch.nn.init.dirac_(torch.full(shape, 7.0), groups).numpy())


def test_dirac_conv_is_identity():
    conv = nn.Conv2d(3, 3, 3, padding=1, bias=False)
    init.dirac_(conv.weight)
    x = ag.randn(2, 3, 5, 5)
    np.testing.assert_allclose(conv(x).numpy(), x.numpy(), atol=1e-6)


@pytest.mark.parametrize("call,match", [
    (lambda: init.eye_(ag.empty(2, 2, 2)), "eye_: needs a 2-D tensor, got shape \\(2, 2, 2\\)"),
    (lambda: init.dirac_(ag.empty(3, 3)), "dirac_: needs a 3-, 4- or 5-D"),
    (lambda: init.dirac_(ag.empty(5, 2, 3), groups=2), "must split evenly into groups=2"),
    (lambda: init.orthogonal_(ag.empty(4)), "orthogonal_: needs a tensor with at least 2 dimensions"),
    (lambda: init.sparse_(ag.empty(4, 4, 4), 0.5), "sparse_: needs a 2-D tensor"),
    (lambda: init.sparse_(ag.empty(4, 4), 1.5), "sparse_: sparsity"),
])
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("sparsity", [0.0, 0.1, 0.35, 1.0])
def test_sparse_zeros_per_column_and_std(device, sparsity):
    ag.manual_seed(3)
    rows, cols = 200, 300
    t = init.sparse_(ag.empty(rows, cols, device=device), sparsity, std=0.05)
    v = t.numpy()
    zeros = math.ceil(sparsity * rows)
    assert ((v == 0).sum(axis=0) == zeros).all()
    if zeros < rows:
        nonzero = v[v != 0]
        assert abs(nonzero.std() - 0.05) < 0.02 * 0.05 and abs(nonzero.mean()) < 0.002
    # the zeroed rows differ between columns (a random permutation per column)
    assert zeros in (0, rows) or len({tuple(np.flatnonzero(v[:, c] == 0)) for c in range(cols)}) > cols // 2


def test_sparse_default_std_matches_torch_signature():
    torch = pytest.importorskip("torch")
    import inspect
    assert (inspect.signature(init.sparse_).parameters["std"].default
            == inspect.signature(torch.nn.init.sparse_).parameters["std"].default)
    assert (inspect.signature(init.dirac_).parameters["groups"].default
            == inspect.signature(torch.nn.init.dirac_).parameters["groups"].default)
    assert (inspect.signature(init.orthogonal_).parameters["gain"].default
            == inspect.signature(torch.nn.init.orthogonal_).parameters["gain"].default)
