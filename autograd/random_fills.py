"""PyTorch's in-place random fills (`uniform_`, `normal_`, `exponential_`, `log_normal_`, `cauchy_`,
`geometric_`, `random_`), each drawing from the device's generator or from `generator=`, an ag.Generator.

On the host devices both are PyTorch's CPU stream (backends/torch_stream.py), so a fill after
`ag.manual_seed(s)` holds what the same fill holds after `torch.manual_seed(s)`.
"""
import numpy as np

from backends.torch_stream import draw_dtype, draw_in_memory_order

from .dtypes import real_dtype_of
from .errors import ArgumentRangeError, UnsupportedDtypeError
from .random_generator import check_generator
from .tensor import _check_inplace


def _refuse_integers(t, op):
    """UnsupportedDtypeError for a fill of real draws into an integer or bool tensor (NumPy would truncate them
    to zeros silently; PyTorch: "not implemented for 'Long'")."""
    if t.dtype.kind in "biu":
        raise UnsupportedDtypeError(f"{op}: draws floating-point numbers, not implemented for an {t.dtype} tensor "
                                    f"(shape {tuple(t.shape)}); fill a float tensor (t.float().{op}(...)) or draw "
                                    f"integers with t.random_(low, high)")


def _random_fill(t, values, op):
    if t.dtype.kind == "c" and op not in ("uniform_", "normal_"):
        raise TypeError(f"{op}: draws real numbers, which this {t.dtype} tensor does not take (as in PyTorch); fill "
                        f"its parts instead, e.g. t.real.{op}(...)")
    _check_inplace(t, op)
    t._writable()[...] = values
    t._bump_version()
    return t


def _continuous(op, t):
    """Refuse a continuous distribution's fill of an integer or bool tensor, as PyTorch does."""
    if t.dtype.kind in "biu":
        raise UnsupportedDtypeError(f"{op}: draws from a continuous probability distribution, so the dtype must be a "
                                    f"floating point one, but the tensor (shape {tuple(t.shape)}) is {t.dtype}; fill "
                                    f"a float tensor, e.g. torch.empty(n).{op}(...), and convert the result")


def _stream(t, generator, op):
    """The host stream a fill of t draws from (generator's, or the device's own on the host devices), or None
    for a GPU's own generator."""
    rng = check_generator(op, generator)
    if rng is None and t._device.host_memory:
        rng = t._device.numpy_rng
    return rng


def _fill_draws(t, generator, op, host_draw, device_draw):
    """Draws for every element of t, as t's real dtype: a complex tensor's real and imaginary parts are
    consecutive draws, as PyTorch fills view_as_real(t)."""
    complex_fill = t.dtype.kind == "c"
    dtype = real_dtype_of(t.dtype) if complex_fill else t.dtype
    shape = t.shape + (2,) if complex_fill else t.shape
    rng = _stream(t, generator, op)
    if rng is None:
        values = device_draw(shape, dtype)
    elif complex_fill:
        values = t._device.asarray(host_draw(rng, shape, dtype))
    else:   # PyTorch fills a strided tensor in memory order
        values = t._device.asarray(draw_in_memory_order(lambda s: host_draw(rng, s, dtype), t._data))
    if complex_fill:
        values = t._device.xp.ascontiguousarray(values).view(t.dtype)[..., 0]
    return values


