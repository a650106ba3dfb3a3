"""The numba device's stride-1 convolutions with the channels across the vector lanes
(backends/numba_kernels/conv_lanes.py) against PyTorch: forward, input gradient and weight gradient in
float32 and float64 on odd sizes (planes not multiples of the 6-position tile, 1x1 planes, padding 0/1/2
and beyond the filter for the forward, batch 1, input channels 1, 3 and 7, several channel tiles,
groups of samples with a partial last one, filters other than 3x3), split over threads in uneven
parts; and where the numba device routes to them."""
import numpy as np
import pytest

pytest.importorskip("numba")

from backends.numba_kernels import conv_lanes, simd, split  # noqa: E402


def _tile(dtype):
    return conv_lanes.channel_tile(dtype)


def _torch_reference(x, w, gy, padding, stride=(1, 1), dilation=(1, 1)):
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(xt, wt, None, stride, padding, dilation)
    y.backward(torch.tensor(gy, dtype=torch.float64))
    return y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()


# (batch, input channels, output-channel tiles, H, W, kH, kW, padding, stride)
CASES = [
    (2, 3, 1, 8, 8, 3, 3, 1, 1),
    (1, 1, 1, 5, 7, 3, 3, 0, 1),
    (3, 7, 2, 6, 5, 3, 3, 2, 1),
    (1, 3, 1, 1, 1, 3, 3, 1, 1),          # a 1x1 plane: every tap but the centre reads padding
    (30, 3, 1, 5, 7, 3, 3, 1, 1),         # more samples than one group (14 per group), a partial last one
    (2, 5, 1, 9, 4, 1, 3, (0, 1), 1),     # 1x3 filters, padding only along W
    (2, 3, 1, 7, 6, 5, 5, 2, 1),
    (1, 20, 1, 4, 4, 3, 3, 1, 1),         # input channels over CHANNEL_BLOCK: tiles sum in two blocks
    (2, 3, 1, 8, 8, 3, 3, 1, 2),          # stride 2: the last padded row and column go unread
    (3, 5, 1, 9, 7, 3, 3, 1, 2),
    (2, 3, 2, 10, 11, 3, 3, 0, 3),
    (40, 2, 1, 4, 4, 3, 3, 1, (2, 1)),    # strides differing by axis, several groups
]
IDS = ["n{}c{}t{}_{}x{}_k{}x{}_p{}_s{}".format(*c) for c in CASES]


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


def _operands(case, dtype, seed=0, in_tiles=False):
    n, c, tiles, h, wd, kh, kw, padding, stride = case[:9]
    dilation = _pair(case[9]) if len(case) > 9 else (1, 1)
    padding, stride = _pair(padding), _pair(stride)
    co = tiles * _tile(dtype)
    if in_tiles:                      # the input gradient's lanes carry the input channels
        c = co
    rng = np.random.default_rng(seed)
    ho = (h + 2 * padding[0] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wd + 2 * padding[1] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    return (rng.standard_normal((n, c, h, wd)), rng.standard_normal((co, c, kh, kw)),
            rng.standard_normal((n, co, ho, wo)), padding, stride)


def _close(a, ref, dtype, name):
    assert a.shape == ref.shape and a.dtype == dtype, name
    tol = 1e-10 if dtype == np.float64 else 2e-6 * np.abs(ref).max()
    np.testing.assert_allclose(a, ref, rtol=0, atol=tol, err_msg=name)


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_and_weight_gradient_match_torch(dtype, case):
    x, w, gy, padding, stride = _operands(case, dtype)
    y_ref, _, gw_ref = _torch_reference(x, w, gy, padding, stride)
    x, w, gy = (a.astype(dtype) for a in (x, w, gy))
    _close(conv_lanes.conv2d(x, w, gy.shape[2:], stride, padding), y_ref, dtype, "forward")
    _close(conv_lanes.conv2d_grad_weight(gy, x, w.shape, stride, padding), gw_ref, dtype, "weight gradient")


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", [c for c in CASES if c[8] == 1 and max(_pair(c[7])) < min(c[5], c[6])],
                         ids=[i for c, i in zip(CASES, IDS) if c[8] == 1 and max(_pair(c[7])) < min(c[5], c[6])])
def test_input_gradient_matches_torch(dtype, case):
    """Stride 1, padding below the filter size (the forward of the output gradient)."""
    x, w, gy, padding, _ = _operands(case, dtype, seed=1, in_tiles=True)
    _, gx_ref, _ = _torch_reference(x, w, gy, padding)
    w, gy = w.astype(dtype), gy.astype(dtype)
    _close(conv_lanes.conv2d_grad_input(gy, w, x.shape, padding), gx_ref, dtype, "input gradient")


