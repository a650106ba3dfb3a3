"""PyTorch leftovers of earlier stops (leftovers 10), each checked against torch 2.13: forward-mode tangents on the
reverse graph (forward-over-reverse) and their dtypes, the graphs composite losses and nn.Linear show, BatchNorm's
buffer versions, the in-place check of saved results, and the scale-first overloads' deprecation warning."""
import numpy as np
import pytest

import autograd as ag
from autograd.autograd import forward_ad as fwAD


def _torch():
    return pytest.importorskip("torch")


def _fw(lib):
    """The forward_ad module of `lib` (torch or autograd)."""
    return lib.autograd.forward_ad


# ----- 1. a tangent computed from tensors that require grad is on the reverse graph --------------------------------
_OPS = {
    "mul": lambda lib, d, c, w: d * d,
    "mul_const": lambda lib, d, c, w: d * c,
    "div_const": lambda lib, d, c, w: d / c,
    "sin": lambda lib, d, c, w: lib.sin(d),
    "exp_add": lambda lib, d, c, w: lib.exp(d) + d,
    "matmul": lambda lib, d, c, w: d @ w,
    "mm": lambda lib, d, c, w: lib.mm(d, w),
    "sum": lambda lib, d, c, w: d.sum(),
    "sum_dim": lambda lib, d, c, w: d.sum(1),
    "mean": lambda lib, d, c, w: d.mean(),
    "view": lambda lib, d, c, w: d.view(3, 2),
    "t": lambda lib, d, c, w: d.t(),
    "index": lambda lib, d, c, w: d[1:, ::2],
    "add_const": lambda lib, d, c, w: d + c,
    "cat": lambda lib, d, c, w: lib.cat([d, c]),
    "mul_then_sum": lambda lib, d, c, w: (d * c).sum(),
    "sum_then_mul": lambda lib, d, c, w: d.sum() * c,
    "abs": lambda lib, d, c, w: d.abs(),
}
#: the ops whose tangent's own node PyTorch shows under the same name as deepgrad (others: see the report)
_SAME_TOP_NODE = {"mul", "sin", "exp_add", "view", "t", "index", "add_const"}


def _tangent_case(lib, op, primal_rg, tangent_rg):
    """Run `op` on a dual tensor at a fresh level: (primal, tangent, unpacked tangent)."""
    rng = np.random.default_rng(3)
    p = lib.tensor(rng.uniform(0.5, 1.5, (2, 3)), requires_grad=primal_rg)
    t = lib.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=tangent_rg)
    c = lib.tensor(rng.uniform(0.5, 1.5, (2, 3)))
    w = lib.tensor(rng.uniform(-1, 1, (3, 2)))
    fw = _fw(lib)
    with fw.dual_level():
        out = _OPS[op](lib, fw.make_dual(p, t), c, w)
        tangent = fw.unpack_dual(out).tangent
    return p, t, tangent


@pytest.mark.parametrize("needs", ["primal", "tangent", "both"])
@pytest.mark.parametrize("op", sorted(_OPS))
def test_tangent_requires_grad_and_its_gradient_match_torch(op, needs):
    torch = _torch()
    flags = (needs in ("primal", "both"), needs in ("tangent", "both"))
    ours = _tangent_case(ag, op, *flags)
    theirs = _tangent_case(torch, op, *flags)
    np.testing.assert_allclose(ours[2].detach().numpy(), theirs[2].detach().numpy(), rtol=1e-12)
    assert ours[2].requires_grad == theirs[2].requires_grad
    assert (ours[2].grad_fn is None) == (theirs[2].grad_fn is None)
    if op in _SAME_TOP_NODE and theirs[2].grad_fn is not None:
        assert ours[2].grad_fn.name() == theirs[2].grad_fn.name()
    if not theirs[2].requires_grad:
        return
    wanted = [k for k in (0, 1) if flags[k]]
    weights = np.linspace(-1, 2, int(np.prod(theirs[2].shape))).reshape(tuple(theirs[2].shape))
    g_ours = ag.autograd.grad((ours[2] * ag.tensor(weights)).sum(), [ours[k] for k in wanted], allow_unused=True)
    g_theirs = torch.autograd.grad((theirs[2] * torch.tensor(weights)).sum(), [theirs[k] for k in wanted],
                                   allow_unused=True)
    for a, b in zip(g_ours, g_theirs):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a.numpy(), b.numpy(force=True), rtol=1e-12, atol=1e-15)


