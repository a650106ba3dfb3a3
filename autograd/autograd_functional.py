"""`ag.autograd.functional`: PyTorch's torch.autograd.functional (vjp, jvp, jacobian, hessian, vhp, hvp).

Each takes `func` and `inputs` (a Tensor or a tuple of Tensors) and gives results shaped as torch does: a
Tensor where torch gives one (single input / single output), tuples (or tuples of tuples) where the inputs or
outputs were tuples. Results are detached unless create_graph=True. With strict=False an input the output
does not depend on gets zeros; strict=True raises instead. Forward-mode products (jvp, hvp) use the
double-backward trick, so they cost two reverse passes.
"""
from .engine import grad as _grad
from .func_levels import forward_jacobian
from .grad_mode import enable_grad, is_grad_enabled, set_grad_enabled
from .tensor import Tensor

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vhp", "vjp"]


def _as_tuple(value, what, op):
    """(was it a tuple, the value as a tuple of Tensors); TypeError naming `op` for anything else."""
    is_tuple = isinstance(value, tuple)
    items = value if is_tuple else (value,)
    for i, item in enumerate(items):
        if not isinstance(item, Tensor):
            where = f"the value at index {i} has type {type(item).__name__}" if is_tuple else \
                f"it has type {type(item).__name__}"
            raise TypeError(f"{op}: the {what} must be a Tensor or a tuple of Tensors, but {where}")
    return is_tuple, items


def _unpack(result, is_tuple):
    return result if is_tuple else result[0]


def _fresh_inputs(inputs, create_graph):
    """New Tensor objects that require grad: linked to the originals when create_graph (so gradients flow back
    to them), detached otherwise. New objects keep the function's own inputs apart from the same Tensors
    captured by its closure."""
    return tuple(t.clone() if create_graph and t.requires_grad else t.detach().requires_grad_(True)
                 for t in inputs)


def _check_v(op, v, like, like_is_tuple, what):
    _, v = _as_tuple(v, "v", op)
    if len(v) != len(like):
        if like_is_tuple:
            raise RuntimeError(f"{op}: v is a tuple of length {len(v)}; it must have one Tensor per {what} "
                               f"({len(like)})")
        raise RuntimeError(f"{op}: v must be a single Tensor (the {what} is a single Tensor), got {len(v)}")
    for i, (a, b) in enumerate(zip(v, like)):
        if tuple(a.shape) != tuple(b.shape):
            entry = f"entry {i} of v" if like_is_tuple else "v"
            raise RuntimeError(f"{op}: {entry} has shape {tuple(a.shape)}; it must match the {what}'s shape "
                               f"{tuple(b.shape)}")
    return tuple(t.detach() for t in v)


def _needs_v(op, items, what):
    if len(items) != 1 or items[0].numel() != 1:
        raise RuntimeError(f"{op}: v can only be omitted when the {what} is a single Tensor with one element; "
                           f"pass v with the {what}'s shape")


def _refusal(op, text):
    """strict=True's RuntimeError: PyTorch's sentence for the case, then the op and the way out."""
    return RuntimeError(f"{text.rstrip('.')} ({op}, strict=True; or pass strict=False)")


def _check_outputs_differentiable(op, outputs, strict):
    if strict:
        for i, out in enumerate(outputs):
            if not out.requires_grad:
                raise _refusal(op, f"Output {i} of the user-provided function does not require gradients. The "
                                   "outputs must be computed in a differentiable manner from the input when running "
                                   "in strict mode")


