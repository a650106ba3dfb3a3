"""keras.layers.Layer: an nn.Module with Keras's life cycle.

- Weights are created on the first call, from the input's shape (`build(input_shape)`), with
  `add_weight`; `input_shape=` on a layer lets a Sequential build at once.
- `call(inputs, training=None)` holds the computation. The training flag resolves as in Keras 3 (context.py):
  the call's argument, else the value the enclosing calls left in the call context, else the default of
  `call`'s `training` parameter; None reaches no `call` (which then runs in inference). fit's, evaluate's and
  predict's own forward pass passes True / False to a model whose `call` names `training`, as Keras's
  built-in steps do; the module mode (`.train()`/`.eval()`) is ignored, as Keras layers ignore it. A flag the
  caller gives reaches `call` even when it is None; given positionally it binds as Keras's (bind_positional_training).
- As in Keras, once a layer's own build() has returned it takes no new weights (quantize and enable_lora excepted,
  through state_unlocked); Sequential and functional models stay open.
- Called on a symbolic KerasTensor, the layer records a Node and returns symbolic outputs (functional API).
- Masks (masking.py): a mask attached to the first input is passed to `call` when it has a `mask` argument,
  and a layer that supports masking attaches `compute_mask(inputs, previous_mask)` to its outputs (one that does
  not warns, as Keras, that the mask stops there).
- `trainable`, `weights`, `trainable_weights`, `get_weights`/`set_weights`, `count_params`, `losses`
  (weight regularisers and `add_loss`) as in Keras.
"""
import contextlib
import functools
import inspect
import math
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor, arrays
from autograd.errors import ArgumentKindError, KeywordError

from ..module import Module, Parameter
from . import constraints, initializers, masking, regularizers, settings
from .autocast_scope import autocast_call, current as in_scope, float_dtype, policy_config, policy_for
from .build_shapes import shapes_by_name
from .call_arguments import argument_tensor, check_call_arguments, convert_other_arguments
from .call_masks import filled_call_masks
from .dtype_policy import DTypePolicy
from .layer_weights import LayerState, LayerWeight
from ..training.modes import step_training
from .context import call_context, current_training, in_shape_probe, name_scope, scope_path, shape_probe_scope
from .naming import snake_case, unique_name
from .input_spec import InputSpec, check_input_spec, check_positional
from .remat import get_current_remat_mode, rematerialized_call
from .stateless_scope import get_stateless_scope
from .static_shapes import static_outputs
from .symbolic import KerasTensor, Node, dtype_name, flatten, flatten_sorted, is_symbolic, map_sorted, map_structure
from .tracked_list import TrackedDict, TrackedList
from .variables import Variable
from .variable_arguments import (checked_aggregation, checked_overwrite_flag, checked_weight_dtype,
                                 checked_weight_shape, positional_weight_arguments)

#: the sizes Keras's torch backend gives every unknown (None) axis, the batch included, when it runs a layer to find
#: its output shapes (on torch.ones on the 'meta' device: no values are computed there)
_KERAS_PROBE_SIZES = (83, 89)
#: deepgrad computes the values: above this many input values at Keras's sizes, the probe takes the cheap sizes below
_KERAS_PROBE_LIMIT = 1 << 20
#: the cheap sizes: the batch at 2, other unknown axes at 32 and 33
_PROBE_SIZES = (32, 33)
_PROBE_BATCH = 2


def _user_shape_rule(cls):
    """Whether a user's layer class (not one of nn.keras's) defines compute_output_shape, which Keras's symbolic
    call then takes instead of running call."""
    return cls.compute_output_shape is not Layer.compute_output_shape and \
        not getattr(cls, "__module__", "").startswith("nn.keras")


@functools.lru_cache(maxsize=None)
def _call_takes_training(call):
    try:
        parameters = inspect.signature(call).parameters
    except (TypeError, ValueError):
        return False
    return "training" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


@functools.lru_cache(maxsize=None)
def _training_parameter(call):
    """(whether `call` names a `training` parameter, its default or None): Keras passes the flag only to such a
    call, and uses the default when neither the caller nor an enclosing call gives one."""
    try:
        parameter = inspect.signature(call).parameters.get("training")
    except (TypeError, ValueError):
        return False, None
    if parameter is None:
        return False, None
    return True, None if parameter.default is parameter.empty else parameter.default


@functools.lru_cache(maxsize=None)
def _positional_names(call):
    """The names `call` binds positionally after `self`, up to its first keyword-only or variadic parameter."""
    try:
        parameters = list(inspect.signature(call).parameters.values())[1:]
    except (TypeError, ValueError):
        return ()
    names = []
    for parameter in parameters:
        if parameter.kind not in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            break
        names.append(parameter.name)
    return tuple(names)


def bind_positional_training(layer, args, kwargs):
    """(args, kwargs) with a `training` value given positionally (`layer(x, flag)`) moved to the keywords, where
    Keras 3's binding puts it. As there, only None works in that place, as an explicit None (the enclosing call's
    flag is not inherited): Keras refuses a Python bool (ValueError: only tensors may be positional) and fails on a
    tensor or array (its call gets the flag twice, TypeError), so both are refused here with the fix named."""
    names = _positional_names(type(layer).call)
    if "training" not in names or len(args) <= names.index("training"):
        return args, kwargs
    slot = names.index("training")
    value = args[slot]
    fix = f"pass it as a keyword argument instead: {layer.name}(x, training=...)"
    if "training" in kwargs:
        raise TypeError(f"{layer.name}: got `training` twice, positionally ({value!r}) and as a keyword; {fix}")
    if value is not None and not isinstance(value, (Tensor, KerasTensor, np.ndarray, np.generic)):
        raise ValueError(f"{layer.name}: only input tensors may be passed as positional arguments, as in Keras; "
                         f"got {value!r} (of type {type(value).__name__}) in the place of `training`; {fix}")
    if value is not None:
        raise TypeError(f"{layer.name}: a positional `training` flag (a {type(value).__name__}) is not supported, as "
                        f"in Keras 3, whose call then gets the flag twice ('multiple values for argument "
                        f"training'); {fix}")
    kwargs = dict(kwargs, training=None)
    for name, extra in zip(names[slot + 1:], args[slot + 1:]):   # later positional values keep their names
        if name in kwargs:
            raise TypeError(f"{layer.name}: got `{name}` twice, positionally and as a keyword; pass it once")
        kwargs[name] = extra
    return args[:slot], kwargs


@functools.lru_cache(maxsize=None)
@functools.lru_cache(maxsize=None)
def _first_call_parameter(call):
    """The name of `call`'s first parameter after self (None when it takes only *args/**kwargs or has no
    signature)."""
    try:
        parameters = list(inspect.signature(call).parameters.values())[1:]
    except (TypeError, ValueError):
        return None
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return parameters[0].name if parameters and parameters[0].kind in kinds else None


def _call_takes_mask(call):
    try:
        return "mask" in inspect.signature(call).parameters
    except (TypeError, ValueError):
        return False


_BASE_SHAPE_ARGUMENTS = ("input_shape", "input_dim", "batch_input_shape", "batch_size")

# Keras's built-in layers without weights that mark themselves built in __init__ (so their configs carry no
# build_config); subclasses of these count too, as in Keras
_BUILT_AT_INIT = frozenset(
    [f"{kind}Pooling{d}D" for kind in ("Max", "Average", "GlobalMax", "GlobalAverage") for d in (1, 2, 3)] +
    ["UnitNormalization", "LeakyReLU", "ReLU", "Activation", "ELU", "Softmax", "AlphaDropout", "GaussianDropout",
     "GaussianNoise", "ActivityRegularization", "Dropout", "SpatialDropout1D", "SpatialDropout2D",
     "SpatialDropout3D", "Identity", "Masking", "Reshape"])


def _built_at_init(cls):
    return any(c.__name__ in _BUILT_AT_INIT and c.__module__.startswith("nn.keras") for c in cls.__mro__)


