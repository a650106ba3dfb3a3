"""keras.random: random tensors (normal, uniform, randint, truncated_normal, gamma, beta, binomial), and
dropout, shuffle and categorical sampling, each with Keras's `seed` argument:

- an int: the same numbers on every call with that seed;
- a SeedGenerator: a new stream on every call, the sequence fixed by the generator's seed;
- None: Keras's global SeedGenerator (its seed from Python's `random`, so repeatable after
  keras.utils.set_random_seed).

The numbers are those Keras 3 draws on its torch backend: each draw seeds a fresh generator from the seed
(seed_generator_of) and draws as torch.normal / torch.rand / torch.randint / torch.bernoulli / torch.multinomial
do, and deepgrad's host generators give PyTorch's numbers; gamma, beta and binomial draw with PyTorch's CPU
samplers (ag._standard_gamma, ag._sample_dirichlet, ag.binomial) from such a generator, as Keras seeds torch's
global one for them.
Unseeded dropout (seed None, or a SeedGenerator made without a seed, and no noise_shape) draws from deepgrad's
global stream as torch's F.dropout does.
"""
import random as python_random

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentRangeError, DimRangeError, ShapeError

from . import settings
from . import ops_dtype_rules as rules
from .ops_args import convert_to_numpy
from .context import in_shape_probe



def make_default_seed():
    """A seed for an initializer or SeedGenerator made without one: from Python's `random`, as Keras takes it
    (so keras.utils.set_random_seed fixes it)."""
    return python_random.randint(1, int(1e9))


def _int32(value):
    """`value` wrapped into int32's range (Keras's torch backend keeps seeds as int32)."""
    return (int(value) + 2 ** 31) % 2 ** 32 - 2 ** 31


class SeedGenerator:
    """A seed whose state [seed, count] advances on every draw it seeds, so that a sequence of draws is
    repeatable (`SeedGenerator(1337)`); seed None takes one from make_default_seed()."""

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise ValueError(f"SeedGenerator: unrecognized keyword arguments {kwargs}")
        from .naming import unique_name
        from .variables import Variable
        self._initial_seed = seed
        if seed is None:
            seed = make_default_seed()
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(f"SeedGenerator: seed must be an integer, got seed={seed!r}")
        self.seed = int(seed)
        self.name = name or unique_name("seed_generator")
        # Keras's state: a non-trainable int32 Variable [seed, count], advanced by every draw it seeds
        self.state = Variable(np.array([_int32(self.seed), 0], np.int32), dtype="int32", trainable=False,
                              name="seed_generator_state")
        self.state.path = f"{self.name}/seed_generator_state"

    @property
    def draws(self):
        """How many ordered draws this generator has seeded so far."""
        return int(self.state.numpy()[1])

    def next(self, ordered=True):
        """The state before this draw ([seed, count], int32 NumPy), advancing it: the count by one (ordered), or
        both entries to (entry + 1) * 5387 % 933199 in int32 arithmetic (Keras's global generator)."""
        current = self.state.numpy().astype(np.int64)
        if ordered:
            advanced = [current[0], _int32(current[1] + 1)]
        else:
            advanced = [_int32((v + 1) * 5387) % 933199 for v in current]
        self.state.assign(np.array(advanced, np.int32))
        return current.astype(np.int32)

    def get_config(self):
        """The constructor arguments (seed None when none was given, as Keras)."""
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        """A SeedGenerator from get_config's dict."""
        return cls(**config)


def global_seed_generator():
    """Keras's global SeedGenerator (what seed=None draws from); made on first use, dropped by
    keras.utils.set_random_seed and clear_session."""
    if settings._state["global_seed_generator"] is None:
        settings._state["global_seed_generator"] = SeedGenerator()
    return settings._state["global_seed_generator"]


def reset_global_seed_generator():
    """Forget the global SeedGenerator: the next unseeded draw makes a new one from Python's `random`."""
    settings._state["global_seed_generator"] = None


