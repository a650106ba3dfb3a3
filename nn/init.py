"""Parameter initialisers, in place, with PyTorch's formulas (Xavier/Glorot, Kaiming/He, uniform, normal)."""
import functools
import math
import warnings

import numpy as np

import autograd as ag
from autograd import arrays
from autograd.errors import ArgumentRangeError

from .init_deprecated import deprecated_alias


class NotATensorError(TypeError, AttributeError):
    """An init function given something other than a Tensor (a layer, a list): a TypeError, and an AttributeError
    as PyTorch raises (it reaches for a tensor method)."""


def _fills_a_tensor(fill):
    """`fill` refusing a first argument that is not a Tensor, naming what it got and the fix."""
    @functools.wraps(fill)
    def checked(tensor, *args, **kwargs):
        if not isinstance(tensor, ag.Tensor):
            hint = (f"pass its weight: nn.init.{fill.__name__}(layer.weight), or apply it to every layer with "
                    "model.apply(fn)" if hasattr(tensor, "parameters") else
                    f"call it on each tensor: for t in tensors: nn.init.{fill.__name__}(t)")
            raise NotATensorError(f"nn.init.{fill.__name__}: expects a Tensor to fill, got "
                                  f"{type(tensor).__name__}; {hint}")
        return fill(tensor, *args, **kwargs)
    return checked

#: the linear functions' and sigmoid's gain is the int 1, as PyTorch returns it (it prints as 1, not 1.0)
_GAINS = {"linear": 1, "identity": 1, "conv1d": 1, "conv2d": 1, "conv3d": 1, "conv_transpose1d": 1,
          "conv_transpose2d": 1, "conv_transpose3d": 1, "sigmoid": 1, "tanh": 5.0 / 3, "relu": math.sqrt(2.0),
          "selu": 0.75}


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (leaky_relu takes its negative slope as `param`)."""
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {param} not a valid number (calculate_gain: leaky_relu's negative slope "
                             f"must be a number, got {param!r})")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in _GAINS:
        raise ValueError(f"Unsupported nonlinearity {nonlinearity} (calculate_gain: unknown nonlinearity "
                         f"{nonlinearity!r}); known: "
                         f"{', '.join(sorted(_GAINS) + ['leaky_relu'])}")
    return _GAINS[nonlinearity]


def _fans(t, op="_calculate_fan_in_and_fan_out"):
    if t.ndim < 2:
        raise ValueError(f"{op}: fan in and fan out need a tensor with at least 2 dimensions (a weight matrix or conv "
                         f"kernel), got shape {t.shape}; for a bias or other 1-D tensor use nn.init.uniform_, "
                         "normal_ or zeros_")
    receptive = int(np.prod(t.shape[2:])) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight of at least 2 dims: input and output channels times the receptive field's
    size, as PyTorch's helper of that name (which custom initialisation code calls)."""
    return _fans(tensor)


