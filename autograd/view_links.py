"""Which op outputs are views of an input's memory: such an output tensor is linked to that input
(`_view_of`), so that an in-place op on it inside a graph reaches the input too, and the input keeps weak
references to its views (`_views`), so that an in-place op on it inside a graph reaches them
(view_inplace.py)."""
import weakref

from .grad_mode import state
from .tensor import Tensor

#: a base's list of view references is swept of dead ones when it reaches twice the live count (at least this)
_SWEEP_AT = 16


def owner(array):
    """The object whose memory `array` uses (NumPy and CuPy keep it in .base; as_strided's result has a
    wrapper there, whose own .base is the array)."""
    base = getattr(array, "base", None)
    while base is not None:
        array, base = base, getattr(base, "base", None)
    return array


def view_base(out, args):
    """The Tensor argument whose memory the op's output (an array, or a tuple of them) views, or None."""
    if type(out) is not tuple:   # one output (most ops): its owner found once
        if getattr(out, "base", None) is None:
            return None
        memory = owner(out)
        for a in args:
            if isinstance(a, Tensor) and owner(a._data) is memory:
                return a
        return None
    outs = out
    owners = [owner(o) for o in outs if getattr(o, "base", None) is not None]
    if not owners:
        return None
    for a in args:
        if isinstance(a, Tensor):
            mine = owner(a._data)
            if any(mine is o for o in owners):
                return a
    return None


class SeveralViews:
    """The link of one of several views an op returned (split, chunk, unbind): PyTorch refuses in-place
    changes of those inside a graph, naming the op."""
    __slots__ = ("base", "op")

    def __init__(self, base, op):
        self.base, self.op = base, op


def link_views(results, base, op=None):
    """Mark the op's result tensors that view `base`'s memory as its views (view_base found it); returns
    `results`."""
    rebound = base._node is not None or not base.requires_grad   # a leaf that requires grad is never rebound
    # PyTorch's views made under no_grad of a tensor that requires grad require grad too, as leaves whose
    # gradient goes nowhere (the engine accumulates none into them)
    no_grad_view = base.requires_grad and not state.enabled and not state.inference
    if type(results) is not tuple:   # one result: view_base found that it shares base's memory
        results._view_of = base
        results._vc = base._version_cell()   # a view counts its base's in-place changes, as PyTorch's
        if rebound:
            remember_view(base, results)
        if no_grad_view:
            results.requires_grad = True
        return results
    memory = owner(base._data)
    for r in results:
        if owner(r._data) is memory:
            r._view_of = SeveralViews(base, op)
            r._vc = base._version_cell()
            if rebound:
                remember_view(base, r)
            if no_grad_view:
                r.requires_grad = True
    return results


def remember_view(base, view):
    """Note `view` among the views of `base` (weakly: a view that is dropped is forgotten)."""
    views = getattr(base, "_views", None)   # (an unset slot: cheaper read with a default than try/except)
    if views is None:
        base._views = [_ref(view)]
        return
    views.append(_ref(view))
    n = len(views)
    if n >= _SWEEP_AT and n & (n - 1) == 0:   # at powers of two: amortised O(1)
        views[:] = [v for v in views if v() is not None]


_ref = weakref.ref


def live_views(base):
    """The views of `base` still alive and still sharing its memory, nearest first (views of views follow)."""
    found, todo, memory = [], [base], owner(base._data)
    while todo:
        for ref in getattr(todo.pop(), "_views", None) or ():
            view = ref()
            if view is not None and view is not base and owner(view._data) is memory and not any(
                    view is f for f in found):
                found.append(view)
                todo.append(view)
    return found


def _view_root(t):
    """PyTorch's `Tensor._base`: the tensor whose memory this view shares, followed through views of views to
    the first one that is not a view; None for a tensor that is not a view."""
    base = getattr(t, "_view_of", None)
    while base is not None:
        if type(base) is SeveralViews:
            base = base.base
        above = getattr(base, "_view_of", None)
        if above is None:
            return base
        base = above
    return None


def _is_view(t):
    """True when this tensor is a view of another's memory (PyTorch's `Tensor._is_view()`)."""
    return _view_root(t) is not None


Tensor._base = property(_view_root, doc=_view_root.__doc__)
Tensor._is_view = _is_view
