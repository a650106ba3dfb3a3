"""The CPU convolution paths of stop 56, each forced on odd sizes against PyTorch (forward and both gradients,
float64 to 1e-12 and float32 to the oracle tests' 2e-5 of the largest magnitude) and through gradcheck:
`tap_products` (few output channels: the taps' products first, no im2col columns), the depthwise input
gradient by stride phases (strided layers and padding beyond the filter's reach), the channels-last
depthwise passes of small planes, and im2col_chwn's weight gradient in both orientations of its product
(short and long inner products); plus the rules' picks."""
import numpy as np
import pytest

import nn.functional as F
from backends.numpy_kernels import conv_choice, conv_depthwise_small, conv_im2col_chwn, conv_tap_products
from backends.numpy_kernels.conv_passes import NUMPY_PASSES
from tests.helpers import check_gradcheck, rand
from tests.conv_path_checks import PASSES, _check, _ids, _numba_passes, mode  # noqa: F401 (mode: a fixture)


# (x shape, w shape, stride, padding, dilation, groups): odd H and W, padding 0/1/3, stride 1/2,
# dilation 2, batch 1, one and three channels
TAP_CASES = [
    ((2, 5, 7, 9), (1, 5, 3, 3), 1, 1, 1, 1),
    ((1, 3, 9, 7), (3, 3, 7, 7), 1, 3, 1, 1),
    ((3, 4, 11, 9), (2, 4, 3, 3), 2, 0, 2, 1),
    ((2, 6, 5, 7), (1, 6, 5, 5), 2, 3, 1, 1),
    ((1, 1, 5, 5), (1, 1, 3, 3), 1, 0, 1, 1),
    ((2, 3, 7, 7), (1, 3, 4, 4), 2, 1, 1, 1),
    ((1, 2, 3, 5), (2, 2, 3, 3), 3, 3, 2, 1),   # padding beyond the dilated filter: taps that meet no input
]
DEPTHWISE_CASES = [
    ((2, 3, 7, 9), (3, 1, 3, 3), 2, 1, 1, 3),
    ((1, 1, 9, 9), (1, 1, 5, 5), 2, 2, 1, 1),
    ((2, 3, 9, 7), (3, 1, 3, 3), 2, 3, 2, 3),
    ((1, 3, 11, 9), (3, 1, 7, 7), 2, 3, 1, 3),
    ((2, 1, 7, 5), (1, 1, 3, 3), 2, 0, 1, 1),
    ((1, 3, 5, 7), (3, 1, 3, 3), 1, 3, 1, 3),   # stride 1, padding beyond the filter's reach
    ((1, 3, 9, 9), (3, 1, 4, 4), 3, 1, 1, 3),
    ((2, 3, 9, 9), (3, 1, 2, 2), 2, 0, 3, 3),
]
# im2col_chwn's weight gradient: inner product (Ho * Wo * N) at most half the column rows (C * kH * kW) or longer
CHWN_CASES = [
    ((1, 16, 3, 5), (4, 16, 3, 3), 1, 1, 1, 1),     # short: 15 against 144
    ((2, 8, 3, 3), (6, 4, 3, 3), 1, 1, 1, 2),       # short, two groups: 18 against 36
    ((3, 6, 7, 5), (4, 3, 3, 3), 1, 1, 2, 2),       # long: 45 against 27
    ((9, 1, 9, 11), (3, 1, 3, 3), 1, 0, 1, 1),      # long: 567 against 9
]


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("case", TAP_CASES, ids=_ids)
def test_tap_products_match_torch(mode, passes, dtype, case):
    mode("tap_products")
    _check(case, passes, dtype)


@pytest.mark.parametrize("planes", ("columns", "channels_last"))
@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=_ids)
def test_depthwise_phases_and_small_planes_match_torch(monkeypatch, mode, planes, dtype, case):
    """Every depthwise direction through the per-plane columns or, forced on every plane size, the
    channels-last passes of small planes (the input gradient's phases through either)."""
    limit = 0 if planes == "columns" else 10 ** 9
    monkeypatch.setattr(conv_depthwise_small, "MAX_PIXELS", {"forward": limit, "grad_weight": limit})
    mode("depthwise")
    _check(case, "numpy", dtype)


def test_small_planes_rule():
    assert conv_depthwise_small.applies((8, 8)) and not conv_depthwise_small.applies((9, 8))
    assert conv_depthwise_small.applies((4, 4), "grad_weight") and not conv_depthwise_small.applies((8, 8), "grad_weight")


