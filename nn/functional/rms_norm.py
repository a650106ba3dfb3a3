"""Root-mean-square normalisation as users call it, a composite of existing ops."""
import numbers

import numpy as np

import autograd as ag
from autograd.bf16_dtype import is_bf16
from autograd.errors import ShapeError, UnsupportedDtypeError
from autograd.ops.dims import check_tensor
from autograd.nested_dispatch import nested_dispatch


def _normalized_shape(op, normalized_shape, input):
    shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
    n = len(shape)
    if n == 0:
        raise ValueError(f"{op}: normalized_shape must name at least one dimension, got (); pass the sizes of "
                         f"the input's last dimensions, e.g. ({input.shape[-1] if input.ndim else 1},)")
    if input.ndim < n or tuple(input.shape[input.ndim - n:]) != shape:
        raise ShapeError(f"{op}: normalized_shape {shape} must equal the last dimensions of the input, got input "
                         f"shape {tuple(input.shape)}")
    return shape


@nested_dispatch
def rms_norm(input, normalized_shape, weight=None, eps=None):
    """input divided by the root mean square of its last dimensions `normalized_shape` (plus eps under the
    root), times weight (of shape normalized_shape, optional). eps=None takes the machine epsilon of the
    dtype computed in: the input's, float32 for float16 input (which is computed in float32, as PyTorch).
    The result has the input's dtype, whatever the weight's."""
    op = "rms_norm"
    check_tensor(op, input)
    shape = _normalized_shape(op, normalized_shape, input)
    if weight is not None:
        check_tensor(op, weight, "weight")
        if tuple(weight.shape) != shape:
            raise ValueError(f"{op}: weight has shape {tuple(weight.shape)}, expected normalized_shape {shape}")
    if input.dtype.kind not in "fc" and not is_bf16(input.dtype):   # complex: x / sqrt(mean(x * x) + eps), unconjugated, as PyTorch's
        raise UnsupportedDtypeError(f"{op}: expects a floating-point tensor, got {input.dtype} (shape "
                                    f"{tuple(input.shape)}); convert it with .float()")
    compute = np.dtype(np.float32) if input.dtype == np.float16 or is_bf16(input.dtype) else input.dtype
    x = input if compute == input.dtype else input.astype(compute)
    if input.size == 0:   # a mean over nothing: skip it, keeping weight in the graph (zero gradient)
        y = x * 1.0
    else:
        eps = float(np.finfo(compute).eps) if eps is None else float(eps)
        dims = tuple(range(input.ndim - len(shape), input.ndim))
        y = x * ag.rsqrt((x * x).mean(dims, keepdim=True) + eps)
    if weight is not None:
        y = y * weight
    return y if y.dtype == input.dtype else y.astype(input.dtype)
