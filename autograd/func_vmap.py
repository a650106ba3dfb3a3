"""`ag.func.vmap`: map a function over a dimension of its arguments.

This is a loop, not a batching transform: the wrapped function runs once per batch element, on the arguments
sliced at their mapped dimension, and the per-element outputs are stacked at `out_dims`. It gives torch.func's
results (for functions whose per-element result does not depend on the other elements, which is vmap's
contract) at a loop's cost, and it composes with every other transform (vmap(grad(f)) for per-sample gradients,
vmap(vmap(f)), grad of a vmapped function) because slicing and stacking are ordinary differentiable ops.
A batch of size 0 runs the function once on zeros shaped like one element, to learn the outputs' shapes.
"""
import functools
from collections import namedtuple
from contextlib import nullcontext
from numbers import Integral

from .creation import zeros
from .errors import ArgumentKindError, DimRangeError
from .func_levels import inside, levels
from .func_random import RandomGuard, check_randomness
from .function import Function, named
from .grad_mode import is_grad_enabled, no_grad
from .ops.joining import stack, unbind
from .ops.linalg import Linear, MatMul
from .ops.reduction import Mean, Sum
from .ops.shape import Reshape, movedim
from .pytree import broadcast_prefix, describe, tree_flatten, tree_unflatten
from .tensor import Tensor, wrap_array


def _is_dim(value):
    return value is None or (isinstance(value, Integral) and not isinstance(value, bool))


def _name(func):
    return getattr(func, "__name__", type(func).__name__)


def _arg_dims(name, in_dims, args):
    """One in_dim (int or None) per leaf of args, checked against each leaf."""
    if not args:
        raise ValueError(f"vmap({name}): got no positional inputs; the function must take at least one Tensor "
                         "argument to map over")
    if _is_dim(in_dims) and in_dims is not None:
        dims = [in_dims] * len(tree_flatten(args)[0])
    elif isinstance(in_dims, tuple):
        try:
            dims = broadcast_prefix(in_dims, args, _is_dim)
        except ValueError as why:
            raise ValueError(f"vmap({name}, in_dims={in_dims!r}): in_dims does not match the structure of the "
                             f"arguments, {describe(tree_flatten(args)[1])} ({why}); give one in_dim (int or None) "
                             "per positional argument, or a nested tuple/dict matching it") from None
    else:
        raise ValueError(f"vmap({name}, in_dims={in_dims!r}): in_dims must be an int or a (nested) tuple with one "
                         f"entry per positional argument, got {type(in_dims).__name__}")
    return dims


def _batch_size(name, in_dims, leaves, dims):
    sizes = []
    for i, (leaf, dim) in enumerate(zip(leaves, dims)):
        if dim is None:
            continue
        if not isinstance(leaf, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims!r}): input {i} has in_dim={dim} but is a "
                             f"{type(leaf).__name__}; only Tensors can be mapped over: give it in_dim None")
        if not -leaf.ndim <= dim < leaf.ndim:
            # PyTorch's sentence first (code matches its text), then which input
            raise ValueError(f"vmap({name}, in_dims={in_dims!r}, ...)(<inputs>): Got in_dim={dim} for some input, "
                             f"but that input is a Tensor of dimensionality {leaf.ndim} so expected in_dim to satisfy "
                             f"{-leaf.ndim} <= in_dim < {leaf.ndim}. (input {i}, of shape {tuple(leaf.shape)})")
        sizes.append(leaf.shape[dim])
    if not sizes:
        raise ValueError(f"vmap({name}, in_dims={in_dims!r}): no input is mapped; at least one Tensor argument "
                         "must have an in_dim that is not None")
    if len(set(sizes)) > 1:
        raise ValueError(f"vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
                         f"{sizes} for the mapped dimension (vmap({name}): all mapped inputs must have the same size "
                         "along their mapped dimension)")
    return sizes[0]


def _element_args(leaves, dims, size):
    """Per batch element, the flat leaves with the mapped ones sliced."""
    columns = []
    for leaf, dim in zip(leaves, dims):
        if dim is None:
            columns.append([leaf] * max(size, 1))
        elif size == 0:
            shape = tuple(leaf.shape)
            dim %= len(shape)
            columns.append([zeros(shape[:dim] + shape[dim + 1:], dtype=leaf.dtype, device=leaf.device)])
        else:
            columns.append(list(unbind(leaf, dim)))
    return list(zip(*columns))


