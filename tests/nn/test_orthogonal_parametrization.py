"""nn.utils.parametrizations.orthogonal against PyTorch, in float64: each map ("matrix_exp", "cayley",
"householder") with and without the trivialization, square, tall and wide weights, Linear and Conv2d (a batch of
kernels); the initial value, Q^T Q = I, outputs, gradients, state_dict keys, assignment (right_inverse), a few
SGD steps, the default map, and the errors."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import parametrizations as PZ
from nn.utils import parametrize
from tests.helpers import require_torch

RTOL, ATOL = 1e-9, 1e-11
MAPS = ["matrix_exp", "cayley", "householder"]
SHAPES = [(4, 4), (5, 3), (3, 5)]      # square, tall, wide (out_features, in_features)


def _sd(module):
    return {k: v.detach().numpy().copy() for k, v in module.state_dict().items()}


def _linears(t, shape, weight):
    ours, theirs = nn.Linear(shape[1], shape[0]).double(), t.nn.Linear(shape[1], shape[0]).double()
    theirs.weight.data = t.tensor(weight)
    ours.load_state_dict(_sd(theirs))
    return ours, theirs


def _assert_close(a, b, what):
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=RTOL, atol=ATOL, err_msg=what)


def _assert_orthogonal(q):
    q = q.detach().numpy()
    if q.shape[-2] < q.shape[-1]:
        q = np.swapaxes(q, -1, -2)
    eye = np.broadcast_to(np.eye(q.shape[-1]), q.shape[:-2] + (q.shape[-1],) * 2)
    np.testing.assert_allclose(np.swapaxes(q, -1, -2) @ q, eye, atol=1e-12)


def _start(shape, orthogonal, seed=0):
    w = np.random.default_rng(seed).standard_normal(shape)
    if orthogonal:   # orthonormal columns (or rows): kept as the initial value
        q, _ = np.linalg.qr(w if shape[0] >= shape[1] else w.T)
        w = q if shape[0] >= shape[1] else q.T
    return w


@pytest.mark.parametrize("trivial", [True, False])
@pytest.mark.parametrize("omap", MAPS)
@pytest.mark.parametrize("shape", SHAPES)
def test_orthogonal_linear_matches_torch(shape, omap, trivial):
    t = require_torch()
    ours, theirs = _linears(t, shape, _start(shape, orthogonal=False))
    PZ.orthogonal(ours, orthogonal_map=omap, use_trivialization=trivial)
    t.nn.utils.parametrizations.orthogonal(theirs, orthogonal_map=omap, use_trivialization=trivial)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    # the initial value (the weight's QR factor) does not depend on the random columns that complete `base`
    _assert_close(ours.weight, theirs.weight, "initial weight")
    _assert_orthogonal(ours.weight)
    ours.load_state_dict(_sd(theirs))         # torch's base (random when the weight is not square)
    x = np.random.default_rng(1).standard_normal((2, shape[1]))
    y, ty = ours(ag.tensor(x)), theirs(t.tensor(x))
    _assert_close(y, ty, "forward")
    y.pow(3).sum().backward()
    ty.pow(3).sum().backward()
    _assert_close(ours.parametrizations.weight.original.grad, theirs.parametrizations.weight.original.grad, "grad")
    _assert_close(ours.bias.grad, theirs.bias.grad, "bias grad")


@pytest.mark.parametrize("shape", SHAPES)
def test_an_orthogonal_weight_is_kept_as_is(shape):
    t = require_torch()
    w = _start(shape, orthogonal=True)
    for omap in MAPS:
        ours, theirs = _linears(t, shape, w)
        PZ.orthogonal(ours, orthogonal_map=omap)
        t.nn.utils.parametrizations.orthogonal(theirs, orthogonal_map=omap)
        np.testing.assert_allclose(ours.weight.detach().numpy(), w, atol=1e-12)
        _assert_close(ours.weight, theirs.weight, omap)
        if shape[0] == shape[1]:     # base is Q itself
            np.testing.assert_array_equal(ours.parametrizations.weight[0].base.numpy(), w)


@pytest.mark.parametrize("kernel", [(3, 3), (3, 2), (2, 3)])
def test_orthogonal_conv2d_batches_of_kernels_match_torch(kernel):
    t = require_torch()
    t.manual_seed(0)
    theirs = t.nn.Conv2d(2, 3, kernel).double()
    ours = nn.Conv2d(2, 3, kernel).double()
    ours.load_state_dict(_sd(theirs))
    PZ.orthogonal(ours)
    t.nn.utils.parametrizations.orthogonal(theirs)
    want = "matrix_exp" if kernel[0] == kernel[1] else "householder"
    assert ours.parametrizations.weight[0].orthogonal_map == want
    assert theirs.parametrizations.weight[0].orthogonal_map.name == want
    _assert_orthogonal(ours.weight)
    _assert_close(ours.weight, theirs.weight, "initial weight")
    ours.load_state_dict(_sd(theirs))
    x = np.random.default_rng(2).standard_normal((2, 2, 5, 5))
    ours(ag.tensor(x)).pow(2).sum().backward()
    theirs(t.tensor(x)).pow(2).sum().backward()
    _assert_close(ours.parametrizations.weight.original.grad, theirs.parametrizations.weight.original.grad, "grad")


@pytest.mark.parametrize("trivial", [True, False])
@pytest.mark.parametrize("omap", MAPS)
@pytest.mark.parametrize("shape", [(4, 4), (3, 5)])
def test_sgd_steps_match_torch(shape, omap, trivial):
    t = require_torch()
    ours, theirs = _linears(t, shape, _start(shape, orthogonal=False, seed=3))
    PZ.orthogonal(ours, orthogonal_map=omap, use_trivialization=trivial)
    t.nn.utils.parametrizations.orthogonal(theirs, orthogonal_map=omap, use_trivialization=trivial)
    ours.load_state_dict(_sd(theirs))
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((6, shape[1])), rng.standard_normal((6, shape[0]))
    opt, topt = nn.optim.SGD(ours.parameters(), lr=0.2), t.optim.SGD(theirs.parameters(), lr=0.2)
    for _ in range(3):
        opt.zero_grad(), topt.zero_grad()
        (ours(ag.tensor(x)) - ag.tensor(y)).pow(2).mean().backward()
        (theirs(t.tensor(x)) - t.tensor(y)).pow(2).mean().backward()
        opt.step(), topt.step()
    a, b = _sd(ours), _sd(theirs)
    for k in a:
        np.testing.assert_allclose(a[k], b[k], rtol=RTOL, atol=ATOL, err_msg=k)
    _assert_close(ours.weight, theirs.weight, "weight after SGD")
    _assert_orthogonal(ours.weight)


@pytest.mark.parametrize("shape", SHAPES)
def test_assignment_matches_torch(shape):
    t = require_torch()
    q = _start(shape, orthogonal=True, seed=5)
    for omap, trivial in [("matrix_exp", True), ("cayley", True), ("householder", True), ("householder", False)]:
        ours, theirs = _linears(t, shape, _start(shape, orthogonal=False))
        PZ.orthogonal(ours, orthogonal_map=omap, use_trivialization=trivial)
        t.nn.utils.parametrizations.orthogonal(theirs, orthogonal_map=omap, use_trivialization=trivial)
        ours.weight = ag.tensor(q)
        theirs.weight = t.tensor(q)
        np.testing.assert_allclose(ours.weight.detach().numpy(), q, atol=1e-12)
        _assert_close(ours.weight, theirs.weight, f"{omap} after assignment")
        if not trivial:
            _assert_close(ours.parametrizations.weight.original, theirs.parametrizations.weight.original, "reflectors")


@pytest.mark.parametrize("omap", ["matrix_exp", "cayley"])
def test_assignment_without_trivialization_raises_as_torch(omap):
    t = require_torch()
    ours, theirs = _linears(t, (4, 4), _start((4, 4), orthogonal=False))
    PZ.orthogonal(ours, orthogonal_map=omap, use_trivialization=False)   # registration keeps the original
    t.nn.utils.parametrizations.orthogonal(theirs, orthogonal_map=omap, use_trivialization=False)
    _assert_close(ours.parametrizations.weight.original, theirs.parametrizations.weight.original, "original")
    _assert_close(ours.weight, theirs.weight, "weight")
    with pytest.raises(NotImplementedError, match="use_trivialization=False"):
        ours.weight = ag.tensor(np.eye(4))
    with pytest.raises(NotImplementedError):
        theirs.weight = t.tensor(np.eye(4))


def test_remove_leaves_the_orthogonal_weight():
    t = require_torch()
    layer, theirs = _linears(t, (5, 3), _start((5, 3), orthogonal=False))
    PZ.orthogonal(layer)
    t.nn.utils.parametrizations.orthogonal(theirs)
    q = layer.weight.detach().numpy().copy()
    parametrize.remove_parametrizations(layer, "weight")
    t.nn.utils.parametrize.remove_parametrizations(theirs, "weight")
    assert type(layer) is nn.Linear and list(layer.state_dict()) == list(theirs.state_dict()) == ["bias", "weight"]
    np.testing.assert_array_equal(layer.weight.detach().numpy(), q)
    _assert_close(layer.weight, theirs.weight, "weight after removal")


def test_errors_match_torch():
    t = require_torch()
    cases = [(lambda lib: lib.Linear(3, 4), {"name": "weigth"}, ValueError,
              "orthogonal: .*no parameter or buffer with name 'weigth'"),
             (lambda lib: lib.Linear(3, 4), {"name": "bias"}, ValueError,
              "orthogonal: Expected a matrix or batch of matrices. Got a tensor of 1 dimensions"),
             (lambda lib: lib.Linear(3, 4), {"orthogonal_map": "expm"}, ValueError,
              'orthogonal_map has to be one of "matrix_exp", "cayley", "householder". Got: expm')]
    for make, kwargs, error, match in cases:
        with pytest.raises(error, match=match):
            PZ.orthogonal(make(nn), **kwargs)
        with pytest.raises(error):
            t.nn.utils.parametrizations.orthogonal(make(t.nn), **kwargs)
    layer = PZ.orthogonal(nn.Linear(3, 4).double())
    with pytest.raises(ValueError, match=r"Expected a matrix or batch of matrices of shape \(4, 3\)"):
        layer.parametrizations.weight[0].right_inverse(ag.zeros(3, 4, dtype=ag.float64))


def test_complex_weights_are_refused():
    layer = nn.Linear(3, 3)
    layer.register_buffer("w", ag.zeros(3, 3, dtype=ag.complex128))
    with pytest.raises(TypeError, match="orthogonal: complex .* not supported by deepgrad"):
        PZ.orthogonal(layer, name="w")
