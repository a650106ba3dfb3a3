"""Operators and methods of Tensor, bound to the op functions.

tensor.py defines the type alone; everything a Tensor does by running an op, the backward engine or a
hook is bound here, one floor above the ops, so no module below imports one above it.
"""
import numbers

import numpy as np

from backends.torch_stream import memory_order
from .bf16_dtype import is_bf16

from .capture import state as capture
from .backward_inputs import backward_into
from .engine import gradient_args, run_backward
from .function import named
from .errors import ArgumentRangeError, GraphError, IndexRangeError, ShapeError
from .int_fit import fitted
from .grad_mode import state
from .hooks import RETAIN_KEY, add_hook, add_post_accumulate_hook
from .methods_convert import BINDINGS
from .methods_info import BINDINGS as INFO_BINDINGS
from .methods_legacy import BINDINGS as LEGACY_BINDINGS
from .methods_sparse import BINDINGS as SPARSE_BINDINGS
from .methods_inplace import inplace, rebind, reshaping
from .numpy_operands import left_operand
from .versions import start_change
from .random_fills import cauchy_, exponential_, geometric_, log_normal_, normal_, random_, uniform_
from .ops import activation as A
from .ops import convert as C
from .ops import elementwise as E
from .ops import gather as G
from .ops import indexing as I
from .ops.index_order import block_move, value_in_numpy_order
from .ops import joining as J
from .ops import linalg as L
from .ops import reduction as R
from .ops import rounding as RD
from .ops import scan as SC
from .ops import shape as S
from .ops import discrete as D
from .ops import sorting as SO
from .ops import triangular as TR
from .ops.setitem import setitem
from .ops import arrange as AR
from .ops import bitwise as BW
from .ops import index_update as IU
from .ops import pointwise as PW
from .ops import products as PR
from .ops import special as SP
from .ops import statistics as ST
from .ops import trig as TG
from .ops import bessel as BS
from .ops import diagonals as DG
from .ops import float_parts as FP
from .ops import gamma as GM
from .ops import number_theory as NT
from .ops import linalg_cholesky as LC, linalg_det as LD, linalg_pinv as LP, linalg_products as LPR
from .ops import linalg_qr as LQ, linalg_solve as LS, linalg_svd as LSV, matrix_exp as LX
from .ops import linalg_lu as LLU
from .ops import (activation_forms as AF, covariance as CV, dim_splits as DS, histograms as HG,
                  matrix_products as MP, nan_statistics as NS, predicates as PD, put as PT, scatter_reduce as SR,
                  slicing as SL, vector_distance as VD)
from . import spectral as SPC
from . import view_inplace
from .creation import bernoulli
from .ops.shape import broadcast_to
from .ops import view_dtype as VDT
from .ops import norm_forms as NF
from .tensor import Tensor, _check_inplace, _no_complex_into_real


def _reflected(fn, torch_name=None, commutes=False):
    def method(self, other):
        if not isinstance(other, Tensor):
            other = left_operand(other)
            if other is NotImplemented:   # a NumPy array on the left: Python's TypeError, as PyTorch's
                return NotImplemented
        if commutes and not isinstance(other, Tensor):
            # '1 + x', '2 * x': PyTorch computes x + 1 (the same values), so x's edge comes first
            return fn(self, other)
        out = fn(other, self)
        node = getattr(out, "_node", None)
        if torch_name and node is not None and not isinstance(other, Tensor):
            # a number on the left: PyTorch's node for it ('1 - x' is RsubBackward1, whose only edge is x's)
            if torch_name == "RsubBackward1":
                node.number_edges = False
            return named(out, torch_name)
        return out
    return method


def _operator_comparison(fn):
    """`t == x`, `t < x`, ...: PyTorch's operators answer NotImplemented for an operand that is neither a tensor,
    a number nor an array (None, a string, a list), so Python falls back to identity (`t == None` is False, as
    generation loops' `if idx_next == eos_id` rely on) or raises its own TypeError for an ordering."""
    refuses_arrays = fn is not E.eq   # PyTorch compares a NumPy array only by ==: != falls back to identity
    def method(self, other):
        if type(other) is Tensor:
            return fn(self, other)
        if not (isinstance(other, (Tensor, numbers.Number, np.ndarray, np.generic))
                or hasattr(other, "__array__") or hasattr(other, "__cuda_array_interface__")):
            return NotImplemented
        if refuses_arrays and isinstance(other, np.ndarray):
            return NotImplemented
        return fn(self, other)
    method.__name__ = fn.__name__
    return method


