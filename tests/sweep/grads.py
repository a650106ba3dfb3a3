"""First and second derivatives against PyTorch's: every differentiable elementwise, binary, reduction, shape and
activation op on float64 (and complex128 where the op takes complex numbers), over broadcast, 0-d and empty
shapes, at the awkward points (0, +-1, ties, negative numbers)."""
import itertools

import numpy as np

import autograd as ag

from . import grad_table
from .compare import compared

UNARY = ("abs neg sign exp expm1 log log1p log2 log10 sqrt rsqrt sin cos tan asin acos atan sinh cosh tanh asinh "
         "acosh atanh sigmoid relu floor ceil round trunc frac reciprocal square erf erfc erfinv lgamma digamma "
         "sinc logit exp2 deg2rad rad2deg nan_to_num i0 special.entr special.ndtr special.ndtri special.log_ndtr "
         "special.i0e special.i1 special.i1e special.expit").split()
COMPLEX_UNARY = "abs neg exp log sqrt sin cos tanh sigmoid reciprocal square angle conj real imag sgn".split()
BINARY = ("add sub mul div pow atan2 maximum minimum fmax fmin remainder fmod hypot copysign xlogy logaddexp "
          "logaddexp2 float_power special.xlog1py").split()
COMPLEX_BINARY = "add sub mul div pow".split()
REDUCTIONS = [("sum", {}), ("sum", {"dim": 1}), ("prod", {}), ("prod", {"dim": 0}), ("mean", {"dim": -1}),
              ("std", {}), ("std", {"dim": 1, "correction": 0}), ("var", {"dim": 0}), ("amax", {"dim": 1}),
              ("amin", {}), ("max", {}), ("min", {}), ("norm", {}), ("norm", {"p": 1}), ("norm", {"p": float("inf")}),
              ("logsumexp", {"dim": 1}), ("cumsum", {"dim": 1}), ("cumprod", {"dim": 1}),
              ("logcumsumexp", {"dim": 0}), ("softmax", {"dim": 1}), ("log_softmax", {"dim": 0}),
              ("median", {}), ("nansum", {}), ("nanmean", {}), ("trace", {}), ("diff", {}),
              ("var_mean", {"dim": 1}), ("std_mean", {}), ("aminmax", {"dim": 0}), ("cummax", {"dim": 1}),
              ("cummin", {"dim": 0}), ("sort", {"dim": 1}), ("topk", {"k": 2}), ("kthvalue", {"k": 2})]
ACTIVATIONS = [("gelu", {}), ("gelu", {"approximate": "tanh"}), ("silu", {}), ("mish", {}), ("softplus", {}),
               ("softplus", {"beta": 2.0, "threshold": 1.0}), ("elu", {}), ("selu", {}), ("celu", {"alpha": 0.5}),
               ("leaky_relu", {"negative_slope": 0.1}), ("hardswish", {}), ("hardsigmoid", {}), ("hardtanh", {}),
               ("relu6", {}), ("logsigmoid", {}), ("softsign", {}), ("tanhshrink", {}), ("softshrink", {}),
               ("hardshrink", {}), ("glu", {"dim": -1}), ("normalize", {}), ("softmin", {"dim": 0}),
               ("threshold", {"threshold": 0.5, "value": -1.0}), ("rrelu", {"training": False})]
