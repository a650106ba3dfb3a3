"""PyTorch's older spellings against PyTorch: the legacy tensor types (construction, isinstance, Tensor.type),
set_default_tensor_type, torch.asarray, Tensor.new / apply_ / map_ / resize_ / resize_as_, and the TorchScript
names (script, trace and the decorators pass the Python through; jit.save / jit.load refuse)."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import require_torch


def _same(ours, theirs):
    assert tuple(ours.shape) == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_legacy_types_match_torch():
    torch = require_torch()
    for name in ("FloatTensor", "DoubleTensor", "LongTensor", "IntTensor", "ByteTensor", "BoolTensor",
                 "HalfTensor", "ShortTensor", "CharTensor"):
        ours, theirs = getattr(ag, name), getattr(torch, name)
        _same(ours(2, 3), theirs(2, 3))
        _same(ours(), theirs())
        _same(ours(ag.Size([4])), theirs(torch.Size([4])))
        values = [[1.5, 2.0], [0.0, 3.25]]
        np.testing.assert_array_equal(ours(values).numpy(), theirs(values).numpy())
        assert isinstance(ours(1), ours) and not isinstance(ag.zeros(1, dtype=ag.float64 if name != "DoubleTensor"
                                                                      else ag.float32), ours)
        assert repr(ours) == repr(theirs)
    assert ag.zeros(2).type(ag.DoubleTensor).dtype == ag.float64
    assert repr(ag.cuda.FloatTensor) == repr(torch.cuda.FloatTensor)
    with pytest.raises(TypeError, match="sizes"):
        ag.FloatTensor([1.0], 2)


def test_set_default_tensor_type():
    try:
        ag.set_default_tensor_type(ag.DoubleTensor)
        assert ag.zeros(1).dtype == ag.float64 and ag.tensor([1.0]).dtype == ag.float64
        ag.set_default_tensor_type("torch.HalfTensor")
        assert ag.zeros(1).dtype == ag.float16
    finally:
        ag.set_default_tensor_type("torch.FloatTensor")
    assert ag.zeros(1).dtype == ag.float32
    with pytest.raises(TypeError, match="floating-point"):
        ag.set_default_tensor_type(ag.LongTensor)
    with pytest.raises(TypeError, match="unknown type"):
        ag.set_default_tensor_type("torch.ComplexTensor")


def test_asarray_shares_or_copies_as_torch():
    torch = require_torch()
    for copy in (None, True):
        a = np.arange(3.0)
        ours, theirs = ag.asarray(a, copy=copy), torch.asarray(a.copy(), copy=copy)
        a[0] = 9.0
        assert (float(ours[0]) == 9.0) == (copy is None)
        _same(ours, theirs)
    _same(ag.asarray([1, 2]), torch.asarray([1, 2]))
    _same(ag.asarray(3.0), torch.asarray(3.0))
    _same(ag.asarray([1.0], dtype=ag.float64), torch.asarray([1.0], dtype=torch.float64))
    t = ag.ones(2)
    assert ag.asarray(t) is t and ag.asarray(t, requires_grad=True).requires_grad
    with pytest.raises(ValueError, match="copy=False"):
        ag.asarray(np.arange(3), dtype=ag.float32, copy=False)


def test_legacy_methods_match_torch():
    torch = require_torch()
    for ours_base, theirs_base in ((ag.zeros(2, dtype=ag.int64), torch.zeros(2, dtype=torch.int64)),
                                   (ag.zeros(2), torch.zeros(2))):
        _same(ours_base.new(3), theirs_base.new(3))
        _same(ours_base.new(2, 2), theirs_base.new(2, 2))
        _same(ours_base.new(), theirs_base.new())
        np.testing.assert_array_equal(ours_base.new([1, 2]).numpy(), theirs_base.new([1, 2]).numpy())
        for data in ((2, 3), [1.7, -2.5]):   # a tuple is values, not sizes; integer dtypes truncate floats
            np.testing.assert_array_equal(ours_base.new(data).numpy(), theirs_base.new(data).numpy())
        _same(ours_base.new(ag.Size([2, 3])), theirs_base.new(torch.Size([2, 3])))
    for shape in ((2, 2), (2, 3), (6,)):
        ours, theirs = ag.arange(6.0)[:4].clone(), torch.arange(6.0)[:4].clone()
        ours.resize_(*shape)
        theirs.resize_(*shape)
        keep = min(4, int(np.prod(shape)))
        np.testing.assert_array_equal(ours.numpy().ravel()[:keep], theirs.numpy().ravel()[:keep])
        assert ours.shape == theirs.shape
    assert ag.zeros(3).resize_as_(ag.zeros(1, 3)).shape == (1, 3)
    x, y = ag.arange(3.0), torch.arange(3.0)
    np.testing.assert_array_equal(x.apply_(lambda v: v * v + 1).numpy(), y.apply_(lambda v: v * v + 1).numpy())
    np.testing.assert_array_equal(x.map_(ag.ones(3), lambda a, b: a - b).numpy(),
                                  y.map_(torch.ones(3), lambda a, b: a - b).numpy())
    with pytest.raises(RuntimeError, match="requires grad"):
        ag.zeros(2, requires_grad=True).resize_(3)


def test_torchscript_names_pass_the_python_through():
    model = nn.Linear(2, 2)
    assert ag.jit.script(model) is model and ag.jit.trace(model, ag.ones(1, 2)) is model
    assert ag.jit.freeze(model) is model and not ag.jit.is_scripting() and not ag.jit.is_tracing()

    @ag.jit.ignore
    def helper(x):
        return x + 1

    @ag.jit.unused(drop=False) if False else ag.jit.export
    def exported(x):
        return x * 2
    assert helper(1) == 2 and exported(2) == 4 and not isinstance(model, ag.jit.ScriptModule)
    with pytest.raises(RuntimeError, match="state_dict"):
        ag.jit.save(model, "model.pt")
    with pytest.raises(RuntimeError, match="pickled"):
        ag.jit.load("model.pt")
    compiled = ag.jit(lambda x: x * 2)   # deepgrad's own compiler is still ag.jit
    assert float(compiled(ag.ones(1))[0]) == 2.0
