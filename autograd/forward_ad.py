"""`ag.autograd.forward_ad`: forward-mode AD with torch.autograd.forward_ad's names (dual_level, make_dual,
unpack_dual, UnpackedDualTensor, enter_dual_level, exit_dual_level).

A dual tensor is its primal joined to the reverse-mode graph (through a hidden leaf when the primal needs no
gradient), with its tangent kept by the level. unpack_dual(y) computes y's tangent, the sum over the level's
dual tensors x of J_x t_x, as func.jvp does: by differentiating the reverse pass's vector-Jacobian product
u -> J^T u (linear in u) once more. So every op with a twice-differentiable backward works, and one without
(a fused backward kernel) raises naming that op. A tangent computed from tensors that require grad
(a primal, a weight, a tangent) requires grad itself and can be differentiated in reverse mode, as PyTorch's: also
where an op reads a primal that requires grad without the result depending on it (d @ W, whose gradient there is
zero), and its dtype is PyTorch's (a float32 tangent of a float64 primal stays float32 through views and sums; an op
reading primal values promotes the two). A custom autograd.Function contributes through its
jvp staticmethod, as in PyTorch (custom_jvp.py). Unlike PyTorch, tensors computed from a dual tensor have
requires_grad=True (they sit on the reverse graph), and at most one level exists at a time (as PyTorch).
"""
from collections import namedtuple

import numpy as np

from .creation import zeros_like
from .custom_jvp import tangent_pass
from .engine import grad as _engine_grad
from .errors import GraphError
from .function import Function, named, next_sequence_nr
from .gradcheck import FORWARD_MODE
from .func_core import reaches_outer
from .func_levels import dual_nodes
from .grad_mode import enable_grad, is_grad_enabled
from .printing import printed_name
from .ops import diagonal_view, elementwise, half_scalars, indexing, joining, linalg, reduction, scan, shape
from .shown_nodes import show_graph
from .tensor import Tensor

UnpackedDualTensor = namedtuple("UnpackedDualTensor", ["primal", "tangent"])
UnpackedDualTensor.__doc__ = "What unpack_dual returns: the primal and its tangent (None when it has none)."


class _Level:
    def __init__(self):
        # id(dual tensor) -> (dual tensor, tangent, whether its primal required grad, its place in the graph: a
        # tensor on the _Dual node, which stays where the dual was made if an in-place op moves the dual on)
        self.duals = {}


_current = []   # the one level while a dual_level is active


class _Dual(Function):
    """The identity, as a graph node: a dual tensor's place in the graph (shares the primal's values)."""

    def forward(ctx, x):
        return x

    def backward(ctx, gy):
        return gy


def enter_dual_level():
    """Open the (single) forward-AD level and return its index, 0."""
    if _current:
        raise RuntimeError("Nested forward mode AD is not supported at the moment (a dual_level is already "
                           "active; use one level for all dual tensors)")
    _current.append(_Level())
    return 0


def exit_dual_level(*, level=None):
    """Close the forward-AD level: its dual tensors lose their tangents."""
    if not _current:
        raise RuntimeError("exit_dual_level: no forward AD level is active (enter_dual_level() first)")
    _current.pop().duals.clear()
    dual_nodes.clear()


class dual_level:
    """Context manager for a forward-AD level: dual tensors made inside carry tangents until it exits."""

    def __enter__(self):
        return enter_dual_level()

    def __exit__(self, *exc):
        exit_dual_level()
        return False


