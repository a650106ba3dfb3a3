"""A reduction's result is laid out contiguously, as PyTorch's, whatever the strides of its input: NumPy keeps a
permuted input's order, so `.view` of a sum over a permuted tensor (what einops.reduce with reordered axes
makes) raised where PyTorch views it."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

REDUCTIONS = {
    "sum": lambda t, d, k: t.sum(dim=d, keepdim=k), "mean": lambda t, d, k: t.mean(dim=d, keepdim=k),
    "var": lambda t, d, k: t.var(dim=d, keepdim=k), "std": lambda t, d, k: t.std(dim=d, keepdim=k),
    "amax": lambda t, d, k: t.amax(dim=d, keepdim=k), "amin": lambda t, d, k: t.amin(dim=d, keepdim=k),
    "logsumexp": lambda t, d, k: t.logsumexp(dim=d, keepdim=k), "prod": lambda t, d, k: t.prod(dim=d[0], keepdim=k),
    "argmax": lambda t, d, k: t.argmax(dim=d[0], keepdim=k), "any": lambda t, d, k: (t > 0).any(dim=d[0], keepdim=k),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("dims", [(2,), (1,), (0,), (1, 2)])
def test_reduction_of_a_permuted_tensor_is_contiguous_as_pytorch(name, dims, device):
    torch = require_torch()
    values = np.random.default_rng(5).standard_normal((2, 3, 4))
    for keepdim in (False, True):
        ours = REDUCTIONS[name](ag.tensor(values, device=device).permute(2, 0, 1), dims, keepdim)
        theirs = REDUCTIONS[name](torch.tensor(values).permute(2, 0, 1), dims, keepdim)
        assert ours.is_contiguous() == theirs.is_contiguous() is True
        if not keepdim:   # (size-1 kept dims: PyTorch's strides for them differ, and do not matter)
            assert ours.stride() == theirs.stride()
        np.testing.assert_allclose(ours.view(-1).numpy(), theirs.view(-1).numpy(), rtol=1e-12)


def test_sum_over_a_permuted_tensor_views_and_differentiates():
    x = ag.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)
    flat = x.permute(2, 0, 1).sum(dim=(1, 2)).view(2, 2)
    flat.sum().backward()
    np.testing.assert_array_equal(flat.detach().numpy(), [[60.0, 66.0], [72.0, 78.0]])
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3, 4)))
