"""Indexing, reordering and index-valued ops of a traced forward written as ONNX nodes: `x[...]` with None and an
integer tensor, gathers, flips, pads, einsum, and the ops without a gradient (argmax, topk, sort, any/all, rounded
division, comparisons), which autograd.ops.no_grad_op records by name with their settings."""
import numpy as np

from .onnx_ops import Value, _binary, _name, _refuse, _unary, truncate

#: ONNX Slice's end for "up to and including the first element" when stepping backwards
_BEFORE_START = np.iinfo(np.int64).min


def _ints(g, values, hint):
    return g.constant(np.array(values, np.int64), hint)


def _items(index, ndim):
    """The index items with the Ellipsis spelled out as full slices and trailing full slices added."""
    consumed = sum(1 for i in index if i is not None and i is not Ellipsis)
    out = []
    for item in index:
        if item is Ellipsis:
            out.extend([slice(None)] * (ndim - consumed))
        else:
            out.append(item)
    used = sum(1 for i in out if i is not None)
    return out + [slice(None)] * (ndim - used)


def _slice_bounds(item, size):
    start, stop, step = item.indices(size)
    if step < 0 and stop < 0:   # indices() says -1 for "past the front", which ONNX reads as the last element
        stop = _BEFORE_START
    return start, stop, step


def get_item(g, args, kw):
    """Basic indexing (ints, slices, None, ...) and at most one integer tensor, as Slice, Gather, Squeeze and
    Unsqueeze (the tensor's dims take its place, NumPy's rule for a single advanced index)."""
    x, index = args[0], args[1:]
    if len(index) == 1 and isinstance(index[0], tuple):
        index = index[0]
    if not isinstance(x, Value):   # a parameter or buffer read (nanoGPT's mask[:, :, :T, :T]): an initializer
        x = Value(_name(g, x, hint="buffer"), np.asarray(x))
    items = _items(list(index), x.array.ndim)
    starts, ends, axes, steps, squeeze, unsqueeze = [], [], [], [], [], []
    gather = None   # (input axis, index name, index ndim)
    axis = out = 0
    for item in items:
        if item is None:
            unsqueeze.append(out)
            out += 1
            continue
        if isinstance(item, slice):
            if item != slice(None):
                start, stop, step = _slice_bounds(item, x.array.shape[axis])
                starts.append(start), ends.append(stop), axes.append(axis), steps.append(step)
            out += 1
        elif isinstance(item, (bool, np.bool_)):
            _refuse("indexing", "with a bool (export writes ints, slices, None and one integer tensor)")
        elif isinstance(item, (int, np.integer)):
            i = int(item) % x.array.shape[axis]
            starts.append(i), ends.append(i + 1), axes.append(axis), steps.append(1)
            squeeze.append(axis)
        else:
            array = item.array if isinstance(item, Value) else np.asarray(item)
            if array.dtype.kind not in "iu" or gather is not None:
                _refuse("indexing", f"with {'a second tensor' if gather else f'a {array.dtype} tensor'} (export "
                                    "writes ints, slices, None and one integer tensor; a mask's result size "
                                    "depends on its values)")
            gather = (axis, _name(g, item, hint="index"), array.ndim)
            out += array.ndim
        axis += 1
    name = _name(g, x)
    if axes:
        name = g.op("Slice", [name, _ints(g, starts, "starts"), _ints(g, ends, "ends"), _ints(g, axes, "axes"),
                              _ints(g, steps, "steps")], "GetItem")
    if gather is not None:
        at, indices, extra = gather
        name = g.op("Gather", [name, indices], "GetItem", axis=at)
        squeeze = [a + extra - 1 if a > at else a for a in squeeze]
    if squeeze:
        name = g.op("Squeeze", [name, _ints(g, squeeze, "axes")], "GetItem")
    if unsqueeze:
        name = g.op("Unsqueeze", [name, _ints(g, unsqueeze, "axes")], "GetItem")
    return [name]


def take_along_axis(g, args, kw):
    x, indices, axis = args[0], args[1], int(kw.get("axis", args[2] if len(args) > 2 else 0))
    return [g.op("GatherElements", [_name(g, x), _name(g, indices, hint="index")], "Gather", axis=axis)]


def flip(g, args, kw):
    x, axis = args[0], args[1]
    axes = [int(a) for a in (axis if isinstance(axis, (tuple, list)) else (axis,))]
    n = len(axes)
    return [g.op("Slice", [_name(g, x), _ints(g, [-1] * n, "starts"), _ints(g, [_BEFORE_START] * n, "ends"),
                           _ints(g, axes, "axes"), _ints(g, [-1] * n, "steps")], "Flip")]


def pad(g, args, kw):
    """A constant pad, (before, after) per axis; a negative width crops, as ONNX Pad does too."""
    x, widths, value = args[0], args[1], args[2] if len(args) > 2 else 0
    before = [int(w[0]) for w in widths]
    after = [int(w[1]) for w in widths]
    fill = g.constant(np.asarray(value, x.array.dtype), "value")
    return [g.op("Pad", [_name(g, x), _ints(g, before + after, "pads"), fill], "Pad", mode="constant")]


def einsum(g, args, kw):
    equation = ",".join(kw["subscripts"]) + "->" + kw["output"]
    return [g.op("Einsum", [_name(g, a) for a in args], "Einsum", equation=equation)]


