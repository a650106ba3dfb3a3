"""bfloat16 tensors (ag.bfloat16, from the optional ml_dtypes package) against PyTorch's torch.bfloat16 on the CPU:
creation and conversion, printing, type promotion, ops computed in float32 and rounded once, gradients,
autocast's default CPU dtype, and the errors (numpy(), cuda, a missing ml_dtypes)."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd import bf16_dtype
from tests.helpers import require_torch

#: bfloat16 keeps 8 significant bits (eps 2**-7 = 0.0078): two roundings of the same float32 value may differ by
#: an ulp (measured: at most one ulp, 0.0078 relative, over the ops below); 1e-2 allows that
TOL = dict(rtol=1e-2, atol=1e-2)


@pytest.fixture
def bf16():
    """ag.bfloat16; skips the test where ml_dtypes is not installed."""
    pytest.importorskip("ml_dtypes")
    return ag.bfloat16


def _f32(t):
    """A bfloat16 tensor's values (ours or PyTorch's) as a float32 NumPy array."""
    return t.detach().float().numpy()


# ----- dtype, creation, conversion, printing ---------------------------------------------------------------
def test_dtype_conversion_and_info_match_pytorch(bf16):
    torch = require_torch()
    data = [[1.5, 2.3, -0.001], [100.25, 3e5, 7.0]]
    x, tx = ag.tensor(data, dtype=bf16), torch.tensor(data, dtype=torch.bfloat16)
    assert x.dtype == bf16 and x.is_floating_point() and ag.is_floating_point(x) and x.element_size() == 2
    assert x.tolist() == tx.tolist()
    assert x[0, 1].item() == tx[0, 1].item() and isinstance(x[0, 1].item(), float)
    assert x.type() == tx.type() == "torch.BFloat16Tensor"
    for made in (ag.tensor(data).to(bf16), ag.tensor(data).bfloat16(), ag.tensor(data).type(bf16),
                 ag.tensor(data).type("torch.BFloat16Tensor"), ag.tensor(data).to("cpu", bf16),
                 ag.tensor(data, dtype=ag.float64).to(dtype=bf16)):
        assert made.dtype == bf16 and made.tolist() == tx.tolist()
    assert ag.tensor([1, 2]).to(bf16).tolist() == [1.0, 2.0]
    assert x.float().dtype == ag.float32 and x.double().dtype == ag.float64 and x[0].half().dtype == ag.float16
    fi, tfi = ag.finfo(bf16), torch.finfo(torch.bfloat16)
    for name in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution"):
        assert getattr(fi, name) == getattr(tfi, name), name
    assert fi.dtype == "bfloat16"
    for make in ("zeros", "ones", "randn", "rand"):
        assert getattr(ag, make)(2, 3, dtype=bf16).dtype == bf16
    assert ag.full((2,), 1.1, dtype=bf16).tolist() == torch.full((2,), 1.1, dtype=torch.bfloat16).tolist()
    assert ag.arange(0, 1, 0.25, dtype=bf16).tolist() == torch.arange(0, 1, 0.25, dtype=torch.bfloat16).tolist()


def test_printing_matches_pytorch_with_deepgrad_dtype_names(bf16):
    torch = require_torch()
    cases = [[[1.5, 2.3, -0.001], [100.25, 3e5, 7.0]], [1.0, 2.0], [1e-8, 1.0], [float("nan"), float("inf"), 1.0],
             [], 3.14159]
    for data in cases:
        ours, theirs = repr(ag.tensor(data, dtype=bf16)), repr(torch.tensor(data, dtype=torch.bfloat16))
        assert ours == theirs.replace("torch.bfloat16", "bfloat16")
    leaf = ag.tensor([0.5, -2.25], dtype=bf16, requires_grad=True)
    assert repr(leaf * 2) == "tensor([ 1.0000, -4.5000], dtype=bfloat16, grad_fn=<MulBackward0>)"
    assert repr(leaf) == "tensor([ 0.5000, -2.2500], dtype=bfloat16, requires_grad=True)"


def test_numpy_refuses_bfloat16_as_pytorch_and_names_the_fix(bf16):
    torch = require_torch()
    x = ag.ones(2, 3, dtype=bf16)
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16") as ours:
        x.numpy()
    assert ".float().numpy()" in str(ours.value)
    with pytest.raises(TypeError, match="Got unsupported ScalarType BFloat16"):
        torch.ones(2, dtype=torch.bfloat16).numpy()
    np.testing.assert_array_equal(x.float().numpy(), np.ones((2, 3), np.float32))


def test_missing_ml_dtypes_gives_one_clear_error(monkeypatch):
    monkeypatch.setattr(bf16_dtype, "_ml", False)   # as if the import had failed
    with pytest.raises(ImportError, match=r"pip install ml_dtypes"):
        ag.bfloat16
    with pytest.raises(ImportError, match=r"\.\[bfloat16\]"):
        ag.ones(2).bfloat16()
    with pytest.raises(ImportError, match="ml_dtypes"):
        ag.ones(2).type("torch.BFloat16Tensor")


def test_cuda_device_refuses_bfloat16_clearly(bf16):
    from backends.cupy_backend import _refuse_bfloat16
    with pytest.raises(TypeError, match=r"CuPy\) has no bfloat16.*t\.float\(\)"):
        _refuse_bfloat16(np.zeros(2, bf16), None, "cuda:0")
    with pytest.raises(TypeError, match="has no bfloat16"):
        _refuse_bfloat16(np.zeros(2), bf16, "cuda")
    _refuse_bfloat16(np.zeros(2, np.float32), None, "cuda")   # other dtypes pass


# ----- type promotion -----------------------------------------------------------------------------------
def _promotion_operands(lib, bf16_dtype):
    """(name, bfloat16 operand, other operand) for the promotion table, built in `lib` (ag or torch)."""
    def t(dtype, shape=(2,)):
        return lib.ones(shape, dtype=dtype)
    return [
        ("bf16 + bf16", t(bf16_dtype), t(bf16_dtype)),
        ("bf16 + f16", t(bf16_dtype), t(lib.float16)),
        ("bf16 + f32", t(bf16_dtype), t(lib.float32)),
        ("bf16 + f64", t(bf16_dtype), t(lib.float64)),
        ("bf16 + i64", t(bf16_dtype), t(lib.int64)),
        ("bf16 + i32", t(bf16_dtype), t(lib.int32)),
        ("bf16 + bool", t(bf16_dtype), t(lib.bool)),
        ("bf16 + 0-d f32", t(bf16_dtype), t(lib.float32, ())),
        ("bf16 + 0-d f64", t(bf16_dtype), t(lib.float64, ())),
        ("0-d bf16 + f16", t(bf16_dtype, ()), t(lib.float16)),
        ("0-d bf16 + 0-d f32", t(bf16_dtype, ()), t(lib.float32, ())),
        ("0-d bf16 + i64", t(bf16_dtype, ()), t(lib.int64)),
        ("bf16 + float", t(bf16_dtype), 2.5),
        ("bf16 + int", t(bf16_dtype), 3),
        ("bf16 + bool number", t(bf16_dtype), True),
    ]


def test_promotion_table_matches_pytorch(bf16):
    torch = require_torch()
    name_of = {torch.bfloat16: "bfloat16", torch.float16: "float16", torch.float32: "float32",
               torch.float64: "float64"}
    for (name, a, b), (_, ta, tb) in zip(_promotion_operands(ag, bf16), _promotion_operands(torch, torch.bfloat16)):
        want = name_of[torch.result_type(ta, tb)]
        for ours, theirs in ((a + b, ta + tb), (a * b, ta * tb)):
            assert str(ours.dtype) == name_of[theirs.dtype] == want, name
        if isinstance(b, ag.Tensor) and "bool" not in (str(a.dtype), str(b.dtype)):   # PyTorch refuses bool -
            assert str((b - a).dtype) == want, name
        assert str(ag.result_type(a, b)) == want, name
    assert ag.promote_types(bf16, ag.float16) == ag.float32
    assert ag.promote_types(bf16, ag.int64) == bf16 and ag.promote_types(ag.float64, bf16) == ag.float64
    assert not ag.can_cast(bf16, ag.int32) and ag.can_cast(ag.int32, bf16)
    assert (ag.arange(3) / ag.ones(3, dtype=bf16)).dtype == bf16
    assert ag.arange(3).to(bf16).mean().dtype == bf16


# ----- ops against PyTorch: forward values and gradients ------------------------------------------------
def _ops():
    """(name, function of (lib, F-module, *tensors), input shapes, positive inputs)."""
    return [
        ("add", lambda L, f, a, b: a + b, [(3, 4), (4,)], False),
        ("sub", lambda L, f, a, b: a - b, [(3, 4), (3, 1)], False),
        ("mul", lambda L, f, a, b: a * b, [(3, 4), (3, 4)], False),
        ("div", lambda L, f, a, b: a / b, [(3, 4), (3, 4)], True),
        ("pow", lambda L, f, a: a ** 2.5, [(3, 4)], True),
        ("scalar ops", lambda L, f, a: (a * 1.7 - 0.3) / 3, [(3, 4)], False),
        ("exp", lambda L, f, a: a.exp(), [(3, 4)], False),
        ("log", lambda L, f, a: a.log(), [(3, 4)], True),
        ("sqrt", lambda L, f, a: a.sqrt(), [(3, 4)], True),
        ("tanh", lambda L, f, a: a.tanh(), [(3, 4)], False),
        ("sigmoid", lambda L, f, a: a.sigmoid(), [(3, 4)], False),
        ("relu", lambda L, f, a: f.relu(a), [(3, 4)], False),
        ("gelu", lambda L, f, a: f.gelu(a), [(3, 4)], False),
        ("silu", lambda L, f, a: f.silu(a), [(3, 4)], False),
        ("softplus", lambda L, f, a: f.softplus(a), [(3, 4)], False),
        ("elu", lambda L, f, a: f.elu(a), [(3, 4)], False),
        ("leaky_relu", lambda L, f, a: f.leaky_relu(a, 0.1), [(3, 4)], False),
        ("matmul", lambda L, f, a, b: a @ b, [(5, 16), (16, 3)], False),
        ("batched matmul", lambda L, f, a, b: L.matmul(a, b), [(2, 5, 8), (8, 3)], False),
        ("linear", lambda L, f, x, w, b: f.linear(x, w, b), [(6, 16), (5, 16), (5,)], False),
        ("conv2d", lambda L, f, x, w, b: f.conv2d(x, w, b, padding=1), [(2, 3, 6, 6), (4, 3, 3, 3), (4,)], False),
        ("sum", lambda L, f, a: a.sum(), [(64, 32)], False),
        ("sum dim", lambda L, f, a: a.sum(1), [(8, 256)], False),
        ("mean", lambda L, f, a: a.mean(0), [(256, 4)], False),
        ("var", lambda L, f, a: a.var(1), [(4, 64)], False),
        ("std", lambda L, f, a: a.std(), [(4, 64)], False),
        ("amax", lambda L, f, a: a.amax(1), [(4, 9)], False),
        ("logsumexp", lambda L, f, a: L.logsumexp(a, 1), [(4, 9)], False),
        ("cumsum", lambda L, f, a: L.cumsum(a, 1), [(3, 20)], False),
        ("softmax", lambda L, f, a: f.softmax(a, -1), [(4, 10)], False),
        ("log_softmax", lambda L, f, a: f.log_softmax(a, 1), [(4, 10)], False),
        ("layer_norm", lambda L, f, x, w, b: f.layer_norm(x, (16,), w, b), [(4, 16), (16,), (16,)], False),
        ("batch_norm", lambda L, f, x, w, b: f.batch_norm(x, None, None, w, b, training=True),
         [(8, 4), (4,), (4,)], False),
        ("cross_entropy", lambda L, f, x: f.cross_entropy(x, L.tensor([0, 3, 1, 2, 4, 0])), [(6, 5)], False),
        ("mse_loss", lambda L, f, a, b: f.mse_loss(a, b), [(6, 5), (6, 5)], False),
        ("normalize", lambda L, f, a: f.normalize(a, dim=1), [(4, 6)], False),
        ("cosine_similarity", lambda L, f, a, b: f.cosine_similarity(a, b), [(4, 6), (4, 6)], False),
        ("dropout off, clamp", lambda L, f, a: f.dropout(a, 0.5, training=False).clamp(-0.5, 0.7), [(4, 6)], False),
        ("views", lambda L, f, a: a.reshape(4, 3).transpose(0, 1)[1:, ::2] * 2, [(3, 4)], False),
        ("cat and stack", lambda L, f, a, b: L.cat([a, b]) + L.stack([a, b]).sum(0).repeat(2, 1), [(2, 3), (2, 3)],
         False),
        ("where and maximum", lambda L, f, a, b: L.where(a > 0, a, b) + L.maximum(a, b), [(3, 4), (3, 4)], False),
    ]


@pytest.mark.parametrize("name, fn, shapes, positive", _ops(), ids=[op[0] for op in _ops()])
def test_op_forward_and_gradients_match_pytorch_bfloat16(bf16, name, fn, shapes, positive):
    torch = require_torch()
    import torch.nn.functional as TF
    rng = np.random.default_rng(sum(map(ord, name)))
    arrays = [rng.uniform(0.5, 2.0, s) if positive else rng.standard_normal(s) for s in shapes]
    arrays = [a.astype(np.float32) for a in arrays]
    ours = [ag.tensor(a).to(bf16).requires_grad_() for a in arrays]
    theirs = [torch.tensor(a).to(torch.bfloat16).requires_grad_() for a in arrays]
    out, tout = fn(ag, F, *ours), fn(torch, TF, *theirs)
    assert out.dtype == bf16 and tout.dtype == torch.bfloat16
    np.testing.assert_allclose(_f32(out), _f32(tout), **TOL, err_msg=name)
    upstream = rng.standard_normal(tuple(out.shape)).astype(np.float32)
    out.backward(ag.tensor(upstream).to(bf16))
    tout.backward(torch.tensor(upstream).to(torch.bfloat16))
    for k, (x, tx) in enumerate(zip(ours, theirs)):
        assert x.grad.dtype == bf16, f"{name}: grad {k} is {x.grad.dtype}"
        scale = max(1.0, float(np.abs(_f32(tx.grad)).max()))   # a sum of many rounded terms: relative to the largest
        np.testing.assert_allclose(_f32(x.grad), _f32(tx.grad), rtol=TOL["rtol"], atol=TOL["atol"] * scale,
                                   err_msg=f"{name}: grad {k}")


def test_products_round_once_from_float32(bf16):
    """A bfloat16 matmul is the float32 product of the bfloat16 values rounded once (PyTorch's CPU result)."""
    torch = require_torch()
    rng = np.random.default_rng(3)
    a, b = (rng.standard_normal(s).astype(np.float32) for s in ((7, 64), (64, 5)))
    ours = ag.tensor(a).to(bf16) @ ag.tensor(b).to(bf16)
    exact = (ag.tensor(a).to(bf16).float() @ ag.tensor(b).to(bf16).float()).to(bf16)
    assert ours.tolist() == exact.tolist()
    theirs = torch.tensor(a).to(torch.bfloat16) @ torch.tensor(b).to(torch.bfloat16)
    assert np.mean(_f32(ours) == _f32(theirs)) > 0.9   # PyTorch's blocked sums round alike nearly everywhere


def test_reductions_accumulate_in_float32(bf16):
    """A bfloat16 sum of 4096 ones is 4096 as in PyTorch (accumulating in bfloat16 would stop at 256)."""
    torch = require_torch()
    assert ag.ones(4096, dtype=bf16).sum().item() == torch.ones(4096, dtype=torch.bfloat16).sum().item() == 4096.0
    x = ag.full((4096,), 0.1, dtype=bf16)
    assert x.mean().item() == torch.full((4096,), 0.1, dtype=torch.bfloat16).mean().item()


def test_numba_device_computes_bfloat16_through_numpy_kernels(bf16):
    torch = require_torch()
    rng = np.random.default_rng(5)
    a, w = rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal((3, 8)).astype(np.float32)
    x = ag.tensor(a, device="numba").to(bf16).requires_grad_()
    weight = ag.tensor(w, device="numba").to(bf16).requires_grad_()
    loss = F.log_softmax(F.gelu(F.linear(x, weight)), 1).sum()
    loss.backward()
    tx, tw = (torch.tensor(v).to(torch.bfloat16).requires_grad_() for v in (a, w))
    tloss = torch.nn.functional.log_softmax(torch.nn.functional.gelu(torch.nn.functional.linear(tx, tw)), 1).sum()
    tloss.backward()
    assert x.device.type == "numba" and loss.dtype == bf16 and weight.grad.dtype == bf16
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=2e-2)
    np.testing.assert_allclose(_f32(weight.grad), _f32(tw.grad), rtol=2e-2, atol=5e-2)


