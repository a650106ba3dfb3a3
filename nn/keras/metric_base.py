"""The base of keras.metrics: host conversion and Keras's rank and weight matching, the Metric class (with
nn's Metric interface), Mean, Sum, MeanMetricWrapper and the factory of wrapper classes."""
import contextlib
import inspect

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ShapeError

from ..training.metrics import Metric as NNMetric
from . import masking, settings
from .metric_state import state, state_variables
from .naming import snake_case, unique_name
from .variables import Variable


def _defined_here(cls, method):
    """Whether `cls` takes `method` from a class of this package (not from a user's subclass)."""
    owner = next(c for c in cls.__mro__ if method in vars(c))
    return owner.__module__.startswith(__name__.rsplit(".", 1)[0])


def _host(value):
    if isinstance(value, Tensor):
        return value.numpy()
    return np.asarray(value)


def _widened(array, dtype):
    """A float16 or bfloat16 array in the metric's dtype (Keras converts a mixed-precision model's outputs to it
    before a metric reads them), anything else as it is."""
    if array.dtype.itemsize == 2 and (array.dtype.kind == "f" or array.dtype.name == "bfloat16") and dtype:
        return array.astype(dtype)
    return array


def _match_rank(y_true, y_pred):
    """Both arrays at one rank when they differ by a trailing axis of size 1, as Keras's metrics: a rank-1 array
    gains the axis ((N,) labels against (N, 1) outputs give one value per example, not one per batch), a higher
    one loses it from the other."""
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        if y_true.ndim == 1:
            y_true = y_true.reshape(y_true.shape + (1,))
        else:
            y_pred = y_pred.reshape(y_pred.shape[:-1])
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        if y_pred.ndim == 1:
            y_pred = y_pred.reshape(y_pred.shape + (1,))
        else:
            y_true = y_true.reshape(y_true.shape[:-1])
    return y_true, y_pred


def _weights_like(sample_weight, values):
    """sample_weight broadcast to the per-example values (trailing axes added or squeezed)."""
    if sample_weight is None:
        return np.ones_like(values, dtype=np.float64)
    weight = _host(sample_weight).astype(np.float64)
    while weight.ndim > values.ndim and weight.shape[-1] == 1:
        weight = weight.reshape(weight.shape[:-1])
    while weight.ndim < values.ndim:
        weight = weight[..., None]
    return np.broadcast_to(weight, values.shape)


def _same_rank(x1, x2):
    """Keras's rank matching of values and weights: when the ranks differ by one and the larger ends in a
    1-sized axis, that axis goes (or, for a rank-1 partner, the partner gains one)."""
    for swap in (False, True):
        a, b = (x2, x1) if swap else (x1, x2)
        if a.ndim == b.ndim + 1 and a.shape[-1] == 1:
            a, b = (a, b[..., None]) if b.ndim == 1 else (a[..., 0], b)
        x1, x2 = (b, a) if swap else (a, b)
    return x1, x2


def _samplewise(values, sample_weight, reduce):
    """Keras's reduction of a batch before it is added to a Mean or Sum: the values (times their weights)
    reduced with `reduce` to one per sample, and the weights reduced to one per sample (None without weights)."""
    weight = None
    if sample_weight is not None:
        values, weight = _same_rank(values, _host(sample_weight).astype(np.float64))
        if values.ndim > weight.ndim:
            values = reduce(values, axis=tuple(range(weight.ndim, values.ndim)))
        weight = np.broadcast_to(weight, values.shape)
        values = values * weight
        if weight.ndim > 1:
            weight = reduce(weight, axis=tuple(range(1, weight.ndim)))
    if values.ndim > 1:
        values = reduce(values, axis=tuple(range(1, values.ndim)))
    return values, weight


@contextlib.contextmanager
def broadcast_errors(metric, **arrays):
    """Turns NumPy's 'could not be broadcast' inside a metric's update into a ShapeError (a RuntimeError, as the
    torch backend raises, and a ValueError as before) naming the metric and the shapes of `arrays`."""
    try:
        yield
    except ValueError as error:
        if "broadcast" not in str(error) or isinstance(error, ShapeError):
            raise
        shapes = ", ".join(f"{name} of shape {tuple(np.shape(value))}" for name, value in arrays.items()
                           if value is not None)
        raise ShapeError(f"{type(metric).__name__}.update_state: {shapes} do not match; give y_true and y_pred one "
                         "shape (batch, ...) and sample_weight one value per sample (or their shape)") from None


