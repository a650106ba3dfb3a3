"""ag.normal in PyTorch's four forms, and the global stream's seed and state (initial_seed, seed,
get_rng_state, set_rng_state)."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("form", ["tensor, tensor", "tensor, number", "number, tensor", "numbers, size"])
def test_normal_forms_give_pytorchs_shapes_dtypes_and_gradient_flags(device, form):
    m64, s64 = np.zeros((3, 1)), np.ones((1, 4))
    args = {"tensor, tensor": lambda lib, f: (f(m64), f(s64)), "tensor, number": lambda lib, f: (f(m64), 2.0),
            "number, tensor": lambda lib, f: (1.0, f(s64)), "numbers, size": lambda lib, f: (0.0, 1.0)}[form]
    extra = {"size": (2, 5)} if form == "numbers, size" else {}
    ours = ag.normal(*args(ag, lambda a: ag.tensor(a.astype(np.float32), device=device, requires_grad=True)),
                     **extra, **({"device": device} if extra else {}))
    theirs = torch.normal(*args(torch, lambda a: torch.tensor(a.astype(np.float32), requires_grad=True)), **extra)
    assert ours.shape == tuple(theirs.shape) and str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    assert ours.requires_grad == theirs.requires_grad and ours.device == ag.device(device)


def test_normal_gradients_are_zero_as_pytorchs(device):
    mean = ag.tensor(np.arange(6.0).reshape(2, 3), device=device, requires_grad=True)
    std = ag.tensor(np.full((1, 3), 0.5), device=device, requires_grad=True)
    (ag.normal(mean, std) * 3).sum().backward()
    tm = torch.arange(6.0, dtype=torch.float64).reshape(2, 3).requires_grad_()
    ts = torch.full((1, 3), 0.5, dtype=torch.float64, requires_grad=True)
    (torch.normal(tm, ts) * 3).sum().backward()
    np.testing.assert_array_equal(mean.grad.numpy(), tm.grad.numpy())
    np.testing.assert_array_equal(std.grad.numpy(), ts.grad.numpy())


def test_normal_samples_have_the_asked_mean_and_spread(device):
    ag.manual_seed(0)
    mean = ag.tensor(np.array([-3.0, 0.0, 5.0]), device=device)
    draws = ag.normal(mean.expand(20000, 3), ag.tensor(np.array([0.5, 1.0, 2.0]), device=device)).numpy()
    np.testing.assert_allclose(draws.mean(axis=0), [-3, 0, 5], atol=0.05)
    np.testing.assert_allclose(draws.std(axis=0), [0.5, 1.0, 2.0], rtol=0.03)
    flat = ag.normal(2.0, 3.0, size=(40000,), device=device).numpy()
    assert abs(flat.mean() - 2.0) < 0.06 and abs(flat.std() - 3.0) < 0.06


def test_normal_repeats_under_a_seed_and_a_generator(device):
    mean = ag.zeros(5, device=device)
    ag.manual_seed(7)
    a = ag.normal(mean, 1.0).numpy()
    ag.manual_seed(7)
    np.testing.assert_array_equal(ag.normal(mean, 1.0).numpy(), a)
    g = ag.Generator().manual_seed(1)
    b = ag.normal(mean, 1.0, generator=g).numpy()
    np.testing.assert_array_equal(ag.normal(mean, 1.0, generator=g.manual_seed(1)).numpy(), b)


@pytest.mark.parametrize("call, error, match", [
    (lambda: ag.normal(0.0, 1.0), TypeError, r"give the shape, e\.g\. ag\.normal\(0\.0, 1\.0, size=\(2, 3\)\)"),
    (lambda: ag.normal(0.0, -1.0, size=(2,)), RuntimeError, "std must be >= 0"),
    (lambda: ag.normal(ag.zeros(2), ag.tensor([1.0, -1.0])), RuntimeError, "every element of std must be >= 0"),
    (lambda: ag.normal(ag.zeros(2, dtype=ag.int64), 1.0), TypeError, r"floating point, got int64; use \.float\(\)"),
    (lambda: ag.normal(ag.zeros(2), 1.0, size=(2,)), TypeError, "size= goes with number mean and std"),
    (lambda: ag.normal("0", 1.0, size=(2,)), TypeError, "mean must be a number or a float Tensor, got str"),
])
def test_normal_refuses_bad_arguments_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_a_jit_replay_draws_new_normal_samples():
    mean = ag.zeros(4)

    @ag.jit
    def step():
        return ag.normal(mean, 1.0) * 1.0
    draws = [step().numpy() for _ in range(4)]
    assert step.replays == 2 and len({d.tobytes() for d in draws}) == 4


def test_rng_state_round_trip_repeats_the_draws(device):
    state = ag.get_rng_state()
    assert state.dtype == np.uint8 and state.device == ag.device("cpu")
    first = [ag.rand(3, device=device).numpy(), ag.randn(2, device="cpu").numpy()]
    ag.set_rng_state(state)
    again = [ag.rand(3, device=device).numpy(), ag.randn(2, device="cpu").numpy()]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"must come from ag\.get_rng_state\(\)"):
        ag.set_rng_state(ag.tensor([1, 2, 3], dtype=ag.uint8))


def test_initial_seed_and_seed():
    ag.manual_seed(1234)
    assert ag.initial_seed() == 1234
    s = ag.seed()
    assert isinstance(s, int) and ag.initial_seed() == s and 0 <= s < 2 ** 63
    a = ag.rand(4).numpy()
    ag.manual_seed(s)
    np.testing.assert_array_equal(ag.rand(4).numpy(), a)
