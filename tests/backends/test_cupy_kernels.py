"""The cuda device (CuPy): every kernel against the NumPy reference kernel, device moves, seeding and DLPack.

The GPU tests need CuPy and a working `cuda:0` (the `cuda` fixture skips them otherwise). The
tests of the error a machine without CuPy or a GPU gives run everywhere.
"""
import os
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest

import backends
from backends.base import ACTIVATIONS
from backends.cupy_backend import open_device
from backends.errors import DeviceError
from backends.numpy_backend import NumpyBackend

NP = NumpyBackend()
DTYPES = [np.float32, np.float64]
RTOL = {np.float16: 2e-3, np.float32: 1e-5, np.float64: 1e-12}
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _cuda_ready():
    try:
        return "cuda:0" in backends.available()
    except Exception:
        return False


@pytest.fixture(scope="module")
def cuda():
    """The cuda:0 backend (skips without CuPy or a usable GPU)."""
    pytest.importorskip("cupy")
    if not _cuda_ready():
        pytest.skip("no usable cuda:0 device (CuPy and an NVIDIA GPU with its driver) on this machine")
    return backends.get_backend("cuda:0")


def randn(rng, shape, dtype, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(dtype)


def assert_same(ours, reference, dtype, scale=1.0):
    """`ours` (a GPU array) equals the NumPy result in dtype and shape, values within float rounding."""
    import cupy
    assert isinstance(ours, cupy.ndarray)
    ours, reference = cupy.asnumpy(ours), np.asarray(reference)
    assert ours.dtype == reference.dtype == np.dtype(dtype)
    assert ours.shape == reference.shape
    np.testing.assert_allclose(ours, reference, rtol=RTOL[dtype], atol=RTOL[dtype] * scale)


# ----- no CuPy or no GPU: clear errors (these run everywhere) ----------------------------------------
def test_cuda_without_cupy_names_what_is_missing_and_the_install_command():
    code = ("import sys; sys.modules['cupy'] = None\n"   # `import cupy` now fails as if it were not installed
            "import backends\n"
            "try:\n    backends.get_backend('cuda')\n"
            "except backends.DeviceError as exc:\n    print(exc)\n"
            "else:\n    raise SystemExit('no DeviceError')\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, PYTHONPATH=ROOT))
    assert result.returncode == 0, result.stderr + result.stdout
    message = result.stdout
    assert "'cuda:0'" in message and "CuPy" in message and "not installed" in message
    assert 'pip install "deepgrad[cuda]"' in message and "cupy-cuda12x" in message and "cupy-cuda13x" in message
    assert "Available on this machine: cpu" in message


def _fake_cupy(count):
    """A stand-in for the cupy module whose CUDA runtime reports `count` GPUs (or raises it)."""
    def device_count():
        if isinstance(count, Exception):
            raise count
        return count
    return SimpleNamespace(cuda=SimpleNamespace(runtime=SimpleNamespace(getDeviceCount=device_count),
                                                Device=lambda index: ("device", index)))


def test_cuda_without_gpu_or_driver_says_so():
    no_driver = RuntimeError("cudaErrorInsufficientDriver: CUDA driver version is insufficient")
    with pytest.raises(DeviceError, match=r"'cuda:0': no NVIDIA GPU / driver found .*InsufficientDriver") as info:
        open_device("cuda:0", 0, cp=_fake_cupy(no_driver))
    assert 'pip install "deepgrad[cuda]"' in str(info.value)
    with pytest.raises(DeviceError, match=r"no NVIDIA GPU / driver found \(CUDA reports 0 devices\)"):
        open_device("cuda:0", 0, cp=_fake_cupy(0))


def test_cuda_index_beyond_the_gpus_names_index_and_count():
    expected = r"'cuda:3' does not exist: this machine has 2 CUDA GPU\(s\), cuda:0 to cuda:1"
    with pytest.raises(DeviceError, match=expected):
        open_device("cuda:3", 3, cp=_fake_cupy(2))
    assert open_device("cuda:1", 1, cp=_fake_cupy(2)) == ("device", 1)


def test_broken_cupy_install_is_reported_with_its_error():
    with pytest.raises(DeviceError, match=r"installed but fails to import \(OSError: libcudart.so.12"):
        open_device("cuda:0", 0, cp=None, import_error=OSError("libcudart.so.12: cannot open shared object"))


def test_get_backend_cuda_on_this_machine_fails_clearly_when_unusable():
    if _cuda_ready():
        pytest.skip("cuda:0 works here")
    with pytest.raises(DeviceError) as info:
        backends.get_backend("cuda")
    message = str(info.value)
    assert "'cuda:0'" in message and 'pip install "deepgrad[cuda]"' in message
    assert "not installed" in message or "no NVIDIA GPU / driver found" in message or "fails to import" in message


def test_kernel_table_names_existing_functions_and_covers_the_backend_interface():
    """CupyBackend's methods made from KERNELS: every (module, name) pair is a function of that module
    (read from the source, as the CuPy modules need CuPy to import), no name comes twice, and with the
    methods written out they implement every abstract Backend method."""
    import ast
    from backends import cupy_backend
    from backends.base import Backend
    names = [name for _, names in cupy_backend.KERNELS for name in names]
    assert len(names) == len(set(names))
    for module, functions in cupy_backend.KERNELS:
        path = os.path.join(ROOT, "backends", *module.split(".")) + ".py"
        with open(path) as f:
            defined = {node.name for node in ast.parse(f.read()).body if isinstance(node, ast.FunctionDef)}
        assert set(functions) <= defined, f"{module} lacks {set(functions) - defined}"
    written = {name for name in vars(cupy_backend.CupyBackend) if not name.startswith("__")}
    assert not written & set(names)
    assert Backend.__abstractmethods__ <= written | set(names)
    assert {"sgd_step", "adam_step"} <= set(names)   # the optional fused optimiser kernels


# ----- convolution -----------------------------------------------------------------------------------
# (N, C_in, H, W, C_out, kernel, stride, padding, dilation, groups): odd sizes, strides 1-3,
# paddings 0-2, dilation, grouped and depthwise
CONV_CASES = [
    (2, 3, 9, 8, 4, (3, 3), (1, 1), (0, 0), (1, 1), 1),
    (3, 4, 11, 7, 6, (3, 2), (2, 3), (1, 2), (1, 1), 2),
    (2, 2, 10, 10, 3, (2, 3), (3, 1), (2, 0), (2, 1), 1),
    (1, 6, 7, 9, 6, (3, 3), (1, 2), (1, 1), (2, 2), 6),
    (4, 1, 12, 12, 5, (5, 5), (1, 1), (2, 2), (1, 1), 1),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_and_grads_match_numpy(cuda, case, dtype):
    n, cin, h, w, cout, k, stride, pad, dil, groups = case
    rng = np.random.default_rng(1)
    x = randn(rng, (n, cin, h, w), dtype)
    wt = randn(rng, (cout, cin // groups) + k, dtype)
    gx, gw = cuda.asarray(x), cuda.asarray(wt)
    y = cuda.conv2d(gx, gw, stride, pad, dil, groups)
    y_ref = NP.conv2d(x, wt, stride, pad, dil, groups)
    assert_same(y, y_ref, dtype, scale=10)
    gy = randn(rng, y_ref.shape, dtype)
    assert_same(cuda.conv2d_grad_input(cuda.asarray(gy), gw, x.shape, stride, pad, dil, groups),
                NP.conv2d_grad_input(gy, wt, x.shape, stride, pad, dil, groups), dtype, scale=10)
    assert_same(cuda.conv2d_grad_weight(cuda.asarray(gy), gx, wt.shape, stride, pad, dil, groups),
                NP.conv2d_grad_weight(gy, x, wt.shape, stride, pad, dil, groups), dtype, scale=30)


@pytest.mark.parametrize("case", CONV_CASES[:3])
def test_conv2d_64_bit_index_kernels_match_the_32_bit_ones(cuda, case, monkeypatch):
    from backends.cupy_kernels import conv as cuda_conv
    n, cin, h, w, cout, k, stride, pad, dil, groups = case
    rng = np.random.default_rng(3)
    x, wt = cuda.asarray(randn(rng, (n, cin, h, w), np.float64)), cuda.asarray(randn(rng, (cout, cin // groups) + k,
                                                                                        np.float64))
    gy = cuda.asarray(randn(rng, cuda.conv2d(x, wt, stride, pad, dil, groups).shape, np.float64))

    def all_three():
        return [cuda.to_host(a) for a in (cuda.conv2d(x, wt, stride, pad, dil, groups),
                                          cuda.conv2d_grad_input(gy, wt, x.shape, stride, pad, dil, groups),
                                          cuda.conv2d_grad_weight(gy, x, wt.shape, stride, pad, dil, groups))]
    narrow = all_three()
    monkeypatch.setattr(cuda_conv, "_NARROW_LIMIT", 0)   # every array takes the 64-bit kernels
    for a, b in zip(narrow, all_three()):
        np.testing.assert_array_equal(a, b)


def test_conv2d_takes_non_contiguous_input_and_rejects_bad_shapes(cuda):
    rng = np.random.default_rng(2)
    x = randn(rng, (2, 8, 6, 6), np.float32)
    wt = randn(rng, (3, 4, 3, 3), np.float32)
    strided = cuda.asarray(x)[:, ::2]
    assert_same(cuda.conv2d(strided, cuda.asarray(wt), (1, 1), (1, 1), (1, 1), 1),
                NP.conv2d(x[:, ::2], wt, (1, 1), (1, 1), (1, 1), 1), np.float32, scale=10)
    with pytest.raises(ValueError, match=r"conv2d: input shape \(2, 8, 6, 6\) and weight shape \(3, 4, 3, 3\)"):
        cuda.conv2d(cuda.asarray(x), cuda.asarray(wt), (1, 1), (0, 0), (1, 1), 1)


# ----- pooling ---------------------------------------------------------------------------------------
# (H, W, kernel, stride, padding, dilation, ceil_mode)
POOL_CASES = [
    ((8, 8), (2, 2), (2, 2), (0, 0), (1, 1), False),
    ((7, 9), (3, 3), (2, 2), (1, 1), (1, 1), True),
    ((9, 6), (3, 2), (3, 1), (1, 0), (2, 1), False),
    ((5, 7), (2, 3), (2, 3), (1, 1), (1, 1), True),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", POOL_CASES)
def test_max_pool_and_grad_match_numpy(cuda, case, dtype):
    size, k, s, p, d, ceil = case
    rng = np.random.default_rng(3)
    x = randn(rng, (2, 3) + size, dtype)
    x[0, 0, 1, :] = x[0, 0, 1, 0]            # ties: the first maximum wins in both
    x[1, 2] = -np.inf                          # windows of padding and -inf: the first real element wins
    y, argmax = cuda.max_pool2d(cuda.asarray(x), k, s, p, d, ceil)
    y_ref, argmax_ref = NP.max_pool2d(x, k, s, p, d, ceil)
    np.testing.assert_array_equal(cuda.to_host(y), y_ref)
    np.testing.assert_array_equal(cuda.to_host(argmax), argmax_ref)
    assert argmax.dtype == np.int64
    gy = randn(rng, y_ref.shape, dtype)
    assert_same(cuda.max_pool2d_grad(cuda.asarray(gy), argmax, x.shape),
                NP.max_pool2d_grad(gy, argmax_ref, x.shape), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("count_include_pad", [True, False])
@pytest.mark.parametrize("case", [c for c in POOL_CASES if c[4] == (1, 1)])
def test_avg_pool_and_grad_match_numpy(cuda, case, count_include_pad, dtype):
    size, k, s, p, _, ceil = case
    rng = np.random.default_rng(4)
    x = randn(rng, (2, 3) + size, dtype)
    y = cuda.avg_pool2d(cuda.asarray(x), k, s, p, ceil, count_include_pad)
    y_ref = NP.avg_pool2d(x, k, s, p, ceil, count_include_pad)
    assert_same(y, y_ref, dtype)
    gy = randn(rng, y_ref.shape, dtype)
    assert_same(cuda.avg_pool2d_grad(cuda.asarray(gy), x.shape, k, s, p, ceil, count_include_pad),
                NP.avg_pool2d_grad(gy, x.shape, k, s, p, ceil, count_include_pad), dtype)


# ----- scatter ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES + [np.int64, np.int16])
@pytest.mark.parametrize("shape", [(7,), (6, 40), (5, 3, 2)])
def test_index_add_and_scatter_add_accumulate_repeats_like_numpy(cuda, shape, dtype):
    rng = np.random.default_rng(5)
    index = np.array([0, 3, 3, -1, shape[0] - 1, 0, 2, 3])
    src = (10 * rng.standard_normal(index.shape + shape[1:])).astype(dtype)
    for method in ("index_add", "scatter_add"):
        ref = (10 * rng.standard_normal(shape)).astype(dtype)
        out = cuda.asarray(ref)
        getattr(cuda, method)(out, cuda.asarray(index), cuda.asarray(src))
        getattr(NP, method)(ref, index, src)
        if dtype in DTYPES:
            assert_same(out, ref, dtype, scale=10)
        else:
            np.testing.assert_array_equal(cuda.to_host(out), ref)


def test_scatter_add_takes_tuples_masks_and_broadcast_sources_and_index_add_checks_bounds(cuda):
    for index, src in (((np.array([0, 0, 2]), np.array([1, 1, 0])), np.ones(3, np.float32)),   # a tuple
                       ((slice(None), np.array([2, 2, 0])), np.ones((4, 3), np.float32)),       # slice + array
                       (np.array([True, False, True, False]), np.ones((2, 3), np.float32)),     # a mask
                       (np.array([1, 1]), np.float32(2.0))):                                      # broadcast src
        ref = np.zeros((4, 3), np.float32)
        ours = cuda.asarray(ref)
        NP.scatter_add(ref, index, src)
        parts = index if isinstance(index, tuple) else (index,)
        cuda.scatter_add(ours, tuple(cuda.asarray(p) if isinstance(p, np.ndarray) else p for p in parts), src)
        np.testing.assert_array_equal(cuda.to_host(ours), ref)
    with pytest.raises(IndexError, match=r"index_add: index 4 is out of bounds for axis 0 with size 4"):
        cuda.index_add(cuda.asarray(np.zeros((4, 3), np.float32)), cuda.asarray(np.array([1, 4])),
                       cuda.asarray(np.ones((2, 3), np.float32)))


# ----- activations -----------------------------------------------------------------------------------
def _activation_inputs(dtype):
    rng = np.random.default_rng(6)
    x = np.concatenate([randn(rng, 61, dtype, 3.0),
                        np.array([0.0, -0.0, 1e-6, -1e-6, 25.0, -25.0, 90.0, -90.0], dtype)]).reshape(3, 23)
    return x, randn(rng, x.shape, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_forward_and_backward_match_numpy(cuda, name, dtype):
    x, gy = _activation_inputs(dtype)
    gx_, ggy = cuda.asarray(x), cuda.asarray(gy)
    y = cuda.act_forward(name, gx_)
    y_ref = NP.act_forward(name, x)
    assert_same(y, y_ref, dtype, scale=4)
    g_ref = NP.act_backward(name, x, y_ref, gy)
    assert_same(cuda.act_backward(name, gx_, y, ggy), g_ref, dtype, scale=4)
    assert_same(cuda.act_backward(name, gx_, None, ggy), g_ref, dtype, scale=4)   # y recomputed


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_store_float16_and_compute_in_float32(cuda, name):
    x, gy = _activation_inputs(np.float16)
    y = cuda.act_forward(name, cuda.asarray(x))
    assert y.dtype == np.float16
    y32 = NP.act_forward(name, x.astype(np.float32))
    np.testing.assert_allclose(cuda.to_host(y).astype(np.float32), y32, rtol=2e-3, atol=2e-3)
    g = cuda.act_backward(name, cuda.asarray(x), y, cuda.asarray(gy))
    assert g.dtype == np.float16
    g32 = NP.act_backward(name, x.astype(np.float32), y32, gy.astype(np.float32))
    np.testing.assert_allclose(cuda.to_host(g).astype(np.float32), g32, rtol=4e-3, atol=4e-3)


def test_activations_take_0d_arrays(cuda):
    x, gy = np.array(-0.7), np.array(1.5)
    for name in ACTIVATIONS:
        y = cuda.act_forward(name, cuda.asarray(x))
        assert y.shape == ()
        assert_same(y, NP.act_forward(name, x), np.float64)
        assert_same(cuda.act_backward(name, cuda.asarray(x), y, cuda.asarray(gy)),
                    NP.act_backward(name, x, NP.act_forward(name, x), gy), np.float64)


def test_activations_of_integers_follow_the_cpu_device(cuda):
    x = np.arange(-3, 4)
    relu = cuda.act_forward("relu", cuda.asarray(x))
    assert relu.dtype == x.dtype
    np.testing.assert_array_equal(cuda.to_host(relu), NP.act_forward("relu", x))
    assert_same(cuda.act_forward("sigmoid", cuda.asarray(x)), NP.act_forward("sigmoid", x), np.float64)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        cuda.act_forward("swish", cuda.asarray(x))


# ----- softmax family --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_match_numpy(cuda, dtype):
    rng = np.random.default_rng(8)
    x = randn(rng, (3, 4, 7), dtype, 5.0)
    x[0, 0] = [1000.0, -1000.0, 0.0, 999.0, 3.0, -3.0, 1000.0]   # extreme logits stay finite
    gy = randn(rng, x.shape, dtype)
    gx_, ggy = cuda.asarray(x), cuda.asarray(gy)
    for axis in (-1, 1, 0):
        y = cuda.softmax(gx_, axis)
        y_ref = NP.softmax(x, axis)
        assert_same(y, y_ref, dtype)
        assert_same(cuda.softmax_grad(y, ggy, axis), NP.softmax_grad(y_ref, gy, axis), dtype)
        ly = cuda.log_softmax(gx_, axis)
        ly_ref = NP.log_softmax(x, axis)
        assert_same(ly, ly_ref, dtype, scale=2000)
        assert_same(cuda.log_softmax_grad(ly, ggy, axis), NP.log_softmax_grad(ly_ref, gy, axis), dtype)
    scalar = cuda.asarray(np.array(2.5, dtype))          # a 0-d array is one row of one class
    assert_same(cuda.softmax(scalar, -1), np.array(1.0, dtype), dtype)
    assert_same(cuda.log_softmax(scalar, -1), np.array(0.0, dtype), dtype)
    assert_same(cuda.softmax_grad(cuda.softmax(scalar, -1), scalar, -1), np.array(0.0, dtype), dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("classes", [5, 2100])     # the fused kernels, and the general path past 2,048
def test_cross_entropy_and_grad_match_numpy(cuda, smoothing, dtype, classes):
    rng = np.random.default_rng(9)
    logits = randn(rng, (9, classes), dtype, 3.0)
    logits[1, :5] = [500.0, -500.0, 0.0, 1.0, 2.0]
    target = rng.integers(0, classes, 9)
    target[2] = -100
    loss, logp = cuda.cross_entropy(cuda.asarray(logits), cuda.asarray(target), -100, smoothing)
    loss_ref, logp_ref = NP.cross_entropy(logits, target, -100, smoothing)
    assert_same(loss, loss_ref, dtype, scale=500)
    assert_same(logp, logp_ref, dtype, scale=1000)
    assert float(loss[2]) == 0
    gloss = randn(rng, 9, dtype)
    assert_same(cuda.cross_entropy_grad(logp, cuda.asarray(target), cuda.asarray(gloss), -100, smoothing),
                NP.cross_entropy_grad(logp_ref, target, gloss, -100, smoothing), dtype)
    scalar = np.asarray(gloss[0])                    # a reduced loss passes one gradient for every row
    assert_same(cuda.cross_entropy_grad(logp, cuda.asarray(target), cuda.asarray(scalar), -100, smoothing),
                NP.cross_entropy_grad(logp_ref, target, np.broadcast_to(scalar, 9), -100, smoothing), dtype)


def test_cross_entropy_rejects_targets_out_of_range(cuda):
    logits = cuda.asarray(np.zeros((2, 3), np.float32))
    loss, _ = cuda.cross_entropy(logits, cuda.asarray(np.array([1, 3])), -100, 0.0)   # queued, not raised yet
    with pytest.raises(IndexError, match=r"cross_entropy: target class 3 is out of range for 3 classes"):
        cuda.to_host(loss)
    cuda.synchronize()                                   # a verdict is reported once
    for read in (cuda.synchronize, lambda: cuda.cross_entropy(logits, cuda.asarray(np.array([0, 0])), -100, 0.0)):
        cuda.cross_entropy(logits, cuda.asarray(np.array([-5, 1])), -100, 0.0)
        with pytest.raises(IndexError, match=r"target class -5 is out of range"):
            read()
    loss, _ = cuda.cross_entropy(logits, cuda.asarray(np.array([2, -100])), -100, 0.0)    # valid and ignored
    assert cuda.to_host(loss).shape == (2,)


# ----- recurrent cells -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", DTYPES)
def test_lstm_cell_and_grad_match_numpy(cuda, dtype):
    rng = np.random.default_rng(10)
    batch, hidden = 3, 7
    gates, c_prev = randn(rng, (batch, 4 * hidden), dtype, 2.0), randn(rng, (batch, hidden), dtype)
    gh, gc = randn(rng, (batch, hidden), dtype), randn(rng, (batch, hidden), dtype)
    h, c, cache = cuda.lstm_cell(cuda.asarray(gates), cuda.asarray(c_prev))
    h_ref, c_ref, cache_ref = NP.lstm_cell(gates, c_prev)
    assert_same(h, h_ref, dtype)
    assert_same(c, c_ref, dtype)
    for gh_, gc_ in ((gh, gc), (None, gc), (gh, None), (None, None)):
        ours = cuda.lstm_cell_grad(cache, cuda.asarray(c_prev), None if gh_ is None else cuda.asarray(gh_),
                                   None if gc_ is None else cuda.asarray(gc_))
        for a, b in zip(ours, NP.lstm_cell_grad(cache_ref, c_prev, gh_, gc_)):
            assert_same(a, b, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_gru_cell_and_grad_match_numpy(cuda, dtype):
    rng = np.random.default_rng(11)
    batch, hidden = 3, 7
    gi, gh = randn(rng, (batch, 3 * hidden), dtype, 2.0), randn(rng, (batch, 3 * hidden), dtype, 2.0)
    h_prev, gout = randn(rng, (batch, hidden), dtype), randn(rng, (batch, hidden), dtype)
    h, cache = cuda.gru_cell(cuda.asarray(gi), cuda.asarray(gh), cuda.asarray(h_prev))
    h_ref, cache_ref = NP.gru_cell(gi, gh, h_prev)
    assert_same(h, h_ref, dtype)
    ours = cuda.gru_cell_grad(cache, cuda.asarray(h_prev), cuda.asarray(gout))
    for a, b in zip(ours, NP.gru_cell_grad(cache_ref, h_prev, gout)):
        assert_same(a, b, dtype)


def test_rnn_cells_reject_mismatched_shapes(cuda):
    with pytest.raises(ValueError, match=r"lstm_cell: expects gates of shape \(B, 4H\)"):
        cuda.lstm_cell(cuda.asarray(np.zeros((2, 12), np.float32)), cuda.asarray(np.zeros((2, 4), np.float32)))


# (the fused optimiser updates are compared with nn.optim's formulas in tests/nn/test_optim_updates.py)


# ----- the device: transfers, tensors, seeding, DLPack -----------------------------------------------
def test_asarray_keeps_gpu_arrays_and_converts_host_data(cuda):
    import cupy
    a = cuda.asarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert isinstance(a, cupy.ndarray) and a.device.id == 0 and cuda.is_array(a)
    assert cuda.asarray(a) is a
    assert cuda.asarray(a, dtype=np.float64).dtype == np.float64
    assert cuda.asarray([1, 2], dtype=np.int32).dtype == np.int32
    host = cuda.to_host(a)
    assert isinstance(host, np.ndarray)
    np.testing.assert_array_equal(host, np.arange(6).reshape(2, 3))
    cuda.synchronize()


def test_tensor_round_trip_to_cuda_carries_gradients(cuda):
    import autograd as ag
    x = np.arange(-3, 3, dtype=np.float32).reshape(2, 3)
    t = ag.tensor(x, device="cpu", requires_grad=True)
    u = t.to("cuda")
    assert u.device == "cuda" and u.device.name == "cuda:0" and u.dtype == np.float32
    back = (u * u).sigmoid().to("cpu")
    assert back.device == "cpu"
    back.sum().backward()
    s = 1 / (1 + np.exp(-x * x))
    np.testing.assert_allclose(t.grad.numpy(), s * (1 - s) * 2 * x, rtol=1e-5, atol=1e-6)
    w = ag.tensor(x, device="cuda", requires_grad=True)
    (w.to("cpu") * 3).sum().backward()
    assert w.grad.device == "cuda"
    np.testing.assert_array_equal(w.grad.numpy(), np.full_like(x, 3))


def test_manual_seed_makes_gpu_random_numbers_reproducible(cuda):
    import autograd as ag

    def draw():
        return (ag.rand(4, 5, device="cuda").numpy(), ag.randn(1000, device="cuda", dtype=np.float64).numpy(),
                ag.randint(-3, 7, size=(50,), device="cuda").numpy(), cuda.to_host(cuda.permutation(20)))
    ag.manual_seed(123)
    first = draw()
    ag.manual_seed(123)
    for a, b in zip(first, draw()):
        np.testing.assert_array_equal(a, b)
    uniform, normal, ints, perm = first
    assert uniform.dtype == np.float32 and uniform.min() >= 0 and uniform.max() < 1
    assert abs(normal.mean()) < 0.15 and 0.85 < normal.std() < 1.15
    assert ints.dtype == np.int64 and ints.min() >= -3 and ints.max() < 7
    np.testing.assert_array_equal(np.sort(perm), np.arange(20))
    assert cuda.rand((3,), np.float16).dtype == np.float16
    ag.manual_seed(124)
    assert not np.array_equal(ag.rand(4, 5, device="cuda").numpy(), first[0])


def test_dlpack_exchange_with_torch_cuda_shares_memory(cuda):
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("this PyTorch has no CUDA")
    import autograd as ag
    theirs = torch.arange(6, dtype=torch.float32, device="cuda:0").reshape(2, 3)
    ours = ag.from_dlpack(theirs)
    assert ours.device == "cuda:0"
    np.testing.assert_array_equal(ours.numpy(), np.arange(6).reshape(2, 3))
    theirs += 1                                    # one memory: the change shows in ours
    torch.cuda.synchronize()
    np.testing.assert_array_equal(ours.numpy(), np.arange(1, 7).reshape(2, 3))
    back = torch.from_dlpack(ours)
    assert back.device.type == "cuda" and back.data_ptr() == theirs.data_ptr()


def test_second_gpu_gets_its_own_arrays_when_present(cuda):
    if "cuda:1" not in backends.available():
        pytest.skip("one GPU here")
    second = backends.get_backend("cuda:1")
    a = cuda.asarray(np.arange(4.0) - 1)
    b = second.asarray(a)                      # a peer copy from GPU 0
    assert b.device.id == 1
    np.testing.assert_array_equal(second.to_host(second.act_forward("relu", b)), [0, 0, 1, 2])


# ----- products inside a CUDA-graph capture (ag.jit's graphs) -----------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_products_captured_in_a_cuda_graph_match_cupy(cuda, dtype):
    import cupy
    from backends.cupy_kernels import graph_gemm
    from tests.backends.test_strided_gemm import operand_pairs
    rng = np.random.default_rng(0)
    pairs = list(operand_pairs(lambda *shape: cupy.asarray(rng.standard_normal(shape).astype(dtype))))
    stream = cupy.cuda.Stream(non_blocking=True)
    with stream:
        graph_gemm.prepare()
        expected = [cupy.matmul(a, b) for _, a, b in pairs]
        stream.begin_capture(cupy.cuda.runtime.streamCaptureModeRelaxed)
        try:
            with graph_gemm.capturing():
                outs = [graph_gemm.matmul(a, b) for _, a, b in pairs]
        finally:
            graph = stream.end_capture()
        for out in outs:
            out.fill(np.nan)      # the graph has not run yet: only its launch may write the products
        graph.launch(stream)
        stream.synchronize()
    tol = 2e-2 if dtype == np.float16 else RTOL[dtype] * 10
    for (name, _, _), ours, theirs in zip(pairs, outs, expected):
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, name
        np.testing.assert_allclose(cupy.asnumpy(ours), cupy.asnumpy(theirs), rtol=tol, atol=tol, err_msg=name)


def test_matmul_outside_a_capture_is_cupys(cuda):
    import cupy
    from backends.cupy_kernels import graph_gemm
    a, b = cupy.ones((3, 4), np.float32), cupy.ones((4, 2), np.float32)
    np.testing.assert_array_equal(cupy.asnumpy(graph_gemm.matmul(a, b)), np.full((3, 2), 4.0))
    out = cupy.empty((3, 2), np.float32)
    assert graph_gemm.matmul(a, b, out=out) is out
