"""Reductions in float32 and float16 against PyTorch: values and gradients within tolerances derived from the
dtype's epsilon (tests.helpers.tolerance), so an error of a few ulps more than PyTorch's fails."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, rand, tolerance

# name, ours(t), torch's(t) (None: the same code), roundings along the longest chain of value or gradient
# (sums count once: NumPy and PyTorch both accumulate float16 in float32 and pairwise float32)
REDUCTIONS = [
    ("sum", lambda t: t.sum(1), None, 1),
    ("sum_all", lambda t: t.sum(), None, 1),
    ("mean", lambda t: t.mean(1), None, 1),
    ("mean_all", lambda t: ag.mean(t), lambda t: t.mean(), 1),
    ("mean_keepdim", lambda t: t.mean(0, keepdim=True), None, 1),
    ("var", lambda t: t.var(1), None, 3),                   # mean, centre, square-and-sum
    ("var_all_biased", lambda t: t.var(correction=0), None, 3),
    ("std", lambda t: t.std(0), None, 4),                   # var, then sqrt
    ("amax", lambda t: t.amax(1), None, 1),
    ("max_dim", lambda t: t.max(1)[0], None, 1),
    ("logsumexp", lambda t: t.logsumexp(1), None, 3),       # exp, sum, log
    ("prod", lambda t: t.prod(1), None, 4),                 # 16 products, pairwise: log2(16) deep
    ("norm", lambda t: t.norm(2, 1), None, 3),              # square, sum, sqrt
    ("cumsum", lambda t: t.cumsum(1), None, 4),             # sequential in the dtype; a few carries
    ("softmax", lambda t: ag.softmax(t, dim=1), lambda t: t.softmax(1), 3),
    ("log_softmax", lambda t: ag.log_softmax(t, dim=1), lambda t: t.log_softmax(1), 3),
]
DTYPES = [np.float32, np.float16]


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,ops", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reduction_values_and_gradients_match_torch(device, name, ours, theirs, ops, dtype):
    # values of order one, away from zero, so a relative error shows against the absolute tolerance too
    x = rand((4, 16), dtype, 0.5, 2.0, seed=11)
    if name == "prod":
        x = rand((4, 16), dtype, 0.8, 1.25, seed=11)   # a product of 16 stays of order one
    check_against_torch(ours, theirs or ours, [x], device=device, **tolerance(dtype, ops))


def test_tolerance_follows_the_dtype_epsilon():
    assert tolerance(np.float32) == dict(rtol=2 * 2.0 ** -23, atol=2 * 2.0 ** -23)
    assert tolerance(np.float16, ops=3)["rtol"] == pytest.approx(6 * 2.0 ** -10)
    # a 1% error in float16 and a 0.1% error in float32 are far outside what one rounding explains
    assert tolerance(np.float16)["rtol"] < 0.01 / 4 and tolerance(np.float32, ops=10)["rtol"] < 1e-3 / 100
