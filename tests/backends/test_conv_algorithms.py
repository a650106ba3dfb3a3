"""Every CPU convolution algorithm (pointwise, depthwise, Winograd, im2col), forced one at a time, against
PyTorch in float64: forward and both gradients, on odd sizes (H, W not multiples of the Winograd tile,
padding 0/1/2, batch 1, channel counts 1 and 3, strides, dilations, groups), with NumPy's passes (the
`cpu` device) and the compiled ones (`numba`), plus the float32 error bound of every path, the batch
chunking under small caps, and the per-shape choice."""
import numpy as np
import pytest

from backends.array_kernels.conv import batch_chunks
from backends.numpy_kernels import conv_choice, conv_winograd
from tests.conv_path_checks import PASSES, _numba_passes, _ours, _torch_reference, mode  # noqa: F401 (mode: a fixture)


# (x shape, w shape, stride, padding, dilation, groups)
CASES = [
    ((2, 3, 7, 9), (5, 3, 3, 3), 1, 1, 1, 1),
    ((1, 1, 5, 6), (1, 1, 3, 3), 1, 0, 1, 1),
    ((3, 4, 8, 5), (2, 4, 3, 3), 1, 2, 1, 1),
    ((2, 16, 9, 9), (16, 16, 3, 3), 1, 1, 1, 1),
    ((2, 4, 9, 8), (6, 2, 3, 3), 2, 1, 1, 2),
    ((1, 8, 6, 7), (8, 1, 3, 3), 1, 1, 1, 8),
    ((3, 6, 8, 8), (6, 1, 3, 3), 2, 2, 2, 6),
    ((2, 3, 5, 5), (3, 1, 5, 5), 1, 2, 1, 3),
    ((2, 8, 7, 7), (4, 8, 1, 1), 2, 0, 1, 1),
    ((2, 8, 7, 6), (4, 8, 1, 1), 1, 0, 1, 1),
    ((2, 4, 6, 6), (4, 2, 1, 1), 1, 0, 1, 2),
    ((1, 3, 11, 10), (4, 3, 5, 5), 1, 2, 2, 1),
    ((2, 3, 12, 12), (4, 3, 3, 3), 2, 0, 1, 1),
    ((1, 2, 4, 4), (3, 2, 3, 3), 1, 3, 1, 1),   # padding 3: Winograd forward only
    # 16+ input channels: im2col's stride-1 input gradient as a forward convolution (padding k - 1 - p)
    ((1, 16, 7, 5), (3, 16, 3, 3), 1, 2, 1, 1),
    ((2, 17, 6, 7), (5, 17, 5, 5), 1, 1, 1, 1),
    ((1, 16, 4, 5), (2, 16, 3, 3), 1, 3, 1, 1),   # padding >= kernel: col2im again
    # im2col's shifted-row columns (padded rows at most 1.25x the output's): wide and per-sample products,
    # groups, dilation, LeNet's first layer
    ((2, 6, 12, 14), (4, 3, 3, 3), 1, 1, 1, 2),
    ((1, 4, 20, 21), (3, 4, 3, 3), 1, 2, 2, 1),
    ((1, 16, 32, 31), (16, 16, 3, 3), 1, 1, 1, 1),
    ((2, 1, 28, 28), (6, 1, 5, 5), 1, 2, 1, 1),
]


@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("algorithm", conv_choice.ALGORITHMS + ("measure",))
@pytest.mark.parametrize("case", CASES, ids=lambda c: "x{}w{}s{}p{}d{}g{}".format(*c))
def test_algorithm_matches_torch(mode, passes, algorithm, case):
    x_shape, w_shape, stride, padding, dilation, groups = case
    passes = PASSES[passes]()
    mode(algorithm)
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    y_ref = _torch_reference(x, w, None, stride, padding, dilation, groups)
    gy = rng.standard_normal(y_ref.shape)
    for ours, ref in zip(_ours(x, w, gy, stride, padding, dilation, groups, passes),
                         _torch_reference(x, w, gy, stride, padding, dilation, groups)):
        assert ours.shape == ref.shape and ours.dtype == np.float64
        np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("algorithm", conv_choice.ALGORITHMS)
@pytest.mark.parametrize("case", CASES[:8], ids=lambda c: "x{}w{}s{}p{}d{}g{}".format(*c))
def test_float32_error_bound(mode, passes, algorithm, case):
    """float32 results within 1e-6 of the largest magnitude (the oracle tests' tolerance is 2e-5); F(4x4, 3x3)
    within 2e-5 (its stated bound, array_kernels/conv_winograd4.py)."""
    x_shape, w_shape, stride, padding, dilation, groups = case
    passes = PASSES[passes]()
    mode(algorithm)
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
    gy = rng.standard_normal(_torch_reference(x, w, None, stride, padding, dilation, groups).shape)
    refs = _torch_reference(x, w, gy, stride, padding, dilation, groups)
    f32 = [a.astype(np.float32) for a in (x, w, gy)]
    for ours, ref in zip(_ours(*f32, stride, padding, dilation, groups, passes), refs):
        assert ours.dtype == np.float32
        assert np.abs(ours - ref).max() <= (2e-5 if algorithm == "winograd4" else 1e-6) * np.abs(ref).max()


