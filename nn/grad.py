"""torch.nn.grad (also `nn.functional.grad`): the gradient of a 1-, 2- or 3-d convolution with respect to its
input or to its weight, given the gradient of its output, as a custom convolution's backward computes them.

Each runs the convolution's own backward through autograd. A convolution is linear in the argument the gradient
is taken for, so zeros of the given shape stand in for it; the result is differentiable in the other two
tensors (create_graph), as PyTorch's ConvolutionBackwardBackward0.
"""
import autograd as ag
from autograd.function import named

from .functional.conv import conv1d, conv2d
from .functional.conv3d import conv3d

_CONVOLUTIONS = {1: conv1d, 2: conv2d, 3: conv3d}


def _gradient(rank, wrt, input, weight, grad_output, stride, padding, dilation, groups):
    op = f"conv{rank}d_{wrt}"
    if not ag.is_tensor(grad_output):
        raise TypeError(f"{op}: grad_output must be a Tensor, got {type(grad_output).__name__}")
    given = (weight, grad_output) if wrt == "input" else (input, grad_output)
    differentiable = ag.is_grad_enabled() and any(ag.is_tensor(t) and t.requires_grad for t in given)
    with ag.enable_grad():
        if wrt == "input":
            input = ag.zeros(tuple(input), dtype=grad_output.dtype, device=grad_output.device, requires_grad=True)
            target = input
        else:
            weight = ag.zeros(tuple(weight), dtype=grad_output.dtype, device=grad_output.device, requires_grad=True)
            target = weight
        out = _CONVOLUTIONS[rank](input, weight, None, stride, padding, dilation, groups)
        if tuple(out.shape) != tuple(grad_output.shape):
            raise RuntimeError(f"{op}: grad_output has shape {tuple(grad_output.shape)}, but the convolution of an "
                               f"input of shape {tuple(input.shape)} with a weight of shape {tuple(weight.shape)} "
                               f"(stride={stride}, padding={padding}, dilation={dilation}, groups={groups}) gives "
                               f"{tuple(out.shape)}; pass the gradient of that output")
        (gradient,) = ag.autograd.grad(out, target, grad_output, create_graph=differentiable)
    return named(gradient, "ConvolutionBackwardBackward0") if differentiable else gradient.detach()


def conv1d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv1d with respect to its input (of shape `input_size`)."""
    return _gradient(1, "input", input_size, weight, grad_output, stride, padding, dilation, groups)


def conv1d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv1d with respect to its weight (of shape `weight_size`)."""
    return _gradient(1, "weight", input, weight_size, grad_output, stride, padding, dilation, groups)


def conv2d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv2d with respect to its input (of shape `input_size`)."""
    return _gradient(2, "input", input_size, weight, grad_output, stride, padding, dilation, groups)


def conv2d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv2d with respect to its weight (of shape `weight_size`)."""
    return _gradient(2, "weight", input, weight_size, grad_output, stride, padding, dilation, groups)


def conv3d_input(input_size, weight, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv3d with respect to its input (of shape `input_size`)."""
    return _gradient(3, "input", input_size, weight, grad_output, stride, padding, dilation, groups)


def conv3d_weight(input, weight_size, grad_output, stride=1, padding=0, dilation=1, groups=1):
    """The gradient of conv3d with respect to its weight (of shape `weight_size`)."""
    return _gradient(3, "weight", input, weight_size, grad_output, stride, padding, dilation, groups)


__all__ = ["conv1d_input", "conv1d_weight", "conv2d_input", "conv2d_weight", "conv3d_input", "conv3d_weight"]
