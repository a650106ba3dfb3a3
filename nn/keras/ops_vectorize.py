"""keras.ops.vectorize (NumPy's vectorize with an optional gufunc signature such as "(m,n),(n)->(m)") and
keras.ops.jvp (a forward-mode Jacobian-vector product). vectorize calls the function once per element of the
broadcast batch dimensions, in an ordinary loop, so gradients flow through it; jvp is computed with two reverse
passes (the transpose of a vector-Jacobian product), so the function must be twice differentiable in deepgrad."""
import itertools
import re

import numpy as np

import autograd as ag
from autograd import Tensor

from .ops_args import _t

_DIMS = r"\((?:\w+(?:,\s*\w+)*)?\)"


def _parse_signature(signature):
    match = re.fullmatch(rf"\s*({_DIMS}(?:,\s*{_DIMS})*)\s*->\s*({_DIMS}(?:,\s*{_DIMS})*)\s*", signature)
    if match is None:
        raise ValueError(f"vectorize: not a valid gufunc signature: {signature!r} (expected e.g. '(m,n),(n)->(m)')")

    def groups(text):
        return [tuple(d.strip() for d in g.split(",") if d.strip()) for g in re.findall(r"\(([^)]*)\)", text)]
    return groups(match.group(1)), groups(match.group(2))


def vectorize(pyfunc, *, excluded=None, signature=None):
    """`pyfunc` applied to every element (every core-dimension block, with `signature`) of its broadcast
    arguments; the results are stacked back into the broadcast batch shape. Arguments that are None are
    passed through unchanged."""
    if not callable(pyfunc):
        raise ValueError(f"Expected argument `pyfunc` to be a callable. Received: pyfunc={pyfunc}")
    cores_in, cores_out = _parse_signature(signature) if signature is not None else (None, None)

    def wrapped(*args, **kwargs):
        fixed = {i: a for i, a in enumerate(args) if a is None}
        tensors = [_t(a) for a in args if a is not None]
        cores = cores_in if cores_in is not None else [()] * len(tensors)
        if len(cores) != len(tensors):
            raise ValueError(f"vectorize: the signature {signature!r} names {len(cores)} inputs, got {len(tensors)} "
                             "arguments")
        batch_shapes = []
        for t, core in zip(tensors, cores):
            if t.ndim < len(core):
                raise ValueError(f"vectorize: an input of shape {tuple(t.shape)} has fewer dimensions than its core "
                                 f"dimensions {core} in signature {signature!r}")
            batch_shapes.append(tuple(t.shape[:t.ndim - len(core)]))
        batch = np.broadcast_shapes(*batch_shapes) if batch_shapes else ()
        expanded = [t.expand(tuple(batch) + tuple(t.shape[t.ndim - len(c):])) if tuple(t.shape[:t.ndim - len(c)])
                    != tuple(batch) else t for t, c in zip(tensors, cores)]
        results = []
        for index in itertools.product(*(range(n) for n in batch)):
            pieces = iter([t[index] if index else t for t in expanded])
            call_args = [fixed[i] if i in fixed else next(pieces) for i in range(len(args))]
            results.append(pyfunc(*call_args, **kwargs))
        return _stack(results, batch)

    return wrapped


def _stack(results, batch):
    first = results[0] if results else None
    if isinstance(first, (tuple, list)):
        return tuple(_stack([r[k] for r in results], batch) for k in range(len(first)))
    parts = [_t(r) for r in results]
    stacked = ag.stack(parts) if parts else ag.zeros((0,))
    return stacked.reshape(tuple(batch) + tuple(parts[0].shape if parts else ()))


def jvp(fun, primals, tangents, has_aux=False):
    """(fun(*primals), the Jacobian of fun at primals times `tangents`) — plus fun's auxiliary output with
    has_aux=True (fun then returns (output, aux))."""
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise ValueError("jvp: primals and tangents must be tuples or lists of arguments, got "
                         f"{type(primals).__name__} and {type(tangents).__name__}")
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents; pass one tangent per primal")
    inputs = [_t(p).detach().requires_grad_(True) for p in primals]
    tangent_values = [_t(t) for t in tangents]
    for p, t in zip(inputs, tangent_values):
        if tuple(p.shape) != tuple(t.shape):
            raise ValueError(f"jvp: a tangent of shape {tuple(t.shape)} for a primal of shape {tuple(p.shape)}; "
                             "each tangent must have its primal's shape")
    with ag.enable_grad():
        result = fun(*inputs)
        out, aux = result if has_aux else (result, None)
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        cotangents = [ag.zeros_like(o).requires_grad_(True) for o in outs]
        vjps = ag.grad(outs, inputs, grad_outputs=cotangents, create_graph=True, allow_unused=True)
        used = [(v, t) for v, t in zip(vjps, tangent_values) if v is not None]
        pushed = ag.grad([v for v, _ in used], cotangents, grad_outputs=[t for _, t in used], allow_unused=True) \
            if used else [None] * len(outs)
    tangents_out = [ag.zeros_like(o) if p is None else p.detach() for o, p in zip(outs, pushed)]
    primal_out = [o.detach() for o in outs]
    if not isinstance(out, (tuple, list)):
        primal_out, tangents_out = primal_out[0], tangents_out[0]
    else:
        primal_out, tangents_out = type(out)(primal_out), type(out)(tangents_out)
    return (primal_out, tangents_out, aux) if has_aux else (primal_out, tangents_out)
