"""ag.Generator (PyTorch's torch.Generator): seeding, state save/restore, and generator= on the random
creation functions; draws are NumPy's, so only the semantics are compared with PyTorch."""
import numpy as np
import pytest

import autograd as ag


def test_manual_seed_returns_the_generator_and_repeats_the_draws():
    g = ag.Generator()
    assert g.manual_seed(7) is g and g.initial_seed() == 7
    first = [ag.randn(3, generator=g), ag.rand(2, 2, generator=g), ag.randint(0, 9, (4,), generator=g),
             ag.randperm(6, generator=g)]
    g.manual_seed(7)
    again = [ag.randn(3, generator=g), ag.rand(2, 2, generator=g), ag.randint(0, 9, (4,), generator=g),
             ag.randperm(6, generator=g)]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert sorted(first[3].tolist()) == list(range(6))
    assert not np.array_equal(ag.randn(3, generator=g).numpy(), ag.randn(3, generator=g).numpy())


def test_a_generator_is_independent_of_the_global_seed():
    g = ag.Generator().manual_seed(1)
    ag.manual_seed(0)
    a = ag.randn(4, generator=g)
    g.manual_seed(1)
    ag.manual_seed(99)
    np.testing.assert_array_equal(ag.randn(4, generator=g).numpy(), a.numpy())


def test_get_and_set_state_resume_the_stream():
    g = ag.Generator().manual_seed(3)
    ag.rand(5, generator=g)
    state = g.get_state()
    assert state.dtype == np.uint8 and state.ndim == 1
    a = ag.randn(3, dtype=ag.float64, generator=g)
    assert g.set_state(state) is g
    np.testing.assert_array_equal(ag.randn(3, dtype=ag.float64, generator=g).numpy(), a.numpy())
    with pytest.raises(ValueError, match="Generator.set_state: the state must come from Generator.get_state"):
        g.set_state(ag.zeros(4, dtype=ag.uint8))


def test_seed_picks_a_fresh_seed_and_dtypes_follow_the_arguments():
    g = ag.Generator()
    seed = g.seed()
    assert isinstance(seed, int) and g.initial_seed() == seed
    assert ag.rand(2, generator=g).dtype == ag.float32
    assert ag.randn(2, dtype=ag.float64, generator=g).dtype == ag.float64
    assert ag.randint(0, 3, (2,), generator=g).dtype == ag.int64
    assert ag.randn(2, generator=g, requires_grad=True).requires_grad


def test_torch_generator_api_shape():
    torch = pytest.importorskip("torch")
    for lib in (torch, ag):
        g = lib.Generator().manual_seed(11)
        assert g.initial_seed() == 11
        assert tuple(lib.randn(2, 3, generator=g).shape) == (2, 3)
        assert sorted(lib.randperm(5, generator=g).tolist()) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("bad,error,words", [
    (lambda: ag.Generator().manual_seed(1.5), TypeError, "Generator.manual_seed: seed must be an int, got float"),
    (lambda: ag.randn(2, generator=np.random.default_rng(0)), TypeError, "randn: generator must be an ag.Generator"),
    (lambda: ag.randperm(3, generator=0), TypeError, "randperm: generator must be an ag.Generator"),
])
def test_bad_generator_arguments(bad, error, words):
    with pytest.raises(error, match=words):
        bad()
