"""nn.AdaptiveLogSoftmaxWithLoss against PyTorch (the same weights): parameter names and repr, output, loss,
every gradient, log_prob and predict, unbatched input, bad targets and cutoffs; plus Dataset + Dataset and
Hardtanh's older keyword names."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn.data import TensorDataset
from tests.helpers import require_torch

X = np.random.default_rng(0).standard_normal((7, 8))
Y = np.array([0, 4, 7, 9, 2, 5, 3])


def _pair(torch, head_bias=False):
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=head_bias).double()
    ours = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6], div_value=2.0, head_bias=head_bias).double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize("head_bias", [False, True])
def test_matches_torch(head_bias):
    torch = require_torch()
    ours, theirs = _pair(torch, head_bias)
    assert repr(ours) == repr(theirs) and list(ours.state_dict()) == list(theirs.state_dict())
    xo, xt = ag.tensor(X, requires_grad=True), torch.tensor(X, requires_grad=True)
    out_o, out_t = ours(xo, ag.tensor(Y)), theirs(xt, torch.tensor(Y))
    assert out_o._fields == out_t._fields
    np.testing.assert_allclose(out_o.output.numpy(), out_t.output.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(out_o.loss.item(), out_t.loss.item(), atol=1e-12)
    out_o.loss.backward()
    out_t.loss.backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=1e-12)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), atol=1e-12, err_msg=name)
    np.testing.assert_allclose(ours.log_prob(ag.tensor(X)).numpy(), theirs.log_prob(torch.tensor(X)).detach().numpy(),
                               atol=1e-12)
    np.testing.assert_array_equal(ours.predict(ag.tensor(X)).numpy(), theirs.predict(torch.tensor(X)).numpy())
    one_o, one_t = ours(ag.tensor(X[1]), ag.tensor(4)), theirs(torch.tensor(X[1]), torch.tensor(4))
    assert one_o.output.shape == () and abs(one_o.output.item() - one_t.output.item()) < 1e-12


def test_probabilities_sum_to_one_and_bad_input():
    model = nn.AdaptiveLogSoftmaxWithLoss(8, 10, [3, 6]).double()
    np.testing.assert_allclose(model.log_prob(ag.tensor(X)).exp().sum(1).numpy(), 1.0, atol=1e-12)
    with pytest.raises(RuntimeError, match=r"should be in \[0, 9\]"):
        model(ag.tensor(X[:2]), ag.tensor([0, 10]))
    with pytest.raises(RuntimeError, match="same size in the batch"):
        model(ag.tensor(X[:2]), ag.tensor([0, 1, 2]))
    for cutoffs in ([], [6, 3], [0, 3], [3, 10], [3, 3]):
        with pytest.raises(ValueError, match="cutoffs should be a sequence"):
            nn.AdaptiveLogSoftmaxWithLoss(8, 10, cutoffs)


def test_dataset_addition_concatenates_as_torch():
    torch = require_torch()
    ours = TensorDataset(ag.arange(3.0)) + TensorDataset(ag.arange(10.0, 12.0))
    theirs = torch.utils.data.TensorDataset(torch.arange(3.0)) + torch.utils.data.TensorDataset(torch.arange(10., 12.))
    assert type(ours).__name__ == type(theirs).__name__ == "ConcatDataset"
    assert len(ours) == len(theirs) == 5
    assert [float(ours[k][0]) for k in range(5)] == [float(theirs[k][0]) for k in range(5)]


def test_hardtanh_older_keyword_names():
    with pytest.warns(FutureWarning, match="renamed to `min_val`"):
        layer = nn.Hardtanh(min_value=-2.0, max_value=2.0)
    assert (layer.min_val, layer.max_val) == (-2.0, 2.0)
    np.testing.assert_array_equal(layer(ag.tensor([-3.0, 0.5, 3.0])).numpy(), [-2.0, 0.5, 2.0])


def test_zero_element_weights_initialise_as_torch():
    """A layer with no inputs (a narrow adaptive-softmax tail) builds: the fan-based inits leave an empty tensor
    alone with PyTorch's warning, and the bias bound is 0."""
    with pytest.warns(UserWarning, match="zero-element tensors is a no-op"):
        layer = nn.Linear(0, 4)
    assert layer.weight.shape == (4, 0) and float(layer.bias.abs().sum()) == 0.0
    np.testing.assert_array_equal(layer(ag.zeros(3, 0)).numpy(), np.zeros((3, 4)))


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2, divisor_override=3),
                                    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, divisor_override=5),
                                    dict(kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), divisor_override=-2,
                                         count_include_pad=False)])
def test_avg_pool2d_divisor_override_matches_torch(kwargs):
    torch = require_torch()
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 6))
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_o, out_t = nn.AvgPool2d(**kwargs)(xo), torch.nn.AvgPool2d(**kwargs)(xt)
    np.testing.assert_allclose(out_o.detach().numpy(), out_t.detach().numpy(), atol=1e-12)
    cot = np.random.default_rng(1).standard_normal(tuple(out_o.shape))
    (out_o * ag.tensor(cot)).sum().backward()
    (out_t * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="non-zero integer"):
        nn.functional.avg_pool2d(xo, 2, divisor_override=0)


def test_pooling_reprs_show_the_default_stride_as_torch():
    torch = require_torch()
    for name in ("AvgPool1d", "AvgPool2d", "MaxPool1d", "MaxPool2d"):
        for args in ((2,), (3, 1, 1)):
            assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
