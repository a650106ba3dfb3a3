"""After the same seed, deepgrad's distributions, ag.poisson and ag.binomial draw PyTorch 2.13's CPU numbers: the
rejection samplers of backends/torch_samplers.py for the gamma family, Dirichlet, binomial and Poisson, and the
same primitives in the same order for the families built on them; the stream stays in step afterwards."""
import warnings

import numpy as np
import pytest

import autograd as ag
from backends import torch_sampler_steps, torch_samplers
from backends.torch_stream import TorchStream

torch = pytest.importorskip("torch")

D, T = ag.distributions, torch.distributions
DTYPES = [(np.float32, "float32"), (np.float64, "float64")]


def _pair(make, dtype, name):
    """make(library, tensor) for torch and for deepgrad, tensor making parameters of the dtype."""
    return (make(T, lambda x: torch.tensor(x, dtype=getattr(torch, name))),
            make(D, lambda x: ag.tensor(np.array(x, dtype))))


# families whose draws are the samplers' numbers or exact transforms of them (bit for bit)
EXACT = {
    "Gamma": lambda L, t: L.Gamma(t([0.5, 2.0, 7.0]), t([1.0, 2.0, 0.5])),
    "Chi2": lambda L, t: L.Chi2(t([0.5, 3.0, 12.0])),
    "Beta": lambda L, t: L.Beta(t([0.5, 2.0, 7.0]), t([1.5, 2.0, 0.3])),
    "Dirichlet": lambda L, t: L.Dirichlet(t([[0.5, 2.0, 7.0], [1.0, 1.0, 1.0]])),
    # seven categories: the normalising sum adds in PyTorch's order (four-lane vectors, then the rest)
    "Dirichlet(7)": lambda L, t: L.Dirichlet(t([0.3, 1.0, 2.0, 0.7, 5.0, 1.5, 0.9])),
    "Binomial": lambda L, t: L.Binomial(t([5.0, 30.0, 100.0, 8.0]), t([0.3, 0.5, 0.9, 0.05])),
    "Poisson": lambda L, t: L.Poisson(t([0.5, 3.0, 9.99, 10.0, 12.0, 100.0, 0.0])),
    "StudentT": lambda L, t: L.StudentT(t([0.5, 3.0, 12.0])),
    "FisherSnedecor": lambda L, t: L.FisherSnedecor(t([0.5, 3.0, 12.0]), t([1.0, 2.0, 5.0])),
    "NegativeBinomial": lambda L, t: L.NegativeBinomial(t([5.0, 3.0, 10.0]), t([0.5, 0.3, 0.9])),
    "Multinomial": lambda L, t: L.Multinomial(10, t([0.5, 0.3, 0.2])),
    "VonMises": lambda L, t: L.VonMises(t([0.5, 3.0, 1.0]), t([1.0, 2.0, 0.5])),
}
# families that transform the same draws by exp, log, pow or a matrix product: PyTorch's vectorised functions
# round a little differently from NumPy's, so these agree to a few ulps
CLOSE = {
    "LogNormal": lambda L, t: L.LogNormal(t([0.5, 3.0, 1.0]), t([1.0, 2.0, 0.5])),
    "Weibull": lambda L, t: L.Weibull(t([0.5, 3.0, 1.0]), t([1.0, 2.0, 0.5])),
    "Pareto": lambda L, t: L.Pareto(t([0.5, 3.0, 1.0]), t([1.0, 2.0, 0.5])),
    "Kumaraswamy": lambda L, t: L.Kumaraswamy(t([0.5, 3.0, 1.0]), t([1.0, 2.0, 0.5])),
    "InverseGamma": lambda L, t: L.InverseGamma(t([0.5, 3.0, 12.0]), t([1.0, 2.0, 5.0])),
    "RelaxedOneHotCategorical": lambda L, t: L.RelaxedOneHotCategorical(t([0.5]), t([0.5, 0.3, 0.2])),
    "MultivariateNormal": lambda L, t: L.MultivariateNormal(t([0.0, 1.0]), t([[2.0, 0.5], [0.5, 1.0]])),
    # a Beta draw through sqrt(1 - y): equal on the Xeons, a few ulps apart on an AMD EPYC host (its libm), which
    # sqrt(1 - y) near y = 1 turns into 1e-6 absolute in float32
    "LKJCholesky(2)": lambda L, t: L.LKJCholesky(2, t(0.5)),
    "Wishart": lambda L, t: L.Wishart(t([4.0, 6.0]), covariance_matrix=t([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2],
                                                                          [0.1, 0.2, 1.5]])),
}


