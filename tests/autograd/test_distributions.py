"""torch.distributions' Normal, Bernoulli, Categorical, Independent and kl_divergence vs PyTorch: values and
gradients of log_prob, entropy, cdf/icdf and KL; shapes and dtypes of draws; rsample's reparameterisation;
argument checks."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand

D = ag.distributions


def _tol():
    return dict(rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("what", ["log_prob", "entropy", "cdf", "icdf", "moments"])
def test_normal_matches_torch_with_gradients(device, what):
    loc, scale = rand((3, 4), seed=0), rand((4,), low=0.3, high=2.0, seed=1)
    value = rand((2, 3, 4), seed=2)
    prob = rand((3, 4), low=0.05, high=0.95, seed=3)

    def run(lib):
        def f(loc, scale, value, prob):
            d = lib.distributions.Normal(loc, scale)
            return {"log_prob": lambda: d.log_prob(value), "entropy": d.entropy, "cdf": lambda: d.cdf(value),
                    "icdf": lambda: d.icdf(prob),
                    "moments": lambda: d.mean * 1 + d.variance * 2 + d.stddev * 3 + d.mode * 4}[what]()
        return f
    torch = pytest.importorskip("torch")
    check_against_torch(run(ag), run(torch), [loc, scale, value, prob], device=device, **_tol())


@pytest.mark.parametrize("given", ["probs", "logits"])
def test_bernoulli_matches_torch_with_gradients(device, given):
    torch = pytest.importorskip("torch")
    param = rand((2, 5), low=0.05, high=0.95, seed=0) if given == "probs" else rand((2, 5), low=-3, high=3, seed=0)
    value = (rand((3, 2, 5), seed=1) > 0).astype(np.float64)

    def run(lib):
        def f(param, value):
            d = lib.distributions.Bernoulli(**{given: param})
            return d.log_prob(value), d.entropy(), d.mean + d.variance, d.logits if given == "probs" else d.probs
        return f
    check_against_torch(run(ag), run(torch), [param, value], device=device, requires_grad=[True, False], **_tol())


@pytest.mark.parametrize("given", ["probs", "logits"])
def test_categorical_matches_torch_with_gradients(device, given):
    torch = pytest.importorskip("torch")
    param = rand((2, 3, 5), low=0.1, high=2.0, seed=0)
    if given == "probs":
        param[0, 1, 2] = 0.0                       # a category that cannot occur: log 0 clamped as PyTorch does
    value = np.random.default_rng(1).integers(0, 5, (4, 2, 3))

    def run(lib):
        def f(param, value):
            d = lib.distributions.Categorical(**{given: param})
            return d.log_prob(value), d.entropy(), d.probs, d.logits
        return f
    check_against_torch(run(ag), run(torch), [param, value], device=device, requires_grad=[True, False], **_tol())


@pytest.mark.parametrize("pair", ["normal", "bernoulli", "categorical", "independent"])
def test_kl_divergence_matches_torch_with_gradients(device, pair):
    torch = pytest.importorskip("torch")
    a, b = rand((3, 4), low=0.1, high=0.9, seed=0), rand((3, 4), low=0.1, high=0.9, seed=1)
    if pair == "bernoulli":
        a[0, 0], b[1, 1], a[2, 2] = 0.0, 0.0, 1.0         # the infinite and zero terms PyTorch special-cases

    def run(lib):
        dist = lib.distributions

        def f(a, b):
            make = {"normal": lambda x: dist.Normal(x, x + 0.5), "bernoulli": lambda x: dist.Bernoulli(probs=x),
                    "categorical": lambda x: dist.Categorical(logits=x),
                    "independent": lambda x: dist.Independent(dist.Normal(x, 1.5 - x), 1)}[pair]
            return dist.kl_divergence(make(a), make(b))
        return f
    if pair == "bernoulli":
        ours = run(ag)(ag.tensor(a, device=device), ag.tensor(b, device=device)).numpy()
        theirs = run(torch)(torch.tensor(a), torch.tensor(b)).numpy()
        np.testing.assert_allclose(ours, theirs, **_tol())
        a, b = a.clip(0.1, 0.9), b.clip(0.1, 0.9)
    check_against_torch(run(ag), run(torch), [a, b], device=device, **_tol())


def test_independent_sums_log_prob_and_entropy_over_the_event_dims_as_torch(device):
    torch = pytest.importorskip("torch")
    loc, scale, value = rand((2, 3, 4), seed=0), rand((3, 4), low=0.5, high=1.5, seed=1), rand((2, 3, 4), seed=2)

    def run(lib):
        def f(loc, scale, value):
            d = lib.distributions.Independent(lib.distributions.Normal(loc, scale), 2)
            assert d.batch_shape == (2,) and d.event_shape == (3, 4)
            assert str(d.batch_shape).endswith("Size([2])") and str(d.base_dist.event_shape).endswith("Size([])")
            return d.log_prob(value), d.entropy(), d.mean + d.variance
        return f
    check_against_torch(run(ag), run(torch), [loc, scale, value], device=device, **_tol())


def test_draws_have_torchs_shapes_dtypes_and_rsample_carries_the_gradient(device):
    torch = pytest.importorskip("torch")
    loc = rand((3,), seed=0)
    for lib in (ag, torch):
        kw = {"device": device} if lib is ag else {}
        mu = lib.tensor(loc, requires_grad=True, **kw)
        sigma = lib.tensor(np.array([0.5, 1.0, 2.0]), requires_grad=True, **kw)
        normal = lib.distributions.Normal(mu, sigma)
        draw = normal.rsample((5,))
        assert tuple(draw.shape) == (5, 3) and draw.requires_grad and not normal.sample((2,)).requires_grad
        draw.sum().backward()
        np.testing.assert_allclose(mu.grad.numpy(), [5.0, 5.0, 5.0])
        eps = (draw.detach() - mu.detach()) / sigma.detach()
        np.testing.assert_allclose(sigma.grad.numpy(), eps.sum(0).numpy(), rtol=1e-12)
        bern = lib.distributions.Bernoulli(probs=lib.tensor([0.0, 1.0, 0.5], **kw)).sample((4,))
        assert tuple(bern.shape) == (4, 3) and str(bern.dtype).endswith("float32")
        assert bern[:, 0].sum().item() == 0 and bern[:, 1].sum().item() == 4
        cat = lib.distributions.Categorical(probs=lib.tensor([[0.0, 1.0], [1.0, 0.0]], **kw))
        draws = cat.sample((6,))
        assert tuple(draws.shape) == (6, 2) and str(draws.dtype).endswith("int64")
        assert draws[:, 0].eq(1).all().item() and draws[:, 1].eq(0).all().item()
        assert tuple(cat.sample().shape) == (2,) and tuple(lib.distributions.Normal(0.0, 1.0).sample().shape) == ()
        assert lib.distributions.Normal(0.0, 1.0).loc.dtype == lib.float32


def test_normal_draws_have_the_right_statistics(device):
    ag.manual_seed(0)
    draws = D.Normal(ag.tensor([1.0, -2.0], device=device), ag.tensor([0.5, 3.0], device=device)).sample((20000,))
    np.testing.assert_allclose(draws.mean(0).numpy(), [1.0, -2.0], atol=0.06)
    np.testing.assert_allclose(draws.std(0).numpy(), [0.5, 3.0], rtol=0.03)


def test_vae_kl_term_written_with_distributions_equals_the_closed_form(device):
    mu = ag.tensor(rand((4, 3), seed=0), device=device, requires_grad=True)
    logvar = ag.tensor(rand((4, 3), seed=1), device=device, requires_grad=True)
    prior = D.Normal(0.0, 1.0) if device == "cpu" else D.Normal(ag.zeros((), device=device), 1.0)
    kl = D.kl_divergence(D.Normal(mu, (0.5 * logvar).exp()), prior).sum()
    closed = -0.5 * ag.sum(1 + logvar - mu.pow(2) - logvar.exp())
    np.testing.assert_allclose(kl.item(), closed.item(), rtol=1e-12)
    check_gradcheck(lambda m, lv: D.kl_divergence(D.Normal(m, (0.5 * lv).exp()), prior).sum(),
                    [rand((2, 3), seed=2), rand((2, 3), seed=3)], device=device)


def test_mode_matches_torch(device):
    torch = pytest.importorskip("torch")
    probs = np.array([[0.2, 0.5, 0.7], [0.6, 0.3, 0.1]])
    for name, kwargs in (("Bernoulli", {"probs": probs}), ("Categorical", {"probs": probs}),
                         ("Categorical", {"logits": np.log(probs)})):
        ours = getattr(D, name)(**{k: ag.tensor(v, device=device) for k, v in kwargs.items()}).mode
        theirs = getattr(torch.distributions, name)(**{k: torch.tensor(v) for k, v in kwargs.items()}).mode
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
    inner = D.Independent(D.Normal(ag.tensor(probs, device=device), 1.0), 1)
    np.testing.assert_array_equal(inner.mode.numpy(), probs)
    with pytest.raises(NotImplementedError, match="does not implement mode"):
        D.Distribution(validate_args=False).mode


def test_bad_parameters_and_values_are_refused_as_torch_refuses_them():
    torch = pytest.importorskip("torch")
    cases = [
        (lambda lib: lib.distributions.Normal(lib.tensor([0.0, 1.0]), lib.tensor([1.0, -1.0])),
         ValueError, r"Expected parameter scale \(Tensor of shape \(2,\)\).*GreaterThan\(lower_bound=0\.0\)"),
        (lambda lib: lib.distributions.Bernoulli(probs=lib.tensor([1.5])), ValueError, r"parameter probs.*Interval"),
        (lambda lib: lib.distributions.Bernoulli(), ValueError, r"either probs or logits"),
        (lambda lib: lib.distributions.Categorical(probs=lib.tensor([0.5, -0.1])), ValueError, r"parameter probs"),
        (lambda lib: lib.distributions.Bernoulli(probs=lib.tensor([0.5])).log_prob(lib.tensor([2.0])),
         ValueError, r"support.*Boolean"),
        (lambda lib: lib.distributions.Categorical(logits=lib.zeros(3)).log_prob(lib.tensor([3])),
         ValueError, r"support.*IntegerInterval"),
        (lambda lib: lib.distributions.Normal(lib.zeros(3), 1.0).log_prob(lib.zeros(2)),
         ValueError, r"log_prob: value shape \(2,\) does not broadcast with batch_shape \+ event_shape \(3,\)"),
        (lambda lib: lib.distributions.Bernoulli(probs=lib.tensor([0.5])).rsample(),
         TypeError, r"Bernoulli has no reparameterised sample"),
        (lambda lib: lib.distributions.kl_divergence(lib.distributions.Normal(0.0, 1.0),
                                                     lib.distributions.Bernoulli(probs=lib.tensor(0.5))),
         TypeError, r"no formula for KL\(Normal \|\| Bernoulli\).*register_kl"),
    ]
    for make, error, message in cases:
        with pytest.raises(error, match=message):
            make(ag)
        with pytest.raises(Exception):
            make(torch)
    assert D.Normal(ag.tensor([0.0]), ag.tensor([-1.0]), validate_args=False).scale.item() == -1.0


def test_repr_names_the_given_parameters_as_torch():
    # PyTorch prints a parameter's size (torch.Size([2, 3]): deepgrad's Size prints without the torch. prefix)
    assert repr(D.Categorical(logits=ag.zeros(2, 3))) == "Categorical(logits: Size([2, 3]))"
    assert repr(D.Bernoulli(probs=ag.tensor(0.5))) == "Bernoulli(probs: 0.5)"
    assert repr(D.Normal(ag.zeros(2), 1.0)) == "Normal(loc: Size([2]), scale: Size([2]))"


def test_bernoulli_categorical_independent_support_expand_and_enumeration_match_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (ag, torch):
        D = lib.distributions
        b = D.Bernoulli(probs=lib.tensor([0.2, 0.7]))
        c = D.Categorical(logits=lib.tensor([[0.1, 0.5, 0.2], [1.0, 2.0, 3.0]]))
        i = D.Independent(D.Normal(lib.zeros(3, 2), lib.ones(3, 2)), 1)
        seen.append((repr(b.support), repr(c.support), repr(i.support), sorted(D.Bernoulli.arg_constraints),
                     repr(D.Categorical.arg_constraints["logits"]), b.enumerate_support().tolist(),
                     tuple(b.enumerate_support(expand=False).shape), c.enumerate_support().tolist(),
                     tuple(c.expand((4, 2)).batch_shape), c.expand((4, 2)).log_prob(lib.tensor([0, 2])).shape[0],
                     tuple(b.expand((3, 2)).sample().shape), tuple(i.expand((5, 3)).batch_shape),
                     tuple(i.expand((5, 3)).event_shape)))
    assert seen[0] == seen[1]
