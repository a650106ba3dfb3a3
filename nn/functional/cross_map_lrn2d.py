"""PyTorch's legacy CrossMapLRN2d: local response normalisation over channels, as the Lua Torch module computed
it, quirks included, so that ported models give PyTorch's numbers.

Its forward slides a window of 2 * (size - 1) // 2 + 1 channels (an even size acts as the odd size below it)
but never drops channel 0 from the running sum, so channel 0's square is in every channel's sum. Its backward
is its own formula, not the derivative of that forward: channel c's gradient gathers the ratios
grad * output / scale of channels c - (size + 1) // 2 ... c + size // 2 - 1, and it fails for size 1. It cannot
be differentiated again either. Each step rounds to the input's dtype where PyTorch's does, so float16 and
bfloat16 results are PyTorch's bit for bit.
"""
import numpy as np

from autograd import Tensor
from autograd.bf16_dtype import is_half
from autograd.function import Function
from autograd.ops.activation_forms import float_input


def _scalar_step(fn, a):
    """fn(a) for a multiply or power of `a` by a Python scalar, rounded as PyTorch's CPU kernels round it: in a's
    dtype, or for float16/bfloat16 in float32 with one rounding back."""
    return fn(a.astype(np.float32)).astype(a.dtype) if is_half(a.dtype) else fn(a)


def _power(a, exponent):
    """a ** exponent for a Python scalar exponent: for float16/bfloat16 PyTorch rounds the exponent to a's dtype
    first."""
    if is_half(a.dtype):
        exponent = float(np.asarray(exponent, np.float32).astype(a.dtype))
    return _scalar_step(lambda s: s ** exponent, a)


def _add_product(a, value, t1, t2):
    """a + value * t1 * t2, as PyTorch's CPU addcmul_ rounds it: for float16/bfloat16 one fused multiply-add
    fma(value * t1, t2, a) in float32 (float64 holds its exact value here), then one rounding to a's dtype."""
    if not is_half(a.dtype):
        return a + value * t1 * t2
    scaled = (np.float32(value) * t1.astype(np.float32)).astype(np.float64)
    return (scaled * t2.astype(np.float64) + a.astype(np.float64)).astype(np.float32).astype(a.dtype)


class CrossMapLrn2d(Function):
    """x / (k + alpha / size * window sum of x^2) ** beta, with PyTorch's legacy window and backward, in PyTorch's
    order of operations (channel by channel), each step rounded to the input's dtype as PyTorch's are."""
    torch_name = "CrossMapLRN2dBackward"
    op_name = "CrossMapLRN2d"
    half_native = True

    def forward(ctx, x, size, alpha, beta, k):
        xp, channels = ctx.xp, x.shape[1]
        reach = (size - 1) // 2 + 1
        squares = x * x
        scale = xp.empty_like(x)
        running = xp.zeros_like(x[:, 0])
        for c in range(min(reach, channels)):
            running = running + squares[:, c]
        scale[:, 0] = running
        for c in range(1, channels):   # a running sum that adds the next channel and drops one, never channel 0
            if c + reach - 1 < channels:
                running = running + squares[:, c + reach - 1]
            if c > reach:
                running = running - squares[:, c - reach]
            scale[:, c] = running
        scale = _scalar_step(lambda s: s * (alpha / size), scale)
        scale = scale + np.asarray(k).astype(x.dtype)   # PyTorch adds a Python scalar in the tensor's dtype
        out = _power(scale, -beta) * x
        ctx.size, ctx.alpha, ctx.beta = size, alpha, beta
        ctx.save_for_backward(x, scale, out)
        return out

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            raise RuntimeError("CrossMapLRN2d: its backward cannot be differentiated again (create_graph=True), "
                               "as PyTorch's legacy module cannot; use nn.LocalResponseNorm for higher-order "
                               "gradients")
        size = ctx.size
        if size < 2:
            raise RuntimeError("CrossMapLRN2d: backward needs size >= 2 (PyTorch's legacy backward fails for "
                               "size 1); use nn.LocalResponseNorm(1, ...) instead")
        xp = ctx.xp
        x, scale, out = ctx.saved_tensors
        n, channels, h, w = x.shape
        grad = _power(scale, -ctx.beta) * gy
        lead = (size + 1) // 2
        padded = xp.zeros((n, channels + size - 1, h, w), x.dtype)
        padded[:, lead:lead + channels] = gy * out / scale
        # a sum over a dim accumulates half values in float32 and rounds once, as PyTorch's reductions do
        running = padded[:, :size - 1].sum(1, dtype=np.float32 if is_half(x.dtype) else x.dtype).astype(x.dtype)
        weight = -2 * ctx.alpha * ctx.beta / size
        for c in range(channels):
            running = running + padded[:, c + size - 1]
            grad[:, c] = _add_product(grad[:, c], weight, x[:, c], running)
            running = running - padded[:, c]
        return grad, None, None, None, None


def cross_map_lrn2d(input, size, alpha=1e-4, beta=0.75, k=1):
    """PyTorch's legacy CrossMapLRN2d on a 4-D (N, C, H, W) float input (see the module docstring for how its
    window and gradient differ from local_response_norm's)."""
    op = "CrossMapLRN2d"
    float_input(op, input)
    if input.ndim != 4:
        raise ValueError(f"{op}: expects a 4-D input (N, C, H, W), got {input.ndim}-D of shape "
                         f"{tuple(input.shape)}; add the missing dims with unsqueeze")
    if not isinstance(size, (int, np.integer)) or isinstance(size, bool) or size < 1:
        raise ValueError(f"{op}: size must be a positive int, got {size!r}")
    if input.shape[1] == 0:
        raise IndexError(f"{op}: the input has no channels (shape {tuple(input.shape)}); it needs at least one")
    return CrossMapLrn2d.apply(input, int(size), float(alpha), float(beta), float(k))