def uniform_(self, a=0.0, b=1.0, *, generator=None):
    """Fill with samples uniform in [a, b) (a complex tensor: each part)."""
    a, b = float(a), float(b)
    _refuse_integers(self, "uniform_")
    if a > b:   # numpy would draw from [b, a) without a word
        raise ArgumentRangeError(f"uniform_: expects a range [a, b) with a <= b, got a={a} > b={b} (tensor shape "
                                 f"{self.shape}); swap them: uniform_({b}, {a})")
    values = _fill_draws(self, generator, "uniform_",
                         lambda rng, shape, dtype: rng.uniform(a, b, shape, draw_dtype(dtype)),
                         lambda shape, dtype: self._device.uniform(shape, draw_dtype(dtype), a, b))
    return _random_fill(self, values, "uniform_")


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with samples from N(mean, std**2) (a complex tensor: each part from N(mean, std**2 / 2), as
    PyTorch's, so that E|z - mean|^2 = std**2)."""
    mean, std = float(mean), float(std)
    _refuse_integers(self, "normal_")
    if std < 0:
        raise ArgumentRangeError(f"normal_: expects std >= 0.0, got std={std} (tensor shape {self.shape}); std is "
                                 "the spread, so pass its magnitude")
    if self.dtype.kind == "c":
        std = std / np.sqrt(2)
    serial = self.dtype.kind != "c" and not self._data.flags.c_contiguous
    values = _fill_draws(self, generator, "normal_",
                         lambda rng, shape, dtype: _serial_normals(rng, mean, std, shape, dtype) if serial else
                         rng.normal(mean, std, shape, draw_dtype(dtype)),
                         lambda shape, dtype: self._device.normal(shape, draw_dtype(dtype), mean, std))
    return _random_fill(self, values, "normal_")


def _serial_normals(rng, mean, std, shape, dtype):
    """N(mean, std**2) draws one element at a time: PyTorch's normal_ on a tensor that is not contiguous (its
    blocked fill takes only contiguous ones)."""
    return rng.serial_normal(mean, std, int(np.prod(shape)), dtype).reshape(shape)


def _uniform64(t, generator, op):
    """float64 uniforms in [0, 1) for every element of t (PyTorch's double-precision uniform), in t's memory
    order."""
    rng = _stream(t, generator, op)
    if rng is None:
        return t._device.rand(t.shape, np.float64)
    return t._device.asarray(draw_in_memory_order(lambda shape: rng.random(shape, np.float64), t._data))


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with samples from the exponential distribution of rate `lambd`."""
    if not lambd > 0:
        raise ArgumentRangeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd}: lambd must be > 0 "
                                 f"(it is the rate; the mean is 1 / lambd)")
    _continuous("exponential_", self)
    u = _uniform64(self, generator, "exponential_")
    return _random_fill(self, -self._device.xp.log1p(-u) / lambd, "exponential_")


def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with samples whose logarithm is N(mean, std**2)."""
    if not std > 0:
        raise ArgumentRangeError(f"log_normal_ expects std > 0.0, but found std={std}: std must be > 0")
    _continuous("log_normal_", self)
    rng = _stream(self, generator, "log_normal_")
    if rng is None:
        z = self._device.randn(self.shape, np.float64)
    else:       # PyTorch draws these one element at a time, not in its blocked normal fill
        z = self._device.asarray(rng.serial_normals(self.numel()).reshape(self.shape))
    return _random_fill(self, self._device.xp.exp(mean + std * z), "log_normal_")


def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with samples from the Cauchy distribution at `median` with scale `sigma`."""
    if not sigma > 0:
        raise ArgumentRangeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma}; give a positive scale")
    _continuous("cauchy_", self)
    u = _uniform64(self, generator, "cauchy_")
    return _random_fill(self, median + sigma * self._device.xp.tan(np.pi * (u - 0.5)), "cauchy_")


def geometric_(self, p, *, generator=None):
    """Fill with the number of Bernoulli(p) trials up to and including the first success (1, 2, ...)."""
    if not 0 < p < 1:
        raise ArgumentRangeError(f"geometric_ expects p to be in (0, 1), but got p={p}: p must be in (0, 1), "
                                 f"the chance of success of each trial")
    u = _uniform64(self, generator, "geometric_")
    xp = self._device.xp
    with np.errstate(divide="ignore"):
        return _random_fill(self, xp.maximum(xp.ceil(xp.log(u) / np.log1p(-p)), 1.0), "geometric_")


def random_(self, from_=0, to=None, *, generator=None):
    """Fill with integers uniform in [from_, to - 1]; random_(to) draws from [0, to - 1], and random_() from
    [0, 2**m] where m is the mantissa width of a float dtype (the largest value of an integer one)."""
    for bound in (from_, to):
        if bound is not None and not isinstance(bound, (int, np.integer)):
            raise TypeError(f"random_() received an invalid combination of arguments: from={from_!r}, to={to!r}; the "
                            f"bounds must be ints (it draws whole numbers in [from, to - 1]); for real numbers use "
                            f"uniform_(from, to)")
    full = to is None and from_ == 0
    if to is None and from_ != 0:
        from_, to = 0, from_
    if to is None:
        to = (2 ** (np.finfo(self.dtype).nmant + 1) + 1 if self.dtype.kind == "f"
              else min(int(np.iinfo(self.dtype).max) + 1, 2 ** 63 - 1) if self.dtype.kind in "iu" else 2)
    if not to > from_:
        raise ArgumentRangeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to} "
                                 f"(random_ expects from < to: random_(from, to) draws from [from, to - 1])")
    rng = _stream(self, generator, "random_")
    if rng is None:
        values = self._device.randint(int(from_), int(to), self.shape, np.int64)
    elif full and (self.dtype.kind in "fiub"):
        values = self._device.asarray(rng.full_range(self.shape, self.dtype))
    else:
        values = self._device.asarray(rng.integers(int(from_), int(to), self.shape, np.int64))
    return _random_fill(self, values, "random_")
