"""Complex forms of ops whose real formula does not carry over as it stands, found by auditing every public op
against PyTorch on complex input: acosh (its derivative split as 1/(sqrt(z-1) sqrt(z+1)) on the principal
branch), sinc, logsumexp, logcumsumexp, silu, linear ops whose kernels take real arrays only (pooling: run on
each part), and the composites called by the public functions on their complex path (logaddexp, convolutions as
four real ones). Each gradient follows PyTorch's convention (autograd/complex_forms.py)."""
import math

import numpy as np

from .. import complex_forms
from ..function import Function
from . import activation, embedding, gather, pooling, reduction, scatter_reduce, statistics, trig
from .complex_ops import complex as make_complex, imag, real
from .elementwise import add, exp, log1p, sub, where


class AcoshComplex(Function):
    """acosh(z), whose derivative 1 / (sqrt(z - 1) sqrt(z + 1)) is right on the whole principal branch
    (1 / sqrt(z^2 - 1) takes the other sign where Re z < 0)."""
    complex_ready = True
    op_name = "acosh"
    torch_name = "AcoshBackward0"

    def forward(ctx, z):
        ctx.save_for_backward(z)
        return ctx.xp.arccosh(z)

    def backward(ctx, gy):
        z = ctx.saved_tensors[0]
        xp = ctx.xp
        return gy * xp.conj(1 / (xp.sqrt(z - 1) * xp.sqrt(z + 1)))


class SincComplex(Function):
    """sin(pi z) / (pi z), 1 at 0 (where its derivative is 0)."""
    complex_ready = True
    op_name = "sinc"
    torch_name = "SincBackward0"

    def forward(ctx, z):
        xp = ctx.xp
        zero = z == 0
        y = xp.where(zero, 1, z) * math.pi
        ctx.save_for_backward(z)
        return xp.where(zero, 1, xp.sin(y) / y).astype(z.dtype, copy=False)

    def backward(ctx, gy):
        xp = ctx.xp
        z = ctx.saved_tensors[0]
        zero = z == 0
        y = xp.where(zero, 1, z) * math.pi
        slope = (y * xp.cos(y) - xp.sin(y)) / (y * y) * math.pi
        return xp.where(zero, 0, gy * xp.conj(slope))


def _shift(xp, z, axes):
    """The largest real part over `axes` (kept), 0 where it is not finite: subtracted before exp."""
    if z.size == 0:
        return xp.zeros((1,) * z.ndim, z.real.dtype)
    m = z.real.max(axis=axes, keepdims=True)
    return xp.where(xp.isfinite(m), m, 0)


class LogSumExpComplex(Function):
    """log(sum(exp(z))) over axes, shifted by the largest real part; the gradient conj(exp(z - out)) g."""
    complex_ready = True
    op_name = "logsumexp"
    torch_name = "LogsumexpBackward0"

    def forward(ctx, z, axis=None, keepdims=False):
        xp = ctx.xp
        ctx.axes = reduction._axes(axis, z.ndim)
        ctx.keepdims = keepdims
        m = _shift(xp, z, ctx.axes)
        out = xp.log(xp.exp(z - m).sum(axis=ctx.axes, keepdims=True)) + m
        out = out if keepdims else out.reshape([n for i, n in enumerate(z.shape) if i not in ctx.axes])
        ctx.save_for_backward(z, out)
        return out

    def backward(ctx, gy):
        z, out = ctx.saved_tensors
        g = reduction._expand(gy, z.shape, ctx.axes, ctx.keepdims)
        return g * ctx.xp.conj(ctx.xp.exp(z - reduction._expand(out, z.shape, ctx.axes, ctx.keepdims)))


class LogCumSumExpComplex(Function):
    """log(cumsum(exp(z))) along a dim, shifted by the largest real part; the gradient of z_j is
    conj(exp(z_j)) times the reversed cumulative sum of g_k conj(exp(-out_k))."""
    complex_ready = True
    op_name = "logcumsumexp"
    torch_name = "LogcumsumexpBackward0"
    differentiable_backward = False

    def forward(ctx, z, d):
        xp = ctx.xp
        m = _shift(xp, z, None)
        out = xp.log(xp.cumsum(xp.exp(z - m), axis=d)) + m
        ctx.d, ctx.m = d, m
        ctx.save_for_backward(z, out)
        return out

    def backward(ctx, gy):
        z, out = ctx.saved_tensors
        xp, d, m = ctx.xp, ctx.d, ctx.m
        weights = gy * xp.conj(xp.exp(m - out))
        tail = xp.flip(xp.cumsum(xp.flip(weights, d), axis=d), d)
        return tail * xp.conj(xp.exp(z - m)), None


class SiluComplex(Function):
    """z * sigmoid(z) (the real op's kernel takes real arrays); the gradient conj(s (1 + z (1 - s))) g."""
    complex_ready = True
    op_name = "silu"
    torch_name = "SiluBackward0"

    def forward(ctx, z):
        s = 1 / (1 + ctx.xp.exp(-z))
        ctx.save_for_backward(z, s)
        return z * s

    def backward(ctx, gy):
        z, s = ctx.saved_tensors
        return gy * ctx.xp.conj(s * (1 + z * (1 - s)))


