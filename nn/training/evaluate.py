"""model.evaluate: the loss and metrics of a compiled model on data, in eval mode without gradients."""
import warnings

from autograd import no_grad

from ..callbacks.base import CallbackList
from ..distributed.training import combine_ranks, evaluation_loader
from .inputs import make_loader, model_device, model_float_dtype, nn_batches
from .modes import restore_modes, saved_modes
from .steps import forward


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
    batches = nn_batches(make_loader(x, y, batch_size, False, "evaluate", device), "evaluate", device,
                         float_dtype=model_float_dtype(model))
    hooks = CallbackList(callbacks, model, {"verbose": verbose, "steps": len(batches)})
    results = run_evaluation(model, compiled, batches, hooks)
    if verbose:
        print(" - ".join(f"{k}: {v:.4f}" for k, v in results.items()))
    return results


def run_evaluation(model, compiled, batches, hooks):
    """Evaluate on every (inputs, target, weight) of `batches`, calling the test hooks; returns {name: value}."""
    modes = saved_modes(model)
    if hasattr(getattr(batches, "source", None), "sampler"):
        batches.source = evaluation_loader(batches.source)   # this rank's share under mpiexec (a DataLoader)
    compiled.reset_metrics()
    hooks.call("on_test_begin", {})
    model.eval()
    try:
        with no_grad():
            for step, (inputs, target, weight) in enumerate(batches):
                hooks.call("on_test_batch_begin", step, {})
                steps = getattr(compiled, "steps", None)   # ag.jit steps after compile(..., jit_compile=True)
                if hasattr(compiled, "test_batch"):   # a keras.Model with its own test_step
                    compiled.test_batch(inputs, target, weight)
                elif steps is not None and steps.compiled and weight is None:
                    loss, output = steps.eval(model, compiled.loss, inputs, target)
                    compiled.add_loss(loss, target)
                    compiled.update_metrics(output, target, weight)
                else:
                    output = forward(model, inputs, False)
                    compiled.compute_loss(model, output, target, weight)
                    compiled.update_metrics(output, target, weight)
                hooks.call("on_test_batch_end", step, compiled.results())
    finally:
        restore_modes(modes)
    combine_ranks(*compiled.running_metrics())   # the results over every rank's share
    if compiled.seen == 0:
        if getattr(batches, "may_be_empty", False):   # fit's validation_split left none: Keras warns, logs nothing
            warnings.warn("Your input ran out of data; interrupting training. Make sure that your dataset or "
                          "generator can generate at least `steps_per_epoch * epochs` batches. You may need to use "
                          "the `.repeat()` function when building your dataset.", stacklevel=2)
            hooks.call("on_test_end", {})
            return {}
        raise ValueError("evaluate: the data has no examples")
    results = compiled.results()
    hooks.call("on_test_end", results)
    return results
