"""ag.use_deterministic_algorithms: PyTorch's switch and queries, and on cuda the ordered paths it selects."""
import numpy as np
import pytest

import autograd as ag
import backends


@pytest.fixture(autouse=True)
def _restore():
    yield
    ag.use_deterministic_algorithms(False)


def test_the_switch_and_its_queries():
    assert not ag.are_deterministic_algorithms_enabled()
    ag.use_deterministic_algorithms(True, warn_only=True)
    assert ag.are_deterministic_algorithms_enabled() and ag.is_deterministic_algorithms_warn_only_enabled()
    ag.use_deterministic_algorithms(False)
    assert not ag.are_deterministic_algorithms_enabled() and not ag.is_deterministic_algorithms_warn_only_enabled()
    with pytest.raises(TypeError, match="mode must be True or False, got 1"):
        ag.use_deterministic_algorithms(1)


def test_host_results_do_not_change_in_deterministic_mode(device):
    def grads():
        ag.manual_seed(0)
        emb = ag.randn(50, 8, device=device, requires_grad=True)
        x = ag.randn(2, 3, 9, 9, device=device, requires_grad=True)
        idx = ag.tensor(np.random.default_rng(0).integers(0, 50, 400)).to(device)
        (emb[idx] ** 2).sum().backward()
        (ag.max(x.reshape(2, 3, 81), dim=2)[0]).sum().backward()
        return emb.grad.numpy(), x.grad.numpy()
    plain = grads()
    ag.use_deterministic_algorithms(True)
    for a, b in zip(plain, grads()):
        np.testing.assert_array_equal(a, b)


def test_cuda_scatter_and_pooling_gradients_repeat_bit_for_bit():
    gpus = [d for d in backends.available() if d.startswith("cuda")]
    if not gpus:
        pytest.skip("needs a CUDA GPU (CuPy)")
    cuda = backends.get_backend(gpus[0])
    rng = np.random.default_rng(0)
    index = cuda.asarray(rng.integers(0, 16, 100000))
    src = cuda.asarray(rng.standard_normal(100000).astype(np.float32))
    ag.use_deterministic_algorithms(True)
    runs = []
    for _ in range(3):
        out = cuda.xp.zeros(16, np.float32)
        cuda.scatter_add(out, index, src)
        runs.append(cuda.to_host(out))
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])
    x = cuda.asarray(rng.standard_normal((2, 3, 17, 17)).astype(np.float32))
    y, argmax = cuda.max_pool2d(x, (3, 3), (1, 1), (1, 1), (1, 1), False)
    gy = cuda.asarray(rng.standard_normal(y.shape).astype(np.float32))
    first = cuda.to_host(cuda.max_pool2d_grad(gy, argmax, x.shape))
    np.testing.assert_array_equal(first, cuda.to_host(cuda.max_pool2d_grad(gy, argmax, x.shape)))
