"""keras.models: Sequential and Model (the same classes as keras.Sequential and keras.Model), and the whole-model
files' save_model / load_model, and clone_model."""
from .cloning import clone_model
from .model import Functional, Model
from .saving import load_model, save_model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "Functional", "load_model", "save_model", "clone_model"]
