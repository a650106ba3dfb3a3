"""keras.DTypePolicy: a layer's compute and variable dtypes by name ('float32', 'mixed_float16', ...), its
quantized form QuantizedDTypePolicy ('int8_from_float32': int8 weights, computing as the source policy does), and
the global policy (keras.config.dtype_policy / set_dtype_policy)."""
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
        return (isinstance(other, DTypePolicy) and other.quantization_mode is None and self.quantization_mode is None
                and self._name == other._name)

    __hash__ = None


QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")   # Keras's (layers/quantized.py says which work)


class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: `mode` ('int8', ...) for its weights, computing in the dtypes of the
    float policy `source_name` (None: the global policy's name); its name is '<mode>_from_<source_name>'."""

    def __init__(self, mode, source_name=None):
        if source_name is None:
            source_name = dtype_policy().name
        self._compute_dtype, self._variable_dtype = self._parse_name(source_name)
        check_quantization_mode(mode, self._compute_dtype)
        self._name = f"{mode}_from_{source_name}"
        self._source_name = source_name
        self._quantization_mode = mode

    def get_config(self):
        """{'mode': ..., 'source_name': ...}."""
        return {"mode": self._quantization_mode, "source_name": self._source_name}

    def __repr__(self):
        return f'<QuantizedDTypePolicy "{self._name}">'

    def __eq__(self, other):
        return (type(other) is type(self) and self._quantization_mode == other._quantization_mode
                and self._source_name == other._source_name)

    __hash__ = None


class Int4DTypePolicy(QuantizedDTypePolicy):
    """The policy of an int4 layer quantized in blocks: `mode` 'int4/<block_size>' (-1: one scale per output
    channel, else groups of block_size input rows with a scale and a zero point each)."""

    def __init__(self, mode, source_name=None):
        base, _, size = mode.partition("/")
        if base != "int4" or not size:
            raise ValueError("Invalid mode for Int4DTypePolicy. Expected format 'int4/<block_size>', but got "
                             f"'{mode}'.")
        try:
            block_size = int(size)
        except ValueError:
            raise ValueError("Invalid mode for Int4DTypePolicy. <block_size> must be an integer. Expected format "
                             f"'int4/<block_size>', but got '{mode}'.") from None
        if block_size < -1 or block_size == 0:
            raise ValueError("Invalid block_size in mode. Supported values are -1 (per-channel) or a positive "
                             f"integer (sub-channel), but got {block_size} from '{mode}'.")
        super().__init__("int4", source_name)
        self._name = f"{mode}_from_{self._source_name}"
        self.block_size = block_size

    def get_config(self):
        """{'mode': 'int4/<block_size>', 'source_name': ...}."""
        return {"mode": f"int4/{self.block_size}", "source_name": self._source_name}

    def __repr__(self):
        return f'<Int4DTypePolicy "{self._name}">'

    def __eq__(self, other):
        return super().__eq__(other) and self.block_size == other.block_size

    __hash__ = None


def check_quantization_mode(mode, compute_dtype):
    """Keras's checks of a quantization mode: one of QUANTIZATION_MODES, and not int8 computing in float16."""
    if mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. Received: mode={mode}")
    if compute_dtype == "float16" and mode == "int8":
        raise ValueError(f"Quantization mode='{mode}' doesn't work well with compute_dtype='float16'.")


def quantized_policy(name):
    """The QuantizedDTypePolicy a name such as 'int8_from_float32', 'int8_from_mixed_bfloat16' or
    'int4/128_from_float32' (an Int4DTypePolicy) names."""
    if not isinstance(name, str):
        raise TypeError(f"`policy` must be a string. Received: policy={name}")
    parts = name.split("_from_")
    if len(parts) != 2:
        raise ValueError("Cannot convert `policy` into a valid pair (`mode`, `source_name`) to instantiate "
                         f"`QuantizedDTypePolicy`. Received: policy={name} (expected e.g. 'int8_from_float32')")
    mode, source_name = parts
    return Int4DTypePolicy(mode, source_name) if mode.startswith("int4/") else QuantizedDTypePolicy(mode, source_name)


def is_quantized_name(name):
    """Whether `name` is a quantized policy's name ('int8_from_...', ...)."""
    return isinstance(name, str) and name.startswith(QUANTIZATION_MODES)


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
        policy = quantized_policy(policy) if is_quantized_name(policy) else DTypePolicy(policy)
    settings._state["dtype_policy"] = policy
