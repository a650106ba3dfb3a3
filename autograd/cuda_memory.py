"""`ag.cuda`'s memory queries, as torch.cuda's: memory_allocated, max_memory_allocated, memory_reserved,
max_memory_reserved, reset_peak_memory_stats, memory_stats, mem_get_info, empty_cache; answered from
CuPy's memory pool, which deepgrad's `cuda` devices allocate from. Without a GPU they answer as PyTorch's
CPU build does: zeros and an empty dict, and empty_cache does nothing.

"Allocated" is the bytes of the pool's blocks in use by arrays, "reserved" the bytes the pool holds from
the driver (in use or cached). CuPy keeps no peak of either, so deepgrad counts one: the reserved peak
from the pool's size before every empty_cache (the pool only grows otherwise), the allocated peak with a
CuPy memory hook that starts on the first call of reset_peak_memory_stats or max_memory_allocated, in
this thread (PyTorch counts from the start; a hook from the start would cost every allocation a Python
call). So call reset_peak_memory_stats() before the code whose peak you want, as is usual with PyTorch.
"""
import warnings

import backends

from .cuda_devices import _cupy, _index

#: device index -> the most bytes the pool held before an empty_cache emptied it
_reserved_before_empty = {}
_peak_hook = []


def _pool_bytes(cupy, index):
    """(bytes in use, bytes held) by the default pool on GPU `index`."""
    pool = cupy.get_default_memory_pool()
    with cupy.cuda.Device(index):
        return pool.used_bytes(), pool.total_bytes()


def memory_allocated(device=None):
    """Bytes of GPU memory held by arrays on `device` (the current GPU by default); 0 without a GPU."""
    cupy = _cupy()
    return 0 if cupy is None else _pool_bytes(cupy, _index(device))[0]


def memory_reserved(device=None):
    """Bytes of GPU memory the memory pool holds on `device`, in use or cached; 0 without a GPU."""
    cupy = _cupy()
    return 0 if cupy is None else _pool_bytes(cupy, _index(device))[1]


def max_memory_reserved(device=None):
    """The most bytes the memory pool has held on `device`; 0 without a GPU."""
    cupy = _cupy()
    if cupy is None:
        return 0
    index = _index(device)
    return max(_pool_bytes(cupy, index)[1], _reserved_before_empty.get(index, 0))


def _hook(cupy):
    """The peak-counting memory hook, started in this thread on first use."""
    if not _peak_hook:
        from cupy.cuda import memory_hook

        class PeakHook(memory_hook.MemoryHook):
            name = "deepgrad_peak"

            def __init__(self):
                self.used, self.peak = {}, {}

            def start(self, index, used):
                self.used[index] = used
                self.peak[index] = used

            def malloc_postprocess(self, device_id, mem_size, **kwargs):
                used = self.used.get(device_id, 0) + mem_size
                self.used[device_id] = used
                if used > self.peak.get(device_id, 0):
                    self.peak[device_id] = used

            def free_postprocess(self, device_id, mem_size, **kwargs):
                self.used[device_id] = self.used.get(device_id, 0) - mem_size

        hook = PeakHook()
        for index in range(len(backends.available("cuda"))):
            hook.start(index, _pool_bytes(cupy, index)[0])
        hook.__enter__()   # stays installed for this thread
        _peak_hook.append(hook)
    return _peak_hook[0]


def max_memory_allocated(device=None):
    """The most bytes held by arrays on `device` since reset_peak_memory_stats (see the module's docstring:
    counting starts at the first call of either); 0 without a GPU."""
    cupy = _cupy()
    if cupy is None:
        return 0
    if not _peak_hook:
        warnings.warn("max_memory_allocated: deepgrad counts the peak from the first call of "
                      "reset_peak_memory_stats() or max_memory_allocated(); call ag.cuda.reset_peak_memory_stats() "
                      "before the code you measure", UserWarning, stacklevel=2)
    index = _index(device)
    return _hook(cupy).peak.get(index, 0)


def reset_peak_memory_stats(device=None):
    """Restart the peaks of allocated and reserved memory on `device` from the current amounts."""
    cupy = _cupy()
    if cupy is None:
        return
    index = _index(device)
    used, held = _pool_bytes(cupy, index)
    _hook(cupy).start(index, used)
    _reserved_before_empty[index] = held


def reset_max_memory_allocated(device=None):
    """PyTorch's older name: resets every peak (reset_peak_memory_stats), with PyTorch's FutureWarning."""
    warnings.warn("reset_max_memory_allocated now calls reset_peak_memory_stats, which resets all peak memory "
                  "stats (as in PyTorch)", FutureWarning, stacklevel=2)
    reset_peak_memory_stats(device)


def memory_stats(device=None):
    """PyTorch's memory_stats keys that deepgrad counts: allocated and reserved bytes, current and peak; an
    empty dict without a GPU."""
    if _cupy() is None:
        return {}
    return {"allocated_bytes.all.current": memory_allocated(device),
            "allocated_bytes.all.peak": max_memory_allocated(device) if _peak_hook else memory_allocated(device),
            "reserved_bytes.all.current": memory_reserved(device),
            "reserved_bytes.all.peak": max_memory_reserved(device)}


def mem_get_info(device=None):
    """(free, total) bytes of GPU memory on `device`, as the driver reports them."""
    cupy = _cupy()
    if cupy is None:
        raise backends.DeviceError("mem_get_info: no CUDA GPU works on this machine (ag.cuda.is_available() is "
                                   "False); it has no GPU memory to report")
    with cupy.cuda.Device(_index(device)):
        return cupy.cuda.runtime.memGetInfo()


def empty_cache():
    """Give the memory pool's cached, unused blocks back to the driver (arrays in use keep theirs), so other
    processes can use it; nothing without a GPU."""
    cupy = _cupy()
    if cupy is None:
        return
    for index in range(len(backends.available("cuda"))):
        held = _pool_bytes(cupy, index)[1]
        _reserved_before_empty[index] = max(_reserved_before_empty.get(index, 0), held)
    cupy.get_default_memory_pool().free_all_blocks()
    cupy.get_default_pinned_memory_pool().free_all_blocks()
