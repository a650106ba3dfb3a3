"""Keras's shape layers: RepeatVector, Permute, ZeroPadding1D/2D/3D, Cropping1D/2D/3D, UpSampling1D/2D/3D and
Identity. The N-D padding, cropping and upsampling layers act on the N spatial axes of
(batch, *spatial, channels) inputs, or (batch, channels, *spatial) with data_format='channels_first'."""
from autograd.errors import ArgumentKindError

from ... import functional as F
from ..input_spec import InputSpec
from ..layer import Layer
from .conv import _data_format


def _check_rank(inputs, rank, layer, layout):
    if inputs.ndim != rank:
        raise ValueError(f"{layer}: expects {rank}-D inputs {layout}, got shape {tuple(inputs.shape)}; reshape "
                         f"the inputs or use the layer for {inputs.ndim}-D data")


def _spatial_axes(count, data_format):
    return list(range(1, count + 1)) if data_format == "channels_last" else list(range(2, count + 2))


def _layout(count, data_format):
    spatial = ", ".join(f"d{k}" for k in range(1, count + 1)) if count > 1 else "steps"
    return f"(batch, {spatial}, channels)" if data_format == "channels_last" else f"(batch, channels, {spatial})"


def _amounts(value, count, name, layer):
    """Per spatial axis (before, after) from an int, one int per axis or one pair per axis (for 1 axis, a pair)."""
    def fail():
        raise ValueError(f"{layer}: {name} must be an int, {count} ints or {count} (before, after) pairs of ints "
                         f">= 0, got {value!r}")
    if isinstance(value, int):
        pairs = [(value, value)] * count
    else:
        try:
            items = list(value)
        except TypeError:
            fail()
        if count == 1 and len(items) == 2 and all(isinstance(v, int) for v in items):
            items = [tuple(items)]
        if len(items) != count:
            fail()
        pairs = []
        for item in items:
            if isinstance(item, int):
                pairs.append((item, item))
            elif len(tuple(item)) == 2 and all(isinstance(v, int) for v in item):
                pairs.append(tuple(item))
            else:
                fail()
    if any(v < 0 for pair in pairs for v in pair):
        fail()
    return tuple(pairs)


def _sizes(value, count, name, layer):
    if isinstance(value, int):
        value = (value,) * count   # checked below: a size of 0 would give empty outputs
    elif not hasattr(value, "__iter__"):
        raise ValueError(f"{layer}: {name} must be a positive int or {count} positive ints, got {value!r}")
    value = tuple(value)
    if len(value) != count or not all(isinstance(v, int) and v >= 1 for v in value):
        raise ValueError(f"{layer}: {name} must be a positive int or {count} positive ints, got {value!r}")
    return value


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): the input repeated n times."""
    _init_input_spec = {"ndim": 2}

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int):   # Keras: "Expected an integer value for `n`" (a TypeError)
            raise ArgumentKindError(f"RepeatVector: n must be a positive int, got {type(n).__name__} {n!r}; pass e.g. "
                                    "RepeatVector(3)")
        if n < 1:
            raise ValueError(f"RepeatVector: n must be a positive int, got {n!r}")
        self.n = n

    def call(self, inputs):
        _check_rank(inputs, 2, self.name, "(batch, features)")
        return inputs.unsqueeze(1).expand(inputs.shape[0], self.n, inputs.shape[1])


class Permute(Layer):
    """Reorders the non-batch axes: dims is a permutation of 1..rank-1 (e.g. (2, 1) swaps the two axes)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(self.dims)} (the batch axis 0 stays "
                             f"first), got {self.dims!r}")
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)   # as Keras

    def call(self, inputs):
        _check_rank(inputs, len(self.dims) + 1, self.name, f"(batch, {len(self.dims)} axes to permute)")
        return inputs.permute(0, *self.dims)


