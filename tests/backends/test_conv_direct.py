"""The numba device's direct convolutions (backends/numba_kernels/conv_direct.py), forced through
conv_choice, against PyTorch: forward, input gradient and weight gradient in float32 and float64 on
odd sizes (H, W not multiples of the vector width, padding 0/1/2 and beyond the filter, stride 1, 2
and 3, batch 1, channel counts 1, 3, 16 and 17, filters 3x3 and others, stacked small planes with a
partial last group), split over threads in uneven parts; gradcheck through F.conv2d; and where the
rule picks them."""
import os
import subprocess
import sys

import numpy as np
import pytest

import nn.functional as F
from backends.numpy_kernels import conv, conv_choice
from tests.helpers import check_gradcheck, fresh_compile_check, rand

#: set in the child process of test_the_other_vector_width_matches_torch: compile the tiles with the
#: other kind of CPU's vectors (simd.WIDTH 32 <-> 64 bytes before any kernel compiles, in an empty
#: Numba cache)
OTHER_WIDTH = "DEEPGRAD_TEST_OTHER_WIDTH"
if os.environ.get(OTHER_WIDTH) == "1":
    from backends.numba_kernels import simd
    simd.WIDTH = 96 - simd.WIDTH


def _numba_passes():
    pytest.importorskip("numba")
    from backends.numba_backend import NUMBA_PASSES
    return NUMBA_PASSES


# (x shape, w shape, stride, padding)
CASES = [
    ((2, 3, 7, 9), (5, 3, 3, 3), 1, 1),
    ((1, 1, 5, 6), (1, 1, 3, 3), 1, 0),
    ((3, 4, 8, 5), (2, 4, 3, 3), 1, 2),
    ((1, 16, 19, 17), (17, 16, 3, 3), 1, 1),
    ((2, 17, 9, 9), (16, 17, 3, 3), 2, 1),
    ((1, 3, 12, 13), (4, 3, 3, 3), 2, 0),
    ((2, 16, 10, 11), (17, 16, 3, 3), 2, 2),
    ((1, 17, 33, 31), (3, 17, 3, 3), 2, 1),        # a flat run longer than one chunk
    ((1, 5, 37, 35), (6, 5, 3, 3), 2, 1),          # stride 2 above GROUP_POSITIONS pixels (8 lanes: the four-phase pass)
    ((1, 3, 40, 37), (16, 3, 3, 3), 1, 1),
    ((1, 3, 11, 10), (4, 3, 5, 5), 1, 2),           # 5x5: weight gradient by 8 tap triples + 1 tap
    ((3, 2, 13, 12), (6, 2, 5, 5), 2, 1),           # 5x5, stride 2, a partial channel block
    ((2, 3, 9, 9), (4, 3, 7, 7), 1, 3),             # 7x7: 16 tap triples + 1 tap
    ((2, 4, 9, 8), (3, 4, 2, 3), 2, 1),
    ((2, 3, 9, 8), (5, 3, 3, 3), 3, 1),             # stride 3
    ((1, 2, 4, 4), (3, 2, 3, 3), 1, 3),             # padding beyond the filter: input gradient by phases
    ((13, 16, 5, 6), (16, 16, 3, 3), 1, 1),         # stacked planes, a partial last group
    ((11, 3, 6, 7), (17, 3, 3, 3), 2, 1),
    ((53, 3, 8, 8), (4, 3, 3, 3), 1, 1),            # more samples than one group: 18 + 18 + 17
    ((90, 2, 8, 8), (3, 2, 3, 3), 2, 1),
]
IDS = ["x{}w{}s{}p{}".format(*c) for c in CASES]


@pytest.fixture
def direct_mode():
    previous = conv_choice.set_mode("direct")
    yield
    conv_choice.set_mode(previous)


def _torch_reference(x, w, gy, stride, padding):
    torch = pytest.importorskip("torch")
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(xt, wt, None, stride, padding)
    y.backward(torch.tensor(gy, dtype=torch.float64))
    return y.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()


