"""compile / fit / evaluate / predict for keras.Model, with Keras's semantics, on nn.training's shared loop.

KerasCompiled supplies the loop's interface (compute_loss, update_metrics, results, reset_metrics, seen):
losses on probabilities unless from_logits (stable through the logits after a softmax/sigmoid), one loss
per output (a list or a dict by output name, or one for all) weighted by loss_weights, regularisation
losses added, 'accuracy' chosen from the loss and shapes as Keras does (binary at 0.5, sparse or
categorical), `metrics` unweighted and `weighted_metrics` weighted by sample_weight, per-output losses
logged as '<output>_loss' for models with several outputs. With jit_compile=True the batches of a
single-output model run as `ag.jit` compiled steps once the first batch has settled the losses and metrics.
"""
import numbers
import time
import warnings

import numpy as np

from autograd import Tensor, concatenate
from autograd.bf16_dtype import is_bf16
from autograd.errors import IdentifierError

from ..callbacks.base import CallbackList
from ..data.loader import DataLoader
from ..distributed.training import ParallelRun, fit_run
from ..training.fit import EpochsError, run_fit, suggested_epochs
from ..training.evaluate import run_evaluation
from ..training.inputs import model_device
from ..training.metrics import Mean
from ..training.predict import run_predict
from ..training.steps import Steps, backward_and_step, forward
from . import data as keras_data
from . import masking, nested_outputs, settings
from . import losses as keras_losses
from . import metrics as keras_metrics
from . import optimizers as keras_optimizers
from .loss_scale_optimizer import LossScaleOptimizer
from .custom_steps import StepLoop, layer_owned_metrics, overrides_steps, predict_step_of
from .step_functions import forget_step_functions, is_users_function
from .epoch_draws import ArrayPasses, built_without_draws, symbolic_build_draws
from .symbolic_build import run_symbolic_build
from .progress import EpochLines, KerasBar, ProgbarLogger, final_line
from .output_keys import output_keys
from .symbolic import flatten, flatten_sorted, map_structure

# train_on_batch, test_on_batch and predict_on_batch hand the batch straight to Keras's step: no torch DataLoader,
# so no draw from the global stream; their loader gets a stream of its own
_ON_BATCH_SEED = 0


class UnknownLossKeyError(ValueError, KeyError):
    """A loss dict naming no output of the model: Keras's KeyError (its path is found in neither y_pred nor
    y_true), a ValueError as we raised before, printed as a sentence."""
    __str__ = Exception.__str__


def _per_output(spec, names, what):
    """`spec` (one value, a list, or a dict by output name) as one entry per output (None where absent)."""
    if isinstance(spec, dict):
        unknown = sorted(set(spec) - set(names))
        if unknown:
            error = UnknownLossKeyError if what == "loss" else ValueError
            raise error(f"compile: {what} names {unknown} are not outputs of the model (outputs: {names}); key the "
                        f"dict by output name")
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1:
        if len(spec) != len(names):
            raise ValueError(f"compile: {len(spec)} {what}(s) given for a model with {len(names)} outputs {names}")
        return list(spec)
    if isinstance(spec, (list, tuple)) and len(spec) == 1:   # Keras: a one-entry list for the one output
        return [spec[0]]
    return [spec] * len(names)


def _resolve_metric(identifier, y_true, y_pred):
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        t_rank, p_rank = y_true.ndim, y_pred.ndim
        if y_pred.shape[-1] == 1:
            return keras_metrics.BinaryAccuracy(name=identifier)
        if t_rank < p_rank or (y_true.shape[-1] == 1 and y_pred.shape[-1] > 1):
            return keras_metrics.SparseCategoricalAccuracy(name=identifier)
        return keras_metrics.CategoricalAccuracy(name=identifier)
    return keras_metrics.metric_object(identifier)


def _loss_entries(loss, path=None):
    """(where, identifier) for every loss in compile's `loss`, however nested (where: None for a single loss)."""
    if isinstance(loss, (dict, list, tuple)):
        items = loss.items() if isinstance(loss, dict) else enumerate(loss)
        return [entry for key, value in items
                for entry in _loss_entries(value, key if path is None else f"{path}/{key}")]
    return [(path, loss)]


def _check_losses(loss):
    """Unknown loss names (or things that are no loss) fail in compile, naming the output they were given for."""
    for key, identifier in _loss_entries(loss):
        if identifier is None:
            continue
        try:
            keras_losses.loss_object(identifier)
        except (ValueError, TypeError) as error:
            where = "" if key is None else f" (for output {key!r})"
            raise type(error)(f"compile: {error}{where}") from None


