"""The third round's draws and transforms: sample statistics of every new family against its moments (many
draws from deepgrad's generator, tolerances of several standard errors), draws repeated by ag.manual_seed, the
gradient of Gamma-based rsample means against the moments' gradients; and the new transforms
(Cat/Stack/Reshape/Independent/LowerCholesky/PositiveDefinite/CorrCholesky/CumulativeDistribution), the new
constraints and their biject_to/transform_to against PyTorch with gradients."""
import warnings

import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand

D = ag.distributions
N = 40000


def _t(x):
    return ag.tensor(np.asarray(x, dtype=np.float64))


def _spd(n, seed):
    a = rand((n, n), seed=seed)
    return a @ a.T + n * np.eye(n)


# name: (make(), the number of standard errors allowed)
FAMILIES = {
    "Weibull": lambda: D.Weibull(_t([1.0, 2.0]), _t([0.7, 3.0])),
    "Pareto": lambda: D.Pareto(_t([1.0, 0.5]), _t([5.0, 9.0])),
    "GeneralizedPareto": lambda: D.GeneralizedPareto(_t([0.0, 1.0, -1.0]), _t([1.0, 2.0, 0.5]),
                                                     _t([-0.4, 0.0, 0.15])),
    "InverseGamma": lambda: D.InverseGamma(_t([6.0, 9.0]), _t([1.0, 3.0])),
    "Kumaraswamy": lambda: D.Kumaraswamy(_t([0.5, 2.0]), _t([3.0, 0.8])),
    "FisherSnedecor": lambda: D.FisherSnedecor(_t([3.0, 10.0]), _t([12.0, 20.0])),
    "NegativeBinomial": lambda: D.NegativeBinomial(_t([3.0, 0.5]), probs=_t([0.4, 0.7])),
    "ContinuousBernoulli": lambda: D.ContinuousBernoulli(probs=_t([0.1, 0.5, 0.8])),
    "LowRankMVN": lambda: D.LowRankMultivariateNormal(_t([1.0, -1.0, 0.5]), _t(rand((3, 2), seed=1)),
                                                     _t([0.5, 1.0, 2.0])),
    "Wishart": lambda: D.Wishart(_t(5.0), covariance_matrix=_t(_spd(3, 2))),
}


@pytest.mark.parametrize("name", list(FAMILIES))
def test_sample_mean_and_variance_match_the_moments(name):
    ag.manual_seed(11)
    d = FAMILIES[name]()
    x = d.sample((N,)).numpy()
    mean, var = d.mean.numpy(), d.variance.numpy()
    # the standard error of the sample variance needs the fourth moment: bound it from the draws themselves
    np.testing.assert_allclose(x.mean(0), mean, atol=0, rtol=0.0 + 6 * np.max(np.sqrt(var / N) / np.abs(mean)))
    fourth = ((x - mean) ** 4).mean(0)
    np.testing.assert_allclose(x.var(0), var, atol=6 * np.max(np.sqrt(np.maximum(fourth - var ** 2, 0) / N)))


def test_lowrank_covariance_and_wishart_draws_are_positive_definite():
    ag.manual_seed(12)
    d = FAMILIES["LowRankMVN"]()
    x = d.sample((N,)).numpy()
    np.testing.assert_allclose(np.cov(x.T), d.covariance_matrix.numpy(), atol=0.08)
    w = FAMILIES["Wishart"]().sample((50,))
    assert bool(D.constraints.positive_definite.check(w).all())


def test_vonmises_draws_have_the_circular_mean_and_variance():
    ag.manual_seed(13)
    d = D.VonMises(_t([0.5, -3.0, 2.0]), _t([0.05, 1.0, 20.0]))
    x = d.sample((N,)).numpy()
    assert x.min() >= -np.pi and x.max() < np.pi
    resultant = np.exp(1j * x).mean(0)
    np.testing.assert_allclose(1 - np.abs(resultant), d.variance.numpy(), atol=0.01)
    ok = np.abs(resultant) > 0.2          # the mean direction is only defined away from the uniform case
    np.testing.assert_allclose(np.angle(resultant)[ok], d.mean.numpy()[ok], atol=0.02)