def _operands(case, seed):
    x_shape, w_shape, stride, padding = case
    rng = np.random.default_rng(seed)
    out = [(size + 2 * padding - k) // stride + 1 for size, k in zip(x_shape[2:], w_shape[2:])]
    return (rng.standard_normal(x_shape), rng.standard_normal(w_shape),
            rng.standard_normal((x_shape[0], w_shape[0], *out)))


def _ours(passes, x, w, gy, stride, padding):
    s, p, d = (stride,) * 2, (padding,) * 2, (1, 1)
    return (conv.conv2d(x, w, s, p, d, 1, passes), conv.conv2d_grad_input(gy, w, x.shape, s, p, d, 1, passes),
            conv.conv2d_grad_weight(gy, x, w.shape, s, p, d, 1, passes))


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_direct_matches_torch(direct_mode, dtype, case):
    """float64 to 1e-10; float32 within 1e-6 of the largest magnitude (the oracle tests allow 2e-5)."""
    passes = _numba_passes()
    assert "direct" in conv_choice.applicable("forward", case[0], case[1], (case[2],) * 2, (case[3],) * 2, (1, 1),
                                              1, passes, np.dtype(dtype))
    x, w, gy = _operands(case, seed=3)
    refs = _torch_reference(x, w, gy, *case[2:])
    ours = _ours(passes, *(a.astype(dtype) for a in (x, w, gy)), *case[2:])
    for name, a, ref in zip(("forward", "input gradient", "weight gradient"), ours, refs):
        assert a.shape == ref.shape and a.dtype == dtype, name
        tol = 1e-10 if dtype == np.float64 else 1e-6 * np.abs(ref).max()
        np.testing.assert_allclose(a, ref, rtol=0, atol=tol, err_msg=name)


def test_direct_weight_gradient_while_another_thread_holds_the_helpers(direct_mode, monkeypatch):
    """A call made while the helpers work for another thread runs its parts in turn: every per-part
    partial sum of the weight gradient is still written."""
    passes = _numba_passes()
    from backends import workers
    from backends.numba_kernels import split
    case = CASES[16]
    x, w, gy = _operands(case, seed=7)
    whole = _ours(passes, x, w, gy, *case[2:])
    monkeypatch.setattr(split, "parts", lambda total, work, min_work=0: min(total, 2))
    _, in_use = workers._helpers(1)
    with in_use:                        # as if another thread were using the helpers
        busy = _ours(passes, x, w, gy, *case[2:])
    for a, b in zip(whole, busy):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES[::2], ids=IDS[::2])
def test_direct_split_in_uneven_parts(direct_mode, monkeypatch, case):
    """Split into 3 parts (samples, in every direction) even for tiny work."""
    passes = _numba_passes()
    from backends.numba_kernels import split
    x, w, gy = _operands(case, seed=5)
    whole = _ours(passes, x, w, gy, *case[2:])
    monkeypatch.setattr(split, "parts", lambda total, work, min_work=0: min(total, 3))
    for a, b in zip(whole, _ours(passes, x, w, gy, *case[2:])):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_direct_handles_empty_batches(direct_mode):
    passes = _numba_passes()
    x, w, gy = np.zeros((0, 3, 8, 8)), rand((4, 3, 3, 3), seed=1), np.zeros((0, 4, 8, 8))
    y, gx, gw = _ours(passes, x, w, gy, 1, 1)
    assert y.shape == (0, 4, 8, 8) and gx.shape == x.shape
    np.testing.assert_array_equal(gw, np.zeros(w.shape))


def test_direct_applies_only_where_its_kernels_do():
    passes = _numba_passes()
    names = lambda w=(4, 3, 3, 3), s=(1, 1), d=(1, 1), g=1, dtype=np.float32: conv_choice.applicable(
        "forward", (2, 3, 8, 8), w, s, (1, 1), d, g, passes, np.dtype(dtype))
    assert "direct" in names() and "direct" in names(dtype=np.float64) and "direct" in names(s=(2, 2))
    assert "direct" not in names(dtype=np.float16)
    assert "direct" not in names(d=(2, 2))
    assert "direct" not in names(w=(4, 1, 3, 3), g=3)
    assert "direct" not in names(w=(4, 3, 9, 9))
    from backends.numpy_kernels.conv_passes import NUMPY_PASSES
    assert "direct" not in conv_choice.applicable("forward", (2, 3, 8, 8), (4, 3, 3, 3), (1, 1), (1, 1), (1, 1), 1,
                                                  NUMPY_PASSES, np.dtype(np.float32))


