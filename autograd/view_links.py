"""Which op outputs are views of an input's memory: such an output tensor is linked to that input
(`_view_of`), so that an in-place op on it inside a graph reaches the input too (view_inplace.py)."""
from .tensor import Tensor


def owner(array):
    """The object whose memory `array` uses (NumPy and CuPy keep it in .base)."""
    base = getattr(array, "base", None)
    return array if base is None else base


def view_base(out, args):
    """The Tensor argument whose memory the op's output (an array, or a tuple of them) views, or None."""
    outs = out if type(out) is tuple else (out,)
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
    """Mark the op's result tensors that view `base`'s memory as its views; returns `results`."""
    memory = owner(base._data)
    several = type(results) is tuple
    for r in (results if several else (results,)):
        if owner(r._data) is memory:
            r._view_of = SeveralViews(base, op) if several else base
    return results
