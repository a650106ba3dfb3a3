"""keras.optimizers.Muon (momentum orthogonalized by Newton-Schulz iterations for 2-D weights, AdamW for the
others) and keras.optimizers.ScheduleFreeAdamW (AdamW without a learning-rate schedule: the weights are an
interpolation of a fast iterate and its running average), with Keras's defaults and formulas."""
import math
import re

import numpy as np

from autograd import arrays

from .optimizer_base import Optimizer


class Muon(Optimizer):
    """Muon for 2-D kernels: m += g + m (momentum - 1); the (Nesterov) momentum orthogonalized by ns_steps
    Newton-Schulz steps, scaled by sqrt(max(rows, cols)) * rms_rate, times lr. Weights that are not 2-D, whose path
    names an embedding (exclude_embeddings) or matches a regex of exclude_layers take an AdamW step at lr *
    adam_lr_ratio with adam_weight_decay instead of weight_decay."""

    def __init__(self, learning_rate=0.001, adam_beta_1=0.9, adam_beta_2=0.999, adam_weight_decay=0.004,
                 epsilon=1e-7, weight_decay=0.004, clipnorm=None, clipvalue=None, global_clipnorm=None, use_ema=False,
                 ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, exclude_layers=None, exclude_embeddings=True,
                 muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315, adam_lr_ratio=1, momentum=0.95, ns_steps=5,
                 nesterov=True, rms_rate=0.2, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor, gradient_accumulation_steps=gradient_accumulation_steps,
                         name=name, **kwargs)
        self.adam_beta_1, self.adam_beta_2, self.epsilon = adam_beta_1, adam_beta_2, epsilon
        self.exclude_layers = list(exclude_layers or [])
        self.muon_a, self.muon_b, self.muon_c = muon_a, muon_b, muon_c
        self.adam_lr_ratio, self.momentum, self.ns_steps, self.nesterov = adam_lr_ratio, momentum, ns_steps, nesterov
        self.exclude_embeddings, self.adam_weight_decay, self.rms_rate = exclude_embeddings, adam_weight_decay, rms_rate

    def _slot_names(self):
        return ("momentum", "velocity")

    def _initial_slot(self, slot, variable):
        if slot == "velocity" and not self._uses_adamw(variable):   # Muon's own weights keep a momentum only
            return None
        return super()._initial_slot(slot, variable)

    def _uses_adamw(self, p):
        path = str(getattr(p, "path", None) or getattr(p, "name", ""))
        return (p.ndim != 2 or (self.exclude_embeddings and "embedding" in path.lower())
                or any(re.search(pattern, path) for pattern in self.exclude_layers))

    def _step_weight(self, p, w, g, state, lr):
        xp = p.device.xp
        adamw = self._uses_adamw(p)
        decay = self.adam_weight_decay if adamw else self.weight_decay
        if decay is not None and self._decays(p):
            w -= (w * decay * lr).astype(w.dtype, copy=False)
        m = state.setdefault("momentum", xp.zeros_like(w))
        if adamw:
            v = state.setdefault("velocity", xp.zeros_like(w))
            # Keras's step size: every factor in the weight's dtype (float32 powers and square root)
            real = w.dtype.type if w.dtype in (np.float32, np.float64) else np.float64
            t = real(self.iterations + 1)
            rate = real(real(lr) * self.adam_lr_ratio)
            alpha = rate * np.sqrt(1 - real(self.adam_beta_2) ** t) / (1 - real(self.adam_beta_1) ** t)
            m += (g - m) * (1 - self.adam_beta_1)
            v += (g * g - v) * (1 - self.adam_beta_2)
            w -= (m * alpha / (xp.sqrt(v) + self.epsilon)).astype(w.dtype, copy=False)
            return
        m += g + m * (self.momentum - 1)
        update = self._orthogonalized(xp, g + self.momentum * m if self.nesterov else m)
        if self.rms_rate is not None:
            update = update * math.sqrt(max(update.shape[0], update.shape[1])) * self.rms_rate
        w -= (lr * update).astype(w.dtype, copy=False)

    def _orthogonalized(self, xp, x):
        """Newton-Schulz iterations pushing x towards the nearest semi-orthogonal matrix, as Keras runs them."""
        tall = x.shape[-2] > x.shape[-1]
        if tall:
            x = x.swapaxes(-1, -2)
        x = x / (xp.sqrt(xp.sum(x * x, axis=(-2, -1), keepdims=True)) + 1e-7)
        a, b, c = self.muon_a, self.muon_b, self.muon_c
        for _ in range(self.ns_steps):
            gram = x @ x.swapaxes(-1, -2)
            x = a * x + (b * gram + c * gram @ gram) @ x
        return x.swapaxes(-1, -2) if tall else x


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW (lr 0.0025, beta_1 0.9, beta_2 0.999, epsilon 1e-8, optional linear warmup_steps): z
    (the 'momentum' slot, starting at the weights) takes Adam-scaled gradient steps, x averages the z's with weight
    1/t, and the weights hold y = (1 - beta_1) z + beta_1 x."""

    def __init__(self, learning_rate=0.0025, beta_1=0.9, beta_2=0.999, epsilon=1e-8, warmup_steps=0,
                 weight_decay=None, **kwargs):
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.warmup_steps = beta_1, beta_2, epsilon, warmup_steps

    def _slot_names(self):
        return ("momentum", "velocity")

    def _initial_slot(self, slot, variable):
        if slot == "momentum":   # z starts at the weights
            return arrays.array(variable).copy()
        return super()._initial_slot(slot, variable)

    def _step_weight(self, p, w, g, state, lr):
        state.setdefault("momentum", w.copy())   # z starts at the weights as they were before any weight decay
        super()._step_weight(p, w, g, state, lr)

    def _update(self, xp, w, g, state, lr):
        t = self.iterations + 1
        if self.warmup_steps > 0:
            lr = lr * min(t / self.warmup_steps, 1.0)
        z = state.setdefault("momentum", w.copy())
        v = state.setdefault("velocity", xp.zeros_like(w))
        v += (g * g - v) * (1 - self.beta_2)
        z -= (lr * g / (xp.sqrt(v / (1 - self.beta_2 ** t)) + self.epsilon)).astype(w.dtype, copy=False)
        # x is recovered from the weights with the already-updated z, as Keras 3.15 on torch computes it (its
        # "old" momentum there is the same tensor, updated in place), so fits match Keras step for step
        x_old = (w - (1 - self.beta_1) * z) / self.beta_1
        x_new = (1 - 1.0 / t) * x_old + (1.0 / t) * z
        w[...] = (1 - self.beta_1) * z + self.beta_1 * x_new
