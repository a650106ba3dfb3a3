"""PyTorch's device rules for scalars and indices: a 0-d CPU tensor meets a tensor on any device (it
follows that device, gradients included), and an index tensor may live on the CPU."""
import numpy as np
import pytest

import autograd as ag
from backends.errors import DeviceError


def test_a_zero_d_cpu_tensor_follows_the_other_device():
    x = ag.tensor([1.0, 2.0], device="numba", requires_grad=True)
    scale = ag.tensor(3.0, device="cpu", requires_grad=True)
    y = x * scale
    assert str(y.device) == "numba"
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert scale.grad.item() == 3.0 and str(scale.grad.device) == "cpu"
    both = ag.tensor(1.0, device="cpu") + ag.tensor(2.0, device="numba")
    assert str(both.device) == "cpu"   # both 0-d: the first's device


def test_tensors_with_dimensions_still_refuse_to_mix():
    with pytest.raises(DeviceError, match=r"add: tensors are on different devices \['numba', 'cpu'\]"):
        ag.tensor([1.0], device="numba") + ag.tensor([2.0], device="cpu")


def test_an_index_tensor_on_the_cpu_indexes_a_tensor_elsewhere():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], device="numba")
    picked = x[ag.tensor([1, 0], device="cpu")]
    assert str(picked.device) == "numba"
    np.testing.assert_array_equal(picked.numpy(), [[3.0, 4.0], [1.0, 2.0]])
