"""A built Keras layer's state lock: once its own build() has returned, a layer takes no new weights, as Keras's
layers refuse them; quantize() and enable_lora() open it for the weights they add."""
from contextlib import contextmanager


@contextmanager
def state_unlocked(layer):
    """Let a built `layer` take new weights in the body, as Keras unlocks one for quantize() and enable_lora()."""
    locked = layer.__dict__.get("_state_locked", False)
    object.__setattr__(layer, "_state_locked", False)
    try:
        yield
    finally:
        object.__setattr__(layer, "_state_locked", locked)
