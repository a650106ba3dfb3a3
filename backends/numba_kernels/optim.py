"""SGD and Adam/AdamW parameter updates as single fused passes, in place: the numba device's optional
fused versions of nn.optim's SGD and Adam formulas (torch.optim's).

Hyper-parameters arrive as Python floats (NumPy scalars cost Numba's dispatcher about 0.1 us each,
more than a small update) and are rounded to the parameter's dtype inside, so float32 updates round
as float32 ones, as NumPy's do. The multiply-adds PyTorch fuses are single fmas here too: SGD's updates equal
PyTorch's bit for bit (as the cpu device's BLAS axpy does), and Adam's differ only where PyTorch's square root (MKL's
vector math, within one ulp) is not the correctly rounded one, a few elements in 10,000.
"""
import math

import numpy as np

from . import jit
from .fma import fma

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


@jit.inlined
def _rounded(like, value):
    """The float `value` rounded to the dtype of array `like` (NumPy's like.dtype.type(value))."""
    box = np.empty(1, like.dtype)
    box[0] = value
    return box[0]


@jit.kernel
def _sgd(p, g, buf, lr_in, momentum_in, undampened_in, nesterov, weight_decay_in, first):
    # each `a + alpha * b` of torch.optim.SGD as one fma, as PyTorch's add_(b, alpha=...) rounds
    neg_lr, momentum = _rounded(p, -lr_in), _rounded(p, momentum_in)
    undampened, weight_decay = _rounded(p, undampened_in), _rounded(p, weight_decay_in)
    if momentum != 0 and weight_decay == 0 and not nesterov and not first:
        # the common momentum step, without the loop-invariant branches below (which kept the
        # general loop from vectorising)
        for k in range(p.size):
            b = fma(g[k], undampened, momentum * buf[k])
            buf[k] = b
            p[k] = fma(b, neg_lr, p[k])
        return
    for k in range(p.size):
        d = g[k]
        if weight_decay != 0:
            d = fma(p[k], weight_decay, d)
        if momentum != 0:
            b = d if first else fma(d, undampened, momentum * buf[k])
            buf[k] = b
            d = fma(b, momentum, d) if nesterov else b
        p[k] = fma(d, neg_lr, p[k])


@jit.kernel
def _adam(p, g, m, v, vmax, neg_step_size_in, one_minus_beta1_in, beta2_in, one_minus_beta2_in, eps_in,
          bias2_sqrt_in, weight_decay_in, decay_factor_in, decoupled, amsgrad):
    # torch.optim.Adam's single-tensor step, rounded as its CPU kernels round: the L2 term, the lerp and the
    # addcmul as fmas, then p + (-step_size * m) / denom
    neg_step_size, one_minus_beta1 = _rounded(p, neg_step_size_in), _rounded(p, one_minus_beta1_in)
    beta2, one_minus_beta2 = _rounded(p, beta2_in), _rounded(p, one_minus_beta2_in)
    eps, bias2_sqrt = _rounded(p, eps_in), _rounded(p, bias2_sqrt_in)
    weight_decay, decay_factor = _rounded(p, weight_decay_in), _rounded(p, decay_factor_in)
    small = abs(one_minus_beta1) < 0.5
    far = one_minus_beta1 - _rounded(p, 1.0)
    for k in range(p.size):
        d = g[k]
        if decoupled:
            p[k] = p[k] * decay_factor
        elif weight_decay != 0:
            d = fma(p[k], weight_decay, d)
        diff = d - m[k]
        m[k] = fma(one_minus_beta1, diff, m[k]) if small else fma(far, diff, d)   # torch's lerp
        v[k] = fma(one_minus_beta2 * d, d, beta2 * v[k])                          # mul_ then addcmul_
        second = v[k]
        if amsgrad:
            if second > vmax[k] or math.isnan(second):
                vmax[k] = second
            second = vmax[k]
        p[k] = p[k] + neg_step_size * m[k] / (math.sqrt(second) / bias2_sqrt + eps)


def in_place_ok(param, grad, *state):
    """True when param is a float32 or float64 array, grad an array of its shape, and param and each
    state array given (None skips one) C-contiguous arrays of param's dtype and shape, which the
    kernels update through flat views."""
    if not (isinstance(param, np.ndarray) and param.dtype in _FLOATS and isinstance(grad, np.ndarray)
            and grad.shape == param.shape):
        return False
    dtype, shape = param.dtype, param.shape
    for a in (param,) + state:
        if a is not None and not (isinstance(a, np.ndarray) and a.flags.c_contiguous and a.dtype == dtype
                                  and a.shape == shape):
            return False
    return True


def _flat(a):
    """A writable 1-D view of a C-contiguous array (the in-place kernels need views, not copies)."""
    if not a.flags.c_contiguous:
        raise ValueError(f"in-place optimiser update needs C-contiguous arrays; got strides {a.strides} "
                         f"for shape {a.shape} (use the NumPy kernel or np.ascontiguousarray first)")
    return a.reshape(-1)


def sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
    """One SGD step as torch.optim.SGD, updating param (and buf when momentum != 0) in place."""
    p = _flat(param)
    b = _flat(buf) if momentum != 0 else p   # unused without momentum; any array of the right type
    _sgd(p, np.ascontiguousarray(grad, dtype=param.dtype).reshape(-1), b, float(lr), float(momentum),
         float(1 - dampening), bool(nesterov), float(weight_decay), bool(first))


def adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad):
    """One Adam (decoupled=False) or AdamW (decoupled=True) step as PyTorch's, in place."""
    p = _flat(param)
    ms = _flat(vmax) if amsgrad else p       # unused without amsgrad
    _adam(p, np.ascontiguousarray(grad, dtype=param.dtype).reshape(-1), _flat(m), _flat(v), ms,
          float(-(lr / (1 - beta1 ** step))), float(1 - beta1), float(beta2), float(1 - beta2), float(eps),
          math.sqrt(1 - beta2 ** step), float(weight_decay), float(1 - lr * weight_decay), bool(decoupled),
          bool(amsgrad))