class Identity(Layer):
    """Returns its inputs unchanged (a mask passes through)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs


class _ZeroPadding(Layer):
    _count = 0

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int) and self._count > 1:
            # as Keras's 2-D and 3-D layers, which check tuples but not a single int: a negative one crops
            self.padding = ((padding, padding),) * self._count
        else:
            self.padding = _amounts(padding, self._count, "padding", type(self).__name__)
        self.data_format = _data_format(data_format)

    def call(self, inputs):
        _check_rank(inputs, self._count + 2, self.name, _layout(self._count, self.data_format))
        sizes = [inputs.shape[a] for a in _spatial_axes(self._count, self.data_format)]
        if any(n + before + after < 0 for n, (before, after) in zip(sizes, self.padding)):
            raise ValueError(f"{self.name} ({type(self).__name__}): padding {self.padding} crops the spatial sizes "
                             f"{tuple(sizes)} of inputs {tuple(inputs.shape)} below zero; a negative padding "
                             "crops, so keep it above -size/2 (or use a Cropping layer)")
        flat = [0, 0] if self.data_format == "channels_last" else []
        for before, after in reversed(self.padding):
            flat += [before, after]
        return F.pad(inputs, tuple(flat))

    def get_config(self):
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Adds zeros before and after the steps: padding an int or (before, after)."""
    _init_input_spec = {"ndim": 3}
    _count = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding[0]}


class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros: padding an int, (rows, cols) or ((top, bottom), (left, right))."""
    _init_input_spec = {"ndim": 4}
    _count = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Adds zeros around the three spatial axes: an int, three ints or three (before, after) pairs."""
    _init_input_spec = {"ndim": 5}
    _count = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class _Cropping(Layer):
    _count = 0

    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _amounts(cropping, self._count, "cropping", type(self).__name__)
        self.data_format = _data_format(data_format)

    def call(self, inputs):
        _check_rank(inputs, self._count + 2, self.name, _layout(self._count, self.data_format))
        index = [slice(None)] * inputs.ndim
        for axis, (before, after) in zip(_spatial_axes(self._count, self.data_format), self.cropping):
            size = inputs.shape[axis]
            if before + after >= size:
                raise ValueError(f"{self.name}: cropping {before} + {after} along axis {axis} leaves nothing of "
                                 f"inputs of shape {tuple(inputs.shape)}; crop less than {size} in total")
            index[axis] = slice(before, size - after)
        return inputs[tuple(index)]

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}


class Cropping1D(_Cropping):
    """Removes steps from the start and end: cropping an int or (start, end)."""
    _init_input_spec = {"ndim": 3}
    _count = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, None, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("data_format")
        return {**config, "cropping": self.cropping[0]}


class Cropping2D(_Cropping):
    """Removes rows and columns at the edges: an int, (rows, cols) or ((top, bottom), (left, right))."""
    _init_input_spec = {"ndim": 4}
    _count = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class Cropping3D(_Cropping):
    """Removes entries at the edges of the three spatial axes: an int, three ints or three pairs."""
    _init_input_spec = {"ndim": 5}
    _count = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format, **kwargs)


class _UpSampling(Layer):
    _count = 0

    def __init__(self, size, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = _sizes(size, self._count, "size", type(self).__name__)
        self.data_format = _data_format(data_format)
        self.interpolation = interpolation.lower()
        if self.interpolation not in ("nearest", "bilinear", "bicubic"):
            raise ValueError(f"{type(self).__name__}: interpolation must be 'nearest', 'bilinear' or 'bicubic' "
                             f"(lanczos is not supported), got {interpolation!r}")

    def call(self, inputs):
        _check_rank(inputs, self._count + 2, self.name, _layout(self._count, self.data_format))
        axes = _spatial_axes(self._count, self.data_format)
        if self.interpolation == "nearest":
            for axis, factor in zip(axes, self.size):
                inputs = inputs.repeat_interleave(factor, dim=axis)
            return inputs
        x = inputs.movedim(-1, 1) if self.data_format == "channels_last" else inputs
        y = F.interpolate(x, size=tuple(x.shape[2 + k] * f for k, f in enumerate(self.size)),
                          mode=self.interpolation, align_corners=False)
        return y.movedim(1, -1) if self.data_format == "channels_last" else y


class UpSampling1D(_UpSampling):
    """Repeats each step `size` times along the steps axis of (batch, steps, features)."""
    _init_input_spec = {"ndim": 3}
    _count = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, None, **kwargs)

    def get_config(self):
        config = {**super().get_config(), "size": self.size[0]}
        return config


class UpSampling2D(_UpSampling):
    """Scales images up by `size` (rows, cols): interpolation 'nearest' repeats pixels, 'bilinear' and 'bicubic'
    interpolate between pixel centres."""
    _init_input_spec = {"ndim": 4}
    _count = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format, interpolation, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Repeats entries `size` times along each of the three spatial axes."""
    _init_input_spec = {"ndim": 5}
    _count = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