def test_a_tangent_through_a_product_with_a_constant_backwards_to_a_zero_gradient():
    p = ag.tensor(np.ones((2, 3)), requires_grad=True)
    with fwAD.dual_level():
        tangent = fwAD.unpack_dual(fwAD.make_dual(p, ag.ones(2, 3, dtype=ag.float64)) @ ag.ones(3, 2, dtype=ag.float64)).tangent
    assert tangent.requires_grad and tangent.grad_fn.name() == "AddBackward0"
    tangent.sum().backward()
    np.testing.assert_array_equal(p.grad.numpy(), np.zeros((2, 3)))


def test_hessian_vector_product_by_reverse_over_forward_matches_torch():
    torch = _torch()
    rng = np.random.default_rng(5)
    x0, v0 = rng.uniform(-1, 1, (4,)), rng.uniform(-1, 1, (4,))
    a0 = rng.uniform(-1, 1, (4, 4))
    results = []
    for lib in (ag, torch):
        x = lib.tensor(x0, requires_grad=True)
        a = lib.tensor(a0)
        fw = _fw(lib)
        with fw.dual_level():
            d = fw.make_dual(x, lib.tensor(v0))
            y = (lib.tanh(a @ d) * d).sum() + (d * d * d).sum()
            jvp = fw.unpack_dual(y).tangent
        (hvp,) = lib.autograd.grad(jvp, [x])
        results.append(hvp.detach().numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-12)


@pytest.mark.parametrize("op", ["mul", "sin", "matmul", "sum", "view", "exp_add", "mul_const"])
def test_the_tangent_as_a_function_of_primal_and_tangent_passes_gradcheck(op):
    rng = np.random.default_rng(7)
    c = ag.tensor(rng.uniform(0.5, 1.5, (2, 3)))
    w = ag.tensor(rng.uniform(-1, 1, (3, 2)))

    def tangent_of(p, t):
        with fwAD.dual_level():
            return fwAD.unpack_dual(_OPS[op](ag, fwAD.make_dual(p, t), c, w)).tangent

    p = ag.tensor(rng.uniform(0.5, 1.5, (2, 3)), requires_grad=True)
    t = ag.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True)
    assert ag.gradcheck(tangent_of, (p, t))


# ----- 2. a tangent of another floating dtype than its primal's ---------------------------------------------------
_DTYPE_OPS = ["sum", "view", "mean", "t", "index", "mul", "sin", "mul_const", "exp_add", "mul_then_sum"]


@pytest.mark.parametrize("dtypes", [("float64", "float32"), ("float32", "float64")])
@pytest.mark.parametrize("op", _DTYPE_OPS)
def test_the_tangent_dtype_follows_torch(op, dtypes):
    torch = _torch()
    got = []
    for lib in (ag, torch):
        p = lib.tensor(np.arange(6.0).reshape(2, 3) / 7, dtype=getattr(lib, dtypes[0]))
        t = lib.tensor(np.full((2, 3), 1 / 3), dtype=getattr(lib, dtypes[1]))
        c = lib.tensor(np.full((2, 3), 2.0), dtype=getattr(lib, dtypes[0]))
        fw = _fw(lib)
        with fw.dual_level():
            tangent = fw.unpack_dual(_OPS[op](lib, fw.make_dual(p, t), c, None)).tangent
        got.append((str(tangent.dtype).replace("torch.", ""), tangent.detach().numpy().astype(np.float64)))
    assert got[0][0] == got[1][0]
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-6)


# ----- 3. the graphs the losses show ------------------------------------------------------------------------------
def _walk(node, depth=0):
    """A graph walk as text: each node's name and its next_functions, nested."""
    if node is None:
        return "None"
    return node.name() + "[" + ",".join(_walk(n, depth + 1) for n, _ in node.next_functions) + "]"


