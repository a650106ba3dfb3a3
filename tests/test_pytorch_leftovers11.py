"""PyTorch leftovers of earlier stops (leftovers 11), each checked against torch 2.13: create_graph gradients on the
graph where PyTorch's backward op reads the forward's inputs (pooling, reflection/replication padding, a frozen
convolution, threshold/shrink, nll_loss, grid_sample), and off it where PyTorch's does not read them
(interpolation, constant padding, a frozen Linear, sum/mean/expand/indexing, unfold/fold, pixel_shuffle)."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F


def _torch():
    return pytest.importorskip("torch")


def _functional(lib):
    """torch.nn.functional for torch, nn.functional for autograd."""
    return F if lib is ag else lib.nn.functional


def _const(lib, *shape):
    """A float64 constant (a frozen weight) of `shape`, the same in both libraries."""
    return lib.tensor(np.linspace(-0.8, 1.1, int(np.prod(shape))).reshape(shape))


# ----- 1. a gradient through ops linear in their input, with a constant incoming gradient -------------------------
#: op(lib, F, x) on x of shape (2, 3, 4, 6)
_LINEAR_OPS = {
    "avg_pool1d": lambda L, F, x: F.avg_pool1d(x.flatten(2), 2),
    "avg_pool2d": lambda L, F, x: F.avg_pool2d(x, 2),
    "avg_pool2d_padded": lambda L, F, x: F.avg_pool2d(x, 3, 1, 1),
    "avg_pool3d": lambda L, F, x: F.avg_pool3d(x[None], 2),
    "adaptive_avg_pool1d": lambda L, F, x: F.adaptive_avg_pool1d(x.flatten(2), 5),
    "adaptive_avg_pool2d": lambda L, F, x: F.adaptive_avg_pool2d(x, (2, 3)),
    "adaptive_avg_pool2d_1x1": lambda L, F, x: F.adaptive_avg_pool2d(x, 1),
    "adaptive_avg_pool3d": lambda L, F, x: F.adaptive_avg_pool3d(x[None], 2),
    "adaptive_max_pool1d": lambda L, F, x: F.adaptive_max_pool1d(x.flatten(2), 5),
    "adaptive_max_pool2d": lambda L, F, x: F.adaptive_max_pool2d(x, (2, 3)),
    "max_pool1d": lambda L, F, x: F.max_pool1d(x.flatten(2), 2),
    "max_pool2d": lambda L, F, x: F.max_pool2d(x, 2),
    "max_pool3d": lambda L, F, x: F.max_pool3d(x[None], 2),
    "max_unpool2d": lambda L, F, x: F.max_unpool2d(*F.max_pool2d(x, 2, return_indices=True), 2),
    "lp_pool2d": lambda L, F, x: F.lp_pool2d(x, 2, 2),
    "interpolate_bilinear": lambda L, F, x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False),
    "interpolate_nearest": lambda L, F, x: F.interpolate(x, scale_factor=2, mode="nearest"),
    "interpolate_bicubic": lambda L, F, x: F.interpolate(x, scale_factor=2, mode="bicubic"),
    "interpolate_linear": lambda L, F, x: F.interpolate(x.flatten(2), scale_factor=2, mode="linear"),
    "interpolate_area": lambda L, F, x: F.interpolate(x, size=(2, 3), mode="area"),
    "pad_constant": lambda L, F, x: F.pad(x, (1, 2, 0, 1)),
    "pad_reflect": lambda L, F, x: F.pad(x, (1, 1, 1, 1), mode="reflect"),
    "pad_reflect1d": lambda L, F, x: F.pad(x.flatten(2), (1, 1), mode="reflect"),
    "pad_replicate": lambda L, F, x: F.pad(x, (1, 1, 1, 1), mode="replicate"),
    "pad_replicate3d": lambda L, F, x: F.pad(x[None], (1, 1, 1, 1, 1, 1), mode="replicate"),
    "pad_circular": lambda L, F, x: F.pad(x, (1, 1, 1, 1), mode="circular"),
    "conv1d_frozen": lambda L, F, x: F.conv1d(x.flatten(2), _const(L, 2, 3, 3)),
    "conv2d_frozen": lambda L, F, x: F.conv2d(x, _const(L, 2, 3, 3, 3), _const(L, 2)),
    "conv2d_groups_frozen": lambda L, F, x: F.conv2d(x, _const(L, 3, 1, 3, 3), groups=3),
    "conv3d_frozen": lambda L, F, x: F.conv3d(x[None], _const(L, 2, 2, 2, 2, 2)),
    "conv_transpose2d_frozen": lambda L, F, x: F.conv_transpose2d(x, _const(L, 3, 2, 3, 3)),
    "linear_frozen": lambda L, F, x: F.linear(x, _const(L, 5, 6), _const(L, 5)),
    "matmul_frozen": lambda L, F, x: x @ _const(L, 6, 5),
    "sum": lambda L, F, x: x.sum(),
    "mean_dims": lambda L, F, x: x.mean((2, 3)),
    "expand": lambda L, F, x: x[:, :1].expand(2, 4, 4, 6),
    "index": lambda L, F, x: x[0, 1:],
    "index_list": lambda L, F, x: x[:, [0, 2]],
    "unfold": lambda L, F, x: F.unfold(x, 2),
    "fold": lambda L, F, x: F.fold(x.reshape(2, 12, 6), (3, 4), (2, 2)),
    "tensor_unfold": lambda L, F, x: x.unfold(3, 2, 1),
    "pixel_shuffle": lambda L, F, x: F.pixel_shuffle(x.reshape(2, 12, 2, 3), 2),
    "pixel_unshuffle": lambda L, F, x: F.pixel_unshuffle(x, 2),
    "threshold": lambda L, F, x: F.threshold(x, 1.0, 0.0),
    "hardshrink": lambda L, F, x: F.hardshrink(x, 1.0),
    "softshrink": lambda L, F, x: F.softshrink(x, 1.0),
    "prelu_frozen": lambda L, F, x: F.prelu(x, L.tensor([0.25], dtype=L.float64)),
    "nll_loss": lambda L, F, x: F.nll_loss(x[:, :, 0, 0], L.tensor([0, 2])),
    "nll_loss2d": lambda L, F, x: F.nll_loss(x, L.zeros(2, 4, 6, dtype=L.int64)),
    "grid_sample": lambda L, F, x: F.grid_sample(x, _const(L, 2, 3, 3, 2) * 0.5, align_corners=False),
}
#: where deepgrad's gradient shows PyTorch's node (the others run other nodes inside a composite: see the report)
_SAME_GRADIENT_NODE = {"avg_pool2d", "avg_pool2d_padded", "adaptive_avg_pool2d", "adaptive_max_pool2d", "max_pool2d",
                       "interpolate_area", "conv2d_frozen", "conv2d_groups_frozen", "conv_transpose2d_frozen",
                       "threshold", "avg_pool1d", "adaptive_avg_pool1d", "adaptive_max_pool1d", "max_pool1d",
                       "conv1d_frozen", "nll_loss"}


def _penalty_case(lib, op):
    """(x, the create_graph gradient of <op(x), w> at x, x.grad after backward of sum(gradient ** 2) or None
    when the gradient does not require grad)."""
    x = lib.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (2, 3, 4, 6)), requires_grad=True)
    y = _LINEAR_OPS[op](lib, _functional(lib), x)
    w = lib.tensor(np.random.default_rng(1).uniform(-1, 1, tuple(y.shape)))
    g, = lib.autograd.grad((y * w).sum(), x, create_graph=True)
    if g.requires_grad:
        (g * g).sum().backward()
    return x, g


@pytest.mark.parametrize("op", sorted(_LINEAR_OPS))
def test_a_gradient_requires_grad_and_backpropagates_as_torchs(op):
    torch = _torch()
    x_ours, g_ours = _penalty_case(ag, op)
    x_theirs, g_theirs = _penalty_case(torch, op)
    np.testing.assert_allclose(g_ours.detach().numpy(), g_theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert g_ours.requires_grad == g_theirs.requires_grad
    assert (x_ours.grad is None) == (x_theirs.grad is None)
    if x_theirs.grad is not None:   # zeros: PyTorch's double backward of these ops gives zeros for the input
        np.testing.assert_allclose(x_ours.grad.numpy(), x_theirs.grad.numpy(), atol=1e-14)
    if op in _SAME_GRADIENT_NODE and g_theirs.grad_fn is not None:
        assert g_ours.grad_fn.name() == g_theirs.grad_fn.name()


@pytest.mark.parametrize("op", ["avg_pool2d", "max_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool2d",
                                "conv2d_frozen", "pad_reflect"])
def test_the_gradient_node_lists_the_grad_and_the_input_as_torchs(op):
    torch = _torch()

    def edges(lib):
        x = lib.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (2, 3, 4, 6)), requires_grad=True)
        y = _LINEAR_OPS[op](lib, _functional(lib), x)
        g, = lib.autograd.grad(y.sum(), x, create_graph=True)
        return g.grad_fn.name(), [None if f is None else type(f).__name__ for f, _ in g.grad_fn.next_functions]
    ours, theirs = edges(ag), edges(torch)
    if op == "pad_reflect":   # deepgrad's reflection padding is a composite: only the requires_grad side matches
        assert ours[0] is not None
        return
    assert ours == theirs


@pytest.mark.parametrize("op", ["avg_pool2d", "max_pool2d", "adaptive_avg_pool2d", "conv2d_frozen", "pad_reflect",
                                "pad_replicate", "threshold", "softshrink", "nll_loss2d", "avg_pool1d"])
def test_second_and_third_order_gradients_pass_gradgradcheck(op):
    def fn(x):
        return _LINEAR_OPS[op](ag, F, x)
    x = ag.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (2, 3, 4, 6)), requires_grad=True)
    assert ag.autograd.gradgradcheck(fn, [x], seed=0)

    def first(x):   # the gradient itself, with its tie to x, differentiated once more
        g, = ag.autograd.grad(fn(x).sum(), x, create_graph=True)
        return g * x
    assert ag.autograd.gradcheck(first, [x])


def test_a_gradient_penalty_through_a_frozen_feature_extractor_matches_torch():
    """WGAN-GP / R1 on a critic whose only parameter sits after a frozen convolution and pooling."""
    torch = _torch()

    def run(lib):
        Fn = _functional(lib)
        x = lib.tensor(np.random.default_rng(2).uniform(-1, 1, (2, 3, 6, 6)), requires_grad=True)
        head = lib.tensor(np.linspace(-1, 1, 2 * 2 * 2).reshape(1, 8), requires_grad=True)
        feats = Fn.avg_pool2d(Fn.pad(Fn.conv2d(x, _const(lib, 2, 3, 3, 3)), (1, 1, 1, 1), mode="reflect"), 3)
        score = Fn.linear(feats.flatten(1), head).sum()
        g, = lib.autograd.grad(score, x, create_graph=True)
        penalty = ((g.flatten(1).norm(dim=1) - 1) ** 2).mean()
        penalty.backward()
        return float(penalty), head.grad.numpy().copy(), x.grad
    p_ours, head_ours, x_ours = run(ag)
    p_theirs, head_theirs, x_theirs = run(torch)
    assert p_ours == pytest.approx(p_theirs, rel=1e-12)
    np.testing.assert_allclose(head_ours, head_theirs, rtol=1e-10)
    assert (x_ours is None) == (x_theirs is None)


# ----- 2. the node a create_graph gradient of a composite op shows ---------------------------------------------------
_COMPOSITES = {
    "softplus": lambda L, F, x: F.softplus(x),
    "softplus_beta_threshold": lambda L, F, x: F.softplus(x, beta=0.5, threshold=1.0),
    "norm": lambda L, F, x: x.norm(),
    "norm_dim": lambda L, F, x: x.norm(dim=1, keepdim=True),
    "norm_p3": lambda L, F, x: x.norm(p=3),
    "norm_inf": lambda L, F, x: x.norm(p=float("inf")),
    "vector_norm_dims": lambda L, F, x: L.linalg.vector_norm(x, 3, dim=(1, 2)),
    "matrix_norm_fro": lambda L, F, x: L.linalg.matrix_norm(x),
    "dist": lambda L, F, x: L.dist(x, L.ones_like(x)),
    "pairwise_distance": lambda L, F, x: F.pairwise_distance(x, L.ones_like(x)),
    "std": lambda L, F, x: x.std(),
    "std_dims": lambda L, F, x: x.std((1, 2), keepdim=True),
    "std_mean": lambda L, F, x: L.std_mean(x, 1)[0],
    "var": lambda L, F, x: x.var(1),
    "einsum": lambda L, F, x: L.einsum("bchw,bchw->bc", x, x),
    "einsum_trace": lambda L, F, x: L.einsum("ii->", x[0, 0, :4, :4]),
    "logsumexp": lambda L, F, x: x.logsumexp(1),
    "max_pool2d": lambda L, F, x: F.max_pool2d(x, 2),
    "avg_pool2d": lambda L, F, x: F.avg_pool2d(x, 2),
    "layer_norm": lambda L, F, x: F.layer_norm(x, (6,)),
    "cross_entropy_2d": lambda L, F, x: F.cross_entropy(x[:, :, 0, 0], L.tensor([0, 2])),
    "cross_entropy_3d": lambda L, F, x: F.cross_entropy(x[:, :, 0], L.zeros(2, 6, dtype=L.int64)),
    "cross_entropy_4d": lambda L, F, x: F.cross_entropy(x, L.zeros(2, 4, 6, dtype=L.int64)),
    "cross_entropy_4d_weighted": lambda L, F, x: F.cross_entropy(x, L.zeros(2, 4, 6, dtype=L.int64),
                                                                 weight=_const(L, 3).abs()),
    "nll_loss_4d": lambda L, F, x: F.nll_loss(x, L.zeros(2, 4, 6, dtype=L.int64)),
}


@pytest.mark.parametrize("op", sorted(_COMPOSITES))
def test_a_composites_gradient_shows_torchs_node(op):
    torch = _torch()

    def gradient(lib):
        x = lib.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (2, 3, 4, 6)), requires_grad=True)
        y = _COMPOSITES[op](lib, _functional(lib), x)
        w = lib.tensor(np.random.default_rng(1).uniform(-1, 1, tuple(y.shape)))
        return lib.autograd.grad((y * w).sum(), x, create_graph=True)[0]
    ours, theirs = gradient(ag), gradient(torch)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-14)
    assert ours.requires_grad == theirs.requires_grad
    assert (None if ours.grad_fn is None else ours.grad_fn.name()) == \
        (None if theirs.grad_fn is None else theirs.grad_fn.name())


@pytest.mark.parametrize("beta, threshold", [(1.0, 20.0), (2.0, 3.0), (0.5, 1.0)])
def test_softplus_is_one_node_and_its_gradients_match_torch(beta, threshold):
    torch = _torch()
    # off beta * x == threshold, where PyTorch's second derivative is 0 (a difference the README keeps)
    x = np.concatenate([np.linspace(-30, 30, 24), [np.inf, -np.inf]])

    def run(lib):
        t = lib.tensor(x, requires_grad=True)
        y = _functional(lib).softplus(t, beta, threshold)
        g, = lib.autograd.grad(y.sum(), t, create_graph=True)
        h, = lib.autograd.grad(g.sum(), t)
        return y, g, h
    ours, theirs = run(ag), run(torch)
    for a, b, rtol in zip(ours, theirs, (1e-13, 1e-13, 1e-6)):   # the second derivative: exp(x - y) cancels
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=rtol, atol=1e-300)
    assert [f is None for f, _ in ours[0].grad_fn.next_functions] == \
        [f is None for f, _ in theirs[0].grad_fn.next_functions]
    assert ours[0].grad_fn.name() == theirs[0].grad_fn.name() == "SoftplusBackward0"
    z = ag.tensor(np.linspace(-3, 3, 7) + 0.05, requires_grad=True)
    assert ag.autograd.gradgradcheck(lambda v: F.softplus(v, beta, threshold), [z], seed=0)


def test_einsum_takes_0_d_operands_with_empty_subscripts_as_torch():
    torch = _torch()
    for lib in (ag, torch):
        assert float(lib.einsum("->", lib.tensor(3.0))) == 3.0
        assert float(lib.einsum(",->", lib.tensor(3.0), lib.tensor(2.0))) == 6.0
        assert lib.einsum("i,->i", lib.ones(2), lib.tensor(2.0)).tolist() == [2.0, 2.0]


# ----- 3. next_functions: PyTorch's edges, without integer and bool tensor arguments ----------------------------------
_EDGES = {
    "where": lambda L, F, x: L.where(x > 1, x, L.zeros_like(x)),
    "where_two_inputs": lambda L, F, x: L.where(x > 1, x, x * 2),
    "masked_fill": lambda L, F, x: x.masked_fill(x > 1, 0.0),
    "masked_fill_tensor": lambda L, F, x: x.masked_fill(x > 1, L.tensor(0.0, dtype=L.float64)),
    "masked_fill_inplace": lambda L, F, x: (x * 1).masked_fill_(x > 1, 0.0),
    "embedding": lambda L, F, x: F.embedding(L.tensor([[0, 2], [1, 1]]), x[0, 0]),
    "embedding_padding": lambda L, F, x: F.embedding(L.tensor([[0, 2], [1, 1]]), x[0, 0], padding_idx=1),
    "rsub": lambda L, F, x: 1 - x,
    "radd": lambda L, F, x: 1 + x,
    "rmul": lambda L, F, x: 2 * x,
    "rpow": lambda L, F, x: 2 ** x,
    "mul_bool": lambda L, F, x: x * (x > 1),
    "roll": lambda L, F, x: x.roll(1, 2),
    "roll_dims": lambda L, F, x: x.roll((1, 2), (2, 3)),
    "roll_flat": lambda L, F, x: x.roll(3),
    "addcmul": lambda L, F, x: L.addcmul(x, x, x, value=0.5),
    "addcmul_constant": lambda L, F, x: L.addcmul(x, L.ones_like(x), x),
    "addcdiv": lambda L, F, x: L.addcdiv(x, x, x, value=0.5),
    "dist": lambda L, F, x: L.dist(x, L.ones_like(x)),
    "dist_both": lambda L, F, x: L.dist(x, x * 2),
    "softplus": lambda L, F, x: F.softplus(x),
    "scatter_number": lambda L, F, x: x.scatter(1, L.zeros(2, 1, 4, 6, dtype=L.int64), 0.5),
    "scatter_tensor": lambda L, F, x: x.scatter(1, L.zeros(2, 1, 4, 6, dtype=L.int64), x[:, :1]),
    "scatter_add": lambda L, F, x: x.scatter_add(1, L.zeros(2, 3, 4, 6, dtype=L.int64), x),
    "scatter_reduce": lambda L, F, x: x.scatter_reduce(1, L.zeros(2, 3, 4, 6, dtype=L.int64), x, "amax"),
    "index_add": lambda L, F, x: x.index_add(0, L.tensor([1, 0]), x),
    "index_copy": lambda L, F, x: x.index_copy(0, L.tensor([1, 0]), x),
    "index_fill": lambda L, F, x: x.index_fill(1, L.tensor([0]), 2.0),
    "masked_scatter": lambda L, F, x: x.masked_scatter(x > 1, L.zeros_like(x)),
    "masked_select": lambda L, F, x: x.masked_select(x > 1),
    "take_along_dim": lambda L, F, x: L.take_along_dim(x, L.zeros(2, 1, 4, 6, dtype=L.int64), 1),
    "lerp": lambda L, F, x: L.lerp(x, L.ones_like(x), 0.3),
    "lerp_tensor_weight": lambda L, F, x: L.lerp(x, x * 2, L.full_like(x, 0.3)),
    "threshold": lambda L, F, x: F.threshold(x, 1.0, 0.0),
    "hardshrink": lambda L, F, x: F.hardshrink(x),
    "softshrink": lambda L, F, x: F.softshrink(x),
    "prelu": lambda L, F, x: F.prelu(x, L.tensor([0.25], dtype=L.float64)),
    "glu": lambda L, F, x: F.glu(x, 3),
    "logsigmoid": lambda L, F, x: F.logsigmoid(x),
    "mish": lambda L, F, x: F.mish(x),
    "hardswish": lambda L, F, x: F.hardswish(x),
    "copysign": lambda L, F, x: L.copysign(x, -L.ones_like(x)),
    "tril": lambda L, F, x: x.tril(),
    "nan_to_num": lambda L, F, x: x.nan_to_num(),
    "kthvalue": lambda L, F, x: x.kthvalue(2, 1)[0],
    "median": lambda L, F, x: x.median(1)[0],
}


@pytest.mark.parametrize("op", sorted(_EDGES))
def test_next_functions_and_gradients_match_torch(op):
    torch = _torch()

    def run(lib):
        x = lib.tensor(np.random.default_rng(0).uniform(0.5, 1.5, (2, 3, 4, 6)), requires_grad=True)
        y = _EDGES[op](lib, _functional(lib), x)
        edges = [None if f is None else type(f).__name__ for f, _ in y.grad_fn.next_functions]
        w = lib.tensor(np.random.default_rng(1).uniform(-1, 1, tuple(y.shape)))
        (y * w).sum().backward()
        return y.grad_fn.name(), edges, y.detach().numpy(), x.grad.numpy()
    ours, theirs = run(ag), run(torch)
    assert ours[:2] == theirs[:2]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-12, atol=1e-15)


# ----- 4. forward-mode AD: the tangent's node and dtype ------------------------------------------------------------
_TANGENT_OPS = {
    "sum": lambda L, d, c: d.sum(),
    "sum_dim": lambda L, d, c: d.sum(1),
    "mean": lambda L, d, c: d.mean(),
    "cat": lambda L, d, c: L.cat([d, c]),
    "view": lambda L, d, c: d.view(3, 2),
    "index": lambda L, d, c: d[1:, ::2],
    "add_const": lambda L, d, c: d + c,
}


@pytest.mark.parametrize("op", sorted(_TANGENT_OPS))
def test_a_tangent_shows_the_ops_own_node_as_torchs(op):
    torch = _torch()

    def tangent(lib):
        rng = np.random.default_rng(3)
        p = lib.tensor(rng.uniform(0.5, 1.5, (2, 3)))
        t = lib.tensor(rng.uniform(-1, 1, (2, 3)), requires_grad=True)
        c = lib.tensor(rng.uniform(0.5, 1.5, (2, 3)))
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            return fw.unpack_dual(_TANGENT_OPS[op](lib, fw.make_dual(p, t), c)).tangent
    ours, theirs = tangent(ag), tangent(torch)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


_PROMOTING = {
    "add": lambda L, d, c: d + c,
    "rsub": lambda L, d, c: c - d,
    "mul": lambda L, d, c: d * c,
    "cat": lambda L, d, c: L.cat([d, c]),
    "stack": lambda L, d, c: L.stack([d, c]),
    "where": lambda L, d, c: L.where(c > 0, d, c),
    "add_number": lambda L, d, c: d + 1,
    "sum": lambda L, d, c: d.sum(),
    "view": lambda L, d, c: d.view(3, 1),
}


@pytest.mark.parametrize("op", sorted(_PROMOTING))
def test_a_float32_tangent_of_a_float64_primal_takes_torchs_dtype(op):
    """PyTorch's tangent of `d + c` is d's tangent plus c's zero one: a float64 constant promotes it."""
    torch = _torch()

    def tangent(lib):
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            d = fw.make_dual(lib.ones(3, dtype=lib.float64), lib.tensor([1.0, 2.0, 3.0], dtype=lib.float32))
            return fw.unpack_dual(_PROMOTING[op](lib, d, lib.full((3,), 2.0, dtype=lib.float64))).tangent
    ours, theirs = tangent(ag), tangent(torch)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-7)


