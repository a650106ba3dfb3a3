"""Edge shapes against PyTorch, a sweep: 0-d, one-element, empty ((0,), (0, 3), (2, 0)) and non-contiguous
(transposed, strided) inputs through nn.functional, nn layers (forward and the gradients of inputs and parameters),
Tensor methods whose 0-d results are then written in place, nn.utils, optimisers with 0-d and empty parameters in
parameter groups, lr schedulers (state_dict round trips, a Tensor lr), swa_utils, GradScaler, DataLoader and
default_collate of 0-d items. Each case is PyTorch code run twice, with PyTorch's names and with deepgrad's: values,
dtypes, shapes and gradients must agree, or both must raise (deepgrad an instance of PyTorch's type); see
tests/edge_sweep_checks.py.

Left out, each where PyTorch itself misbehaves or deepgrad deliberately differs (README): reductions of an empty
multi_margin_loss / multilabel_margin_loss (PyTorch returns uninitialised memory), Adafactor with an empty parameter
(PyTorch divides by zero), LBFGS / parameters_to_vector on a transposed parameter (PyTorch's view refuses it),
EmbeddingBag of empty bags (PyTorch: "step must be nonzero"), adaptive_avg_pool1d of an empty length (PyTorch gives
NaN, its 2-d form raises), gradients at NaN inputs (PyTorch passes them through relu-like ops, deepgrad gives 0 or
NaN) and products of infinities.
"""
import pytest

from tests.edge_sweep_checks import check_case, our_names, torch_names


@pytest.fixture(scope="module")
def names():
    pytest.importorskip("torch")
    return torch_names(), our_names()


def _lin(*shape, low=-2, high=2):
    """PyTorch code for a float32 tensor of `shape` with evenly spaced values in [low, high]."""
    n = 1
    for s in shape:
        n *= s
    return f"torch.tensor(np.linspace({low}, {high}, {n}, dtype=np.float32).reshape({', '.join(map(str, shape))}))"


def _grad_case(make, op, leaf="b"):
    """Code that builds `make` (defining b, the leaf, and x), applies `op` to get y and returns y with the
    gradient of y.sum() with respect to the leaf (None where y has no graph)."""
    return (f"{make}\ny = {op}\ng = torch.autograd.grad(y.sum(), {leaf}, allow_unused=True)[0] "
            f"if y.requires_grad else None\n(y, g)")


# ----- nn.functional and Tensor methods on edge inputs (values and input gradients) -------------------------------
INPUTS = {
    "0d": "b = torch.tensor(0.7, requires_grad=True); x = b",
    "0d_neg": "b = torch.tensor(-1.3, requires_grad=True); x = b",
    "1el": "b = torch.tensor([0.7], requires_grad=True); x = b",
    "empty": "b = torch.zeros(0, requires_grad=True); x = b",
    "empty0x3": "b = torch.zeros(0, 3, requires_grad=True); x = b",
    "empty2x0": "b = torch.zeros(2, 0, requires_grad=True); x = b",
    "transposed": f"b = {_lin(3, 4)}.requires_grad_(); x = b.t()",
    "strided": f"b = {_lin(3, 4)}.requires_grad_(); x = b[:, ::2]",
}
UNARY = [
    "F.relu(x)", "F.relu6(x)", "F.elu(x)", "F.selu(x)", "F.celu(x)", "F.gelu(x)", "F.gelu(x, approximate='tanh')",
    "F.silu(x)", "F.mish(x)", "F.softplus(x)", "F.softsign(x)", "F.tanhshrink(x)", "F.hardtanh(x)", "F.hardswish(x)",
    "F.hardsigmoid(x)", "F.leaky_relu(x, 0.1)", "F.logsigmoid(x)", "F.sigmoid(x)", "F.tanh(x)", "F.softshrink(x)",
    "F.hardshrink(x)", "F.threshold(x, 0.1, 20.0)", "F.rrelu(x, training=False)", "F.glu(x, 0)",
    "F.softmax(x, dim=0)", "F.softmax(x, dim=-1)", "F.log_softmax(x, dim=0)", "F.softmin(x, dim=0)",
    "F.normalize(x, dim=0)", "F.normalize(x, dim=-1)", "F.dropout(x, 0.5, training=False)",
    "F.alpha_dropout(x, 0.5, training=False)", "F.prelu(x, torch.tensor([0.25]))", "F.relu_(x.clone())",
    "F.elu_(x.clone())", "F.leaky_relu_(x.clone(), 0.2)",
    "x.sum()", "x.mean()", "x.prod()", "x.amax()", "x.max()", "x.min()", "x.std()", "x.var()", "x.norm()",
    "x.logsumexp(0)", "x.sum(0)", "x.mean(0)", "x.max(0)[0]", "x.cumsum(0)", "x.cumprod(0)", "x.argmax()", "x.all()",
    "x.sum(-1, keepdim=True)", "x.flatten()", "x.reshape(-1)", "x.unsqueeze(0)", "x.squeeze()", "x.T",
    "x.clamp(-0.5, 0.5)", "x.abs()", "x.sign()", "x ** 2", "2 ** x", "x.sqrt()", "x.log()",
    "torch.where(x > 0, x, torch.tensor(0.0))", "torch.where(torch.tensor(True), x, 0.0)", "torch.where(x > 0, 1.0, x)",
    "torch.cat([x.reshape(-1), x.reshape(-1)])", "torch.stack([x, x])", "x.expand(2, *x.shape)",
    "x.repeat(2, *([1] * x.ndim))", "x.masked_fill(x > 0, 0.0)", "x.sort()[0]", "x.flip(0)", "x.roll(1)",
    "x.index_select(0, torch.tensor([0])) if x.numel() else x", "x.norm(dim=0)", "x.norm(p=1)",
    "x.norm(p=float('inf'))",
    "torch.linalg.vector_norm(x)", "x.nansum()", "x.count_nonzero()", "x.std(correction=0)",
    "x.sum(dtype=torch.float64)", "x.sum(dim=[])", "torch.lerp(x, torch.ones_like(x), 0.75)",
]


def _functional_cases():
    return [(f"{name}-{k}-{op}", _grad_case(make, op)) for name, make in INPUTS.items() for k, op in enumerate(UNARY)]


