"""Matrix product and norms. Products of NumPy arrays choose their BLAS thread count by size and by
measuring (backends/thread_choice.py: one thread for mid-sized products, which gain nothing from a
second and lose most when another process holds a core; the faster count, measured as the program
runs, for large ones); `ag.set_num_threads(n)` caps both.
"""
import numpy as np

from backends import thread_choice
from backends.products import matmul_for

from ..broadcast import sum_axes, unbroadcast
from ..function import Function, named
from ..shown_nodes import own_shown_pairs
from ..tensor import Tensor
from ..nested_dispatch import nested_dispatch
from .. import autocast_state as autocast
from .elementwise import _promote
from .dims import check_tensor, resolve
from .linalg_norms import LinalgVectorNorm
from .reduction import _axes, _check_dims
from .dtype_args import check_dtype_arg
from ..errors import DtypeError, IndexShapeError, ShapeError


def product(xp, a, b, out=None):
    """a @ b (NumPy's matmul rules; into `out` when given), on the BLAS thread count that suits its size
    for NumPy arrays."""
    if xp is np:
        return thread_choice.matmul(a, b, out)
    if isinstance(a, getattr(xp, "ndarray", ())):   # cupy arrays: the product a CUDA graph can hold
        return matmul_for(xp)(a, b, out)
    if out is not None:
        return xp.matmul(a, b, out=out)
    return a @ b    # Tensors, when backward builds a graph (create_graph)


class MatMul(Function):
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        ctx.ranks = (a.ndim, b.ndim)
        return product(ctx.xp, a, b)

    def name(self):
        """The node's name as torch.matmul's last node for these ranks: 'MmBackward0' (2-D @ 2-D), 'MvBackward0',
        'DotBackward0', 'SqueezeBackward4' (1-D @ 2-D), else the batched forms' 'UnsafeViewBackward0' (or
        'CloneBackward0' for a 2-D left operand that requires grad, which PyTorch folds by transposing)."""
        if self.torch_name is not None:
            return self.torch_name
        ranks = getattr(self, "ranks", None)
        simple = {(2, 2): "MmBackward0", (2, 1): "MvBackward0", (1, 1): "DotBackward0", (1, 2): "SqueezeBackward4"}
        if ranks is None:
            return "MmBackward0"
        if ranks in simple:
            return simple[ranks]
        if ranks[0] == 2 and getattr(self, "needs_input_grad", (False,))[0]:
            return "CloneBackward0"
        return "UnsafeViewBackward0"

    def backward(ctx, gy):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        if isinstance(gy, Tensor):
            grads = _recorded_matmul_grads(gy, a, b, need, ctx.torch_name == "BmmBackward0")
            if grads is not None:
                return grads
        a2 = a.reshape((1,) + a.shape) if a.ndim == 1 else a
        b2 = b.reshape(b.shape + (1,)) if b.ndim == 1 else b
        if a.ndim == 1:
            gy = gy.reshape(gy.shape[:-1] + (1,) + gy.shape[-1:]) if b.ndim > 1 else gy.reshape((1,))
        if b.ndim == 1:
            gy = gy.reshape(gy.shape + (1,))
        ga = gb = None
        if need[0]:
            ga = unbroadcast(product(ctx.xp, gy, b2.swapaxes(-1, -2)), a2.shape).reshape(a.shape)
        if need[1]:
            gb = unbroadcast(product(ctx.xp, a2.swapaxes(-1, -2), gy), b2.shape).reshape(b.shape)
        return ga, gb

    @staticmethod
    def explain_error(args, exc):
        a, b = args
        sa, sb = getattr(a, "shape", ()), getattr(b, "shape", ())
        if len(sa) == 0 or len(sb) == 0:
            return f"matmul: both operands need at least 1 dimension, got shapes {sa} and {sb}; use * for scalars"
        inner_a = sa[-1]
        inner_b = sb[0] if len(sb) == 1 else sb[-2]
        if inner_a != inner_b:
            return (f"matmul: shapes {sa} and {sb} are not aligned: the last dimension of the first ({inner_a}) "
                    f"must equal the {'only' if len(sb) == 1 else 'second-to-last'} dimension of the second "
                    f"({inner_b}); transpose one of them or fix the layer sizes")
        return f"matmul: batch dimensions of {sa} and {sb} do not broadcast ({exc})"


