"""An optimizer's variables as flat named arrays and back, so training resumes exactly after load_model (Keras
saves its optimizer's iterations, learning rate and slots in the weights file too).

Entries: 'optimizer/iterations', 'optimizer/learning_rate' (the current rate, which callbacks may have
changed) and 'optimizer/vars/<k>/<slot>' for the k-th trainable weight's slots (m, v, momentum, ...), k
following the order of model.trainable_weights.
"""
import numpy as np

from autograd import arrays

PREFIX = "optimizer/"


def optimizer_arrays(optimizer, model):
    """{name: NumPy array} for the optimizer's step count, rate and slots."""
    # the count of apply calls, which gradient accumulation divides for `iterations` (restored as the count)
    count = getattr(optimizer, "_iterations", None)
    out = {PREFIX + "iterations": np.asarray(optimizer.iterations if count is None else count, dtype=np.int64),
           PREFIX + "learning_rate": np.asarray(optimizer._group["lr"], dtype=np.float64)}
    for k, weight in enumerate(model.trainable_weights):
        for slot, value in optimizer.state.get(id(weight), {}).items():
            # np.array, not ascontiguousarray, which makes a 0-d slot (a scalar weight's) 1-d
            out[f"{PREFIX}vars/{k}/{slot}"] = np.array(arrays.wrap(value, weight.device).numpy(), order="C")
    return out


def restore_optimizer(optimizer, model, stored, positions=None):
    """Put the entries `optimizer_arrays` wrote (from a loaded file's dict) back into `optimizer`; `positions`
    maps a slot's trainable-weight index in the file to the model's (weights_file.trainable_position)."""
    if PREFIX + "iterations" not in stored:
        return
    weights = model.trainable_weights
    optimizer.built = True  # as Keras's load_model, which builds the optimizer to load its variables
    optimizer.iterations = int(stored[PREFIX + "iterations"])
    if optimizer._schedule is None:
        optimizer._group["lr"] = float(stored[PREFIX + "learning_rate"])
    for name, value in stored.items():
        if not name.startswith(PREFIX + "vars/"):
            continue
        index, slot = name[len(PREFIX + "vars/"):].split("/", 1)
        index = int(index) if positions is None else positions.get(int(index), len(weights))
        if index >= len(weights) or optimizer.slot_shape(slot, weights[index].shape) != tuple(np.shape(value)):
            raise ValueError(f"load_model: the optimizer slot {name} (shape {np.shape(value)}) does not fit the "
                             f"model's trainable weights; the file and the model differ")
        weight = weights[index]
        optimizer.state.setdefault(id(weight), {})[slot] = weight.device.asarray(np.array(value))