def test_forward_with_padding_beyond_the_filter_matches_torch():
    """Padding 3 on a 3x3 filter: the padded plane is larger than any tap reaches from the input."""
    for stride in (1, 2):
        x, w, gy, padding, stride = _operands((2, 3, 1, 4, 5, 3, 3, 3, stride), np.float64, seed=2)
        y_ref, _, gw_ref = _torch_reference(x, w, gy, padding, stride)
        _close(conv_lanes.conv2d(x, w, gy.shape[2:], stride, padding), y_ref, np.float64, "forward")
        _close(conv_lanes.conv2d_grad_weight(gy, x, w.shape, stride, padding), gw_ref, np.float64, "weight gradient")


@pytest.mark.parametrize("parts", (2, 3))
def test_split_in_uneven_parts_gives_the_same_values(monkeypatch, parts):
    """Split by samples into 2 or 3 parts even for tiny work (the weight gradient adds one partial sum
    per part): the forward is the same to the bit, the weight gradient to rounding."""
    x, w, gy, padding, stride = _operands((31, 3, 1, 5, 7, 3, 3, 1, 1), np.float64, seed=3)
    run = lambda: (conv_lanes.conv2d(x, w, gy.shape[2:], stride, padding),
                   conv_lanes.conv2d_grad_weight(gy, x, w.shape, stride, padding))
    whole = run()
    monkeypatch.setattr(split, "parts", lambda total, work, min_work=0: min(total, parts))
    split_up = run()
    np.testing.assert_array_equal(split_up[0], whole[0])
    np.testing.assert_allclose(split_up[1], whole[1], rtol=1e-12, atol=1e-12)


