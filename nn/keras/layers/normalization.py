"""Normalisation layers with Keras's semantics: BatchNormalization, LayerNormalization, Normalization."""
import warnings

import numpy as np

import autograd as ag
from autograd import arrays, no_grad
from autograd.errors import DimRangeError, ShapeError

from ... import functional as F
from .. import constraints, initializers, ops_norm, regularizers, settings
from ..autocast_scope import at_least_float32, in_compute_dtype
from ..input_spec import InputSpec
from ..layer import Layer
from ..layer_config import keras_forms


def cast_like(weight, x):
    """`weight` (or None) in `x`'s dtype: a float16 layer's weights read in the float32 its normalization
    computes in, as Keras casts them."""
    return weight if weight is None or weight.dtype == x.dtype else weight.to(x.dtype)


def _to_rows(x, axis):
    """x with the feature axis last, flattened to (rows, features); and how to undo it."""
    axis = axis % x.ndim
    moved = x.movedim(axis, -1) if axis != x.ndim - 1 else x
    rows = moved.reshape(-1, moved.shape[-1])

    def undo(y):
        y = y.reshape(moved.shape)
        return y.movedim(-1, axis) if axis != x.ndim - 1 else y
    return rows, undo


def _checked_clipping(clipping):
    """Batch renormalization's clipping dict ({} for None), refused as Keras refuses a bad one."""
    clipping = clipping or {}
    if set(clipping) - {"rmax", "rmin", "dmax"}:
        raise ValueError(f"Received invalid keys for `renorm_clipping` argument: {clipping}. Supported values: "
                         "['rmax', 'rmin', 'dmax'].")
    rmax, rmin, dmax = clipping.get("rmax"), clipping.get("rmin"), clipping.get("dmax")
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(f"rmax should be greater than rmin in the `renorm_clipping` argument. Received: rmax={rmax}, "
                         f"rmin={rmin}.")
    if dmax is not None and dmax < 0:
        raise ValueError(f"dmax should be non-negative in the `renorm_clipping` argument. Received: dmax={dmax}.")
    return clipping


def _sqrt_initializer(initializer):
    """An initializer giving the square root of what `initializer` gives (moving stddevs from a variance's)."""
    def make(shape, dtype=None):
        return np.sqrt(np.asarray(initializer(shape, dtype=dtype)))
    return make


