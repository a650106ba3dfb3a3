"""torch.compile and the float32 matmul precision switch, as a ported program calls them.

deepgrad compiles whole training steps with `ag.jit` (forward, backward and optimiser in one replay);
`compile` is PyTorch's call for a model or function, and here runs it eagerly, like PyTorch's
backend="eager": same results, nothing traced. The model comes back as itself, so its state_dict keys
keep their names (PyTorch's wrapper adds an `_orig_mod.` prefix)."""

import warnings

_PRECISIONS = ("highest", "high", "medium")
_matmul_precision = ["highest"]


def compile(model=None, *, fullgraph=False, dynamic=None, backend="inductor", mode=None, options=None,
            disable=False):
    """`model` (a Module or function) unchanged, to run eagerly; usable as @compile and @compile(...)."""
    if model is None:
        return lambda fn: compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode,
                                  options=options, disable=disable)
    if not callable(model):
        raise TypeError(f"compile: expects a Module or a function, got {type(model).__name__}")
    return model


def set_float32_matmul_precision(precision):
    """Record 'highest', 'high' or 'medium' (another value warns and changes nothing, as in PyTorch).
    deepgrad always multiplies float32 in full float32 precision (no TF32/bfloat16 passes), which every
    setting allows."""
    if precision not in _PRECISIONS:
        warnings.warn(f"set_float32_matmul_precision: {precision!r} is not one of {_PRECISIONS}; the call has no "
                      "effect", stacklevel=2)
        return
    _matmul_precision[0] = precision


def get_float32_matmul_precision():
    """The precision last set (default 'highest')."""
    return _matmul_precision[0]
