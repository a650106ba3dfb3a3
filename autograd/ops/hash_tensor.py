"""torch.hash_tensor: an order-free fingerprint of a tensor's elements, each widened to 64 bits (floats to
float64, integers and bools to int64), read as uint64 and combined with xor."""
import numpy as np

from ..errors import IndexRangeError
from ..tensor import Tensor
from .dims import check_tensor


def hash_tensor(input, dim=None, *, keepdim=False, mode=0):
    """The xor of input's elements' 64-bit patterns over `dim` (every dim when None or empty), as uint64."""
    check_tensor("hash_tensor", input)
    if mode != 0:
        raise RuntimeError(f"Unknown hash_tensor mode: {mode}; only mode=0 (xor of the 64-bit patterns) exists")
    kind = input.dtype.kind
    if kind == "c" or input.dtype == np.uint64:
        raise NotImplementedError(f'"xor_sum_cpu" not implemented for {input.dtype}; hash_tensor takes real '
                                  "floating, signed integer, uint8 and bool tensors")
    dims = () if dim is None else ((dim,) if isinstance(dim, (int, np.integer)) else tuple(dim))
    span = max(input.ndim, 1)   # a 0-d tensor takes dim 0 or -1, as every PyTorch reduction
    for d in dims:
        if not -span <= int(d) < span:
            raise IndexRangeError(f"hash_tensor: Dimension out of range (expected to be in range of [{-span}, "
                                  f"{span - 1}], but got {int(d)})")
    if input.ndim == 0:
        dims = ()
    else:
        dims = tuple(sorted({int(d) % span for d in dims})) if dims else tuple(range(input.ndim))
    if not dims and input.ndim and input.numel() == 0:
        raise RuntimeError("hash_tensor: Expected reduction dim to be specified for input.numel() == 0. Specify "
                           "the reduction dim with the 'dim' argument.")
    for d in dims:
        if input.shape[d] == 0:
            raise IndexRangeError(f"hash_tensor: Expected reduction dim {d} to have non-zero size.")
    xp = input._device.xp
    data = input.detach()._data
    floating = kind == "f" or input.dtype.name == "bfloat16"   # NumPy files bfloat16 under kind 'V'
    wide = data.astype(np.float64 if floating else np.int64).view(np.uint64)
    out = xp.bitwise_xor.reduce(wide, axis=dims, keepdims=bool(keepdim)) if dims else wide.copy()
    return Tensor._make(xp.asarray(out, dtype=np.uint64), input._device, None, 0, False)
