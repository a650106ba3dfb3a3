"""keras.random: random tensors (normal, uniform, randint, truncated_normal, gamma, beta, binomial), and
dropout, shuffle and categorical sampling, each with Keras's `seed` argument:

- an int: the same numbers on every call with that seed;
- a SeedGenerator: a new stream on every call, the sequence fixed by the generator's seed;
- None: drawn from deepgrad's global generator (repeatable after keras.utils.set_random_seed).

The numbers are deepgrad's own (NumPy's PCG64 streams), not the ones real Keras draws; their distributions
are Keras's.
"""
import numpy as np

import autograd as ag
from autograd import Tensor

_FLOAT = "float32"


class SeedGenerator:
    """A seed whose state advances on every draw it seeds, so that a sequence of draws is repeatable
    (`SeedGenerator(1337)`); seed None picks one from the global generator."""

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise TypeError(f"SeedGenerator: unexpected argument(s) {', '.join(sorted(kwargs))}")
        from .naming import unique_name
        from .variables import Variable
        self.seed = _global_seed() if seed is None else int(seed)
        self.name = name or unique_name("seed_generator")
        # Keras's state: a non-trainable int32 Variable [seed, draws so far], advanced by every draw it seeds
        self.state = Variable(np.array([_as_int32(self.seed), 0], np.int32), dtype="int32", trainable=False,
                              name="seed_generator_state")
        self.state.path = f"{self.name}/seed_generator_state"

    @property
    def draws(self):
        """How many draws this generator has seeded so far."""
        return int(self.state.numpy()[1])

    def next(self, ordered=True):
        """The seed of the next draw (an int), advancing the state."""
        value = int(np.random.SeedSequence([self.seed, self.draws]).generate_state(1, np.uint32)[0])
        self.state.assign(np.array([_as_int32(self.seed), self.draws + 1], np.int32))
        return value

    def get_config(self):
        """The constructor arguments."""
        return {"seed": self.seed, "name": self.name}


def _as_int32(value):
    """`value` wrapped into int32's range, as the int32 state of Keras's torch backend holds it."""
    return (int(value) + 2 ** 31) % 2 ** 32 - 2 ** 31


def _global_seed():
    return int(ag.randint(0, 2 ** 31 - 1, (1,)).numpy()[0])


def _generator(seed, op):
    """A NumPy Generator for one draw of `op`."""
    if seed is None:
        return np.random.default_rng(_global_seed())
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng(seed.next())
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng(int(seed))
    raise TypeError(f"keras.random.{op}: seed must be an int, a keras.random.SeedGenerator or None, "
                    f"got {type(seed).__name__}")


def _shape(shape, op):
    try:
        return tuple(int(n) for n in ((shape,) if isinstance(shape, (int, np.integer)) else shape))
    except TypeError:
        raise TypeError(f"keras.random.{op}: shape must be a tuple of ints, got {shape!r}") from None


def _out(values, dtype):
    return ag.tensor(np.asarray(values).astype(np.dtype(dtype or _FLOAT)))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of a normal distribution N(mean, stddev^2)."""
    rng = _generator(seed, "normal")
    return _out(rng.normal(mean, stddev, _shape(shape, "normal")), dtype)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniform in [minval, maxval)."""
    rng = _generator(seed, "uniform")
    return _out(rng.uniform(minval, maxval, _shape(shape, "uniform")), dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers uniform in [minval, maxval)."""
    if maxval <= minval:
        raise ValueError(f"keras.random.randint: maxval ({maxval}) must exceed minval ({minval})")
    rng = _generator(seed, "randint")
    return _out(rng.integers(minval, maxval, _shape(shape, "randint")), dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples limited to within two standard deviations of the mean (the others drawn again)."""
    rng = _generator(seed, "truncated_normal")
    values = rng.standard_normal(_shape(shape, "truncated_normal"))
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return _out(mean + stddev * values, dtype)


def gamma(shape, alpha, dtype=None, seed=None):
    """Samples of a Gamma(alpha, 1) distribution."""
    rng = _generator(seed, "gamma")
    return _out(rng.gamma(alpha, 1.0, _shape(shape, "gamma")), dtype)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of a Beta(alpha, beta) distribution."""
    rng = _generator(seed, "beta")
    return _out(rng.beta(alpha, beta, _shape(shape, "beta")), dtype)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples of Binomial(counts, probabilities) (as floats unless dtype says otherwise)."""
    rng = _generator(seed, "binomial")
    counts = np.asarray(counts.numpy() if isinstance(counts, Tensor) else counts)
    if counts.dtype.kind == "f":   # Keras's examples pass counts as floats (10.0)
        if not np.all(counts == np.round(counts)):
            raise ValueError(f"keras.random.binomial: counts must be whole numbers of trials, got {counts.tolist()}")
        counts = counts.astype(np.int64)
    probabilities = np.asarray(probabilities.numpy() if isinstance(probabilities, Tensor) else probabilities)
    return _out(rng.binomial(counts, probabilities, _shape(shape, "binomial")), dtype)


def _tensor(x):
    return x if isinstance(x, Tensor) else ag.tensor(np.asarray(x, np.float32) if np.asarray(x).dtype == np.float64
                                                     else np.asarray(x))


def dropout(inputs, rate, noise_shape=None, seed=None):
    """inputs with each value zeroed with probability `rate` and the rest scaled by 1 / (1 - rate); noise_shape
    (broadcast against the input's shape, None entries taken from it) shares one draw along its size-1 axes.
    Differentiable in inputs."""
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"keras.random.dropout: rate must be in [0, 1), got {rate}")
    x = _tensor(inputs)
    shape = tuple(x.shape) if noise_shape is None else \
        tuple(int(x.shape[k]) if n is None else int(n) for k, n in enumerate(noise_shape))
    keep = _generator(seed, "dropout").random(shape) >= rate
    return x * ag.tensor((keep / (1.0 - rate)).astype(x.dtype), device=x.device)


def shuffle(x, axis=0, seed=None):
    """x with its entries along `axis` in a random order."""
    x = _tensor(x)
    order = _generator(seed, "shuffle").permutation(x.shape[axis])
    return x.index_select(axis, ag.tensor(order, device=x.device))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """For each row of (batch, classes) unnormalised log-probabilities, `num_samples` class indices drawn
    from their softmax: (batch, num_samples)."""
    values = logits.numpy() if isinstance(logits, Tensor) else np.asarray(logits)
    if values.ndim != 2:
        raise ValueError(f"keras.random.categorical: logits must be (batch, classes), got shape {values.shape}")
    rng = _generator(seed, "categorical")
    gumbel = rng.gumbel(size=(values.shape[0], int(num_samples), values.shape[1]))
    return _out(np.argmax(values.astype(np.float64)[:, None, :] + gumbel, axis=-1), dtype)
