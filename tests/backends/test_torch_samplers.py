"""backends/torch_samplers.py draws PyTorch's CPU gamma, Dirichlet and binomial samples bit for bit from a
TorchStream seeded as torch.manual_seed, and leaves the stream (words and normal cache) where PyTorch leaves
its generator."""
import numpy as np
import pytest

from backends import torch_samplers
from backends.torch_stream import TorchStream

from tests.helpers import require_torch


def _after(stream):
    return stream.random(3, np.float32), stream.normal(0.0, 1.0, 1, np.float64)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_standard_gamma_is_pytorchs_for_small_and_large_alphas(dtype):
    torch = require_torch()
    alpha = np.random.default_rng(0).uniform(0.01, 20, (30, 40)).astype(dtype)
    alpha[0, :5] = [0.3, 1.0, 0.999, 1e-3, 50.0]
    torch.manual_seed(99)
    theirs = torch._standard_gamma(torch.tensor(alpha)).numpy()
    after_theirs = torch.rand(3).numpy(), torch.randn(1, dtype=torch.float64).numpy()
    stream = TorchStream(99)
    ours = torch_samplers.standard_gamma(stream, alpha)
    np.testing.assert_array_equal(ours, theirs)
    for a, b in zip(_after(stream), after_theirs):
        np.testing.assert_array_equal(a, b)


def test_dirichlet_is_pytorchs():
    torch = require_torch()
    concentration = np.random.default_rng(1).uniform(0.05, 5, (200, 3)).astype("float32")
    torch.manual_seed(4)
    theirs = torch._sample_dirichlet(torch.tensor(concentration)).numpy()
    np.testing.assert_array_equal(torch_samplers.dirichlet(TorchStream(4), concentration), theirs)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_binomial_is_pytorchs_on_both_branches_and_the_edges(dtype):
    torch = require_torch()
    rng = np.random.default_rng(2)
    counts = rng.integers(0, 400, 2000).astype(dtype)
    probs = rng.uniform(0, 1, 2000).astype(dtype)
    probs[:4], counts[4] = [0.0, 1.0, 0.5, 0.02], 0.0
    torch.manual_seed(7)
    theirs = torch.binomial(torch.tensor(counts), torch.tensor(probs)).numpy()
    np.testing.assert_array_equal(torch_samplers.binomial(TorchStream(7), counts, probs), theirs)
    with pytest.raises(ValueError, match="must have one shape and dtype"):
        torch_samplers.binomial(TorchStream(7), counts, probs[:5])
    with pytest.raises(TypeError, match="expects a float32 or float64 array"):
        torch_samplers.standard_gamma(TorchStream(7), np.ones(3, np.int64))
