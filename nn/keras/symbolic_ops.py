"""keras.ops on symbolic tensors: as in Keras 3, `keras.ops.relu(x)`, `ops.sum(x, axis=1)` or `x * 2.0` on a
KerasTensor (functional-model construction) records an operation node instead of computing, and the
functional model runs the op on real tensors when it is called.

Each op called on KerasTensors becomes an `Operation`: a weightless layer that calls the op. Functional
models run it like any layer but leave it out of `model.layers` (Keras lists operations apart from layers).
`install(ops)` wraps the public functions of keras.ops once, at import: a call without KerasTensors goes
straight to the op."""
import functools

import numpy as np

from .layer import Layer
from .naming import snake_case, unique_name
from .symbolic import KerasTensor

#: ops answered from the symbolic tensor itself, or meaningless on one
_METADATA = {"shape": lambda x: x.shape, "ndim": lambda x: len(x.shape), "dtype": lambda x: x.dtype}
_NOT_WRAPPED = {"convert_to_numpy", "is_tensor", "custom_gradient"}


class Operation(Layer):
    """One keras.ops function applied in a functional graph (no weights, no mask propagation)."""

    _is_operation = True

    def __init__(self, fn, op_name=None, **kwargs):
        op_name = op_name or fn.__name__
        super().__init__(name=kwargs.pop("name", None) or unique_name(snake_case(op_name)), **kwargs)
        self.fn, self.op_name = fn, op_name
        self.supports_masking = False

    def _build_for(self, inputs):
        self.built = True

    def _probe(self, args, kwargs):
        with np.errstate(all="ignore"):   # the shapes come from a run on zeros: 0 / 0 there means nothing
            return super()._probe(args, kwargs)

    def call(self, *args, **kwargs):
        kwargs.pop("training", None)   # the layer machinery's flag, not the op's
        return self.fn(*args, **kwargs)

    def get_config(self):
        raise NotImplementedError(
            f"{self.name}: a functional model that applies keras.ops.{self.op_name} directly to symbolic tensors "
            "cannot be saved by nn.keras yet; wrap the computation in a layer (a Layer subclass with get_config, "
            "registered with @keras.saving.register_keras_serializable()) to save the model")


def _has_symbolic(args, kwargs):
    for value in (*args, *kwargs.values()):
        if isinstance(value, KerasTensor):
            return True
        if isinstance(value, (list, tuple)) and any(isinstance(v, KerasTensor) for v in value):
            return True
    return False


def symbolic_op(fn, op_name=None):
    """`fn` that records an Operation node when any argument (or list element) is a KerasTensor."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if _has_symbolic(args, kwargs):
            return Operation(fn, op_name)(*args, **kwargs)
        return fn(*args, **kwargs)
    op._symbolic_wrapper = True
    return op


def _metadata_op(fn, answer):
    @functools.wraps(fn)
    def op(x, *args, **kwargs):
        return answer(x) if isinstance(x, KerasTensor) else fn(x, *args, **kwargs)
    op._symbolic_wrapper = True
    return op


def install(ops_module):
    """Wrap every public function of `ops_module` (keras.ops) so that it also accepts KerasTensors, and give
    KerasTensor the arithmetic, comparison and indexing operators."""
    for name, fn in list(vars(ops_module).items()):
        if name.startswith("_") or not callable(fn) or isinstance(fn, type) or getattr(fn, "_symbolic_wrapper", 0):
            continue
        if not getattr(fn, "__module__", "").startswith("nn.keras") or name in _NOT_WRAPPED:
            continue
        if name == "convert_to_tensor":
            setattr(ops_module, name, _metadata_op(fn, lambda x: x))
        elif name in _METADATA:
            setattr(ops_module, name, _metadata_op(fn, _METADATA[name]))
        else:
            setattr(ops_module, name, symbolic_op(fn, name))
    _add_operators(ops_module)


def _add_operators(ops):
    def binary(name, reverse=False):
        fn = getattr(ops, name)
        return (lambda self, other: fn(other, self)) if reverse else (lambda self, other: fn(self, other))
    table = {"__add__": "add", "__sub__": "subtract", "__mul__": "multiply", "__truediv__": "divide",
             "__floordiv__": "floor_divide", "__mod__": "mod", "__pow__": "power", "__matmul__": "matmul",
             "__lt__": "less", "__le__": "less_equal", "__gt__": "greater", "__ge__": "greater_equal",
             "__and__": "logical_and", "__or__": "logical_or", "__xor__": "logical_xor"}
    for dunder, name in table.items():
        if hasattr(ops, name):
            setattr(KerasTensor, dunder, binary(name))
            if not dunder.startswith(("__l", "__g")):
                setattr(KerasTensor, "__r" + dunder[2:], binary(name, reverse=True))
    KerasTensor.__neg__ = lambda self: ops.negative(self)
    KerasTensor.__abs__ = lambda self: ops.abs(self)
    KerasTensor.__invert__ = lambda self: ops.logical_not(self)
    KerasTensor.__getitem__ = lambda self, key: Operation(lambda x, key=key: x[key], "get_item")(self)
