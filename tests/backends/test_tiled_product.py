"""The register-tiled product of backends/numba_kernels/tiled_product.py and the recurrences that use it:
results against NumPy on every edge of the tiling (rows not a multiple of the tile's 8 or 4, columns
not a multiple of a panel, an empty reduction, a reduction longer than one KC block), with both tiles on
every host, and the same LSTM, GRU and Elman sequences through the tiled product as through BLAS."""
import numpy as np
import pytest

pytest.importorskip("numba")

from backends import workers  # noqa: E402
from backends.numba_kernels import recurrence, tiled_product  # noqa: E402
from backends.numba_kernels.blas import NUMPY_GEMM  # noqa: E402

# leftover rows past the last full tile: one (9, 17, 33: _row); with 4-row tiles 2-3 (6, 7, 10, 15: the
# padded tile); with 8-row tiles 2 (10: _row) and 3-7 (3, 6, 7, 15: padded); fewer than a tile (1, 2)
SHAPES = [(32, 128, 512), (1, 1, 1), (3, 5, 7), (9, 300, 40), (17, 256, 33), (8, 0, 32), (0, 4, 32),
          (16, 513, 64), (33, 128, 128), (8, 3, 100), (7, 600, 16), (6, 300, 40), (10, 520, 50), (15, 512, 128),
          (2, 64, 48)]