# ----- losses, every reduction ------------------------------------------------------------------------------------
REGRESSION_INPUTS = {
    "0d": ("torch.tensor(0.7, requires_grad=True)", "torch.tensor(0.2)"),
    "1el": ("torch.tensor([0.7], requires_grad=True)", "torch.tensor([0.2])"),
    "empty": ("torch.zeros(0, requires_grad=True)", "torch.zeros(0)"),
    "empty0x3": ("torch.zeros(0, 3, requires_grad=True)", "torch.zeros(0, 3)"),
    "empty2x0": ("torch.zeros(2, 0, requires_grad=True)", "torch.zeros(2, 0)"),
    "transposed": (f"{_lin(3, 4, low=0.1, high=0.9)}.requires_grad_()", f"{_lin(3, 4, low=0.8, high=0.05)}.t()"),
}
REGRESSION_LOSSES = [
    "F.mse_loss(x, t{r})", "F.l1_loss(x, t{r})", "F.smooth_l1_loss(x, t{r})", "F.smooth_l1_loss(x, t{r}, beta=0.0)",
    "F.huber_loss(x, t{r})", "F.binary_cross_entropy(x, t{r})", "F.binary_cross_entropy_with_logits(x, t{r})",
    "F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.ones(()) * 2{r})", "F.soft_margin_loss(x, t{r})",
    "F.kl_div(x, t{r})", "F.kl_div(x, t, log_target=True{r})", "F.poisson_nll_loss(x, t{r})",
    "F.gaussian_nll_loss(x, t, torch.ones_like(t){r})", "F.binary_cross_entropy(x, t, weight=torch.ones_like(t){r})",
    "F.margin_ranking_loss(x, t, torch.ones_like(t){r})", "F.hinge_embedding_loss(x, torch.ones_like(t){r})",
    "F.cosine_embedding_loss(x, t, torch.ones(x.shape[0] if x.ndim == 2 else ()){r})",
    "nn.MSELoss({rr})(x, t)", "nn.BCELoss({rr})(x, t)", "nn.BCEWithLogitsLoss({rr})(x, t)", "nn.KLDivLoss({rr})(x, t)",
]
CLASS_INPUTS = {
    "batch1": ("torch.tensor([[0.2, -0.4, 1.1]], requires_grad=True)", "torch.tensor([2])"),
    "unbatched": ("torch.tensor([0.2, -0.4, 1.1], requires_grad=True)", "torch.tensor(2)"),
    "empty": ("torch.zeros(0, 3, requires_grad=True)", "torch.zeros(0, dtype=torch.long)"),
    "transposed": (f"{_lin(3, 4, low=-1, high=1)}.requires_grad_()", "torch.tensor([0, 2, 1, 2])"),
    "all_ignored": ("torch.tensor([[0.2, -0.4, 1.1], [0.3, 0.1, 0.0]], requires_grad=True)",
    "torch.tensor([-100, -100])"),
    "probs": ("torch.tensor([[0.2, -0.4, 1.1]], requires_grad=True)", "torch.tensor([[0.1, 0.2, 0.7]])"),
    "probs_unbatched": ("torch.tensor([0.2, -0.4, 1.1], requires_grad=True)", "torch.tensor([0.1, 0.2, 0.7])"),
    "probs_empty": ("torch.zeros(0, 3, requires_grad=True)", "torch.zeros(0, 3)"),
    "image": (f"{_lin(1, 3, 2, 4, low=-1, high=1)}.requires_grad_()",
    "torch.tensor([[[0, 1, 2, 0], [2, 2, 1, -100]]])"),
}
CLASS_LOSSES = [
    "F.cross_entropy(x, t{r})", "F.cross_entropy(x, t, label_smoothing=0.1{r})",
    "F.cross_entropy(x, t, weight=torch.tensor([1., 2., 3.]){r})",
    "F.nll_loss(F.log_softmax(x, -1 if x.ndim == 1 else 1), t{r})", "nn.CrossEntropyLoss({rr})(x, t)",
    "F.multilabel_soft_margin_loss(x, torch.ones_like(x){r})",
]
MARGIN_LOSSES = ["F.multi_margin_loss(x, t{r})",
                 "F.multilabel_margin_loss(x, torch.full(x.shape, -1, dtype=torch.long){r})"]


def _loss_cases():
    cases = []
    for name, (make, target) in REGRESSION_INPUTS.items():
        for k, loss in enumerate(REGRESSION_LOSSES):
            kl = "kl_div" in loss or "KLDiv" in loss
            for reduction in ("mean", "sum", "none") + (("batchmean",) if kl else ()):
                code = loss.format(r=f", reduction='{reduction}'", rr=f"reduction='{reduction}'")
                make_x = f"b = {make}; x = b.t() if b.shape == (3, 4) else b; t = {target}"
                cases.append((f"{name}-{k}-{reduction}-{code}", _grad_case(make_x, code)))
    for name, (make, target) in CLASS_INPUTS.items():
        # PyTorch reduces an empty multi-margin loss over uninitialised memory: those two are left out
        losses = CLASS_LOSSES + ([] if name in ("empty", "probs_empty") else MARGIN_LOSSES)
        for k, loss in enumerate(losses):
            for reduction in ("mean", "sum", "none"):
                code = loss.format(r=f", reduction='{reduction}'", rr=f"reduction='{reduction}'")
                make_x = f"b = {make}; x = b.t() if b.shape == (3, 4) else b; t = {target}"
                cases.append((f"{name}-{k}-{reduction}-{code}", _grad_case(make_x, code)))
    return cases


# ----- normalisation, pooling, padding, interpolation, convolution on edge batches ---------------------------------
SEQUENCE_INPUTS = {
    "batch2": (_lin(2, 3, 4), "b"), "transposed": (_lin(2, 4, 3), "b.transpose(1, 2)"),
    "empty_batch": ("torch.zeros(0, 3, 4)", "b"), "length1": (_lin(1, 3, 1), "b"),
    "empty_length": ("torch.zeros(2, 3, 0)", "b"),
    "strided": (_lin(1, 3, 4), "b[:, :, ::2]"),
}
SEQUENCE_OPS = [
    "F.batch_norm(x, torch.zeros(3), torch.ones(3), training=False)", "F.batch_norm(x, None, None, training=True)",
    "F.batch_norm(x, torch.zeros(3), torch.ones(3), torch.ones(3) * 2, torch.ones(3) * 0.5, training=True)",
    "F.instance_norm(x)", "F.layer_norm(x, x.shape[-1:])", "F.layer_norm(x, x.shape[1:])", "F.group_norm(x, 1)",
    "F.group_norm(x, 3)", "F.local_response_norm(x, 2)", "F.rms_norm(x, x.shape[-1:])", "F.normalize(x, dim=1)",
    "nn.BatchNorm1d(3)(x)", "nn.BatchNorm1d(3).eval()(x)", "nn.InstanceNorm1d(3)(x)", "nn.GroupNorm(1, 3)(x)",
    "F.max_pool1d(x, 2)", "F.avg_pool1d(x, 1)", "F.max_pool1d(x, 1, return_indices=True)[1]",
    "F.adaptive_max_pool1d(x, 1)", "F.adaptive_avg_pool1d(x, 2)", "F.lp_pool1d(x, 2, 1)", "F.pad(x, (1, 1))",
    "F.pad(x, (1, 2), mode='reflect')", "F.pad(x, (1, 1), mode='replicate')", "F.pad(x, (1, 1), mode='circular')",
    "F.pad(x, (0, 0, 1, 0))", "F.pad(x, (-1, 0))", "F.interpolate(x, scale_factor=2)",
    "F.interpolate(x, size=5, mode='linear')", "F.interpolate(x, size=5, mode='linear', align_corners=True)",
    "F.interpolate(x, size=1, mode='nearest-exact')", "F.conv1d(x, torch.ones(2, 3, 1))",
    "F.conv_transpose1d(x, torch.ones(3, 2, 1))", "F.linear(x, torch.ones(2, x.shape[-1]), torch.ones(2))",
    "F.cosine_similarity(x, x + 1, dim=1)", "F.pairwise_distance(x, x + 1)", "x.unfold(2, 1, 1)",
    "F.embedding(torch.tensor([0, 2]), x.reshape(-1, x.shape[-1]))", "torch.cdist(x, x + 1)",
    "F.dropout1d(x, training=False)", "x.mean((1, 2))", "x.var(1)", "x.std(-1, keepdim=True)", "x.sum((0, 2))",
    "torch.bmm(x, x.transpose(1, 2))", "torch.einsum('bij,bkj->bik', x, x)", "x.flatten(1)", "x.permute(2, 0, 1)",
]
IMAGE_INPUTS = {
    "batch1": (_lin(1, 2, 4, 4), "b"), "transposed": (_lin(1, 2, 4, 4), "b.transpose(2, 3)"),
    "channels_last": (_lin(2, 4, 4, 1), "b.permute(0, 3, 1, 2)"), "empty_batch": ("torch.zeros(0, 2, 4, 4)", "b"),
    "pixel": (_lin(1, 2, 1, 1), "b"),
}
IMAGE_OPS = [
    "F.max_pool2d(x, 1)", "F.avg_pool2d(x, 2, ceil_mode=True)", "F.avg_pool2d(x, 3, 2, 1, count_include_pad=False)",
    "F.adaptive_avg_pool2d(x, 1)", "F.adaptive_max_pool2d(x, (1, 1))", "F.adaptive_avg_pool2d(x, 3)",
    "F.interpolate(x, scale_factor=2, mode='bilinear')",
    "F.interpolate(x, size=(3, 5), mode='bicubic', align_corners=True)",
    "F.interpolate(x, size=3, mode='area')", "F.interpolate(x, size=(2, 3), mode='nearest')",
    "F.pad(x, (1, 0, 0, 2), mode='replicate')", "F.conv2d(x, torch.ones(3, 2, 1, 1))",
    "F.conv2d(x, torch.ones(2, 1, 1, 1), groups=2, padding='same')", "F.group_norm(x, 2)", "F.pixel_shuffle(x, 1)",
    "F.pixel_unshuffle(x, 1)", "F.dropout2d(x, training=False)", "F.unfold(x, 1)",
    "F.grid_sample(x, torch.zeros(x.shape[0], 2, 2, 2))", "F.local_response_norm(x, 2)",
    "F.max_pool2d(x, 1, return_indices=True)[1]", "F.normalize(x)", "F.log_softmax(x, 1)", "F.channel_shuffle(x, 2)",
]


