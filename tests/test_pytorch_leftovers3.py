"""PyTorch leftovers (third list), each compared with PyTorch directly: quantile/nanquantile of an empty input,
searchsorted/bucketize with NaN, and GroupNorm keeping a channels-last layout."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

torch = pytest.importorskip("torch")


def _outcome(call):
    try:
        out = call()
    except RuntimeError as error:
        return ("RuntimeError", str(error).split(";")[-1].strip() if "non-empty" in str(error) else str(error))
    except Exception as error:   # a type PyTorch does not raise
        return (type(error).__name__, str(error))
    return ("ok", tuple(out.shape), np.asarray(out.numpy() if hasattr(out, "numpy") else out).tolist())


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("shape, q, kwargs", [
    ((0,), 0.5, {}), ((0, 2), 0.5, {"dim": 1}), ((0, 2), 0.5, {"dim": 0}), ((2, 0), 0.5, {"dim": 0}),
    ((0, 2), [0.2, 0.5], {"dim": 1, "keepdim": True}), ((0, 3), 0.5, {"dim": None}),
    ((2, 3), [0.2, 0.5], {"dim": 1}),
])
def test_quantile_of_an_empty_input_raises_as_pytorch(name, shape, q, kwargs):
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)

    def run(lib):
        qq = lib.tensor(np.asarray(q, np.float32)) if isinstance(q, list) else q
        return _outcome(lambda: getattr(lib, name)(lib.tensor(x), qq, **kwargs))

    theirs, ours = run(torch), run(ag)
    assert ours[0] == theirs[0]
    if theirs[0] == "ok":
        assert ours[1] == theirs[1]
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)
    else:
        assert "quantile() input tensor must be non-empty" in ours[1]


NAN = float("nan")


@pytest.mark.parametrize("right", [False, True])
@pytest.mark.parametrize("boundaries, values", [
    ([1.0, NAN], [2.0, NAN, 0.5, 1.0]),
    ([NAN, 1.0, 2.0], [0.0, 1.5, NAN]),
    ([1.0, 2.0, NAN, NAN], [1.0, 2.0, 3.0, NAN]),
    ([NAN, NAN], [1.0, NAN]),
    ([1.0, 2.0, 3.0], [NAN, 2.0, -1.0]),
    ([[1.0, NAN, 3.0], [0.0, 1.0, 2.0]], [[2.0, NAN], [1.0, NAN]]),
    ([1.0, NAN], 2.0),
])
def test_searchsorted_and_bucketize_with_nan_as_pytorch(boundaries, values, right):
    def run(lib):
        seq, v = lib.tensor(boundaries), lib.tensor(values)
        out = [lib.searchsorted(seq, v, right=right).tolist(),
               lib.searchsorted(seq, v, side="right" if right else "left", out_int32=True).tolist()]
        if np.ndim(boundaries) == 1:
            out.append(lib.bucketize(v, seq, right=right).tolist())
        return out

    assert run(ag) == run(torch)


@pytest.mark.parametrize("right", [False, True])
def test_searchsorted_with_nan_boundaries_matches_pytorch_on_random_rows(right):
    rng = np.random.default_rng(0)
    seq = np.sort(rng.normal(size=(4, 37)).astype(np.float32), axis=-1)
    seq[rng.random(seq.shape) < 0.2] = np.nan   # NaN anywhere: PyTorch's search still gives one answer
    values = rng.normal(size=(4, 25)).astype(np.float32)
    values[0, :3] = np.nan
    values[1, :3] = seq[1, :3]
    sorter = np.argsort(rng.random(seq.shape), axis=-1)
    for args in ((seq, values), (seq[0], values)):
        theirs = torch.searchsorted(*map(torch.tensor, args), right=right)
        assert ag.searchsorted(*map(ag.tensor, args), right=right).tolist() == theirs.tolist()
    theirs = torch.searchsorted(torch.tensor(seq), torch.tensor(values), right=right, sorter=torch.tensor(sorter))
    ours = ag.searchsorted(ag.tensor(seq), ag.tensor(values), right=right, sorter=ag.tensor(sorter))
    assert ours.tolist() == theirs.tolist()


def _element_strides(t):
    return tuple(t.stride())


@pytest.mark.parametrize("shape, fmt", [((2, 4, 3, 5), "channels_last"), ((2, 4, 3, 5, 2), "channels_last_3d"),
                                        ((2, 4, 1, 1), "channels_last"), ((2, 4, 3, 5), None)])
@pytest.mark.parametrize("affine", [False, True])
def test_group_norm_keeps_a_channels_last_layout_as_pytorch(shape, fmt, affine):
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32)
    w = np.linspace(0.5, 1.5, shape[1]).astype(np.float32)

    def run(lib, functional):
        t = lib.tensor(x)
        if fmt is not None:
            t = t.contiguous(memory_format=getattr(lib, fmt))
        t.requires_grad_()
        params = (lib.tensor(w), lib.tensor(w)) if affine else (None, None)
        y = functional.group_norm(t, 2, *params)
        (y * lib.tensor(np.arange(y.numel(), dtype=np.float32).reshape(shape))).sum().backward()
        return y, t.grad

    (ty, tg), (oy, og) = run(torch, torch.nn.functional), run(ag, F)
    assert _element_strides(oy) == _element_strides(ty)
    np.testing.assert_allclose(oy.detach().numpy(), ty.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(og.numpy(), tg.numpy(), rtol=1e-4, atol=1e-4)


def test_group_norm_module_keeps_channels_last_as_pytorch():
    import nn
    x = np.random.default_rng(2).normal(size=(2, 6, 4, 4)).astype(np.float32)
    theirs = torch.nn.GroupNorm(3, 6)(torch.tensor(x).contiguous(memory_format=torch.channels_last))
    ours = nn.GroupNorm(3, 6)(ag.tensor(x).contiguous(memory_format=ag.channels_last))
    assert _element_strides(ours) == _element_strides(theirs)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_pixel_unshuffle_keeps_channels_last_as_pytorch():
    x = np.random.default_rng(3).normal(size=(2, 3, 4, 6)).astype(np.float32)
    theirs = torch.nn.functional.pixel_unshuffle(
        torch.tensor(x).contiguous(memory_format=torch.channels_last), 2)
    ours = F.pixel_unshuffle(ag.tensor(x).contiguous(memory_format=ag.channels_last), 2)
    assert _element_strides(ours) == _element_strides(theirs)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