def test_gradient_dtype_follows_each_leaf(bf16):
    x = ag.ones(3, dtype=bf16, requires_grad=True)
    w = ag.ones(3, requires_grad=True)
    (x * w).sum().backward()
    assert x.grad.dtype == bf16 and w.grad.dtype == ag.float32
    y = ag.ones(3, requires_grad=True)
    y.to(bf16).exp().sum().backward()
    assert y.grad.dtype == ag.float32


# ----- autocast -----------------------------------------------------------------------------------------
def test_cpu_autocast_defaults_to_bfloat16_as_pytorch(bf16):
    torch = require_torch()
    import nn
    assert ag.get_autocast_dtype("cpu") == bf16 and torch.get_autocast_dtype("cpu") == torch.bfloat16
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 6)).astype(np.float32)
    layer, tlayer = nn.Linear(6, 5), torch.nn.Linear(6, 5)
    with torch.no_grad():
        tlayer.weight.copy_(torch.tensor(layer.weight.numpy()))
        tlayer.bias.copy_(torch.tensor(layer.bias.numpy()))
    target = [0, 1, 4, 2]
    with ag.autocast("cpu"):
        y = layer(ag.tensor(a))
        parts = (y, F.relu(y), F.softmax(y, -1), y.sum(), F.cross_entropy(y, ag.tensor(target)))
    with torch.autocast("cpu"):
        ty = tlayer(torch.tensor(a))
        tparts = (ty, torch.relu(ty), torch.softmax(ty, -1), ty.sum(),
                  torch.nn.functional.cross_entropy(ty, torch.tensor(target)))
    for ours, theirs in zip(parts, tparts):
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
        np.testing.assert_allclose(_f32(ours), _f32(theirs), **TOL)
    parts[-1].backward()
    tparts[-1].backward()
    assert layer.weight.grad.dtype == ag.float32
    np.testing.assert_allclose(layer.weight.grad.numpy(), tlayer.weight.grad.numpy(), **TOL)
    with ag.autocast("cpu", dtype=bf16):
        assert (ag.ones(2, 3) @ ag.ones(3, 2)).dtype == bf16
        assert ag.cat([ag.ones(2, dtype=bf16), ag.ones(2)]).dtype == ag.float32   # cat promotes, as PyTorch's
        assert F.mse_loss(ag.ones(2, dtype=bf16), ag.zeros(2, dtype=bf16)).dtype == ag.float32   # a float32 op
    with torch.autocast("cpu"):
        assert torch.cat([torch.ones(2, dtype=torch.bfloat16), torch.ones(2)]).dtype == torch.float32
        assert torch.nn.functional.mse_loss(torch.ones(2, dtype=torch.bfloat16),
                                            torch.zeros(2, dtype=torch.bfloat16)).dtype == torch.float32
    with ag.autocast("cpu", dtype=ag.float16):
        assert (ag.ones(2, 3) @ ag.ones(3, 2)).dtype == ag.float16


