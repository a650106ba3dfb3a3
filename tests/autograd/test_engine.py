"""The backward engine: graph freeing, deep graphs, retain_graph, higher-order gradients, hooks, ag.grad,
grad mode (thread-local), accumulation, and leaf gradients that own their memory."""
import gc
import sys
import threading
import weakref

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.helpers import rand, torch



def _leaf(array, device):
    return ag.tensor(np.array(array, dtype=np.float64), device=device, requires_grad=True)


# ----- the graph is freed ---------------------------------------------------------------------------

@pytest.fixture
def no_cycle_collector():
    """Reference counting alone must free graphs: the cycle collector is off during the test."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


def test_graph_is_freed_when_its_output_is_dropped(device, no_cycle_collector):
    x = _leaf(rand((3,)), device)
    h = x * 2
    inner = weakref.ref(h.grad_fn)
    y = h.exp().sum()
    outer = weakref.ref(y.grad_fn)
    del h
    assert inner() is not None  # still needed by y's graph
    del y
    assert outer() is None and inner() is None


def test_nodes_do_not_keep_their_outputs_alive(device, no_cycle_collector):
    x = _leaf(rand((3,)), device)
    out = x.exp()
    node = out.grad_fn
    ref = weakref.ref(out)
    del out
    assert ref() is None and node is not None


def test_backward_frees_saved_values_unless_retain_graph(device):
    x = _leaf(rand((3,)), device)
    kept = x.exp()
    kept.sum().backward(retain_graph=True)
    assert len(kept.grad_fn.saved_tensors) == 1
    freed = x.exp()
    freed.sum().backward()
    assert freed.grad_fn.saved_tensors == ()


def test_a_10000_op_chain_runs_backward_without_recursion(device):
    assert sys.getrecursionlimit() < 10_000
    x = _leaf([1.0, 2.0], device)
    y = x
    for _ in range(10_000):
        y = y * 1.0001
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0001 ** 10_000] * 2, rtol=1e-9)
    z = x
    for _ in range(10_000):
        z = z + 1.0
    del z  # freeing a deep graph must not recurse either


# ----- retain_graph and accumulation -------------------------------------------------------------------

def test_retain_graph_allows_a_second_backward_and_gradients_accumulate(device):
    x = _leaf([1.0, -2.0, 3.0], device)
    y = (x * x * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    y.backward()
    np.testing.assert_allclose(first, 3 * np.array([1.0, 4.0, 9.0]))
    np.testing.assert_allclose(x.grad.numpy(), 2 * first)


def test_gradients_accumulate_across_separate_graphs_until_reset(device):
    x = _leaf([1.0, 2.0], device)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3 + 2, 3 + 4])
    x.grad = None
    x.exp().sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0]))


def test_a_leaf_used_several_times_gets_the_sum(device):
    x = _leaf([1.0, 2.0], device)
    (x * x + x.exp() + x[[0, 0]].sum()).sum().backward()
    # x[[0, 0]].sum() is added to both elements of the sum, so it counts twice
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, 2.0]) + np.exp([1.0, 2.0]) + [4.0, 0.0])


def test_backward_on_a_leaf_and_with_an_explicit_gradient(device):
    x = _leaf([1.0, 2.0], device)
    x.backward(ag.tensor([5.0, 6.0], dtype=ag.float64, device=device))
    np.testing.assert_array_equal(x.grad.numpy(), [5.0, 6.0])
    w = _leaf([[1.0, 2.0], [3.0, 4.0]], device)
    (w * 2).backward(ag.tensor(np.ones((2, 2)), device=device))
    np.testing.assert_array_equal(w.grad.numpy(), np.full((2, 2), 2.0))


# ----- leaf gradients own their memory ---------------------------------------------------------------

ALIASING = [
    ("add", [(2, 3), (2, 3)], lambda a, b: a + b),
    ("add_broadcast", [(3,), (2, 3)], lambda a, b: a + b),
    ("reshape_both", [(2, 3), (3, 2)], lambda a, b: a.reshape(6) + b.reshape(6)),
    ("transpose_both", [(2, 3), (2, 3)], lambda a, b: a.T + b.T),
    ("clone_and_leaf", [(2, 3), (2, 3)], lambda a, b: a.clone() + b),
    ("sum_broadcasts", [(2, 3), (4,)], lambda a, b: a.sum() + b.sum()),
    ("concatenate", [(2, 3), (1, 3)], lambda a, b: ag.concatenate([a, b])),
    ("flip_both", [(3,), (3,)], lambda a, b: a.flip(0) - b.flip(0)),
]


@pytest.mark.parametrize("name,shapes,fn", ALIASING, ids=[a[0] for a in ALIASING])
def test_leaf_gradients_never_share_memory(device, name, shapes, fn):
    a, b = (_leaf(rand(s, seed=k), device) for k, s in enumerate(shapes))
    out = fn(a, b)
    seed = ag.from_numpy(np.ones(out.shape)).to(device)
    out.backward(seed)
    ga, gb = a.grad.numpy(), b.grad.numpy()
    if ag.device(device).host_memory:
        assert not np.shares_memory(ga, gb)
        assert not np.shares_memory(ga, seed.numpy()) and not np.shares_memory(gb, seed.numpy())
    expected_b = gb.copy()
    with ag.no_grad():
        a.grad += 100.0  # changing one leaf's gradient in place leaves the other's alone
    np.testing.assert_array_equal(b.grad.numpy(), expected_b)


def test_gradient_of_a_reshaped_output_does_not_alias_the_given_gradient(device):
    x = _leaf(rand((2, 3)), device)
    g = ag.ones(6, dtype=x.dtype, device=device)
    x.reshape(6).backward(g)
    with ag.no_grad():
        g.fill_(7.0)
    np.testing.assert_array_equal(x.grad.numpy(), np.ones((2, 3)))
    y = _leaf(rand((3,)), device)
    gy = ag.ones(3, dtype=ag.float64, device=device)
    y.backward(gy)
    with ag.no_grad():
        gy += 1.0
    np.testing.assert_array_equal(y.grad.numpy(), np.ones(3))


# ----- higher-order gradients --------------------------------------------------------------------------

W = rand((3, 2), seed=7)
IDX = np.array([[0, 2], [1, 1]])
# name, ours(x), torch's(x), input range
SECOND_ORDER = [
    ("cube", lambda x: x ** 3, lambda x: x ** 3, (-1, 1)),
    ("pow_tensor_exponent", lambda x: x ** x, lambda x: x ** x, (0.5, 1.5)),
    ("sin_exp", lambda x: ag.sin(x) * ag.exp(x), lambda x: torch.sin(x) * torch.exp(x), (-1, 1)),
    ("cos", ag.cos, torch.cos, (-1, 1)),
    ("tanh", ag.tanh, torch.tanh, (-1, 1)),
    ("sigmoid", ag.sigmoid, torch.sigmoid, (-2, 2)),
    ("log_sqrt", lambda x: ag.log(x) * ag.sqrt(x), lambda x: torch.log(x) * torch.sqrt(x), (0.5, 2)),
    ("log1p", lambda x: ag.log1p(x) ** 2, lambda x: torch.log1p(x) ** 2, (0.1, 1)),
    ("div", lambda x: x / (1 + x * x), lambda x: x / (1 + x * x), (-1, 1)),
    ("abs_relu", lambda x: ag.abs(x) * x + ag.relu(x) * x * x, lambda x: x.abs() * x + torch.relu(x) * x * x,
     (-1, 1)),
    ("clip", lambda x: ag.clip(x, -0.5, 0.5) * x * x, lambda x: torch.clamp(x, -0.5, 0.5) * x * x, (-1, 1)),
    ("maximum_where", lambda x: ag.maximum(x, x * x) * ag.where(x > 0, x, x * x * x),
     lambda x: torch.maximum(x, x * x) * torch.where(x > 0, x, x * x * x), (-1, 1)),
    ("sum_mean", lambda x: x.sum(axis=1, keepdims=True) ** 2 + x.mean(axis=0, keepdims=True) ** 3,
     lambda x: x.sum(1, keepdim=True) ** 2 + x.mean(0, keepdim=True) ** 3, (-1, 1)),
    ("var_std", lambda x: ag.var(x, 1, correction=0) * ag.std(x, 0, correction=0).sum(),
     lambda x: torch.var(x, 1, correction=0) * torch.std(x, 0, correction=0).sum(), (-1, 1)),
    ("max_min", lambda x: ag.amax(x, 1) ** 2 + ag.min(x) ** 3,
     lambda x: torch.amax(x, 1) ** 2 + torch.amin(x) ** 3, (-1, 1)),
    ("logsumexp", lambda x: ag.logsumexp(x * x, axis=-1), lambda x: torch.logsumexp(x * x, -1), (-1, 1)),
    ("norm", lambda x: ag.norm(x, axis=1) ** 3 + ag.norm(x, ord=3), lambda x: torch.linalg.vector_norm(x, dim=1) ** 3
     + torch.linalg.vector_norm(x, ord=3), (-1, 1)),
    ("matmul", lambda x: ((x @ ag.tensor(W, device=x.device)) ** 2) @ ag.tensor(W.T, device=x.device),
     lambda x: ((x @ torch.tensor(W)) ** 2) @ torch.tensor(W.T), (-1, 1)),
    ("vector_matmul", lambda x: (x[0] @ x.T) ** 2, lambda x: (x[0] @ x.T) ** 2, (-1, 1)),
    ("shape_ops", lambda x: (x.T.reshape(6).flip(0)[None] ** 2).squeeze() * ag.pad(x, 1).flatten()[:6],
     lambda x: (x.T.reshape(6).flip(0)[None] ** 2).squeeze() * torch.nn.functional.pad(x, (1, 1, 1, 1))
     .flatten()[:6], (-1, 1)),
    ("broadcast_outer", lambda x: (x[:, :, None] * x[:, None, :]).sum(axis=0) ** 2,
     lambda x: (x[:, :, None] * x[:, None, :]).sum(0) ** 2, (-1, 1)),
    ("join_split", lambda x: ag.concatenate([x, x * x], axis=1) * ag.stack(ag.split(x ** 3, 3, axis=1) * 2, axis=1)
     .reshape(2, 6), lambda x: torch.cat([x, x * x], 1) * torch.stack(torch.split(x ** 3, 1, 1) * 2, 1)
     .reshape(2, 6), (-1, 1)),
    ("getitem_repeats", lambda x: x[:, IDX] ** 3, lambda x: x[:, torch.from_numpy(IDX)] ** 3, (-1, 1)),
    ("getitem_mask", lambda x: x[x > 0] ** 3, lambda x: x[x > 0] ** 3, (-1, 1)),
    ("take_along_axis", lambda x: ag.take_along_axis(x, IDX, 1) ** 3,
     lambda x: torch.take_along_dim(x, torch.from_numpy(IDX), 1) ** 3, (-1, 1)),
    ("astype", lambda x: x.astype(ag.float32).astype(ag.float64) ** 3, lambda x: x.float().double() ** 3, (-1, 1)),
]


@pytest.mark.parametrize("name,ours,theirs,domain", SECOND_ORDER, ids=[s[0] for s in SECOND_ORDER])
def test_second_order_gradients_match_torch(device, name, ours, theirs, domain):
    x_np = rand((2, 3), np.float64, *domain, seed=11)
    v_np = rand((2, 3), np.float64, seed=12)
    x = ag.tensor(x_np, device=device, requires_grad=True)
    (g,) = ag.grad(ours(x).sum(), x, create_graph=True)
    (hv,) = ag.grad((g * ag.tensor(v_np, device=device)).sum(), x)
    xt = torch.tensor(x_np, requires_grad=True)
    (gt,) = torch.autograd.grad(theirs(xt).sum(), xt, create_graph=True)
    (hvt,) = torch.autograd.grad((gt * torch.tensor(v_np)).sum(), xt)
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(hv.numpy(), hvt.numpy(), rtol=1e-7, atol=1e-9)


def test_third_order_gradient_and_backward_with_create_graph(device):
    x = _leaf([0.5, -1.0, 2.0], device)
    (x ** 4).sum().backward(create_graph=True)
    g1 = x.grad
    assert g1.requires_grad
    x.grad = None
    (g2,) = ag.grad(g1.sum(), x, create_graph=True)
    (g3,) = ag.grad(g2.sum(), x)
    np.testing.assert_allclose(g1.numpy(), 4 * x.numpy() ** 3)
    np.testing.assert_allclose(g2.numpy(), 12 * x.numpy() ** 2)
    np.testing.assert_allclose(g3.numpy(), 24 * x.numpy())


def test_create_graph_through_a_fused_backward_is_a_clear_error(device):
    log_probs = _leaf(np.zeros((4, 1, 3)), device).log_softmax(2)
    with pytest.raises(ag.GraphError, match="create_graph.*ctc_loss"):   # PyTorch has no such derivative either
        ag.grad(F.ctc_loss(log_probs, ag.tensor([[1, 2]]), [4], [2]), log_probs, create_graph=True)


# ----- hooks -------------------------------------------------------------------------------------------

def test_leaf_hook_replaces_the_gradient_and_remove_stops_it(device):
    x = _leaf([1.0, 2.0], device)
    seen = []
    handle = x.register_hook(lambda g: g * 10)
    x.register_hook(lambda g: seen.append(g.numpy().copy()))  # runs after the first, returns None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [30.0, 30.0])
    np.testing.assert_array_equal(seen[0], [30.0, 30.0])
    handle.remove()
    handle.remove()  # a second remove does nothing
    x.grad = None
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert len(seen) == 2


def test_non_leaf_hook_changes_what_flows_upstream(device):
    x = _leaf([1.0, 2.0], device)
    h = x * x
    seen = []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    handle = h.register_hook(lambda g: g * 0 + 1)
    (h * 5).sum().backward(retain_graph=True)
    np.testing.assert_array_equal(seen[0], [5.0, 5.0])
    np.testing.assert_array_equal(x.grad.numpy(), 2 * x.numpy())
    handle.remove()
    x.grad = None
    (h * 5).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 10 * x.numpy())


def test_hooks_match_torch(device):
    x_np = rand((3,), seed=13)
    x = ag.tensor(x_np, device=device, requires_grad=True)
    h = ag.tanh(x)
    h.register_hook(lambda g: g * h.detach())
    x.register_hook(lambda g: g + 1)
    (h * h).sum().backward()
    xt = torch.tensor(x_np, requires_grad=True)
    ht = torch.tanh(xt)
    ht.register_hook(lambda g: g * ht.detach())
    xt.register_hook(lambda g: g + 1)
    (ht * ht).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), xt.grad.numpy())


def test_retain_grad_keeps_a_non_leaf_gradient(device):
    x = _leaf([1.0, 2.0], device)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.numpy())


def test_retain_grad_keeps_the_gradient_after_every_hook_and_once(device):
    # PyTorch runs the retain_grad hook last, whatever the order of registration; a second call adds nothing
    x = _leaf([1.0, 2.0], device)
    h = x * 3
    h.retain_grad()
    h.retain_grad()
    h.register_hook(lambda g: g * 3)
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad.numpy(), 6 * h.numpy())
    np.testing.assert_allclose(x.grad.numpy(), 18 * h.numpy())


def test_hook_on_a_tensor_without_gradient_is_an_error(device):
    with pytest.raises(ag.GraphError, match="register_hook"):
        ag.tensor([1.0], device=device).register_hook(lambda g: g)


# ----- ag.grad -----------------------------------------------------------------------------------------

def test_grad_returns_gradients_and_leaves_dot_grad_alone(device):
    a, b = _leaf([1.0, 2.0], device), _leaf([3.0, 4.0], device)
    ga, gb = ag.grad((a * b).sum(), [a, b])
    np.testing.assert_array_equal(ga.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(gb.numpy(), [1.0, 2.0])
    assert a.grad is None and b.grad is None
    (only,) = ag.grad((a * a).sum(), a)
    np.testing.assert_array_equal(only.numpy(), [2.0, 4.0])


def test_grad_allow_unused(device):
    a, unused = _leaf([1.0, 2.0], device), _leaf([3.0], device)
    with pytest.raises(ag.GraphError, match="allow_unused=True"):
        ag.grad((a * 2).sum(), [a, unused])
    ga, gu = ag.grad((a * 2).sum(), [a, unused], allow_unused=True)
    np.testing.assert_array_equal(ga.numpy(), [2.0, 2.0])
    assert gu is None


def test_grad_with_grad_outputs_several_outputs_and_a_non_leaf_input(device):
    x_np = rand((3,), seed=14)
    x = ag.tensor(x_np, device=device, requires_grad=True)
    h = ag.sin(x)
    outs = [h * h, h.exp()]
    seeds = [rand((3,), seed=15), rand((3,), seed=16)]
    gh, gx = ag.grad(outs, [h, x], grad_outputs=[ag.tensor(s, device=device) for s in seeds])
    xt = torch.tensor(x_np, requires_grad=True)
    ht = torch.sin(xt)
    ght, gxt = torch.autograd.grad([ht * ht, ht.exp()], [ht, xt], grad_outputs=[torch.tensor(s) for s in seeds])
    np.testing.assert_allclose(gh.numpy(), ght.numpy())
    np.testing.assert_allclose(gx.numpy(), gxt.numpy())


def test_grad_frees_the_graph_unless_asked(device):
    x = _leaf([1.0, 2.0], device)
    y = (x * x).sum()
    ag.grad(y, x, retain_graph=True)
    ag.grad(y, x)
    with pytest.raises(ag.GraphError, match="retain_graph"):
        ag.grad(y, x)


def test_grad_of_an_input_that_does_not_require_grad_is_an_error(device):
    x = ag.tensor([1.0], device=device)
    with pytest.raises(ag.GraphError, match="requires grad"):
        ag.grad((x * 2).sum(), x)


# ----- grad mode -------------------------------------------------------------------------------------

def test_no_grad_enable_grad_and_set_grad_enabled_nest_and_restore(device):
    x = _leaf([1.0], device)
    assert ag.is_grad_enabled()
    with ag.no_grad():
        assert not ag.is_grad_enabled() and not (x * 2).requires_grad
        with ag.enable_grad():
            assert (x * 2).requires_grad
        with ag.set_grad_enabled(True):
            assert ag.is_grad_enabled()
        assert not ag.is_grad_enabled()
    with pytest.raises(RuntimeError):
        with ag.no_grad():
            raise RuntimeError("leaves the block")
    assert ag.is_grad_enabled() and (x * 2).requires_grad


def test_grad_mode_switches_work_as_decorators(device):
    x = _leaf([1.0], device)

    @ag.no_grad()
    def inference():
        return x * 2

    @ag.enable_grad()
    def training():
        return x * 2
    assert not inference().requires_grad
    with ag.no_grad():
        assert training().requires_grad
    assert inference.__name__ == "inference"


def test_grad_mode_is_thread_local(device):
    x = _leaf([1.0], device)
    inside = threading.Event()
    checked = threading.Event()
    seen = {}

    def worker_in_no_grad():
        with ag.no_grad():
            inside.set()
            checked.wait(5)
            seen["worker"] = (x * 2).requires_grad

    worker = threading.Thread(target=worker_in_no_grad)
    worker.start()
    inside.wait(5)
    seen["main"] = ag.is_grad_enabled() and (x * 2).requires_grad  # main thread unaffected by the worker
    checked.set()
    worker.join(5)
    assert seen == {"main": True, "worker": False}

    def worker_default():
        seen["fresh_thread"] = ag.is_grad_enabled()
    with ag.no_grad():
        t = threading.Thread(target=worker_default)
        t.start()
        t.join(5)
    assert seen["fresh_thread"] is True


# ----- leaves, detach, requires_grad ------------------------------------------------------------------

def test_leaf_and_graph_attributes(device):
    x = _leaf([1.0, 2.0], device)
    y = x * 2
    assert x.is_leaf and x.grad_fn is None and x.requires_grad
    assert not y.is_leaf and y.grad_fn is not None and y.requires_grad
    d = y.detach()
    assert d.is_leaf and not d.requires_grad
    if ag.device(device).host_memory:
        assert np.shares_memory(d.numpy(), y.numpy())
    c = ag.tensor([1.0, 2.0], device=device)
    assert not (c * 2).requires_grad and (c * 2).is_leaf
    c.requires_grad_()
    assert c.requires_grad and (c * 2).requires_grad
    with pytest.raises(ag.GraphError, match="detach"):
        y.requires_grad_(False)


def test_detach_stops_the_gradient(device):
    x = _leaf([1.0, 2.0], device)
    (x * x.detach()).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0])


def test_backward_outside_grad_mode_still_works_on_a_recorded_graph(device):
    x = _leaf([1.0, 2.0], device)
    y = (x * x).sum()
    with ag.no_grad():
        y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])