SHAPE_OPS = [("flip", lambda t: t.flip(0)), ("roll", lambda t: t.roll(1, 1)), ("t", lambda t: t.t()),
             ("tril", lambda t: t.tril()), ("triu", lambda t: t.triu(1)), ("repeat", lambda t: t.repeat(2, 1)),
             ("expand", lambda t: t[:1].expand(3, 3)), ("unfold", lambda t: t.unfold(1, 2, 1)),
             ("index_select", lambda t: t.index_select(1, t.new_tensor([2, 0, 2]).long())),
             ("gather", lambda t: t.gather(1, t.new_tensor([[0, 0], [2, 1]]).long())),
             ("take", lambda t: t.take(t.new_tensor([5, 0, 5]).long())),
             ("masked_select", lambda t: t.masked_select(t > 0)), ("where", lambda t: ag_or_torch(t).where(t > 0, t * t, -t)),
             ("clamp", lambda t: t.clamp(-1, 1)), ("clamp_min", lambda t: t.clamp(min=0)),
             ("cross", lambda t: t.cross(t.flip(0), dim=1)), ("outer", lambda t: t[0].outer(t[1])),
             ("matmul", lambda t: t @ t.t()), ("kron", lambda t: t.kron(t[:1, :2])),
             ("cdist", lambda t: ag_or_torch(t).cdist(t, t.flip(0))),
             ("lerp", lambda t: t.lerp(t.flip(0), 0.3)), ("addcmul", lambda t: t.addcmul(t, t.flip(1), value=0.5)),
             ("lerp_tensor", lambda t: t.lerp(t.flip(0), t.sigmoid())),
             ("addcdiv", lambda t: t.addcdiv(t, t.flip(1).exp(), value=0.5)),
             ("einsum", lambda t: ag_or_torch(t).einsum("ij,kj->ik", t, t * t)),
             ("tensordot", lambda t: ag_or_torch(t).tensordot(t, t.flip(0), dims=([1], [1]))),
             ("baddbmm", lambda t: ag_or_torch(t).baddbmm(t[None, :, :2], t[None], t[None].mT, alpha=0.5)),
             ("renorm", lambda t: t.renorm(2, 0, 1.0)), ("trapezoid", lambda t: ag_or_torch(t).trapezoid(t)),
             ("polygamma", lambda t: ag_or_torch(t).polygamma(1, t.abs() + 0.5)),
             ("mvlgamma", lambda t: ag_or_torch(t).mvlgamma(t.abs() + 1.0, 2)),
             ("erfcx", lambda t: ag_or_torch(t).special.erfcx(t)),
             ("dist_p3", lambda t: t.dist(t.flip(0), p=3)), ("dist_inf", lambda t: t.dist(t.flip(1), p=float("inf"))),
             ("atan2_zeros", lambda t: ag_or_torch(t).atan2(t * 0, t * 0)),
             ("std_constant", lambda t: (t * 0).std(1)), ("norm_zero", lambda t: (t * 0).norm()),
             ("prod_zeros", lambda t: (t * (t.abs() > 0.7)).prod(1)),
             ("cumprod_zeros", lambda t: (t * (t.abs() > 0.7)).cumprod(1)),
             ("complex_abs", lambda t: ag_or_torch(t).complex(t, t.flip(1) * (t > 0)).abs()),
             ("polar", lambda t: ag_or_torch(t).view_as_real(ag_or_torch(t).polar(t.abs(), t))),
             ("pow_zero_base", lambda t: (t * (t > 0)).pow(t.flip(1))),
             ("float_power", lambda t: t.abs().float_power(t)),
             ("logsumexp_inf", lambda t: ag_or_torch(t).where(t > 1, t.new_tensor(float("-inf")), t).logsumexp(1)),
             ("softmax_inf", lambda t: ag_or_torch(t).where(t > 1, t.new_tensor(float("-inf")), t).softmax(1)),
             ("nan_to_num", lambda t: (t.log()).nan_to_num(0.0, 5.0, -5.0)),
             ("max_dim_ties", lambda t: t.round().max(1).values), ("amax_ties", lambda t: t.round().amax(1)),
             ("median_dim", lambda t: t.median(1).values), ("sort_values", lambda t: t.round().sort(1).values),
             ("var_correction2", lambda t: t.var(1, correction=2)),
             ("diag_embed", lambda t: t.diag_embed()), ("block_diag", lambda t: ag_or_torch(t).block_diag(t, t[:1])),
             ("cartesian_prod", lambda t: ag_or_torch(t).cartesian_prod(t[0], t[1])),
             ("stft_abs", lambda t: ag_or_torch(t).stft(t.reshape(-1).repeat(2), 4, hop_length=2, return_complex=True,
                                                        window=None, center=False).abs()),
             ("fft_rfft", lambda t: ag_or_torch(t).view_as_real(ag_or_torch(t).fft.rfft(t))),
             ("fft_irfft", lambda t: ag_or_torch(t).fft.irfft(ag_or_torch(t).fft.rfft(t), n=3)),
             ("fft_fft2", lambda t: ag_or_torch(t).view_as_real(ag_or_torch(t).fft.fft2(t)))]
