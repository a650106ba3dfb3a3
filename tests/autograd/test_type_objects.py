"""ag.dtype / layouts / memory formats and the small top-level aliases, against PyTorch where it is installed."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn

FORMATS = ["contiguous_format", "channels_last", "channels_last_3d", "preserve_format"]


def _torch():
    return pytest.importorskip("torch")


def test_dtype_is_the_type_of_every_dtype_as_torch_dtype():
    torch = _torch()
    for ours, theirs in ((ag.float32, torch.float32), (ag.int64, torch.int64), (ag.bool, torch.bool)):
        assert isinstance(ours, ag.dtype) and isinstance(theirs, torch.dtype)
    assert isinstance(ag.ones(2).dtype, ag.dtype) and isinstance(np.dtype("int8"), ag.dtype)
    for other in ("float32", 3, None, ag.ones(1)):
        assert not isinstance(other, ag.dtype)
        assert not isinstance(other if not isinstance(other, ag.Tensor) else torch.ones(1), torch.dtype)
    with pytest.raises(TypeError, match="cannot create 'dtype' instances"):
        ag.dtype()


def test_layout_and_dense_predicates_match_torch():
    torch = _torch()
    ours, theirs = ag.ones(2, 3), torch.ones(2, 3)
    assert repr(ours.layout) == repr(theirs.layout) == "torch.strided"
    assert ours.layout is ag.strided and ours.layout != ag.sparse_coo
    for name in ("is_sparse", "is_sparse_csr", "is_quantized", "is_mkldnn"):
        assert getattr(ours, name) is getattr(theirs, name) is False, name
    assert ours.to_dense() is ours and theirs.to_dense() is theirs
    assert ours.to_dense(ag.float64).dtype == np.float64
    assert str(theirs.to_dense(torch.float64).dtype) == "torch.float64"


def _shapes_strides(t):
    return tuple(t.shape), tuple(t.stride()), t.is_contiguous()


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 1, 4, 5), (1, 3, 1, 1)])
def test_contiguous_in_channels_last_has_torchs_strides_and_values(shape):
    torch = _torch()
    data = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    ours = ag.tensor(data).contiguous(memory_format=ag.channels_last)
    theirs = torch.tensor(data).contiguous(memory_format=torch.channels_last)
    assert _shapes_strides(ours) == _shapes_strides(theirs)
    for fmt in FORMATS:
        assert ours.is_contiguous(memory_format=getattr(ag, fmt)) == \
            theirs.is_contiguous(memory_format=getattr(torch, fmt)), fmt
    np.testing.assert_array_equal(ours.numpy(), data)
    again = ours.contiguous(memory_format=ag.channels_last)
    assert again is ours and ours.contiguous().is_contiguous()


def test_channels_last_3d_and_to_with_a_memory_format_match_torch():
    torch = _torch()
    data = np.random.default_rng(0).standard_normal((2, 3, 4, 5, 6))
    ours = ag.tensor(data).to(memory_format=ag.channels_last_3d)
    theirs = torch.tensor(data).to(memory_format=torch.channels_last_3d)
    assert _shapes_strides(ours) == _shapes_strides(theirs)
    four = ag.tensor(data[0]).to(ag.float32, memory_format=ag.channels_last)
    assert four.dtype == np.float32 and four.stride() == torch.tensor(data[0]).to(
        torch.float32, memory_format=torch.channels_last).stride()
    assert ag.tensor(data).to(memory_format=ag.preserve_format).is_contiguous()


def test_wrong_rank_or_format_errors_as_torch():
    torch = _torch()
    assert ag.ones(2, 3).is_contiguous(memory_format=ag.channels_last) is False   # as torch: no error
    for call in (lambda m: m.ones(2, 3).contiguous(memory_format=m.channels_last),
                 lambda m: m.ones(2, 3, 4, 5).to(memory_format=m.channels_last_3d)):
        with pytest.raises(RuntimeError, match="required rank 4 tensor|required rank 5 tensor") as mine:
            call(ag)
        with pytest.raises(RuntimeError) as theirs:
            call(torch)
        assert ("rank 4" in str(mine.value)) == ("rank 4" in str(theirs.value))
    for m in (ag, torch):   # preserve_format: fine while no copy is needed
        assert m.ones(2, 3).contiguous(memory_format=m.preserve_format).is_contiguous()
        with pytest.raises(RuntimeError, match="preserve memory format is unsupported"):
            m.ones(2, 3, 4, 5).permute(0, 2, 3, 1).contiguous(memory_format=m.preserve_format)
    empty = ag.ones(2, 3, 0, 5).contiguous(memory_format=ag.channels_last)
    assert tuple(empty.shape) == (2, 3, 0, 5) and empty.is_contiguous(memory_format=ag.channels_last)
    with pytest.raises(TypeError, match="memory_format must be one of"):
        ag.ones(2, 3, 4, 5).contiguous(memory_format="channels_last")


def test_channels_last_gradient_passes_through_unchanged():
    x = ag.tensor(np.random.default_rng(1).standard_normal((2, 3, 4, 5)), requires_grad=True)
    y = x.contiguous(memory_format=ag.channels_last)
    (y * ag.arange(120.0).reshape(2, 3, 4, 5)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.arange(120.0).reshape(2, 3, 4, 5))
    assert ag.gradcheck(lambda t: t.contiguous(memory_format=ag.channels_last).sin(), (x,))


@pytest.mark.parametrize("factory", ["zeros_like", "ones_like", "empty_like", "rand_like", "randn_like",
                                     "full_like", "randint_like"])
@pytest.mark.parametrize("fmt", FORMATS[:2] + FORMATS[3:])
def test_like_factories_take_memory_format_as_torch(factory, fmt):
    torch = _torch()
    extra = {"full_like": (2.0,), "randint_like": (5,)}.get(factory, ())
    strides = []
    for m in (ag, torch):
        source = m.ones(2, 3, 4, 5).contiguous(memory_format=m.channels_last)
        for src in (source, m.ones(2, 3, 4, 5)):
            made = getattr(m, factory)(src, *extra, memory_format=getattr(m, fmt))
            strides.append((tuple(made.shape), tuple(made.stride())))
    assert strides[:2] == strides[2:]


def test_empty_takes_memory_format_and_modules_accept_one():
    torch = _torch()
    assert ag.empty(2, 3, 4, 5, memory_format=ag.channels_last).stride() == \
        torch.empty(2, 3, 4, 5, memory_format=torch.channels_last).stride()
    conv = nn.Conv2d(3, 4, 3).to(memory_format=ag.channels_last)   # weights keep their row-major layout
    x = ag.tensor(np.random.default_rng(2).standard_normal((2, 3, 6, 6)).astype(np.float32))
    np.testing.assert_allclose(conv(x.contiguous(memory_format=ag.channels_last)).detach().numpy(),
                               conv(x).detach().numpy(), rtol=1e-6, atol=1e-6)


def test_top_level_aliases_match_torch():
    torch = _torch()
    data = np.array([-1.5, 0.0, 2.0])
    np.testing.assert_array_equal(ag.absolute(ag.tensor(data)).numpy(), torch.absolute(torch.tensor(data)).numpy())
    x = ag.tensor(data, requires_grad=True)
    d = ag.detach(x)
    assert not d.requires_grad and d.data_ptr() == x.data_ptr() and d is not x
    with ag.inference_mode():
        inside = ag.ones(1)
    assert ag.is_inference(inside) and not ag.is_inference(x) and not ag.is_neg(x)
    for name in ("detach", "is_inference", "is_neg"):
        with pytest.raises(TypeError, match=f"{name}\\(\\): argument 'input' \\(position 1\\) must be Tensor, not list"):
            getattr(ag, name)([1.0])
        with pytest.raises(TypeError, match="must be Tensor, not list"):
            getattr(torch, name)([1.0])
    assert ag.GradScaler is ag.amp.GradScaler
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert ag.is_autocast_cpu_enabled() is torch.is_autocast_cpu_enabled() is False
    with ag.autocast("cpu", dtype=ag.float16):
        with pytest.warns(DeprecationWarning, match="get_autocast_dtype"):
            assert ag.get_autocast_cpu_dtype() == np.float16
        with pytest.warns(DeprecationWarning, match="is_autocast_enabled"):
            assert ag.is_autocast_cpu_enabled()


def test_device_is_a_type_for_isinstance_and_a_call_that_gives_the_device_as_torch_device():
    torch = _torch()
    for m in (ag, torch):
        d = m.device("cpu")
        assert isinstance(d, m.device) and isinstance(m.ones(1).device, m.device)
        assert not isinstance("cpu", m.device)
        assert m.device(d) == d and str(d) == "cpu"
        with pytest.raises(TypeError, match="argument 'index' \\(position 2\\) must be int, not str"):
            m.device("cpu", "x")
    assert ag.device(ag.device("numba")) is ag.device("numba")
    with ag.device("cpu"):
        assert ag.ones(1).device == ag.device("cpu")