class VectorNorm(Function):
    op_name = "norm"
    torch_name = "LinalgVectorNormBackward0"   # torch.norm and Tensor.norm run linalg.vector_norm

    def forward(ctx, x, ord, axis, keepdims):
        xp = ctx.xp
        ctx.axis = axis
        ctx.keepdims = keepdims
        ctx.ord = ord
        result_dtype = x.dtype
        if x.dtype == np.float16:   # sums of float16 squares overflow at 256: accumulate in float32
            x = x.astype(np.float32)
        if ord == 2:
            out = xp.sqrt((x * x).sum(axis=axis, keepdims=True))
        elif ord == 1:
            out = xp.abs(x).sum(axis=axis, keepdims=True)
        elif ord == np.inf:
            out = xp.abs(x).max(axis=axis, keepdims=True)
        else:
            out = (xp.abs(x) ** ord).sum(axis=axis, keepdims=True) ** (1.0 / ord)
        if not keepdims:
            out = out.reshape([n for i, n in enumerate(x.shape) if i not in axis])
        if out.dtype != result_dtype:
            out, x = out.astype(result_dtype), x.astype(result_dtype)
        ctx.save_for_backward(x, out)  # the returned array itself, so create_graph can differentiate through it
        return out

    def backward(ctx, gy):
        x, out = ctx.saved_tensors
        xp = ctx.xp
        if not ctx.keepdims:
            kept = tuple(1 if i in ctx.axis else n for i, n in enumerate(x.shape))
            gy = gy.reshape(kept)
            out = out.reshape(kept)
        ord = ctx.ord
        if ord == 2:
            safe = xp.where(out == 0, 1, out)
            return xp.where(out == 0, 0, gy * x / safe), None, None, None
        if ord == 1:
            return gy * xp.sign(x), None, None, None
        if ord == np.inf:
            mask = xp.abs(x) == out
            count = mask.sum(axis=ctx.axis, keepdims=True).astype(x.dtype)  # an int count would widen float32
            return xp.where(mask, gy * xp.sign(x) / count, 0), None, None, None
        safe = xp.where(out == 0, 1, out)
        scale = xp.where(out == 0, 0, gy / safe ** (ord - 1))
        return scale * xp.sign(x) * xp.abs(x) ** (ord - 1), None, None, None


@nested_dispatch
def matmul(input, other):
    """Matrix product with NumPy's rules: 1-D operands, 2-D, and broadcast batches."""
    return _product(input, other, "matmul")


def _product(a, b, op):
    pa, pb = _promote(a, b, op)
    if (pa is not a or pb is not b) and not autocast.active:   # a conversion happened: was it of a Tensor?
        _refuse_mixed_dtypes(op, a, b)
    return MatMul.apply(pa, pb)


def _refuse_mixed_dtypes(op, a, b):
    """PyTorch's products take one dtype; a silent widening (float32 @ float64 -> float64) would hide a slow
    or wrong-precision model, so two Tensors of different dtypes are refused, naming both."""
    if isinstance(a, Tensor) and isinstance(b, Tensor):
        raise DtypeError(f"{op}: both operands must have the same dtype, got {a.dtype} (shape {tuple(a.shape)}) and "
                         f"{b.dtype} (shape {tuple(b.shape)}); convert one, e.g. b.to(a.dtype)")


def norm(input, p="fro", dim=None, keepdim=False, *, ord=None, axis=None, keepdims=None, dtype=None):
    """Vector p-norm over `dim` (all dims when None: the Frobenius norm for p 'fro' or 2), as torch.norm.

    p (NumPy's `ord`): 'fro'/None/2 (Euclidean), 1, inf, -inf (the smallest magnitude), 0 (the count of
    nonzeros) or any other number, negative ones included, as torch.norm.
    """
    check_tensor("norm", input)
    check_dtype_arg("norm", dtype)
    p = p if ord is None else ord
    dim, keepdim = resolve("norm", dim, axis, keepdim, keepdims)
    _check_dims("norm", dim, input.ndim)
    if dtype is not None:
        input = input.astype(dtype)
    if input.dtype.kind in "biu":   # NumPy would give a truncated integer norm
        raise DtypeError(f"norm: expects a floating point or complex tensor (as torch's linalg.vector_norm), got "
                         f"{input.dtype} (shape {tuple(input.shape)}); convert it first: x.float().norm() or "
                         f"pass dtype=torch.float32")
    if input.dtype.kind == "c":   # a complex tensor's norm is that of its moduli
        input = input.abs()
    if p in (None, "fro"):
        p = 2
    if not isinstance(p, str) and p <= 0:   # 0: the count of nonzeros; -inf: the smallest magnitude
        return LinalgVectorNorm.apply(input, ord=float(p), axis=_axes(dim, input.ndim), keepdims=bool(keepdim))
    if isinstance(p, str):
        raise ValueError(f"norm: p (NumPy's ord) = {p!r} is not supported; use 'fro', a number, inf or -inf")
    return VectorNorm.apply(input, p, _axes(dim, input.ndim), keepdim)


