"""Regressions for the differences from PyTorch that round 21 found while writing its programs
(tests/test_pytorch_programs_round21.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch, skip_unless_pytorch_draws_generically


@pytest.mark.parametrize("shape, name", [((2, 3, 2, 2), "dropout2d"), ((2, 3, 4), "dropout1d"), ((3, 4), "dropout1d"),
                                         ((1, 2, 2, 2, 2), "dropout3d"), ((2, 2, 2, 2), "dropout3d")])
def test_channel_dropout_inplace_writes_into_its_input(shape, name):
    """F.dropout2d(y, p, inplace=True) (and 1d / 3d, batched or not; and the modules with inplace=True) zero whole
    channels of y itself, as PyTorch does; deepgrad returned a new tensor and left y unchanged."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("bernoulli")
    import nn
    results = []
    for lib, F, mod in ((torch, torch.nn.functional, torch.nn), (ag, nn.functional, nn)):
        lib.manual_seed(4)
        y = lib.randn(*shape, dtype=lib.float64)
        out = getattr(F, name)(y, p=0.5, training=True, inplace=True)
        assert out is y
        layer = getattr(mod, name.capitalize())(0.5, inplace=True)
        z = lib.randn(*shape, dtype=lib.float64)
        assert layer(z) is z
        results.append((y.numpy().copy(), z.numpy().copy()))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_array_equal(ours, theirs)


def test_random_functions_take_out():
    """torch.bernoulli(probs, out=buf), torch.multinomial(w, n, out=idx) and torch.normal(mean, std, out=buf) write
    their draws into out and return it; deepgrad refused the keyword (TypeError: unexpected keyword 'out')."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("bernoulli", "exponential")
    results = []
    for lib in (torch, ag):
        lib.manual_seed(8)
        probs = lib.tensor([[0.1, 0.5, 0.9], [0.0, 1.0, 0.3]])
        buf, idx, nbuf = lib.empty(2, 3), lib.empty(3, dtype=lib.int64), lib.empty(4, dtype=lib.float64)
        assert lib.bernoulli(probs, out=buf) is buf
        assert lib.multinomial(lib.tensor([1.0, 2.0, 3.0, 4.0]), 3, out=idx) is idx
        assert lib.normal(lib.arange(4.0, dtype=lib.float64), 0.5, out=nbuf) is nbuf
        results.append((buf.numpy().copy(), idx.numpy().copy(), nbuf.numpy().copy()))
    for ours, theirs in zip(results[1], results[0]):
        np.testing.assert_array_equal(ours, theirs)


def test_random_out_of_another_dtype_is_refused_clearly():
    """A draw cast into an out of another dtype would take other numbers from the stream than PyTorch's draw in
    out's dtype, so deepgrad refuses it with the dtype to pass."""
    with pytest.raises(ag.DtypeError, match=r"bernoulli\(\): expected out to have dtype float32, but it is float64"):
        ag.bernoulli(ag.full((2,), 0.5), out=ag.empty(2, dtype=ag.float64))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_dropout_scales_in_the_inputs_dtype(dtype):
    """F.dropout of a float16 / bfloat16 tensor multiplies by 1 / (1 - p) rounded to that dtype, as PyTorch's mask
    is; deepgrad multiplied in float32 by the exact scale, so some kept elements came out a unit apart (-0.7964
    for PyTorch's -0.7969 in float16). The gradient is the same product."""
    torch = require_torch()
    skip_unless_pytorch_draws_generically("bernoulli")
    import nn.functional as F
    x = np.random.default_rng(0).standard_normal((40, 30)).astype(np.float32)
    g = np.random.default_rng(1).standard_normal((40, 30)).astype(np.float32)
    results = []
    for lib, fn in ((torch, torch.nn.functional), (ag, F)):
        t = lib.tensor(x).to(getattr(lib, dtype)).requires_grad_()
        lib.manual_seed(1)
        out = fn.dropout(t, 0.3)
        out.backward(lib.tensor(g).to(getattr(lib, dtype)))
        results.append((out.detach().float().numpy(), t.grad.float().numpy(), str(out.dtype), str(t.grad.dtype)))
    (o1, g1, d1, gd1), (o2, g2, d2, gd2) = results
    np.testing.assert_array_equal(o2, o1)
    np.testing.assert_array_equal(g2, g1)
    assert d2 == d1.replace("torch.", "") and gd2 == gd1.replace("torch.", "")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("options", [{}, {"momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01},
                                     {"momentum": 0.8, "nesterov": True, "weight_decay": 0.05}])
def test_half_precision_sgd_steps_round_as_pytorchs(dtype, options):
    """torch.optim.SGD on float16 / bfloat16 parameters computes each add (param + (-lr) * d, grad + wd * param,
    buf + (1 - dampening) * d) in float32 with alpha rounded to the parameter's dtype and rounds once; deepgrad's
    NumPy half arithmetic rounded lr * d and the difference apart, so some parameters came out a unit off after one
    step. 512 elements: PyTorch's vectorised loop covers them all on AVX2 and AVX-512 (its scalar tail, which keeps
    alpha float32, is not reached)."""
    torch = require_torch()
    import nn
    rng = np.random.default_rng(3)
    start = rng.standard_normal(512).astype(np.float32)
    grads = [rng.standard_normal(512).astype(np.float32) * 0.3 for _ in range(3)]
    results = []
    for lib, optim in ((torch, torch.optim), (ag, nn.optim)):
        w = lib.tensor(start).to(getattr(lib, dtype)).requires_grad_()
        opt = optim.SGD([w], lr=0.1, **options)
        for g in grads:
            w.grad = lib.tensor(g).to(getattr(lib, dtype))
            opt.step()
        results.append(w.detach().float().numpy())
    np.testing.assert_array_equal(results[1], results[0])


def test_bfloat16_rrelu_rounds_the_product_with_the_float32_slope_once():
    """F.rrelu(x, training=True) on bfloat16 multiplies by the float32 slope and rounds once, keeping the slope
    rounded to bfloat16 for backward, as PyTorch's kernel; deepgrad rounded the slope to bfloat16 before the product,
    so some outputs came out a unit off (-0.1982 for PyTorch's -0.1973)."""
    torch = require_torch()
    import nn.functional as F
    x = np.random.default_rng(0).standard_normal(3000).astype(np.float32)
    g = np.random.default_rng(1).standard_normal(3000).astype(np.float32)
    results = []
    for lib, fn in ((torch, torch.nn.functional), (ag, F)):
        t = lib.tensor(x).to(lib.bfloat16).requires_grad_()
        lib.manual_seed(2)
        y = fn.rrelu(t, 0.1, 0.3, training=True)
        y.backward(lib.tensor(g).to(lib.bfloat16))
        assert y.grad_fn.name() == "RreluWithNoiseBackward0"
        results.append((y.detach().float().numpy(), t.grad.float().numpy(), str(y.dtype), str(t.grad.dtype)))
    (y1, g1, d1, gd1), (y2, g2, d2, gd2) = results
    np.testing.assert_array_equal(y2, y1)
    np.testing.assert_array_equal(g2, g1)
    assert (d2, gd2) == ("bfloat16", "bfloat16") and (d1, gd1) == ("torch.bfloat16", "torch.bfloat16")
