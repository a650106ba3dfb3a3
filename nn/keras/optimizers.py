"""keras.optimizers: Keras's optimisers with Keras's defaults and update formulas.

They are built without parameters (`Adam(learning_rate=1e-3)`) and bind to the model's trainable weights
at the first step after compile. Each step: clip the gradients (clipnorm per weight, global_clipnorm over
all, or clipvalue), decay the weights (w *= 1 - lr * weight_decay) when weight_decay is set, then the
update. The formulas differ from PyTorch's where Keras's do (Adam's epsilon outside the bias
correction, RMSprop's epsilon inside the square root, Adagrad's starting accumulator 0.1), so training
matches Keras. `nn.optim` keeps PyTorch's. The learning rate may be a float, or a schedule from
keras.optimizers.schedules called with the step number.
"""
import math

import numpy as np

from autograd import arrays, no_grad

from .naming import snake_case


class LearningRate(float):
    """The rate `optimizer.learning_rate` reads: a float that also answers Keras's Variable calls —
    `assign(value)` sets the optimizer's rate (as `optimizer.learning_rate = value` does), `numpy()` and
    `value` give the number. It holds the value it was read with: read the property again after a change."""

    def __new__(cls, value, optimizer):
        rate = super().__new__(cls, value)
        rate._optimizer = optimizer
        return rate

    def assign(self, value):
        """Set the optimizer's learning rate to `value` (a number, or a 0-d array/Tensor)."""
        self._optimizer.learning_rate = float(np.asarray(value))
        return self._optimizer.learning_rate

    def numpy(self):
        """The rate as a NumPy float32 (Keras's variable dtype)."""
        return np.float32(self)

    @property
    def value(self):
        """The rate as a float."""
        return float(self)