def _calculate_correct_fan(tensor, mode):
    """fan_in or fan_out of a weight, by `mode` ('fan_in' / 'fan_out'), as PyTorch's helper of that name."""
    if not isinstance(mode, str) or mode.lower() not in ("fan_in", "fan_out"):
        raise ValueError(f"_calculate_correct_fan: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(tensor)
    return fan_in if mode.lower() == "fan_in" else fan_out


def _fill(t, values):
    with ag.no_grad():
        arrays.assign_(t, t.device.asarray(values).astype(t.dtype, copy=False))
    return t


@_fills_a_tensor
def uniform_(t, a=0.0, b=1.0, generator=None):
    """Fill with samples from U(a, b) (from `generator`, an ag.Generator, when given)."""
    with ag.no_grad():
        return t.uniform_(a, b, generator=generator)


@_fills_a_tensor
def normal_(t, mean=0.0, std=1.0, generator=None):
    """Fill with samples from N(mean, std**2) (from `generator`, an ag.Generator, when given)."""
    with ag.no_grad():
        return t.normal_(mean, std, generator=generator)


@_fills_a_tensor
def constant_(t, val=None, value=None):
    """Fill with `val` (PyTorch's name; `value` is accepted too)."""
    if (val is None) == (value is None):
        raise TypeError("constant_: give the fill value once, as constant_(tensor, val)")
    return _fill(t, t.device.xp.full(t.shape, val if value is None else value))


@_fills_a_tensor
def zeros_(t):
    """Fill with 0."""
    return constant_(t, 0.0)


@_fills_a_tensor
def ones_(t):
    """Fill with 1."""
    return constant_(t, 1.0)


def _empty(t):
    """True (with PyTorch's warning) for a tensor without elements, which the fan-based inits leave as it is."""
    if t.numel() == 0:
        warnings.warn("Initializing zero-element tensors is a no-op", UserWarning, stacklevel=3)
        return True
    return False


@_fills_a_tensor
def xavier_uniform_(t, gain=1.0, generator=None):
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    if _empty(t):
        return t
    fan_in, fan_out = _fans(t, "xavier_uniform_")
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std      # PyTorch's arithmetic, so that the float32 bound is PyTorch's too
    return uniform_(t, -bound, bound, generator)


@_fills_a_tensor
def xavier_normal_(t, gain=1.0, generator=None):
    """Glorot normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    if _empty(t):
        return t
    fan_in, fan_out = _fans(t, "xavier_normal_")
    return normal_(t, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def _kaiming_std(t, a, mode, nonlinearity, op):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{op}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(t, op)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


@_fills_a_tensor
def kaiming_uniform_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan)."""
    if _empty(t):
        return t
    bound = math.sqrt(3.0) * _kaiming_std(t, a, mode, nonlinearity, "kaiming_uniform_")
    return uniform_(t, -bound, bound, generator)


@_fills_a_tensor
def kaiming_normal_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu", generator=None):
    """He normal: N(0, std**2) with std = gain / sqrt(fan)."""
    if _empty(t):
        return t
    return normal_(t, 0.0, _kaiming_std(t, a, mode, nonlinearity, "kaiming_normal_"), generator)


def _standard_normal_mass(lo, hi):
    """P(lo <= Z <= hi) for a standard normal Z."""
    return 0.5 * (math.erf(hi / math.sqrt(2.0)) - math.erf(lo / math.sqrt(2.0)))


@_fills_a_tensor
def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill with N(mean, std**2) samples conditioned to lie in [a, b] (a and b are values, not in units of
    std), by PyTorch's rejection sampling: whole normal draws redrawn where they fall outside when [a, b]
    holds more than 30% of the mass, else uniform draws on [a, b] accepted by the density's ratio to its peak."""
    if not std > 0:
        raise ValueError(f"trunc_normal_: std must be positive, got {std}")
    if not a < b:
        raise ArgumentRangeError(f"trunc_normal_: the interval [a, b] = [{a}, {b}] is empty; give a < b")
    if tensor.device.type == "meta":
        return tensor
    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values "
                      "may be incorrect.", stacklevel=2)
    with ag.no_grad():
        if _standard_normal_mass((a - mean) / std, (b - mean) / std) > 0.3:
            low, high = (ag.tensor(v, dtype=tensor.dtype).item() for v in (a, b))   # the bounds the dtype holds
            result = tensor.normal_(mean, std, generator=generator)
            while True:
                outside = (result < low) | (result > high)
                if not outside.any():
                    break
                result = ag.where(outside, ag.empty_like(result).normal_(mean, std, generator=generator), result)
            if result is not tensor:
                tensor.copy_(result)
            return tensor
        log_peak = -0.5 * ((max(a, min(mean, b)) - mean) / std) ** 2

        def rejected(candidates):
            log_density = (candidates - mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)
            return ag.empty_like(tensor).uniform_(generator=generator).log_().gt(log_density)

        pending = rejected(tensor.uniform_(a, b, generator=generator).clone())
        result = tensor
        while pending.any():
            candidates = ag.empty_like(tensor).uniform_(a, b, generator=generator)
            result = ag.where(pending, candidates, result)
            pending = ag.where(pending, rejected(candidates), pending)
        if result is not tensor:
            tensor.copy_(result)
    return tensor