def _draw_both(name, make, dtype, tname, shape, seed=1):
    theirs_dist, ours_dist = _pair(make, dtype, tname)
    torch.manual_seed(seed)
    ag.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # PyTorch's Wishart warns of a singular sample on every draw
        theirs = theirs_dist.sample(shape).numpy()
        ours = np.asarray(ours_dist.sample(shape).numpy())
    # the stream must stay in step: the next draw is PyTorch's next draw
    np.testing.assert_array_equal(np.asarray(ag.rand(7).numpy()), torch.rand(7).numpy(), err_msg=name)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, name
    return ours, theirs


@pytest.mark.parametrize("dtype,tname", DTYPES)
@pytest.mark.parametrize("shape", [(), (5,), (40,)])
@pytest.mark.parametrize("name", sorted(EXACT))
def test_sampler_families_draw_pytorchs_numbers(name, shape, dtype, tname):
    ours, theirs = _draw_both(name, EXACT[name], dtype, tname, shape)
    np.testing.assert_array_equal(ours, theirs, err_msg=name)


@pytest.mark.parametrize("dtype,tname", DTYPES)
@pytest.mark.parametrize("name", sorted(CLOSE))
def test_transformed_families_draw_pytorchs_numbers_to_rounding(name, dtype, tname):
    ours, theirs = _draw_both(name, CLOSE[name], dtype, tname, (40,))
    np.testing.assert_allclose(ours, theirs, rtol=2e-5 if dtype == np.float32 else 1e-12,
                               atol=2e-6 if dtype == np.float32 else 1e-14, err_msg=name)


def test_gamma_rsample_keeps_its_gradient():
    torch.manual_seed(4)
    ag.manual_seed(4)
    ca, ta = ag.tensor([0.7, 3.0], requires_grad=True), torch.tensor([0.7, 3.0], requires_grad=True)
    ours, theirs = D.Gamma(ca, ag.tensor([1.0, 2.0])).rsample((3,)), T.Gamma(ta, torch.tensor([1.0, 2.0])).rsample((3,))
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_allclose(ca.grad.numpy(), ta.grad.numpy(), rtol=1e-4)


@pytest.mark.parametrize("dtype,tname", DTYPES + [(np.float16, "float16")])
def test_ag_poisson_draws_pytorchs_numbers(dtype, tname):
    rates = np.concatenate([np.linspace(0, 30, 61), [1e3, 6e4, 0.001]]).astype(dtype)
    torch.manual_seed(2)
    ag.manual_seed(2)
    for _ in range(2):
        np.testing.assert_array_equal(np.asarray(ag.poisson(ag.tensor(rates)).numpy()),
                                      torch.poisson(torch.tensor(rates, dtype=getattr(torch, tname))).numpy())
    np.testing.assert_array_equal(np.asarray(ag.rand(7).numpy()), torch.rand(7).numpy())
    gen, tgen = ag.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    theirs = torch.poisson(torch.tensor(rates, dtype=getattr(torch, tname)), generator=tgen)
    np.testing.assert_array_equal(np.asarray(ag.poisson(ag.tensor(rates), generator=gen).numpy()), theirs.numpy())


@pytest.mark.parametrize("dtype,tname", DTYPES)
def test_ag_binomial_draws_pytorchs_numbers(dtype, tname):
    counts = np.array([[0.0, 1.0, 5.0, 40.0, 200.0, 1000.0]], dtype)
    probs = np.array([[0.0], [0.01], [0.3], [0.5], [0.7], [1.0]], dtype)
    torch.manual_seed(5)
    ag.manual_seed(5)
    ours = ag.binomial(ag.tensor(counts).expand(6, 6), ag.tensor(probs).expand(6, 6))
    theirs = torch.binomial(torch.tensor(counts).expand(6, 6).contiguous(),
                            torch.tensor(probs).expand(6, 6).contiguous())
    np.testing.assert_array_equal(np.asarray(ours.numpy()), theirs.numpy())
    np.testing.assert_array_equal(np.asarray(ag.rand(7).numpy()), torch.rand(7).numpy())


