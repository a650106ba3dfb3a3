"""SGD and Adam/AdamW parameter updates in place on the GPU, one kernel per step, no host synchronisation.

The cuda device's optional fused versions of nn.optim's SGD and Adam formulas (torch.optim's), in
their operation order. Python-side constants (1 - dampening, bias corrections, ...) are computed in
double exactly as there and enter the kernel in the parameter's dtype, as NumPy's weak Python
scalars do; float16 parameters compute in float32 between loads and stores. Each variant (momentum
or not, amsgrad or not) is its own kernel, so the state arrays it does not use may be None. Other
dtypes, and gradients of another shape, are left to nn.optim's formulas (the kernels return False).
"""
import math

from .elementwise import FLOATS, kernel

# d = grad + wd * param (wd != 0): the gradient plus L2 weight decay
_DECAYED = "const A d = (A)wd != A(0) ? (A)param * (A)wd + (A)grad : (A)grad;\n"

_SGD = kernel("T grad, T lr, T wd", "T param", _DECAYED + "param = (T)((A)param - (A)lr * d);", "dg_sgd_step")

_SGD_MOMENTUM = kernel(
    "T grad, T lr, T wd, T momentum, T keep, int32 first, int32 nesterov", "T param, T buf",
    _DECAYED + """
    // keep = 1 - dampening; the first step copies d into the buffer
    buf = (T)(first ? d : (A)buf * (A)momentum + (A)keep * d);
    const A b = (A)buf;
    param = (T)((A)param - (A)lr * (nesterov ? b * (A)momentum + d : b));
    """, "dg_sgd_momentum_step")


def _adam_code(amsgrad):
    """Adam/AdamW body; with amsgrad the denominator uses the running maximum vmax of v."""
    second = "vmax = (T)max((A)vmax, (A)v);\nconst A root = sqrt((A)vmax);" if amsgrad else "const A root = sqrt((A)v);"
    return f"""
    A p = (A)param;
    if ((A)decay != A(1)) {{ param = (T)(p * (A)decay); p = (A)param; }}   // AdamW: decoupled weight decay
    const A g = (A)wd != A(0) ? p * (A)wd + (A)grad : (A)grad;            // Adam: L2 weight decay
    const A m0 = (A)m;
    m = (T)(small_weight ? m0 + (g - m0) * (A)weight : g - (g - m0) * (A)keep);   // torch's m.lerp_(g, weight)
    v = (T)((A)v * (A)beta2 + g * (A)one_minus_beta2 * g);
    {second}
    param = (T)(p - (A)m / (root / (A)bias2_sqrt + (A)eps) * (A)step_size);
    """


_ADAM_PARAMS = ("T grad, T decay, T wd, int32 small_weight, T weight, T keep, T beta2, T one_minus_beta2, "
                "T bias2_sqrt, T eps, T step_size")
_ADAM = kernel(_ADAM_PARAMS, "T param, T m, T v", _adam_code(False), "dg_adam_step")
_ADAM_AMSGRAD = kernel(_ADAM_PARAMS, "T param, T m, T v, T vmax", _adam_code(True), "dg_adam_amsgrad_step")


def sgd_step(param, grad, buf, lr, momentum, dampening, nesterov, weight_decay, first):
    """One SGD step as torch.optim.SGD, updating param (and buf when momentum != 0) in place.

    d = grad + wd * param; buf = d on the first step, else momentum * buf + (1 - dampening) * d;
    the step is d + momentum * buf with nesterov, else buf; param -= lr * step. True when done.
    """
    if param.dtype not in FLOATS or grad.shape != param.shape:
        return False
    grad = grad.astype(param.dtype, copy=False)
    if momentum == 0:
        _SGD(grad, lr, weight_decay, param)
    else:
        _SGD_MOMENTUM(grad, lr, weight_decay, momentum, 1 - dampening, int(bool(first)), int(bool(nesterov)),
                      param, buf)
    return True


def adam_step(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weight_decay, decoupled, amsgrad):
    """One Adam (decoupled=False) or AdamW (decoupled=True) step as PyTorch's, in place.

    `step` is the 1-based count after this update. m += (1 - b1)(g - m); v = b2 v + (1 - b2) g^2;
    param -= lr / (1 - b1^step) * m / (sqrt(v or max(vmax, v)) / sqrt(1 - b2^step) + eps). True when done.
    """
    if param.dtype not in FLOATS or grad.shape != param.shape:
        return False
    grad = grad.astype(param.dtype, copy=False)
    decay = 1 - lr * weight_decay if weight_decay != 0 and decoupled else 1.0
    coupled_wd = weight_decay if weight_decay != 0 and not decoupled else 0.0
    weight = 1 - beta1
    scalars = (grad, decay, coupled_wd, int(weight < 0.5), weight, 1 - weight, beta2, 1 - beta2,
               math.sqrt(1 - beta2 ** step), eps, lr / (1 - beta1 ** step))
    if amsgrad:
        _ADAM_AMSGRAD(*scalars, param, m, v, vmax)
    else:
        _ADAM(*scalars, param, m, v)
    return True
