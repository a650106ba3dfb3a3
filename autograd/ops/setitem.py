"""Assignment into part of a tensor (t[index] = value) as a graph op."""
from ..broadcast import unbroadcast
from ..function import Function
from ..tensor import Tensor, _no_complex_into_real
from .index_order import block_move, to_torch_order, value_in_numpy_order
from .indexing import _is_basic, _prepare_index


class SetItem(Function):
    """x with x[index] = value; the index parts come as separate arguments (see GetItem)."""

    op_name = "setitem"

    def forward(ctx, x, value, *index):
        ctx.index = index
        ctx.value_shape = getattr(value, "shape", ())
        ctx.move = None if _is_basic(index) else block_move(x.ndim, index)
        out = ctx.xp.array(x)   # a copy, and an array even of a 0-d result NumPy gave as a scalar
        out[index] = value if ctx.move is None else value_in_numpy_order(ctx.xp, out, index, value, ctx.move)
        return out

    def backward(ctx, gy):
        need = ctx.needs_input_grad
        gv = None
        if need[1]:
            part = gy[ctx.index]   # a Tensor's indexing lays it out as PyTorch's already
            if ctx.move is not None and not isinstance(gy, Tensor):
                part = to_torch_order(ctx.xp.moveaxis, part, ctx.move)
            gv = unbroadcast(part, ctx.value_shape)
        gx = None
        if need[0] and isinstance(gy, Tensor):   # double backward: stay in the graph
            keep = ctx.xp.ones(gy.shape, dtype=bool)
            keep[ctx.index] = False
            gx = gy * keep
        elif need[0]:   # zeros where x was overwritten (+0, as PyTorch: not gy * mask, which leaves -0)
            gx = ctx.xp.array(gy)   # a copy (an array even of a 0-d gradient NumPy gave as a scalar)
            gx[ctx.index] = 0
        return (gx, gv) + (None,) * len(ctx.index)

    def name(self):
        """PyTorch's name for this assignment: CopySlices (a copy into a view) for ints and slices, IndexPutBackward0
        for integer arrays and masks."""
        if self.torch_name is not None:
            return self.torch_name
        return "torch::autograd::CopySlices" if _is_basic(self.index) else "IndexPutBackward0"


def setitem(x, index, value):
    """x with x[index] replaced by value, differentiable in both x and value."""
    index = _prepare_index(x, index)
    if not isinstance(value, Tensor):
        value = Tensor(value, dtype=x.dtype if not isinstance(value, complex) else None, device=x.device)
    _no_complex_into_real("setitem", x, value)
    return SetItem.apply(x, value, *index)
