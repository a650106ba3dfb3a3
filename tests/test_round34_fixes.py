"""Regressions for the differences from PyTorch that round 34 found while writing its programs
(tests/test_pytorch_programs_round34.py). Each test runs the idiom under deepgrad and, where PyTorch is installed,
under PyTorch, and compares."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import parametrize
from nn.utils.parametrizations import orthogonal, weight_norm
from tests.helpers import require_torch

X = np.random.default_rng(0).standard_normal((5, 2, 3))


def _parametrized_recurrent(lib, torch_nn, orthogonal_fn, weight_norm_fn):
    lib.manual_seed(0)
    rnn = torch_nn.RNN(3, 4).double()
    orthogonal_fn(rnn, "weight_hh_l0")
    lstm = torch_nn.LSTM(3, 4, bidirectional=True, proj_size=2).double()
    weight_norm_fn(lstm, "weight_hr_l0_reverse")
    torch_nn.utils.parametrize.register_parametrization(lstm, "bias_ih_l0", torch_nn.Tanh())
    x = lib.tensor(X, requires_grad=True)
    out, h = rnn(x)
    out2, (h2, c2) = lstm(x)
    (out.sum() + out2.pow(2).sum()).backward()
    return (out.detach().numpy(), out2.detach().numpy(), x.grad.numpy(),
            rnn.parametrizations.weight_hh_l0.original.grad.numpy(),
            lstm.parametrizations.weight_hr_l0_reverse.original1.grad.numpy())


def test_recurrent_layers_read_parametrized_weights():
    # orthogonal(nn.RNN(...), "weight_hh_l0") (an orthogonal RNN) raised KeyError: 'weight_hh_l0' in forward, which
    # read the weights from _parameters, where a parametrized weight no longer is
    ours = _parametrized_recurrent(ag, nn, orthogonal, weight_norm)
    torch = require_torch()
    from torch.nn.utils.parametrizations import orthogonal as t_orthogonal, weight_norm as t_weight_norm
    theirs = _parametrized_recurrent(torch, torch.nn, t_orthogonal, t_weight_norm)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_recurrent_layer_without_bias_still_runs_after_parametrizing():
    gru = nn.GRU(3, 4, bias=False).double()
    before, _ = gru(ag.tensor(X))
    parametrize.register_parametrization(gru, "weight_ih_l0", nn.Identity())
    after, _ = gru(ag.tensor(X))
    np.testing.assert_array_equal(after.numpy(), before.numpy())
