"""Error types and the messages that turn a NumPy failure inside an op into a clear deepgrad error."""
import numpy as np

from .complex_forms import ComplexUnsupportedError  # noqa: F401 - defined below errors' floor, listed here too


class AnomalyError(RuntimeError):
    """Raised inside detect_anomaly() at the first NaN or inf, naming the op."""


class GraphError(RuntimeError):
    """A misuse of the autograd graph: freed graph, in-place change of a saved tensor, bad backward call."""


class OutOfMemoryError(RuntimeError, MemoryError):
    """An op could not get the memory for its result (torch.OutOfMemoryError / torch.cuda.OutOfMemoryError):
    a RuntimeError as PyTorch's, and a MemoryError as NumPy's and CuPy's."""


class ShapeError(ValueError, RuntimeError):
    """Inputs whose shapes (or sizes, lengths, counts) do not fit the op. A ValueError, and a RuntimeError as
    PyTorch raises for the same mistake, so `except RuntimeError` written for PyTorch still catches it."""


class DtypeError(TypeError, RuntimeError):
    """An input of the wrong dtype (float indices, int tensors that should be float, mixed float widths).
    A TypeError, and a RuntimeError as PyTorch raises for the same mistake."""


class UnsupportedError(ValueError, NotImplementedError):
    """A mode or an argument combination the op does not implement (an unknown padding or interpolation mode, a
    rank a mode does not take): a ValueError, and a NotImplementedError as PyTorch raises for it."""


class UnsupportedDtypeError(DtypeError, NotImplementedError):
    """A dtype the op has no kernel for (softmax of an integer tensor): a DtypeError, and a NotImplementedError
    as PyTorch raises ("not implemented for 'Long'")."""


class ArgumentRangeError(ValueError, RuntimeError):
    """An argument outside the range an op takes (a non-positive delta, low >= high): a ValueError, and a
    RuntimeError as PyTorch raises for it."""


class IdentifierError(TypeError, ValueError):
    """An argument of the wrong kind where a name or an object is wanted (a number as an optimizer, metric or
    loss, a string or function as a Sequential layer): a TypeError, and a ValueError as Keras raises for it."""


class KeywordError(TypeError, ValueError):
    """A keyword argument a layer or optimizer does not take: a TypeError as Python raises for one, and a
    ValueError as Keras raises ("Unrecognized keyword arguments")."""


class IndexRangeError(IndexError, RuntimeError):
    """An index out of range for the dimension it indexes. An IndexError, and a RuntimeError as PyTorch
    raises for it in gather, scatter and embedding_bag."""


class IndexDtypeError(DtypeError, IndexError):
    """An index tensor of a dtype the op does not take where PyTorch raises IndexError for it (index_fill with an
    int32 or float index, x[int8 index]): a DtypeError (a TypeError and a RuntimeError, as deepgrad raised before)
    and an IndexError, as PyTorch's."""


class EmptyReductionError(ShapeError, IndexError):
    """A max / min / argmax-like reduction over an empty dim, which has no value: a ShapeError (a ValueError and a
    RuntimeError, as deepgrad raised before) and an IndexError, as PyTorch raises for it."""


class IndexShapeError(ShapeError, IndexError):
    """An index tensor, or a source written at one, of the wrong shape (a 2-D index to index_add, a source with
    another count of slices to index_copy): a ShapeError (a ValueError and a RuntimeError) and an IndexError, as
    PyTorch raises one or the other depending on the op."""


class IntegerDivisionError(ZeroDivisionError, RuntimeError):
    """An integer division (//, %, fmod, div with a rounding mode) by zero: a ZeroDivisionError as Python's, and a
    RuntimeError as PyTorch raises ("ZeroDivisionError")."""


class DimRangeError(ValueError, IndexError):
    """A dim (or an index's rank) outside what the op takes, where deepgrad raised ValueError before: an
    IndexError as PyTorch raises for it ("Dimension out of range")."""


class ArgumentError(ValueError, AssertionError):
    """A bad argument that PyTorch reports through a failed assert (MultiheadAttention, TensorDataset,
    padding_idx): a ValueError, and an AssertionError so PyTorch-style `except` clauses keep working."""


class ArgumentTypeError(TypeError, AssertionError):
    """An argument of the wrong type that PyTorch reports through a failed assert (an integer key_padding_mask
    in MultiheadAttention): a TypeError, as deepgrad raised before, and an AssertionError as PyTorch's."""


