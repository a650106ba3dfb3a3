"""keras.ops Fourier transforms. As in Keras, their inputs and outputs are (real, imag) pairs of float
tensors (ag.fft holds the transforms on complex tensors). The transforms run NumPy's FFT inside one node whose
backward is the adjoint transform, so gradients flow; rfft, irfft, stft and istft are built from it."""
import numpy as np

import autograd as ag
from autograd.errors import ShapeError

from .. import functional as F
from .ops_args import _float, _t


class _ComplexDFT(ag.Function):
    """The DFT (or its inverse) over the last `axes` axes of real + i imag; returns the real and imaginary
    parts."""
    n_out = 2

    @staticmethod
    def forward(ctx, real, imag, axes, inverse):
        ctx.axes, ctx.inverse = axes, inverse
        dims = tuple(range(-axes, 0))
        z = ctx.xp.asarray(real) + 1j * ctx.xp.asarray(imag)
        out = (ctx.xp.fft.ifftn if inverse else ctx.xp.fft.fftn)(z, axes=dims)
        dtype = real.dtype
        return out.real.astype(dtype), out.imag.astype(dtype)

    @staticmethod
    def backward(ctx, grad_real, grad_imag):
        # the adjoint of the unnormalised DFT is n * ifft, and of ifft (which divides by n) it is fft / n
        xp = ctx.xp
        dims = tuple(range(-ctx.axes, 0))
        g = (0 if grad_real is None else grad_real) + 1j * (0 if grad_imag is None else grad_imag)
        size = int(np.prod(g.shape[-ctx.axes:]))
        out = xp.fft.fftn(g, axes=dims) / size if ctx.inverse else xp.fft.ifftn(g, axes=dims) * size
        dtype = (grad_real if grad_real is not None else grad_imag).dtype
        return out.real.astype(dtype), out.imag.astype(dtype), None, None


def _pair(x, op):
    if not (isinstance(x, (tuple, list)) and len(x) == 2):
        raise ValueError(f"keras.ops.{op}: x must be a (real, imag) pair of tensors, as Keras takes it, got "
                         f"{type(x).__name__}")
    real, imag = _float(x[0]), _float(x[1])
    if tuple(real.shape) != tuple(imag.shape):
        raise ValueError(f"keras.ops.{op}: real and imag must have the same shape, got {tuple(real.shape)} and "
                         f"{tuple(imag.shape)}")
    if imag.dtype != real.dtype:
        imag = imag.astype(real.dtype)
    return real, imag


def _dft(real, imag, axes, inverse, op):
    if real.ndim < axes:
        raise ValueError(f"keras.ops.{op}: needs at least {axes} axes, got shape {tuple(real.shape)}")
    return _ComplexDFT.apply(real, imag, axes, inverse)


def fft(x):
    """The discrete Fourier transform along the last axis of x = (real, imag); returns (real, imag)."""
    real, imag = _pair(x, "fft")
    return _dft(real, imag, 1, False, "fft")


