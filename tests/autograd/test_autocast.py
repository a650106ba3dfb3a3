"""ag.autocast: the op-by-op dtypes and values against torch.autocast("cpu", dtype=torch.float16), gradients
back to float32 leaves, nesting, the decorator, thread-locality, the disabled path, and the cuda op list."""
import threading
import warnings

import numpy as np
import pytest

import autograd as ag
import backends
import nn
import nn.functional as F
from autograd import autocast_state
from autograd.bf16_dtype import bfloat16_available
from autograd.amp import policy
from tests.helpers import torch

F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
rng = np.random.default_rng(0)


def _r(*shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


A, V, B3, H = _r(4, 4), _r(4), _r(2, 4, 4), _r(4, 4, dtype=np.float16)
H4, X1, X5 = _r(2, 3, 8, 8, dtype=np.float16), _r(2, 3, 8), _r(1, 2, 4, 4, 4)
POS = np.abs(H) + np.float16(0.5)
PROB = (1 / (1 + np.exp(-A))).astype(np.float16)
T = np.array([0, 1, 2, 3])
SIGN = np.sign(A).astype(np.float32)
ONES, ZEROS = np.ones(4, np.float32), np.zeros(4, np.float32)

# (name, fn(lib, F, *tensors), arrays): lib is autograd or torch, F their functional namespace
CASES = [
    ("matmul", lambda m, F, a, b: a @ b, [A, A]),
    ("mm", lambda m, F, a, b: m.mm(a, b), [A, A]),
    ("bmm", lambda m, F, a, b: m.bmm(a, b), [B3, B3]),
    ("matmul_vectors", lambda m, F, a, b: a @ b, [V, V]),
    ("mv", lambda m, F, a, b: m.mv(a, b), [A, V]),
    ("dot", lambda m, F, a, b: m.dot(a, b), [V, V]),
    ("outer", lambda m, F, a, b: m.outer(a, b), [V, V]),
    ("inner", lambda m, F, a, b: m.inner(a, b), [A, A]),
    ("tensordot", lambda m, F, a, b: m.tensordot(a, b, 1), [A, A]),
    ("einsum", lambda m, F, a, b: m.einsum("ij,jk->ik", a, b), [A, A]),
    ("addmm", lambda m, F, c, a, b: m.addmm(c, a, b), [V, A, A]),
    ("addmv", lambda m, F, c, a, b: m.addmv(c, a, b), [V, A, V]),
    ("baddbmm", lambda m, F, c, a, b: m.baddbmm(c, a, b), [B3, B3, B3]),
    ("mm_float64", lambda m, F, a, b: m.mm(a, b), [A.astype(np.float64)] * 2),
    ("mm_float32_float16", lambda m, F, a, b: m.mm(a, b), [A, H]),
    ("matmul_int", lambda m, F, a, b: a @ b, [T.reshape(2, 2)] * 2),
    ("linear", lambda m, F, x, w, b: F.linear(x, w, b), [A, A, V]),
    ("linear_float16_input", lambda m, F, x, w, b: F.linear(x, w, b), [H, A, V]),
    ("bilinear", lambda m, F, a, b, w: F.bilinear(a, b, w), [A, A, _r(3, 4, 4)]),
    ("conv1d", lambda m, F, x, w: F.conv1d(x, w), [X1, _r(4, 3, 3)]),
    ("conv2d", lambda m, F, x, w, b: F.conv2d(x, w, b), [H4.astype(np.float32), _r(5, 3, 3, 3), _r(5)]),
    ("conv3d", lambda m, F, x, w: F.conv3d(x, w), [X5, _r(3, 2, 2, 2, 2)]),
    ("conv_transpose1d", lambda m, F, x, w: F.conv_transpose1d(x, w), [X1, _r(3, 4, 3)]),
    ("conv_transpose2d", lambda m, F, x, w: F.conv_transpose2d(x, w), [H4.astype(np.float32), _r(3, 4, 3, 3)]),
    ("conv_transpose3d", lambda m, F, x, w: F.conv_transpose3d(x, w), [X5, _r(2, 3, 2, 2, 2)]),
    ("prelu", lambda m, F, x, w: F.prelu(x, w), [A, np.array([0.25], np.float32)]),
    ("scaled_dot_product_attention", lambda m, F, q, k, v: F.scaled_dot_product_attention(q, k, v), [B3] * 3),
    ("softmax", lambda m, F, x: m.softmax(x, 0), [H]),
    ("log_softmax", lambda m, F, x: m.log_softmax(x, 0), [H]),
    ("exp", lambda m, F, x: m.exp(x), [H]),
    ("log", lambda m, F, x: m.log(x), [POS]),
    ("pow", lambda m, F, x: x ** 2, [H]),
    ("sum", lambda m, F, x: x.sum(), [H]),
    ("prod", lambda m, F, x: x.prod(), [H]),
    ("cumsum", lambda m, F, x: x.cumsum(0), [H]),
    ("norm", lambda m, F, x: x.norm(), [H]),
    ("layer_norm", lambda m, F, x: F.layer_norm(x, (4,)), [H]),
    ("layer_norm_float32_params", lambda m, F, x, w, b: F.layer_norm(x, (4,), w, b), [H, ONES, ZEROS]),
    ("group_norm", lambda m, F, x: F.group_norm(x, 1), [H4]),
    ("batch_norm_float32_params", lambda m, F, x, rm, rv, w, b: F.batch_norm(x, rm, rv, w, b),
     [H4, ZEROS[:3], ONES[:3], ONES[:3], ZEROS[:3]]),
    ("mse_loss", lambda m, F, a, b: F.mse_loss(a, b), [H, H[::-1].copy()]),
    ("l1_loss", lambda m, F, a, b: F.l1_loss(a, b), [H, H[::-1].copy()]),
    ("huber_loss", lambda m, F, a, b: F.huber_loss(a, b), [H, H[::-1].copy()]),
    ("smooth_l1_loss", lambda m, F, a, b: F.smooth_l1_loss(a, b), [H, H[::-1].copy()]),
    ("kl_div", lambda m, F, a, b: F.kl_div(a, b, reduction="batchmean"), [H, PROB]),
    ("cross_entropy", lambda m, F, x, t: F.cross_entropy(x, t), [H, T]),
    ("cross_entropy_smoothing", lambda m, F, x, t: F.cross_entropy(x, t, label_smoothing=0.1), [H, T]),
    ("nll_loss", lambda m, F, x, t: F.nll_loss(x, t), [H, T]),
    ("binary_cross_entropy", lambda m, F, p, t: F.binary_cross_entropy(p, t), [PROB, PROB[::-1].copy()]),
    ("binary_cross_entropy_with_logits", lambda m, F, x, t: F.binary_cross_entropy_with_logits(x, t), [H, PROB]),
    ("margin_ranking_loss", lambda m, F, a, b, t: F.margin_ranking_loss(a, b, t),
     [V.astype(np.float16), V[::-1].astype(np.float16), np.sign(V)]),
    ("soft_margin_loss", lambda m, F, x, t: F.soft_margin_loss(x, t), [H, SIGN]),
    ("multi_margin_loss", lambda m, F, x, t: F.multi_margin_loss(x, t), [H, T]),
    ("multilabel_margin_loss", lambda m, F, x, t: F.multilabel_margin_loss(x, t), [H, np.array([[0, 1, -1, 0]] * 4)]),
    ("hinge_embedding_loss", lambda m, F, x, t: F.hinge_embedding_loss(x, t), [H, SIGN]),
    ("cosine_embedding_loss", lambda m, F, a, b, t: F.cosine_embedding_loss(a, b, t), [H, H[::-1].copy(), np.sign(V)]),
    ("triplet_margin_loss", lambda m, F, a, p, n: F.triplet_margin_loss(a, p, n), [H, H[::-1].copy(), H.T.copy()]),
    ("poisson_nll_loss", lambda m, F, x, t: F.poisson_nll_loss(x, t), [H, POS]),
    ("cosine_similarity", lambda m, F, a, b: F.cosine_similarity(a, b), [H, H[::-1].copy()]),
    ("cdist", lambda m, F, a, b: m.cdist(a, b), [H, H[::-1].copy()]),
    ("trace", lambda m, F, x: m.trace(x), [H]),
    ("quantile", lambda m, F, x: m.quantile(x, 0.5), [H]),
    ("cat_mixed", lambda m, F, a, b: m.cat([a, b]), [A, H]),
    ("stack_mixed", lambda m, F, a, b: m.stack([a, b]), [A, H]),
    ("add_mixed", lambda m, F, a, b: a + b, [A, H]),
    ("softplus", lambda m, F, x: F.softplus(x), [H]),
    ("logsumexp", lambda m, F, x: x.logsumexp(0), [H]),
    ("interpolate", lambda m, F, x: F.interpolate(x, scale_factor=2), [H4]),
    ("max_pool2d", lambda m, F, x: F.max_pool2d(x, 2), [H4]),
    ("avg_pool3d", lambda m, F, x: F.avg_pool3d(x, 2), [X5.astype(np.float16)]),
    ("max_pool3d", lambda m, F, x: F.max_pool3d(x, 2), [X5.astype(np.float16)]),
    ("adaptive_avg_pool3d", lambda m, F, x: F.adaptive_avg_pool3d(x, 2), [X5.astype(np.float16)]),
    ("pad_reflect", lambda m, F, x: F.pad(x, (1, 1, 1, 1), mode="reflect"), [H4]),
    ("pad_replicate", lambda m, F, x: F.pad(x, (1, 1, 1, 1), mode="replicate"), [H4]),
    ("pad_constant", lambda m, F, x: F.pad(x, (1, 1, 1, 1)), [H4]),
    ("grid_sample", lambda m, F, x, g: F.grid_sample(x, g, align_corners=False),
     [H4, (_r(2, 2, 2, 2) * 0.5).astype(np.float16)]),
    ("atan2", lambda m, F, a, b: m.atan2(a, b), [A, H]),
    ("addcmul", lambda m, F, a, b, c: m.addcmul(a, b, c), [A, H, H]),
    ("index_copy", lambda m, F, a, i, s: a.index_copy(0, i, s), [A, np.array([0]), H[:1].copy()]),
    ("embedding", lambda m, F, i, w: F.embedding(i, w), [np.array([0, 2]), A]),
    ("gelu", lambda m, F, x: F.gelu(x), [H]),
    ("sqrt", lambda m, F, x: m.sqrt(x), [POS]),
    ("rsqrt", lambda m, F, x: m.rsqrt(x), [POS]),
    ("mean", lambda m, F, x: x.mean(), [H]),
    ("normalize", lambda m, F, x: F.normalize(x), [H]),
    ("addbmm", lambda m, F, a, b, c: m.addbmm(a, b, c), [A, B3, B3]),
    ("addr", lambda m, F, a, b, c: m.addr(a, b, c), [A, V, V]),
    ("dist", lambda m, F, a, b: m.dist(a, b), [H, H]),
    ("renorm", lambda m, F, a: m.renorm(a, 2, 0, 1.0), [H]),
    ("cosine_similarity_top", lambda m, F, a, b: m.cosine_similarity(a, b), [H, A]),
    ("pairwise_distance_top", lambda m, F, a, b: m.pairwise_distance(a, b), [H, H]),
    ("nanquantile", lambda m, F, x: m.nanquantile(x, 0.25), [H]),
    ("ctc_loss", lambda m, F, x, t: F.ctc_loss(x.log_softmax(2), t, [4, 4], [2, 1]),
     [_r(4, 2, 5, dtype=np.float16), np.array([[1, 2], [3, 0]])]),
    ("fractional_max_pool2d", lambda m, F, x, u: F.fractional_max_pool2d(x, 2, output_size=3, _random_samples=u),
     [H4, np.full((2, 3, 2), 0.5, np.float16)]),
    ("linalg_inv", lambda m, F, a: m.linalg.inv(a), [(A + 4 * np.eye(4, dtype=np.float32)).astype(np.float16)]),
    ("linalg_solve", lambda m, F, a, b: m.linalg.solve(a, b), [(A + 4 * np.eye(4, dtype=np.float32)).astype(np.float16), V]),
    ("linalg_cholesky", lambda m, F, a: m.linalg.cholesky(a), [(A @ A.T + np.eye(4, dtype=np.float32)).astype(np.float16)]),
    ("linalg_eigvalsh", lambda m, F, a: m.linalg.eigvalsh(a), [(A @ A.T).astype(np.float16)]),
    ("linalg_svdvals", lambda m, F, a: m.linalg.svdvals(a), [H]),
    ("pinverse", lambda m, F, a: m.pinverse(a), [(A + 4 * np.eye(4, dtype=np.float32)).astype(np.float16)]),
]


def _cpu_type(device):
    if backends.get_backend(device).type == "cuda":
        pytest.skip("the oracle is PyTorch's CPU autocast; cuda tensors follow the cuda list (tested below)")


def _run_both(fn, arrays, device, requires_grad=False):
    tt = torch
    ours = [ag.tensor(a, device=device, requires_grad=requires_grad and a.dtype.kind == "f") for a in arrays]
    theirs = [tt.tensor(a, requires_grad=requires_grad and a.dtype.kind == "f") for a in arrays]
    with ag.autocast("cpu", dtype=ag.float16):
        out = fn(ag, F, *ours)
    with tt.autocast("cpu", dtype=tt.float16):
        ref = fn(tt, tt.nn.functional, *theirs)
    return ours, theirs, out, ref


@pytest.mark.parametrize("name, fn, arrays", CASES, ids=[c[0] for c in CASES])
def test_output_dtype_and_values_match_torch_cpu_autocast(name, fn, arrays, device):
    _cpu_type(device)
    _, _, out, ref = _run_both(fn, arrays, device)
    expected = np.dtype(str(ref.dtype).replace("torch.", ""))
    assert out.dtype == expected, f"{name}: {out.dtype}, torch.autocast gives {expected}"
    np.testing.assert_allclose(out.numpy().astype(np.float64), ref.detach().double().numpy(), rtol=1e-2,
                               atol=1e-2, err_msg=name)


@pytest.mark.parametrize("name", ["matmul", "linear", "conv2d", "addmm", "layer_norm_float32_params",
                                  "cross_entropy", "mse_loss", "prelu", "scaled_dot_product_attention"])
def test_gradients_reach_the_inputs_in_their_dtypes_as_torch(name, device):
    _cpu_type(device)
    _, fn, arrays = next(c for c in CASES if c[0] == name)
    ours, theirs, out, ref = _run_both(fn, arrays, device, requires_grad=True)
    out.float().sum().backward()
    ref.float().sum().backward()
    for k, (a, b) in enumerate(zip(ours, theirs)):
        if not a.requires_grad:
            continue
        assert a.grad.dtype == a.dtype, f"input {k}: grad {a.grad.dtype} for a {a.dtype} input"
        np.testing.assert_allclose(a.grad.numpy().astype(np.float64), b.grad.double().numpy(), rtol=2e-2, atol=2e-2,
                                   err_msg=f"{name}: gradient of input {k}")


def test_float32_parameters_keep_float32_gradients_through_a_float16_model(device):
    model = nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.LayerNorm(8), nn.Linear(8, 3)).to(device)
    x = ag.randn(5, 6, device=device)
    with ag.autocast("cpu", dtype=ag.float16):
        hidden = model[1](model[0](x))
        loss = F.cross_entropy(model(x), ag.tensor([0, 1, 2, 0, 1], device=device))
    assert hidden.dtype == F16 and loss.dtype == F32
    loss.backward()
    for name, p in model.named_parameters():
        assert p.dtype == F32 and p.grad is not None and p.grad.dtype == F32, name