def _rtruediv(self, other):
    """`other / t`: a NumPy array on the left is computed (PyTorch's one reflected operator that takes it)."""
    if not isinstance(other, (Tensor, np.ndarray)):
        other = left_operand(other)
    return E.rdiv(self, other)


def _rfloordiv(self, other):
    """`other // t`: a NumPy array on the left is refused (NotImplemented), as PyTorch's operator refuses it."""
    other = left_operand(other)
    return NotImplemented if other is NotImplemented else PW.floor_divide(other, self)


def _rmatmul(self, other):
    """`other @ t`: PyTorch's answer is NotImplemented for anything but a Tensor (a number, a NumPy array), so
    Python raises its TypeError."""
    return L.matmul(other, self) if isinstance(other, Tensor) else NotImplemented


def _setitem(self, index, value):
    if isinstance(value, (str, bytes)):   # NumPy would read '1.5' as a number: PyTorch refuses text
        raise TypeError(f"setitem: can't assign a {type(value).__name__} ({value!r:.40}) to a {self._data.dtype} "
                        f"tensor of shape {tuple(self.shape)}; assign a number or a tensor, e.g. x[i] = float(text)")
    if type(value) is int:
        value = fitted(value, self._data.dtype, "setitem")
    if state.enabled and (self.requires_grad or (isinstance(value, Tensor) and value.requires_grad)):
        if self._node is None and self.requires_grad:
            _check_inplace(self, "setitem")
        since = start_change()   # the nodes setitem makes come after it: only earlier ones saved the old value
        if view_inplace.linked(self):   # a view: its base takes the new values too
            view_inplace.write_through(self, setitem(self, index, value), "setitem", since)
        else:
            view_inplace.replace_value(self, setitem(self, index, value), "setitem", since)
        return
    if capture.recorder is not None:   # as an op and an assignment, so that a jit replay repeats it
        result = setitem(Tensor._make(self._data, self._device, None, 0, False), index, value)
        target = self._writable()
        capture.recorder.on_assign(target, result._data)
        target[...] = result._data
        self._bump_version()
        return
    index = I._prepare_index(self, index)
    _no_complex_into_real("setitem", self, value)
    target = self._writable()
    value = value._data if isinstance(value, Tensor) else value
    move = None if I._is_basic(index) else block_move(target.ndim, index)
    try:
        target[index] = value if move is None else value_in_numpy_order(self._device.xp, target, index, value, move)
    except IndexError as error:   # NumPy's message names neither the op nor the tensor
        raise IndexRangeError(f"setitem: cannot assign at {index!r:.60} in a tensor of shape {tuple(self.shape)}: "
                              f"{error}; indices along a dim of size n run from -n to n - 1") from None
    except (ValueError, OverflowError) as error:   # NumPy's broadcast failure (the value does not fit the indexed
        # part), or a nan or inf number into an integer tensor
        if target.dtype.kind in "iub" and np.asarray(value).dtype.kind == "f" and not np.isfinite(value).all():
            raise ArgumentRangeError(f"setitem: value cannot be converted to type {target.dtype} without overflow: "
                                     f"nan and inf have no integer value (tensor of shape {tuple(self.shape)}); "
                                     f"make the tensor float first (x = x.float()) or store a whole number") from None
        if isinstance(error, OverflowError):
            raise
        raise ShapeError(f"setitem: a value of shape {tuple(np.shape(value))} cannot be written into the indexed "
                         f"part of shape {tuple(np.shape(target[index]))} of a tensor of shape {tuple(self.shape)}; "
                         "it must broadcast to that shape (each dim, aligned from the right, equal or 1)") from None
    self._bump_version()


