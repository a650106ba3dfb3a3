"""torch.distributions.transforms, TransformedDistribution, constraints and transform_to/biject_to vs PyTorch:
forward and inverse maps, log-Jacobians and their gradients, the cache, SAC's tanh-squashed Gaussian."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand

D = ag.distributions
TOL = dict(rtol=1e-9, atol=1e-11)

TRANSFORMS = {
    "Exp": (lambda T, p: T.ExpTransform(), rand((3, 4), seed=0)),
    "Affine": (lambda T, p: T.AffineTransform(p, p * 2 - 3), rand((3, 4), seed=0)),
    "Affine_event": (lambda T, p: T.AffineTransform(p, p + 2, event_dim=1), rand((3, 4), seed=0)),
    "Sigmoid": (lambda T, p: T.SigmoidTransform(), rand((3, 4), low=-4, high=4, seed=0)),
    "Tanh": (lambda T, p: T.TanhTransform(), rand((3, 4), low=-3, high=3, seed=0)),
    "Softplus": (lambda T, p: T.SoftplusTransform(), rand((3, 4), low=-3, high=3, seed=0)),
    "Power": (lambda T, p: T.PowerTransform(p + 2), rand((3, 4), low=0.2, high=2, seed=0)),
    "StickBreaking": (lambda T, p: T.StickBreakingTransform(), rand((3, 4), seed=0)),
    "Compose": (lambda T, p: T.ComposeTransform([T.AffineTransform(p, 2.0), T.TanhTransform(),
                                                 T.AffineTransform(1.0, p + 2)]), rand((3, 4), seed=0)),
    "Inverse": (lambda T, p: T.ExpTransform().inv, rand((3, 4), low=0.2, high=3, seed=0)),
}


@pytest.mark.parametrize("name", list(TRANSFORMS))
def test_transform_matches_torch_with_gradients(name):
    torch = pytest.importorskip("torch")
    make, x = TRANSFORMS[name]
    param = rand((4,), low=0.1, high=1.0, seed=1)

    def run(lib):
        def f(p, x):
            t = make(lib.distributions.transforms, p)
            y = t(x)
            return y, t.inv(y), t.log_abs_det_jacobian(x, y)
        return f
    check_against_torch(run(ag), run(torch), [param, x], **TOL)
    check_gradcheck(lambda p, x: run(ag)(p, x)[2], [param, x])


def test_softmax_abs_and_signs_as_torch():
    torch = pytest.importorskip("torch")
    x = rand((2, 5), seed=3)
    for lib in (ag, torch):
        T = lib.distributions.transforms
        y = T.SoftmaxTransform()(lib.tensor(x))
        np.testing.assert_allclose(y.numpy(), torch.softmax(torch.tensor(x), -1).numpy(), rtol=1e-12)
        np.testing.assert_allclose(T.AbsTransform()(lib.tensor(x)).numpy(), np.abs(x))
        assert T.AbsTransform().inv(lib.tensor(x)).numpy().tolist() == x.tolist()
        assert not T.AbsTransform().bijective and not T.SoftmaxTransform().bijective
        assert T.ExpTransform() == T.ExpTransform() and T.AffineTransform(1.0, 2.0) == T.AffineTransform(1.0, 2.0)
        assert T.AffineTransform(1.0, 2.0) != T.AffineTransform(1.0, 3.0)
        assert T.AffineTransform(0.0, -2.0).sign == -1 and T.ExpTransform().inv.sign == 1
        assert repr(T.TanhTransform().codomain) == "Interval(lower_bound=-1.0, upper_bound=1.0)"
        assert repr(T.ExpTransform().inv) == "_InverseTransform(ExpTransform())"
    with pytest.raises(NotImplementedError):
        D.transforms.SoftmaxTransform().log_abs_det_jacobian(ag.tensor(x), ag.tensor(x))
    with pytest.raises(ValueError, match="cache_size must be 0 or 1"):
        D.transforms.ExpTransform(cache_size=2)


def test_cache_makes_the_inverse_of_a_saturated_tanh_exact():
    x = ag.tensor([30.0, -30.0, 0.5])
    cached, plain = D.transforms.TanhTransform(cache_size=1), D.transforms.TanhTransform()
    y = cached(x)
    assert cached.inv(y) is x and cached(x) is y
    assert not np.isfinite(plain.inv(plain(x)).numpy()[:2]).any()


@pytest.mark.parametrize("cache_size", [0, 1])
def test_sac_squashed_gaussian_log_prob_matches_torch_with_gradients(cache_size):
    torch = pytest.importorskip("torch")
    mu, std = rand((5, 2), seed=4), rand((5, 2), low=0.2, high=1.5, seed=5)
    value = rand((3, 5, 2), low=-0.99, high=0.99, seed=6)

    def run(lib):
        def f(mu, std, value):
            d = lib.distributions
            pi = d.TransformedDistribution(d.Normal(mu, std), [d.transforms.TanhTransform(cache_size=cache_size)])
            return pi.log_prob(value).sum(-1), pi.cdf(value), pi.icdf(value * 0.5 + 0.5)
        return f
    check_against_torch(run(ag), run(torch), [mu, std, value], **TOL)


def test_sac_rsample_then_log_prob_is_finite_and_differentiable():
    mu = ag.tensor(np.array([[0.1, 25.0], [-0.3, -40.0]]), requires_grad=True)
    log_std = ag.tensor(np.zeros((2, 2)), requires_grad=True)
    ag.manual_seed(0)
    pi = D.TransformedDistribution(D.Normal(mu, log_std.exp()), [D.transforms.TanhTransform(cache_size=1)])
    action = pi.rsample()
    log_prob = pi.log_prob(action).sum(-1)
    assert np.isfinite(log_prob.numpy()).all() and bool((action.abs() <= 1).all())
    (log_prob.sum() + action.sum()).backward()
    assert np.isfinite(mu.grad.numpy()).all() and np.isfinite(log_std.grad.numpy()).all()

    def loss(m, s):
        ag.manual_seed(1)
        p = D.TransformedDistribution(D.Normal(m, s), [D.transforms.TanhTransform(cache_size=1)])
        a = p.rsample((3,))
        return p.log_prob(a) + a
    check_gradcheck(loss, [rand((2, 2), seed=7), rand((2, 2), low=0.3, high=1.0, seed=8)])


def test_transformed_distribution_shapes_and_independent_base_as_torch():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        d = lib.distributions
        base = d.Normal(lib.zeros(4, 3), 1.0)
        t = d.TransformedDistribution(base, d.transforms.StickBreakingTransform())
        assert tuple(t.batch_shape) == (4,) and tuple(t.event_shape) == (4,) and t.has_rsample
        assert tuple(t.sample((2,)).shape) == (2, 4, 4)
        assert tuple(t.log_prob(t.sample()).shape) == (4,)
        affine = d.TransformedDistribution(d.Normal(lib.zeros(2, 3), 1.0),
                                           d.transforms.AffineTransform(0.0, 2.0, event_dim=1))
        assert tuple(affine.batch_shape) == (2,) and tuple(affine.event_shape) == (3,)
    x = rand((4, 3), seed=9)

    def run(lib):
        d = lib.distributions
        stick = d.transforms.StickBreakingTransform()
        return lambda x: d.TransformedDistribution(d.Normal(x * 0, 1.0), stick).log_prob(stick(x))
    check_against_torch(run(ag), run(torch), [x], **TOL)


CONSTRAINTS = ["real", "positive", "nonnegative", "unit_interval", "boolean", "nonnegative_integer",
               "positive_integer", "simplex", "real_vector", "one_hot", "lower_cholesky", "positive_definite"]


@pytest.mark.parametrize("name", CONSTRAINTS)
def test_constraints_check_and_repr_as_torch(name):
    torch = pytest.importorskip("torch")
    values = np.array([[-1.0, 0.0, 0.5, 1.0], [0.2, 0.3, 0.5, 0.0], [2.0, 3.0, np.nan, 1.0], [0.0, 0.0, 1.0, 0.0]])
    matrices = np.stack([np.eye(4), values, np.tril(values + 3), np.array([[2.0, 1, 0, 0], [1, 2, 0, 0],
                                                                          [0, 0, 1, 0], [0, 0, 0, 1]])])
    data = matrices if name in ("lower_cholesky", "positive_definite") else values
    ours, theirs = getattr(D.constraints, name), getattr(torch.distributions.constraints, name)
    assert repr(ours) == repr(theirs)
    assert ours.event_dim == theirs.event_dim and ours.is_discrete == theirs.is_discrete
    np.testing.assert_array_equal(ours.check(ag.tensor(data)).numpy(), theirs.check(torch.tensor(data)).numpy())


def test_parametrised_constraints_as_torch():
    torch = pytest.importorskip("torch")
    x = np.array([-1.0, 0.0, 1.5, 2.0, 3.0, 2.5])
    for make in (lambda c: c.interval(0.0, 2.0), lambda c: c.half_open_interval(0.0, 2.0),
                 lambda c: c.greater_than(1.5), lambda c: c.greater_than_eq(1.5), lambda c: c.less_than(2.0),
                 lambda c: c.integer_interval(0, 2), lambda c: c.independent(c.positive, 1)):
        ours, theirs = make(D.constraints), make(torch.distributions.constraints)
        assert repr(ours) == repr(theirs)
        np.testing.assert_array_equal(ours.check(ag.tensor(x)).numpy(), theirs.check(torch.tensor(x)).numpy())


@pytest.mark.parametrize("name", ["real", "positive", "unit_interval", "greater_than", "interval", "less_than",
                                  "simplex"])
def test_transform_to_and_biject_to_as_torch(name):
    torch = pytest.importorskip("torch")
    x = rand((3, 4), low=-3, high=3, seed=10)
    for registry in ("transform_to", "biject_to"):
        def run(lib):
            c = lib.distributions.constraints
            constraint = {"greater_than": lambda: c.greater_than(1.5), "interval": lambda: c.interval(-1.0, 3.0),
                          "less_than": lambda: c.less_than(2.0)}.get(name, lambda: getattr(c, name))()
            t = getattr(lib.distributions, registry)(constraint)
            return lambda x: (t(x), t.log_abs_det_jacobian(x, t(x))) if name != "simplex" or \
                registry == "biject_to" else t(x)
        check_against_torch(run(ag), run(torch), [x], **TOL)
        y = run(ag)(ag.tensor(x))
        y = y[0] if isinstance(y, tuple) else y
        constraint = getattr(D.constraints, name) if name in ("real", "positive", "unit_interval", "simplex") else None
        if constraint is not None:
            assert bool(constraint.check(y).all())