def test_a_weight_used_twice_is_cast_once_per_region_and_its_gradient_adds_up(device):
    x = ag.tensor(A[:3], device=device)
    w = ag.tensor(A * 0.5, device=device, requires_grad=True)
    grads = []
    for cache in (True, False):
        w.grad = None
        with ag.autocast("cpu", dtype=ag.float16, cache_enabled=cache):
            y = (x @ w) @ w
            assert len(autocast_state.state.cache) == (1 if cache else 0)
        assert not autocast_state.state.cache   # dropped at the outermost exit
        y.float().sum().backward()
        grads.append(w.grad.numpy())
    w.grad = None
    ((x @ w) @ w).sum().backward()
    # cached: the two float16 gradients add up at the one cast, in float16; uncached: in float32 at the leaf
    np.testing.assert_allclose(grads[0], grads[1], rtol=2e-3, atol=2e-3)
    np.testing.assert_allclose(grads[0], w.grad.numpy(), rtol=1e-2, atol=1e-2)


def test_a_weight_changed_in_place_inside_the_region_is_cast_again(device):
    w = ag.ones(2, 2, device=device, requires_grad=True)
    x = ag.ones(1, 2, device=device)
    with ag.autocast("cpu", dtype=ag.float16):
        first = x @ w
        with ag.no_grad():
            w.mul_(2)
        second = x @ w
    assert first.numpy().tolist() == [[2, 2]] and second.numpy().tolist() == [[4, 4]]