_plain_copy_, _plain_zero_, _plain_fill_ = Tensor.copy_, Tensor.zero_, Tensor.fill_


def _copy_(self, src):
    """Copy `src`'s values into this tensor in place (broadcast, in this dtype); where a graph is recorded,
    gradients flow back to src, and a view's base takes the values too."""
    if state.enabled and isinstance(src, Tensor) and (src.requires_grad or self.requires_grad):
        return view_inplace.copy_in_graph(self, src)
    return _plain_copy_(self, src)


def _zero_(self):
    """Fill with zeros in place (a view's base too, where a graph is recorded)."""
    return view_inplace.fill_in_graph(self, _plain_zero_, (), "zero_")


def _fill_(self, value):
    """Fill with `value` in place (a view's base too, where a graph is recorded); a 0-d tensor value that requires
    grad gets the gradient of every position it filled, as PyTorch's fill_."""
    if isinstance(value, Tensor) and value.ndim:
        raise ShapeError(f"fill_: the value must be a number or a 0-d tensor, got a tensor of shape "
                         f"{tuple(value.shape)}; use copy_ to write a tensor of values")
    if state.enabled and isinstance(value, Tensor) and value.requires_grad:
        return _copy_(self, value)
    return view_inplace.fill_in_graph(self, _plain_fill_, (value,), "fill_")


def _T(self):
    """The tensor with its axes reversed."""
    return named(S.transpose(self), "PermuteBackward0")


def _clone(self, *, memory_format=None):
    """A copy of the values that stays in the graph, laid out as this tensor (or as `memory_format`)."""
    return E.clone(self, memory_format=memory_format)


def _register_hook(self, fn):
    """Call fn(grad) when this tensor's gradient is computed; a non-None return replaces it."""
    if not self.requires_grad:
        raise GraphError(f"register_hook: cannot register a hook on a tensor that doesn't require gradient (shape "
                         f"{tuple(self.shape)}, dtype {self.dtype}): no gradient will ever reach it; make it require "
                         "grad first (t.requires_grad_()) or hook a tensor computed from one that does")
    return add_hook(self, fn)


def _register_post_accumulate_grad_hook(self, fn):
    """Call fn(tensor) on this leaf after each backward has accumulated its gradient into .grad (optimisers
    that step per parameter during backward use it). Returns a handle whose .remove() unregisters it."""
    if self._node is not None:
        raise GraphError("register_post_accumulate_grad_hook: post accumulate grad hooks cannot be registered on "
                         "non-leaf tensors (only leaves accumulate into .grad); use register_hook there")
    if not self.requires_grad:
        raise GraphError("register_post_accumulate_grad_hook: this tensor does not require gradients")
    return add_post_accumulate_hook(self, fn)


def _detach_(self):
    """Cuts this tensor out of the graph in place: it becomes a leaf that needs no gradient (as PyTorch's
    detach_, e.g. on a recurrent hidden state between truncated-BPTT chunks); returns self."""
    if getattr(self, "_view_of", None) is not None:   # its base would stay in the graph while the view left it
        raise GraphError(f"Can't detach views in-place. Use detach() instead: this tensor (shape "
                         f"{tuple(self.shape)}) is a view of another tensor's memory (made by slicing, view, "
                         "reshape, transpose, ...); write t = t.detach() instead of t.detach_()")
    self._node, self._out_idx, self.requires_grad = None, 0, False
    return self


def _retains_grad(self):
    return self._node is not None and RETAIN_KEY in (self._node._hooks or {}).get(self._out_idx, {})


def _backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None, *, grad=None):
    """Accumulate d(self)/d(leaf) into every leaf's .grad (`gradient`, the upstream gradient, is required for
    non-scalars; `grad=` is accepted too); with `inputs`, into those tensors' .grad only. retain_graph defaults to
    create_graph, as in PyTorch."""
    if grad is not None:
        if gradient is not None:
            raise TypeError("backward: got both gradient= and grad=; pass the upstream gradient once, as gradient=")
        gradient = grad
    if retain_graph is None:
        retain_graph = create_graph
    gradient = gradient_args(gradient, 1, "backward")
    if inputs is not None:
        return backward_into([self], gradient, inputs, retain_graph, create_graph)
    run_backward([self], gradient, retain_graph=retain_graph, create_graph=create_graph)


