"""The checks the bad-input sweeps share. A case is (id, code written as PyTorch or Keras code, the exception type
the real library raises, the type deepgrad raised before (kept, so that existing `except` clauses still catch it),
substrings the message must hold: the op, the shapes or dtypes, the fix)."""


def raised(code, names):
    """The exception `code` raises when run with `names` as its globals, or None."""
    try:
        exec(code, dict(names))
    except Exception as exc:  # noqa: BLE001 - the caller checks the kind
        return exc
    return None


def check_mistake(case, ours):
    """deepgrad (its names in `ours`) raises the case's type, still an instance of the old one, with a message that
    holds every listed substring."""
    _, code, kind, old_kind, names = case
    error = raised(code, ours)
    assert isinstance(error, kind), f"expected {kind.__name__}, deepgrad raised {type(error).__name__}: {error}"
    assert isinstance(error, old_kind), f"{type(error).__name__} is no longer a {old_kind.__name__}"
    missing = [n for n in names if n not in str(error)]
    assert not missing, f"message {str(error)!r} does not name {missing}"


def check_oracle(case, ours, theirs):
    """The real library (its names in `theirs`) raises for the case's code, a type the table names, and deepgrad's
    error is an instance of it."""
    their_error = raised(case[1], theirs)
    assert their_error is not None, "the real library accepts this call; deepgrad should too"
    assert isinstance(their_error, case[2]), f"the real library raised {type(their_error).__name__}, the table " \
                                             f"says {case[2].__name__}"
    our_error = raised(case[1], ours)
    assert isinstance(our_error, type(their_error)), \
        f"the real library raised {type(their_error).__name__}, deepgrad {type(our_error).__name__}"


def value_of(code, names):
    """The value of `code`'s last line, run after its other lines with `names` as globals, in plain_value's form."""
    *body, last = code.split("\n")
    exec("\n".join(body), names)
    return plain_value(eval(last, names))


def plain_value(value):
    """Tensors of either library as nested lists, sizes and tuples as lists, so that the two results compare."""
    if hasattr(value, "tolist") and hasattr(value, "shape"):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain_value(v) for v in value]
    return value


def pytorch_names(torch=None):
    """The globals a mistake's PyTorch spelling runs with: `torch`'s own modules and data classes, or, with no
    argument, deepgrad's under the same names."""
    import numpy as np
    if torch is None:
        import autograd
        import nn
        import nn.data as data
        import nn.functional as functional
        import nn.optim as optim
        base = dict(torch=autograd, nn=nn, F=functional, optim=optim)
    else:
        data = torch.utils.data
        base = dict(torch=torch, nn=torch.nn, F=torch.nn.functional, optim=torch.optim)
    return dict(base, np=np, DataLoader=data.DataLoader, TensorDataset=data.TensorDataset,
                SequentialSampler=data.SequentialSampler, BatchSampler=data.BatchSampler,
                random_split=data.random_split, RandomSampler=data.RandomSampler,
                default_collate=data.default_collate)


def check_oracle_quietly(case):
    """check_oracle against the installed PyTorch (skipped without it), its warnings silenced."""
    import warnings
    import pytest
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_oracle(case, pytorch_names(), pytorch_names(torch))


def _as_floats(value):
    """Nested lists of numbers as a float array, anything else as it is."""
    import numpy as np
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return value


def check_accepted(case, rtol):
    """An accepted case (id, code): deepgrad runs the code as PyTorch does and its last line has PyTorch's value
    (numbers within `rtol`, anything else equal); skipped without PyTorch."""
    import warnings
    import numpy as np
    import pytest
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = (_as_floats(value_of(case[1], pytorch_names(lib))) for lib in (None, torch))
    if isinstance(theirs, np.ndarray):
        np.testing.assert_allclose(ours, theirs, rtol=rtol)
    else:
        assert ours == theirs
