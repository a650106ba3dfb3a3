"""The graph's nodes as torch.autograd.graph shows them: class names (type(grad_fn).__name__), one AccumulateGrad
per leaf with its hooks, metadata, sequence numbers, Node, GradientEdge / get_gradient_edge, increment_version;
checked against PyTorch where it runs."""
import gc

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from autograd.autograd.graph import GradientEdge, Node, get_gradient_edge, increment_version
from autograd.errors import GraphError

RNG = np.random.default_rng(7)
X = RNG.standard_normal((3, 4))
W = RNG.standard_normal((4, 2))

#: programs over (lib, functional, x, w) whose results' grad_fn class names are compared with PyTorch's
PROGRAMS = {
    "add": lambda lib, F, x, w: x + 1,
    "mul": lambda lib, F, x, w: x * x,
    "sum": lambda lib, F, x, w: x.sum(),
    "mean_dim": lambda lib, F, x, w: x.mean(dim=1),
    "exp": lambda lib, F, x, w: x.exp(),
    "matmul": lambda lib, F, x, w: x @ w,
    "relu": lambda lib, F, x, w: F.relu(x),
    "softmax": lambda lib, F, x, w: F.softmax(x, dim=1),
    "max_dim": lambda lib, F, x, w: x.max(dim=1)[0],
    "mse_loss": lambda lib, F, x, w: F.mse_loss(x, x.detach() * 0),
    "transpose": lambda lib, F, x, w: x.t(),
    "cat": lambda lib, F, x, w: lib.cat([x, x]),
    "tanh": lambda lib, F, x, w: lib.tanh(x),
}


def _both(name):
    torch = pytest.importorskip("torch")
    theirs = PROGRAMS[name](torch, torch.nn.functional, torch.tensor(X, requires_grad=True),
                            torch.tensor(W, requires_grad=True))
    ours = PROGRAMS[name](ag, F, ag.tensor(X, requires_grad=True), ag.tensor(W, requires_grad=True))
    return ours, theirs


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_grad_fn_class_names_are_pytorchs(name):
    ours, theirs = _both(name)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    assert type(ours.grad_fn).__name__ == ours.grad_fn.name()
    assert repr(ours.grad_fn).startswith(f"<{type(theirs.grad_fn).__name__} object at 0x")


def test_renamed_nodes_keep_their_op_and_backward():
    x = ag.tensor(X, requires_grad=True)
    y = (x * x).sum()
    node = y.grad_fn.next_functions[0][0]
    assert type(node).__name__ == "MulBackward0"
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * X)
    # an op's errors still name the op, not the renamed class
    with pytest.raises(Exception, match="mul"):
        type(node).apply(ag.ones(2), ag.ones(3))


def test_users_functions_keep_their_node_class():
    class Twice(ag.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = ag.tensor(X, requires_grad=True)
    y = Twice.apply(x)
    assert type(y.grad_fn).__name__ == "TwiceBackward"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full_like(X, 2.0))


def test_a_leaf_has_one_accumulate_grad_while_it_is_held():
    x = ag.tensor(X, requires_grad=True)
    y = x * x
    first, second = (edge[0] for edge in y.grad_fn.next_functions)
    assert first is second
    assert type(first).__name__ == "AccumulateGrad" and first.variable is x
    assert first.name() == "torch::autograd::AccumulateGrad"
    assert repr(first).startswith("<AccumulateGrad object at 0x")
    assert first.next_functions == ()
    assert first._sequence_nr() == 2 ** 64 - 1


def test_accumulate_grad_hooks_run_as_pytorchs():
    torch = pytest.importorskip("torch")
    seen = {}
    for lib in (ag, torch):
        events = seen[lib.__name__] = []
        x = lib.tensor(X, requires_grad=True)
        y = (x * 3).sum()
        acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
        x.register_hook(lambda g, events=events: events.append(("tensor", g.sum().item())))
        acc.register_prehook(lambda go, events=events: (events.append(("pre", go[0].sum().item())), (go[0] * 2,))[1])
        acc.register_hook(lambda gi, go, events=events: events.append(("post", gi, go[0].sum().item())))
        y.backward()
        events.append(("grad", x.grad.sum().item()))
    assert seen["autograd"] == pytest.approx(seen["torch"])