def _split(self, split_size, dim=None, **keyword):
    """Tensor.split: the same as torch.split, with the method's keyword name split_size."""
    return J.split(self, split_size, dim, **keyword)


def _reshape(self, *shape, **keyword):
    return S.reshape(self, *shape, **keyword)


def _permute(self, *dims, **keyword):
    return S.permute(self, *dims, **keyword)


def _mT(self):
    """The transpose of the last two dims (a 0-d tensor: itself, as in PyTorch)."""
    if self.ndim == 0:
        return self
    if self.ndim == 1:
        raise RuntimeError(f"mT: only matrices or batches of matrices (2 or more dims) are supported, got shape "
                           f"{tuple(self.shape)}")
    return S.swapaxes(self, -2, -1)


def _expand(self, *sizes, **keyword):
    return S.expand(self, *sizes, **keyword)


def _repeat(self, *sizes, **keyword):
    return S.repeat(self, *sizes, **keyword)


def _tile(self, *dims, **keyword):
    """Tensor.tile takes the counts as one sequence or as separate ints (x.tile(2, 1)), as PyTorch's."""
    if len(dims) > 1 or dims and isinstance(dims[0], numbers.Integral):
        dims = (dims,)
    return AR.tile(self, *dims, **keyword)


def _view_as(self, other):
    return S.reshape(self, other.shape)


def _expand_as(self, other):
    return S.broadcast_to(self, other.shape)


def _flip(self, *dims, axis=None, **kwargs):
    """Tensor.flip(0, 1), .flip((0, 1)) or .flip(dims=(0, 1)) as PyTorch's (and NumPy's axis=)."""
    if "dims" in kwargs:
        return S.flip(self, kwargs.pop("dims"), axis=axis, **kwargs)
    return S.flip(self, dims[0] if len(dims) == 1 else (dims or None), axis=axis, **kwargs)


def _method(fn):
    """`fn(input, *args)` as a method (a plain function would do, but this keeps its own name)."""
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