# ----- 5. an optimiser step ticks a parameter's _version once per in-place write of PyTorch's code ------------------
_OPTIMISERS = [("SGD", {"momentum": 0.9}), ("Adam", {}), ("Adam", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
               ("AdamW", {}), ("AdamW", {"weight_decay": 0.0}), ("AdamW", {"amsgrad": True}), ("RAdam", {}),
               ("RAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}), ("NAdam", {}),
               ("NAdam", {"weight_decay": 0.1, "decoupled_weight_decay": True}), ("ASGD", {}), ("Adafactor", {}),
               ("Adafactor", {"weight_decay": 0.1}), ("RMSprop", {}), ("Adagrad", {}), ("Adamax", {})]


@pytest.mark.parametrize("name, options", _OPTIMISERS, ids=[f"{n}-{o}" for n, o in _OPTIMISERS])
def test_an_optimiser_steps_version_matches_torch(name, options):
    torch = _torch()
    import nn

    def ticks(lib, parameter, optim):
        p = parameter(lib.ones(3, 2))
        opt = getattr(optim, name)([p], lr=0.1, **options)
        seen = []
        for _ in range(2):
            p.grad = lib.ones(3, 2) * 0.5
            before = p._version
            opt.step()
            seen.append(p._version - before)
        return seen, p.detach().numpy().copy()
    ours = ticks(ag, nn.Parameter, nn.optim)
    theirs = ticks(torch, torch.nn.Parameter, torch.optim)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)
