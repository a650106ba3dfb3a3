"""F.ctc_loss and nn.CTCLoss against PyTorch: every reduction, padded and concatenated targets, unbatched
inputs, empty targets and inputs, impossible targets with and without zero_infinity, the gradient PyTorch
gives for log_probs (the loss's gradient through a log_softmax), float64 gradcheck, and the errors."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F

from ..helpers import check_against_torch, check_gradcheck, torch
from ..jit_replay import assert_replays_equal_eager

T, N, C, S = 9, 4, 6, 4
RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((T, N, C))
LOG_PROBS = LOGITS - np.log(np.exp(LOGITS).sum(-1, keepdims=True))
TARGETS = RNG.integers(1, C, (N, S))
INPUT_LENGTHS = np.array([9, 8, 5, 0])
TARGET_LENGTHS = np.array([4, 2, 0, 0])      # an empty target, and an empty input with an empty target


def _concatenated(targets, lengths):
    return np.concatenate([row[:n] for row, n in zip(targets, lengths)])


# name: (log_probs, targets, input_lengths, target_lengths, keyword arguments); lengths as arrays become tensors
CASES = {
    "padded float32": (LOG_PROBS.astype(np.float32), TARGETS, INPUT_LENGTHS, TARGET_LENGTHS, {}),
    "concatenated float64": (LOG_PROBS, _concatenated(TARGETS, TARGET_LENGTHS), INPUT_LENGTHS, TARGET_LENGTHS, {}),
    "tuple lengths, blank last": (LOG_PROBS, TARGETS - 1, tuple(INPUT_LENGTHS), list(TARGET_LENGTHS),
                                  dict(blank=C - 1)),
    # not log-probabilities: PyTorch's gradient is then not the loss's own (see the test below)
    "unnormalised inputs": (3 * LOGITS, TARGETS, INPUT_LENGTHS, TARGET_LENGTHS, {}),
    "repeated labels": (LOG_PROBS, np.array([[2, 2, 2, 3], [1, 1, 4, 4], [5, 5, 5, 5], [1, 2, 3, 4]]),
                        np.array([9, 6, 5, 8]), np.array([4, 4, 2, 3]), {}),
    "impossible targets": (LOG_PROBS, TARGETS, np.array([9, 3, 0, 4]), np.array([4, 4, 1, 4]), {}),
    "impossible, zero_infinity": (LOG_PROBS, TARGETS, np.array([9, 3, 0, 4]), np.array([4, 4, 1, 4]),
                                  dict(zero_infinity=True)),
    "batch of 1": (LOG_PROBS[:, :1], TARGETS[:1], INPUT_LENGTHS[:1], TARGET_LENGTHS[:1], {}),
    "unbatched": (LOG_PROBS[:, 0], TARGETS[0, :3], np.array(9), np.array(3), {}),
    "unbatched padded": (LOG_PROBS[:, 0].astype(np.float32), TARGETS[:1], (7,), (2,), {}),
    "empty targets (N, 0)": (LOG_PROBS, np.zeros((N, 0), np.int64), INPUT_LENGTHS, np.zeros(N, np.int64), {}),
}


def _call(module, case, device=None):
    """ctc_loss(x, ...) of `module` (ag or torch) with the case's targets and lengths."""
    _, targets, input_lengths, target_lengths, kwargs = case
    if module is ag:
        tensor, loss = (lambda a: ag.tensor(a, device=device)), F.ctc_loss
    else:
        tensor, loss = module.tensor, module.nn.functional.ctc_loss
    lengths = [tensor(v) if isinstance(v, np.ndarray) else v for v in (input_lengths, target_lengths)]
    return lambda x, reduction: loss(x, tensor(targets), *lengths, reduction=reduction, **kwargs)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")   # the helper's sum of inf losses
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_ctc_loss_matches_torch(device, name, reduction):
    case = CASES[name]
    ours, theirs = _call(ag, case, device), _call(torch, case)
    tol = dict(atol=1e-5, rtol=1e-5) if case[0].dtype == np.float32 else dict(atol=1e-12, rtol=1e-10)
    check_against_torch(lambda x: ours(x, reduction), lambda x: theirs(x, reduction), [case[0]], device, **tol)