# name, fn(F, *inputs) with F the library's nn.functional, the input shapes (positive inputs where the op needs them)
FUNCTIONAL = [
    ("mse_loss", lambda F, a, b: F.mse_loss(a, b), [(2, 3), (2, 3)]),
    ("l1_loss", lambda F, a, b: F.l1_loss(a, b, reduction="sum"), [(2, 3), (2, 3)]),
    ("smooth_l1_loss", lambda F, a, b: F.smooth_l1_loss(a, b, beta=0.5), [(2, 3), (2, 3)]),
    ("huber_loss", lambda F, a, b: F.huber_loss(a, b, delta=0.7), [(2, 3), (2, 3)]),
    ("bce_with_logits", lambda F, a, b: F.binary_cross_entropy_with_logits(a, b.sigmoid()), [(2, 3), (2, 3)]),
    ("bce", lambda F, a, b: F.binary_cross_entropy(a.sigmoid(), b.sigmoid()), [(2, 3), (2, 3)]),
    ("cross_entropy", lambda F, a: F.cross_entropy(a, a.new_tensor([2, 0]).long()), [(2, 3)]),
    ("cross_entropy_smooth", lambda F, a: F.cross_entropy(a, a.new_tensor([2, 0]).long(), label_smoothing=0.2),
     [(2, 3)]),
    ("cross_entropy_soft", lambda F, a, b: F.cross_entropy(a, b.softmax(-1)), [(2, 3), (2, 3)]),
    ("nll_loss", lambda F, a: F.nll_loss(a.log_softmax(-1), a.new_tensor([1, 1]).long()), [(2, 3)]),
    ("kl_div", lambda F, a, b: F.kl_div(a.log_softmax(-1), b.softmax(-1), reduction="batchmean"), [(2, 3), (2, 3)]),
    ("kl_div_log_target", lambda F, a, b: F.kl_div(a, b, reduction="sum", log_target=True), [(2, 3), (2, 3)]),
    ("poisson_nll", lambda F, a, b: F.poisson_nll_loss(a, b.abs()), [(2, 3), (2, 3)]),
    ("gaussian_nll", lambda F, a, b, c: F.gaussian_nll_loss(a, b, c.abs() + 0.1), [(2, 3), (2, 3), (2, 3)]),
    ("soft_margin", lambda F, a, b: F.soft_margin_loss(a, b.sign()), [(2, 3), (2, 3)]),
    ("margin_ranking", lambda F, a, b: F.margin_ranking_loss(a, b, a.new_tensor([1.0, -1.0, 1.0]), margin=0.1),
     [(3,), (3,)]),
    ("cosine_similarity", lambda F, a, b: F.cosine_similarity(a, b), [(2, 3), (2, 3)]),
    ("pairwise_distance", lambda F, a, b: F.pairwise_distance(a, b), [(2, 3), (2, 3)]),
    ("layer_norm", lambda F, a, w, b: F.layer_norm(a, (3,), w, b), [(2, 3), (3,), (3,)]),
    ("group_norm", lambda F, a, w, b: F.group_norm(a, 2, w, b), [(2, 4, 3), (4,), (4,)]),
    ("batch_norm_train", lambda F, a, w, b: F.batch_norm(a, None, None, w, b, training=True), [(3, 2), (2,), (2,)]),
    ("instance_norm", lambda F, a: F.instance_norm(a), [(2, 2, 4)]),
    ("rms_norm", lambda F, a, w: F.rms_norm(a, (3,), w), [(2, 3), (3,)]),
    ("local_response_norm", lambda F, a: F.local_response_norm(a, 2), [(1, 3, 4)]),
    ("normalize_p1", lambda F, a: F.normalize(a, p=1.0, dim=0), [(2, 3)]),
    ("conv1d", lambda F, a, w, b: F.conv1d(a, w, b, padding=1), [(1, 2, 5), (3, 2, 3), (3,)]),
    ("conv2d", lambda F, a, w: F.conv2d(a, w, stride=2, padding=1), [(1, 2, 4, 4), (2, 2, 3, 3)]),
    ("conv2d_groups", lambda F, a, w: F.conv2d(a, w, groups=2), [(1, 2, 3, 3), (2, 1, 2, 2)]),
    ("conv_transpose2d", lambda F, a, w: F.conv_transpose2d(a, w, stride=2), [(1, 2, 2, 2), (2, 1, 3, 3)]),
    ("avg_pool2d", lambda F, a: F.avg_pool2d(a, 2, padding=1, count_include_pad=False), [(1, 1, 3, 3)]),
    ("max_pool2d", lambda F, a: F.max_pool2d(a, 2), [(1, 1, 4, 4)]),
    ("lp_pool1d", lambda F, a: F.lp_pool1d(a.abs() + 0.1, 2.0, 2), [(1, 2, 4)]),
    ("adaptive_avg_pool2d", lambda F, a: F.adaptive_avg_pool2d(a, (2, 1)), [(1, 1, 3, 3)]),
    ("adaptive_max_pool1d", lambda F, a: F.adaptive_max_pool1d(a, 2), [(1, 2, 5)]),
    ("interpolate_bilinear", lambda F, a: F.interpolate(a, scale_factor=2, mode="bilinear"), [(1, 1, 2, 3)]),
    ("interpolate_bicubic", lambda F, a: F.interpolate(a, size=(3, 4), mode="bicubic", align_corners=True),
     [(1, 1, 2, 3)]),
    ("pad_reflect", lambda F, a: F.pad(a, (1, 2), mode="reflect"), [(1, 2, 4)]),
    ("embedding", lambda F, w: F.embedding(w.new_tensor([[0, 2], [2, 2]]).long(), w), [(3, 2)]),
    ("linear", lambda F, a, w, b: F.linear(a, w, b), [(2, 3), (4, 3), (4,)]),
    ("bilinear", lambda F, a, b, w: F.bilinear(a, b, w), [(2, 3), (2, 2), (4, 3, 2)]),
    ("scaled_dot_product_attention", lambda F, q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
     [(1, 3, 2), (1, 3, 2), (1, 3, 2)]),
    ("grid_sample", lambda F, a, g: F.grid_sample(a, g.tanh(), align_corners=False), [(1, 1, 3, 3), (1, 2, 2, 2)]),
    ("pdist", lambda F, a: F.pdist(a), [(3, 2)]),
]
LINALG = [("det", lambda L, a: L.det(a)), ("inv", lambda L, a: L.inv(a)), ("slogdet", lambda L, a: L.slogdet(a)),
          ("solve", lambda L, a: L.solve(a, a.flip(0))), ("matrix_exp", lambda L, a: L.matrix_exp(a)),
          ("matrix_norm", lambda L, a: L.matrix_norm(a)), ("matrix_norm_nuc", lambda L, a: L.matrix_norm(a, "nuc")),
          ("vector_norm_3", lambda L, a: L.vector_norm(a, 3)), ("pinv", lambda L, a: L.pinv(a)),
          ("svdvals", lambda L, a: L.svdvals(a)), ("eigvalsh", lambda L, a: L.eigvalsh(a + a.mT)),
          ("cholesky", lambda L, a: L.cholesky(a @ a.mT + a.new_tensor(np.eye(3)))),
          ("qr_r", lambda L, a: L.qr(a)[1]), ("matrix_power", lambda L, a: L.matrix_power(a, 3)),
          ("lstsq", lambda L, a: L.lstsq(a, a[:, :1]).solution), ("cond", lambda L, a: L.cond(a)),
          ("multi_dot", lambda L, a: L.multi_dot([a, a.mT, a])), ("cross", lambda L, a: L.cross(a, a.flip(0)))]
