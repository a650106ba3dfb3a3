"""to_dlpack / from_dlpack (ag.*, ag.utils.dlpack.*) with real PyTorch tensors and NumPy arrays: round trips both
ways through capsules and the protocol, memory shared (writes show on the other side), strides, dtypes, and the
errors."""
import numpy as np
import pytest

import autograd as ag
import autograd.utils.dlpack as dlpack

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8, np.bool_])
def test_ours_to_torch_shares_memory(dtype):
    x = ag.tensor(np.arange(6).reshape(2, 3).astype(dtype))
    for t in (torch.from_dlpack(x), torch.utils.dlpack.from_dlpack(ag.to_dlpack(x)),
              torch.from_dlpack(dlpack.to_dlpack(x))):
        np.testing.assert_array_equal(t.numpy(), x.numpy())
        assert t.dtype == torch.from_numpy(np.zeros(1, dtype)).dtype and t.data_ptr() == x.data_ptr()
    if dtype != np.bool_:
        t[0, 0] = 42
        assert x[0, 0].item() == 42


def test_torch_to_ours_shares_memory():
    t = torch.arange(12, dtype=torch.float64).reshape(3, 4)
    for y in (ag.from_dlpack(t), ag.from_dlpack(torch.utils.dlpack.to_dlpack(t)),
              dlpack.from_dlpack(torch.to_dlpack(t))):
        assert y.shape == (3, 4) and y.dtype == np.float64 and y.data_ptr() == t.data_ptr()
    y.add_(1)
    assert t[0, 0].item() == 1.0
    s = t.t()                                          # strided: the strides come along
    assert ag.from_dlpack(torch.utils.dlpack.to_dlpack(s)).stride() == s.stride()


def test_round_trip_strided_and_zero_dim():
    x = ag.tensor(np.arange(6.0).reshape(2, 3)).t()
    back = ag.from_dlpack(ag.to_dlpack(x))
    assert back.stride() == x.stride() and back.tolist() == x.tolist()
    s = ag.tensor([1.0, 2.0]).sum()                    # a 0-d result
    assert torch.utils.dlpack.from_dlpack(ag.to_dlpack(s)).item() == 3.0
    a = np.arange(4.0)
    assert ag.from_dlpack(a.__dlpack__()).data_ptr() == a.ctypes.data
    assert ag.from_dlpack(a).data_ptr() == a.ctypes.data


def test_errors():
    capsule = torch.utils.dlpack.to_dlpack(torch.ones(2))
    ag.from_dlpack(capsule)
    with pytest.raises(RuntimeError, match="invalid capsule.*consumed only once"):
        ag.from_dlpack(capsule)
    with pytest.raises(TypeError, match=r"from_dlpack: expected a DLPack capsule or an object with __dlpack__ \(a "
                                        r"tensor or array\), got list"):
        ag.from_dlpack([1, 2])
    with pytest.raises(TypeError, match="to_dlpack"):
        ag.to_dlpack(np.ones(2))


def test_a_zero_dim_op_result_crosses_dlpack():
    torch = pytest.importorskip("torch")
    total = ag.tensor([1.0, 2.0]).sum()   # its array may be a NumPy scalar
    assert torch.from_dlpack(total).item() == 3.0
    assert ag.from_dlpack(total).item() == 3.0