def test_autocast_dtype_switches_accept_bfloat16_on_cpu_only(bf16):
    ag.set_autocast_dtype("cpu", ag.float16)
    try:
        assert ag.get_autocast_dtype("cpu") == ag.float16
        ag.set_autocast_dtype("cpu", bf16)
        assert ag.get_autocast_dtype("cpu") == bf16
    finally:
        ag.set_autocast_dtype("cpu", bf16)
    with pytest.raises(TypeError, match="ag.float16"):
        ag.set_autocast_dtype("cuda", bf16)
    with pytest.warns(UserWarning, match="not supported on cpu"):
        ag.autocast("cpu", dtype=ag.float64)


def test_missing_ml_dtypes_makes_cpu_autocast_name_the_install(monkeypatch):
    from autograd import autocast_state
    monkeypatch.setattr(bf16_dtype, "_ml", False)   # as if the import had failed
    monkeypatch.setattr(autocast_state.state, "dtype", {"cpu": None, "cuda": np.dtype(np.float16)})
    with pytest.raises(ImportError, match=r"pip install ml_dtypes.*dtype=ag\.float16"):
        ag.autocast("cpu")
    with ag.autocast("cpu", enabled=False):   # a disabled region needs no dtype
        assert not ag.is_autocast_enabled("cpu")
    with pytest.raises(ImportError, match="pip install ml_dtypes"):
        ag.get_autocast_dtype("cpu")


