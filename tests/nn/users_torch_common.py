"""Shared by the users'-program tests: one program runs twice, first on PyTorch, then on deepgrad with the
weights PyTorch started from, and every logged number is compared."""
import numpy as np


def namespaces():
    """(PyTorch, deepgrad as a user imports it: `import autograd as torch` plus `import nn`)."""
    import pytest
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn  # noqa: F401  (makes ag.nn, ag.optim and ag.utils.data what torch.nn, ... are)
    return torch, ag


def start_weights(torch, model, init, seed=0):
    """Makes `model` (float64) start from `init`; an empty `init` (the PyTorch run) is first filled with the
    model's own default initialisation, nudged by small positive noise so no weight stays 0 or 1."""
    model = model.double()
    state = model.state_dict()
    with torch.no_grad():
        if not init:
            rs = np.random.RandomState(seed)
            for value in state.values():
                if value.dtype == torch.float64:
                    value.add_(torch.from_numpy(np.asarray(0.1 * rs.rand(*value.shape))))
            init.update({k: v.numpy().copy() for k, v in model.state_dict().items()})
        for key, value in state.items():
            value.copy_(torch.from_numpy(init[key].copy()))
    return model


def grads(model):
    """name -> gradient as NumPy, for every parameter that has one."""
    return {n: p.grad.numpy().copy() for n, p in model.named_parameters() if p.grad is not None}


def assert_same_log(ours, theirs, path="log", rtol=1e-9, atol=1e-10):
    """Walks two logs (dicts, lists, tuples, strings, bools, numbers, arrays) and asserts they agree."""
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and set(ours) == set(theirs), (path, set(ours) ^ set(theirs))
        for key in theirs:
            assert_same_log(ours[key], theirs[key], f"{path}[{key!r}]", rtol, atol)
    elif isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), (path, ours, theirs)
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same_log(a, b, f"{path}[{i}]", rtol, atol)
    elif isinstance(theirs, (str, bool, type(None))):
        assert type(ours) is type(theirs) and ours == theirs, (path, ours, theirs)
    else:
        a, b = np.asarray(ours), np.asarray(theirs)
        assert a.shape == b.shape, (path, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=path)
