"""PyTorch's global random functions beyond the factories: `normal`, `poisson`, `_standard_gamma`,
`_sample_dirichlet`, and the seed and state of the global
stream (`initial_seed`, `seed`, `get_rng_state`, `set_rng_state`)."""
import numbers

import numpy as np

import backends
from backends import torch_samplers

from . import capture, complex_forms
from .creation import empty, randn
from .grad_mode import no_grad
from .ops.dtype_args import check_dtype_arg
from .dtypes import get_default_dtype
from .errors import ArgumentRangeError, ShapeError
from .ops.dims import check_tensor
from .ops.no_grad_op import no_grad_op
from .ops.normal import Normal
from .random_generator import check_generator, host_state, host_stream, set_host_state
from .tensor import Tensor


def normal(mean=0.0, std=1.0, size=None, *, generator=None, dtype=None, device=None, requires_grad=False):
    """Samples of N(mean, std**2): elementwise over tensor `mean`/`std` (broadcast together; zero gradients,
    as PyTorch's), or `size` samples for number arguments. Draws from the device's generator, or from
    `generator` (an ag.Generator)."""
    tensors = [v for v in (mean, std) if isinstance(v, Tensor)]
    for name, value in (("mean", mean), ("std", std)):
        if not isinstance(value, (Tensor, numbers.Real)) or isinstance(value, bool):
            raise TypeError(f"normal: {name} must be a number or a float Tensor, got {type(value).__name__}")
    if not tensors:
        if size is None:
            raise TypeError("normal: with number mean and std give the shape, e.g. ag.normal(0.0, 1.0, size=(2, 3))")
        _check_std(std)
        if isinstance(size, (int, np.integer)):   # PyTorch's parser wants a tuple; NumPy would take the int
            raise TypeError(f"normal(): argument 'size' must be tuple of ints, not int ({size}); pass a tuple, e.g. "
                            f"size=({size},)")
        # PyTorch fills an empty tensor with normal_(mean, std): each draw scaled before it is rounded to the
        # dtype, which randn(...) * std + mean (rounded twice) misses by a unit in the last place
        out = empty(*tuple(size), dtype=check_dtype_arg("normal", dtype) or get_default_dtype(), device=device)
        with no_grad():
            out.normal_(float(mean), float(std), generator=generator)
        return out.requires_grad_(True) if requires_grad else out
    if size is not None:
        raise TypeError("normal: size= goes with number mean and std; with a tensor the shape is the tensors' "
                        "broadcast shape (expand them first)")
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        raise ValueError(f"normal: mean and std are on different devices ({', '.join(sorted(map(str, devices)))}); "
                         "move one with .to(...)")
    if complex_forms.active and isinstance(mean, Tensor) and mean.dtype.kind == "c" and not (
            isinstance(std, Tensor) and std.dtype.kind == "c"):
        # a complex mean: complex normal noise (each part of variance std**2 / 2) around it, as PyTorch's
        shape = _broadcast_shape(tensors)
        noise = randn(*shape, dtype=mean.dtype, device=mean.device, generator=generator)
        return mean.detach() + noise * (std.detach() if isinstance(std, Tensor) else float(std))
    for t in tensors:
        if t.dtype.kind != "f":
            raise TypeError(f"normal: tensor mean and std must be floating point, got {t.dtype}; use .float()")
    if isinstance(std, Tensor):
        if std.device.host_memory and std.numel() and capture.state.recorder is None and bool((std < 0).any()):
            raise RuntimeError("normal: every element of std must be >= 0, got a negative one")
    else:
        _check_std(std)
    shape = _broadcast_shape(tensors)
    out_dtype = np.result_type(*(t.dtype for t in tensors))
    noise = None if generator is None else randn(*shape, dtype=out_dtype, device=tensors[0].device,
                                                  generator=generator)
    return Normal.apply(mean, std, noise, shape=shape, dtype=out_dtype)


