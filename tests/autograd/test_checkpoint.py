"""torch.utils.checkpoint as autograd.utils.checkpoint: a checkpointed forward keeps no activations, and the
gradients (inputs and parameters, Dropout included) equal the un-checkpointed ones bit for bit on the CPU."""
import gc
import tracemalloc
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
from autograd.utils.checkpoint import CheckpointError, checkpoint, checkpoint_sequential

X = np.random.default_rng(0).standard_normal((6, 8))


def _model(dropout=0.3, seed=0):
    ag.manual_seed(seed)
    return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Dropout(dropout), nn.Linear(16, 16), nn.ReLU(),
                         nn.Dropout(dropout), nn.Linear(16, 4)).to(ag.float64)


def _grads(model, x):
    return [p.grad.numpy().copy() for p in model.parameters()] + ([x.grad.numpy().copy()] if x.requires_grad else [])


def _run(run, x_requires_grad=True):
    """Gradients of run(model, x).sum() with a fresh model and the generator at one place."""
    model = _model()
    x = ag.tensor(X, requires_grad=x_requires_grad)
    ag.manual_seed(7)
    y = run(model, x)
    y.sum().backward()
    return y.detach().numpy(), _grads(model, x)


def _assert_same(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("reentrant", [False, True])
def test_gradients_equal_uncheckpointed_with_dropout(reentrant):
    y0, g0 = _run(lambda m, x: m(x))
    y1, g1 = _run(lambda m, x: checkpoint(m, x, use_reentrant=reentrant))
    np.testing.assert_array_equal(y0, y1)
    _assert_same(g0, g1)


@pytest.mark.parametrize("reentrant", [False, True])
def test_without_preserved_rng_the_masks_differ(reentrant):
    _, g0 = _run(lambda m, x: m(x))
    _, g1 = _run(lambda m, x: checkpoint(m, x, use_reentrant=reentrant, preserve_rng_state=False))
    assert not all(np.array_equal(a, b) for a, b in zip(g0, g1))


def test_generator_continues_after_the_recomputation():
    ag.manual_seed(3)
    m = _model()
    ag.manual_seed(3)
    y = checkpoint(m, ag.tensor(X, requires_grad=True), use_reentrant=False)
    after_forward = ag.rand(3).numpy()
    ag.manual_seed(3)
    y = checkpoint(m, ag.tensor(X, requires_grad=True), use_reentrant=False)
    y.sum().backward()   # the recomputation draws the forward's masks again, then puts the generator back
    np.testing.assert_array_equal(ag.rand(3).numpy(), after_forward)


@pytest.mark.parametrize("reentrant", [False, True])
def test_checkpoint_sequential_equals_sequential(reentrant):
    _, g0 = _run(lambda m, x: m(x))
    for segments in (1, 2, 3, 7):
        _, g1 = _run(lambda m, x: checkpoint_sequential(m, segments, x, use_reentrant=reentrant))
        _assert_same(g0, g1)
    _, g2 = _run(lambda m, x: checkpoint_sequential(list(m.children()), 2, x, use_reentrant=reentrant))
    _assert_same(g0, g2)


def test_grad_reaches_inputs_and_parameters():
    model, x = _model(0.0), ag.tensor(X, requires_grad=True)
    wanted = [x] + list(model.parameters())
    ref = ag.autograd.grad(model(x).sum(), wanted)
    got = ag.autograd.grad(checkpoint(model, x, use_reentrant=False).sum(), wanted)
    _assert_same([g.numpy() for g in ref], [g.numpy() for g in got])
    assert all(p.grad is None for p in model.parameters())


def test_reentrant_refuses_grad_as_pytorch():
    model, x = _model(0.0), ag.tensor(X, requires_grad=True)
    y = checkpoint(model, x, use_reentrant=True).sum()
    with pytest.raises(RuntimeError, match="incompatible with .grad"):
        ag.autograd.grad(y, [x])


def test_inputs_without_grad_still_train_the_parameters():
    _, g0 = _run(lambda m, x: m(x), x_requires_grad=False)
    _, g1 = _run(lambda m, x: checkpoint(m, x, use_reentrant=False), x_requires_grad=False)
    _assert_same(g0, g1)


def test_reentrant_inputs_without_grad_warn_and_give_no_gradients():
    model, x = _model(0.0), ag.tensor(X)
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        y = checkpoint(model, x, use_reentrant=True)
    assert not y.requires_grad


def test_keyword_arguments_and_non_tensor_outputs():
    w = ag.tensor(np.linspace(-1, 1, 8), requires_grad=True)

    def fn(x, *, scale, bias=None):
        h = (x * w).tanh() * scale + bias
        return h, "label", 3

    x = ag.tensor(X, requires_grad=True)
    b = ag.tensor(np.ones(8), requires_grad=True)
    h, label, n = checkpoint(fn, x, use_reentrant=False, scale=2.0, bias=b)
    assert (label, n) == ("label", 3)
    h.pow(2).sum().backward()
    got = [t.grad.numpy().copy() for t in (x, w, b)]
    for t in (x, w, b):
        t.grad = None
    fn(x, scale=2.0, bias=b)[0].pow(2).sum().backward()
    _assert_same([t.grad.numpy() for t in (x, w, b)], got)
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        checkpoint(fn, x, use_reentrant=True, scale=2.0)


def test_reentrant_non_tensor_outputs():
    x = ag.tensor(X, requires_grad=True)
    h, tag = checkpoint(lambda t: (t.sin() * 2, "tag"), x, use_reentrant=True)
    assert tag == "tag"
    h.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.cos(X) * 2)