def draw_seed(seed, op="draw_seed"):
    """The (first, second) int pair of one draw: [seed, 0] for an int (as int32), the generator's state for a
    SeedGenerator (advancing it), the global generator's for None. In a shape probe no generator advances and the
    global one is not made (as Keras, whose symbolic calls draw nothing on torch's meta device)."""
    if in_shape_probe() and (seed is None or isinstance(seed, SeedGenerator)):
        return 0, 0
    if isinstance(seed, SeedGenerator):
        first, second = seed.next()
    elif isinstance(seed, (int, np.integer)):
        first, second = _int32(seed), 0
    elif seed is None:
        first, second = global_seed_generator().next(ordered=False)
    else:
        raise ValueError(f"keras.random.{op}: seed must be an int, a keras.random.SeedGenerator or None, "
                         f"got {seed!r} (of type {type(seed).__name__})")
    return int(first), int(second)


def seed_generator_of(seed, op="draw"):
    """A fresh ag.Generator for one draw, seeded as Keras's torch backend seeds its torch.Generator: with the
    drawn pair's sum as a uint32."""
    first, second = draw_seed(seed, op)
    return ag.Generator().manual_seed((first + second) & 0xFFFFFFFF)


def _shape(shape, op):
    try:
        sizes = tuple((shape,) if isinstance(shape, (int, np.integer)) else shape)
    except TypeError:
        raise TypeError(f"keras.random.{op}: shape must be a tuple of ints, got {shape!r}") from None
    for n in sizes:   # int() would truncate 2.5 (or 2.0) to 2 where Keras's torch backend refuses the size
        whole = isinstance(n, (int, np.integer)) or (
            isinstance(n, ag.Tensor) and n.ndim == 0 and n.dtype.kind in "iu")
        if not whole or isinstance(n, (bool, np.bool_)):
            raise TypeError(f"keras.random.{op}: shape must be a tuple of ints, got {shape!r} (the size {n!r} is a "
                            f"{type(n).__name__}); pass whole numbers, e.g. shape=(2, 3)")
    return tuple(int(n) for n in sizes)