# the ops added since this sweep was written (stop 50), kept in their own file
UNARY = UNARY + grad_table.UNARY
COMPLEX_UNARY = COMPLEX_UNARY + grad_table.COMPLEX_UNARY
BINARY = BINARY + grad_table.BINARY
COMPLEX_BINARY = COMPLEX_BINARY + grad_table.COMPLEX_BINARY
REDUCTIONS = REDUCTIONS + grad_table.REDUCTIONS
SHAPE_OPS = SHAPE_OPS + grad_table.SHAPE_OPS
FUNCTIONAL = FUNCTIONAL + grad_table.FUNCTIONAL
SHAPES = ((2, 3), (), (0, 3))
BROADCAST = (((2, 3), (3,)), ((), (2,)), ((2, 1), (1, 3)), ((0, 3), (3,)))


def ag_or_torch(t):
    """The library of tensor `t` (for the functions that are not methods)."""
    return ag if isinstance(t, ag.Tensor) else __import__("torch")


def _values(shape, seed, dtype):
    """Seeded values with the awkward points first: 0, 1, -1, 0.5, 2, -1.5, then one-decimal randoms."""
    count = int(np.prod(shape, dtype=np.int64))
    special = np.array([0.0, 1.0, -1.0, 0.5, 2.0, -1.5])
    rng = np.random.default_rng(seed)
    values = np.concatenate([np.roll(special, seed), np.round(rng.uniform(-2, 2, max(count, 0)), 1)])[:count]
    values = values.reshape(shape)
    if dtype == "complex128":
        values = values + 1j * np.round(rng.uniform(-2, 2, shape), 1)
    return values.astype(dtype)


def _functional(lib):
    """The library's nn.functional."""
    return __import__("nn").functional if lib is ag else lib.nn.functional


def _call(lib, name, args, kwargs):
    target = lib
    if lib is ag and name.startswith("nn."):   # deepgrad's nn is a package of its own, not autograd.nn
        target, name = __import__("nn"), name[3:]
    for part in name.split("."):
        target = getattr(target, part)
    return target(*args, **kwargs)