def test_suits_only_float32_3x3_small_planes_on_avx512():
    tile = _tile(np.float32)
    ok = lambda channels=tile, hw=(8, 8), k=(3, 3), s=(1, 1), dtype=np.float32: conv_lanes.suits(
        channels, hw, k, s, dtype)
    if simd.WIDTH != 64:
        assert not ok()
        return
    assert ok() and ok(channels=2 * tile) and ok(hw=(16, 16)) and ok(hw=(7, 7))
    assert not ok(channels=tile // 2) and not ok(channels=tile + 16)
    assert ok(s=(2, 2)) and not ok(s=(3, 3)) and not ok(s=(1, 2))
    assert not ok(hw=(32, 32)) and not ok(k=(5, 5)) and not ok(dtype=np.float64)


def _check_on_numba(x, w, gy, padding, stride, dilation, refs):
    """The numba device's three directions in float32, through its conv entry points, against refs."""
    from backends.numba_backend import NUMBA_PASSES
    from backends.numpy_kernels import conv
    x, w, gy = (a.astype(np.float32) for a in (x, w, gy))
    ours = (conv.conv2d(x, w, stride, padding, dilation, 1, NUMBA_PASSES),
            conv.conv2d_grad_input(gy, w, x.shape, stride, padding, dilation, 1, NUMBA_PASSES),
            conv.conv2d_grad_weight(gy, x, w.shape, stride, padding, dilation, 1, NUMBA_PASSES))
    for name, a, ref in zip(("forward", "input gradient", "weight gradient"), ours, refs):
        np.testing.assert_allclose(a, ref, rtol=0, atol=2e-5 * np.abs(ref).max(), err_msg=name)


def _spy(monkeypatch):
    """The names of the conv_lanes entry points called from now on, in order."""
    calls = []
    for name in ("conv2d", "conv2d_grad_input", "conv2d_grad_weight"):
        real = getattr(conv_lanes, name)
        monkeypatch.setattr(conv_lanes, name, lambda *a, _real=real, _name=name: calls.append(_name) or _real(*a))
    return calls


def test_numba_device_routes_small_planes_to_lanes(monkeypatch):
    """A b4 64->64 8x8 float32 layer on `numba` (AVX-512) takes the lanes kernels in every direction
    and matches PyTorch; at stride 2 (16x16 in, 8x8 out) the forward and weight gradient only; a 32x32
    one keeps the flat-run kernels."""
    if simd.WIDTH != 64:
        pytest.skip("the lanes kernels are picked only where AVX-512 gives them 32 vector registers")
    calls = _spy(monkeypatch)
    tile = _tile(np.float32)
    every = {"conv2d", "conv2d_grad_input", "conv2d_grad_weight"}
    for hw, st, expected in ((8, 1, every), (16, 2, {"conv2d", "conv2d_grad_weight"}), (32, 1, set())):
        calls.clear()
        x, w, gy, padding, s = _operands((4, tile, 1, hw, hw, 3, 3, 1, st), np.float32, seed=4, in_tiles=True)
        refs = _torch_reference(x, w, gy, padding, s)
        _check_on_numba(x, w, gy, padding, s, (1, 1), refs)
        assert set(calls) == expected, (hw, calls)


# (batch, input channels, output-channel tiles, H, W, kH, kW, padding, stride, dilation)
DILATED = [
    (2, 3, 1, 9, 8, 3, 3, 2, 1, 2),
    (1, 5, 1, 12, 13, 3, 3, 3, 1, 3),
    (3, 2, 1, 11, 9, 3, 3, (1, 2), 1, (1, 2)),
    (2, 3, 1, 10, 10, 3, 3, 0, 1, 2),           # no padding: the input gradient pads by the whole reach
    (2, 3, 1, 13, 12, 3, 3, 2, 2, 2),           # stride 2 (forward and weight gradient)
    (20, 3, 1, 6, 6, 3, 3, 2, 1, 2),            # several groups of samples
]
DILATED_IDS = ["n{}c{}t{}_{}x{}_k{}x{}_p{}_s{}_d{}".format(*c) for c in DILATED]


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", DILATED, ids=DILATED_IDS)
def test_dilated_directions_match_torch(dtype, case):
    dilation = _pair(case[9])
    x, w, gy, padding, stride = _operands(case, dtype, seed=7)
    y_ref, _, gw_ref = _torch_reference(x, w, gy, padding, stride, dilation)
    x32, w32, gy32 = (a.astype(dtype) for a in (x, w, gy))
    _close(conv_lanes.conv2d(x32, w32, gy.shape[2:], stride, padding, dilation), y_ref, dtype, "forward")
    _close(conv_lanes.conv2d_grad_weight(gy32, x32, w.shape, stride, padding, dilation), gw_ref, dtype,
           "weight gradient")
    if stride == (1, 1):
        x, w, gy, padding, _ = _operands(case, dtype, seed=8, in_tiles=True)
        _, gx_ref, _ = _torch_reference(x, w, gy, padding, stride, dilation)
        _close(conv_lanes.conv2d_grad_input(gy.astype(dtype), w.astype(dtype), x.shape, padding, dilation), gx_ref,
               dtype, "input gradient")


def test_numba_device_runs_dilated_layers_through_lanes(monkeypatch):
    """A dilated 64->64 layer on a 20x20 plane (float32, AVX-512) takes the lanes kernels in every
    direction, where it applies, and matches PyTorch; with channels that fill no tile, or an input
    gradient whose padding is beyond the reach, or over 256 channels, it keeps im2col."""
    if simd.WIDTH != 64:
        pytest.skip("the lanes kernels are picked only where AVX-512 gives them 32 vector registers")
    from backends.numba_backend import NUMBA_PASSES
    from backends.numpy_kernels import conv_choice
    tile = _tile(np.float32)
    names = lambda direction, x, w, p=(2, 2): conv_choice.applicable(direction, x, w, (1, 1), p, (2, 2), 1, NUMBA_PASSES,
                                                                    np.dtype(np.float32))
    assert all("direct" in names(d, (2, tile, 20, 20), (tile, tile, 3, 3)) for d in ("forward", "grad_input",
                                                                                      "grad_weight"))
    assert "direct" not in names("forward", (2, 3, 20, 20), (8, 3, 3, 3))
    assert "direct" not in names("grad_input", (2, tile, 20, 20), (tile, tile, 3, 3), p=(5, 5))
    assert "direct" not in names("grad_weight", (2, 512, 20, 20), (512, 512, 3, 3))      # DILATED_MAX_CHANNELS
    calls = _spy(monkeypatch)
    x, w, gy, padding, s = _operands((2, tile, 1, 20, 20, 3, 3, 2, 1, 2), np.float32, seed=9, in_tiles=True)
    refs = _torch_reference(x, w, gy, padding, s, (2, 2))
    _check_on_numba(x, w, gy, padding, s, (2, 2), refs)
    assert set(calls) == {"conv2d", "conv2d_grad_input", "conv2d_grad_weight"}
