"""Keras 3's overridable training steps: train_step / test_step / predict_step, compute_loss, compute_metrics,
`model.metrics`, reset_metrics and get_metrics_result, as on Keras's torch backend.

A model whose class overrides train_step, test_step, compute_loss or compute_metrics runs fit / evaluate
through `StepLoop`: each batch is
handed to the step as `data` (`(x,)`, `(x, y)` or `(x, y, sample_weight)`, x and y one Tensor or a list per
input / output), the step returns its logs, and an epoch's logs are the model's metric results when their
names match the returned logs' names, else the last logs returned (Keras's rule for custom steps).
Models that keep Keras's steps use the faster shared loop (trainer.py) instead.
"""
import inspect

import numpy as np

import autograd as ag
from autograd import Tensor

from . import metrics as keras_metrics
from .data import pack as pack_x_y_sample_weight
from .data import unpack as unpack_x_y_sample_weight
from .layer import _training_parameter
from .layer_metrics import nested_layer_metrics, own_metrics
from .output_keys import output_keys
from .step_functions import is_users_function


def overrides_steps(model):
    """Whether the model's class defines its own train_step, test_step, compute_loss or compute_metrics (Keras's
    default steps call the last two, so a model that overrides them runs through the steps too)."""
    cls = type(model)
    return any(getattr(cls, name) is not getattr(TrainingSteps, name)
               for name in ("train_step", "test_step", "compute_loss", "compute_metrics"))


def _step_loss(model, x, y, y_pred, sample_weight, training):
    """model.compute_loss on one batch, given `training` only when its signature takes it (Keras's rule, so an
    override written as compute_loss(x, y, y_pred, sample_weight, allow_empty=False) works)."""
    if "training" in inspect.signature(model.compute_loss).parameters:
        return model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
    return model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)


def _called(model, x, training):
    """model(x), given `training` only when its call names that parameter (Keras's steps; a model whose call
    does not runs its layers with their own defaults, in inference for most)."""
    return model(x, training=training) if _training_parameter(type(model).call)[0] else model(x)


def predict_step_of(model, one_batch=False):
    """`inputs -> model.predict_step(x)` when the model's class overrides predict_step, else None; for
    predict_on_batch (`one_batch`) the step gets the one-element tuple `(x,)`, as Keras's gives it."""
    users = is_users_function(getattr(model, "predict_function", None))
    if type(model).predict_step is TrainingSteps.predict_step and not users:
        return None
    step = (lambda data: model.predict_function([data])) if users else model.predict_step
    if one_batch:
        return lambda inputs: step((inputs[0] if len(inputs) == 1 else list(inputs),))
    return lambda inputs: step(pack_x_y_sample_weight(inputs[0] if len(inputs) == 1 else list(inputs)))


