"""Small PyTorch differences left by earlier rounds, each checked against torch directly."""
import copy
import pickle

import numpy as np
import pytest
import torch

import autograd as ag
import backends
import nn

_NO_CUDA = not any(d.startswith("cuda") for d in backends.available())


# ----- devices that cannot work here are still built, as torch.device builds them -----------------------------
@pytest.mark.skipif(not _NO_CUDA, reason="this machine has a cuda device")
@pytest.mark.parametrize("args", [("cuda:5",), ("cuda", 5), ("cuda:0",), ("cuda",), ("cuda", 0)])
def test_cuda_device_is_built_without_a_gpu_as_in_torch(args):
    ours, theirs = ag.device(*args), torch.device(*args)
    assert (repr(ours), str(ours), ours.type, ours.index) == (repr(theirs), str(theirs), theirs.type, theirs.index)
    assert isinstance(ours, ag.device)
    assert ours == ag.device(*args) and hash(ours) == hash(ag.device(*args))
    assert ours != ag.device("cpu") and ag.device("cpu") != ours
    assert pickle.loads(pickle.dumps(ours)) == ours and copy.deepcopy(ours) == ours


@pytest.mark.skipif(not _NO_CUDA, reason="this machine has a cuda device")
def test_cuda_device_equality_follows_torch():
    assert (ag.device("cuda") == ag.device("cuda:0")) == (torch.device("cuda") == torch.device("cuda:0"))
    assert (ag.device("cuda:1") == ag.device("cuda", 1)) == (torch.device("cuda:1") == torch.device("cuda", 1))
    assert len({ag.device("cuda:5"), ag.device("cuda", 5), ag.device("cuda:4")}) == 2


@pytest.mark.skipif(not _NO_CUDA, reason="this machine has a cuda device")
@pytest.mark.parametrize("use", [lambda d: ag.zeros(2, device=d), lambda d: ag.ones(2).to(d),
                                 lambda d: nn.Linear(2, 2).to(d), lambda d: ag.randn(2, device=d)])
def test_cuda_device_raises_at_first_use_naming_device_and_fix(use):
    device = ag.device("cuda:5")
    with pytest.raises(AssertionError) as info:   # torch without CUDA: "Torch not compiled with CUDA enabled"
        use(device)
    assert isinstance(info.value, backends.DeviceError)
    assert "'cuda:5'" in str(info.value) and "pip install" in str(info.value)


@pytest.mark.skipif(not _NO_CUDA, reason="this machine has a cuda device")
def test_with_unusable_device_fails_only_when_creating_inside():
    with ag.device("cuda:5"):
        with pytest.raises(backends.DeviceError, match="'cuda:5'"):
            ag.zeros(2)
    assert ag.zeros(2).device == ag.device("cpu")


def test_unknown_or_malformed_device_still_raises_at_once():
    with pytest.raises(backends.DeviceError, match="unknown device 'tpu'"):
        ag.device("tpu")
    with pytest.raises(backends.DeviceError, match="non-negative"):
        ag.device("cuda", -1)


# ----- cartesian_prod / meshgrid refuse mixed dtypes; combinations keep bool and int dtypes -------------------
_MIXED = [(np.int64, np.float32), (np.int32, np.int64), (np.bool_, np.int64), (np.float16, np.float32),
          (np.uint8, np.int8), (np.float64, np.int32)]


def _pair(a, b, lib):
    x, y = np.array([1, 0, 1]).astype(a), np.array([2, 3]).astype(b)
    return (torch.from_numpy(x), torch.from_numpy(y)) if lib is torch else (ag.tensor(x), ag.tensor(y))


@pytest.mark.parametrize("a, b", _MIXED)
@pytest.mark.parametrize("op", ["cartesian_prod", "meshgrid"])
def test_mixed_dtypes_are_refused_as_in_torch(op, a, b):
    with pytest.raises(RuntimeError, match="same dtype"):
        getattr(torch, op)(*_pair(a, b, torch))
    with pytest.raises(RuntimeError, match=r"same dtype, got .* for tensors\[0\] and .* for tensors\[1\]"):
        getattr(ag, op)(*_pair(a, b, ag))


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.int32, np.int64, np.float16])
def test_one_dtype_cartesian_prod_and_combinations_match_torch(dtype):
    values = np.array([1, 0, 1, 1]).astype(dtype)
    theirs, ours = torch.from_numpy(values), ag.tensor(values)
    t, o = torch.cartesian_prod(theirs, theirs[:2]), ag.cartesian_prod(ours, ours[:2])
    assert t.dtype == theirs.dtype and o.dtype == dtype and o.tolist() == t.tolist()
    for r in range(6):
        for with_replacement in (False, True):
            t, o = torch.combinations(theirs, r, with_replacement), ag.combinations(ours, r, with_replacement)
            assert o.dtype == dtype and tuple(o.shape) == tuple(t.shape) and o.tolist() == t.tolist()


