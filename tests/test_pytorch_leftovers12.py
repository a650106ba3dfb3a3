"""PyTorch leftovers 12, each checked against torch 2.13: the node a create_graph gradient shows (prod, cumprod,
logcumsumexp, logsigmoid, gaussian_nll / smooth_l1 / huber / soft_margin losses), next_functions of ops that take a
number or an index, the dtype of a forward-mode tangent, and the 16-bit nll_loss sum."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F


def _torch():
    return pytest.importorskip("torch")


def _functional(lib):
    """torch.nn.functional for torch, nn.functional for autograd."""
    return F if lib is ag else lib.nn.functional


def _name(node):
    return None if node is None else type(node).__name__


# ----- 1. the node a create_graph gradient shows ------------------------------------------------------------------
#: op(lib, F, x, other) with x of shape (2, 3) the differentiated input and other a constant of the same shape
_DOUBLE_BACKWARD = {
    "prod": lambda L, F, x, c: x.prod(),
    "prod_dim": lambda L, F, x, c: x.prod(1),
    "cumprod": lambda L, F, x, c: x.cumprod(1),
    "logcumsumexp": lambda L, F, x, c: x.logcumsumexp(0),
    "logsigmoid": lambda L, F, x, c: F.logsigmoid(x),
    "gaussian_nll": lambda L, F, x, c: F.gaussian_nll_loss(x, c, c.abs() + 0.5),
    "smooth_l1": lambda L, F, x, c: F.smooth_l1_loss(x, c),
    "smooth_l1_sum": lambda L, F, x, c: F.smooth_l1_loss(x, c, reduction="sum", beta=0.5),
    "huber": lambda L, F, x, c: F.huber_loss(x, c, delta=0.7),
    "soft_margin": lambda L, F, x, c: F.soft_margin_loss(x, c.sign()),
    "bce_logits": lambda L, F, x, c: F.binary_cross_entropy_with_logits(x, c.abs()),
    "bce_logits_sum": lambda L, F, x, c: F.binary_cross_entropy_with_logits(x, c.abs(), reduction="sum"),
    "bce_logits_weights": lambda L, F, x, c: F.binary_cross_entropy_with_logits(x, c.abs(), weight=c.abs() + 0.5,
                                                                                 pos_weight=c[0].abs() + 0.25),
    "bce_logits_none": lambda L, F, x, c: F.binary_cross_entropy_with_logits(x, c.abs(), reduction="none"),
    "mish": lambda L, F, x, c: F.mish(x * 3),
    "hardswish": lambda L, F, x, c: F.hardswish(x * 3),
    "glu": lambda L, F, x, c: F.glu(x.reshape(3, 2), 1),
    "glu_first": lambda L, F, x, c: F.glu(x, -2),
}


def _double_backward(lib, op):
    x = lib.tensor(np.linspace(-1.3, 1.1, 6).reshape(2, 3), requires_grad=True)
    c = lib.tensor(np.linspace(0.9, -0.6, 6).reshape(2, 3))
    g, = lib.autograd.grad(_DOUBLE_BACKWARD[op](lib, _functional(lib), x, c).sum(), x, create_graph=True)
    gg, = lib.autograd.grad((g * g).sum(), x)
    return _name(g.grad_fn), g.detach().numpy(), gg.numpy()


@pytest.mark.parametrize("op", sorted(_DOUBLE_BACKWARD))
def test_create_graph_gradient_shows_pytorchs_node(op):
    torch = _torch()
    theirs, ours = _double_backward(torch, op), _double_backward(ag, op)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-10, atol=1e-12)


# ----- 2. bfloat16/float16 nll_loss, cross_entropy and log_softmax: PyTorch's CPU roundings ----------------------
def _half(lib, dtype):
    return getattr(lib, dtype)


#: (function, keyword arguments) of the 16-bit loss cases; 'nll' takes log-probabilities made in float32
_HALF_LOSSES = {
    "nll_mean": ("nll", {}),
    "nll_sum": ("nll", {"reduction": "sum"}),
    "nll_ignore": ("nll", {"ignore_index": 3}),
    "nll_weight": ("nll", {"weight": True}),
    "nll_of_log_softmax": ("nll_lsm", {}),
    "ce": ("ce", {}),
    "ce_weight_ignore": ("ce", {"weight": True, "ignore_index": 2}),
    "ce_smoothing": ("ce", {"label_smoothing": 0.1}),
    "ce_smoothing_weight": ("ce", {"label_smoothing": 0.2, "weight": True, "reduction": "sum"}),
    "ce_image": ("ce_image", {"ignore_index": 1}),
}


def _half_loss(lib, case, dtype, n):
    kind, kwargs = _HALF_LOSSES[case]
    kwargs = dict(kwargs)
    rng = np.random.default_rng(n)
    logits = rng.standard_normal((n, 10)).astype(np.float32) * 3
    target = rng.integers(0, 10, n)
    if "ignore_index" in kwargs:
        target[::5] = kwargs["ignore_index"]
    if kwargs.pop("weight", False):
        kwargs["weight"] = lib.tensor(np.linspace(0.3, 2.1, 10).astype(np.float32)).to(_half(lib, dtype))
    Fn = _functional(lib)
    if kind == "nll":
        x = lib.tensor(np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True))).to(_half(lib, dtype))
    else:
        x = lib.tensor(logits).to(_half(lib, dtype))
    x.requires_grad_()
    t = lib.tensor(target)
    if kind == "nll":
        y = Fn.nll_loss(x, t, **kwargs)
    elif kind == "nll_lsm":
        y = Fn.nll_loss(Fn.log_softmax(x, 1), t, **kwargs)
    elif kind == "ce":
        y = Fn.cross_entropy(x, t, **kwargs)
    else:   # (N, C, 2, 5) images
        y = Fn.cross_entropy(x.reshape(-1, 2, 5, 10).permute(0, 3, 1, 2), t.reshape(-1, 2, 5), **kwargs)
    y.backward()
    return y.float().detach().numpy(), x.grad.float().numpy()


@pytest.mark.parametrize("n", [10, 300, 5000])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("case", sorted(_HALF_LOSSES))
def test_half_losses_round_as_pytorch(case, dtype, n):
    torch = _torch()
    (ty, tg), (ay, ag_) = _half_loss(torch, case, dtype, n), _half_loss(ag, case, dtype, n)
    np.testing.assert_array_equal(ay, ty)
    if n < 5000:
        np.testing.assert_array_equal(ag_, tg)
    else:   # a few gradients in 50,000 still round the other way (see the report of leftovers 12)
        differ = ag_ != tg
        assert differ.mean() < 2e-4
        ulp = np.abs(tg[differ]) * (2.0 ** -7 if dtype == "bfloat16" else 2.0 ** -10)
        assert np.all(np.abs(ag_[differ] - tg[differ]) <= ulp)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("shape, dim", [((300, 10), 1), ((3, 2000), -1), ((7,), 0), ((10, 300), 0), ((4, 7, 5, 6), 1)])
def test_half_log_softmax_rounds_as_pytorch(dtype, shape, dim):
    torch = _torch()
    values = np.random.default_rng(5).standard_normal(shape).astype(np.float32) * 3
    out = []
    for lib in (torch, ag):
        x = lib.tensor(values).to(_half(lib, dtype)).requires_grad_()
        y = _functional(lib).log_softmax(x, dim)
        (y * lib.tensor(np.linspace(-1, 1, y.numel()).reshape(shape).astype(np.float32)).to(y.dtype)).sum().backward()
        out.append((y.float().detach().numpy(), x.grad.float().numpy()))
    np.testing.assert_array_equal(out[1][0], out[0][0])
    np.testing.assert_array_equal(out[1][1], out[0][1])


def test_half_nll_loss_sum_of_many_samples():
    """600,000 samples: PyTorch's cascade keeps its step of 16 (a step of 32 gives 4736 where PyTorch gives 4768)."""
    torch = _torch()
    rng = np.random.default_rng(1)
    x = -np.abs(rng.standard_normal((600_000, 2))).astype(np.float32) * 0.01
    target = rng.integers(0, 2, len(x))
    theirs = torch.nn.functional.nll_loss(torch.tensor(x).bfloat16(), torch.tensor(target), reduction="sum")
    ours = F.nll_loss(ag.tensor(x).to(ag.bfloat16), ag.tensor(target), reduction="sum")
    assert ours.float().item() == theirs.float().item() == 4768.0


