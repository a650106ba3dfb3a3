"""Keras's checks of the variable arguments that only matter across devices (aggregation, synchronization) and
of Layer.add_weight's positional arguments, shape and dtype, shared by keras.Variable and Layer.add_weight."""
import numbers

import numpy as np

from autograd.errors import IdentifierError, SizeTypeError

AGGREGATIONS = (None, "none", "mean", "sum", "only_first_replica")
SYNCHRONIZATIONS = (None, "none", "on_read", "on_write", "auto")


def checked_aggregation(aggregation):
    """`aggregation` as Keras keeps it ('none' for None); ValueError for a value Keras refuses."""
    if aggregation not in AGGREGATIONS:
        raise ValueError("Invalid value for argument `aggregation`. Expected one of `None`, `'none'`, `'mean'`, "
                         f"`'sum'`, `'only_first_replica'`. Received: aggregation={aggregation}")
    return "none" if aggregation is None else aggregation


def checked_synchronization(synchronization):
    """`synchronization` as Keras keeps it ('none' for None); ValueError for a value Keras refuses."""
    if synchronization not in SYNCHRONIZATIONS:
        raise ValueError("Invalid value for argument `synchronization`. Expected one of `None`, `'none'`, "
                         f"`'on_read'`, `'on_write'`, `'auto'`. Received: synchronization={synchronization}")
    return "none" if synchronization is None else synchronization


def checked_overwrite_flag(value):
    """`overwrite_with_gradient` when it is a bool; TypeError otherwise, as Keras."""
    if not isinstance(value, bool):
        raise TypeError(f"`overwrite_with_gradient` must be a boolean. Received: {value}")
    return value


def positional_weight_arguments(args, shape, initializer, dtype):
    """(shape, initializer, dtype) from add_weight's positional `args` (at most shape, initializer, dtype, as
    Keras takes them), refusing a name given first and an argument given twice as Keras does."""
    if len(args) > 3:
        raise TypeError(f"add_weight() takes at most 3 positional arguments but {len(args)} were given.")
    if isinstance(args[0], str):
        raise ValueError(f"`name` must be passed as a keyword argument. Received: add_weight('{args[0]}', ...). "
                         f"Use: add_weight(shape=..., name='{args[0]}').")
    if shape is not None:
        raise ValueError("`shape` was passed both positionally and as a keyword argument.")
    if len(args) > 1:
        if initializer is not None:
            raise ValueError("`initializer` was passed both positionally and as a keyword argument.")
        initializer = args[1]
    if len(args) > 2:
        if dtype is not None:
            raise ValueError("`dtype` was passed both positionally and as a keyword argument.")
        dtype = args[2]
    return args[0], initializer, dtype


def checked_weight_shape(shape, who):
    """add_weight's `shape` as a tuple of ints (None: a scalar); a ValueError, as Keras's (and the TypeError the
    iteration raised before), for an int, a string or a size that is not a whole number (int() would truncate 2.5
    to 2 without a word)."""
    if shape is None:
        return ()
    if isinstance(shape, numbers.Number):
        raise SizeTypeError(f"Cannot convert '{shape}' to a shape: {who} takes a tuple of sizes, e.g. shape=({shape},)")
    sizes = tuple(shape)
    for d in sizes:
        if d is not None and not isinstance(d, numbers.Integral):
            raise SizeTypeError(f"Cannot convert '{sizes}' to a shape. Found invalid dimension {d!r} of type "
                                f"{type(d).__name__} ({who}); sizes are whole numbers, e.g. shape=(3, 4)")
    return sizes


def checked_weight_dtype(dtype, who):
    """`dtype` as it is, once it is a dtype ('bfloat16', 'string', or one NumPy knows); 'Invalid dtype', a
    ValueError as Keras's (and the TypeError NumPy raised before), for anything else."""
    if isinstance(dtype, str) and dtype in ("bfloat16", "string") or dtype in (str, bytes):
        return dtype
    try:
        np.dtype(dtype)
        return dtype
    except TypeError:
        raise IdentifierError(f"Invalid dtype: {dtype} ({who}); give a dtype name such as 'float32', 'int32' or "
                              "'bfloat16'") from None