class Optimizer:
    """Base class: hyper-parameters, gradient clipping, weight decay and the step loop."""

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected argument(s) {', '.join(sorted(kwargs))}")
        if use_ema or gradient_accumulation_steps or loss_scale_factor:
            raise ValueError(f"{type(self).__name__}: use_ema, gradient_accumulation_steps and loss_scale_factor are "
                             "not supported")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{type(self).__name__}: pass at most one of clipnorm, clipvalue and global_clipnorm")
        self.name = name or snake_case(type(self).__name__)
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self._schedule = learning_rate if callable(learning_rate) else None
        self._group = {"lr": float(learning_rate(0)) if self._schedule else float(learning_rate), "params": []}
        self.iterations = 0
        self._state = {}
        self._model = None

    # ----- learning rate ---------------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate: with a schedule, its value at `iterations` (the rate the next step will
        use, as Keras reports it); settable; callbacks change it through `param_groups`."""
        if self._schedule is not None:
            return LearningRate(float(self._schedule(self.iterations)), self)
        return LearningRate(self._group["lr"], self)

    @learning_rate.setter
    def learning_rate(self, value):
        self._schedule = value if callable(value) else None
        self._group["lr"] = float(value(self.iterations)) if self._schedule else float(value)

    lr = learning_rate

    @property
    def state(self):
        """The per-weight slots ({id(weight): {name: array}}); with param_groups and step() it makes this an
        optimiser that `ag.jit` recognises and replays as a host call."""
        return self._state

    @property
    def param_groups(self):
        """One group {'lr': ..., 'params': [...]} (the interface nn.callbacks use to read and set the rate)."""
        return [self._group]

    # ----- binding and stepping --------------------------------------------------------------------
    def attach(self, model):
        """Optimise `model`'s trainable weights (those with requires_grad when the first step runs)."""
        self._model = model
        self._group["params"] = []

    def _params(self):
        if not self._group["params"] and self._model is not None:
            self._group["params"] = [p for p in self._model.parameters() if p.requires_grad]
        return self._group["params"]

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of the optimised weights."""
        for p in self._params():
            p.grad = None

    def step(self):
        """One update of every optimised weight that has a gradient."""
        pairs = [(p, p.grad) for p in self._params() if p.grad is not None]
        self._apply([(p, arrays.array(g)) for p, g in pairs])

    def apply_gradients(self, grads_and_vars):
        """Keras's custom-loop entry point: update each variable with its gradient (Tensors or arrays)."""
        pairs = [(v, g) for g, v in grads_and_vars if g is not None]
        self._apply([(v, arrays.array(g) if hasattr(g, "grad_fn") else v.device.asarray(np.asarray(g)))
                     for v, g in pairs])

    def apply(self, grads, trainable_variables=None):
        """apply_gradients(zip(grads, trainable_variables))."""
        variables = trainable_variables if trainable_variables is not None else self._params()
        self.apply_gradients(zip(grads, variables))

    def _apply(self, pairs):
        if not pairs:
            return
        if self._schedule is not None:
            self._group["lr"] = float(self._schedule(self.iterations))
        grads = self._clipped([g for _, g in pairs], pairs[0][0].device.xp)
        lr = self._group["lr"]
        self._begin_step()
        with no_grad():
            for (p, _), g in zip(pairs, grads):
                w = arrays.array(p)
                g = g.astype(w.dtype, copy=False)
                if self.weight_decay:
                    w *= 1.0 - self.weight_decay * lr
                self._update(p.device.xp, w, g, self._state.setdefault(id(p), {}), lr)
                arrays.mark_changed(p)
        self.iterations += 1

    def _clipped(self, grads, xp):
        if self.clipnorm:
            result = []
            for g in grads:
                norm = float(xp.sqrt(xp.sum(g * g)))
                result.append(g * (self.clipnorm / max(norm, self.clipnorm)))
            return result
        if self.global_clipnorm:
            norm = math.sqrt(sum(float(xp.sum(g * g)) for g in grads))
            scale = self.global_clipnorm / max(norm, self.global_clipnorm)
            return [g * scale for g in grads]
        if self.clipvalue:
            return [xp.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def _begin_step(self):
        """Advance state shared by all weights once per step (before the per-weight updates)."""

    def _update(self, xp, w, g, state, lr):
        raise TypeError(f"{type(self).__name__} does not define _update")

    def get_config(self):
        """The hyper-parameters (learning_rate: the schedule when there is one, else the current rate)."""
        config = {k: v for k, v in vars(self).items() if not k.startswith("_") and k != "iterations"}
        config["learning_rate"] = self._schedule if self._schedule is not None else self.learning_rate
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new optimizer from get_config's dict (a serialized schedule made again)."""
        from .saving.serialization import deserialize_keras_object
        return cls(**{k: deserialize_keras_object(v, custom_objects) for k, v in config.items()})


class SGD(Optimizer):
    """Stochastic gradient descent (lr 0.01), with momentum v = m v - lr g; w += v (Nesterov: w += m v - lr g)."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _update(self, xp, w, g, state, lr):
        if not self.momentum:
            w -= lr * g
            return
        v = state.setdefault("momentum", xp.zeros_like(w))
        v *= self.momentum
        v -= lr * g
        w += self.momentum * v - lr * g if self.nesterov else v


class Adam(Optimizer):
    """Adam (lr 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7), Keras's form:
    w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def _update(self, xp, w, g, state, lr):
        m = state.setdefault("m", xp.zeros_like(w))
        v = state.setdefault("v", xp.zeros_like(w))
        t = self.iterations + 1
        alpha = lr * math.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        m += (g - m) * (1.0 - self.beta_1)
        v += (g * g - v) * (1.0 - self.beta_2)
        if self.amsgrad:
            v_hat = state.setdefault("v_hat", xp.zeros_like(w))
            xp.maximum(v_hat, v, out=v_hat)
            v = v_hat
        w -= alpha * m / (xp.sqrt(v) + self.epsilon)


class AdamW(Adam):
    """Adam with decoupled weight decay (weight_decay 0.004, Keras's default)."""

    def __init__(self, learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad,
                         weight_decay=weight_decay, **kwargs)


class RMSprop(Optimizer):
    """RMSprop (lr 1e-3, rho 0.9, epsilon 1e-7): v = rho v + (1 - rho) g^2; w -= lr g / sqrt(v + epsilon)
    (centered: v - mean(g)^2 under the root; momentum: a velocity of these increments)."""

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def _update(self, xp, w, g, state, lr):
        v = state.setdefault("velocity", xp.zeros_like(w))
        v *= self.rho
        v += (1.0 - self.rho) * g * g
        if self.centered:
            mean = state.setdefault("average_gradient", xp.zeros_like(w))
            mean *= self.rho
            mean += (1.0 - self.rho) * g
            denominator = v - mean * mean + self.epsilon
        else:
            denominator = v + self.epsilon
        increment = lr * g / xp.sqrt(denominator)
        if self.momentum:
            velocity = state.setdefault("momentum", xp.zeros_like(w))
            velocity *= self.momentum
            velocity += increment
            w -= velocity
        else:
            w -= increment


class Adagrad(Optimizer):
    """Adagrad (lr 1e-3, initial_accumulator_value 0.1, epsilon 1e-7): a += g^2; w -= lr g / sqrt(a + epsilon)."""

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def _update(self, xp, w, g, state, lr):
        if "accumulator" not in state:
            state["accumulator"] = xp.full_like(w, self.initial_accumulator_value)
        a = state["accumulator"]
        a += g * g
        w -= lr * g / xp.sqrt(a + self.epsilon)


from .optimizers_extra import Adadelta, Adafactor, Adamax, Ftrl, Lion, Nadam  # noqa: E402 (they subclass Optimizer)

_NAMES = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad, "adamax": Adamax,
          "nadam": Nadam, "adadelta": Adadelta, "lion": Lion, "ftrl": Ftrl, "adafactor": Adafactor}


