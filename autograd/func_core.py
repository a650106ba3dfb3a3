"""The reverse-mode core of `ag.func`: grad, grad_and_value and vjp, and what the Jacobian transforms share.

How a transform stays composable on a dynamic graph. Each call gives the differentiated arguments fresh
tensors: a linked copy (`clone`) of an argument that already carries a gradient outside, a new leaf of one
that does not. The function runs on those, and the engine's `grad` differentiates with respect to them. An
outer computation may still need the results' graph: an outer transform or plain autograd differentiating
through this call, or a tensor captured by the function (a weight with requires_grad). So the forward graph is
walked first: when it reaches a leaf that is not one of this call's fresh leaves, the gradients are taken with
create_graph=True and every result that reaches such a leaf keeps its graph; otherwise (the common case) they
are plain and every result comes back detached, as torch.func's do. Grad mode off at the call (`no_grad`)
means no outer level at all: the transform still differentiates inside, and its results are detached.
"""
import functools

from .creation import zeros_like
from .engine import grad as _engine_grad
from .func_levels import inside
from .grad_mode import enable_grad, is_grad_enabled
from .pytree import describe, tree_flatten, tree_size, tree_unflatten
from .tensor import Tensor
from .errors import DtypeError

#: the forward-mode transforms: PyTorch refuses an integer primal there with a ValueError (make_dual's check),
#: in the reverse-mode ones with a RuntimeError (requires_grad's)
FORWARD_OPS = ("jacfwd", "jvp", "linearize")


class ForwardDtypeError(TypeError, ValueError):
    """An integer primal given to a forward-mode transform (jacfwd, jvp, linearize, hessian): a TypeError, and a
    ValueError as PyTorch raises for it."""


def check_callable(op, func):
    """TypeError naming `op` unless func can be called."""
    if not callable(func):
        raise TypeError(f"{op}: func must be a callable (the function to transform), got {type(func).__name__}")


def check_argnums(op, argnums, nargs):
    """argnums (an int or a non-empty tuple of distinct ints, negative counting from the end) as a tuple of
    positions in range."""
    single = isinstance(argnums, int) and not isinstance(argnums, bool)
    items = (argnums,) if single else argnums
    if not isinstance(items, tuple) or not items or not all(
            isinstance(a, int) and not isinstance(a, bool) for a in items):
        what = "an empty tuple" if items == () else repr(argnums)
        raise RuntimeError(f"{op}: argnums must be an int or a non-empty tuple of ints, got {what}")
    positions = []
    for a in items:
        if not -nargs <= a < nargs:
            raise RuntimeError(f"{op}: argnums={argnums!r} asks for positional argument {a}, but the function was "
                               f"called with {nargs} positional argument(s); pass the arguments to differentiate "
                               "positionally")
        positions.append(a % nargs)
    if len(set(positions)) != len(positions):
        raise RuntimeError(f"{op}: argnums must not repeat an argument, got {argnums!r}")
    return tuple(positions)


def fresh_leaves(op, tree, where, linked):
    """(tree with fresh tensors, their flat list, its spec, ids of the new leaves) for the Tensors in `tree`: a
    clone of a tensor that requires grad when `linked` (its graph continues outside), a new leaf otherwise."""
    leaves, spec = tree_flatten(tree)
    fresh, ids = [], set()
    for t in leaves:
        if not isinstance(t, Tensor):
            raise ValueError(f"{op}: {where} must be a Tensor or a tuple/list/dict of Tensors, but it holds a "
                             f"{type(t).__name__}; pass it through another argument, or wrap it with ag.tensor(...)")
        if t.dtype.kind not in "fc":
            kind = ForwardDtypeError if op in FORWARD_OPS else DtypeError
            raise kind(f"{op}: {where} holds a Tensor of dtype {t.dtype} (shape {tuple(t.shape)}); only "
                       "floating-point tensors can be differentiated: convert it (e.g. .double()) or leave it "
                       "out of argnums")
        if linked and t.requires_grad:
            fresh.append(t.clone())
        else:
            new = t.detach().requires_grad_(True)
            ids.add(id(new))
            fresh.append(new)
    return tree_unflatten(fresh, spec), fresh, spec, ids