def test_poisson_sampler_out_of_range_rates_are_pytorchs():
    # rates beyond 2**63: PyTorch's count overflows to -2**63, and its loop consumes words as for a finite count
    rates = np.array([1e19, 1e30, np.inf, 3e38, 12.0, 9e18], np.float64)
    for seed in range(6):
        stream = TorchStream(seed)
        torch.manual_seed(seed)
        with np.errstate(over="ignore"):
            ours = torch_samplers.poisson(stream, rates)
        np.testing.assert_array_equal(ours, torch.poisson(torch.tensor(rates)).numpy())
        np.testing.assert_array_equal(stream.random(7, np.float32), torch.rand(7).numpy())


def test_poisson_sampler_refuses_integer_rates():
    with pytest.raises(TypeError, match="poisson: expects a float array"):
        torch_samplers.poisson(TorchStream(0), np.array([1, 2]))


@pytest.mark.parametrize("runner", ["compiled", "python"])
def test_both_loop_runners_and_buffer_refills_give_pytorchs_numbers(runner, monkeypatch):
    # the Python loops (where Numba cannot load) and the compiled ones; buffers drawn nearly empty, so that the
    # loops run short, undo elements and are refilled many times
    if runner == "python":
        monkeypatch.setattr(torch_samplers, "_compiled", torch_sampler_steps)
    else:
        assert torch_samplers._loops() is not torch_sampler_steps, "the compiled sampler loops did not load"
    monkeypatch.setattr(torch_samplers, "_PER_ELEMENT", 0.01)
    monkeypatch.setattr(torch_samplers, "_MARGIN", 1)
    alpha = np.array([0.3, 1.0, 2.5, 9.0, 0.05] * 8, np.float32)
    counts, probs = np.array([3.0, 40.0, 500.0, 9.0] * 10), np.array([0.2, 0.45, 0.8, 0.97] * 10)
    rates = np.array([0.5, 9.5, 12.0, 300.0] * 10, np.float32)
    stream = TorchStream(12)
    torch.manual_seed(12)
    torch.randn(1)          # leaves a normal in the cache, which the first gamma draw takes
    stream.normal(size=1)
    theirs = torch._standard_gamma(torch.tensor(alpha))
    np.testing.assert_array_equal(torch_samplers.standard_gamma(stream, alpha), theirs)
    np.testing.assert_array_equal(torch_samplers.dirichlet(stream, alpha.reshape(8, 5).astype(np.float64)),
                                  torch._sample_dirichlet(torch.tensor(alpha.reshape(8, 5), dtype=torch.float64)))
    np.testing.assert_array_equal(torch_samplers.binomial(stream, counts, probs),
                                  torch.binomial(torch.tensor(counts), torch.tensor(probs)))
    np.testing.assert_array_equal(torch_samplers.poisson(stream, rates), torch.poisson(torch.tensor(rates)))
    np.testing.assert_array_equal(stream.normal(size=3), torch.randn(3, dtype=torch.float64).numpy())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_standard_gamma_and_sample_dirichlet_are_pytorchs_with_a_generator(dtype):
    """ag._standard_gamma / ag._sample_dirichlet (what Keras's gamma and beta call) draw torch's numbers from a
    generator, and a non-positive or NaN concentration gives the dtype's smallest normal number as torch's do
    (C++'s std::max), leaving the generator in step."""
    tdtype = getattr(torch, np.dtype(dtype).name)
    alpha = [1.0, -1.0, 0.0, float("nan"), 3.0, 0.25]
    concentration = [[1.0, -1.0, 0.5], [0.0, 0.0, 0.0], [2.0, 3.0, 4.0]]
    theirs_gen, ours_gen = torch.Generator().manual_seed(5), ag.Generator().manual_seed(5)
    pairs = [(torch._standard_gamma(torch.tensor(alpha, dtype=tdtype), generator=theirs_gen),
              ag._standard_gamma(ag.tensor(alpha, dtype=dtype), generator=ours_gen)),
             (torch._sample_dirichlet(torch.tensor(concentration, dtype=tdtype), generator=theirs_gen),
              ag._sample_dirichlet(ag.tensor(concentration, dtype=dtype), generator=ours_gen)),
             (torch.rand(7, generator=theirs_gen), ag.rand(7, generator=ours_gen))]
    for theirs, ours in pairs:
        assert ours.dtype == theirs.numpy().dtype
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
