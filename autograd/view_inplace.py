"""In-place changes through views inside a graph, as PyTorch makes them: `y[1:].mul_(3)`,
`y.view(2, 2)[0].add_(x)`, `buf[:, t].copy_(h)` change the tensor they view, in values and in the graph.

An op whose output array views an input's memory (slicing, view, transpose, unsqueeze, split, ...) links
the output tensor to that input (`_view_of`). When an in-place op that records a graph reaches a linked
tensor, its new value is written into the shared memory, and the root of the chain of views (the tensor
whose memory it is) becomes a `CopySlices` node over its old value and the new part; every tensor of the
chain becomes an as-strided view of that new root. So the base sees the values, gradients reach what was
written in, and the old part of the base keeps its own gradient path. The positions of a view in its root
are kept as strides and an offset (bytes) of the root's memory layout.

The other way round, an in-place op inside a graph on a tensor that others view (`v = y[:2]; y.mul_(3)`)
makes y the op's new node and value, and every live view of y (views of views included) becomes an
as-strided view of that new value: the views show the new values and their gradients reach the new node,
as PyTorch's views do after their base changes. A change through one view reaches its sibling views
the same way.

A view of a leaf that requires grad cannot be changed in place inside a graph (PyTorch's RuntimeError:
change the leaf under `no_grad()`). A link is used only while the two tensors still share memory (an
out-of-place rebinding of the base ends it)."""

from .function import Function, named
from .grad_mode import state
from .tensor import Tensor, _check_inplace, rebind
from .versions import mark_replaced, start_change
from .view_links import SeveralViews, live_views, owner as _owner


def _address(array):
    """The address of an array's first element (NumPy or CuPy)."""
    interface = getattr(array, "__array_interface__", None) or array.__cuda_array_interface__
    return interface["data"][0]


def _chain(view):
    """[view, its base, ..., root]: the linked tensors that still share the view's memory, or None when the
    view has no live link."""
    chain, owner = [view], _owner(view._data)
    base = getattr(view, "_view_of", None)
    if isinstance(base, SeveralViews) and _owner(base.base._data) is owner:
        raise RuntimeError(f"Output {view._out_idx} of {_op_name(view, base)} is a view and is being modified "
                           "inplace. This view is the output of a function that returns multiple views (split, "
                           "chunk, unbind), and such views cannot be changed in place inside a graph (as in "
                           "PyTorch); use an out-of-place op, or change a clone")
    while base is not None and not isinstance(base, SeveralViews) and _owner(base._data) is owner:
        chain.append(base)
        base = getattr(base, "_view_of", None)
    return chain if len(chain) > 1 else None


def _op_name(view, link):
    """PyTorch's name of the op that returned `view` among several ('Split', 'SplitWithSizes', 'Unbind')."""
    if view._node is not None:
        name = view._node.name()
        return name[:-len("Backward0")] if name.endswith("Backward0") else name
    return getattr(link.op, "__name__", "this op")


def linked(view):
    """True when `view` is a live view of another tensor (an in-place op on it must reach that tensor)."""
    return state.enabled and _chain(view) is not None