@pytest.mark.parametrize("case", ["ce", "ce_smoothing", "ce_weight_ignore", "nll_weight"])
def test_half_losses_show_pytorchs_graph(case):
    torch = _torch()

    def tree(node, depth=0):
        if node is None or depth > 4:
            return [None]
        return [_name(node)] + [tree(n, depth + 1) for n, _ in node.next_functions]

    shown = []
    for lib in (torch, ag):
        kind, kwargs = _HALF_LOSSES[case]
        kwargs = dict(kwargs, weight=lib.tensor([0.5, 1.0, 2.0]).to(lib.bfloat16)) if kwargs.get("weight") else kwargs
        x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3).astype(np.float32)).to(lib.bfloat16).requires_grad_()
        t = lib.tensor([0, 2, 1, 1])
        Fn = _functional(lib)
        y = Fn.nll_loss(x, t, **kwargs) if kind == "nll" else Fn.cross_entropy(x, t, **kwargs)
        shown.append(tree(y.grad_fn))
    assert shown[1] == shown[0]


# ----- 3. next_functions of ops with a number, an index or a smaller copy ------------------------------------------
def _graph(node, depth=0):
    """(name, [the graph below, for each edge]) of a node, five levels down."""
    if node is None or depth > 5:
        return _name(node)
    return _name(node), [_graph(n, depth + 1) for n, _ in node.next_functions]