class BatchNormalization(Layer):
    """Normalises each feature (the `axis`, channels last by default) with the batch's statistics in
    training and with moving averages otherwise. Keras's semantics: moving = moving * momentum +
    batch * (1 - momentum) with momentum 0.99, the batch variance biased, epsilon 1e-3; a layer with
    trainable=False always runs in inference mode. Weights: gamma, beta, moving_mean, moving_variance.
    With `renorm` (batch renormalization, Ioffe 2017) training scales and shifts the batch-normalized values by
    r = batch std / renorm_stddev and d = (batch mean - renorm_mean) / renorm_stddev (clipped by
    `renorm_clipping`, no gradient), tracks moving_stddev, renorm_mean and renorm_stddev, and derives
    moving_variance from moving_stddev, as Keras."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 renorm=False, renorm_clipping=None, renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if synchronized:   # Keras's own words: only its TensorFlow backend syncs across devices
            raise ValueError("Argument synchronized=True is only supported with the TensorFlow backend.")
        if renorm:
            renorm_clipping = _checked_clipping(renorm_clipping)
            if isinstance(self._constructor_arguments, dict):   # the config lists {} for None, as Keras's
                self._constructor_arguments["renorm_clipping"] = renorm_clipping
        if not isinstance(axis, int):
            raise ValueError(f"BatchNormalization: axis must be one int, got {axis!r}")
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        # made now, in Keras's order, so that their default seeds come from Python's random as Keras's do
        self._init = tuple(initializers.get(v) for v in (beta_initializer, gamma_initializer,
                                                           moving_mean_initializer, moving_variance_initializer))
        self._regs = (beta_regularizer, gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.synchronized, self.renorm = synchronized, renorm
        self.renorm_clipping, self.renorm_momentum = renorm_clipping, renorm_momentum
        self.supports_masking = True

    # the settings as objects, as Keras's layer keeps them
    beta_initializer = property(lambda self: self._init[0])
    gamma_initializer = property(lambda self: self._init[1])
    moving_mean_initializer = property(lambda self: self._init[2])
    moving_variance_initializer = property(lambda self: self._init[3])
    beta_regularizer = property(lambda self: regularizers.get(self._regs[0]))
    gamma_regularizer = property(lambda self: regularizers.get(self._regs[1]))

    def build(self, input_shape):
        if not -len(input_shape) <= self.axis < len(input_shape):   # an IndexError, as Keras raises
            raise IndexError(f"{self.name}: axis={self.axis} is out of range for inputs of shape "
                             f"{tuple(input_shape)} ({len(input_shape)} axes); pass axis=-1 for the last (feature) "
                             "axis")
        features = input_shape[self.axis]
        if features is None:
            raise ValueError(f"{self.name}: the normalised axis must have a known size, got {input_shape}")
        beta_init, gamma_init, mean_init, var_init = self._init
        self.gamma = (self.add_weight((features,), gamma_init, autocast=False, regularizer=self._regs[1],
                                      constraint=self.gamma_constraint, name="gamma") if self.scale else None)
        self.beta = (self.add_weight((features,), beta_init, autocast=False, regularizer=self._regs[0],
                                     constraint=self.beta_constraint, name="beta") if self.center else None)
        self.moving_mean = self.add_weight((features,), mean_init, trainable=False, autocast=False,
                                           name="moving_mean")
        self.moving_variance = self.add_weight((features,), var_init, trainable=False, autocast=False,
                                               name="moving_variance")
        if self.renorm:
            stddev_init = _sqrt_initializer(var_init)
            self.moving_stddev = self.add_weight((features,), stddev_init, trainable=False, autocast=False,
                                                 name="moving_stddev")
            self.renorm_mean = self.add_weight((features,), initializers.get(mean_init), trainable=False,
                                               autocast=False, name="renorm_mean")
            self.renorm_stddev = self.add_weight((features,), stddev_init, trainable=False, autocast=False,
                                                 name="renorm_stddev")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: features})   # as Keras

    def call(self, inputs, training=None, mask=None):
        if mask is not None and mask.ndim != inputs.ndim - 1:
            raise ValueError("The mask provided should be one dimension less than the inputs. Received: "
                             f"mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}")
        inputs = at_least_float32(inputs)   # as Keras: 16-bit inputs are normalized in float32
        rows, undo = _to_rows(inputs, self.axis)
        if training and self.trainable and self.renorm:
            y = self._renormalized(inputs, rows, mask)
        elif training and self.trainable and mask is not None:
            y = self._masked_batch_norm(inputs, rows, mask)
        elif training and self.trainable:
            y = F.batch_norm(rows, None, None, cast_like(self.gamma, rows), cast_like(self.beta, rows), True, 0.0,
                             self.epsilon)
            self._update_moving(rows)
        else:
            y = F.batch_norm(rows, cast_like(self.moving_mean, rows), cast_like(self.moving_variance, rows),
                             cast_like(self.gamma, rows), cast_like(self.beta, rows), False, 0.0, self.epsilon)
        return in_compute_dtype(self, undo(y))

    def _moments(self, inputs, rows, mask):
        """The batch's per-feature mean and biased variance (differentiable); over the unmasked positions only
        with a mask, each divided by the unmasked count + backend.epsilon(), as Keras."""
        if mask is None:
            return rows.mean(0), rows.var(0, correction=0)
        mask = mask if isinstance(mask, ag.Tensor) else ag.tensor(np.asarray(mask))
        weights, _ = _to_rows(ag.zeros_like(inputs) + mask.to(rows.dtype).unsqueeze(-1), self.axis)
        count = weights.sum(0) + settings.epsilon()
        mean = (rows * weights).sum(0) / count
        return mean, (((rows - mean) * weights) ** 2).sum(0) / count

    def _renormalized(self, inputs, rows, mask):
        """Training with batch renormalization: Keras's r and d corrections folded into gamma and beta, then its
        renorm and moving statistics updated."""
        mean, variance = self._moments(inputs, rows, mask)
        with no_grad():
            stddev = (variance.detach() + self.epsilon).sqrt()
            renorm_stddev = cast_like(self.renorm_stddev, stddev).maximum(
                ag.tensor(np.sqrt(np.asarray(self.epsilon, stddev.dtype)), device=stddev.device))
            r = stddev / renorm_stddev
            d = (mean.detach() - cast_like(self.renorm_mean, stddev)) / renorm_stddev
            clip = self.renorm_clipping
            if clip.get("rmin") is not None:
                r = r.clamp(min=clip["rmin"])
            if clip.get("rmax") is not None:
                r = r.clamp(max=clip["rmax"])
            if clip.get("dmax") is not None:
                d = d.clamp(-clip["dmax"], clip["dmax"])
        gamma, beta = cast_like(self.gamma, rows), cast_like(self.beta, rows)
        scale = r if gamma is None else r * gamma
        shift = d if gamma is None else d * gamma
        shift = shift if beta is None else shift + beta
        y = (rows - mean) / (variance + self.epsilon).sqrt() * scale + shift
        self._update_renorm_statistics(mean, stddev)
        return y

    def _update_renorm_statistics(self, mean, stddev):
        with no_grad():
            mean = mean.detach()
            for stat, batch, momentum in ((self.renorm_mean, mean, self.renorm_momentum),
                                          (self.renorm_stddev, stddev, self.renorm_momentum),
                                          (self.moving_mean, mean, self.momentum),
                                          (self.moving_stddev, stddev, self.momentum)):
                stat.mul_(momentum).add_(batch.to(stat.dtype), alpha=1.0 - momentum)
            self.moving_variance.copy_((self.moving_stddev * self.moving_stddev - self.epsilon).relu())

    def _masked_batch_norm(self, inputs, rows, mask):
        """Training with a mask (inputs.shape[:-1]): Keras's masked moments, the mean and biased variance over
        the unmasked positions only (each divided by the unmasked count + backend.epsilon()), normalise every
        position with them and move the moving statistics towards them."""
        mean, variance = self._moments(inputs, rows, mask)
        y = (rows - mean) / (variance + self.epsilon).sqrt()
        if self.gamma is not None:
            y = y * cast_like(self.gamma, y)
        if self.beta is not None:
            y = y + cast_like(self.beta, y)
        self._move_towards(mean, variance)
        return y

    def _update_moving(self, rows):
        with no_grad():
            self._move_towards(rows.mean(0), rows.var(0, correction=0))

    def _move_towards(self, mean, variance):
        # tensor ops, not raw array arithmetic, so that an ag.jit compiled step records and replays the update
        with no_grad():
            for stat, batch in ((self.moving_mean, mean.detach()), (self.moving_variance, variance.detach())):
                stat.mul_(self.momentum).add_(batch.to(stat.dtype), alpha=1.0 - self.momentum)


class LayerNormalization(Layer):
    """Normalises each example over `axis` (an int or a list of axes; epsilon 1e-3), then scales by gamma and
    shifts by beta (shaped like the normalised axes). As in Keras, building turns `axis` into a sorted list."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, **kwargs):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            warnings.warn("You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales the "
                          "input by the variance, not the root mean square. To correctly use RMS Normalization, "
                          "please use `keras.layers.RMSNormalization` instead.")
        super().__init__(**kwargs)
        self.supports_masking = True
        if isinstance(axis, bool) or not (isinstance(axis, int) or (isinstance(axis, (list, tuple)) and axis and all(
                isinstance(a, int) and not isinstance(a, bool) for a in axis))):
            raise ValueError(f"LayerNormalization: axis must be an int or a non-empty list of ints, got {axis!r}")
        self.axis, self.epsilon, self.center, self.scale = axis, float(epsilon), center, scale
        self.rms_scaling = bool(rms_scaling)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = sorted(self.axis) if isinstance(self.axis, (list, tuple)) else [self.axis]
        if any(not -ndim <= a < ndim for a in axes):
            raise DimRangeError(f"{self.name}: axis={self.axis} is out of bounds for inputs of shape "
                                f"{tuple(input_shape)}; pass axes in [-{ndim}, {ndim})")
        self.axis = axes
        features = tuple(input_shape[a] for a in axes)
        self.gamma = (self.add_weight(features, self.gamma_initializer, autocast=False,
                                      regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                      name="gamma") if self.scale or self.rms_scaling else None)
        self.beta = (self.add_weight(features, self.beta_initializer, autocast=False,
                                     regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                     name="beta") if self.center and not self.rms_scaling else None)

    def call(self, inputs):
        x = at_least_float32(inputs)   # as Keras: 16-bit inputs are normalized in float32
        last = [a % x.ndim for a in self.axis] == [x.ndim - 1]
        gamma, beta = cast_like(self.gamma, x), cast_like(self.beta, x)   # 16-bit weights of a 16-bit policy
        if self.rms_scaling or not last:
            return in_compute_dtype(self, ops_norm.layer_normalization(
                x, gamma, None if self.rms_scaling else beta, self.axis, self.epsilon,
                rms_scaling=self.rms_scaling))
        return in_compute_dtype(self, F.layer_norm(x, (x.shape[-1],), gamma, beta, self.epsilon))

    def get_config(self):
        """Keras's keys: axis, epsilon, center, scale, rms_scaling and the serialized initializers,
        regularizers and constraints of beta and gamma."""
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "rms_scaling": self.rms_scaling,
                **keras_forms({"beta_initializer": self.beta_initializer, "gamma_initializer": self.gamma_initializer,
                               "beta_regularizer": self.beta_regularizer, "gamma_regularizer": self.gamma_regularizer,
                               "beta_constraint": self.beta_constraint, "gamma_constraint": self.gamma_constraint})}


