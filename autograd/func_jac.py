"""`ag.func`'s Jacobian transforms: jacrev, jacfwd, hessian and jvp, built on func_core's reverse mode.

There is no forward mode underneath: jacfwd computes the same Jacobian as jacrev (row by row, one backward pass
per output element) unless a custom autograd.Function took part, whose jvp must then give the columns as in
PyTorch (one tangent pass per input element, custom_jvp.py); jvp uses the double-vjp trick (u -> J^T u is linear in u, so differentiating it with
respect to u along the tangent gives J t), which needs the function's ops to be twice differentiable.
Results equal torch.func's; only the cost differs (jacfwd of a wide function is slower than torch's).
"""
import functools
from contextlib import nullcontext

from .creation import zeros, zeros_like
from .custom_jvp import tangent_pass
from .engine import grad as _engine_grad
from .func_core import (backward, check_argnums, check_callable, lower, prepare_args, reaches_outer, regroup, split_aux,
                        tensor_leaves)
from .func_levels import inside
from .func_random import RandomGuard, check_randomness
from .grad_mode import enable_grad, is_grad_enabled
from .ops.joining import stack
from .pytree import describe, tree_flatten, tree_map, tree_unflatten
from .tensor import Tensor


def _basis(out, k):
    """The k-th unit cotangent for `out`: zeros of its shape with a one at flat position k."""
    e = zeros(out.numel(), dtype=out.dtype, device=out.device)
    e[k] = 1
    return e.reshape(out.shape)


def _blocks(out, inputs, create_graph):
    """d out / d input for each input, shaped out.shape + input.shape."""
    shape = tuple(out.shape)
    if not out.requires_grad or out.numel() == 0:
        return [zeros(shape + tuple(x.shape), dtype=x.dtype, device=x.device) for x in inputs]
    rows = [[] for _ in inputs]
    for k in range(out.numel()):
        for j, g in enumerate(backward([out], [_basis(out, k)], inputs, create_graph)):
            rows[j].append(g)
    return [stack(r).reshape(shape + tuple(x.shape)) for r, x in zip(rows, inputs)]


def _forward_blocks(outs, inputs, create_graph):
    """d out / d input for each output and input, column by column in forward mode (the double-vjp trick),
    so that custom Functions contribute through their jvp: [output][input], shaped out.shape + input.shape."""
    live = [o for o in outs if o.requires_grad and o.dtype.kind in "fc"]
    us = [zeros(tuple(o.shape), dtype=o.dtype, device=o.device, requires_grad=True) for o in live]
    with tangent_pass():
        back = backward(live, us, inputs, create_graph=True) if live else [None] * len(inputs)
    blocks = [[None] * len(inputs) for _ in outs]
    for j, (b, x) in enumerate(zip(back, inputs)):
        columns = [[] for _ in outs]
        for k in range(x.numel() if b is not None and b.requires_grad else 0):
            found = _engine_grad([b], us, [_basis(x, k)], retain_graph=True, create_graph=create_graph,
                                 allow_unused=True)
            found = dict(zip(map(id, live), found))
            for i, o in enumerate(outs):
                g = found.get(id(o))
                columns[i].append(zeros(tuple(o.shape), dtype=o.dtype, device=o.device) if g is None else g)
        for i, o in enumerate(outs):
            shape = tuple(o.shape) + tuple(x.shape)
            blocks[i][j] = (stack(columns[i], -1).reshape(shape) if columns[i]
                            else zeros(shape, dtype=x.dtype, device=x.device))
    return blocks


def _has_custom_function(outs):
    """Whether a user's autograd.Function made any of `outs` or what they were computed from."""
    stack_, seen = [t._node for t in outs if isinstance(t, Tensor) and t._node is not None], set()
    while stack_:
        node = stack_.pop()
        if node in seen:
            continue
        seen.add(node)
        if hasattr(type(node), "_forward_cls"):
            return True
        stack_.extend(p for p in node.parents if p is not None and not isinstance(p, Tensor))
    return False


def _jacobian(op, func, argnums, has_aux, args, kwargs, guard=None):
    outer = is_grad_enabled()
    positions = check_argnums(op, argnums, len(args))
    forward = op == "jacfwd"
    with enable_grad():
        call_args, flat, specs, ids = prepare_args(op, args, positions, linked=outer)
        # jacfwd is vmap over jvp in PyTorch: a custom Function inside needs a vmap rule there too
        with inside(vmap=forward, forward=forward), (nullcontext() if guard is None else guard):
            result = func(*call_args, **kwargs)
        output, aux = split_aux(op, result, has_aux)
        outs, out_spec = tensor_leaves(op, output, "the function's output")
        keep = outer and reaches_outer(outs, ids)
        single = isinstance(argnums, int)
        if forward and _has_custom_function(outs):   # their jvp, not their backward, gives the columns
            per_output = [regroup(b, specs, single) for b in _forward_blocks(outs, flat, keep)]
        else:
            per_output = [regroup(_blocks(o, flat, keep), specs, single) for o in outs]
    jac = lower(tree_unflatten(per_output, out_spec), ids, keep)
    return (jac, lower(aux, ids, outer)) if has_aux else jac


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """torch.func.jacrev: a function returning the Jacobian of `func` with respect to the arguments at
    `argnums`: for each output Tensor (outputs may be tuples/lists/dicts of them) an entry shaped like the
    argument (an int argnums) or a tuple over argnums, each block of shape output.shape + input.shape.
    With has_aux=True func returns (output, aux) and the result is (jacobian, aux). chunk_size is checked and
    otherwise unused: the rows are computed one backward pass at a time."""
    check_callable("jacrev", func)
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"jacrev: chunk_size must be None or a positive int, got {chunk_size!r}")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _jacobian("jacrev", func, argnums, has_aux, args, kwargs)
    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """torch.func.jacfwd: the same Jacobian as jacrev (computed here in reverse mode, with equal results).
    randomness as in vmap: 'error' (the default) refuses a func that draws random numbers."""
    check_callable("jacfwd", func)
    check_randomness("jacfwd", randomness)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _jacobian("jacfwd", func, argnums, has_aux, args, kwargs, RandomGuard("jacfwd", randomness))
    return wrapper