def prepare_args(op, args, positions, linked):
    """(args with fresh tensors at `positions`, flat fresh leaves, per-position specs, fresh ids)."""
    args = list(args)
    flat, specs, ids = [], [], set()
    for p in positions:
        args[p], leaves, spec, new_ids = fresh_leaves(op, args[p], f"argument {p}", linked)
        flat.extend(leaves)
        specs.append(spec)
        ids |= new_ids
    return args, flat, specs, ids


def regroup(flat, specs, single):
    """Per-argument trees from a flat list (the inverse of prepare_args' flattening); one tree when `single`."""
    trees, start = [], 0
    for spec in specs:
        n = tree_size(spec)
        trees.append(tree_unflatten(flat[start:start + n], spec))
        start += n
    return trees[0] if single else tuple(trees)


def reaches_outer(tensors, fresh_ids):
    """Whether any of `tensors` depends on a leaf that requires grad other than this call's fresh leaves."""
    stack, seen = [], set()
    for t in tensors:
        if not isinstance(t, Tensor) or not t.requires_grad:
            continue
        if t._node is None:
            if id(t) not in fresh_ids:
                return True
        elif t._node not in seen:
            seen.add(t._node)
            stack.append(t._node)
    while stack:
        for parent in stack.pop().parents:
            if parent is None:
                continue
            if isinstance(parent, Tensor):
                if id(parent) not in fresh_ids:
                    return True
            elif parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return False


def lower(tree, fresh_ids, keep_graph):
    """`tree` as seen from outside: each Tensor detached unless keep_graph and it depends on an outer leaf."""
    leaves, spec = tree_flatten(tree)
    out = [t if not isinstance(t, Tensor) or (keep_graph and reaches_outer([t], fresh_ids)) else t.detach()
           for t in leaves]
    return tree_unflatten(out, spec)


def tensor_leaves(op, tree, what, allow_none=False):
    """(leaves, spec) of a tree that must hold only Tensors (None too when allow_none)."""
    leaves, spec = tree_flatten(tree)
    for t in leaves:
        if not isinstance(t, Tensor) and not (allow_none and t is None):
            raise RuntimeError(f"{op}: {what} must be a Tensor or a tuple/list/dict of Tensors, but it holds a "
                               f"{type(t).__name__}; return Tensors only (ag.tensor(...) for a number)")
    return leaves, spec


def split_aux(op, output, has_aux):
    """(output, aux) of the function's result: aux is None unless has_aux."""
    if not has_aux:
        return output, None
    if not isinstance(output, tuple) or len(output) != 2:
        raise RuntimeError(f"{op}: with has_aux=True the function must return a tuple (output, aux), got "
                           f"{type(output).__name__}" + (f" of length {len(output)}" if isinstance(output, tuple)
                                                          else ""))
    tensor_leaves(op, output[1], "aux (the second item the function returns)", allow_none=True)
    return output


def backward(outputs, cotangents, inputs, create_graph):
    """d(sum of outputs . cotangents)/d inputs, zeros where an input is not reached; outputs that do not
    require grad contribute nothing."""
    pairs = [(o, c) for o, c in zip(outputs, cotangents) if o.requires_grad]
    if pairs:
        grads = _engine_grad([o for o, _ in pairs], inputs, [c for _, c in pairs], retain_graph=True,
                             create_graph=create_graph, allow_unused=True)
    else:
        grads = (None,) * len(inputs)
    return [zeros_like(x.detach()) if g is None else g for g, x in zip(grads, inputs)]