def test_deepgrad_works_without_ml_dtypes_and_names_the_install():
    """In a process where ml_dtypes cannot be imported: float32 work runs, each bfloat16 use names the install."""
    import subprocess
    import sys
    script = "\n".join([
        "import sys; sys.modules['ml_dtypes'] = None",
        "import autograd as ag, nn",
        "x = ag.ones(2, 3, requires_grad=True); (x * 2).sum().backward(); assert x.grad.tolist()[0] == [2.0] * 3",
        "with ag.autocast('cpu', dtype=ag.float16): assert (ag.ones(2, 2) @ ag.ones(2, 2)).dtype == ag.float16",
        "for use in (lambda: ag.bfloat16, lambda: ag.ones(1).bfloat16(), lambda: ag.autocast('cpu'),",
        "            lambda: ag.get_autocast_dtype('cpu'), lambda: nn.Linear(1, 1).bfloat16(),",
        "            lambda: ag.ones(1).type('torch.BFloat16Tensor')):",
        "    try: use()",
        "    except ImportError as e: assert 'pip install ml_dtypes' in str(e), e",
        "    else: raise AssertionError('no error')",
        "print('ok')",
    ])
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         cwd=__file__.rsplit("/tests/", 1)[0])
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stdout + run.stderr


@pytest.mark.parametrize("make", [
    lambda bf16: ag.ones(2, 2, dtype=bf16), lambda bf16: ag.full((2, 2), 1.5, dtype=bf16),
    lambda bf16: ag.randn(2, 2, dtype=bf16), lambda bf16: ag.eye(2, dtype=bf16),
    lambda bf16: ag.arange(4, dtype=bf16).reshape(2, 2), lambda bf16: ag.linspace(0, 1, 4, dtype=bf16).reshape(2, 2),
    lambda bf16: ag.zeros_like(ag.ones(2, 2), dtype=bf16), lambda bf16: ag.from_numpy(np.ones((2, 2), bf16)),
    lambda bf16: ag.as_tensor(np.ones((2, 2), bf16)), lambda bf16: ag.tensor(np.ones((2, 2), bf16)),
    lambda bf16: ag.ones(2, 2).to(bf16)], ids=["ones", "full", "randn", "eye", "arange", "linspace", "zeros_like",
                                               "from_numpy", "as_tensor", "tensor", "to"])
def test_every_way_of_making_bfloat16_switches_on_its_float32_forms(bf16, make, monkeypatch):
    """A process's first bfloat16 tensor, however made, makes ops round their float32 results to bfloat16."""
    from autograd import half_forms
    monkeypatch.setattr(half_forms, "active", False)
    t = make(bf16)
    assert half_forms.active and (t @ t).dtype == bf16
