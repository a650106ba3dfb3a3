"""`ag.autograd`: the names PyTorch code reaches through `torch.autograd`."""
from .backward_inputs import backward_into
from .engine import grad, gradient_args, run_backward
from .gradcheck import gradcheck, gradgradcheck
from .grad_mode import _rewatch, bool_flag, detect_anomaly, enable_grad, inference_mode, no_grad, set_grad_enabled, state
from .tensor_function import TensorFunction as Function
from . import autograd_functional as functional
from . import autograd_function as function
from . import autograd_graph as graph
from . import forward_ad
from .autograd_variable import Variable
from .profiler import legacy as profiler   # torch.autograd.profiler


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """Accumulate the gradients of `tensors` (a Tensor or a sequence) into the leaves' .grad (with `inputs`,
    into those tensors' .grad only)."""
    tensors = [tensors] if not isinstance(tensors, (list, tuple)) else list(tensors)
    grad_tensors = gradient_args(grad_tensors, len(tensors), "backward")
    if inputs is not None:
        return backward_into(tensors, list(grad_tensors), inputs, bool(retain_graph) or create_graph, create_graph)
    run_backward(tensors, list(grad_tensors), retain_graph=bool(retain_graph) or create_graph,
                 create_graph=create_graph)


_multithreading = [True]


def is_multithreading_enabled():
    """Whether backward may run on several threads (the flag only: deepgrad's backward runs on the calling one)."""
    return _multithreading[0]


class set_multithreading_enabled:
    """Set the multithreaded-backward flag right away; as a context manager, the previous value comes back at exit
    (PyTorch's; deepgrad's backward is single-threaded either way)."""

    def __init__(self, mode):
        self.prev = _multithreading[0]
        _multithreading[0] = bool(mode)

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        _multithreading[0] = self.prev
        return False


def is_view_replay_enabled():
    """False: views of views are never replayed here (PyTorch's flag for its as_strided fallback)."""
    return False


def kineto_available():
    """False: deepgrad's profiler is its own, not PyTorch's Kineto."""
    return False


class set_detect_anomaly:
    """Switch anomaly detection on or off (mode) right away; used as a context manager, the previous setting
    comes back at exit. check_nan is accepted as PyTorch takes it (NaN and inf are always checked)."""

    def __init__(self, mode, check_nan=True):
        bool_flag("set_detect_anomaly", "check_nan", check_nan)
        self.prev = state.anomaly
        state.anomaly = bool(bool_flag("set_detect_anomaly", "mode", mode))
        _rewatch()

    def __enter__(self):
        return None

    def __exit__(self, *exc):
        state.anomaly = self.prev
        _rewatch()
        return False


__all__ = ["Function", "Variable", "backward", "detect_anomaly", "enable_grad", "forward_ad", "function",
           "functional", "grad", "gradcheck", "gradgradcheck", "graph", "inference_mode", "no_grad",
           "profiler", "set_detect_anomaly", "set_grad_enabled"]
