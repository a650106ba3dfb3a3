"""keras.ops on symbolic tensors: as in Keras 3, `keras.ops.relu(x)`, `ops.sum(x, axis=1)` or `x * 2.0` on a
KerasTensor (functional-model construction) records an operation node instead of computing, and the
functional model runs the op on real tensors when it is called.

Each op called on KerasTensors becomes an `Operation`: a weightless layer that calls the op. Functional
models run it like any layer but leave it out of `model.layers` (Keras lists operations apart from layers).
`install(ops)` wraps the public functions of keras.ops once, at import: a call without KerasTensors goes
straight to the op."""
import functools
import inspect

import numpy as np

import autograd as ag

from .context import shape_probe_scope
from .layer import Layer
from .naming import snake_case, unique_name
from .op_constructor_args import CONSTRUCTOR_ARGS
from .symbolic import KerasTensor, flatten, map_structure
from .symbolic_shape_rules import static_output

#: ops answered from the symbolic tensor itself, or meaningless on one
_METADATA = {"shape": lambda x: x.shape, "ndim": lambda x: len(x.shape), "dtype": lambda x: x.dtype}
_NOT_WRAPPED = {"convert_to_numpy", "is_tensor", "custom_gradient"}
#: linear-algebra ops whose shape probe runs on identity matrices (square inputs) instead of zeros
_NEED_INVERTIBLE = frozenset({"inv", "cholesky", "cholesky_inverse", "solve", "solve_triangular", "lu_factor"})
_installed = {}   # "ops": the keras.ops module install() wrapped (to find an op by name when loading)


class Operation(Layer):
    """One keras.ops function applied in a functional graph (no weights, no mask propagation)."""

    _is_operation = True
    _convert_input_args = False   # as Keras's operations: a float16 tensor stays float16

    def __init__(self, fn, op_name=None, **kwargs):
        op_name = op_name or fn.__name__
        super().__init__(name=kwargs.pop("name", None) or unique_name(snake_case(op_name)), **kwargs)
        self.fn, self.op_name = fn, op_name
        self.supports_masking = False

    def _build_for(self, inputs):
        self.built = True

    def _probe(self, args, kwargs):
        """Symbolic outputs from two runs on zeros with every unknown size, the batch's too, set to two different
        values: an output axis whose size differs between the runs is unknown (None). Unlike a layer, an op may
        move the batch axis (ops.transpose, ops.moveaxis, ops.reshape). Where Keras works the shape out from the
        input shapes alone (reshape, squeeze, broadcasting with unknown sizes), its rule gives it."""
        ruled = static_output(getattr(self, "op_name", None), getattr(self, "fn", None), args, kwargs)
        if ruled is not None:
            shape, dtype = ruled
            if dtype is None:   # a run with every unknown size 1 (which broadcasts) gives the dtype
                dtype = flatten(Operation._run_on_zeros(self, args, kwargs, 1, 1))[0].dtype
            return KerasTensor(shape, dtype)
        # keras.Operation subclasses borrow this method: name the helper through this class
        runs = [Operation._run_on_zeros(self, args, kwargs, batch, size) for batch, size in ((2, 32), (3, 33))]

        def spec(first, second):
            return KerasTensor([a if a == b else None for a, b in zip(first.shape, second.shape)], first.dtype)
        specs = iter([spec(a, b) for a, b in zip(flatten(runs[0]), flatten(runs[1]))])
        return map_structure(lambda _: next(specs), runs[0])

    def _run_on_zeros(self, args, kwargs, batch, size):
        """The op on zeros shaped as the KerasTensors in args and kwargs, unknown sizes set to `batch` on the first
        axis and `size` elsewhere."""
        invertible = getattr(self, "op_name", None) in _NEED_INVERTIBLE

        def zeros(k):
            if not isinstance(k, KerasTensor):
                return k
            shape = [(batch if axis == 0 else size) if d is None else d for axis, d in enumerate(k.shape)]
            if invertible and len(shape) >= 2 and shape[-1] == shape[-2]:
                # zero matrices are singular: inv, cholesky, solve ... would refuse them
                return ag.zeros(*shape, dtype=np.dtype(k.dtype)) + ag.eye(shape[-1], dtype=np.dtype(k.dtype))
            return ag.zeros(*shape, dtype=np.dtype(k.dtype))
        # the shapes come from runs on zeros: 0 / 0 there means nothing
        with np.errstate(all="ignore"), ag.no_grad(), shape_probe_scope():
            outputs = self(*map_structure(zeros, args), training=False, **map_structure(zeros, kwargs))
        self._call_losses = []
        return outputs

    def call(self, *args, **kwargs):
        kwargs.pop("training", None)   # the layer machinery's flag, not the op's
        return self.fn(*args, **kwargs)

    def get_config(self):
        """Keras's config of the operation: its name and the arguments bound to it (einsum's subscripts); the
        tensors and other call arguments are its node's (saving/operation_config.py)."""
        config = {"name": self.name}
        if isinstance(self.fn, functools.partial):
            config.update(zip(positional_names(self.fn.func), self.fn.args))
            config.update(self.fn.keywords)
        return config


