"""Discrete Fourier transforms with PyTorch's torch.fft names, arguments and results: fft/ifft (1-D),
fft2/ifft2, fftn/ifftn, their real forms rfft*/irfft* and Hermitian forms hfft*/ihfft*, the sample
frequencies fftfreq/rfftfreq, and fftshift/ifftshift. Every transform is differentiable.

`n`/`s` pad the input with zeros or trim it along the transformed dims first (-1 keeps a size); `norm` is
"backward" (the default: no scaling forward, 1/n on the inverse), "ortho" (1/sqrt(n) both ways) or
"forward" (1/n forward). Real input to a complex transform gives a complex result; float32 data gives
complex64 and float64 gives complex128.
"""
import operator

import numpy as np

from .bf16_dtype import is_bf16
from .dtypes import complex_dtype_of, get_default_dtype
from .errors import ArgumentKindError, ArgumentRangeError, DimRangeError, DtypeError, ShapeError
from .function import named
from .ops.complex_ops import conj
from .ops.dims import check_tensor
from .ops.fft_ops import DUAL, FFTn, IRFFTn, RFFTn
from .ops.arrange import roll
from .ops.shape import pad

_NORMS = (None, "backward", "ortho", "forward")


def _norm(op, norm):
    if norm is not None and not isinstance(norm, str):   # PyTorch's parser: a TypeError (a ValueError before)
        raise ArgumentKindError(f"fft.{op}(): argument 'norm' must be str, not {type(norm).__name__} ({norm!r}); "
                                "pass 'backward', 'ortho' or 'forward'")
    if norm not in _NORMS:
        raise ArgumentRangeError(f"fft.{op}: norm must be 'backward', 'ortho' or 'forward' (or None), "
                                 f"got {norm!r}")
    return norm or "backward"


def _whole(op, name, value):
    """`value` as an int; PyTorch's TypeError naming the op and the argument for a float or another non-integer."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"fft.{op}(): argument '{name}' must be int, not {type(value).__name__} ({value!r}); pass a "
                        f"whole number, e.g. int({value!r})" if isinstance(value, float) else
                        f"fft.{op}(): argument '{name}' must be int, not {type(value).__name__}") from None


def _sequence(value):
    """True for a list, tuple or Size of sizes or dims (a 0-d tensor is one number)."""
    return hasattr(value, "__iter__") and getattr(value, "ndim", 1) != 0


def _as_dims(op, ndim, dim, unique=True):
    dims = tuple(dim) if _sequence(dim) else (dim,)
    out = []
    for d in dims:
        d = _whole(op, "dim", d)
        if not -ndim <= d < ndim:
            raise IndexError(f"fft.{op}: dim {d} is out of range for a tensor of {ndim} dims")
        out.append(d % ndim)
    if unique and len(set(out)) != len(out):
        raise ArgumentRangeError(f"fft.{op}: dims must be unique, got {dims}")
    return tuple(out)


def _plan(op, x, s, dim):
    """(dims, sizes) of a transform by PyTorch's rules for s and dim (dim None: every dim, or the last len(s)
    when s is given)."""
    keep = -1 if not isinstance(s, int) else None   # -1 keeps a size in s, not as a 1-D transform's n (PyTorch)
    if s is not None:
        s = tuple(_whole(op, "s", n) for n in s) if _sequence(s) else (_whole(op, "n", s),)
        if len(s) > x.ndim:
            raise ShapeError(f"fft.{op}: got {len(s)} sizes for a tensor of {x.ndim} dims; a transform needs a dim "
                             f"of the input for each")
    if dim is None:
        dims = tuple(range(x.ndim)) if s is None else tuple(range(x.ndim - len(s), x.ndim))
    else:
        dims = dim
    if x.ndim == 0 and _sequence(dims) and len(tuple(dims)) == 0:
        return (), ()   # fftn/ifftn of a 0-d tensor: nothing to transform, the value itself (as PyTorch)
    if x.ndim == 0:
        raise DimRangeError(f"fft.{op}: expects a tensor of at least 1 dim, got a 0-d tensor (dim "
                            f"{dims[0] if _sequence(dims) else dims} is out of range); only fftn/ifftn take one, over "
                            f"no dims")
    dims = _as_dims(op, x.ndim, dims)
    if s is not None and len(s) != len(dims):
        raise ShapeError(f"fft.{op}: s has {len(s)} sizes but dim names {len(dims)} dims; give one size per dim")
    sizes = tuple(x.shape[d] if s is None or s[i] == keep else s[i] for i, d in enumerate(dims))
    for n in sizes:
        if n < 1:
            raise ArgumentRangeError(f"fft.{op}: invalid number of data points ({n}) specified; each transformed dim "
                                     f"needs at least 1 (input shape {tuple(x.shape)}, dims {dims})")
    return dims, sizes


def _fit(x, dims, sizes):
    """x trimmed or padded with zeros along `dims` to `sizes` (differentiable)."""
    index = [slice(None)] * x.ndim
    widths = [(0, 0)] * x.ndim
    for d, n in zip(dims, sizes):
        if x.shape[d] > n:
            index[d] = slice(0, n)
        elif x.shape[d] < n:
            widths[d] = (0, n - x.shape[d])
    if any(s != slice(None) for s in index):
        x = x[tuple(index)]
    if any(w != (0, 0) for w in widths):
        x = pad(x, tuple(widths))
    return x


def _refuse_half(op, x):
    """PyTorch's CPU FFT has no float16 / bfloat16 kernel: its RuntimeError on the host devices."""
    if (x.dtype == np.float16 or is_bf16(x.dtype)) and x._device.host_memory:
        name = "Half" if x.dtype == np.float16 else "BFloat16"
        raise DtypeError(f"fft.{op}: Unsupported dtype {name} (input {x.dtype}, shape {tuple(x.shape)}): PyTorch's CPU "
                         "FFT takes float32 and float64; convert first, x.float()")


