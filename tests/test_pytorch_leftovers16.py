"""PyTorch leftovers 16, each checked against torch 2.13: what a Tensor subclass's `__torch_function__` is handed
(property getters and setters, torch.autograd.grad/backward, functions bound by name before the first subclass,
the linear inside nn.Linear) and `torch.overrides.TorchFunctionMode`."""
import functools
import json
import os
import subprocess
import sys
import warnings

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


# ----- 3. a custom Function's own vmap staticmethod ----------------------------------------------------------------
def _vmap_rule_story(lib):
    log = []

    def scaling(rule, generate=False):
        class Scale(lib.autograd.Function):
            generate_vmap_rule = generate

            @staticmethod
            def forward(x, k):
                log.append(["forward", list(x.shape)])
                return x * k

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.k = inputs[1]

            @staticmethod
            def backward(ctx, g):
                return g * ctx.k, None
        if rule is not None:
            Scale.vmap = staticmethod(rule)
        return Scale

    def rule(info, in_dims, x, k):
        log.append(["vmap", info.batch_size, info.randomness, list(in_dims), list(x.shape), k, type(info).__name__])
        return Scale.apply(x, k) + 0, in_dims[0]

    Scale = scaling(rule)
    x = lib.arange(6.0).reshape(2, 3).requires_grad_()
    story = {}
    y = lib.func.vmap(Scale.apply, in_dims=(1, None))(x, 2.0)
    y.sum().backward()
    story["in_dims 1"] = [list(log), y.tolist(), x.grad.tolist()]
    log.clear()
    y = lib.func.vmap(lambda a: Scale.apply(a, 3.0), randomness="same")(x)
    story["lambda"] = [list(log), y.tolist()]

    class Two(lib.autograd.Function):
        @staticmethod
        def forward(x, w):
            return x * w, x.sum(-1)

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g, h):
            return g, None

        @staticmethod
        def vmap(info, in_dims, x, w):
            log.append(["two", list(in_dims), info.batch_size])
            xb = x.movedim(in_dims[0], 0)
            return (xb * w, xb.sum(-1)), (0, 0)

    log.clear()
    a, b = lib.func.vmap(Two.apply, in_dims=(1, None), out_dims=(1, 0))(x.detach(), lib.tensor([1.0, 2.0]))
    story["two outputs"] = [list(log), a.tolist(), b.tolist()]
    log.clear()
    story["per-sample grad"] = lib.func.vmap(lib.func.grad(lambda a: Scale.apply(a, 2.0).sum()))(x.detach()).tolist()

    def refusal(cls):
        try:
            lib.func.vmap(cls.apply, in_dims=(1, None))(x, 2.0)
        except RuntimeError as error:
            return str(error)
        return None
    story["refusals"] = [refusal(scaling(None)), refusal(scaling(rule, generate=True)),
                         refusal(scaling(lambda info, in_dims, x, k: x))[:90],
                         refusal(scaling(lambda info, in_dims, x, k: (x, (0, 1))))[:90]]
    return story


def test_custom_function_vmap_staticmethod_as_pytorch():
    torch = _torch()
    import torch.func  # noqa: F401 - torch.func is not imported by torch itself
    import autograd as ag
    assert _vmap_rule_story(ag) == _vmap_rule_story(torch)


# ----- 4. node names of vmap outputs and forward-mode tangents ---------------------------------------------------
def _names_story(lib, F):
    fw = lib.autograd.forward_ad
    lib.manual_seed(0)
    W = lib.randn(3, 4)
    W_grad = lib.randn(3, 4, requires_grad=True)
    b = lib.randn(3, requires_grad=True)
    story = {}
    with fw.dual_level():
        d = fw.make_dual(lib.randn(2, 4), lib.randn(2, 4))
        tangent = fw.unpack_dual(F.linear(d, W, b)).tangent
        story["linear, only b requires grad"] = [tangent.requires_grad, tangent.grad_fn is None]
        tangent = fw.unpack_dual(F.linear(d, W_grad, b)).tangent
        story["linear, W requires grad"] = [tangent.requires_grad, tangent.grad_fn.name()]
        d3 = fw.make_dual(lib.randn(2, 5, 4), lib.randn(2, 5, 4))
        story["3-D dual @ W.T"] = fw.unpack_dual(d3 @ W_grad.T).tangent.grad_fn.name()
        d3 = fw.make_dual(lib.randn(2, 5, 4), lib.randn(2, 5, 4, requires_grad=True))
        story["3-D dual with a tangent requiring grad @ W.T"] = fw.unpack_dual(d3 @ W.T).tangent.grad_fn.name()
    for w_rg, x_rg in ((True, False), (False, True), (True, True)):
        Wv = lib.randn(3, 4, requires_grad=w_rg)
        xs = lib.randn(5, 4, requires_grad=x_rg)
        story[f"vmap W @ x, {w_rg} {x_rg}"] = [
            lib.func.vmap(lambda v: Wv @ v.unsqueeze(1))(xs).grad_fn.name(),
            lib.func.vmap(lambda v: Wv @ v.reshape(4, 1))(xs).grad_fn.name(),
            lib.func.vmap(lambda v: Wv @ lib.stack([v, v], 1))(xs).grad_fn.name()]
    log_p = lib.randn(5, 4).log_softmax(-1).requires_grad_()
    q = lib.randn(5, 4).softmax(-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # PyTorch's performance warning (no batching rule), 'mean''s warning
        story["vmap kl_div"] = [lib.func.vmap(lambda a, b: F.kl_div(a, b, reduction=r))(log_p, q).grad_fn.name()
                                for r in ("batchmean", "sum", "none", "mean")]
    return story


def test_vmap_and_forward_mode_node_names_as_pytorch():
    torch = _torch()
    import torch.func  # noqa: F401 - torch.func is not imported by torch itself
    import autograd as ag
    import nn.functional as F
    assert _names_story(ag, F) == _names_story(torch, torch.nn.functional)


# ----- 5. torch.multiprocessing: join when a child's pipe closes before its exit status can be read ----------------
def test_process_context_join_waits_for_the_exit_status_of_a_child_whose_pipe_closed():
    """A child's sentinel pipe closes as it exits, a moment before waitpid can give its exit status (a window that
    load widens). join then saw no failure and returned False, and the next join waited on no process at all: the
    spawn test hung under busy pytest-xdist workers. join now waits for the status of a child whose pipe closed."""
    import threading

    import autograd.multiprocessing as mp

    class Exiting:
        """A process whose pipe has closed but whose exit status (1) is readable only once join() waited for it."""
        pid = 1

        def __init__(self):
            read, write = os.pipe()
            os.close(write)
            self.sentinel, self.exited = read, False

        @property
        def exitcode(self):
            return 1 if self.exited else None

        def join(self, timeout=None):
            self.exited = True

        def is_alive(self):
            return not self.exited

    class Queue:
        def empty(self):
            return False

        def get(self):
            return "ZeroDivisionError: division by zero\n"

    process = Exiting()
    context = mp.ProcessContext([process], [Queue()])
    outcome = []

    def join():
        try:
            while not context.join():
                pass
        except mp.ProcessRaisedException as error:
            outcome.append(error.error_index)
    runner = threading.Thread(target=join, daemon=True)
    runner.start()
    runner.join(10)
    os.close(process.sentinel)
    assert outcome == [0]