#: what strict=True says when a gradient comes out None (first) or without a graph under create_graph=True
#: (second), per the step that computed it, as PyTorch's wording: vjp's backward, jvp's double-backward trick,
#: vhp's second backward, hvp's trick over it
_UNREACHED = {
    "back": ("The output of the user-provided function is independent of input {i}. This is not allowed in strict "
             "mode.", "The jacobian of the user-provided function is independent of input {i}. This is not allowed "
                      "in strict mode when create_graph=True."),
    "back_trick": ("The gradient with respect to the input is independent of entry {i} in the grad_outputs when "
                   "using the double backward trick to compute forward mode gradients. This is not allowed in strict "
                   "mode.", "The jacobian of the user-provided function is independent of input {i}. This is not "
                                "allowed in strict mode when create_graph=True."),
    "double_back": ("The jacobian of the user-provided function is independent of input {i}. This is not allowed in "
                    "strict mode.", "The hessian of the user-provided function is independent of input {i}. This is "
                                    "not allowed in strict mode when create_graph=True."),
    "double_back_trick": ("The hessian of the user-provided function is independent of entry {i} in the "
                          "grad_jacobian. This is not allowed in strict mode as it prevents from using the double "
                          "backward trick to replace forward mode AD.",
                          "The hessian of the user-provided function is independent of input {i}. This is not "
                          "allowed in strict mode when create_graph=True."),
}


def _partial_grads(outputs, inputs, grad_outputs, create_graph):
    """Gradients of the outputs that require grad with respect to `inputs`; None for unreached inputs."""
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    outs, gouts = zip(*pairs)
    return _grad(list(outs), list(inputs), list(gouts), retain_graph=True, create_graph=create_graph,
                 allow_unused=True)


def _zeros_for_none(op, grads, refs, strict, create_graph, stage):
    """`grads` with zeros for the None ones, or strict=True's refusal worded for `stage` (see _UNREACHED, or
    ("jacobian", output index) for a row of jacobian's)."""
    filled = []
    for i, (g, ref) in enumerate(zip(grads, refs)):
        if g is None:
            if strict:
                if isinstance(stage, tuple):   # jacobian's own wording names the output and the input
                    raise _refusal(op, f"Output {stage[1]} of the user-provided function is independent of input "
                                       f"{i}. This is not allowed in strict mode.")
                raise _refusal(op, _UNREACHED[stage][0].format(i=i))
            g = _zeros_like(ref)
        elif strict and create_graph and not g.requires_grad:
            if isinstance(stage, tuple):   # (PyTorch's names the output's index here)
                raise _refusal(op, f"The jacobian of the user-provided function is independent of input {stage[1]}. "
                                   "This is not allowed in strict mode when create_graph=True.")
            raise _refusal(op, _UNREACHED[stage][1].format(i=i))
        filled.append(g)
    return tuple(filled)


def _finish(tensors, create_graph):
    return tuple(tensors) if create_graph else tuple(t.detach() for t in tensors)


def _zeros_like(t):
    """Zeros like `t`, detached: +0 everywhere, whatever t holds (t * 0 gave -0, and nan where t is inf)."""
    from .creation import zeros_like
    return zeros_like(t.detach())


