"""torch.fake_quantize_per_tensor_affine and fake_quantize_per_channel_affine: quantize to integers and straight
back, as quantization-aware training does, with PyTorch's exact numbers.

PyTorch computes in float32 whatever the input dtype: q = nearbyint(float32(x) * (1 / float32(scale))) + zero_point
(halves to even), clamped to [quant_min, quant_max], then (q - zero_point) * scale. The per-tensor form rounds
that product to float32 too; the per-channel form takes it in the input's dtype, and with a floating zero_point it
adds the zero point before rounding. The gradient is straight-through: the output's gradient where the unclamped
q lies in [quant_min, quant_max], zero elsewhere. scale and zero_point get none (PyTorch's public forms refuse a
scale or zero_point that requires grad; torch._fake_quantize_learnable_* are the differentiable ones).
"""
import numbers

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .dims import check_tensor


class FakeQuantize(Function):
    """Quantize-dequantize with a straight-through gradient; scale, zero_point arrays already shaped to x's."""
    op_name = "fake_quantize"

    def forward(ctx, x, scale, zero_point, quant_min, quant_max, float_zero, per_tensor):
        xp = ctx.xp
        f32 = np.float32
        with np.errstate(divide="ignore", invalid="ignore"):     # scale 0 gives inf and NaN, as PyTorch's
            scaled = x.astype(f32) * (f32(1) / scale.astype(f32))
        q = xp.rint(scaled + zero_point.astype(f32)) if float_zero else xp.rint(scaled) + zero_point.astype(f32)
        ctx.mask = (q >= quant_min) & (q <= quant_max)      # False for NaN too
        clamped = xp.fmin(xp.fmax(q, f32(quant_min)), f32(quant_max))   # fmin/fmax: NaN gives the bound, as C's
        if per_tensor:
            out = (clamped - zero_point.astype(f32)) * scale.astype(f32)
        else:
            out = (clamped.astype(x.dtype) - zero_point.astype(x.dtype)) * scale.astype(x.dtype)
        return out.astype(x.dtype, copy=False)

    def backward(ctx, g):
        return g * ctx.mask, None, None, None, None, None, None


def _check_range(op, quant_min, quant_max):
    for name, v in (("quant_min", quant_min), ("quant_max", quant_max)):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{op}: {name} must be an int, got {v!r}")
    if quant_min > quant_max:
        raise RuntimeError(f"{op}: `quant_min` should be less than or equal to `quant_max`, got quant_min="
                           f"{quant_min} and quant_max={quant_max}")


def _check_input(op, input):
    check_tensor(op, input)
    if input.dtype.kind != "f" and input.dtype.name != "bfloat16":
        raise TypeError(f"{op}: input must be a floating-point tensor, got {input.dtype}; convert it with "
                        f".float() first")


def _refuse_grad(op, name, value):
    if isinstance(value, Tensor) and value.requires_grad:
        raise RuntimeError(f"{op}: is not differentiable with respect to argument '{name}' (as in PyTorch); pass "
                           f"{name}.detach(), or use a learnable fake-quantize written from ops to train it")


def fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max):
    """Quantize input with one scale (a float or a one-element tensor) and one integer zero_point (an int or a
    one-element integer tensor) to [quant_min, quant_max], and dequantize: (clamp(round(x / scale) + zero_point)
    - zero_point) * scale, rounding halves to even. Straight-through gradient inside the range, zero outside."""
    op = "fake_quantize_per_tensor_affine"
    _check_input(op, input)
    _check_range(op, quant_min, quant_max)
    params = []
    for name, v in (("scale", scale), ("zero_point", zero_point)):
        _refuse_grad(op, name, v)
        if isinstance(v, Tensor):
            if v.numel() != 1:
                raise RuntimeError(f"{op}: {name} must hold one value, got a tensor of shape {tuple(v.shape)}; "
                                   f"for one {name} per channel use fake_quantize_per_channel_affine")
            v = v.detach().numpy().reshape(()).item()
        elif isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"{op}: {name} must be a number or a one-element tensor, got {type(v).__name__}")
        params.append(v)
    scale, zero_point = params
    if zero_point != int(zero_point):
        raise TypeError(f"{op}: zero_point must be an integer, got {zero_point!r}; round it first")
    zero_point = int(zero_point)
    if not quant_min <= zero_point <= quant_max:
        raise RuntimeError(f"{op}: `zero_point` must be between `quant_min` and `quant_max`, got zero_point="
                           f"{zero_point} outside [{quant_min}, {quant_max}]")
    return FakeQuantize.apply(input, np.float32(scale), np.float32(zero_point), quant_min, quant_max, False, True)


def fake_quantize_per_channel_affine(input, scale, zero_point, axis, quant_min, quant_max):
    """fake_quantize_per_tensor_affine with one scale (float32 1-D tensor) and one zero_point (int32, float32 or
    float16 1-D tensor) per slice of input along `axis` (0 <= axis < input.ndim). Integer zero points must lie in
    [quant_min, quant_max]; a floating zero point is added before rounding. Straight-through gradient."""
    op = "fake_quantize_per_channel_affine"
    _check_input(op, input)
    _check_range(op, quant_min, quant_max)
    for name, v in (("scale", scale), ("zero_point", zero_point)):
        if not isinstance(v, Tensor):
            raise TypeError(f"{op}: {name} must be a 1-D tensor, got {type(v).__name__}")
        _refuse_grad(op, name, v)
    if scale.dtype != np.float32:
        raise RuntimeError(f"{op}: Scale must be Float, found {scale.dtype}; pass scale.float()")
    if zero_point.dtype not in (np.int32, np.float32, np.float16):
        raise RuntimeError(f"{op}: Zero-point must be Int32, Float or Half, found {zero_point.dtype}; pass "
                           f"zero_point.int()")
    if scale.ndim != 1:
        raise RuntimeError(f"{op}: scale should be a 1-D tensor, got shape {tuple(scale.shape)}")
    if tuple(scale.shape) != tuple(zero_point.shape):
        raise RuntimeError(f"{op}: scale and zero-point need to have the same dimensions, got scale "
                           f"{tuple(scale.shape)} and zero_point {tuple(zero_point.shape)}")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not 0 <= axis < max(input.ndim, 1):
        raise RuntimeError(f"{op}: `axis` must be between 0 and number of dimensions of input, got axis={axis!r} "
                           f"for input of shape {tuple(input.shape)}")
    if input.ndim == 0:
        raise IndexError(f"{op}: input is 0-d (a number) and has no axis {axis}; reshape it to (1,)")
    if scale.shape[0] != input.shape[axis]:
        raise RuntimeError(f"{op}: dimensions of scale and zero-point are not consistent with input tensor: "
                           f"{scale.shape[0]} values for axis {axis} of size {input.shape[axis]} (input "
                           f"{tuple(input.shape)})")
    zeros = zero_point.detach().numpy()
    float_zero = zeros.dtype.kind == "f"
    if not float_zero and zeros.size and (zeros.min() < quant_min or zeros.max() > quant_max):
        raise RuntimeError(f"{op}: `zero_point` must be between `quant_min` and `quant_max`, got zero points in "
                           f"[{zeros.min()}, {zeros.max()}] for [{quant_min}, {quant_max}]")
    shape = [1] * input.ndim
    shape[axis] = -1
    xp = input._device.xp
    scale_b = xp.asarray(scale.detach().numpy().reshape(shape))
    zero_b = xp.asarray(zeros.astype(np.float32).reshape(shape))
    return FakeQuantize.apply(input, scale_b, zero_b, quant_min, quant_max, float_zero, False)
