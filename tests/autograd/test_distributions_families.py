"""torch.distributions' families beyond Normal/Bernoulli/Categorical vs PyTorch: log_prob, entropy, moments,
mode, cdf/icdf and kl_divergence with their gradients (float64, broadcast batch shapes, 0-d parameters);
gradcheck of log_prob/entropy/KL and of rsample with the noise fixed by a seed. (Draws, implicit
reparameterisation and argument checks: test_distributions_sampling.py.)"""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand

D = ag.distributions
TOL = dict(rtol=1e-7, atol=1e-10)   # PyTorch's Multinomial entropy takes lgamma(n + 1) in float32


def _pos(shape, seed, low=0.5, high=2.0):
    return rand(shape, low=low, high=high, seed=seed)


def _simplex(shape, seed):
    x = _pos(shape, seed, 0.2, 1.0)
    return x / x.sum(-1, keepdims=True)


def _counts(shape, high, seed):
    return np.random.default_rng(seed).integers(0, high + 1, shape).astype(np.float64)


def _one_hot(shape, seed):
    return np.eye(shape[-1])[np.random.default_rng(seed).integers(0, shape[-1], shape[:-1])]


def _multinomial_counts(shape, total, seed):
    rng = np.random.default_rng(seed)
    return np.apply_along_axis(lambda p: rng.multinomial(total, p), -1, _simplex(shape, seed + 1)).astype(float)


def _mvn(kind):
    def make(D, loc, a, d):
        low = a.tril(-1) + (d.exp()).diag_embed()
        cov = low @ low.transpose(-2, -1)
        matrix = {"scale_tril": low, "covariance_matrix": cov, "precision_matrix": cov.inverse()}[kind]
        return D.MultivariateNormal(loc, **{kind: matrix})
    return make