class KerasCompiled:
    """What Model.compile settled; resolved against the outputs and targets at the first batch."""

    def __init__(self, model, optimizer, loss, loss_weights, metrics, weighted_metrics, jit_compile=False):
        if jit_compile not in (True, False, "auto"):
            raise ValueError(f"compile: jit_compile must be True, False or 'auto', got {jit_compile!r}")
        self.model = model
        _check_losses(loss)
        self.optimizer = keras_optimizers.get(optimizer)
        self.optimizer.attach(model)
        self._specs = (loss, loss_weights, metrics, weighted_metrics)
        self._loss_mean = Mean("loss")
        self._output_masks = None   # the masks of the outputs compute_loss last saw
        self._masked_outputs = False
        self._ready = False
        self.use_jit(jit_compile is True)   # 'auto' is eager, as on Keras's torch backend
        self.loss = self._batch_loss   # one bound method, so a compiled step sees the same argument every call

    def use_jit(self, flag):
        """Run the batches as compiled steps (flag True) or eagerly."""
        self._jit_steps = Steps(True) if flag else None

    @property
    def has_metrics(self):
        """Whether compile was given metrics (Keras keeps no compile_metrics otherwise, and compute_metrics then
        leaves the outputs alone: a model may return more outputs than it has targets)."""
        return self._specs[2] is not None or self._specs[3] is not None

    @property
    def needs_targets(self):
        """Whether batches must bring targets: not when compile set no loss and no metrics (a model trained on
        its add_loss terms alone, as Keras's OCR example)."""
        loss, _, metrics, weighted_metrics = self._specs
        return bool(loss or metrics or weighted_metrics)

    @property
    def steps(self):
        """The compiled steps the training loop uses after compile(jit_compile=True), once the first batch has
        resolved the losses and metrics, for models with one output; None (eager batches) otherwise."""
        if self._jit_steps is None or not self._ready or len(self.losses) != 1 or self._masked_outputs:
            return None   # masked outputs stay eager: a compiled step returns the outputs without their masks
        return self._jit_steps

    def _batch_loss(self, output, target):
        """The batch's total loss as compute_loss makes it, without the running means (a compiled step's loss)."""
        outputs, targets = self._outputs(output), list(target)
        total = self.loss_weights[0] * self.losses[0](targets[0], outputs[0]) if self.loss_weights[0] != 1.0 \
            else self.losses[0](targets[0], outputs[0])
        for extra in self.model.losses:
            total = total + extra
        return total

    def add_loss(self, loss, target):
        """Add a batch loss computed by a compiled step to the running loss mean."""
        self._loss_mean.update(loss.item(), len(list(target)[0]))

    def _resolve(self, outputs, targets):
        names = output_keys(self.model)
        if len(names) != len(outputs):
            names = [f"output_{k + 1}" for k in range(len(outputs))] if len(outputs) > 1 else names[:1] or ["output"]
        if len(targets) != len(outputs):
            raise ValueError(f"fit: the model has {len(outputs)} output(s) {names} but the data gives "
                             f"{len(targets)} target(s)")
        loss, loss_weights, metrics, weighted_metrics = self._specs
        multi = len(outputs) > 1
        self.output_labels = names
        structure = getattr(self.model, "_outputs_struct", None)
        deep = nested_outputs.is_deep(structure)
        per_output = (lambda spec, _, what: nested_outputs.per_leaf(structure, spec, what)) if deep else _per_output
        self.losses = [None if l is None else keras_losses.loss_object(l) for l in per_output(loss, names, "loss")]
        if deep and loss_weights is not None:
            loss_weights = nested_outputs.weights_like(loss, loss_weights)
        weights = per_output(loss_weights, names, "loss_weights") if loss_weights is not None else [1.0] * len(names)
        for w in weights:
            if w is not None and not isinstance(w, numbers.Real):
                raise IdentifierError(f"compile: loss_weights must hold one number per output ({len(names)} output(s) "
                                      f"{names}), got {loss_weights!r}")
        self.loss_weights = [1.0 if w is None else float(w) for w in weights]
        tracked = sum(l is not None for l in self.losses) > 1   # Keras: a mean per loss only when there are several
        labels = nested_outputs.loss_names(structure, names) if deep else names   # Keras's 'b/db1' for deep outputs
        self.output_loss = [Mean(f"{n}_loss") if tracked and l is not None else None
                            for n, l in zip(labels, self.losses)]
        # evaluate lists the per-output losses in the order of compile's loss dict (Keras), else output order
        self._loss_order = ([names.index(key) for key in loss if key in names] if isinstance(loss, dict) and not deep
                            else list(range(len(names))))
        self.metrics = []   # (output index, metric, weighted)
        for specs, weighted in ((metrics, False), (weighted_metrics, True)):
            if specs is None:
                continue
            if deep:
                per_output = nested_outputs.per_leaf(structure, specs, "weighted_metrics" if weighted else "metrics")
            elif isinstance(specs, dict) or (multi and isinstance(specs, (list, tuple)) and len(specs) == len(names)
                                             and all(isinstance(s, (list, tuple)) or s is None for s in specs)):
                per_output = _per_output(specs, names, "metric")
            elif not multi and isinstance(specs, (list, tuple)) and len(specs) == 1 and isinstance(
                    specs[0], (list, tuple)):   # Keras: the one output's list of metrics, given per output
                per_output = [specs[0]]
            else:
                per_output = [specs] * len(names)
            for k, entry in enumerate(per_output):
                entries = [] if entry is None else entry if isinstance(entry, (list, tuple)) else [entry]
                for identifier in entries:
                    self.metrics.append((k, _resolve_metric(identifier, targets[k], outputs[k]), weighted))
        self.keys = self._log_names(names if multi else None)
        # Keras builds the compiled metrics before fit / evaluate / *_on_batch reset them, so a Metric object given
        # to compile starts from reset_state() (zeros by default), not from its add_variable initializers
        for _, metric, _ in self.metrics:
            metric.reset_state()
        self._ready = True

    def _log_names(self, output_names):
        """The log name of each metric, as Keras makes them unique: '<output>_<name>', then '_1', '_2', ... for
        repeats among `metrics`, and 'weighted_<name>' for a weighted metric whose name is taken."""
        counts, keys = {}, []
        for k, metric, weighted in self.metrics:
            prefix = f"{output_names[k]}_" if output_names else ""
            key = prefix + metric.name
            if key in counts:
                if weighted:
                    key = prefix + "weighted_" + metric.name
                if key in counts:
                    counts[key] += 1
                    key = f"{key}_{counts[key] - 1}"
                else:
                    counts[key] = 1
            else:
                counts[key] = 1
            keys.append(key)
        return keys

    def _outputs(self, output):
        if nested_outputs.is_deep(output):
            return flatten_sorted(output)
        if isinstance(output, dict):
            return [output[n] for n in output_keys(self.model)]
        return list(output) if isinstance(output, (list, tuple)) else [output]

    def _targets(self, outputs, target):
        """One target per output. As Keras, fewer targets than outputs, as many as compile's loss list has losses,
        go in order to the outputs with a loss (loss=[loss_fn, None] trains on y alone); None for none at all."""
        if target is None:   # add_loss terms alone
            return [None] * len(outputs)
        targets, loss = list(target), self._specs[0]
        if len(targets) == len(outputs) or not isinstance(loss, (list, tuple)) or len(loss) != len(outputs):
            return targets
        with_loss = [k for k, entry in enumerate(loss) if entry is not None]
        if len(targets) != len(with_loss):
            return targets
        spread = [None] * len(outputs)
        for k, value in zip(with_loss, targets):
            spread[k] = value
        return spread

    def compute_loss(self, model, output, target, weight=None):
        """The batch's total loss: the weighted per-output losses plus the model's regularisation losses."""
        outputs = self._outputs(output)
        targets = self._targets(outputs, target)
        if not self._ready:
            self._resolve(outputs, targets)
        self.loss_built = True   # Keras's compiled loss is built by its first call: no batch is read to build it
        if all(l is None for l in self.losses) and not model.losses:   # metrics alone need no loss (Keras)
            raise ValueError(f"compile: no output {self.output_labels} has a loss; pass loss=... to compile (e.g. "
                             "loss='sparse_categorical_crossentropy'), or override train_step / compute_loss")
        count = len(outputs[0])
        if masking.active():   # fit hands update_metrics detached outputs: keep their masks for it
            self._output_masks = [masking.get_mask(o) for o in outputs]
            self._masked_outputs = self._masked_outputs or any(m is not None for m in self._output_masks)
        total = None
        for k, loss in enumerate(self.losses):
            if loss is None:
                continue
            value = loss(targets[k], outputs[k], sample_weight=_output_weight(weight, k))
            if self.output_loss[k] is not None:
                self.output_loss[k].update(value.item(), count)
            term = value * self.loss_weights[k] if self.loss_weights[k] != 1.0 else value
            total = term if total is None else total + term
        for extra in model.losses:
            total = extra if total is None else total + extra
        self._loss_mean.update(total.item(), count)
        return total

    def update_metrics(self, output, target, weight=None):
        """Add the batch to every metric (sample weights only for weighted_metrics)."""
        outputs = self._outputs(output)
        targets = self._targets(outputs, target)
        masks, self._output_masks = self._output_masks, None
        if masks is not None:
            for value, mask in zip(outputs, masks):
                if mask is not None and tuple(mask.shape) == tuple(value.shape[:mask.ndim]):
                    masking.attach(value, mask.detach())
        self.metrics_built = True
        for k, metric, weighted in self.metrics:
            metric.update_state(targets[k], outputs[k], sample_weight=_output_weight(weight, k) if weighted else None)

    def running_metrics(self):
        """The running loss mean and metric objects (what nn.distributed combines across ranks)."""
        return ([self._loss_mean] + [t for t in self.output_loss if t is not None]
                + [metric for _, metric, _ in self.metrics])

    def reset_metrics(self, layer_metrics=True):
        """Start a new epoch or evaluation (`layer_metrics`: also the metrics the model's layers own)."""
        self._loss_mean.reset()
        if layer_metrics:
            self._layer_metrics = layer_owned_metrics(self.model)   # those the model's layers update in call
            for metric in self._layer_metrics:
                metric.reset_state()
        if self._ready:
            for tracker in self.output_loss:
                if tracker is not None:
                    tracker.reset()
            for _, metric, _ in self.metrics:
                metric.reset_state()

    def loss_trackers(self):
        """The per-output loss means in the order evaluate lists them (compile's loss dict order, else the outputs'):
        none before the first batch, or when fewer than two outputs have a loss."""
        if not self._ready:
            return []
        return [self.output_loss[k] for k in self._loss_order if self.output_loss[k] is not None]

    @property
    def seen(self):
        """Examples in the loss mean since the last reset."""
        return self._loss_mean._count

    def names(self, repeats=False):
        """The order evaluate's list follows (Keras's): 'loss', the per-output losses, the metrics logged under
        their own names in compile order, then every other log name sorted (e.g. '<output>_<metric>'). With
        `repeats`, a name that several metrics share counts once per metric, as in Keras's evaluate list (so
        metrics=['accuracy'] with weighted_metrics=['accuracy'] lists the accuracy twice, then
        'weighted_accuracy')."""
        results = self.results()
        first = ["loss"]
        if self._ready:
            first += [t.name for t in self.loss_trackers()] + [m.name for _, m, _ in self.metrics]
        first += [m.name for m in getattr(self, "_layer_metrics", None) or ()]
        ordered = [n for n in first if n in results]
        if not repeats:
            ordered = list(dict.fromkeys(ordered))
        return ordered + sorted(n for n in results if n not in ordered)

    def results(self, layer_metrics=True):
        """{name: value} sorted by name, as Keras hands logs to callbacks and returns them (evaluate's list
        follows names() instead); `layer_metrics`: with the metrics the model's layers own, after compile's."""
        floatx = settings.floatx()
        results = {"loss": _logged(self._loss_mean.result(), floatx)}
        if self._ready:
            results.update((t.name, _logged(t.result(), floatx)) for t in self.output_loss if t is not None)
            for key, (_, m, _) in zip(self.keys, self.metrics):
                value, dtype = m.value(), m.dtype if m.dtype in ("float32", "float64") else floatx
                if isinstance(value, dict):   # a Metric whose result() is a dict logs each entry under its own key
                    results[key] = {name: _logged(v, dtype) for name, v in value.items()}
                else:
                    results[key] = _logged(value, dtype)
        for metric in (getattr(self, "_layer_metrics", None) or ()) if layer_metrics else ():   # as Keras's logs
            results[metric.name] = _logged(metric.result(), floatx)
        flat = {}
        for name, value in sorted(results.items()):   # a dict result sorts under its metric's name, as in Keras
            flat.update(sorted(value.items()) if isinstance(value, dict) else [(name, value)])
        return flat