def test_float64_integer_and_other_device_type_tensors_are_left_alone(device):
    a64 = ag.tensor(A.astype(np.float64), device=device)
    i = ag.tensor(T.reshape(2, 2), device=device)
    a = ag.tensor(A, device=device)
    with ag.autocast("cpu", dtype=ag.float16):
        assert (a64 @ a64).dtype == F64 and (i @ i).dtype == i.dtype
    if backends.get_backend(device).type != "cuda":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # no GPU here: autocast('cuda') warns and turns itself off
            with ag.autocast("cuda"):
                assert (a @ a).dtype == F32   # cpu tensors under a cuda region


def test_numba_tensors_autocast_under_cpu():
    if "numba" not in backends.available():
        pytest.skip("numba is not available here")
    a = ag.tensor(A, device="numba")
    with ag.autocast("cpu", dtype=ag.float16):
        out = a @ a
    assert out.dtype == F16 and out.device.type == "numba"
    with ag.autocast("numba", dtype=ag.float16):
        assert ag.is_autocast_enabled("cpu") and (a @ a).dtype == F16


def test_nesting_and_enabled_false_inside_an_enabled_region(device):
    a = ag.tensor(A, device=device)
    assert not ag.is_autocast_enabled("cpu")
    with ag.autocast("cpu", dtype=ag.float16):
        e16 = a @ a
        with ag.autocast("cpu", enabled=False):
            assert not ag.is_autocast_enabled("cpu") and ag.get_autocast_dtype("cpu") == F16
            f32 = a @ e16.float()
            assert f32.dtype == F32
            with ag.autocast("cpu", dtype=ag.float16):
                assert (a @ a).dtype == F16
            assert (a @ a).dtype == F32
        g16 = a @ f32
        assert ag.is_autocast_enabled("cpu")
    assert e16.dtype == F16 and g16.dtype == F16
    assert not ag.is_autocast_enabled("cpu") and not autocast_state.active