_BINDINGS = {
    "T": property(_T), "mT": property(_mT), "clone": _clone,
    "register_hook": _register_hook, "register_post_accumulate_grad_hook": _register_post_accumulate_grad_hook,
    "retains_grad": property(_retains_grad, doc="True on a non-leaf tensor after retain_grad()."),
    "backward": _backward, "astype": C.astype,
    "cpu": lambda self: C.to(self, "cpu"), "cuda": lambda self, device=None: C.to(self, device or "cuda"),
    "numba": lambda self: C.to(self, "numba"), "detach_": _detach_,
    "__add__": E.add, "__radd__": _reflected(E.add, commutes=True), "__sub__": E.sub,
    "__rsub__": _reflected(E.sub, "RsubBackward1"),
    "__mul__": E.mul, "__rmul__": _reflected(E.mul, commutes=True), "__truediv__": E.div, "__rtruediv__": _rtruediv,
    "__floordiv__": lambda self, other: PW.floor_divide(self, other),
    "__rfloordiv__": _rfloordiv,
    "__pow__": E.pow, "__rpow__": _reflected(E.pow, "PowBackward2"), "__matmul__": L.matmul, "__rmatmul__": _rmatmul,
    "__neg__": E.neg, "__pos__": lambda self: self, "__abs__": E.abs,
    "__eq__": _operator_comparison(E.eq), "__ne__": _operator_comparison(E.ne), "__lt__": _operator_comparison(E.lt),
    "__le__": _operator_comparison(E.le), "__gt__": _operator_comparison(E.gt), "__ge__": _operator_comparison(E.ge),
    # & | ^ ~ << >> are bitwise on integers and logical on bools, as in PyTorch
    "__and__": BW.bitwise_and, "__rand__": _reflected(BW.bitwise_and), "__or__": BW.bitwise_or,
    "__ror__": _reflected(BW.bitwise_or), "__xor__": BW.bitwise_xor, "__rxor__": _reflected(BW.bitwise_xor),
    "__invert__": BW.bitwise_not, "__lshift__": BW.bitwise_left_shift, "__rlshift__": _reflected(BW.bitwise_left_shift),
    "__rshift__": BW.bitwise_right_shift, "__rrshift__": _reflected(BW.bitwise_right_shift),
    "__mod__": PW.remainder, "__rmod__": _reflected(PW.remainder),
    "__contains__": lambda self, element: bool(E.eq(self, element).any()),
    "__reversed__": lambda self: self if self.ndim == 0 else S.flip(self, 0),
    "__iadd__": inplace(E.add, "+="), "__isub__": inplace(E.sub, "-="), "__imul__": inplace(E.mul, "*="),
    "__itruediv__": inplace(E.div, "/="), "__ipow__": inplace(E.pow, "**="), "__imod__": inplace(PW.remainder, "%="),
    "__ifloordiv__": inplace(PW.floor_divide, "//="),
    "__iand__": inplace(BW.bitwise_and, "&="), "__ior__": inplace(BW.bitwise_or, "|="),
    "__ixor__": inplace(BW.bitwise_xor, "^="), "__ilshift__": inplace(BW.bitwise_left_shift, "<<="),
    "__irshift__": inplace(BW.bitwise_right_shift, ">>="),
    "bitwise_and": BW.bitwise_and, "bitwise_or": BW.bitwise_or, "bitwise_xor": BW.bitwise_xor,
    "bitwise_not": BW.bitwise_not, "bitwise_left_shift": BW.bitwise_left_shift,
    "bitwise_right_shift": BW.bitwise_right_shift,
    "__getitem__": I.getitem, "__setitem__": _setitem,
    "copy_": _copy_, "zero_": _zero_, "fill_": _fill_,
    # arithmetic and math, PyTorch's names (NumPy's where they differ stay too)
    "add": E.add, "sub": E.sub, "subtract": E.sub, "mul": E.mul, "multiply": E.mul, "div": E.div, "divide": E.div,
    "true_divide": E.div, "pow": E.pow, "neg": E.neg, "negative": E.neg, "exp": E.exp, "log": E.log,
    "log1p": E.log1p, "log2": RD.log2, "log10": RD.log10, "sqrt": E.sqrt, "rsqrt": RD.rsqrt, "square": RD.square,
    "reciprocal": RD.reciprocal, "abs": E.abs, "sin": E.sin, "cos": E.cos, "tanh": E.tanh, "sigmoid": A.sigmoid,
    "relu": A.relu, "sign": E.sign, "clip": E.clip, "clamp": RD.clamp, "maximum": E.maximum, "minimum": E.minimum,
    "floor": RD.floor, "ceil": RD.ceil, "round": RD.round, "trunc": RD.trunc,
    "isnan": RD.isnan, "isinf": RD.isinf, "isfinite": RD.isfinite, "where": lambda self, condition, other: E.where(condition, self, other),
    "eq": E.eq, "ne": E.ne, "lt": E.lt, "le": E.le, "gt": E.gt, "ge": E.ge,
    "logical_and": E.logical_and, "logical_or": E.logical_or, "logical_not": E.logical_not,
    "logical_xor": E.logical_xor,
    # reductions
    "sum": R.sum, "mean": R.mean, "var": R.var, "std": R.std, "max": R.max, "min": R.min, "amax": R.amax,
    "amin": R.amin, "argmax": R.argmax, "argmin": R.argmin, "logsumexp": R.logsumexp, "prod": R.prod,
    "any": R.any, "all": R.all, "norm": NF.norm, "cumsum": SC.cumsum, "cumprod": SC.cumprod,
    "sort": SO.sort, "argsort": SO.argsort, "topk": SO.topk,
    # values and positions (no gradient), triangles
    "unique": D.unique, "nonzero": D.nonzero, "argwhere": D.argwhere, "count_nonzero": D.count_nonzero,
    "bincount": D.bincount, "isclose": D.isclose, "allclose": D.allclose, "equal": D.equal,
    "multinomial": D.multinomial,
    "tril": TR.tril, "triu": TR.triu,
    # products
    "matmul": L.matmul, "mm": L.mm, "bmm": L.bmm, "mv": L.mv, "dot": L.dot, "outer": L.outer,
    # shape
    "reshape": _reshape, "view": VDT.view, "view_as": _view_as, "reshape_as": _view_as,
    "transpose": S.transpose, "permute": _permute, "t": S.t, "swapaxes": S.swapaxes, "swapdims": S.swapdims,
    "movedim": S.movedim, "moveaxis": S.movedim, "squeeze": S.squeeze, "unsqueeze": S.unsqueeze,
    "expand_dims": S.expand_dims, "broadcast_to": S.broadcast_to_method, "expand": _expand, "expand_as": _expand_as,
    "flatten": S.flatten, "unflatten": S.unflatten, "flip": _flip, "pad": S.pad, "narrow": S.narrow,
    "repeat": _repeat, "repeat_interleave": S.repeat_interleave,
    "split": _split, "chunk": J.chunk, "tensor_split": J.tensor_split, "unbind": J.unbind,
    # indexing
    "take_along_axis": I.take_along_axis, "gather": G.gather, "scatter": G.scatter, "scatter_add": G.scatter_add,
    "index_select": G.index_select, "masked_fill": G.masked_fill,
    # in place
    "uniform_": uniform_, "normal_": normal_, "exponential_": exponential_, "log_normal_": log_normal_,
    "cauchy_": cauchy_, "geometric_": geometric_, "random_": random_,
    # special functions and two-argument math
    "erf": SP.erf, "erfc": SP.erfc, "erfinv": SP.erfinv, "expm1": SP.expm1, "exp2": SP.exp2, "logit": SP.logit,
    "xlogy": SP.xlogy, "atan2": PW.atan2, "arctan2": PW.atan2, "hypot": PW.hypot, "lerp": PW.lerp,
    "logaddexp": PW.logaddexp, "copysign": PW.copysign, "signbit": PW.signbit, "sgn": PW.sgn, "frac": PW.frac,
    "remainder": PW.remainder, "fmod": PW.fmod, "floor_divide": PW.floor_divide, "nan_to_num": PW.nan_to_num,
    "softmax": A.softmax, "log_softmax": A.log_softmax,
    "logaddexp2": PW.logaddexp2, "float_power": PW.float_power, "positive": PW.positive,
    "clamp_min": RD.clamp_min, "clamp_max": RD.clamp_max,
    # trigonometric and hyperbolic, with NumPy's arc- names beside PyTorch's
    "tan": TG.tan, "asin": TG.asin, "acos": TG.acos, "atan": TG.atan, "sinh": TG.sinh, "cosh": TG.cosh,
    "asinh": TG.asinh, "acosh": TG.acosh, "atanh": TG.atanh, "arcsin": TG.asin, "arccos": TG.acos,
    "arctan": TG.atan, "arcsinh": TG.asinh, "arccosh": TG.acosh, "arctanh": TG.atanh,
    "deg2rad": TG.deg2rad, "rad2deg": TG.rad2deg, "sinc": TG.sinc,
    # rearranging, products, order statistics, index updates
    "roll": AR.roll, "rot90": AR.rot90, "tile": _tile, "ravel": AR.ravel, "diag": AR.diag, "diagonal": AR.diagonal,
    "trace": AR.trace, "diff": AR.diff, "kron": AR.kron, "take_along_dim": AR.take_along_dim,
    "addmm": PR.addmm, "addmv": PR.addmv, "baddbmm": PR.baddbmm, "cross": PR.cross,
    "median": ST.median, "quantile": ST.quantile, "cummax": ST.cummax, "cummin": ST.cummin,
    "logcumsumexp": ST.logcumsumexp, "aminmax": ST.aminmax, "nansum": ST.nansum, "nanmean": ST.nanmean,
    "index_add": IU.index_add, "index_copy": IU.index_copy, "index_fill": IU.index_fill,
    "masked_select": IU.masked_select,
}

