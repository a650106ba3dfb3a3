"""The base of keras.losses: argument conversion, Keras's rank matching and reductions, the Loss and
LossFunctionWrapper classes, and the factory that makes a Loss class from a per-example function."""
import inspect

import numpy as np

import autograd as ag
from autograd import Tensor, arrays
from autograd.errors import ShapeError

from . import masking, settings
from .naming import snake_case
from .ops_statistics import divide_no_nan
from .weight_ranks import same_rank

EPSILON = 1e-7
_REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def _tensor(value, like=None, dtype=None):
    """`value` as a Tensor (of `dtype` if given), as Keras's convert_to_tensor makes one: a NumPy array keeps its
    dtype (float64 included), while Python numbers and lists of them become floatx()."""
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == dtype else value.astype(dtype)
    if value is None:   # np.asarray(None) is an object array: the float cast made it NaN, a silent NaN loss
        raise ValueError("Invalid dtype: object: a loss or metric got None for y_true or y_pred (Keras refuses it "
                         "too); pass the targets (fit(x, y), evaluate(x, y)), or compile without a loss and add "
                         "the model's loss with add_loss")
    array = np.asarray(value)
    if dtype is not None:
        array = array.astype(dtype)
    elif array.dtype == np.float64 and not isinstance(value, (np.ndarray, np.generic)):
        array = array.astype(settings.floatx())
    return ag.tensor(array, device=like.device if like is not None else None)


def keras_mean(values, dim=-1):
    """The mean over `dim` as Keras's torch backend takes it: float64 values are averaged in float32 (its
    result_type of float64 and float32 is float32) and the mean turned back into float64."""
    if values.dtype == np.float64:
        return values.astype(np.float32).mean(dim=dim).astype(np.float64)
    return values.mean(dim=dim)


def keras_32(values):
    """float64 values as float32, as Keras's torch backend leaves the result of an op it types by its 32-bit
    result_type (maximum or minimum with a number, and with a float64 tensor); other dtypes as they are."""
    return values.astype(np.float32) if values.dtype == np.float64 else values


def bound(number):
    """A clipping bound as Keras's ops.clip takes it: a Python float made a float32 tensor first."""
    return float(np.float32(number))


def _at_least(y_pred, dtype):
    """A float16 or bfloat16 `y_pred` in the loss's dtype (float32 unless given: Keras computes a mixed-precision
    model's loss in float32), anything else as it is."""
    if y_pred.is_floating_point() and y_pred.dtype.itemsize == 2 and dtype is not None:
        return y_pred.to(dtype)
    return y_pred


def _in_dtype(value, dtype, like=None):
    """An array, Tensor or number as a Tensor of the loss's float dtype (on the device of `like`, a Tensor, if
    given), as Keras hands call() its arguments (so a custom call sees tensors, and a loss made with
    dtype='float16' computes in float16); None and structures (lists, tuples, dicts of outputs) as they are."""
    if value is None or isinstance(value, (list, tuple, dict)):
        return value
    if not isinstance(value, Tensor):
        if not isinstance(value, (np.ndarray, np.generic, int, float, bool)):
            return value
        return ag.tensor(np.asarray(value).astype(dtype), device=like.device if isinstance(like, Tensor) else None)
    return value if value.dtype == dtype else value.astype(dtype)


def _float_target(y_true, y_pred):
    return _tensor(y_true, y_pred, y_pred.dtype)


def match_rank(y_true, y_pred):
    """Give both the same rank as Keras does when they differ by a trailing axis of size 1: a rank-1 array
    gains the axis (so (N,) targets and (N, 1) outputs give one loss per example), otherwise it is squeezed."""
    if y_true.ndim == y_pred.ndim - 1 and y_pred.shape[-1] == 1:
        if y_true.ndim == 1:
            y_true = y_true.reshape(tuple(y_true.shape) + (1,))
        else:
            y_pred = y_pred.reshape(y_pred.shape[:-1])
    elif y_pred.ndim == y_true.ndim - 1 and y_true.shape[-1] == 1:
        if y_pred.ndim == 1:
            y_pred = y_pred.reshape(tuple(y_pred.shape) + (1,))
        else:
            y_true = y_true.reshape(y_true.shape[:-1])
    return y_true, y_pred


