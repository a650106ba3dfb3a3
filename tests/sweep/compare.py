"""Running one call on both libraries and saying how the results differ."""
import numpy as np

#: the dtypes every sweep goes over, by name (both libraries spell them alike)
DTYPES = ("bool", "uint8", "int8", "int32", "int64", "float16", "bfloat16", "float32", "float64", "complex64")


def made(lib, dtype, shape, seed=0, low=-3, high=3):
    """A tensor of `lib` (torch or autograd) with seeded values of `dtype` and `shape`: rounded floats in
    [low, high], integers in range for the dtype, random bools, complex numbers with both parts drawn."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        values = rng.random(shape) > 0.5
    elif dtype.startswith("complex"):
        values = (rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)).astype(dtype)
    elif dtype.startswith(("int", "uint")):
        values = rng.integers(0 if dtype.startswith("u") else low, high + 1, shape).astype(dtype)
    else:
        values = np.round(rng.uniform(low, high, shape), 2)
        if dtype in ("float16", "bfloat16"):
            return lib.tensor(values.astype(np.float32)).to(getattr(lib, dtype))
        values = values.astype(dtype)
    return lib.tensor(np.array(values))


def _host(value):
    """(NumPy array or plain value, dtype name) of a result of either library."""
    if hasattr(value, "detach") and hasattr(value, "dtype"):
        name = str(value.dtype).replace("torch.", "").replace("autograd.", "")
        value = value.detach()
        if name == "complex32":   # PyTorch's half-precision complex: NumPy has none
            value = value.to(__import__("torch").complex64)
        elif name in ("bfloat16", "float16"):
            value = value.float()
        if hasattr(value, "resolve_conj"):   # PyTorch's lazy conjugate and negative views
            value = value.resolve_conj().resolve_neg()
        return np.asarray(value.numpy()), name
    return value, type(value).__name__


def differences(theirs, ours, where, tolerances=None):
    """Lines saying how `ours` differs from `theirs` (PyTorch's): structure, dtype, shape, values. `tolerances`
    maps a float dtype name to (rtol, atol) where the default 1e-5 (1e-2 for half precision) does not fit."""
    if isinstance(theirs, (tuple, list)):
        if not isinstance(ours, (tuple, list)) or len(theirs) != len(ours):
            return [f"{where}: PyTorch gives {type(theirs).__name__} of {len(theirs)}, deepgrad {type(ours).__name__}"]
        return [line for i, (a, b) in enumerate(zip(theirs, ours))
                for line in differences(a, b, f"{where}[{i}]", tolerances)]
    (a, dtype_a), (b, dtype_b) = _host(theirs), _host(ours)
    if dtype_a != dtype_b:
        return [f"{where}: dtype PyTorch {dtype_a}, deepgrad {dtype_b}"]
    if not isinstance(a, np.ndarray):
        same = a == b or (isinstance(a, float) and np.isnan(a) and np.isnan(b))
        return [] if same else [f"{where}: PyTorch {a!r}, deepgrad {b!r}"]
    if a.shape != b.shape:
        return [f"{where}: shape PyTorch {a.shape}, deepgrad {b.shape}"]
    if a.dtype.kind in "fc":
        tolerance = 1e-2 if dtype_a in ("float16", "bfloat16") else 1e-5
        rtol, atol = (tolerances or {}).get(dtype_a, (tolerance, tolerance))
        same = np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    else:
        same = np.array_equal(a, b)
    return [] if same else [f"{where}: values PyTorch {a.ravel()[:6]}, deepgrad {b.ravel()[:6]}"]


def compared(where, theirs, ours):
    """Run `theirs()` (PyTorch) and `ours()` (deepgrad): no lines when both raise or both agree, else what
    differs (one raising alone included)."""
    outcomes = []
    for call in (theirs, ours):
        try:
            outcomes.append((call(), None))
        except Exception as error:   # the sweep compares failures too
            outcomes.append((None, error))
    (their_value, their_error), (our_value, our_error) = outcomes
    if their_error is not None and our_error is not None:
        return []
    if their_error is not None:
        return [f"{where}: PyTorch raises {type(their_error).__name__} ({str(their_error)[:80]}), deepgrad does not"]
    if our_error is not None:
        return [f"{where}: deepgrad raises {type(our_error).__name__} ({str(our_error)[:120]}), PyTorch does not"]
    return differences(their_value, our_value, where)

