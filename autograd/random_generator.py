"""`ag.Generator`: PyTorch's torch.Generator, a random stream of its own that code passes as `generator=`."""
import json
import numbers

import numpy as np

import backends
from backends import torch_state_bytes
from backends.torch_stream import TorchStream

from .tensor import Tensor


#: the seed a new torch.Generator() starts from
DEFAULT_SEED = 67280421310721


class Generator:
    """A seedable random stream independent of the global one (`ag.manual_seed` does not touch it).

    `ag.Generator().manual_seed(42)` as in PyTorch; pass it as `generator=` to `ag.rand`, `randn`, `randint`,
    `randperm`, `nn.data.random_split`, `DataLoader` and the samplers, which then advance it (two calls
    give different draws; re-seeding repeats them). The draws are PyTorch's CPU stream
    (backends/torch_stream.py), so a seed gives torch.Generator().manual_seed(seed)'s numbers. `device` is
    where tensors drawn from it are placed by default (the draws themselves are made on the host).
    """

    def __init__(self, device="cpu"):
        self.device = backends.get_backend(device)
        self.numpy_generator = TorchStream(DEFAULT_SEED)

    def manual_seed(self, seed):
        """Restart the stream from `seed` (an int, taken modulo 2**64 as PyTorch's); returns the generator, as
        PyTorch's does. The stream is re-seeded in place, so samplers and loaders holding it follow."""
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"Generator.manual_seed: seed must be an int, got {type(seed).__name__}")
        self.numpy_generator.manual_seed(int(seed))
        return self

    def seed(self):
        """Restart the stream from a fresh non-deterministic seed and return that seed."""
        self.manual_seed(int(np.random.SeedSequence().generate_state(1, np.uint64)[0]))
        return self.numpy_generator.initial_seed

    def initial_seed(self):
        """The seed the stream was last started from."""
        return self.numpy_generator.initial_seed

    def get_state(self):
        """The stream's position, as the uint8 tensor of 5056 values torch.Generator.get_state returns (PyTorch's
        layout: a state moves between the two libraries)."""
        return state_tensor(self.numpy_generator.get_state())

    def set_state(self, state):
        """Continue from a position saved by `get_state` (deepgrad's or PyTorch's); returns the generator."""
        op, source = "Generator.set_state", "Generator.get_state()"
        parsed = read_state(op, source, state)
        try:
            self.numpy_generator.set_state(parsed)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise _unreadable(op, source, error) from None
        return self

    def clone_state(self):
        """A new generator on the same device, at this one's position (they then draw the same numbers)."""
        twin = Generator(self.device.name)
        twin.numpy_generator.set_state(self.numpy_generator.get_state())
        return twin

    def __repr__(self):
        return f"Generator(device={str(self.device)!r}, initial_seed={self.numpy_generator.initial_seed})"


class DefaultGenerator(Generator):
    """`ag.default_generator`, PyTorch's torch.default_generator: the global stream itself as a Generator.
    Seeding it seeds what ag.manual_seed seeds, its state is ag.get_rng_state()'s, and an op given it as
    `generator=` draws exactly as without one."""

    def __init__(self):
        self.device = backends.get_backend("cpu")

    def manual_seed(self, seed):
        """Seed every device's generator, as ag.manual_seed; returns this generator."""
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise TypeError(f"default_generator.manual_seed: seed must be an int, got {type(seed).__name__}")
        backends.seed_all(int(seed) & 0xFFFF_FFFF_FFFF_FFFF)
        return self

    def seed(self):
        """Seed every device's generator from fresh entropy and return that seed (as ag.seed())."""
        return backends.seed_all_fresh()

    def initial_seed(self):
        """The seed the global generators were last started from (as ag.initial_seed())."""
        return backends.initial_seed()

    @property
    def numpy_generator(self):
        """The host device's NumPy stream, for code that draws from a generator's stream directly."""
        return self.device.numpy_rng

    def get_state(self):
        """The global generators' position, as a uint8 tensor (the same as ag.get_rng_state())."""
        return host_state()

    def set_state(self, state):
        """Continue the global generators from a position saved by get_state (or ag.get_rng_state())."""
        set_host_state("default_generator.set_state", "get_state() or ag.get_rng_state()", state)
        return self

    def clone_state(self):
        """A new ag.Generator at the global stream's position."""
        twin = Generator("cpu")
        twin.numpy_generator.set_state(backends.host_rng_states()["cpu"])
        return twin

    def __repr__(self):
        return "<ag.default_generator: the global generator>"


default_generator = DefaultGenerator()


def state_tensor(state):
    """A TorchStream state dict as the uint8 tensor PyTorch's CPU generators hand out (5056 values)."""
    return Tensor(torch_state_bytes.pack(state), device="cpu")


def read_state(op, source, state):
    """The TorchStream state dict of `state`: a uint8 tensor or array in PyTorch's layout (from `source`, or from
    PyTorch), or the JSON form deepgrad used to hand out; ValueError naming `op` and `source` otherwise."""
    data = np.asarray(state.numpy() if isinstance(state, Tensor) else state)
    try:
        if data.dtype != np.uint8 or data.ndim != 1:
            raise ValueError(f"got a {data.dtype} array of shape {data.shape}, not a 1-d uint8 one")
        if data[:1].tobytes() == b"{":      # a state saved by an earlier deepgrad
            return json.loads(data.tobytes().decode())
        return torch_state_bytes.unpack(data.tobytes())
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise _unreadable(op, source, error) from None


def _unreadable(op, source, error):
    return ValueError(f"{op}: the state must come from {source} (of deepgrad or PyTorch); this one could not be "
                      f"read ({error})")


def host_state():
    """The host devices' generator position (they share PyTorch's one CPU stream) as a uint8 tensor."""
    return state_tensor(backends.host_rng_states()["cpu"])


def set_host_state(op, source, state):
    """Move every host device's generator to `state` (see read_state)."""
    parsed = read_state(op, source, state)    # (an earlier deepgrad's JSON form maps device names to states)
    try:
        backends.set_host_rng_states(parsed if "bit_generator" not in parsed else
                                     {name: parsed for name in backends.host_rng_states()})
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise _unreadable(op, source, error) from None


def check_generator(op, generator):
    """The NumPy stream of `generator` (an ag.Generator), or None for the device's global stream."""
    if generator is None or generator is default_generator:
        return None
    if not isinstance(generator, Generator):
        raise TypeError(f"{op}: generator must be an ag.Generator (ag.Generator().manual_seed(seed)), got "
                        f"{type(generator).__name__}")
    return generator.numpy_generator


def host_stream(device, rng):
    """The TorchStream a host-side sampler draws from: `rng` (a generator's stream) if given, else the device's own
    on the host devices, else (a GPU) a TorchStream seeded from the device's generator."""
    if rng is not None:
        return rng
    if device.host_memory:
        return device.numpy_rng
    return TorchStream(int(device.randint(0, 2 ** 62, (), np.int64)))