def _logged(value, dtype):
    """A metric's value as fit logs it: a float rounded to the metric's dtype (Keras keeps its totals in it, float32
    unless set), or an array of that dtype for per-class or per-threshold metrics (F1Score(average=None),
    Precision(thresholds=[...]))."""
    return float(np.asarray(value, dtype)) if np.ndim(value) == 0 else np.asarray(value, dtype)


def _output_weight(weight, k):
    """Output k's sample weights: its own from per-output weights (a tuple, one per output), else `weight`."""
    return weight[k] if isinstance(weight, (list, tuple)) else weight


def _policy_name(model):
    """The name of the model's dtype policy ('mixed_float16', ...), or None for a model without one."""
    policy = getattr(model, "dtype_policy", None)
    return getattr(policy, "name", None)


def compile(model, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
            run_eagerly=False, steps_per_execution=1, jit_compile="auto", auto_scale_loss=True):
    """Configure training: optimizer (name or keras.optimizers object), loss (name, Loss, function, or a list /
    dict per output), loss_weights, metrics and weighted_metrics (names, Metric objects; per output as a list
    of lists or a dict). jit_compile=True runs fit/evaluate/predict batches as `ag.jit` compiled steps
    (single-output models; batches with sample or class weights stay eager)."""
    for name, value in (("metrics", metrics), ("weighted_metrics", weighted_metrics)):
        if value is not None and not isinstance(value, (list, tuple, dict)):   # Keras refuses a bare name too
            raise ValueError(f"compile: {name} must be a list, tuple or dict, got {name}={value!r:.60} "
                             f"({type(value).__name__}); wrap it in a list: {name}=[{value!r:.60}]")
    if loss_weights and not isinstance(loss_weights, (list, tuple, dict, float)):   # Keras's own test, ints refused
        raise ValueError(f"compile: Expected `loss_weights` argument to be a float (single output case) or a list, "
                         f"tuple, or dict (multiple output case), got loss_weights={loss_weights!r:.60} "
                         f"({type(loss_weights).__name__}); e.g. loss_weights=0.5 or [1.0, 0.2]")
    given = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics, "weighted_metrics": weighted_metrics}
    earlier = getattr(model, "_compiled", None)
    if isinstance(earlier, KerasCompiled):   # as Keras, compiling again keeps the loss and metrics it is not given
        if loss is None:
            loss, loss_weights = earlier._specs[:2]
        if metrics is None and weighted_metrics is None:
            metrics, weighted_metrics = earlier._specs[2:]
    model._compiled = KerasCompiled(model, optimizer, loss, loss_weights, metrics, weighted_metrics, jit_compile)
    if isinstance(earlier, KerasCompiled) and getattr(earlier, "build_draws_taken", False) and \
            given["loss"] is None and given["metrics"] is None and given["weighted_metrics"] is None:
        model._compiled.build_draws_taken = True   # Keras keeps the built loss and metrics: no batch read to build
    if auto_scale_loss and _policy_name(model) == "mixed_float16" and not isinstance(
            model._compiled.optimizer, LossScaleOptimizer):   # as Keras: float16 training scales its loss
        model._compiled.optimizer = LossScaleOptimizer(model._compiled.optimizer, name="loss_scale_optimizer")
    model.optimizer = model._compiled.optimizer
    model._compile_settings = {**given, "run_eagerly": run_eagerly,   # what this call was given, as Keras saves
                               "steps_per_execution": steps_per_execution, "jit_compile": False if jit_compile == "auto" else jit_compile}
    model.loss = loss
    if jit_compile is True and run_eagerly:
        warnings.warn("If `run_eagerly` is True, then `jit_compile` cannot also be True. Disabling `jit_compile`.",
                      stacklevel=2)
        model._compiled.use_jit(False)
    model.run_eagerly = run_eagerly
    object.__setattr__(model, "_jit_compile", jit_compile is True and not run_eagerly)
    model.steps_per_execution = steps_per_execution
    forget_step_functions(model)   # as Keras's compile


