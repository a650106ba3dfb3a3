"""Layers that override Keras's `save_own_variables(store)` / `load_own_variables(store)` in weight files.

The weights themselves go by position (weights_file); a layer whose class overrides either hook (to keep state
that is not a weight, such as a lookup table) also gets its store written, as entries
'own/<layer's place in the model>/<key>', and read back into its load_own_variables after the weights are set,
as Keras's saving calls the hooks layer by layer."""
import numpy as np

PREFIX = "own/"


def _custom_layers(model):
    """(place, layer) for the model and each layer in it whose class overrides one of the two hooks."""
    from ..layer import Layer
    from ..layers.lora import LoraMixin
    from ..layers.quantized import QuantizableMixin
    # LoRA's and quantization's hooks store the layer's weights, which the weights file holds already (merged)
    saves = (Layer.save_own_variables, LoraMixin.save_own_variables, QuantizableMixin.save_own_variables)
    loads = (Layer.load_own_variables, LoraMixin.load_own_variables, QuantizableMixin.load_own_variables)
    for place, module in model.named_modules():
        if isinstance(module, Layer) and (type(module).save_own_variables not in saves
                                          or type(module).load_own_variables not in loads):
            yield place or "model", module


def own_arrays(model):
    """{name: NumPy array} of what those layers' save_own_variables put in their stores."""
    out = {}
    for place, layer in _custom_layers(model):
        store = {}
        layer.save_own_variables(store)
        for key, value in store.items():
            value = value.numpy() if hasattr(value, "numpy") else value
            out[f"{PREFIX}{place}/{key}"] = np.array(value, order="C")
    return out


def restore_own(model, stored):
    """Call those layers' load_own_variables with the store each one saved (after the weights are set)."""
    for place, layer in _custom_layers(model):
        head = f"{PREFIX}{place}/"
        store = {name[len(head):]: np.asarray(value) for name, value in stored.items() if name.startswith(head)}
        layer.load_own_variables(store)
