"""Module hooks against torch: forward (pre-)hooks, full backward (pre-)hooks, order, replacement, removal."""
import numpy as np
import pytest

import autograd as ag
import nn
from tests.helpers import rand


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _linear_pair(torch, device=None):
    theirs = torch.nn.Linear(4, 3).double()
    ours = nn.Linear(4, 3).to(device or ag.get_default_device()).double()
    ours.load_state_dict(theirs.state_dict())
    return ours, theirs


class _Scale(nn.Module):
    """forward(x, y, factor) = (x * factor + y, x - y): tensor and non-tensor inputs, two outputs."""

    def forward(self, x, y, factor=2.0):
        return x * factor + y, x - y


def _both(torch, build, run):
    """run(module, make_tensor, log) for deepgrad and torch; returns both logs."""
    logs = {}
    for lib, make in (("ours", lambda a, rg=True: ag.tensor(a, requires_grad=rg)),
                      ("torch", lambda a, rg=True: torch.tensor(a, requires_grad=rg))):
        log = []
        run(build(lib), make, log)
        logs[lib] = log
    return logs["ours"], logs["torch"]


def _np(value):
    if value is None:
        return None
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


def _assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if isinstance(a, (tuple, list)):
            _assert_same(a, b)
        elif isinstance(a, str) or a is None:
            assert a == b
        else:
            np.testing.assert_allclose(_np(a), _np(b), rtol=1e-12, atol=1e-12)


def test_forward_hooks_order_and_replacement(torch):
    x = rand((5, 4), seed=1)

    def run(module, make, log):
        module.register_forward_pre_hook(lambda m, args: log.append("pre1"))
        module.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        module.register_forward_pre_hook(lambda m, args: args[0] + 1)   # a single value is wrapped in a tuple
        module.register_forward_pre_hook(lambda m, args: log.append("pre0"), prepend=True)
        module.register_forward_hook(lambda m, args, out: log.append(("fwd1", args[0])))
        module.register_forward_hook(lambda m, args, out: out * 10)
        module.register_forward_hook(lambda m, args, out: log.append(("fwd0", out)), prepend=True)
        log.append(("out", module(make(x))))

    theirs = torch.nn.Linear(4, 3).double()
    ours = nn.Linear(4, 3).double()
    ours.load_state_dict(theirs.state_dict())
    _assert_same(*_both(torch, lambda lib: ours if lib == "ours" else theirs, run))


def test_hooks_with_kwargs(torch):
    x, y = rand((2, 3), seed=1), rand((2, 3), seed=2)

    def run(module, make, log):
        def pre(m, args, kwargs):
            log.append(sorted(kwargs))
            return args, dict(kwargs, factor=3.0)

        module.register_forward_pre_hook(pre, with_kwargs=True)
        module.register_forward_hook(lambda m, args, kwargs, out: log.append(kwargs["factor"]) or out[0],
                                     with_kwargs=True)
        log.append(module(make(x), make(y), factor=5.0))

    build = {"ours": _Scale, "torch": None}
    if build["torch"] is None:
        class TorchScale(torch.nn.Module):
            def forward(self, x, y, factor=2.0):
                return x * factor + y, x - y
        build["torch"] = TorchScale
    _assert_same(*_both(torch, lambda lib: build[lib](), run))


def test_removal_and_fast_path(torch):
    layer = nn.Linear(2, 2)
    calls = []
    handle = layer.register_forward_hook(lambda m, a, o: calls.append(1))
    other = layer.register_forward_pre_hook(lambda m, a: calls.append(0))
    assert isinstance(handle, ag.RemovableHandle)
    x = ag.tensor(rand((1, 2)).astype(np.float32))
    layer(x)
    assert calls == [0, 1]
    handle.remove()
    handle.remove()   # a second call does nothing
    layer(x)
    assert calls == [0, 1, 0]
    with other:
        pass           # leaving the block removes the hook, as torch's handles do
    layer(x)
    assert calls == [0, 1, 0] and not layer._forward_hooks and not layer._forward_pre_hooks
    assert layer._has_hooks is False   # back on the fast path after the first call without hooks


def test_always_call_runs_when_forward_raises():
    class Broken(nn.Module):
        def forward(self, x):
            raise RuntimeError("boom")

    module, seen = Broken(), []
    module.register_forward_hook(lambda m, a, o: seen.append("plain"))
    module.register_forward_hook(lambda m, a, o: seen.append(("always", o)), always_call=True)
    with pytest.raises(RuntimeError, match="boom"):
        module(ag.tensor([1.0]))
    assert seen == [("always", None)]


