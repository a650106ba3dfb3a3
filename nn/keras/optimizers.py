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

from autograd import arrays
from autograd.errors import IdentifierError

from . import schedules  # noqa: F401 (keras.optimizers.schedules)
from . import optimizers_legacy as legacy  # noqa: F401 (keras.optimizers.legacy)
from .optimizer_base import LearningRate, Optimizer, keras_argument_order  # noqa: F401 (part of keras.optimizers)
from .optimizers_extra import Adadelta, Adafactor, Adamax, Ftrl, Lion, Nadam
from .optimizers_lamb import Lamb
from .optimizers_muon import Muon, ScheduleFreeAdamW
from .loss_scale_optimizer import LossScaleOptimizer
from .fused_updates import add_scaled_
from .optimizers_multi import MultiOptimizer, OptimizerMap


class SGD(Optimizer):
    """Stochastic gradient descent (lr 0.01), with momentum v = m v - lr g; w += v (Nesterov: w += m v - lr g)."""

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def _slot_names(self):
        return ("momentum",) if self.momentum else ()

    def _update_on(self, device, w, g, state, lr):
        # in the order and with the fused roundings of Keras's torch SGD (torch's add_ with alpha)
        if not self.momentum:
            add_scaled_(device, w, g, -lr)
            return
        v = state.setdefault("momentum", device.xp.zeros_like(w))
        v *= self.momentum
        add_scaled_(device, v, g, -lr)
        if self.nesterov:
            add_scaled_(device, add_scaled_(device, w, g, -lr), v, self.momentum)
        else:
            w += v


class Adam(Optimizer):
    """Adam (lr 1e-3, beta_1 0.9, beta_2 0.999, epsilon 1e-7), Keras's form:
    w -= lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)."""

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def _slot_names(self):
        return ("m", "v", "v_hat") if self.amsgrad else ("m", "v")

    def _slot_groups(self):
        return (("m", "v"), ("v_hat",)) if self.amsgrad else (("m", "v"),)

    def _update_on(self, device, w, g, state, lr):
        xp = device.xp
        m = state.setdefault("m", xp.zeros_like(w))
        v = state.setdefault("v", xp.zeros_like(w))
        if w.dtype in (np.float32, np.float64):   # Keras's torch Adam: its scalars, order and fused roundings
            real = w.dtype.type
            t = real(self.iterations + 1)
            alpha = real(lr) * np.sqrt(1 - real(self.beta_2) ** t) / (1 - real(self.beta_1) ** t)
            m *= self.beta_1
            add_scaled_(device, m, g, 1 - self.beta_1)
            v *= self.beta_2
            add_scaled_(device, v, g * g, 1 - self.beta_2)
        else:
            t = self.iterations + 1
            alpha = lr * math.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
            m += (g - m) * (1.0 - self.beta_1)
            v += (g * g - v) * (1.0 - self.beta_2)
        if self.amsgrad:
            v_hat = state.setdefault("v_hat", xp.zeros_like(w))
            xp.maximum(v_hat, v, out=v_hat)
            v = v_hat
        w -= m * alpha / (xp.sqrt(v) + self.epsilon)


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

    def _slot_names(self):
        return ("velocity",) + (("momentum",) if self.momentum else ()) + \
            (("average_gradient",) if self.centered else ())

    def _slot_groups(self):
        return tuple((slot,) for slot in self._slot_names())   # Keras lists each kind for every weight in turn

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

    def _slot_names(self):
        return ("accumulator",)

    def _initial_slot(self, slot, variable):
        w = arrays.array(variable)
        return variable.device.xp.full_like(w, self.initial_accumulator_value)

    def _update(self, xp, w, g, state, lr):
        if "accumulator" not in state:
            state["accumulator"] = xp.full_like(w, self.initial_accumulator_value)
        a = state["accumulator"]
        a += g * g
        w -= lr * g / xp.sqrt(a + self.epsilon)


_NAMES = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop, "adagrad": Adagrad, "adamax": Adamax,
          "nadam": Nadam, "adadelta": Adadelta, "lion": Lion, "ftrl": Ftrl, "adafactor": Adafactor,
          "lamb": Lamb, "muon": Muon, "schedulefreeadamw": ScheduleFreeAdamW}


def get(identifier):
    """An optimizer for a name ('adam', 'sgd', 'rmsprop', 'adamw', 'adagrad', 'adamax', 'nadam', 'adadelta',
    'lion', 'ftrl', 'adafactor'; Keras's defaults) or an Optimizer."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        if isinstance(name, str) and name.lower() in _NAMES and "module" not in identifier:   # {'class_name': 'adam'}
            return _NAMES[name.lower()].from_config(identifier.get("config", {}))
        return deserialized_identifier(deserialize, identifier, "optimizer")
    if isinstance(identifier, str):
        key = identifier.lower()
        if key not in _NAMES:
            raise ValueError(f"unknown optimizer {identifier!r}; known: {', '.join(_NAMES)}")
        return _NAMES[key]()
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):   # Keras refuses the class too
        raise IdentifierError(f"could not interpret optimizer identifier {identifier.__name__} (the class, not an "
                              f"optimizer); build one: keras.optimizers.{identifier.__name__}(), or pass its name")
    raise IdentifierError(f"an optimizer must be a name or a keras.optimizers.Optimizer, got "
                          f"{type(identifier).__name__} (could not interpret optimizer identifier {identifier!r:.60}); "
                          "to set the learning rate pass e.g. keras.optimizers.Adam(learning_rate=0.01)")




keras_argument_order(SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, Nadam, Adadelta, Lion, Ftrl, Adafactor, Lamb,
                     ScheduleFreeAdamW)

# saved configs name a class by its public module (keras.optimizers, keras.losses, keras.metrics)
for _public in (LearningRate, Optimizer, Adadelta, Adafactor, Adamax, Ftrl, Lion, Nadam, Lamb, LossScaleOptimizer, Muon,
                ScheduleFreeAdamW, MultiOptimizer, OptimizerMap):
    _public.__module__ = __name__


# Keras's optimizers other than SGD (and the base class) name build()'s argument var_list
for _optimizer in (Adam, AdamW, RMSprop, Adagrad, Adadelta, Adafactor, Adamax, Ftrl, Lion, Nadam, Lamb, Muon,
                   ScheduleFreeAdamW):
    if _optimizer.build is Optimizer.build:
        _optimizer.build = Optimizer._build_var_list

from .serialize_api import deserialized_identifier, serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("optimizers", by_name=get)