def _shaped_cases():
    cases = []
    for table, ops in ((SEQUENCE_INPUTS, SEQUENCE_OPS), (IMAGE_INPUTS, IMAGE_OPS)):
        for name, (make, view) in table.items():
            for k, op in enumerate(ops):
                cases.append((f"{name}-{k}-{op}", _grad_case(f"b = {make}.requires_grad_(); x = {view}", op)))
    return cases


def _index_and_pair_cases():
    cases = []
    for op in ["F.one_hot(torch.tensor(2))", "F.one_hot(torch.tensor(2), 4)",
               "F.one_hot(torch.zeros(0, dtype=torch.long), 3)",
               "F.one_hot(torch.tensor([[0, 2]]).t())", "F.one_hot(torch.tensor([1]), -1)"]:
        cases.append((op, f"y = {op}\ny"))
    for name, index in [("0d", "torch.tensor(2)"), ("1el", "torch.tensor([2])"), ("empty",
                        "torch.zeros(0, dtype=torch.long)"),
                        ("empty2x0", "torch.zeros(2, 0, dtype=torch.long)"), ("transposed",
                         "torch.tensor([[0, 1, 2], [2, 0, 1]]).t()")]:
        for op in ["F.embedding(i, w)", "F.embedding(i, w, padding_idx=0)", "F.embedding(i, w, max_norm=1.0)",
                   "F.embedding(i, w.t().t())", "F.embedding(i, w[:, ::2])"]:
            make = f"w = {_lin(3, 4)}.requires_grad_(); b = w; i = {index}"
            cases.append((f"{name}-{op}", _grad_case(make, op)))
        cases.append((f"{name}-Embedding", f"m = nn.Embedding(3, 4, padding_idx=1); i = {index}\ny = m(i)\n"
                                           f"y.sum().backward()\n(y.shape, m.weight.grad.shape)"))
    pairs = {"vectors": ("torch.tensor([1., 2.])", "torch.tensor([2., 0.5])"), "0d": ("torch.tensor(1.)",
    "torch.tensor(2.)"),
             "empty0x3": ("torch.zeros(0, 3)", "torch.zeros(0, 3)"), "empty2x0": ("torch.zeros(2, 0)",
             "torch.zeros(2, 0)"),
             "transposed": (f"{_lin(3, 4)}.t()", _lin(4, 3)), "broadcast": ("torch.tensor([[1., 2.]])",
             "torch.tensor([2., 0.5])"),
             "zeros": ("torch.zeros(3)", "torch.zeros(3)")}
    for name, (p, q) in pairs.items():
        for op in ["F.cosine_similarity(p, q, dim=0)", "F.cosine_similarity(p, q, dim=-1)", "F.pairwise_distance(p, q)",
                   "F.pairwise_distance(p, q, p=1, keepdim=True)", "F.pairwise_distance(p, q, p=float('inf'))",
                   "F.normalize(p, dim=0)", "torch.dist(p, q)", "nn.CosineSimilarity(0)(p, q)",
                   "nn.PairwiseDistance()(p, q)"]:
            cases.append((f"{name}-{op}", _grad_case(f"p = ({p}).detach().requires_grad_(); q = {q}", op, leaf="p")))
    return cases


# ----- 0-d results written in place, views of them, promotion with 0-d tensors ------------------------------------
ZERO_D_SOURCES = [
    "torch.tensor([1., 2., 3.]).sum()", "torch.tensor(2.0)", "torch.tensor([[1., 2.], [3., 4.]]).t().mean()",
    "torch.tensor([1., 5.]).max()", "torch.tensor([1., 2.], requires_grad=True).pow(2).sum()",
    "torch.tensor([3., 4.]).norm()",
    "torch.tensor([1., 2.])[1]", "torch.tensor([[1., 2.]])[0, 1]", "torch.tensor([1., 2.]).dot(torch.tensor([3., 4.]))",
    "torch.tensor([1, 2, 3]).sum()", "torch.tensor([True, False]).any()", "torch.tensor([1., 2.]).var()",
    "torch.tensor([[1., 2.], [3., 4.]]).det()", "torch.tensor([1., 2.]).median()", "torch.tensor([1., 2.]).argmax()",
    "torch.tensor([1., 2.]).unbind()[1]", "torch.tensor([1., 2.]).sum().to(torch.float64)",
    "torch.tensor([3.0]).squeeze()",
    "torch.tensor([3.0]).view(())",
]
ZERO_D_USES = [
    "v = s.detach(); v.mul_(2)\n(v, s)", "v = s.detach(); v += 1\n(v, s)", "v = s.detach().view(1); v.add_(1)\n(v, s)",
    "v = s.detach(); v.copy_(torch.tensor(7))\n(v, s)", "v = s.detach(); v.zero_()\n(v, s)",
    "v = s.detach(); v.fill_(4)\nv.item()",
    "v = s.detach(); n = v.numpy(); n += 1\n(v, s)", "v = s.detach(); v[()] = 5\n(v, s)",
    "v = s.detach(); v[...] = 5\n(v, s)",
    "v = s.detach(); w = v.expand(3); v.add_(1)\nw", "v = s.detach(); u = v.unsqueeze(0); u[0] = 9\n(v, s)",
    "v = s.detach(); v.data += 1\n(v, s)", "v = s.detach(); torch.add(v, 1, out=v)\n(v, s)", "s.item()",
    "float(s), int(s), bool(s)", "s.tolist()", "v = s.detach(); v.neg_(); v.abs_()\n(v, s)",
]
PROMOTIONS = [
    "torch.tensor([4]) // torch.tensor(0)", "torch.tensor([4]) % 0", "torch.tensor([4]).div(0, rounding_mode='trunc')",
    "torch.zeros(0, dtype=torch.long) // 0", "torch.tensor([4, 6], dtype=torch.uint8).fmod(torch.tensor(0, dtype=torch.uint8))",
    "torch.tensor(2) * 1.5", "torch.tensor([1, 2]) + torch.tensor(1.5)",
    "torch.tensor([1., 2.], dtype=torch.float16) * torch.tensor(3.0)",
    "torch.tensor([1., 2.]) + torch.tensor(1.0, dtype=torch.float64)", "torch.tensor(True) + 1", "torch.tensor(3) / 2",
    "torch.tensor(3) // 2", "torch.tensor(-3) % 2", "torch.tensor([1, 2]) * torch.tensor(2.5, dtype=torch.float64)",
    "torch.tensor(5, dtype=torch.uint8) - 6",
    "torch.tensor(1, dtype=torch.int64) + torch.tensor([1, 2], dtype=torch.uint8)",
    "torch.zeros(()) + torch.zeros(0)", "torch.zeros(0, 3).sum(0)", "torch.zeros(0, 3).mean(0)",
    "torch.zeros(0, 3).prod(0)",
    "torch.zeros(0, 3).max(1)", "torch.zeros(0, 3).amax(0)", "torch.zeros(0).mean()", "torch.zeros(1).var()",
    "torch.zeros(0).norm()", "torch.zeros(0, 3).logsumexp(0)", "torch.zeros(0).all(), torch.zeros(0).any()",
    "torch.tensor(3.0).expand(2, 2)", "torch.tensor(3.0).sum(0)", "torch.tensor(3.0).max(0)",
    "torch.tensor(3.0).argmax(0)",
    "torch.tensor(3.0).softmax(0)", "torch.tensor(3.0).topk(1)", "torch.tensor(3.0).sort()",
    "torch.tensor(3.0).chunk(1)",
    "torch.tensor(3.0).gather(0, torch.tensor(0))", "torch.tensor(3.0).index_select(0, torch.tensor([0]))",
    "torch.tensor([1., 2.]).index_select(0, torch.tensor(1))", "torch.tensor([1., 2.])[torch.tensor(1)]",
    "torch.tensor(3.0)[torch.tensor(True)]", "torch.tensor(3.0)[torch.tensor(False)]", "torch.tensor(3.0).nonzero()",
    "torch.where(torch.tensor(True), torch.tensor(1.), torch.tensor(2.))", "torch.where(torch.tensor(False), 1.0, 2.0)",
    "torch.where(torch.tensor([True, False]), 1, 0)", "torch.where(torch.tensor(True))",
    "torch.where(torch.zeros(0) > 0, 1., 2.)",
    "torch.where(torch.tensor(True), torch.tensor(1., dtype=torch.float64), torch.tensor([2.]))",
    "torch.where(torch.tensor(True), torch.tensor(1), 2.5)", "torch.tensor(3.0).item().__class__.__name__",
    "torch.tensor(3).item().__class__.__name__", "torch.tensor([[3.0]]).item()", "torch.tensor([1., 2.]).item()",
    "torch.tensor([1., 2.]).sum().numpy().shape", "torch.full((), 3)", "torch.linspace(0, 1, 1)", "torch.eye(0)",
    "torch.zeros(2, 0).max(1)", "torch.cat([torch.zeros(0, 3), torch.ones(2, 3)])",
    "torch.stack([torch.tensor(1), torch.tensor(2)])",
]


