"""print(distribution) as PyTorch prints it: a one-element parameter formatted as itself (0-d: its number; one
element with a dim: its tensor repr), any other as its Size (deepgrad printed a tuple, "Normal(loc: (2,), ...)",
and Wishart put df first). Compared with PyTorch's text after its "torch." prefixes are dropped."""
import pytest

import autograd as ag


def _distributions(lib):
    D, t = lib.distributions, lambda v: lib.tensor(v, dtype=lib.float64)
    return [D.Normal(t(0.0), t(1.0)), D.Normal(t([0.0]), t([1.0])), D.Normal(lib.zeros(2, dtype=lib.float64), 1.0),
            D.Categorical(probs=t([0.5, 0.5])), D.Categorical(logits=t([[0.5, 0.5]])), D.Bernoulli(logits=t(0.3)),
            D.Bernoulli(probs=t([0.3, 0.2])), D.Gamma(t(2.0), t([1.0, 2.0])), D.Exponential(t([1.0, 2.0])),
            D.Poisson(t([3.0])), D.Uniform(t(0.0), t([1.0, 2.0])),
            D.MultivariateNormal(lib.zeros(2, dtype=lib.float64), scale_tril=lib.eye(2, dtype=lib.float64)),
            D.Dirichlet(t([1.0, 2.0])), D.StudentT(t(3.0), t(0.0), t(1.0)), D.Binomial(5, t(0.3)),
            D.Multinomial(4, t([0.2, 0.8])), D.Wishart(t(3.0), lib.eye(2, dtype=lib.float64)),
            D.LKJCholesky(3, t(1.5)), D.Independent(D.Normal(lib.zeros(2, 3, dtype=lib.float64), 1.0), 1)]


def test_distribution_reprs_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = [repr(d) for d in _distributions(ag)]
    theirs = [repr(d).replace("torch.", "") for d in _distributions(torch)]
    assert ours == theirs
