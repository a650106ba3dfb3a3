"""The checks the edge-shape sweep (tests/test_edge_shapes_sweep.py) runs: a case is PyTorch code whose last line
is an expression; it runs once with PyTorch's names and once with deepgrad's, and the two results must agree in
values, dtypes and shapes (tensors anywhere inside tuples, lists and dicts), or both must raise, deepgrad an
instance of the type PyTorch raised."""
import numpy as np


def torch_names():
    """The names a case sees when PyTorch runs it (imports torch's submodules the cases reach)."""
    import torch
    import torch.nn.utils.parametrizations  # noqa: F401
    import torch.nn.utils.prune  # noqa: F401
    import torch.nn.utils.rnn  # noqa: F401
    import torch.optim.swa_utils  # noqa: F401
    import torch.utils.data
    return dict(torch=torch, nn=torch.nn, F=torch.nn.functional, optim=torch.optim, data=torch.utils.data, np=np,
                collate=torch.utils.data.default_collate)


def our_names():
    """The same names, as deepgrad spells them (torch. -> autograd., torch.utils.data -> nn.data)."""
    import autograd
    import nn
    import nn.data
    import nn.functional
    import nn.optim
    return dict(torch=autograd, nn=nn, F=nn.functional, optim=nn.optim, data=nn.data, np=np,
                collate=nn.data.default_collate)


def outcome(code, names):
    """('ok', the plain form of the value of `code`'s last line) or ('raised', the exception)."""
    *body, last = code.split("\n")
    scope = dict(names)
    try:
        exec("\n".join(body), scope)
        return "ok", plain(eval(last, scope))
    except Exception as exc:  # noqa: BLE001 - the caller compares the kind with PyTorch's
        return "raised", exc


def plain(value):
    """Tensors of either library (and NumPy arrays) as (dtype name, shape, float64 host array); sequences as
    lists, dicts as dicts of plain values, dtypes by name; numbers, strings and None as they are."""
    if hasattr(value, "shape") and hasattr(value, "dtype") and hasattr(value, "detach"):
        array = value.detach().cpu().numpy() if hasattr(value, "cpu") else value.detach().numpy()
        return "tensor", _dtype_name(value.dtype), tuple(value.shape), np.asarray(array)
    if isinstance(value, np.ndarray):
        return "array", _dtype_name(value.dtype), value.shape, value
    if isinstance(value, np.generic):
        return "numpy scalar", type(value).__name__, value.item()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if "dtype" in type(value).__name__.lower() or isinstance(value, type):
        return "dtype", _dtype_name(value)
    return "object", type(value).__name__


def _dtype_name(dtype):
    name = str(np.dtype(dtype)) if not str(dtype).startswith("torch.") else str(dtype)[len("torch."):]
    return {"bool_": "bool"}.get(name, name)


def differences(theirs, ours, where="result"):
    """Where the plain values `theirs` (PyTorch's) and `ours` differ, as a list of lines (empty when they agree;
    floats to 1e-4 relative and 1e-5 absolute, NaN equal to NaN)."""
    if isinstance(theirs, tuple) and theirs and theirs[0] in ("tensor", "array"):
        if not (isinstance(ours, tuple) and ours and ours[0] == theirs[0]):
            return [f"{where}: PyTorch gave a {theirs[0]}, deepgrad {ours!r:.200}"]
        if theirs[1:3] != ours[1:3]:
            return [f"{where}: PyTorch gave {theirs[1]} of shape {theirs[2]}, deepgrad {ours[1]} of shape {ours[2]}"]
        a, b = theirs[3], ours[3]
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            same = np.allclose(a.astype(np.complex128), b.astype(np.complex128), rtol=1e-4, atol=1e-5, equal_nan=True)
        else:
            same = np.array_equal(a, b)
        return [] if same else [f"{where}: values differ\n  PyTorch  {a!r}\n  deepgrad {b!r}"]
    if isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            return [f"{where}: PyTorch gave {len(theirs)} items, deepgrad {ours!r:.200}"]
        return [line for k, (t, o) in enumerate(zip(theirs, ours)) for line in differences(t, o, f"{where}[{k}]")]
    if isinstance(theirs, dict):
        if not isinstance(ours, dict) or set(ours) != set(theirs):
            return [f"{where}: PyTorch gave keys {sorted(theirs)}, deepgrad {ours!r:.200}"]
        return [line for k in theirs for line in differences(theirs[k], ours[k], f"{where}[{k!r}]")]
    if isinstance(theirs, float) and isinstance(ours, float):
        return [] if np.isclose(theirs, ours, rtol=1e-4, atol=1e-5, equal_nan=True) else \
            [f"{where}: PyTorch gave {theirs!r}, deepgrad {ours!r}"]
    same = type(theirs) is type(ours) and theirs == ours
    return [] if same else [f"{where}: PyTorch gave {theirs!r:.200}, deepgrad {ours!r:.200}"]


def check_case(code, theirs_names, our_names_):
    """Run `code` on both libraries; fail with what differs (values, dtypes, shapes, or which one raised)."""
    their_kind, their_value = outcome(code, theirs_names)
    our_kind, our_value = outcome(code, our_names_)
    if their_kind == "raised" or our_kind == "raised":
        assert their_kind == our_kind, (
            f"PyTorch {'raised ' + repr(their_value) if their_kind == 'raised' else 'ran'}, deepgrad "
            f"{'raised ' + repr(our_value) if our_kind == 'raised' else 'ran'}")
        assert isinstance(our_value, type(their_value)), \
            f"PyTorch raised {type(their_value).__name__}, deepgrad {type(our_value).__name__}: {our_value}"
        return
    lines = differences(their_value, our_value)
    assert not lines, "\n".join(lines)