A, B, S = _pos((3, 1), 0, -1.0, 1.0), _pos((4,), 1), _pos((), 2)
PROBS, LOGITS = _pos((3,), 3, 0.1, 0.9), _pos((3, 4), 4, -2.0, 2.0)
# name: (make(D, *params), params, value, the quantities PyTorch defines)
FAMILIES = {
    "Uniform": (lambda D, a, b: D.Uniform(a, a + b), [A, B], A + 0.3 * B + 0 * rand((2, 3, 4)),
                "log_prob entropy mean variance stddev cdf icdf"),
    "Exponential": (lambda D, r: D.Exponential(r), [B], _pos((2, 4), 5),
                    "log_prob entropy mean variance mode cdf icdf"),
    "Laplace": (lambda D, a, b: D.Laplace(a, b), [A, B], rand((2, 3, 4), seed=6),
                "log_prob entropy mean variance stddev mode cdf icdf"),
    "Cauchy": (lambda D, a, b: D.Cauchy(a, b), [A, S], rand((2, 3, 1), seed=6), "log_prob entropy mode cdf icdf"),
    "LogNormal": (lambda D, a, b: D.LogNormal(a, b), [A, B], _pos((2, 3, 4), 7),
                  "log_prob entropy mean variance mode cdf icdf"),
    "HalfNormal": (lambda D, s: D.HalfNormal(s), [B], _pos((2, 4), 8, 0.0, 3.0),
                   "log_prob entropy mean variance mode cdf icdf"),
    "HalfCauchy": (lambda D, s: D.HalfCauchy(s), [S], _pos((2, 4), 8, 0.0, 3.0), "log_prob entropy mode cdf icdf"),
    "Gumbel": (lambda D, a, b: D.Gumbel(a, b), [A, B], rand((2, 3, 4), seed=9),
               "log_prob entropy mean variance stddev mode cdf icdf"),
    "StudentT": (lambda D, df, a, s: D.StudentT(df, a, s), [_pos((3, 1), 10, 0.5, 5.0), B, S],
                 rand((2, 3, 4), seed=11), "log_prob entropy mean variance mode"),
    "Gamma": (lambda D, c, r: D.Gamma(c, r), [_pos((3, 1), 12, 0.5, 3.0), B], _pos((2, 3, 4), 13, 0.1, 4.0),
              "log_prob entropy mean variance mode cdf"),
    "Chi2": (lambda D, df: D.Chi2(df), [_pos((3,), 14, 0.5, 5.0)], _pos((2, 3), 15, 0.1, 4.0),
             "log_prob entropy mean variance mode cdf"),
    "Beta": (lambda D, a, b: D.Beta(a, b), [_pos((3, 1), 16, 0.5, 3.0), B], _pos((2, 3, 4), 17, 0.05, 0.95),
             "log_prob entropy mean variance mode"),
    "Dirichlet": (lambda D, c: D.Dirichlet(c), [_pos((3, 4), 18, 0.5, 3.0)], _simplex((2, 3, 4), 19),
                  "log_prob entropy mean variance mode"),
    "MVN_tril": (_mvn("scale_tril"), [rand((2, 3), seed=20), rand((3, 3), seed=21), rand((3,), seed=22)],
                 rand((4, 2, 3), seed=23), "log_prob entropy mean variance mode"),
    "MVN_cov": (_mvn("covariance_matrix"), [rand((3,), seed=20), rand((2, 3, 3), seed=21), rand((3,), seed=22)],
                rand((4, 2, 3), seed=23), "log_prob entropy mean variance"),
    "MVN_prec": (_mvn("precision_matrix"), [rand((2, 3), seed=20), rand((3, 3), seed=21), rand((3,), seed=22)],
                 rand((4, 2, 3), seed=23), "log_prob entropy variance"),
    "Poisson": (lambda D, r: D.Poisson(r), [_pos((3,), 24, 0.5, 6.0)], _counts((2, 3), 8, 25),
                "log_prob mean variance mode"),
    "Binomial": (lambda D, p: D.Binomial(5, probs=p), [PROBS], _counts((2, 3), 5, 26),
                 "log_prob entropy mean variance mode"),
    "Binomial_logits": (lambda D, lg: D.Binomial(ag_or_torch_tensor(D, [[5.0], [3.0]]), logits=lg), [LOGITS[0]],
                        _counts((2, 4), 3, 27), "log_prob mean variance mode"),
    "Geometric": (lambda D, p: D.Geometric(probs=p), [PROBS], _counts((2, 3), 6, 28),
                  "log_prob entropy mean variance mode"),
    "Geometric_logits": (lambda D, lg: D.Geometric(logits=lg), [LOGITS], _counts((2, 3, 4), 6, 28),
                         "log_prob entropy mean variance"),
    "OneHotCategorical": (lambda D, p: D.OneHotCategorical(probs=p), [_simplex((3, 4), 29)], _one_hot((2, 3, 4), 30),
                          "log_prob entropy mean variance mode"),
    "OneHot_logits": (lambda D, lg: D.OneHotCategorical(logits=lg), [LOGITS], _one_hot((2, 3, 4), 30),
                      "log_prob entropy mean variance"),
    "Multinomial": (lambda D, lg: D.Multinomial(4, logits=lg), [LOGITS], _multinomial_counts((2, 3, 4), 4, 31),
                    "log_prob entropy mean variance"),
    "RelaxedBernoulli": (lambda D, t, p: D.RelaxedBernoulli(t, probs=p), [S, PROBS], _pos((2, 3), 32, 0.05, 0.95),
                         "log_prob"),
    "RelaxedOneHot": (lambda D, t, lg: D.RelaxedOneHotCategorical(t, logits=lg), [S, LOGITS], _simplex((2, 3, 4), 33),
                      "log_prob"),
    "Mixture": (lambda D, w, a, b: D.MixtureSameFamily(D.Categorical(logits=w), D.Normal(a, b)),
                [LOGITS[:, :2], rand((3, 2), seed=34), _pos((2,), 35)], rand((5, 3), seed=36),
                "log_prob mean variance cdf"),
    "Mixture_2d": (lambda D, w, a, b: D.MixtureSameFamily(D.Categorical(logits=w), D.Independent(D.Normal(a, b), 1)),
                   [LOGITS[0, :3], rand((3, 2), seed=34), _pos((3, 2), 35)], rand((5, 2), seed=36),
                   "log_prob mean variance"),
    "TanhNormal": (lambda D, a, b: D.TransformedDistribution(D.Normal(a, b), [D.transforms.TanhTransform()]),
                   [A, B], rand((2, 3, 4), seed=37, low=-0.95, high=0.95), "log_prob"),
}


def ag_or_torch_tensor(D, data):
    return ag.tensor(np.array(data)) if D is ag.distributions else __import__("torch").tensor(np.array(data))