def test_rule_picks_direct_on_resnet8_layers():
    """The numba device's picks on CIFAR ResNet-8's 3x3 layers (batch 64), direction by direction."""
    passes = _numba_passes()

    def pick(x, w, s, direction):
        names = conv_choice.applicable(direction, x, w, (s, s), (1, 1), (1, 1), 1, passes, np.dtype(np.float32))
        out = (x[2] // s, x[3] // s)
        return conv_choice.heuristic(names, x, w, out, 4, direction, passes, (s, s))
    layers = {"16 32x32": ((64, 16, 32, 32), (16, 16, 3, 3), 1), "16->32 /2": ((64, 16, 32, 32), (32, 16, 3, 3), 2),
              "32 16x16": ((64, 32, 16, 16), (32, 32, 3, 3), 1), "32->64 /2": ((64, 32, 16, 16), (64, 32, 3, 3), 2),
              "64 8x8": ((64, 64, 8, 8), (64, 64, 3, 3), 1)}
    picks = {name: tuple(pick(*layer, d) for d in ("forward", "grad_input", "grad_weight"))
             for name, layer in layers.items()}
    assert picks == {"16 32x32": ("direct", "direct", "direct"), "16->32 /2": ("direct", "direct", "direct"),
                     "32 16x16": ("direct", "direct", "direct"), "32->64 /2": ("direct", "direct", "direct"),
                     "64 8x8": ("direct", "direct", "direct")}
    # Winograd's layers from 128 channels stay Winograd's (F(4x4) on this device), 64-channel ones from
    # 28x28 outputs on AVX-512 hosts, 64-channel 14x14 ones direct; stride-2 ones direct in every direction
    from backends.numba_kernels import simd
    wide = "winograd4" if simd.WIDTH == 64 else "direct"
    for direction in ("forward", "grad_input", "grad_weight"):
        assert pick((32, 64, 56, 56), (64, 64, 3, 3), 1, direction) == wide
        assert pick((32, 64, 28, 28), (64, 64, 3, 3), 1, direction) == wide
        assert pick((32, 64, 14, 14), (64, 64, 3, 3), 1, direction) == "direct"
        assert pick((32, 128, 28, 28), (128, 128, 3, 3), 1, direction) == "winograd4"
    assert [pick((32, 64, 56, 56), (128, 64, 3, 3), 2, d) for d in ("forward", "grad_input", "grad_weight")] == [
        "direct", "direct", "direct"]
    # the cpu device (NumPy passes) never picks direct
    assert conv_choice.heuristic(conv_choice.applicable("forward", (64, 16, 32, 32), (16, 16, 3, 3), (1, 1), (1, 1),
                                                        (1, 1), 1), (64, 16, 32, 32), (16, 16, 3, 3), (32, 32),
                                 4, "forward", None, (1, 1)) == "im2col"


def test_measure_mode_times_direct(monkeypatch):
    passes = _numba_passes()
    previous = conv_choice.set_mode("measure")
    try:
        timed = []
        real = conv_choice.choose

        def spy(direction, run, *args, **kwargs):
            return real(direction, lambda name: timed.append(name) or run(name), *args, **kwargs)
        monkeypatch.setattr(conv_choice, "choose", spy)
        x, w, gy = _operands(((2, 3, 9, 8), (4, 3, 3, 3), 1, 1), seed=2)
        y = conv.conv2d(x.astype(np.float32), w.astype(np.float32), (1, 1), (1, 1), (1, 1), 1, passes)
        assert "direct" in timed and y.shape == (2, 4, 9, 8)
    finally:
        conv_choice.set_mode(previous)


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(stride=2, padding=1), dict(padding=0), dict(padding=2),
                                    dict(stride=2, padding=2)])
def test_direct_conv2d_gradcheck(direct_mode, kwargs):
    pytest.importorskip("numba")
    x, w, b = rand((2, 3, 7, 6), seed=1), rand((4, 3, 3, 3), seed=2), rand((4,), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b], device="numba")


