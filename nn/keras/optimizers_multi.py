"""keras.optimizers.OptimizerMap and MultiOptimizer: each trainable variable is updated by the optimizer its path
selects (an exact key, else the one regular expression that fully matches it, else the default), or that a
callable returns for it. MultiOptimizer counts its own steps; each part counts, builds and keeps the slots of its
own variables, and `variables` lists its step count and (unused, zero) rate, then each part's in turn, as Keras."""
import re
from collections.abc import MutableMapping

import numpy as np

from autograd import arrays

from .optimizer_base import Optimizer
from .loss_scale_optimizer import LossScaleOptimizer


def _check_part(optimizer, where):
    """Raise Keras's error when `optimizer` cannot be one part of a MultiOptimizer."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"{where}: optimizer must be a Keras Optimizer instance. Received: {optimizer!r}")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{where}: optimizer cannot be LossScaleOptimizer (set loss_scale_factor on the "
                         "MultiOptimizer instead).")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: optimizer cannot be MultiOptimizer (list its parts in one OptimizerMap).")


class OptimizerMap(MutableMapping):
    """A mapping from variable paths (or regular expressions fully matching them) to optimizers, with
    `default_optimizer` for paths no key matches; calling it on a variable gives that variable's optimizer."""

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(f"default_optimizer must be a Keras Optimizer instance. Received: {default_optimizer!r}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map!r}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = dict(optimizer_map or {})

    @property
    def default_optimizer(self):
        """The optimizer of variables no key matches."""
        return self._default_optimizer

    def __getitem__(self, key):
        """The optimizer for path `key`: its exact key's, else the one pattern's that re.fullmatch-es it, else the
        default; a path that two patterns match is an error."""
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}. (OptimizerMap: the patterns "
                             f"{matches} all match it; make them exclusive)")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key, optimizer):
        if key in self._optimizer_map:
            raise ValueError(f"'{key}' already exists in the OptimizerMap with value {self._optimizer_map[key]}. "
                             "Please make sure to not use duplicated keys.")
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key!r}")
        _check_part(optimizer, "OptimizerMap")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        """The optimizer for `variable` (by its path)."""
        return self[variable.path]

    def get_config(self):
        """default_optimizer and optimizer_map, serialized."""
        from .saving.serialization import serialize_keras_object
        return {"default_optimizer": serialize_keras_object(self._default_optimizer),
                "optimizer_map": {key: serialize_keras_object(opt) for key, opt in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The map made again from get_config's dict."""
        from .saving.serialization import deserialize_keras_object
        default = deserialize_keras_object(config["default_optimizer"], custom_objects)
        mapping = config.get("optimizer_map") or {}
        if isinstance(mapping, dict) and "config" in mapping and "class_name" in mapping:   # a serialized dict
            mapping = mapping["config"]
        return cls(default, {key: deserialize_keras_object(value, custom_objects) for key, value in mapping.items()})


class MultiOptimizer(Optimizer):
    """Updates each variable with the optimizer `optimizer_map` (an OptimizerMap, or a callable taking a
    variable) gives it; `loss_scale_factor` is handed to every part. It has no learning rate of its own."""

    def __init__(self, optimizer_map, loss_scale_factor=None, name=None):
        self._inner_optimizers = []
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor, name=name)
        if not callable(optimizer_map):
            raise TypeError(f"MultiOptimizer: optimizer_map must be an OptimizerMap or a callable taking a variable "
                            f"and returning its optimizer. Received: {optimizer_map!r}")
        self._optimizer_map = optimizer_map
        self._routes = {}   # id(variable) -> index into _inner_optimizers
        parts = list(optimizer_map.values()) if hasattr(optimizer_map, "values") else []
        default = getattr(optimizer_map, "default_optimizer", None)
        for part in parts + ([default] if default is not None else []):
            self._add_part(part)

    def _add_part(self, optimizer):
        if not any(optimizer is part for part in self._inner_optimizers):
            optimizer.loss_scale_factor = self.loss_scale_factor
            self._inner_optimizers.append(optimizer)
        return next(k for k, part in enumerate(self._inner_optimizers) if part is optimizer)

    @property
    def optimizers(self):
        """The parts, in the order their variables are listed."""
        return self._inner_optimizers

    @property
    def learning_rate(self):
        raise AttributeError("Learning rate cannot be accessed on a MultiOptimizer. Access the learning rate on the "
                             "individual sub-optimizers instead.")

    @learning_rate.setter
    def learning_rate(self, value):
        raise AttributeError("Learning rate cannot be set on a MultiOptimizer. Set the learning rate on the "
                             "individual sub-optimizers instead.")

    lr = learning_rate

    @property
    def loss_scale_factor(self):
        """The factor scale_loss multiplies the loss by; setting it sets every part's."""
        return self.__dict__.get("_loss_scale_factor")

    @loss_scale_factor.setter
    def loss_scale_factor(self, value):
        self.__dict__["_loss_scale_factor"] = value
        for part in self.__dict__.get("_inner_optimizers", ()):
            part.loss_scale_factor = value

    # ----- routing ----------------------------------------------------------------------------------
    def _route(self, variable):
        """The index of the part that updates `variable` (asked of the map once per variable)."""
        key = id(variable)
        if key not in self._routes:
            part = self._optimizer_map(variable)
            if not isinstance(part, Optimizer):
                raise ValueError(f"Optimizer for variable {getattr(variable, 'path', variable)} is not an Optimizer "
                                 f"instance (MultiOptimizer's map returned {part!r}).")
            if isinstance(part, LossScaleOptimizer):
                raise ValueError("LossScaleOptimizer cannot be used inside an MultiOptimizer.")
            if isinstance(part, MultiOptimizer):
                raise ValueError("MultiOptimizer cannot be used inside an MultiOptimizer.")
            self._routes[key] = self._add_part(part)
        return self._routes[key]

    def _grouped(self, pairs):
        """[(part, its pairs)] for (variable, gradient) `pairs`, parts in order, those without any left out."""
        groups = [[] for _ in self._inner_optimizers]
        for variable, grad in pairs:
            index = self._route(variable)
            groups += [[] for _ in range(len(self._inner_optimizers) - len(groups))]
            groups[index].append((variable, grad))
        return [(part, group) for part, group in zip(self._inner_optimizers, groups) if group]

    def build(self, var_list):
        """Give each variable to its part and build every part that got some."""
        if self.built and self._routes:
            return
        variables = list(var_list)
        for part, group in self._grouped([(v, None) for v in variables]):
            part.build([v for v, _ in group])
        self._trainable_variables = variables
        self.built = True

    # ----- stepping ---------------------------------------------------------------------------------
    def _params(self):
        params = super()._params()
        for part in self._inner_optimizers:   # a part stepped by hand sees the model's weights too
            part._model = self._model
        return params

    def step(self):
        """One update: each weight with a gradient by its part."""
        pairs = [(p, p.grad) for p in self._params() if p.grad is not None]
        if not pairs:
            return
        for part, group in self._grouped(pairs):
            if part._custom_apply():
                part.apply([g for _, g in group], [p for p, _ in group])
            else:
                part._apply([(p, arrays.array(g)) for p, g in group])
        self._iterations += 1

    def apply(self, grads, trainable_variables=None):
        """Update `trainable_variables` (those build() was given when None) with `grads`, each by its part (which
        divides by loss_scale_factor when one is set)."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if "_trainable_variables" not in self.__dict__:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on a "
                                 "list of variables. Call `optimizer.build(trainable_variables)` first.")
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(f"Gradients must match trainable variables one-to-one. Received {len(grads)} gradients "
                             f"and {len(trainable_variables)} variables.")
        if not self.built or not self._routes:
            self.build(trainable_variables)
        for part, group in self._grouped([(v, g) for g, v in zip(grads, trainable_variables)]):
            part.apply_gradients([(g, v) for v, g in group])
        self._iterations += 1

    def apply_gradients(self, grads_and_vars):
        """apply() with (gradient, variable) pairs."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def _custom_apply(self):
        return False

    def finalize_variable_values(self, var_list):
        """Each part's finalize_variable_values on its own variables (use_ema averages)."""
        for part, group in self._grouped([(v, None) for v in var_list]):
            part.finalize_variable_values([v for v, _ in group])

    # ----- state ------------------------------------------------------------------------------------
    @property
    def state(self):
        """The parts' per-weight slots together ({id(weight): {slot: array}})."""
        merged = {}
        for part in self._inner_optimizers:
            merged.update(part.state)
        return merged

    @property
    def variables(self):
        """Its step count and learning rate (0), then each part's variables, part by part (Keras's order)."""
        own = super().variables
        return own + [v for part in self._inner_optimizers for v in part.variables]

    def count_variables(self, weights):
        """(values, bytes) of `variables` for the trainable `weights`, each counted by its part."""
        values, size = 2, 8
        groups = {id(part): [] for part in self._inner_optimizers}
        for weight in weights:
            groups[id(self._inner_optimizers[self._route(weight)])].append(weight)
        for part in self._inner_optimizers:
            n, b = part.count_variables(groups[id(part)])
            values, size = values + n, size + b
        return values, size

    def set_weights(self, weights):
        """Set `variables` (its step count, then each part's step count, rate and slots) from a list of values
        in that order."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                             "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        expected = len(self.variables)
        if len(weights) != expected:
            raise ValueError(f"MultiOptimizer.set_weights: expected {expected} values (its variables), got "
                             f"{len(weights)}")
        self._iterations = int(np.asarray(weights[0]))
        self._group["lr"] = float(np.asarray(weights[1]))   # unused, but listed in `variables` as Keras keeps it
        position = 2
        for part in self._inner_optimizers:
            count = len(part.variables)
            set_optimizer_weights(part, weights[position:position + count])
            position += count

    def get_config(self):
        """optimizer_map (serialized), loss_scale_factor and name."""
        from .saving.serialization import serialize_keras_object
        return {"optimizer_map": serialize_keras_object(self._optimizer_map),
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The optimizer made again from get_config's dict."""
        from .saving.serialization import deserialize_keras_object
        config = dict(config)
        config["optimizer_map"] = deserialize_keras_object(config["optimizer_map"], custom_objects)
        return cls(**config)


def set_optimizer_weights(optimizer, values):
    """Set a plain optimizer's `variables` (step count, rate unless a schedule sets it, slots) from `values`."""
    variables = optimizer.variables
    if len(values) != len(variables):
        raise ValueError(f"{optimizer.name}.set_weights: expected {len(variables)} values, got {len(values)}")
    optimizer.iterations = int(np.asarray(values[0]))
    start = 1
    if optimizer._schedule is None:
        optimizer._group["lr"] = float(np.asarray(values[1]))
        start = 2
    for variable, value in zip(variables[start:], values[start:]):
        variable.assign(value)   # a slot variable is a view of the optimizer's own array
