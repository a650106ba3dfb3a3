"""keras.ops applied to symbolic tensors in a functional model, in its config as Keras 3 writes them: an entry
{"module": "keras.src.ops.<kind>", "class_name": "<Op>" (TopK for ops.top_k), "config": {"name", the op's
fixed arguments}, "inbound_nodes"} whose nodes hold the tensors and other call arguments; and the operation
made again from such an entry (Keras's own files too: the config's arguments are matched to the op's
parameters by name, the node's arguments fill the others in order). Slices and Ellipsis in node arguments
(x[:, 1:3], x[..., 0]) and constant tensors are written as Keras's "__slice__", "__ellipsis__" and
"__tensor__"."""
import numpy as np

import autograd as ag
from autograd import Tensor

from ..naming import snake_case
from ..op_constructor_args import OP_MODULES
from ..symbolic_ops import Operation, is_image_op, op_function, positional_names


def _camel(name):
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def operation_entry(operation):
    """The config entry (without inbound_nodes) of a keras.ops Operation node."""
    config = operation.get_config()
    kind = "nn" if operation.op_name in _NN_OPS else "image" if is_image_op(operation.op_name) else \
        next((k for k, names in OP_MODULES.items() if operation.op_name in names), "numpy")
    class_name = _camel(operation.op_name)
    return {"module": f"keras.src.ops.{kind}", "class_name": class_name, "config": config,
            "registered_name": class_name}


def is_operation_entry(entry):
    """Whether a functional config's layer entry is a keras.ops operation."""
    return str(entry.get("module") or "").startswith("keras.src.ops")


def operation_from_entry(entry):
    """The Operation a config entry describes (its op looked up in keras.ops by the class name)."""
    config = dict(entry.get("config") or {})
    name = config.pop("name", None)
    op_name = snake_case(entry["class_name"])
    fn = op_function(op_name)
    if fn is None:
        raise ValueError(f"load_model: the model applies keras.ops operation {entry['class_name']!r} "
                         f"({entry.get('module')}), which nn.keras.ops does not have (no ops.{op_name})")
    return Operation(_bound(fn, config) if config else fn, op_name, name=name)


def _bound(fn, fixed):
    """`fn` with the arguments `fixed` (by parameter name); a call's positional arguments fill the other
    parameters in order."""
    names = positional_names(fn)

    def call(*args, **kwargs):
        args, positional, rest = list(args), [], dict(fixed)
        for name in names:
            if name in rest:
                positional.append(rest.pop(name))
            elif args:
                positional.append(args.pop(0))
            else:
                break
        return fn(*positional, *args, **rest, **kwargs)
    return call


def encode_special(value):
    """Keras's description of a slice or Ellipsis, or None for other values."""
    from .serialization import serialize_keras_object
    if isinstance(value, slice):
        return {"class_name": "__slice__", "config": {k: serialize_keras_object(getattr(value, k))
                                                      for k in ("start", "stop", "step")}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, Tensor):   # a constant tensor argument (ops.segment_max's ids)
        return {"class_name": "__tensor__", "config": {"value": value.detach().numpy().tolist(),
                                                       "dtype": value.dtype.name}}
    return None


def decode_special(value):
    """The slice, Ellipsis or constant tensor a "__slice__" / "__ellipsis__" / "__tensor__" description holds."""
    if value["class_name"] == "__ellipsis__":
        return Ellipsis
    if value["class_name"] == "__tensor__":
        return ag.tensor(np.array(value["config"]["value"], dtype=value["config"]["dtype"]))
    return slice(*(value["config"].get(k) for k in ("start", "stop", "step")))


_NN_OPS = {"relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "log_sigmoid", "leaky_relu",
           "hard_sigmoid", "hard_silu", "elu", "selu", "gelu", "celu", "glu", "softmax", "log_softmax", "one_hot",
           "multi_hot", "conv", "depthwise_conv", "separable_conv", "conv_transpose", "max_pool", "average_pool",
           "batch_normalization", "moments", "normalize", "dot_product_attention", "sparse_categorical_crossentropy",
           "categorical_crossentropy", "binary_crossentropy", "ctc_loss", "rms_normalization", "layer_normalization"}
