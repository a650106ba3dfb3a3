"""The discrete Fourier transforms as graph ops, on exact sizes (the frontends in autograd/fft.py pad or
trim the input first, as differentiable ops of their own).

A transform is linear, so its gradient is its adjoint applied to the incoming gradient: the adjoint of
fftn with norm m is ifftn with the dual norm (backward <-> forward, ortho stays); that of rfftn is the
inverse transform of the half spectrum padded with zeros, real part; that of irfftn is rfftn with every
coefficient that stands for two (all but the zero and Nyquist frequencies of the last axis) counted twice.
"""
import numpy as np

from ..function import Function
from ..tensor import Tensor

#: the norm whose scaling makes a transform with this norm the adjoint of its inverse
DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


class _QuietFFT:
    """numpy.fft's transforms with NumPy's floating-point warnings off: they warn from numpy.fft's own Python
    module (an inf or NaN input, a float32 overflow), where autograd's filter does not reach, and PyTorch's
    transforms are silent. A transform's cost dwarfs the errstate."""

    def __getattr__(self, name):
        transform = getattr(np.fft, name)

        def quiet(*args, **kwargs):
            with np.errstate(all="ignore"):
                return transform(*args, **kwargs)
        return quiet


_QUIET_FFT = _QuietFFT()


def _fft(xp):
    """The array module's fft namespace (numpy.fft, its warnings off, or cupy.fft)."""
    return _QUIET_FFT if xp is np else xp.fft


class FFTn(Function):
    """Complex-to-complex transform over `axes` (the inverse one when `inverse`)."""
    complex_ready = True
    op_name = "fft"
    torch_name = "FftC2CBackward0"

    def forward(ctx, x, axes, norm, inverse):
        ctx.axes, ctx.norm, ctx.inverse = axes, norm, inverse
        transform = _fft(ctx.xp).ifftn if inverse else _fft(ctx.xp).fftn
        return transform(x, axes=axes, norm=norm)

    def backward(ctx, gy):
        if isinstance(gy, Tensor):
            return FFTn.apply(gy, ctx.axes, DUAL[ctx.norm], not ctx.inverse), None, None, None
        transform = _fft(ctx.xp).fftn if ctx.inverse else _fft(ctx.xp).ifftn
        return transform(gy, axes=ctx.axes, norm=DUAL[ctx.norm]), None, None, None


class RFFTn(Function):
    """Real-to-complex transform over `axes`: the half spectrum along the last of them."""
    complex_ready = True
    op_name = "rfft"
    torch_name = "FftR2CBackward0"

    def forward(ctx, x, axes, norm):
        ctx.axes, ctx.norm = axes, norm
        ctx.length = x.shape[axes[-1]]
        ctx.dtype = x.dtype
        return _fft(ctx.xp).rfftn(x, axes=axes, norm=norm)

    def backward(ctx, gy):
        last = ctx.axes[-1]
        widths = [(0, 0)] * gy.ndim
        widths[last] = (0, ctx.length - gy.shape[last])
        if isinstance(gy, Tensor):
            from .complex_ops import real
            from .shape import pad
            full = FFTn.apply(pad(gy, tuple(widths)), ctx.axes, DUAL[ctx.norm], True)
            return real(full), None, None
        full = _fft(ctx.xp).ifftn(ctx.xp.pad(gy, widths), axes=ctx.axes, norm=DUAL[ctx.norm])
        return full.real.astype(ctx.dtype), None, None


class IRFFTn(Function):
    """Complex-to-real transform over `axes`, from a half spectrum to `length` points along the last axis."""
    complex_ready = True
    op_name = "irfft"
    torch_name = "FftC2RBackward0"

    def forward(ctx, x, axes, length, norm):
        ctx.axes, ctx.norm, ctx.length = axes, norm, length
        sizes = [x.shape[a] for a in axes[:-1]] + [length]
        return _fft(ctx.xp).irfftn(x, s=sizes, axes=axes, norm=norm)

    def backward(ctx, gy):
        last, length = ctx.axes[-1], ctx.length
        half = length // 2 + 1
        twice = np.full(half, 2.0)
        twice[0] = 1.0
        if length % 2 == 0:
            twice[-1] = 1.0
        shape = [1] * gy.ndim
        shape[last] = half
        if isinstance(gy, Tensor):
            weights = Tensor(twice.reshape(shape).astype(gy.dtype), device=gy.device)
            return RFFTn.apply(gy, ctx.axes, DUAL[ctx.norm]) * weights, None, None, None
        spectrum = _fft(ctx.xp).rfftn(gy, axes=ctx.axes, norm=DUAL[ctx.norm])
        return spectrum * ctx.xp.asarray(twice.reshape(shape), dtype=gy.dtype), None, None, None
