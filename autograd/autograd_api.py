"""`ag.autograd`: the names PyTorch code reaches through `torch.autograd`."""
from .engine import grad, run_backward
from .gradcheck import gradcheck, gradgradcheck
from .grad_mode import detect_anomaly, enable_grad, inference_mode, no_grad, set_grad_enabled
from .tensor_function import TensorFunction as Function
from . import autograd_functional as functional
from . import autograd_function as function


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate the gradients of `tensors` (a Tensor or a sequence) into the leaves' .grad."""
    tensors = [tensors] if not isinstance(tensors, (list, tuple)) else list(tensors)
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    elif not isinstance(grad_tensors, (list, tuple)):
        grad_tensors = [grad_tensors]
    run_backward(tensors, list(grad_tensors), retain_graph=bool(retain_graph) or create_graph,
                 create_graph=create_graph)


__all__ = ["Function", "backward", "detect_anomaly", "enable_grad", "function", "functional", "grad", "gradcheck",
           "gradgradcheck", "inference_mode", "no_grad", "set_grad_enabled"]