def _grad_and_value(op, func, argnums, has_aux, args, kwargs):
    outer = is_grad_enabled()
    positions = check_argnums(op, argnums, len(args))
    with enable_grad():
        call_args, flat, specs, ids = prepare_args(op, args, positions, linked=outer)
        with inside():
            output, aux = split_aux(op, func(*call_args, **kwargs), has_aux)
        if not isinstance(output, Tensor):
            raise RuntimeError(f"{op}: the function must return a scalar Tensor, got {type(output).__name__}")
        if output.ndim != 0:
            raise RuntimeError(f"{op}: the function must return a scalar Tensor (0 dimensions), got shape "
                               f"{tuple(output.shape)}; reduce it (e.g. .sum()), or use vjp or jacrev for a "
                               "non-scalar output")
        keep = outer and reaches_outer([output], ids)
        grads = backward([output], [ones_of(output)], flat, create_graph=keep)
    grads = lower(regroup(grads, specs, isinstance(argnums, int)), ids, keep)
    value = lower(output, ids, keep)
    return grads, (value if not has_aux else (value, lower(aux, ids, outer)))


def ones_of(t):
    """Ones shaped like t, outside any graph."""
    return zeros_like(t.detach()) + 1


def grad_and_value(func, argnums=0, has_aux=False):
    """torch.func.grad_and_value: a function returning (gradient, value) of the scalar `func` with respect to
    the arguments at `argnums` (an int or tuple; each argument a Tensor or a tuple/list/dict of them, the
    gradient shaped alike). With has_aux=True func returns (value, aux) and the result is (gradient,
    (value, aux))."""
    check_callable("grad_and_value", func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        return _grad_and_value("grad_and_value", func, argnums, has_aux, args, kwargs)
    return wrapper


def grad(func, argnums=0, has_aux=False):
    """torch.func.grad: a function returning the gradient of the scalar `func` with respect to the arguments at
    `argnums` (an int: that argument's gradient; a tuple: a tuple of them). With has_aux=True func returns
    (value, aux) and the result is (gradient, aux). Composable: grad(grad(f)), jacrev(grad(f)), vmap(grad(f))."""
    check_callable("grad", func)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = _grad_and_value("grad", func, argnums, has_aux, args, kwargs)
        return (grads, value[1]) if has_aux else grads
    return wrapper


def vjp(func, *primals, has_aux=False):
    """torch.func.vjp: (func(*primals), vjp_fn) where vjp_fn(cotangents) returns the vector-Jacobian products,
    a tuple with one entry per primal (each shaped like that primal). `cotangents` has the structure of the
    output. vjp_fn may be called repeatedly and is itself differentiable (also in its cotangents).
    With has_aux=True func returns (output, aux) and the result is (output, vjp_fn, aux)."""
    op = "vjp"
    check_callable(op, func)
    outer = is_grad_enabled()
    with enable_grad():
        call_args, flat, specs, ids = prepare_args(op, primals, range(len(primals)), linked=outer)
        with inside():
            output, aux = split_aux(op, func(*call_args), has_aux)
        outs, out_spec = tensor_leaves(op, output, "the function's output")
        outer_graph = outer and reaches_outer(outs, ids)

    def vjp_fn(cotangents):
        """The vector-Jacobian products of the outputs with `cotangents`, one per primal."""
        cots, spec = tree_flatten(cotangents)
        if spec != out_spec:
            raise RuntimeError(f"vjp_fn: the cotangents must have the structure of the function's output, "
                               f"{describe(out_spec)}; got {describe(spec)}")
        for i, (c, o) in enumerate(zip(cots, outs)):
            if not isinstance(c, Tensor) or tuple(c.shape) != tuple(o.shape):
                got = f"shape {tuple(c.shape)}" if isinstance(c, Tensor) else type(c).__name__
                raise RuntimeError(f"vjp_fn: cotangent {i} must be a Tensor of the output's shape "
                                   f"{tuple(o.shape)}, got {got}")
        keep = is_grad_enabled() and (outer_graph or any(c.requires_grad for c in cots))
        with enable_grad():
            grads = backward(outs, cots, flat, create_graph=keep)
        result = regroup(grads, specs, single=False)
        return lower(result, ids, keep)

    output = lower(output, ids, outer_graph)
    if has_aux:
        return output, vjp_fn, lower(aux, ids, outer)
    return output, vjp_fn