@pytest.mark.parametrize("dim", [2, 3, 4, 5])
def test_lkj_cholesky_draws_have_lkj_marginals(dim):
    # every off-diagonal entry of an LKJ(eta) correlation matrix is 2 Beta(a, a) - 1 with a = eta - 1 + dim / 2,
    # of variance 1 / (2 eta + dim - 1). (PyTorch 2.13's sampler misses this for the rows after the second:
    # with dim 4 and eta 1 its entry (2, 1) has variance 0.25, not 0.2)
    ag.manual_seed(14)
    eta = np.array([0.5, 1.0, 3.0])
    low = D.LKJCholesky(dim, _t(eta)).sample((N // 2,))
    assert bool(D.constraints.corr_cholesky.check(low).all())
    corr = (low @ low.transpose(-2, -1)).numpy()
    rows, cols = np.tril_indices(dim, -1)
    expected = 1 / (2 * eta + dim - 1)
    np.testing.assert_allclose(corr[..., rows, cols].var(0), np.repeat(expected[:, None], len(rows), 1), rtol=0.06)
    np.testing.assert_allclose(corr[..., rows, cols].mean(0), 0, atol=0.03)


def test_logistic_normal_draws_match_pytorch_draws_in_distribution():
    torch = pytest.importorskip("torch")
    ag.manual_seed(15)
    torch.manual_seed(15)
    loc, scale = np.array([0.3, -0.5, 1.0]), np.array([0.5, 1.0, 0.8])
    ours = D.LogisticNormal(_t(loc), _t(scale)).sample((N,)).numpy()
    theirs = torch.distributions.LogisticNormal(torch.tensor(loc), torch.tensor(scale)).sample((N,)).numpy()
    assert ours.shape == theirs.shape == (N, 4)
    np.testing.assert_allclose(ours.sum(-1), 1, rtol=1e-12)
    np.testing.assert_allclose(ours.mean(0), theirs.mean(0), atol=0.006)
    np.testing.assert_allclose(ours.std(0), theirs.std(0), atol=0.006)


def test_straight_through_draw_frequencies_follow_probs():
    ag.manual_seed(16)
    probs = np.array([0.1, 0.2, 0.3, 0.4])
    x = D.OneHotCategoricalStraightThrough(probs=_t(probs)).rsample((N,)).numpy()
    np.testing.assert_allclose(x.mean(0), probs, atol=0.01)


@pytest.mark.parametrize("name", list(FAMILIES) + ["VonMises", "LKJ", "LogisticNormal"])
def test_manual_seed_repeats_the_draws(name):
    make = FAMILIES.get(name) or {"VonMises": lambda: D.VonMises(_t([0.1]), _t([2.0])),
                                  "LKJ": lambda: D.LKJCholesky(3, 1.5),
                                  "LogisticNormal": lambda: D.LogisticNormal(_t([0.1, 0.2]), _t([1.0, 2.0]))}[name]
    draws = []
    for _ in range(2):
        ag.manual_seed(21)
        draws.append(make().sample((5,)).numpy())
    np.testing.assert_array_equal(draws[0], draws[1])
    assert not np.array_equal(draws[0], make().sample((5,)).numpy())


@pytest.mark.parametrize("name, make, params", [
    ("InverseGamma", lambda D, c, r: D.InverseGamma(c, r), [np.array([4.0, 7.0]), np.array([1.0, 2.5])]),
    ("FisherSnedecor", lambda D, a, b: D.FisherSnedecor(a, b), [np.array([3.0, 8.0]), np.array([9.0, 15.0])]),
    ("Wishart_df", lambda D, df: D.Wishart(df, scale_tril=D.Normal(0, 1).mean * 0 + ag_or_torch_eye(D)),
     [np.array(4.0)]),
])
def test_gamma_based_rsample_gradients_match_the_moments_gradients(name, make, params):
    torch = pytest.importorskip("torch")
    ag.manual_seed(31)
    ours = [ag.tensor(p, requires_grad=True) for p in params]
    theirs = [torch.tensor(p, requires_grad=True) for p in params]
    draw = make(D, *ours).rsample((N,))
    draw.mean(0).sum().backward()
    make(torch.distributions, *theirs).mean.sum().backward()
    for a, b in zip(ours, theirs):
        expected = np.zeros(a.shape) if b.grad is None else b.grad.numpy()     # the mean does not depend on b
        np.testing.assert_allclose(a.grad.numpy(), expected, rtol=0.05, atol=0.01)


def ag_or_torch_eye(D):
    return ag.eye(3, dtype=ag.float64) if D is ag.distributions else __import__("torch").eye(3, dtype=__import__(
        "torch").float64)


# ---------------------------------------------------------------- transforms
def _transform(lib, name, *ps):
    T, C = lib.distributions.transforms, lib.distributions.constraints
    return {
        "Cat": lambda: T.CatTransform([T.ExpTransform(), T.AffineTransform(ps[0], 2.0), T.SigmoidTransform()], dim=-1,
                                      lengths=[1, 2, 1]),
        "Cat_dim0": lambda: T.CatTransform([T.ExpTransform(), T.TanhTransform()], dim=0, lengths=[2, 1]),
        "Cat_event": lambda: T.CatTransform([T.IndependentTransform(T.ExpTransform(), 1),
                                             T.AffineTransform(0.5, 2.0, event_dim=1)], dim=-1, lengths=[2, 1]),
        "Stack": lambda: T.StackTransform([T.ExpTransform(), T.AffineTransform(ps[0][..., 0], 3.0),
                                           T.SoftplusTransform()], dim=-1),
        "Reshape": lambda: T.ReshapeTransform((2, 3), (3, 2)),
        "Independent": lambda: T.IndependentTransform(T.AffineTransform(ps[0], ps[0] + 2.0), 1),
        "LowerCholesky": lambda: T.LowerCholeskyTransform(),
        "PositiveDefinite": lambda: T.PositiveDefiniteTransform(),
        "CorrCholesky": lambda: T.CorrCholeskyTransform(),
        "CDF": lambda: T.CumulativeDistributionTransform(lib.distributions.Normal(ps[0], ps[0] + 2.0)),
    }[name]()


TRANSFORMS = {       # name: (input x, the parameter array, whether log_abs_det_jacobian is defined)
    "Cat": (rand((2, 4), seed=1), rand((2, 2), seed=2), True),
    "Cat_dim0": (rand((3, 2), seed=3), rand((1,), seed=4), True),
    "Cat_event": (rand((2, 3), seed=5), rand((1,), seed=6), True),
    "Stack": (rand((2, 3), seed=7), rand((2, 3), seed=8), True),
    "Reshape": (rand((4, 2, 3), seed=9), rand((1,), seed=10), True),
    "Independent": (rand((2, 3), seed=11), rand((3,), seed=12), True),
    "LowerCholesky": (rand((2, 3, 3), seed=13), rand((1,), seed=14), False),
    "PositiveDefinite": (rand((2, 3, 3), seed=15), rand((1,), seed=16), False),
    "CorrCholesky": (rand((2, 6), seed=17, low=-2, high=2), rand((1,), seed=18), True),
    "CDF": (rand((2, 3), seed=19), rand((3,), seed=20), True),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
@pytest.mark.parametrize("what", ["forward", "inverse", "log_abs_det_jacobian"])
def test_transform_matches_torch_with_gradients(name, what):
    torch = pytest.importorskip("torch")
    x, param, has_jacobian = TRANSFORMS[name]
    if what == "log_abs_det_jacobian" and not has_jacobian:
        pytest.skip("PyTorch defines no log_abs_det_jacobian for this transform")

    def run(lib):
        def f(x, p):
            t = _transform(lib, name, p)
            y = t(x)
            if what == "forward":
                return y
            if what == "inverse":
                return t.inv(y.detach() if hasattr(y, "detach") else y)
            return t.log_abs_det_jacobian(x, y)
        return f
    check_against_torch(run(ag), run(torch), [x, param], rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_properties_and_shapes_as_torch(name):
    torch = pytest.importorskip("torch")
    x, param, _ = TRANSFORMS[name]
    ours, theirs = _transform(ag, name, ag.tensor(param)), _transform(torch, name, torch.tensor(param))
    assert ours.bijective == theirs.bijective
    try:
        assert ours.event_dim == theirs.event_dim
    except ValueError:      # PyTorch refuses event_dim where domain and codomain differ (CorrCholesky)
        pass
    for part in ("domain", "codomain"):
        a, b = getattr(ours, part), getattr(theirs, part)
        assert (type(a).__name__, a.event_dim, a.is_discrete) == (type(b).__name__, b.event_dim, b.is_discrete)
    y = theirs(torch.tensor(x))
    assert tuple(ours.forward_shape(x.shape)) == tuple(theirs.forward_shape(torch.Size(x.shape))) == tuple(y.shape)
    assert tuple(ours.inverse_shape(tuple(y.shape))) == tuple(theirs.inverse_shape(y.shape)) == x.shape
    cached = ours.with_cache(1)
    xt = ag.tensor(x)
    assert cached.inv(cached(xt)) is xt
    assert ours == _transform(ag, name, ag.tensor(param)) or name in ("CDF",)
    np.testing.assert_array_equal(ours.codomain.check(ours(xt)).numpy(),
                                  theirs.codomain.check(y).numpy())


def test_corr_cholesky_and_cat_pass_gradcheck():
    T = D.transforms
    check_gradcheck(lambda x: T.CorrCholeskyTransform()(x), [rand((2, 3), seed=1)])
    check_gradcheck(lambda x: T.CorrCholeskyTransform().log_abs_det_jacobian(x, T.CorrCholeskyTransform()(x)),
                    [rand((2, 6), seed=2)])
    cat = T.CatTransform([T.ExpTransform(), T.TanhTransform()], dim=-1, lengths=[2, 1])
    check_gradcheck(lambda x: cat.log_abs_det_jacobian(x, cat(x)), [rand((2, 3), seed=3)])


def test_transformed_distribution_over_new_transforms_matches_torch():
    torch = pytest.importorskip("torch")
    loc, value = rand((6,), seed=1), rand((3, 4), seed=2, low=0.05, high=0.95).reshape(3, 4)

    def run(lib):
        def f(loc, v):
            T = lib.distributions.transforms
            base = lib.distributions.Independent(lib.distributions.Normal(loc, 1.0), 1)
            d = lib.distributions.TransformedDistribution(base, [T.ReshapeTransform((6,), (2, 3)),
                                                                 T.IndependentTransform(T.SigmoidTransform(), 2)])
            return d.log_prob(v.reshape(2, 6)[..., :6].reshape(2, 2, 3))
        return f
    check_against_torch(run(ag), run(torch), [loc, value], rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("constraint", ["real_vector", "corr_cholesky", "lower_cholesky", "positive_definite",
                                        "positive_semidefinite", "cat", "stack"])
def test_biject_to_and_transform_to_of_the_new_constraints_as_torch(constraint):
    torch = pytest.importorskip("torch")

    def make(C):
        return {"cat": lambda: C.cat([C.positive, C.real, C.unit_interval], -1, [1, 2, 1]),
                "stack": lambda: C.stack([C.positive, C.real, C.unit_interval], -1)}.get(
                    constraint, lambda: getattr(C, constraint))()
    shape = {"real_vector": (2, 3), "corr_cholesky": (2, 3), "cat": (2, 4), "stack": (2, 3)}.get(constraint, (2, 3, 3))
    x = rand(shape, seed=4)
    for registry in ("biject_to", "transform_to"):
        theirs_t = getattr(torch.distributions, registry)
        try:
            t_theirs = theirs_t(make(torch.distributions.constraints))
        except NotImplementedError:
            with pytest.raises(NotImplementedError):
                getattr(D, registry)(make(D.constraints))
            continue
        t_ours = getattr(D, registry)(make(D.constraints))
        assert type(t_ours).__name__ == type(t_theirs).__name__
        y = t_ours(ag.tensor(x))
        np.testing.assert_allclose(y.numpy(), t_theirs(torch.tensor(x)).numpy(), rtol=1e-10, atol=1e-12)
        assert bool(make(D.constraints).check(y).all())


def test_new_constraints_check_as_torch():
    torch = pytest.importorskip("torch")
    a = rand((4, 3, 3), seed=5)
    pd = a @ np.swapaxes(a, -1, -2)
    psd = np.diag([1.0, 2.0, 0.0])             # semidefinite, not definite
    mats = np.concatenate([pd, -pd, psd[None], pd - 5 * np.eye(3)])
    C, TC = D.constraints, torch.distributions.constraints
    # (PyTorch answers only the symmetry check for a whole batch if any matrix in it is not symmetric, so the
    # batch here is all symmetric)
    np.testing.assert_array_equal(C.positive_semidefinite.check(ag.tensor(mats)).numpy(),
                                  TC.positive_semidefinite.check(torch.tensor(mats)).numpy())
    assert C.positive_semidefinite.check(ag.tensor(psd)).item() and not C.positive_definite.check(
        ag.tensor(psd)).item()
    assert not C.positive_semidefinite.check(ag.tensor(rand((3, 3), seed=9))).item()
    v = rand((2, 3, 4), seed=6)
    for dim in (0, -1, 1):
        n = v.shape[dim]
        ours = C.stack([C.positive] * (n - 1) + [C.real], dim)
        theirs = TC.stack([TC.positive] * (n - 1) + [TC.real], dim)
        np.testing.assert_array_equal(ours.check(ag.tensor(v)).numpy(), theirs.check(torch.tensor(v)).numpy())
        assert ours.event_dim == theirs.event_dim


@pytest.mark.parametrize("diag", [-2, -1, 0, 1])
def test_tril_vector_helpers_match_torch_with_gradients(diag):
    torch = pytest.importorskip("torch")
    mat = rand((2, 4, 4), seed=diag + 10)

    def run(lib):
        utils = lib.distributions.utils
        return lambda m: utils.vec_to_tril_matrix(utils.tril_matrix_to_vec(m, diag=diag) * 2, diag=diag)
    check_against_torch(run(ag), run(torch), [mat], rtol=1e-12)
    with pytest.raises(ValueError, match="lower triangle"):
        D.utils.vec_to_tril_matrix(ag.zeros(5))
    assert D.utils.euler_constant == pytest.approx(torch.distributions.utils.euler_constant, rel=1e-15)
