"""F.linear_cross_entropy, nn.LinearCrossEntropyLoss and LinearCrossEntropyOptions (PyTorch 2.13's fused head and
loss) against PyTorch: values and gradients of the plain path and of the chunked one (options), every reduction,
class weights, ignored targets, bias, unbatched and K-dimensional inputs, probability targets; the chunked path's
once-only backward and its warning for settings it does not take."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import require_torch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((7, 4))
W = RNG.standard_normal((6, 4))
B = RNG.standard_normal(6)
T = np.array([0, 5, 2, 2, -100, 1, 3])
CLASS_WEIGHT = np.linspace(0.5, 2.0, 6)


def _run(lib, functional, options, dtype, reduction, bias, class_weight, target=T, x=X, w=W):
    """Loss and the gradients of input, linear weight (and bias) on library `lib`."""
    cast = getattr(lib, dtype)
    xs = lib.tensor(x).to(cast).requires_grad_()
    ws = lib.tensor(w).to(cast).requires_grad_()
    bs = lib.tensor(B).to(cast).requires_grad_() if bias else None
    cw = lib.tensor(CLASS_WEIGHT).to(cast) if class_weight else None
    loss = functional.linear_cross_entropy(xs, ws, lib.tensor(target), linear_bias=bs, weight=cw,
                                           reduction=reduction, options=options)
    (loss * lib.tensor(np.linspace(1, 2, loss.numel()).reshape(tuple(loss.shape))).to(cast)).sum().backward()
    grads = [xs.grad, ws.grad] + ([bs.grad] if bias else [])
    return [loss.detach().double().numpy()] + [g.double().numpy() for g in grads]


def _options(lib, **kw):
    return (lib.nn.LinearCrossEntropyOptions if lib is not ag else nn.LinearCrossEntropyOptions)(**kw)


@pytest.mark.parametrize("chunked", [None, dict(batch_chunk_size=3, chunking_method=None), dict()],
                         ids=["plain", "chunks_of_3", "auto"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("class_weight", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_matches_pytorch(chunked, reduction, bias, class_weight, dtype):
    torch = require_torch()
    results = []
    for lib, functional in ((ag, F), (torch, torch.nn.functional)):
        options = None if chunked is None else _options(torch if lib is torch else ag, **chunked)
        results.append(_run(lib, functional, options, dtype, reduction, bias, class_weight))
    tolerance = 1e-10 if dtype == "float64" else 2e-5
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)


def test_every_target_ignored_gives_nan_mean_and_zero_gradients_as_pytorch():
    torch = require_torch()
    target = np.full(7, -100)
    for options in (None, dict(batch_chunk_size=2, chunking_method=None)):
        ours = _run(ag, F, options and nn.LinearCrossEntropyOptions(**options), "float64", "mean", True, False,
                    target)
        theirs = _run(torch, torch.nn.functional, options and torch.nn.LinearCrossEntropyOptions(**options),
                      "float64", "mean", True, False, target)
        for a, b in zip(ours, theirs):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", ["unbatched", "k_dim", "probabilities", "label_smoothing"])
def test_plain_path_forms_match_pytorch(case):
    torch = require_torch()
    results = []
    k_weight = np.random.default_rng(4).standard_normal((6, 3, 4))
    for lib, functional in ((ag, F), (torch, torch.nn.functional)):
        x, w, t, kwargs = X, W, T, {}
        if case == "unbatched":
            x, t = X[0], np.array(2)
        elif case == "k_dim":
            w, t = k_weight, np.random.default_rng(1).integers(0, 6, (7, 3))
        elif case == "probabilities":
            t = np.random.default_rng(2).dirichlet(np.ones(6), 7)
        else:
            kwargs = dict(label_smoothing=0.2)
        xs, ws = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        loss = functional.linear_cross_entropy(xs, ws, lib.tensor(t), **kwargs)
        loss.backward()
        results.append([loss.detach().numpy(), xs.grad.numpy(), ws.grad.numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_module_matches_pytorch_and_keeps_a_2d_head():
    torch = require_torch()
    ours = nn.LinearCrossEntropyLoss(4, 6, out_features=(2,), bias=True, dtype=ag.float64)
    theirs = torch.nn.LinearCrossEntropyLoss(4, 6, out_features=(2,), bias=True, dtype=torch.float64)
    ours.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in theirs.state_dict().items()})
    assert repr(ours) == repr(theirs)
    assert [(n, tuple(p.shape)) for n, p in ours.named_parameters()] == \
        [(n, tuple(p.shape)) for n, p in theirs.named_parameters()]
    target = np.random.default_rng(3).integers(0, 6, (7, 2))
    loss, expected = ours(ag.tensor(X), ag.tensor(target)), theirs(torch.tensor(X), torch.tensor(target))
    loss.backward()
    expected.backward()
    np.testing.assert_allclose(loss.item(), expected.item(), rtol=1e-12)
    np.testing.assert_allclose(ours.linear.weight.grad.numpy(), theirs.linear.weight.grad.numpy(), rtol=1e-10)


def test_chunked_backward_runs_once_unless_allowed():
    x, w = ag.tensor(X, requires_grad=True), ag.tensor(W, requires_grad=True)
    loss = F.linear_cross_entropy(x, w, ag.tensor(T), options=nn.LinearCrossEntropyOptions(batch_chunk_size=2,
                                                                                        chunking_method=None))
    loss.backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="allow_retain_graph=True"):
        loss.backward()
    x.grad = None
    loss = F.linear_cross_entropy(x, w, ag.tensor(T), options=nn.LinearCrossEntropyOptions(allow_retain_graph=True))
    loss.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * first, rtol=1e-12)


def test_options_refused_settings_warn_and_take_the_plain_path():
    x, w = ag.tensor(X), ag.tensor(W)
    with pytest.warns(UserWarning, match="options ignored"):
        loss = F.linear_cross_entropy(x, w, ag.tensor(T), label_smoothing=0.1,
                                      options=nn.LinearCrossEntropyOptions())
    np.testing.assert_allclose(loss.item(), F.linear_cross_entropy(x, w, ag.tensor(T), label_smoothing=0.1).item())


@pytest.mark.parametrize("kwargs", [dict(acc_policy="fast"), dict(chunking_method="square"),
                                    dict(batch_chunk_size=0), dict(chunking_method="aspect_ratio:0")])
def test_options_are_checked_as_pytorch(kwargs):
    torch = require_torch()
    with pytest.raises(ValueError):
        torch.nn.LinearCrossEntropyOptions(**kwargs)
    with pytest.raises(ValueError):
        nn.LinearCrossEntropyOptions(**kwargs)


def test_bad_shapes_name_the_op_and_shapes():
    with pytest.raises(RuntimeError, match=r"linear_cross_entropy.*\(7, 4\).*\(6, 3\)"):
        F.linear_cross_entropy(ag.tensor(X), ag.tensor(W[:, :3]), ag.tensor(T))