def _zero_d_cases():
    cases = [(f"{src}-{use}", f"s = {src}\n{use}") for src in ZERO_D_SOURCES for use in ZERO_D_USES]
    cases += [(op, f"y = {op}\ny") for op in PROMOTIONS]
    cases += [("where-grad-0d",
    "x = torch.tensor(1.5, requires_grad=True); z = torch.tensor([1., 2.], requires_grad=True)\n"
                                "y = torch.where(x > 0, x, z)\ny.sum().backward()\n(y, x.grad, z.grad)")]
    return cases


# ----- optimisers with 0-d, empty and transposed parameters in groups; schedulers; GradScaler ---------------------
PARAMS = ("a = nn.Parameter(torch.tensor(0.5)); e = nn.Parameter(torch.zeros(0)); v = nn.Parameter(torch.tensor([1., "
          "-2.])); "
          "m = nn.Parameter(torch.tensor([[1., 2.], [3., 4.]]).t())")
LOSS = ("(a * 3 + a ** 2 + e.sum() + (v * torch.tensor([0.5, 2.])).sum() + v.pow(2).sum() "
        "+ (m * torch.tensor([[1., 2.], [0.5, 1.]])).sum() + m.pow(2).sum())")
OPTIMIZERS = [
    "optim.SGD(params, lr=0.1)", "optim.SGD(params, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)",
    "optim.SGD(params, lr=0.1, momentum=0.9, dampening=0.5, maximize=True)", "optim.Adam(params, lr=0.1)",
    "optim.Adam(params, lr=0.1, amsgrad=True, weight_decay=0.1)",
    "optim.AdamW(params, lr=0.1, amsgrad=True, maximize=True)",
    "optim.RMSprop(params, lr=0.1, momentum=0.5, centered=True)", "optim.Adagrad(params, lr=0.1)",
    "optim.Adadelta(params)",
    "optim.Adamax(params, lr=0.1)", "optim.NAdam(params, lr=0.1)", "optim.RAdam(params, lr=0.1)",
    "optim.ASGD(params, lr=0.1)",
    "optim.Rprop(params, lr=0.1)", "optim.Adam(params, lr=torch.tensor(0.1))",
    "optim.Adam(params, lr=0.1, betas=(torch.tensor(0.9), torch.tensor(0.99)))",
]
GROUPS = ["[a, e, v, m]", "[{'params': [a, e]}, {'params': [v, m], 'lr': 0.05}]",
          "[{'params': [a]}, {'params': [e]}, {'params': [v]}, {'params': [m]}]"]
SCHEDULERS = [
    "optim.lr_scheduler.StepLR(opt, 2, gamma=0.5)", "optim.lr_scheduler.MultiStepLR(opt, [1, 3])",
    "optim.lr_scheduler.ExponentialLR(opt, 0.9)", "optim.lr_scheduler.CosineAnnealingLR(opt, 4)",
    "optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, 2, 2)", "optim.lr_scheduler.LinearLR(opt)",
    "optim.lr_scheduler.OneCycleLR(opt, 1.0, total_steps=10)",
    "optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2)",
    "optim.lr_scheduler.PolynomialLR(opt, 4)", "optim.lr_scheduler.LambdaLR(opt, lambda e: 0.9 ** e)",
    "optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.9)", "optim.lr_scheduler.ConstantLR(opt)",
    "optim.lr_scheduler.SequentialLR(opt, [optim.lr_scheduler.ConstantLR(opt), optim.lr_scheduler.ExponentialLR(opt, "
    "0.9)], "
    "milestones=[2])",
    "optim.lr_scheduler.ChainedScheduler([optim.lr_scheduler.ConstantLR(opt), optim.lr_scheduler.ExponentialLR(opt, "
    "0.9)])",
    "optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)", "optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=2)",
]


