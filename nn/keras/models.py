"""keras.models: Sequential and Model (the same classes as keras.Sequential and keras.Model), and the whole-model
files' save_model / load_model, and clone_model."""
from .cloning import clone_model
from .model import Functional, Model
from .saving import load_model, save_model
from .sequential import Sequential



def model_from_json(json_string, custom_objects=None):
    """The model that `model.to_json()` described, with new weights (compiled as it was, when it was)."""
    import json
    from .saving import CustomObjectScope, deserialize_keras_object
    config = json.loads(json_string)
    compile_config = config.pop("compile_config", None)
    with CustomObjectScope(custom_objects):
        model = deserialize_keras_object(config, custom_objects)
    if compile_config:
        model.compile_from_config(compile_config)
    return model


__all__ = ["Model", "Sequential", "Functional", "load_model", "save_model", "clone_model", "model_from_json"]
