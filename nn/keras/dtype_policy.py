"""keras.DTypePolicy: a layer's compute and variable dtypes by name ('float32', 'mixed_float16', ...), and the
global policy (keras.config.dtype_policy / set_dtype_policy)."""
from . import settings
from .dtypes import standardize_dtype


class DTypePolicy:
    """A dtype policy: `name` is a float dtype (compute = variable dtype) or 'mixed_float16' / 'mixed_bfloat16'
    (compute in 16 bits, variables in float32); None takes the global policy's name."""

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        self._name = name
        self._compute_dtype, self._variable_dtype = self._parse_name(name)
        self._quantization_mode = None

    @staticmethod
    def _parse_name(name):
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, such as 'mixed_float16'. Received: name={name} "
                            f"(of type {type(name)})")
        if name == "mixed_float16":
            return "float16", "float32"
        if name == "mixed_bfloat16":
            return "bfloat16", "float32"
        try:
            dtype = standardize_dtype(name)
        except ValueError:
            raise ValueError(f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies include "
                             "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as "
                             "'float32'.") from None
        return dtype, dtype

    @property
    def name(self):
        """The policy's name."""
        return self._name

    @property
    def compute_dtype(self):
        """The dtype layers compute in."""
        return self._compute_dtype

    @property
    def variable_dtype(self):
        """The dtype layers create their weights in."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        """None: no quantization."""
        return self._quantization_mode

    def get_config(self):
        """{'name': name}."""
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        """The policy a get_config() dict describes."""
        return cls(**config)

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'

    def __eq__(self, other):
        return isinstance(other, DTypePolicy) and self._name == other._name

    __hash__ = None


def dtype_policy():
    """The global DTypePolicy (from floatx() until set_dtype_policy sets one)."""
    if settings._state["dtype_policy"] is None:
        settings._state["dtype_policy"] = DTypePolicy(settings.floatx())
    return settings._state["dtype_policy"]


def set_dtype_policy(policy):
    """Set the global dtype policy from a DTypePolicy or a policy name ('float32', 'mixed_float16', ...)."""
    if not isinstance(policy, DTypePolicy):
        if not isinstance(policy, str):
            raise ValueError("Invalid `policy` argument. Expected the string name of a policy (such as "
                             f"'mixed_float16') or a `DTypePolicy` instance. Received: policy={policy} "
                             f"(of type {type(policy)})")
        policy = DTypePolicy(policy)
    settings._state["dtype_policy"] = policy
