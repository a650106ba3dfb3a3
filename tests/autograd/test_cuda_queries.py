"""ag.cuda's memory and device queries, Event and OutOfMemoryError. Without a GPU they answer as PyTorch's CPU
build does (zeros, nothing to empty, no bfloat16) or raise a DeviceError that says there is no GPU; with one,
they are checked against CuPy's own numbers (skipped here when no GPU works)."""
import numpy as np
import pytest

import autograd as ag
import backends

NO_GPU = not ag.cuda.is_available()
needs_gpu = pytest.mark.skipif(NO_GPU, reason="no CUDA GPU works on this machine")
no_gpu_only = pytest.mark.skipif(not NO_GPU, reason="checks the answers of a machine without a GPU")


@no_gpu_only
def test_memory_queries_answer_as_torchs_cpu_build_without_a_gpu():
    torch = pytest.importorskip("torch")
    for name in ("memory_allocated", "max_memory_allocated", "memory_reserved", "max_memory_reserved"):
        assert getattr(ag.cuda, name)() == getattr(torch.cuda, name)() == 0, name
    assert ag.cuda.memory_stats() == dict(torch.cuda.memory_stats()) == {}
    assert ag.cuda.empty_cache() is None and torch.cuda.empty_cache() is None
    assert ag.cuda.reset_peak_memory_stats() is None
    assert ag.cuda.is_bf16_supported() is torch.cuda.is_bf16_supported() is False
    assert ag.cuda.seed() is None and ag.cuda.seed_all() is None


@no_gpu_only
@pytest.mark.parametrize("call", ["get_device_name", "get_device_properties", "get_device_capability", "mem_get_info",
                                  "Event"])
def test_gpu_only_queries_say_there_is_no_gpu(call):
    with pytest.raises(backends.DeviceError, match=f"{call}: no CUDA GPU works on this machine"):
        getattr(ag.cuda, call)()


def test_out_of_memory_error_is_torchs_and_numpys_kind():
    torch = pytest.importorskip("torch")
    assert ag.cuda.OutOfMemoryError is ag.OutOfMemoryError
    assert issubclass(ag.OutOfMemoryError, RuntimeError) and issubclass(torch.OutOfMemoryError, RuntimeError)
    assert issubclass(ag.OutOfMemoryError, MemoryError)   # `except MemoryError` keeps catching NumPy's failures


def test_an_op_that_cannot_get_its_memory_names_itself_and_the_fix():
    big = ag.ones(10 ** 6).expand(10 ** 7, 10 ** 6)    # a view: no memory yet
    with pytest.raises(ag.cuda.OutOfMemoryError, match=rf"exp: out of memory on {big.device} \(shapes \(10000000, 1000000\), "
                                                       r"dtypes float32\).*a smaller batch"):
        big.exp()
    with pytest.raises(MemoryError):
        big.exp()

    class Inner(ag.Function):                          # an op whose own inner op ran out of memory
        def forward(ctx, x):
            raise ag.OutOfMemoryError("inner: out of memory on cpu")

    with pytest.raises(ag.OutOfMemoryError, match="^inner: out of memory on cpu$"):
        Inner.apply(ag.ones(2))


def test_backward_that_cannot_get_its_memory_raises_out_of_memory():
    class Huge(ag.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return ag.ones(10 ** 7, 10 ** 6)

    x = ag.ones(3, requires_grad=True)
    with pytest.raises(ag.OutOfMemoryError, match="backward: out of memory while computing gradients"):
        Huge.apply(x).sum().backward()
    y = ag.ones(3, requires_grad=True)
    (y * 3).sum().backward()                              # the engine is fine afterwards
    np.testing.assert_array_equal(y.grad.numpy(), [3.0, 3.0, 3.0])


@needs_gpu
def test_memory_queries_follow_cupys_pool_on_a_gpu():
    import cupy
    ag.cuda.reset_peak_memory_stats()
    before = ag.cuda.memory_allocated()
    x = ag.ones(1 << 20, device="cuda")                   # 4 MiB
    assert ag.cuda.memory_allocated() >= before + (4 << 20)
    peak = ag.cuda.max_memory_allocated()
    assert peak >= ag.cuda.memory_allocated()
    del x
    assert ag.cuda.max_memory_allocated() == peak
    assert ag.cuda.memory_reserved() == cupy.get_default_memory_pool().total_bytes()
    ag.cuda.empty_cache()
    assert ag.cuda.max_memory_reserved() >= ag.cuda.memory_reserved()
    free, total = ag.cuda.mem_get_info()
    assert 0 < free <= total


@needs_gpu
def test_device_properties_and_events_on_a_gpu():
    import cupy
    props = ag.cuda.get_device_properties(0)
    assert props.total_memory > 0 and ag.cuda.get_device_name(0) == props.name
    assert ag.cuda.get_device_capability(0) == (props.major, props.minor)
    assert repr(props).startswith("_CudaDeviceProperties(name=")
    start, end = ag.cuda.Event(enable_timing=True), ag.cuda.Event(enable_timing=True)
    start.record()
    ag.ones(1 << 20, device="cuda").exp()
    end.record()
    end.synchronize()
    assert end.query() and start.elapsed_time(end) >= 0.0
    assert cupy.cuda.get_current_stream() is not None