def _ones_like(t):
    from .creation import ones_like
    return ones_like(t.detach())


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T J): the vector-Jacobian product of func at `inputs` with `v` shaped like the
    outputs (v may be omitted when func returns a one-element Tensor)."""
    op = "vjp"
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", op)
        inputs = _fresh_inputs(inputs, create_graph)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the function", op)
        _check_outputs_differentiable(op, outputs, strict)
        if v is None:
            _needs_v(op, outputs, "output")
            v = tuple(_ones_like(o) for o in outputs)
        else:
            v = _check_v(op, v, outputs, out_tuple, "output")
    with set_grad_enabled(create_graph or is_grad_enabled()):
        grads = _partial_grads(outputs, inputs, v, create_graph)
        grads = _zeros_for_none(op, grads, inputs, strict, create_graph, "back")
    return _unpack(_finish(outputs, create_graph), out_tuple), _unpack(_finish(grads, create_graph), in_tuple)


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), J v): the Jacobian-vector product of func at `inputs` with `v` shaped like the inputs
    (v may be omitted for a single one-element input)."""
    op = "jvp"
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", op)
        inputs = _fresh_inputs(inputs, create_graph)
        if v is None:
            _needs_v(op, inputs, "input")
            v = tuple(_ones_like(t) for t in inputs)
        else:
            v = _check_v(op, v, inputs, in_tuple, "input")
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the function", op)
        _check_outputs_differentiable(op, outputs, strict)
        # u -> J^T u is linear in u: differentiating it with respect to u at any u (zeros here) along v gives J v
        cotangents = tuple(_zeros_like(o).requires_grad_(True) for o in outputs)
        back = _partial_grads(outputs, inputs, cotangents, create_graph=True)
        if strict and any(b is None for b in back):
            i = next(i for i, b in enumerate(back) if b is None)
            raise _refusal(op, _UNREACHED["back"][0].format(i=i))
        used = [(b, t) for b, t in zip(back, v) if b is not None]
        with set_grad_enabled(create_graph or is_grad_enabled()):
            if used:
                grads = _partial_grads([b for b, _ in used], cotangents, [t for _, t in used], create_graph)
            else:
                grads = (None,) * len(outputs)
            grads = _zeros_for_none(op, grads, outputs, strict, create_graph, "back_trick")
    return _unpack(_finish(outputs, create_graph), out_tuple), _unpack(_finish(grads, create_graph), out_tuple)


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    """The Jacobian of func at `inputs`: for output i and input j a Tensor of shape
    outputs[i].shape + inputs[j].shape, nested as torch does (a Tensor for one input and one output, a tuple
    over the inputs or outputs that were tuples, a tuple of tuples [output][input] when both were).
    The values are computed row by row in reverse mode for either strategy; strategy="forward-mode" takes
    PyTorch's limits (vectorize=True, no create_graph or strict) and, as PyTorch's, returns blocks attached to
    the graph of the inputs that require grad where they depend on them."""
    op = "jacobian"
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f"{op}: strategy must be 'reverse-mode' or 'forward-mode', got {strategy!r}")
    if strategy == "forward-mode":
        _check_forward_mode(create_graph, strict, vectorize)
        return _forward_mode_jacobian(func, inputs)
    return _reverse_jacobian(func, inputs, create_graph, strict, vectorize)


def _check_forward_mode(create_graph, strict, vectorize):
    """Refuse what PyTorch's forward-mode jacobian refuses, with its exception types."""
    if create_graph:
        raise NotImplementedError(
            'torch.autograd.functional.jacobian: `create_graph=True` and `strategy="forward-mode"` are not '
            'supported together (yet). Please either set `create_graph=False` or `strategy="reverse-mode"`.')
    if strict:
        raise RuntimeError(
            'torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are not supported '
            'together (yet). Please either set `strict=False` or `strategy="reverse-mode"`.')
    if not vectorize:
        raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-reverse Hessian is only "
                                  "implemented for `vectorize=True`; pass vectorize=True (or use "
                                  'strategy="reverse-mode")')


def _forward_mode_jacobian(func, inputs, watch_all=False):
    """The forward-mode Jacobian as PyTorch returns it: each block that depends on an input requiring grad stays
    on the graph (its node PyTorch's reshape of the batched tangents: ViewBackward0 for a 0-d output,
    ReshapeAliasBackward0 otherwise), every other block detached. `watch_all` treats every input as requiring
    grad (PyTorch's forward-over-reverse hessian marks its inputs so)."""
    from .engine import grad as autograd_grad
    in_tuple, given = _as_tuple(inputs, "inputs", "jacobian")
    if watch_all:
        given = tuple(t if t.requires_grad else t.detach().requires_grad_(True) for t in given)
        inputs = given if in_tuple else given[0]
    with forward_jacobian():
        blocks = _reverse_jacobian(func, inputs, create_graph=True, strict=False)
    watched = [t for t in given if t.requires_grad]
    # a tuple of blocks is one per output, except for one output of tuple inputs (one block per input)
    out_tuple = isinstance(blocks, tuple) and (not in_tuple or bool(blocks) and isinstance(blocks[0], tuple))
    rows = blocks if out_tuple else (blocks,)
    result = []
    for row in rows:
        row = row if in_tuple else (row,)
        out_ndim = row[0].ndim - given[0].ndim
        attached = bool(watched) and any(b.requires_grad for b in row) and _reaches(autograd_grad, row, watched)
        result.append([_as_forward_block(b, out_ndim, attached) for b in row])
    if not in_tuple:
        result = [row[0] for row in result]
    # as PyTorch's forward-mode path: lists where the inputs were a tuple (its reverse mode gives tuples)
    if not out_tuple:
        return result[0]
    return result if in_tuple else tuple(result)


