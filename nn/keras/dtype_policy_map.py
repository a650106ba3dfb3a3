"""keras.dtype_policies.DTypePolicyMap: layer paths (or regular expressions over them) -> DTypePolicy, with a
default policy for the paths it does not name; as a policy itself it computes as its default does."""
import re
from collections.abc import MutableMapping

from . import dtype_policy_lookup as lookup
from .dtype_policy import DTypePolicy


class DTypePolicyMap(DTypePolicy, MutableMapping):
    """A dict of layer path -> DTypePolicy. `map[path]` is the policy stored under `path`, else the one whose key
    (a regular expression) fully matches it (an error when several do), else `default_policy` (None: the global
    policy)."""

    def __init__(self, default_policy=None, policy_map=None):
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("`default_policy` cannot be a `DTypePolicyMap`.")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(f"If specified, `policy_map` must be a dict. Received: policy_map={policy_map} of type "
                            f"{type(policy_map)}")
        self._default_policy_arg = default_policy
        self._default_policy = lookup.get(default_policy)
        self._policy_map = dict(policy_map or {})

    @property
    def default_policy(self):
        """The policy of paths the map does not name."""
        return self._default_policy

    name = property(lambda self: f"map_{self._default_policy.name}", doc="'map_<default policy's name>'.")
    compute_dtype = property(lambda self: self._default_policy.compute_dtype, doc="The default's compute dtype.")
    variable_dtype = property(lambda self: self._default_policy.variable_dtype, doc="The default's variable dtype.")
    quantization_mode = property(lambda self: self._default_policy.quantization_mode,
                                 doc="The default's quantization mode.")

    def __getitem__(self, key):
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [pattern for pattern in self._policy_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"Path '{key}' matches multiple dtype policy specification keys: {matches}. Please make "
                             "sure each path only matches at most one dtype policy specification key in the "
                             "DTypePolicyMap.")
        return self._policy_map[matches[0]] if matches else self._default_policy

    def __setitem__(self, key, policy):
        if key in self._policy_map:
            raise ValueError(f"{key} already exist in the DTypePolicyMap with value {self._policy_map[key]}. Please "
                             "make sure to not use duplicated keys.")
        try:
            policy = lookup.get(policy)
        except Exception:
            raise ValueError("Cannot interpret the assigned value by `keras.dtype_policies.get`. "
                             f"Received: {policy} of type {type(policy)}") from None
        self._policy_map[key] = policy

    def __delitem__(self, key):
        return self._policy_map.pop(key)

    def __contains__(self, key):
        return key in self._policy_map

    def __len__(self):
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def get_config(self):
        """{'default_policy': the argument, 'policy_map': {key: serialized policy}}; as Keras, without a default
        the entries' names (and source names) are left out, so they follow the global policy when loaded."""
        entries = {}
        for key, policy in self._policy_map.items():
            entry = lookup.serialize(policy)
            if self._default_policy_arg is None:
                entry["config"] = dict(entry["config"], **({"source_name": None} if "source_name" in entry["config"]
                                                           else {"name": None}))
            entries[key] = entry
        return {"default_policy": self._default_policy_arg, "policy_map": entries}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The map a get_config() dict (ours or real Keras's) describes."""
        entries = {key: lookup.get(value) for key, value in (config.get("policy_map") or {}).items()}
        return cls(default_policy=config.get("default_policy"), policy_map=entries)

    def __repr__(self):
        mapping = [(k, v.name) for k, v in self._policy_map.items()]
        return f"<DTypePolicyMap at {hex(id(self))} default_policy={self._default_policy.name}, mapping={mapping}>"


lookup.CLASSES["DTypePolicyMap"] = DTypePolicyMap