def _complex_input(op, x):
    check_tensor(f"fft.{op}", x)
    _refuse_half(op, x)
    kind = x.dtype.kind
    if kind == "c":
        return x
    if kind != "f" or x.dtype == np.float16:
        x = x.astype(get_default_dtype() if kind != "f" else np.float32)
    return x.astype(complex_dtype_of(x.dtype))


def _real_input(op, x):
    check_tensor(f"fft.{op}", x)
    _refuse_half(op, x)
    if x.dtype.kind == "c":
        raise DtypeError(f"fft.{op} expects a real input tensor, got {x.dtype}; use fft.fft{op.partition('fft')[2]} "
                         "for complex input")
    if x.dtype.kind != "f" or x.dtype == np.float16:
        x = x.astype(get_default_dtype() if x.dtype.kind != "f" else np.float32)
    return x


def _c2c(op, x, s, dim, norm, inverse):
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    x = _complex_input(op, x)   # (which refuses a non-tensor)
    real = kind != "c"
    dims, sizes = _plan(op, x, s, dim)
    out = FFTn.apply(_fit(x, dims, sizes), dims, _norm(op, norm), inverse)
    # PyTorch's fft/ifft transform a real input by the two-sided real-to-complex kernel (ifft: that, conjugated);
    # fftn and the others cast it to complex first
    return named(out, "ConjBackward0" if inverse else "FftR2CBackward0") if real and op in ("fft", "ifft") else out


def _transforms_an_axis(op, x, dims):
    """PyTorch's RuntimeError for a one-sided (real / Hermitian) transform over no dims (a 0-d input or dim=())."""
    if not dims:
        raise ShapeError(f"fft.{op} must transform at least one axis (input shape {tuple(x.shape)}); a 0-d tensor "
                         f"or dim=() has none: reshape(1) it, or use fft.fftn for the value as complex")


def _r2c(op, x, s, dim, norm):
    x = _real_input(op, x)
    dims, sizes = _plan(op, x, s, dim)
    _transforms_an_axis(op, x, dims)
    return RFFTn.apply(_fit(x, dims, sizes), dims, _norm(op, norm))


