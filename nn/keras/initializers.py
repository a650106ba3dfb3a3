"""keras.initializers: the starting values of weights, with Keras's names, arguments and formulas.

Each initializer is called with a shape (Keras layout, e.g. a Dense kernel (inputs, units)) and returns a
tensor of floatx() (float32 by default) unless given a dtype, as Keras returns a backend tensor; layers take the
NumPy values without that tensor (`initial_values`). The random ones draw as Keras 3 on its torch
backend draws (keras.random with the initializer's seed), so they give Keras's numbers: an initializer made
without a seed takes one from Python's `random` when it is made (make_default_seed, as Keras), so after
keras.utils.set_random_seed a model's weights are Keras's when its layers are made in the same order.
"""
import contextlib
import math

import inspect

import numpy as np

import autograd as ag
from autograd.errors import IdentifierError

from . import random as keras_random
from . import variables as _variables
from . import settings
from .initializers_stft import check_stft_arguments, stft_kernel

_DEFAULT_SEEDS = {"draw": True}


@contextlib.contextmanager
def without_default_seeds():
    """Initializers made inside take no default seed from Python's `random` (for describing an initializer
    by name, e.g. in a config, without moving the stream Keras's seeds come from); they cannot draw."""
    before = _DEFAULT_SEEDS["draw"]
    _DEFAULT_SEEDS["draw"] = False
    try:
        yield
    finally:
        _DEFAULT_SEEDS["draw"] = before


class Initializer:
    """Base class: `initializer(shape, dtype=None)` -> a tensor (`numpy_values`: the same as a NumPy array)."""

    def __call__(self, shape, dtype=None):
        return ag.tensor(self.numpy_values(shape, dtype))

    def numpy_values(self, shape, dtype=None):
        """The values `initializer(shape, dtype)` holds, as a NumPy array."""
        values = self._values(tuple(int(n) for n in shape))
        return np.asarray(values, dtype=dtype or settings.floatx())

    def _values(self, shape):
        raise TypeError(f"{type(self).__name__} does not define _values(shape)")

    def get_config(self):
        """The constructor arguments, as Keras reports them (`type(init)(**config)` makes an equal one)."""
        accepted = inspect.signature(type(self).__init__).parameters
        return {k: v for k, v in vars(self).items() if not k.startswith("_") and k in accepted}

    @classmethod
    def from_config(cls, config):
        """An initializer made from get_config's dict."""
        return cls(**config)

    def clone(self):
        """A new initializer of the same class and config."""
        return type(self).from_config(self.get_config())


class RandomInitializer(Initializer):
    """Base of the random initializers: `seed` an int or a keras.random.SeedGenerator; None takes one from
    make_default_seed() now, as Keras (the same values on every call, as Keras's)."""

    def __init__(self, seed=None):
        self._init_seed = seed
        if seed is None:
            seed = keras_random.make_default_seed() if _DEFAULT_SEEDS["draw"] else None
        elif isinstance(seed, dict):
            from .saving.serialization import deserialize_keras_object
            seed = deserialize_keras_object(seed)
        elif not isinstance(seed, (int, np.integer, keras_random.SeedGenerator)) or isinstance(seed, bool):
            raise ValueError(f"{type(self).__name__}: seed must be an int or a keras.random.SeedGenerator, got "
                             f"seed={seed!r}")
        self.seed = seed

    def numpy_values(self, shape, dtype=None):
        """The values `initializer(shape, dtype)` holds, as a NumPy array."""
        if self.seed is None:
            raise ValueError(f"{type(self).__name__} was described by name only and has no seed to draw with")
        shape = tuple(int(n) for n in shape)
        return np.asarray(self._draw(shape, np.dtype(dtype or settings.floatx())))

    def _draw(self, shape, dtype):
        raise TypeError(f"{type(self).__name__} does not define _draw(shape, dtype)")

    def get_config(self):
        """The constructor arguments, with the seed as given (None for a default seed, as Keras)."""
        return {**super().get_config(), "seed": self._init_seed}


