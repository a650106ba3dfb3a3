"""Keras's automatic names: 'dense', 'dense_1', ... one counter per prefix for the whole session."""
import re
from collections import defaultdict

_counts = defaultdict(int)


def snake_case(class_name):
    """'BatchNormalization' -> 'batch_normalization', 'Conv2D' -> 'conv2d', 'LSTM' -> 'lstm' (Keras's rule:
    an underscore before each capitalised word, and between a lower-case letter and a capital)."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(prefix):
    """`prefix` the first time it is asked for, then `prefix_1`, `prefix_2`, ..."""
    count = _counts[prefix]
    _counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def get_uid(prefix=""):
    """The next number of the counter of `prefix` (1 first), the counter automatic layer names use."""
    _counts[prefix] += 1
    return _counts[prefix]


def clear_session(free_memory=True):
    """Restart the automatic layer names from scratch and reset the session's global state (the dtype policy,
    logging, flash-attention and traceback flags, the global SeedGenerator), as keras.backend.clear_session;
    free_memory runs the garbage collector."""
    _counts.clear()
    from .settings import reset_session_state
    reset_session_state()        # the global SeedGenerator with the rest of the session's state
    if free_memory:
        import gc
        gc.collect()
