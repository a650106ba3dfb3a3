"""Helpers every optimiser shares: state buffers through autograd.arrays, and option checks."""
import numbers

from autograd import arrays


def zeros_like_param(p):
    """A zero buffer of p's shape, dtype and device, as a Tensor outside any graph."""
    return arrays.wrap(p.device.xp.zeros_like(arrays.array(p)), p.device)


def scratch_like(xp, like):
    """An uninitialised array of like's shape and dtype, to compute into with out=: an array also for a 0-d
    `like`, where NumPy's ufuncs would return a scalar that cannot be written into."""
    return xp.empty_like(like)


class BetasTypeError(TypeError, ValueError):
    """betas that are not numbers (a string): a ValueError, as deepgrad raised before, and a TypeError as PyTorch
    raises (it compares them with 0 and 1)."""


class TooFewBetasError(ValueError, IndexError):
    """betas with fewer than two values: a ValueError, as deepgrad raised before, and an IndexError as PyTorch
    raises (it reads betas[1])."""


def check_betas(name, betas):
    """Raise ValueError unless betas is a pair of numbers in [0, 1)."""
    if not hasattr(betas, "__len__"):
        raise TypeError(f"{name}: betas must be a pair of numbers, got {type(betas).__name__} {betas!r}; pass "
                        f"betas=({betas!r}, 0.999)")
    if isinstance(betas, (str, bytes)) or not all(isinstance(b, numbers.Real) or hasattr(b, "item") for b in betas):
        raise BetasTypeError(f"{name}: betas must be a pair of numbers (beta1, beta2), got {betas!r}; pass numbers, "
                             "e.g. betas=(0.9, 0.999) (a string is not compared with 0 and 1)")
    if len(betas) < 2:
        raise TooFewBetasError(f"{name}: betas must be a pair of numbers (beta1, beta2), got {betas!r}; pass e.g. "
                               "betas=(0.9, 0.999)")
    if len(betas) != 2 or not all(0.0 <= b < 1.0 for b in betas):
        raise ValueError(f"{name}: invalid betas {betas!r}; give two values, each in [0, 1)")


def lerp_(xp, buf, target, weight):
    """buf moved a fraction `weight` of the way to target, in place, rounded as torch.lerp_ does; returns
    the scratch array it used (buf's shape), free for the caller to reuse."""
    diff = xp.subtract(target, buf, out=scratch_like(xp, buf))
    if weight < 0.5:
        diff *= weight
        buf += diff
    else:
        diff *= 1 - weight
        xp.subtract(target, diff, out=buf)
    return diff
