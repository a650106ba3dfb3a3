"""The ways to make a jagged nested tensor, as torch.nested offers them."""
import numbers

from .. import creation
from ..creation import tensor
from ..dtypes import int64
from ..ops.joining import cat
from ..tensor import Tensor
from ..type_objects import jagged, strided

from ..nested_kind import NestedBase
from .strided import StridedNestedTensor, check_components
from .tensor import NestedTensor


def _check_layout(op, layout):
    if layout is not jagged:
        raise NotImplementedError(f"{op}: deepgrad's nested tensors have the strided (default) and jagged layouts; "
                                  f"pass layout=torch.strided or layout=torch.jagged (got layout={layout!r})")


def _strided_parts(op, ts, dtype, device):
    """The components of a strided nested tensor made from a list (or a dense tensor's first dim), cast."""
    parts = list(ts.unbind(0)) if isinstance(ts, Tensor) else [p if isinstance(p, Tensor) else tensor(p) for p in ts]
    check_components(op, parts)
    dtype = dtype or (parts[0].dtype if parts else None)
    return [p.to(device=device, dtype=dtype) for p in parts]


def _check_components(op, parts):
    if not parts:
        raise RuntimeError(f"{op}: cannot make a nested tensor from an empty list (give at least one tensor)")
    first = parts[0]
    for k, p in enumerate(parts):
        if p.ndim == 0:
            raise RuntimeError(f"{op}: every component needs at least one dimension, component {k} is 0-d")
        if p.ndim != first.ndim or tuple(p.shape[1:]) != tuple(first.shape[1:]):
            raise RuntimeError(f"{op}: the components must differ only in their first (ragged) dimension, got "
                               f"shapes {[tuple(q.shape) for q in parts]}")
        if p.device != first.device:
            raise RuntimeError(f"{op}: the components must be on one device, got {first.device} and {p.device}")


def _offsets(lengths, device):
    total, offsets = 0, [0]
    for n in lengths:
        total += int(n)
        offsets.append(total)
    return tensor(offsets, dtype=int64, device=device)


def nested_tensor(tensor_list, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A new leaf nested tensor holding copies of the components (tensors or nested lists)."""
    if layout is None or layout is strided:
        parts = _strided_parts("nested_tensor", [p.detach() if isinstance(p, Tensor) else p for p in tensor_list],
                               dtype, device)
        return StridedNestedTensor([p.clone().detach().requires_grad_(requires_grad) for p in parts],
                                   empty_dtype=dtype)
    _check_layout("nested_tensor", layout)
    parts = [p.detach() if isinstance(p, Tensor) else tensor(p, dtype=dtype) for p in tensor_list]
    _check_components("nested_tensor", parts)
    dtype = dtype or parts[0].dtype
    stored = cat([p.to(dtype) for p in parts], 0).clone()
    if device is not None:
        stored = stored.to(device)
    stored = stored.detach().requires_grad_(requires_grad)
    return NestedTensor(stored, _offsets([p.shape[0] for p in parts], stored.device))


def as_nested_tensor(ts, dtype=None, device=None, layout=None):
    """A nested tensor made from a list of tensors (or a dense tensor's first dim), differentiable with
    respect to them."""
    if isinstance(ts, NestedBase):
        out = ts
        return out if dtype is None and device is None else out.to(device=device, dtype=dtype)
    if layout is None or layout is strided:   # copies, differentiable with respect to the components
        parts = _strided_parts("as_nested_tensor", ts, dtype, device)
        return StridedNestedTensor([p.clone() for p in parts], "NestedTensorFromTensorListBackward0")
    _check_layout("as_nested_tensor", layout)
    if isinstance(ts, Tensor):
        if ts.ndim < 2:
            raise RuntimeError(f"as_nested_tensor: a dense tensor must have at least 2 dims (batch, ragged), got "
                               f"shape {ts.shape}")
        stored = ts.reshape((ts.shape[0] * ts.shape[1],) + tuple(ts.shape[2:]))
        lengths = [ts.shape[1]] * ts.shape[0]
    else:
        parts = [p if isinstance(p, Tensor) else tensor(p) for p in ts]
        _check_components("as_nested_tensor", parts)
        stored = cat(parts, 0)
        lengths = [p.shape[0] for p in parts]
    if dtype is not None or device is not None:
        stored = stored.to(device=device, dtype=dtype)
    return NestedTensor(stored, _offsets(lengths, stored.device))


def nested_tensor_from_jagged(values, offsets=None, lengths=None, jagged_dim=None, min_seqlen=None,
                              max_seqlen=None):
    """A nested tensor viewing `values` (total, ...) split by `offsets` (B + 1) or by `lengths` (B); with both,
    component i is values[offsets[i]:offsets[i] + lengths[i]] (not contiguous)."""
    op = "nested_tensor_from_jagged"
    if jagged_dim not in (None, 1):
        raise NotImplementedError(f"{op}: only jagged_dim=1 is supported, got {jagged_dim}")
    if not isinstance(values, Tensor) or values.ndim < 1:
        raise RuntimeError(f"{op}: values must be a tensor of at least 1 dim, got {values!r}")
    if offsets is None:
        if lengths is None:
            raise RuntimeError(f"{op}: give offsets or lengths")
        return NestedTensor(values, _offsets(lengths.tolist(), values.device))
    for name, t in (("offsets", offsets), ("lengths", lengths)):
        if t is not None and (not isinstance(t, Tensor) or t.ndim != 1 or t.dtype.kind not in "iu"):
            raise RuntimeError(f"{op}: {name} must be a 1-d integer tensor, got {t!r}")
    if lengths is not None and len(lengths) + 1 != len(offsets):
        raise RuntimeError(f"{op}: lengths needs one entry per component ({len(offsets) - 1}), got {len(lengths)}")
    return NestedTensor(values, offsets, lengths)


def narrow(tensor, dim, start, length, layout=strided):
    """A non-contiguous jagged view of a dense (B, n, ...) tensor: component i is
    tensor[i, start[i]:start[i] + length[i]]."""
    _check_layout("narrow", layout)
    if dim != 1:
        raise RuntimeError(f"narrow: only dim=1 is supported for a jagged nested tensor, got dim={dim}")
    batch, n = tensor.shape[0], tensor.shape[1]
    starts = [start] * batch if isinstance(start, numbers.Integral) else [int(s) for s in start.tolist()]
    lengths = [length] * batch if isinstance(length, numbers.Integral) else [int(s) for s in length.tolist()]
    for s, m in zip(starts, lengths):
        if s < 0 or m < 0 or s + m > n:
            raise RuntimeError(f"narrow: start {s} and length {m} go past the dimension's size {n}")
    values = tensor.reshape((batch * n,) + tuple(tensor.shape[2:]))
    offsets = [i * n + s for i, s in enumerate(starts)]
    offsets.append(offsets[-1] + lengths[-1])   # PyTorch's last offset: where the last component ends
    return NestedTensor(values, creation.tensor(offsets, dtype=int64, device=tensor.device),
                        creation.tensor(lengths, dtype=int64, device=tensor.device))


def to_padded_tensor(input, padding, output_size=None):
    """A dense tensor with the components padded by `padding` to the longest (or to `output_size`)."""
    if not isinstance(input, NestedBase):
        raise RuntimeError(f"to_padded_tensor: input must be a nested tensor, got {type(input).__name__}")
    return input.to_padded_tensor(padding, output_size)