# ----- ops without a gradient, by their recorded name and settings ------------------------------------------------

def arg_extreme(op_type):
    def convert(g, args, kw):
        x, dim, keepdim = args[0], kw["dim"], bool(kw["keepdim"])
        name = _name(g, x)
        if dim is None:   # over the flattened tensor
            name = g.op("Reshape", [name, _ints(g, [-1], "shape")], op_type)
            out = g.op(op_type, [name], op_type, axis=0, keepdims=0)
            return [g.op("Reshape", [out, _ints(g, [1] * x.array.ndim, "shape")], op_type) if keepdim else out]
        return [g.op(op_type, [name], op_type, axis=int(dim), keepdims=int(keepdim))]
    return convert


def _top_indices(g, x, k, axis, largest, hint):
    values, indices = g.fresh(f"{hint}/TopK"), g.fresh(f"{hint}/TopK")
    g.nodes.append(g.onnx.helper.make_node("TopK", [_name(g, x), _ints(g, [k], "k")], [values, indices],
                                           name=values, axis=axis, largest=int(largest), sorted=1))
    return indices


def topk(g, args, kw):
    return [_top_indices(g, args[0], int(kw["k"]), int(kw["dim"]), bool(kw["largest"]), "Topk")]


def argsort(g, args, kw):
    x, dim = args[0], int(kw["dim"])
    if x.array.dtype.kind == "f" and np.isnan(x.array).any():
        _refuse("sort", "of values holding NaN (ONNX's TopK orders NaN differently from PyTorch)")
    return [_top_indices(g, x, x.array.shape[dim], dim, bool(kw["descending"]), "Argsort")]


def truth(op_type):
    """any / all: a bool reduction (uint8 input keeps uint8, as PyTorch)."""
    def convert(g, args, kw):
        x, dim, keepdim = args[0], kw["dim"], bool(kw["keepdim"])
        helper = g.onnx.helper
        name = _name(g, x)
        if x.array.dtype != np.bool_:
            name = g.op("Cast", [name], op_type, to=helper.np_dtype_to_tensor_dtype(np.dtype(bool)))
        axes = list(range(x.array.ndim)) if dim is None else [int(d) for d in dim]
        out = g.op(op_type, [name, _ints(g, axes, "axes")], op_type, keepdims=int(keepdim))
        if x.array.dtype == np.uint8:
            out = g.op("Cast", [out], op_type, to=helper.np_dtype_to_tensor_dtype(np.dtype(np.uint8)))
        return [out]
    return convert


def rounded_div(g, args, kw):
    """a / b rounded toward -inf ('floor') or 0 ('trunc'); integers go through float64 and back."""
    a, b, mode = args[0], args[1], kw["rounding_mode"]
    like = a if isinstance(a, Value) else b
    x, y = _name(g, a, like), _name(g, b, like)
    dtype = like.array.dtype
    helper = g.onnx.helper
    if dtype.kind != "f":
        if mode == "trunc":   # ONNX's integer Div truncates
            return [g.op("Div", [x, y], "Div")]
        as_float = helper.np_dtype_to_tensor_dtype(np.dtype(np.float64))
        x, y = (g.op("Cast", [v], "FloorDiv", to=as_float) for v in (x, y))
    q = g.op("Div", [x, y], "FloorDiv")
    q = g.op("Floor", [q], "FloorDiv") if mode == "floor" else truncate(g, q)
    if dtype.kind != "f":
        q = g.op("Cast", [q], "FloorDiv", to=helper.np_dtype_to_tensor_dtype(dtype))
    return [q]


def bitwise_not(g, args, kw):
    """`~x`: logical Not on a bool tensor, BitwiseNot on an integer one (as PyTorch's bitwise_not)."""
    x = args[0]
    kind = x.array.dtype.kind if isinstance(x, Value) else np.asarray(x).dtype.kind
    return [g.op("Not" if kind == "b" else "BitwiseNot", [_name(g, x)], "BitwiseNot")]


def _not_equal(g, args, kw):
    return [g.op("Not", [_binary("Equal")(g, args, kw)[0]], "Ne")]


#: Function class name -> converter
CONVERTERS = {
    "GetItem": get_item, "RowMajorGetItem": get_item, "TakeAlongAxis": take_along_axis, "Flip": flip, "Pad": pad,
    "Einsum": einsum,
}

#: the recorded name of an op without a gradient (autograd.ops.no_grad_op) -> converter
NO_GRAD_CONVERTERS = {
    "argmax": arg_extreme("ArgMax"), "argmin": arg_extreme("ArgMin"), "topk": topk, "argsort": argsort,
    "any": truth("ReduceMax"), "all": truth("ReduceMin"), "div": rounded_div,
    "gt": _binary("Greater"), "lt": _binary("Less"), "ge": _binary("GreaterOrEqual"), "le": _binary("LessOrEqual"),
    "eq": _binary("Equal"), "ne": _not_equal, "logical_not": _unary("Not"), "logical_and": _binary("And"),
    "logical_or": _binary("Or"), "logical_xor": _binary("Xor"), "isnan": _unary("IsNaN"),
    "bitwise_not": bitwise_not,
}