def _optimizer_cases():
    closure = f"def closure():\n    opt.zero_grad()\n    l = {LOSS}\n    l.backward()\n    return l\n"
    cases = []
    for o in OPTIMIZERS:
        for k, groups in enumerate(GROUPS):
            cases.append((f"{o}-groups{k}", f"{PARAMS}\nparams = {groups}\nopt = {o}\n{closure}for _ in range(3):\n"
                                            f"    opt.step(closure)\nsd = opt.state_dict(); opt2 = {o}; "
                                            "opt2.load_state_dict(sd)\n"
                                            f"opt2.step(closure)\n(a, e, v, m, [sorted(s) for s in "
                                            "opt.state_dict()['state'].values()])"))
    step = "sch.step(torch.tensor(1.0)) if isinstance(sch, optim.lr_scheduler.ReduceLROnPlateau) else sch.step()"
    for s in SCHEDULERS:
        for lr in ("0.1", "torch.tensor(0.1)"):
            make = (f"a = nn.Parameter(torch.tensor(0.5)); e = nn.Parameter(torch.zeros(0)); lr = {lr}; "
                    f"opt = optim.SGD([{{'params': [a]}}, {{'params': [e], 'lr': 0.2}}], lr=lr, momentum=0.9); sch = "
                    f"{s}")
            loop = (f"for i in range(4):\n    opt.zero_grad(); (a * a).backward(); opt.step(); {step}\n"
                    f"    lrs.append([float(g['lr']) for g in opt.param_groups])\n")
            cases.append((f"{s}-lr={lr}",
            f"{make}\nlrs = []\n{loop}sd = sch.state_dict(); osd = opt.state_dict()\n{make}\n"
                                          f"opt.load_state_dict(osd); sch.load_state_dict(sd)\n{loop}"
                                          f"(lrs, a, float(lr), type(opt.param_groups[0]['lr']).__name__, "
                                          f"sorted(k for k in sd if not k.startswith('_')))"))
    scaler = ("a = nn.Parameter(torch.tensor(0.5)); e = nn.Parameter(torch.zeros(0)); v = "
              "nn.Parameter(torch.tensor([1., -2.]))\n"
              "opt = optim.SGD([a, e, v], lr=0.1, momentum=0.9); sc = torch.amp.GradScaler('cpu', init_scale=4.0)")
    for k, use in enumerate([
            "for i in range(3):\n    opt.zero_grad(); sc.scale(a * 3 + e.sum() + v.sum()).backward(); sc.step(opt); "
            "sc.update()\n"
            "(a, v, sc.get_scale())",
            "opt.zero_grad(); sc.scale(a * 3 + v.sum()).backward(); sc.unscale_(opt)\n"
            "norm = nn.utils.clip_grad_norm_([a, e, v], 0.5); sc.step(opt); sc.update()\n(norm, a, v, a.grad, "
            "sc.get_scale())",
            "opt.zero_grad(); sc.scale(a * float('inf')).backward(); sc.step(opt); sc.update()\n(a, sc.get_scale())",
            "opt.zero_grad(); sc.scale(a * 3).backward(); sc.step(opt); "
            "sc.update(torch.tensor(2.0))\n(sc.get_scale(), a)",
            "sc.scale([torch.tensor(2.0), torch.tensor([1.])])"]):
        cases.append((f"GradScaler-{k}", f"{scaler}\n{use}"))
    return cases


# ----- nn.utils ---------------------------------------------------------------------------------------------------
def _utils_cases():
    grads = (f"{PARAMS}\n(a * 3 + e.sum() + (v * torch.tensor([3., 4.])).sum() "
             f"+ (m * torch.tensor([[1., 2.], [0.5, 1.]])).sum()).backward()")
    cases = []
    for op in ["nn.utils.clip_grad_norm_([a, e, v, m], 1.0)",
               "nn.utils.clip_grad_norm_([a, e, v, m], 1.0, norm_type=1)",
               "nn.utils.clip_grad_norm_(a, 1.0)", "nn.utils.clip_grad_norm_([e], 1.0)",
               "nn.utils.clip_grad_norm_([], 1.0)",
               "nn.utils.clip_grad_norm_([a, e, v, m], 0.0)", "nn.utils.clip_grad_value_([a, e, v, m], 0.7)",
               "nn.utils.clip_grad_value_(a, 0.7)", "nn.utils.parameters_to_vector([a, e, v])",
               "nn.utils.vector_to_parameters(torch.arange(7.), [a, e, v, m])",
               "nn.utils.get_total_norm([a.grad, e.grad, v.grad])",
               "nn.utils.clip_grads_with_norm_([a, e, v, m], 1.0, torch.tensor(10.0))",
               "nn.utils.clip_grad_norm_([a, e, v, m], torch.tensor(1.0))"]:
        cases.append((op, f"{grads}\nr = {op}\n(r, a, e, v, m, a.grad, e.grad, v.grad, m.grad)"))
    for op in ["nn.utils.rnn.pad_sequence([torch.tensor([1., 2.])])",
               "nn.utils.rnn.pad_sequence([torch.tensor([1., 2.])], batch_first=True)",
               "nn.utils.rnn.pad_sequence([torch.tensor([[1., 2.]])], batch_first=True, padding_value=-1)",
               "nn.utils.rnn.pad_sequence([torch.zeros(0)])",
               "nn.utils.rnn.pad_sequence([torch.zeros(0), torch.ones(2)], batch_first=True)",
               "nn.utils.rnn.pad_sequence([torch.tensor(1.), torch.tensor(2.)])",
               "nn.utils.rnn.pad_sequence([torch.tensor([1., 2.]), torch.tensor([3.])], padding_side='left', "
               "batch_first=True)",
               "nn.utils.rnn.pad_sequence([torch.tensor([[3., 4.]]).t()[0], torch.tensor([1., 2.])])",
               "nn.utils.rnn.pad_sequence([])",
               "nn.utils.rnn.pack_sequence([torch.tensor([1., 2.])]).data",
               "nn.utils.rnn.pack_sequence([torch.tensor([1., 2.])]).batch_sizes",
               "nn.utils.rnn.pad_packed_sequence(nn.utils.rnn.pack_sequence([torch.tensor([1., 2.])]))",
               "nn.utils.rnn.pack_padded_sequence(torch.tensor([[1.], [2.]]), torch.tensor([2])).data",
               "nn.utils.rnn.unpad_sequence(torch.tensor([[1.], [2.]]), torch.tensor([1]))",
               "nn.utils.rnn.unpack_sequence(nn.utils.rnn.pack_sequence([torch.tensor([1., 2.])]))",
               "nn.utils.rnn.pad_sequence([torch.tensor([1, 2])]).dtype"]:
        cases.append((op, f"r = {op}\nr"))
    for layer in ["nn.Linear(3, 2)", "nn.Linear(1, 1)", "nn.Conv1d(2, 1, 1)", "nn.Linear(3, 1, bias=False)"]:
        weights = (f"torch.manual_seed(0); lin = {layer}; lin.weight.data = torch.tensor(np.linspace(-1, 1, "
                   f"lin.weight.numel(), dtype=np.float32).reshape(lin.weight.shape))")
        for op in ["nn.utils.weight_norm(lin)", "nn.utils.weight_norm(lin, dim=None)",
                   "nn.utils.parametrizations.weight_norm(lin)",
                   "nn.utils.weight_norm(lin, dim=1)"]:
            cases.append((f"{layer}-{op}",
            f"{weights}\nlin = {op}\nx = torch.ones(2, *([lin.in_features] if hasattr(lin, 'in_features') "
                                           f"else [2, 3]), requires_grad=True)\ny = lin(x)\ny.sum().backward()\n"
                                           f"(y, x.grad, sorted(n for n, _ in lin.named_parameters()), "
                                           "sorted(lin.state_dict()))"))
        for op in ["nn.utils.spectral_norm(lin)", "nn.utils.parametrizations.spectral_norm(lin)"]:
            cases.append((f"{layer}-{op}", f"{weights}\nlin = {op}\nlin.eval()\n"
                                           f"(lin.weight.shape, sorted(n for n, _ in lin.named_parameters()), "
                                           "sorted(lin.state_dict()))"))
        for op in ["nn.utils.prune.l1_unstructured(lin, 'weight', amount=0.5)",
                   "nn.utils.prune.l1_unstructured(lin, 'weight', amount=1)",
                   "nn.utils.prune.l1_unstructured(lin, 'weight', amount=0)",
                   "nn.utils.prune.random_unstructured(lin, 'weight', amount=0.0)",
                   "nn.utils.prune.ln_structured(lin, 'weight', amount=1, n=2, dim=0)",
                   "nn.utils.prune.identity(lin, 'weight')",
                   "nn.utils.prune.custom_from_mask(lin, 'weight', torch.ones_like(lin.weight))"]:
            cases.append((f"{layer}-{op}",
            f"{weights}\n{op}\nw1 = lin.weight.clone()\nnn.utils.prune.remove(lin, 'weight')\n"
                                           f"(w1, lin.weight, sorted(lin.state_dict()))"))
    return cases


