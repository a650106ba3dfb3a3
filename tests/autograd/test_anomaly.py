"""ag.detect_anomaly(): the first NaN or inf in forward or backward raises, naming the op that made it."""
import threading

import numpy as np
import pytest

import autograd as ag

# how to make a NaN/inf in forward: the op's name, the call
FORWARD = [
    ("log", lambda x: ag.log(x - 2.0)),
    ("sqrt", lambda x: ag.sqrt(-x)),
    ("div", lambda x: x / (x - 1.0)),
    ("exp", lambda x: ag.exp(x * 1000.0)),
]


@pytest.mark.parametrize("requires_grad", [True, False], ids=["recorded", "not_recorded"])
@pytest.mark.parametrize("op,call", FORWARD, ids=[f[0] for f in FORWARD])
def test_nan_or_inf_in_forward_names_the_op(device, op, call, requires_grad):
    x = ag.tensor([1.0, 0.5], device=device, requires_grad=requires_grad)
    with np.errstate(all="ignore"):
        with ag.detect_anomaly():
            with pytest.raises(ag.AnomalyError, match=rf"\b{op}\b.*forward"):
                call(x)
        call(x)  # outside the block, no check


# finite forward, NaN/inf gradient: the op whose backward makes it, the call
BACKWARD = [
    ("sqrt", lambda x: ag.sqrt(x * 0.0).sum()),  # d sqrt(u) / du = inf at 0
    ("log", lambda x: ag.log(x * 0.0 + 1e-320).sum()),  # 1 / u overflows
    ("pow", lambda x: ((x * 0.0) ** 0.5).sum()),
]


@pytest.mark.parametrize("op,call", BACKWARD, ids=[b[0] for b in BACKWARD])
def test_nan_or_inf_in_backward_names_the_op(device, op, call):
    x = ag.tensor([1.0, 2.0], dtype=ag.float64, device=device, requires_grad=True)
    with np.errstate(all="ignore"):
        with ag.detect_anomaly():
            y = call(x)
            assert np.isfinite(y.item())
            with pytest.raises(ag.AnomalyError, match=rf"\b{op}\b.*backward"):
                y.backward()
        call(x).backward()  # outside the block the gradient is just non-finite
    assert not np.isfinite(x.grad.numpy()).all()


def test_finite_values_pass_and_gradients_are_unchanged(device):
    x = ag.tensor([0.5, 2.0], device=device, requires_grad=True)
    with ag.detect_anomaly():
        (ag.log(x) * ag.exp(x)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([0.5, 2.0]) * (1 / np.array([0.5, 2.0]) + np.log([0.5, 2.0])),
                               rtol=1e-6)


def test_detect_anomaly_restores_the_previous_state_and_is_per_thread(device):
    x = ag.tensor([-1.0], device=device)
    seen = {}

    def other_thread():
        with np.errstate(all="ignore"):
            seen["result"] = ag.log(x).numpy()  # not inside this thread's detect_anomaly

    with np.errstate(all="ignore"):
        with ag.detect_anomaly():
            t = threading.Thread(target=other_thread)
            t.start()
            t.join(5)
            with ag.detect_anomaly(False):
                ag.log(x)  # switched off for this inner block
            with pytest.raises(ag.AnomalyError):
                ag.log(x)
        ag.log(x)
    assert np.isnan(seen["result"]).all()