def _broadcast_shape(tensors):
    """The shape mean and std broadcast to, or a ShapeError (PyTorch's RuntimeError) naming both shapes."""
    try:
        return tuple(np.broadcast_shapes(*(t.shape for t in tensors)))
    except ValueError:
        raise ShapeError(f"normal: mean of shape {tuple(tensors[0].shape)} and std of shape {tuple(tensors[1].shape)} "
                         "do not broadcast: each dimension, aligned from the right, must match or be 1; reshape one "
                         "(e.g. unsqueeze) or draw from two calls") from None


def _check_std(std):
    if not std >= 0:
        raise RuntimeError(f"normal: std must be >= 0, got {std}")


def initial_seed():
    """The seed the global generators were last started from (ag.manual_seed's, or one drawn for them)."""
    return backends.initial_seed()


def seed():
    """Seed every device's generator from fresh entropy; returns that seed."""
    return backends.seed_all_fresh()


def get_rng_state():
    """The position of the host devices' generator, as the uint8 tensor of 5056 values torch.get_rng_state returns
    (PyTorch's layout: a state saved by either library restores the other's stream)."""
    return host_state()


def set_rng_state(new_state):
    """Continue the host devices' generator from a position taken by get_rng_state (deepgrad's or PyTorch's)."""
    set_host_state("set_rng_state", "ag.get_rng_state()", new_state)


def _float_draws(op, input, generator, sampler):
    """A no-grad op drawing sampler(stream, parameters) for the float tensor `input` of parameters."""
    check_tensor(op, input)
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: the parameters must be a floating-point tensor, got {input.dtype} (shape "
                        f"{tuple(input.shape)}); convert it with .float()")
    d, rng = input.device, check_generator(op, generator)

    def draw(xp, values):   # inside the op, so that an ag.jit replay draws afresh
        return d.asarray(sampler(host_stream(d, rng), np.asarray(d.to_host(values))).astype(values.dtype))
    return no_grad_op(op, draw, input)


def _standard_gamma(input, generator=None):
    """Samples of Gamma(alpha, 1) for each concentration alpha in `input` (floats; a non-positive or NaN alpha
    gives the dtype's smallest normal number, as PyTorch's), in input's dtype; no gradient (Gamma.rsample carries
    one). PyTorch's CPU sampler on the host devices, from the device's generator
    or `generator`."""
    return _float_draws("_standard_gamma", input, generator, torch_samplers.standard_gamma)


def _sample_dirichlet(input, generator=None):
    """One Dirichlet sample per row of concentrations along `input`'s last dimension (floats), in input's
    dtype; no gradient. PyTorch's CPU sampler on the host devices, from the device's generator or `generator`."""
    return _float_draws("_sample_dirichlet", input, generator, torch_samplers.dirichlet)


def poisson(input, generator=None):
    """Samples of the Poisson distribution whose rates are the elements of `input` (a float tensor, rates >= 0),
    in input's dtype; no gradient. Draws from the device's generator (ag.manual_seed), or from `generator` (an
    ag.Generator): PyTorch's CPU numbers on the host devices."""
    check_tensor("poisson", input)
    if input.dtype.kind != "f":
        raise TypeError(f"poisson: the rates must be a floating-point tensor, got {input.dtype} (shape "
                        f"{tuple(input.shape)}); convert it with .float()")
    d, rng = input.device, check_generator("poisson", generator)
    if d.host_memory and input.numel() and capture.state.recorder is None and not bool((input >= 0).all()):
        raise ArgumentRangeError("poisson: invalid rate: every rate must be non-negative (and not nan) (invalid "
                                 "Poisson rate, expected rate to be non-negative)")

    def draw(xp, rates):   # inside the op, so that an ag.jit replay draws afresh
        return d.asarray(torch_samplers.poisson(host_stream(d, rng), np.asarray(d.to_host(rates))))
    return no_grad_op("poisson", draw, input)
