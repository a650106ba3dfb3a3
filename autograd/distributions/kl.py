"""kl_divergence(p, q) and register_kl: KL(p || q) for the pairs registered, batched."""
import math

from ..ops.activation import Softplus
from .discrete import Bernoulli, Categorical
from .distribution import Independent, NotDefinedError, sum_rightmost
from .normal import Normal

_KL = {}


def register_kl(type_p, type_q):
    """Decorator registering fn(p, q) as KL(p || q) for p of type_p and q of type_q (subclasses included)."""
    def register(fn):
        _KL[(type_p, type_q)] = fn
        return fn
    return register


def kl_divergence(p, q):
    """KL(p || q), one value per batch element, for any pair that has a registered formula."""
    for tp in type(p).__mro__:
        for tq in type(q).__mro__:
            if (tp, tq) in _KL:
                return _KL[(tp, tq)](p, q)
    pairs = ", ".join(f"({a.__name__}, {b.__name__})" for a, b in _KL)
    raise NotDefinedError(f"kl_divergence: no formula for KL({type(p).__name__} || {type(q).__name__}); the pairs "
                          f"known are {pairs}; add one with @register_kl({type(p).__name__}, {type(q).__name__})")


@register_kl(Normal, Normal)
def _kl_normal_normal(p, q):
    var_ratio = (p.scale / q.scale).pow(2)
    t1 = ((p.loc - q.loc) / q.scale).pow(2)
    return 0.5 * (var_ratio + t1 - 1 - var_ratio.log())


@register_kl(Bernoulli, Bernoulli)
def _kl_bernoulli_bernoulli(p, q):
    inf = math.inf
    t1 = p.probs * (Softplus.apply(-q.logits) - Softplus.apply(-p.logits))
    t1 = t1.masked_fill(q.probs == 0, inf).masked_fill(p.probs == 0, 0.0)
    t2 = (1 - p.probs) * (Softplus.apply(q.logits) - Softplus.apply(p.logits))
    t2 = t2.masked_fill(q.probs == 1, inf).masked_fill(p.probs == 1, 0.0)
    return t1 + t2


@register_kl(Categorical, Categorical)
def _kl_categorical_categorical(p, q):
    t = p.probs * (p.logits - q.logits)
    t = t.masked_fill((q.probs == 0).expand_as(t), math.inf).masked_fill((p.probs == 0).expand_as(t), 0.0)
    return t.sum(-1)


@register_kl(Independent, Independent)
def _kl_independent_independent(p, q):
    if p.reinterpreted_batch_ndims != q.reinterpreted_batch_ndims:
        raise NotDefinedError("kl_divergence: two Independent distributions must reinterpret the same number of "
                              f"dims, got {p.reinterpreted_batch_ndims} and {q.reinterpreted_batch_ndims}")
    return sum_rightmost(kl_divergence(p.base_dist, q.base_dist), p.reinterpreted_batch_ndims)
