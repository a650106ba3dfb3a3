"""keras.models: Sequential and Model (the same classes as keras.Sequential and keras.Model)."""
from .model import Functional, Model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "Functional"]
