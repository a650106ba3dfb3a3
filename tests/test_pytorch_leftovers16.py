"""PyTorch leftovers 16, each checked against torch 2.13: what a Tensor subclass's `__torch_function__` is handed
(property getters and setters, torch.autograd.grad/backward, functions bound by name before the first subclass,
the linear inside nn.Linear) and `torch.overrides.TorchFunctionMode`."""
import functools
import json
import os
import subprocess
import sys

import pytest


def _torch():
    return pytest.importorskip("torch")


def _error(call):
    """The builtin exception types `call()` raises (None when it returns)."""
    try:
        call()
    except Exception as error:   # noqa: BLE001 - the error's type is the outcome
        return sorted(c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins")
    return None


# ----- 1. what a subclass's __torch_function__ is handed ----------------------------------------------------------
# Defining a subclass or entering a mode switches dispatch on for the whole process, so these stories run in a child
# process each, and the test compares what the two libraries' children print.
def _handed_story(torch, early_add):
    nn = torch.nn
    log = []

    class Logged(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            log.append(func.__name__)
            return super().__torch_function__(func, types, args, kwargs)

    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).as_subclass(Logged)
    x = torch.tensor([1.0, 2.0]).as_subclass(Logged).requires_grad_()
    layer = nn.Linear(2, 2)
    story = {}

    def put_grad():
        x.grad = None

    calls = {"t.shape": lambda: t.shape, "t.T": lambda: t.T, "t.data": lambda: t.data, "t.dtype": lambda: t.dtype,
             "t.requires_grad": lambda: t.requires_grad, "t.ndim": lambda: t.ndim, "t.is_leaf": lambda: t.is_leaf,
             "t.grad_fn": lambda: t.grad_fn, "t.mT": lambda: t.mT, "x.grad = None": put_grad,
             "early add": lambda: early_add(t, 1), "Linear": lambda: layer(t),
             "autograd.grad": lambda: torch.autograd.grad((x * x).sum(), [x]),
             "autograd.backward": lambda: torch.autograd.backward([(x * 2).sum()]),
             "t.grad": lambda: x.grad}
    for name, call in calls.items():
        log.clear()
        out = call()
        out = out[0] if isinstance(out, tuple) else out
        kind = type(out).__name__ if isinstance(out, (torch.Tensor, tuple, type(None), bool, int)) else "other"
        story[name] = [list(log), kind]
    seen = {}

    class Keeping(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            seen.setdefault("func", func)
            seen.setdefault("args", [type(a).__name__ for a in args])
            seen.setdefault("kwargs", sorted(kwargs or {}))
            return super().__torch_function__(func, types, args, kwargs)

    k = torch.ones(2).as_subclass(Keeping)
    k.shape
    func = seen.pop("func")
    story["getter"] = [func == torch.Tensor.shape.__get__, func.__self__.__name__, func.__name__, seen]
    seen.clear()
    k2 = torch.ones(2).as_subclass(Keeping).requires_grad_()
    torch.autograd.grad((k2 * 2).sum(), k2, retain_graph=True)
    func = seen.pop("func")
    story["grad's call"] = [func is torch.autograd.grad, seen]
    return story


# ----- 2. TorchFunctionMode -----------------------------------------------------------------------------------------
def _mode_story(torch, early_add):
    F = torch.nn.functional
    log = []

    class Log(torch.overrides.TorchFunctionMode):
        def __init__(self, tag):
            super().__init__()
            self.tag = tag

        def __torch_function__(self, func, types, args=(), kwargs=None):
            log.append(f"{self.tag}:{func.__name__}")
            return func(*args, **(kwargs or {}))

    a = torch.ones(2)
    b = torch.tensor([1.0, 2.0])
    layer = torch.nn.Linear(2, 2)
    story = {}

    def put_grad():
        a.grad = None

    def nested():
        with Log("inner"):
            return torch.add(a, b)

    def not_subclass():
        with torch._C.DisableTorchFunctionSubclass():
            return torch.mul(a, b)

    def none():
        with torch._C.DisableTorchFunction():
            return torch.mul(a, b)

    calls = {"a + b": lambda: a + b, "torch.add": lambda: torch.add(a, b), "a.shape": lambda: a.shape,
             "a.sum()": lambda: a.sum(), "F.relu": lambda: F.relu(a), "a[0]": lambda: a[0], "a.grad": lambda: a.grad,
             "a.grad = None": put_grad, "torch.ones": lambda: torch.ones(2), "Linear": lambda: layer(a).shape[0],
             "nested": nested, "DisableTorchFunctionSubclass": not_subclass, "DisableTorchFunction": none,
             "early add": lambda: early_add(a, b), "a.neg()": lambda: a.neg(), "torch.cat": lambda: torch.cat([a, b])}
    mode = Log("outer")
    with mode as entered:
        story["entered"] = entered is mode
        for name, call in calls.items():
            log.clear()
            out = call()
            story[name] = [list(log), out.tolist() if isinstance(out, torch.Tensor) else out]
    log.clear()
    a + b
    story["after"] = list(log)

    class Replacing(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            if func is torch.add:
                return "replaced"
            return func(*args, **(kwargs or {}))

    with Replacing():
        story["replaced"] = [torch.add(a, b), torch.mul(a, b).tolist()]

    class Sub(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            log.append(f"Sub:{func.__name__}")
            return super().__torch_function__(func, types, args, kwargs)

    class Types(torch.overrides.TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            log.append(f"mode:{func.__name__}:{[t.__name__ for t in types]}")
            return func(*args, **(kwargs or {}))

    s = torch.ones(2).as_subclass(Sub)
    log.clear()
    with Types():
        out = torch.add(s, 1)
    story["mode then subclass"] = [list(log), type(out).__name__]
    story["base refuses"] = [_error(lambda: torch.overrides.TorchFunctionMode().__torch_function__(torch.add, (),
                                                                                                   (a, b))),
                             _error(lambda: _run_in(torch.overrides.TorchFunctionMode(), lambda: torch.add(a, b)))]
    return story


def _run_in(mode, call):
    with mode:
        return call()


_STORIES = ("_handed_story", "_mode_story")


def _print_stories(lib, early_add):
    """Run in a child process: print the stories' results for `lib` ('autograd' or 'torch') as JSON."""
    import importlib
    torch = importlib.import_module(lib)
    if lib == "autograd":
        import nn
        torch.nn = nn
    else:
        import torch.overrides  # noqa: F401 - bound below through the module
    main = sys.modules["__main__"]   # the name is read from there: defining a subclass may rebind it
    print(json.dumps({story: globals()[story](torch, lambda *a: main.early_add(*a)) for story in _STORIES},
                     sort_keys=True, default=str))


@functools.lru_cache(maxsize=None)
def _child(lib):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = (f"import sys; sys.path.append({os.path.dirname(os.path.abspath(__file__))!r}); "
            f"from {lib} import add as early_add; "   # bound by name before any subclass or mode exists
            f"import test_pytorch_leftovers16 as t; t._print_stories({lib!r}, early_add)")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=180,
                          env=dict(os.environ, KERAS_BACKEND="torch"))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("story", _STORIES)
def test_torch_function_dispatch_as_pytorch(story):
    _torch()
    assert _child("autograd")[story] == _child("torch")[story]
