"""model.fit: train a compiled model for some epochs, Keras style, and return its History."""
import numpy as np

from ..callbacks.base import CallbackList
from ..distributed.training import fit_run
from .evaluate import compiled_state, run_evaluation
from .history import History
from .inputs import (make_loader, model_device, model_float_dtype, on_device, split_batch, split_validation,
                     validation_loader)
from .metrics import Mean
from .modes import restore_modes, saved_modes
from .progress import ProgressBar


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
    Each epoch runs the model in train mode; validation runs in eval mode. The model is left in the
    mode it had before.
    """
    compiled = compiled_state(model, "fit")
    if int(epochs) != epochs or epochs < 0:
        raise ValueError(f"fit: epochs must be a whole number >= 0, got {epochs!r}")
    if validation_split and validation_data is not None:
        raise ValueError("fit: pass either validation_data or validation_split, not both")
    device = model_device(model)
    if seed is None:
        seed = int(np.random.randint(0, 2**31 - 1))
    run = fit_run(model)  # under mpiexec after nn.distributed.init(): sharded data, averaged gradients
    seed = run.same_seed(seed)
    if validation_split:
        x, y, x_val, y_val = split_validation(x, y, validation_split, "fit")
        validation_data = (x_val, y_val)
    train = run.shard(make_loader(x, y, batch_size, shuffle, "fit", device, seed=seed), seed)
    val = validation_loader(validation_data, batch_size, "fit", device) if validation_data is not None else None

    history = History()
    progress = ProgressBar(verbose if run.is_main else 0)
    hooks = CallbackList(run.callbacks(list(callbacks or ())) + [history, progress], model,
                         {"epochs": int(epochs), "steps": len(train), "verbose": verbose})
    modes = saved_modes(model)
    model.stop_training = False
    logs = {}
    hooks.call("on_train_begin", {})
    try:
        for epoch in range(int(initial_epoch), int(epochs)):
            hooks.call("on_epoch_begin", epoch, {})
            run.set_epoch(epoch)
            logs = _train_epoch(model, compiled, train, hooks, device, run)
            if val is not None:
                val_logs = run_evaluation(model, compiled, val, hooks, device)
                logs.update((f"val_{name}", value) for name, value in val_logs.items())
            hooks.call("on_epoch_end", epoch, logs)
            if run.any(model.stop_training):
                break
        hooks.call("on_train_end", logs)
    finally:
        progress.on_train_end()
        restore_modes(modes)
        run.close()
    model.history = history
    return history


def _train_epoch(model, compiled, loader, hooks, device, run):
    """One pass over `loader` with an optimiser step per batch; returns the epoch's loss and metrics."""
    optimizer, loss_fn, metrics = compiled.optimizer, compiled.loss, compiled.metrics
    loss_mean = Mean("loss")
    for metric in metrics:
        metric.reset()
    model.train()
    for step, batch in enumerate(loader):
        hooks.call("on_train_batch_begin", step, {})
        inputs, target = split_batch(batch, "fit")
        inputs, (target,) = on_device(inputs, device, model_float_dtype(model)), on_device((target,), device)
        loss, output = compiled.steps.train(run.model, optimizer, loss_fn, inputs, target)
        loss_mean.update(loss.item(), len(target))
        for metric in metrics:
            metric.update(output, target)
        logs = {"loss": loss_mean.result()}
        logs.update((m.name, m.result()) for m in metrics)
        hooks.call("on_train_batch_end", step, logs)
        if run.any(model.stop_training):
            break
    if loss_mean._count == 0:
        raise ValueError("fit: the training data yielded no batches (empty data, or drop_last with fewer examples "
                         "than batch_size)")
    run.combine(loss_mean, *metrics)
    logs = {"loss": loss_mean.result()}
    logs.update((m.name, m.result()) for m in metrics)
    return logs