def _loss_calls():
    rng = np.random.default_rng(11)
    shapes = {"x": (4, 3), "x1": (3,), "x3": (4, 3, 2), "x4": (2, 3, 2, 2), "x5": (2, 3, 2, 1, 2)}
    arrays = {k: rng.uniform(-1, 1, s) for k, s in shapes.items()}
    targets = {"x": rng.integers(0, 3, (4,)), "x1": np.int64(1), "x3": rng.integers(0, 3, (4, 2)),
               "x4": rng.integers(0, 3, (2, 2, 2)), "x5": rng.integers(0, 3, (2, 2, 1, 2))}
    probs, labels, weight = rng.uniform(0, 1, (4, 3)), (rng.uniform(0, 1, (4, 3)) > 0.5) * 1.0, rng.uniform(0.5, 1, 3)
    calls = {}
    for red in ("mean", "sum", "none"):
        for k in shapes:
            calls[f"ce_{k}_{red}"] = lambda F, v, k=k, red=red: F.cross_entropy(v[k], v["t_" + k], reduction=red)
            calls[f"ce_ls_{k}_{red}"] = lambda F, v, k=k, red=red: F.cross_entropy(
                v[k], v["t_" + k], reduction=red, label_smoothing=0.2)
            calls[f"nll_{k}_{red}"] = lambda F, v, k=k, red=red: F.nll_loss(v[k], v["t_" + k], reduction=red)
        calls[f"ce_weight_{red}"] = lambda F, v, red=red: F.cross_entropy(v["x"], v["t_x"], weight=v["w"], reduction=red)
        calls[f"ce_ls_weight_{red}"] = lambda F, v, red=red: F.cross_entropy(
            v["x"], v["t_x"], weight=v["w"], reduction=red, label_smoothing=0.1)
        calls[f"ce_probs_{red}"] = lambda F, v, red=red: F.cross_entropy(v["x"], v["p"], reduction=red)
        calls[f"ce_probs_weight_{red}"] = lambda F, v, red=red: F.cross_entropy(v["x"], v["p"], weight=v["w"],
                                                                                reduction=red, label_smoothing=0.1)
        calls[f"ce_nonleaf_{red}"] = lambda F, v, red=red: F.cross_entropy(v["x"] * 2, v["t_x"], reduction=red)
        calls[f"mse_{red}"] = lambda F, v, red=red: F.mse_loss(v["x"], v["p"], reduction=red)
        calls[f"mse_target_grad_{red}"] = lambda F, v, red=red: F.mse_loss(v["x"], v["x"] * 3, reduction=red)
        calls[f"mse_broadcast_target_{red}"] = lambda F, v, red=red: F.mse_loss(v["x"], v["p"][0], reduction=red)
        calls[f"mse_broadcast_input_{red}"] = lambda F, v, red=red: F.mse_loss(v["x"][0], v["p"], reduction=red)
        calls[f"bce_logits_{red}"] = lambda F, v, red=red: F.binary_cross_entropy_with_logits(v["x"], v["y"],
                                                                                            reduction=red)
        calls[f"bce_logits_pos_weight_{red}"] = lambda F, v, red=red: F.binary_cross_entropy_with_logits(
            v["x"], v["y"], pos_weight=v["w"], weight=v["w"], reduction=red)
        calls[f"bce_logits_target_grad_{red}"] = lambda F, v, red=red: F.binary_cross_entropy_with_logits(
            v["x"], v["x"].sigmoid(), reduction=red)
        calls[f"bce_{red}"] = lambda F, v, red=red: F.binary_cross_entropy(v["x"].sigmoid(), v["y"], reduction=red)
        calls[f"huber_{red}"] = lambda F, v, red=red: F.huber_loss(v["x"], v["p"], reduction=red)
        calls[f"smooth_l1_{red}"] = lambda F, v, red=red: F.smooth_l1_loss(v["x"], v["p"], reduction=red, beta=0.5)
    values = dict(arrays, p=probs, y=labels, w=weight, **{"t_" + k: t for k, t in targets.items()})
    return calls, values


_LOSS_CALLS, _LOSS_VALUES = _loss_calls()


def _loss_inputs(lib):
    return {k: (lib.tensor(v, requires_grad=True) if k in ("x", "x1", "x3", "x4", "x5") else lib.tensor(v))
            for k, v in _LOSS_VALUES.items()}


@pytest.mark.filterwarnings("ignore:Using a target size")
@pytest.mark.parametrize("name", sorted(_LOSS_CALLS))
def test_a_loss_shows_torchs_graph_and_gradient(name):
    torch = _torch()
    import nn.functional as F
    import torch.nn.functional as TF
    ours_in, theirs_in = _loss_inputs(ag), _loss_inputs(torch)
    ours, theirs = _LOSS_CALLS[name](F, ours_in), _LOSS_CALLS[name](TF, theirs_in)
    assert _walk(ours.grad_fn) == _walk(theirs.grad_fn)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-15)
    ours.sum().backward()
    theirs.sum().backward()
    for k in ("x", "x1", "x3", "x4", "x5"):
        if theirs_in[k].grad is not None:
            np.testing.assert_allclose(ours_in[k].grad.numpy(), theirs_in[k].grad.numpy(), rtol=1e-12, atol=1e-15)