def test_as_a_decorator_and_the_same_instance_reentered(device):
    region = ag.autocast("cpu", dtype=ag.float16)

    @region
    def product(a, depth=0):
        inner = product(a, depth - 1) if depth else a
        return inner @ a

    a = ag.tensor(A, device=device)
    assert product(a, 2).dtype == F16
    assert not ag.is_autocast_enabled("cpu")
    assert ag.amp.autocast is ag.autocast


def test_state_is_per_thread(device):
    a = ag.tensor(A, device=device)
    seen = {}

    def other():
        seen["enabled"] = ag.is_autocast_enabled("cpu")
        seen["dtype"] = (a @ a).dtype

    with ag.autocast("cpu", dtype=ag.float16):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert (a @ a).dtype == F16
    assert seen == {"enabled": False, "dtype": F32}


def test_disabled_region_changes_nothing(device):
    a = ag.tensor(A, device=device, requires_grad=True)
    with ag.autocast("cpu", dtype=ag.float16, enabled=False):
        assert (a @ a).dtype == F32 and not ag.is_autocast_enabled("cpu")
    with ag.autocast("cpu", enabled=False):   # no dtype needed when off
        assert (a @ a).dtype == F32


def test_the_switches_and_their_errors():
    # PyTorch's default cpu dtype is bfloat16: tests/autograd/test_bfloat16.py covers it and a missing ml_dtypes
    with pytest.raises(ValueError, match="device_type"):
        ag.autocast(ag.device("cpu"))
    with pytest.raises(RuntimeError, match="'tpu'"):
        ag.autocast("tpu")
    assert ag.get_autocast_dtype("cuda") == F16 and not ag.is_autocast_enabled()
    with pytest.warns(UserWarning, match="not supported"):
        assert not ag.autocast("cpu", dtype=ag.float32)._enabled   # as PyTorch: warns and disables
    ag.set_autocast_dtype("cpu", ag.float16)
    try:
        with ag.autocast("cpu"):
            assert ag.is_autocast_enabled("cpu")
        ag.set_autocast_enabled("cpu", True)
        assert ag.is_autocast_enabled("cpu") and (ag.ones(2, 2) @ ag.ones(2, 2)).dtype == F16
        ag.set_autocast_enabled("cpu", False)
        ag.set_autocast_cache_enabled(False)
        assert not ag.is_autocast_cache_enabled()
    finally:
        ag.set_autocast_enabled("cpu", False)
        ag.set_autocast_cache_enabled(True)
        autocast_state.state.dtype["cpu"] = autocast_state._DEFAULT_DTYPES["cpu"]
    assert ag.amp.is_autocast_available("cpu") and ag.amp.is_autocast_available("numba")
    assert not autocast_state.active