def _filled_masks(call, args, kwargs):
    """The mask arguments Keras fills in for a call that left them out, as its node records them: `mask` (the
    input's mask, None for an unmasked input) when `call` takes one tensor argument and a `mask`; `<name>_mask`
    for each tensor argument `<name>` when it takes several. A masked input gives its symbolic mask, the output
    of the keras.ops nodes its layer's compute_mask recorded (`Embedding(mask_zero=True)`'s `not_equal`); when
    some masked input has no such mask (a compute_mask that cannot run on symbolic tensors), none is filled."""
    try:
        signature = inspect.signature(call)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return {}
    bound.apply_defaults()
    names = list(signature.parameters)[1:]
    tensors = {name: value for name, value in list(bound.arguments.items())[1:]
               if _is_tensor_argument(value)}
    wanted = {"mask": next(iter(tensors.values()))} if len(tensors) == 1 else \
        {f"{name}_mask": value for name, value in tensors.items()}
    filled = {}
    for key, value in wanted.items():
        if key not in names or bound.arguments.get(key) is not None:
            continue
        masked = [k for k in flatten(value) if isinstance(k, KerasTensor) and k.mask_shape is not None]
        if any(graph_mask(k) is None for k in masked):
            return {}
        filled[key] = map_structure(lambda k: graph_mask(k) if isinstance(k, KerasTensor) else None, value)
    return filled


@contextlib.contextmanager
def _muted_warnings():
    """Warnings issued inside are not shown. Not warnings.catch_warnings: leaving it resets Python's
    once-per-place record, so every warning shown before would show again (at fit, after a model was built)."""
    show = warnings.showwarning
    warnings.showwarning = lambda *args, **kwargs: None
    try:
        yield
    finally:
        warnings.showwarning = show


def graph_mask(tensor):
    """The symbolic mask a KerasTensor carries when a graph node makes it (so a config can name it), else None."""
    mask = vars(tensor).get("_mask_tensor") if tensor.mask_shape is not None else None
    return mask if mask is not None and mask.node is not None and mask.shape == tuple(tensor.mask_shape) else None


def _is_tensor_argument(value):
    """Whether a call argument is a symbolic tensor or a non-empty nesting of them (None allowed), as Keras
    counts the tensor arguments of a call."""
    if isinstance(value, KerasTensor):
        return True
    if isinstance(value, (list, tuple, dict)) and len(value) > 0:
        leaves = flatten(value)
        return all(v is None or isinstance(v, KerasTensor) for v in leaves) and \
            any(isinstance(v, KerasTensor) for v in leaves)
    return False


def _bound_arguments(cls, args, kwargs):
    """The constructor's arguments by name, defaults filled in and **kwargs merged (None when they do not
    bind, or when they are passed positionally into *args, which a config cannot restore)."""
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    values = {}
    for k, (name, value) in enumerate(bound.arguments.items()):
        kind = signature.parameters[name].kind
        if k == 0 or name == "name":
            continue
        if kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                return None
        elif kind is inspect.Parameter.VAR_KEYWORD:
            values.update(value)
        else:
            values[name] = value
    values.pop("name", None)
    return values


def _plain(value):
    """Whether `value` holds only str, int, float, bool and None (in lists, tuples and dicts)."""
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    return value is None or isinstance(value, (str, int, float, bool))


def _holds_state(value):
    """Whether `value` is, or is a list / tuple / dict holding, a module or a tensor (what a layer tracks)."""
    if isinstance(value, (Module, Tensor)):
        return True
    if isinstance(value, (list, tuple)):
        return any(_holds_state(v) for v in value)
    return isinstance(value, dict) and any(_holds_state(v) for v in value.values())