def _c2r(op, x, s, dim, norm):
    x = _complex_input(op, x)
    dims, sizes = _plan(op, x, s, dim)
    _transforms_an_axis(op, x, dims)
    last = dims[-1]
    given = s is not None and ((s,) if isinstance(s, int) else tuple(s))[-1] != -1
    length = sizes[-1] if given else 2 * (x.shape[last] - 1)
    if length < 1:
        raise ArgumentRangeError(f"fft.{op}: invalid number of data points ({length}) specified; the last "
                                 f"transformed dim of the input (size {x.shape[last]}) gives none, pass n/s")
    sizes = sizes[:-1] + (length // 2 + 1,)
    return IRFFTn.apply(_fit(x, dims, sizes), dims, length, _norm(op, norm))


def fft(input, n=None, dim=-1, norm=None):
    """The 1-D discrete Fourier transform of input along `dim`."""
    return _c2c("fft", input, n, (dim,), norm, False)


def ifft(input, n=None, dim=-1, norm=None):
    """The 1-D inverse discrete Fourier transform along `dim`."""
    return _c2c("ifft", input, n, (dim,), norm, True)


def fft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-D discrete Fourier transform over `dim` (the last two dims)."""
    return _c2c("fft2", input, s, dim, norm, False)


def ifft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-D inverse discrete Fourier transform over `dim`."""
    return _c2c("ifft2", input, s, dim, norm, True)


def fftn(input, s=None, dim=None, norm=None):
    """The N-D discrete Fourier transform over `dim` (every dim, or the last len(s) when only s is given)."""
    return _c2c("fftn", input, s, dim, norm, False)


def ifftn(input, s=None, dim=None, norm=None):
    """The N-D inverse discrete Fourier transform over `dim`."""
    return _c2c("ifftn", input, s, dim, norm, True)


def rfft(input, n=None, dim=-1, norm=None):
    """The 1-D transform of real input: the n // 2 + 1 non-negative frequencies."""
    return _r2c("rfft", input, n, (dim,), norm)


def rfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-D transform of real input (half spectrum along the last dim)."""
    return _r2c("rfft2", input, s, dim, norm)


def rfftn(input, s=None, dim=None, norm=None):
    """The N-D transform of real input (half spectrum along the last transformed dim)."""
    return _r2c("rfftn", input, s, dim, norm)


def irfft(input, n=None, dim=-1, norm=None):
    """The inverse of rfft: n real points (2 * (input size - 1) by default) from a half spectrum."""
    return _c2r("irfft", input, n, (dim,), norm)


def irfft2(input, s=None, dim=(-2, -1), norm=None):
    """The inverse of rfft2."""
    return _c2r("irfft2", input, s, dim, norm)


def irfftn(input, s=None, dim=None, norm=None):
    """The inverse of rfftn."""
    return _c2r("irfftn", input, s, dim, norm)


def hfft(input, n=None, dim=-1, norm=None):
    """The transform of a Hermitian-symmetric signal given by its first half: n real points."""
    return _c2r("hfft", conj(_complex_input("hfft", input)), n, (dim,), DUAL[_norm("hfft", norm)])


def ihfft(input, n=None, dim=-1, norm=None):
    """The inverse of hfft: the half of a Hermitian-symmetric spectrum of real input."""
    return conj(_r2c("ihfft", input, n, (dim,), DUAL[_norm("ihfft", norm)]))


def hfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-D form of hfft."""
    return _c2r("hfft2", conj(_complex_input("hfft2", input)), s, dim, DUAL[_norm("hfft2", norm)])


def _ihfft_over_dims(op, input, s, dim, norm):
    out = conj(_r2c(op, input, s, dim, DUAL[_norm(op, norm)]))
    # PyTorch conjugates the one-sided transform of the last dim, then runs complex passes over the others
    return named(out, "FftC2CBackward0") if len(_plan(op, input, s, dim)[0]) > 1 else out


def ihfft2(input, s=None, dim=(-2, -1), norm=None):
    """The 2-D form of ihfft."""
    return _ihfft_over_dims("ihfft2", input, s, dim, norm)


def hfftn(input, s=None, dim=None, norm=None):
    """The N-D form of hfft."""
    return _c2r("hfftn", conj(_complex_input("hfftn", input)), s, dim, DUAL[_norm("hfftn", norm)])


def ihfftn(input, s=None, dim=None, norm=None):
    """The N-D form of ihfft."""
    return _ihfft_over_dims("ihfftn", input, s, dim, norm)


def fftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    """The sample frequencies of an n-point transform with sample spacing d: [0, 1, ..., -2, -1] / (d n)."""
    return _frequencies(_spacing("fftfreq", n, d, np.fft.fftfreq), dtype, device, requires_grad)


def rfftfreq(n, d=1.0, *, dtype=None, device=None, requires_grad=False):
    """The non-negative sample frequencies of an n-point rfft: [0, 1, ..., n // 2] / (d n)."""
    return _frequencies(_spacing("rfftfreq", n, d, np.fft.rfftfreq), dtype, device, requires_grad)


def _spacing(op, n, d, numpy_form):
    """numpy_form(n, d) with PyTorch's edges: a negative n is refused, n = 0 or d = 0 give what PyTorch's
    arange(n) / (n * d) gives (an empty tensor or NaN, inf) instead of a ZeroDivisionError."""
    n = _whole(op, "n", n)
    if n < 0:
        raise ArgumentRangeError(f"fft.{op}: n must be >= 0, got {n}; it is the number of samples")
    if n and d:
        return numpy_form(n, d)
    with np.errstate(divide="ignore", invalid="ignore"):
        return numpy_form(n, 1.0) * n / np.float64(n * d) if n else np.full(int(op == "rfftfreq"), np.nan)


def _frequencies(values, dtype, device, requires_grad):
    from .creation import tensor
    return tensor(values.astype(dtype or get_default_dtype()), device=device, requires_grad=requires_grad)


def fftshift(input, dim=None):
    """The zero frequency moved to the middle of `dim` (every dim by default): a roll by size // 2."""
    check_tensor("fft.fftshift", input)
    dims = tuple(range(input.ndim)) if dim is None else _as_dims("fftshift", input.ndim, dim, unique=False)
    return roll(input, tuple(input.shape[d] // 2 for d in dims), dims) if dims else input


def ifftshift(input, dim=None):
    """The inverse of fftshift: a roll by -(size // 2)."""
    check_tensor("fft.ifftshift", input)
    dims = tuple(range(input.ndim)) if dim is None else _as_dims("ifftshift", input.ndim, dim, unique=False)
    return roll(input, tuple(-(input.shape[d] // 2) for d in dims), dims) if dims else input


__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn",
           "hfft", "ihfft", "hfft2", "ihfft2", "hfftn", "ihfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift"]