# the in-place `_` forms of PyTorch's out-of-place methods
for _name in ("add sub mul div pow neg exp log log1p sqrt abs sin cos tanh sigmoid relu sign clamp clip "
              "floor ceil round trunc masked_fill scatter scatter_add reciprocal rsqrt square "
              "erf erfc erfinv expm1 exp2 logit xlogy atan2 arctan2 hypot lerp copysign sgn frac remainder fmod "
              "floor_divide nan_to_num addmm addmv baddbmm index_add index_copy index_fill clamp_min clamp_max "
              "tan asin acos atan sinh cosh asinh acosh atanh arcsin arccos arctan arcsinh arccosh arctanh "
              "deg2rad rad2deg sinc").split():
    _BINDINGS[_name + "_"] = inplace(_BINDINGS[_name], _name + "_")



def _bernoulli(self, p=None, *, generator=None):
    """Tensor.bernoulli: 1 with probability self (or `p`, a number, when given), else 0 (see ag.bernoulli)."""
    if isinstance(p, Tensor):
        raise TypeError("Tensor.bernoulli: p must be a number; for a tensor of probabilities use p.bernoulli() "
                        "or x.bernoulli_(p)")
    return bernoulli(self, p, generator=generator)


def _bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 1 with probability p (a number or a tensor broadcast to this one), else 0."""
    if isinstance(p, Tensor):
        if p.dtype.kind != "f" and not is_bf16(p.dtype):
            raise TypeError(f"bernoulli_: a tensor p holds probabilities and must be a float tensor, got {p.dtype}")
        if self.dtype.kind == "c":
            raise TypeError(f"bernoulli_: a complex tensor ({self.dtype}) cannot hold draws; use a real dtype")
        # PyTorch draws float64 uniforms for float64 p, float32 ones for the other float dtypes (whatever self is)
        probs = broadcast_to(p.detach() if p.dtype == np.float64 else p.detach().astype(np.float32), self.shape)
        return inplace(lambda t: bernoulli(probs, generator=generator).astype(t.dtype), "bernoulli_")(self)
    order = memory_order(self._data)   # PyTorch fills a strided tensor in memory order
    if order is not None:
        inverse = sorted(range(self.ndim), key=order.__getitem__)
        return inplace(lambda t: bernoulli(t.detach().permute(order), p, generator=generator).permute(inverse)
                       .astype(t.dtype), "bernoulli_")(self)
    return inplace(lambda t: bernoulli(t.detach(), p, generator=generator).astype(t.dtype), "bernoulli_")(self)


_float_power_inplace = inplace(PW.float_power, "float_power_")


def _float_power_(self, exponent):
    """In-place float_power: only a float64 tensor can hold its float64 result (a complex128 one its complex128
    result), as in PyTorch."""
    if self.dtype != np.float64 and self.dtype != np.complex128:
        raise TypeError(f"float_power_: the result is float64 and this tensor is {self.dtype}; "
                        "convert first (t = t.double()) or use the out-of-place float_power")
    return _float_power_inplace(self, exponent)


# the gamma family, i0, and the fourth batch of PyTorch's names, with their in-place forms where PyTorch has them
_BINDINGS.update({
    "lgamma": GM.lgamma, "digamma": GM.digamma, "polygamma": lambda self, n: GM.polygamma(n, self),
    "mvlgamma": GM.mvlgamma, "i0": BS.i0, "heaviside": PW.heaviside, "frexp": FP.frexp, "ldexp": FP.ldexp,
    "nextafter": FP.nextafter, "addcmul": PW.addcmul, "addcdiv": PW.addcdiv, "fmax": PW.fmax, "fmin": PW.fmin,
    "isposinf": RD.isposinf, "isneginf": RD.isneginf, "gcd": NT.gcd, "lcm": NT.lcm, "inner": PR.inner,
    "diag_embed": DG.diag_embed, "diagflat": DG.diagflat, "kthvalue": ST.kthvalue, "fliplr": AR.fliplr,
    "flipud": AR.flipud, "greater": E.gt, "greater_equal": E.ge, "less": E.lt, "less_equal": E.le,
    "not_equal": E.ne,
})
for _name in "lgamma digamma polygamma mvlgamma i0 heaviside ldexp nextafter addcmul addcdiv gcd lcm".split():
    _BINDINGS[_name + "_"] = inplace(_BINDINGS[_name], _name + "_")
# linear algebra, with torch's Tensor methods (t.svd() returns V and t.qr() takes some=, as torch.svd and torch.qr)
_BINDINGS.update({
    "det": LD.det, "logdet": LD.logdet, "slogdet": LD.torch_slogdet, "inverse": LS.inverse, "pinverse": LP.pinverse,
    "matrix_power": LPR.matrix_power, "matrix_exp": LX.matrix_exp, "cholesky": LC.cholesky_old, "svd": LSV.svd_old,
    "qr": LQ.qr_old, "lu": LLU.lu_old, "lu_solve": LLU.lu_solve_old,
})
# the fifth batch of PyTorch's names, with the in-place forms PyTorch has
_BINDINGS.update({
    "dist": VD.dist, "renorm": VD.renorm, "histc": HG.histc, "histogram": HG.histogram,
    "hsplit": DS.as_method(DS.hsplit), "vsplit": DS.as_method(DS.vsplit), "dsplit": DS.as_method(DS.dsplit),
    "nanmedian": NS.nanmedian, "nanquantile": NS.nanquantile,
    "mode": NS.mode, "cov": CV.cov, "corrcoef": CV.corrcoef, "take": SL.take, "scatter_reduce": SR.scatter_reduce,
    "index_reduce": SR.index_reduce, "unique_consecutive": D.unique_consecutive, "addbmm": MP.addbmm,
    "addr": MP.addr, "ger": MP.ger, "vdot": MP.vdot, "narrow_copy": SL.narrow_copy, "select": SL.select,
    "slice_scatter": SL.slice_scatter, "select_scatter": SL.select_scatter, "diagonal_scatter": SL.diagonal_scatter,
    "is_complex": PD.is_complex, "is_nonzero": PD.is_nonzero, "prelu": AF.prelu, "hardshrink": AF.hardshrink,
})
for _name in "renorm scatter_reduce index_reduce addbmm addr".split():
    _BINDINGS[_name + "_"] = inplace(_BINDINGS[_name], _name + "_")
# writes at positions, windows, and the in-place forms a newcomer's PyTorch code reaches for
_BINDINGS.update({
    "index_put": PT.index_put, "masked_scatter": PT.masked_scatter, "unfold": SL.unfold, "absolute": E.abs,
    "fill_diagonal_": inplace(PT.fill_diagonal, "fill_diagonal_"), "absolute_": _BINDINGS["abs_"],
    "multiply_": _BINDINGS["mul_"], "divide_": _BINDINGS["div_"], "true_divide_": _BINDINGS["div_"],
    "subtract_": _BINDINGS["sub_"], "negative_": _BINDINGS["neg_"],
})
for _name in ("index_put masked_scatter tril triu cumsum cumprod log2 log10 eq ne lt le gt ge greater greater_equal "
              "less less_equal not_equal logical_and logical_or logical_xor logical_not bitwise_and bitwise_or "
              "bitwise_xor bitwise_not bitwise_left_shift bitwise_right_shift").split():
    _BINDINGS[_name + "_"] = inplace(_BINDINGS[_name], _name + "_")
for _name in "unsqueeze squeeze t transpose swapaxes swapdims".split():
    _BINDINGS[_name + "_"] = reshaping(_BINDINGS[_name], _name + "_")
_BINDINGS["bernoulli"] = _bernoulli
_BINDINGS.update({"stft": SPC.stft, "istft": SPC.istft})   # the short-time Fourier transform
_BINDINGS["bernoulli_"] = _bernoulli_
_BINDINGS["float_power_"] = _float_power_
_BINDINGS.update(BINDINGS)
_BINDINGS.update(INFO_BINDINGS)
_BINDINGS.update(LEGACY_BINDINGS)
_BINDINGS.update(SPARSE_BINDINGS)

for _name, _fn in _BINDINGS.items():
    setattr(Tensor, _name, _fn)

__all__ = ["GraphError"]
