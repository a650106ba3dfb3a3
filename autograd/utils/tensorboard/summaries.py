"""The Summary protocol buffers SummaryWriter writes, laid out as PyTorch's writer lays them out: scalars as
simple values (or tensors with the scalars plugin, `new_style`), histograms bucketed by NumPy over the given edges
with the empty buckets at either end trimmed, images as PNG, text for the text plugin, and the hparams plugin's
experiment / session-start / session-end records."""
import io

import numpy as np
from google.protobuf import struct_pb2
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.plugins.hparams import metadata as hparams_metadata
from tensorboard.plugins.hparams.api_pb2 import DataType, Experiment, HParamInfo, MetricInfo, MetricName, Status
from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData, SessionEndInfo, SessionStartInfo
from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData

from .arrays import host_array, to_hwc


def _plugin(name, content=b""):
    return SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=name, content=content))


def scalar(tag, value, new_style=False, double_precision=False):
    """One number (a 1-element tensor or array, or a Python number) under `tag`."""
    array = host_array(value).squeeze()
    if array.ndim != 0:
        raise ValueError(f"add_scalar({tag!r}): expects one number, got {array.size} values (shape "
                         f"{tuple(array.shape)}); log a reduction such as .mean() or one element")
    if array.dtype.kind not in "biuf":
        raise ValueError(f"add_scalar({tag!r}): expects a number, got {array.dtype} value {array.item()!r}")
    number = float(array)
    if not new_style:
        return Summary(value=[Summary.Value(tag=tag, simple_value=number)])
    tensor = (TensorProto(double_val=[number], dtype="DT_DOUBLE") if double_precision
              else TensorProto(float_val=[number], dtype="DT_FLOAT"))
    return Summary(value=[Summary.Value(tag=tag, tensor=tensor, metadata=_plugin("scalars"))])


def _bucketed(values, edges, max_bins):
    """(counts, limits) of values over `edges`, merged down to max_bins, without the empty runs at the ends (one
    empty bucket is kept before the first filled one, as TensorFlow's histograms have)."""
    counts, limits = np.histogram(values, bins=edges)
    if max_bins is not None and len(counts) > max_bins:
        group = len(counts) // max_bins
        spare = len(counts) % group
        if spare:
            counts = np.pad(counts, (0, group - spare))
        counts = counts.reshape(-1, group).sum(axis=-1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    filled = np.cumsum(counts > 0)
    first, last = (int(i) for i in np.searchsorted(filled, [0, filled[-1] - 1], side="right"))
    last += 1
    counts = counts[first - 1:last] if first > 0 else np.concatenate([[0], counts[:last]])
    return counts, limits[first:last + 1]


def histogram(tag, values, edges, max_bins=None):
    """The distribution of `values` (every element) as a TensorBoard histogram."""
    flat = host_array(values).astype(float).reshape(-1)
    if flat.size == 0:
        raise ValueError(f"add_histogram({tag!r}): the values are empty; log a tensor with at least one element")
    counts, limits = _bucketed(flat, edges, max_bins)
    if counts.size == 0 or limits.size == 0:
        raise ValueError(f"add_histogram({tag!r}): no bucket holds the values (are they all NaN or infinite?)")
    histo = HistogramProto(min=flat.min(), max=flat.max(), num=len(flat), sum=flat.sum(), sum_squares=flat.dot(flat),
                           bucket_limit=limits.tolist(), bucket=counts.tolist())
    return Summary(value=[Summary.Value(tag=tag, histo=histo)])


def image(tag, picture, rescale=1, dataformats="NCHW"):
    """An image (or a batch, laid out as a grid) as PNG: uint8 values as they are, other dtypes read as [0, 1]."""
    from PIL import Image
    array = host_array(picture)
    scale = 1 if array.dtype == np.uint8 else 255
    hwc = (to_hwc(array, dataformats).astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    height, width, channels = hwc.shape
    resized = Image.fromarray(hwc).resize((int(width * rescale), int(height * rescale)), Image.Resampling.LANCZOS)
    encoded = io.BytesIO()
    resized.save(encoded, format="PNG")
    return Summary(value=[Summary.Value(tag=tag, image=Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=encoded.getvalue()))])


def text(tag, words):
    """A string for TensorBoard's text plugin (Markdown), under `<tag>/text_summary`."""
    tensor = TensorProto(dtype="DT_STRING", string_val=[words.encode("utf_8")],
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", tensor=tensor,
                                        metadata=_plugin("text", TextPluginData(version=0).SerializeToString()))])


def _hparams_summary(tag, **record):
    content = HParamsPluginData(version=hparams_metadata.PLUGIN_DATA_VERSION, **record).SerializeToString()
    return Summary(value=[Summary.Value(tag=tag, metadata=_plugin(hparams_metadata.PLUGIN_NAME, content))])


def _hparam(start, infos, name, value, domain):
    """Record one hyper-parameter's value in `start` and its description in `infos` (numbers first: a bool is a
    number here, as in PyTorch's writer)."""
    if isinstance(value, (int, float)) or hasattr(value, "numpy"):
        number = float(host_array(value).reshape(-1)[0]) if hasattr(value, "numpy") else value
        start.hparams[name].number_value = number
        kind, field = "DATA_TYPE_FLOAT64", "number_value"
    elif isinstance(value, str):
        start.hparams[name].string_value = value
        kind, field = "DATA_TYPE_STRING", "string_value"
    else:
        raise ValueError(f"add_hparams: the value of {name!r} must be an int, float, str, bool or one-element "
                         f"Tensor, got {type(value).__name__}")
    choices = None
    if name in domain and not hasattr(value, "numpy"):
        choices = struct_pb2.ListValue(values=[struct_pb2.Value(**{field: d}) for d in domain[name]])
    infos.append(HParamInfo(name=name, type=DataType.Value(kind), domain_discrete=choices))


def hparams(hparam_dict, metric_dict, domain=None):
    """(experiment, session start, session end) summaries for one run of a hyper-parameter search."""
    domain = domain or {}
    if not isinstance(domain, dict):
        raise TypeError("add_hparams: hparam_domain_discrete must be a dict of name -> list of values")
    for name, choices in domain.items():
        if (name not in hparam_dict or not isinstance(choices, list)
                or not all(isinstance(c, type(hparam_dict[name])) for c in choices)):
            raise TypeError(f"add_hparams: hparam_domain_discrete[{name!r}] must be a list of values of the type of "
                            f"hparam_dict[{name!r}]")
    start, infos = SessionStartInfo(), []
    for name, value in hparam_dict.items():
        if value is not None:
            _hparam(start, infos, name, value, domain)
    experiment = Experiment(hparam_infos=infos, metric_infos=[MetricInfo(name=MetricName(tag=k)) for k in metric_dict])
    return (_hparams_summary(hparams_metadata.EXPERIMENT_TAG, experiment=experiment),
            _hparams_summary(hparams_metadata.SESSION_START_INFO_TAG, session_start_info=start),
            _hparams_summary(hparams_metadata.SESSION_END_INFO_TAG,
                             session_end_info=SessionEndInfo(status=Status.Value("STATUS_SUCCESS"))))