def _dtype(dtype):
    return rules.numpy_dtype(dtype or settings.floatx())


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Samples of a normal distribution N(mean, stddev^2)."""
    shape = _shape(shape, "normal")
    return ag.normal(mean, stddev, size=shape, generator=seed_generator_of(seed, "normal"), dtype=_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """Samples uniform in [minval, maxval): (maxval - minval) * rand + minval."""
    requested = _shape(shape, "uniform")
    draws = ag.rand(requested or (1,), generator=seed_generator_of(seed, "uniform"), dtype=_dtype(dtype))
    out = (maxval - minval) * draws + minval
    return out if requested else out[0]


def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Integers uniform in [minval, maxval)."""
    if maxval <= minval:
        raise ArgumentRangeError(f"keras.random.randint: maxval ({maxval}) must exceed minval ({minval}): 'from' must "
                                 "be less than 'to'; swap them")
    shape = _shape(shape, "randint")
    return ag.randint(int(minval), int(maxval), shape, generator=seed_generator_of(seed, "randint"),
                      dtype=_dtype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """Normal samples within two standard deviations of the mean: four standard normals per value, the first
    inside (-2, 2) kept (the first of the four when none is), then times stddev plus mean."""
    shape = _shape(shape, "truncated_normal")
    draws = convert_to_numpy(normal(shape + (4,), 0.0, 1.0, dtype, seed))   # bfloat16 too
    first_inside = ((draws > -2) & (draws < 2)).argmax(-1)[..., None]
    values = np.take_along_axis(draws, first_inside, -1)[..., 0]
    scale, shift = np.asarray(stddev, values.dtype), np.asarray(mean, values.dtype)
    return ag.tensor(values * scale + shift)


def _parameter(value, shape, op, name):
    """A distribution parameter as Keras's torch backend converts it (a Python number float32, a float array or
    tensor in its own dtype, other values float32), broadcast to `shape`."""
    if isinstance(value, Tensor):
        value = value.numpy()
    array = np.asarray(value)
    if isinstance(value, (int, float, np.integer)) or array.dtype not in (np.float32, np.float64):
        array = array.astype(np.float32)
    try:
        return np.ascontiguousarray(np.broadcast_to(array, shape))
    except ValueError:
        raise ValueError(f"keras.random.{op}: {name} of shape {array.shape} does not broadcast to the sample "
                         f"shape {shape}") from None




def gamma(shape, alpha, dtype=None, seed=None):
    """Samples of a Gamma(alpha, 1) distribution: PyTorch's CPU sampler (torch.distributions.Gamma's), as Keras's
    torch backend draws them."""
    shape = _shape(shape, "gamma")
    alpha = _parameter(alpha, shape, "gamma", "alpha")
    if not np.all(alpha > 0):
        raise ValueError(f"keras.random.gamma: alpha must be positive, got {np.unique(alpha[~(alpha > 0)]).tolist()}")
    return _out(ag._standard_gamma(ag.tensor(alpha), generator=seed_generator_of(seed, "gamma")), dtype, shape)


def beta(shape, alpha, beta, dtype=None, seed=None):
    """Samples of a Beta(alpha, beta) distribution: the first entry of PyTorch's Dirichlet(alpha, beta) sample
    (torch.distributions.Beta's), as Keras's torch backend draws them."""
    shape = _shape(shape, "beta")
    pair = [_parameter(alpha, shape, "beta", "alpha"), _parameter(beta, shape, "beta", "beta")]
    for name, values in zip(("alpha", "beta"), pair):
        if not np.all(values > 0):
            raise ValueError(f"keras.random.beta: {name} must be positive, got "
                             f"{np.unique(values[~(values > 0)]).tolist()}")
    concentration = np.stack(np.broadcast_arrays(*pair), -1).astype(np.result_type(*pair))
    return _out(ag._sample_dirichlet(ag.tensor(concentration), generator=seed_generator_of(seed, "beta"))[..., 0],
                dtype, shape)


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    """Samples of Binomial(counts, probabilities) (floats unless dtype says otherwise): PyTorch's CPU sampler
    (torch.distributions.Binomial's), as Keras's torch backend draws them."""
    shape = _shape(shape, "binomial")
    probabilities = _parameter(probabilities, shape, "binomial", "probabilities")
    counts = _parameter(counts, shape, "binomial", "counts").astype(probabilities.dtype)   # torch: type_as(probs)
    if not np.all((counts >= 0) & (counts == np.round(counts))):   # Keras's examples pass counts as floats (10.0)
        raise ValueError(f"keras.random.binomial: counts must be whole numbers of trials, got "
                         f"{np.unique(counts).tolist()}")
    if not np.all((probabilities >= 0) & (probabilities <= 1)):
        raise ValueError(f"keras.random.binomial: probabilities must be in [0, 1], got "
                         f"{np.unique(probabilities).tolist()}")
    return _out(ag.binomial(ag.tensor(counts), ag.tensor(probabilities), generator=seed_generator_of(seed, "binomial")),
                dtype, shape)


def _out(values, dtype, shape):
    """The samples as a tensor of `dtype` (floatx by default) and the requested shape (a () shape stays 0-d)."""
    values = values.numpy() if isinstance(values, Tensor) else np.asarray(values)
    return ag.tensor(values.astype(rules.numpy_dtype(dtype or settings.floatx())).reshape(shape))


def _tensor(x):
    return x if isinstance(x, Tensor) else ag.tensor(np.asarray(x, np.float32) if np.asarray(x).dtype == np.float64
                                                     else np.asarray(x))


def _unseeded(seed):
    return seed is None or (isinstance(seed, SeedGenerator) and seed._initial_seed is None)


def dropout(inputs, rate, noise_shape=None, seed=None):
    """inputs with each value zeroed with probability `rate` and the rest divided by 1 - rate; noise_shape
    (None entries taken from the input's shape) shares one draw along its size-1 axes. As Keras on torch: with
    a seed or a noise_shape the mask is bernoulli(1 - rate) from the seed's generator; otherwise it is F.dropout
    on the global stream. Differentiable in inputs."""
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"keras.random.dropout: rate must be in [0, 1], got {rate}")
    x = _tensor(inputs)
    if rate == 1.0:
        return ag.zeros_like(x)
    if rate == 0.0:
        return x
    if _unseeded(seed) and noise_shape is None:
        if in_shape_probe():   # Keras's symbolic call runs on the meta device: the global stream is not drawn
            return x
        from .. import functional as F
        return F.dropout(x, rate, True)
    if noise_shape is not None and len(noise_shape) > x.ndim:
        raise ShapeError(f"keras.random.dropout: noise_shape {tuple(noise_shape)} has more entries than the inputs "
                         f"of shape {tuple(x.shape)} have axes; give one entry per axis")
    # as Keras's torch backend: None entries read the input's sizes from the left, then the mask broadcasts from
    # the right (so a shorter noise_shape shares draws along the leading axes)
    shape = tuple(x.shape) if noise_shape is None else \
        tuple(int(x.shape[k]) if n is None else int(n) for k, n in enumerate(noise_shape))
    if any(n not in (1, size) for n, size in zip(shape[::-1], tuple(x.shape)[::-1])):
        raise ShapeError(f"keras.random.dropout: noise_shape {tuple(noise_shape)} does not fit inputs of shape "
                         f"{tuple(x.shape)}: each entry must be 1 (one draw shared along that axis), the axis's size "
                         "or None")
    keep_prob = 1.0 - rate
    probabilities = ag.full(shape, keep_prob, dtype=ag.float32)
    mask = ag.bernoulli(probabilities, generator=seed_generator_of(seed, "dropout")).numpy().astype(bool)
    mask = np.broadcast_to(mask, tuple(x.shape))
    return ag.where(ag.tensor(mask, device=x.device), x / keep_prob, ag.zeros_like(x))