def _reaches(autograd_grad, blocks, watched):
    """Whether any of `blocks` depends, through the graph, on a Tensor in `watched`."""
    live = [b for b in blocks if b.requires_grad]
    grads = autograd_grad([b.sum() for b in live], watched, retain_graph=True, allow_unused=True)
    return any(g is not None for g in grads)


def _as_forward_block(block, out_ndim, attached):
    if not attached:
        return block.detach()
    if not block.requires_grad:
        return block
    out = block.reshape(block.shape)
    out._node.torch_name = "ViewBackward0" if out_ndim == 0 else "ReshapeAliasBackward0"
    return out


def _reverse_jacobian(func, inputs, create_graph, strict, vectorize=False):
    """The Jacobian computed row by row in reverse mode (see jacobian)."""
    op = "jacobian"
    from .ops.joining import stack
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", op)
        inputs = _fresh_inputs(inputs, create_graph)
        out_tuple, outputs = _as_tuple(func(*inputs), "outputs of the function", op)
        _check_outputs_differentiable(op, outputs, strict)
        if strict and vectorize:   # refused after the function ran, as PyTorch's
            raise RuntimeError("torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not "
                               "supported together. Please either set `strict=False` or `vectorize=False`.")
        result = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            flat_zeros = _zeros_like(out).reshape(-1)
            for k in range(out.numel()):
                basis = flat_zeros.clone()
                basis[k] = 1
                grads = _partial_grads([out], inputs, [basis.reshape(out.shape)], create_graph) \
                    if out.requires_grad else (None,) * len(inputs)
                grads = _zeros_for_none(op, grads, inputs, strict, create_graph, ("jacobian", i))
                for j, g in enumerate(grads):
                    rows[j].append(g)
            blocks = []
            for j, inp in enumerate(inputs):
                shape = tuple(out.shape) + tuple(inp.shape)
                block = stack(rows[j]).reshape(shape) if rows[j] else _empty(inp, shape)
                blocks.append(block if create_graph else block.detach())
            result.append(tuple(blocks))
    if not in_tuple:
        result = [blocks[0] for blocks in result]
    return tuple(result) if out_tuple else result[0]


def _empty(like, shape):
    """A zero-size Tensor of `shape` with like's dtype and device (the Jacobian of an empty output)."""
    from .creation import zeros
    return zeros(shape, dtype=like.dtype, device=like.device)


