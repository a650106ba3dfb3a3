"""float16 on the `numba` device: the compiled kernels take float32 and float64 only (Numba has no float16), so
float16 arrays must reach the NumPy forms."""
import numpy as np

import autograd as ag
import nn


def test_a_float16_embedding_backward_runs_on_every_host_device(device):
    """Numba has no float16: the compiled index_add must leave float16 gradients to NumPy (it raised
    NotImplementedError on `numba`)."""
    embedding = nn.Embedding(5, 3).half().to(device)
    out = embedding(ag.tensor([[1, 2, 1]], device=device))
    out.float().sum().backward()
    grad = embedding.weight.grad.numpy()
    assert grad.dtype == np.float16
    np.testing.assert_array_equal(grad[:, 0], [0, 2, 1, 0, 0])
