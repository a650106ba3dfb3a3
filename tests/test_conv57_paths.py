"""The CPU convolution paths of stop 57, each forced on odd sizes against PyTorch (forward and both gradients,
float64 to 1e-12 and float32 to the oracle tests' 2e-5 of the largest magnitude) and through gradcheck:
im2col's weight gradient in both orientations of its product (col @ gy^T for few output channels, gy @ col^T
otherwise), per sample and batched side by side ("wide"), over one and several batch chunks; the `cpu`
device's F(4x4, 3x3) with every tile channels-last (its input, output and gradient transforms a few samples
at a time, its products (N * tiles, C_in) x (C_in, C_out)), over one and several sample blocks and batch
chunks, partial edge tiles, and both forms of the weight gradient's product."""
import numpy as np
import pytest

import nn.functional as F
from backends.numpy_kernels import conv_choice, conv_im2col, conv_winograd, conv_winograd4
from backends.numpy_kernels.conv_passes import NUMPY_PASSES
from tests.helpers import check_gradcheck, rand
from tests.conv_path_checks import PASSES, _check, _ids, _numba_passes, mode  # noqa: F401 (mode: a fixture)


# (x shape, w shape, stride, padding, dilation, groups) of im2col's weight gradient: col @ gy^T (few output
# channels per group) or gy @ col^T (many, or few column rows: conv_im2col.columns_left), small per-sample products
# (wide) or large ones, shifted-row columns (stride 1, padding 1) and 2-D windows, groups, dilation
IM2COL_CASES = [
    ((3, 16, 33, 35), (16, 16, 3, 3), 1, 1, 1, 1),    # columns left, per sample, shifted rows
    ((2, 3, 9, 11), (5, 3, 3, 3), 1, 1, 1, 1),        # columns left, wide
    ((2, 4, 7, 9), (6, 2, 3, 3), 2, 1, 1, 2),         # columns left, wide, two groups, stride 2
    ((1, 3, 11, 9), (4, 3, 5, 5), 1, 2, 2, 1),        # columns left, dilation 2
    ((2, 2, 5, 7), (66, 2, 3, 3), 1, 1, 1, 1),        # gradient rows left, wide
    ((2, 1, 9, 9), (40, 1, 3, 3), 1, 1, 1, 1),        # gradient rows left: 9 column rows against 40 channels
    ((1, 8, 31, 33), (132, 4, 3, 3), 1, 1, 1, 2),     # gradient rows left, per sample, two groups of 66
]


@pytest.mark.parametrize("chunks", ("one", "several"))
@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("passes", PASSES)
@pytest.mark.parametrize("case", IM2COL_CASES, ids=_ids)
def test_im2col_weight_gradient_both_orientations_match_torch(monkeypatch, mode, passes, dtype, chunks, case):
    """Forced through im2col, whole batches or (a tiny chunk cap) one sample a chunk, whose products add up."""
    if chunks == "several":
        monkeypatch.setattr(conv_choice, "IM2COL_CHUNK_BYTES", 1)
    mode("im2col")
    _check(case, passes, dtype)


def test_im2col_cases_cover_both_orientations_and_layouts():
    def kind(case):
        x_shape, w_shape, stride, padding, dilation, groups = case
        out = tuple((x_shape[2 + a] + 2 * padding - dilation * (w_shape[2 + a] - 1) - 1) // stride + 1 for a in (0, 1))
        return conv_im2col.columns_left(w_shape, groups), conv_im2col.is_wide(w_shape, out, groups)
    assert {kind(c) for c in IM2COL_CASES} == {(True, False), (True, True), (False, True), (False, False)}
    assert [conv_im2col.columns_left(c[1], c[5]) for c in IM2COL_CASES] == [True] * 4 + [False] * 3


def test_im2col_weight_gradient_orientation_rule():
    assert conv_im2col.columns_left((16, 16, 3, 3), 1) and conv_im2col.columns_left((32, 3, 3, 3), 1)
    assert not conv_im2col.columns_left((64, 3, 3, 3), 1)       # 27 column rows against 64 channels
    assert not conv_im2col.columns_left((128, 128, 3, 3), 1)    # more than 64 channels
    assert conv_im2col.columns_left((128, 4, 3, 3), 2)          # 64 channels per group


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(stride=2, padding=1, groups=2), dict(padding=2, dilation=2)])
def test_im2col_gradcheck(device, mode, kwargs):
    mode("im2col")
    x, w, b = rand((2, 4, 7, 5), seed=1), rand((3 * kwargs.get("groups", 1), 4 // kwargs.get("groups", 1), 3, 3),
                                               seed=2), rand((3 * kwargs.get("groups", 1),), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b], device=device)


