"""Real Keras 3's config.json, rewritten into the form nn.keras's deserializer reads.

Keras writes a few things nn.keras does not: dtype policies as objects ({'class_name': 'DTypePolicy', 'config':
{'name': 'float32'}}) where nn.keras takes the policy's name ('mixed_float16', 'int8_from_float32' included),
'shared_object_id' markers, optimizers under backend modules ('keras.src.backend.torch.optimizers.torch_adam'),
and arguments newer than nn.keras's layers (quantization settings, initializer axes) that are null or at their
defaults (the default int8/int4 quantization configs included), and the `mask=None`,
`training=False` arguments it records in every functional call; an InputLayer's batch size is left free, as
Keras leaves it when it runs the model. The rewrite changes only those.
"""
_POLICIES = ("DTypePolicy", "FloatDTypePolicy", "QuantizedDTypePolicy", "Int4DTypePolicy",
             "QuantizedFloat8DTypePolicy")
# arguments real Keras writes that nn.keras's constructors do not take, and the values that mean "not used"
_UNUSED_ARGUMENTS = {"quantization_config": (None,), "input_axes": (None,), "output_axes": (None,),
                     "optional": (False,), "seed": (None,), "lora_rank": (None,), "lora_alpha": (None,),
                     "renorm": (False,), "renorm_clipping": (None,), "renorm_momentum": (0.99,)}


def from_keras_config(value):
    """`value` (a parsed config.json, or any part of it) with real Keras's spellings changed to nn.keras's."""
    if isinstance(value, list):
        return [from_keras_config(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("class_name") in _POLICIES and isinstance(value.get("config"), dict):
        if value["class_name"] == "QuantizedFloat8DTypePolicy":
            raise ValueError(f"load_model: the file uses the float8 dtype policy {value['config']!r}, which nn.keras "
                             "does not implement (it quantizes to int8); save the model without float8 quantization")
        if value["class_name"] in ("QuantizedDTypePolicy", "Int4DTypePolicy"):   # its name: 'int8_from_float32'
            source = value["config"].get("source_name")   # None (in a DTypePolicyMap): the global policy's
            return value if source is None else f"{value['config'].get('mode')}_from_{source}"
        return value["config"].get("name")
    out = {}
    for key, item in value.items():
        if key == "shared_object_id":
            continue
        if key in _UNUSED_ARGUMENTS and item in _UNUSED_ARGUMENTS[key]:
            continue
        if key == "quantization_config" and _default_quantization_config(item):   # what quantize("int8"/"int4") records
            continue
        out[key] = from_keras_config(item)
    if isinstance(out.get("inbound_nodes"), list):
        for node in out["inbound_nodes"]:
            if isinstance(node, dict) and isinstance(node.get("kwargs"), dict):
                node["kwargs"] = _call_arguments(node["kwargs"])
    config = out.get("config")
    if out.get("class_name") == "InputLayer" and isinstance(config, dict) and config.get("batch_shape"):
        # a Sequential built by its first batch records that batch's size, which Keras does not enforce
        config["batch_shape"] = [None] + list(config["batch_shape"][1:])
    if out.get("class_name") == "LayerNormalization" and isinstance(config, dict) \
            and isinstance(config.get("axis"), list) and len(config["axis"]) == 1:
        config["axis"] = config["axis"][0]   # Keras lists the axes; nn.keras takes the one axis it supports
    module = out.get("module")
    if isinstance(module, str) and module.startswith("keras.src.backend.") and ".optimizers" in module:
        out["module"] = "keras.optimizers"
    return out


def _call_arguments(kwargs):
    """A functional node's recorded call arguments less Keras's `mask=None` and `training=False`, which it
    records for every call (the model passes its own training flag and masks when it runs)."""
    return {k: v for k, v in kwargs.items() if not (k == "mask" and v is None) and not (k == "training" and v is False)}


def _default_quantization_config(config):
    """Whether `config` is the quantization config Keras's quantize("int8") or quantize("int4") records: Keras's
    default weight quantizer and, for int8, abs-max quantization of the inputs into [-127, 127] (for int4 none),
    which nn.keras's quantized layers do (an int4 block size is in the layer's Int4DTypePolicy too)."""
    if not isinstance(config, dict) or config.get("class_name") not in ("Int8QuantizationConfig",
                                                                        "Int4QuantizationConfig"):
        return False
    inner = config.get("config") or {}
    if config["class_name"] == "Int4QuantizationConfig":
        return inner.get("weight_quantizer") is None and inner.get("activation_quantizer") is None
    inputs = inner.get("activation_quantizer") or {}
    settings = inputs.get("config") or {}
    return (inner.get("weight_quantizer") is None and inputs.get("class_name") == "AbsMaxQuantizer"
            and list(settings.get("value_range", [-127, 127])) == [-127, 127]
            and settings.get("epsilon", 1e-7) == 1e-7 and settings.get("output_dtype", "int8") == "int8")