# ----- nn.CrossMapLRN2d: PyTorch's legacy module, its window and its own backward formula ---------------------
_LRN_DTYPES = [("float64", 0), ("float32", 1e-6), ("float16", 0), ("bfloat16", 0)]


@pytest.mark.parametrize("dtype, rtol", _LRN_DTYPES)
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("channels", [1, 2, 3, 5, 8])
def test_cross_map_lrn2d_forward_and_gradient_match_torch(dtype, rtol, size, channels):
    rng = np.random.default_rng(size * 10 + channels)
    x = rng.standard_normal((2, channels, 3, 4)).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    theirs = torch.tensor(x).to(getattr(torch, dtype)).requires_grad_()
    ours = ag.tensor(x).to(getattr(ag, dtype)).requires_grad_()
    t = torch.nn.CrossMapLRN2d(size, alpha=0.7, beta=0.8, k=1.3)(theirs)
    o = nn.CrossMapLRN2d(size, alpha=0.7, beta=0.8, k=1.3)(ours)
    assert o.dtype == getattr(ag, dtype) and type(t.grad_fn).__name__ == "CrossMapLRN2dBackward"
    # float16/bfloat16/float64 bit for bit; float32 within PyTorch's vectorised pow's last-place error
    np.testing.assert_allclose(o.detach().float().numpy(), t.detach().float().numpy(), rtol=rtol, atol=0)
    if size == 1:   # PyTorch's legacy backward fails for size 1
        with pytest.raises(RuntimeError):
            t.backward(torch.tensor(g).to(t.dtype))
        with pytest.raises(RuntimeError, match="CrossMapLRN2d: backward needs size >= 2"):
            o.backward(ag.tensor(g).to(o.dtype))
        return
    t.backward(torch.tensor(g).to(t.dtype))
    o.backward(ag.tensor(g).to(o.dtype))
    np.testing.assert_allclose(ours.grad.float().numpy(), theirs.grad.float().numpy(), rtol=rtol, atol=1e-7 if rtol else 0)


def test_cross_map_lrn2d_defaults_repr_and_refusals_follow_torch():
    t, o = torch.nn.CrossMapLRN2d(5), nn.CrossMapLRN2d(5)
    assert (o.size, o.alpha, o.beta, o.k) == (t.size, t.alpha, t.beta, t.k) and repr(o) == repr(t)
    x = np.random.default_rng(0).standard_normal((1, 4, 2, 2)).astype(np.float32)
    np.testing.assert_allclose(o(ag.tensor(x)).numpy(), t(torch.tensor(x)).numpy(), rtol=1e-6)
    assert list(o(ag.zeros(0, 3, 2, 2)).shape) == list(t(torch.zeros(0, 3, 2, 2)).shape)
    with pytest.raises(ValueError, match="4D"):
        t(torch.zeros(2, 3, 4))
    with pytest.raises(ValueError, match=r"CrossMapLRN2d: expects a 4-D input .* \(2, 3, 4\)"):
        o(ag.zeros(2, 3, 4))
    with pytest.raises(RuntimeError):
        t(torch.ones(1, 2, 2, 2, dtype=torch.int64))
    with pytest.raises(RuntimeError, match="floating-point"):
        o(ag.ones(1, 2, 2, 2, dtype=ag.int64))
    x = ag.ones(1, 3, 2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="cannot be differentiated again"):
        ag.grad(o(x).sum(), x, create_graph=True)


# ----- addmv on float16/bfloat16: PyTorch's CPU rounding; beta = 0 still gives input a zero gradient ----------
_SCALARS = [(0, 1), (1, 1), (0.3, 1), (0, 0.7), (1, -0.3), (0.3, 0.7), (2, 3)]


def _addmv_cases(rng):
    """(n, m, transposed) shapes: small ones (PyTorch's own gemv), single rows and columns, and two above 4096
    elements (oneDNN's path)."""
    cases = [(int(rng.integers(1, 60)), int(rng.integers(1, 60)), bool(rng.integers(0, 2))) for _ in range(24)]
    return cases + [(7, 1, False), (1, 9, False), (1, 1, False), (40, 1, False), (70, 70, False), (9, 600, True)]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("beta, alpha", _SCALARS)