#: per-element node name -> the batched node's name in PyTorch (checked against torch.func.vmap)
_BATCHED = {"SumBackward0": "SumBackward1", "MeanBackward0": "MeanBackward1", "ProdBackward0": "ProdBackward1",
            "MaxBackward1": "MaxBackward0", "MinBackward1": "MinBackward0", "MedianBackward0": "MedianBackward1",
            "NanmedianBackward0": "NanmedianBackward1", "DotBackward0": "SqueezeBackward1",
            "VdotBackward0": "SqueezeBackward1", "MvBackward0": "SqueezeBackward1",
            "TraceBackward0": "SumBackward1", "SoftMarginLossBackward0": "ViewBackward0",
            "MmBackward0": "UnsafeViewBackward0", "AddmmBackward0": "AddBackward0",
            "SqueezeBackward4": "SqueezeBackward5", "SqueezeBackward1": "SqueezeBackward2",
            "SqueezeBackward0": "ViewBackward0"}

#: losses that PyTorch's batching rules decompose: reduced, they show the batched reduction (told apart by the
#: class of the node the loss's name sits on); with reduction='none', the node given here (None: their own name)
_DECOMPOSED = {"MseLossBackward0": "ViewBackward0", "SmoothL1LossBackward0": "ViewBackward0",
               "HuberLossBackward0": "ViewBackward0", "BinaryCrossEntropyWithLogitsBackward0": "AddBackward0",
               "BinaryCrossEntropyBackward0": None}
_REDUCTIONS = {Mean: "MeanBackward1", Sum: "SumBackward1"}

#: a class-index NLL / cross-entropy loss, by reduction: PyTorch's batched rule gathers, masks the ignored targets
#: with where, then sums, or divides the sum by the kept targets' weight
_NLL = {"none": "WhereBackward0", "sum": "SumBackward1", "mean": "DivBackward0"}


#: a per-element matrix product, by (its operands' ranks, which of them vary across the batch): the node PyTorch's
#: batching rule for matmul ends in (a batched vector times a fixed matrix is one mm of the matrix with the
#: vectors' transpose, transposed back); products of two batched operands are in _BATCHED
_PRODUCTS = {((1, 1), (True, False)): "MvBackward0", ((1, 1), (False, True)): "SqueezeBackward4",
             ((2, 1), (True, False)): "UnsafeViewBackward0", ((2, 1), (False, True)): "PermuteBackward0"}


def _address(array):
    interface = getattr(array, "__array_interface__", None) or getattr(array, "__cuda_array_interface__", None)
    return None if interface is None else (interface["data"][0], array.shape, array.strides)


def _operands_varying(nodes):
    """(does operand 0 vary across the batch, does operand 1) for the per-element product nodes `nodes`, told
    by whether each saved its operand from the same memory every time; None when that cannot be told."""
    saved = [n.saved_tensors for n in nodes]
    if len(nodes) < 2 or any(len(s) != 2 for s in saved):
        return None   # one element, or values packed by saved_tensors_hooks
    return tuple(any(_address(s[k]) != _address(saved[0][k]) or _address(s[k]) is None for s in saved)
                 for k in range(2))


def _product_node_name(node, nodes):
    """PyTorch's batched node name for the per-element matmul node `node` (None: the _BATCHED one)."""
    varies = _operands_varying(nodes)
    if varies is None or node.torch_name is not None:
        return None
    if node.ranks == (2, 2) and varies == (False, True):   # PyTorch folds a fixed left matrix by transposing
        if not node.needs_input_grad[0]:
            return "UnsafeViewBackward0"
        # the batched right operands' transpose is contiguous when each is one column: no clone after it
        return "TransposeBackward0" if node.saved_tensors[1].shape[-1] == 1 else "CloneBackward0"
    return _PRODUCTS.get((node.ranks, varies))


def _batched_node_name(node, nodes):
    """The name PyTorch's vmap output shows for an output whose per-element node is `node` (`nodes`: every
    element's): its batching rules keep the batch dimension, so a full reduction becomes its `dim` overload, a
    vector product a matmul and a squeeze, and some losses show the ops they decompose into."""
    name = node.name()
    looped = getattr(node, "batched_by_loop", None)
    if looped is not None:
        return looped
    if isinstance(node, Linear) and node.form == (1, True):   # a vector through a layer with a bias: its add
        return "AddBackward0"
    found = _product_node_name(node, nodes) if type(node) is MatMul else None
    if found is not None:
        return found
    if name in _BATCHED:
        return _BATCHED[name]
    if name in _DECOMPOSED:   # a fused loss node (mse_loss) knows its reduction; a composite's ends in it
        reduced = {"mean": "MeanBackward1", "sum": "SumBackward1"}.get(getattr(node, "reduction", None))
        return reduced or _REDUCTIONS.get(type(node)) or _DECOMPOSED[name] or name
    if name == "NllLossBackward0":
        # the fused node knows its reduction; a composite one (class weights) ends in a sum, a reshape ('none')
        # or the weighted mean's last op
        reduction = getattr(node, "reduction", None) or {Sum: "sum", Reshape: "none"}.get(type(node), "mean")
        return _NLL[reduction]
    return name