def mm(input, mat2):
    """The product of two matrices (2-D only)."""
    check_tensor("mm", input)
    check_tensor("mm", mat2, "mat2")
    if input.ndim != 2 or mat2.ndim != 2:
        # PyTorch's sparse COO path fails on the missing dim with an IndexError, its dense one with a RuntimeError
        error = IndexShapeError if input.is_sparse or mat2.is_sparse else ShapeError
        raise error(f"mm: expects two 2-D tensors, got shapes {input.shape} and {mat2.shape}; use matmul")
    return _product(input, mat2, "mm")


@nested_dispatch
def bmm(input, mat2):
    """Batched matrix products of (B, n, m) and (B, m, p) tensors."""
    check_tensor("bmm", input)
    check_tensor("bmm", mat2, "mat2")
    if input.ndim != 3 or mat2.ndim != 3 or input.shape[0] != mat2.shape[0]:
        raise ShapeError(f"bmm: expects (B, n, m) and (B, m, p) tensors, got shapes {input.shape} and {mat2.shape}")
    return named(_product(input, mat2, "bmm"), "BmmBackward0")


def mv(input, vec):
    """The product of a matrix and a vector."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("mv", mv, input, vec)
    check_tensor("mv", input)
    check_tensor("mv", vec, "vec")
    if input.ndim != 2 or vec.ndim != 1:
        raise ShapeError(f"mv: expects a 2-D and a 1-D tensor, got shapes {input.shape} and {vec.shape}")
    return matmul(input, vec)


def dot(input, tensor):
    """The inner product of two 1-D tensors (the second is PyTorch's `tensor=` argument)."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("dot", dot, input, tensor)
    check_tensor("dot", input)
    check_tensor("dot", tensor, "tensor")
    if input.ndim != 1 or tensor.ndim != 1:
        raise ShapeError(f"dot: expects two 1-D tensors, got shapes {input.shape} and {tensor.shape}; use matmul")
    return matmul(input, tensor)


def outer(input, vec2):
    """The outer product of two 1-D tensors."""
    if autocast.active and autocast.state.casting:   # ag.autocast: PyTorch's cast for this op (autograd/amp)
        return autocast.run("outer", outer, input, vec2)
    check_tensor("outer", input)
    check_tensor("outer", vec2, "vec2")
    if input.ndim != 1 or vec2.ndim != 1:
        raise ShapeError(f"outer: expects two 1-D tensors, got shapes {input.shape} and {vec2.shape}")
    input, vec2 = _promote(input, vec2, "outer")   # unlike matmul, PyTorch's outer promotes mixed dtypes
    return named(matmul(input.reshape(-1, 1), vec2.reshape(1, -1)), "MulBackward0")


class Linear(Function):
    op_name = "linear"

    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        ctx.form = (x.ndim, bias is not None)
        y = product(ctx.xp, _rows(x), weight.T)   # one (rows, in) x (in, out) product, not a loop over a batch
        if bias is not None:
            y += bias
        return y.reshape(x.shape[:-1] + (weight.shape[0],)) if x.ndim > 2 else y

    def backward(ctx, gy):
        x, weight = ctx.saved_tensors
        need = ctx.needs_input_grad
        if isinstance(gy, Tensor):
            return _recorded_linear_grads(gy, x, weight, ctx.form[1], need)
        rows = _rows(gy)   # a gradient that is not contiguous (the output was permuted) is copied once, not twice
        gx = product(ctx.xp, rows, weight).reshape(x.shape) if need[0] else None
        gw = gb = None
        if need[1] or need[2]:
            g2 = rows if gy.ndim > 1 else _matrix(gy)
            if need[1]:
                gw = product(ctx.xp, g2.T, _matrix(x))
            if need[2]:
                gb = sum_axes(g2, 0)
        return gx, gw, gb

    @property
    def next_functions(self):
        """The edges as PyTorch's graph shows them: addmm(bias, input, weight.t()) / mm(input, weight.t()) for a 2-D
        input, which reach the weight through a TBackward0; for other ranks PyTorch views the input to 2-D (a 1-D one
        without a bias: unsqueezes it) and the product back, so this node (that view) shows one edge, to the
        addmm / mm. The nodes PyTorch has and this one does not are display only (shown_nodes), built on the first
        look; they keep the sequence number, not this node (no reference cycle)."""
        return own_shown_pairs(self, self._shown_tree)   # the tree reads the raw edges: on the first look only

    def _shown_tree(self):
        """PyTorch's nodes over the inputs (x, weight, bias) = 0, 1, 2, as shown_nodes.shown_pairs reads them."""
        x, w, _ = Function.next_functions.fget(self)
        ndim, bias = self.form
        weight = 1 if w[0] is None else ("TBackward0", (1,), "the weight (weight.register_hook) or on the product "
                                                               "node (output.grad_fn)")
        if ndim == 2:
            return (2, 0, weight) if bias else (0, weight)
        rows = 0 if x[0] is None else ("UnsqueezeBackward0" if ndim == 1 and not bias else "ViewBackward0", (0,))
        return (("AddmmBackward0", (2, rows, weight)) if bias else ("MmBackward0", (rows, weight)),)

    def name(self):
        """PyTorch's name for the op its linear ends with: Addmm (2-D input and a bias), Mm (no bias), View or
        UnsafeView (other inputs, which it reshapes), SqueezeBackward4 (a 1-D input without a bias)."""
        ndim, bias = self.form
        if ndim == 2:
            return "AddmmBackward0" if bias else "MmBackward0"
        return "ViewBackward0" if bias else ("SqueezeBackward4" if ndim == 1 else "UnsafeViewBackward0")

    @staticmethod
    def explain_error(args, exc):
        x, weight = args[0], args[1]
        if x.ndim and weight.ndim == 2 and x.shape[-1] == weight.shape[1]:
            return None   # not a size mismatch: the generic message describes it
        return (f"linear: input has {x.shape[-1] if x.ndim else 0} features (shape {x.shape}) but the weight "
                f"expects {weight.shape[1]} (weight shape {weight.shape}); the last input dimension must equal "
                "in_features")


def _recorded_matmul_grads(gy, a, b, need, is_bmm):
    """A product's gradients as recorded ops (create_graph), built as PyTorch's mm / mv / dot / bmm backward and
    matmul's folding of a batched left operand build them, so that they show its nodes (MmBackward0, MvBackward0,
    MulBackward0, BmmBackward0, a view back for a folded batch); None for the other rank pairs, which take the
    general formula."""
    ranks = (a.ndim, b.ndim)
    if is_bmm:
        return (bmm(gy, b.transpose(1, 2)) if need[0] else None,
                bmm(a.transpose(1, 2), gy) if need[1] else None)
    if ranks == (2, 2):
        return gy @ b.t() if need[0] else None, a.t() @ gy if need[1] else None
    if ranks == (2, 1):
        return gy.unsqueeze(1) * b if need[0] else None, a.t() @ gy if need[1] else None
    if ranks == (1, 1):
        return gy * b if need[0] else None, gy * a if need[1] else None
    if ranks == (1, 2):
        return ((gy.unsqueeze(0) @ b.t()).squeeze(0) if need[0] else None,
                a.unsqueeze(1) @ gy.unsqueeze(0) if need[1] else None)
    if ranks[0] > 2 and ranks[1] <= 2:   # matmul folds the batch into rows: one mm / mv over (rows, k)
        rows = a.reshape(-1, a.shape[-1])
        if ranks[1] == 2:
            flat = gy.reshape(-1, b.shape[1])
            return ((flat @ b.t()).view(a.shape) if need[0] else None, rows.t() @ flat if need[1] else None)
        flat = gy.reshape(-1)
        return ((flat.unsqueeze(1) * b).view(a.shape) if need[0] else None, rows.t() @ flat if need[1] else None)
    return None


def _recorded_linear_grads(gy, x, weight, has_bias, need):
    """Linear's gradients as recorded ops (create_graph), built as PyTorch's addmm / mm backward builds them,
    so the gradients show its nodes: the input's through MmBackward0 (a 1-D input without a bias squeezed back,
    other ranks viewed back), the weight's as the transpose of x^T gy (TBackward0), the bias's a sum viewed to
    its shape (ViewBackward0)."""
    gx = gw = gb = None
    if need[0]:
        if x.ndim == 2:
            gx = gy @ weight
        elif x.ndim == 1 and not has_bias:
            gx = (gy.reshape(1, gy.shape[0]) @ weight).squeeze(0)
        else:
            gx = (_matrix(gy) @ weight).reshape(x.shape)
    if need[1] or need[2]:
        g2 = _matrix(gy)
        if need[1]:
            gw = (_matrix(x).t() @ g2).t()
        if need[2]:
            gb = g2.sum(0, keepdim=True).view(weight.shape[:1])
    return gx, gw, gb


def _matrix(a):
    """`a` as a 2-D (rows, features) array, a 1-D one as one row (sizes spelled out: with 0 features a -1 in
    the shape would be ambiguous)."""
    return a.reshape(1, a.shape[0]) if a.ndim == 1 else _rows(a)


def _rows(a):
    """`a` as a 2-D (rows, features) array when it has more than 2 dimensions (no copy if contiguous)."""
    if a.ndim <= 2:
        return a
    rows = 1
    for n in a.shape[:-1]:
        rows *= n
    return a.reshape(rows, a.shape[-1])