def test_half_addmv_rounds_as_torch(dtype, beta, alpha):
    rng = np.random.default_rng(int(beta * 10 + alpha * 100) % 997)
    td, ad = getattr(torch, dtype), getattr(ag, dtype)
    mismatched = total = 0
    for n, m, transposed in _addmv_cases(rng):
        arrays = [rng.standard_normal(s).astype(np.float32) for s in ((n,), (m, n) if transposed else (n, m), (m,),
                                                                      (n,))]
        theirs = [torch.tensor(a).to(td).requires_grad_() for a in arrays[:3]]
        ours = [ag.tensor(a).to(ad).requires_grad_() for a in arrays[:3]]
        mat_t, mat_o = (theirs[1].t(), ours[1].t()) if transposed else (theirs[1], ours[1])
        t = torch.addmv(theirs[0], mat_t, theirs[2], beta=beta, alpha=alpha)
        o = ag.addmv(ours[0], mat_o, ours[2], beta=beta, alpha=alpha)
        assert o.dtype == ad and type(t.grad_fn).__name__ == type(o.grad_fn).__name__
        t.backward(torch.tensor(arrays[3]).to(td))
        o.backward(ag.tensor(arrays[3]).to(ad))
        for x, y in [(t.detach(), o.detach())] + [(x.grad, y.grad) for x, y in zip(theirs, ours)]:
            mismatched += int((x.float().numpy() != y.float().numpy()).sum())
            total += x.numel()
    # PyTorch's float16 gemv fast path (alpha = 1) sums a dot product in its vector registers' order, which
    # depends on the CPU; deepgrad sums in order, which differs in the last bit of about one value in a thousand
    assert mismatched <= (total // 500 if dtype == "float16" else 0), (mismatched, total)


@pytest.mark.parametrize("op, shapes", [("addmv", ((2,), (2, 3), (3,))), ("addmm", ((1,), (2, 3), (3, 2))),
                                        ("baddbmm", ((1, 2, 2), (1, 2, 3), (1, 3, 2)))])
def test_beta_zero_gives_input_a_zero_gradient_as_torch(op, shapes):
    grads = []
    for lib in (torch, ag):
        args = [lib.ones(*s, requires_grad=True) for s in shapes]
        getattr(lib, op)(*args, beta=0).sum().backward()
        grads.append(args[0].grad)
    assert grads[1] is not None and grads[1].tolist() == grads[0].tolist()


# ----- optimisers on float16/bfloat16 parameters: PyTorch's op-by-op rounding, 20 steps bit for bit ----------
_HALF_OPTIMISERS = [
    ("Adam", {}), ("Adam", {"weight_decay": 0.1}), ("Adam", {"amsgrad": True, "maximize": True}),
    ("Adam", {"lr": 0.01, "eps": 1e-3, "weight_decay": 0.05, "amsgrad": True}),
    ("AdamW", {}), ("AdamW", {"weight_decay": 0.1, "amsgrad": True}), ("AdamW", {"maximize": True}),
    ("RMSprop", {}), ("RMSprop", {"weight_decay": 0.1}), ("RMSprop", {"momentum": 0.9}),
    ("RMSprop", {"centered": True, "eps": 1e-3}), ("RMSprop", {"maximize": True, "momentum": 0.5, "centered": True}),
    ("Adagrad", {}), ("Adagrad", {"weight_decay": 0.1, "lr_decay": 0.01}), ("Adagrad", {"maximize": True}),
    ("Adagrad", {"initial_accumulator_value": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.5, "dampening": 0.3, "maximize": True}),
]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name, options", _HALF_OPTIMISERS)
@pytest.mark.parametrize("shape", [(4, 64), (300,), (5, 7)])   # vector loops only, a scalar tail, all scalar
def test_half_optimisers_step_bit_for_bit_as_torch(dtype, name, options, shape):
    rng = np.random.default_rng(len(name) * 7 + len(options))
    start = rng.standard_normal(shape).astype(np.float32)
    grads = [rng.standard_normal(shape).astype(np.float32) for _ in range(20)]
    theirs = torch.nn.Parameter(torch.tensor(start).to(getattr(torch, dtype)))
    ours = nn.Parameter(ag.tensor(start).to(getattr(ag, dtype)))
    torch_opt, our_opt = getattr(torch.optim, name)([theirs], **options), getattr(nn.optim, name)([ours], **options)
    for step, g in enumerate(grads):
        theirs.grad = torch.tensor(g).to(theirs.dtype)
        ours.grad = ag.tensor(g).to(ours.dtype)
        torch_opt.step()
        our_opt.step()
        expected = theirs.detach().view(torch.int16).numpy()   # the bits: NaN equals NaN, -0 is not 0
        np.testing.assert_array_equal(ours.detach().view(ag.int16).numpy(), expected, err_msg=f"step {step}")