_WEIGHT_CALLS = {
    "nll_loss_forward": lambda F, x, w: F.cross_entropy(x, x.argmax(1), weight=w),
    "nll_loss_forward ": lambda F, x, w: F.nll_loss(x, x.argmax(1), weight=w),
    "binary_cross_entropy_with_logits": lambda F, x, w: F.binary_cross_entropy_with_logits(x, x.detach(), weight=w),
    "binary_cross_entropy_with_logits'. pos": lambda F, x, w: F.binary_cross_entropy_with_logits(
        x, x.detach(), pos_weight=w),
    "binary_cross_entropy": lambda F, x, w: F.binary_cross_entropy(x.sigmoid(), x.detach().sigmoid(), weight=w),
}


@pytest.mark.parametrize("name", sorted(_WEIGHT_CALLS))
def test_a_class_weight_that_requires_grad_is_refused_as_torch(name):
    torch = _torch()
    import nn.functional as F
    import torch.nn.functional as TF
    for lib, f in ((ag, F), (torch, TF)):
        x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=True)
        w = lib.tensor(np.ones(3), requires_grad=True)
        with pytest.raises(RuntimeError, match="is not differentiable with respect to argument"):
            _WEIGHT_CALLS[name](f, x, w)
        with lib.no_grad():   # no graph, no refusal
            _WEIGHT_CALLS[name](f, x, w)


def test_a_shown_node_refuses_hooks_and_keeps_no_cycle():
    import gc
    import weakref
    import nn.functional as F
    x = ag.tensor(np.ones((4, 3)), requires_grad=True)
    loss = F.cross_entropy(x * 2, ag.tensor([0, 1, 2, 0]), label_smoothing=0.1)
    shown = loss.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]
    assert shown.name() == "LogSoftmaxBackward0"
    assert shown.next_functions[0][0].name() == "MulBackward0"
    with pytest.raises(RuntimeError, match="only shows PyTorch's graph"):
        shown.register_hook(lambda *a: None)
    plain = F.cross_entropy(x * 2, ag.tensor([0, 1, 2, 0]))
    assert plain.grad_fn.next_functions[0][0].name() == "LogSoftmaxBackward0"
    gc.disable()
    try:
        nodes = [weakref.ref(loss.grad_fn), weakref.ref(plain.grad_fn)]
        del loss, plain, shown
        assert all(n() is None for n in nodes)
    finally:
        gc.enable()


def test_next_functions_lists_tensor_arguments_only_as_torch():
    torch = _torch()
    import nn.functional as F
    import torch.nn.functional as TF
    calls = {"log_softmax": lambda f, lib, x: f.log_softmax(x, 1), "clamp": lambda f, lib, x: x.clamp(0.2, 0.5),
             "leaky_relu": lambda f, lib, x: f.leaky_relu(x, 0.1), "pow": lambda f, lib, x: x ** 2,
             "add_number": lambda f, lib, x: x + 2, "mul_number": lambda f, lib, x: 3 * x,
             "div_number": lambda f, lib, x: x / 2, "transpose": lambda f, lib, x: x.transpose(0, 1),
             "cumsum": lambda f, lib, x: x.cumsum(1), "layer_norm": lambda f, lib, x: f.layer_norm(x, (3,)),
             "gather": lambda f, lib, x: x.gather(1, lib.tensor([[0], [1], [2], [0]])),
             "max_dim": lambda f, lib, x: x.max(1)[0], "sort": lambda f, lib, x: x.sort(1)[0],
             "mse_loss": lambda f, lib, x: f.mse_loss(x, x.detach())}
    for name, call in calls.items():
        ours = call(F, ag, ag.tensor(np.ones((4, 3)), requires_grad=True)).grad_fn
        theirs = call(TF, torch, torch.tensor(np.ones((4, 3)), requires_grad=True)).grad_fn
        assert (ours.name(), len(ours.next_functions)) == (theirs.name(), len(theirs.next_functions)), name


