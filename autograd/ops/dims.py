"""Dimension arguments as PyTorch spells them (`dim`, `keepdim`), with NumPy's `axis`/`keepdims` accepted."""
import numbers
import operator

from ..errors import not_a_tensor
from ..nested_kind import is_nested
from ..tensor import Tensor


def resolve(op, dim, axis, keepdim, keepdims):
    """(dim, keepdim) from either spelling; a clear error when both are given and disagree."""
    if axis is not None:
        if dim is not None and dim != axis:
            raise TypeError(f"{op}: got dim={dim!r} and axis={axis!r}; pass one of them (axis is NumPy's name for dim)")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, bool(keepdim)


def required_dim(op, dim, axis):
    """The dim given as `dim` or as NumPy's `axis` (PyTorch takes either), for an op that needs one."""
    dim = dim_or(op, dim, axis, None)
    if dim is None:
        raise TypeError(f"{op}: missing the dim to work along; pass dim=... (or axis=...), e.g. {op}(x, dim=0)")
    return dim


def dim_or(op, dim, axis, default):
    """The dim given as `dim` or `axis`, or `default` when neither is."""
    dim, _ = resolve(op, dim, axis, False, None)
    return default if dim is None else dim


def check_tensor(op, x, name="input"):
    """`x` itself when it is a Tensor; else a TypeError that names the op and says how to make one."""
    if not isinstance(x, Tensor):
        if is_nested(x):   # PyTorch's error (its type per layout and op) for an op nested tensors do not run
            raise x.unsupported_error(op)
        raise not_a_tensor(op, x, name)
    return x


def int_argument(op, name, value):
    """`value` as an int when it is a whole number (a NumPy integer or a 0-d integer tensor too); else PyTorch's
    TypeError naming the op and the argument (int() would truncate 0.5 to 0 without a word)."""
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(value).__name__} ({value!r}); pass a "
                        f"whole number, e.g. {name}=int({name})") from None


def normalize(op, dim, ndim, zero_d=0):
    """`dim` (negatives allowed) as an index in [0, ndim); IndexError naming the valid range otherwise.

    A 0-d tensor accepts dim 0 and -1, as in PyTorch, and gives `zero_d` for them.
    """
    if type(dim) is not int and (not isinstance(dim, numbers.Integral) or isinstance(dim, bool)):
        raise TypeError(f"{op}: dim must be an int, got {dim!r}")
    size = max(ndim, 1)
    if not -size <= dim < size:
        raise IndexError(f"{op}: dim {dim} is out of range for a tensor with {ndim} dimensions "
                         f"(expected a dim in [{-size}, {size - 1}])")
    return int(dim) % size if ndim else zero_d


def every_dim_if_empty(dim):
    """`dim`, with an empty tuple or list read as every dim, as PyTorch's sum, mean, var, std, count_nonzero and
    vector_norm read `dim=()` (amax does too; any/all and the dim-taking ops with one result per slice do not)."""
    return None if isinstance(dim, (tuple, list)) and len(dim) == 0 else dim