def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes of x = (real, imag)."""
    real, imag = _pair(x, "fft2")
    return _dft(real, imag, 2, False, "fft2")


def ifft2(x):
    """The inverse 2-D discrete Fourier transform over the last two axes of x = (real, imag)."""
    real, imag = _pair(x, "ifft2")
    return _dft(real, imag, 2, True, "ifft2")


def _fit_last(x, length):
    """x cut or zero-padded to `length` along its last axis."""
    if x.shape[-1] > length:
        return x[..., :length]
    if x.shape[-1] < length:
        return F.pad(x, (0, length - x.shape[-1]))
    return x


def rfft(x, fft_length=None):
    """The DFT of real x along its last axis (cut or zero-padded to fft_length), keeping the
    fft_length // 2 + 1 non-negative frequencies; returns (real, imag)."""
    x = _float(x)
    length = x.shape[-1] if fft_length is None else int(fft_length)
    if length < 1:
        raise ShapeError(f"keras.ops.rfft: invalid number of data points ({length}) specified (input shape "
                         f"{tuple(x.shape)}); pass fft_length >= 1, or leave it out to use the last axis's size")
    x = _fit_last(x, length)
    real, imag = _dft(x, ag.zeros_like(x), 1, False, "rfft")
    return real[..., :length // 2 + 1], imag[..., :length // 2 + 1]


def irfft(x, fft_length=None):
    """The real signal of length fft_length (default 2 * (bins - 1)) whose rfft is x = (real, imag)."""
    real, imag = _pair(x, "irfft")
    length = 2 * (real.shape[-1] - 1) if fft_length is None else int(fft_length)
    if length < 1:
        raise ValueError(f"keras.ops.irfft: fft_length must be positive, got {length}")
    bins = length // 2 + 1
    real, imag = _fit_last(real, bins), _fit_last(imag, bins)
    # the full Hermitian spectrum: the mirrored bins are the conjugates of bins 1 .. (length - 1) // 2
    mirror = slice((length - 1) // 2, 0, -1)
    full_real = ag.cat([real, real[..., mirror]], dim=-1) if (length - 1) // 2 else real
    full_imag = ag.cat([imag, -imag[..., mirror]], dim=-1) if (length - 1) // 2 else imag
    return _dft(full_real, full_imag, 1, True, "irfft")[0]


def _window(window, sequence_length, fft_length, dtype, op):
    if window is None:
        win = np.ones(sequence_length)
    elif isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"keras.ops.{op}: window must be 'hann', 'hamming', None or a tensor, got {window!r}")
        k = np.arange(sequence_length)
        alpha = 0.5 if window == "hann" else 0.54
        win = alpha - (1 - alpha) * np.cos(2 * np.pi * k / sequence_length)   # periodic, as Keras's
    else:
        win = np.asarray(_t(window).numpy(), np.float64)
        if win.shape != (sequence_length,):
            raise ValueError(f"keras.ops.{op}: window must have shape ({sequence_length},), got {win.shape}")
    left = (fft_length - sequence_length) // 2
    return ag.tensor(np.pad(win, (left, fft_length - sequence_length - left)).astype(dtype))


def _check_lengths(sequence_length, fft_length, op):
    if fft_length < sequence_length:
        raise ValueError(f"keras.ops.{op}: fft_length ({fft_length}) must be at least sequence_length "
                         f"({sequence_length})")


def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """The short-time Fourier transform of real x (..., samples): windowed frames of sequence_length every
    sequence_stride samples (reflect-padded by fft_length // 2 when center), each rfft'd to fft_length; returns
    (real, imag) of shape (..., frames, fft_length // 2 + 1)."""
    x = _t(x)
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(f"keras.ops.stft: x must be float32 or float64, got {x.dtype}; cast it first")
    _check_lengths(sequence_length, fft_length, "stft")
    win = _window(window, sequence_length, fft_length, x.dtype, "stft")
    batch = tuple(x.shape[:-1])
    flat = x.reshape(-1, x.shape[-1])
    if center:
        pad = fft_length // 2
        if pad >= flat.shape[-1]:
            raise ShapeError(f"keras.ops.stft: center=True reflect-pads by {pad}, which needs more than {pad} "
                             f"samples; got {flat.shape[-1]}: pass a shorter fft_length or center=False")
        flat = F.pad(flat.unsqueeze(1), (pad, pad), mode="reflect").squeeze(1)
    frames = (flat.shape[-1] - fft_length) // sequence_stride + 1
    index = ag.arange(frames).reshape(frames, 1) * sequence_stride + ag.arange(fft_length).reshape(1, -1)
    real, imag = rfft(flat[:, index] * win, fft_length)
    return real.reshape(*batch, frames, real.shape[-1]), imag.reshape(*batch, frames, imag.shape[-1])


def _overlap_add(frames, stride):
    """Frames (B, N, L) added into one signal (B, stride * (N - 1) + L)."""
    b, n, length = frames.shape
    total = stride * (n - 1) + length
    return F.fold(ag.permute(frames, (0, 2, 1)), (1, total), (1, length), stride=(1, stride)).reshape(b, total)


def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """The inverse of stft: each frame of x = (real, imag) (..., frames, bins) irfft'd, windowed and
    overlap-added, then normalised by the summed squared window (over the whole signal, as PyTorch's istft, when
    sequence_length == fft_length, center=True and a window is given; by its per-stride sum, as TensorFlow's,
    otherwise), with fft_length // 2 cut from each end when center; `length` sets the output length."""
    real, imag = _pair(x, "istft")
    _check_lengths(sequence_length, fft_length, "istft")
    signal = irfft((real, imag), fft_length)
    batch, count = tuple(signal.shape[:-2]), signal.shape[-2]
    if sequence_stride > fft_length:
        raise ValueError(f"keras.ops.istft: sequence_stride ({sequence_stride}) must be at most fft_length "
                         f"({fft_length})")
    win = _window(window, sequence_length, fft_length, signal.dtype, "istft")
    frames = signal.reshape(-1, count, fft_length)
    start = fft_length // 2 if center else 0
    if sequence_length == fft_length and center and window is not None:
        out = _overlap_add(frames * win, sequence_stride)
        envelope = _overlap_add((win * win).reshape(1, 1, -1).expand(1, count, fft_length), sequence_stride)
        end = start + length if length is not None else out.shape[-1] - start
        out, envelope = out[:, start:end], envelope[:, start:end]
        out = out / ag.where(envelope.abs() > 1e-11, envelope, 1.0)
        if length is not None and out.shape[-1] < length:
            out = F.pad(out, (0, length - out.shape[-1]))
        return out.reshape(*batch, out.shape[-1])
    if window is not None:
        squares = np.asarray(win.numpy(), np.float64) ** 2
        steps = -(-fft_length // sequence_stride)
        per_phase = np.pad(squares, (0, steps * sequence_stride - fft_length)).reshape(steps, sequence_stride).sum(0)
        denom = np.tile(per_phase, steps)[:fft_length]
        frames = frames * ag.tensor((win.numpy() / denom).astype(signal.dtype))
    out = _overlap_add(frames, sequence_stride)
    if length is not None:
        end = start + length
    else:
        end = out.shape[-1] - fft_length // 2 if center else out.shape[-1]
    out = out[:, start:end]
    return out.reshape(*batch, out.shape[-1])