# ----- data: default_collate, TensorDataset, DataLoader of 0-d items; swa_utils -----------------------------------
COLLATES = [
    "collate([torch.tensor(1.), torch.tensor(2.)])", "collate([1, 2, 3])", "collate([1.5, 2.5])",
    "collate([True, False])",
    "collate([torch.tensor(1), torch.tensor(2)])", "collate([np.float32(1.5), np.float32(2.0)])",
    "collate([np.int64(3), np.int64(4)])",
    "collate([np.array(1.5), np.array(2.5)])", "collate([(torch.tensor(1.), 0), (torch.tensor(2.), 1)])",
    "collate([{'x': torch.tensor(1.), 'y': 3}, {'x': torch.tensor(2.), 'y': 4}])",
    "collate([torch.zeros(0), torch.zeros(0)])",
    "collate([torch.tensor(1.)])", "collate(['a', 'b'])",
    "collate([torch.tensor([1., 2.]), torch.tensor([[3.], [4.]]).t()[0]])",
    "collate([torch.tensor(1.), torch.tensor([2.])])", "collate([np.bool_(True), np.bool_(False)])",
    "collate([torch.tensor(1, dtype=torch.int32), torch.tensor(2, dtype=torch.int32)])", "collate([[1, 2], [3, 4]])",
    "data.default_convert(np.array(1.5))", "data.default_convert(np.float32(1.5))", "data.default_convert(3)",
]
DATASETS = {
    "tensor0d": "data.TensorDataset(torch.arange(5.))",
    "tensor0d_pair": "data.TensorDataset(torch.arange(5.), torch.arange(5))",
    "list0d": "[torch.tensor(float(i)) for i in range(5)]", "floats": "[float(i) for i in range(5)]",
    "ints": "list(range(5))",
    "pairs": "[(torch.tensor(float(i)), i) for i in range(5)]", "empty": "data.TensorDataset(torch.zeros(0, 3))",
    "one": "data.TensorDataset(torch.ones(1, 2))", "numpy0d": "[np.float32(i) for i in range(5)]",
}
LOADERS = ["batch_size=1", "batch_size=2", "batch_size=2, drop_last=True", "batch_size=None",
           "batch_size=5, drop_last=True",
           "batch_size=6, drop_last=True", "batch_size=3, drop_last=False"]
SWA = ("torch.manual_seed(0); model = nn.Linear(2, 1); model.weight.data = torch.tensor([[0.5, -1.]]); "
       "model.bias.data = torch.tensor([0.25])")
SWA_USES = [
    "swa = optim.swa_utils.AveragedModel(model)\nfor k in range(3):\n    model.weight.data += 1; model.bias.data *= 2; "
    "swa.update_parameters(model)\n(swa.module.weight, swa.module.bias, swa.n_averaged)",
    "swa = optim.swa_utils.AveragedModel(model, multi_avg_fn=optim.swa_utils.get_ema_multi_avg_fn(0.9))\nfor k in "
    "range(3):\n"
    "    model.weight.data += 1; model.bias.data *= 2; swa.update_parameters(model)\n(swa.module.weight, "
    "swa.module.bias, swa.n_averaged)",
    "swa = optim.swa_utils.AveragedModel(model, avg_fn=optim.swa_utils.get_ema_avg_fn(0.9))\nfor k in range(3):\n"
    "    model.weight.data += 1; model.bias.data *= 2; swa.update_parameters(model)\n(swa.module.weight, "
    "swa.module.bias, swa.n_averaged)",
    "swa = optim.swa_utils.AveragedModel(model)\nswa.update_parameters(model)\nsd = swa.state_dict()\n"
    "swa2 = optim.swa_utils.AveragedModel(model); swa2.load_state_dict(sd)\n(sorted(sd), sd['n_averaged'], "
    "swa2.n_averaged, swa(torch.ones(1, 2)))",
    "opt = optim.SGD(model.parameters(), lr=0.5); s = optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=2, "
    "anneal_strategy='linear')\n"
    "lrs = []\nfor _ in range(4):\n    opt.step(); s.step(); lrs.append(opt.param_groups[0]['lr'])\nlrs",
    "opt = optim.SGD(model.parameters(), lr=0.5); s = optim.swa_utils.SWALR(opt, swa_lr=0.05, anneal_epochs=0)\nlrs "
    "= []\n"
    "for _ in range(2):\n    opt.step(); s.step(); lrs.append(opt.param_groups[0]['lr'])\nlrs",
    "m2 = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)); swa = optim.swa_utils.AveragedModel(m2)\n"
    "loader = data.DataLoader(data.TensorDataset(torch.tensor([[1., 2.], [3., 5.], [0., -1.]])), batch_size=1)\n"
    "optim.swa_utils.update_bn(loader, swa)\n(swa.module[1].running_mean, swa.module[1].running_var, "
    "swa.module[1].num_batches_tracked)",
    "swa = optim.swa_utils.AveragedModel(model)\nswa.update_parameters(model)\nswa.n_averaged.add_(1)\nswa.n_averaged",
]


def _data_cases():
    cases = [(op, f"r = {op}\nr") for op in COLLATES]
    cases += [(f"{name}-{kw}", f"ds = {ds}\ndl = data.DataLoader(ds, {kw})\n(len(dl), list(dl))")
              for name, ds in DATASETS.items() for kw in LOADERS]
    for op in ["data.TensorDataset(torch.arange(5.))[2]", "data.TensorDataset(torch.arange(5.), torch.arange(5))[-1]",
               "len(data.TensorDataset(torch.zeros(0)))", "data.TensorDataset(torch.arange(5.))[torch.tensor(2)]",
               "list(data.BatchSampler(data.SequentialSampler(range(1)), 1, True))",
               "data.ConcatDataset([data.TensorDataset(torch.arange(2.)), data.TensorDataset(torch.zeros(0))])[1]",
               "data.StackDataset(torch.arange(3.), torch.arange(3))[1]",
               "list(data.DataLoader(data.TensorDataset(torch.zeros(0, 3)), batch_size=2))"]:
        cases.append((op, f"r = {op}\nr"))
    cases += [(f"swa-{k}", f"{SWA}\n{use}") for k, use in enumerate(SWA_USES)]
    return cases