def hessian(func, argnums=0):
    """torch.func.hessian: jacfwd(jacrev(func, argnums), argnums); for a scalar func of one Tensor, a Tensor of
    shape x.shape + x.shape; for a tuple argnums, a tuple of tuples [i][j]."""
    return jacfwd(jacrev(func, argnums), argnums)


def _check_tangents(primals, tangents):
    for name, value in (("primals", primals), ("tangents", tangents)):
        if not isinstance(value, tuple):
            raise RuntimeError(f"jvp: {name} must be a tuple (func is called as func(*primals)), got "
                               f"{type(value).__name__}; write e.g. jvp(f, (x,), (t,))")
    p_leaves, p_spec = tree_flatten(primals)
    t_leaves, t_spec = tree_flatten(tangents)
    if p_spec != t_spec:
        raise RuntimeError(f"jvp: tangents must have the structure of primals, {describe(p_spec)}; got "
                           f"{describe(t_spec)}")
    for i, (p, t) in enumerate(zip(p_leaves, t_leaves)):
        if not isinstance(t, Tensor):
            raise RuntimeError(f"jvp: tangent {i} must be a Tensor, got {type(t).__name__}")
        if isinstance(p, Tensor) and tuple(p.shape) != tuple(t.shape):
            raise RuntimeError(f"jvp: tangent {i} has shape {tuple(t.shape)} but its primal has shape "
                               f"{tuple(p.shape)}; they must match")
    return t_leaves


def jvp(func, primals, tangents, *, strict=False, has_aux=False):
    """torch.func.jvp: (func(*primals), J t), the Jacobian-vector product with `tangents` (shaped like
    `primals`, both tuples), computed by two reverse passes. With has_aux=True func returns (output, aux) and
    the result is (output, jvp_out, aux). `strict` is accepted as torch accepts it."""
    result = _jvp("jvp", func, primals, tangents, has_aux)
    # PyTorch hands back an output that stays in the outer graph through an alias of the inner result
    return (tree_map(_alias, result[0]),) + result[1:]


def _alias(t):
    if not isinstance(t, Tensor) or not t.requires_grad:
        return t
    view = t.view(t.shape)
    view._node.torch_name = "AliasBackward0"
    return view


def _jvp(op, func, primals, tangents, has_aux):
    check_callable(op, func)
    tans = _check_tangents(primals, tangents)
    outer = is_grad_enabled()
    with enable_grad():
        call_args, flat, _, ids = prepare_args(op, primals, range(len(primals)), linked=outer)
        with inside(forward=True):
            output, aux = split_aux(op, func(*call_args), has_aux)
        outs, out_spec = tensor_leaves(op, output, "the function's output")
        keep = outer and (reaches_outer(outs, ids) or any(t.requires_grad for t in tans))
        live = [i for i, o in enumerate(outs) if o.requires_grad and o.dtype.kind in "fc"]
        us = [zeros(tuple(outs[i].shape), dtype=outs[i].dtype, device=outs[i].device, requires_grad=True)
              for i in live]
        ids |= {id(u) for u in us}
        with tangent_pass():
            back = backward([outs[i] for i in live], us, flat, create_graph=True) if live else []
        pairs = [(b, t) for b, t in zip(back, tans) if b.requires_grad]
        jv = [None] * len(outs)
        if pairs:
            found = _engine_grad([b for b, _ in pairs], us, [t.detach() if not keep else t for _, t in pairs],
                                 create_graph=keep, allow_unused=True)
            for i, g in zip(live, found):
                jv[i] = g
        jv = [zeros(tuple(o.shape), dtype=o.dtype, device=o.device) if g is None else g for g, o in zip(jv, outs)]
    result = lower(tree_unflatten(jv, out_spec), ids, keep)
    output = lower(output, ids, keep)
    return (output, result, lower(aux, ids, outer)) if has_aux else (output, result)


def linearize(func, *primals):
    """torch.func.linearize: (func(*primals), jvp_fn) where jvp_fn(*tangents) gives the Jacobian-vector product
    of func at `primals` with tangents shaped like the primals (as jvp(func, primals, tangents)[1])."""
    check_callable("linearize", func)
    leaves, spec = tree_flatten(primals)
    output = _jvp("linearize", func, primals, tree_unflatten([zeros_like(p) for p in leaves], spec), False)[0]

    def jvp_fn(*tangents):
        """The Jacobian-vector product of func at the primals with `tangents`."""
        return jvp(func, primals, tangents)[1]
    return output, jvp_fn
