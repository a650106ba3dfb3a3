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


def test_host_tensors_meet_on_numba_with_gradients_back_on_each_device():
    # cpu and numba both hold NumPy arrays: a model moved .to('cpu') takes numba data (DEEPGRAD_DEVICE=numba)
    w = ag.tensor([[1.0, 2.0], [3.0, 4.0]], device="cpu", requires_grad=True)
    x = ag.tensor([[0.5, -1.0]], device="numba", requires_grad=True)
    for y in (x @ w, w.T.matmul(x.T).T):
        assert str(y.device) == "numba"
        np.testing.assert_array_equal(y.numpy(), [[-2.5, -3.0]])
    (x @ w).sum().backward()
    assert str(w.grad.device) == "cpu" and str(x.grad.device) == "numba"
    np.testing.assert_array_equal(w.grad.numpy(), [[0.5, 0.5], [-1.0, -1.0]])
    np.testing.assert_array_equal(x.grad.numpy(), [[3.0, 7.0]])
    assert str((ag.tensor([1.0], device="cpu") < ag.tensor([2.0], device="numba")).device) == "numba"


def test_tensors_on_other_devices_still_refuse_to_mix():
    with pytest.raises(DeviceError, match=r"add: tensors are on different devices \['meta', 'cpu'\]"):
        ag.ones(1, device="meta") + ag.tensor([2.0], device="cpu")
    with pytest.raises(DeviceError, match=r"lt: tensors are on different devices \['numba', 'meta'\]"):
        ag.tensor([1.0], device="numba") < ag.ones(1, device="meta")


def test_an_index_tensor_on_the_cpu_indexes_a_tensor_elsewhere():
    x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], device="numba")
    picked = x[ag.tensor([1, 0], device="cpu")]
    assert str(picked.device) == "numba"
    np.testing.assert_array_equal(picked.numpy(), [[3.0, 4.0], [1.0, 2.0]])


def test_complex_tensors_on_two_host_devices_take_their_complex_form_once():
    z = ag.tensor([1 + 2j, 3 - 1j], device="numba", requires_grad=True)
    w = ag.tensor([0.5 - 1j, 2 + 0j], device="cpu", requires_grad=True)
    scale = ag.tensor(2 + 1j, device="cpu")
    y = (z * w + z * scale).abs().sum()
    y.backward()
    assert str(z.grad.device) == "numba" and str(w.grad.device) == "cpu"
    expected = np.array([1 + 2j, 3 - 1j]) * np.array([0.5 - 1j, 2]) + np.array([1 + 2j, 3 - 1j]) * (2 + 1j)
    np.testing.assert_allclose(y.item(), np.abs(expected).sum())