@_fills_a_tensor
def orthogonal_(tensor, gain=1.0, generator=None):
    """Fill with a (semi-)orthogonal matrix times `gain`: the QR factor of a Gaussian matrix of the tensor's
    dtype, the tensor's trailing dims flattened into columns (rows or columns orthonormal, whichever are
    fewer)."""
    if tensor.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported (orthogonal_: needs a tensor with at "
                         f"least 2 dimensions, got shape {tuple(tensor.shape)})")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    if tensor.device.type == "meta":   # a meta tensor keeps no values (PyTorch's init is a no-op there)
        return tensor
    flat = ag.empty(rows, cols, dtype=tensor.dtype, device=tensor.device).normal_(0, 1, generator=generator).numpy()
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))   # makes the factorisation unique, so q is uniformly distributed
    if rows < cols:
        q = q.T
    return _fill(tensor, (q * q.dtype.type(gain)).reshape(tensor.shape))


@_fills_a_tensor
def eye_(tensor):
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal, zeros elsewhere)."""
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported (eye_: needs a 2-D tensor, got shape "
                         f"{tuple(tensor.shape)})")
    return _fill(tensor, np.eye(*tensor.shape))


@_fills_a_tensor
def dirac_(tensor, groups=1):
    """Fill a 3-, 4- or 5-D convolution weight with the Dirac delta: the convolution then copies its first
    input channels (in each of `groups` groups) to its outputs."""
    if tensor.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported (dirac_: needs a 3-, 4- or 5-D "
                         f"tensor, a conv weight; got shape {tuple(tensor.shape)})")
    out_channels = tensor.shape[0]
    if groups < 1 or out_channels % groups:
        raise ValueError(f"dirac_: the {out_channels} output channels (dim 0 of shape {tuple(tensor.shape)}) "
                         f"must split evenly into groups={groups}")
    per_group = out_channels // groups
    values = np.zeros(tensor.shape)
    centre = tuple(k // 2 for k in tensor.shape[2:])
    for g in range(groups):
        for d in range(min(per_group, tensor.shape[1])):
            values[(g * per_group + d, d) + centre] = 1.0
    return _fill(tensor, values)


@_fills_a_tensor
def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill a 2-D tensor with N(0, std**2) values, then zero ceil(sparsity * rows) random entries per column
    (their rows drawn, as in PyTorch, from the global generator)."""
    if tensor.ndim != 2:
        raise ValueError(f"Only tensors with 2 dimensions are supported (sparse_: needs a 2-D tensor, got shape "
                         f"{tuple(tensor.shape)})")
    if not 0 <= sparsity <= 1:
        raise ValueError(f"sparse_: sparsity is the fraction of zeros per column, in [0, 1]; got {sparsity}")
    rows, cols = tensor.shape
    zeros_per_column = int(math.ceil(sparsity * rows))
    normal_(tensor, 0.0, std, generator)
    values = tensor.numpy().copy()
    for col in range(cols):
        values[ag.randperm(rows, device=tensor.device).numpy()[:zeros_per_column], col] = 0
    return _fill(tensor, values)


# the deprecated names without the underscore, as PyTorch keeps them
uniform = deprecated_alias("uniform", uniform_)
normal = deprecated_alias("normal", normal_)
constant = deprecated_alias("constant", constant_)
eye = deprecated_alias("eye", eye_)
dirac = deprecated_alias("dirac", dirac_)
xavier_uniform = deprecated_alias("xavier_uniform", xavier_uniform_)
xavier_normal = deprecated_alias("xavier_normal", xavier_normal_)
kaiming_uniform = deprecated_alias("kaiming_uniform", kaiming_uniform_)
kaiming_normal = deprecated_alias("kaiming_normal", kaiming_normal_)
orthogonal = deprecated_alias("orthogonal", orthogonal_)
sparse = deprecated_alias("sparse", sparse_)
