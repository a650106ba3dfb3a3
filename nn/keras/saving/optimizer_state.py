"""An optimizer's variables as flat named arrays and back, so training resumes exactly after load_model (Keras
saves its optimizer's iterations, learning rate and slots in the weights file too).

Entries: 'optimizer/iterations', 'optimizer/learning_rate' (the current rate, which callbacks may have
changed) and 'optimizer/vars/<k>/<slot>' for the k-th trainable weight's slots (m, v, momentum, ...), k
following the order of model.trainable_weights.
"""
import numpy as np

from autograd import arrays

PREFIX = "optimizer/"


def optimizer_arrays(optimizer, model, prefix=PREFIX):
    """{name: NumPy array} for the optimizer's step count, rate and slots (a MultiOptimizer's parts each under
    '<prefix>parts/<k>/')."""
    parts = _parts(optimizer)
    if parts is not None:
        out = {prefix + "iterations": np.asarray(optimizer._iterations, dtype=np.int64)}
        for k, part in enumerate(parts):
            out.update(optimizer_arrays(part, model, f"{prefix}parts/{k}/"))
        return out
    # the count of apply calls, which gradient accumulation divides for `iterations` (restored as the count)
    count = getattr(optimizer, "_iterations", None)
    out = {prefix + "iterations": np.asarray(optimizer.iterations if count is None else count, dtype=np.int64),
           prefix + "learning_rate": np.asarray(optimizer._group["lr"], dtype=np.float64)}
    for k, weight in enumerate(model.trainable_weights):
        for slot, value in optimizer.state.get(id(weight), {}).items():
            # np.array, not ascontiguousarray, which makes a 0-d slot (a scalar weight's) 1-d
            out[f"{prefix}vars/{k}/{slot}"] = np.array(arrays.wrap(value, weight.device).numpy(), order="C")
    extra = optimizer._extra_state() if hasattr(optimizer, "_extra_state") else {}
    out.update({f"{prefix}extra/{name}": np.array(value) for name, value in extra.items()})
    return out


def _parts(optimizer):
    """A MultiOptimizer's parts (each saved on its own), or None for any other optimizer."""
    from ..optimizers_multi import MultiOptimizer
    return optimizer.optimizers if isinstance(optimizer, MultiOptimizer) else None


def restore_optimizer(optimizer, model, stored, positions=None, prefix=PREFIX):
    """Put the entries `optimizer_arrays` wrote (from a loaded file's dict) back into `optimizer`; `positions`
    maps a slot's trainable-weight index in the file to the model's (weights_file.trainable_position)."""
    if prefix + "iterations" not in stored:
        return
    parts = _parts(optimizer)
    if parts is not None:
        optimizer.built = True
        optimizer.iterations = int(stored[prefix + "iterations"])
        for k, part in enumerate(parts):
            restore_optimizer(part, model, stored, positions, f"{prefix}parts/{k}/")
        return
    weights = model.trainable_weights
    optimizer.built = True  # as Keras's load_model, which builds the optimizer to load its variables
    optimizer.iterations = int(stored[prefix + "iterations"])
    if optimizer._schedule is None:
        optimizer._group["lr"] = float(stored[prefix + "learning_rate"])
    extra = {name[len(prefix + "extra/"):]: value for name, value in stored.items()
             if name.startswith(prefix + "extra/")}
    if hasattr(optimizer, "_set_extra_state"):   # Nadam's product, a LossScaleOptimizer's scale
        optimizer._set_extra_state(extra)
    inner = getattr(optimizer, "inner_optimizer", optimizer)
    if not any(k.startswith("trailing/") or k.startswith("inner/trailing/") for k in extra) and \
            hasattr(inner, "rebuild_product") and not inner.__dict__.get("_wrapped_by_loss_scale"):
        inner.rebuild_product()   # a file written before the product was saved
    for name, value in stored.items():
        if not name.startswith(prefix + "vars/"):
            continue
        index, slot = name[len(prefix + "vars/"):].split("/", 1)
        index = int(index) if positions is None else positions.get(int(index), len(weights))
        if index >= len(weights) or optimizer.slot_shape(slot, weights[index].shape) != tuple(np.shape(value)):
            raise ValueError(f"load_model: the optimizer slot {name} (shape {np.shape(value)}) does not fit the "
                             f"model's trainable weights; the file and the model differ")
        weight = weights[index]
        getattr(optimizer, "inner_optimizer", optimizer)._weights.setdefault(id(weight), weight)   # listed, as Keras
        optimizer.state.setdefault(id(weight), {})[slot] = weight.device.asarray(np.array(value))
