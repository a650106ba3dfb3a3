"""Second derivatives (create_graph) of 128 differentiable ops and losses against PyTorch's double backward, one
small float64 input each: every op whose gradient is itself differentiable must give PyTorch's gradient of the
gradient (piecewise ops included, where both are zero or a kink's one-sided value), and the same cases' forward-mode
products (torch.func.jvp)."""
import warnings

import numpy as np
import pytest


def _cases(L, F):
    """name -> a function of one (3, 4) tensor, written once for both libraries (L: torch or autograd, F: its
    functional module)."""
    return {
        "abs": lambda x: x.abs()*x,
        "exp": lambda x: x.exp(),
        "log_softmax": lambda x: F.log_softmax(x, 1),
        "softmax": lambda x: F.softmax(x, 1),
        "logsumexp": lambda x: x.logsumexp(1),
        "norm": lambda x: x.norm(),
        "norm_dim": lambda x: L.linalg.vector_norm(x, 3, dim=1),
        "std": lambda x: x.std(1),
        "var": lambda x: x.var(),
        "amax": lambda x: x.amax(1)*x[:,0],
        "max_dim": lambda x: x.max(1)[0]*x[:,1],
        "min": lambda x: x.min()*x,
        "sort": lambda x: x.sort(1)[0]*x,
        "topk": lambda x: x.topk(2, 1)[0]*x[:, :2],
        "kthvalue": lambda x: x.kthvalue(2, 1)[0]*x[:, 0],
        "median": lambda x: x.median(1)[0]*x[:, 0],
        "cummax": lambda x: x.cummax(1)[0]*x,
        "cummin": lambda x: x.cummin(1)[0]*x,
        "clamp": lambda x: x.clamp(-0.5, 0.5)*x,
        "where": lambda x: L.where(x > 0, x*x, x.sin()),
        "layer_norm": lambda x: F.layer_norm(x, (4,)),
        "group_norm": lambda x: F.group_norm(x.reshape(3,4,1), 2),
        "normalize": lambda x: F.normalize(x, dim=1),
        "cosine_similarity": lambda x: F.cosine_similarity(x, x.flip(0)),
        "softplus": lambda x: F.softplus(x),
        "elu": lambda x: F.elu(x),
        "selu": lambda x: F.selu(x),
        "celu": lambda x: F.celu(x),
        "silu": lambda x: F.silu(x),
        "mish": lambda x: F.mish(x),
        "hardswish": lambda x: F.hardswish(x)*x,
        "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
        "leaky_relu": lambda x: F.leaky_relu(x)*x,
        "logsigmoid": lambda x: F.logsigmoid(x),
        "softsign": lambda x: F.softsign(x),
        "tanhshrink": lambda x: F.tanhshrink(x),
        "glu": lambda x: F.glu(x, 1),
        "hardtanh": lambda x: F.hardtanh(x)*x,
        "mse": lambda x: F.mse_loss(x*x, x.flip(1)),
        "l1": lambda x: F.l1_loss(x*x, x.flip(1)),
        "smooth_l1": lambda x: F.smooth_l1_loss(x*x, x.flip(1)),
        "huber": lambda x: F.huber_loss(x*x, x.flip(1)),
        "bce": lambda x: F.binary_cross_entropy(x.sigmoid(), (x.flip(1)>0).to(x.dtype)),
        "bce_logits": lambda x: F.binary_cross_entropy_with_logits(x, (x.flip(1)>0).to(x.dtype)),
        "kl_div": lambda x: F.kl_div(F.log_softmax(x,1), F.softmax(x.flip(1),1), reduction="batchmean"),
        "nll": lambda x: F.nll_loss(F.log_softmax(x,1), L.tensor([0,1,2])),
        "poisson_nll": lambda x: F.poisson_nll_loss(x, x.flip(1).abs()),
        "gaussian_nll": lambda x: F.gaussian_nll_loss(x, x.flip(1), x.abs()+0.1),
        "cross_entropy_probs": lambda x: F.cross_entropy(x, F.softmax(x.flip(1),1)),
        "margin_ranking": lambda x: F.margin_ranking_loss(x[0]*x[1], x[1], x[2]),
        "hinge_emb": lambda x: F.hinge_embedding_loss(x*x, L.tensor([1.,-1,1,-1]).to(x.dtype)),
        "multilabel_soft_margin": lambda x: F.multilabel_soft_margin_loss(x, (x.flip(1)>0).to(x.dtype)),
        "triplet": lambda x: F.triplet_margin_loss(x, x.flip(0), x.flip(1)),
        "cosine_emb": lambda x: F.cosine_embedding_loss(x, x.flip(0), L.tensor([1.,-1,1]).to(x.dtype)),
        "linalg_det": lambda x: L.linalg.det(x[:, :3]),
        "inv": lambda x: L.linalg.inv(x[:, :3]),
        "solve": lambda x: L.linalg.solve(x[:, :3], x[:, 3]),
        "svdvals": lambda x: L.linalg.svdvals(x),
        "eigh": lambda x: L.linalg.eigvalsh(x[:, :3] @ x[:, :3].T),
        "cholesky": lambda x: L.linalg.cholesky(x[:, :3] @ x[:, :3].T + L.eye(3, dtype=x.dtype)),
        "qr": lambda x: L.linalg.qr(x.T)[1],
        "pinv": lambda x: L.linalg.pinv(x),
        "matrix_norm": lambda x: L.linalg.matrix_norm(x, "nuc"),
        "slogdet": lambda x: L.linalg.slogdet(x[:, :3])[1],
        "matrix_exp": lambda x: L.linalg.matrix_exp(x[:, :3]*0.3),
        "pad_reflect": lambda x: F.pad(x.unsqueeze(0)*x.unsqueeze(0), (2, 2), mode="reflect"),
        "pad_replicate": lambda x: F.pad(x.unsqueeze(0)*x.unsqueeze(0), (1, 2), mode="replicate"),
        "pad_circular": lambda x: F.pad(x.unsqueeze(0)*x.unsqueeze(0), (1, 1), mode="circular"),
        "unfold": lambda x: F.unfold((x*x).reshape(1,1,3,4), 2),
        "fold": lambda x: F.fold((x*x).reshape(1, 4, 3), (2, 4), (2, 2), stride=(1, 1)),
        "pixel_shuffle": lambda x: F.pixel_shuffle((x*x).reshape(1,4,1,3), 2),
        "grid_sample": lambda x:
            F.grid_sample((x*x).reshape(1,1,3,4), (x[:2,:2]*0.5).reshape(1,1,2,2), align_corners=False),
        "affine_grid": lambda x: F.affine_grid((x*x)[:2, :3].reshape(1,2,3), (1,1,2,2), align_corners=False),
        "interp_bicubic": lambda x:
            F.interpolate((x*x).reshape(1,1,3,4), scale_factor=2, mode="bicubic", align_corners=False),
        "interp_linear": lambda x: F.interpolate((x*x).reshape(1,3,4), size=7, mode="linear", align_corners=True),
        "adaptive_avg1d": lambda x: F.adaptive_avg_pool1d((x*x).unsqueeze(0), 3),
        "avg_pool1d": lambda x: F.avg_pool1d((x*x).unsqueeze(0), 2),
        "lp_pool": lambda x: F.lp_pool1d((x*x).unsqueeze(0)+0.1, 2, 2),
        "max_unpool": lambda x: F.max_unpool1d(*F.max_pool1d((x*x).unsqueeze(0), 2, return_indices=True), 2),
        "conv2d_groups": lambda x: F.conv2d(x.reshape(1,2,2,3), x[:2, :2].reshape(2,1,2,1)*x[0,0], groups=2),
        "conv3d": lambda x: F.conv3d(x.reshape(1,1,2,2,3), x[0,:2].reshape(1,1,1,1,2)*x[0,0]),
        "bilinear": lambda x: F.bilinear(x, x.flip(0), (x[:2].unsqueeze(1)*x[:2].unsqueeze(2))),
        "embedding_bag": lambda x: F.embedding_bag(L.tensor([0,2,1,1]), x*x, L.tensor([0,2]), mode="mean"),
        "embedding_bag_max": lambda x: F.embedding_bag(L.tensor([0,2,1,1]), x*x, L.tensor([0,2]), mode="max"),
        "index_select": lambda x: x.index_select(1, L.tensor([0,0,3]))*x[:, :3],
        "take": lambda x: L.take(x*x, L.tensor([0, 5, 5])),
        "index_fill": lambda x: (x*x).index_fill(1, L.tensor([1]), 0.0),
        "masked_scatter": lambda x: (x*x).masked_scatter(x > 0, x.sin()),
        "roll": lambda x: (x*x).roll(1, 1),
        "diff": lambda x: L.diff(x*x, dim=1),
        "trapz": lambda x: L.trapezoid(x*x, dim=1),
        "cross": lambda x: L.linalg.cross(x[:, :3], x[:, 1:]),
        "tril": lambda x: (x*x).tril(),
        "kron": lambda x: L.kron(x[:2,:2], x[1:3, 2:]),
        "outer": lambda x: L.outer(x[0], x[1]),
        "cumsum_prod": lambda x: (x.cumsum(1)*x).prod(1),
        "renorm": lambda x: (x*x).renorm(2, 0, 1.0),
        "dist": lambda x: L.dist(x, x.flip(0)),
        "atan2": lambda x: L.atan2(x, x.flip(1)),
        "hypot": lambda x: L.hypot(x, x.flip(1)),
        "xlogy": lambda x: L.xlogy(x, x.abs()+0.1),
        "lerp": lambda x: L.lerp(x, x.flip(1), x.sigmoid()),
        "polar_abs": lambda x: L.polar(x.abs()+0.1, x).abs() * x,
        "fmod": lambda x: L.fmod(x*3, 1.3)*x,
        "remainder": lambda x: L.remainder(x*3, 1.3)*x,
        "erfinv": lambda x: L.erfinv(x.tanh()*0.9),
        "digamma": lambda x: L.digamma(x.abs()+1),
        "i0": lambda x: L.i0(x),
        "logit": lambda x: L.logit(x.sigmoid()),
        "sinc": lambda x: L.sinc(x),
        "nan_to_num": lambda x: L.nan_to_num(x*x),
        "frac": lambda x: (x*3).frac()*x,
        "rrelu_eval": lambda x: F.rrelu(x, training=False)*x,
        "prelu": lambda x: F.prelu(x, x[0,:1].abs()+0.1)*x,
        "local_response_norm": lambda x: F.local_response_norm((x*x).reshape(1, 3, 4), 2),
        "instance_norm": lambda x: F.instance_norm(x.reshape(1,3,4)),
        "rms_norm": lambda x: F.rms_norm(x, (4,)),
        "dropout_eval": lambda x: F.dropout(x*x, 0.5, training=False),
        "trace": lambda x: (x @ x.T).trace(),
        "einsum": lambda x: L.einsum("ij,kj->ik", x, x*x),
        "tensordot": lambda x: L.tensordot(x, x*x, dims=([1],[1])),
        "baddbmm": lambda x: L.baddbmm(x.unsqueeze(0), x.unsqueeze(0), (x.T @ x).unsqueeze(0)),
        "addcmul": lambda x: L.addcmul(x, x, x.flip(1), value=0.5),
        "cumulative_trapezoid": lambda x: L.cumulative_trapezoid(x*x, dim=1),
        "logdet": lambda x: L.logdet(x[:, :3]@x[:, :3].T + L.eye(3, dtype=x.dtype)),
        "stft_abs": lambda x: L.stft(x.reshape(-1), 4, return_complex=True).abs(),
        "fft_rfft": lambda x: L.fft.rfft(x*x).abs(),
        "complex_mul": lambda x: (L.complex(x, x.flip(1)) * L.complex(x.flip(0), x)).real,
    }


