"""PyTorch leftovers 15, each checked against torch 2.13: a custom Function's saved tensors as Tensors, Tensor
subclasses and `__torch_function__`, vmap's `out_dims=None` on batched outputs, complex NumPy arrays given to
`Tensor(...)`, a complex number to the power of a tensor, and the layout of binary ops' results below 4 dims."""
import functools
import json
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest

import autograd as ag


def _torch():
    return pytest.importorskip("torch")


def _error(call):
    """The builtin exception types `call()` raises (None when it returns)."""
    try:
        call()
    except Exception as error:   # noqa: BLE001 - the error's type is the outcome
        return {c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"}
    return None


# ----- 1. a custom Function's saved tensors ---------------------------------------------------------------------
def _saving_function(lib):
    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            out = x * y
            ctx.save_for_backward(x, out, None)
            return out

        @staticmethod
        def backward(ctx, g):
            x, out, nothing = ctx.saved_tensors
            ctx.seen = (type(x).__name__, x is ctx.x_given, nothing, lib.is_grad_enabled(), x.requires_grad,
                        out.grad_fn is ctx)
            return g * out / x, g * x
    return Scale


def _saved_story(lib):
    """What grad_fn.saved_tensors gives before and after backward, and what backward's ctx.saved_tensors is."""
    Scale = _saving_function(lib)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    y = lib.tensor([3.0, 4.0], requires_grad=True)
    out = Scale.apply(x, y)
    node = out.grad_fn
    saved = node.saved_tensors
    story = [type(saved).__name__, [type(s).__name__ for s in saved], saved[0] is x, saved[1] is out,
             saved[1].grad_fn is node, saved[1].requires_grad, saved[2], saved[1].tolist(),
             node.saved_tensors[0] is node.saved_tensors[0]]
    node.x_given = x
    out.sum().backward(retain_graph=True)
    story += [node.seen, [s.tolist() for s in node.saved_tensors[:2]], x.grad.tolist(), y.grad.tolist()]
    out.sum().backward()
    story.append(_error(lambda: node.saved_tensors))
    return story


def test_custom_function_saved_tensors_are_tensors():
    torch = _torch()
    assert _saved_story(ag) == _saved_story(torch)


def _changed_story(lib):
    """Reading saved tensors after one was changed in place, and through saved_tensors_hooks."""
    Scale = _saving_function(lib)
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    w = lib.tensor([3.0, 4.0])
    out = Scale.apply(w, x)
    with lib.no_grad():
        w.mul_(2)
    story = [_error(lambda: out.grad_fn.saved_tensors)]
    packed = []
    with lib.autograd.graph.saved_tensors_hooks(lambda t: packed.append(t.tolist()) or t * 1, lambda t: t + 1):
        out = Scale.apply(x, w)
    story += [packed, [s.tolist() for s in out.grad_fn.saved_tensors[:2]]]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        story.append([s.tolist() for s in out.grad_fn.saved_variables[:1]])
    story.append([w.category.__name__ for w in caught])
    return story


def test_saved_tensors_after_an_inplace_change_and_through_hooks():
    torch = _torch()
    assert _changed_story(ag) == _changed_story(torch)


def test_saved_tensors_in_a_create_graph_backward():
    torch = _torch()

    def story(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 3 * g * x ** 2

        x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        g, = lib.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), x)
        return g.tolist(), gg.tolist(), lib.is_grad_enabled()
    assert story(ag) == story(torch)