def shuffle(x, axis=0, seed=None):
    """x with its entries along `axis` in a random order, as Keras's torch backend shuffles: uniform draws of
    shape x.shape[:axis + 1] sorted along `axis`, so that along a later axis each leading index gets its own
    order."""
    x = _tensor(x)
    if not -max(x.ndim, 1) <= axis < max(x.ndim, 1):   # Keras's torch backend: IndexError
        raise DimRangeError(f"keras.random.shuffle: dimension out of range (expected to be in range of "
                            f"[{-max(x.ndim, 1)}, {max(x.ndim, 1) - 1}], but got {axis}) for x of shape "
                            f"{tuple(x.shape)}")
    axis = axis % x.ndim if x.ndim else 0
    keys = ag.rand(tuple(x.shape[:axis + 1]), generator=seed_generator_of(seed, "shuffle")).numpy()
    order = np.argsort(keys, axis=axis, kind="stable")
    order = order.reshape(order.shape + (1,) * (x.ndim - axis - 1))
    order = np.broadcast_to(order, tuple(x.shape))
    return ag.gather(x, axis, ag.tensor(np.ascontiguousarray(order), device=x.device))


def categorical(logits, num_samples, dtype="int32", seed=None):
    """For each row of (batch, classes) unnormalised log-probabilities, `num_samples` class indices drawn
    (with replacement) from their softmax: (batch, num_samples)."""
    values = logits if isinstance(logits, Tensor) else ag.tensor(np.asarray(logits))
    if values.ndim != 2:
        raise ValueError(f"keras.random.categorical: logits must be (batch, classes), got shape {tuple(values.shape)}")
    probabilities = ag.softmax(values, -1)
    draws = ag.multinomial(probabilities, int(num_samples), replacement=True,
                           generator=seed_generator_of(seed, "categorical"))
    return draws.to(_dtype(dtype))