# ----- layers: forward, input and parameter gradients on edge batches -----------------------------------------------
LAYERS = [
    ("nn.Linear(3, 2)", [_lin(3), _lin(1, 3), "torch.zeros(0, 3)", f"{_lin(2, 3)}.t().t()", _lin(2, 2, 3),
     f"{_lin(6, 3)}[::2]"]),
    ("nn.Linear(0, 2)", ["torch.zeros(2, 0)"]),
    ("nn.Conv1d(2, 3, 2)", [_lin(1, 2, 4), _lin(2, 4), "torch.zeros(0, 2, 4)", f"{_lin(1, 4, 2)}.transpose(1, 2)"]),
    ("nn.Conv2d(2, 3, 2, padding=1)", [_lin(1, 2, 3, 3), _lin(2, 3, 3), "torch.zeros(0, 2, 3, 3)",
     f"{_lin(1, 3, 3, 2)}.permute(0, 3, 1, 2)"]),
    ("nn.ConvTranspose2d(2, 3, 2, stride=2)", [_lin(1, 2, 2, 2), _lin(2, 2, 2), "torch.zeros(0, 2, 2, 2)"]),
    ("nn.BatchNorm1d(3)", [_lin(1, 3), _lin(2, 3), "torch.zeros(0, 3)",
     f"{_lin(3, 2)}.t()", _lin(1, 3, 1), _lin(2, 3, 2)]),
    ("nn.BatchNorm1d(3).eval()", [_lin(1, 3), _lin(3), "torch.zeros(0, 3)"]),
    ("nn.BatchNorm2d(2)", [_lin(1, 2, 1, 1), _lin(1, 2, 2, 1), "torch.zeros(0, 2, 2, 2)"]),
    ("nn.LayerNorm(3)", [_lin(3), _lin(1, 3), "torch.zeros(0, 3)", f"{_lin(3, 2)}.t()"]),
    ("nn.LayerNorm([])", [_lin(3), "torch.tensor(0.5)"]),
    ("nn.GroupNorm(1, 2)", [_lin(1, 2), _lin(1, 2, 2), "torch.zeros(0, 2, 2)", _lin(2, 2)]),
    ("nn.GroupNorm(2, 2)", [_lin(1, 2, 1), _lin(2, 2, 1), _lin(1, 2, 2)]),
    ("nn.InstanceNorm1d(2, affine=True)", [_lin(1, 2, 3), _lin(2, 3), "torch.zeros(1, 2, 0)", _lin(1, 2, 1)]),
    ("nn.RMSNorm(3)", [_lin(3), _lin(1, 3), "torch.zeros(0, 3)"]),
    ("nn.Embedding(4, 2)", ["torch.tensor(1)", "torch.tensor([3])", "torch.zeros(0, dtype=torch.long)",
     "torch.tensor([[0, 1], [2, 3]]).t()"]),
    ("nn.RNN(2, 3)", [_lin(1, 1, 2), _lin(1, 2), "torch.zeros(0, 1, 2)", _lin(2, 1, 2),
     f"{_lin(2, 2, 1)}.transpose(0, 2)"]),
    ("nn.LSTM(2, 3)", [_lin(1, 1, 2), _lin(1, 2), _lin(3, 1, 2)]),
    ("nn.GRU(2, 3, batch_first=True)", [_lin(1, 1, 2), _lin(1, 2), _lin(1, 3, 2)]),
    ("nn.LSTM(2, 3, num_layers=2, bidirectional=True, proj_size=2)", [_lin(1, 1, 2), _lin(1, 2)]),
    ("nn.RNNCell(2, 3)", [_lin(1, 2), _lin(2), "torch.zeros(0, 2)"]),
    ("nn.LSTMCell(2, 3)", [_lin(1, 2), _lin(2)]),
    ("nn.GRUCell(2, 3)", [_lin(1, 2), _lin(2)]),
    ("nn.MultiheadAttention(4, 2)", [_lin(1, 1, 4), _lin(1, 4), _lin(3, 4)]),
    ("nn.MultiheadAttention(4, 2, batch_first=True)", [_lin(1, 1, 4), _lin(1, 4), _lin(2, 3, 4)]),
    ("nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)", [_lin(1, 1, 4), _lin(1, 4), _lin(3, 4)]),
    ("nn.PReLU()", ["torch.tensor(-0.5)", _lin(1), _lin(2, 3), "torch.zeros(0)"]),
    ("nn.PReLU(2)", [_lin(1, 2), _lin(2, 2, 3), "torch.zeros(0, 2)"]),
    ("nn.Flatten()", [_lin(1), _lin(2, 3), "torch.zeros(0, 3)"]),
    ("nn.Flatten(0)", ["torch.tensor(0.5)", _lin(2, 3)]),
    ("nn.Unflatten(0, (1, 1))", [_lin(1)]),
    ("nn.Dropout(0.5).eval()", ["torch.tensor(0.5)", "torch.zeros(0)", f"{_lin(2, 3)}.t()"]),
    ("nn.Softmax(dim=0)", ["torch.tensor(0.5)", "torch.zeros(0)"]),
    ("nn.LogSoftmax(dim=1)", [_lin(1, 3), "torch.zeros(0, 3)", f"{_lin(3, 2)}.t()"]),
    ("nn.MaxPool1d(2)", [_lin(1, 2, 4), _lin(2, 4), "torch.zeros(0, 2, 4)"]),
    ("nn.AdaptiveAvgPool2d((1, 1))", [_lin(1, 2, 3, 3), _lin(2, 3, 3), "torch.zeros(0, 2, 3, 3)"]),
    ("nn.Upsample(scale_factor=2)", [_lin(1, 2, 3), _lin(1, 1, 1, 1)]),
    ("nn.ZeroPad2d(1)", [_lin(1, 2, 2), _lin(2, 2), "torch.zeros(0, 1, 2, 2)"]),
    ("nn.ReflectionPad1d(1)", [_lin(1, 2, 3), _lin(2, 3)]),
    ("nn.GLU()", [_lin(2), _lin(1, 2), "torch.zeros(0, 2)", "torch.zeros(2, 0)"]),
    ("nn.Sequential(nn.Linear(1, 1), nn.Flatten(0))", ["torch.tensor([0.5])", _lin(1, 1)]),
    ("nn.EmbeddingBag(4, 2, mode='mean')", ["torch.tensor([[1, 2]])", "torch.tensor([[3]])"]),
    ("nn.LocalResponseNorm(2)", [_lin(1, 2, 3)]),
]
LAYER_INIT = ("with torch.no_grad():\n    for i, p in enumerate(mod.parameters()):\n"
              "        p.copy_(torch.linspace(-0.5, 0.4 + 0.01 * i, p.numel()).reshape(p.shape))")


def _layer_cases():
    cases = []
    for layer, inputs in LAYERS:
        for k, make in enumerate(inputs):
            integer = "Embedding" in layer
            x = f"x = ({make}).detach()" + ("" if integer else ".requires_grad_()")
            cases.append((f"{layer}-{k}", f"torch.manual_seed(0); mod = {layer}\n{LAYER_INIT}\n{x}\nout = mod(x)\n"
                                          "y, extra = (out[0], out[1]) if isinstance(out, tuple) else (out, None)\n"
                                          "total = y.sum() + (extra.sum() if hasattr(extra, 'sum') else sum(e.sum() "
                                          "for e in extra) "
                                          "if extra else 0)\ntotal.backward() if total.requires_grad else None\n"
                                          f"(y, extra, {'None' if integer else 'x.grad'}, [(n, p.grad) for n, p in "
                                          "mod.named_parameters()])"))
    return cases