@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("algorithm", ("winograd", "im2col", "depthwise"))
def test_batch_chunks_under_a_small_cap_give_the_same_result(monkeypatch, mode, passes, algorithm):
    passes = PASSES[passes]()
    mode(algorithm)
    rng = np.random.default_rng(5)
    groups = 16 if algorithm == "depthwise" else 1
    x, w = rng.standard_normal((5, 16, 9, 7)), rng.standard_normal((16, 16 // groups, 3, 3))
    gy = rng.standard_normal((5, 16, 9, 7))
    whole = _ours(x, w, gy, 1, 1, 1, groups, passes)
    monkeypatch.setattr(conv_choice, "WORKSPACE_BYTES", 1)   # one sample per chunk
    monkeypatch.setattr(conv_choice, "DEPTHWISE_CHUNK_BYTES", 1)
    monkeypatch.setattr(conv_winograd, "TILE_CHUNK_BYTES", 1)
    for a, b in zip(whole, _ours(x, w, gy, 1, 1, 1, groups, passes)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", CASES, ids=lambda c: "x{}w{}s{}p{}d{}g{}".format(*c))
def test_compiled_passes_match_numpy_passes(mode, dtype, case):
    """The numba device's compiled passes give NumPy's results for every algorithm that applies."""
    numba_passes = _numba_passes()
    x_shape, w_shape, stride, padding, dilation, groups = case
    rng = np.random.default_rng(11)
    x, w = rng.standard_normal(x_shape).astype(dtype), rng.standard_normal(w_shape).astype(dtype)
    gy = rng.standard_normal(_torch_reference(x, w, None, stride, padding, dilation, groups).shape).astype(dtype)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for algorithm in conv_choice.applicable("forward", x_shape, w_shape, (stride,) * 2, (padding,) * 2,
                                            (dilation,) * 2, groups):
        mode(algorithm)
        for a, b in zip(_ours(x, w, gy, stride, padding, dilation, groups, numba_passes),
                        _ours(x, w, gy, stride, padding, dilation, groups)):
            assert a.dtype == b.dtype == dtype
            np.testing.assert_allclose(a, b, rtol=tol, atol=tol * np.abs(b).max(), err_msg=algorithm)


def test_batch_chunks_cover_the_batch_within_the_cap():
    assert batch_chunks(10, 100, 350) == [slice(0, 3), slice(3, 6), slice(6, 9), slice(9, 10)]
    assert batch_chunks(4, 1000, 10) == [slice(i, i + 1) for i in range(4)]
    assert batch_chunks(4, 1, 10 ** 9) == [slice(0, 4)]


def test_heuristic_picks():
    pick = lambda x, w, s=(1, 1), p=(1, 1), g=1, direction="forward", passes=None: conv_choice.heuristic(
        conv_choice.applicable(direction, x, w, s, p, (1, 1), g), x, w, (x[2], x[3]), 4, direction, passes, s)
    assert pick((8, 64, 28, 28), (64, 64, 3, 3)) == "winograd"
    assert pick((256, 3, 32, 32), (64, 3, 3, 3)) == "im2col"            # too few channels for Winograd
    assert pick((64, 6, 10, 10), (16, 6, 5, 5), p=(0, 0)) == "im2col_chwn"   # small images (LeNet's conv2)
    assert pick((2, 3, 32, 32), (64, 3, 3, 3)) == "im2col"              # 32x32: NCHW needs no transposes
    assert pick((64, 32, 8, 8), (64, 32, 3, 3), s=(2, 2)) == "im2col"   # small but strided
    assert pick((64, 64, 28, 28), (64, 64, 3, 3), s=(2, 2)) == "im2col"
    assert pick((8, 64, 28, 28), (64, 64, 1, 1), p=(0, 0)) == "pointwise"
    assert pick((8, 64, 28, 28), (64, 1, 3, 3), g=64) == "depthwise"
    assert pick((32, 64, 28, 28), (64, 64, 3, 3), p=(3, 3), direction="grad_input") == "im2col"
    # below 64 channels (or 12x12 outputs) im2col in every direction, on cpu and on numba alike
    numba_passes = _numba_passes()
    for direction in ("forward", "grad_input", "grad_weight"):
        for passes in (None, numba_passes):
            assert pick((128, 32, 32, 32), (32, 32, 3, 3), direction=direction, passes=passes) == "im2col"
            assert pick((64, 16, 32, 32), (16, 16, 3, 3), direction=direction, passes=passes) == "im2col"
            assert pick((64, 64, 8, 8), (64, 64, 3, 3), direction=direction, passes=passes) == "im2col_chwn"
            assert pick((32, 64, 56, 56), (64, 64, 3, 3), direction=direction, passes=passes) == "winograd"


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="heuristic, measure"):
        conv_choice.set_mode("fft")
