"""Argument normalisation shared by the convolution and pooling ops: ints or pairs -> (h, w) pairs."""
import numbers

from autograd.bf16_dtype import is_bf16
from autograd.errors import DtypeError, ShapeError, SizeTypeError, UnsupportedDtypeError


def pair(value, name, op, minimum=0):
    """`value` (an int or a pair of ints) as an (h, w) tuple of ints >= `minimum`; a clear error otherwise."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        out = (int(value), int(value))
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
        out = (int(value[0]), int(value[1]))
    else:
        raise _of_ints(value)(f"{op}: {name} must be an int or a pair of ints, got {value!r}")
    if min(out) < minimum:
        raise ShapeError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return out


def _of_ints(value):
    """The error for a size argument that is not an int or a tuple of the right length: a tuple of ints of
    another length is a RuntimeError in PyTorch (one value per spatial dimension), so a ShapeError; else (a float,
    a string) a SizeTypeError, PyTorch's TypeError and the ValueError deepgrad raised before."""
    if isinstance(value, (tuple, list)) and all(isinstance(v, numbers.Integral) for v in value):
        return ShapeError
    return SizeTypeError


def single(value, name, op, minimum=0):
    """`value` (an int or a 1-tuple of ints) as an int >= `minimum`; a clear error otherwise."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise _of_ints(value)(f"{op}: {name} must be an int or a 1-tuple of ints, got {value!r}")
    if value < minimum:
        raise ShapeError(f"{op}: {name} must be >= {minimum}, got {value!r}")
    return int(value)


def floating_input(op, input):
    """UnsupportedDtypeError (a NotImplementedError, as PyTorch's "not implemented for 'Long'") for an integer or
    bool input to a normalisation, whose statistics NumPy would compute and then truncate to integers."""
    if input.dtype.kind in "biu":
        raise UnsupportedDtypeError(f"{op}: not implemented for {input.dtype} input (shape {tuple(input.shape)}): "
                                    f"normalising needs a floating-point tensor; convert it with x.float()")


def same_dtype(op, input, kind=DtypeError, **params):
    """`kind` (a DtypeError) unless every given parameter (None ones skipped) has the input's dtype: as in PyTorch,
    a layer does not mix dtypes (a float64 batch into a float32 layer, an int batch into a float layer)."""
    for name, p in params.items():
        if p is not None and p.dtype != input.dtype:
            # a layer moved to an integer dtype cannot train, so an integer batch gets only the input's fix
            layer_fix = f" or the layer (layer.to(ag.{input.dtype}))" if input.dtype.kind == "f" else ""
            raise kind(f"{op}: input is {input.dtype} but {name} is {p.dtype}; they must have the same dtype. "
                       f"Convert the input (x.to({name}.dtype), e.g. x.float() for float32){layer_fix}")


def half_input_float_params(input, *params):
    """True when a float16 or bfloat16 input meets float32 parameters (a float32 layer fed by a lower-precision op
    under ag.autocast): PyTorch's batch/layer/group norm then compute in float32 and return the input's dtype,
    and so do ours."""
    dtype = input.dtype
    if dtype.char != "e" and not is_bf16(dtype):   # not float16 (char 'e') nor bfloat16: the common case
        return False
    given = [p for p in params if p is not None]
    return bool(given) and all(p.dtype == "float32" for p in given)


def integer_average(op, input, pool, adaptive=False):
    """`pool(input)`, an average pooling, under PyTorch's integer rules: an int64 input averages each window and
    truncates toward zero, keeping int64; other integer and bool inputs, and any integer input to an adaptive
    pooling, are refused (UnsupportedDtypeError, as PyTorch's "not implemented for 'Int'")."""
    if input.dtype.kind not in "biu":
        return pool(input)
    if adaptive or input.dtype != "int64":
        allowed = "" if adaptive else " (int64 averages truncate toward zero, as PyTorch's)"
        raise UnsupportedDtypeError(f"{op}: not implemented for {input.dtype} input (shape {tuple(input.shape)}), "
                                    f"as in PyTorch; convert it with x.float(){allowed}")
    return pool(input.double()).trunc().long()
