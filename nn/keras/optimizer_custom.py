"""The part of Keras 3's Optimizer API that user-written optimizers use: `build(var_list)` making slot variables
with `add_variable` / `add_variable_from_reference`, `update_step(gradient, variable, learning_rate)` written with
keras.ops and `self.assign` / `assign_add` / `assign_sub`, `_get_variable_index(variable)`, and overriding
`apply(grads, trainable_variables)` (which fit and apply_gradients go through, as in Keras) to change the
gradients first (gradient centralization, ...).

A built-in optimizer's update_step is its own formula on one variable, so a subclass may override update_step
and call super().update_step with a changed gradient."""
import numpy as np

import autograd as ag
from autograd import arrays


class CustomOptimizerAPI:
    """Mixin for Optimizer: Keras's hooks for subclasses (see the module docstring)."""

    def _custom_update_step(self):
        """Whether a subclass defines update_step (then every weight is updated through it)."""
        return type(self).update_step is not CustomOptimizerAPI.update_step

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None):
        """A new optimizer variable (not trained) of `shape` from `initializer`, listed in `variables`."""
        from .variables import Variable
        variable = Variable(initializer, shape=tuple(shape), dtype=dtype, trainable=False,
                            name=name or "variable", aggregation=aggregation)
        variable.path = f"{self.name}/{variable.name}"
        self.__dict__.setdefault("_custom_variables", []).append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A new variable with `reference_variable`'s shape and dtype, named '<its path with _>_<name>' (Keras)."""
        prefix = getattr(reference_variable, "path", None) or str(getattr(reference_variable, "name", "variable"))
        return self.add_variable(tuple(reference_variable.shape), initializer, reference_variable.dtype,
                                 name=f"{prefix.replace('/', '_').replace(':', '_')}_{name or 'var'}")

    def _get_variable_index(self, variable):
        """The position of `variable` in the list build() was given."""
        try:
            return self.__dict__["_variable_index"][id(variable)]
        except KeyError:
            raise KeyError(f"{type(self).__name__}: the variable {getattr(variable, 'path', '?')} was not among the "
                           "variables build() was given; build the optimizer with every trainable variable") from None

    def _var_key(self, variable):
        return id(variable)

    @staticmethod
    def assign(variable, value):
        """variable.assign(value)."""
        variable.assign(value)

    @staticmethod
    def assign_add(variable, value):
        """variable.assign_add(value)."""
        variable.assign_add(value)

    @staticmethod
    def assign_sub(variable, value):
        """variable.assign_sub(value)."""
        variable.assign_sub(value)

    def update_step(self, gradient, variable, learning_rate):
        """Update one variable from its gradient with this optimizer's formula (what a subclass overrides, or
        calls through super() with a changed gradient)."""
        w = arrays.array(variable)
        g = arrays.array(gradient) if hasattr(gradient, "grad_fn") else variable.device.asarray(np.asarray(gradient))
        self._update_on(variable.device, w, g.astype(w.dtype, copy=False), self._state.setdefault(id(variable), {}),
                        float(np.asarray(learning_rate)))
        arrays.mark_changed(variable)

    def _custom_steps(self, pairs, grads, lr):
        """Update each (variable, gradient array) through update_step, building first (with the variables in
        the order given) when a subclass's build has not run."""
        if "_variable_index" not in self.__dict__:
            self.build([p for p, _ in pairs])
        rate = ag.tensor(np.float32(lr))
        for (p, _), g in zip(pairs, grads):
            self.update_step(arrays.wrap(g, p.device), p, rate)

    def _index_variables(self, variables):
        """Remember each variable's position for _get_variable_index (build calls it)."""
        self.__dict__["_variable_index"] = {id(v): k for k, v in enumerate(variables)}