#: op(lib, F, x, y) with x (4, 3) and y (4, 3), both requiring grad
_EDGES = {
    "where_number_other": lambda L, F, x, y: L.where(x > 0, x, 0.0),
    "where_number_input": lambda L, F, x, y: L.where(x > 0, 0.5, y),
    "fmod_number": lambda L, F, x, y: L.fmod(x, 0.7),
    "remainder_number": lambda L, F, x, y: L.remainder(x, 0.7),
    "remainder_tensor": lambda L, F, x, y: L.remainder(x, y.abs() + 0.5),
    "gather_smaller_index": lambda L, F, x, y: x.gather(1, L.tensor([[0], [1], [2], [0]])),
    "gather_full_index": lambda L, F, x, y: x.gather(0, L.tensor([[0, 1, 2]] * 4)),
    "max_dim": lambda L, F, x, y: x.max(1)[0],
    "min_dim_keepdim": lambda L, F, x, y: x.min(0, keepdim=True).values,
    "cdist": lambda L, F, x, y: L.cdist(x, y[:2]),
    "cdist_constant": lambda L, F, x, y: L.cdist(x, y.detach()),
    "repeat_interleave": lambda L, F, x, y: x.repeat_interleave(2),
    "repeat_interleave_dim": lambda L, F, x, y: x.repeat_interleave(3, dim=1),
    "repeat_interleave_counts": lambda L, F, x, y: x.repeat_interleave(L.tensor([1, 2, 0, 1]), dim=0),
    "trace": lambda L, F, x, y: x[:3].trace(),
    "diag_of_matrix": lambda L, F, x, y: x.diag(1),
    "diag_of_vector": lambda L, F, x, y: x[0].diag(-1),
    "pairwise_distance": lambda L, F, x, y: F.pairwise_distance(x, y),
    "pairwise_distance_constant": lambda L, F, x, y: F.pairwise_distance(x.detach(), y),
    "embedding_bag_mean": lambda L, F, x, y: F.embedding_bag(L.tensor([0, 2, 1, 2]), x, L.tensor([0, 2])),
    "embedding_bag_max": lambda L, F, x, y: F.embedding_bag(L.tensor([[0, 2], [1, 3]]), x, mode="max"),
    "embedding_bag_weighted": lambda L, F, x, y: F.embedding_bag(L.tensor([0, 2, 1, 2]), x, L.tensor([0, 2]),
                                                                 mode="sum", per_sample_weights=y[:, 0]),
}


