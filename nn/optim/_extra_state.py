"""Loading optimiser state that Optimizer.load_state_dict cannot restore by itself: scalars kept as numbers
(ASGD's eta and mu) and buffers of another shape than their parameter (Adafactor's row and column factors)."""
import numpy as np

from autograd import Tensor, arrays

from .optimizer import Optimizer


def host_value(value):
    """A saved entry (ours, a torch tensor, a NumPy array or a number) as a NumPy array."""
    if isinstance(value, Tensor):
        return value.numpy()
    if hasattr(value, "detach"):   # a torch tensor
        value = value.detach()
        return value.cpu().numpy() if hasattr(value, "cpu") else value.numpy()
    return np.asarray(value)


def as_number(value, p, key, who):
    """A saved scalar entry as a Python float."""
    data = host_value(value)
    if data.size != 1:
        raise ValueError(f"{who}.load_state_dict: state '{key}' must be a single number, got shape {data.shape}")
    return float(data.reshape(()))


def as_buffer(value, p, key, who):
    """A saved buffer of any shape as a Tensor on p's device, in p's dtype: a Tensor already there is kept itself,
    as PyTorch keeps it (optimisers loaded from one live state_dict() share it), anything else is copied."""
    if isinstance(value, Tensor) and value.device == p.device and value.dtype == p.dtype:
        return value
    return arrays.wrap(p.device.asarray(host_value(value), dtype=p.dtype).copy(), p.device)


def load_state_dict(optimizer, state_dict, restorers):
    """Optimizer.load_state_dict for `optimizer`, with the state entries named in `restorers` (key -> one of
    as_number / as_buffer) restored by those instead of the base's shape-checked copy."""
    extras = {}
    stripped = dict(state_dict, state={})
    for index, values in state_dict.get("state", {}).items():
        values = dict(values)
        extras[int(index)] = {k: values.pop(k) for k in list(values) if k in restorers}
        stripped["state"][index] = values
    Optimizer.load_state_dict(optimizer, stripped)
    params = [p for group in optimizer.param_groups for p in group["params"]]
    for index, entries in extras.items():
        p = params[index]
        for key, value in entries.items():
            optimizer.state[p][key] = restorers[key](value, p, key, type(optimizer).__name__)