def _path_name(metric):
    """The name a metric's variable paths start with: its name when it was made (renaming it later, as compile
    does for 'mae' or per output, keeps the paths, as in Keras)."""
    return vars(metric).get("_path_name") or metric.name


class Metric(NNMetric):
    """Base of Keras metrics. Subclasses define update_state, result and reset_state."""

    def __init__(self, dtype=None, name=None):
        self.name = name or unique_name(snake_case(type(self).__name__))   # 'precision', then 'precision_1', ...
        self._path_name = self.name   # the variables' path prefix: Keras fixes it when the metric is made
        self.dtype = dtype if dtype is not None else settings.floatx()   # Keras's: floatx() when the metric is made
        self._variables = []
        before = set(vars(self))
        if _defined_here(type(self), "reset_state"):
            # our metrics make their running totals in reset_state; a user's subclass makes them with
            # add_variable after this __init__ returns, as in Keras
            self.reset_state()
        self._state_names = tuple(k for k in vars(self) if k not in before)  # the running totals

    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A state variable (keras.Variable) that update_state changes with assign/assign_add and the default
        reset_state sets back to zeros; shape and initializer are required, as in Keras."""
        if initializer is None:   # Keras fails later, on an 'object' dtype
            raise ValueError(f"{type(self).__name__}.add_variable({name or 'unnamed'!r}): give an initializer (for "
                             "example initializer='zeros'); a metric variable has no default one, as in Keras")
        variable = Variable(initializer, shape=shape, dtype=dtype or self.dtype or "float32",
                            name=name or f"variable_{len(self._variables)}", aggregation=aggregation,
                            synchronization="on_read", trainable=False)
        variable.path = f"{_path_name(self)}/{variable.name}"
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """add_variable under Keras's older name (initializer still required)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """The metric's state variables as Keras lists them (names, shapes, dtypes, order), then those made by
        add_variable / add_weight."""
        return state_variables(self) + list(self._variables)

    def additive_state(self):
        """The numbers reset_state sets and update_state adds to, by name (nn.distributed sums them over the
        ranks so that every rank's result covers every rank's batches)."""
        values = {k: getattr(self, k) for k in self._state_names}
        values = {k: v for k, v in values.items()
                  if isinstance(v, (int, float, np.number, np.ndarray)) and not isinstance(v, bool)}
        values.update({v.name: state(self, v.name) for v in state_variables(self)})
        return values

    def _swap_state(self, values):
        """Put `values` (one per variable, in `variables` order) into the variables; returns the old values."""
        variables = self.variables
        if len(values) != len(variables):
            raise ValueError(f"{self.name}: expected {len(variables)} metric variable values "
                             f"({[v.name for v in variables]}), got {len(values)}")
        old = [v.numpy() for v in variables]
        for variable, value in zip(variables, values):
            variable.assign(value)
        return old

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """Keras's pure update: the variables' new values after update_state(*args) from `metric_variables`,
        leaving the metric itself unchanged."""
        old = self._swap_state(metric_variables)
        try:
            self.update_state(*args, **kwargs)
            return [ag.tensor(v.numpy()) for v in self.variables]
        finally:
            self._swap_state(old)

    def stateless_result(self, metric_variables):
        """Keras's pure result: result() computed from `metric_variables`, leaving the metric unchanged."""
        old = self._swap_state(metric_variables)
        try:
            return self.result()
        finally:
            self._swap_state(old)

    def stateless_reset_state(self):
        """The variables' values after reset_state, leaving the metric unchanged."""
        old = [v.numpy() for v in self.variables]
        try:
            self.reset_state()
            return [ag.tensor(v.numpy()) for v in self.variables]
        finally:
            self._swap_state(old)

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch."""
        raise TypeError(f"{type(self).__name__} does not define update_state")

    def __call__(self, *args, **kwargs):
        """update_state(*args, **kwargs), then the result, as Keras's metrics do when called."""
        self.update_state(*args, **kwargs)
        return self.result()

    def reset_state(self):
        """Forget every batch: every variable made by add_variable back to zeros."""
        for variable in self._variables:
            variable.assign(np.zeros(variable.shape, variable.dtype))

    def value(self):
        """The metric as a Python float (or array): result() on the host (a dict of them for a result() that
        returns a dict)."""
        if type(self).result is Metric.result:
            raise TypeError(f"{type(self).__name__} defines neither result() nor value(): define result()")
        result = self.result()
        if isinstance(result, dict):
            return {name: _host(value) for name, value in result.items()}
        return _host(result)

    def result(self):
        """The metric over every batch since the last reset, as a 0-d Tensor."""
        return ag.tensor(np.float32(self.value()))

    # nn's Metric interface (used by nn's compile/fit): update(output, target), reset()
    def update(self, output, target, weight=None):
        """Add one batch, nn's argument order (model outputs first)."""
        self.update_state(target, output, weight)

    def reset(self):
        """Forget every batch."""
        self.reset_state()

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    #: the keys get_config lists first, in this order, where Keras's config does not start with name and dtype
    _config_leads_with = ()

    def get_config(self):
        """Keras's base config {'name', 'dtype'}; nn.keras's own metrics add their constructor's arguments (read
        back from same-named attributes, and a wrapper's options). A subclass adds its own arguments to this."""
        config = {"name": self.name, "dtype": self.dtype or "float32"}
        if _defined_here(type(self), "__init__"):
            for name, parameter in inspect.signature(type(self).__init__).parameters.items():
                if name not in ("self", "name", "dtype") and parameter.kind not in (parameter.VAR_POSITIONAL,
                                                                                    parameter.VAR_KEYWORD):
                    if hasattr(self, name):
                        config[name] = getattr(self, name)
            config.update(getattr(self, "_fn_kwargs", {}))
        first = [k for k in type(self)._config_leads_with if k in config]
        return {**{k: config[k] for k in first}, **{k: v for k, v in config.items() if k not in first}}

    @classmethod
    def from_config(cls, config):
        """A new metric from get_config's dict: `cls(**config)`."""
        from .saving.serialization import deserialize_keras_object
        return cls(**{k: deserialize_keras_object(v) if isinstance(v, dict) else v for k, v in config.items()})