def make_dual(tensor, tangent, *, level=None):
    """A tensor with the values of `tensor` (sharing them, as a view) whose tangent is `tangent` (same shape,
    a floating or complex dtype) for forward-mode AD at the active dual_level."""
    if not _current:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, make sure to "
                           "enter_dual_level() first (or use `with forward_ad.dual_level():`)")
    if not isinstance(tensor, Tensor) or not isinstance(tangent, Tensor):
        raise TypeError(f"make_dual: expects Tensors for tensor and tangent, got {type(tensor).__name__} and "
                        f"{type(tangent).__name__}")
    if tensor.dtype.kind not in "fc":
        raise ValueError(f"make_dual: expected primal to be floating point or complex, but got {tensor.dtype}")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(f"Trying to set a forward gradient that has a different size than that of the original "
                           f"Tensor, this is not supported. Tensor is of size {list(tensor.shape)} while the given "
                           f"forward gradient is of size {list(tangent.shape)}.")
    if tangent.dtype.kind not in "fc":
        raise ValueError(f"make_dual: expected tangent to be floating point or complex, but got {tangent.dtype}")
    if tangent.device is not tensor.device:
        raise RuntimeError(f"make_dual: the tangent is on {tangent.device} but the primal on {tensor.device}; "
                           "move the tangent with .to(primal.device)")
    owned = tensor.requires_grad
    with enable_grad():
        dual = _Dual.apply(tensor if owned else tensor.detach().requires_grad_())
    # the tangent itself is kept (PyTorch's unpack_dual(dual).tangent is the very tensor given), graph and all
    place = Tensor._make(dual._data, dual._device, dual._node, dual._out_idx, True)
    _current[0].duals[id(dual)] = (dual, tangent, owned, place)
    dual_nodes[id(dual._node)] = dual._node
    return dual


def unpack_dual(tensor, *, level=None):
    """(primal, tangent) of `tensor` at the active dual_level as an UnpackedDualTensor namedtuple: the tangent
    is the forward-mode derivative of tensor along the level's dual tensors' tangents, None when tensor does
    not depend on any of them (or no level is active)."""
    if not _current or not isinstance(tensor, Tensor):
        return UnpackedDualTensor(tensor, None)
    duals = _current[0].duals
    entry = duals.get(id(tensor))
    if entry is not None and entry[0] is tensor and tensor._node is entry[3]._node:
        return UnpackedDualTensor(tensor if entry[2] else tensor.detach(), entry[1])
    if not duals or not tensor.requires_grad:
        return UnpackedDualTensor(tensor, None)
    primal = tensor if _primal_keeps_graph(tensor, duals.values()) else tensor.detach()
    if tensor.dtype.kind not in "fc":
        return UnpackedDualTensor(primal, None)
    sources = [e[3] for e in duals.values()]
    # a tangent of another floating dtype than its primal's (PyTorch takes one) enters the pass in the primal's
    tangents = [e[1] if e[1].dtype == e[3].dtype else e[1].to(e[3].dtype) for e in duals.values()]
    first = next_sequence_nr()
    try:
        with enable_grad():
            u = zeros_like(tensor, requires_grad=True)
            with tangent_pass():
                back = _engine_grad([tensor], sources, [u], retain_graph=True, create_graph=True,
                                    allow_unused=True)
            pairs = [(b, t) for b, t in zip(back, tangents) if b is not None]
            if not pairs:
                return UnpackedDualTensor(primal, None)
            live = [(b, t) for b, t in pairs if b.requires_grad]
            jt = None
            if live:
                keep = _differentiable(tensor, duals.values())
                # retained: this pass walks back into the forward graph too, which a later unpack_dual (or the
                # user's own backward) still needs
                (jt,) = _engine_grad([b for b, _ in live], [u], [t for _, t in live], retain_graph=True,
                                     create_graph=keep, allow_unused=True)
                jt = jt if jt is None or keep else jt.detach()
    except GraphError as exc:
        raise RuntimeError(f"forward_ad: cannot compute the tangent: {exc}") from None
    jt = zeros_like(tensor) if jt is None else _as_its_own(jt, tensor, duals.values(), first)
    path = _DualPath(tensor, duals.values())
    if keep and path.primal_term and not _reaches_primal(jt, duals.values()):
        with enable_grad():
            jt = _PrimalTerm.apply(jt, tensor)
    if jt.requires_grad and getattr(jt._node, "seq", -1) >= first:
        _show_product_rule(jt, tensor, list(duals.values()))
        shown = printed_name(tensor._node) if tensor._node is not None else None
        if shown in _SUM_OF_TERMS:
            named(jt, "AddBackward0")
        elif shown == "UnsafeViewBackward0" and printed_name(jt._node) == "ViewBackward0":
            named(jt, "UnsafeViewBackward0")   # a folded matmul's tangent is its view of the tangents' product
    dtype = path.tangent_dtype(tensor.dtype)
    return UnpackedDualTensor(primal, jt if jt.dtype == dtype else jt.to(dtype))