def positional_names(fn):
    """The names of `fn`'s parameters that a positional argument can fill, in order."""
    return [p.name for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


#: keras.ops.image functions whose eager call on Keras's torch backend takes data_format=None as channels-first
#: while their graph node (a functional model's) reads the configured image_data_format: Keras 3.15's
#: gaussian_blur does not standardise data_format on its eager path
_FORMAT_ON_GRAPH = ("gaussian_blur",)
_GRAPH_FORMS = {}


def _standard_data_format(fn):
    """`fn` with data_format=None read as keras.config.image_data_format()."""
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def graph_form(*args, **kwargs):
        from .settings import image_data_format
        bound = signature.bind(*args, **kwargs)
        if bound.arguments.get("data_format") is None:
            bound.arguments["data_format"] = image_data_format()
        return fn(*bound.args, **bound.kwargs)
    return graph_form


def op_function(name):
    """The keras.ops function `name` (get_item for Keras's GetItem; keras.ops.image's too, as its graph node
    computes), or None."""
    if name == "get_item":
        return get_item
    if _GRAPH_FORMS.get(name) is not None:
        return _GRAPH_FORMS[name]
    fn = getattr(_installed.get("ops"), name, None)
    if not callable(fn) and name in _image_names():
        fn = getattr(_installed.get("image"), name, None)
    return fn if callable(fn) else None


def is_image_op(name):
    """Whether `name` is one of keras.ops.image's functions (Keras files them under keras.src.ops.image)."""
    return name in _image_names()


def _image_names():
    from .ops_namespaces import IMAGE
    return IMAGE


def get_item(x, key):
    """x[key] (Keras's GetItem operation on a symbolic tensor); a list key, as a saved config gives back a
    tuple, indexes as that tuple (as Keras's)."""
    return x[tuple(key) if isinstance(key, list) else key]


def _has_symbolic(args, kwargs):
    for value in (*args, *kwargs.values()):
        if isinstance(value, KerasTensor):
            return True
        if isinstance(value, (list, tuple)) and any(isinstance(v, KerasTensor) for v in value):
            return True
    return False


def operation_for(fn, op_name, args, kwargs):
    """(the Operation recording `fn` called on these arguments, the arguments its node keeps): the arguments
    Keras's operation class takes in its constructor are bound to the operation, defaults included."""
    fixed = CONSTRUCTOR_ARGS.get(op_name)
    if not fixed:
        return Operation(fn, op_name), args, kwargs
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    chosen = {name: bound.arguments.pop(name) for name in fixed if name in bound.arguments}
    return Operation(functools.partial(fn, **chosen), op_name), bound.args, bound.kwargs


def symbolic_op(fn, op_name=None, graph_fn=None):
    """`fn` that records an Operation node (running `graph_fn`, default fn) when any argument (or list element) is
    a KerasTensor."""
    node_fn = graph_fn or fn

    @functools.wraps(fn)
    def op(*args, **kwargs):
        if _has_symbolic(args, kwargs):
            # einsum's subscripts, and the functions that map, vectorized_map, scan, associative_scan and
            # while_loop apply: bound to the op, not tensor inputs
            bound = 0
            while bound < len(args) and (isinstance(args[bound], str) or (callable(args[bound]) and
                                                                          not isinstance(args[bound], KerasTensor))):
                bound += 1
            if bound:   # while_loop's cond and body are both bound
                return Operation(functools.partial(node_fn, *args[:bound]), op_name or fn.__name__)(
                    *args[bound:], **kwargs)
            operation, args, kwargs = operation_for(node_fn, op_name or fn.__name__, args, kwargs)
            return operation(*args, **kwargs)
        return fn(*args, **kwargs)
    op._symbolic_wrapper = True
    return op


def _metadata_op(fn, answer):
    @functools.wraps(fn)
    def op(x, *args, **kwargs):
        return answer(x) if isinstance(x, KerasTensor) else fn(x, *args, **kwargs)
    op._symbolic_wrapper = True
    return op


def install(ops_module, image_module=None):
    """Wrap every public function of `ops_module` (keras.ops) and of `image_module` (keras.ops.image's functions)
    so that they also accept KerasTensors, and give KerasTensor the arithmetic, comparison and indexing
    operators."""
    _installed["ops"] = ops_module
    from . import activations   # keras.activations on a KerasTensor record the same nodes
    activations._symbolic_op = symbolic_op
    if image_module is not None:
        _installed["image"] = image_module
        for name in _image_names():
            fn = getattr(image_module, name, None)
            if callable(fn) and not getattr(fn, "_symbolic_wrapper", 0):
                graph_fn = _GRAPH_FORMS[name] = _standard_data_format(fn) if name in _FORMAT_ON_GRAPH else None
                setattr(image_module, name, symbolic_op(fn, name, graph_fn))
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
    table = {"__add__": "add", "__sub__": "subtract", "__mul__": "multiply", "__truediv__": "true_divide",
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
    KerasTensor.__getitem__ = lambda self, key: Operation(get_item, "get_item")(self, key)

    def reshape(self, newshape):
        """keras.ops.reshape of this tensor (a node of the graph, as Keras's method)."""
        return ops.reshape(self, newshape)

    def squeeze(self, axis=None):
        """keras.ops.squeeze of this tensor (a node of the graph, as Keras's method)."""
        return ops.squeeze(self, axis)
    KerasTensor.reshape, KerasTensor.squeeze = reshape, squeeze
