"""gumbel_softmax: a differentiable sample of a categorical distribution given by logits (the Gumbel-softmax
or Concrete relaxation), with PyTorch's straight-through one-hot form."""
import warnings

import autograd as ag
from autograd.bf16_dtype import is_bf16
from autograd.errors import DtypeError
from autograd.ops.dims import check_tensor, normalize


def gumbel_softmax(logits, tau=1, hard=False, eps=1e-10, dim=-1):
    """softmax((logits + g) / tau) along `dim`, g standard Gumbel noise drawn from the device's generator
    (ag.manual_seed makes it repeatable). hard=True returns the one-hot of that sample's largest entry whose
    gradient is the soft sample's (y_hard - y_soft.detach() + y_soft). `eps` is deprecated and unused, as in
    PyTorch."""
    op = "gumbel_softmax"
    check_tensor(op, logits, "logits")
    if logits.dtype.kind != "f" and not is_bf16(logits.dtype):
        raise DtypeError(f"{op}: logits must be a float tensor, got {logits.dtype} (shape {tuple(logits.shape)}); "
                         "convert with .float()")
    d = normalize(op, dim, logits.ndim)
    if eps != 1e-10:
        warnings.warn(f"{op}: the eps argument is deprecated and has no effect", UserWarning, stacklevel=2)
    # -log(e) for e standard exponential, drawn as PyTorch draws it (exponential_ of a contiguous tensor), so a
    # seeded run samples PyTorch's classes; e = 0 gives +inf, that class drawn, never a NaN
    gumbels = -ag.empty(logits.shape, dtype=logits.dtype, device=logits.device).exponential_().log()
    y_soft = ag.softmax((logits + gumbels) / tau, d)
    if not hard:
        return y_soft
    if logits.ndim == 0:   # one category: the sample is 1
        y_hard = ag.ones_like(y_soft)
    else:
        y_hard = ag.scatter(ag.zeros_like(logits), d, ag.argmax(y_soft, d, keepdim=True), 1.0)
    return y_hard - y_soft.detach() + y_soft