def test_accumulate_grad_hook_handles_remove_and_bad_returns_are_refused():
    x = ag.tensor(X, requires_grad=True)
    acc = (x * 1).grad_fn.next_functions[0][0]
    handle = acc.register_prehook(lambda go: (go[0] * 0,))
    handle.remove()
    (x * 1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.ones_like(X))
    acc.register_prehook(lambda go: go[0])
    with pytest.raises(TypeError, match="AccumulateGrad"):
        (x * 1).sum().backward()
    y = ag.tensor(X, requires_grad=True)
    (y * 1).grad_fn.next_functions[0][0].register_hook(lambda gi, go: (go[0],))
    with pytest.raises(TypeError, match="must return None"):
        (y * 1).sum().backward()
    with pytest.raises(TypeError, match="callable"):
        acc.register_hook(3)


def test_the_accumulate_grad_cache_keeps_no_leaf_alive():
    x = ag.tensor(X, requires_grad=True)
    (x * 1).grad_fn.next_functions[0][0]
    import weakref
    ref = weakref.ref(x)
    del x
    gc.collect()
    assert ref() is None


def test_metadata_and_sequence_numbers():
    x = ag.tensor(X, requires_grad=True)
    y = x * 2
    z = y.exp()
    y.grad_fn.metadata["tag"] = "first"
    assert z.grad_fn.next_functions[0][0].metadata == {"tag": "first"}
    assert y.grad_fn._sequence_nr() < z.grad_fn._sequence_nr()


def test_every_node_is_a_node():
    x = ag.tensor(X, requires_grad=True)
    y = (x * 2).sum()
    assert isinstance(y.grad_fn, Node)
    assert isinstance(y.grad_fn.next_functions[0][0].next_functions[0][0], Node)
    assert not isinstance(x, Node)


def test_gradients_at_edges_match_pytorch():
    torch = pytest.importorskip("torch")
    results = {}
    for lib in (ag, torch):
        x = lib.tensor(X, requires_grad=True)
        w = lib.tensor(W, requires_grad=True)
        hidden = lib.tanh(x @ w)
        edge = lib.autograd.graph.get_gradient_edge(hidden)
        loss = (hidden.exp() * 3).sum()
        del hidden   # the edge outlives the tensor
        at_hidden, = lib.autograd.grad(loss, edge, retain_graph=True)
        at_leaf = lib.autograd.grad(loss, [lib.autograd.graph.get_gradient_edge(x), w])
        results[lib.__name__] = [at_hidden.detach().numpy(), *(g.detach().numpy() for g in at_leaf)]
    for mine, theirs in zip(results["autograd"], results["torch"]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12)


def test_edges_of_a_multi_output_node():
    x = ag.tensor(X, requires_grad=True)
    values, _ = x.max(dim=1)
    a, b = x.split(2, dim=1)
    edge = get_gradient_edge(b)
    assert isinstance(edge, GradientEdge) and edge.output_nr == 1
    (g,) = ag.autograd.grad((b * 5).sum() + a.sum(), edge)
    np.testing.assert_allclose(g.numpy(), np.full((3, 2), 5.0))


def test_edge_errors():
    with pytest.raises(RuntimeError, match="does not require gradients"):
        get_gradient_edge(ag.ones(2))
    x = ag.tensor(X, requires_grad=True)
    unused = get_gradient_edge(x * 2)
    loss = (x * 3).sum()
    with pytest.raises(GraphError, match="allow_unused"):
        ag.autograd.grad(loss, unused, retain_graph=True)
    assert ag.autograd.grad(loss, unused, allow_unused=True, retain_graph=True) == (None,)
    with pytest.raises(GraphError, match="materialize_grads"):
        ag.autograd.grad(loss, unused, materialize_grads=True, retain_graph=True)
    with pytest.raises(GraphError, match="get_gradient_edge"):
        ag.autograd.grad(loss, GradientEdge("not a node", 0))


def test_increment_version_invalidates_saved_values_as_pytorch():
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        x = lib.tensor(X, requires_grad=True)
        y = x * 1
        z = (y * y).sum()
        lib.autograd.graph.increment_version(y)
        with pytest.raises(RuntimeError, match="modified"):
            z.backward()
    with pytest.raises(TypeError, match="increment_version"):
        increment_version([ag.ones(2), 3])
    a, b = ag.ones(2), ag.ones(2)
    increment_version([a, b])
    assert a._version == 1 and b._version == 1


def test_module_code_reading_grad_fn_still_trains():
    model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    x = ag.tensor(X, dtype=ag.float32)
    out = model(x).sum()
    names = []
    stack = [out.grad_fn]
    while stack:
        node = stack.pop()
        names.append(type(node).__name__)
        stack.extend(n for n, _ in node.next_functions if n is not None and type(n).__name__ != "AccumulateGrad")
    assert names[0] == "SumBackward0" and "ReluBackward0" in names
    out.backward()
    assert all(p.grad is not None for p in model.parameters())
