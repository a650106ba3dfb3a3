"""PyTorch's `_copy` forms of the view ops (torch.transpose_copy, permute_copy, view_copy, expand_copy,
diagonal_copy, ..., as_strided_copy): each is the view op's result as a fresh contiguous tensor that shares no
memory with its input, with the view op's gradient. Also torch.as_strided_scatter (the input with a strided
window replaced by `src`) and the unsafe_ split spellings, which are the plain splits here."""
import numbers

import numpy as np

from .function import Function, named
from .methods_inplace import reshaping
from .ops import joining, slicing
from .ops import shape as S
from .ops.arrange import diagonal
from .ops.dims import check_tensor, normalize
from .ops.legacy_forms import split_with_sizes
from .strided_views import _geometry, _positions, as_strided
from .torch_misc_api import view_as_complex, view_as_real


def _fresh(t):
    """t's values in new contiguous memory (in t's graph)."""
    return t.clone().contiguous()


def _copy_form(name, view):
    def function(input, *args, **kwargs):
        check_tensor(name, input)
        out = view(input, *args, **kwargs)
        return [_fresh(t) for t in out] if isinstance(out, (tuple, list)) else _fresh(out)
    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"torch.{name}: what {name[:-5]} gives, copied into new memory (the gradient flows as "
                        "through it).")
    return function


def _slice(input, dim=0, start=None, end=None, step=1):
    d = normalize("slice_copy", dim, input.ndim)
    return input[(slice(None),) * d + (slice(start, end, step),)]


def _squeeze(input, dim=None):
    return S.squeeze(input, dim)


def _view(input, *shape_or_dtype):
    return input.view(*shape_or_dtype)


def _expand(input, size, *, implicit=False):
    return S.expand(input, *size) if isinstance(size, (tuple, list)) else S.expand(input, size)


_VIEWS = {
    "alias_copy": lambda input: input, "detach_copy": lambda input: input.detach(), "diagonal_copy": diagonal,
    "expand_copy": _expand, "permute_copy": S.permute, "select_copy": slicing.select, "slice_copy": _slice,
    "split_copy": joining.split, "split_with_sizes_copy": split_with_sizes, "squeeze_copy": _squeeze, "t_copy": S.t,
    "transpose_copy": S.transpose, "unbind_copy": joining.unbind, "unfold_copy": slicing.unfold,
    "unsqueeze_copy": S.unsqueeze, "view_copy": _view, "view_as_real_copy": view_as_real,
    "view_as_complex_copy": view_as_complex, "as_strided_copy": as_strided,
}
FUNCTIONS = {name: _copy_form(name, view) for name, view in _VIEWS.items()}


def _unsafe(pieces, torch_name):
    return tuple(named(piece, torch_name) for piece in pieces)


def unsafe_chunk(input, chunks, dim=0):
    """torch.unsafe_chunk: chunk (deepgrad's chunks are safe to change in place)."""
    return _unsafe(joining.chunk(input, chunks, dim), "UnsafeSplitBackward0")


def unsafe_split(input, split_size, dim=0):
    """torch.unsafe_split: split (deepgrad's pieces are safe to change in place)."""
    return _unsafe(joining.split(input, split_size, dim), "UnsafeSplitBackward0")


def unsafe_split_with_sizes(input, split_sizes, dim=0):
    """torch.unsafe_split_with_sizes: split_with_sizes (deepgrad's pieces are safe to change in place)."""
    return _unsafe(split_with_sizes(input, split_sizes, dim), "UnsafeSplitWithSizesBackward0")


class AsStridedScatter(Function):
    torch_name = "AsStridedScatterBackward0"
    complex_ready = True   # backward only picks and zeroes gradient elements, complex ones alike

    def forward(ctx, x, src, size, stride, offset):
        out = np.array(x, order="C")
        ctx.index = index = _positions(size, stride, offset)
        out.reshape(-1)[index.reshape(-1)] = np.broadcast_to(src, size).reshape(-1)
        return out

    def backward(ctx, gy):
        flat = np.asarray(gy).reshape(-1)
        gsrc = flat[ctx.index]
        gx = flat.copy()
        gx[ctx.index.reshape(-1)] = 0
        return gx.reshape(gy.shape), gsrc, None, None, None


def as_strided_scatter(input, src, size, stride, storage_offset=None):
    """torch.as_strided_scatter: a copy of `input` (laid out contiguously) whose elements at the window
    as_strided(size, stride, storage_offset) of that copy are `src`'s; differentiable in both."""
    check_tensor("as_strided_scatter", input)
    check_tensor("as_strided_scatter", src, "src")
    size, stride = _geometry("as_strided_scatter", size, stride)
    offset = 0 if storage_offset is None else storage_offset
    if not isinstance(offset, numbers.Integral) or offset < 0:
        raise RuntimeError(f"as_strided_scatter: storage_offset must be an int >= 0, got {storage_offset!r}")
    if tuple(src.shape) != size:
        raise RuntimeError(f"as_strided_scatter: src has shape {tuple(src.shape)} but the window is {size}; they "
                           "must match")
    if 0 not in size and offset + sum((n - 1) * s for n, s in zip(size, stride)) >= input.numel():
        raise RuntimeError(f"as_strided_scatter: size {size}, stride {stride} and offset {offset} reach beyond the "
                           f"{input.numel()} elements of the input (shape {tuple(input.shape)})")
    if not input.device.host_memory:
        raise RuntimeError(f"as_strided_scatter: works on tensors in host memory (cpu, numba), got {input.device}; "
                           "move them with .cpu() first")
    if src.dtype != input.dtype:
        src = src.to(input.dtype)
    return AsStridedScatter.apply(input, src, size, stride, int(offset))


as_strided_ = reshaping(as_strided, "as_strided_")
as_strided_.__doc__ = "torch.as_strided_: the tensor becomes its as_strided(size, stride, storage_offset) view."

TENSOR_METHODS = {"unsafe_chunk": unsafe_chunk, "unsafe_split": unsafe_split,
                  "unsafe_split_with_sizes": unsafe_split_with_sizes, "as_strided_scatter": as_strided_scatter,
                  "as_strided_": as_strided_}