def same_shape(name, target, y_pred):
    """Refuse targets not shaped exactly as y_pred, as Keras's ops.binary_crossentropy does (it never broadcasts
    them, and only the Loss classes first match a trailing axis of 1)."""
    if tuple(target.shape) != tuple(y_pred.shape):
        raise ValueError(f"{name}: y_true of shape {tuple(target.shape)} and y_pred of shape {tuple(y_pred.shape)} "
                         "must have the same shape (Keras does not broadcast them); reshape the targets to y_pred's "
                         "shape (y_true[:, None] for (N,) labels against (N, 1) outputs), or for class indices "
                         "against one output per class use sparse_categorical_crossentropy")


def weighted(name, values, weight):
    """values * weight after Keras's rank matching (`weight_ranks.same_rank`); shapes that do not broadcast are
    refused with the RuntimeError Keras's torch backend raises (as a ShapeError naming both shapes)."""
    matched, matched_weight = same_rank(values, weight)
    try:
        np.broadcast_shapes(tuple(matched_weight.shape), tuple(matched.shape))
    except ValueError:
        per_example = tuple(values.shape[:1]) + (1,) * (values.ndim - 1)
        raise ShapeError(f"{name or 'loss'}: sample_weight of shape {tuple(weight.shape)} does not fit the "
                         f"per-example losses of shape {tuple(values.shape)}; pass one weight per example (shape "
                         f"{per_example}) or one per loss value (Keras matches a trailing axis of 1, then "
                         "broadcasts from the last axis)") from None
    return matched * matched_weight


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size", name=None):
    """Weight per-example losses by `sample_weight` and reduce them as Keras: 'sum_over_batch_size' (and
    'mean') divide the weighted sum by the number of values, 'sum' sums, 'none' returns them."""
    if reduction not in _REDUCTIONS:
        raise ValueError(f"loss reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if sample_weight is not None:
        values = weighted(name, values, _tensor(sample_weight, values, values.dtype))
    if reduction in ("none", None) or values.ndim == 0:
        return values
    total = values.sum()
    if reduction == "sum":
        return total
    # divided as Keras divides (divide_no_nan, whose result type turns a float64 loss into float32)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return divide_no_nan(total, float(_tensor(sample_weight).numpy().sum()))
    return divide_no_nan(total, float(values.size))


def _write_back(sample_weight, merged):
    """Keras's torch backend multiplies the mask's weights into the caller's float32 weight tensor in place
    (`sample_weight *= float_mask`), so what runs after the loss with the same tensor (fit's weighted metrics,
    a second output's loss) sees the masked, total/valid-scaled weights: do the same to a Tensor of that dtype."""
    if (isinstance(sample_weight, Tensor) and sample_weight.dtype == merged.dtype
            and sample_weight.numel() == merged.numel() and sample_weight.device == merged.device):
        arrays.writable(sample_weight)[...] = arrays.array(merged.detach()).reshape(tuple(sample_weight.shape))
        arrays.mark_changed(sample_weight)


class Loss:
    """Base of the loss classes: `loss(y_true, y_pred, sample_weight=None)` -> the reduced loss."""

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
        self.name = name or snake_case(type(self).__name__)
        self.reduction = reduction
        self._dtype = dtype

    @property
    def dtype(self):
        """The float dtype the loss computes in: its `dtype=` argument, else floatx() (Keras's)."""
        return self.__dict__.get("_dtype") or settings.floatx()

    def call(self, y_true, y_pred):
        """One loss value per example."""
        raise TypeError(f"{type(self).__name__} does not define call(y_true, y_pred)")

    def __call__(self, y_true, y_pred, sample_weight=None):
        mask = masking.get_mask(y_pred) if masking.active() else None
        y_pred = _in_dtype(y_pred, self.dtype)
        y_true = _in_dtype(y_true, self.dtype, like=y_pred)
        values = self.call(y_true, y_pred)
        own = masking.get_mask(values) if masking.active() else None   # e.g. ignore_class's examples
        if isinstance(values, Tensor) and values.is_floating_point():
            values = _in_dtype(values, self.dtype)   # as Keras, reduced in the loss's dtype
        if own is not None:
            mask = own if mask is None or tuple(mask.shape) != tuple(own.shape) else masking.as_bool(mask) & own
        if mask is not None and values.ndim >= mask.ndim:   # Keras's weighting of sequence outputs' steps
            merged = masking.loss_weights(mask, sample_weight, self.reduction)
            _write_back(sample_weight, merged)
            sample_weight = merged
        return reduce_values(values, sample_weight, self.reduction, self.name)

    def get_config(self):
        """The constructor arguments."""
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    @classmethod
    def from_config(cls, config):
        """A loss made again from get_config's dict: `cls(**config)` (a serialized function in it made again)."""
        from .saving.serialization import deserialize_keras_object
        return cls(**{k: deserialize_keras_object(v) if isinstance(v, dict) else v for k, v in config.items()})


class LossFunctionWrapper(Loss):
    """A Loss from a function `fn(y_true, y_pred, **kwargs)` returning per-example values."""

    _config_keys = None   # every option, in the constructor's order

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "loss"), reduction=reduction)
        self.fn, self.kwargs = fn, kwargs

    def __getattr__(self, name):
        # as Keras's loss classes, the options their config lists read as attributes (loss.from_logits, ...)
        options = self.__dict__.get("kwargs")
        keys = type(self)._config_keys
        if options is not None and name in options and (keys is None or name in keys):
            return options[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def call(self, y_true, y_pred):
        if not isinstance(y_pred, (list, tuple, dict)) and not isinstance(y_true, (list, tuple, dict)):
            # as Keras: both become tensors of the loss's float dtype, and a trailing axis of 1 that only one
            # of them has is matched first, so fn never broadcasts (N,) targets against (N, 1) outputs
            y_pred = _at_least(_tensor(y_pred), self.dtype)
            y_true = _tensor(y_true, y_pred, y_pred.dtype if y_pred.is_floating_point() else None)
            y_true, y_pred = match_rank(y_true, y_pred)
            try:
                return self.fn(y_true, y_pred, **self.kwargs)
            except ShapeError as error:
                raise ShapeError(f"{self.name}: y_true of shape {tuple(y_true.shape)} does not fit y_pred of shape "
                                 f"{tuple(y_pred.shape)} ({error}); pass targets shaped like the model's output"
                                 ) from None
        return self.fn(y_true, y_pred, **self.kwargs)

    def get_config(self):
        """name, reduction and the function's options (and the function itself for a plain wrapper)."""
        options = self.kwargs
        if self._config_keys is not None:   # Keras's own order, and only the options Keras lists
            options = {key: self.kwargs[key] for key in self._config_keys}
        config = {"name": self.name, "reduction": self.reduction, **options}
        if type(self) is LossFunctionWrapper:
            config["fn"] = self.fn
        return config


def _constructor_signature(default_name, defaults, order):
    """The constructor's signature as Keras's: the options, reduction, name and dtype, in `order` when given
    (some Keras losses put an option after reduction or name), else options first."""
    standard = {"reduction": "sum_over_batch_size", "name": default_name, "dtype": None}
    names = order or (*defaults, *standard)
    every = {**defaults, **standard}
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    parameters += [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=every[n]) for n in names]
    return inspect.Signature(parameters)


def _wrapper(fn, default_name, defaults, order):
    signature = _constructor_signature(default_name, defaults, order)

    def __init__(self, *args, **kwargs):
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError as error:
            public = signature.replace(parameters=list(signature.parameters.values())[1:])
            raise TypeError(f"{type(self).__name__}: {error} (its arguments: {public})") from None
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        del arguments["self"]
        reduction, name, dtype = arguments.pop("reduction"), arguments.pop("name"), arguments.pop("dtype")
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, **arguments)
        self._dtype = dtype
    __init__.__signature__ = signature
    return __init__


def _loss_class(class_name, fn, default_name, doc, config_keys=None, order=None, **defaults):
    """A LossFunctionWrapper class over `fn` whose constructor takes `defaults` and reduction, name and dtype
    (in `order` where Keras's differs from options first), positionally too; `config_keys` lists the options
    get_config gives, in Keras's order, where that differs from them."""
    cls = type(class_name, (LossFunctionWrapper,), {"__init__": _wrapper(fn, default_name, defaults, order),
                                                    "__doc__": doc, "_config_keys": config_keys})
    cls.__module__ = "nn.keras.losses"   # where users find it
    return cls
