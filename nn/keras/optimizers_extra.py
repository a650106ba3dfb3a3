"""Keras's less common optimisers: Adamax, Nadam, Adadelta, Lion, Ftrl and Adafactor, with Keras's defaults
and update formulas (they share the base class's clipping, weight decay and learning-rate schedules)."""
import math

import numpy as np

from autograd import arrays

from .fused_updates import add_scaled_
from .naming import unique_name
from .optimizer_base import Optimizer


class Adamax(Optimizer):
    """Adamax (lr 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7): m += (1 - b1)(g - m); u = max(b2 u, |g|);
    w -= lr m / ((1 - b1^t)(u + epsilon))."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def _slot_names(self):
        return ("momentum", "norm")

    def _update(self, xp, w, g, state, lr):
        m = state.setdefault("momentum", xp.zeros_like(w))
        u = state.setdefault("norm", xp.zeros_like(w))
        t = self.iterations + 1
        m += (g - m) * (1.0 - self.beta_1)
        xp.maximum(self.beta_2 * u, xp.abs(g), out=u)
        w -= lr * m / ((1.0 - self.beta_1 ** t) * (u + self.epsilon))


class Nadam(Optimizer):
    """Nadam (lr 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7): Adam with Nesterov momentum and the momentum
    schedule mu_t = b1 (1 - 0.96^t / 2), the bias correction using the running product of the mu_t."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self._mu_product, self._mu_step = 1.0, 0

    def _mu(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def _mu_float32(self, t):
        """mu_t as Keras's torch Nadam computes it: every factor and the power in float32."""
        one = np.float32
        return one(self.beta_1) * (one(1.0) - one(0.5) * one(0.96) ** one(t))

    def _begin_step(self):
        # as Keras, the product is state of its own: a restored step count with no restored product (a wrapped
        # Nadam's, which Keras does not save) continues from the product it has
        t = self.iterations + 1
        # a float32 variable in Keras, multiplied by the float32 schedule value
        self._mu_product = float(np.float32(self._mu_product) * self._mu_float32(t))
        self._mu_step = t

    def rebuild_product(self):
        """Recompute the product from the step count (for files written before the product was saved)."""
        self._mu_product = float(np.float32(math.prod(self._mu(k) for k in range(1, self.iterations + 1))))
        self._mu_step = self.iterations

    def _slot_names(self):
        return ("momentum", "velocity")

    def count_variables(self, weights):
        """The base's count and Keras's running product of the momentum schedule (one more float32), which a
        LossScaleOptimizer's inner Nadam does not list."""
        values, size = super().count_variables(weights)
        if self.__dict__.get("_wrapped_by_loss_scale"):
            return values, size
        return values + 1, size + 4

    _trailing_unscoped = True   # Keras makes the product outside the optimizer's name scope: its path is its name

    def _trailing_variables(self):
        """Keras's running product of the momentum schedule, listed after the slots (not by a Nadam inside a
        LossScaleOptimizer: Keras builds it there without tracking it, so it is neither listed nor saved)."""
        from .variables import Variable
        if self.__dict__.get("_wrapped_by_loss_scale"):
            return []
        if "_product_name" not in self.__dict__:   # Keras's is an unnamed variable: 'variable', 'variable_1', ...
            self._product_name = unique_name("variable")
        return [Variable(np.float32(self._mu_product), dtype="float32", name=self._product_name, trainable=False)]

    def _set_trailing_values(self, values):
        """The saved product of the momentum schedule."""
        self._mu_product, self._mu_step = float(np.asarray(values[0])), self.iterations

    def _update_on(self, device, w, g, state, lr):
        if w.dtype != np.float32:
            return self._update(device.xp, w, g, state, lr)
        # Keras's torch Nadam on float32 weights: its float32 scalars, its order of operations, fused add_ roundings
        xp, one = device.xp, np.float32
        m = state.setdefault("momentum", xp.zeros_like(w))
        v = state.setdefault("velocity", xp.zeros_like(w))
        t = self.iterations + 1
        mu_t, mu_next = self._mu_float32(t), self._mu_float32(t + 1)
        product = one(self._mu_product)
        m *= one(self.beta_1)
        add_scaled_(device, m, g, 1 - self.beta_1)
        v *= one(self.beta_2)
        add_scaled_(device, v, g * g, 1 - self.beta_2)
        m_hat = (m * mu_next) / (one(1.0) - product * mu_next) + (g * (one(1.0) - mu_t)) / (one(1.0) - product)
        v_hat = v / (one(1.0) - one(self.beta_2) ** one(t))
        w -= (m_hat * one(lr)) / (xp.sqrt(v_hat) + one(self.epsilon))

    def _update(self, xp, w, g, state, lr):
        m = state.setdefault("momentum", xp.zeros_like(w))
        v = state.setdefault("velocity", xp.zeros_like(w))
        t = self.iterations + 1
        mu_t, mu_next = self._mu(t), self._mu(t + 1)
        product_next = self._mu_product * mu_next
        m += (g - m) * (1.0 - self.beta_1)
        v += (g * g - v) * (1.0 - self.beta_2)
        m_hat = mu_next * m / (1.0 - product_next) + (1.0 - mu_t) * g / (1.0 - self._mu_product)
        v_hat = v / (1.0 - self.beta_2 ** t)
        w -= lr * m_hat / (xp.sqrt(v_hat) + self.epsilon)


class Adadelta(Optimizer):
    """Adadelta (lr 1e-3, rho 0.95, epsilon 1e-7): a = rho a + (1 - rho) g^2;
    d = -sqrt(D + epsilon) g / sqrt(a + epsilon); D = rho D + (1 - rho) d^2; w += lr d."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def _slot_names(self):
        return ("accumulated_grad", "accumulated_delta_var")

    def _update(self, xp, w, g, state, lr):
        grads = state.setdefault("accumulated_grad", xp.zeros_like(w))
        deltas = state.setdefault("accumulated_delta_var", xp.zeros_like(w))
        grads *= self.rho
        grads += (1.0 - self.rho) * g * g
        delta = -xp.sqrt(deltas + self.epsilon) * g / xp.sqrt(grads + self.epsilon)
        deltas *= self.rho
        deltas += (1.0 - self.rho) * delta * delta
        w += lr * delta


class Lion(Optimizer):
    """Lion (lr 1e-3, beta_1 0.9, beta_2 0.99): w -= lr sign(b1 m + (1 - b1) g); then m = b2 m + (1 - b2) g."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0.0 < beta_1 <= 1.0:
            raise ValueError(f"Lion: beta_1 must be in (0, 1] (0 makes it sign SGD), got {beta_1}")
        self.beta_1, self.beta_2 = beta_1, beta_2

    def _slot_names(self):
        return ("momentum",)

    def _update(self, xp, w, g, state, lr):
        m = state.setdefault("momentum", xp.zeros_like(w))
        w -= lr * xp.sign(self.beta_1 * m + (1.0 - self.beta_1) * g)
        m *= self.beta_2
        m += (1.0 - self.beta_2) * g


class Ftrl(Optimizer):
    """FTRL-proximal (lr 1e-3, learning_rate_power -0.5, initial_accumulator_value 0.1, L1/L2/L2-shrinkage
    strengths 0, beta 0), Keras's form: the weight is solved in closed form from the accumulated squared
    gradients n and the linear term z each step."""

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 l2_shrinkage_regularization_strength=0.0, beta=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for name, value in (("initial_accumulator_value", initial_accumulator_value),
                            ("l1_regularization_strength", l1_regularization_strength),
                            ("l2_regularization_strength", l2_regularization_strength),
                            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength)):
            if value < 0.0:
                raise ValueError(f"Ftrl: {name} must be >= 0, got {value}")
        if learning_rate_power > 0.0:
            raise ValueError(f"Ftrl: learning_rate_power must be <= 0, got {learning_rate_power}")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def _slot_names(self):
        return ("accumulator", "linear")

    def _initial_slot(self, slot, variable):
        if slot != "accumulator":
            return super()._initial_slot(slot, variable)
        w = arrays.array(variable)
        return variable.device.xp.full_like(w, self.initial_accumulator_value)

    def _update(self, xp, w, g, state, lr):
        if "accumulator" not in state:
            state["accumulator"] = xp.full_like(w, self.initial_accumulator_value)
        n = state["accumulator"]
        z = state.setdefault("linear", xp.zeros_like(w))
        power = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        shrunk = g + 2.0 * self.l2_shrinkage_regularization_strength * w
        new_n = n + g * g
        z += shrunk - (new_n ** power - n ** power) / lr * w
        quadratic = new_n ** power / lr + 2.0 * l2
        w[...] = (xp.clip(z, -l1, l1) - z) / quadratic
        n[...] = new_n


