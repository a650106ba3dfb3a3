"""keras.random: seeded reproducibility (an int seed repeats, a SeedGenerator advances, set_random_seed
repeats unseeded draws) and the distributions' statistics, as Keras's are."""
import numpy as np
import pytest

import autograd as ag
from nn import keras

R = keras.random
N = 20000


def test_int_seeds_repeat_and_seed_generators_advance_repeatably():
    np.testing.assert_array_equal(R.normal((5,), seed=3).numpy(), R.normal((5,), seed=3).numpy())
    assert not np.array_equal(R.normal((5,), seed=3).numpy(), R.normal((5,), seed=4).numpy())
    first, again = R.SeedGenerator(7), R.SeedGenerator(7)
    a, b = R.uniform((4,), seed=first).numpy(), R.uniform((4,), seed=first).numpy()
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, R.uniform((4,), seed=again).numpy())
    np.testing.assert_array_equal(b, R.uniform((4,), seed=again).numpy())
    assert first.state.tolist() == [7, 2]
    keras.utils.set_random_seed(11)
    unseeded = R.normal((3,)).numpy()
    keras.utils.set_random_seed(11)
    np.testing.assert_array_equal(unseeded, R.normal((3,)).numpy())


def test_distributions_have_keras_statistics():
    x = R.normal((N,), mean=2.0, stddev=3.0, seed=1).numpy()
    assert x.dtype == np.float32 and abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    u = R.uniform((N,), minval=-1.0, maxval=3.0, seed=2).numpy()
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    k = R.randint((N,), 2, 6, seed=3).numpy()
    assert k.dtype == np.int32 and set(np.unique(k)) == {2, 3, 4, 5}
    t = R.truncated_normal((N,), mean=1.0, stddev=0.5, seed=4).numpy()
    assert t.min() >= 0.0 and t.max() <= 2.0 and abs(t.std() - 0.5 * 0.8796) < 0.02   # std of N(0,1) cut at +-2
    g = R.gamma((N,), alpha=3.0, seed=5).numpy()
    assert abs(g.mean() - 3.0) < 0.1
    b = R.beta((N,), 2.0, 6.0, seed=6).numpy()
    assert abs(b.mean() - 0.25) < 0.01
    n = R.binomial((N,), 10, 0.3, seed=7).numpy()
    assert n.dtype == np.float32 and abs(n.mean() - 3.0) < 0.1


def test_dropout_zeroes_at_rate_scales_and_passes_gradients():
    x = ag.tensor(np.ones((200, 100), np.float32), requires_grad=True)
    y = R.dropout(x, 0.3, seed=1)
    values = y.numpy()
    assert abs((values == 0).mean() - 0.3) < 0.02 and np.allclose(values[values != 0], 1 / 0.7)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), values)
    shared = R.dropout(np.ones((4, 50), np.float32), 0.5, noise_shape=(None, 1), seed=2).numpy()
    assert all(len(set(row)) == 1 for row in shared)
    assert not R.dropout(x, 1.0).numpy().any()   # as Keras: rate 1 drops everything
    with pytest.raises(ValueError, match="rate must be in"):
        R.dropout(x, 1.5)


def test_shuffle_permutes_along_the_axis_and_categorical_follows_the_softmax():
    x = np.arange(60).reshape(3, 20)
    shuffled = R.shuffle(x, axis=1, seed=3).numpy()
    for row, values in zip(x, shuffled):   # as Keras on torch: each row in an order of its own
        assert sorted(values.tolist()) == row.tolist() and values.tolist() != row.tolist()
    assert not np.array_equal(shuffled[0] - x[0, 0], shuffled[1] - x[1, 0])
    rows = R.shuffle(x, axis=0, seed=3).numpy()   # along the first axis: whole rows move
    assert sorted(rows[:, 0].tolist()) == [0, 20, 40] and all(np.array_equal(r, x[r[0] // 20]) for r in rows)
    logits = np.log(np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]]))
    draws = R.categorical(logits, N, seed=4).numpy()
    assert draws.shape == (2, N) and draws.dtype == np.int32
    np.testing.assert_allclose(np.bincount(draws[0], minlength=3) / N, [0.2, 0.5, 0.3], atol=0.015)
    np.testing.assert_allclose(np.bincount(draws[1], minlength=3) / N, [0.9, 0.05, 0.05], atol=0.015)


def test_bad_seeds_and_shapes_are_named():
    with pytest.raises(ValueError, match="keras.random.normal: seed must be"):
        R.normal((2,), seed="x")
    with pytest.raises(ValueError, match="maxval"):
        R.randint((2,), 3, 3)
    with pytest.raises(ValueError, match=r"\(batch, classes\)"):
        R.categorical(np.zeros(3), 2)
