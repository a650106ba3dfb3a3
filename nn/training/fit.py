"""model.fit: train a compiled model for some epochs, Keras style, and return its History."""
import numbers

import numpy as np

from autograd.errors import ZeroArgumentError

from ..callbacks.base import CallbackList
from ..distributed.training import LocalRun, fit_run
from .evaluate import compiled_state, run_evaluation
from .history import History
from .inputs import make_loader, model_device, model_float_dtype, nn_batches, split_validation, validation_loader
from .modes import enter_training, restore_modes, saved_modes
from .progress import ProgressBar
from .steps import backward_and_step, forward


def fit(model, x, y=None, epochs=1, batch_size=32, validation_data=None, validation_split=0.0, shuffle=True,
        callbacks=None, verbose=1, initial_epoch=0, seed=None):
    """Train the compiled model and return a History (`history.history["loss"]`: one value per epoch).

    - `x`, `y`: arrays or Tensors with one row per example, or `x` a DataLoader / dataset yielding
      (inputs, targets) and `y` None. float64 inputs are used as float32.
    - `validation_data`: (x_val, y_val), a DataLoader or a dataset, evaluated after every epoch (logs
      'val_loss', 'val_<metric>'); or `validation_split`: the fraction of (x, y) taken, from the end,
      for validation.
    - `shuffle`: a new order every epoch, drawn from `seed` (default: from NumPy's global generator, so
      `np.random.seed` makes runs repeatable).
    - `callbacks`: nn.callbacks objects; one may set `model.stop_training = True` to end training.
    - `verbose`: 0 silent, 1 progress bar (one line per epoch when stdout is not a terminal or tqdm is
      missing), 2 one line per epoch.
    Each epoch runs the model in train mode (sub-modules put in eval mode, and frozen batch-norm layers,
    stay in eval mode); validation runs in eval mode. The model is left in the mode it had before.
    """
    compiled = compiled_state(model, "fit")
    if validation_split and validation_data is not None:
        raise ValueError("fit: pass either validation_data or validation_split, not both")
    device, float_dtype = model_device(model), model_float_dtype(model)
    if seed is None:
        seed = int(np.random.randint(0, 2**31 - 1))
    run = fit_run(model)  # under mpiexec after nn.distributed.init(): sharded data, averaged gradients
    seed = run.same_seed(seed)
    if validation_split:
        x, y, x_val, y_val = split_validation(x, y, validation_split, "fit")
        validation_data = (x_val, y_val)
    loader = run.shard(make_loader(x, y, batch_size, shuffle, "fit", device, seed=seed), seed)
    train = nn_batches(loader, "fit", device, float_dtype=float_dtype)
    val = None
    if validation_data is not None:
        val = nn_batches(validation_loader(validation_data, batch_size, "fit", device), "fit", device,
                         float_dtype=float_dtype)
    return run_fit(model, compiled, train, val, epochs, callbacks, verbose, initial_epoch, run=run)


class EpochsError(ValueError, TypeError):
    """An epochs count that is not a whole number (2.5, '2'): a ValueError, as deepgrad raised before, and a
    TypeError as Keras raises for it (range() of a float or a string)."""


def suggested_epochs(epochs):
    """A whole epochs count near `epochs`, for the error message."""
    try:
        return max(int(float(epochs)), 1)
    except (TypeError, ValueError):
        return 1


