"""keras.dtype_policies: the DTypePolicy classes and their get / serialize / deserialize.

FloatDTypePolicy is Keras's older name of a plain float policy. The quantized policies and DTypePolicyMap are
not here: nn.keras has no quantized layers."""
from .dtype_policy import DTypePolicy, dtype_policy


class FloatDTypePolicy(DTypePolicy):
    """A float dtype policy (Keras's older class for what DTypePolicy now does)."""


def serialize(policy):
    """A policy as Keras's configs write it: {'module': 'keras', 'class_name': ..., 'config': {'name': ...}}."""
    if not isinstance(policy, DTypePolicy):
        raise ValueError(f"serialize: expected a DTypePolicy, got {policy!r} (of type {type(policy).__name__})")
    return {"module": "keras", "class_name": "DTypePolicy", "config": policy.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The policy a serialize() dict (or real Keras's config) describes."""
    if not isinstance(config, dict) or config.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy"):
        raise ValueError(f"deserialize: expected a serialized DTypePolicy ({{'class_name': 'DTypePolicy', "
                         f"'config': {{'name': ...}}}}), got {config!r}; quantized policies are not supported")
    cls = FloatDTypePolicy if config["class_name"] == "FloatDTypePolicy" else DTypePolicy
    return cls.from_config(config.get("config", {}))


def get(identifier):
    """A DTypePolicy from a policy, a policy or dtype name ('mixed_float16', 'float32'), a serialized policy, or
    None (the global policy)."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    raise ValueError("Cannot interpret `dtype` argument. Expected a string or an instance of DTypePolicy. "
                     f"Received: dtype={identifier}")


__all__ = ["DTypePolicy", "FloatDTypePolicy", "deserialize", "get", "serialize"]