def test_ctc_loss_module_matches_torch(device):
    for kwargs in (dict(), dict(blank=C - 1, reduction="sum"), dict(reduction="none", zero_infinity=True)):
        ours, theirs = nn.CTCLoss(**kwargs), torch.nn.CTCLoss(**kwargs)
        assert (ours.blank, ours.reduction, ours.zero_infinity) == (theirs.blank, theirs.reduction,
                                                                   theirs.zero_infinity)
        targets = TARGETS - 1 if kwargs.get("blank") else TARGETS
        lengths = (np.array([9, 2, 5, 0]), np.array([4, 2, 3, 0]))   # the second target cannot fit: inf
        check_against_torch(lambda x: ours(x, ag.tensor(targets, device=device), *map(ag.tensor, lengths)),
                            lambda x: theirs(x, torch.tensor(targets), *map(torch.tensor, lengths)),
                            [LOG_PROBS], device, atol=1e-12, rtol=1e-10)


def test_ctc_loss_gradcheck_float64(device):
    # through log_softmax, where PyTorch's gradient convention and the true gradient agree
    targets, lengths = ag.tensor(TARGETS[:2], device=device), ((6, 5), (3, 2))
    check_gradcheck(lambda x: F.ctc_loss(F.log_softmax(x, 2), targets, *lengths, reduction="sum"),
                    [LOGITS[:6, :2]], device)
    check_gradcheck(lambda x: F.ctc_loss(F.log_softmax(x, 1), targets[0, :3], (6,), (3,)), [LOGITS[:6, 0]],
                    device)


def test_ctc_loss_gradient_is_pytorchs_not_the_losss_own(device):
    """PyTorch's (and so our) gradient for log_probs is exp(log_probs) - the class posteriors: the true
    gradient of the loss plus exp(log_probs) at each frame inside the input, as if a log_softmax made them."""
    x, lengths = 2 * LOGITS[:5, :2], ((5, 3), (2, 1))
    targets = ag.tensor(TARGETS[:2], device=device)

    def loss(a):
        return F.ctc_loss(ag.tensor(a, device=device), targets, *lengths, reduction="sum").item()

    t = ag.tensor(x, device=device, requires_grad=True)
    F.ctc_loss(t, targets, *lengths, reduction="sum").backward()
    numeric = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = 1e-6
        numeric[i] = (loss(x + step) - loss(x - step)) / 2e-6
    inside = (np.arange(5)[:, None] < np.array(lengths[0]))[:, :, None]
    np.testing.assert_allclose(t.grad.numpy(), numeric + np.exp(x) * inside, atol=1e-7)


def test_ctc_loss_values_and_shapes():
    lp = ag.tensor(LOG_PROBS)
    per_sample = F.ctc_loss(lp, ag.tensor(TARGETS), ag.tensor(INPUT_LENGTHS), ag.tensor(TARGET_LENGTHS),
                            reduction="none")
    assert per_sample.shape == (N,) and per_sample.dtype == np.float64
    # an empty target: every frame is the blank; an empty input with an empty target: probability 1
    assert np.isclose(per_sample.numpy()[2], -LOG_PROBS[:5, 2, 0].sum()) and per_sample.numpy()[3] == 0
    mean = F.ctc_loss(lp, ag.tensor(TARGETS), ag.tensor(INPUT_LENGTHS), ag.tensor(TARGET_LENGTHS))
    assert np.isclose(mean.item(), (per_sample.numpy() / np.maximum(TARGET_LENGTHS, 1)).mean())
    unbatched = F.ctc_loss(lp[:, 0], ag.tensor(TARGETS[0]), 9, 4, reduction="none")
    assert unbatched.shape == () and np.isclose(unbatched.item(), per_sample.numpy()[0])
    impossible = F.ctc_loss(lp, ag.tensor(TARGETS), (2, 8, 5, 0), (4, 2, 0, 0), reduction="none")
    assert np.isinf(impossible.numpy()[0])


