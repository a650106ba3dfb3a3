"""Winograd F(4x4, 3x3) (`winograd4`: array_kernels/conv_winograd4.py) on the cpu device (transforms as
BLAS products, numpy_kernels/conv_winograd4.py) and the numba device (compiled transforms,
numba_kernels/conv_winograd4.py), forced through conv_choice, against PyTorch in float64: forward, input
gradient and weight gradient in float32 and float64 on odd sizes (H, W not multiples of the 4x4 tile,
padding 0/1/2, batch 1, channel counts 1 and 3, samples in blocks with a partial last one); the
algebra in one dimension; the float32 error against F(2x2)'s on typical layers; gradcheck through
F.conv2d; batch chunks; and where the rule picks it."""
import numpy as np
import pytest

import nn.functional as F
from backends.array_kernels import conv_winograd4 as algebra
from backends.numpy_kernels import conv, conv_choice, conv_winograd
from tests.helpers import check_gradcheck, rand


def _numba_passes():
    pytest.importorskip("numba")
    from backends.numba_backend import NUMBA_PASSES
    return NUMBA_PASSES


def _passes(device):
    """The conv passes of the `cpu` or `numba` device (numba's skip without numba)."""
    if device == "cpu":
        from backends.numpy_kernels.conv_passes import NUMPY_PASSES
        return NUMPY_PASSES
    return _numba_passes()


DEVICES = ("cpu", "numba")


# (x shape, w shape, padding)
CASES = [
    ((2, 3, 7, 9), (5, 3, 3, 3), 1),
    ((1, 1, 5, 6), (1, 1, 3, 3), 0),
    ((3, 4, 8, 5), (2, 4, 3, 3), 2),
    ((1, 3, 3, 3), (1, 3, 3, 3), 0),             # one output pixel
    ((1, 3, 6, 6), (3, 3, 3, 3), 2),
    ((2, 16, 9, 9), (16, 16, 3, 3), 1),
    ((1, 2, 11, 13), (3, 2, 3, 3), 2),
    ((1, 3, 18, 17), (4, 3, 3, 3), 1),            # several tile rows and columns, ragged last ones
    ((1, 3, 4, 30), (2, 3, 3, 3), 0),             # one tile row, long rows
    ((300, 1, 6, 6), (2, 1, 3, 3), 1),            # 4 tiles a plane: a block of 256 samples and one of 44
    ((13, 2, 40, 36), (2, 2, 3, 3), 1),           # 90 tiles a plane: blocks of 11 samples and 2
    ((2, 12, 32, 32), (4, 12, 3, 3), 1),          # 4 KB planes: channels-last copy in blocks of 8 and 4
    ((1, 20, 32, 32), (3, 20, 3, 3), 0),
]
IDS = ["x{}w{}p{}".format(*c) for c in CASES]


@pytest.fixture
def winograd4_mode():
    previous = conv_choice.set_mode("winograd4")
    yield
    conv_choice.set_mode(previous)


@pytest.fixture
def spy(monkeypatch):
    """The calls of F(4x4)'s input transform on either device (every direction runs it once per batch chunk)."""
    from backends.numpy_kernels import conv_winograd4 as on_cpu
    calls = []
    schemes = [on_cpu.Minimal4Products]
    try:
        from backends.numba_kernels import conv_winograd4 as on_numba
        schemes.append(on_numba.Minimal4)
    except ImportError:
        pass
    for scheme in schemes:
        real = scheme.input_tiles
        monkeypatch.setattr(scheme, "input_tiles", staticmethod(
            lambda *args, _real=real, **kwargs: calls.append(1) or _real(*args, **kwargs)))
    return calls


def _torch_reference(x, w, gy, padding):
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(xt, wt, None, 1, padding)
    y.backward(torch.tensor(gy, dtype=torch.float64))
    return y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()


def _ours(passes, x, w, gy, padding):
    s, p, d = (1, 1), (padding, padding), (1, 1)
    return (conv.conv2d(x, w, s, p, d, 1, passes), conv.conv2d_grad_input(gy, w, x.shape, s, p, d, 1, passes),
            conv.conv2d_grad_weight(gy, x, w.shape, s, p, d, 1, passes))