def batched_by_loop(tensor):
    """`tensor`, the result of an op PyTorch has no batching rule for (kl_div): under vmap PyTorch runs such an op
    once per element and stacks the results into a view, so a vmapped output that is this tensor shows
    ViewBackward0 (display only)."""
    if tensor._node is not None:
        tensor._node.batched_by_loop = "ViewBackward0"
    return tensor


def _passed_through(pieces, inputs):
    """(the mapped input, its in_dim) when `pieces` are that input's own per-element slices, returned unchanged
    (PyTorch then gives back the input itself); else (None, None)."""
    elements, leaves, dims = inputs
    for j, (leaf, dim) in enumerate(zip(leaves, dims)):
        if dim is not None and all(p is element[j] for p, element in zip(pieces, elements)):
            return leaf, dim % leaf.ndim
    return None, None


class _Mapped(Function):
    """A mapped input's slice as the function gets it while some out_dim is None: the same values, recorded on the
    graph through `token` (a leaf that requires grad) so that an output computed from them can be told apart."""

    def forward(ctx, token, values):
        return values

    def backward(ctx, gy):
        return None, gy


def _marked(element, dims, token):
    """The element's flat leaves with each mapped Tensor passed through a _Mapped node."""
    return tuple(_Mapped.apply(token, leaf) if dim is not None and isinstance(leaf, Tensor)
                 and leaf.dtype.kind in "fc" else leaf for leaf, dim in zip(element, dims))


def _leaves_reached(tensor):
    """The leaf Tensors that requires grad which `tensor`'s graph reaches (by id)."""
    stack = [tensor._node] if tensor._node is not None else []
    seen, leaves = set(), set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        for parent in node.parents:
            if isinstance(parent, Tensor):
                leaves.add(id(parent))
            elif parent is not None:
                stack.append(parent)
    return leaves


def _batched(piece, token):
    """Whether the per-element output `piece` was computed from a mapped input (it reaches the token)."""
    return token is not None and id(token) in _leaves_reached(piece)


def _unmarked(out, token):
    """A stacked output without the graph the marking gave it, when that is the only graph it has."""
    if token is None or not out.requires_grad or _leaves_reached(out) - {id(token)}:
        return out
    return out.detach()


def _stack_output(name, i, pieces, out_dim, size, inputs, token=None):
    if out_dim is None:
        first = pieces[0]
        if not any(_batched(p, token) for p in pieces) and all(
                p is first or (p.shape == first.shape and bool((p == first).all())) for p in pieces):
            return first
        # PyTorch's sentence: an output computed from a mapped input is batched, whatever its values
        raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor when out_dim is None (output "
                         f"{i} is computed from a mapped input, or differs across the batch: give it an int out_dim)")
    ndim = pieces[0].ndim + 1
    if not -ndim <= out_dim < ndim:
        raise DimRangeError(f"vmap({name}): out_dim {out_dim} for output {i} (per element of shape "
                            f"{tuple(pieces[0].shape)}) must satisfy {-ndim} <= out_dim < {ndim}")
    if size == 0:
        shape = list(pieces[0].shape)
        shape.insert(out_dim % ndim, 0)
        return zeros(tuple(shape), dtype=pieces[0].dtype, device=pieces[0].device)
    shapes = {tuple(p.shape) for p in pieces}
    if len(shapes) > 1:
        raise ValueError(f"vmap({name}): output {i} has different shapes across the batch ({sorted(shapes)}); "
                         "each element's output must have the same shape")
    source, in_dim = _passed_through(pieces, inputs)
    if source is not None:
        return source if out_dim % ndim == in_dim else movedim(source, in_dim, out_dim % ndim)
    out = stack(pieces, dim=out_dim)
    if token is not None:
        return _unmarked(out, token)
    if pieces[0]._node is not None:   # PyTorch's batched result comes from the batched last op: show its name
        named(out, _batched_node_name(pieces[0]._node, [p._node for p in pieces]))
    return out


#: what a custom Function's vmap staticmethod is told (torch.func's VmapInfo)
VmapInfo = namedtuple("VmapInfo", ["batch_size", "randomness"])


