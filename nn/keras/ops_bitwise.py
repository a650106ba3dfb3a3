"""Integer keras.ops: the bitwise operators and shifts, `gcd` and `lcm`, with Keras's names (both spellings of the
shifts and of `bitwise_not`). They take integer tensors (booleans too for and/or/xor/not), keep the operands'
integer dtype and have no gradient. Re-exported by keras.ops."""
import autograd as ag

from .ops_math import _same
from .ops_args import _t


def _integers(name, x1, x2, allow_bool=True):
    a, b = _same(x1, x2)
    kinds = "iub" if allow_bool else "iu"
    if a.dtype.kind not in kinds:
        raise TypeError(f"keras.ops.{name}: needs integer{' or bool' if allow_bool else ''} tensors, got dtypes "
                        f"{_t(x1).dtype} and {_t(x2).dtype}; cast them with keras.ops.cast(x, 'int32')")
    return a, b


def bitwise_and(x, y):
    """The bits set in both x and y, elementwise (logical and for booleans)."""
    return ag.bitwise_and(*_integers("bitwise_and", x, y))


def bitwise_or(x, y):
    """The bits set in x or y, elementwise."""
    return ag.bitwise_or(*_integers("bitwise_or", x, y))


def bitwise_xor(x, y):
    """The bits set in exactly one of x and y, elementwise."""
    return ag.bitwise_xor(*_integers("bitwise_xor", x, y))


def bitwise_not(x):
    """Every bit flipped (~x; logical not for booleans)."""
    x = _t(x)
    if x.dtype.kind not in "iub":
        raise TypeError(f"keras.ops.bitwise_not: needs an integer or bool tensor, got dtype {x.dtype}; cast it with "
                        f"keras.ops.cast(x, 'int32')")
    return ag.bitwise_not(x)


bitwise_invert = bitwise_not


def left_shift(x, y):
    """x shifted left by y bits (x * 2 ** y for integers), elementwise."""
    return ag.bitwise_left_shift(*_integers("left_shift", x, y, allow_bool=False))


def right_shift(x, y):
    """x shifted right by y bits (arithmetic shift: floor(x / 2 ** y)), elementwise."""
    return ag.bitwise_right_shift(*_integers("right_shift", x, y, allow_bool=False))


bitwise_left_shift = left_shift
bitwise_right_shift = right_shift


def gcd(x1, x2):
    """The greatest common divisor of |x1| and |x2|, elementwise (gcd(0, 0) = 0)."""
    return ag.gcd(*_integers("gcd", x1, x2, allow_bool=False))


def lcm(x1, x2):
    """The least common multiple of |x1| and |x2|, elementwise (0 where either is 0)."""
    return ag.lcm(*_integers("lcm", x1, x2, allow_bool=False))