def _parts(xp, a):
    return xp.ascontiguousarray(a.real), xp.ascontiguousarray(a.imag)


def _joined(xp, re, im):
    out = xp.empty(re.shape, np.result_type(re.dtype, np.complex64))
    out.real = re
    out.imag = im
    return out


def by_parts(cls):
    """A form of `cls`, a Function linear in its first argument with real coefficients (pooling, resampling) whose
    kernels take real arrays, run on the real and the imaginary part in turn; its backward (of arrays, not
    differentiable) likewise on the gradient's parts."""

    def forward(ctx, z, *args, **kwargs):
        re, im = _parts(ctx.xp, z)
        out_re = cls.forward(ctx, re, *args, **kwargs)
        return _joined(ctx.xp, out_re, cls.forward(ctx, im, *args, **kwargs))

    def backward(ctx, gy):
        re, im = _parts(ctx.xp, gy)
        g_re, g_im = cls.backward(ctx, re), cls.backward(ctx, im)
        if not isinstance(g_re, tuple):
            return _joined(ctx.xp, g_re, g_im)
        return (None if g_re[0] is None else _joined(ctx.xp, g_re[0], g_im[0]),) + tuple(g_re[1:])

    return type(cls.__name__, (cls,), {"forward": forward, "backward": backward, "complex_ready": True,
                                       "differentiable_backward": False, "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__, "__doc__": cls.__doc__})


_AdaptiveByParts = by_parts(pooling.AdaptiveAvgPool2d)


class AdaptiveMeanComplex(_AdaptiveByParts):
    """Adaptive average pooling of a complex input to one value per plane (the mean over H and W): the only
    output size PyTorch pools complex values to; other sizes are refused as there."""

    def forward(ctx, z, out_hw):
        if tuple(out_hw) != (1, 1):
            raise RuntimeError(f"adaptive_avg_pool2d: complex input pools only to output size 1 (the mean over H "
                               f"and W), as in PyTorch; got output size {tuple(out_hw)}: pool z.real and z.imag apart")
        return _AdaptiveByParts.forward(ctx, z, out_hw)


# ----- composites for the public functions' complex paths ---------------------------------------------------

def logaddexp(a, b):
    """log(exp(a) + exp(b)) for complex tensors of one dtype: the one with the larger real part factored out."""
    first = real(a).detach() > real(b).detach()
    big, small = where(first, a, b), where(first, b, a)
    return add(big, log1p(exp(sub(small, big))))


def bilinear_parts(fn, spatial, x, w, bias, *args):
    """fn(x, w, None, *args) + bias for complex x or w from four real calls of the bilinear fn (convolutions with
    `spatial` dims after the channels; the bias is added along the channels):
    (xr + i xi)(wr + i wi) = xr wr - xi wi + i (xr wi + xi wr), differentiable through the parts."""
    if x.dtype != w.dtype or bias is not None and bias.dtype != x.dtype:
        raise TypeError(f"{fn.__name__}: input ({x.dtype}), weight ({w.dtype}) and bias must have one dtype when one "
                        f"is complex, as in PyTorch; convert with .to({x.dtype if x.dtype.kind == 'c' else w.dtype})")

    def split(t):
        if t.dtype.kind == "c":
            return real(t), imag(t)
        return t, None
    (xr, xi), (wr, wi) = split(x), split(w)
    dtype = np.dtype(np.float64) if np.float64 in (xr.dtype, wr.dtype) else np.dtype(np.float32)
    xr, wr = xr.astype(dtype), wr.astype(dtype)
    xi = None if xi is None else xi.astype(dtype)
    wi = None if wi is None else wi.astype(dtype)
    re = fn(xr, wr, None, *args)
    im = None
    if xi is not None and wi is not None:
        re = sub(re, fn(xi, wi, None, *args))
    if wi is not None:
        im = fn(xr, wi, None, *args)
    if xi is not None:
        part = fn(xi, wr, None, *args)
        im = part if im is None else add(im, part)
    out = make_complex(re, im if im is not None else re * 0)
    if bias is not None:
        out = add(out, bias.reshape((-1,) + (1,) * spatial))
    return out


complex_forms.explicit(trig.Acosh, AcoshComplex)
complex_forms.explicit(trig.Sinc, SincComplex)
complex_forms.explicit(reduction.LogSumExp, LogSumExpComplex)
complex_forms.explicit(statistics.LogCumSumExp, LogCumSumExpComplex)
complex_forms.explicit(activation.Silu, SiluComplex)
complex_forms.explicit(pooling.AdaptiveAvgPool2d, AdaptiveMeanComplex)
complex_forms.holomorphic(gather.Scatter, embedding.Embedding, scatter_reduce.ScatterReduce)