def test_rule_picks_direct_for_larger_filters_on_large_images():
    """4x4, 5x5 and 7x7 filters at stride 1 and 2: direct in every direction, but the strided input
    gradient of a 3-channel input (im2col); stride 3 im2col."""
    passes = _numba_passes()

    def pick(x, w, s, p, direction):
        names = conv_choice.applicable(direction, x, w, (s, s), (p, p), (1, 1), 1, passes, np.dtype(np.float32))
        out = ((x[2] + 2 * p - w[2]) // s + 1, (x[3] + 2 * p - w[3]) // s + 1)
        return conv_choice.heuristic(names, x, w, out, 4, direction, passes, (s, s))
    directions = ("forward", "grad_input", "grad_weight")
    assert [pick((64, 1, 28, 28), (6, 1, 5, 5), 1, 2, d) for d in directions] == ["direct"] * 3
    assert [pick((64, 6, 14, 14), (16, 6, 5, 5), 1, 0, d) for d in directions] == ["direct"] * 3
    assert [pick((8, 3, 64, 64), (64, 3, 7, 7), 2, 3, d) for d in directions] == ["direct", "im2col", "direct"]
    assert [pick((16, 32, 32, 32), (64, 32, 4, 4), 2, 1, d) for d in directions] == ["direct"] * 3
    assert [pick((16, 32, 32, 32), (64, 32, 5, 5), 3, 2, d) for d in directions] == ["im2col"] * 3


@fresh_compile_check
def test_the_other_vector_width_matches_torch(tmp_path):
    """This host compiles the tiles with one vector width (64 bytes with AVX-512, 32 without); the
    other width runs here too, in a child process with a Numba cache of its own, against PyTorch."""
    _numba_passes()
    pytest.importorskip("torch")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=root, **{OTHER_WIDTH: "1"})
    # float32, and one case per compiled kernel (each compile costs seconds): 3x3 stride 1 with stacked
    # planes, 3x3 stride 2 on a large plane, 5x5, a 2x3 filter at stride 2, padding beyond the filter
    # (the input gradient by phases)
    cases = [3, 8, 10, 13, 15, 16]
    ids = [f"{__file__}::test_direct_matches_torch[{IDS[i]}-float32]" for i in cases]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ids], cwd=root,
                            env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{len(cases)} passed" in result.stdout, result.stdout[-500:]


@pytest.mark.parametrize("x_shape,w_shape,stride,padding,groups", [
    ((2, 8, 9, 7), (6, 4, 3, 3), 1, 1, 2), ((3, 9, 10, 10), (6, 3, 3, 3), 2, 1, 3),
    ((2, 6, 12, 11), (4, 3, 5, 5), 1, 2, 2), ((1, 4, 8, 8), (8, 1, 3, 3), 1, 0, 4)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_grouped_convolutions_run_per_group_and_match_the_reference(monkeypatch, x_shape, w_shape, stride, padding,
                                                                    groups, dtype):
    """A grouped (not depthwise) convolution whose groups take direct kernels runs one convolution per
    group on numba; all three directions equal the cpu device's grouped im2col."""
    passes = _numba_passes()
    rng = np.random.default_rng(sum(x_shape))
    x = rng.standard_normal(x_shape).astype(dtype)
    w = rng.standard_normal(w_shape).astype(dtype)
    args = ((stride, stride), (padding, padding), (1, 1), groups)
    y = conv.conv2d(x, w, *args, passes)
    gy = rng.standard_normal(y.shape).astype(dtype)
    calls = []
    real = conv.conv2d_grad_weight

    def counted(*a, **k):
        calls.append(a[-2] if len(a) > 7 else k.get("groups"))
        return real(*a, **k)
    monkeypatch.setattr(conv, "conv2d_grad_weight", counted)
    ours = (y, conv.conv2d_grad_input(gy, w, x_shape, *args, passes), conv.conv2d_grad_weight(gy, x, w_shape, *args, passes))
    assert calls[0] == groups and calls[1:] == [1] * groups   # the grouped call, then one per group
    reference = (conv.conv2d(x, w, *args), conv.conv2d_grad_input(gy, w, x_shape, *args),
                 real(gy, x, w_shape, *args))
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    for a, b in zip(ours, reference):
        assert a.shape == b.shape and a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=tolerance, atol=tolerance)
