"""The optimisers' scalar state kept as PyTorch keeps it: state['step'] (and NAdam's 'mu_product', ASGD's
'eta' and 'mu') are 0-d host tensors of PyTorch's scalar dtype (float32; float64 when that is the default
dtype), so code that reads `opt.state[p]['step'].item()` and state dicts moved to or from PyTorch work as
there. The count is read and written through the tensor's array (no op dispatch), so a step costs no more."""
import numpy as np

from autograd import Tensor, arrays, float64, get_default_dtype


def scalar_state(value):
    """`value` as a 0-d host tensor of PyTorch's scalar-state dtype."""
    dtype = np.float64 if get_default_dtype() == float64 else np.float32
    return Tensor(np.array(value, dtype=dtype), device="cpu")


def _array(state, key):
    """The 0-d array behind state[key], made a scalar-state tensor first if it is a number (set by user code)."""
    value = state[key]
    data = arrays.array(value) if isinstance(value, Tensor) else None
    if type(data) is not np.ndarray or data.ndim:
        state[key] = value = scalar_state(float(np.asarray(value.numpy() if isinstance(value, Tensor) else value)))
        data = arrays.array(value)
    return data


def advance(state):
    """Add one to state['step'] in place and return the new count (a float, as PyTorch's step value)."""
    data = _array(state, "step")
    count = data.item() + 1.0
    data[()] = count
    return float(data.item())   # what the tensor holds (float32 stops counting at 2**24, as PyTorch's)


def read(state, key):
    """state[key] (a scalar-state tensor) as a Python float."""
    return _array(state, key).item()


def write(state, key, value):
    """Store `value` into the scalar-state tensor state[key] (rounded to its dtype) and return what it holds."""
    data = _array(state, key)
    data[()] = value
    return data.item()


def multiply(state, key, factor):
    """Multiply the scalar-state tensor state[key] by `factor` in its own dtype (as PyTorch's in-place product
    of a float32 scalar tensor) and return what it holds."""
    data = _array(state, key)
    data[()] = data * data.dtype.type(factor)
    return data.item()


def _shareable(value, p, key):
    """Whether a saved scalar entry is already a scalar-state tensor that PyTorch's load_state_dict would keep as
    the very same object: 'step' always, the others ('eta', 'mu', 'mu_product') when in their parameter's dtype."""
    return (isinstance(value, Tensor) and value.ndim == 0 and value.device.host_memory
            and type(arrays.array(value)) is np.ndarray and value.dtype.kind == "f"
            and (key == "step" or p is None or value.dtype == p.dtype))


def restore(value, p, key, who):
    """A saved scalar entry (ours, a torch tensor, a NumPy array or a number) as a scalar-state tensor; one that
    already is such a tensor is kept itself, not copied, as PyTorch keeps it (so optimisers loaded from one live
    state_dict() share it)."""
    if _shareable(value, p, key):
        return value
    if isinstance(value, Tensor):
        value = value.numpy()
    elif hasattr(value, "detach"):   # a torch tensor
        value = value.detach().cpu().numpy()
    data = np.asarray(value)
    if data.size != 1:
        raise ValueError(f"{who}.load_state_dict: state '{key}' must be a single number, got shape {data.shape}")
    return scalar_state(float(data.reshape(())))
