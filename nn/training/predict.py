"""model.predict: the model's outputs for many inputs, batch by batch, in eval mode without gradients."""
from autograd import Tensor, concatenate, no_grad

from ..callbacks.base import CallbackList
from .inputs import make_loader, model_device, model_float_dtype, nn_batches
from .modes import restore_modes, saved_modes
from .steps import steps_of


def predict(model, x, batch_size=32, callbacks=None):
    """The outputs for every example of `x` (an array, Tensor, DataLoader or dataset; a loader's targets are
    ignored) as one Tensor, batches joined along the first axis (a tuple of Tensors for a model with
    several outputs). The model runs in eval mode, without gradients, and goes back to its mode after."""
    device = model_device(model)
    batches = nn_batches(make_loader(x, None, batch_size, False, "predict", device, need_y=False), "predict",
                         device, need_y=False, float_dtype=model_float_dtype(model))
    outputs = run_predict(model, batches, CallbackList(callbacks, model, {"steps": len(batches)}))
    if isinstance(outputs[0], Tensor):
        return concatenate(outputs, axis=0)
    if isinstance(outputs[0], (tuple, list)):
        return tuple(concatenate([o[k] for o in outputs], axis=0) for k in range(len(outputs[0])))
    raise TypeError(f"predict: the model returned {type(outputs[0]).__name__}; expected a Tensor or a tuple of "
                    "Tensors")


def run_predict(model, batches, hooks, predict_step=None):
    """The model's output for each batch of the Batches `batches` (a list, one entry per batch), in eval mode
    without gradients, calling the predict hooks. `predict_step(inputs)`, when given, replaces the model's own call
    (a Keras model's predict_step)."""
    modes = saved_modes(model)
    outputs = []
    hooks.call("on_predict_begin", {})
    model.eval()
    try:
        with no_grad():
            for step, (inputs, _, _) in enumerate(batches):
                hooks.call("on_predict_batch_begin", step, {})
                out = predict_step(inputs) if predict_step is not None else steps_of(model).predict(model, inputs)
                outputs.append(out)
                hooks.call("on_predict_batch_end", step, {"outputs": out})
    finally:
        restore_modes(modes)
    hooks.call("on_predict_end", {})
    if not outputs:
        raise ValueError("predict: x has no examples")
    return outputs