class VmapRules:
    """A running vmap's calls of custom Functions' own vmap staticmethods, as torch.func.vmap makes them: a Function
    applied (while the first element runs) to slices of mapped inputs, and otherwise only to the vmap's unmapped
    inputs, gets vmap(info, in_dims, *batched inputs) called once on the whole inputs, and each element then takes
    its slice of the (outputs, out_dims) it returned. A Function given other tensors (computed inside the mapped
    function, or from outside the vmap call) runs per element instead, as every other function here."""

    def __init__(self, leaves, dims, elements, randomness):
        self.leaves, self.dims, self.size, self.randomness = leaves, dims, len(elements), randomness
        self.mapped = {id(piece): k for element in elements for k, (piece, dim) in enumerate(zip(element, dims))
                       if dim is not None and isinstance(piece, Tensor)}
        self.unmapped = {id(leaf) for leaf, dim in zip(leaves, dims) if dim is None and isinstance(leaf, Tensor)}
        self.results = []   # per call in an element: (Function, outputs, out_dims), or None where it ran per element
        self.index = self.calls = 0
        self.outer = levels.vmap_rules

    def start(self, index):
        """Note that element `index` now runs."""
        self.index, self.calls = index, 0

    def result(self, cls, args, kwargs):
        """Element `index`'s outputs of `cls` applied to `args`, or NotImplemented (it runs per element)."""
        call, self.calls = self.calls, self.calls + 1
        if self.index == 0:
            whole = None if kwargs else self._whole(args)
            self.results.append(None if whole is None else (cls, *self._run(cls, *whole)))
        if call >= len(self.results) or self.results[call] is None or self.results[call][0] is not cls:
            return NotImplemented
        _, outputs, out_dims = self.results[call]
        leaves, dims = outputs_and(out_dims, outputs)
        pieces = [o if d is None else o.select(d, self.index) for o, d in zip(leaves, dims)]
        return tree_unflatten(pieces, tree_flatten(outputs)[1])

    def _whole(self, args):
        """(the whole inputs, in_dims) for `args`, or None when a tensor among them is neither a mapped input's
        slice nor an unmapped input, or none is mapped."""
        whole, in_dims = [], []
        for a in args:
            k = self.mapped.get(id(a)) if isinstance(a, Tensor) else None
            if k is not None:
                whole.append(self.leaves[k])
                in_dims.append(self.dims[k] % self.leaves[k].ndim)
            elif isinstance(a, Tensor) and id(a) not in self.unmapped:
                return None
            else:
                whole.append(a)
                in_dims.append(None)
        return (whole, tuple(in_dims)) if any(d is not None for d in in_dims) else None

    def _run(self, cls, whole, in_dims):
        """cls.vmap(info, in_dims, *whole) run outside this vmap, its (outputs, out_dims) checked as PyTorch's."""
        levels.vmap -= 1
        levels.any -= 1
        levels.vmap_rules = self.outer
        try:
            got = cls.vmap(VmapInfo(self.size, self.randomness), in_dims, *whole)
        finally:
            levels.vmap += 1
            levels.any += 1
            levels.vmap_rules = self
        if not (isinstance(got, tuple) and len(got) == 2):
            raise RuntimeError("Expected the vmap staticmethod to have two returns, an output and out_dims with pytree "
                               f"structure compatible with the output. Got a {type(got)} instead")
        outputs, out_dims = got
        try:
            outputs_and(out_dims, outputs)
        except ValueError:
            raise RuntimeError("The autograd.Function's vmap staticmethod returned an incompatible (output, out_dims) "
                               f"tuple. Expected out_dims={out_dims!r} to be compatible with the structure of `output`. "
                               f"out_dims is {out_dims!r} but output has structure {describe(tree_flatten(outputs)[1])}. "
                               "For more details, please see https://pytorch.org/docs/main/notes/extending.func.html"
                               ) from None
        return outputs, out_dims


def outputs_and(out_dims, outputs):
    """(the output leaves, one out_dim per leaf) of a vmap staticmethod's result; ValueError where they do not match."""
    leaves = tree_flatten(outputs)[0]
    dims = [out_dims] * len(leaves) if _is_dim(out_dims) else broadcast_prefix(out_dims, outputs, _is_dim)
    if len(dims) != len(leaves):
        raise ValueError("out_dims does not match the outputs")
    return leaves, dims


class NumberOutputError(ValueError, RuntimeError):
    """A mapped function that returned a Python number, as .item() makes: a ValueError, and a RuntimeError as
    torch.func.vmap raises for .item() inside it."""