class NotCompiledError(RuntimeError, ValueError):
    """fit/evaluate/train_on_batch before compile(): a ValueError, as Keras raises, and a RuntimeError as before."""


class EvaluateNotCompiledError(NotCompiledError, AttributeError):
    """evaluate before compile(): Keras's evaluate reaches for the missing `model.optimizer` and raises
    AttributeError, where fit raises ValueError; this is all three."""


def _compiled(model, who):
    if model._compiled is None:
        kind = EvaluateNotCompiledError if who == "evaluate" else NotCompiledError
        raise kind(f"{who}: call model.compile(optimizer, loss, metrics) first")
    optimizer = model._compiled.optimizer
    if not optimizer.built and getattr(optimizer, "_custom_update_step", lambda: False)():
        optimizer.build(model.trainable_weights)   # a subclass's build makes its slot variables
    optimizer.built = True  # Keras builds the optimizer's variables in fit and evaluate
    return StepLoop(model) if overrides_steps(model) else model._compiled


def _made(model, kind, compiled=None):
    """make_<kind>_function before a loop, as Keras's fit / evaluate / predict call it (a subclass's override runs);
    returns the loop's `compiled`, the model's own steps (StepLoop) when the function made is not deepgrad's."""
    getattr(model, f"make_{kind}_function")()
    if compiled is None or isinstance(compiled, StepLoop):
        return compiled
    return StepLoop(model) if is_users_function(getattr(model, f"{kind}_function")) else compiled


