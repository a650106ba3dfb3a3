"""fit's train/eval modes: frozen batch-norm layers and sub-modules put in eval mode keep their running
statistics (Keras's trainable=False semantics, and a user's body.eval()); logits losses warn once when
they receive probabilities."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def _body_and_model():
    body = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU())
    model = nn.Sequential(body, nn.Linear(6, 2))
    model.compile("sgd", "cross_entropy")
    return body, model


def _data():
    rng = np.random.default_rng(0)
    return rng.standard_normal((32, 4)).astype(np.float32) * 3 + 1, rng.integers(0, 2, 32)


def test_fit_keeps_a_frozen_bodys_batchnorm_statistics():
    body, model = _body_and_model()
    body.requires_grad_(False)
    model.compile("sgd", "cross_entropy")
    before = body[1].running_mean.numpy().copy()
    model.fit(*_data(), epochs=2, batch_size=8, verbose=0)
    np.testing.assert_array_equal(body[1].running_mean.numpy(), before)
    assert body[1].training  # modes are restored after fit


def test_fit_keeps_a_submodule_the_user_put_in_eval_mode():
    body, model = _body_and_model()
    body.eval()
    before = body[1].running_var.numpy().copy()
    model.fit(*_data(), epochs=1, batch_size=8, verbose=0)
    np.testing.assert_array_equal(body[1].running_var.numpy(), before)
    assert not body.training and model.training


def test_fit_updates_trainable_batchnorm_statistics():
    body, model = _body_and_model()
    before = body[1].running_mean.numpy().copy()
    model.fit(*_data(), epochs=1, batch_size=8, verbose=0)
    assert not np.allclose(body[1].running_mean.numpy(), before)


def test_fit_trains_a_model_that_was_left_in_eval_mode():
    body, model = _body_and_model()
    model.eval()
    before = body[1].running_mean.numpy().copy()
    model.fit(*_data(), epochs=1, batch_size=8, verbose=0)
    assert not np.allclose(body[1].running_mean.numpy(), before)
    assert not model.training


@pytest.mark.parametrize("loss,activation,target", [
    (F.cross_entropy, lambda x: F.softmax(x, dim=-1), ag.tensor(np.array([0, 1, 2]))),
    (F.binary_cross_entropy_with_logits, ag.sigmoid, ag.ones(3, 3)),
])
def test_logits_loss_warns_once_on_probabilities(loss, activation, target, monkeypatch):
    from nn.functional import loss as loss_module
    monkeypatch.setattr(loss_module, "_WARNED", set())
    x = ag.randn(3, 3, requires_grad=True)
    with pytest.warns(UserWarning, match="applied twice"):
        loss(activation(x), target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss(activation(x), target)   # once only
        loss(x, target)               # logits: no warning


def test_cross_entropy_of_log_softmax_outputs_does_not_warn(monkeypatch):
    # log-probabilities are logits up to a constant: cross_entropy of them is right, and no softmax is doubled
    # (log_softmax's node once shared softmax's name, and this warned)
    from nn.functional import loss as loss_module
    monkeypatch.setattr(loss_module, "_WARNED", set())
    x = ag.randn(3, 3, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = F.cross_entropy(F.log_softmax(x, dim=-1), ag.tensor([0, 1, 2]))
    assert loss.item() == pytest.approx(F.cross_entropy(x, ag.tensor([0, 1, 2])).item(), rel=1e-6)