def _operands(x_shape, w_shape, padding, seed, w_scale=1.0):
    rng = np.random.default_rng(seed)
    out = (x_shape[0], w_shape[0], x_shape[2] + 2 * padding - 2, x_shape[3] + 2 * padding - 2)
    return rng.standard_normal(x_shape), w_scale * rng.standard_normal(w_shape), rng.standard_normal(out)


def test_one_dimensional_f43_is_correlation():
    """A^T [(G g) * (B^T d)] is the correlation of six inputs with three taps, to float64 rounding."""
    bt, g, at = (np.array(m) for m in (algebra.DATA, algebra.FILTER, algebra.OUTPUT))
    rng = np.random.default_rng(0)
    for _ in range(20):
        d, taps = rng.standard_normal(6), rng.standard_normal(3)
        direct = np.array([d[i:i + 3] @ taps for i in range(4)])
        np.testing.assert_allclose(at @ ((g @ taps) * (bt @ d)), direct, rtol=0, atol=1e-14)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", (np.float64, np.float32))
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forced_winograd4_matches_torch(winograd4_mode, spy, dtype, case, device):
    passes = _passes(device)
    x, w, gy = _operands(*case, seed=1)
    refs = _torch_reference(x, w, gy, case[2])
    ours = _ours(passes, x.astype(dtype), w.astype(dtype), gy.astype(dtype), case[2])
    assert len(spy) >= 3                          # forward, input gradient, weight gradient all ran F(4x4)
    for name, a, ref in zip(("forward", "grad_input", "grad_weight"), ours, refs):
        assert a.shape == ref.shape and a.dtype == dtype, name
        if dtype == np.float64:
            np.testing.assert_allclose(a, ref, rtol=1e-10, atol=1e-10, err_msg=name)
        else:
            assert np.abs(a - ref).max() <= 2e-5 * np.abs(ref).max(), name