@pytest.mark.parametrize("tile_rows", [8, 4, None])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m, k, n", SHAPES)
def test_product_matches_numpy(dtype, m, k, n, tile_rows):
    rng = np.random.default_rng(m * 1000 + k * 10 + n)
    a = rng.standard_normal((m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    out = np.full((m, n), np.nan, dtype)
    if tile_rows is None:                                         # this host's tile
        tiled_product.product_into(a, tiled_product.packed(b), out)
    else:
        tiled_product.product_rows_into(a, tiled_product.packed(b), out, tile_rows)
    exact = a.astype(np.float64) @ b.astype(np.float64)
    # each element one fused sum in order: the error of a float sum of k terms
    tol = (3e-7 if dtype == np.float32 else 1e-15) * max(k, 1) * np.abs(a).max(initial=1) * np.abs(b).max(initial=1)
    np.testing.assert_allclose(out, exact, rtol=0, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_packed_layout(dtype):
    b = np.arange(5 * 37, dtype=dtype).reshape(5, 37)
    width = tiled_product.panel_width(np.dtype(dtype))
    panels = tiled_product.packed(b)
    assert panels.shape == (-(-37 // width), 5, width)
    for j in range(37):
        np.testing.assert_array_equal(panels[j // width, :, j % width], b[:, j])
    assert not panels[-1, :, 37 % width or width:].any()       # zero padding


def test_packed_reads_a_transposed_view():
    b = np.random.default_rng(0).standard_normal((48, 20)).astype(np.float32)
    np.testing.assert_array_equal(tiled_product.packed(b.T), tiled_product.packed(np.ascontiguousarray(b.T)))


def test_product_accumulates_only_across_its_own_kc_blocks():
    # out's old contents never leak in, also when K spans several KC blocks
    rng = np.random.default_rng(1)
    a = rng.standard_normal((10, 2 * tiled_product.KC + 3)).astype(np.float32)
    b = rng.standard_normal((a.shape[1], 50)).astype(np.float32)
    out = np.full((10, 50), 1e30, np.float32)
    tiled_product.product_into(a, tiled_product.packed(b), out)
    np.testing.assert_allclose(out, a @ b, rtol=1e-4, atol=1e-3)


def _sequence(mode, dtype, batch, hidden=19, steps=6, seed=0):
    rng = np.random.default_rng(seed)
    width = {"lstm": 4, "gru": 3}.get(mode, 1) * hidden
    gx = rng.standard_normal((steps, batch, width)).astype(dtype)
    h0 = rng.standard_normal((batch, hidden)).astype(dtype)
    c0 = rng.standard_normal((batch, hidden)).astype(dtype) if mode == "lstm" else None
    w = (rng.standard_normal((width, hidden)) / np.sqrt(hidden)).astype(dtype)
    b_hh = rng.standard_normal(width).astype(dtype) if mode == "gru" else None
    gy = rng.standard_normal((steps, batch, hidden)).astype(dtype)
    return gx, h0, c0, w, b_hh, gy


def _run(mode, dtype, reverse, product, monkeypatch, batch=5):
    monkeypatch.setattr(recurrence, "_product", product)
    gx, h0, c0, w, b_hh, gy = _sequence(mode, dtype, batch)
    ys, cs, cache = recurrence.recurrence_forward(mode, gx, h0, c0, w, b_hh, reverse)
    grads = recurrence.recurrence_backward(mode, gy, None, None, ys, cs, h0, c0, cache, w, reverse)
    return [ys] + [g for g in grads if g is not None]


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh", "rnn_relu"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reverse", [False, True])
def test_recurrences_through_tiles_match_blas(mode, dtype, reverse, monkeypatch):
    if np.dtype(dtype) not in NUMPY_GEMM:
        pytest.skip("NumPy's BLAS functions are not reachable here")
    tiled = _run(mode, dtype, reverse, lambda dt: recurrence.TILED, monkeypatch)
    blas = _run(mode, dtype, reverse, lambda dt: NUMPY_GEMM.get(dt), monkeypatch)
    tol = 2e-5 if dtype == np.float32 else 1e-12
    for x, y in zip(tiled, blas):
        np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn_tanh"])
@pytest.mark.parametrize("reverse", [False, True])
def test_batch_parts_on_worker_threads_match_one_sequence(mode, reverse, monkeypatch):
    """Rows of a batch never mix: halves run side by side on the worker threads give the whole
    sequence's results (float64, so that only the split could differ)."""
    if np.dtype(np.float64) not in NUMPY_GEMM:
        pytest.skip("NumPy's BLAS functions are not reachable here")
    counts = []

    def in_parallel(name, task, total, work, count):
        counts.append(count)
        workers.run(task, total, count)
    monkeypatch.setattr(workers, "run_measured", in_parallel)
    monkeypatch.setattr(recurrence, "_part_count", lambda gemm, batch: 2 if gemm is recurrence.TILED else 1)
    split = _run(mode, np.float64, reverse, lambda dt: recurrence.TILED, monkeypatch, batch=16)
    assert counts == [2, 2]
    whole = _run(mode, np.float64, reverse, lambda dt: NUMPY_GEMM.get(dt), monkeypatch, batch=16)
    for x, y in zip(split, whole):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


def _inputs(dtype, batch, size=3, hidden=19, steps=6, seed=1):
    """x2 (T, B, I + 1) with its column of ones and w2 (I + 1, 4H) with its row of biases."""
    rng = np.random.default_rng(seed)
    x2 = np.ones((steps, batch, size + 1), dtype)
    x2[..., :size] = rng.standard_normal((steps, batch, size))
    w2 = (rng.standard_normal((size + 1, 4 * hidden)) / np.sqrt(size)).astype(dtype)
    return x2, w2


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("batch, parts", [(5, 1), (16, 2), (1, 1)])
def test_lstm_with_the_input_product_inside_equals_gx_given(dtype, reverse, batch, parts, monkeypatch):
    """recurrence_forward_inputs (x2 @ w2 inside each step's tile product) gives recurrence_forward's
    results on gx = x2 @ w2, in batch parts too, and its cache drives the same backward."""
    monkeypatch.setattr(recurrence, "_product", lambda dt: recurrence.TILED)
    monkeypatch.setattr(recurrence, "_part_count", lambda gemm, b: parts)
    monkeypatch.setattr(workers, "run_measured", lambda name, task, total, work, count: workers.run(task, total, count))
    _, h0, c0, w, _, gy = _sequence("lstm", dtype, batch)
    x2, w2 = _inputs(dtype, batch)
    given = recurrence.recurrence_forward("lstm", x2 @ w2, h0, c0, w, None, reverse)
    *inside, rows = recurrence.recurrence_forward_inputs("lstm", x2, w2, h0, c0, w, reverse)
    tol = 2e-5 if dtype == np.float32 else 1e-12
    # each step's row: the state it started from (h0 first, in the direction of travel), then its inputs
    ys = given[0]
    starts = np.concatenate((ys[1:], h0[None])) if reverse else np.concatenate((h0[None], ys[:-1]))
    np.testing.assert_allclose(rows.reshape(ys.shape[:2] + (-1,)),
                               np.concatenate((starts, x2), axis=2), rtol=tol, atol=tol)
    for a, b in zip(inside, given):
        assert a.dtype == dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    back = [recurrence.recurrence_backward("lstm", gy, None, None, *out[:2], h0, c0, out[2], w, reverse)
            for out in (inside, given)]
    for a, b in zip(*back):
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol)
    np.testing.assert_array_equal(h0, _sequence("lstm", dtype, batch)[1])   # the states are not touched


def test_the_input_product_inside_is_for_lstm_on_the_tiles():
    """Other modes, and hosts whose products are BLAS's, get None (the caller computes gx itself)."""
    x2, w2 = _inputs(np.float32, 4)
    _, h0, _, w, _, _ = _sequence("gru", np.float32, 4)
    assert recurrence.recurrence_forward_inputs("gru", x2, w2[:, :3 * 19], h0, None, w, False) is None
    if not tiled_product.FAST:
        _, h0, c0, w, _, _ = _sequence("lstm", np.float32, 4)
        assert recurrence.recurrence_forward_inputs("lstm", x2, w2, h0, c0, w, False) is None


@pytest.mark.parametrize("rows, batch, threads, parts", [
    (8, 32, 2, 2), (8, 16, 2, 2), (8, 15, 2, 1), (8, 12, 2, 1), (8, 8, 2, 1), (8, 32, 1, 1), (8, 48, 4, 4),
    (8, 40, 4, 4), (8, 24, 4, 3), (4, 8, 2, 2), (4, 12, 2, 2), (4, 7, 2, 1), (4, 12, 4, 3), (4, 4, 2, 1)])
def test_part_count(rows, batch, threads, parts, monkeypatch):
    """As many parts as threads, each at least one register tile of rows, dividing the batch."""
    monkeypatch.setattr(recurrence.threads, "get_num_threads", lambda: threads)
    monkeypatch.setattr(tiled_product, "ROWS", rows)
    assert recurrence._part_count(recurrence.TILED, batch) == parts
    assert recurrence._part_count(NUMPY_GEMM.get(np.dtype(np.float32)), batch) == 1


def test_the_host_picks_its_tile():
    from backends.numba_kernels import simd
    assert tiled_product.FAST == (simd.host_has_avx512() or simd.host_has_avx2_fma())
    assert tiled_product.ROWS == (8 if simd.host_has_avx512() else 4)


def test_recurrences_use_the_tiles_on_avx2_and_avx512_hosts():
    expected = recurrence.TILED if tiled_product.FAST else NUMPY_GEMM.get(np.dtype(np.float32))
    assert recurrence._product(np.dtype(np.float32)) is expected
