"""torch.from_file: a CPU tensor read from (shared=True: mapped onto) a file of raw elements."""
import os

import numpy as np

import backends

from .dtypes import get_default_dtype
from .tensor import Tensor


def from_file(filename, shared=None, size=0, *, dtype=None, layout=None, device=None, pin_memory=False,
              requires_grad=False):
    """The first `size` elements of `dtype` (the default float dtype) stored raw in `filename`. With shared=True
    the tensor is the file, memory-mapped (writes reach it; a missing or short file is created or grown); else a
    private copy of its bytes."""
    dtype = np.dtype(get_default_dtype() if dtype is None else dtype)
    size = int(size)
    need = size * dtype.itemsize
    if shared:
        if not os.path.exists(filename) or os.path.getsize(filename) < need:
            with open(filename, "ab") as f:   # PyTorch grows a shared file to the mapping's size
                f.truncate(need)
        data = np.memmap(filename, dtype=dtype, mode="r+", shape=(size,)) if size else np.zeros(0, dtype)
    else:
        try:
            have = os.path.getsize(filename)
        except OSError as e:
            raise RuntimeError(f"unable to open file <{filename}> in read-only mode: {e.strerror} ({e.errno})") from e
        if have < need:
            raise RuntimeError(f"file <{filename}> size <{have}> is smaller than the required mapping size <{need}>; "
                               "ask for fewer elements or a smaller dtype")
        data = np.fromfile(filename, dtype=dtype, count=size)
    host = backends.get_backend("cpu")
    out = Tensor._make(np.asarray(data) if not shared else data, host, None, 0, False)
    if device is not None:
        out = out.to(device)
    return out.requires_grad_(True) if requires_grad else out