class _Geometry:
    """Where a view lies in its root's memory: shape, strides and byte offset, plus the root's layout."""

    def __init__(self, view_array, root_array, op, xp):
        compact = xp.empty_like(root_array, order="K")
        if any(a != b for a, b, n in zip(compact.strides, root_array.strides, root_array.shape) if n > 1):
            raise RuntimeError(f"{op}: in-place change through a view of a tensor whose memory has gaps (shape "
                               f"{tuple(root_array.shape)}, strides {root_array.strides}) inside a graph; make the "
                               "base contiguous first (base = base.contiguous()) or change a clone")
        self.shape, self.strides = view_array.shape, view_array.strides
        self.offset = _address(view_array) - _address(root_array)

    def region(self, xp, array):
        """The view's elements inside `array`, an array laid out as the root (same shape and strides)."""
        flat = xp.ravel(array, order="K")   # memory order: a view, since the layout is compact
        return xp.lib.stride_tricks.as_strided(flat[self.offset // array.itemsize:], shape=self.shape,
                                               strides=self.strides)


def _root_layout(xp, like, values):
    """A fresh array with the root's shape, dtype and memory layout, holding `values` (or zeros)."""
    out = xp.empty_like(like, order="K")
    out[...] = 0 if values is None else values
    return out


class CopySlices(Function):
    """The root after a part of it (a view) was overwritten: forward writes the new part into the root's
    memory and returns it; backward sends the gradient of that part to the new values and the rest to the
    root's old value."""
    torch_name = "torch::autograd::CopySlices"

    def forward(ctx, root, part, geometry):
        ctx.geometry, ctx.layout = geometry, root
        geometry.region(ctx.xp, root)[...] = part
        return root

    def backward(ctx, gy):
        xp, geometry = ctx.xp, ctx.geometry
        g_root = _root_layout(xp, ctx.layout, gy)
        region = geometry.region(xp, g_root)
        g_part = region.copy()
        region[...] = 0
        return g_root, g_part


class AsStridedView(Function):
    """A view of the root at fixed positions, after an in-place change through it (PyTorch's
    AsStridedBackward0): its gradient lands on those positions of the root."""
    torch_name = "AsStridedBackward0"

    def forward(ctx, root, geometry):
        ctx.geometry, ctx.layout = geometry, root
        return geometry.region(ctx.xp, root)

    def backward(ctx, gy):
        g_root = _root_layout(ctx.xp, ctx.layout, None)
        ctx.geometry.region(ctx.xp, g_root)[...] = gy
        return g_root


def _refuse_leaf_root(view, root, op):
    """PyTorch's error for an in-place op inside a graph on a view of a leaf that requires grad."""
    if root._node is None and root.requires_grad:
        raise RuntimeError(f"{op}: a view of a leaf Variable that requires grad is being used in an in-place "
                           f"operation (view shape {tuple(view.shape)}, leaf shape {tuple(root.shape)}); change "
                           "the leaf inside `with torch.no_grad():`, or change a clone")


def write_through(view, result, op, since=None):
    """Make `result` (a tensor of the view's shape: the view's new value) the view's value in place: written
    into the shared memory, with the root and every linked view rebound into the graph as described above. The
    values they had count as changed in place from clock tick `since` (start_change, taken before the op ran)."""
    chain = _chain(view)
    root = chain[-1]
    _refuse_leaf_root(view, root, op)
    mark_replaced([t._data for t in chain], start_change() if since is None else since)
    if result.dtype != view.dtype:
        result = result.astype(view.dtype)
    if tuple(result.shape) != tuple(view.shape):
        result = result.expand(*view.shape)
    root._writable()
    geometries = [(t, _Geometry(t._data, root._data, op, root._device.xp)) for t in chain[:-1]]
    old_root = Tensor._make(root._data, root._device, root._node, root._out_idx, root.requires_grad)
    new_root = CopySlices.apply(old_root, result, geometry=geometries[0][1])
    rebind(root, new_root)
    root._bump_version()
    _rebind_views(root, geometries)
    _follow(root, [t for t in live_views(root) if not any(t is c for c in chain)], root._data, op)


def replace_value(t, result, op, since=None):
    """Make `result` t's value and graph position (an in-place op on t inside a graph), and the live views
    of t as-strided views of it. The value t had counts as changed in place from clock tick `since` (start_change,
    taken before the op ran): the nodes that saved it refuse backward, as PyTorch's."""
    views = live_views(t) if getattr(t, "_views", None) else ()
    old = t._data
    rebind(t, result)
    t._version_cell()[0] += 1
    # the old array is left as it was, but PyTorch's saved tensor would have changed: refuse as PyTorch does
    mark_replaced([old], start_change() if since is None else since)
    if views:
        _follow(t, views, old, op)


def shares_memory_outside_graph(t):
    """True for a plain tensor (no graph node, no gradient, no tracked views) whose memory an in-place op inside a
    graph must change where it is, since other tensors may alias it (t.data, t.detach())."""
    data = t._data
    return (t._node is None and not t.requires_grad and not getattr(t, "_views", None) and hasattr(data, "flags")
            and getattr(data.flags, "writeable", False) and data.ndim > 0)


def write_value(t, result, op, since=None):
    """Make `result` t's value and graph position (an in-place op inside a graph on a tensor outside one, see
    shares_memory_outside_graph), its values written into t's memory so that every alias of it sees them."""
    old = t._data
    if tuple(result.shape) != tuple(old.shape):
        result = result.expand(*old.shape)
    old[...] = result._data
    rebind(t, result)
    t._data = old
    t._version_cell()[0] += 1
    mark_replaced([old], start_change() if since is None else since)


def _follow(root, views, old, op):
    """Rebind `views` (tensors viewing `old`, the root's memory before an in-place change) to the same
    positions of the root's value now."""
    if not views:
        return
    xp = root._device.xp
    try:
        geometries = [(v, _Geometry(v._data, old, op, xp)) for v in views]
    except RuntimeError:   # memory with gaps: such views keep their old values, as before views followed
        return
    if root._data.strides != old.strides:   # the new value laid out as the old one, so the positions hold
        rebind(root, _Relayout.apply(root, layout=old))
    _rebind_views(root, geometries)


def _rebind_views(root, geometries):
    """Each (view, geometry): the view becomes the as-strided view of the root's value at its positions."""
    for view, geometry in geometries:
        rebind(view, AsStridedView.apply(root, geometry=geometry))
        view._view_of = root


class _Relayout(Function):
    """x copied into the memory layout of `layout` (same shape): a value whose views are kept by position."""
    torch_name = "CloneBackward0"

    def forward(ctx, x, layout):
        return _root_layout(ctx.xp, layout, x)

    def backward(ctx, gy):
        return gy


def copy_in_graph(t, src):
    """t.copy_(src) where a graph is recorded: t becomes a copy of src (broadcast, in t's dtype) whose gradient
    flows back to src, through t's base when t is a view of it."""
    if t._node is None and t.requires_grad:
        _check_inplace(t, "copy_")
    if src._data.dtype.kind == "c" and t._data.dtype.kind != "c":
        src = src.real
    value = src.to(t.dtype).expand(*t.shape)
    if linked(t):
        write_through(t, value, "copy_")
    elif shares_memory_outside_graph(t):   # aliases of t's memory (t.data, t.detach()) see the values
        write_value(t, _CopyOver.apply(t.clone(), value), "copy_")
    else:   # t's old value stays in the graph with a zero gradient (PyTorch's CopyBackwards)
        replace_value(t, _CopyOver.apply(t, value), "copy_")
    return t


class _CopyOver(Function):
    """`value` as the new value of `old` (t.copy_(value) inside a graph): the gradient goes to value, and
    zeros to old, whose values were overwritten."""
    torch_name = "torch::autograd::CopyBackwards"   # reprs show CopyBackwards, as PyTorch's

    def forward(ctx, old, value):
        out = ctx.xp.empty_like(old)
        out[...] = value
        return out

    def backward(ctx, gy):
        return ctx.xp.zeros_like(gy) if ctx.needs_input_grad[0] else None, gy


def fill_in_graph(t, fill, args, op):
    """zero_/fill_ (`fill`, the plain method) on a tensor inside a graph: the values, which carry no gradient,
    are written through to a view's base, or become the new value of a non-view (whose old value then gets a
    zero gradient, as PyTorch's FillBackward0 gives). Leaves and tensors outside a graph take the plain method."""
    if not (state.enabled and t.requires_grad and t._node is not None):
        return fill(t, *args)
    constant = Tensor._make(t._data.copy(), t._device, None, 0, False)
    fill(constant, *args)
    if linked(t):
        write_through(t, constant, op)
    else:
        name = "ZeroBackward0" if op == "zero_" else "FillBackward0" if isinstance(args[0], Tensor) else "FillBackward2"
        replace_value(t, named(_CopyOver.apply(t, constant), name), op)
    return t