def test_cuda_without_a_gpu_warns_and_disables():
    if backends.available("cuda"):
        pytest.skip("a CUDA device is present")
    with pytest.warns(UserWarning, match="CUDA is not available"):
        region = ag.autocast("cuda")
    with region:
        assert not ag.is_autocast_enabled("cuda")


def test_deprecated_cuda_and_cpu_amp_names():
    from autograd.cpu.amp import autocast as cpu_autocast
    from autograd.cuda.amp import GradScaler, autocast as cuda_autocast
    assert ag.cuda.amp.autocast is cuda_autocast and ag.cpu.amp.autocast is cpu_autocast
    with pytest.warns(FutureWarning, match="ag.amp.autocast"):
        with cpu_autocast(dtype=ag.float16):
            assert ag.is_autocast_enabled("cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert cuda_autocast().fast_dtype == F16 and issubclass(GradScaler, ag.amp.GradScaler)
        if bfloat16_available():   # PyTorch's default there, bfloat16, needs ml_dtypes
            assert cpu_autocast().fast_dtype == ag.bfloat16


def _cuda_list_for_cpu_tensors(monkeypatch):
    """Run cpu tensors under PyTorch's cuda list (the per-class lookups are cached: start them afresh)."""
    monkeypatch.setitem(policy.POLICIES, "cpu", policy.CUDA)
    monkeypatch.setattr(policy, "_class_ops", {})


def test_binary_cross_entropy_is_banned_under_the_cuda_list(monkeypatch):
    _cuda_list_for_cpu_tensors(monkeypatch)
    p = ag.tensor(PROB.astype(np.float32))
    with ag.autocast("cpu", dtype=ag.float16):
        with pytest.raises(RuntimeError, match="binary_cross_entropy_with_logits"):
            F.binary_cross_entropy(p, p)


# PyTorch's cuda list (autocast_mode.h), checked through cpu tensors run under it: the output dtype per op
CUDA_EXPECTED = {
    "matmul": F16, "mm": F16, "mv": F16, "linear": F16, "conv2d": F16, "addmm": F16, "addmv": F16, "baddbmm": F16,
    "einsum": F16, "prelu": F16, "scaled_dot_product_attention": F16, "outer": F32,
    "softmax": F32, "log_softmax": F32, "exp": F32, "log": F32, "pow": F32, "sum": F32, "prod": F32, "cumsum": F32,
    "norm": F32, "layer_norm": F32, "layer_norm_float32_params": F32, "group_norm": F32, "softplus": F32,
    "logsumexp": F32, "interpolate": F32, "rsqrt": F32, "cosine_similarity": F32, "cdist": F32, "mse_loss": F32,
    "cross_entropy": F32, "nll_loss": F32, "kl_div": F32, "binary_cross_entropy_with_logits": F32,
    "dot": F32, "tensordot": F32, "atan2": F32, "addcmul": F32,   # promote: float32 meets float16 (or a float32 pair)
    "sqrt": F16, "mean": F16, "gelu": F16, "max_pool2d": F16, "batch_norm_float32_params": F16,   # not listed
    "trace": F16, "pad_reflect": F16,   # in the cpu list only
}


@pytest.mark.parametrize("name", sorted(CUDA_EXPECTED))
def test_the_cuda_list(name, monkeypatch):
    _cuda_list_for_cpu_tensors(monkeypatch)
    _, fn, arrays = next(c for c in CASES if c[0] == name)
    with ag.autocast("cpu", dtype=ag.float16):
        out = fn(ag, F, *[ag.tensor(a) for a in arrays])
    assert out.dtype == CUDA_EXPECTED[name]


def test_cuda_tensors_follow_the_cuda_list():
    if not backends.available("cuda"):
        pytest.skip("no CUDA device here")
    a = ag.tensor(A, device="cuda")
    with ag.autocast("cuda"):
        assert (a @ a).dtype == F16 and ag.softmax(a, 0).dtype == F32 and (a @ a).sum().dtype == F32
        with ag.autocast("cpu", dtype=ag.float16):
            pass
    x = ag.tensor(A)
    with ag.autocast("cuda"):
        assert (x @ x).dtype == F32   # a cpu tensor in a cuda region


def test_a_compiled_step_recaptures_when_autocast_changes(device):
    model = nn.Linear(4, 3).to(device)
    step = ag.jit(lambda x: model(x) * 1)
    x = ag.randn(2, 4, device=device)
    assert step(x).dtype == F32
    with ag.autocast("cpu", dtype=ag.float16):
        assert step(x).dtype == F16
    assert step(x).dtype == F32


def test_normalization_layers_take_float16_input_with_float32_parameters(device):
    bn = nn.BatchNorm2d(3).to(device)
    x = ag.tensor(H4, device=device)
    out = bn(x)
    assert out.dtype == F16 and bn.running_mean.dtype == F32
    expected = 0.1 * H4.astype(np.float32).mean(axis=(0, 2, 3))
    np.testing.assert_allclose(bn.running_mean.numpy(), expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(TypeError, match="float64"):
        bn(ag.tensor(H4.astype(np.float64), device=device))   # only float16 with float32 mixes, as in PyTorch


def test_cpu_model_with_recurrent_layers_matches_torch_dtypes(device):
    _cpu_type(device)
    tt = torch
    x = _r(3, 2, 4)
    for ours, theirs in ((nn.GRU(4, 5), tt.nn.GRU(4, 5)), (nn.RNN(4, 5), tt.nn.RNN(4, 5)),
                         (nn.GRUCell(4, 5), tt.nn.GRUCell(4, 5)), (nn.RNNCell(4, 5), tt.nn.RNNCell(4, 5)),
                         (nn.LSTMCell(4, 5), tt.nn.LSTMCell(4, 5))):
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        ours.to(device)
        inp = x if "Cell" not in type(ours).__name__ else x[0]
        with ag.autocast("cpu", dtype=ag.float16):
            o = ours(ag.tensor(inp, device=device))
        with tt.autocast("cpu", dtype=tt.float16):
            r = theirs(tt.tensor(inp))
        o, r = (o[0], r[0]) if isinstance(o, tuple) else (o, r)
        assert str(o.dtype) == str(r.dtype).replace("torch.", ""), type(ours).__name__
        np.testing.assert_allclose(o.numpy().astype(np.float64), r.detach().double().numpy(), rtol=1e-2, atol=1e-2)