@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", CHWN_CASES, ids=_ids)
def test_chwn_weight_gradient_both_orientations_match_torch(mode, dtype, case):
    mode("im2col_chwn")
    _check(case, "numpy", dtype)


def test_chwn_cases_cover_both_orientations():
    """The short-inner-product branch (gy @ col^T) and the long one ((col @ gy^T)^T) are both taken above."""
    def short(case):
        (n, _, h, w), (_, cg, kh, kw), s, p, d, _ = case
        inner = n * ((h + 2 * p - d * (kh - 1) - 1) // s + 1) * ((w + 2 * p - d * (kw - 1) - 1) // s + 1)
        return 2 * inner <= cg * kh * kw
    assert [short(c) for c in CHWN_CASES] == [True, True, False, False]


def test_tap_products_skip_taps_outside_the_input():
    # a one-row input padded by 3 under a dilation-2 filter: only the middle row of taps meets it
    spans = conv_tap_products._spans((3, 3), (1, 5), (3, 7), (1, 1), (3, 3), (2, 2))
    assert [(i, j) for i, j, *_ in spans] == [(1, 0), (1, 1), (1, 2)]
    assert all(s[2] == slice(1, 2) for s in spans)


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(stride=2, padding=3, dilation=2), dict(padding=(0, 1), stride=(2, 1))])
def test_tap_products_gradcheck(device, mode, kwargs):
    mode("tap_products")
    x, w, b = rand((1, 3, 7, 5), seed=1), rand((1, 3, 3, 3), seed=2), rand((1,), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b], device=device)


@pytest.mark.parametrize("kwargs", [dict(stride=2, padding=1), dict(stride=2, padding=3, dilation=2),
                                    dict(stride=(2, 1), padding=(0, 1)), dict(padding=3)])
def test_depthwise_phases_gradcheck(device, mode, kwargs):
    mode("depthwise")
    x, w, b = rand((1, 3, 7, 5), seed=1), rand((3, 1, 3, 3), seed=2), rand((3,), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, groups=3, **kwargs), [x, w, b], device=device)


def test_rule_takes_tap_products_for_few_output_channels():
    def pick(x_shape, w_shape, out_hw, direction, stride=(1, 1), passes=NUMPY_PASSES):
        names = conv_choice.applicable(direction, x_shape, w_shape, stride, (1, 1), (1, 1), 1, passes,
                                       np.dtype(np.float32))
        return conv_choice.heuristic(names, x_shape, w_shape, out_hw, 4, direction, passes, stride)
    gan_last = ((64, 128, 28, 28), (1, 128, 7, 7), (28, 28))
    assert pick(*gan_last, "forward") == pick(*gan_last, "grad_weight") == "tap_products"
    assert pick(*gan_last, "grad_input") != "tap_products"   # im2col's input gradient multiplies first already
    assert pick((16, 64, 64, 64), (4, 64, 3, 3), (32, 32), "forward", (2, 2)) == "tap_products"
    assert pick((16, 64, 64, 64), (16, 64, 3, 3), (32, 32), "forward", (2, 2)) == "im2col"
    assert pick((8, 16, 32, 32), (16, 16, 3, 3), (32, 32), "forward") == "im2col"
    try:
        numba_passes = _numba_passes()
    except pytest.skip.Exception:
        return
    assert pick(*gan_last, "forward", passes=numba_passes) == "tap_products"
    assert pick((64, 128, 28, 28), (4, 128, 7, 7), (28, 28), "forward", passes=numba_passes) == "direct"


def test_chwn_weight_gradient_orientation_is_exact_against_the_other():
    rng = np.random.default_rng(2)
    x, gy = rng.standard_normal((2, 64, 4, 4)), rng.standard_normal((2, 32, 4, 4))
    gw = conv_im2col_chwn.conv2d_grad_weight(gy, x, (32, 64, 3, 3), (1, 1), (1, 1), (1, 1), 1)
    col = conv_im2col_chwn._im2col(x, (3, 3), 4, 4, (1, 1), (1, 1), (1, 1))
    rows = conv_im2col_chwn._gy_rows(gy, 1)[0]
    np.testing.assert_allclose(gw.reshape(32, -1), (col @ rows.T).T, rtol=1e-12, atol=1e-12)