def _one_step_per_execution(model):
    """Raise Keras's torch-backend ValueError when compile() was given steps_per_execution > 1 (the torch backend
    runs one batch per step; TensorFlow and JAX group several)."""
    steps = model.steps_per_execution
    if steps > 1:
        raise ValueError(f"`steps_per_execution` must be 1 with the PyTorch backend. Received: "
                         f"steps_per_execution={steps}; compile again without it (model.compile(..., "
                         "steps_per_execution=1)): the torch backend runs one batch per step")


def _verbose(verbose, who):
    """fit/evaluate/predict's verbosity as an int: 'auto' is 1; a string Keras's progress bar does not know (it then
    prints only the epoch headers) is refused by name."""
    if verbose == "auto":
        return 1
    if isinstance(verbose, (str, bytes)) or not isinstance(verbose, numbers.Real):
        raise ValueError(f"{who}: verbose must be 'auto', 0 (silent), 1 (progress bar) or 2 (one line per epoch), got "
                         f"{verbose!r}")
    return int(verbose)


def _callback_list(callbacks):
    """fit/evaluate/predict's callbacks as a list: None is none and one Callback is a list of one, as Keras
    flattens what it is given."""
    if callbacks is None:
        return []
    return list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]


def fit(model, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None, validation_split=0.0,
        validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
        steps_per_epoch=None, validation_steps=None, validation_batch_size=None, validation_freq=1):
    """Train for `epochs` epochs (from `initial_epoch`); returns a History with one value per epoch for
    'loss', each metric, and their 'val_' versions when validating."""
    compiled = _compiled(model, "fit")
    if not isinstance(epochs, numbers.Integral):   # Keras loops over range(initial_epoch, epochs)
        raise EpochsError(f"fit: epochs must be an int, got {epochs!r} ({type(epochs).__name__}); Keras loops over "
                          f"range(initial_epoch, epochs): pass e.g. epochs={suggested_epochs(epochs)}")
    epochs, steps_per_epoch = settings.capped_epochs(epochs), settings.capped_steps(steps_per_epoch)
    if validation_split and validation_data is not None:
        validation_split = 0.0  # Keras ignores validation_split when validation_data is given
    empty_split = False
    if validation_split:
        (x, y, sample_weight), validation_data = keras_data.split_validation(
            x, y, sample_weight, validation_split, getattr(model, "input_names", None), output_keys(model))
        empty_split = validation_data is None
    device = model_device(model)
    run = fit_run(model)  # under mpiexec after nn.distributed.init(): sharded data, averaged gradients
    # one process shuffles from the global stream, as Keras's torch DataLoaders; several share a drawn seed
    seed = run.same_seed(int(np.random.randint(0, 2**31 - 1))) if isinstance(run, ParallelRun) else None
    own_steps = isinstance(compiled, StepLoop) or not compiled.needs_targets   # batches may come without targets
    train = keras_data.batches(model, x, y, sample_weight, class_weight, batch_size, shuffle, steps_per_epoch, seed,
                               device, "fit", need_y=not own_steps)
    if isinstance(train.source, DataLoader):  # generators and PyDatasets give each rank its own data already
        train.source = run.shard(train.source, seed)
    if symbolic_build_draws(model, train, shuffle):
        run_symbolic_build(model, x, batch_size, train)
    val = None
    if validation_data is not None:
        if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3):
            vx, vy, vw = keras_data.unpack(tuple(validation_data))
        elif isinstance(validation_data, (numbers.Number, str, bytes)):
            raise ValueError(f"fit: Unrecognized data type for validation_data: {validation_data!r} (of type "
                             f"{type(validation_data).__name__}); pass (x_val, y_val), (x_val, y_val, sample_weight) "
                             "or a dataset yielding such batches")
        elif isinstance(validation_data, (tuple, list)) and len(validation_data) > 3:
            raise ValueError(f"fit: validation_data is expected to be in format (x, y) or (x, y, sample_weight), "
                             f"got a {type(validation_data).__name__} of {len(validation_data)} items; put several "
                             "inputs in one list or dict: validation_data=([x1, x2], y)")
        else:
            vx, vy, vw = validation_data, None, None
        val = keras_data.batches(model, vx, vy, vw, None, validation_batch_size or batch_size, False,
                                 settings.capped_steps(validation_steps), None, device, "fit (validation_data)",
                                 need_y=not own_steps)
        if isinstance(val, ArrayPasses):   # Keras validates through evaluate, which may read a batch first
            val.before_pass = lambda: symbolic_build_draws(model, val, False)
    elif empty_split:
        val = keras_data.NoBatches()
    callbacks = _callback_list(callbacks)
    for backup in (c for c in callbacks if callable(getattr(c, "resume_epoch", None))):   # BackupAndRestore
        # as Keras: the epoch after the last backup, or initial_epoch when the backup has none (or there is none)
        initial_epoch = backup.resume_epoch() or initial_epoch
    given = [c for c in callbacks if isinstance(c, ProgbarLogger)]   # a ProgbarLogger replaces fit's own
    callbacks = [c for c in callbacks if not isinstance(c, ProgbarLogger)]
    progress = given[0] if given and run.is_main else EpochLines(_verbose(verbose, "fit") if run.is_main else 0)
    _one_step_per_execution(model)   # as Keras: once the model is built, before any callback runs
    compiled = _made(model, "train", compiled)
    if val is not None:   # Keras validates through evaluate, which makes the test function
        _made(model, "test")
    return run_fit(model, compiled, train, val, epochs, callbacks, _verbose(verbose, "fit"), initial_epoch,
                   validation_freq, progress=progress, run=run, sorted_logs=True)


