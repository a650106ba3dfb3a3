"""max_unpool1d / max_unpool2d / max_unpool3d: the partial inverse of max pooling, each value put back at the
position its pooling recorded (return_indices=True) and zeros elsewhere."""
import math

import autograd as ag
from autograd import arrays, complex_forms
from autograd.function import named
from autograd.errors import ShapeError
from autograd.ops.dims import check_tensor
from autograd import autocast_state as autocast

from ._args import pair, single
from .conv import LAYOUTS
from .conv3d import triple


def _default_size(op, input, spatial, kernel, stride, padding, output_size):
    """The unpooled spatial size: output_size's last `spatial` entries, or (L - 1) * stride - 2 * padding + kernel."""
    size = input.shape[-spatial:]
    default = tuple((size[a] - 1) * stride[a] - 2 * padding[a] + kernel[a] for a in range(spatial))
    if output_size is None:
        return default
    wanted = tuple(int(s) for s in output_size)[-spatial:]
    if len(wanted) != spatial:
        raise ValueError(f"{op}: output_size {tuple(output_size)} needs at least {spatial} entries")
    for a in range(spatial):
        low, high = default[a] - stride[a], default[a] + stride[a]
        if not low < wanted[a] < high:
            raise ValueError(f"{op}: output_size {wanted} is not a size max pooling with kernel {kernel}, stride "
                             f"{stride} and padding {padding} maps to the input's {tuple(size)}; each entry must "
                             f"lie strictly between {low} and {high} (the default is {default})")
    return wanted


def _unpool(op, input, indices, kernel, stride, padding, output_size, spatial):
    check_tensor(op, input)
    if complex_forms.active:
        complex_forms.refuse(op, input)
    check_tensor(op, indices, "indices")
    if input.ndim not in (spatial + 1, spatial + 2):
        raise ShapeError(f"{op}: expects an input {LAYOUTS[spatial]}, got shape {input.shape}")
    if tuple(indices.shape) != tuple(input.shape) or indices.dtype.kind not in "iu":
        raise ShapeError(f"{op}: indices must be an integer tensor of the input's shape {input.shape} (as max "
                         f"pooling with return_indices=True returns them), got {indices.dtype} {indices.shape}")
    size = _default_size(op, input, spatial, kernel, stride, padding, output_size)
    lead = input.shape[:-spatial]
    total = 1
    for s in size:
        total *= s
    found = arrays.array(indices)   # the raw array: a check that does not stop a jit capture
    if found.size and (int(found.min()) < 0 or int(found.max()) >= total):
        raise ShapeError(f"{op}: indices must lie in [0, {total}) for the output size {size}, got values from "
                         f"{int(found.min())} to {int(found.max())}; pass the output_size the pooled input had")
    pooled = math.prod(input.shape[-spatial:])   # not -1: that cannot be inferred for an empty batch
    canvas = ag.zeros(*lead, total, dtype=input.dtype, device=input.device)
    out = canvas.scatter(-1, indices.reshape(*lead, pooled), input.reshape(*lead, pooled)).reshape(*lead, *size)
    # PyTorch's one node (max_unpool1d runs the 2-D kernel on an unsqueezed input and squeezes the result)
    return named(out, {1: "SqueezeBackward1", 2: "MaxUnpool2DBackward0", 3: "MaxUnpool3DBackward0"}[spatial])


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """(N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out): each value written at its flat H_out * W_out position
    in `indices`, zeros elsewhere; H_out = (H - 1) * stride - 2 * padding + kernel_size unless output_size."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("max_unpool2d", max_unpool2d, input, indices, kernel_size, stride, padding, output_size)
    op = "max_unpool2d"
    kernel = pair(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else pair(stride, "stride", op, 1)
    return _unpool(op, input, indices, kernel, stride, pair(padding, "padding", op), output_size, 2)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """(N, C, L) or (C, L) -> (N, C, L_out): each value written at its position in `indices`, zeros elsewhere;
    L_out = (L - 1) * stride - 2 * padding + kernel_size unless output_size."""
    op = "max_unpool1d"
    kernel = (single(kernel_size, "kernel_size", op, 1),)
    stride = kernel if stride is None else (single(stride, "stride", op, 1),)
    return _unpool(op, input, indices, kernel, stride, (single(padding, "padding", op),), output_size, 1)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """(N, C, D, H, W) or (C, D, H, W) -> (N, C, D_out, H_out, W_out): each value written at its flat
    D_out * H_out * W_out position in `indices`, zeros elsewhere; each output size is
    (L - 1) * stride - 2 * padding + kernel_size unless output_size."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("max_unpool3d", max_unpool3d, input, indices, kernel_size, stride, padding, output_size)
    op = "max_unpool3d"
    kernel = triple(kernel_size, "kernel_size", op, 1)
    stride = kernel if stride is None else triple(stride, "stride", op, 1)
    return _unpool(op, input, indices, kernel, stride, triple(padding, "padding", op), output_size, 3)
