"""Metric state kept in keras.Variables under Keras's names (AUC's true_positives, IoU's total_confusion_matrix,
...), so that `metric.variables` lists what Keras lists and assigning a variable changes the metric's result."""
import numpy as np

from autograd import Tensor

from .variables import Variable


class StateVariable:
    """A metric attribute held in a non-trainable keras.Variable of the attribute's name, as Keras holds it.

    Reading gives the Variable (None until the metric is built, for metrics that learn their shape from the
    first batch); setting an array or number assigns it (making the Variable, or remaking it when the shape
    changes); setting None forgets it. Its dtype is the metric's `_state_dtype` when set, else the metric's."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, metric, owner=None):
        if metric is None:
            return self
        return vars(metric).get("_state_vars", {}).get(self.name)

    def __set__(self, metric, value):
        made = vars(metric).setdefault("_state_vars", {})
        if value is None:
            made.pop(self.name, None)
            return
        values = np.asarray(value.numpy() if isinstance(value, Tensor) else value)
        variable = made.get(self.name)
        if variable is not None and tuple(variable.shape) == values.shape:
            variable.assign(values)
            return
        dtype = np.dtype(getattr(metric, "_state_dtype", None) or metric.dtype or "float32")
        variable = Variable(values.astype(dtype), dtype=dtype, name=self.name, trainable=False)
        variable.path = f"{vars(metric).get('_path_name') or metric.name}/{self.name}"   # the name it was made with
        made[self.name] = variable


def state_variables(metric):
    """The metric's StateVariable values that exist now, in the order they were made (Keras's order)."""
    return list(vars(metric).get("_state_vars", {}).values())


def state(metric, name, default=0.0):
    """The values of state variable `name` as float64 NumPy (a 0-d one as a float); `default` when not made."""
    variable = vars(metric).get("_state_vars", {}).get(name)
    if variable is None:
        return default
    values = np.asarray(variable.numpy(), np.float64)
    return float(values) if values.ndim == 0 else values


def add_state(metric, name, delta):
    """Add `delta` to state variable `name` (made from `delta` when it does not exist yet)."""
    setattr(metric, name, state(metric, name) + np.asarray(delta, np.float64))