def compute_fans(shape, input_axes=None, output_axes=None):
    """(fan_in, fan_out) as Keras counts them: kernels (..., in, out) multiply by the receptive field; with
    both input_axes and output_axes given, the products of those axes' sizes."""
    if input_axes is not None and output_axes is not None:
        return (int(math.prod(shape[a] for a in input_axes)), int(math.prod(shape[a] for a in output_axes)))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


class Zeros(Initializer):
    """All zeros."""

    def _values(self, shape):
        return np.zeros(shape)

    def get_config(self):
        """{}: Keras's Zeros takes no arguments (so real Keras can load a saved config)."""
        return {}


class Ones(Initializer):
    """All ones."""

    def _values(self, shape):
        return np.ones(shape)

    def get_config(self):
        """{}: Keras's Ones takes no arguments (so real Keras can load a saved config)."""
        return {}


class Constant(Initializer):
    """Every value `value`."""

    def __init__(self, value=0.0):
        self.value = value

    def _values(self, shape):
        return np.full(shape, self.value)


class RandomNormal(RandomInitializer):
    """Normal(mean, stddev)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def _draw(self, shape, dtype):
        return keras_random.normal(shape, self.mean, self.stddev, dtype, self.seed).numpy()


class RandomUniform(RandomInitializer):
    """Uniform on [minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def _draw(self, shape, dtype):
        return keras_random.uniform(shape, self.minval, self.maxval, dtype, self.seed).numpy()


class TruncatedNormal(RandomInitializer):
    """Normal(mean, stddev) cut at two standard deviations."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def _draw(self, shape, dtype):
        return keras_random.truncated_normal(shape, self.mean, self.stddev, dtype, self.seed).numpy()


class VarianceScaling(RandomInitializer):
    """Values with variance scale / n, n the fan_in, fan_out or their mean (`mode`); `distribution`
    'truncated_normal', 'untruncated_normal' or 'uniform'."""

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        super().__init__(seed)
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', got {mode!r}")
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError("VarianceScaling: distribution must be 'truncated_normal', 'untruncated_normal' or "
                             f"'uniform', got {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def _draw(self, shape, dtype):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return keras_random.uniform(shape, -limit, limit, dtype, self.seed).numpy()
        if self.distribution == "untruncated_normal":
            return keras_random.normal(shape, 0.0, math.sqrt(variance), dtype, self.seed).numpy()
        # 0.8796... is the standard deviation of a unit normal truncated at two standard deviations
        stddev = math.sqrt(variance) / 0.87962566103423978
        return keras_random.truncated_normal(shape, 0.0, stddev, dtype, self.seed).numpy()


class GlorotUniform(VarianceScaling):
    """Uniform in +-sqrt(6 / (fan_in + fan_out)) (Keras's default kernel initializer)."""

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(1.0, "fan_avg", "uniform", seed, input_axes, output_axes)


class GlorotNormal(VarianceScaling):
    """Truncated normal with stddev sqrt(2 / (fan_in + fan_out))."""

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, input_axes, output_axes)


class HeUniform(VarianceScaling):
    """Uniform in +-sqrt(6 / fan_in)."""

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(2.0, "fan_in", "uniform", seed, input_axes, output_axes)


class HeNormal(VarianceScaling):
    """Truncated normal with stddev sqrt(2 / fan_in)."""

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(2.0, "fan_in", "truncated_normal", seed, input_axes, output_axes)


class LecunUniform(VarianceScaling):
    """Uniform in +-sqrt(3 / fan_in)."""

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(1.0, "fan_in", "uniform", seed, input_axes, output_axes)


class LecunNormal(VarianceScaling):
    """Truncated normal with stddev sqrt(1 / fan_in)."""

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(1.0, "fan_in", "truncated_normal", seed, input_axes, output_axes)


class Orthogonal(RandomInitializer):
    """An orthogonal matrix (rows or columns orthonormal) times `gain`, over shape (prod(shape[:-1]), shape[-1]):
    the Q of a normal draw's QR decomposition, its columns' signs set by R's diagonal."""

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def _draw(self, shape, dtype):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the tensor to initialize must be at least two-dimensional, got shape="
                             f"{shape} of rank {len(shape)}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = keras_random.normal((max(rows, cols), min(rows, cols)), 0.0, 1.0, dtype, self.seed).numpy()
        q, r = np.linalg.qr(a)
        q = (q * np.sign(np.diag(r))).astype(dtype)
        if rows < cols:
            q = q.T
        return (np.asarray(self.gain, dtype) * q).reshape(shape).astype(dtype)


class Identity(Initializer):
    """`gain` times the identity matrix (2-D shapes)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def _values(self, shape):
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, got {shape}")
        return self.gain * np.eye(*shape)

    def get_config(self):
        """{}: Keras 3.15's Identity inherits the base Initializer's empty config (its gain is not saved)."""
        return {}


_NAMES = {"uniform": RandomUniform, "normal": RandomNormal, "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
          "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
          "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform,
          "he_normal": HeNormal, "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal,
          "orthogonal": Orthogonal, "identity": Identity}


def initial_values(initializer, shape, dtype=None):
    """The NumPy values of `initializer` (an Initializer or a function of the shape) for `shape`, given `dtype` when
    not None; a built-in initializer's without a tensor made and read back."""
    if isinstance(initializer, Initializer) and type(initializer).__call__ is Initializer.__call__:
        return initializer.numpy_values(shape, dtype)
    return np.asarray(initializer(shape) if dtype is None else initializer(shape, dtype=dtype))


def get(identifier):
    """An initializer from a name ('glorot_uniform', 'zeros', ...), a serialized config ({'class_name': ...,
    'config': ...}), an Initializer, or a function of the shape."""
    if identifier is None or isinstance(identifier, Initializer) or (callable(identifier) and
                                                                     not isinstance(identifier, type)):
        return identifier   # None as Keras's get gives it back
    if isinstance(identifier, dict) and "class_name" in identifier:
        # deserialize (below) reads a dict without "module" as a class of keras.initializers, as Keras's get does
        return deserialized_identifier(deserialize, identifier, "initializer")
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        named = globals().get(identifier)   # a class name, as Keras takes them ('GlorotUniform', 'STFTInitializer')
        if isinstance(named, type) and issubclass(named, Initializer) and named is not Initializer:
            return named()
        key = identifier.lower()
        if key not in _NAMES:
            raise ValueError(f"unknown initializer {identifier!r}; known: {', '.join(_NAMES)}")
        return _NAMES[key]()
    raise IdentifierError(f"Could not interpret initializer identifier: {identifier!r}; an initializer must be a "
                          f"name, an Initializer or a function of the shape, got {type(identifier).__name__}")


class STFT(Initializer):
    """The windowed real (side='real': cos) or imaginary ('imag': sin) DFT basis of shape (frame_length, channels,
    bins) that STFTSpectrogram convolves with, scaled by 'density' (sqrt(sum(window^2))), 'spectrum'
    (sum(|window|)) or None; `window` a name ('hann', ...) or values, symmetric or `periodic`."""

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        check_stft_arguments(side, window, scaling)
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def numpy_values(self, shape, dtype=None):
        """The values `initializer(shape, dtype)` holds, as a NumPy array."""
        dtype = dtype or settings.floatx()
        values = stft_kernel(tuple(int(n) for n in shape), self.side, self.window, self.scaling, self.periodic,
                             dtype)
        return np.asarray(values, dtype=dtype)

    def get_config(self):
        """{'side', 'window', 'periodic', 'scaling'}, as Keras."""
        return {"side": self.side, "window": self.window, "periodic": self.periodic, "scaling": self.scaling}


_NAMES["stft"] = STFT
STFTInitializer = STFT   # Keras 3 exports the class under both names

from .serialize_api import deserialized_identifier, serializers as _serializers  # noqa: E402

serialize, deserialize = _serializers("initializers", by_name=get)

# Keras exports every initializer class under its snake_case name too, and Identity/Orthogonal under longer names
(constant, glorot_normal, glorot_uniform, he_normal, he_uniform, identity, lecun_normal, lecun_uniform, ones,
 orthogonal, random_normal, random_uniform, truncated_normal, variance_scaling, zeros) = (
    Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Identity, LecunNormal, LecunUniform, Ones,
    Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling, Zeros)
IdentityInitializer, OrthogonalInitializer = Identity, Orthogonal
stft = STFT

_variables.resolve_initializer = get   # Variable(initializer=...) resolves names through this module