class Normalization(Layer):
    """(inputs - mean) / sqrt(variance) per feature of `axis` (an int, a tuple of kept axes, or None for one
    statistic), the statistics given or learnt by `adapt(data)`; `invert=True` maps back. As in Keras,
    `layer.mean` / `layer.variance` are shaped to broadcast against the inputs (e.g. (1, features)); an adapted
    layer holds non-trainable weights mean, variance and count (as adapt_mean, adapt_variance, count), a layer
    given its statistics holds none."""

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: pass both mean and variance, or neither (and call adapt)")
        self.axis = () if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.invert = invert
        self.input_mean, self.input_variance = mean, variance   # as given, as Keras keeps them
        self._given = None if mean is None else (np.asarray(mean, np.float32), np.asarray(variance, np.float32))

    def build(self, input_shape):
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"{self.name}: every axis must be in [-{ndim}, {ndim}) for inputs of shape "
                             f"{tuple(input_shape)}, got axis={self.axis}")
        self._keep = tuple(sorted(a % ndim for a in self.axis))
        if any(input_shape[a] is None for a in self._keep):
            raise ValueError(f"{self.name}: the kept axes {self._keep} must have known sizes, got input shape "
                             f"{tuple(input_shape)}")
        self._reduce = tuple(a for a in range(ndim) if a not in self._keep)
        self._broadcast_shape = tuple(input_shape[a] if a in self._keep else 1 for a in range(ndim))
        if self._given is None:
            shape = tuple(input_shape[a] for a in self._keep)
            self.adapt_mean = self.add_weight(shape, "zeros", trainable=False, name="mean")
            self.adapt_variance = self.add_weight(shape, "ones", trainable=False, name="variance")
            self.count = self.add_weight((), "zeros", dtype="int32", trainable=False, name="count")   # as Keras's
        else:
            mean, variance = (self._aligned(v, ndim) for v in self._given)
            self._constants = (ag.tensor(mean), ag.tensor(variance))

    def _aligned(self, value, ndim):
        """A given statistic reshaped onto the kept axes (matched from the right) and broadcast."""
        sizes = tuple(self._broadcast_shape[a] for a in self._keep)
        if value.ndim > len(self._keep):
            raise ValueError(f"{self.name}: the rank of the given mean and variance (shape {value.shape}) must be at "
                             f"most the number of kept axes {self._keep} ({len(self._keep)}); give one value per "
                             f"feature, shape {sizes}")
        shape = [1] * ndim
        for k in range(1, value.ndim + 1):
            shape[self._keep[-k]] = value.shape[-k]
        if any(shape[a] not in (1, self._broadcast_shape[a]) for a in self._keep):
            raise ShapeError(f"{self.name}: the given mean and variance (shape {value.shape}) must have one value per "
                             f"feature of the kept axes {self._keep}, shape {sizes}, or one value for all; give "
                             f"mean=/variance= of that size")
        return np.ascontiguousarray(np.broadcast_to(value.reshape(shape), self._broadcast_shape), np.float32)

    @property
    def mean(self):
        """The mean, shaped to broadcast against the inputs (None before the layer is built)."""
        if not self.built:
            return None
        return self._constants[0] if self._given is not None else self.adapt_mean.reshape(self._broadcast_shape)

    @property
    def variance(self):
        """The variance, shaped to broadcast against the inputs (None before the layer is built)."""
        if not self.built:
            return None
        return self._constants[1] if self._given is not None else self.adapt_variance.reshape(self._broadcast_shape)

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the mean and variance of each feature from `data` (an array, or batches of arrays)."""
        if hasattr(data, "numpy") and not isinstance(data, np.ndarray):
            data = data.numpy()
        if isinstance(data, np.ndarray) or isinstance(data, (list, tuple)):
            data = np.asarray(data, dtype=np.float64)
        else:
            data = np.concatenate([np.asarray(b[0] if isinstance(b, (tuple, list)) else b, np.float64)
                                   for b in data])
        if self._given is not None:
            raise ValueError(f"{self.name}: adapt learns the statistics, but mean and variance were given; "
                             "construct the layer without them to adapt it")
        if not self.built:
            self.build((None,) + data.shape[1:])
            self.built = True
        with no_grad():
            for weight, value in ((self.adapt_mean, data.mean(axis=self._reduce)),
                                  (self.adapt_variance, data.var(axis=self._reduce)),
                                  (self.count, data.size // max(1, int(np.prod(self._broadcast_shape))))):
                arrays.assign_(weight, weight.device.asarray(np.asarray(value, dtype=weight.dtype)))

    def call(self, inputs):
        # as Keras: inputs and statistics in the compute dtype (16-bit under a mixed policy)
        inputs = in_compute_dtype(self, inputs if inputs.is_floating_point() else inputs.float())
        mean, variance = self.mean.to(inputs.dtype), self.variance.to(inputs.dtype)
        std = variance.sqrt().clamp(min=1e-7)
        return inputs * std + mean if self.invert else (inputs - mean) / std

    def get_config(self):
        given = self._given or (None, None)   # axis as Keras keeps it: a tuple, () for None
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": None if given[0] is None else given[0].tolist(),
                "variance": None if given[1] is None else given[1].tolist()}
