"""keras.ops control flow, run eagerly as Keras's torch backend runs it: cond, switch, while_loop, fori_loop,
scan, map, vectorized_map and associative_scan call the given Python functions in ordinary loops, so gradients
flow through whatever those functions compute. custom_gradient replaces an op's backward with the user's."""
import numpy as np

import autograd as ag
from autograd import Tensor, arrays

from . import ops_tree as tree
from .ops_args import _t


def _truth(value, op):
    if isinstance(value, np.ndarray):
        value = _t(value)
    if isinstance(value, Tensor):
        if value.numel() != 1:
            raise ValueError(f"keras.ops.{op}: the predicate must be a single value, got shape {tuple(value.shape)}")
        return bool(value.item())
    return bool(value)


def cond(pred, true_fn, false_fn):
    """true_fn() if `pred` holds, else false_fn()."""
    return true_fn() if _truth(pred, "cond") else false_fn()


def switch(index, branches, *operands):
    """branches[index](*operands), the index clipped into range."""
    if not branches:
        raise ValueError("keras.ops.switch: branches must hold at least one function")
    chosen = int(_t(index).item()) if isinstance(index, Tensor) else int(index)
    return branches[min(max(chosen, 0), len(branches) - 1)](*operands)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """loop_vars = body(*loop_vars) while cond(*loop_vars) holds (at most maximum_iterations times); a single
    loop variable (not a tuple or list) comes back single."""
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    state = tree.map_structure(_t, state)
    done = 0
    while (maximum_iterations is None or done < maximum_iterations) and _truth(cond(*state), "while_loop"):
        state = body(*state)
        state = tuple(state) if isinstance(state, (tuple, list)) else (state,)
        done += 1
    return state if is_tuple else state[0]


def fori_loop(lower, upper, body_fun, init_val):
    """val = body_fun(i, val) for i from lower to upper - 1."""
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """JAX's scan: carry, y = f(carry, x) for each x along the first axis of `xs` (or `length` times with
    x = None); returns the last carry and the ys stacked. Structures (tuples, lists, dicts) are allowed."""
    if not callable(f):
        raise TypeError(f"keras.ops.scan: f must be callable, got {type(f).__name__}")
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"keras.ops.scan: unroll must be a positive int or a bool, got {unroll!r}")
    if xs is None and length is None:
        raise ValueError("keras.ops.scan: pass xs to scan over or a length")
    xs_flat = [_t(x) for x in tree.flatten(xs)]
    steps = int(length) if length is not None else xs_flat[0].shape[0]
    if any(x.shape[0] < steps for x in xs_flat):
        raise ValueError(f"keras.ops.scan: every xs leaf needs at least {steps} entries along its first axis; got "
                         f"shapes {[tuple(x.shape) for x in xs_flat]}")
    carry = tree.pack_as(init, [_t(v) for v in tree.flatten(init)]) if tree.is_nested(init) else _t(init)
    ys = []
    order = range(steps - 1, -1, -1) if reverse else range(steps)
    for i in order:
        x = tree.pack_as(xs, [leaf[i] for leaf in xs_flat]) if xs is not None else None
        carry, y = f(carry, x)
        ys.append(y if y is not None else tree.map_structure(ag.zeros_like, carry))
    if reverse:
        ys.reverse()
    if not ys:
        return carry, None
    return carry, tree.map_structure(lambda *leaves: ag.stack([_t(v) for v in leaves]), *ys)


def map(f, xs):
    """f applied to each entry along the first axis of `xs` (a tensor or a structure), the results stacked."""
    return scan(lambda _, x: ((), f(x)), (), xs)[1]


def vectorized_map(function, elements):
    """map: `function` on each entry along the first axis of `elements`, the results stacked (a loop here,
    the same values as a vectorised map)."""
    return map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    """The inclusive scan of an associative binary `f` along `axis`: out[i] = f(out[i - 1], elems[i]). `f`
    receives slices that keep `axis` (size 1), like JAX's, and `elems` may be a structure."""
    if not callable(f):
        raise TypeError(f"keras.ops.associative_scan: f must be callable, got {type(f).__name__}")
    leaves = [_t(e) for e in tree.flatten(elems)]
    if not leaves:
        raise ValueError("keras.ops.associative_scan: elems is empty")
    count = leaves[0].shape[axis]
    if any(leaf.shape[axis] != count for leaf in leaves):
        raise ValueError(f"keras.ops.associative_scan: every elems leaf needs the same size along axis {axis}; got "
                         f"shapes {[tuple(leaf.shape) for leaf in leaves]}")

    def piece(leaf, i):
        index = [slice(None)] * leaf.ndim
        index[axis] = slice(i, i + 1)
        return leaf[tuple(index)]
    order = range(count - 1, -1, -1) if reverse else range(count)
    running, outs = None, []
    for i in order:
        current = [piece(leaf, i) for leaf in leaves]
        running = current if running is None else tree.flatten(
            f(tree.pack_as(elems, running), tree.pack_as(elems, current)))
        outs.append(running)
    if reverse:
        outs.reverse()
    return tree.pack_as(elems, [ag.cat([step[k] for step in outs], dim=axis) for k in range(len(leaves))])


class _UserGradient(ag.Function):
    """One node whose forward value was computed by the user's function and whose backward is its grad_fn."""

    @staticmethod
    def forward(ctx, output, grad_fn, *args):
        ctx.grad_fn, ctx.args = grad_fn, args
        return output

    @staticmethod
    def backward(ctx, grad):
        upstream = grad if isinstance(grad, Tensor) else arrays.wrap(grad, ctx.device)
        args = [arrays.wrap(a, ctx.device) if hasattr(a, "shape") and hasattr(a, "dtype") else a for a in ctx.args]
        with ag.no_grad():
            grads = ctx.grad_fn(*args, upstream=upstream)
        grads = grads if isinstance(grads, (tuple, list)) else (grads,)
        if len(grads) != len(args):
            raise ValueError(f"keras.ops.custom_gradient: grad_fn returned {len(grads)} gradients for "
                             f"{len(args)} arguments")
        return (None, None, *[None if g is None else arrays.array(_t(g)) for g in grads])


def custom_gradient(f):
    """Decorator: f(*args) returns (output, grad_fn); the decorated function returns output, and its backward
    calls grad_fn(*args, upstream=gradient of output) for the gradients of the args (as Keras's torch backend
    does: write grad_fn(*args, upstream=None)). f runs without recording a graph; one Tensor output; keyword
    arguments pass through to f and get no gradient."""
    def wrapped(*args, **kwargs):
        detached = [a.detach() if isinstance(a, Tensor) else a for a in args]
        with ag.no_grad():
            result = f(*detached, **kwargs)
        if not (isinstance(result, tuple) and len(result) == 2 and callable(result[1])):
            raise TypeError("keras.ops.custom_gradient: the decorated function must return (output, grad_fn)")
        output, grad_fn = result
        output = _t(output)
        tensors = [a if isinstance(a, Tensor) else _t(a) if isinstance(a, np.ndarray) else a for a in args]
        return _UserGradient.apply(arrays.array(output), grad_fn, *tensors)
    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = f.__doc__
    return wrapped