def run_fit(model, compiled, train, val, epochs, callbacks, verbose, initial_epoch=0, validation_freq=1,
            progress=None, run=None, sorted_logs=False):
    """The loop every fit shares: epochs `initial_epoch`..`epochs`-1 over the Batches `train`, validation on
    the Batches `val` (or None) after every `validation_freq`-th epoch (an int, or a collection of epoch
    numbers counted from 1), callbacks around it all. `run` (nn.distributed's, or a local one) says which
    model trains, which rank reports, and combines metrics across ranks. `sorted_logs`: each epoch's logs,
    the 'val_' ones included, reach the callbacks (and the History) sorted by name as in Keras (by the names
    of `compiled.log_structure()`, where it has one: a custom train_step's logs before flattening). Returns
    the History."""
    if not isinstance(epochs, numbers.Real) or int(epochs) != epochs:
        raise EpochsError(f"fit: epochs must be a whole number, got {epochs!r} ({type(epochs).__name__}); pass an "
                          f"int such as epochs={suggested_epochs(epochs)}")
    # a count of 0 or below (or at most initial_epoch) runs no epoch, as Keras's range(initial_epoch, epochs)
    run = LocalRun(model) if run is None else run
    history = History()
    model.history = history   # as Keras: the run's History from its start, for callbacks reading model.history
    progress = ProgressBar(verbose if run.is_main else 0) if progress is None else progress
    hooks = CallbackList(run.callbacks(list(callbacks or ())) + [history, progress], model,
                         {"verbose": verbose, "epochs": int(epochs), "steps": len(train)})
    modes = saved_modes(model)
    model.stop_training = False
    logs = {}
    hooks.call("on_train_begin", {})
    try:
        for epoch in range(int(initial_epoch), int(epochs)):
            hooks.call("on_epoch_begin", epoch, {})
            run.set_epoch(epoch)
            enter_training(model)
            logs = _train_epoch(model, compiled, train, hooks, run)
            if val is not None and _validates(epoch, validation_freq):
                structure = getattr(compiled, "log_structure", None)   # read before validation moves the metrics
                base = structure() if sorted_logs and structure is not None and logs else dict(logs)
                val_logs = run_evaluation(model, compiled, val, hooks)
                base.update((f"val_{name}", value) for name, value in val_logs.items())
                logs = _sorted_flat(base) if sorted_logs else base
            hooks.call("on_epoch_end", epoch, dict(logs))  # a copy, as Keras: what callbacks add to it
            # (the learning rate) reaches History but not on_train_end
            if run.any(model.stop_training):
                break
        finalize = getattr(getattr(compiled, "optimizer", None), "finalize_variable_values", None)
        if finalize is not None and epochs > 0:   # Keras's use_ema: the weights become their moving averages
            finalize([w for w in model.parameters() if w.requires_grad])
        hooks.call("on_train_end", logs)
    finally:
        progress.on_train_end()
        restore_modes(modes)
        run.close()
    model.history = history
    return history


def _sorted_flat(logs):
    """Logs sorted by name, a nested dict's entries (sorted too) in its key's place, as Keras orders them."""
    flat = {}
    for key, value in sorted(logs.items()):
        if isinstance(value, dict):
            flat.update(_sorted_flat(value))
        else:
            flat[key] = value
    return flat


def _validates(epoch, freq):
    if isinstance(freq, int):
        if freq < 1:
            raise ZeroArgumentError(f"fit: validation_freq must be >= 1 (validate every that many epochs), got {freq}"
                                    f"; pass validation_freq=1 to validate after every epoch")
        return (epoch + 1) % freq == 0
    return epoch + 1 in freq


def _train_epoch(model, compiled, batches, hooks, run):
    """One pass over `batches` with an optimiser step per batch; returns the epoch's loss and metrics."""
    optimizer = compiled.optimizer
    compiled.reset_metrics()
    for step, (inputs, target, weight) in enumerate(batches):
        hooks.call("on_train_batch_begin", step, {})
        steps = getattr(compiled, "steps", None)   # ag.jit steps after compile(..., jit_compile=True)
        if hasattr(compiled, "train_batch"):   # a keras.Model with its own train_step
            compiled.train_batch(inputs, target, weight)
            hooks.call("on_train_batch_end", step, compiled.results())
            if run.any(model.stop_training):
                break
            continue
        if steps is not None and steps.compiled and weight is None:
            loss, output = steps.train(run.model, optimizer, compiled.loss, inputs, target)
            compiled.add_loss(loss, target)
        else:
            output = forward(run.model, inputs, True)
            loss = compiled.compute_loss(model, output, target, weight)
            optimizer.zero_grad()
            backward_and_step(loss, optimizer)
        compiled.update_metrics(_detached(output), target, weight)
        hooks.call("on_train_batch_end", step, compiled.results())
        if run.any(model.stop_training):
            break
    if compiled.seen == 0 and getattr(batches.source, "may_run_dry", False):
        return {}   # as Keras: an epoch of a generator that ran out logs nothing
    if compiled.seen == 0:
        raise ValueError("fit: the training data yielded no batches (empty data, or drop_last with fewer examples "
                         "than batch_size)")
    run.combine(*compiled.running_metrics())
    return compiled.results()


def _detached(output):
    if isinstance(output, (tuple, list)):
        return type(output)(_detached(o) for o in output)
    if isinstance(output, dict):
        return {k: _detached(v) for k, v in output.items()}
    return output.detach() if hasattr(output, "detach") else output
