"""keras.saving: whole-model .keras files (save_model / load_model), the registry of custom objects and the
config (de)serialization they rest on. See model_file.py for the file layout."""
from . import builtins
from .file_editor import KerasFileEditor
from .model_file import load_model, save_model
from .registration import (CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
                           get_registered_object, register_keras_serializable)
from .serialization import deserialize_keras_object, serialize_keras_object
from .weights_api import load_weights, save_weights

__all__ = ["save_model", "load_model", "register_keras_serializable", "get_registered_name", "get_registered_object",
           "get_custom_objects", "custom_object_scope", "CustomObjectScope", "serialize_keras_object",
           "deserialize_keras_object", "save_weights", "load_weights", "KerasFileEditor"]
