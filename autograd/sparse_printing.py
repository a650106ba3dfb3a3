"""How a sparse COO tensor prints, as PyTorch prints one: its indices, its values, then size, nnz, dtype
(when not the default), layout and its graph."""
import numpy as np

import backends

from . import type_objects
from .dtypes import get_default_dtype
from .printing import add_suffixes, format_values, printed_name


def _block(name, array, indent):
    if array.size == 0:   # PyTorch names an empty block's shape: tensor([], size=(2, 0))
        return f"{name}=tensor([], size={tuple(array.shape)})"
    head = f"{name}=tensor("
    return head + format_values(np.asarray(array), indent=indent + len(head)) + ")"


def sparse_repr(t):
    """repr() of the sparse tensor t (COO, CSR, CSC, BSR or BSC)."""
    s = t._data
    device = t._device
    values = _block("values", device.to_host(s.values), 7)
    if s.layout == "csr":
        crow, col = (device.to_host(a._data) for a in (t.crow_indices(), t.col_indices()))
        text = ("tensor(" + _block("crow_indices", crow, 7) + ",\n       " + _block("col_indices", col, 7) +
                ",\n       " + values + f", size={s.shape}, nnz={s.nnz}")
    elif s.layout in ("bsr", "bsc"):
        names = ("crow_indices", "col_indices") if s.layout == "bsr" else ("ccol_indices", "row_indices")
        first, second = (device.to_host(getattr(t, n)()._data) for n in names)
        blocks = device.to_host(t.values()._data)
        text = ("tensor(" + _block(names[0], first, 7) + ",\n       " + _block(names[1], second, 7) + ",\n       " +
                _block("values", blocks, 7) + f", size={s.shape}, nnz={blocks.shape[0]}")
    elif s.layout == "csc":
        ccol, row = (device.to_host(a._data) for a in (t.ccol_indices(), t.row_indices()))
        text = ("tensor(" + _block("ccol_indices", ccol, 7) + ",\n       " + _block("row_indices", row, 7) +
                ",\n       " + values + f", size={s.shape}, nnz={s.nnz}")
    else:
        text = ("tensor(" + _block("indices", device.to_host(s.indices), 7) + ",\n       " + values +
                ",\n       " + f"size={s.shape}, nnz={s.nnz}")
    extras = []
    if s.dtype != get_default_dtype() and s.dtype not in (np.int64, np.bool_):
        extras.append(f"dtype={s.dtype}")
    extras.append(f"layout={t.layout}")
    if device.name != "cpu" and not (device.host_memory and device is backends.get_default_device()):
        extras.insert(0, f"device='{device.name}'")   # as a dense tensor's: the default host device goes unnamed
    if t._node is not None:
        extras.append(f"grad_fn=<{printed_name(t._node)}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return add_suffixes(text, extras, indent=7)
