"""keras.optimizers.Lamb: Adam's bias-corrected step, rescaled per weight by the trust ratio
||w|| / ||step|| (1 where either norm is 0), with Keras's defaults and formula."""
from .optimizer_base import Optimizer


class Lamb(Optimizer):
    """Lamb (lr 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7): m += (1 - b1)(g - m); v += (1 - b2)(g^2 - v);
    step = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + epsilon); w -= ratio * lr * step."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _slot_names(self):
        return ("momentum", "velocity")

    def _update(self, xp, w, g, state, lr):
        m = state.setdefault("momentum", xp.zeros_like(w))
        v = state.setdefault("velocity", xp.zeros_like(w))
        t = self.iterations + 1
        m += (g - m) * (1.0 - self.beta_1)
        v += (g * g - v) * (1.0 - self.beta_2)
        step = (m / (1.0 - self.beta_1 ** t)) / (xp.sqrt(v / (1.0 - self.beta_2 ** t)) + self.epsilon)
        w_norm = float(xp.sqrt(xp.sum(w * w)))
        step_norm = float(xp.sqrt(xp.sum(step * step)))
        ratio = w_norm / step_norm if w_norm > 0 and step_norm > 0 else 1.0
        w -= (ratio * lr * step).astype(w.dtype, copy=False)
