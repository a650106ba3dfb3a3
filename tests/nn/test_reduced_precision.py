"""Activations and losses in float32 and float16 against PyTorch: values and gradients within tolerances
derived from the dtype's epsilon (tests.helpers.tolerance)."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.helpers import check_against_torch, rand, tolerance, torch

TF = torch.nn.functional

DTYPES = [np.float32, np.float16]

# name, our function, torch's, keyword arguments, roundings along the longest chain (forward or backward)
ACTIVATIONS = [
    ("relu", F.relu, TF.relu, {}, 1),
    ("leaky_relu", F.leaky_relu, TF.leaky_relu, {"negative_slope": 0.1}, 1),
    ("hardtanh", F.hardtanh, TF.hardtanh, {}, 1),
    ("elu", F.elu, TF.elu, {"alpha": 0.7}, 3),             # exp, -1, * alpha
    ("tanh", F.tanh, TF.tanh, {}, 2),                       # backward 1 - y*y
    ("sigmoid", F.sigmoid, TF.sigmoid, {}, 3),              # backward y * (1 - y)
    ("silu", F.silu, TF.silu, {}, 4),
    ("softplus", F.softplus, TF.softplus, {"beta": 2.0}, 4),
    ("gelu", F.gelu, TF.gelu, {}, 4),                       # x * (1 + erf(x / sqrt 2)) / 2
    ("gelu_tanh", F.gelu, TF.gelu, {"approximate": "tanh"}, 6),
    ("softmax", F.softmax, TF.softmax, {"dim": 1}, 3),
    ("log_softmax", F.log_softmax, TF.log_softmax, {"dim": 1}, 3),
]
# these compute float16 in float64 and return float64 (PyTorch keeps float16): the backends' act_forward


@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,kwargs,ops", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_values_and_gradients_match_torch(request, device, name, ours, theirs, kwargs, ops, dtype):
    x = rand((6, 7), dtype, -4.0, 4.0, seed=21)
    check_against_torch(lambda t: ours(t, **kwargs), lambda t: theirs(t, **kwargs), [x], device=device,
                        **tolerance(dtype, ops))


# name, ours(input, target, reduction=), torch's, the target (class indices, probabilities or any float),
# roundings along the longest chain
LOSSES = [
    ("mse_loss", F.mse_loss, TF.mse_loss, "float", 2),
    ("l1_loss", F.l1_loss, TF.l1_loss, "float", 1),
    ("huber_loss", F.huber_loss, TF.huber_loss, "float", 3),
    ("smooth_l1_loss", F.smooth_l1_loss, TF.smooth_l1_loss, "float", 3),
    ("binary_cross_entropy", F.binary_cross_entropy, TF.binary_cross_entropy, "probability", 4),
    ("bce_with_logits", F.binary_cross_entropy_with_logits, TF.binary_cross_entropy_with_logits, "float", 5),
    ("kl_div", F.kl_div, TF.kl_div, "probability", 3),
    ("cross_entropy", F.cross_entropy, TF.cross_entropy, "classes", 4),
    ("cross_entropy_smoothed", lambda x, y, **kw: F.cross_entropy(x, y, label_smoothing=0.1, **kw),
     lambda x, y, **kw: TF.cross_entropy(x, y, label_smoothing=0.1, **kw), "classes", 5),
    ("nll_loss", F.nll_loss, TF.nll_loss, "classes", 1),
]
CLASSES = np.array([0, 3, 1, 4, 2, 3])


@pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss:UserWarning")  # torch's kl_div note
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: d.__name__)
@pytest.mark.parametrize("name,ours,theirs,target,ops", LOSSES, ids=[loss[0] for loss in LOSSES])
def test_loss_values_and_gradients_match_torch(device, name, ours, theirs, target, ops, dtype, reduction):
    low, high = (0.05, 0.95) if name == "binary_cross_entropy" else (-2.0, 2.0)
    x = rand((6, 5), dtype, low, high, seed=31)
    if target == "classes":
        check_against_torch(lambda t: ours(t, ag.tensor(CLASSES, device=device), reduction=reduction),
                            lambda t: theirs(t, torch.tensor(CLASSES), reduction=reduction),
                            [x], device=device, **tolerance(dtype, ops))
        return
    y = rand((6, 5), dtype, 0.0, 1.0, seed=32) if target == "probability" else rand((6, 5), dtype, -2, 2, seed=32)
    check_against_torch(lambda t, u: ours(t, u, reduction=reduction), lambda t, u: theirs(t, u, reduction=reduction),
                        [x, y], device=device, requires_grad=[True, False], **tolerance(dtype, ops))