def test_full_backward_hook_grads_match_torch(torch, device):
    x = rand((5, 4), seed=1)

    def run(module, make, log):
        def hook(m, grad_input, grad_output):
            log.append(("bw", grad_input, grad_output))

        module.register_full_backward_hook(hook)
        module.register_full_backward_pre_hook(lambda m, grad_output: log.append(("pre", grad_output)))
        xi = make(x)
        (module(xi) * make(rand((5, 3), seed=2), False)).sum().backward()
        log.append(("x.grad", xi.grad))
        log.append(("w.grad", module.weight.grad))

    ours, theirs = _linear_pair(torch)
    logs = _both(torch, lambda lib: ours if lib == "ours" else theirs, run)
    assert [entry[0] for entry in logs[0]] == ["pre", "bw", "x.grad", "w.grad"]
    _assert_same(*logs)


def test_backward_hooks_replace_gradients(torch):
    x = rand((3, 4), seed=1)

    def run(module, make, log):
        module.register_full_backward_pre_hook(lambda m, grad_output: (grad_output[0] * 2,))
        module.register_full_backward_hook(lambda m, grad_input, grad_output: (grad_input[0] * 3,))
        xi = make(x)
        module(xi).sum().backward()
        log.append(xi.grad)
        log.append(module.weight.grad)   # the pre-hook's doubling reaches the weights too

    ours, theirs = _linear_pair(torch)
    _assert_same(*_both(torch, lambda lib: ours if lib == "ours" else theirs, run))


def test_backward_hook_with_mixed_inputs_and_outputs(torch):
    x, y = rand((2, 3), seed=1), rand((2, 3), seed=2)

    class TorchScale(torch.nn.Module):
        def forward(self, x, y, factor=2.0):
            return x * factor + y, x - y

    def run(module, make, log):
        module.register_full_backward_hook(lambda m, gi, go: log.append((gi, go)))
        xi, yi = make(x), make(y, False)          # y needs no gradient: its grad_input entry is zeros
        first, second = module(xi, yi, 1.5)
        (first * 2).sum().backward()               # the second output gets no gradient
        log.append(xi.grad)

    ours, theirs = _both(torch, lambda lib: _Scale() if lib == "ours" else TorchScale(), run)
    (gi, go), (tgi, tgo) = ours[0], theirs[0]
    assert len(gi) == len(tgi) == 3 and gi[2] is None and tgi[2] is None
    np.testing.assert_allclose(gi[0].numpy(), tgi[0].numpy())
    np.testing.assert_allclose(gi[1].numpy(), tgi[1].numpy())
    np.testing.assert_allclose(go[0].numpy(), tgo[0].numpy())
    assert tgo[1] is None and (go[1] is None or not go[1].numpy().any())   # torch: None; ours: zeros
    np.testing.assert_allclose(ours[1].numpy(), theirs[1].numpy())


def test_backward_hook_when_no_input_requires_grad(torch):
    x = rand((3, 4), seed=1)

    def run(module, make, log):
        module.register_full_backward_hook(lambda m, gi, go: log.append((gi, go)))
        module(make(x, False)).sum().backward()
        log.append(module.bias.grad)

    ours, theirs = _linear_pair(torch)
    with pytest.warns(UserWarning):   # torch warns that the hook fires at the outputs
        logs = _both(torch, lambda lib: ours if lib == "ours" else theirs, run)
    _assert_same(*logs)
    assert logs[0][0][0] == (None,)


def test_backward_hook_order_in_a_sequential(torch):
    x = rand((2, 4), seed=1)

    def run(model, make, log):
        for name, child in model.named_children():
            child.register_full_backward_hook(lambda m, gi, go, name=name: log.append((name, go[0])))
            child.register_forward_hook(lambda m, a, out, name=name: log.append(("fwd" + name, out)))
        model(make(x)).sum().backward()

    theirs = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh(), torch.nn.Linear(3, 2)).double()
    ours = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 2)).double()
    ours.load_state_dict(theirs.state_dict())
    logs = _both(torch, lambda lib: ours if lib == "ours" else theirs, run)
    assert [e[0] for e in logs[0]] == ["fwd0", "fwd1", "fwd2", "2", "1", "0"]
    _assert_same(*logs)


def test_hook_errors():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="must be callable"):
        layer.register_forward_hook(3)
    layer.register_full_backward_hook(lambda m, gi, go: (gi[0], gi[0]))
    x = ag.tensor(rand((1, 2)).astype(np.float32), requires_grad=True)
    with pytest.raises(ValueError, match="returned 2 grad_input entries, expected 1"):
        layer(x).sum().backward()
    pre = nn.Linear(2, 2)
    pre.register_forward_pre_hook(lambda m, args, kwargs: 5, with_kwargs=True)
    with pytest.raises(TypeError, match=r"tuple \(args, kwargs\)"):
        pre(x)