# ----- 4. nn.Linear's graph on inputs of other ranks ---------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3,), (4, 3), (5, 4, 3), (2, 5, 4, 3), (0, 3)])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("grads", ["all", "frozen_weight", "constant_input", "computed_input"])
def test_linear_shows_torchs_graph(shape, bias, grads):
    torch = _torch()
    import nn
    walks, results = [], []
    for lib, mod in ((ag, nn), (torch, torch.nn)):
        lib.manual_seed(0)
        layer = mod.Linear(3, 2, bias=bias).double()
        if grads == "frozen_weight":
            layer.weight.requires_grad_(False)
        x = lib.tensor(np.linspace(-1, 1, int(np.prod(shape))).reshape(shape), requires_grad=grads != "constant_input")
        y = layer(x * 2 if grads == "computed_input" else x)
        walks.append(_walk(y.grad_fn))
        y.sum().backward()
        results.append([t.grad.numpy() for t in (x, layer.weight, layer.bias) if t is not None and t.grad is not None])
    assert walks[0] == walks[1]
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13)


def test_linear_shown_nodes_refuse_hooks_and_keep_no_cycle():
    import gc
    import weakref
    import nn
    layer = nn.Linear(3, 2)
    y = layer(ag.ones(5, 4, 3, requires_grad=True))
    product = y.grad_fn.next_functions[0][0]
    assert product.name() == "AddmmBackward0"
    with pytest.raises(RuntimeError, match="only shows PyTorch's graph"):
        product.register_prehook(lambda *a: None)
    node = weakref.ref(y.grad_fn)
    gc.disable()
    try:
        del y, product
        assert node() is None
    finally:
        gc.enable()


# ----- 5. BatchNorm's buffers: their versions and the batch count ------------------------------------------------
def _versions(m):
    return [None if t is None else t._version
            for t in (m.running_mean, m.running_var, m.num_batches_tracked, m.weight, m.bias)]


def _norm_history(lib, mod, cls, kwargs, shape):
    """The versions of a normalisation layer's tensors and its batch count through a short life."""
    rng = np.random.default_rng(2)
    x = lib.tensor(rng.uniform(-1, 1, shape).astype(np.float32), requires_grad=True)
    layer = getattr(mod, cls)(**kwargs)
    seen = [_versions(layer)]
    for _ in range(3):
        layer(x)
        seen.append(_versions(layer))
    layer.eval()
    layer(x)
    seen.append(_versions(layer))
    layer.train()
    with lib.no_grad():
        layer(x)
    seen.append(_versions(layer))
    layer.reset_running_stats()
    seen.append(_versions(layer))
    layer.load_state_dict(layer.state_dict())
    seen.append(_versions(layer))
    count = layer.num_batches_tracked
    return seen, None if count is None else int(count.item())


_NORMS = [("BatchNorm1d", {"num_features": 3}, (4, 3)), ("BatchNorm1d", {"num_features": 3}, (4, 3, 5)),
          ("BatchNorm2d", {"num_features": 3, "momentum": None}, (4, 3, 2, 2)),
          ("BatchNorm3d", {"num_features": 3, "affine": False}, (2, 3, 2, 2, 2)),
          ("BatchNorm2d", {"num_features": 3, "track_running_stats": False}, (4, 3, 2, 2)),
          ("LazyBatchNorm1d", {}, (4, 3)), ("SyncBatchNorm", {"num_features": 3}, (4, 3, 2)),
          ("InstanceNorm1d", {"num_features": 3, "affine": True, "track_running_stats": True}, (2, 3, 4)),
          ("LazyInstanceNorm1d", {"affine": True, "track_running_stats": True}, (2, 3, 4))]


@pytest.mark.parametrize("cls, kwargs, shape", _NORMS, ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(_NORMS)])
def test_norm_buffer_versions_and_batch_count_match_torch(cls, kwargs, shape):
    torch = _torch()
    import nn
    if cls == "SyncBatchNorm":   # PyTorch's runs on the CPU only in eval mode: compare its start
        assert _versions(nn.SyncBatchNorm(3)) == _versions(torch.nn.SyncBatchNorm(3))
        return
    assert _norm_history(ag, nn, cls, kwargs, shape) == _norm_history(torch, torch.nn, cls, kwargs, shape)


