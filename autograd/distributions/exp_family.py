"""ExponentialFamily: the base of the families with density h(x) exp(<theta, t(x)> - A(theta)), whose entropy
(and KL between two members of one family) follow from the log-normalizer A by differentiation."""
from ..engine import grad
from ..grad_mode import enable_grad
from .distribution import Distribution, NotDefinedError, sum_rightmost


class ExponentialFamily(Distribution):
    """A distribution in an exponential family; subclasses give `_natural_params` (theta), `_log_normalizer`
    (A) and `_mean_carrier_measure` (E[log h(x)]). It adds only these to Distribution, so a family lists it
    before its other base (class Gamma(ExponentialFamily, ConstrainedDistribution))."""

    @property
    def _natural_params(self):
        raise NotImplementedError(f"{type(self).__name__} does not give its natural parameters")

    def _log_normalizer(self, *natural_params):
        raise NotImplementedError(f"{type(self).__name__} does not give its log-normalizer")

    @property
    def _mean_carrier_measure(self):
        raise NotImplementedError(f"{type(self).__name__} does not give its mean carrier measure")

    def entropy(self):
        """A(theta) - <theta, grad A(theta)> - E[log h(x)], one value per batch element."""
        with enable_grad():
            params = [p.detach().requires_grad_() for p in self._natural_params]
            log_norm = self._log_normalizer(*params)
            grads = grad(log_norm.sum(), params, create_graph=True)
        result = log_norm - self._mean_carrier_measure
        for param, g in zip(params, grads):
            result = result - (param * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result


def bregman_kl(p, q):
    """KL(p || q) for two members of the same exponential family, as the Bregman divergence of A."""
    if type(p) is not type(q):
        a, b = type(p).__name__, type(q).__name__
        raise NotDefinedError(f"kl_divergence: no formula for KL({a} || {b}): two different exponential families "
                              f"have no Bregman-divergence form; add one with @register_kl({a}, {b})")
    with enable_grad():
        params = [t.detach().requires_grad_() for t in p._natural_params]
        log_norm = p._log_normalizer(*params)
        grads = grad(log_norm.sum(), params, create_graph=True)
    result = q._log_normalizer(*q._natural_params) - log_norm
    for pp, qp, g in zip(params, q._natural_params, grads):
        result = result - sum_rightmost((qp - pp) * g, len(q.event_shape))
    return result