def _primal_keeps_graph(tensor, entries):
    """Whether unpack_dual's primal of `tensor` stays on the reverse graph, as PyTorch's (a view of the tensor):
    when a dual's own primal required grad, or when the tensor depends on another leaf that does (a model's
    weights); only a graph that reaches nothing but the level's hidden leaves is cut."""
    entries = list(entries)
    if any(e[2] for e in entries):
        return True
    return reaches_outer([tensor], {id(e[3]._node.parents[0]) for e in entries})


#: PyTorch's nodes whose forward-mode formula adds one term per differentiable operand (input, weight, bias): the
#: tangent of their output shows an AddBackward0 on the reverse graph (display only)
_SUM_OF_TERMS = frozenset(["AddmmBackward0", "MmBackward0", "BmmBackward0", "ConvolutionBackward0",
                           "NativeBatchNormBackward0", "NativeLayerNormBackward0", "NativeGroupNormBackward0"])


def _show_product_rule(jt, tensor, entries):
    """Show the tangent `jt` of a product or quotient as PyTorch records its formula: a * b's b_t * a_p + a_t * b_p
    (an AddBackward0 over one MulBackward0 per term on the reverse graph, None for a term of zeros: an operand
    without a tangent beside a primal that needs no gradient), a / b's (a_t - b_t * result) / b_p (a DivBackward0 over
    a SubBackward0 and the Identity PyTorch reads b's primal through, None where it needs no gradient). Display only:
    the values and the gradients through them are jt's own."""
    node = tensor._node
    cls = type(node).__dict__.get("_shown_of", type(node)) if node is not None else None
    if cls not in (elementwise.Mul, elementwise.Div) or node._freed:
        return
    hidden = {id(e[3]._node.parents[0]) for e in entries if not e[2]}
    saved = node.saved_tensors if cls is elementwise.Mul else (None, node.saved_tensors[0])
    operands = []
    for k, (parent, idx) in enumerate(zip(node.parents, node.parent_idx)):
        if parent is None:   # a constant or a number: no tangent, a primal without a gradient
            operands.append((None, False, False))
            continue
        if isinstance(parent, Tensor):
            t = parent
        elif saved[k] is None:
            operands.append((None, True, True))   # (a quotient's numerator: only its tangent's presence is read)
            continue
        else:
            t = Tensor._make(saved[k], node.device, parent, idx, True)
        given = next((e for e in entries if e[3]._node is parent), None)
        if given is not None:   # a dual tensor itself: its tangent is the one given
            tangent_rg = given[1].requires_grad and is_grad_enabled()
        else:
            tangent_rg = bool(_DualPath(t, entries).dtypes) and _differentiable(t, entries)
        operands.append((t, tangent_rg, reaches_outer([t], hidden)))
    (_, a_t, a_p), (b, b_t, b_p) = operands
    if cls is elementwise.Mul:
        term = ("MulBackward0", ())
        show_graph(jt, "AddBackward0", (term if b_t or a_p else None, term if a_t or b_p else None))
    else:
        show_graph(jt, "DivBackward0", (("SubBackward0", ()), ("torch::autograd::Identity", (0,)) if b_p else None), b)


