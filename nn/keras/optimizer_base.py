"""The base of keras.optimizers: the learning rate a Keras program reads, and the Optimizer class with its
hyper-parameters, gradient clipping, weight decay, schedules and step loop (subclasses define `_update`)."""
import inspect
import math
import numbers
import re
import warnings

import numpy as np

from autograd import arrays, no_grad
from autograd.errors import KeywordError

from ..module import Module
from . import constraints, optimizer_stateless
from .naming import snake_case, unique_name
from .optimizer_custom import CustomOptimizerAPI
from .signature_tail import with_parent_arguments
from .variables import dtype_name
from .optimizer_overwrite import overwrite_marked


#: our slot names that Keras spells otherwise
_KERAS_SLOT_NAMES = {"m": "momentum", "v": "velocity", "v_hat": "velocity_hat"}


class LearningRate(float):
    """The rate `optimizer.learning_rate` reads: a float (rounded to float32, as Keras's float32 variable gives it)
    that also answers Keras's Variable calls — `assign(value)` sets the optimizer's rate (as
    `optimizer.learning_rate = value` does), `numpy()` and `value` give the number, and it prints as Keras's
    'learning_rate' variable, with the optimizer's rate now. As a number it holds the value it was read with: read
    the property again after a change."""

    def __new__(cls, value, optimizer):
        rate = super().__new__(cls, float(np.float32(value)))
        rate._optimizer = optimizer
        return rate

    def assign(self, value):
        """Set the optimizer's learning rate to `value` (a number, or a 0-d array/Tensor)."""
        self._optimizer.learning_rate = float(np.asarray(value))
        return self._optimizer.learning_rate

    def numpy(self):
        """The rate as a 0-d float32 NumPy array, as Keras's variable gives it."""
        return np.array(float(self), np.float32)

    @property
    def value(self):
        """The rate as a float."""
        return float(self)

    #: Keras's learning-rate variable: an untrained float32 scalar called 'learning_rate'
    dtype, name, shape, trainable = dtype_name(np.dtype(np.float32)), "learning_rate", (), False

    @property
    def path(self):
        """'<optimizer name>/learning_rate', as Keras's variable path."""
        return f"{self._optimizer.name}/learning_rate"

    def __repr__(self):
        if getattr(self._optimizer, "_schedule", None) is not None:   # Keras: the schedule's value, a plain number
            return float.__repr__(self)
        now = float(np.float32(self._optimizer._group["lr"]))
        return f"<Variable path={self.path}, shape=(), dtype=float32, value={now!r}>"

    __str__ = __repr__


class StepCount(int):
    """The count `optimizer.iterations` reads: an int that also answers Keras's Variable calls (`numpy()`,
    `value`, `assign`), as `model.optimizer.iterations.numpy()` in Keras programs needs."""

    def __new__(cls, value, optimizer):
        count = super().__new__(cls, value)
        count._optimizer = optimizer
        return count

    def assign(self, value):
        """Set the optimizer's step count to `value`."""
        self._optimizer.iterations = int(np.asarray(value))
        return self._optimizer.iterations

    def numpy(self):
        """The count as a 0-d int32 NumPy array, as Keras's iteration variable gives it."""
        return np.array(int(self), np.int32)

    @property
    def value(self):
        """The count as an int."""
        return int(self)

    #: Keras's iteration variable: an untrained int32 scalar called 'iteration'
    dtype, name, shape, trainable = dtype_name(np.dtype(np.int32)), "iteration", (), False

    @property
    def path(self):
        """'<optimizer name>/iteration', as Keras's variable path."""
        return f"{self._optimizer.name}/iteration"


_BASE_CONFIG_KEYS = ("name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
                     "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps")