def test_a_graph_that_saved_a_running_statistic_refuses_backward_after_a_training_step():
    # PyTorch's kernel changes running_mean without counting a version, so its backward here silently reads the
    # new values (the gradient of (w * running_mean).sum() comes out as the updated mean); deepgrad's _version
    # matches PyTorch's count, and its backward refuses as for any other in-place change of a saved tensor
    import nn
    bn = nn.BatchNorm1d(3)
    w = ag.ones(3, requires_grad=True)
    loss = (w * bn.running_mean).sum()
    bn(ag.tensor(np.arange(12.0, dtype=np.float32).reshape(4, 3)))
    assert bn.running_mean._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


# ----- 6. an in-place change of a tensor saved for backward refuses backward, as PyTorch ---------------------------
def _index(lib):
    return lib.tensor(np.array([[0, 1, 0], [1, 0, 1]]))


_SAVED_CHANGES = {
    # the stop-50 program: scatter_reduce_'s saved result changed by masked_fill_
    "scatter_reduce_amax": lambda lib, x, w: _after((x * 1).scatter_reduce_(0, _index(lib), x, "amax"),
                                                    lambda y: y.masked_fill_(y > 4, 0.0)),
    "scatter_reduce_amin": lambda lib, x, w: _after((x * 1).scatter_reduce(0, _index(lib), x, "amin"),
                                                    lambda y: y.add_(1)),
    "scatter_reduce_sum": lambda lib, x, w: _after((x * 1).scatter_reduce(0, _index(lib), x, "sum"),
                                                   lambda y: y.mul_(2)),
    "index_reduce_prod": lambda lib, x, w: _after((x * 1).index_reduce(0, lib.tensor(np.array([1, 0])), x, "prod"),
                                                  lambda y: y.add_(1)),
    "amax": lambda lib, x, w: _after(x.amax(1), lambda y: y.mul_(2)),
    "amin_keepdim": lambda lib, x, w: _after(x.amin(1, keepdim=True), lambda y: y.mul_(2)),
    "max_all": lambda lib, x, w: _after(x.max(), lambda y: y.mul_(2)),
    "min_all": lambda lib, x, w: _after(x.min(), lambda y: y.mul_(2)),
    "median_all": lambda lib, x, w: _after(x.median(), lambda y: y.mul_(2)),
    "cdist": lambda lib, x, w: _after(lib.cdist(x, x.detach() + 1), lambda y: y.mul_(2)),
    "pdist": lambda lib, x, w: _after(lib.nn.functional.pdist(x), lambda y: y.mul_(2)),
    "max_dim": lambda lib, x, w: _after(x.max(1)[0], lambda y: y.mul_(2)),
    "sort": lambda lib, x, w: _after(x.sort(1)[0], lambda y: y.mul_(2)),
    "topk": lambda lib, x, w: _after(x.topk(2, 1)[0], lambda y: y.mul_(2)),
    "cummax": lambda lib, x, w: _after(x.cummax(1)[0], lambda y: y.mul_(2)),
    "kthvalue": lambda lib, x, w: _after(x.kthvalue(2, 1)[0], lambda y: y.mul_(2)),
    "exp_setitem": lambda lib, x, w: _after(x.exp(), lambda y: y.__setitem__(0, 1.0)),
    "exp_view_mul_": lambda lib, x, w: _after(x.exp(), lambda y: y[0].mul_(2)),
    "exp_t_": lambda lib, x, w: _after(x.exp(), lambda y: y.t_()),
    "exp_zero_": lambda lib, x, w: _after(x.exp(), lambda y: y.zero_()),
    "sigmoid_add_": lambda lib, x, w: _after(x.sigmoid(), lambda y: y.add_(1)),
    "softmax_div_": lambda lib, x, w: _after(x.softmax(1), lambda y: y.div_(2)),
    "mul_by_itself": lambda lib, x, w: _after(x * 1, lambda y: y.mul_(y)),
    "saved_input": lambda lib, x, w: _input_after(x * 1, lambda b: b * w, lambda b: b.mul_(2)),
    "saved_input_setitem": lambda lib, x, w: _input_after(x * 1, lambda b: b.sin(), lambda b: b.__setitem__(0, 7.0)),
    "no_grad_change": lambda lib, x, w: _after(x.exp(), lambda y: _no_grad(lib, lambda: y.mul_(2))),
    # PyTorch's nodes keep the inputs here, not the result: changing the result is allowed
    "silu": lambda lib, x, w: _after(lib.nn.functional.silu(x), lambda y: y.mul_(2)),
    "gelu": lambda lib, x, w: _after(lib.nn.functional.gelu(x), lambda y: y.mul_(2)),
    "leaky_relu": lambda lib, x, w: _after(lib.nn.functional.leaky_relu(x), lambda y: y.mul_(2)),
    "hardtanh": lambda lib, x, w: _after(lib.nn.functional.hardtanh(x), lambda y: y.mul_(2)),
    "erfinv": lambda lib, x, w: _after(lib.erfinv(x / 10), lambda y: y.mul_(2)),
    "div": lambda lib, x, w: _after(x / w, lambda y: y.mul_(2)),
    "chained": lambda lib, x, w: _after(x * 1, lambda y: (y.mul_(2), y.add_(1))),
    "mul_w_then_add": lambda lib, x, w: _after(x * 1, lambda y: (y.mul_(w), y.add_(1))),
}