def _edges(lib, op):
    x = lib.tensor(np.linspace(-1, 1, 12).reshape(4, 3), requires_grad=True)
    y = lib.tensor(np.linspace(1, -0.5, 12).reshape(4, 3), requires_grad=True)
    out = _EDGES[op](lib, _functional(lib), x, y)
    (out * out).sum().backward()
    return _graph(out.grad_fn), out.detach().numpy(), [None if t.grad is None else t.grad.numpy() for t in (x, y)]


@pytest.mark.parametrize("op", sorted(_EDGES))
def test_next_functions_as_pytorchs(op):
    torch = _torch()
    theirs, ours = _edges(torch, op), _edges(ag, op)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-12)
    for mine, reference in zip(ours[2], theirs[2]):
        assert (mine is None) == (reference is None)
        if reference is not None:
            np.testing.assert_allclose(mine, reference, rtol=1e-10, atol=1e-12)


# ----- 4. forward-mode AD: the dtype of a tangent beside a constant of another float dtype ------------------------
#: op(lib, d, c32, c64) with d a float64 dual tensor carrying a float32 tangent
_TANGENT_DTYPES = {
    "add_float32_constant": lambda L, d, c, c64: d + c,
    "radd_float32_constant": lambda L, d, c, c64: c + d,
    "sub_float32_constant": lambda L, d, c, c64: d - c,
    "where_float32_constant": lambda L, d, c, c64: L.where(c > 3.5, d, c),
    "sum_of_sum": lambda L, d, c, c64: (d + c).sum(),
    "add_float64_constant": lambda L, d, c, c64: d + c64,
    "mul_float32_constant": lambda L, d, c, c64: d * c,
    "div_float32_constant": lambda L, d, c, c64: d / c,
    "exp": lambda L, d, c, c64: d.exp() + c,
}


def _tangent(lib, op):
    fwad = lib.autograd.forward_ad
    with fwad.dual_level():
        d = fwad.make_dual(lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64), lib.tensor([0.5, 0.25, -1.0]))
        c = lib.tensor([3.0, 4.0, 5.0])
        y = _TANGENT_DTYPES[op](lib, d, c, c.double())
        primal, tangent = fwad.unpack_dual(y)
        return str(primal.dtype).replace("torch.", ""), str(tangent.dtype).replace("torch.", ""), tangent.numpy()


@pytest.mark.parametrize("op", sorted(_TANGENT_DTYPES))
def test_forward_ad_tangent_dtype_as_pytorchs(op):
    torch = _torch()
    theirs, ours = _tangent(torch, op), _tangent(ag, op)
    assert ours[:2] == theirs[:2]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("op", ["mish", "hardswish", "glu"])
def test_half_self_gated_as_pytorchs(op, dtype):
    """mish, hardswish and glu as one node each compute in float32 and round once, as PyTorch's kernels (glu's
    gradient from the gate rounded to the 16-bit dtype first, as PyTorch stores it)."""
    torch = _torch()
    values = np.random.default_rng(0).standard_normal((64, 8)).astype(np.float32) * 4
    out = []
    for lib in (torch, ag):
        x = lib.tensor(values).to(_half(lib, dtype)).requires_grad_()
        y = getattr(_functional(lib), op)(x)
        scale = lib.tensor(np.linspace(-1, 1, y.numel()).reshape(tuple(y.shape)).astype(np.float32))
        (y.float() * scale).sum().backward()
        out.append((y.float().detach().numpy(), x.grad.float().numpy()))
    np.testing.assert_array_equal(out[1][0], out[0][0])
    np.testing.assert_array_equal(out[1][1], out[0][1])
