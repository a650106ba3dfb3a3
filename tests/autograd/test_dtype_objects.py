"""The dtype names (`ag.float32`, `ag.long`, ...) behave as PyTorch's dtype objects where user code leans on them:
as set members and dict keys beside a tensor's `.dtype`, compared with `is`, and through `itemsize`."""
import pytest

import autograd as ag

from tests.helpers import require_torch

NAMES = ("float16", "float32", "float64", "half", "float", "double", "int8", "int16", "int32", "int64", "uint8",
         "long", "int", "short", "bool", "complex64", "complex128", "cfloat", "cdouble", "bfloat16")


def _tensor_of(lib, name):
    return lib.zeros(2, dtype=getattr(lib, name))


@pytest.mark.parametrize("name", NAMES)
def test_a_tensor_dtype_finds_its_name_in_sets_and_dicts(name):
    torch = require_torch()
    for lib in (torch, ag):
        dtype = getattr(lib, name)
        t = _tensor_of(lib, name)
        assert t.dtype in {dtype}
        assert {dtype: name}[t.dtype] == name
        assert t.dtype is dtype
    assert ag.float32 not in {ag.float64, ag.int32}


@pytest.mark.parametrize("name", NAMES)
def test_itemsize_is_the_bytes_of_one_element(name):
    torch = require_torch()
    assert getattr(ag, name).itemsize == getattr(torch, name).itemsize


def test_default_dtype_is_the_named_object():
    torch = require_torch()
    assert (torch.get_default_dtype() is torch.float32) and (ag.get_default_dtype() is ag.float32)
    ag.set_default_dtype(ag.float64)
    try:
        assert ag.get_default_dtype() is ag.float64
        assert ag.tensor([1.5]).dtype in {ag.float64}
    finally:
        ag.set_default_dtype(ag.float32)


def test_dtype_names_still_work_as_dtype_arguments():
    x = ag.arange(4)
    assert x.to(ag.float16).dtype == ag.half
    assert x.type(ag.double).dtype == ag.float64
    assert ag.full((2,), 3, dtype=ag.uint8).dtype == ag.uint8
    assert isinstance(ag.float32, ag.dtype) and isinstance(x.dtype, ag.dtype)
    assert ag.finfo(ag.float32).eps == pytest.approx(2 ** -23)
    assert ag.iinfo(ag.int16).max == 2 ** 15 - 1
