"""keras.metrics' accuracy and correlation functions as Keras returns them: tensors (computed on the host, as the
metric classes do, then given Keras's dtype). The metric functions named after a loss are the loss functions
themselves, as in Keras."""
import functools

import numpy as np

import autograd as ag
from autograd.tensor import Tensor

from . import settings


def _prediction_dtype(y_pred):
    """The float dtype Keras computes a correlation in: y_pred's own when it is a float array or tensor, else
    floatx (Python lists and integers)."""
    if isinstance(y_pred, (Tensor, np.ndarray)) and np.dtype(y_pred.dtype).kind == "f":
        return np.dtype(y_pred.dtype)
    return np.dtype(settings.floatx())


def as_tensor(host_fn, follows_prediction):
    """`host_fn` returning a tensor: in y_pred's float dtype (follows_prediction) or in floatx (accuracies)."""
    @functools.wraps(host_fn)
    def metric_function(y_true, y_pred, *args, **kwargs):
        dtype = _prediction_dtype(y_pred) if follows_prediction else np.dtype(settings.floatx())
        device = y_pred.device if isinstance(y_pred, Tensor) else None
        host = host_fn(_host(y_true), _host(y_pred), *args, **kwargs)
        return ag.tensor(np.asarray(host, dtype=dtype), device=device)
    return metric_function


def _host(value):
    return value.numpy() if isinstance(value, Tensor) else np.asarray(value)
