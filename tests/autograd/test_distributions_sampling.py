"""torch.distributions' families: Gamma's implicit reparameterisation against PyTorch's, unbiased rsample
gradients for the Gamma-based families, draws' shapes, dtypes, support, moments and reproducibility under
ag.manual_seed, argument and support checks, expand and enumerate_support."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_gradcheck, rand

D = ag.distributions


def _pos(shape, seed, low=0.5, high=2.0):
    return rand(shape, low=low, high=high, seed=seed)


def test_gamma_rsample_gradient_is_torchs_implicit_reparameterisation():
    torch = pytest.importorskip("torch")
    conc = ag.tensor(np.array([0.05, 0.3, 1.0, 2.5, 10.0, 200.0]), requires_grad=True)
    rate = ag.tensor(np.array([2.0, 0.5, 1.0, 3.0, 1.0, 0.1]), requires_grad=True)
    x = D.Gamma(conc, rate).rsample((400,))
    x.sum().backward()
    g = torch.tensor(x.detach().numpy() * rate.detach().numpy())        # the standard Gamma draws
    tconc = torch.tensor(conc.detach().numpy()).expand_as(g)
    dx_dconc = torch._standard_gamma_grad(tconc, g) / torch.tensor(rate.detach().numpy())
    # PyTorch's d x / d alpha is an approximation good to ~1e-3 relative; ours is exact to ~1e-9
    np.testing.assert_allclose(conc.grad.numpy(), dx_dconc.sum(0).numpy(), rtol=2e-3)
    np.testing.assert_allclose(rate.grad.numpy(), (-x.detach() / rate.detach()).sum(0).numpy(), rtol=1e-12)


def test_gamma_cdf_gradient_in_the_concentration_is_the_derivative_of_the_cdf():
    check_gradcheck(lambda c, x: D.Gamma(c, 1.5).cdf(x), [_pos((4,), 50, 0.3, 5.0), _pos((4,), 51, 0.1, 4.0)])


@pytest.mark.parametrize("name", ["Gamma", "Chi2", "Beta", "Dirichlet", "StudentT"])
def test_implicit_rsample_gradients_are_unbiased(name):
    # the gradient of a Monte-Carlo mean of f(x) estimates the gradient of E[f(x)], known in closed form
    ag.manual_seed(5)
    p = ag.tensor(np.array([0.7, 2.5]), requires_grad=True)
    make, f, exact = {
        "Gamma": (lambda p: D.Gamma(p, 2.0), lambda x: x, lambda p: 1 / 2.0 * np.ones(2)),
        "Chi2": (lambda p: D.Chi2(p), lambda x: x.pow(2), lambda p: 2 * p + 2),          # E x^2 = 2k + k^2
        "Beta": (lambda p: D.Beta(p, 1.5), lambda x: x, lambda p: 1.5 / (p + 1.5) ** 2),
        "Dirichlet": (lambda p: D.Dirichlet(p), lambda x: x[..., 0],
                      lambda p: np.array([p[1], -p[0]]) / p.sum() ** 2),
        "StudentT": (lambda p: D.StudentT(p + 4.0), lambda x: x.pow(2),                   # E x^2 = v / (v - 2)
                     lambda p: -2 / (p + 2) ** 2),
    }[name]
    draws = make(p).rsample((40000,))
    f(draws).mean(0).sum().backward()
    np.testing.assert_allclose(p.grad.numpy(), exact(p.detach().numpy()), rtol=0.08, atol=0.01)


MOMENTS = {
    "Uniform": lambda: D.Uniform(ag.tensor([0.0, -2.0]), ag.tensor([1.0, 3.0])),
    "Exponential": lambda: D.Exponential(ag.tensor([0.5, 3.0])),
    "Laplace": lambda: D.Laplace(ag.tensor([0.5, -1.0]), ag.tensor([1.0, 0.3])),
    "LogNormal": lambda: D.LogNormal(ag.tensor([0.0, 0.5]), ag.tensor([0.3, 0.5])),
    "HalfNormal": lambda: D.HalfNormal(ag.tensor([1.0, 2.0])),
    "Gumbel": lambda: D.Gumbel(ag.tensor([0.0, 2.0]), ag.tensor([1.0, 0.5])),
    "StudentT": lambda: D.StudentT(ag.tensor([5.0, 8.0]), 1.0, 2.0),
    "Gamma": lambda: D.Gamma(ag.tensor([0.4, 5.0]), ag.tensor([1.0, 2.0])),
    "Chi2": lambda: D.Chi2(ag.tensor([1.0, 6.0])),
    "Beta": lambda: D.Beta(ag.tensor([0.5, 3.0]), ag.tensor([0.5, 1.0])),
    "Dirichlet": lambda: D.Dirichlet(ag.tensor([0.5, 2.0, 3.0])),
    "MultivariateNormal": lambda: D.MultivariateNormal(ag.tensor([1.0, -1.0]),
                                                        ag.tensor([[2.0, 0.5], [0.5, 1.0]])),
    "Poisson": lambda: D.Poisson(ag.tensor([0.5, 7.0])),
    "Binomial": lambda: D.Binomial(ag.tensor([3.0, 10.0]), probs=ag.tensor([0.2, 0.7])),
    "Geometric": lambda: D.Geometric(probs=ag.tensor([0.3, 0.8])),
    "OneHotCategorical": lambda: D.OneHotCategorical(probs=ag.tensor([0.2, 0.5, 0.3])),
    "Multinomial": lambda: D.Multinomial(5, probs=ag.tensor([0.2, 0.5, 0.3])),
    "Mixture": lambda: D.MixtureSameFamily(D.Categorical(probs=ag.tensor([0.3, 0.7])),
                                           D.Normal(ag.tensor([-2.0, 1.0]), ag.tensor([0.5, 1.0]))),
}


@pytest.mark.parametrize("name", list(MOMENTS))
def test_draws_have_the_shape_dtype_support_and_moments(name):
    ag.manual_seed(11)
    d = MOMENTS[name]()
    draws = d.sample((30000,))
    assert tuple(draws.shape) == (30000,) + tuple(d.batch_shape + d.event_shape)
    assert draws.dtype == np.float32 and not draws.requires_grad
    if getattr(d, "support", None) is not None:
        assert bool(d.support.check(draws).all())
    assert tuple(d.sample().shape) == tuple(d.batch_shape + d.event_shape)
    mean, var = d.mean.numpy(), d.variance.numpy()
    np.testing.assert_allclose(draws.double().mean(0).numpy(), mean, rtol=0.03, atol=0.03 * np.sqrt(var).max())
    np.testing.assert_allclose(draws.double().var(0).numpy(), var, rtol=0.1, atol=0.01)
    ag.manual_seed(11)
    np.testing.assert_array_equal(MOMENTS[name]().sample((30000,)).numpy(), draws.numpy())


@pytest.mark.parametrize("name", ["Cauchy", "HalfCauchy", "RelaxedBernoulli", "RelaxedOneHotCategorical"])
def test_draws_without_moments_land_in_the_support_with_the_right_median(name):
    ag.manual_seed(12)
    d = {"Cauchy": lambda: D.Cauchy(ag.tensor([1.0, -3.0]), 2.0), "HalfCauchy": lambda: D.HalfCauchy(ag.tensor(2.0)),
         "RelaxedBernoulli": lambda: D.RelaxedBernoulli(ag.tensor(0.5), probs=ag.tensor([0.2, 0.9])),
         "RelaxedOneHotCategorical": lambda: D.RelaxedOneHotCategorical(ag.tensor(0.3),
                                                                        probs=ag.tensor([0.1, 0.6, 0.3]))}[name]()
    draws = d.rsample((20000,))
    assert tuple(draws.shape) == (20000,) + tuple(d.batch_shape + d.event_shape)
    assert bool(d.support.check(draws).all())
    if name in ("Cauchy", "HalfCauchy"):
        np.testing.assert_allclose(np.median(draws.numpy(), 0), d.icdf(ag.tensor(0.5)).numpy(), atol=0.05)
    elif name == "RelaxedBernoulli":
        np.testing.assert_allclose((draws > 0.5).double().mean(0).numpy(), [0.2, 0.9], atol=0.02)
    else:
        np.testing.assert_allclose(ag.tensor(np.eye(3))[draws.argmax(-1)].mean(0).numpy(), [0.1, 0.6, 0.3],
                                   atol=0.02)


BAD = [
    (lambda L: L.distributions.Exponential(L.tensor([1.0, -1.0])), r"parameter rate.*GreaterThan\(lower_bound=0.0\)"),
    (lambda L: L.distributions.Uniform(L.tensor(1.0), L.tensor(0.0)), r"parameter low"),
    (lambda L: L.distributions.Gamma(L.tensor([0.0]), 1.0), r"parameter concentration"),
    (lambda L: L.distributions.Beta(L.tensor([1.0]), L.tensor([-1.0])), r"parameter concentration0"),
    (lambda L: L.distributions.Dirichlet(L.tensor([1.0, -1.0])), r"parameter concentration.*Independent"),
    (lambda L: L.distributions.MultivariateNormal(L.zeros(2), L.tensor([[1.0, 2.0], [2.0, 1.0]])),
     r"parameter covariance_matrix.*PositiveDefinite"),
    (lambda L: L.distributions.Poisson(L.tensor([-0.5])), r"parameter rate"),
    (lambda L: L.distributions.Binomial(5, probs=L.tensor([1.5])), r"parameter probs.*Interval"),
    (lambda L: L.distributions.HalfNormal(L.tensor([-1.0])), r"parameter scale"),
    (lambda L: L.distributions.LogNormal(0.0, L.tensor([-1.0])), r"parameter scale"),
    (lambda L: L.distributions.Exponential(L.tensor(1.0)).log_prob(L.tensor(-1.0)), r"support.*GreaterThanEq"),
    (lambda L: L.distributions.Beta(L.tensor(1.0), 2.0).log_prob(L.tensor(1.5)), r"support.*Interval"),
    (lambda L: L.distributions.Poisson(L.tensor(1.0)).log_prob(L.tensor(0.5)), r"support.*IntegerGreaterThan"),
    (lambda L: L.distributions.Dirichlet(L.ones(3)).log_prob(L.tensor([0.5, 0.6, 0.2])), r"support.*Simplex"),
    (lambda L: L.distributions.OneHotCategorical(L.ones(3)).log_prob(L.tensor([1.0, 1.0, 0.0])), r"support.*OneHot"),
    (lambda L: L.distributions.Binomial(5, L.tensor(0.5)).log_prob(L.tensor(6.0)), r"support.*IntegerInterval"),
    (lambda L: L.distributions.TransformedDistribution(L.distributions.Normal(0.0, 1.0),
                                                       L.distributions.transforms.TanhTransform())
     .log_prob(L.tensor(1.5)), r"support.*Interval\(lower_bound=-1.0, upper_bound=1.0\)"),
]


@pytest.mark.parametrize("make, message", BAD)
def test_bad_parameters_and_values_are_refused_as_torch_refuses_them(make, message):
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match=message):
        make(ag)
    with pytest.raises(ValueError):
        make(torch)


def test_validate_args_false_skips_the_checks_and_discrete_families_refuse_rsample():
    assert D.Gamma(ag.tensor([-1.0]), 1.0, validate_args=False).concentration.item() == -1.0
    assert np.isfinite(D.Exponential(ag.tensor(1.0), validate_args=False).log_prob(ag.tensor(-1.0)).item())
    for d in (D.Poisson(ag.tensor(1.0)), D.Binomial(3, probs=ag.tensor(0.5)), D.Multinomial(2, probs=ag.ones(3))):
        assert not d.has_rsample
        with pytest.raises(TypeError, match="no reparameterised sample"):
            d.rsample()
    with pytest.raises(ValueError, match="exactly one of covariance_matrix, precision_matrix or scale_tril"):
        D.MultivariateNormal(ag.zeros(2))
    with pytest.raises(ValueError, match="either probs or logits"):
        D.Geometric()
    with pytest.raises(ValueError, match="mixture has 3 categories but component_distribution has 2"):
        D.MixtureSameFamily(D.Categorical(logits=ag.zeros(3)), D.Normal(ag.zeros(2), 1.0))


def test_expand_and_enumerate_support_as_torch():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        dist = lib.distributions
        g = dist.Gamma(lib.tensor([1.0, 2.0]), 3.0).expand((4, 2))
        assert tuple(g.batch_shape) == (4, 2) and tuple(g.sample().shape) == (4, 2)
        m = dist.MultivariateNormal(lib.zeros(3), scale_tril=lib.eye(3)).expand((5,))
        assert tuple(m.batch_shape) == (5,) and tuple(m.rsample((2,)).shape) == (2, 5, 3)
        b = dist.Binomial(2, probs=lib.tensor([0.3, 0.6]))
        assert b.enumerate_support().tolist() == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
        assert tuple(b.enumerate_support(expand=False).shape) == (3, 1)
        oh = dist.OneHotCategorical(probs=lib.tensor([[0.3, 0.7]]))
        assert oh.enumerate_support().tolist() == [[[1.0, 0.0]], [[0.0, 1.0]]]
        assert tuple(dist.LogNormal(lib.zeros(2), 1.0).expand((3, 2)).sample().shape) == (3, 2)
    with pytest.raises(ValueError, match=r"batch_shape \(2,\) cannot be expanded to \(3,\)"):
        D.Gamma(ag.tensor([1.0, 2.0]), 3.0).expand((3,))


def test_families_draw_and_differentiate_on_every_device(device):
    ag.manual_seed(0)
    c = ag.tensor(np.array([0.5, 2.0]), device=device, requires_grad=True)
    loc = ag.tensor(np.array([[0.1, -0.2]]), device=device, requires_grad=True)
    dists = [D.Gamma(c, 1.0), D.Beta(c, c + 1), D.Dirichlet(c), D.StudentT(c + 2, loc, 1.0),
             D.MultivariateNormal(loc, scale_tril=c.diag_embed()), D.Laplace(loc, c), D.Gumbel(loc, c),
             D.TransformedDistribution(D.Normal(loc, c), [D.transforms.TanhTransform(cache_size=1)]),
             D.RelaxedOneHotCategorical(ag.tensor(0.5, device=device), logits=loc)]
    total = 0
    for d in dists:
        x = d.rsample((3,))
        assert x.device == c.device
        total = total + d.log_prob(x).sum() + x.sum()
    for d in (D.Poisson(c), D.Binomial(4, probs=c / 3), D.Multinomial(3, probs=c), D.Geometric(probs=c / 3),
              D.OneHotCategorical(probs=c)):
        x = d.sample((3,))
        assert x.device == c.device
        total = total + d.log_prob(x).sum()
    total.backward()
    assert np.isfinite(c.grad.numpy()).all() and np.isfinite(loc.grad.numpy()).all()


def test_host_draws_are_fresh_on_every_jit_replay():
    rate = ag.tensor(np.array([2.0, 3.0]))
    # argument checks read values on the host, which a compiled step refuses: they are switched off here
    step = ag.jit(lambda r: D.Gamma(r, 1.0, validate_args=False).sample((4,)).sum()
                  + D.Poisson(r, validate_args=False).sample((4,)).sum())
    totals = {step(rate).item() for _ in range(4)}
    assert len(totals) == 4


@pytest.mark.parametrize("family", ["Dirichlet", "Beta"])
def test_dirichlet_and_beta_rsample_gradients_are_torchs_on_the_same_draws(family):
    torch = pytest.importorskip("torch")
    conc = np.array([[0.3, 2.0, 5.0], [1.5, 40.0, 0.8]]) if family == "Dirichlet" else np.array([0.4, 3.0, 60.0])
    alpha = ag.tensor(conc, requires_grad=True)
    beta = ag.tensor(np.array([2.0, 0.7, 25.0]), requires_grad=True)
    d = D.Dirichlet(alpha) if family == "Dirichlet" else D.Beta(alpha, beta)
    x = d.rsample((300,))
    weights = rand(tuple(x.shape), seed=60)
    (x * ag.tensor(weights)).sum().backward()
    # PyTorch's gradient at these very draws: d x / d alpha from torch._dirichlet_grad through _Dirichlet's backward
    if family == "Dirichlet":
        ta, tb = torch.tensor(conc, requires_grad=True), None
        tconc, draws, g = ta.expand(x.shape), torch.tensor(x.detach().numpy()), torch.tensor(weights)
    else:
        ta, tb = torch.tensor(conc, requires_grad=True), torch.tensor(beta.detach().numpy(), requires_grad=True)
        tconc = torch.stack([ta, tb], -1).expand(tuple(x.shape) + (2,))
        draws = torch.tensor(np.stack([x.detach().numpy(), 1 - x.detach().numpy()], -1))
        g = torch.stack([torch.tensor(weights), torch.zeros(x.shape, dtype=torch.float64)], -1)
    total = tconc.sum(-1, True).expand_as(tconc)
    grad = torch._dirichlet_grad(draws, tconc, total) * (g - (draws * g).sum(-1, True))
    tconc.backward(grad)
    # torch's d x / d alpha is an approximation good to ~1e-3 relative (worse in the far tails); ours is exact
    np.testing.assert_allclose(alpha.grad.numpy(), ta.grad.numpy(), rtol=5e-3, atol=1e-4)
    if tb is not None:
        np.testing.assert_allclose(beta.grad.numpy(), tb.grad.numpy(), rtol=5e-3, atol=1e-4)
