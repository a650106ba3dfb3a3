"""sparse @ dense as one op over the sparse matrix's values and the dense matrix: the device's spmm kernel
forward, and for the gradients the transposed product (dense) and per-entry dot products (values). Its
composed form, for create_graph, is the same product written with gathers and an index_add."""
from ..function import Function
from ..tensor import Tensor


class SparseMatMul(Function):
    """(M, N) = S @ D for the sparse (M, K) matrix S with entries (rows, cols, values) and the dense (K, N) D."""
    op_name = "sparse_mm"
    torch_name = "SparseAddmmBackward0"
    differentiable_backward = False

    def forward(ctx, values, dense, rows, cols, m):
        ctx.save_for_backward(values, dense)
        ctx.rows, ctx.cols = rows, cols
        return ctx.device.spmm(rows, cols, values, dense, m)

    def backward(ctx, g):
        values, dense = ctx.saved_tensors
        need = ctx.needs_input_grad
        g_values = ctx.device.sddmm(ctx.rows, ctx.cols, g, dense) if need[0] else None
        g_dense = ctx.device.spmm(ctx.cols, ctx.rows, values, g, dense.shape[0]) if need[1] else None
        return g_values, g_dense, None, None, None


def composed(values, dense, rows, cols, m):
    """SparseMatMul's product as recorded ops: each entry's scaled dense row, summed into its result row."""
    zeros = Tensor._make(dense._device.xp.zeros((m, dense.shape[1]), dense.dtype), dense._device, None, 0, False)
    return zeros.index_add(0, rows, dense[cols] * values.unsqueeze(1))


SparseMatMul.composed = staticmethod(composed)
