"""float16 and bfloat16 ops compute as PyTorch's CPU kernels do: in float32, rounded to the half dtype once
(autograd/half_forms.py). NumPy's float16 loops round after every ufunc, so composite ops (softmax, layer_norm,
leaky_relu, softplus) differed from PyTorch's in a sixth to two thirds of their elements; now nearly every
element is PyTorch's, and none is more than a rounding away."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

RNG = np.random.default_rng(3)
VALUES = (RNG.standard_normal((64, 64)) * 3).astype(np.float32)
WEIGHTS = RNG.standard_normal((64, 64)).astype(np.float32)

#: (name, op on (library, functional module, x)), each written once for both libraries
OPS = [
    ("softmax", lambda m, f, x: f.softmax(x, dim=-1)),
    ("log_softmax", lambda m, f, x: f.log_softmax(x, dim=-1)),
    ("layer_norm", lambda m, f, x: f.layer_norm(x, (64,))),
    ("leaky_relu", lambda m, f, x: f.leaky_relu(x, 0.2)),
    ("softplus", lambda m, f, x: f.softplus(x)),
    ("elu", lambda m, f, x: f.elu(x, 0.7)),
    ("silu", lambda m, f, x: f.silu(x)),
    ("tanh", lambda m, f, x: m.tanh(x)),
    ("matmul", lambda m, f, x: x @ x.T),
    ("sum", lambda m, f, x: x.sum(-1)),
    ("mean", lambda m, f, x: x.mean(0)),
]
#: the share of elements that must equal PyTorch's bit for bit (values and gradients)
SAME_SHARE = 0.97


def _setup(dtype):
    torch = pytest.importorskip("torch")
    if dtype == "bfloat16":
        pytest.importorskip("ml_dtypes")
    return torch, getattr(ag, dtype), getattr(torch, dtype)


#: PyTorch's half-precision log_softmax is off by up to a rounding of the row's largest magnitude where its
#: result is near 0 (deepgrad's stays in float32 until the end): there the two are compared to that rounding
ROW_SCALED = {"log_softmax"}


def _compare(ours, theirs, dtype, what, name):
    a, b = ours.detach().float().numpy(), theirs.detach().float().numpy()
    ulp = 2.0 ** (-10 if dtype == "float16" else -7)
    atol = ulp * np.abs(b).max() if name in ROW_SCALED else 1e-6
    np.testing.assert_allclose(a, b, rtol=ulp, atol=atol, err_msg=what)
    same = np.mean(a == b)
    assert same >= (0.9 if name in ROW_SCALED else SAME_SHARE), f"{what}: only {same:.1%} of the elements are PyTorch's bit for bit"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("name, op", OPS, ids=[o[0] for o in OPS])
def test_half_precision_ops_round_once_as_pytorchs(dtype, name, op):
    import nn.functional as ours_f
    torch, ours_dtype, torch_dtype = _setup(dtype)
    x = ag.tensor(VALUES).to(ours_dtype).requires_grad_()
    xt = torch.tensor(VALUES).to(torch_dtype).requires_grad_()
    y, yt = op(ag, ours_f, x), op(torch, torch.nn.functional, xt)
    assert str(y.dtype).replace("torch.", "") == str(yt.dtype).replace("torch.", "")
    _compare(y, yt, dtype, f"{name} in {dtype}", name)
    w = WEIGHTS[:, :y.shape[-1]] if y.ndim == 2 else WEIGHTS[0, :y.shape[-1]]
    (y * ag.tensor(w).to(ours_dtype)).sum().backward()
    (yt * torch.tensor(w).to(torch_dtype)).sum().backward()
    assert x.grad.dtype == ours_dtype
    ours_grad, their_grad = x.grad.float().numpy(), xt.grad.float().numpy()
    rtol = 2.0 ** (-8 if dtype == "float16" else -5)
    atol = rtol * np.abs(their_grad).max() if name in ROW_SCALED else 2e-3
    np.testing.assert_allclose(ours_grad, their_grad, rtol=rtol, atol=atol, err_msg=f"gradient of {name} in {dtype}")


def test_a_float16_model_trains_as_pytorchs():
    """A float16 MLP (its weights float16 too) over five SGD steps: the losses are PyTorch's to float16
    rounding, where NumPy's float16 loops (one rounding per ufunc, products without BLAS) drifted."""
    torch = pytest.importorskip("torch")
    import nn
    rng = np.random.default_rng(0)
    w1, w2 = (rng.standard_normal((32, 16)) * 0.3).astype(np.float16), (rng.standard_normal((4, 32)) * 0.3).astype(np.float16)
    data = rng.standard_normal((64, 16)).astype(np.float16)
    labels = rng.integers(0, 4, 64)
    ours = nn.Sequential(nn.Linear(16, 32, bias=False), nn.GELU(), nn.Linear(32, 4, bias=False)).half()
    theirs = torch.nn.Sequential(torch.nn.Linear(16, 32, bias=False), torch.nn.GELU(),
                                 torch.nn.Linear(32, 4, bias=False)).half()
    for model, lib in ((ours, ag), (theirs, torch)):
        with lib.no_grad():
            model[0].weight.copy_(lib.tensor(w1))
            model[2].weight.copy_(lib.tensor(w2))
    opt, opt_t = ag.optim.SGD(ours.parameters(), lr=0.1), torch.optim.SGD(theirs.parameters(), lr=0.1)
    x, xt, y, yt = ag.tensor(data), torch.tensor(data), ag.tensor(labels), torch.tensor(labels)
    for _ in range(5):
        loss = F.cross_entropy(ours(x).float(), y)
        loss_t = torch.nn.functional.cross_entropy(theirs(xt).float(), yt)
        opt.zero_grad(), opt_t.zero_grad()
        loss.backward(), loss_t.backward()
        opt.step(), opt_t.step()
        assert abs(loss.item() - loss_t.item()) <= 2e-3 * abs(loss_t.item())
    np.testing.assert_allclose(ours[0].weight.float().detach().numpy(), theirs[0].weight.float().detach().numpy(),
                               rtol=2e-3, atol=2e-3)