def test_ctc_loss_errors():
    lp, targets, lengths = ag.tensor(LOG_PROBS), ag.tensor(TARGETS), (tuple(INPUT_LENGTHS), tuple(TARGET_LENGTHS))
    cases = [
        (lambda: F.ctc_loss(lp, targets, (10, 8, 5, 0), lengths[1]),
         r"ctc_loss: input_lengths must be at most T = 9 .*got 10"),
        (lambda: F.ctc_loss(lp, targets, lengths[0], (5, 2, 0, 0)),
         r"padded targets must be \(N, S\) with N = 4 rows of at least the longest target length \(5\)"),
        (lambda: F.ctc_loss(lp, ag.tensor(_concatenated(TARGETS, TARGET_LENGTHS))[1:], *lengths),
         r"ctc_loss: targets \(5,\) are concatenated, 1-D, their length must be the sum of target_lengths \(6\)"),
        (lambda: F.ctc_loss(lp, targets, *lengths, blank=C), r"blank must be a class index in \[0, 6\).*got 6"),
        (lambda: F.ctc_loss(lp, targets, *lengths, blank=-1), r"blank must be a class index in \[0, 6\)"),
        (lambda: F.ctc_loss(lp[None], targets, *lengths), r"log_probs must be \(T, N, C\), or \(T, C\) unbatched"),
        (lambda: F.ctc_loss(lp, targets, (9, 8, 5), lengths[1]),
         r"input_lengths must hold one length per batch entry \(4\), got 3"),
        (lambda: F.ctc_loss(lp, targets, lengths[0], (4, -1, 0, 0)), r"target_lengths must be >= 0, got -1"),
        (lambda: F.ctc_loss(lp, targets, ag.tensor(INPUT_LENGTHS.astype(np.float32)), lengths[1]),
         r"input_lengths must be an integer tensor, got float32"),
        (lambda: F.ctc_loss(lp, targets, 9, 4), r"input_lengths must be a tensor, tuple or list of ints"),
        (lambda: F.ctc_loss(lp, targets, *lengths, reduction="avg"), r"ctc_loss: reduction must be one of"),
        (lambda: F.ctc_loss(lp, ag.tensor(TARGETS + 3), *lengths),
         r"every target label must be a class index in \[0, 6\) .*got [6-8]"),
        (lambda: F.ctc_loss(lp, targets, *lengths, blank=int(TARGETS[0, 0])),
         rf"a target label equals the blank \({TARGETS[0, 0]}\)"),
        (lambda: F.ctc_loss(lp[:, :0], ag.tensor(TARGETS[:0]), (), ()), r"log_probs must not be empty"),
        (lambda: F.ctc_loss(lp.astype(ag.int64), targets, *lengths), r"log_probs must be float32 or float64"),
        (lambda: F.ctc_loss(lp, TARGETS, *lengths), r"targets must be a tensor of class indices"),
    ]
    for call, message in cases:
        with pytest.raises((ValueError, TypeError), match=message):
            call()
    with pytest.raises(ValueError, match=r"CTCLoss: reduction must be one of"):
        nn.CTCLoss(reduction="avg")


def test_ctc_loss_replays_under_jit():
    """The recursions run inside the op, so a compiled step reads each call's log_probs and targets."""
    def step(x, targets):
        return F.ctc_loss(F.log_softmax(x, 2), targets, (9, 8, 5, 0), (4, 2, 3, 0), reduction="none")
    assert_replays_equal_eager(step, [LOGITS, TARGETS])
