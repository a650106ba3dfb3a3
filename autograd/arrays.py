"""The seam for libraries built on autograd (`nn` is one): raw backend arrays in and out of Tensors.

A layer, optimiser or initialiser works on the array inside a tensor (a NumPy or CuPy array,
reached through `t.device.xp`) and hands arrays back as tensors. These few calls are all it needs;
nothing outside `autograd` touches a Tensor's private fields.

    import autograd as ag
    from autograd import arrays

    a = arrays.array(p)                  # p's values, no copy
    a -= lr * arrays.array(p.grad)       # an in-place update of the array ...
    arrays.mark_changed(p)               # ... recorded, so a graph that saved p refuses to go on
    m = arrays.wrap(p.device.xp.zeros_like(a), p.device)   # an array as a tensor, outside any graph
"""
from .capture import state as capture
from .sparse_storage import SparseCOO, assign_sparse
from .tensor import Tensor, as_class, wrap_array
from .versions import mark_modified


def array(t):
    """The backend array that holds `t`'s values (shares memory; a NumPy or CuPy array)."""
    return t._data


def writable(t):
    """The backend array to change `t`'s values through in place (then call mark_changed(t)). Unlike
    array(t), never a NumPy scalar: a 0-d op result held as one becomes a 0-d array first, since
    `a *= 2` on a scalar only rebinds the name."""
    return t._writable()


def wrap(values, device, requires_grad=False):
    """`values` (an array of `device`'s array module) as a Tensor on `device`, no copy, outside any graph."""
    t = wrap_array(values, device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def mark_changed(t, version=True, writes=1):
    """Record that `t`'s array was changed in place through `array(t)`: backward through a graph that saved these
    values refuses to run, and t._version ticks (not with version=False: where PyTorch's kernel writes without
    counting a version, as batch_norm's running statistics, the check stays and the count matches PyTorch's), by
    `writes`: the in-place writes PyTorch's code makes for the same change (an AdamW step: 2)."""
    if version:
        t._bump_version()
        if writes != 1:
            t._version_cell()[0] += writes - 1
    else:
        mark_modified(t._data)


def assign_(t, values):
    """Copy `values` (an array or scalar, broadcast to t's shape) into `t` in place, outside any graph
    (recorded during an ag.jit capture, so replays repeat it)."""
    if type(t._data) is SparseCOO:   # zero_grad(set_to_none=False) of a sparse gradient: no entries left
        return assign_sparse(t, values, "assign")
    target = t._writable()
    if capture.recorder is not None:
        capture.recorder.on_assign(target, values)
    target[...] = values
    t._bump_version()
    return t


def replace(t, values, device=None):
    """Make `t` hold the array `values` (on `device`, default its own): how a module moves its parameters."""
    t._data = values
    if device is not None:
        t._device = device
    return t


def retyped(t, cls):
    """`t` as an instance of `cls`, a subclass of Tensor (cls.__init__ is not called), taking t's place in the
    graph: for a tensor the caller has just made and holds alone (Tensor.as_subclass, for a tensor others may
    hold, adds an alias node instead). `t` must not be used afterwards."""
    return as_class(t, cls)


__all__ = ["array", "wrap", "mark_changed", "assign_", "replace", "retyped", "Tensor"]
