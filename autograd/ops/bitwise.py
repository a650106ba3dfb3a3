"""Bitwise ops on integer and bool tensors (no gradient): and, or, xor, not, shifts; on bool tensors they
are the logical ops, as in PyTorch (so `mask_a & mask_b` and `ids & 0xFF` both mean what they do there)."""
from ..errors import UnsupportedDtypeError
from ..tensor import Tensor
from .dims import check_tensor
from .elementwise import _promote
from .no_grad_op import no_grad_op


def _integral(name, *args):
    for a in args:
        kind = a.dtype.kind if isinstance(a, Tensor) else ("f" if isinstance(a, float) else "i")
        if kind not in "iub":
            dtype = a.dtype if isinstance(a, Tensor) else type(a).__name__
            raise UnsupportedDtypeError(f"{name}: needs integer or bool tensors, got {dtype}; for masks compare first "
                            f"(x > 0), for numbers convert with .long()")


def _is_bool(a):
    return a.dtype.kind == "b" if isinstance(a, Tensor) else type(a) is bool


def _binary(numpy_fn, name):
    shift = "shift" in numpy_fn
    def op(input, other):
        a, b = _promote(input, other, name)
        _integral(name, a, b)
        if shift and _is_bool(a) and _is_bool(b):
            raise UnsupportedDtypeError(f"{name}: not implemented for two bool operands, as in PyTorch (\"{numpy_fn[0]}"
                                        f"shift_cpu\" not implemented for 'Bool'); convert first, e.g. x.long()")
        return no_grad_op(name, lambda xp, x, y: getattr(xp, numpy_fn)(x, y), a, b)
    op.__name__ = name
    op.__doc__ = f"Elementwise {name.replace('_', ' ')} of integer or bool tensors (or numbers), broadcasting."
    return op


bitwise_and = _binary("bitwise_and", "bitwise_and")
bitwise_or = _binary("bitwise_or", "bitwise_or")
bitwise_xor = _binary("bitwise_xor", "bitwise_xor")
bitwise_left_shift = _binary("left_shift", "bitwise_left_shift")
bitwise_right_shift = _binary("right_shift", "bitwise_right_shift")


def bitwise_not(input):
    """Elementwise bitwise not of an integer tensor; logical not of a bool tensor."""
    check_tensor("bitwise_not", input)
    _integral("bitwise_not", input)
    return no_grad_op("bitwise_not", lambda xp, v: xp.invert(v), input)