#: the op classes whose forward-mode derivative (as PyTorch writes it) is the op applied to the tangents alone, reading
#: no primal value: the tangent through them keeps the tangents' dtype, and is on the reverse graph only where the
#: tangents are. By class, not by the name a node shows (a fused op may show as ViewBackward0)
_TANGENT_ONLY = frozenset([
    elementwise.Add, elementwise.Sub, elementwise.Neg, elementwise.Clone, elementwise.Where, half_scalars.ScaledSum,
    reduction.Sum, reduction.Mean, scan.Cumsum, diagonal_view.Diagonal, shape.Reshape, shape.Transpose,
    shape.BroadcastTo, shape.Flip, shape.Repeat, shape.Pad, joining.Concatenate, joining.Stack, joining.Split,
    joining.Unbind, indexing.GetItem, indexing.TakeAlongAxis, indexing.RowMajorGetItem, _Dual])


#: op classes -> the operands whose primal values their forward-mode derivative does not read (a Linear's bias: its
#: tangent is x_t @ W.T + W_t-terms + b_t), so an operand there that requires grad puts no primal term on the tangent
_UNREAD_PRIMALS = {linalg.Linear: (2,)}


class _DualPath:
    """What PyTorch's tangent of a tensor records, read from the graph between the level's dual tensors and it:
    `primal_term` (an op on the way reads a primal that requires grad, so PyTorch's tangent is on the reverse graph
    through it even where its gradient there is zero: the product rule's term of an operand without a tangent) and
    the dtypes of the tangents that reach it."""

    def __init__(self, tensor, entries):
        entries = list(entries)
        places = {id(e[3]._node): e for e in entries}
        hidden = {id(e[3]._node.parents[0]) for e in entries if not e[2]}
        dual, outer = {}, {}   # id(node) -> whether it is computed from a dual tensor / from an outer leaf
        self.primal_term, self.tangent_only, self.dtypes = False, True, set()
        stack = [(tensor._node, False)] if tensor._node is not None else []
        while stack:
            node, expanded = stack.pop()
            key = id(node)
            if key in dual and not expanded:
                continue
            parents = [p for p in node.parents if p is not None]
            if not expanded:
                dual[key] = None
                stack.append((node, True))
                stack.extend((p, False) for p in parents if not isinstance(p, Tensor) and id(p) not in dual)
                continue
            leaves = [p for p in parents if isinstance(p, Tensor)]
            inner = [p for p in parents if not isinstance(p, Tensor)]
            outer[key] = (any(id(p) not in hidden for p in leaves) or any(outer.get(id(p)) for p in inner))
            unread = _UNREAD_PRIMALS.get(type(node).__dict__.get("_shown_of", type(node)), ())
            reads_outer = outer[key] if not unread else any(
                (id(p) not in hidden) if isinstance(p, Tensor) else outer.get(id(p))
                for k, p in enumerate(node.parents) if p is not None and k not in unread)
            dual[key] = key in places or any(dual.get(id(p)) for p in inner)
            if key in places:
                self.dtypes.add(places[key][1].dtype)
            if dual[key]:   # tensor operands without a tangent (d + c): PyTorch's tangent promotes with their zeros
                self.dtypes.update(getattr(node, "constant_dtypes", ()))
            if dual[key] and type(node).__dict__.get("_shown_of", type(node)) not in _TANGENT_ONLY:
                self.tangent_only = False
                self.primal_term = self.primal_term or reads_outer

    def tangent_dtype(self, primal_dtype):
        """The dtype of PyTorch's tangent of a tensor of `primal_dtype`: ops that only move tangents keep theirs;
        an op that reads primal values promotes them with its result's."""
        dtypes = list(self.dtypes) + ([] if self.tangent_only and self.dtypes else [primal_dtype])
        return np.result_type(*dtypes) if all(d.kind in "fc" for d in dtypes) else primal_dtype


