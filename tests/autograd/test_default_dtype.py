"""ag.set_default_dtype / ag.get_default_dtype: what follows the default float dtype, as in PyTorch."""
import numpy as np
import pytest

import autograd as ag
import nn


@pytest.fixture
def float64_default():
    ag.set_default_dtype(ag.float64)
    yield
    ag.set_default_dtype(ag.float32)


def test_float32_is_the_default():
    assert ag.get_default_dtype() == np.float32
    assert ag.tensor([1.5]).dtype == np.float32


def test_set_and_get(float64_default):
    assert ag.get_default_dtype() == np.float64
    ag.set_default_dtype(ag.float16)
    assert ag.get_default_dtype() == np.float16
    ag.set_default_dtype("float64")
    assert ag.get_default_dtype() == np.float64


FACTORIES = {
    "tensor from floats": lambda d: ag.tensor([1.0, 2.5], device=d),
    "0-d tensor": lambda d: ag.tensor(1.5, device=d),
    "zeros": lambda d: ag.zeros(2, 3, device=d),
    "ones": lambda d: ag.ones(2, device=d),
    "empty": lambda d: ag.empty(2, device=d),
    "full of a float": lambda d: ag.full((2,), 1.5, device=d),
    "arange of floats": lambda d: ag.arange(0.0, 3.0, device=d),
    "linspace": lambda d: ag.linspace(0, 1, 5, device=d),
    "eye": lambda d: ag.eye(3, device=d),
    "rand": lambda d: ag.rand(2, device=d),
    "randn": lambda d: ag.randn(2, device=d),
    "int tensor times a float": lambda d: ag.tensor([1, 2], device=d) * 2.5,
    "int tensor divided": lambda d: ag.tensor([1, 2], device=d) / 2,
    "exp of ints": lambda d: ag.exp(ag.tensor([1, 2], device=d)),
    "tanh of ints": lambda d: ag.tanh(ag.tensor([1, 2], device=d)),
    "sigmoid of ints": lambda d: ag.sigmoid(ag.tensor([1, 2], device=d)),
    "sqrt of ints": lambda d: ag.sqrt(ag.tensor([1, 2], device=d)),   # (their mean is refused, as PyTorch's)
    "Linear's parameters": lambda d: nn.Linear(3, 2).to(d).weight,
    "Conv2d's parameters": lambda d: nn.Conv2d(1, 2, 3).to(d).bias,
}


@pytest.mark.parametrize("make", FACTORIES.values(), ids=FACTORIES.keys())
def test_new_floats_follow_the_default(device, float64_default, make):
    assert make(device).dtype == np.float64


@pytest.mark.parametrize("make", FACTORIES.values(), ids=FACTORIES.keys())
def test_the_same_calls_give_float32_by_default(device, make):
    assert make(device).dtype == np.float32


def test_given_dtypes_and_arrays_keep_theirs(device, float64_default):
    assert ag.tensor(np.zeros(2, np.float32), device=device).dtype == np.float32
    assert ag.tensor(np.float32(1.5), device=device).dtype == np.float32
    assert ag.zeros(2, dtype=ag.float32, device=device).dtype == np.float32
    assert ag.tensor([1, 2], device=device).dtype == np.int64
    assert ag.tensor([1, 2], device=device).float().dtype == np.float32
    x = ag.tensor(np.ones(2, np.float32), device=device)
    assert (x * 2.5).dtype == np.float32          # a Python float never widens a float tensor


def test_repr_names_dtypes_other_than_the_default(float64_default):
    assert repr(ag.tensor([1.5])) == "tensor([1.5000])"
    assert repr(ag.tensor([1.5], dtype=ag.float32)) == "tensor([1.5000], dtype=float32)"


@pytest.mark.parametrize("bad", [ag.int64, np.bool_, "x", np.complex128, None])
def test_non_float_defaults_are_refused(bad):
    with pytest.raises(TypeError, match="set_default_dtype: .*float"):
        ag.set_default_dtype(bad)
    assert ag.get_default_dtype() == np.float32


def test_a_float64_model_trains_like_pytorch(float64_default):
    """A PyTorch program that sets float64 as the default, run with only its imports changed."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((16, 4)), rng.integers(0, 3, 16)
    w1, b1, w2, b2 = rng.standard_normal((8, 4)), rng.standard_normal(8), rng.standard_normal((3, 8)), rng.standard_normal(3)

    def train(lib, tnn, functional):
        lib.set_default_dtype(lib.float64)
        try:
            model = tnn.Sequential(tnn.Linear(4, 8), tnn.Tanh(), tnn.Linear(8, 3))
            with lib.no_grad():
                for p, v in zip(model.parameters(), (w1, b1, w2, b2)):
                    p.copy_(lib.tensor(v.tolist()))      # lists of Python floats: the default dtype
            opt = lib.optim.SGD(model.parameters(), lr=0.1) if hasattr(lib, "optim") else tnn.optim.SGD(model.parameters(), lr=0.1)
            losses = []
            for _ in range(5):
                opt.zero_grad()
                loss = functional.cross_entropy(model(lib.tensor(x.tolist())), lib.tensor(y.tolist()))
                loss.backward()
                opt.step()
                losses.append(loss.item())
            return losses, str(model[0].weight.dtype)
        finally:
            lib.set_default_dtype(lib.float32)

    import nn.functional as F
    ours, our_dtype = train(ag, nn, F)
    ag.set_default_dtype(ag.float64)
    theirs, their_dtype = train(torch, torch.nn, torch.nn.functional)
    assert our_dtype == "float64" and their_dtype == "torch.float64"
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_jit_recaptures_when_the_default_changes(float64_default):
    ag.set_default_dtype(ag.float32)

    @ag.jit
    def make():
        return ag.zeros(2) + 1.0

    for _ in range(3):
        assert make().dtype == np.float32
    ag.set_default_dtype(ag.float64)
    for _ in range(3):
        assert make().dtype == np.float64