class CompileMetrics(keras_metrics.Metric):
    """The metrics (and per-output losses) given to compile, as one entry of `model.metrics`: update_state
    adds a batch to all of them, result() is a dict of their values (Keras's 'compile_metrics')."""

    def __init__(self, compiled):
        super().__init__(name="compile_metrics")
        self._compiled = compiled

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add one batch (y_true and y_pred: one per output, as a list or dict, or single)."""
        compiled = self._compiled
        outputs = compiled._outputs(y_pred)
        targets = _as_list(y_true, output_keys(compiled.model))
        if not compiled._ready:
            compiled._resolve(outputs, targets)
        compiled.update_metrics([_detached(o) for o in outputs], targets, sample_weight)

    def reset_state(self):
        """Forget every batch."""
        if hasattr(self, "_compiled"):
            self._compiled.reset_metrics(layer_metrics=False)

    @property
    def built(self):
        """Whether the first batch has built the compiled metrics (Keras's CompileMetrics.built)."""
        return bool(self._compiled._ready)

    @property
    def metrics(self):
        """The compiled metrics, unweighted then weighted, each output's in turn (Keras's CompileMetrics.metrics);
        none before the first batch builds them."""
        compiled = self._compiled
        return [metric for _, metric, _ in compiled.metrics] if compiled._ready else []

    @property
    def variables(self):
        """The state variables of the compiled metrics, in order (Keras's compile_metrics variables)."""
        compiled = self._compiled
        if not compiled._ready:   # Keras builds them at the first batch too
            return []
        return [v for _, metric, _ in compiled.metrics for v in getattr(metric, "variables", [])]

    def result(self):
        """{log name: value} for the per-output losses and the compiled metrics."""
        results = self._compiled.results(layer_metrics=False)
        results.pop("loss")
        return results


def _as_list(y, names):
    if isinstance(y, dict):
        return [y[n] for n in names]
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _detached(value):
    return value.detach() if isinstance(value, Tensor) else value


class _LossMean(keras_metrics.Mean):
    """The 'loss' entry of `model.metrics` for a model trained by the built-in steps: a view of the running
    loss fit and evaluate keep, so get_metrics_result() reports it after them, as Keras's loss tracker does."""

    def __init__(self, compiled, name="loss"):
        super().__init__(name=name)
        self._compiled = compiled

    def _running(self):
        """The running mean this view shows (None before compile has made it)."""
        return getattr(getattr(self, "_compiled", None), "_loss_mean", None)

    def update_state(self, values, sample_weight=None):
        """Add a batch's loss, counted `sample_weight` times (a batch size; once when None)."""
        self._running().update(float(np.asarray(_detached(values))),
                                         1 if sample_weight is None else float(np.asarray(sample_weight)))

    def reset_state(self):
        """Forget every batch."""
        if self._running() is not None:
            self._running().reset()

    def result(self):
        """The mean loss so far (0 before any batch)."""
        running = self._running()
        return ag.tensor(np.float32(running.result() if running._count else 0.0))

    def _pull_variables(self):
        """Values assigned to the 'total' / 'count' variables from outside (set_state_tree) become the running
        loss's totals."""
        made = vars(self).get("_state_variables")
        running = self._running()
        if running is not None and made and [v._version for v in made] != vars(self).get("_synced_versions"):
            values = {v.name: float(v.numpy()) for v in made}
            running._total, running._count = values["total"], values["count"]
            self._synced_versions = [v._version for v in made]

    def _running_totals(self):
        """Keras's loss tracker variables: the batch-size-weighted loss total and the count."""
        running = self._running()
        if running is None:
            return {"total": 0.0, "count": 0.0}
        return {"total": running._total, "count": running._count}


class _OutputLossMean(_LossMean):
    """A '<output>_loss' entry of `model.metrics` (a model with several outputs): a view of that output's running
    loss, so reset_metrics, result and variables work on it as on Keras's per-output loss trackers."""

    def __init__(self, compiled, tracker):
        super().__init__(compiled, name=tracker.name)
        self._tracker = tracker

    def _running(self):
        return vars(self).get("_tracker")


def _output_loss_views(model, compiled):
    """The keras Metric views of compile's per-output loss means, made once per tracker."""
    views = model.__dict__.get("_output_loss_views")
    if views is None:
        views = {}
        object.__setattr__(model, "_output_loss_views", views)
    found = []
    for tracker in compiled.loss_trackers():
        view = views.get(id(tracker))
        if view is None or view._tracker is not tracker:
            view = views[id(tracker)] = _OutputLossMean(compiled, tracker)
        found.append(view)
    return found


def _loss_tracker(model):
    if not overrides_steps(model) and model._compiled is not None:
        view = model.__dict__.get("_loss_view")
        if view is None or view._compiled is not model._compiled:
            view = _LossMean(model._compiled)
            object.__setattr__(model, "_loss_view", view)
        return view
    tracker = model.__dict__.get("_loss_tracker")
    if tracker is None:
        tracker = keras_metrics.Mean(name="loss")
        object.__setattr__(model, "_loss_tracker", tracker)
    return tracker


def _compile_metrics(model):
    compiled = model._compiled
    adapter = model.__dict__.get("_compile_metrics")
    if adapter is None or adapter._compiled is not compiled:
        adapter = CompileMetrics(compiled)
        object.__setattr__(model, "_compile_metrics", adapter)
    return adapter


def _batch_size(x):
    from .symbolic import flatten
    first = next(v for v in flatten(x) if v is not None)
    return int(first.shape[0])


def _python(value):
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return float(value)
    if isinstance(value, (np.floating, np.integer)):
        return float(value)
    return value


def pythonify_logs(logs):
    """Logs with Tensors as Python floats (arrays kept for per-class values), sorted by name as Keras hands
    them on; a dict value (such as compile_metrics' results) is flattened in its key's place."""
    flat = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            flat.update(pythonify_logs(value))
        else:
            flat[key] = _python(value)
    return flat


def layer_owned_metrics(model):
    """The keras Metrics held as attributes of `model` and of its layers (not the trackers compile and fit keep
    on the model), in Keras's Model.metrics order."""
    internal = {id(model.__dict__.get(name)) for name in ("_loss_view", "_loss_tracker")}
    internal |= {id(v) for v in vars(model).values() if isinstance(v, CompileMetrics)}
    return own_metrics(model, internal) + nested_layer_metrics(model, lambda layer: isinstance(layer, TrainingSteps))


class TrainingSteps:
    """The step methods keras.Model inherits (Keras 3's defaults on its torch backend)."""

    @property
    def metrics(self):
        """As Keras 3: when compiled, the loss tracker, compile's metrics (when compile was given any) and, once
        a batch has run, the per-output loss means of a model with several outputs; then the keras Metrics held
        as attributes of the model and of its layers, in Keras's order (layer_metrics.py)."""
        found = []
        compiled = self._compiled
        if compiled is not None:
            found.append(_loss_tracker(self))
            if compiled.has_metrics:
                found.append(_compile_metrics(self))
            found += _output_loss_views(self, compiled)
        return found + layer_owned_metrics(self)

    @property
    def metrics_variables(self):
        """The state variables of every metric in `metrics` (those made with add_variable)."""
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        """Reset the state of every metric in `metrics`."""
        for metric in self.metrics:
            metric.reset_state()

    def get_metrics_result(self):
        """{name: result} for every metric in `metrics` (dict results, such as compile's, merged in)."""
        results = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                results.update(value)
            else:
                results[metric.name] = value
        return results

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The batch's total loss: compile's (weighted, per output) loss plus the model's `losses`."""
        if self._compiled is None:
            raise RuntimeError(f"{self.name}.compute_loss: call model.compile(optimizer, loss) first, or override "
                               "compute_loss")
        compiled = self._compiled
        return compiled.compute_loss(self, y_pred, _as_list(y, output_keys(self)), sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Add the batch to compile's metrics; returns get_metrics_result()."""
        if self._compiled is not None and getattr(self._compiled, "has_metrics", True):
            _compile_metrics(self).update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def train_step(self, data):
        """One optimiser step on `data` ((x, y) or (x, y, sample_weight)); returns the metric results."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = _called(self, x, True)
        self.zero_grad()
        loss = _step_loss(self, x, y, y_pred, sample_weight, training=True)
        _loss_tracker(self).update_state(loss.detach(), sample_weight=_batch_size(x))
        weights = self.trainable_weights
        if weights:
            self.optimizer.scale_loss(loss).backward()   # as Keras: a LossScaleOptimizer's apply unscales
            with ag.no_grad():
                self.optimizer.apply([w.grad for w in weights], weights)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        """The loss and metrics of `data`, in inference mode; returns the metric results."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = _called(self, x, False)
        loss = _step_loss(self, x, y, y_pred, sample_weight, training=False)
        _loss_tracker(self).update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs for the inputs of `data`, in inference mode."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return _called(self, x, False)

    def _metrics_result_or_logs(self, logs):
        """The metric results when their names are the names in `logs`, else `logs` (Keras's rule)."""
        results = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) == set(results):
            return results
        return logs


def _step(model, kind, data):
    """One batch through the model's `<kind>_function` when it is a user's own (Keras's loops call that attribute
    with a list of one batch), else straight through its `<kind>_step`."""
    function = getattr(model, f"{kind}_function", None)
    if is_users_function(function):
        return function([data])
    return getattr(model, f"{kind}_step")(data)


class StepLoop:
    """The training loop's interface (see nn.training.compile.Compiled) for a model with its own
    train_step / test_step: each batch goes to the step, the logs come from what the steps return."""

    steps = None   # never ag.jit: a user's step may do anything
    #: train_on_batch / test_on_batch set it: their steps get (x, y, sample_weight), Nones included, as Keras's
    #: do (a step unpacking `x, y = data` fails there in Keras, as it does here then)
    whole_batches = False

    def __init__(self, model):
        self.model, self.optimizer = model, model._compiled.optimizer
        self._logs, self._seen = {}, 0

    def _step_data(self, inputs, target, weight):
        raw = getattr(inputs, "raw", None)
        if raw is not None and not self.whole_batches:   # a loader's, generator's or PyDataset's batch, as Keras's
            return raw
        x = inputs[0] if len(inputs) == 1 else list(inputs)
        y = None if target is None else target[0] if len(target) == 1 else list(target)
        if self.whole_batches:
            return (x, y, weight)
        if target is None:
            return pack_x_y_sample_weight(x)
        return pack_x_y_sample_weight(x, y, weight)

    def train_batch(self, inputs, target, weight):
        """Run the model's train_step on one batch."""
        self._logs = _step(self.model, "train", self._step_data(inputs, target, weight))
        self._seen += _batch_size(inputs)

    def test_batch(self, inputs, target, weight):
        """Run the model's test_step on one batch."""
        self._logs = _step(self.model, "test", self._step_data(inputs, target, weight))
        self._seen += _batch_size(inputs)

    def reset_metrics(self):
        """Start an epoch or an evaluation."""
        self.model.reset_metrics()
        self._logs, self._seen = {}, 0

    @property
    def seen(self):
        """Examples stepped through since the last reset."""
        return self._seen

    def running_metrics(self):
        """No running metrics for nn.distributed to combine: custom steps report their own logs."""
        return []

    def results(self):
        """The logs of the epoch or evaluation so far, as Python numbers."""
        return pythonify_logs(self.model._metrics_result_or_logs(self._logs))

    def log_structure(self):
        """results() before flattening: a dict value (compile_metrics' results) stays under its key, so that the
        epoch's logs with the validation ones sort by those names, as Keras sorts them."""
        return {key: pythonify_logs(value) if isinstance(value, dict) else _python(value)
                for key, value in self.model._metrics_result_or_logs(self._logs).items()}

    def names(self, repeats=False):
        """evaluate's list order, Keras's rule: the names of `model.metrics` (for compile's, the names of its metric
        objects in compile order, which for several outputs lack the output prefix the logs carry) that are
        logged, then every other logged key sorted. Without `repeats` a name counts once."""
        order = []
        for metric in self.model.metrics:
            if isinstance(metric, CompileMetrics):
                compiled = metric._compiled
                order += [m.name for _, m, _ in compiled.metrics] if compiled._ready else []
            else:
                order.append(metric.name)
        results = self.results()
        ordered = [n for n in order if n in results]
        if not repeats:
            ordered = list(dict.fromkeys(ordered))
        return ordered + sorted(n for n in results if n not in order)