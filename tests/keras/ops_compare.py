"""One check for keras.ops functions against real Keras 3 on the torch backend: the same function of the same
NumPy inputs gives the same values (shape and dtype kind too) and, for float inputs, the same gradients of a fixed
weighted sum of the outputs."""
import numpy as np

import autograd as ag
from nn import keras as ours

from .oracle import real_keras


def _leaves(value):
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    return [leaf for item in value for leaf in _leaves(item)] if isinstance(value, (tuple, list)) else [value]


def _weights(shape):
    return np.cos(np.arange(int(np.prod(shape))) * 0.7).reshape(shape).astype(np.float32)


def run_keras(fn, inputs, grad):
    """Keras's outputs (NumPy) and the gradients of the float inputs (None where Keras gives none)."""
    import torch
    keras = real_keras()
    tensors = [torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in inputs]
    outs = _leaves(fn(keras.ops, *tensors))
    floats = [o for o in outs if isinstance(o, torch.Tensor) and o.dtype.is_floating_point and o.requires_grad]
    grads = [None] * len(tensors)
    if grad and floats:
        total = sum((o * torch.tensor(_weights(tuple(o.shape)), dtype=o.dtype)).sum() for o in floats)
        wanted = [t for t in tensors if t.requires_grad]
        found = iter(torch.autograd.grad(total, wanted, allow_unused=True))
        grads = [next(found) if t.requires_grad else None for t in tensors]
        grads = [None if g is None else g.numpy() for g in grads]
    values = [o.detach().cpu().numpy() if isinstance(o, torch.Tensor) else np.asarray(o) for o in outs]
    return values, grads


def run_ours(fn, inputs, grad):
    """The same for deepgrad's keras.ops."""
    tensors = [ag.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in inputs]
    outs = _leaves(fn(ours.ops, *tensors))
    floats = [o for o in outs if isinstance(o, ag.Tensor) and o.dtype.kind == "f" and o.requires_grad]
    grads = [None] * len(tensors)
    if grad and floats:
        total = None
        for o in floats:
            term = (o * ag.tensor(_weights(tuple(o.shape)).astype(o.dtype))).sum()
            total = term if total is None else total + term
        total.backward()
        grads = [None if t.grad is None else t.grad.numpy() for t in tensors]
    values = [o.numpy() if isinstance(o, ag.Tensor) else np.asarray(o) for o in outs]
    return values, grads


def check_against_keras(fn, inputs, grad=True, rtol=1e-4, atol=1e-5, grad_atol=1e-4):
    """fn(ops, *inputs) on both: values, shapes, dtype kinds and (grad=True) the float inputs' gradients agree."""
    theirs, their_grads = run_keras(fn, inputs, grad)
    mine, my_grads = run_ours(fn, inputs, grad)
    assert len(mine) == len(theirs), f"{len(mine)} outputs vs Keras's {len(theirs)}"
    for k, (a, b) in enumerate(zip(mine, theirs)):
        assert a.shape == b.shape, f"output {k}: shape {a.shape} vs Keras's {b.shape}"
        assert a.dtype.kind == b.dtype.kind, f"output {k}: dtype {a.dtype} vs Keras's {b.dtype}"
        np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=rtol, atol=atol,
                                   err_msg=f"output {k}")
    for k, (a, b) in enumerate(zip(my_grads, their_grads)):
        if b is None:
            assert a is None or np.allclose(a, 0), f"input {k}: Keras has no gradient, ours is nonzero"
            continue
        assert a is not None, f"input {k}: Keras has a gradient, ours has none"
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=grad_atol, err_msg=f"gradient of input {k}")
