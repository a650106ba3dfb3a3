"""PyTorch behaviours that everyday code relies on, checked against PyTorch: `.data` has a version counter of its
own (so optimiser-style updates through it escape the saved-tensor check) while `.detach()` shares it; assignment
into part of a non-leaf tensor gives +0 gradients where the old values were overwritten and a node named as
PyTorch names it; torch.tensor on a list holding NumPy scalars or arrays promotes their dtypes, not NumPy's; an
in-place op whose float result cannot be stored in an integer tensor raises a RuntimeError, as PyTorch's."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


def test_data_has_its_own_version_counter_and_detach_shares_it():
    torch = require_torch()
    for lib in (ag, torch):
        w = lib.ones(3, requires_grad=True)
        y = w.exp()
        w.data.mul_(2)   # not seen by the version check: backward runs
        y.sum().backward()
        assert w._version == 0
        np.testing.assert_allclose(w.grad.numpy(), np.full(3, np.e), rtol=1e-6)
        d = w.detach()
        d.add_(1)
        assert w._version == 1 and d._version == 1
        z = w.sin()   # saves its input, w
        w.detach().add_(1)   # seen: the saved value changed
        with pytest.raises(RuntimeError):
            z.sum().backward()


def test_data_of_an_inference_tensor_is_an_inference_tensor():
    with ag.inference_mode():
        x = ag.ones(2)
    assert x.data.is_inference() and x.detach().is_inference()


@pytest.mark.parametrize("index", [(slice(None), 0), (slice(0, 2),), ([0, 2],), "mask"])
def test_setitem_gradient_is_plus_zero_where_overwritten_and_the_node_has_pytorchs_name(index):
    torch = require_torch()
    grads, names = [], []
    for lib in (ag, torch):
        a = lib.tensor(-np.arange(12.0, dtype=np.float32).reshape(3, 4) - 1, requires_grad=True)
        y = a * 2
        where = (y < -10,) if index == "mask" else index
        y[where] = 5.0
        names.append(type(y.grad_fn).__name__)
        (y * -1.0).sum().backward()   # negative incoming gradient: -0.0 if masked by multiplication
        grads.append(a.grad.numpy())
    assert names[0] == names[1]
    np.testing.assert_array_equal(grads[0], grads[1])
    np.testing.assert_array_equal(np.signbit(grads[0]), np.signbit(grads[1]))


@pytest.mark.parametrize("data", [
    lambda: [np.int32(1), np.int32(2)], lambda: [np.float64(1.0), 2.0], lambda: [np.int32(1), 2],
    lambda: [np.float16(1), np.int64(3)], lambda: [np.uint8(1), np.int8(1)], lambda: [[np.int32(1)], [np.int32(2)]],
    lambda: [np.int32(1), 2.5], lambda: [np.float32(1), 2.0], lambda: [1, 2], lambda: [1.0, 2], lambda: [True],
], ids=["int32", "float64_float", "int32_int", "float16_int64", "uint8_int8", "nested_int32", "int32_float",
        "float32_float", "ints", "float_int", "bool"])
def test_tensor_of_a_list_with_numpy_scalars_promotes_as_pytorch(data):
    torch = require_torch()
    assert ag.tensor(data()).dtype == np.dtype(str(torch.tensor(data()).dtype).replace("torch.", ""))


def test_tensor_of_a_list_of_numpy_arrays_or_tensors_keeps_their_dtype():
    torch = require_torch()
    arrays = [np.array([1, 2], dtype=np.int16)] * 2
    assert ag.tensor(arrays).dtype == np.int16
    assert ag.tensor([ag.tensor(1.0, dtype=ag.float64), 3.0]).dtype == np.float64
    assert str(torch.tensor([torch.tensor(1.0, dtype=torch.float64), 3.0]).dtype) == "torch.float64"


def test_storing_a_float_result_in_an_int_tensor_in_place_raises_what_pytorch_raises():
    torch = require_torch()
    for lib in (ag, torch):
        acc = lib.zeros(3, dtype=lib.int32)
        with pytest.raises(RuntimeError):
            acc += 0.5
    with pytest.raises(TypeError, match="cannot be stored in this int32 tensor"):   # still a TypeError too
        ag.zeros(3, dtype=ag.int32).add_(0.5)
