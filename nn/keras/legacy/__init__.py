"""keras.legacy: what Keras 3 keeps of Keras 2 (its saving module's serialization)."""
from . import saving

__all__ = ["saving"]