def evaluate(model, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None, callbacks=None,
             return_dict=False, **kwargs):
    """The loss and metrics on the data: a scalar when there is only the loss, else a list in
    `model.metrics_names` order ('loss' first), or a dict with return_dict=True. Of other keywords only Keras's
    internal _use_cached_eval_dataset is taken (and has nothing to cache here), as Keras refuses the rest."""
    kwargs.pop("_use_cached_eval_dataset", None)
    if kwargs:
        raise ValueError(f"Arguments not recognized: {kwargs}")
    return _evaluation(model, x, y, batch_size, verbose, sample_weight, steps, callbacks, return_dict)


def _evaluation(model, x, y, batch_size, verbose, sample_weight, steps, callbacks, return_dict, one_batch=False):
    """evaluate's work; one_batch (test_on_batch) reads the arrays without the global stream's draws."""
    compiled = _compiled(model, "evaluate")
    steps = settings.capped_steps(steps)
    device = model_device(model)
    source = keras_data.batches(model, x, y, sample_weight, None, batch_size, False, steps,
                                _ON_BATCH_SEED if one_batch else None, device, "evaluate",
                                need_y=not isinstance(compiled, StepLoop) and compiled.needs_targets)
    if built_without_draws(model) if one_batch else symbolic_build_draws(model, source, False):
        run_symbolic_build(model, x, batch_size, source)
    verbose = _verbose(verbose, "evaluate")
    hooks = CallbackList(_callback_list(callbacks) + ([KerasBar()] if verbose == 1 else []), model,
                         {"verbose": verbose, "steps": len(source)})
    _one_step_per_execution(model)
    compiled = _made(model, "test", compiled)
    start = time.perf_counter()
    whole = one_batch and isinstance(compiled, StepLoop)   # test_on_batch's step gets (x, y, sample_weight)
    if whole:
        compiled.whole_batches = True
    try:
        results = run_evaluation(model, compiled, source, hooks)
    finally:
        if whole:
            compiled.whole_batches = False
    if verbose == 2:
        print(final_line(len(source), time.perf_counter() - start, results), file=settings.message_stream(),
              flush=True)
    if return_dict:
        return results
    values = [results[name] for name in compiled.names(repeats=True)]
    return values[0] if len(values) == 1 else values