@pytest.mark.parametrize("device", DEVICES)
def test_padding_3_forward_only(winograd4_mode, spy, device):
    """Padding beyond 2: the forward is still F(4x4); the input gradient goes elsewhere."""
    passes = _passes(device)
    x, w, gy = _operands((1, 2, 4, 5), (3, 2, 3, 3), 3, seed=2)
    refs = _torch_reference(x, w, gy, 3)
    y = conv.conv2d(x, w, (1, 1), (3, 3), (1, 1), 1, passes)
    assert len(spy) == 1
    np.testing.assert_allclose(y, refs[0], rtol=1e-10, atol=1e-10)
    gx = conv.conv2d_grad_input(gy, w, x.shape, (1, 1), (3, 3), (1, 1), 1, passes)
    np.testing.assert_allclose(gx, refs[1], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("channels", (64, 128))
def test_float32_error_on_typical_layers(channels, device):
    """float32 against float64 direct convolution, random normal inputs and 0.05-scale weights: F(4x4)
    within 2e-5 of the largest magnitude in every direction (its stated bound), F(2x2) within 1e-6."""
    passes = _passes(device)
    x, w, gy = _operands((2, channels, 14, 14), (channels, channels, 3, 3), 1, seed=3, w_scale=0.05)
    refs = _torch_reference(x, w, gy, 1)
    errors = {}
    for algorithm in ("winograd4", "winograd"):
        previous = conv_choice.set_mode(algorithm)
        try:
            ours = _ours(passes, x.astype(np.float32), w.astype(np.float32), gy.astype(np.float32), 1)
        finally:
            conv_choice.set_mode(previous)
        errors[algorithm] = max(np.abs(a - r).max() / np.abs(r).max() for a, r in zip(ours, refs))
    assert errors["winograd4"] <= 2e-5 and errors["winograd"] <= 1e-6
    assert errors["winograd4"] > errors["winograd"]   # the two really ran different algorithms


@pytest.mark.parametrize("device", DEVICES)
def test_batch_chunks_under_a_small_cap_give_the_same_result(monkeypatch, winograd4_mode, spy, device):
    passes = _passes(device)
    x, w, gy = _operands((5, 6, 9, 7), (4, 6, 3, 3), 1, seed=4)
    whole = _ours(passes, x, w, gy, 1)
    monkeypatch.setattr(conv_winograd, "TILE_CHUNK_BYTES", 1)     # one sample per chunk
    monkeypatch.setattr(conv_choice, "WORKSPACE_BYTES", 1)        # the weight gradient's chunks too
    calls = len(spy)
    chunked = _ours(passes, x, w, gy, 1)
    assert len(spy) - calls == 15
    for a, b in zip(whole, chunked):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_weight_gradient_chunks_fill_the_workspace(monkeypatch, winograd4_mode, spy):
    """With cache-sized forward chunks of one sample, the weight gradient still takes the batch in
    chunks as large as conv_choice.WORKSPACE_BYTES allows (its products sum over the tiles): one chunk
    under the default workspace, two under a workspace of about three samples' tiles and products, and
    never more than a workspace smaller than the cache-sized chunk."""
    passes = _numba_passes()
    x, w, gy = _operands((5, 6, 9, 7), (4, 6, 3, 3), 1, seed=6)
    whole = conv.conv2d_grad_weight(gy, x, w.shape, (1, 1), (1, 1), (1, 1), 1, passes)
    scheme = passes.winograd4
    th, tw = scheme.tile_counts(9, 7)
    sample = 36 * th * scheme.tile_pitch(tw, np.float64) * (6 + 4) * 8       # one sample's tiles, bytes
    products = 2 * 36 * 4 * 6 * 8
    # (the cache-sized chunk, the workspace, weight-gradient chunks expected)
    for tile_chunk, workspace, chunks in ((1, conv_choice.WORKSPACE_BYTES, 1),
                                          (1, products + 3 * sample + sample // 2, 2),
                                          (10 * sample, sample + sample // 2, 5)):
        monkeypatch.setattr(conv_winograd, "TILE_CHUNK_BYTES", tile_chunk)
        monkeypatch.setattr(conv_choice, "WORKSPACE_BYTES", workspace)
        calls = len(spy)
        gw = conv.conv2d_grad_weight(gy, x, w.shape, (1, 1), (1, 1), (1, 1), 1, passes)
        assert len(spy) - calls == chunks, workspace
        np.testing.assert_allclose(gw, whole, rtol=1e-12, atol=1e-12)


def test_forward_and_input_gradient_chunks_fill_the_workspace(monkeypatch, winograd4_mode, spy):
    """F(4x4)'s forward and input gradient (products split over the threads) take the batch in chunks as
    large as conv_choice.WORKSPACE_BYTES allows, whatever the cache-sized chunk of NumPy's F(2x2): one
    chunk under the default workspace, three (two samples each) under one of two and a half samples'
    tiles, one sample each under a workspace smaller than a sample's."""
    passes = _numba_passes()
    x, w, gy = _operands((5, 6, 9, 7), (4, 6, 3, 3), 1, seed=7)
    s, p, d = (1, 1), (1, 1), (1, 1)
    whole = (conv.conv2d(x, w, s, p, d, 1, passes), conv.conv2d_grad_input(gy, w, x.shape, s, p, d, 1, passes))
    scheme = passes.winograd4
    th, tw = scheme.tile_counts(9, 7)
    sample = 36 * th * scheme.tile_pitch(tw, np.float64) * (6 + 4) * 8       # one sample's tiles, bytes
    monkeypatch.setattr(conv_winograd, "TILE_CHUNK_BYTES", 1)
    for workspace, chunks in ((conv_choice.WORKSPACE_BYTES, 1), (2 * sample + sample // 2, 3), (sample // 2, 5)):
        monkeypatch.setattr(conv_choice, "WORKSPACE_BYTES", workspace)
        calls = len(spy)
        y = conv.conv2d(x, w, s, p, d, 1, passes)
        assert len(spy) - calls == chunks, workspace
        calls = len(spy)
        gx = conv.conv2d_grad_input(gy, w, x.shape, s, p, d, 1, passes)
        assert len(spy) - calls == chunks, workspace
        np.testing.assert_allclose(y, whole[0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(gx, whole[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", (np.float64, np.float32))
def test_transforms_split_in_uneven_parts(monkeypatch, winograd4_mode, spy, dtype):
    """Every transform split into 3 parts of the (channel, sample) items, parts starting mid-channel."""
    passes = _numba_passes()
    from backends.numba_kernels import split
    monkeypatch.setattr(split, "parts", lambda total, work, min_work=0: min(total, 3))
    x, w, gy = _operands((3, 5, 9, 10), (7, 5, 3, 3), 1, seed=6)   # 15 and 21 items: parts of 5 and 7
    refs = _torch_reference(x, w, gy, 1)
    ours = _ours(passes, x.astype(dtype), w.astype(dtype), gy.astype(dtype), 1)
    assert spy
    for a, ref in zip(ours, refs):
        if dtype == np.float64:
            np.testing.assert_allclose(a, ref, rtol=1e-10, atol=1e-10)
        else:
            assert np.abs(a - ref).max() <= 2e-5 * np.abs(ref).max()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("algorithm", ("winograd", "winograd4"))
def test_empty_batch(algorithm, device):
    passes = _passes(device)
    previous = conv_choice.set_mode(algorithm)
    try:
        x, w, gy = np.zeros((0, 3, 8, 7)), np.ones((4, 3, 3, 3)), np.zeros((0, 4, 8, 7))
        y, gx, gw = _ours(passes, x, w, gy, 1)
    finally:
        conv_choice.set_mode(previous)
    assert y.shape == gy.shape and gx.shape == x.shape
    np.testing.assert_array_equal(gw, np.zeros(w.shape))


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("padding", (0, 1, 2))
def test_winograd4_conv2d_gradcheck(winograd4_mode, spy, padding, device):
    _passes(device)
    x, w, b = rand((2, 3, 7, 6), seed=1), rand((4, 3, 3, 3), seed=2), rand((4,), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, padding=padding), [x, w, b], device=device)
    assert spy


def test_rule_picks_winograd4_on_large_layers_of_the_numba_device():
    passes = _numba_passes()

    def pick(x, w, direction, passes, dtype=np.float32):
        names = conv_choice.applicable(direction, x, w, (1, 1), (1, 1), (1, 1), 1, passes, np.dtype(dtype))
        return conv_choice.heuristic(names, x, w, (x[2], x[3]), np.dtype(dtype).itemsize, direction, passes)
    from backends.numba_kernels import simd
    for direction in ("forward", "grad_input", "grad_weight"):
        for x, c in (((32, 64, 56, 56), 64), ((32, 128, 28, 28), 128), ((32, 256, 14, 14), 256),
                     ((8, 64, 12, 12), 64)):
            # the direct kernels take 64 channels, but on planes of 28x28 outputs and up on AVX-512 hosts
            if c < 128 and not (simd.WIDTH == 64 and x[2] * x[3] >= 784):
                assert pick(x, (c, c, 3, 3), direction, passes) == "direct"
                continue
            assert pick(x, (c, c, 3, 3), direction, passes) == "winograd4"
            assert pick(x, (c, c, 3, 3), direction, passes, np.float64) == "winograd4"
            assert pick(x, (c, c, 3, 3), direction, passes, np.float16) == "winograd"     # not compiled
        # small layers stay with the direct kernels
        assert pick((64, 64, 8, 8), (64, 64, 3, 3), direction, passes) == "direct"
        assert pick((128, 32, 16, 16), (32, 32, 3, 3), direction, passes) == "direct"
    assert "winograd4" not in conv_choice.applicable("forward", (8, 64, 28, 28), (64, 64, 3, 3), (2, 2), (1, 1),
                                                      (1, 1), 1, passes, np.dtype(np.float32))
    assert "winograd4" not in conv_choice.applicable("grad_input", (8, 64, 28, 28), (64, 64, 3, 3), (1, 1), (3, 3),
                                                      (1, 1), 1, passes, np.dtype(np.float32))


def test_rule_picks_winograd4_on_large_layers_of_the_cpu_device():
    """On `cpu`, F(4x4) takes every direction of the layers with 32 channels and 8x8 outputs and up,
    in float32 and float64; float16 keeps F(2x2) on the large ones; smaller layers im2col."""
    from backends.numpy_kernels.conv_passes import NUMPY_PASSES

    def pick(x, w, direction, dtype=np.float32, stride=(1, 1)):
        names = conv_choice.applicable(direction, x, w, stride, (1, 1), (1, 1), 1, NUMPY_PASSES, np.dtype(dtype))
        return conv_choice.heuristic(names, x, w, (x[2] // stride[0], x[3] // stride[1]), np.dtype(dtype).itemsize,
                                     direction, NUMPY_PASSES, stride)
    for direction in ("forward", "grad_input", "grad_weight"):
        for x, c in (((32, 64, 56, 56), 64), ((32, 128, 28, 28), 128), ((32, 256, 14, 14), 256),
                     ((8, 64, 12, 12), 64), ((64, 64, 8, 8), 64), ((128, 32, 32, 32), 32), ((64, 32, 16, 16), 32)):
            assert pick(x, (c, c, 3, 3), direction) == "winograd4"
            assert pick(x, (c, c, 3, 3), direction, np.float64) == "winograd4"
            assert pick(x, (c, c, 3, 3), direction, stride=(2, 2)) == "im2col"
        for x, c in (((32, 64, 56, 56), 64), ((32, 128, 28, 28), 128), ((32, 256, 14, 14), 256),
                     ((8, 64, 12, 12), 64)):
            assert pick(x, (c, c, 3, 3), direction, np.float16) == "winograd"
        assert pick((64, 32, 16, 16), (32, 32, 3, 3), direction, np.float16).startswith("im2col")
        assert pick((64, 16, 32, 32), (16, 16, 3, 3), direction).startswith("im2col")
        assert pick((64, 64, 7, 7), (64, 64, 3, 3), direction).startswith("im2col")
        # half as many output channels as inputs: since stop 56 its weight gradient takes tap_products (one product
        # of the taps' rows, no columns: 2.2 against 3.1 ms forward + weight gradient on one thread)
        expected = ("tap_products",) if direction == "grad_weight" else ("im2col",)
        assert pick((64, 32, 8, 8), (16, 32, 3, 3), direction).startswith(expected)


def test_cpu_chunks_stay_cache_sized(monkeypatch, winograd4_mode, spy):
    """On `cpu` every direction takes the batch in chunks of at most the scheme's chunk_bytes of tiles
    and products (three chunks for five samples under two and a half samples' worth), whatever the workspace."""
    from backends.numpy_kernels import conv_winograd4 as on_cpu
    passes = _passes("cpu")
    x, w, gy = _operands((5, 6, 9, 7), (4, 6, 3, 3), 1, seed=8)
    whole = _ours(passes, x, w, gy, 1)
    th, tw = algebra.tile_counts(9, 7)
    sample = 36 * th * tw * (6 + 4) * 8
    monkeypatch.setattr(on_cpu.Minimal4Products, "chunk_bytes", 2 * sample + sample // 2)
    calls = len(spy)
    chunked = _ours(passes, x, w, gy, 1)
    assert len(spy) - calls == 9
    for a, b in zip(whole, chunked):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_measure_mode_times_winograd4(monkeypatch):
    passes = _numba_passes()
    previous = conv_choice.set_mode("measure")
    try:
        timed = []
        real = conv_choice.choose

        def spy_choose(direction, run, *args, **kwargs):
            return real(direction, lambda name: timed.append(name) or run(name), *args, **kwargs)
        monkeypatch.setattr(conv_choice, "choose", spy_choose)
        x, w, _ = _operands((2, 3, 9, 8), (4, 3, 3, 3), 1, seed=5)
        y = conv.conv2d(x.astype(np.float32), w.astype(np.float32), (1, 1), (1, 1), (1, 1), 1, passes)
        assert "winograd4" in timed and "winograd" in timed and y.shape == (2, 4, 9, 8)
    finally:
        conv_choice.set_mode(previous)