def _collect(name, outputs, out_dims, size, inputs, token=None):
    leaves, spec = tree_flatten(outputs[0])
    for leaf in leaves:
        if isinstance(leaf, (bool, int, float, complex)):
            raise NumberOutputError(f"vmap({name}): the function must return only Tensors, but it returned a "
                                    f"Python {type(leaf).__name__}: calling .item() (or float()/int()) on a Tensor "
                                    "inside vmap is not supported, as in PyTorch; keep the value a Tensor (e.g. "
                                    "x.sum() instead of x.sum().item()), or wrap a constant with ag.tensor(...)")
        if not isinstance(leaf, Tensor):
            raise ValueError(f"vmap({name}): the function must return only Tensors (in tuples/lists/dicts), got a "
                             f"{type(leaf).__name__}; wrap numbers with ag.tensor(...)")
    per_element = []
    for out in outputs:
        out_leaves, out_spec = tree_flatten(out)
        if out_spec != spec:
            raise ValueError(f"vmap({name}): the function returned outputs of different structures across the "
                             f"batch ({describe(spec)} and {describe(out_spec)})")
        per_element.append(out_leaves)
    try:
        dims = [out_dims] * len(leaves) if _is_dim(out_dims) else broadcast_prefix(out_dims, outputs[0], _is_dim)
    except ValueError as why:
        raise ValueError(f"vmap({name}, out_dims={out_dims!r}): out_dims does not match the structure of the "
                         f"outputs, {describe(spec)} ({why})") from None
    columns = list(zip(*per_element)) if per_element[0] else [() for _ in leaves]
    stacked = [_stack_output(name, i, list(col), dim, size, inputs, token)
               for i, (col, dim) in enumerate(zip(columns, dims))]
    return tree_unflatten(stacked, spec)


def vmap(func, in_dims=0, out_dims=0, randomness="error", *, chunk_size=None):
    """torch.func.vmap: a function that maps `func` over dimension in_dims of its positional arguments
    (an int for all of them, or a tuple with one entry per argument: an int, None for an argument passed
    whole to every call, or a nested tuple/dict matching a tuple/dict argument) and stacks the outputs (Tensors,
    possibly in tuples/lists/dicts) at out_dims (an int, or a matching tuple; None for an output that is the
    same for every element). Keyword arguments are passed whole. Runs func once per element (a loop; see the
    module docstring); randomness: 'error' (default), 'different' or 'same' (autograd/func_random.py).
    chunk_size is checked and otherwise unused."""
    if not callable(func):
        raise TypeError(f"vmap: func must be callable, got {type(func).__name__}")
    check_randomness("vmap", randomness)
    if chunk_size is not None and not isinstance(chunk_size, int):   # PyTorch fails on it with a TypeError
        raise ArgumentKindError(f"vmap: chunk_size must be None or a positive int, got {type(chunk_size).__name__} "
                                f"{chunk_size!r}; pass how many examples to run at once, e.g. chunk_size=2")
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError(f"vmap: chunk_size must be None or a positive int, got {chunk_size!r}")
    name = _name(func)

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        leaves, spec = tree_flatten(args)
        dims = _arg_dims(name, in_dims, args)
        size = _batch_size(name, in_dims, leaves, dims)
        guard = RandomGuard(f"vmap({name})", randomness)
        outputs = []
        elements = _element_args(leaves, dims, size)
        token = None
        if size and is_grad_enabled() and None in tree_flatten(out_dims)[0]:
            # an out_dim None: the mapped inputs are marked so that outputs computed from them can be refused, as
            # PyTorch refuses a batched output there even when its values agree across the batch
            mapped = next(leaf for leaf, dim in zip(leaves, dims) if dim is not None)
            token = wrap_array(mapped.device.xp.zeros(()), mapped.device).requires_grad_()
            elements = [_marked(element, dims, token) for element in elements]
        rules = VmapRules(leaves, dims, elements, randomness) if size else None
        for index, element in enumerate(elements):
            with guard, (no_grad() if size == 0 else nullcontext()):   # size 0: a probe for the shapes only
                with inside(vmap=True):
                    outer, levels.vmap_rules = levels.vmap_rules, rules
                    if rules is not None:
                        rules.start(index)
                    try:
                        outputs.append(func(*tree_unflatten(list(element), spec), **kwargs))
                    finally:
                        levels.vmap_rules = outer
        return _collect(name, outputs, out_dims, size, (elements, leaves, dims), token)
    return wrapped