class Mean(Metric):
    """The (weighted) mean of the values given to update_state(values, sample_weight=None)."""

    _KERAS_STATE = ("total", "count")   # the running totals Keras keeps as the metric's variables
    _reduce = staticmethod(np.mean)        # how a batch's values are reduced to one per sample

    def __init__(self, name="mean", dtype=None):   # Keras's default name is fixed, not numbered
        super().__init__(name=name, dtype=dtype)

    def reset_state(self):
        """Forget every batch."""
        self._total, self._count = 0.0, 0.0   # float64 host numbers; the variables mirror them
        self._sync_variables()

    @property
    def total(self):
        """Keras's 'total' state variable: the running (weighted) sum."""
        return self._state_variable("total")

    @property
    def count(self):
        """Keras's 'count' state variable: the running sum of weights (Sum has none)."""
        return self._state_variable("count")

    def _state_variable(self, name):
        if name in type(self)._KERAS_STATE:
            for variable in self.variables:
                if variable.name == name:
                    return variable
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def update_state(self, values, sample_weight=None):
        """Add values, each weighted by sample_weight (default 1)."""
        self._pull_variables()
        with broadcast_errors(self, values=values, sample_weight=sample_weight):
            values, weight = _samplewise(_host(values).astype(np.float64), sample_weight, type(self)._reduce)
        self._total += float(np.sum(values))
        if weight is not None:
            self._count += float(np.sum(weight))
        else:
            self._count += float(values.shape[0]) if values.ndim else 1.0
        self._sync_variables()

    @property
    def variables(self):
        """Keras's state variables ('total' and 'count'; 'total' alone for Sum), holding the running totals,
        then any made by add_variable."""
        if "_state_variables" not in vars(self):
            dtype = self.dtype or settings.floatx()
            self._state_variables = [Variable(np.zeros((), dtype), dtype=dtype, name=name, trainable=False)
                                     for name in type(self)._KERAS_STATE]
            for variable in self._state_variables:
                variable.path = f"{_path_name(self)}/{variable.name}"
            self._sync_variables()
        self._pull_variables()
        self._sync_variables()
        return self._state_variables + list(self._variables)

    def _running_totals(self):
        """The running totals behind the state variables, by name (a subclass that keeps them elsewhere says
        where)."""
        return {name: vars(self).get("_" + name, 0.0) for name in type(self)._KERAS_STATE}

    def _sync_variables(self):
        """Copy the host running totals into the state variables, once `variables` has made them (the totals
        stay float64 numbers on the host, which nn.distributed sums)."""
        made = vars(self).get("_state_variables")
        if made:
            totals = self._running_totals()
            for variable in made:
                variable.assign(np.asarray(totals[variable.name], variable.dtype))
            self._synced_versions = [v._version for v in made]

    def _pull_variables(self):
        """Take values assigned to the state variables from outside (a restored state, stateless_result) as
        the running totals."""
        made = vars(self).get("_state_variables")
        if made and [v._version for v in made] != vars(self).get("_synced_versions"):
            for variable in made:
                if variable.name in type(self)._KERAS_STATE and "_" + variable.name in vars(self):
                    setattr(self, "_" + variable.name, float(variable.numpy()))
            self._synced_versions = [v._version for v in made]

    def value(self):
        """total / count (0 before any value, as Keras)."""
        self._pull_variables()
        return self._total / self._count if self._count else 0.0

    def update(self, output, target=None, weight=None):
        """Add values (nn style)."""
        self.update_state(output, weight)