def test_nested_checkpoints():
    model = _model()
    inner = nn.Sequential(*list(model.children())[3:6])

    def outer(x):
        h = model[2](model[1](model[0](x)))
        h = checkpoint(inner, h, use_reentrant=False)
        return model[6](h)

    _, g0 = _run(lambda m, x: m(x))
    x = ag.tensor(X, requires_grad=True)
    ag.manual_seed(7)
    checkpoint(outer, x, use_reentrant=False).sum().backward()
    _assert_same(g0, _grads(model, x))


def test_backward_twice_with_retain_graph():
    model, x = _model(), ag.tensor(X, requires_grad=True)
    y = checkpoint(model, x, use_reentrant=False).sum()
    y.backward(retain_graph=True)
    first = _grads(model, x)
    y.backward()
    _assert_same([2 * g for g in first], _grads(model, x))


def test_double_backward_through_non_reentrant():
    x = ag.tensor(X[0], requires_grad=True)
    y = checkpoint(lambda t: (t ** 3).sum(), x, use_reentrant=False)
    (g,) = ag.autograd.grad(y, [x], create_graph=True)
    (gg,) = ag.autograd.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.numpy(), 6 * X[0])


def test_no_grad_runs_plainly():
    model, x = _model(0.0), ag.tensor(X, requires_grad=True)
    with ag.no_grad():
        y = checkpoint(model, x, use_reentrant=False)
    assert not y.requires_grad


def test_determinism_check():
    calls = []

    def fn(x):
        calls.append(1)
        return x.exp() if len(calls) == 1 else x[:3].exp()

    y = checkpoint(fn, ag.tensor(X, requires_grad=True), use_reentrant=False)
    with pytest.raises(CheckpointError, match="different metadata"):
        y.sum().backward()
    calls.clear()
    y = checkpoint(fn, ag.tensor(X, requires_grad=True), use_reentrant=False, debug=True)
    with pytest.raises(CheckpointError, match="in the recomputation"):
        y.sum().backward()
    with pytest.raises(ValueError, match=r"determinism_check should be one of \['default', 'none'\], but got x"):
        checkpoint(fn, ag.tensor(X), use_reentrant=False, determinism_check="x")

    def more(x):
        calls.append(1)
        return x.exp() if len(calls) == 1 else x.exp().exp()
    calls.clear()
    y = checkpoint(more, ag.tensor(X, requires_grad=True), use_reentrant=False, determinism_check="none")
    with pytest.raises(CheckpointError, match="more tensors during recomputation"):
        y.sum().backward()


def test_in_place_change_of_an_input_is_refused():
    x = ag.tensor(X, requires_grad=True)
    h = x * 1.0
    y = checkpoint(lambda t: t.exp(), h, use_reentrant=False)
    with ag.no_grad():
        h.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    h = x * 1.0
    y = checkpoint(lambda t: t.exp(), h, use_reentrant=False)
    h.mul_(2.0)   # recorded in the graph
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_context_fn_enters_forward_and_recompute_contexts():
    entered = []

    class Mark:
        def __init__(self, name):
            self.name = name

        def __enter__(self):
            entered.append(self.name)

        def __exit__(self, *exc):
            return False

    y = checkpoint(lambda t: t.exp(), ag.tensor(X, requires_grad=True), use_reentrant=False,
                   context_fn=lambda: (Mark("forward"), Mark("recompute")))
    y.sum().backward()
    assert entered == ["forward", "recompute"]
    with pytest.raises(ValueError, match="only supported when use_reentrant=False"):
        checkpoint(lambda t: t, ag.tensor(X, requires_grad=True), use_reentrant=True, context_fn=lambda: None)


def _graph_saved_bytes(y):
    """Bytes of the distinct arrays that the graph behind y keeps for backward."""
    seen, stack, arrays = set(), [y.grad_fn], {}
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen or not hasattr(node, "saved_tensors"):
            continue
        seen.add(id(node))
        arrays.update((id(a), a) for a in node.saved_tensors if hasattr(a, "nbytes"))
        stack.extend(n for n, _ in node.next_functions)
    return sum(a.nbytes for a in arrays.values())


def _deep_mlp():
    ag.manual_seed(0)
    layers = []
    for _ in range(12):
        layers += [nn.Linear(128, 128), nn.Tanh()]
    return nn.Sequential(*layers)


