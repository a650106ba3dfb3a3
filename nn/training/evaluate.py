"""model.evaluate: the loss and metrics of a compiled model on data, in eval mode without gradients."""
from autograd import no_grad

from ..callbacks.base import CallbackList
from ..distributed.training import combine_ranks, evaluation_loader
from .inputs import make_loader, model_device, model_float_dtype, on_device, split_batch
from .metrics import Mean
from .modes import restore_modes, saved_modes


def compiled_state(model, who):
    """The model's Compiled settings; a clear error when compile was not called."""
    compiled = getattr(model, "_compiled", None)
    if compiled is None:
        raise RuntimeError(f"{who}: the model is not compiled; call model.compile(optimizer, loss, metrics=[...]) "
                           "first")
    return compiled


def evaluate(model, x, y=None, batch_size=32, callbacks=None, verbose=0):
    """The loss and every compiled metric over (x, y) (arrays or Tensors) or over a DataLoader / dataset of
    (inputs, targets), e.g. `{"loss": 0.21, "accuracy": 0.94}`. The model runs in eval mode, without
    gradients, and goes back to its previous mode after."""
    compiled = compiled_state(model, "evaluate")
    device = model_device(model)
    loader = make_loader(x, y, batch_size, False, "evaluate", device)
    hooks = CallbackList(callbacks, model, {"verbose": verbose, "steps": len(loader)})
    results = run_evaluation(model, compiled, loader, hooks, device)
    if verbose:
        print(" - ".join(f"{k}: {v:.4f}" for k, v in results.items()))
    return results


def run_evaluation(model, compiled, loader, hooks, device):
    """Evaluate on every batch of `loader`, calling the test hooks; returns {name: value}."""
    modes = saved_modes(model)
    loader = evaluation_loader(loader)  # this rank's share under mpiexec
    loss_mean = Mean("loss")
    for metric in compiled.metrics:
        metric.reset()
    hooks.call("on_test_begin", {})
    model.eval()
    try:
        with no_grad():
            for step, batch in enumerate(loader):
                hooks.call("on_test_batch_begin", step, {})
                inputs, target = split_batch(batch, "evaluate")
                inputs, (target,) = on_device(inputs, device, model_float_dtype(model)), on_device((target,), device)
                loss, output = compiled.steps.eval(model, compiled.loss, inputs, target)
                loss_mean.update(loss.item(), len(target))
                for metric in compiled.metrics:
                    metric.update(output, target)
                hooks.call("on_test_batch_end", step, _results(loss_mean, compiled.metrics))
    finally:
        restore_modes(modes)
    combine_ranks(loss_mean, *compiled.metrics)  # the results over every rank's share
    if loss_mean._count == 0:
        raise ValueError("evaluate: the data has no examples")
    results = _results(loss_mean, compiled.metrics)
    hooks.call("on_test_end", results)
    return results


def _results(loss_mean, metrics):
    results = {"loss": loss_mean.result()}
    results.update((m.name, m.result()) for m in metrics)
    return results