def test_builtin_nodes_saved_fields_are_tensors_without_bookkeeping_names():
    torch = _torch()

    def story(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = lib.tensor([3.0, 4.0], requires_grad=True)
        node = (x * y).grad_fn
        fields = sorted(a for a in dir(node) if a.startswith("_saved_"))
        return fields, [type(getattr(node, f)).__name__ for f in fields], node._saved_self is x
    assert story(ag) == story(torch)


# ----- 2. Tensor subclasses and __torch_function__ ----------------------------------------------------------------
# Defining a subclass switches dispatch on for the whole process (as it costs plain Tensors a check from then on),
# so these stories run in a child process each, and the test compares what the two libraries' children print.
def _subclass_story(torch):
    import torch.nn as tnn   # noqa: F401 - bound below through the module
    nn = torch.nn
    story = {}

    class MyT(torch.Tensor):
        pass

    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).as_subclass(MyT)
    calls = {"t + 1": lambda: t + 1, "1 + t": lambda: 1 + t, "t * t": lambda: t * t, "t.sum()": lambda: t.sum(),
             "torch.add": lambda: torch.add(t, 1), "t[0]": lambda: t[0], "t.view(4)": lambda: t.view(4),
             "t.detach()": lambda: t.detach(), "t.clone()": lambda: t.clone(), "plain + t": lambda: torch.ones(2) + t,
             "cat": lambda: torch.cat([torch.ones(1, 2), t]), "t == 1": lambda: t == 1, "t.float()": lambda: t.float(),
             "F.relu": lambda: nn.functional.relu(t), "Linear": lambda: nn.Linear(2, 2)(t), "t.T": lambda: t.T,
             "t.data": lambda: t.data, "t.to(float64)": lambda: t.to(torch.float64), "iter": lambda: list(t)[0],
             "t.exp()": lambda: t.exp(), "t.mean(0)": lambda: t.mean(0), "t.reshape": lambda: t.reshape(1, 4),
             "torch.where": lambda: torch.where(t > 2, t, torch.zeros(2, 2))}
    story["types"] = {k: type(f()).__name__ for k, f in calls.items()}
    pair = t.max(0)
    story["max"] = [type(pair).__name__, type(pair.values).__name__, type(pair[1]).__name__]
    story["split"] = [type(t.split(1)).__name__, type(t.split(1)[0]).__name__]
    story["shape, item, tolist"] = [type(t.shape).__name__, type(t.sum().item()).__name__, t.tolist()]
    x = torch.tensor([1.0, 2.0]).as_subclass(MyT).requires_grad_()
    y = (x * x).sum()
    y.backward()
    story["grad"] = [type(y).__name__, y.grad_fn.name(), type(x.grad).__name__, x.grad.tolist()]
    story["repr"] = [repr(t + 1), repr(x)]
    made = torch.Tensor._make_subclass(MyT, torch.ones(2), True)
    story["_make_subclass"] = [type(made).__name__, made.requires_grad, made.is_leaf, made.tolist()]
    story["constructor"] = type(MyT([1.0, 2.0])).__name__

    class Sub(MyT):
        pass
    story["most derived"] = type(torch.ones(2).as_subclass(MyT) + torch.ones(2).as_subclass(Sub)).__name__

    p = nn.Parameter(torch.ones(2))

    class MyParameter(nn.Parameter):
        pass
    mp = MyParameter(torch.ones(2))
    class NewStyleParameter(nn.Parameter):   # PyTorch's own spelling of a Parameter subclass
        def __new__(cls, data, requires_grad=True):
            return super().__new__(cls, data, requires_grad)

    layer = nn.Linear(2, 2)
    layer.weight = NewStyleParameter(torch.ones(2, 2))
    story["Parameter __new__"] = [type(layer.weight).__name__, layer.weight.requires_grad,
                                  [name for name, _ in layer.named_parameters()], layer.weight.tolist()]

    class Extra(torch.Tensor):   # a subclass made through _make_subclass in __new__, with its own attribute
        @staticmethod
        def __new__(cls, x, extra):
            return torch.Tensor._make_subclass(cls, x)

        def __init__(self, x, extra):
            self.extra = extra

    e = Extra(torch.ones(2), "kept")
    story["_make_subclass in __new__"] = [type(e).__name__, e.extra, type(e + 1).__name__, hasattr(e + 1, "extra")]
    story["Parameter"] = [type(p + 1).__name__, type(p.detach()).__name__, type(mp).__name__,
                          isinstance(mp, nn.Parameter), type(mp + 1).__name__, type(mp * 2).__name__]
    return story