class StateAssertionError(RuntimeError, AssertionError):
    """A call made out of order that PyTorch reports through a failed assert (GradScaler.update with no inf check
    recorded, step of an optimizer whose gradients were never unscaled): a RuntimeError, as deepgrad raised before,
    and an AssertionError as PyTorch's."""


class SizeTypeError(TypeError, ValueError):
    """A size argument that is not a whole number (a kernel_size of 2.5, a stride given as a string): a TypeError
    as PyTorch's argument parser raises ("must be tuple of ints, not float"), and a ValueError as deepgrad raised
    before."""


class ArgumentKindError(TypeError, ValueError):
    """An argument of the wrong kind that NumPy reported as a ValueError before and PyTorch's argument parser refuses
    with a TypeError (a string fill value or alpha: "must be Number, not str"), or the reverse (an unknown type name
    to Tensor.type: PyTorch's ValueError "invalid type")."""


class ZeroArgumentError(ValueError, ZeroDivisionError):
    """An argument of 0 that PyTorch divides by (GroupNorm's num_groups, StepLR's step_size, CosineAnnealingLR's
    T_max): a ValueError, as deepgrad raised before, and a ZeroDivisionError as PyTorch raises for it."""


def out_of_memory(cls, args, exc):
    """An OutOfMemoryError naming the op, its inputs' shapes and devices and what to try, made from `exc` (a
    NumPy or CuPy MemoryError)."""
    devices = sorted({str(a.device) for a in args if hasattr(a, "grad_fn")})
    on_gpu = any(d.startswith("cuda") for d in devices)
    fix = ("free memory: a smaller batch, `del` of tensors no longer needed, ag.cuda.empty_cache() to return "
           "cached blocks to the driver" if on_gpu else "free memory: a smaller batch, or `del` of tensors no "
           "longer needed")
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return OutOfMemoryError(f"{cls.label()}: out of memory on {' and '.join(devices) or 'the host'} ({describe(args)}): "
                            f"{text}; {fix}")


def describe(args):
    """'shapes (2, 3) and (4,), dtypes float32 and float32' for the tensor arguments of an op."""
    tensors = [a for a in args if hasattr(a, "grad_fn")]   # Tensors, without importing the floor above
    shapes = " and ".join(str(tuple(t.shape)) for t in tensors)
    dtypes = " and ".join(str(t.dtype) for t in tensors)
    return f"shapes {shapes}, dtypes {dtypes}"


def op_error(cls, args, exc):
    """A ShapeError (IndexRangeError for bad indices) naming the op, its inputs and a fix, made from `exc`."""
    if isinstance(exc, ZeroDivisionError):   # raised by an op itself, with the op's name and the fix
        return exc
    # a bad index stays an IndexError, as in NumPy and PyTorch (NumPy's AxisError is both kinds)
    kind = IndexRangeError if isinstance(exc, IndexError) and not isinstance(exc, ValueError) else ShapeError
    if type(exc) is TypeError and str(exc).startswith("dim "):   # a dim argument of the wrong type
        kind = TypeError
    elif isinstance(exc, DtypeError):
        kind = DtypeError
    explain = getattr(cls, "explain_error", None)
    if explain is not None:
        message = explain(args, exc)
        if message:
            return kind(message)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "broadcast" in text:
        hint = ("these shapes do not broadcast: each dimension, aligned from the right, must match or be 1; "
                "reshape one operand (e.g. with unsqueeze) so they line up")
    else:
        hint = text.removeprefix(f"{cls.label()}: ")   # the kernel named the op already
    return kind(f"{cls.label()}: invalid input ({describe(args)}): {hint}")


def kernel_message(args, exc):
    """An op's error text when a backend kernel raised it: the kernels' own messages already name the op,
    the shapes and the fix (None lets the generic message describe other failures)."""
    text = str(exc)
    return text if text.startswith(("conv2d", "max_pool2d", "avg_pool2d")) else None


def not_a_tensor(op, x, name="input"):
    """The TypeError for a non-Tensor `x` passed where op needs a Tensor (PyTorch's functions refuse lists,
    NumPy arrays and numbers there too): it names the op, the argument and how to make a tensor."""
    kind = type(x).__module__ + "." + type(x).__name__ if isinstance(x, np.ndarray) else type(x).__name__
    fix = ("wrap it with ag.tensor(x) (a copy) or ag.from_numpy(x) (shares its memory)" if isinstance(x, np.ndarray)
           else "wrap it with ag.tensor(...)")
    return TypeError(f"{op}: {name} must be a Tensor, got {kind}; {fix}")