CASES = [(name, what) for name, spec in FAMILIES.items() for what in spec[3].split()]


@pytest.mark.parametrize("name, what", CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_family_matches_torch_with_gradients(name, what):
    torch = pytest.importorskip("torch")
    make, params, value, _ = FAMILIES[name]
    prob = rand(np.shape(value) or (2,), low=0.05, high=0.95, seed=99)
    no_param_grad = what == "cdf" and name in ("Gamma", "Chi2")     # PyTorch's gammainc has no gradient in a

    def run(lib):
        def f(*args):
            *ps, v, q = args
            d = make(lib.distributions, *ps)
            return {"log_prob": lambda: d.log_prob(v), "entropy": lambda: d.entropy(), "cdf": lambda: d.cdf(v),
                    "icdf": lambda: d.icdf(q)}.get(what, lambda: getattr(d, what))()
        return f
    grads = [not (no_param_grad and i == 0) for i in range(len(params))] + [False, False]
    if what in ("cdf", "icdf") or name in ("Uniform", "Laplace", "LogNormal", "StudentT", "Beta", "TanhNormal"):
        grads[-2 if what != "icdf" else -1] = True
    check_against_torch(run(ag), run(torch), [*params, value, prob], requires_grad=grads, **TOL)


KL_PAIRS = {
    "Uniform": (lambda D, x: D.Uniform(-x, 2 * x), lambda a: a + 0.5),      # q's interval holds p's
    "Exponential": (lambda D, x: D.Exponential(x), None),
    "Laplace": (lambda D, x: D.Laplace(x, x + 0.5), None),
    "Cauchy": (lambda D, x: D.Cauchy(x, x), None),
    "Gumbel": (lambda D, x: D.Gumbel(x, x * 2), None),
    "HalfNormal": (lambda D, x: D.HalfNormal(x), None),
    "LogNormal": (lambda D, x: D.LogNormal(x, x + 1), None),
    "Gamma": (lambda D, x: D.Gamma(x, 1.0 / x), None),
    "Chi2": (lambda D, x: D.Chi2(x), None),
    "Beta": (lambda D, x: D.Beta(x, 2.0 - x), None),
    "Dirichlet": (lambda D, x: D.Dirichlet(x.reshape(2, 2)), None),
    "Poisson": (lambda D, x: D.Poisson(x), None),
    "Geometric": (lambda D, x: D.Geometric(probs=x / 2), None),
    "Binomial": (lambda D, x: D.Binomial(4, probs=x / 2), None),
    "OneHotCategorical": (lambda D, x: D.OneHotCategorical(logits=x.reshape(2, 2)), None),
    "Independent": (lambda D, x: D.Independent(D.Gamma(x.reshape(2, 2), 1.0), 1), None),
    "MultivariateNormal": (lambda D, x: D.MultivariateNormal(x[:2], scale_tril=x[2:].diag_embed()
                                                             + x[:2].outer(x[2:]).tril(-1)), None),
}


@pytest.mark.parametrize("pair", list(KL_PAIRS))
def test_kl_divergence_matches_torch_with_gradients(pair):
    torch = pytest.importorskip("torch")
    make, widen = KL_PAIRS[pair]
    a, b = _pos((4,), 40, 0.3, 1.5), _pos((4,), 41, 0.3, 1.5)
    b = widen(a) if widen else b

    def run(lib):
        return lambda a, b: lib.distributions.kl_divergence(make(lib.distributions, a), make(lib.distributions, b))
    check_against_torch(run(ag), run(torch), [a, b], **TOL)
    check_gradcheck(run(ag), [a, b])


def test_kl_uniform_outside_support_and_transform_mismatch_as_torch():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        kl = lib.distributions.kl_divergence(lib.distributions.Uniform(lib.tensor([0.0, 0.0]), lib.tensor([1.0, 1.0])),
                                             lib.distributions.Uniform(lib.tensor([0.5, -1.0]), lib.tensor([2.0, 2.0])))
        assert np.isinf(kl.numpy()[0]) and np.isclose(kl.numpy()[1], np.log(3.0))
    with pytest.raises(NotImplementedError, match="equal transforms"):
        D.kl_divergence(D.TransformedDistribution(D.Normal(0.0, 1.0), D.transforms.ExpTransform()),
                        D.TransformedDistribution(D.Normal(0.0, 1.0), D.transforms.TanhTransform()))


GRADCHECK = {
    "StudentT": (lambda D, df, a, s: D.StudentT(df, a, s), [_pos((3, 1), 10, 0.5, 5.0), B, S]),
    "Gamma": (lambda D, c, r: D.Gamma(c, r), [_pos((3, 1), 12, 0.5, 3.0), B]),
    "Beta": (lambda D, a, b: D.Beta(a, b), [_pos((3, 1), 16, 0.5, 3.0), B]),
    "Dirichlet": (lambda D, c: D.Dirichlet(c), [_pos((3, 4), 18, 0.5, 3.0)]),
    "MVN_cov": (_mvn("covariance_matrix"), [rand((3,), seed=20), rand((2, 3, 3), seed=21), rand((3,), seed=22)]),
    "Multinomial": (lambda D, lg: D.Multinomial(4, logits=lg), [LOGITS]),
    "Binomial": (lambda D, p: D.Binomial(5, probs=p), [PROBS]),
    "Gumbel": (lambda D, a, b: D.Gumbel(a, b), [A, B]),
}


@pytest.mark.parametrize("name", list(GRADCHECK))
def test_log_prob_and_entropy_pass_gradcheck(name):
    make, params = GRADCHECK[name]
    value = FAMILIES[name][2] if name in FAMILIES else None
    check_gradcheck(lambda *ps: make(D, *ps).entropy(), params)
    if value is not None:
        check_gradcheck(lambda *ps: make(D, *ps).log_prob(ag.tensor(value)), params)


RSAMPLE = {
    "Uniform": (lambda D, a, b: D.Uniform(a, a + b), [A, B]),
    "Exponential": (lambda D, r: D.Exponential(r), [B]),
    "Laplace": (lambda D, a, b: D.Laplace(a, b), [A, B]),
    "Cauchy": (lambda D, a, b: D.Cauchy(a, b), [A, S]),
    "LogNormal": (lambda D, a, b: D.LogNormal(a, b), [A, B]),
    "HalfNormal": (lambda D, s: D.HalfNormal(s), [B]),
    "HalfCauchy": (lambda D, s: D.HalfCauchy(s), [S]),
    "Gumbel": (lambda D, a, b: D.Gumbel(a, b), [A, B]),
    "StudentT_loc_scale": (lambda D, a, s: D.StudentT(3.0, a, s), [B, S]),
    "MVN_tril": (_mvn("scale_tril"), [rand((2, 3), seed=20), rand((3, 3), seed=21), rand((3,), seed=22)]),
    "RelaxedBernoulli": (lambda D, t, p: D.RelaxedBernoulli(t, probs=p), [S, PROBS]),
    "RelaxedOneHot": (lambda D, t, lg: D.RelaxedOneHotCategorical(t, logits=lg), [S, LOGITS]),
    "TanhNormal": (lambda D, a, b: D.TransformedDistribution(D.Normal(a, b), [D.transforms.TanhTransform()]),
                   [A, B]),
}


@pytest.mark.parametrize("name", list(RSAMPLE))
def test_rsample_passes_gradcheck_with_the_noise_fixed(name):
    make, params = RSAMPLE[name]

    def draw(*ps):
        ag.manual_seed(3)
        return make(D, *ps).rsample((2,))
    check_gradcheck(draw, params)


@pytest.mark.parametrize("name", list(FAMILIES))
def test_support_arg_constraints_and_flags_as_torch(name):
    torch = pytest.importorskip("torch")
    make, params, _, _ = FAMILIES[name]
    ours = make(D, *[ag.tensor(p) for p in params])
    theirs = make(torch.distributions, *[torch.tensor(p) for p in params])
    assert ours.has_rsample == theirs.has_rsample
    assert getattr(ours, "has_enumerate_support", False) == theirs.has_enumerate_support
    assert tuple(ours.batch_shape) == tuple(theirs.batch_shape)
    assert tuple(ours.event_shape) == tuple(theirs.event_shape)
    assert set(ours.arg_constraints) == set(theirs.arg_constraints)
    support, their_support = ours.support, theirs.support
    assert type(support).__name__ == type(their_support).__name__
    assert support.event_dim == their_support.event_dim and support.is_discrete == their_support.is_discrete
    if "tensor" not in repr(their_support):
        assert repr(support) == repr(their_support)