def _host(tensor):
    """A tensor's values as NumPy: a bfloat16 one (mixed_bfloat16 outputs) as an ml_dtypes bfloat16 array, as Keras's
    convert_to_numpy gives it (NumPy has no bfloat16 of its own)."""
    if is_bf16(tensor.dtype):
        return tensor.astype(np.float32).numpy().astype(tensor.dtype)
    return tensor.numpy()


def _joined(outputs):
    """Per-batch outputs (Tensors, or lists/dicts of them) joined along the batch axis as NumPy arrays."""
    first = outputs[0]
    leaves = [flatten(o) for o in outputs]
    joined = iter([_host(concatenate([batch[k] for batch in leaves], axis=0)) if isinstance(leaves[0][k], Tensor)
                   else np.concatenate([np.asarray(batch[k]) for batch in leaves]) for k in range(len(leaves[0]))])
    return map_structure(lambda _: next(joined), first)


def predict(model, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
    """The model's outputs for every example of x, as NumPy arrays (a list or dict of them for several
    outputs), computed in inference mode."""
    return _prediction(model, x, batch_size, verbose, steps, callbacks)


def _prediction(model, x, batch_size, verbose, steps, callbacks, one_batch=False):
    """predict's work; one_batch (predict_on_batch) reads the arrays without the global stream's draws."""
    device = model_device(model)
    steps = settings.capped_steps(steps)
    source = keras_data.batches(model, x, None, None, None, batch_size, False, steps,
                                _ON_BATCH_SEED if one_batch else None, device, "predict", need_y=False)
    _one_step_per_execution(model)
    _made(model, "predict")
    start = time.perf_counter()
    bar = [KerasBar()] if _verbose(verbose, "predict") == 1 else []
    outputs = run_predict(model, source, CallbackList(_callback_list(callbacks) + bar, model, {"steps": len(source)}),
                          predict_step=predict_step_of(model, one_batch))
    if _verbose(verbose, "predict") == 2:
        print(final_line(len(source), time.perf_counter() - start), file=settings.message_stream(), flush=True)
    return _joined(outputs)


def train_on_batch(model, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
    """One optimiser step on one batch; returns the loss (and metrics) of that batch."""
    from ..training.modes import enter_training, restore_modes, saved_modes
    compiled = _compiled(model, "train_on_batch")
    size = len(keras_data.host_array(flatten(x)[0], "x"))
    x, y, sample_weight = _as_one_batch(x, y, sample_weight)
    own_steps = isinstance(compiled, StepLoop)
    source = keras_data.batches(model, x, y, sample_weight, class_weight, size, False, None, _ON_BATCH_SEED,
                                model_device(model), "train_on_batch", need_y=not own_steps and compiled.needs_targets)
    if built_without_draws(model):
        run_symbolic_build(model, x)
    _one_step_per_execution(model)
    compiled = _made(model, "train", compiled)
    own_steps = isinstance(compiled, StepLoop)
    modes = saved_modes(model)
    compiled.reset_metrics()
    enter_training(model)
    try:
        for inputs, target, weight in source:
            if own_steps:   # the model's own train_step
                compiled.whole_batches = True
                compiled.train_batch(inputs, target, weight)
                continue
            output = forward(model, inputs, True)
            loss = compiled.compute_loss(model, output, target, weight)
            compiled.optimizer.zero_grad()
            backward_and_step(loss, compiled.optimizer)
            compiled.update_metrics(map_structure(lambda t: t.detach(), output), target, weight)
    finally:
        restore_modes(modes)
        if own_steps:
            compiled.whole_batches = False
    return _returned(compiled, return_dict)


def test_on_batch(model, x, y=None, sample_weight=None, return_dict=False):
    """The loss (and metrics) of one batch, in inference mode."""
    size = len(keras_data.host_array(flatten(x)[0], "x"))
    x, y, sample_weight = _as_one_batch(x, y, sample_weight)
    return _evaluation(model, x, y, size, 0, sample_weight, None, None, return_dict, one_batch=True)


def predict_on_batch(model, x):
    """The outputs for one batch, as NumPy arrays."""
    size = len(keras_data.host_array(flatten(x)[0], "x"))
    return _prediction(model, _as_one_batch(x, None, None)[0], size, 0, None, None, one_batch=True)


def _as_one_batch(x, y, sample_weight):
    """The data of a *_on_batch call: arrays of one length as they are; arrays of different lengths (a disjoint
    graph: atoms, bonds and one target per molecule), which Keras hands its step unchecked, as an iterator of that
    one batch."""
    lengths = {len(keras_data.host_array(v, "x")) for v in flatten([x, y, sample_weight]) if v is not None}
    return (x, y, sample_weight) if len(lengths) <= 1 else (iter([(x, y, sample_weight)]), None, None)


def _returned(compiled, return_dict):
    results = compiled.results()
    if return_dict:
        return results
    values = [results[name] for name in compiled.names(repeats=True)]
    return values[0] if len(values) == 1 else values