class Adafactor(Optimizer):
    """Adafactor (lr 1e-3, beta_2_decay -0.8, epsilon_1 1e-30, epsilon_2 1e-3, clip_threshold 1,
    relative_step True): second moments factored into row and column means over the last two axes (a full
    moment for weights of fewer than 2 axes), the step scaled by max(epsilon_2, rms(w)) * min(lr, 1/sqrt(t))
    and the update's RMS clipped to clip_threshold."""

    def __init__(self, learning_rate=0.001, beta_2_decay=-0.8, epsilon_1=1e-30, epsilon_2=1e-3,
                 clip_threshold=1.0, relative_step=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_2_decay, self.epsilon_1, self.epsilon_2 = beta_2_decay, epsilon_1, epsilon_2
        self.clip_threshold, self.relative_step = clip_threshold, relative_step

    def slot_shape(self, slot, shape):
        """Row statistics drop the last axis, column statistics the second last (weights of 2+ axes; for fewer
        axes both are Keras's scalar placeholders)."""
        shape = tuple(shape)
        if slot in ("row", "column") and len(shape) < 2:
            return ()
        if slot == "row":
            return shape[:-1]
        if slot == "column":
            return shape[:-2] + shape[-1:]
        return shape

    @staticmethod
    def _rms(xp, x):
        return float(xp.sqrt(xp.mean(x * x))) if x.size else 0.0

    def _slot_names(self):
        return ("row", "column", "velocity")

    def _slot_count(self, shape):
        """Keras keeps a scalar row and column for weights of fewer than 2 axes (and uses neither)."""
        return 2 + math.prod(shape) if len(shape) < 2 else super()._slot_count(shape)

    def _update(self, xp, w, g, state, lr):
        t = self.iterations + 1
        # relative_step caps lr at 1/sqrt(t); rho_t below applies the same cap in every case
        rho = min(lr, 1.0 / math.sqrt(t))
        alpha = max(self.epsilon_2, self._rms(xp, w)) * rho
        squared = g * g + self.epsilon_1
        beta_2 = 1.0 - t ** self.beta_2_decay
        if w.ndim >= 2:
            r = state.setdefault("row", xp.zeros(w.shape[:-1], w.dtype))
            c = state.setdefault("column", xp.zeros(w.shape[:-2] + w.shape[-1:], w.dtype))
            r *= beta_2
            r += (1.0 - beta_2) * squared.mean(axis=-1)
            c *= beta_2
            c += (1.0 - beta_2) * squared.mean(axis=-2)
            v = (r / r.mean(axis=-1, keepdims=True))[..., None] * c[..., None, :]
            state["velocity"] = v
        else:   # Keras keeps a scalar row and column placeholder here (in optimizer.variables), unused
            state.setdefault("row", xp.zeros((), w.dtype))
            state.setdefault("column", xp.zeros((), w.dtype))
            v = state.setdefault("velocity", xp.zeros_like(w))
            v *= beta_2
            v += (1.0 - beta_2) * squared
        u = g / xp.sqrt(v)
        u /= max(1.0, self._rms(xp, u) / self.clip_threshold)
        w -= (alpha * u).astype(w.dtype, copy=False)