def get(identifier):
    """An optimizer for a name ('adam', 'sgd', 'rmsprop', 'adamw', 'adagrad', 'adamax', 'nadam', 'adadelta',
    'lion', 'ftrl', 'adafactor'; Keras's defaults) or an Optimizer."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _NAMES:
            raise ValueError(f"unknown optimizer {identifier!r}; known: {', '.join(_NAMES)}")
        return _NAMES[key]()
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(f"an optimizer must be a name or a keras.optimizers.Optimizer, got {type(identifier).__name__}")


class _Schedules:
    """keras.optimizers.schedules: learning rates as functions of the step number."""

    class LearningRateSchedule:
        """Base class: schedule(step) -> learning rate."""

        def __call__(self, step):
            raise TypeError(f"{type(self).__name__} does not define __call__(step)")

    class ExponentialDecay(LearningRateSchedule):
        """initial * decay_rate ** (step / decay_steps) (the exponent floored when staircase)."""

        def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False, name=None):
            self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
            self.decay_rate, self.staircase = decay_rate, staircase

        def __call__(self, step):
            power = step / self.decay_steps
            return self.initial_learning_rate * self.decay_rate ** (math.floor(power) if self.staircase else power)

    class CosineDecay(LearningRateSchedule):
        """initial * ((1 - alpha) * (1 + cos(pi * min(step, decay_steps) / decay_steps)) / 2 + alpha)."""

        def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name=None, warmup_target=None,
                     warmup_steps=0):
            if warmup_target is not None or warmup_steps:
                raise ValueError("CosineDecay: warmup is not supported")
            self.initial_learning_rate, self.decay_steps, self.alpha = initial_learning_rate, decay_steps, alpha

        def __call__(self, step):
            fraction = min(step, self.decay_steps) / self.decay_steps
            return self.initial_learning_rate * ((1 - self.alpha) * 0.5 * (1 + math.cos(math.pi * fraction))
                                                 + self.alpha)

    class PiecewiseConstantDecay(LearningRateSchedule):
        """values[k] while step <= boundaries[k], the last value after the last boundary."""

        def __init__(self, boundaries, values, name=None):
            if len(values) != len(boundaries) + 1:
                raise ValueError("PiecewiseConstantDecay: values needs one more entry than boundaries")
            self.boundaries, self.values = list(boundaries), list(values)

        def __call__(self, step):
            for boundary, value in zip(self.boundaries, self.values):
                if step <= boundary:
                    return value
            return self.values[-1]


schedules = _Schedules
