"""im2col's shifted-row columns (backends/numpy_kernels/conv_im2col.py): when they are taken, and that
they give the 2-D windows' results (against PyTorch, every direction, in batch chunks, empty shapes)."""
import numpy as np
import pytest

from backends.numpy_kernels import conv_choice, conv_im2col
from tests.backends.test_conv_algorithms import _ours, _torch_reference


@pytest.mark.parametrize("x_shape,out_hw,stride,padding,pitch", [
    ((1, 16, 32, 32), (32, 32), (1, 1), (1, 1), 34),      # 3x3 pad 1: rows 1.06x the output's
    ((1, 1, 28, 28), (28, 28), (1, 1), (2, 2), 32),       # LeNet's first layer
    ((1, 4, 8, 8), (8, 8), (1, 1), (1, 1), 10),           # exactly 1.25x
    ((1, 6, 14, 14), (10, 10), (1, 1), (0, 0), None),     # LeNet's second layer: 1.4x
    ((1, 16, 32, 32), (16, 16), (2, 2), (1, 1), None),    # strided
    ((1, 3, 5, 5), (5, 0), (1, 1), (0, 0), None),         # no output columns
])
def test_which_layers_take_shifted_rows(x_shape, out_hw, stride, padding, pitch):
    assert conv_im2col.shifted_pitch(x_shape, out_hw, stride, padding) == pitch


@pytest.fixture
def im2col_only():
    previous = conv_choice.set_mode("im2col")
    yield
    conv_choice.set_mode(previous)


@pytest.fixture
def spy(monkeypatch):
    calls = []
    original = conv_im2col._shifted_columns

    def counting(*args, **kwargs):
        calls.append(args[0].shape)
        return original(*args, **kwargs)
    monkeypatch.setattr(conv_im2col, "_shifted_columns", counting)
    return calls


@pytest.mark.parametrize("x_shape,w_shape,padding,dilation,groups", [
    ((3, 5, 9, 12), (4, 5, 3, 3), 1, 1, 1),
    ((2, 6, 12, 14), (6, 2, 3, 3), 1, 1, 3),
    ((2, 4, 20, 21), (3, 4, 3, 3), 2, 2, 1),
    ((1, 16, 32, 31), (16, 16, 3, 3), 1, 1, 1),           # per-sample (not wide) products
    ((2, 1, 28, 28), (6, 1, 5, 5), 2, 1, 1),
])
@pytest.mark.parametrize("dtype", (np.float64, np.float32))
def test_shifted_rows_match_torch(im2col_only, spy, x_shape, w_shape, padding, dilation, groups, dtype):
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    ho = x_shape[2] + 2 * padding - dilation * (w_shape[2] - 1)
    wo = x_shape[3] + 2 * padding - dilation * (w_shape[3] - 1)
    gy = rng.standard_normal((x_shape[0], w_shape[0], ho, wo))
    refs = _torch_reference(x, w, gy, 1, padding, dilation, groups)
    ours = _ours(x.astype(dtype), w.astype(dtype), gy.astype(dtype), 1, padding, dilation, groups)
    assert len(spy) >= 2                     # the forward and the weight gradient took shifted rows
    for name, a, ref in zip(("forward", "grad_input", "grad_weight"), ours, refs):
        assert a.shape == ref.shape and a.dtype == dtype, name
        if dtype == np.float64:
            np.testing.assert_allclose(a, ref, rtol=1e-10, atol=1e-10, err_msg=name)
        else:
            assert np.abs(a - ref).max() <= 1e-6 * np.abs(ref).max(), name


def test_one_sample_chunks_give_the_same_result(im2col_only, spy, monkeypatch):
    rng = np.random.default_rng(5)
    x, w, gy = rng.standard_normal((5, 16, 9, 12)), rng.standard_normal((8, 16, 3, 3)), rng.standard_normal((5, 8, 9, 12))
    whole = _ours(x, w, gy, 1, 1, 1, 1)
    monkeypatch.setattr(conv_choice, "WORKSPACE_BYTES", 1)
    spy.clear()
    for a, b in zip(whole, _ours(x, w, gy, 1, 1, 1, 1)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert len(spy) >= 10 and all(shape[0] == 1 for shape in spy)


def test_empty_batch(im2col_only):
    x, w = np.zeros((0, 4, 8, 8)), np.ones((3, 4, 3, 3))
    y, gx, gw = _ours(x, w, np.zeros((0, 3, 8, 8)), 1, 1, 1, 1)
    assert y.shape == (0, 3, 8, 8) and gx.shape == x.shape and gw.shape == w.shape and not gw.any()