class Optimizer(CustomOptimizerAPI):
    """Base class: hyper-parameters, gradient clipping, weight decay and the step loop; subclasses of the user's
    may define build / update_step or override apply as in Keras (optimizer_custom.py)."""

    def __init__(self, learning_rate=0.001, weight_decay=None, clipnorm=None, clipvalue=None, global_clipnorm=None,
                 use_ema=False, ema_momentum=0.99, ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        if kwargs:
            hint = "; the learning rate is learning_rate= (Keras 3 dropped lr=)" if "lr" in kwargs else ""
            raise KeywordError(f"{type(self).__name__}: unexpected argument(s) {', '.join(sorted(kwargs))}{hint}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
        if use_ema and ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                                    or ema_overwrite_frequency < 1):
            raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                             f"ema_overwrite_frequency={ema_overwrite_frequency}")
        if sum(v is not None for v in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(f"{type(self).__name__}: pass at most one of clipnorm, clipvalue and global_clipnorm")
        if learning_rate is None or isinstance(learning_rate, (str, bytes)):   # float('0.1') would take a string
            raise ValueError(f"{type(self).__name__}: argument `learning_rate` should be a float, a "
                             f"LearningRateSchedule or a callable, got {type(learning_rate).__name__} "
                             f"{learning_rate!r}; pass e.g. learning_rate=0.001")
        if isinstance(learning_rate, numbers.Integral):   # Keras takes only a float here, not an int
            raise ValueError(f"{type(self).__name__}: argument `learning_rate` should be a float, a "
                             f"LearningRateSchedule or a callable, got the int {learning_rate!r}; pass "
                             f"learning_rate={float(learning_rate)!r}")
        self.name = name or unique_name(snake_case(type(self).__name__))   # adam, adam_1, ... as Keras
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema, self.ema_momentum, self.ema_overwrite_frequency = use_ema, ema_momentum, ema_overwrite_frequency
        self.loss_scale_factor, self.gradient_accumulation_steps = loss_scale_factor, gradient_accumulation_steps
        self._schedule = learning_rate if callable(learning_rate) else None
        self._group = {"lr": float(learning_rate(0)) if self._schedule else float(learning_rate), "params": []}
        self.iterations = 0
        self._model = None
        self._built_over = None   # the weights Keras made slots for when it built the optimizer: they stay its own
        self.built = False  # Keras builds its variables in the first fit/evaluate; summary() counts them from then
        self._state = {}
        self._weights = {}   # id -> every weight updated so far, in first-update order (for `variables`)

    @property
    def iterations(self):
        """The number of steps taken so far (a StepCount: an int with Keras's numpy() / assign()); with
        gradient_accumulation_steps, the number of weight updates (calls // steps), as Keras."""
        steps = getattr(self, "gradient_accumulation_steps", None)
        return StepCount(self._iterations // steps if steps else self._iterations, self)

    @iterations.setter
    def iterations(self, value):
        self._iterations = int(value)

    # ----- learning rate ---------------------------------------------------------------------------
    @property
    def learning_rate(self):
        """The current learning rate: with a schedule, its value at the number of apply calls so far (the rate
        the next step will use, as Keras reports it); settable; callbacks change it through `param_groups`."""
        if self._schedule is not None:
            # as Keras: the schedule reads the count of apply calls, which with gradient_accumulation_steps is
            # not `iterations` (the count of weight updates)
            return LearningRate(float(self._schedule(self._iterations)), self)
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
    def variables(self):
        """Keras's `optimizer.variables`: the step count ('iteration'), the learning rate (unless a schedule sets
        it), then each updated weight's slots, weight by weight, named '<weight path with _>_<slot>' as Keras
        names them. The slots share memory with the optimizer's state; the two scalars are copies."""
        from .variables import Variable
        out = [Variable(np.int32(self._iterations), dtype="int32", name="iteration", trainable=False)]
        if self._schedule is None:
            out.append(Variable(np.float32(self._group["lr"]), dtype="float32", name="learning_rate",
                                trainable=False))
        # Keras lists the use_ema averages of all weights, then their gradient accumulators, then the slots
        # weight by weight
        passes = [((slot,), self._weights.items()) for slot in self._extra_slot_names()]
        passes += [(group, [item]) for group in self._slot_groups() for item in self._weights.items()]
        unscoped = set()
        for slot_names, weights in passes:
            for key, weight in weights:
                prefix = str(getattr(weight, "path", None) or getattr(weight, "name", "variable")).replace("/", "_")
                slots = self._state.get(key, {})
                for slot in slot_names:
                    if slot not in slots:
                        continue
                    if slot in ("row", "column"):
                        # Keras names Adafactor's factored statistics after the weight alone, and makes the
                        # scalar placeholders of weights under 2 axes outside the optimizer's name scope
                        variable = Variable.view(slots[slot], weight.device, str(getattr(weight, "name", prefix)))
                        if not slots[slot].ndim:
                            unscoped.add(id(variable))
                    else:
                        variable = Variable.view(slots[slot], weight.device,
                                                 f"{prefix}_{_KERAS_SLOT_NAMES.get(slot, slot)}")
                    out.append(variable)
        if self._weights:
            trailing = self._trailing_variables()
            if self._trailing_unscoped:
                unscoped.update(id(v) for v in trailing)
            out += trailing
        out += self.__dict__.get("_custom_variables", [])   # those a subclass's build added
        for variable in out:
            variable.path = variable.name if id(variable) in unscoped else f"{self.name}/{variable.name}"
        return out

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
            # module order, not the Keras names' order of Layer.parameters(): the optimizer's variables follow it
            self._group["params"] = [p for _, p in Module.named_parameters(self._model) if p.requires_grad]
        return self._group["params"]

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of the optimised weights."""
        for p in self._params():
            p.grad = None

    def step(self):
        """One update of every optimised weight that has a gradient (through a subclass's apply when it has one,
        as Keras's fit calls optimizer.apply)."""
        pairs = [(p, p.grad) for p in self._params() if p.grad is not None]
        if self._custom_apply() and self.loss_scale_factor is None:
            self.apply([g for _, g in pairs], [p for p, _ in pairs])
            return
        self._apply([(p, arrays.array(g)) for p, g in pairs])

    def apply_gradients(self, grads_and_vars):
        """Keras's custom-loop entry point: update each variable with its gradient (Tensors or arrays), divided by
        loss_scale_factor when one is set (the gradients of a scale_loss'ed loss)."""
        if self._custom_apply() and not self.__dict__.get("_in_apply"):   # Keras's apply_gradients calls apply
            grads_and_vars = list(grads_and_vars)
            self.apply([g for g, _ in grads_and_vars], [v for _, v in grads_and_vars])
            return
        pairs = [(v, g) for g, v in grads_and_vars if g is not None]
        pairs = [(v, arrays.array(g) if hasattr(g, "grad_fn") else v.device.asarray(np.asarray(g))) for v, g in pairs]
        if self.loss_scale_factor is not None:
            pairs = [(v, g / self.loss_scale_factor) for v, g in pairs]
        self._apply(pairs)

    def _custom_apply(self):
        """Whether a subclass defines apply (then fit's and apply_gradients' gradients go through it)."""
        return type(self).apply is not Optimizer.apply

    def apply(self, grads, trainable_variables=None):
        """apply_gradients(zip(grads, trainable_variables))."""
        variables = trainable_variables if trainable_variables is not None else self._params()
        self.__dict__["_in_apply"] = True
        try:
            self.apply_gradients(zip(grads, variables))
        finally:
            self.__dict__["_in_apply"] = False

    def _apply(self, pairs):
        if not pairs:
            return
        for p, _ in pairs:
            self._weights.setdefault(id(p), p)
        pairs = overwrite_marked(self, pairs)
        if not pairs:   # only overwritten weights: no step, but the iteration counts, as Keras
            self._iterations += 1
            return
        if self.gradient_accumulation_steps:
            pairs = self._accumulated(pairs)
        if pairs:
            self._update_all(pairs)
        if self.use_ema:
            self._update_averages()
        constraints.apply(list(self._weights.values()) if self.use_ema else [p for p, _ in pairs])
        self._iterations += 1

    def _update_all(self, pairs):
        if self._schedule is not None:
            self._group["lr"] = float(self._schedule(self._iterations))
        grads = self._clipped([g for _, g in pairs], pairs[0][0].device.xp)
        lr = self._group["lr"]
        self._begin_step()
        if self._custom_update_step():
            with no_grad():
                if self.weight_decay:
                    for p, _ in pairs:
                        if self._decays(p):
                            arrays.array(p)[...] *= 1.0 - self.weight_decay * lr
                            arrays.mark_changed(p)
                self._custom_steps(pairs, grads, lr)
            return
        with no_grad():
            for (p, _), g in zip(pairs, grads):
                w = arrays.array(p)
                self._step_weight(p, w, g.astype(w.dtype, copy=False), self._state.setdefault(id(p), {}), lr)
                arrays.mark_changed(p)

    def _step_weight(self, p, w, g, state, lr):
        """Decay weight `p` (array `w`) when weight_decay applies to it, then take this optimizer's step."""
        if self.weight_decay and self._decays(p):
            w *= 1.0 - self.weight_decay * lr
        self._update_on(p.device, w, g, state, lr)

    def _update_on(self, device, w, g, state, lr):
        """This optimizer's update of array `w` from gradient `g` on `device` (those with fused device
        updates override this; the rest take the device's array module)."""
        self._update(device.xp, w, g, state, lr)

    def _accumulated(self, pairs):
        """Keras's gradient accumulation: add the gradients to each weight's accumulator; on every
        gradient_accumulation_steps-th call, return the pairs with the mean gradient (and empty the accumulators),
        else return no pairs (no update this call)."""
        steps = self.gradient_accumulation_steps
        update = (self._iterations + 1) % steps == 0
        out = []
        for p, g in pairs:
            w = arrays.array(p)
            total = self._state.setdefault(id(p), {}).setdefault("gradient_accumulator", p.device.xp.zeros_like(w))
            if update:
                out.append((p, (g.astype(w.dtype, copy=False) + total) / steps))
                total[...] = 0
            else:
                total += g.astype(w.dtype, copy=False)
        return out

    def _update_averages(self):
        """Keras's use_ema: move each weight's moving average towards it (ema_momentum; the first step copies the
        weight), and every ema_overwrite_frequency steps copy the averages into the weights."""
        momentum = self.ema_momentum if self.iterations != 0 else 0.0
        overwrite = self.ema_overwrite_frequency and (self.iterations + 1) % self.ema_overwrite_frequency == 0
        with no_grad():
            for key, p in self._weights.items():
                w = arrays.array(p)
                average = self._state.setdefault(key, {}).setdefault("average", p.device.xp.zeros_like(w))
                average *= momentum
                average += (1.0 - momentum) * w
                if overwrite:
                    w[...] = average
                    arrays.mark_changed(p)

    def ema_pairs(self):
        """use_ema: (weight, its moving-average array) for each weight updated so far, in update order (the
        pairs keras.callbacks.SwapEMAWeights swaps)."""
        return [(p, self._state.setdefault(key, {}).setdefault("average", p.device.xp.zeros_like(arrays.array(p))))
                for key, p in self._weights.items()]

    def finalize_variable_values(self, var_list):
        """At the end of fit (Keras calls it there too): with use_ema, set each variable of `var_list` to its
        moving average; otherwise nothing."""
        if not self.use_ema:
            return
        with no_grad():
            for p in var_list:
                average = self._state.get(id(p), {}).get("average")
                if average is not None:
                    arrays.array(p)[...] = average
                    arrays.mark_changed(p)

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """The updated trainable variables and optimizer variables (two lists of tensors) after applying `grads` to
        the given values, leaving this optimizer and the weights unchanged."""
        return optimizer_stateless.stateless_apply(self, optimizer_variables, grads, trainable_variables)

    def scale_loss(self, loss):
        """`loss` times loss_scale_factor when one is set (apply() divides the gradients by it again)."""
        return loss if self.loss_scale_factor is None else loss * self.loss_scale_factor

    def build(self, variables):
        """Get ready to optimise `variables`: make each one's slots (listed in `variables`) with the values Keras
        starts them at. Unbuilt, an optimizer makes them at the first update."""
        for variable in variables:
            self._weights.setdefault(id(variable), variable)
            state = self._state.setdefault(id(variable), {})
            for slot in self._extra_slot_names() + self._slot_names():
                if slot not in state:
                    value = self._initial_slot(slot, variable)
                    if value is not None:
                        state[slot] = value
        self._index_variables(variables)
        if self.__dict__.get("_built_over") is None:
            self._built_over = list(variables)
        self.built = True

    @property
    def built(self):
        """Whether Keras would have made the optimizer's variables (build(), fit, evaluate or a load)."""
        return self.__dict__.get("_built", False)

    @built.setter
    def built(self, value):
        # the first time it is built, the slots are those of the model's trainable weights of that moment
        model = self.__dict__.get("_model")
        if value and not self.built and self.__dict__.get("_built_over") is None and model is not None and not any(
                getattr(layer, "built", True) is False for layer in model.modules()):
            # (an unbuilt model gets its weights in Keras's symbolic build, before the optimizer is built: its slots
            # are then taken at the first update, over the weights updated)
            self._built_over = list(getattr(model, "trainable_weights", None) or []) or None
        self._built = bool(value)

    def _build_var_list(self, var_list):
        """Get ready to optimise `var_list`: build() under the argument name Keras's optimizers other than SGD
        take."""
        Optimizer.build(self, var_list)

    def _initial_slot(self, slot, variable):
        """The array slot `slot` of `variable` starts as (zeros of slot_shape), or None where the optimizer
        keeps no such slot for it."""
        w = arrays.array(variable)
        return variable.device.xp.zeros(self.slot_shape(slot, w.shape), w.dtype)

    def _slot_groups(self):
        """The slots in the order Keras lists them: group by group, and within a group weight by weight."""
        return (self._slot_names(),)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Leave out of weight decay the variables in `var_list` and those whose name matches one of the regular
        expressions `var_names` (e.g. ['bias', 'gamma']); only before the optimizer is built, as Keras."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._no_decay_ids = {id(v) for v in var_list or ()}
        self._no_decay_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _decays(self, variable):
        if id(variable) in getattr(self, "_no_decay_ids", ()):
            return False
        pattern = getattr(self, "_no_decay_pattern", None)
        return pattern is None or pattern.search(str(getattr(variable, "name", ""))) is None

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

    def slot_shape(self, slot, shape):
        """The shape of the per-weight slot `slot` for a weight of `shape` (the weight's own, unless a subclass
        keeps smaller statistics); load_model checks saved slots against it."""
        return tuple(shape)

    def count_variables(self, weights):
        """(values, bytes) of Keras's `optimizer.variables` for the trainable `weights`: the step count, the
        learning rate (a variable unless a schedule sets it) and each weight's slots; summary() prints them as
        "Optimizer params". Once build() has made the slots, they count for the weights it made them for (a
        layer popped later keeps its slots, one added later has none), as Keras's variables."""
        weights = self.__dict__.get("_built_over") or weights
        scalars = 1 + (self._schedule is None)
        slots = [(self._slot_count(tuple(w.shape)) + len(self._extra_slot_names()) * math.prod(w.shape),
                  w.dtype.itemsize) for w in weights]
        return scalars + sum(n for n, _ in slots), 4 * scalars + sum(n * size for n, size in slots)

    def _slot_count(self, shape):
        """The values of the slots Keras builds for one weight of `shape` (slot_shape gives each one's shape)."""
        return sum(math.prod(self.slot_shape(slot, shape)) for slot in self._slot_names())

    def _slot_names(self):
        """The slots Keras builds for every trainable weight (plain gradient descent keeps none)."""
        return ()

    def _extra_slot_names(self):
        """The slots every optimizer keeps per weight for use_ema and gradient accumulation (before its own)."""
        return ("average",) * bool(self.use_ema) + ("gradient_accumulator",) * bool(self.gradient_accumulation_steps)

    _trailing_unscoped = False   # whether Keras makes the trailing variables outside the optimizer's name scope

    def _trailing_variables(self):
        """Variables Keras keeps after the slots (none here; Nadam has one)."""
        return []

    def _trailing_values(self):
        """The values of `_trailing_variables`, as NumPy arrays (what a weights file stores after the slots)."""
        return [np.asarray(v.numpy()) for v in self._trailing_variables()]

    def _set_trailing_values(self, values):
        """Set the state `_trailing_variables` stand for from saved values (none here)."""

    def _extra_state(self):
        """{name: NumPy array} of the state a '.keras' file keeps beyond the step count, rate and slots."""
        return {f"trailing/{k}": value for k, value in enumerate(self._trailing_values())}

    def _set_extra_state(self, stored):
        """Restore `_extra_state`'s entries from `stored` (name -> array; empty for a file written without them)."""
        values = [stored[f"trailing/{k}"] for k in range(len(stored)) if f"trailing/{k}" in stored]
        if values:
            self._set_trailing_values(values)

    def _begin_step(self):
        """Advance state shared by all weights once per step (before the per-weight updates)."""

    def _update(self, xp, w, g, state, lr):
        raise TypeError(f"{type(self).__name__} does not define _update")

    # ----- state as arrays (Keras's set_weights / save_own_variables / load_own_variables) ----------------
    def set_weights(self, weights):
        """Set the optimizer's variables, in `variables` order, from the arrays `weights` (built optimizers only)."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                             "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        variables = self.variables
        for variable, weight in zip(variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(f"Optimizer variable {variable.path} has shape {tuple(variable.shape)} not "
                                 f"compatible with provided weight shape {tuple(np.shape(weight))}.")
        self._assign_variables(variables, weights)

    def save_own_variables(self, store):
        """Write each variable's values into the dict-like `store` under '0', '1', ... (`variables` order)."""
        for k, variable in enumerate(self.variables):
            store[str(k)] = variable.numpy()

    def load_own_variables(self, store):
        """Read back what save_own_variables wrote; a store holding another number of variables is skipped with
        Keras's warning (as for an optimizer not built yet)."""
        variables = self.variables
        if len(store.keys()) != len(variables):
            message = (f"Skipping variable loading for optimizer '{self.name}', because it has {len(variables)} "
                       f"variables whereas the saved optimizer has {len(store.keys())} variables. ")
            if not variables:
                message += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(message, stacklevel=2)
            return
        self._assign_variables(variables, [store[str(k)] for k in range(len(variables))])

    def _assign_variables(self, variables, values):
        # the step count, the rate and the trailing variables are copies in `variables`: they are set on the
        # optimizer itself
        trailing = len(self._trailing_variables()) if self._weights else 0
        if trailing and len(values) == len(variables):   # they come just before a subclass's own variables
            end = len(values) - len(self.__dict__.get("_custom_variables", []))
            self._set_trailing_values([np.asarray(v) for v in values[end - trailing:end]])
            variables, values = variables[:end - trailing] + variables[end:], values[:end - trailing] + values[end:]
        for k, (variable, value) in enumerate(zip(variables, values)):
            if k == 0 and variable.name == "iteration":
                self._iterations = int(np.asarray(value))
            elif k == 1 and variable.name == "learning_rate" and self._schedule is None:
                self._group["lr"] = float(np.asarray(value))
            else:
                variable.assign(value)

    def get_config(self):
        """The hyper-parameters (learning_rate: the schedule when there is one, else the current rate)."""
        config = {k: v for k, v in vars(self).items() if not k.startswith("_") and k not in ("iterations", "built")}
        if not type(self).__module__.startswith("nn.keras"):   # a user's subclass: its base's settings, as Keras
            base = next(c for c in type(self).__mro__ if c.__module__.startswith("nn.keras"))
            keep = set(inspect.signature(base.__init__).parameters) | set(
                inspect.signature(Optimizer.__init__).parameters)
            config = {k: v for k, v in config.items() if k in keep}
        if self._schedule is not None:   # Keras writes a schedule as its serialized dict
            from .saving.serialization import serialize_keras_object
            config["learning_rate"] = serialize_keras_object(self._schedule)
        else:   # a plain float, as Keras's config (not the live variable)
            config["learning_rate"] = float(self.learning_rate)
        # Keras's key order: the base optimizer's settings first, then the subclass's own
        head = {k: config[k] for k in _BASE_CONFIG_KEYS if k in config}
        return {**head, **{k: v for k, v in config.items() if k not in head}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new optimizer from get_config's dict (a serialized schedule made again)."""
        from .saving.serialization import deserialize_keras_object
        return cls(**{k: deserialize_keras_object(v, custom_objects) for k, v in config.items()})



def keras_argument_order(*classes):
    """Give each optimizer class's constructor Keras's signature: its own arguments, then the Optimizer arguments
    it does not list (weight_decay, clipnorm, ..., name), then **kwargs (so SGD(0.1, 0.9, False, 1e-4) sets
    weight_decay, as in Keras)."""
    with_parent_arguments(Optimizer.__init__, *classes)