NAMES = sorted(_cases(None, None))


def _second_order(L, F, name, x0):
    x = L.tensor(x0, requires_grad=True)
    y = _cases(L, F)[name](x)
    if y.is_complex():
        y = y.abs()
    g, = L.autograd.grad(y.sum(), x, create_graph=True)
    (g * g).sum().backward()
    return g.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("name", NAMES)
def test_second_derivative_equals_pytorchs(name):
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    x0 = np.random.default_rng(0).standard_normal((3, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = _second_order(torch, torch.nn.functional, name, x0)
        mine = _second_order(ag, F, name, x0)
    for a, b in zip(mine, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9, equal_nan=True)


@pytest.mark.parametrize("name", NAMES)
def test_forward_mode_jvp_equals_pytorchs(name):
    """torch.func.jvp of each case: deepgrad's forward mode goes through the gradient of the gradient at a zero
    output gradient, so a backward that special-cases a zero gradient loses the tangent (xlogy did)."""
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    x0, t0 = (np.random.default_rng(seed).standard_normal((3, 4)) for seed in (0, 1))

    def jvp(L, functional, func):
        fn = _cases(L, functional)[name]
        return func.jvp(lambda x: fn(x).abs() if fn(x).is_complex() else fn(x), (L.tensor(x0),), (L.tensor(t0),))[1]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            theirs = jvp(torch, torch.nn.functional, torch.func).detach().numpy()
        except Exception:   # PyTorch has no forward-mode formula for it
            pytest.skip("PyTorch's jvp does not support this case")
        mine = jvp(ag, F, ag.func).numpy()
    np.testing.assert_allclose(mine, theirs, rtol=1e-7, atol=1e-9, equal_nan=True)