def test_memory_is_saved():
    model = _deep_mlp()
    x = ag.randn(256, 128, requires_grad=True)
    activation = 256 * 128 * 4

    def kept(run):
        gc.collect()
        tracemalloc.start()
        start = tracemalloc.get_traced_memory()[0]
        y = run(x)
        held = tracemalloc.get_traced_memory()[0] - start
        tracemalloc.stop()
        return y, held

    y_plain, plain = kept(model)
    y_ckpt, ckpt = kept(lambda t: checkpoint(model, t, use_reentrant=False))
    # the input, each Tanh's output (which the next Linear saves too) and each Linear's weight
    assert _graph_saved_bytes(y_plain) == 13 * activation + 12 * 128 * 128 * 4
    assert _graph_saved_bytes(y_ckpt) == 0
    assert plain > 12 * activation
    assert ckpt < 3 * activation    # the output (and small bookkeeping) only
    del y_plain
    y_seq, seq = kept(lambda t: checkpoint_sequential(model, 4, t, use_reentrant=False))
    assert 4 * activation < seq < 8 * activation   # the last segment's activations and the segment boundaries
    y_re, re = kept(lambda t: checkpoint(model, t, use_reentrant=True))
    assert re < 3 * activation
    np.testing.assert_array_equal(y_ckpt.detach().numpy(), y_re.detach().numpy())


def test_training_with_checkpoint_sequential_matches():
    def losses(use_checkpoint):
        model = _model(0.2)
        opt = nn.optim.SGD(model.parameters(), lr=0.1)
        target = ag.tensor(np.random.default_rng(1).standard_normal((6, 4)))
        ag.manual_seed(11)
        out = []
        for _ in range(5):
            opt.zero_grad()
            x = ag.tensor(X)
            y = checkpoint_sequential(model, 3, x, use_reentrant=False) if use_checkpoint else model(x)
            loss = ((y - target) ** 2).mean()
            loss.backward()
            opt.step()
            out.append(loss.item())
        return out

    assert losses(True) == losses(False)


def test_use_reentrant_none_warns_as_pytorch():
    torch = pytest.importorskip("torch")
    import torch.utils.checkpoint as tcp
    x = ag.tensor(X, requires_grad=True)
    for ours_fn, theirs_fn, args in ((checkpoint, tcp.checkpoint, ()),
                                     (lambda f, t: checkpoint_sequential([f], 1, t),
                                      lambda f, t: tcp.checkpoint_sequential([f], 1, t), ())):
        with warnings.catch_warnings(record=True) as ours:
            warnings.simplefilter("always")
            ours_fn(lambda t: t.exp(), x)
        with warnings.catch_warnings(record=True) as theirs:
            warnings.simplefilter("always")
            theirs_fn(lambda t: t.exp(), torch.tensor(X, requires_grad=True))
        assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


def test_torch_utils_names_resolve():
    assert ag.utils.checkpoint.checkpoint is checkpoint
    assert ag.utils.data is nn.data
    from autograd.utils.data import DataLoader
    assert DataLoader is nn.data.DataLoader


def test_bad_segments():
    with pytest.raises(ValueError, match="segments must be an int from 1 to the number of functions"):
        checkpoint_sequential([nn.ReLU()], 2, ag.tensor(X), use_reentrant=False)


def test_warns_where_the_generator_cannot_be_restored(monkeypatch):
    import backends
    from backends import registry
    from backends.numpy_backend import NumpyBackend

    class UnsavedGeneratorBackend(NumpyBackend):   # a device like CuPy's: no host memory, no rng_state
        type = "fakegpu"
        host_memory = False
        rng_state = None

    monkeypatch.setattr(registry, "_factories", dict(registry._factories))
    monkeypatch.setattr(registry, "_instances", dict(registry._instances))
    backends.register("fakegpu", UnsavedGeneratorBackend)
    x = ag.tensor(X, requires_grad=True).to("fakegpu")
    with pytest.warns(UserWarning, match="random generator of .* cannot be saved"):
        y = checkpoint(lambda t: t.exp(), x, use_reentrant=False)
    y.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checkpoint(lambda t: t.exp(), x, use_reentrant=False, preserve_rng_state=False)


@pytest.mark.parametrize("outer, inner", [(False, True), (True, False), (False, False)])
def test_mixed_nesting_on_a_conv_net(outer, inner):
    ag.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(inplace=True), nn.Dropout2d(0.3), nn.Conv2d(4, 3, 3),
                      nn.GELU()).to(ag.float64)
    x0 = np.random.default_rng(1).standard_normal((2, 2, 6, 6))

    def grads(run):
        for p in m.parameters():
            p.grad = None
        x = ag.tensor(x0, requires_grad=True)
        ag.manual_seed(5)
        run(x).pow(2).sum().backward()
        return _grads(m, x)

    def nested(x):
        def body(t):
            return m[4](m[3](checkpoint(lambda u: m[2](m[1](m[0](u))), t, use_reentrant=inner)))
        return checkpoint(body, x, use_reentrant=outer)

    _assert_same(grads(m), grads(nested))
