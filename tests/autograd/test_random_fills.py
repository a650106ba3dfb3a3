"""The in-place random fills beyond uniform_ and normal_: exponential_, log_normal_, cauchy_, geometric_,
random_ (PyTorch's parameters, ranges and dtypes)."""
import numpy as np
import pytest

import autograd as ag


def _filled(device, method, *args, dtype=np.float64, n=40000):
    ag.manual_seed(0)
    t = ag.zeros(n, dtype=dtype, device=device)
    assert getattr(t, method)(*args) is t
    return t.numpy()


def test_continuous_fills_follow_their_distributions(device):
    e = _filled(device, "exponential_", 2.0)
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01
    ln = np.log(_filled(device, "log_normal_", 0.5, 0.25))
    assert abs(ln.mean() - 0.5) < 0.01 and abs(ln.std() - 0.25) < 0.01
    c = _filled(device, "cauchy_", 3.0, 2.0)
    assert abs(np.median(c) - 3.0) < 0.1 and abs(np.percentile(c, 75) - np.percentile(c, 25) - 4.0) < 0.2


def test_geometric_counts_trials_up_to_the_first_success(device):
    g = _filled(device, "geometric_", 0.25)
    assert g.min() == 1 and np.all(g == np.round(g)) and abs(g.mean() - 4.0) < 0.1


@pytest.mark.parametrize("args, low, high", [((3, 7), 3, 6), ((10,), 0, 9), ((), 0, 2 ** 24)])
def test_random_draws_integers_in_pytorchs_ranges(device, args, low, high):
    r = _filled(device, "random_", *args, dtype=np.float32)
    assert r.min() >= low and r.max() <= high and np.all(r == np.round(r))
    if high - low < 20:
        assert set(np.unique(r)) == set(range(low, high + 1))


def test_random_on_integer_dtypes_keeps_the_dtype_and_range(device):
    u = _filled(device, "random_", dtype=np.uint8, n=5000)
    assert u.dtype == np.uint8 and u.max() == 255 and u.min() == 0
    assert _filled(device, "random_", 5, dtype=np.int64, n=100).dtype == np.int64


@pytest.mark.parametrize("method, args, match", [("exponential_", (0.0,), "lambd must be > 0"),
                                                 ("log_normal_", (1.0, 0.0), "std must be > 0"),
                                                 ("geometric_", (1.5,), r"p must be in \(0, 1\)"),
                                                 ("random_", (5, 5), "expects from < to")])
def test_bad_parameters_are_refused(method, args, match):
    with pytest.raises(ValueError, match=match):
        getattr(ag.zeros(3), method)(*args)