class Sum(Mean):
    """The (weighted) sum of the values given."""

    _KERAS_STATE = ("total",)
    _reduce = staticmethod(np.sum)

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def value(self):
        """The running total."""
        self._pull_variables()
        return self._total


class MeanMetricWrapper(Mean):
    """The weighted mean over examples of `fn(y_true, y_pred, **kwargs)` (NumPy arrays in, per-example values out)."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        self.fn, self._fn_kwargs = fn, kwargs
        super().__init__(name=name, dtype=dtype)   # unnamed: 'mean_metric_wrapper', numbered, as Keras

    def __getattr__(self, name):
        # the options Keras's wrapped metrics keep as attributes (metric.threshold, metric.k, ...)
        options = self.__dict__.get("_fn_kwargs")
        if options is not None and name in options:
            return options[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch's per-example values (a mask on y_pred, from a masked sequence model, weighs its
        masked steps 0, as Keras)."""
        if y_true is None or y_pred is None:   # np.asarray(None) would average NaN silently
            raise ValueError(f"Invalid dtype: object: metric '{self.name}' got None for "
                             f"{'y_true' if y_true is None else 'y_pred'} (Keras refuses it too); pass the targets "
                             "(fit(x, y), evaluate(x, y))")
        mask = masking.get_mask(y_pred) if masking.active() else None
        with broadcast_errors(self, y_true=y_true, y_pred=y_pred):
            values = np.asarray(self.fn(_host(y_true), _widened(_host(y_pred), self.dtype), **self._fn_kwargs),
                                dtype=np.float64)
        if mask is not None and values.ndim >= mask.ndim:
            sample_weight = _host(masking.loss_weights(mask, sample_weight, "sum"))
        Mean.update_state(self, values, sample_weight)

    def update(self, output, target, weight=None):
        """Add one batch, nn's argument order (model outputs first)."""
        self.update_state(target, output, weight)

    def get_config(self):
        """Keras's config: name, dtype, the wrapped function serialized (when the constructor takes it) and its
        options."""
        config = super().get_config()
        if "fn" in config:
            from .saving.serialization import serialize_keras_object
            config["fn"] = serialize_keras_object(config["fn"])
        return config


def _wrapper_class(class_name, fn, default_name, doc, leading=None, **defaults):
    """A MeanMetricWrapper class over `fn` whose constructor takes (name, dtype, *options) as Keras's does, or
    (`leading` option, name, dtype, ...) when Keras's takes that option first (the top-k metrics' k)."""
    keyword = inspect.Parameter.POSITIONAL_OR_KEYWORD
    names = [n for n in defaults if n != leading]
    parameters = [inspect.Parameter("self", keyword)]
    if leading is not None:
        parameters.append(inspect.Parameter(leading, keyword, default=defaults[leading]))
    parameters += [inspect.Parameter("name", keyword, default=default_name),
                   inspect.Parameter("dtype", keyword, default=None)]
    parameters += [inspect.Parameter(n, keyword, default=defaults[n]) for n in names]
    signature = inspect.Signature(parameters)

    def __init__(self, *args, **kwargs):
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as error:
            public = signature.replace(parameters=parameters[1:])
            raise TypeError(f"{type(self).__name__}: {error} (its arguments: {public})") from None
        bound.apply_defaults()
        options = {n: bound.arguments[n] for n in defaults}
        if options.get("from_sorted_ids") is False:   # Keras lists it only when set
            del options["from_sorted_ids"]
        MeanMetricWrapper.__init__(self, fn, name=bound.arguments["name"], dtype=bound.arguments["dtype"],
                                   **options)

    __init__.__signature__ = signature
    cls = type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc})
    cls.__module__ = "nn.keras.metrics"   # where users find it
    return cls


def _ratio(numerator, denominator):
    """numerator / denominator, 0 where the denominator is 0."""
    numerator, denominator = np.asarray(numerator, np.float64), np.asarray(denominator, np.float64)
    safe = np.where(denominator == 0, 1.0, denominator)
    return np.where(denominator == 0, 0.0, numerator / safe)
