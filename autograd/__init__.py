"""deepgrad's autograd: Tensor, differentiable ops, and the backward engine.

    import autograd as ag
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x.grad  # tensor([2., 4.])
"""
from backends import DeviceError, available as available_devices
from backends import get_backend as device
from backends import get_default_device, is_device, set_default_device

from .dtypes import bool_, float16, float32, float64, int8, int16, int32, int64, uint8
from .errors import AnomalyError, GraphError
from .function import Function
from .grad_mode import detect_anomaly, enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .tensor import Tensor
from . import arrays
from . import methods as _methods  # noqa: F401  (binds operators and methods onto Tensor)
from .engine import grad
from .gradcheck import gradcheck
from .hooks import RemovableHandle
from .creation import (arange, empty, eye, from_dlpack, full, full_like, linspace, manual_seed, ones, ones_like,
                       rand, randint, randn, tensor, zeros, zeros_like)
from .broadcast import unbroadcast
from .ops.elementwise import (abs, add, clip, cos, div, eq, exp, ge, gt, le, log, log1p, logical_and, logical_not,
                              logical_or, lt, maximum, minimum, mul, ne, neg, pow, sign, sin, sqrt,
                              sub, tanh, where)
from .ops.activation import relu, sigmoid
from .ops.reduction import all, any, argmax, argmin, logsumexp, max, mean, min, prod, std, sum, var
from .ops.linalg import matmul, norm
from .ops.shape import (broadcast_to, concatenate, expand_dims, flatten, flip, pad, reshape, split, squeeze, stack,
                        swapaxes, transpose, unsqueeze)
from .ops.indexing import one_hot, take_along_axis
from .ops.convert import astype, to

__all__ = [name for name in dir() if not name.startswith("_")]