class _Moved(Function):
    """A given tangent handed on unchanged by an op (y = x + c): a copy, shown under that op's node name."""

    def forward(ctx, tangent, name):
        ctx.torch_name = name
        return tangent.copy()

    def backward(ctx, g):
        return g


class _PrimalTerm(Function):
    """tangent + primal * (the zero tangent of an operand without one), as PyTorch's product rule records it: the
    tangent's values, joined to the reverse graph through the primal with a zero gradient."""

    torch_name = "AddBackward0"

    def forward(ctx, tangent, primal):
        ctx.primal_meta = (primal.shape, primal.dtype)
        return tangent.copy()

    def backward(ctx, g):
        return g, ctx.xp.zeros(*ctx.primal_meta)


def _as_its_own(jt, tensor, entries, first):
    """The computed tangent `jt` of `tensor` as PyTorch's tangent of an op that moves tangents (a view, a sum, an
    addition of a constant) shows it: a new tensor, never a given tangent itself, whose node (made by this unpack:
    numbered from `first` on) is named as the op's own (PyTorch applies the op to the tangent: a sum's is
    SumBackward0 where deepgrad's double reverse pass ends in a view)."""
    node = tensor._node
    base = type(node).__dict__.get("_shown_of", type(node))
    if any(jt is e[1] for e in entries):
        with enable_grad():
            jt = _Moved.apply(jt, name=node.name())
    elif jt._node is not None and base in _TANGENT_ONLY and getattr(jt._node, "seq", -1) >= first:
        jt._node.torch_name = node.name()
    return jt


def _reaches_primal(tangent, entries):
    """Whether a computed tangent is on the reverse graph through something other than the level's tangents (a
    primal or a weight that requires grad)."""
    if not tangent.requires_grad:
        return False
    given = {id(e[3]._node.parents[0]) for e in entries if not e[2]} | {id(e[1]) for e in entries}
    return reaches_outer([tangent], given)


def _differentiable(tensor, entries):
    """Whether tensor's tangent is itself differentiated in reverse mode (as PyTorch records it): grad mode is
    on and a tangent requires grad, or tensor was computed from a tensor that requires grad (a primal given to
    make_dual, a weight) other than the hidden leaves standing for primals that do not."""
    if not is_grad_enabled():
        return False
    if any(e[1].requires_grad for e in entries):
        return True
    hidden = {id(e[3]._node.parents[0]) for e in entries if not e[2]}
    return reaches_outer([tensor], hidden)


def contracted_jacobians(fn, inputs, out_grad):
    """For each input of `inputs` that requires grad (None for the others): the array of d<out_grad, fn(inputs)>/d
    input, element by element from forward-mode tangents (gradcheck's check_forward_ad); a complex input's entry
    is the derivative along the real unit plus i times the one along the imaginary unit, as gradcheck's."""
    result = []
    for k, t in enumerate(inputs):
        if not (isinstance(t, Tensor) and t.requires_grad):
            result.append(None)
            continue
        values = np.zeros(tuple(t.shape), dtype=np.complex128 if t.dtype.kind == "c" else np.float64)
        for i in range(values.size):
            for unit in ((1, 1j) if t.dtype.kind == "c" else (1,)):
                direction = np.zeros(values.shape, dtype=values.dtype)
                direction.flat[i] = unit
                with dual_level():
                    args = list(inputs)
                    args[k] = make_dual(t, Tensor(direction, dtype=t.dtype, device=t.device))
                    outs = fn(*args)
                    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
                    tangents = [unpack_dual(o).tangent for o in outs]
                paired = sum(float(np.real(np.conj(w) * tg.detach().numpy()).sum())
                             for tg, w in zip(tangents, out_grad) if tg is not None)
                values.flat[i] += unit * paired
        result.append(values)
    return result


FORWARD_MODE[0] = contracted_jacobians

__all__ = ["UnpackedDualTensor", "dual_level", "enter_dual_level", "exit_dual_level", "make_dual", "unpack_dual"]
