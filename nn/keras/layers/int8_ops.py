"""The int8 contraction of Keras's quantized Dense and EinsumDense, as one graph node.

Forward: the inputs are abs-max quantized on the fly (per slice along the contracted axes), contracted with the
int8 kernel in exact integer arithmetic (float64 holds every partial sum of int8 products exactly, up to 2**53,
so BLAS does it), and the result, cast to the inputs' dtype, is divided by input scale * kernel scale. Backward
(Keras's custom gradient): the input gradient goes through the dequantized kernel, int8 kernel / scale; the kernel
and its scale get none.

`Int8Plan` holds, for one equation, which axes get reduced and how a per-slice scale of the inputs or the kernel
is transposed, expanded and squeezed to broadcast against the output (Keras's analysis of the equation, including
where it runs out of output axes to expand and squeezes instead).
"""
from autograd.function import Function

from ..quantizers import abs_max_arrays


class Int8Plan:
    """For 'IN,KERNEL->OUT' (letters only, no '...'): the reduced axes of the inputs and the kernel, the moves
    that put their scales in the output's layout, and the equation of the input gradient."""

    def __init__(self, in_spec, w_spec, out_spec):
        self.equation = f"{in_spec},{w_spec}->{out_spec}"
        self.grad_equation = f"{out_spec},{w_spec}->{in_spec}"
        self.input_axes = tuple(i for i, c in enumerate(in_spec) if c not in out_spec)
        self.kernel_axes = tuple(i for i, c in enumerate(w_spec) if c not in out_spec)
        # Keras reuses one loop variable across these steps: when a reduced axis finds no output axis left to
        # expand into, its scale axis is squeezed and placed where the previous step left that variable
        last = out_spec.find(w_spec[-1]) if w_spec else -1
        self.input_moves, last = _moves(in_spec, out_spec, self.input_axes, last)
        self.kernel_moves, _ = _moves(w_spec, out_spec, self.kernel_axes, last)

    def to_output(self, xp, scale, moves):
        """A scale with its reduced axes kept as 1 -> broadcastable against the output (Keras's layout)."""
        transpose, expand, squeeze = moves
        if transpose:
            scale = xp.transpose(scale, transpose)
        if expand:
            scale = xp.expand_dims(scale, tuple(expand))
        if squeeze:
            scale = xp.squeeze(scale, tuple(squeeze))
        return scale

    def to_kernel(self, xp, scale):
        """The kernel scale in the output's layout -> broadcastable against the kernel (the inverse moves)."""
        transpose, expand, squeeze = self.kernel_moves
        if squeeze:
            scale = xp.expand_dims(scale, tuple(squeeze))
        if expand:
            scale = xp.squeeze(scale, tuple(expand))
        if transpose:
            scale = xp.transpose(scale, sorted(range(len(transpose)), key=transpose.__getitem__))
        return scale


def _moves(spec, out_spec, reduced, last):
    """(transpose, expand, squeeze) for the scale of a tensor with letters `spec`, and the loop variable after."""
    expand = [i for i, c in enumerate(out_spec) if c not in spec]
    transpose = [spec.index(c) for c in out_spec if c in spec]
    squeeze = []
    for axis in reduced:
        if expand:
            last = expand.pop(0)
        else:
            squeeze.append(axis)
        transpose.insert(last, axis)
    return (transpose, expand, squeeze), last


class Int8Contract(Function):
    """y = contract(quantize(x), kernel) / (input scale * kernel scale); `plan` an Int8Plan, or None for Dense
    (x @ kernel over the last axis, the kernel scale per output unit). A bfloat16 x is handled here, step by
    step in bfloat16 as Keras's ops round (not through the float32 half form that other ops use)."""

    half_native = True

    def forward(ctx, x, kernel, kernel_scale, plan):
        xp = ctx.xp
        q, scale = abs_max_arrays(xp, x, -1 if plan is None else plan.input_axes)
        wide = kernel.astype("float64")
        if plan is None:
            y = xp.matmul(q.astype("float64"), wide)
            y = y.astype(x.dtype) / (kernel_scale * scale)
        else:
            y = xp.einsum(plan.equation, q.astype("float64"), wide)
            y = y.astype(x.dtype) / (plan.to_output(xp, scale, plan.input_moves) * kernel_scale)
        ctx.plan = plan
        ctx.save_for_backward(kernel, kernel_scale)
        return y

    def backward(ctx, gy):
        kernel, kernel_scale = ctx.saved_tensors
        xp, plan = ctx.xp, ctx.plan
        scale = kernel_scale if plan is None else plan.to_kernel(xp, kernel_scale)
        work = "float32" if gy.dtype.itemsize == 2 else gy.dtype   # half products summed in float32, as torch
        dequantized = (kernel.astype(gy.dtype) / scale).astype(work)
        if plan is None:
            grad = xp.matmul(gy.astype(work), xp.swapaxes(dequantized, -1, -2))
        else:
            grad = xp.einsum(plan.grad_equation, gy.astype(work), dequantized)
        return grad.astype(gy.dtype), None, None, None
