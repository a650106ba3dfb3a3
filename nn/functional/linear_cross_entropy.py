"""linear_cross_entropy: cross_entropy(linear(input, linear_weight, linear_bias), target), as PyTorch 2.13's; with
`options` (a LinearCrossEntropyOptions) the batch is processed in chunks, so that the whole (rows, classes) logits
tensor is never made (a large-vocabulary head)."""
import dataclasses
import math
import warnings

import numpy as np

from autograd.errors import ShapeError
from autograd.ops.dims import check_tensor
from autograd.ops.linear_cross_entropy import LinearCrossEntropyChunked, LinearCrossEntropyChunkedRows

from .linear import linear
from .loss import cross_entropy

_POLICIES = ("auto", "accurate", "balanced", "compact")


@dataclasses.dataclass(frozen=True)
class LinearCrossEntropyOptions:
    """How linear_cross_entropy chunks its batch (torch.nn.LinearCrossEntropyOptions): `batch_chunk_size` rows at a
    time, or a size picked by `chunking_method` ('auto', 'aspect_ratio' or 'aspect_ratio:N': each chunk's logits
    about as large as the input, divided by N); `allow_retain_graph` lets backward run more than once through a
    'mean' or 'sum' loss. `acc_policy` and `acc_dtype` are accepted and checked: deepgrad accumulates float16 and
    bfloat16 chunks in float32 whatever they say."""

    allow_retain_graph: bool = False
    batch_chunk_size: int = None
    chunking_method: str = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in _POLICIES:
            raise ValueError(f"LinearCrossEntropyOptions: invalid acc_policy {self.acc_policy!r}; use one of "
                             f"{', '.join(repr(p) for p in _POLICIES)}")
        if self.chunking_method not in (None, "auto"):
            name, _, factor = self.chunking_method.partition(":")
            if name != "aspect_ratio" or not (factor or "1").isdigit() or int(factor or "1") < 1:
                raise ValueError(f"LinearCrossEntropyOptions: invalid chunking_method {self.chunking_method!r}; use "
                                 "'auto', 'aspect_ratio', 'aspect_ratio:N' (N >= 1) or None")
        size = self.batch_chunk_size
        if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 1):
            raise ValueError(f"LinearCrossEntropyOptions: batch_chunk_size must be a positive int or None, got "
                             f"{size!r}")
        if self.acc_dtype is not None and str(self.acc_dtype).split(".")[-1] not in (
                "float16", "bfloat16", "float32", "float64"):
            raise ValueError(f"LinearCrossEntropyOptions: acc_dtype must be None or a float dtype, got "
                             f"{self.acc_dtype!r}")

    def rows_per_chunk(self, rows, in_features, num_classes):
        """The chunk size for a batch of `rows` inputs of `in_features` and `num_classes` classes."""
        if self.batch_chunk_size is not None and self.chunking_method in (None, "auto"):
            return self.batch_chunk_size
        if self.chunking_method is None:
            return max(rows, 1)
        _, _, factor = (self.chunking_method if self.chunking_method != "auto" else "aspect_ratio").partition(":")
        fits = -(-rows // max(-(-num_classes // max(in_features, 1)), 1))
        size = max(1 << max(fits - 1, 0).bit_length(), 1) // int(factor or "1")   # a power of two, divided by N
        size = max(size, 1)
        if self.batch_chunk_size is not None and self.batch_chunk_size != size:
            raise ValueError(f"LinearCrossEntropyOptions: batch_chunk_size={self.batch_chunk_size} disagrees with "
                             f"chunking_method={self.chunking_method!r} (which picks {size} rows here); set one of "
                             "them, and chunking_method=None to use batch_chunk_size alone")
        return size


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """cross_entropy(linear(input, linear_weight, linear_bias), target, ...): input (N, in_features) or
    (in_features,), linear_weight (C, d_1, ..., d_K, in_features) for a K-dimensional loss; ignore_index None
    means -100. With `options`, class-index int64 targets and reduction 'mean', 'sum' or 'none', the batch runs in
    chunks (other settings warn and take the plain path)."""
    for name, value in (("input", input), ("linear_weight", linear_weight), ("target", target)):
        check_tensor("linear_cross_entropy", value, name)
    if input.ndim not in (1, 2):
        raise ShapeError(f"linear_cross_entropy: expected input with 1 or 2 dims, (N, in_features) or "
                         f"(in_features,), got shape {tuple(input.shape)}")
    if linear_weight.ndim < 2:
        raise ShapeError(f"linear_cross_entropy: expected linear_weight with at least 2 dims, (num_classes, ..., "
                         f"in_features), got shape {tuple(linear_weight.shape)}")
    in_features, num_classes = input.shape[-1], linear_weight.shape[0]
    out_features = tuple(linear_weight.shape[1:-1])
    if linear_weight.shape[-1] != in_features:
        raise ShapeError(f"linear_cross_entropy: input's last dim ({in_features}) and linear_weight's "
                         f"({linear_weight.shape[-1]}) must both be in_features; got input {tuple(input.shape)} "
                         f"and linear_weight {tuple(linear_weight.shape)}")
    if linear_bias is not None and tuple(linear_bias.shape) != (num_classes, *out_features):
        raise ShapeError(f"linear_cross_entropy: expected linear_bias of shape {(num_classes, *out_features)}, got "
                         f"{tuple(linear_bias.shape)}")
    if out_features and input.ndim == 1:
        raise ShapeError(f"linear_cross_entropy: a K-dimensional loss (linear_weight {tuple(linear_weight.shape)}) "
                         f"needs a batched input (N, {in_features}), got shape {tuple(input.shape)}")
    logits_shape = (*input.shape[:-1], num_classes, *out_features)
    if tuple(target.shape) == logits_shape and ignore_index is not None:
        raise ValueError("linear_cross_entropy: ignore_index cannot be given when target holds class "
                         "probabilities; leave it None")
    ignore_index = -100 if ignore_index is None else ignore_index
    if options is not None:
        chunked = (not out_features and reduction in ("mean", "sum", "none") and label_smoothing == 0.0
                   and target.dtype == np.int64)
        if chunked:
            return _chunked(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options)
        warnings.warn(f"linear_cross_entropy: options ignored; the chunked path needs reduction 'mean', 'sum' or "
                      f"'none', label_smoothing 0, int64 class-index targets and no out_features; got "
                      f"reduction={reduction!r}, label_smoothing={label_smoothing}, target dtype {target.dtype}, "
                      f"out_features={out_features}", stacklevel=2)
    if out_features:
        linear_weight = linear_weight.reshape(math.prod(out_features, start=num_classes), in_features)
        if linear_bias is not None:
            linear_bias = linear_bias.reshape(-1)
    logits = linear(input, linear_weight, linear_bias).reshape(logits_shape)
    return cross_entropy(logits, target, weight=weight, ignore_index=ignore_index, reduction=reduction,
                         label_smoothing=label_smoothing)


def _chunked(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options):
    batched = input.ndim == 2
    rows, labels = (input, target) if batched else (input.unsqueeze(0), target.reshape(1))
    if labels.ndim != 1 or labels.shape[0] != rows.shape[0]:
        raise ShapeError(f"linear_cross_entropy: expected one class index per input row, target of shape "
                         f"({rows.shape[0]},), got {tuple(target.shape)}")
    chunk = options.rows_per_chunk(rows.shape[0], rows.shape[1], linear_weight.shape[0])
    if reduction == "none":
        out = LinearCrossEntropyChunkedRows.apply(rows, linear_weight, labels, linear_bias, weight,
                                                  ignore_index=ignore_index, chunk=chunk)
        return out if batched else out.squeeze(0)
    return LinearCrossEntropyChunked.apply(rows, linear_weight, labels, linear_bias, weight,
                                           ignore_index=ignore_index, reduction=reduction, chunk=chunk,
                                           allow_retain_graph=options.allow_retain_graph)

