"""torch.finfo / iinfo, torch.compile and set_float32_matmul_precision as ported programs call them."""
import numpy as np
import pytest

import autograd as ag
import nn


@pytest.mark.parametrize("name", ["float16", "float32", "float64", None])
def test_finfo_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours = ag.finfo(getattr(ag, name)) if name else ag.finfo()
    theirs = torch.finfo(getattr(torch, name)) if name else torch.finfo()
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(ours, field) == getattr(theirs, field), field
        assert type(getattr(ours, field)) is type(getattr(theirs, field)), field
    assert ours.dtype == theirs.dtype


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_matches_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = ag.iinfo(getattr(ag, name)), torch.iinfo(getattr(torch, name))
    assert (ours.bits, ours.max, ours.min, ours.dtype) == (theirs.bits, theirs.max, theirs.min, theirs.dtype)


def test_finfo_and_iinfo_refuse_the_other_kind():
    with pytest.raises(TypeError, match=r"finfo: int64 is not a floating-point dtype; use iinfo"):
        ag.finfo(ag.int64)
    with pytest.raises(TypeError, match=r"iinfo: float32 is not an integer dtype; use finfo"):
        ag.iinfo(ag.float32)


def test_attention_mask_filled_with_finfo_min_softmaxes_as_in_torch():
    torch = pytest.importorskip("torch")
    scores = np.random.default_rng(0).standard_normal((2, 4)).astype(np.float32)
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    out = []
    for lib in (ag, torch):
        s = lib.from_numpy(scores.copy())
        out.append(s.masked_fill(~lib.from_numpy(mask), lib.finfo(s.dtype).min).softmax(-1).numpy())
    np.testing.assert_allclose(out[0], out[1], rtol=1e-6, atol=1e-7)


def test_compile_returns_the_model_itself_and_works_as_decorator():
    model = nn.Linear(3, 2)
    assert ag.compile(model) is model and ag.compile(model, mode="reduce-overhead", fullgraph=True) is model
    assert list(ag.compile(model).state_dict()) == ["weight", "bias"]

    @ag.compile
    def double(x):
        return x * 2

    @ag.compile(dynamic=True)
    def triple(x):
        return x * 3
    assert double(ag.ones(2)).tolist() == [2.0, 2.0] and triple(ag.ones(1)).tolist() == [3.0]
    with pytest.raises(TypeError, match=r"compile: expects a Module or a function, got int"):
        ag.compile(3)
    assert "compile" not in ag.__all__          # `from autograd import *` keeps Python's compile


def test_float32_matmul_precision_is_kept_and_checked_as_torch():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        before = lib.get_float32_matmul_precision()
        lib.set_float32_matmul_precision("high")
        assert lib.get_float32_matmul_precision() == "high"
        with pytest.warns(UserWarning, match="fast"):
            lib.set_float32_matmul_precision("fast")
        assert lib.get_float32_matmul_precision() == "high"
        lib.set_float32_matmul_precision(before)