def _derivatives(lib, fn, arrays):
    """fn's result, the gradient of a weighted sum of it for every input, and the gradient of a weighted sum of
    those gradients (second derivatives; zeros where a gradient does not depend on the inputs)."""
    inputs = [lib.tensor(a, requires_grad=True) for a in arrays]
    result = fn(lib, *inputs)
    outputs = [r for r in (result if isinstance(result, (tuple, list)) else [result])
               if r.is_floating_point() or r.is_complex()]
    loss = 0
    for k, out in enumerate(outputs):
        weights = lib.tensor(np.linspace(0.5, 1.5, max(out.numel(), 1))[:out.numel()].reshape(tuple(out.shape)))
        loss = loss + ((out * weights).real if out.is_complex() else out * weights).sum() * (k + 1)
    if not getattr(loss, "requires_grad", False):
        return [o.detach() for o in outputs]
    grads = lib.autograd.grad(loss, inputs, create_graph=True, allow_unused=True)
    grads = [lib.zeros_like(x) if g is None else g for x, g in zip(inputs, grads)]
    second = sum((((g * g.conj()).real if g.is_complex() else g * g) * 0.5).sum() for g in grads
                 if g.requires_grad)
    if getattr(second, "requires_grad", False):
        seconds = lib.autograd.grad(second, inputs, allow_unused=True)
        seconds = [lib.zeros_like(x) if s is None else s for x, s in zip(inputs, seconds)]
    else:
        seconds = [lib.zeros_like(x) for x in inputs]
    return [_plain(lib, t) for t in outputs + grads + list(seconds)]


def _plain(lib, t):
    """`t` detached, with PyTorch's lazy all-zero gradient tensors made ordinary ones."""
    if getattr(t, "_is_zerotensor", lambda: False)():
        return lib.zeros(tuple(t.shape), dtype=t.dtype)
    return t.detach()


def _check(torch, where, fn, arrays):
    return compared(where, lambda: _derivatives(torch, fn, arrays), lambda: _derivatives(ag, fn, arrays))


def lines(torch, names=None):
    """What differs, one line each, for the ops named in `names` (all by default)."""
    def picked(table):
        return [row for row in table if names is None or (row if isinstance(row, str) else row[0]) in names]

    found = []
    for dtype, table in (("float64", UNARY), ("complex128", COMPLEX_UNARY)):
        for name, shape in itertools.product(picked(table), SHAPES):
            found += _check(torch, f"{name}({dtype}{list(shape)})",
                            lambda lib, x: _call(lib, name, (x,), {}), [_values(shape, 1, dtype)])
    for dtype, table in (("float64", BINARY), ("complex128", COMPLEX_BINARY)):
        for name, (sa, sb) in itertools.product(picked(table), BROADCAST):
            found += _check(torch, f"{name}({dtype}{list(sa)}, {dtype}{list(sb)})",
                            lambda lib, a, b: _call(lib, name, (a, b), {}),
                            [_values(sa, 2, dtype), _values(sb, 3, dtype)])
    for (name, kwargs), shape in itertools.product(picked(REDUCTIONS), ((2, 3), (3, 3))):
        found += _check(torch, f"{name}(float64{list(shape)}, {kwargs})",
                        lambda lib, x: _call(lib, name, (x,), kwargs), [_values(shape, 4, "float64")])
    for (name, kwargs), shape in itertools.product(picked(ACTIVATIONS), ((2, 4), ())):
        if name == "glu" and not shape:
            continue
        found += _check(torch, f"F.{name}(float64{list(shape)}, {kwargs})",
                        lambda lib, x: _call(lib, f"nn.functional.{name}", (x,), kwargs),
                        [_values(shape, 5, "float64")])
    for name, fn, shapes in picked(FUNCTIONAL):
        found += _check(torch, f"F.{name}(float64{shapes})",
                        lambda lib, *xs: fn(_functional(lib), *xs),
                        [_values(shape, 7 + k, "float64") for k, shape in enumerate(shapes)])
    for name, fn in picked(LINALG):
        found += _check(torch, f"linalg.{name}(float64[3, 3])", lambda lib, a: fn(lib.linalg, a),
                        [_values((3, 3), 8, "float64") + 3 * np.eye(3)])
    for name, fn in picked(SHAPE_OPS):
        found += _check(torch, f"{name}(float64[2, 3])", lambda lib, x: fn(x), [_values((2, 3), 6, "float64")])
    for name, fn in picked(grad_table.MATRIX):
        found += _check(torch, f"{name}(float64[3, 3])", lambda lib, a: fn(lib, a),
                        [_values((3, 3), 8, "float64") + 3 * np.eye(3)])
    return found