# ----- gradients, buffers and views of 0-d tensors written in place; nn.init on 0-d, empty and strided tensors -------
IN_PLACE = [
    "a.grad.mul_(2)\na.grad", "a.grad.zero_()\na.grad", "g = a.grad; g += 1\na.grad",
    "a.grad.data.clamp_(max=1)\na.grad",
    "(a * 2).backward()\na.grad", "a.data.mul_(2)\na", "with torch.no_grad():\n    a -= 0.1 * a.grad\na",
    "a.detach().mul_(0)\na", "a.grad.numpy().__imul__(3)\na.grad", "a.grad.copy_(torch.tensor(9.))\na.grad",
    "opt = optim.Adam([a], lr=0.1); opt.step(); opt.state[a]['exp_avg'].mul_(0)\nopt.state[a]['exp_avg']",
    "opt = optim.SGD([a], lr=0.1, momentum=0.9); opt.step(); opt.state[a]['momentum_buffer'].add_(1); opt.step()\n"
    "(a, opt.state[a]['momentum_buffer'])",
    "opt = optim.Adam([a], lr=0.1); opt.step(); opt.step()\nopt.state[a]['step']",
    "opt = optim.SGD([a], lr=0.1); opt.zero_grad(set_to_none=False)\na.grad",
    "nn.init.zeros_(a)\na", "nn.init.constant_(a, 3.0)\na", "nn.init.uniform_(a, 2.0, 2.0)\na",
    "nn.init.normal_(a, 1.0, 0.0)\na",
    "pass\nnn.init.xavier_uniform_(a)", "pass\nnn.init.kaiming_uniform_(a)", "pass\nnn.init.eye_(a)",
    "pass\nnn.init.orthogonal_(a)",
    "pass\nnn.init.kaiming_uniform_(torch.zeros(0, 3))", "pass\nnn.init.xavier_normal_(torch.zeros(2, 0))",
    "t = torch.zeros(2, 3).t(); nn.init.uniform_(t, 1.0, 1.0)\nt", "t = torch.zeros(4, 3); nn.init.eye_(t[::2])\nt",
    "t = torch.zeros(3, 4); nn.init.zeros_(t[:, 1])\nt",
]
BUFFERS_AND_VIEWS = [
    "v = torch.tensor(2., requires_grad=True); w = torch.ones(3, requires_grad=True); x = w * 1; x.fill_(v)\n"
    "(x * torch.arange(3.)).sum().backward()\n(x, w.grad, v.grad)",
    "x = torch.zeros(3); x[[]] = 5\n(x, x[[]])", "x = torch.zeros(()); x.scatter_(0, torch.tensor(0), torch.tensor(5.))\nx",
    "bn = nn.BatchNorm1d(2); bn(torch.tensor([[1., 2.], [3., 5.]])); bn(torch.tensor([[0., 2.], [3., 1.]]))\n"
    "(bn.num_batches_tracked, bn.running_mean, bn.running_var)",
    "bn = nn.BatchNorm1d(2, momentum=None); bn(torch.tensor([[1., 2.], [3., 5.]])); bn(torch.tensor([[0., 2.], [3., "
    "1.]]))\n"
    "(bn.num_batches_tracked, bn.running_mean, bn.running_var)",
    "bn = nn.BatchNorm1d(2); sd = bn.state_dict(); sd['num_batches_tracked'].add_(3)\nbn.num_batches_tracked",
    "m = nn.Module(); m.register_buffer('c', torch.tensor(0)); m.c += 1; m.c.add_(1)\n(m.c, m.state_dict()['c'])",
    "m = nn.Linear(1, 1); sd = m.state_dict(); sd['bias'].zero_()\nm.bias",
    "m = nn.Module(); m.a = nn.Parameter(torch.tensor(0.5)); m.load_state_dict({'a': torch.tensor([2.])})\nm.a",
    "s = torch.tensor([1., 2.]).sum(); t = s.view(1); t[0] = 5\ns",
    "s = torch.tensor([1., 2.]).sum(); t = s.expand(3); s.add_(1)\nt",
    "s = torch.tensor([1., 2.]).sum(); s.reshape(1)[0] = 9\ns",
    "x = torch.tensor([[1., 2.]]); s = x[0, 0]; s.add_(4)\nx",
    "x = torch.tensor([1., 2.]); s = x[1]; s += 4\nx", "x = torch.tensor([1., 2.]); x.select(0, 1).fill_(7)\nx",
    "x = torch.tensor([1., 2.]); x.unbind()[0].fill_(7)\nx", "x = torch.tensor([[1., 2.]]); x[0][1] += 5\nx",
    "x = torch.tensor([1., 2.]); x.max().add_(1)\nx", "x = torch.tensor([3.]); x.squeeze().add_(1)\nx",
    "x = torch.tensor([3.]); x.view(()).mul_(2)\nx", "x = torch.tensor(3.); x.view(1, 1).mul_(2)\nx",
    "x = torch.tensor(3.); x.flatten().mul_(2)\nx", "x = torch.tensor(3.); x[None].mul_(2)\nx",
    "x = torch.tensor(3.); x[...].mul_(2)\nx",
    "x = torch.tensor(3.); x.t().mul_(2)\nx", "x = torch.tensor(3.); x.numpy()[()] = 7\nx",
    "x = torch.tensor([1, 2]).sum(); x.numpy()[()] = 7\nx",
    "x = torch.tensor(3.); x.contiguous().mul_(2)\nx", "x = torch.tensor(3.); x.view(torch.int32).add_(1)\nx",
    "x = torch.tensor([[1., 2.], [3., 4.]]); x.diagonal()[1].mul_(10)\nx",
    "x = torch.tensor([[1., 2.], [3., 4.]]); x.T[1][0] = 10\nx",
    "x = torch.tensor([1., 2.]); x[torch.tensor(0)].add_(5)\nx",
    "x = torch.tensor([1., 2.]); x[torch.tensor(1)] += 5\nx",
]


def _in_place_cases():
    grad = "a = nn.Parameter(torch.tensor(0.5)); (a * 3).backward()"
    return [(use, f"{grad}\n{use}") for use in IN_PLACE] + [(use, use) for use in BUFFERS_AND_VIEWS]


# ----- values at zero, ties and infinities (gradients included) --------------------------------------------------
EDGE_VALUES = {"zero0d": "torch.tensor(0.0)", "zeros": "torch.zeros(3)", "ties": "torch.tensor([1., 3., 3., 2.])",
               "ties2d": "torch.tensor([[1., 3.], [3., 3.]])", "bounds": "torch.tensor([-1., 1., 0., 6.])",
               "infinities": "torch.tensor([float('-inf'), 0.0, float('inf')])"}
EDGE_OPS = [
    "x.norm()", "x.norm(dim=-1)", "x.norm(p=1)", "x.norm(p=float('inf'))", "x.norm(p=3)", "x.sqrt()", "x.pow(0)",
    "x.abs()",
    "x.relu()", "F.relu6(x)", "F.hardtanh(x)", "F.leaky_relu(x)", "F.elu(x)", "x.clamp(0, 1)", "x.max()", "x.amax(-1)",
    "x.max(-1)[0]", "x.median()", "x.std()", "x.var(correction=0)", "F.normalize(x, dim=-1)",
    "F.cosine_similarity(x, x + 0, dim=-1)",
    "F.pairwise_distance(x, x.detach())", "torch.dist(x, x.detach())", "x.logsumexp(-1)", "x.softmax(-1)",
    "x.log_softmax(-1)",
    "F.softplus(x)", "F.logsigmoid(x)", "x.sigmoid()", "x.tanh()", "torch.xlogy(x, x)", "x.sign()", "torch.atan2(x, x)",
    "F.silu(x)", "F.mish(x)", "F.hardswish(x)", "torch.maximum(x, x.detach())", "torch.minimum(x, torch.zeros_like(x))",
    "x.nan_to_num()", "F.binary_cross_entropy_with_logits(x, torch.ones_like(x))",
    "F.smooth_l1_loss(x, x.detach() + 1)",
    "F.huber_loss(x, x.detach() + 1)", "F.mse_loss(x, x.detach())",
    "F.cross_entropy(x.reshape(1, -1), torch.tensor([0]))",
    "x.lerp(torch.zeros_like(x), 0.5)", "x.lerp(torch.zeros_like(x), 0.25)", "torch.logaddexp(x, x)", "x.cumsum(-1)",
    "x.mean()",
]


def _edge_value_cases():
    cases = []
    for name, value in EDGE_VALUES.items():
        for op in EDGE_OPS:
            if name == "infinities" and op in ("F.mish(x)", "F.silu(x)", "F.hardswish(x)", "torch.xlogy(x, x)"):
                continue   # 0 * inf in PyTorch's and our gradient formulas alike, taken in a different order
            cases.append((f"{name}-{op}", _grad_case(f"b = {value}.requires_grad_(); x = b", op)))
    return cases


CASES = (_functional_cases() + _loss_cases() + _shaped_cases() + _index_and_pair_cases() + _zero_d_cases()
         + _optimizer_cases() + _utils_cases() + _data_cases() + _layer_cases() + _in_place_cases()
         + _edge_value_cases())


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("code", [code for _, code in CASES], ids=[case_id for case_id, _ in CASES])
def test_deepgrad_agrees_with_pytorch_on_edge_shapes(code, names):
    check_case(code, *names)