# (x shape, w shape, stride, padding, dilation, groups) of F(4x4): outputs of every size mod 4 (partial
# edge tiles), padding 0-2, one sample and several, few and many channels; the last two cases' weight
# gradient products are above SMALL_TRANSPOSED_MACS (tiles read transposed), the others at or below it
# (tiles copied channels-first)
WINOGRAD4_CASES = [
    ((3, 5, 13, 11), (4, 5, 3, 3), 1, 1, 1, 1),
    ((1, 3, 4, 4), (2, 3, 3, 3), 1, 1, 1, 1),
    ((2, 3, 9, 10), (5, 3, 3, 3), 1, 0, 1, 1),
    ((2, 6, 7, 6), (3, 6, 3, 3), 1, 2, 1, 1),
    ((5, 64, 16, 16), (64, 64, 3, 3), 1, 1, 1, 1),
    ((3, 48, 30, 31), (40, 48, 3, 3), 1, 1, 1, 1),
]


def _weight_product_macs(case):
    (n, c, h, w), (co, *_), _, padding, _, _ = case
    tiles = n * -(-(h + 2 * padding - 2) // 4) * -(-(w + 2 * padding - 2) // 4)
    return co * c * tiles


@pytest.mark.parametrize("blocks", ("whole", "one_sample"))
@pytest.mark.parametrize("chunks", ("one", "several"))
@pytest.mark.parametrize("dtype", (np.float32, np.float64))
@pytest.mark.parametrize("case", WINOGRAD4_CASES, ids=_ids)
def test_winograd4_channels_last_matches_torch(monkeypatch, mode, dtype, chunks, blocks, case):
    """Forced through the cpu device's F(4x4): transforms over the whole chunk at once or one sample at a
    time (BLOCK_COLUMNS), the batch in one chunk or one sample a chunk (whose weight products add up)."""
    monkeypatch.setattr(conv_winograd4, "BLOCK_COLUMNS", 10 ** 9 if blocks == "whole" else 1)
    if chunks == "several":
        monkeypatch.setattr(conv_winograd4.Minimal4Products, "chunk_bytes", 1)
    mode("winograd4")
    _check(case, "numpy", dtype)


def test_winograd4_cases_cover_both_weight_products():
    small = [_weight_product_macs(c) <= conv_winograd.SMALL_TRANSPOSED_MACS for c in WINOGRAD4_CASES]
    assert small == [True, True, True, True, False, False]


def test_winograd4_runs_channels_last_on_cpu_and_channels_first_on_numba():
    assert NUMPY_PASSES.winograd4.channels_last_tiles is True
    try:
        numba_passes = _numba_passes()
    except pytest.skip.Exception:
        return
    assert numba_passes.winograd4.channels_last_tiles is False


def test_winograd4_sample_blocks():
    assert conv_winograd4._sample_blocks(5, 10 ** 6) == [slice(i, i + 1) for i in range(5)]
    per = conv_winograd4.BLOCK_COLUMNS // 3
    assert conv_winograd4._sample_blocks(7, per) == [slice(0, 3), slice(3, 6), slice(6, 7)]


@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(padding=0), dict(padding=2)])
def test_winograd4_gradcheck(device, mode, kwargs):
    mode("winograd4")
    x, w, b = rand((2, 3, 7, 6), seed=1), rand((4, 3, 3, 3), seed=2), rand((4,), seed=3)
    check_gradcheck(lambda x, w, b: F.conv2d(x, w, b, **kwargs), [x, w, b], device=device)
