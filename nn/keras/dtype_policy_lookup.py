"""Finding a dtype policy: Keras's get / serialize / deserialize over the policy classes, and FloatDTypePolicy.

The classes are looked up in `CLASSES`; DTypePolicyMap (dtype_policy_map.py, which itself resolves its entries
here) adds itself when imported, as keras.dtype_policies does."""
from .dtype_policy import (DTypePolicy, Int4DTypePolicy, QuantizedDTypePolicy, dtype_policy, is_quantized_name,
                           quantized_policy)


class FloatDTypePolicy(DTypePolicy):
    """A float dtype policy (Keras's older class for what DTypePolicy now does)."""


#: class name -> policy class, for deserialize
CLASSES = {cls.__name__: cls for cls in (DTypePolicy, FloatDTypePolicy, QuantizedDTypePolicy, Int4DTypePolicy)}


def serialize(dtype_policy):
    """A policy as Keras's configs write it: {'module': ..., 'class_name': ..., 'config': ...,
    'registered_name': None} ('keras' for a plain policy, 'keras.dtype_policies' for the others)."""
    policy = dtype_policy
    if not isinstance(policy, DTypePolicy):
        raise ValueError(f"serialize: expected a DTypePolicy, got {policy!r} (of type {type(policy).__name__})")
    class_name = "DTypePolicy" if type(policy) in (DTypePolicy, FloatDTypePolicy) else type(policy).__name__
    module = "keras" if class_name == "DTypePolicy" else "keras.dtype_policies"
    return {"module": module, "class_name": class_name, "config": policy.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The policy a serialize() dict (or real Keras's config) describes."""
    cls = CLASSES.get(config.get("class_name")) if isinstance(config, dict) else None
    if cls is None:
        raise ValueError(f"deserialize: expected a serialized dtype policy (class_name one of {sorted(CLASSES)}, "
                         f"as keras.dtype_policies.serialize writes it), got {config!r}")
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """A DTypePolicy from a policy, a policy or dtype name ('mixed_float16', 'float32', 'int8_from_float32'), a
    serialized policy, or None (the global policy)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return quantized_policy(identifier) if is_quantized_name(identifier) else DTypePolicy(identifier)
    raise ValueError("Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
                     f"Received: dtype={identifier}")
