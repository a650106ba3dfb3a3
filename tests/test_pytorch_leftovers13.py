"""PyTorch leftovers 13, each checked against torch 2.13: a bfloat16/float16 tensor times or over a 0-d float tensor
(values, both gradients and their dtypes, the node's edges, under create_graph too)."""
import numpy as np
import pytest

import autograd as ag


def _torch():
    return pytest.importorskip("torch")


def _name(node):
    return None if node is None else node.name()


def _edges(node):
    return [(_name(n), i) for n, i in node.next_functions]


def _values(t):
    return None if t is None else (str(t.dtype).replace("torch.", "").replace("dtype(", "").strip("()'"),
                                   np.asarray(t.detach().float().numpy()).tolist())


# ----- 1. a half tensor times or over a 0-d float tensor -----------------------------------------------------------
_HALF_SCALAR_OPS = {
    "mul": lambda x, w: x * w,
    "div": lambda x, w: x / w,
    "rmul": lambda x, w: w * x,
    "rdiv": lambda x, w: w / x,
    "torch.mul": lambda x, w: x.mul(w),
    "torch.div": lambda x, w: x.div(w),
}


def _half_scalar(lib, op, dtype, w_dtype, w_grad, x_grad):
    x = lib.tensor(np.linspace(-3, 3, 12).astype(np.float32)).to(getattr(lib, dtype)).requires_grad_(x_grad)
    w = lib.tensor(np.array(0.1, dtype=w_dtype), requires_grad=w_grad)
    y = _HALF_SCALAR_OPS[op](x, w)
    weights = (lib.arange(12) * 3 - 7).to(getattr(lib, dtype))
    inputs = [t for t in (x, w) if t.requires_grad]
    grads = lib.autograd.grad((y * weights).sum(), inputs, create_graph=True)
    # a second derivative through the half-precision first ones
    on_graph = [g for g in grads if g.requires_grad]
    again = lib.autograd.grad(sum(g.float().sum() for g in on_graph), inputs, allow_unused=True) if on_graph else ()
    return (_values(y), _name(y.grad_fn), _edges(y.grad_fn), [(_values(g), _name(g.grad_fn)) for g in grads],
            [_values(g) for g in again])


@pytest.mark.parametrize("w_grad, w_dtype, x_grad", [(True, "float32", True), (True, "float32", False),
                                                      (False, "float32", True), (True, "float64", True)])
@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("op", sorted(_HALF_SCALAR_OPS))
def test_half_tensor_with_a_zero_dim_float_tensor(op, dtype, w_dtype, w_grad, x_grad):
    torch = _torch()
    assert _half_scalar(ag, op, dtype, w_dtype, w_grad, x_grad) == _half_scalar(torch, op, dtype, w_dtype, w_grad,
                                                                                   x_grad)


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
def test_half_tensor_floor_divided_by_a_zero_dim_tensor_that_requires_grad(dtype):
    torch = _torch()

    def run(lib):
        x = lib.tensor(np.linspace(-3, 3, 13).astype(np.float32)).to(getattr(lib, dtype))
        w = lib.tensor(0.1, requires_grad=True)
        return ((x // w).float().tolist(), (w // x).float().tolist(),
                lib.div(x, w, rounding_mode="trunc").float().tolist())

    assert run(ag) == run(torch)


def test_half_tensor_in_place_times_a_zero_dim_tensor_that_requires_grad():
    torch = _torch()

    def run(lib):
        x0 = lib.tensor(np.linspace(-3, 3, 13).astype(np.float32)).to(lib.float16).requires_grad_()
        w = lib.tensor(0.1, requires_grad=True)
        x = x0 * 1
        x.mul_(w)
        x.div_(w * 3)
        (x * lib.arange(13).to(lib.float16)).sum().backward()
        return x.float().tolist(), _edges(x.grad_fn), x0.grad.float().tolist(), w.grad.item(), str(w.grad.dtype)[-7:]

    assert run(ag) == run(torch)