def _single_scalar(op, func, strict):
    def scalar_func(*inp):
        out = func(*inp)
        is_tuple, outs = _as_tuple(out, "outputs of the function", op)
        _check_outputs_differentiable(op, outs, strict)
        if is_tuple:
            raise RuntimeError(f"{op}: the function must return a single Tensor, got a tuple of {len(outs)}")
        if out.numel() != 1:
            raise RuntimeError(f"{op}: the function must return a Tensor with one element, got shape "
                               f"{tuple(out.shape)}; reduce it (e.g. .sum())")
        return out
    return scalar_func


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar func at `inputs`: a Tensor of shape inputs.shape + inputs.shape for one input,
    a tuple of tuples [i][j] of shape inputs[i].shape + inputs[j].shape for a tuple of inputs."""
    op = "hessian"
    in_tuple, inputs = _as_tuple(inputs, "inputs", op)
    scalar_func = _single_scalar(op, func, strict)

    def gradient(*inp):
        blocks = jacobian(lambda *a: scalar_func(*a).reshape(()), inp, create_graph=True)
        if strict:
            for i, block in enumerate(blocks):
                if not block.requires_grad:
                    raise _refusal(op, _TWICE.format(i=i))
        return blocks

    if outer_jacobian_strategy == "forward-mode":
        _check_forward_mode(create_graph, strict, vectorize)
        result = _forward_mode_jacobian(gradient, inputs, watch_all=True)
    else:
        result = jacobian(gradient, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                          strategy=outer_jacobian_strategy)
    return result if in_tuple else result[0][0]


#: strict=True's refusal of a gradient that does not depend on the inputs, inside hessian, vhp and hvp (PyTorch's)
_TWICE = ("While computing the hessian, found that the jacobian of the user-provided function with respect to input "
          "{i} is independent of the input. This is not allowed in strict mode. You should ensure that your function "
          "is twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear "
          "function for example).")


def _first_gradient(op, func, inputs, strict):
    """(output, inputs, d output / d inputs with a graph) for the scalar func, zeros for unused inputs."""
    outputs = _as_tuple(_single_scalar(op, func, strict)(*inputs), "outputs of the function", op)[1]
    grads = _partial_grads(outputs, inputs, tuple(_ones_like(o) for o in outputs), create_graph=True)
    if strict:
        for i, g in enumerate(grads):
            if g is None:
                raise _refusal(op, _UNREACHED["back"][0].format(i=i))
            if not g.requires_grad:
                raise _refusal(op, _TWICE.format(i=i))
    return outputs, grads


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), v^T H): the vector-Hessian product of the scalar func at `inputs`, `v` shaped like the
    inputs."""
    op = "vhp"
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", op)
        inputs = _fresh_inputs(inputs, create_graph)
        v = _prepare_input_v(op, v, inputs, in_tuple)
        outputs, grads = _first_gradient(op, func, inputs, strict)
    with set_grad_enabled(create_graph or is_grad_enabled()):
        used = [(g, t) for g, t in zip(grads, v) if g is not None]
        result = _partial_grads([g for g, _ in used], inputs, [t for _, t in used], create_graph) if used \
            else (None,) * len(inputs)
        result = _zeros_for_none(op, result, inputs, strict, create_graph, "double_back")
    return _finish(outputs, create_graph)[0], _unpack(_finish(result, create_graph), in_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """(func(inputs), H v): the Hessian-vector product of the scalar func at `inputs` (double-backward trick),
    `v` shaped like the inputs."""
    op = "hvp"
    with enable_grad():
        in_tuple, inputs = _as_tuple(inputs, "inputs", op)
        inputs = _fresh_inputs(inputs, create_graph)
        v = _prepare_input_v(op, v, inputs, in_tuple)
        outputs, grads = _first_gradient(op, func, inputs, strict)
        used = [j for j, g in enumerate(grads) if g is not None]
        cotangents = tuple(_zeros_like(inputs[j]).requires_grad_(True) for j in used)
        back = _partial_grads([grads[j] for j in used], inputs, cotangents, create_graph=True) if used \
            else (None,) * len(inputs)
        reached = [(b, t) for b, t in zip(back, v) if b is not None]
        with set_grad_enabled(create_graph or is_grad_enabled()):
            partial = _partial_grads([b for b, _ in reached], cotangents, [t for _, t in reached], create_graph) \
                if reached else (None,) * len(cotangents)
            result = [None] * len(inputs)
            for j, g in zip(used, partial):
                result[j] = g
            result = _zeros_for_none(op, result, inputs, strict, create_graph, "double_back_trick")
    return _finish(outputs, create_graph)[0], _unpack(_finish(result, create_graph), in_tuple)


def _prepare_input_v(op, v, inputs, in_tuple):
    if v is None:
        _needs_v(op, inputs, "input")
        return tuple(_ones_like(t) for t in inputs)
    return _check_v(op, v, inputs, in_tuple, "input")
