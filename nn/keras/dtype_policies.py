"""keras.dtype_policies: the DTypePolicy classes and their get / serialize / deserialize.

FloatDTypePolicy is Keras's older name of a plain float policy; QuantizedDTypePolicy is a quantized layer's
('int8_from_float32'), Int4DTypePolicy an int4 one quantized in blocks ('int4/128_from_float32'); DTypePolicyMap
maps layer paths to policies."""
from .dtype_policy import QUANTIZATION_MODES, DTypePolicy, Int4DTypePolicy, QuantizedDTypePolicy
from .dtype_policy_lookup import FloatDTypePolicy, deserialize, get, serialize
from .dtype_policy_map import DTypePolicyMap

__all__ = ["DTypePolicy", "DTypePolicyMap", "FloatDTypePolicy", "Int4DTypePolicy", "QUANTIZATION_MODES",
           "QuantizedDTypePolicy", "deserialize", "get", "serialize"]
