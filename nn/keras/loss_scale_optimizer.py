"""keras.optimizers.LossScaleOptimizer (also keras.mixed_precision.LossScaleOptimizer): Keras 3's dynamic loss
scaling around an inner optimizer.

Keras multiplies the loss by `dynamic_scale` before the backward pass and divides the gradients by it before the
inner optimizer's update; a step whose scaled gradients are not all finite is skipped and halves the scale, and
`dynamic_growth_steps` finite steps in a row double it. deepgrad's fit differentiates the unscaled loss, which in
float32 gives the same unscaled gradients (the scale is a power of two); but a model that computes in float16
(the 'mixed_float16' policy) needs the scaled loss, or its small gradients underflow to zero in float16. So fit's
step seeds the backward pass with the scale (`backward`) and `step` divides the gradients by it again before the
inner optimizer's update. In a custom loop, `scale_loss(loss)` scales the loss and `apply(grads)` /
`apply_gradients` divide the (scaled) gradients, as Keras."""
import numpy as np

import autograd as ag
from autograd import arrays

from .optimizer_base import Optimizer

_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
                  "gradient_accumulation_steps": None}


class LossScaleOptimizer(Optimizer):
    """Dynamic loss scaling (initial_scale 2^15, doubled after dynamic_growth_steps finite steps, halved and
    the step skipped on a non-finite gradient) around `inner_optimizer`."""

    def __init__(self, inner_optimizer, initial_scale=2.0 ** 15, dynamic_growth_steps=2000, name=None, **kwargs):
        if not kwargs.pop("dynamic", True):
            raise ValueError("LossScaleOptimizer no longer supports `dynamic=False`. Instead, simply set "
                             "`loss_scale_factor` directly on the `inner_optimizer`.")
        for arg_name, default in _BASE_DEFAULTS.items():
            if arg_name in kwargs:
                value = kwargs.pop(arg_name)
                if default is None and value is not None or value != default:
                    raise ValueError(f"LossScaleOptimizer does not support `{arg_name}`. Instead, set `{arg_name}` "
                                     "on the `inner_optimizer`.")
        if kwargs:
            raise ValueError(f"LossScaleOptimizer does not support arguments: `{'`, `'.join(kwargs.keys())}`.")
        if not hasattr(inner_optimizer, "apply_gradients"):   # Keras fails reading its loss_scale_factor
            raise AttributeError(f"LossScaleOptimizer: inner_optimizer must be an optimizer instance, got "
                                 f"{type(inner_optimizer).__name__} {inner_optimizer!r}; pass e.g. "
                                 "keras.optimizers.LossScaleOptimizer(keras.optimizers.get('sgd'))")
        self.inner_optimizer = inner_optimizer
        inner_optimizer._wrapped_by_loss_scale = True   # Keras's wrapped Nadam lists (and saves) no product
        super().__init__(learning_rate=0.0, name=name)
        self.initial_scale, self.dynamic_growth_steps = initial_scale, dynamic_growth_steps
        self._scale, self._counter = float(initial_scale), 0
        self._seeds = {}   # (dtype, device) -> the 0-d tensor holding the scale that seeds fit's backward pass

    # the inner optimizer's step count, rate, weights and slots are this optimizer's
    @property
    def iterations(self):
        """The inner optimizer's step count."""
        return self.inner_optimizer.iterations

    @iterations.setter
    def iterations(self, value):
        if "inner_optimizer" in vars(self):
            self.inner_optimizer.iterations = value

    @property
    def learning_rate(self):
        """The inner optimizer's learning rate (settable)."""
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if "inner_optimizer" in vars(self):
            self.inner_optimizer.learning_rate = value

    lr = learning_rate

    @property
    def param_groups(self):
        """The inner optimizer's groups."""
        return self.inner_optimizer.param_groups

    @property
    def state(self):
        """The inner optimizer's per-weight slots."""
        return self.inner_optimizer.state

    def _scaling_built(self):
        return self.built or self.inner_optimizer.built

    def _scale_variable(self, name, value, dtype):
        # as Keras, the scale's two variables exist once the optimizer is built (by fit or build())
        if not self._scaling_built():
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        from .variables import Variable
        return Variable(value, dtype=dtype, name=name, trainable=False)

    @property
    def dynamic_scale(self):
        """The current loss scale (once built)."""
        return self._scale_variable("dynamic_scale", np.float32(self._scale), "float32")

    @property
    def step_counter(self):
        """The finite steps since the scale last changed (once built)."""
        return self._scale_variable("step_counter", np.int32(self._counter), "int32")

    @property
    def variables(self):
        """Its own step count and learning rate (which Keras keeps at 0), step_counter and dynamic_scale (once
        built), then the inner optimizer's variables (as Keras)."""
        from .variables import Variable
        own = [Variable(np.int32(0), dtype="int32", name="iteration", trainable=False),
               Variable(np.float32(0.0), dtype="float32", name="learning_rate", trainable=False)]
        if self._scaling_built():
            own += [self.step_counter, self.dynamic_scale]
        for variable in own:
            variable.path = f"{self.name}/{variable.name}"
        return own + self.inner_optimizer.variables

    def restore_scale(self, step_counter, dynamic_scale):
        """Set the loss scale and its finite-step count from saved values."""
        self._counter, self._scale = int(np.asarray(step_counter)), float(np.asarray(dynamic_scale))
        for seed in self._seeds.values():
            arrays.array(seed)[...] = self._scale

    def _extra_state(self):
        """The loss scale's two variables, then the inner optimizer's extra state."""
        inner = {f"inner/{k}": v for k, v in self.inner_optimizer._extra_state().items()}
        return {"step_counter": np.asarray(self._counter, dtype=np.int32),
                "dynamic_scale": np.asarray(self._scale, dtype=np.float32), **inner}

    def _set_extra_state(self, stored):
        if "step_counter" in stored and "dynamic_scale" in stored:
            self.restore_scale(stored["step_counter"], stored["dynamic_scale"])
        self.inner_optimizer._set_extra_state({k[len("inner/"):]: v for k, v in stored.items()
                                               if k.startswith("inner/")})

    def _assign_variables(self, variables, values):
        # its own four (step count and rate, which Keras keeps at 0, then the scale's two), then the inner's
        if len(values) >= 4:
            self.restore_scale(values[2], values[3])
        self.inner_optimizer._assign_variables(self.inner_optimizer.variables, list(values)[4:])

    def attach(self, model):
        """Optimise `model`'s weights through the inner optimizer."""
        self.inner_optimizer.attach(model)

    def _params(self):
        return self.inner_optimizer._params()

    def build(self, var_list):
        """Build the inner optimizer."""
        self.inner_optimizer.build(var_list)
        self.built = True

    def count_variables(self, weights):
        """The inner optimizer's count and four scalars: its own step count and rate, and the loss scale's two."""
        values, size = self.inner_optimizer.count_variables(weights)
        return values + 4, size + 16

    def scale_loss(self, loss):
        """`loss` times the current scale (the initial scale before the first step)."""
        return loss * self._scale

    def _finite(self, grads, xp=np):
        with np.errstate(over="ignore", invalid="ignore"):   # as Keras: checked in float32
            return all(bool(xp.isfinite(g.astype(np.float32)).all()) for g in grads if g is not None)

    def _advance(self, finite):
        if not finite:
            self._counter, self._scale = 0, self._scale * 0.5
        elif self._counter == self.dynamic_growth_steps - 1:
            self._counter, self._scale = 0, self._scale * 2.0
        else:
            self._counter += 1
            return
        for seed in self._seeds.values():   # in place: a compiled step's replay reads the new scale
            arrays.array(seed)[...] = self._scale

    def backward(self, loss):
        """Backpropagate `loss` times the current scale (fit's step; `step` divides the gradients again)."""
        key = (loss.dtype, str(loss.device))
        seed = self._seeds.get(key)
        if seed is None:
            seed = self._seeds[key] = ag.full((), self._scale, dtype=loss.dtype, device=loss.device)
        with np.errstate(over="ignore", invalid="ignore"):   # an overflow here is what step() detects and skips
            loss.backward(seed.expand(loss.shape) if loss.ndim else seed)

    def step(self):
        """One update from the gradients of fit's scaled loss (`backward`): divided by the scale, then the inner
        optimizer's update; skipped, halving the scale, if any is not finite."""
        self.built = True   # as Keras, built by its first update, even a skipped one
        params = [p for p in self._params() if p.grad is not None]
        grads = [arrays.writable(p.grad) for p in params]   # raw arrays: a compiled step runs this as a host call
        finite = self._finite(grads, params[0].device.xp if params else np)
        if finite:
            for g in grads:
                g *= g.dtype.type(1.0 / self._scale)   # the scale is a power of two: exact
            self.inner_optimizer.step()
        self._advance(finite)

    def apply_gradients(self, grads_and_vars):
        """Keras's custom-loop update: the gradients (of a scale_loss'ed loss) divided by the scale, then the
        inner optimizer's update; skipped, halving the scale, if any is not finite."""
        self.built = True
        pairs = [(g, v) for g, v in grads_and_vars]
        values = [None if g is None else (arrays.array(g) if hasattr(g, "grad_fn") else np.asarray(g))
                  for g, _ in pairs]
        finite = self._finite(values)
        if finite:
            scale = self._scale
            self.inner_optimizer.apply_gradients([(None if g is None else g / scale, v) for g, v in pairs])
        self._advance(finite)

    def get_config(self):
        """name, inner_optimizer (serialized), initial_scale, dynamic_growth_steps."""
        from .saving.serialization import serialize_keras_object
        return {"name": self.name, "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The optimizer made again from get_config's dict."""
        from .saving.serialization import deserialize_keras_object
        config = dict(config)
        inner = deserialize_keras_object(config.pop("inner_optimizer"), custom_objects)
        return cls(inner, **config)