def _logging_story(torch):
    nn = torch.nn
    log = []

    class Logged(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            log.append(func.__name__)
            return super().__torch_function__(func, types, args, kwargs)

    t = torch.ones(2, 2).as_subclass(Logged)
    story = {}
    for name, call in {"t + 1": lambda: t + 1, "1 + t": lambda: 1 + t, "t * 2": lambda: t * 2,
                       "t.sum()": lambda: t.sum(), "torch.add": lambda: torch.add(t, 1), "t[0]": lambda: t[0],
                       "t.max(0)": lambda: t.max(0), "F.relu": lambda: nn.functional.relu(t),
                       "t.detach()": lambda: t.detach(), "t == 1": lambda: t == 1,
                       "torch.cat": lambda: torch.cat([t, t]), "t.dim()": lambda: t.dim(),
                       "torch.mean": lambda: torch.mean(t), "t.exp()": lambda: t.exp()}.items():
        log.clear()
        out = call()
        story[name] = [list(log), type(out).__name__ if not isinstance(out, tuple) else type(out[0]).__name__]

    class Plain(torch.Tensor):   # PyTorch's documented way to return plain Tensors
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            with torch._C.DisableTorchFunctionSubclass():
                return func(*args, **(kwargs or {}))

    q = torch.ones(2).as_subclass(Plain)
    story["disabled"] = [type(q + 1).__name__, type(q.sum()).__name__, type(torch.exp(q)).__name__]

    handled = {}

    class Tagged(torch.Tensor):   # a subclass that implements some functions itself and tags the others' results
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func in handled:
                return handled[func](*args, **kwargs)
            out = super().__torch_function__(func, types, args, kwargs)
            if isinstance(out, Tagged):
                out.tag = func.__name__
            return out

    handled[torch.mean] = lambda x, *args, **kwargs: "mean of a Tagged"
    handled[torch.Tensor.neg] = lambda x: "neg of a Tagged"
    g = torch.tensor([1.0, 3.0]).as_subclass(Tagged)
    story["handled"] = [torch.mean(g), g.neg(), (g * 2).tag, (g * 2).tolist(), torch.sum(g).tag]

    class Refusing(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return NotImplemented

    r = torch.ones(2).as_subclass(Refusing)
    story["refused"] = sorted(_error(lambda: torch.add(r, 1)) or ())
    return story


def _complex_array_story(torch):
    """torch.Tensor of complex NumPy arrays: the real parts in the default float dtype, warned once per process."""
    story = []
    for data in (np.array([1j, 2 + 3j]), np.array([[1 + 2j, 3j]], dtype=np.complex64), np.array(2j)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            t = torch.Tensor(data)
        story.append([str(t.dtype).replace("torch.", ""), t.tolist(), [type(w.message).__name__ for w in caught],
                      [str(w.message)[:57] for w in caught]])
    return story


_STORIES = ("_subclass_story", "_logging_story", "_complex_array_story")


def _print_stories(lib):
    """Run in a child process: print the subclass stories' results for `lib` ('autograd' or 'torch') as JSON."""
    import importlib
    import json
    torch = importlib.import_module(lib)
    if lib == "autograd":
        import nn
        torch.nn = nn
    print(json.dumps({story: globals()[story](torch) for story in _STORIES}, sort_keys=True, default=str))


@functools.lru_cache(maxsize=None)
def _child(lib):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = (f"import sys; sys.path.append({os.path.dirname(os.path.abspath(__file__))!r}); "
            f"import test_pytorch_leftovers15 as t; t._print_stories({lib!r})")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=180,
                          env=dict(os.environ, KERAS_BACKEND="torch"))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("story", _STORIES)
def test_tensor_subclasses_as_pytorch(story):
    _torch()
    assert _child("autograd")[story] == _child("torch")[story]


# ----- 4. vmap(out_dims=None) refuses every batched output --------------------------------------------------------
def _vmap_none_story(lib):
    x = lib.ones(3, 2)
    w = lib.arange(2.0)
    w_grad = lib.arange(2.0, requires_grad=True)

    def changes_its_input(a):
        a.add_(1)
        return w * 2

    calls = {"x * 0": (lambda a: a * 0, {}), "(x, w.sum())": (lambda a: (a, w.sum()), {}),
             "(x * 2, w.sum())": (lambda a: (a * 2, w.sum()), {"out_dims": (0, None)}),
             "(x * 2, x.sum() * 0)": (lambda a: (a * 2, a.sum() * 0), {"out_dims": (0, None)}),
             "ones": (lambda a: lib.ones(2), {}), "x": (lambda a: a, {}), "w": (lambda a: w, {}),
             "in place": (changes_its_input, {}), "dict": (lambda a: {"a": a * 0}, {}),
             "(x * w, w * 2) w requires grad": (lambda a: (a * w_grad, w_grad * 2), {"out_dims": (0, None)}),
             "random, different": (lambda a: lib.rand(2), {"randomness": "different"}),
             "random times 0, same": (lambda a: lib.rand(2) * 0, {"randomness": "same"})}
    story = {}
    for name, (f, options) in calls.items():
        options = {"out_dims": None, **options}
        try:
            out = lib.func.vmap(f, **options)(x.clone())
        except ValueError as error:
            story[name] = str(error).split(" (output")[0]
            continue
        outs = out if isinstance(out, tuple) else (out,)
        story[name] = [(o.tolist(), o.requires_grad) for o in outs]
    return story


def test_vmap_out_dims_none_refuses_batched_outputs():
    torch = _torch()
    import torch.func  # noqa: F401 - torch.func is not imported by torch itself
    assert _vmap_none_story(ag) == _vmap_none_story(torch)


# ----- 6. a complex number to the power of a tensor ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("base", [2j, 1 + 1j, -0.5 + 0.25j, 3 + 0j, -1 + 0j])
def test_complex_number_to_the_power_of_a_tensor_rounds_as_pytorch(base, dtype):
    torch = _torch()
    exponents = np.concatenate([[0, 1, 2, 3, -1, -2, 0.5, 4, 10, -3], np.linspace(-6, 6, 41)])
    theirs = base ** torch.tensor(exponents, dtype=getattr(torch, dtype))
    mine = base ** ag.tensor(exponents, dtype=getattr(ag, dtype))
    assert str(mine.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(mine.numpy(), theirs.numpy())   # bit for bit: 2j ** 1. is not exactly 2j
    np.testing.assert_array_equal(ag.pow(base, ag.tensor(exponents, dtype=getattr(ag, dtype))).numpy(),
                                  theirs.numpy())


def test_complex_number_to_the_power_of_a_tensor_gradient():
    torch = _torch()

    def grads(lib):
        x = lib.tensor([0.5, 1.0, 2.0, -1.5], dtype=lib.float64, requires_grad=True)
        (2j ** x).real.sum().backward()
        return x.grad.numpy()
    np.testing.assert_allclose(grads(ag), grads(torch), rtol=1e-12)
    assert ag.autograd.gradcheck(lambda x: (2j ** x).real, (ag.tensor([0.5, 2.0], dtype=ag.float64,
                                                                     requires_grad=True),))
