"""What `ag.func.vmap(..., randomness=...)` does about random numbers drawn by the mapped function.

vmap here runs the function once per batch element (see func_vmap), so:
- "different": each call draws its own numbers, as the per-element calls of a loop would;
- "same": every call starts from the same generator state, so all elements see the same numbers, and the
  generators end where one call left them;
- "error": a call that moves a generator raises, as torch.func.vmap does for a random op.
The generators watched are the global ones of the host devices (cpu, numba): what ag.manual_seed seeds and
ag.get_rng_state reads. Draws from an explicit ag.Generator, or on a CUDA device, are not detected.
"""
import backends

RANDOMNESS = ("error", "different", "same")


class RandomnessError(ValueError, RuntimeError):
    """An unknown randomness= policy: a ValueError, and a RuntimeError as torch.func raises for it."""


def check_randomness(op, randomness):
    """RandomnessError naming `op` unless randomness is one of RANDOMNESS."""
    if randomness not in RANDOMNESS:
        raise RandomnessError(f"{op}: randomness must be 'error', 'different' or 'same', got {randomness!r}")


class RandomGuard:
    """Wraps each per-element call of a mapped function: `with guard: func(...)` applies the policy."""

    def __init__(self, op, randomness):
        check_randomness(op, randomness)
        self.op, self.randomness = op, randomness
        self.start = None if randomness == "different" else backends.host_rng_states()

    def __enter__(self):
        if self.randomness == "same":
            backends.set_host_rng_states(self.start)
        return self

    def __exit__(self, kind, value, traceback):
        if self.randomness == "error" and kind is None and backends.host_rng_states() != self.start:
            backends.set_host_rng_states(self.start)
            # PyTorch's sentence first (code matches its text), then the fix
            raise RuntimeError("vmap: called random operation while in randomness error mode. "
                               f"{self.op}: the function drew random numbers, which randomness='error' (the default) "
                               "does not allow; pass randomness='different' (each element draws its own) or "
                               "randomness='same' (every element draws the same), or draw them outside")
        return False
