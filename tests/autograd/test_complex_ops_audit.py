"""The audit of the op surface on complex input, against PyTorch: every op PyTorch computes on complex128 gives
PyTorch's values, dtype and gradient (of the real loss Re(sum(conj(W) out))) on each device, a representative
subset passes gradcheck, and every op PyTorch refuses for complex input is refused here too, by a TypeError or
RuntimeError that names the op (never a silent result, a NumPy traceback or a ComplexWarning). In-place ops keep
PyTorch's dtype rules (a complex result never goes into a real tensor), and conversions, creation and printing
of complex tensors match."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.helpers import require_torch

RNG = np.random.default_rng(11)


def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


Z, W = _c(3, 4), _c(3, 4)
SPECIAL = np.array([[complex(np.nan, 1), complex(1, np.inf), 0, 0], [complex(-np.inf, np.nan), 0, 0, 0], [0] * 4])
IDX = np.array([[0, 1, 2, 0], [2, 2, 0, 1], [1, 0, 0, 2]])


def _fn(m):
    """nn.functional for deepgrad, torch.nn.functional for torch."""
    return F if m is ag else m.nn.functional


def _i(m, values, device):
    return m.tensor(values) if m is not ag else ag.tensor(values, device=device)


#: name -> f(m, z, w, device): z, w complex (3, 4) leaves requiring grad; returns a tensor or a tuple of them
OPS = {
    "expm1": lambda m, z, w, d: m.expm1(z) + m.special.expm1(w),
    "sinc": lambda m, z, w, d: m.sinc(z) + m.sinc(z * 0),
    "acosh": lambda m, z, w, d: m.acosh(z) + m.arccosh(-w),
    "log2_log10_exp2": lambda m, z, w, d: m.log2(z) + m.log10(w) + m.exp2(z),
    "sqrt_rsqrt_reciprocal_square": lambda m, z, w, d: m.sqrt(z) + m.rsqrt(w) + m.reciprocal(z) + m.square(w),
    "logsumexp": lambda m, z, w, d: m.stack([m.logsumexp(z, 1), m.special.logsumexp(w, 1), z.logsumexp(0)[:3]]),
    "logcumsumexp": lambda m, z, w, d: m.logcumsumexp(z, 1) + m.logcumsumexp(w, 0),
    "logaddexp": lambda m, z, w, d: m.logaddexp(z, w),
    "float_power": lambda m, z, w, d: m.float_power(z, 2) + m.float_power(z.real + 2, w),
    "silu": lambda m, z, w, d: _fn(m).silu(z),
    "scatter_add": lambda m, z, w, d: m.scatter_add(z, 0, _i(m, IDX, d), w),
    "scatter": lambda m, z, w, d: m.scatter(z, 0, _i(m, IDX[:1], d), w[:1]),
    "scatter_reduce": lambda m, z, w, d: m.stack([m.scatter_reduce(z, 0, _i(m, IDX, d), w, r) for r in
                                                  ("sum", "mean", "prod")]),
    "index_add_copy": lambda m, z, w, d: m.index_add(z, 0, _i(m, [2, 0, 1], d), w, alpha=2)
    + m.index_copy(z, 1, _i(m, [3, 0], d), w[:, :2]),
    "index_reduce": lambda m, z, w, d: m.index_reduce(z, 0, _i(m, [2, 0, 2], d), w, "prod"),
    "embedding": lambda m, z, w, d: _fn(m).embedding(_i(m, [[0, 2], [1, 1]], d), z),
    "cov_corrcoef": lambda m, z, w, d: m.cat([m.cov(z), m.corrcoef(w)]),
    "dist": lambda m, z, w, d: m.stack([m.dist(z, w), m.dist(z, w, 1), m.dist(z, w, 3)]),
    "pairwise_triplet": lambda m, z, w, d: m.cat([_fn(m).pairwise_distance(z, w),
                                                  _fn(m).triplet_margin_loss(z, w, z * 2)[None]]),
    "normalize_renorm": lambda m, z, w, d: _fn(m).normalize(z) + m.renorm(w, 2, 0, 1.0),
    "rms_norm": lambda m, z, w, d: _fn(m).rms_norm(z, (4,)),
    "soft_margin_loss": lambda m, z, w, d: _fn(m).soft_margin_loss(z, w.detach()),
    "gaussian_nll_loss": lambda m, z, w, d: _fn(m).gaussian_nll_loss(z, w, z.real.detach().abs() + 0.5),
    "vander": lambda m, z, w, d: m.vander(z[0].detach(), 3),
    "adaptive_avg_pool": lambda m, z, w, d: _fn(m).adaptive_avg_pool1d(z[None], 1)[0]
    + _fn(m).adaptive_avg_pool2d(w[None, None], 1)[0, 0] + _fn(m).adaptive_avg_pool3d(z[None, None], 1)[0, 0, 0],
    "conv1d": lambda m, z, w, d: _fn(m).conv1d(z[None], w[:, :3, None], w[0, :3], padding=1),
    "conv2d": lambda m, z, w, d: _fn(m).conv2d(z[None, None], w[None, None, :2, :2], padding=1),
    "conv_transpose": lambda m, z, w, d: m.cat([
        _fn(m).conv_transpose1d(z[None], w[:, None, :2], stride=2)[0].reshape(-1),
        _fn(m).conv_transpose2d(z[None, None], w[None, None, :2, :2], stride=2).reshape(-1)]),
    "nan_to_num": lambda m, z, w, d: m.nan_to_num(_i(m, SPECIAL, d), nan=0.5, posinf=9.0, neginf=-9.0)
    + m.nan_to_num(w) + m.nan_to_num(z, neginf=-1.0),
    "reductions_with_dtype": lambda m, z, w, d: m.stack([m.sum(z, 1, dtype=m.complex128),
                                                         z.mean(0, dtype=m.complex128)[:3],
                                                         m.cumsum(w, 1, dtype=m.complex128)[:, 0],
                                                         m.sum(z.real.detach(), 1, dtype=m.complex128)]),
    "std_var_mean": lambda m, z, w, d: m.cat([m.stack(m.std_mean(z, 1)), m.stack(m.var_mean(w, 1))]),
    "products": lambda m, z, w, d: m.cat([m.kron(z[:2, :2], w[:2, :2]).reshape(-1),
                                          m.tensordot(z, w.T, 1).reshape(-1),
                                          m.outer(z[0], w[1]).reshape(-1), m.trace(z)[None],
                                          m.inner(z, w).reshape(-1), m.addmm(z[:, :3], z, w.T).reshape(-1)]),
    "shapes": lambda m, z, w, d: m.cat([m.tril(z, -1), m.triu(w, 1), m.roll(z, (1, 2), (0, 1)),
                                        m.diff(z, 1, 0), z.repeat(1, 1)[1:], m.tile(w, (1,))]),
    "selections": lambda m, z, w, d: m.cat([m.narrow(z, 1, 1, 2).reshape(-1), z.select(1, 0),
                                            m.index_select(z, 0, _i(m, [2, 0], d)).reshape(-1),
                                            m.take(w, _i(m, [0, 5, 11], d)),
                                            m.gather(w, 1, _i(m, IDX[:, :2], d)).reshape(-1),
                                            m.masked_select(z, w.real > 0), m.cat(m.chunk(z, 2, 1), 0).reshape(-1),
                                            m.stack(m.unbind(w, 1)).reshape(-1)]),
    "views": lambda m, z, w, d: m.cat([z.flatten(), w.unflatten(1, (2, 2)).reshape(-1), m.movedim(z, 0, 1).reshape(-1),
                                       z.t().contiguous().reshape(-1), z.clone().reshape(-1)]),
    "masked_fill_where": lambda m, z, w, d: z.masked_fill(w.real > 0, 1 + 2j) + m.where(z.real > 0, w, 0.0),
    "pad_dropout_linear": lambda m, z, w, d: _fn(m).pad(z, (1, 2)).sum(1) + _fn(m).dropout(w, 0.0).sum(1)
    + _fn(m).linear(z, w, w[:, 0]).sum(1),
    "bilinear": lambda m, z, w, d: _fn(m).bilinear(z, w, m.cat([z, w[:1]]).reshape(1, 4, 4) * w[0, 0], z[0, :1]),
}

#: ops PyTorch computes on complex input but does not differentiate there ("does not support automatic
#: differentiation for outputs with complex dtype"): their values are compared with PyTorch's, their gradients
#: (which deepgrad has) are checked by gradcheck
FORWARD_ONLY_IN_TORCH = {"bilinear", "embedding", "index_reduce", "nan_to_num", "scatter_reduce", "silu",
                         "soft_margin_loss"}
#: the subset checked by gradcheck (finite differences on both parts)
GRADCHECKED = ["expm1", "sinc", "acosh", "logsumexp", "logcumsumexp", "logaddexp", "scatter_add", "cov_corrcoef",
               "dist", "conv2d", "rms_norm", "adaptive_avg_pool"] + sorted(FORWARD_ONLY_IN_TORCH)


def _out_arrays(out, torch):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    return [o.detach().resolve_conj().numpy() if isinstance(o, torch.Tensor) else o.detach().numpy() for o in outs]


def _loss(m, out, device):
    outs = out if isinstance(out, (tuple, list)) else (out,)
    rng = np.random.default_rng(5)
    total = 0
    for o in outs:
        w = rng.standard_normal(tuple(o.shape)) + 1j * rng.standard_normal(tuple(o.shape))
        weight = m.tensor(w) if m is not ag else ag.tensor(w, device=device)
        total = total + ((o * weight.conj()).real.sum() if o.is_complex() else (o * weight.real).sum())
    return total


@pytest.mark.parametrize("name", sorted(OPS))
def test_complex_op_matches_torch(name, device):
    torch = require_torch()
    results = []
    differentiate = name not in FORWARD_ONLY_IN_TORCH
    for m in (torch, ag):
        z = torch.tensor(Z, requires_grad=differentiate) if m is torch else ag.tensor(Z, requires_grad=differentiate,
                                                                                       device=device)
        w = torch.tensor(W, requires_grad=differentiate) if m is torch else ag.tensor(W, requires_grad=differentiate,
                                                                                       device=device)
        with warnings.catch_warnings():
            warnings.simplefilter("error" if m is ag else "ignore")   # no ComplexWarning (nor any other) on our way
            out = OPS[name](m, z, w, device)
            dtypes = [str(o.dtype).split(".")[-1] for o in (out if isinstance(out, (tuple, list)) else (out,))]
            grads = (None, None)
            if any(o.requires_grad for o in (out if isinstance(out, (tuple, list)) else (out,))):
                grads = m.autograd.grad(_loss(m, out, device), (z, w), allow_unused=True)
        grads = [None if g is None else (g.resolve_conj().numpy() if m is torch else g.numpy()) for g in grads]
        results.append((_out_arrays(out, torch), dtypes, grads))
    (theirs, their_dtypes, their_grads), (ours, our_dtypes, our_grads) = results
    assert our_dtypes == their_dtypes
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    for a, b in zip(our_grads, their_grads):
        if b is None or a is None:
            assert not np.any(a if a is not None else 0) and not np.any(b if b is not None else 0)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", GRADCHECKED)
def test_complex_gradients_pass_gradcheck(name):
    z = ag.tensor(Z + 0.3, requires_grad=True)
    w = ag.tensor(W, requires_grad=name != "soft_margin_loss")   # its target is not differentiated
    assert ag.gradcheck(lambda z, w: OPS[name](ag, z, w, "cpu"), (z, w), raise_exception=True)


#: name -> f(m, z): PyTorch refuses each for complex z; deepgrad must too, naming the op (the second item)
REFUSED = {
    "deg2rad": (lambda m, z: m.deg2rad(z), "deg2rad"),
    "rad2deg": (lambda m, z: z.rad2deg(), "rad2deg"),
    "hypot": (lambda m, z: m.hypot(z, z), "hypot"),
    "logit": (lambda m, z: m.logit(z), "logit"),
    "special.logit": (lambda m, z: m.special.logit(z), "logit"),
    "nansum": (lambda m, z: m.nansum(z), "nansum"),
    "isin": (lambda m, z: m.isin(z, z), "isin"),
    "randint_like": (lambda m, z: m.randint_like(z, 5), "randint_like"),
    "abs_": (lambda m, z: z.detach().abs_(), "abs_"),
    "absolute_": (lambda m, z: z.detach().absolute_(), "abs"),
    "cauchy_": (lambda m, z: z.detach().cauchy_(), "cauchy_"),
    "exponential_": (lambda m, z: z.detach().exponential_(), "exponential_"),
    "log_normal_": (lambda m, z: z.detach().log_normal_(), "log_normal_"),
    "geometric_": (lambda m, z: z.detach().geometric_(0.5), "geometric_"),
    "random_": (lambda m, z: z.detach().random_(), "random_"),
    "huber_loss": (lambda m, z: _fn(m).huber_loss(z, z), "huber_loss"),
    "smooth_l1_loss": (lambda m, z: _fn(m).smooth_l1_loss(z, z), "smooth_l1_loss"),
    "gaussian_nll_loss complex var": (lambda m, z: _fn(m).gaussian_nll_loss(z, z, z), "gaussian_nll_loss"),
    "nll_loss": (lambda m, z: _fn(m).nll_loss(z, m.tensor([0, 1, 2])), "nll_loss"),
    "multilabel_soft_margin_loss": (lambda m, z: _fn(m).multilabel_soft_margin_loss(z, z.real),
                                    "multilabel_soft_margin"),
    "glu": (lambda m, z: _fn(m).glu(z), "glu"),
    "threshold": (lambda m, z: _fn(m).threshold(z, 0.1, 2.0), "threshold"),
    "relu": (lambda m, z: m.relu(z), "relu"),
    "sort": (lambda m, z: m.sort(z), "sort"),
    "avg_pool3d": (lambda m, z: _fn(m).avg_pool3d(z[None, None, None], 1), "avg_pool3d"),
    "adaptive_avg_pool3d to 2": (lambda m, z: _fn(m).adaptive_avg_pool3d(z[None, None, None].expand(1, 2, 2, 3, 4), 2),
                                 "adaptive_avg_pool3d"),
    "adaptive_avg_pool2d to 2": (lambda m, z: _fn(m).adaptive_avg_pool2d(z[None, None], 2), "adaptive_avg_pool2d"),
    "local_response_norm": (lambda m, z: _fn(m).local_response_norm(z[None, None], 2), "local_response_norm"),
    "embedding_bag": (lambda m, z: _fn(m).embedding_bag(m.tensor([[0, 2]]), z), "embedding_bag"),
    "scatter_reduce amax": (lambda m, z: m.scatter_reduce(z, 0, m.tensor(IDX), z, "amax"), "scatter_reduce"),
    "scatter real src": (lambda m, z: m.scatter_add(z, 0, m.tensor(IDX), z.real), "scatter_add"),
    "conv1d real weight": (lambda m, z: _fn(m).conv1d(z[None], z.real[:, :, None]), "conv1d"),
    "lerp real weight": (lambda m, z: m.lerp(z, z, z.real), "lerp"),
    "masked_fill complex into real": (lambda m, z: z.real.masked_fill(z.real > 0, 1j), "masked_fill"),
    "full complex into float": (lambda m, z: m.full((2,), 1j, dtype=m.float64), "full"),
    "full_like complex into float": (lambda m, z: m.full_like(z.real, 1 + 2j), "full"),
    "arange complex": (lambda m, z: m.arange(3, dtype=m.complex64), "arange"),
    "clamp": (lambda m, z: m.clamp(z, 0, 1), "cl"),
    "cummax": (lambda m, z: m.cummax(z, 0), "cummax"),
    "softmax": (lambda m, z: m.softmax(z, 0), "softmax"),
    "floor": (lambda m, z: m.floor(z), "floor"),
    "maximum": (lambda m, z: m.maximum(z, z), "maximum"),
    "cdist": (lambda m, z: m.cdist(z, z), "cdist"),
    "F.layer_norm": (lambda m, z: _fn(m).layer_norm(z, (4,)), "layer_norm"),
    "F.avg_pool2d": (lambda m, z: _fn(m).avg_pool2d(z[None, None], 2), "avg_pool2d"),
    "F.interpolate": (lambda m, z: _fn(m).interpolate(z[None], scale_factor=2), "interpolate"),
    "F.mse_loss": (lambda m, z: _fn(m).mse_loss(z, z), "mse_loss"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_ops_torch_refuses_are_refused_by_name(name, device):
    torch = require_torch()
    make, op = REFUSED[name]
    with pytest.raises((RuntimeError, TypeError, NotImplementedError)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            make(torch, torch.tensor(Z, requires_grad=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a NumPy ComplexWarning would be a silent cast
        with pytest.raises((TypeError, RuntimeError)) as info:
            make(ag, ag.tensor(Z, requires_grad=True, device=device))
    assert op in str(info.value), str(info.value)
    assert "ufunc" not in str(info.value)


IN_PLACE = {   # name -> f(m, z, x): z complex (3, 4), x float64 (3, 4), both without gradient
    "add_ real": lambda m, z, x: z.clone().add_(x),
    "mul_ complex number": lambda m, z, x: z.clone().mul_(1j),
    "copy_ real into complex": lambda m, z, x: z.clone().copy_(x),
    "fill_": lambda m, z, x: z.clone().fill_(2 - 1j),
    "zero_": lambda m, z, x: z.clone().zero_(),
    "masked_fill_": lambda m, z, x: z.clone().masked_fill_(x > 0, 1 + 1j),
    "index_put_": lambda m, z, x: z.clone().index_put_((m.tensor([0, 2]),), m.tensor([[1j], [2j]], dtype=m.complex128)),
    "index_put_ accumulate": lambda m, z, x: z.clone().index_put_((m.tensor([0, 0]),),
                                                                  m.tensor([[1j], [2j]], dtype=m.complex128),
                                                                  accumulate=True),
    "setitem": lambda m, z, x: _set(z.clone(), (1, slice(0, 2)), 3 - 2j),
    "float_power_": lambda m, z, x: z.clone().float_power_(2),
    "expm1_ sinc_": lambda m, z, x: z.clone().expm1_().sinc_(),
    "scatter_add_ index_add_": lambda m, z, x: z.clone().scatter_add_(0, m.tensor(IDX), z).index_add_(1, m.tensor([0]),
                                                                                                   z[:, :1]),
    "fill_diagonal_": lambda m, z, x: z.clone().fill_diagonal_(1 + 1j),
}
IN_PLACE_REFUSED = {   # PyTorch refuses a complex result stored into a real tensor
    "add_": lambda m, z, x: x.clone().add_(z),
    "mul_": lambda m, z, x: x.clone().mul_(1j),
    "sub_": lambda m, z, x: x.clone().sub_(z),
    "div_": lambda m, z, x: x.clone().div_(z),
    "fill_": lambda m, z, x: x.clone().fill_(1j),
    "masked_fill_": lambda m, z, x: x.clone().masked_fill_(x > 0, 1j),
    "index_put_": lambda m, z, x: x.clone().index_put_((m.tensor([0]),), m.tensor([[1j] * 4])),
    "setitem": lambda m, z, x: _set(x.clone(), 0, 1j),
    "index_add_": lambda m, z, x: x.clone().index_add_(0, m.tensor([0]), z[:1]),
    "scatter_": lambda m, z, x: x.clone().scatter_(0, m.tensor(IDX[:1]), z[:1]),
    "addcmul_": lambda m, z, x: x.clone().addcmul_(z, z),
    "float_power_ real": lambda m, z, x: x.clone().float_power_(z),
}


def _set(t, index, value):
    t[index] = value
    return t


@pytest.mark.parametrize("name", sorted(IN_PLACE))
def test_in_place_ops_on_complex_tensors_match_torch(name):
    torch = require_torch()
    x = np.abs(Z.real) - 0.5
    ours = IN_PLACE[name](ag, ag.tensor(Z), ag.tensor(x))
    theirs = IN_PLACE[name](torch, torch.tensor(Z), torch.tensor(x))
    assert str(ours.dtype) == str(theirs.dtype).split(".")[-1]
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", sorted(IN_PLACE_REFUSED))
def test_complex_results_are_never_stored_into_real_tensors(name):
    torch = require_torch()
    with pytest.raises(RuntimeError):
        IN_PLACE_REFUSED[name](torch, torch.tensor(Z), torch.tensor(Z.real))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TypeError, match=name.split()[0].rstrip("_").replace("setitem", "setitem")):
            IN_PLACE_REFUSED[name](ag, ag.tensor(Z), ag.tensor(Z.real))


def test_copying_complex_into_real_keeps_the_real_part_with_torchs_warning():
    x = ag.zeros(2, dtype=ag.float64)
    with pytest.warns(UserWarning, match="discards the imaginary part"):
        x.copy_(ag.tensor([1 + 2j, 3 - 1j]))
    assert x.tolist() == [1.0, 3.0]


def test_random_fills_of_complex_tensors_draw_both_parts_as_torch():
    ag.manual_seed(0)
    z = ag.zeros(20000, dtype=ag.complex128)
    z.normal_(5.0, 2.0)
    for part in (z.real, z.imag):   # each part N(mean, std**2 / 2), as PyTorch's
        assert abs(part.mean().item() - 5.0) < 0.05 and abs(part.std().item() - 2 ** 0.5) < 0.05
    z.uniform_(2.0, 3.0)
    assert 2.0 <= z.real.min().item() and z.imag.max().item() < 3.0 and z.imag.min().item() >= 2.0
    for make in (ag.randn_like, ag.rand_like, lambda t: ag.normal(t)):
        assert make(z).dtype == ag.complex128 and make(z).imag.abs().sum().item() > 0


def test_conversions_and_predicates_match_torch(device):
    torch = require_torch()
    ours, theirs = ag.tensor(Z, device=device), torch.tensor(Z)
    assert ours[1, 2].item() == theirs[1, 2].item() and isinstance(ours[1, 2].item(), complex)
    assert ours.tolist() == theirs.tolist()
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    assert ag.is_complex(ours) and not ag.is_floating_point(ours) and ours.is_signed() and ag.is_signed(ours)
    moved = ours.to("numba" if device == "cpu" else "cpu")
    assert moved.dtype == ag.complex128 and moved.tolist() == theirs.tolist()
    assert ag.linspace(0, 1 + 1j, 3).dtype == ag.complex64
    assert str(ag.full_like(ours, 1 + 2j).dtype) == "complex128"
    assert ag.zeros_like(ours).dtype == ours.dtype and ag.ones_like(ours).sum().item() == 12


@pytest.mark.parametrize("options", [{}, {"precision": 2}, {"threshold": 5, "edgeitems": 2}, {"sci_mode": True},
                                     {"linewidth": 40}])
def test_2d_and_summarised_complex_tensors_print_as_torch(options):
    torch = require_torch()
    arrays = [Z, _c(40, 50), _c(2000), np.array([[1e-8 + 1e5j, 3 + 4j], [complex(np.inf, -1), complex(np.nan, 2)]]),
              _c(2, 2, 3).astype(np.complex64)]
    torch.set_printoptions(**options)
    ag.set_printoptions(**options)
    try:
        for a in arrays:
            assert repr(ag.tensor(a)) == repr(torch.tensor(a)).replace("torch.", "")
    finally:
        torch.set_printoptions(profile="default")
        ag.set_printoptions(profile="default")
