"""Tensor.untyped_storage() and the deprecated Tensor.storage() against PyTorch: a window on the memory block a
tensor lives in (views share its data_ptr, writes through it show in the tensors), with PyTorch's sizes, element
access, lists and printing. Both were missing (AttributeError), and code that checks whether two tensors share
memory through their storages failed."""
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

_PROGRAM = textwrap.dedent("""
    import sys, warnings
    warnings.simplefilter("ignore")
    if sys.argv[1] == "torch":
        import torch
    else:
        import autograd as torch
    x = torch.arange(6.).reshape(2, 3)
    y = x[:, 1]
    s = y.untyped_storage()
    print(s.nbytes(), s.data_ptr() == x.untyped_storage().data_ptr(), len(s), s.element_size(), str(s.device))
    t = y.storage()
    print(t.size(), str(t.dtype).replace("torch.", ""), t.tolist(), t[1], t.nbytes(), t.element_size(), len(t))
    print(repr(torch.tensor([1, 2], dtype=torch.int8).untyped_storage()))
    print(repr(x.storage()).replace("dtype=torch.float32", "dtype=float32"))
    print(s[0], s.tolist()[:8], s.is_shared(), s.is_pinned(), t.untyped().nbytes(), y.storage_offset())
    print(x.untyped_storage().data_ptr() == x.data_ptr(), y.data_ptr() - x.data_ptr())
    c = s.clone()
    print(c.data_ptr() != s.data_ptr(), c.nbytes(), torch.tensor(3.).untyped_storage().nbytes())
    t[0] = 100.
    s[4] = 0
    print(x)
    z = x.t().contiguous()
    v = x.view(-1)[2:]
    print(z.untyped_storage().data_ptr() == x.untyped_storage().data_ptr(),
          v.untyped_storage().data_ptr() == x.untyped_storage().data_ptr(), v.storage_offset(), len(v.storage()))
    print(torch.UntypedStorage(8).nbytes(), torch.empty(0).untyped_storage().nbytes())
""")


def _printed(which):
    return subprocess.run([sys.executable, "-c", _PROGRAM, which], capture_output=True, text=True, check=True).stdout


def test_storages_print_what_pytorchs_print():
    require_torch()
    assert _printed("ours").replace("numba", "cpu") == _printed("torch")   # the numba device is host memory too


def test_storage_warns_as_pytorch_and_refuses_what_it_cannot_hold():
    x = ag.arange(4.)
    with pytest.warns(UserWarning, match="TypedStorage is deprecated"):
        x.storage()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x.untyped_storage()
    with pytest.raises(IndexError, match="out of range"):
        x.untyped_storage()[16]
    with pytest.raises(TypeError, match="tensor.storage"):
        ag.TypedStorage(3)
    np.testing.assert_array_equal(x.numpy(), [0, 1, 2, 3])
