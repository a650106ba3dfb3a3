"""Flatten parameters into one vector and write such a vector back."""
from autograd import Tensor, arrays, concatenate, no_grad, reshape
from autograd.errors import ShapeError


class NotATensorError(TypeError, AttributeError):
    """A parameter that is not a Tensor (a number, a list): a TypeError, and the AttributeError PyTorch raises
    (it asks the object for its device)."""


class MixedDevicesError(ValueError, TypeError):
    """Parameters on two devices: a ValueError (what deepgrad raised first) and PyTorch's TypeError."""


def _as_list(parameters, who):
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise NotATensorError(f"{who}: expected Tensors (e.g. model.parameters()), got {type(p).__name__} "
                                  f"({repr(p):.40}); pass the parameters themselves")
    devices = {p.device.name for p in params}
    if len(devices) > 1:
        raise MixedDevicesError(f"{who}: parameters are on different devices ({', '.join(sorted(devices))}); "
                                "move the model to one device first")
    return params


def parameters_to_vector(parameters):
    """All parameters flattened and concatenated in order into one 1-D Tensor (differentiable)."""
    params = _as_list(parameters, "parameters_to_vector")
    if not params:
        raise ValueError("parameters_to_vector: got no parameters")
    return concatenate([reshape(p, (-1,)) for p in params])


def vector_to_parameters(vec, parameters):
    """Copy consecutive slices of the 1-D Tensor `vec` into the parameters, in place (values are copied,
    so the parameters do not alias `vec`); vec must hold at least the parameters' total size, and values past
    that are left unused, as PyTorch leaves them."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"vector_to_parameters: expected a Tensor, got {type(vec).__name__}")
    params = _as_list(parameters, "vector_to_parameters")
    total = sum(p.size for p in params)
    if vec.ndim != 1 or vec.size < total:
        raise ShapeError(f"vector_to_parameters: vec has shape {vec.shape}, but the parameters hold {total} "
                         f"values; pass a 1-D tensor of (at least) size {total} (as parameters_to_vector makes)")
    if params and vec.device != params[0].device:
        raise ValueError(f"vector_to_parameters: vec is on {vec.device}, the parameters on {params[0].device}")
    start = 0
    with no_grad():
        for p in params:
            arrays.assign_(p, arrays.array(vec)[start:start + p.size].reshape(p.shape))
            start += p.size