def _is_shape(value):
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def _shape_structure(value):
    """A build config's input_shape (JSON lists) as tuples: one shape, or lists/dicts of shapes."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _shape_structure(v) for k, v in value.items()}
    if all(d is None or isinstance(d, int) for d in value):
        return tuple(value)
    return [_shape_structure(v) for v in value]


_DRAW_DTYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))


def _check_initializer_names(cls, arguments):
    """An unknown initializer or regularizer name given to a layer (kernel_initializer='glorot',
    kernel_regularizer='l3') fails when the layer is made, as in Keras, not when it is first called."""
    for name, value in arguments.items():
        if name.endswith("initializer") and isinstance(value, str):
            try:
                with initializers.without_default_seeds():
                    initializers.get(value)
            except ValueError as error:
                raise ValueError(f"{cls.__name__}({name}={value!r}): {error}") from None
        elif name.endswith("regularizer") and isinstance(value, str):
            try:
                regularizers.get(value)
            except ValueError as error:
                raise ValueError(f"{cls.__name__}({name}={value!r}): {error}") from None


def _make_initializers(layer, arguments):
    """As Keras's constructors: each `*_initializer` argument given by name, class or config that the layer keeps
    under the argument's name becomes an initializer object now, in the signature's order, so that the default
    seeds it takes from Python's `random` come in Keras's order."""
    for name, value in (arguments or {}).items():
        if (name.endswith("_initializer") and value is not None and layer.__dict__.get(name) is value
                and isinstance(value, (str, dict, type))):
            layer.__dict__[name] = initializers.get(value)
    # defaults a subclass passes on through **kwargs (Conv1D's kernel_initializer) are not among its arguments:
    # resolve them now too, in the order the layer set them, and not at build (a later layer's seed came first)
    for name, value in list(layer.__dict__.items()):
        if name.endswith("_initializer") and not name.startswith("_") and isinstance(value, (str, dict, type)):
            layer.__dict__[name] = initializers.get(value)


def as_tensor(value):
    """NumPy arrays and lists as Tensors (float64 becomes floatx(), Keras's float type: float32 unless
    set_floatx changed it); Tensors unchanged."""
    if isinstance(value, Tensor) or value is None or isinstance(value, KerasTensor):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "US":   # strings stay NumPy arrays (Tensors hold numbers): the text layers take them
        return array
    if array.dtype == np.float64:
        array = array.astype(settings.floatx())
    return ag.tensor(array)


def _autocast(value, dtype):
    """A float Tensor in the layer's float dtype (Keras casts a layer's float inputs to its compute dtype),
    keeping any mask attached to it; anything else unchanged."""
    if not isinstance(value, Tensor) or not value.is_floating_point() or value.dtype == dtype:
        return value
    cast = value.to(dtype)
    mask = masking.get_mask(value)
    if mask is not None:
        masking.set_mask(cast, mask)
    return cast


def shape_of(value):
    """A Tensor's or KerasTensor's shape with the batch axis as None (Keras's convention)."""
    if isinstance(value, KerasTensor) or value is None:   # None: an absent input among several (its shape too)
        return None if value is None else value.shape
    return (None,) + tuple(value.shape[1:]) if value.ndim else ()


def _eager_shape(value):
    """The shape an eager first call builds a layer for: a Tensor's whole shape (Keras's), a KerasTensor's own."""
    return None if value is None else _whole_shape(value)


def _whole_shape(value):
    """A KerasTensor's shape (its batch axis None), or a Tensor's or array's whole shape, as Keras's build sees them."""
    return value.shape if isinstance(value, KerasTensor) else tuple(value.shape)


class MissingSuperInitError(RuntimeError, AttributeError):
    """A layer whose __init__ never called super().__init__() was called: a RuntimeError, as Keras raises (and an
    AttributeError, as the missing state showed before)."""


class _LayerType(type):
    """isinstance(x, Layer) is False for operations (keras.Operation subclasses and keras.ops nodes), as in Keras,
    where Operation is Layer's base: they share Layer's machinery here, so isinstance of Layer itself is narrowed."""

    def __instancecheck__(cls, instance):
        if not type.__instancecheck__(cls, instance):
            return False
        return cls is not Layer or not type(instance)._is_operation


def _user_layer_without_own_shape_rule(cls):
    """True when every class between `cls` and Layer (or keras.Model, a subclassed model's base, which keeps
    Layer's) is the user's (none of nn.keras's layers, which all have Keras's compute_output_shape behind them;
    Functional and Sequential come before Model), so that `cls` inherits only Layer's, which Keras leaves
    unimplemented."""
    for klass in cls.__mro__:
        if (klass.__name__, klass.__module__) in (("Layer", __name__), ("Model", "nn.keras.model")):
            return True
        if klass.__module__.startswith("nn.keras") or "compute_output_shape" in vars(klass):
            return False
    return False


class Layer(Module, metaclass=_LayerType):
    """Base class of Keras layers and models. Subclasses define `build(input_shape)` (optional) and
    `call(inputs, ...)`."""

    input_spec = None   # a keras.InputSpec (or a list of them) that every call's inputs must fit
    _init_input_spec = None   # InputSpec arguments Keras's constructor sets ({"ndim": 4}); build may narrow it
    _one_input = False   # True where Keras's input_spec allows one tensor only (Dense, Conv)
    _array_input = False   # True where the first argument must be tensors or arrays, not Python data (check_positional)
    _convert_input_args = True   # Keras's flag: cast float inputs to the layer's dtype (unless autocast=False)
    _locks_after_build = True   # as Keras: once its own build() has returned, a layer takes no new weights
    _remat_mode = None   # the RematMode of the keras.RematScope the layer was made in (remat.py)
    _is_operation = False   # True for keras.Operation subclasses and keras.ops nodes: no Layer to isinstance

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_marks_built", False):
            @functools.wraps(build)
            def build_and_mark(self, *args, **kwargs):   # layer.build(shape) called by hand counts as built
                if args and getattr(self, "_build_input_shape", None) is None:
                    object.__setattr__(self, "_build_input_shape", args[0])
                depth = self.__dict__.get("_build_depth", 0)   # a subclass's build calling super().build()
                object.__setattr__(self, "_build_depth", depth + 1)
                try:
                    with name_scope(self):   # weights of sub-layers built here get this layer's path
                        self._remember_path()
                        result = build(self, *args, **kwargs)
                finally:
                    object.__setattr__(self, "_build_depth", depth)
                self.built = True
                if depth == 0 and self._locks_after_build:   # as Keras: the outermost build() locks the state
                    object.__setattr__(self, "_state_locked", True)
                return result
            build_and_mark._marks_built = True
            cls.build = build_and_mark
        init = cls.__dict__.get("__init__")
        if init is not None and cls.__module__.startswith("nn.keras"):
            @functools.wraps(init)
            def recording_init(self, *args, **kwargs):   # the outermost built-in's arguments, for get_config
                outermost = "_built_in_call" not in self.__dict__
                if outermost:
                    object.__setattr__(self, "_built_in_call", (cls, _bound_arguments(cls, args, kwargs)))
                init(self, *args, **kwargs)
                if outermost:
                    _make_initializers(self, self._built_in_call[1])
            cls.__init__ = recording_init

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        arguments = _bound_arguments(cls, args, kwargs)
        _check_initializer_names(cls, arguments or kwargs)
        object.__setattr__(instance, "_constructor_arguments", arguments)
        return instance

    def __init__(self, *, name=None, trainable=True, dtype=None, input_shape=None, input_dim=None,
                 batch_input_shape=None, batch_size=None, activity_regularizer=None, **kwargs):
        super().__init__()
        object.__setattr__(self, "_autocast", bool(kwargs.pop("autocast", True)))
        if kwargs:
            raise KeywordError(f"{type(self).__name__}: unexpected keyword argument(s) {', '.join(sorted(kwargs))}; "
                               "check the spelling against the layer's signature")
        object.__setattr__(self, "training", False)
        remat_mode = get_current_remat_mode()
        if remat_mode is not None:
            object.__setattr__(self, "_remat_mode", remat_mode)
        if name is not None and (not isinstance(name, str) or "/" in name):   # '/' separates weight paths
            raise ValueError(f"Argument `name` must be a string and cannot contain character `/`. Received: "
                             f"name={name} (of type {type(name)}): {type(self).__name__}(name={name!r}); pick a "
                             f"name without '/', e.g. {str(name).replace('/', '_')!r}")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.built = False
        # None: the global dtype policy (floatx() when the layer's first policy was made); `dtype` is the
        # variable dtype, the policy's compute dtype may be narrower (mixed precision: autocast_scope.py)
        policy = policy_for(dtype)
        object.__setattr__(self, "_dtype_policy", policy)
        self.dtype = policy.variable_dtype
        self._weight_names = []     # own weights in creation order
        self._regularizers = {}     # weight name -> regularizer
        self._call_losses = []
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._output_shape = None
        self._symbolic_calls = []
        self._supports_masking = None   # None: True when the class overrides compute_mask (as Keras)
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if input_shape is not None:   # Keras's warning (it still builds a Sequential from it)
            warnings.warn("Do not pass an `input_shape`/`input_dim` argument to a layer. When using Sequential "
                          "models, prefer using an `Input(shape)` object as the first layer in the model instead.",
                          UserWarning, stacklevel=2)
        for name, shape in (("input_shape", input_shape), ("batch_input_shape", batch_input_shape)):
            if shape is not None and (isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__")):
                raise ArgumentKindError(f"{type(self).__name__}: cannot convert {shape!r} to a shape: {name} must be "
                                        f"a tuple of sizes (one sample's shape, without the batch axis for "
                                        f"input_shape), got {type(shape).__name__}; pass e.g. {name}="
                                        f"{(shape,) if isinstance(shape, int) else (3,)}")
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size,) + tuple(input_shape)
        else:
            self._batch_input_shape = None
        if self._init_input_spec is not None:
            self.input_spec = InputSpec(**self._init_input_spec)

    @property
    def dtype_policy(self):
        """The layer's DTypePolicy: its compute and variable dtypes ('mixed_float16' computes in float16 with
        float32 weights)."""
        policy = self.__dict__.get("_dtype_policy")
        if policy is None or policy.variable_dtype != self.dtype:   # `dtype` set directly: a plain policy of it
            policy = policy_for(self.dtype)
            object.__setattr__(self, "_dtype_policy", policy)
        return policy

    @dtype_policy.setter
    def dtype_policy(self, value):
        policy = policy_for(value)
        object.__setattr__(self, "_dtype_policy", policy)
        self.dtype = policy.variable_dtype
        if policy.quantization_mode is not None and self.built and not self.__dict__.get("_is_quantized"):
            self.quantize(policy.quantization_mode)   # as Keras: a quantized policy on a built layer quantizes it

    @property
    def quantization_mode(self):
        """The layer's quantization mode ('int8'), or None when it is not quantized."""
        return self.dtype_policy.quantization_mode

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize the layer's weights ('int8'): Dense, EinsumDense and Embedding can (layers/quantized.py);
        other layers raise NotImplementedError once the arguments pass Keras's checks."""
        from .layers.quantized import check_quantize_args
        check_quantize_args(self, mode, config)
        raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` method implemented.")

    @property
    def compute_dtype(self):
        """The dtype the layer computes in: its policy's (float16 under 'mixed_float16'), else its dtype."""
        policy = self.__dict__.get("_dtype_policy")
        if policy is not None and policy.variable_dtype == self.dtype:   # read on every call: the short way
            return policy.compute_dtype
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        """The dtype of the layer's weights (its dtype)."""
        return self.dtype

    @property
    def input_dtype(self):
        """The dtype the layer casts its float inputs to (its compute dtype)."""
        return self.compute_dtype

    @property
    def _autocast_dtype(self):
        """The float dtype this layer casts its float inputs to (None: no cast, autocast=False or a non-float
        compute dtype)."""
        if not (self._convert_input_args and getattr(self, "_autocast", True)):
            return None
        compute = self.compute_dtype
        cached = self.__dict__.get("_autocast_target")   # (compute dtype name, its NumPy dtype), per layer
        if cached is None or cached[0] != compute:
            cached = (compute, float_dtype(compute))
            object.__setattr__(self, "_autocast_target", cached)
        return cached[1]

    # ----- attributes ---------------------------------------------------------------------------
    def _check_new_name(self, kind, name, store):
        """Nothing: a Keras layer registers its layers and weights under Keras's names (a layer called 'output',
        a weight called 'mean'), which need not be free attribute names, so PyTorch's checks do not apply."""

    def _register(self, registry, name, value):
        Module._register(self, registry, name, value)
        if callable(getattr(type(self), name, None)):
            # a layer named after a method ('fit', 'predict', 'call') stays registered but must not hide the method
            self.__dict__.pop(name, None)

    def __setattr__(self, name, value):
        if isinstance(getattr(type(self), name, None), property):
            object.__setattr__(self, name, value)
            return
        d = self.__dict__
        if "_parameters" not in d and not _holds_state(value):
            object.__setattr__(self, name, value)   # Keras lets __init__ set plain values before super().__init__()
            return
        if isinstance(value, Tensor) and "_weight_names" in d:
            old = self._registered_name(value)
            if old is not None and old != name:   # `self.w = self.add_weight(name="kernel")`: one weight, renamed
                self._rename_weight(old, name)
                return
            if old is None and isinstance(value, Variable):   # Keras tracks a keras.Variable attribute as a weight
                self._register(self._parameters if value.trainable else self._buffers, name, value)
                self._weight_names.append(name)
                return
        if type(value) is list and not name.startswith("_") and all(isinstance(v, Module) for v in value):
            value = TrackedList(value, self, name)   # layers appended to it later are tracked too, as in Keras
            self._track_list(name, value)
            object.__setattr__(self, name, value)
            return
        if type(value) is dict and not name.startswith("_") and (
                not value or any(isinstance(v, Module) for v in value.values())):
            # Keras tracks the layers held in a dict, in insertion order, those put in an empty one later too
            value = TrackedDict(value, self, name)
            self._track_dict(name, value)
            object.__setattr__(self, name, value)
            return
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, Module) for v in value):
            for k, module in enumerate(value):  # Keras tracks layers held in lists
                self.add_module(f"{name}_{k}", module)
            object.__setattr__(self, name, value)
            return
        if "_layer_list" in d and name in self._modules and not isinstance(value, Module) and value is not None:
            # a functional model holds its layers under their names, which Keras never makes attributes: a
            # layer called "history" (or "loss", ...) must not stop fit from setting model.history
            object.__setattr__(self, name, value)
            return
        Module.__setattr__(self, name, value)

    def _track_list(self, name, items):
        """Register the modules in the list attribute `name` as '<name>_<position>' (dropping positions it no
        longer has), keeping the places of those already registered."""
        prefix = f"{name}_"
        for k, item in enumerate(items):
            if isinstance(item, Module) and self._modules.get(f"{prefix}{k}") is not item:
                self.add_module(f"{prefix}{k}", item)
        stale = [key for key in self._modules if key.startswith(prefix) and key[len(prefix):].isdigit()
                 and (int(key[len(prefix):]) >= len(items) or not isinstance(items[int(key[len(prefix):])], Module))]
        for key in stale:
            del self._modules[key]
            self.__dict__.pop(key, None)

    def _track_dict(self, name, items):
        """Register the modules in the dict attribute `name` as '<name>_<key>', dropping those it no longer holds."""
        wanted = {f"{name}_{key}".replace(".", "_"): item for key, item in items.items() if isinstance(item, Module)}
        for key in items.registered:
            if key not in wanted:
                self._modules.pop(key, None)
                self.__dict__.pop(key, None)
        for key, item in wanted.items():
            if self._modules.get(key) is not item:
                self._modules.pop(key, None)   # a replaced layer: the new one comes last, as Keras tracks it
                self.add_module(key, item)
        items.registered = list(wanted)

    def _registered_name(self, tensor):
        for store in (self._parameters, self._buffers):
            for key, value in store.items():
                if value is tensor:
                    return key
        return None

    def _rename_weight(self, old, new):
        for store_name in ("_parameters", "_buffers"):
            store = getattr(self, store_name)
            if old in store:
                items = [(new if k == old else k, v) for k, v in store.items()]
                store.clear()
                store.update(items)
                self.__dict__.pop(old, None)
                self.__dict__[new] = store[new]
        self._weight_names = [new if n == old else n for n in self._weight_names]
        if old in self._regularizers:
            self._regularizers[new] = self._regularizers.pop(old)

    @property
    def trainable(self):
        """Whether fit updates this layer's weights (False also runs BatchNormalization in inference mode)."""
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for module in self.modules():
            if isinstance(module, Layer):
                module._trainable = value
            for p in module.parameters(recurse=False):
                p.requires_grad_(value)

    # ----- masking ---------------------------------------------------------------------------------
    @property
    def supports_masking(self):
        """Whether the layer attaches compute_mask's result to its outputs (otherwise a mask stops here)."""
        if self._supports_masking is None:
            return type(self).compute_mask is not Layer.compute_mask
        return self._supports_masking

    @supports_masking.setter
    def supports_masking(self, value):
        self._supports_masking = bool(value)

    def compute_mask(self, inputs, previous_mask):
        """The mask of the outputs for these inputs: the base passes the input's mask on."""
        return previous_mask

    @property
    def autocast(self):
        """The layer's autocast flag (Layer(autocast=...)): whether its call casts float inputs to its compute
        dtype."""
        return self.__dict__.get("_autocast", True)

    @autocast.setter
    def autocast(self, value):
        object.__setattr__(self, "_autocast", bool(value))

    # ----- weights --------------------------------------------------------------------------------
    def add_variable(self, shape, initializer, dtype=None, trainable=True, autocast=True, regularizer=None,
                     constraint=None, name=None):
        """Keras's other name for add_weight, with shape and initializer required."""
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               autocast=autocast, regularizer=regularizer, constraint=constraint, name=name)

    def add_weight(self, *args, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
                   regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False, name=None):
        """Create a weight of `shape` (Keras layout) from `initializer` (default 'glorot_uniform', 'zeros' for
        non-float dtypes); trainable weights are Parameters, the others buffers; `constraint` (a
        keras.constraints name or object) projects a trainable weight after each optimizer step; `autocast=False`
        keeps a mixed-precision layer's call reading it in its own dtype. Returns the Tensor. As in Keras, a layer
        whose build() has returned takes no new weight (ValueError): make them all in __init__() or build().
        Positionally it takes shape, initializer and dtype; `aggregation` only shows on the weight (one device);
        `overwrite_with_gradient=True` makes the optimizer write the gradient into the weight instead of a step."""
        if args:
            shape, initializer, dtype = positional_weight_arguments(args, shape, initializer, dtype)
        aggregation = checked_aggregation(aggregation)
        overwrite_with_gradient = checked_overwrite_flag(overwrite_with_gradient)
        if self.__dict__.get("_state_locked"):
            raise ValueError(f"{self.name} ({type(self).__name__}): cannot add the weight {name or '(unnamed)'!r}: "
                             "you cannot add new elements of state (variables) to a layer that is already built, as "
                             "in Keras. Create every weight in the `__init__()` method or in the `build()` method.")
        who = f"{self.name} ({type(self).__name__}).add_weight({name or '(unnamed)'!r})"
        dtype = checked_weight_dtype(dtype or self.dtype, who)
        dtype = float_dtype(dtype_name(dtype)) or np.dtype(dtype)
        shape = checked_weight_shape(shape, who)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" or float_dtype(dtype_name(dtype)) else "zeros"
        if any(n is None for n in (shape or ())):
            raise ValueError(f"{self.name} ({type(self).__name__}): the weight {name or '(unnamed)'!r} needs a fully "
                             f"defined shape, got {tuple(shape)}; Keras refuses None dimensions in a variable's shape "
                             "too (give every size, e.g. from the input shape in build())")
        shape = tuple(int(n) for n in shape)
        if any(n < 0 for n in shape):
            raise ValueError(f"Cannot convert '{shape}' to a shape. Negative dimensions are not allowed: "
                             f"{self.name} ({type(self).__name__}).add_weight({name or '(unnamed)'!r}); give sizes "
                             "of 0 or more")
        initializer = initializers.get(initializer)
        draws_in = dtype if isinstance(initializer, initializers.Initializer) and dtype in _DRAW_DTYPES else None
        values = np.asarray(initializers.initial_values(initializer, shape, draws_in), dtype=dtype)   # Keras draws
        # a built-in initializer's values in the weight's dtype
        keras_name = name or unique_name("variable")   # as Keras: unnamed weights count up, variable_1, ...
        name = name or f"variable_{len(self._weight_names)}"
        if name in self._weight_names:
            name = f"{name}_{len(self._weight_names)}"
        with name_scope(self, remember=False):   # Keras's path: the enclosing layers', this layer's, the weight's
            path = f"{scope_path()}/{keras_name}"
        shown = (constraints.get(constraint), regularizers.get(regularizer))   # the weight shows them, as Keras's
        if trainable:
            weight = LayerWeight(ag.tensor(values), keras_name, path, *shown)
            weight.requires_grad_(self._trainable)
            self._register(self._parameters, name, weight)
        else:
            weight = LayerState(ag.tensor(values), keras_name, path, *shown)
            # stored as the trainable ones are, past Module.register_buffer's PyTorch name check: Keras names a
            # weight freely, even as a property of its layer (Normalization's 'mean' weight and `mean`)
            self._register(self._buffers, name, weight)
            self._non_persistent.discard(name)
        self._weight_names.append(name)
        weight.aggregation, weight.overwrite_with_gradient = aggregation, overwrite_with_gradient
        if not autocast:   # by identity: assigning the weight to an attribute renames it
            self.__dict__.setdefault("_not_autocast", set()).add(id(weight))
        if regularizer is not None:
            self._regularizers[name] = regularizers.get(regularizer)
        return weight

    def _own_weights(self):
        state = self.__dict__   # the stored weights: `kernel` of a LoRA layer reads as the merged kernel
        weights = [state[n] if n in state else getattr(self, n) for n in self._weight_names]
        made_trainable = [n in self._parameters for n in self._weight_names]   # Keras lists those weights first
        return ([w for w, t in zip(weights, made_trainable) if t]
                + [w for w, t in zip(weights, made_trainable) if not t])

    @property
    def weights(self):
        """Every weight of the layer and its sub-layers (trainable or not), in Keras's order."""
        return self._collected(with_seed_states=False)

    def _collected(self, with_seed_states):
        """The weights of this layer and its sub-layers, each once, in Keras's order; with_seed_states puts each
        layer's SeedGenerator states after its own weights."""
        seen, result = set(), []
        for module in self.modules():
            if isinstance(module, Layer):
                own = module._own_weights()
                if with_seed_states:
                    own = own + [g.state for g in module._seed_generators()]
            else:
                own = list(module.parameters(recurse=False)) + [b for b in module.buffers(recurse=False)
                                                                if b.is_floating_point()]
            for w in own:
                if id(w) not in seen:
                    seen.add(id(w))
                    result.append(w)
        return result

    def _seed_generators(self):
        """The SeedGenerators this layer holds as attributes (alone or in a list/tuple), in assignment order."""
        from .random import SeedGenerator
        found = []
        for value in list(self.__dict__.values()):
            for item in (value if isinstance(value, (list, tuple)) else (value,)):
                if isinstance(item, SeedGenerator):
                    found.append(item)
        return found

    @property
    def variables(self):
        """The weights and, after each layer's own, the states of its SeedGenerators: all the layer's state, as
        Keras's `variables` (metric variables are not included; `weights` leaves the seed states out)."""
        return self._collected(with_seed_states=True)

    @property
    def trainable_weights(self):
        """The weights fit updates."""
        return [w for w in self.weights if isinstance(w, (Parameter, Variable)) and w.requires_grad]

    trainable_variables = trainable_weights

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """(name, variable) pairs as Keras's torch backend gives them: every variable of the layer and its
        sub-layers (weights, moving statistics, seed-generator states) once, named `_torch_params.<its path>`
        and sorted by that name. With recurse=False, the layer's own registered weights under their attribute
        names (deepgrad's internals read those; Keras gives none there)."""
        if not recurse:
            return Module.named_parameters(self, prefix, recurse, remove_duplicate)
        head = f"{prefix}._torch_params." if prefix else "_torch_params."
        named = {}
        module_names = None   # a wrapped torch module's parameters have no Keras path: its names stand in
        for variable in self.variables:
            path = getattr(variable, "path", None)
            if path is None:
                if module_names is None:
                    module_names = {id(v): n for n, v in Module.named_parameters(self)}
                path = f"{self.path}/{module_names.get(id(variable), id(variable))}"
            named.setdefault(f"{head}{path}", variable)
        return iter(sorted(named.items(), key=lambda pair: pair[0]))

    @property
    def non_trainable_weights(self):
        """The weights fit does not update (frozen ones and statistics such as moving means)."""
        return [w for w in self.weights if not (isinstance(w, (Parameter, Variable)) and w.requires_grad)]

    @property
    def non_trainable_variables(self):
        """The variables fit does not update: the non-trainable weights and the SeedGenerator states (all the
        variables, in their order, when the layer is frozen), as Keras's."""
        return [w for w in self.variables if not (isinstance(w, (Parameter, Variable)) and w.requires_grad)]

    def get_weights(self):
        """The weights as NumPy arrays (copies), in Keras's order and layouts."""
        return [np.array(w.numpy()) for w in self.weights]

    def set_weights(self, weights):
        """Load NumPy arrays (e.g. from a Keras model's get_weights()) into the weights, in order."""
        mine = self.weights
        given, weights = weights, list(weights)
        if len(weights) != len(mine):
            hint = ""
            if not mine and not self.built:
                hint = "; the layer has no weights until it is built: call it on data or layer.build(input_shape) first"
            elif not isinstance(given, (list, tuple)) and hasattr(given, "shape"):
                hint = (f"; got one array of shape {tuple(given.shape)} (its rows were read as arrays): pass a list, "
                        "as get_weights() returns")
            raise ValueError(f"{self.name}.set_weights: expected {len(mine)} arrays (shapes "
                             f"{[tuple(w.shape) for w in mine]}), got {len(weights)}{hint}")
        for k, (w, value) in enumerate(zip(mine, weights)):
            value = np.asarray(value)
            if tuple(value.shape) != tuple(w.shape):
                raise ValueError(f"{self.name}.set_weights: array {k} has shape {value.shape}, but the weight it "
                                 f"replaces has shape {tuple(w.shape)}")
            with ag.no_grad():
                arrays.assign_(w, w.device.asarray(value.astype(w.dtype)))

    def count_params(self):
        """The number of values in the weights (a ValueError before the layer is built)."""
        if not self.built:
            raise ValueError(f"{self.name}: the layer is not built yet, so it has no weights; call it on data or "
                             "give it an input shape")
        return int(sum(w.size for w in self.weights))

    def stateless_call(self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs):
        """Keras's stateless_call: (outputs, new non-trainable values) of a call with the given variable values
        in place of this layer's own, which keep theirs (see layer_stateless.py)."""
        from .layer_stateless import stateless_call
        return stateless_call(self, trainable_variables, non_trainable_variables, *args,
                              return_losses=return_losses, **kwargs)

    # ----- losses -----------------------------------------------------------------------------------
    def add_loss(self, loss):
        """Add a scalar Tensor to the losses of this call (fit adds it to the training loss). Inside a
        keras.StatelessScope the loss goes to the scope (kept only with collect_losses=True), as in Keras."""
        scope = get_stateless_scope()
        if scope is not None:
            if scope.collect_losses:
                scope.add_loss(loss, self)
            return
        self._call_losses.append(loss)

    @property
    def metrics(self):
        """The keras Metrics this layer holds as attributes, then each sublayer's, as Keras's Layer.metrics."""
        from .layer_metrics import layer_metrics
        return layer_metrics(self)

    @property
    def metrics_variables(self):
        """The variables of every metric in `metrics`, in that order (Keras's list)."""
        return [v for metric in self.metrics for v in metric.variables]

    @property
    def losses(self):
        """The losses added during the last call (add_loss, activity regularizers) of this layer and its
        sub-layers, then the regularisation penalties of the trainable weights: Keras's order. Inside a
        keras.StatelessScope, the losses they added to the scope instead, as Keras."""
        layers = [m for m in self.modules() if isinstance(m, Layer)]
        scope = get_stateless_scope()
        result = scope.losses_of(layers) if scope is not None else [loss for layer in layers
                                                                     for loss in layer._call_losses]
        for layer in layers:
            for name, regularizer in layer._regularizers.items():
                weight = layer.__dict__.get(name, None)
                weight = getattr(layer, name) if weight is None else weight
                if weight.requires_grad:
                    result.append(regularizer(weight))
        return result

    # ----- life cycle -------------------------------------------------------------------------------
    def build(self, input_shape):
        """Create the weights for inputs of `input_shape` (batch axis None); the base creates none and marks the
        layer built, as Keras (warning when sub-layers it owns are still unbuilt: they build on the first call)."""
        self._warn_if_left_unbuilt(stacklevel=3)
        self.built = True

    def _warn_if_left_unbuilt(self, stacklevel=2):
        """Keras's warning when its base build() marks built a layer of the user's whose sub-layers are not all
        built (after the symbolic run that builds those its call reaches, one its call never uses stays unbuilt)."""
        if type(self).build is Layer.build and any(not layer.built and not _built_at_init(type(layer))
                                                   for layer in self._direct_sublayers()):
            warnings.warn(f"`build()` was called on layer '{self.name}', however the layer does not have a `build()` "
                          "method implemented and it looks like it has unbuilt state. This will cause the layer to be "
                          "marked as built, despite not being actually built, which may cause failures down the "
                          "line. Make sure to implement a proper `build()` method.", UserWarning,
                          stacklevel=stacklevel + 1)

    def _direct_sublayers(self):
        return [m for m in self.children() if isinstance(m, Layer)]

    def call(self, inputs, *args, **kwargs):
        """The computation; every Keras layer defines it."""
        raise TypeError(f"{type(self).__name__} does not define call(); Keras layers and models must")

    def forward(self, *args, **kwargs):
        return self.call(*args, **kwargs)

    @property
    def path(self):
        """The layer's path as Keras 3 gives it: the name scopes open when it was built, its own name last
        ('model/block/dense' in a Sequential or subclassed model, 'dense' in a functional model, whose layers
        are built outside it); None before it is built, and for the layers Keras builds when they are made
        (Dropout, Activation, pooling, Reshape, ...)."""
        return self.__dict__.get("_path")

    def _remember_path(self):
        """Record the current name-scope path (this layer's scope open) as the layer's path."""
        if not _built_at_init(type(self)):
            object.__setattr__(self, "_path", scope_path())

    def _build_by_name(self, args, kwargs):
        """Build an unbuilt layer whose own build() takes a shape per call argument (build_shapes.py) for the call
        of `args` and `kwargs`; other layers build in _build_for."""
        build = type(self).build
        if self.built or build is Layer.build or getattr(build, "__module__", "").startswith("nn.keras"):
            return   # the built-in layers (MultiHeadAttention, the RNNs) take their shapes their own way
        # arrays count (Keras converts every argument), and as Keras's a real tensor's shape is its whole shape
        named = shapes_by_name(self, args, kwargs, _whole_shape,
                               lambda v: isinstance(v, (Tensor, KerasTensor, np.ndarray, np.generic)))
        if named is not None:
            object.__setattr__(self, "_build_shapes_dict", named)
            self.build(**named)
            self.built = True

    def _build_for_keyword_call(self, kwargs):
        """Build for a call given only keywords (`endpoint(logits=x, targets=t)`): as Keras, for the value of
        call's first parameter, wherever it was given."""
        first = kwargs.get(_first_call_parameter(type(self).call))
        if first is not None:
            self._build_by_name((), kwargs)
            self._build_for(first)

    def _build_for(self, inputs):
        if inputs is None and not self.built:   # as Keras: a layer that builds needs a tensor to build for
            raise ValueError(f"Inputs to a layer should be tensors. Got 'None' (of type NoneType) as input for layer "
                             f"'{self.name}'")
        if getattr(self, "_build_input_shape", None) is None:   # what get_build_config reports, as Keras
            object.__setattr__(self, "_build_input_shape",
                               map_structure(lambda t: tuple(t.shape) if hasattr(t, "shape") else None, inputs))
        if not self.built:   # as Keras: an eager first call builds for the whole shape, a symbolic one for batch None
            self._build_for_shape(map_structure(shape_of if in_shape_probe() else _eager_shape, inputs))

    def _build_for_shape(self, input_shape):
        if not self.built:
            # without its own build() a layer's sub-layers build when the call reaches them (Keras's warning for
            # one its call never reaches comes after the symbolic run, _warn_if_left_unbuilt)
            if type(self).build is not Layer.build:
                self.build(input_shape)
            else:
                with name_scope(self):   # as Keras's: the base build (which builds nothing) records the path too
                    self._remember_path()
            self.built = True

    def __call__(self, *args, **kwargs):
        if "_parameters" not in self.__dict__:
            raise MissingSuperInitError(
                f"In layer '{type(self).__name__}', you forgot to call `super().__init__()` as the first statement "
                f"in the `__init__()` method: add `super().__init__(**kwargs)` (and accept **kwargs) so the layer "
                "gets its name, dtype and weight tracking")
        with name_scope(self):   # sub-layers built during the call make weights under this layer's path
            return self._scoped_call(*args, **kwargs)

    def _scoped_call(self, *args, **kwargs):
        args, kwargs = bind_positional_training(self, args, kwargs)
        given = "training" in kwargs   # as Keras: an explicit training=None does not inherit the context's flag
        training = kwargs.pop("training", None)
        if args:
            check_positional(self, args[0])
        if not self._is_operation:
            check_call_arguments(self, args, kwargs)
        if self.input_spec is not None and args:
            check_input_spec(self, args[0])
        if is_symbolic((args, kwargs)):
            return self._symbolic_call(args, kwargs, training)
        if args:
            cast_to = self._autocast_dtype
            if cast_to is None and self._convert_input_args and not self.autocast:   # as Keras: float64 stays
                args = (map_structure(lambda v: argument_tensor(v, None), args[0]),) + args[1:]
            args = (map_structure(as_tensor, args[0]),) + args[1:]
            if cast_to is not None:
                args = (map_structure(lambda v: _autocast(v, cast_to), args[0]),) + args[1:]
            if (kwargs or len(args) > 1) and self._convert_input_args:
                args, kwargs = convert_other_arguments(self, args, kwargs, cast_to)
            if len(args) == 1 and not kwargs and not in_shape_probe() and self._builds_by_running():
                if self._build_by_symbolic_run(args[0]):
                    self._warn_if_left_unbuilt()   # Keras's base build() then runs
            self._build_by_name(args, kwargs)
            self._build_for(args[0])
        elif not self.built:
            self._build_for_keyword_call(kwargs)
        with call_context(self) as context:
            return self._call_in_context(context, args, kwargs, training if given else self._inherited(context),
                                         given)

    def _inherited(self, context):
        """The flag of a call given no `training=`: the loop's own forward pass's for the model it calls (as
        Keras's steps pass one when `call` takes it), else the call context's, else `call`'s default."""
        named, default = _training_parameter(type(self).call)
        step = step_training()
        if step is not None and context.entry is self and named:
            return step
        return context.training if context.training is not None else default

    def _call_in_context(self, context, args, kwargs, flag, given=False):
        if flag is not None:
            flag = bool(flag)
        context.training = flag   # as Keras: left for the layers called after this one, until the outermost returns
        # as Keras: a flag the caller gave reaches `call` even when it is None (call's default does not replace it)
        if (flag is not None or given) and _training_parameter(type(self).call)[0]:
            kwargs["training"] = flag
        previous_mask = kwargs.get("mask") if args else None   # as Keras: a mask given by keyword comes first
        if args and previous_mask is None and masking.active():
            kwargs.update((k, m) for k, m in filled_call_masks(type(self).call, args, kwargs).items() if m is not None)
            previous_mask = kwargs.get("mask")
            if previous_mask is None:   # as Keras: compute_mask and the warning fall back to the first input's
                previous_mask = masking.masks_of(args[0])
        object.__setattr__(self, "_call_losses", [])   # per call: past __setattr__'s registration checks
        run = Module.__call__.__get__(self) if self._remat_mode is None else \
            rematerialized_call(self, Module.__call__.__get__(self), args, kwargs)   # keras.RematScope (remat.py)
        if in_scope() or self.compute_dtype != self.dtype:   # mixed precision (autocast_scope.py)
            with autocast_call(self):
                outputs = run(*args, **kwargs)
        else:
            outputs = run(*args, **kwargs)
        if outputs is not None and args and self.supports_masking and (
                previous_mask is not None or type(self).compute_mask is not Layer.compute_mask):
            masking.attach(outputs, self.compute_mask(args[0], previous_mask))
        elif not self.supports_masking and not getattr(self, "_is_operation", False) \
                and any(m is not None for m in flatten(previous_mask)):   # a keras.ops node is no layer: no warning
            warnings.warn(f"Layer '{self.name}' (of type {type(self).__name__}) was passed an input with a mask "
                          "attached to it. However, this layer does not support masking and will therefore "
                          "destroy the mask information. Downstream layers will not see the mask.")
        first = flatten(outputs)[0] if outputs is not None else None
        if isinstance(first, Tensor):
            object.__setattr__(self, "_output_shape",
                               map_structure(lambda t: shape_of(t) if isinstance(t, Tensor) else None, outputs))
        if self.activity_regularizer is not None:
            for out in flatten(outputs):
                if isinstance(out, Tensor):   # Keras divides by the batch size (so the strength is per sample)
                    penalty = self.activity_regularizer(out)
                    self.add_loss(penalty / out.shape[0] if out.ndim and out.shape[0] else penalty)
        return outputs

    def _symbolic_call(self, args, kwargs, training):
        """Record a Node and return KerasTensors shaped as the real outputs would be."""
        builds_by_running = self._builds_by_running()
        if args:
            self._build_by_name(args, kwargs)
            self._build_for(args[0])
        elif not self.built:
            self._build_for_keyword_call(kwargs)
        own_rule = _user_shape_rule(type(self))
        if builds_by_running and not own_rule:
            # as Keras: run once to build the sub-layers, then again for the output shapes (with a shape rule of
            # its own Keras runs only the first time, and the probe below makes that run)
            self._probe_by_running(args, kwargs)
        # a user's compute_output_shape is all Keras asks (no call is run), so the probe need not run at its sizes
        cheap = own_rule and not builds_by_running and type(self)._probe is Layer._probe
        outputs = self._probe(args, kwargs, keras_sizes=False) if cheap else self._probe(args, kwargs)
        node_kwargs = dict(kwargs)
        records = self._records_resolved_flag(args, kwargs)
        if training is not None:
            node_kwargs["training"] = training
        elif records:
            named, default = _training_parameter(type(self).call)
            flag = current_training() if current_training() is not None else default
            if named and flag is not None:
                node_kwargs["training"] = bool(flag)
        if records:
            node_kwargs.update(_filled_masks(type(self).call, args, kwargs))
        node = Node(self, args, node_kwargs, outputs)
        self._symbolic_calls.append(node)
        self._output_shape = map_structure(lambda k: k.shape, outputs)
        self._link_graph_masks(args, kwargs, outputs)
        return outputs

    def _link_graph_masks(self, args, kwargs, outputs):
        """Give the symbolic outputs the masks Keras's graph has: compute_mask run on the symbolic inputs and
        their symbolic masks, so that its keras.ops calls record their nodes (Embedding's `not_equal`,
        Masking's `not_equal` and `any`, a merge's `logical_or`) and a layer that passes its mask on passes
        the same tensor. Outputs whose mask cannot be made this way keep a mask without a node, as before."""
        if not args or not self.supports_masking:
            return
        flat_out = [k for k in flatten(outputs) if isinstance(k, KerasTensor)]
        if not any(k.mask_shape is not None for k in flat_out):
            return
        inputs = args[0]
        tensors = [k for k in flatten(inputs) if isinstance(k, KerasTensor)]
        if any(k.mask_shape is not None and graph_mask(k) is None for k in tensors):
            return
        previous = kwargs.get("mask")
        if previous is None:
            previous = map_structure(lambda k: graph_mask(k) if isinstance(k, KerasTensor) else None, inputs)
            if isinstance(previous, (list, tuple)) and all(m is None for m in previous):
                previous = None
        try:
            masks = self.compute_mask(inputs, previous)
        except Exception:   # a compute_mask written for real tensors only: the outputs keep a nameless mask
            return
        flat_masks = flatten(masks) if isinstance(masks, (list, tuple)) else [masks] * len(flat_out)
        for tensor, mask in zip(flat_out, flat_masks):
            if isinstance(mask, KerasTensor) and mask.node is not None and tensor.mask_shape is not None \
                    and mask.shape == tuple(tensor.mask_shape):
                tensor._mask_tensor = mask

    def _records_resolved_flag(self, args, kwargs):
        """Whether the node keeps the flag the call resolved (its `call`'s default, as DefaultOn's True or Dropout's
        False) as if it had been given: Keras writes the flag into the very kwargs its Node records when the call
        got one input of the layer's input dtype and nothing else (otherwise it records a converted copy)."""
        if not self._convert_input_args:
            return True
        return not kwargs and len(args) == 1 and isinstance(args[0], KerasTensor) and \
            dtype_name(args[0].dtype) == self.input_dtype

    def _probe(self, args, kwargs, keras_sizes=True):
        """Symbolic outputs found by running the layer on ones, as Keras: every unknown size at 83, then at 89 (one
        run when no size is unknown), and an axis whose size follows them is unknown (None) in the result; where
        that many values would be costly, the batch at 2 and other unknown sizes at 32 and 33. A layer whose class
        has a shape rule (static_shapes.py) is not run: the rule gives the outputs."""
        static = static_outputs(self, args, kwargs)
        return static if static is not None else self._probe_by_running(args, kwargs, keras_sizes)

    def _probe_by_running(self, args, kwargs, keras_sizes=True):
        """_probe's outputs found by running the layer, whatever its shape rule (at the cheap sizes unless
        `keras_sizes`)."""
        symbolic = [k for k in flatten((args, kwargs)) if isinstance(k, KerasTensor)]
        batches = {k.shape[0] for k in symbolic if k.shape}
        fixed = batches.pop() if len(batches) == 1 else None   # Input(batch_size=n): outputs keep n, as Keras
        keras_sizes = keras_sizes and sum(math.prod(_KERAS_PROBE_SIZES[1] if d is None else d for d in k.shape)
                                          for k in symbolic) <= _KERAS_PROBE_LIMIT
        if keras_sizes:
            unknown = any(None in k.shape for k in symbolic)
            plans = [(size, size) for size in (_KERAS_PROBE_SIZES if unknown else _KERAS_PROBE_SIZES[:1])]
        else:
            probe_batch = fixed or _PROBE_BATCH   # a call may reshape by the declared batch size
            plans = [(probe_batch, size) for size in (_PROBE_SIZES if any(None in k.shape[1:] for k in symbolic)
                                                      else _PROBE_SIZES[:1])]
        results = [self._probe_run(args, kwargs, *plans[0])]
        with _muted_warnings():   # a repeat at other sizes: its warnings were shown by the first run
            results += [self._probe_run(args, kwargs, batch, size) for batch, size in plans[1:]]
        if results[0] is None:
            raise ValueError(f"{self.name}: call() returned None; a layer must return its outputs")

        def known(shapes):
            # with a declared batch size the probe ran on it, so the leading size it gave is the real one; one run
            # at Keras's sizes gives its batch as it came out (Keras's single run keeps every size)
            single = keras_sizes and len(shapes) == 1
            batch = shapes[0][0] if shapes[0] and (single or fixed is not None and all(
                s and s[0] == shapes[0][0] for s in shapes)) else None
            return [batch] + [d if all(s[i] == d for s in shapes) else None for i, d in enumerate(shapes[0]) if i > 0]

        def spec(*values):
            first = values[0]
            tensor = KerasTensor(known([v.shape for v in values]), first.dtype)
            masks = [masking.get_mask(v) for v in values]
            if all(m is not None for m in masks):   # the outputs carry a mask: later layers are probed with one
                tensor.mask_shape = tuple(known([m.shape for m in masks]))
            return tensor
        # as Keras: a symbolic call's dicts come back in sorted key order (its eager calls keep the layer's order)
        if len(results) == 1:
            return map_sorted(spec, results[0])
        flat = [flatten_sorted(r) for r in results]
        specs = iter([spec(*vals) for vals in zip(*flat)])
        return map_sorted(lambda _: next(specs), results[0])

    def _builds_by_running(self):
        """Whether Keras builds this unbuilt user layer by running its call on the symbolic inputs first: it has no
        build() of its own and holds sub-layers that are not built yet."""
        return not self.built and type(self).build is Layer.build and \
            not getattr(type(self), "__module__", "").startswith("nn.keras") and \
            any(isinstance(child, Layer) and not child.built for child in self.children())

    def _build_by_symbolic_run(self, inputs):
        """Keras's first eager call of a user layer without build() that holds unbuilt sub-layers: its call runs once
        on symbolic stand-ins of the inputs (building the sub-layers) before the real call; the outputs of that run
        are new KerasTensors (they take names from the session's counter). A call that fails there is left to the
        real call, as Keras leaves it. The run is given `training` False: Keras runs `call` itself there (the flag
        unresolved) but on its meta device, where a BatchNormalization's moving statistics stay as they are."""
        def stand_in(value):
            if isinstance(value, (Tensor, np.ndarray)):
                return KerasTensor(tuple(value.shape), value.dtype, name="eager_build_input")
            return value
        try:
            self._probe_by_running((map_structure(stand_in, inputs),), {})
        except Exception:   # as Keras: the eager call itself will build (or raise)
            return False
        return True

    def _probe_run(self, args, kwargs, batch, size):
        """The layer's outputs on ones standing for the KerasTensors in `args` and `kwargs`: their unknown sizes at
        `size`, an unknown batch at `batch`."""
        def ones(k):
            if not isinstance(k, KerasTensor):
                return k
            def filled(shape):
                return [(batch if i == 0 else size) if d is None else d for i, d in enumerate(shape)]
            value = ag.ones(*filled(k.shape), dtype=np.dtype(k.dtype))
            if k.mask_shape is not None:   # a masked symbolic input: probe with an all-True mask
                masking.set_mask(value, ag.ones(*filled(k.mask_shape), dtype=ag.bool_))
            return value
        probe_args, probe_kwargs = map_structure(ones, args), map_structure(ones, kwargs)
        with ag.no_grad(), shape_probe_scope(), call_context(fresh=True):   # leaves the enclosing flag alone
            outputs = self(*probe_args, training=False, **probe_kwargs)
        for layer in self.modules():   # a probe's losses, its sub-layers' too, are no call's (as Keras: none)
            if isinstance(layer, Layer):
                object.__setattr__(layer, "_call_losses", [])
        return outputs

    def compute_output_shape(self, input_shape):
        """The output shape for inputs of `input_shape` (batch axis None): by the shape rule of the layer's class
        where it has one (static_shapes.py), else found by running on zeros. A user's layer that subclasses
        Layer directly and defines none raises NotImplementedError, as Keras's."""
        if _user_layer_without_own_shape_rule(type(self)):
            raise NotImplementedError(f"Layer {type(self).__name__} does not have a `compute_output_shape` method "
                                      "implemented. Should implement `def compute_output_shape(self, input_shape)`.")
        single = isinstance(input_shape, tuple) and all(d is None or isinstance(d, int) for d in input_shape)
        inputs = KerasTensor(input_shape) if single else map_structure(KerasTensor, input_shape)
        self._build_for(inputs)
        return map_structure(lambda k: k.shape, self._probe((inputs,), {}))

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensors shaped and typed as the layer's outputs for inputs shaped as the KerasTensors among the
        arguments, as Keras's Layer.compute_output_spec; nothing is recorded in a graph. An unbuilt layer is built
        for the first argument first (Keras's leaves one with its own compute_output_shape unbuilt)."""
        if args and not self.built:
            self._build_for(args[0])
        return self._probe(args, kwargs)

    @property
    def output_shape(self):
        """The shape of the last output (batch axis None); an AttributeError before any call."""
        if self._output_shape is None:
            raise AttributeError(f"{self.name} has not been called yet, so it has no output shape")
        return self._output_shape

    @property
    def input(self):
        """The symbolic input of the layer's first functional call: one tensor, or a flat list of the symbolic
        tensors among its arguments, as Keras's."""
        if not self._symbolic_calls:
            raise AttributeError(f"{self.name} has not been called on a symbolic input")
        call = self._symbolic_calls[0]
        tensors = [t for t in flatten_sorted((call.args, call.kwargs)) if isinstance(t, KerasTensor)]
        return tensors[0] if len(tensors) == 1 else tensors

    @property
    def output(self):
        """The symbolic output of the layer's first functional call: one tensor, or a flat list for several (an
        LSTM's output and states), as Keras's."""
        if not self._symbolic_calls:
            raise AttributeError(f"{self.name} has not been called on a symbolic input")
        tensors = flatten_sorted(self._symbolic_calls[0].outputs)
        return tensors[0] if len(tensors) == 1 else tensors

    def get_config(self):
        """The layer's name, trainable flag and dtype; for a class that does not define its own get_config,
        also the arguments its constructor was called with (defaults included), as Keras's automatic config
        (for a class of the user's, only when they are plain values: str, int, float, bool, None, nested in
        lists, tuples and dicts, as in Keras). `type(layer).from_config(config)` builds an equal, unbuilt layer."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": policy_config(self)}
        if getattr(self, "activity_regularizer", None) is not None:   # Keras's base config lists it once set
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is Layer.get_config:
            arguments = self._constructor_arguments
            if not type(self).__module__.startswith("nn.keras") and (arguments is None or not _plain(arguments)):
                raise NotImplementedError(
                    f"Object {type(self).__name__} was created by passing "
                    f"{'positional *args' if arguments is None else 'non-serializable argument values'} to "
                    "__init__(), so its config cannot be generated automatically: override get_config() (returning "
                    "the constructor's arguments, after config = super().get_config()) and, for arguments that are "
                    "objects (layers, ...), from_config() as well")
            if type(self).__module__.startswith("nn.keras"):
                config.update(self._built_in_arguments(type(self), arguments))
            else:
                config.update(arguments or {})
            config["dtype"] = policy_config(self)   # the policy as Keras writes it, whatever the argument was
            parameters = inspect.signature(type(self).__init__).parameters
            takes_kwargs = "kwargs" in parameters and parameters["kwargs"].kind is inspect.Parameter.VAR_KEYWORD
            if "name" not in parameters and not takes_kwargs:
                # Keras drops it when the constructor has no `name` and no variadic keywords called `kwargs`
                # (`**kw` counts as none), and so a reloaded layer takes a new name
                config.pop("name")
        elif "_built_in_call" in self.__dict__:
            # a user's subclass of a built-in layer (Dense, ...) whose get_config calls super().get_config(): the
            # built-in's arguments, as the built-in's own get_config gives them in Keras
            cls, arguments = self._built_in_call
            if cls.get_config is Layer.get_config and cls is not type(self):
                config.update(self._built_in_arguments(cls, arguments))
        return config

    #: the keys a built-in class's automatic config lists first, in this order, where Keras's config does not follow
    #: the constructor's signature (the others follow in the signature's order)
    _config_leads_with = ()

    def _built_in_arguments(self, cls, arguments):
        """The automatic config of built-in layer class `cls` called with `arguments`, in Keras's forms and key
        order."""
        from .layer_config import automatic_config
        own = inspect.signature(cls.__init__).parameters if cls.__init__ is not Layer.__init__ else {}
        # the base layer's shape arguments only make an Input (Keras's configs never list them), unless the
        # class takes an argument of that name itself (Embedding's input_dim)
        arguments = {k: v for k, v in (arguments or {}).items() if k not in _BASE_SHAPE_ARGUMENTS or k in own}
        arguments = automatic_config(cls, arguments)
        if "data_format" in arguments and getattr(self, "data_format", None) is not None:
            arguments["data_format"] = self.data_format   # resolved (None -> 'channels_last'), as Keras
        if hasattr(self, "_lora_config"):
            arguments = self._lora_config(arguments)
        first = [k for k in getattr(cls, "_config_leads_with", ()) if k in arguments]
        return {**{k: arguments[k] for k in first}, **{k: v for k, v in arguments.items() if k not in first}}

    @classmethod
    def from_config(cls, config):
        """A new layer from get_config's dictionary: `cls(**config)`, with the serialized objects in it
        (initializers, regularizers, functions, layers) made again. A config written by real Keras loads too (its
        dtype policy objects and its arguments left at their unused defaults are read as load_model reads them)."""
        from .saving.keras_config_compat import from_keras_config
        from .saving.serialization import deserialize_keras_object
        # a tuple stays a tuple (Keras hands the config's values to the constructor as they are)
        config = {k: tuple(deserialize_keras_object(list(v))) if isinstance(v, tuple) else deserialize_keras_object(v)
                  for k, v in from_keras_config(config).items()}
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(f"{cls.__name__}.from_config: the constructor rejected the config keys "
                            f"{sorted(config)} ({error}); a layer whose __init__ takes arguments that "
                            "get_config does not return must override get_config (and from_config)") from error

    def _own_variables_in_keras_order(self):
        own = self._own_weights()
        return [w for w in own if w.trainable] + [w for w in own if not w.trainable]

    def save_own_variables(self, store):
        """Put this layer's own weights (not its sub-layers'), trainable first, into the dict `store` as
        '0', '1', ...; model.save and save_weights call an override of it to keep other state too."""
        for k, weight in enumerate(self._own_variables_in_keras_order()):
            store[str(k)] = weight.numpy()

    def load_own_variables(self, store):
        """Set this layer's own weights from `store` as save_own_variables wrote them (load_model and
        load_weights call an override of it)."""
        own = self._own_variables_in_keras_order()
        if len(store.keys()) != len(own):
            raise ValueError(f"Layer '{self.name}' expected {len(own)} variables, but received {len(store.keys())} "
                             f"variables during loading. Expected: {[w.name for w in own]}")
        for k, weight in enumerate(own):
            weight.assign(np.asarray(store[str(k)]))

    def get_build_config(self):
        """{'input_shape': the shape of the first input the layer was built for}, or None when not built (or,
        as in Keras, for the built-in layers that are built when made: dropouts, noise, pooling, activations)."""
        shape = getattr(self, "_build_input_shape", None)
        if not self.built or shape is None:
            return None
        named = self.__dict__.get("_build_shapes_dict")
        if named is not None and len(named) != 1:   # build(self, a_shape, b_shape) or build(self), as Keras
            return {"shapes_dict": named}
        if _built_at_init(type(self)):
            return None   # as Keras's: these are built when made, so no call's shape is recorded
        return {"input_shape": shape}

    def build_from_config(self, config):
        """Create the weights for the input shape of get_build_config (a loaded model's weights need them):
        `build(input_shape)`, or, for a class without its own build, one inference call on zeros."""
        named = (config or {}).get("shapes_dict")
        if named is not None and not self.built and type(self).build is not Layer.build:   # build(self, a, b)
            self.build(**{k: _shape_structure(v) for k, v in named.items()})
            return
        shape = _shape_structure((config or {}).get("input_shape"))
        if self.built or shape is None:
            return
        if type(self).build is not Layer.build:
            self.build(shape)
            return

        def zeros(spec):
            if _is_shape(spec):
                return ag.zeros(*[1 if d is None else d for d in spec])
            if isinstance(spec, dict):
                return {k: zeros(v) for k, v in spec.items()}
            return [zeros(v) for v in spec]
        with ag.no_grad():
            self(zeros(shape), training=False)
        self.built = True

    def extra_repr(self):
        return f"name={self.name!r}"

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
