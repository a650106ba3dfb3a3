"""The greatest common divisor and least common multiple of integer tensors (gcd, lcm), elementwise and
broadcasting; both are non-negative, as in PyTorch."""
from .no_grad_op import no_grad_op
from .pointwise import _both_tensors


def _integers(op, input, other):
    a, b = _both_tensors(op, input, other)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{op}: expects integer tensors, got {a.dtype}")
    return a, b


def gcd(input, other):
    """The greatest common divisor of input and other (0 where both are 0)."""
    a, b = _integers("gcd", input, other)
    return no_grad_op("gcd", lambda xp, x, y: xp.gcd(x, y), a, b)


def lcm(input, other):
    """The least common multiple of input and other (0 where either is 0)."""
    a, b = _integers("lcm", input, other)
    return no_grad_op("lcm", lambda xp, x, y: xp.lcm(x, y), a, b)