def _after(y, change):
    change(y)
    return y


def _input_after(b, use, change):
    y = use(b)
    change(b)
    return y


def _no_grad(lib, fn):
    with lib.no_grad():
        fn()


@pytest.mark.filterwarnings("ignore:index_reduce")
@pytest.mark.parametrize("name", sorted(_SAVED_CHANGES))
def test_an_in_place_change_of_a_saved_tensor_refuses_backward_as_torch(name):
    torch = _torch()
    import nn   # noqa: F401  (ag.nn.functional)
    outcomes = []
    for lib in (ag, torch):
        x = lib.tensor(np.array([[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]]), requires_grad=True)
        w = lib.tensor(np.array([0.5, 2.0, 3.0]), requires_grad=True)
        out = _SAVED_CHANGES[name](lib, x, w)
        try:
            out.sum().backward()
        except RuntimeError as exc:
            assert "modified by an inplace operation" in str(exc)
            outcomes.append("refused")
            continue
        outcomes.append(np.round(x.grad.numpy(), 10).tolist())
    assert outcomes[0] == outcomes[1]


# ----- 7. the deprecation warning of the scale-first overloads ----------------------------------------------------
_SCALE_FIRST = {
    "add_": lambda lib, x, y: x.add_(2, y), "add": lambda lib, x, y: x.add(2, y),
    "sub_": lambda lib, x, y: x.sub_(2, y), "sub": lambda lib, x, y: x.sub(2, y),
    "torch.add": lambda lib, x, y: lib.add(x, 2, y), "torch.sub": lambda lib, x, y: lib.sub(x, 2, y),
    "addcmul_": lambda lib, x, y: x.addcmul_(2, y, y), "addcmul": lambda lib, x, y: x.addcmul(2, y, y),
    "addcdiv_": lambda lib, x, y: x.addcdiv_(2, y, y), "addcdiv": lambda lib, x, y: x.addcdiv(2, y, y),
    "torch.addcmul": lambda lib, x, y: lib.addcmul(x, 2, y, y), "torch.addcdiv": lambda lib, x, y: lib.addcdiv(x, 2, y, y),
}


def _scale_first_warning(lib, name):
    """(message, file name, line) of the warning the call gives, and the values it computes."""
    import warnings
    x, y = lib.tensor(np.ones(3)), lib.tensor(np.full(3, 2.0))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _SCALE_FIRST[name](lib, x, y)   # the warning points at this line
    (warning,) = [w for w in caught if "deprecated" in str(w.message)]
    message = str(warning.message).split(" (Triggered internally")[0]
    return message, warning.filename, warning.lineno, out.numpy().tolist()


@pytest.mark.parametrize("name", sorted(_SCALE_FIRST))
def test_a_scale_first_overload_warns_as_torch_naming_the_method_called_at_the_callers_line(name):
    torch = _torch()
    from autograd.ops import deprecated_overloads
    previous = torch.is_warn_always_enabled()
    torch.set_warn_always(True)   # PyTorch warns once per process: every time here, as deepgrad's fresh flag below
    try:
        deprecated_overloads._warned[0] = False
        ours = _scale_first_warning(ag, name)
        theirs = _scale_first_warning(torch, name)
    finally:
        torch.set_warn_always(previous)
        deprecated_overloads._warned[0] = True
    assert ours == theirs
    assert ours[1] == __file__


def test_the_scale_first_warning_is_given_once_per_process():
    import warnings
    from autograd.ops import deprecated_overloads
    deprecated_overloads._warned[0] = False
    x, y = ag.ones(3), ag.ones(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        x.add_(2, y)
        ag.addcmul(x, 2, y, y)
        x.sub(1, y)
    assert len([w for w in caught if "deprecated" in str(w.message)]) == 1
