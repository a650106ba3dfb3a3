"""How tensors print, as PyTorch prints them, and `ag.set_printoptions`.

Floats take one format for the whole tensor, chosen from its finite non-zero values: integers print as
`3.`; values spanning more than a factor of 1000, or beyond 1e8, or (non-integers) below 1e-4 print in
scientific notation; the rest with `precision` decimals. Every element is right-aligned to the widest, and
a line holds as many elements as PyTorch puts there (a count from `linewidth`, the indent and that width);
the suffixes (`dtype=`, `grad_fn=`) go to a new line where PyTorch's do. Tensors over `threshold` elements
show `edgeitems` at each end of each dimension.
"""
import math

import numpy as np

_DEFAULTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}
_PROFILES = {"default": _DEFAULTS, "short": dict(_DEFAULTS, precision=2, edgeitems=2),
             "full": dict(_DEFAULTS, threshold=math.inf)}
options = dict(_DEFAULTS)


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None):
    """PyTorch's print options: `profile` ('default', 'short', 'full') first, then each given option."""
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(_PROFILES)}, got {profile!r}")
        options.update(_PROFILES[profile])
    for name, value in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                        ("linewidth", linewidth)):
        if value is not None:
            options[name] = value
    options["sci_mode"] = sci_mode


def format_values(values, indent):
    """The body of a tensor's repr for the host array `values` (PyTorch's `_tensor_str`): `per_line` elements
    to a line, continuation lines indented by `indent` (the prefix's length) plus one per nesting level."""
    if values.size == 0:
        return "[]"
    summarize = values.size > options["threshold"]
    return _nested(values, indent, summarize, _formatter(_shown(values) if summarize else values.reshape(-1)))


def add_suffixes(text, suffixes, indent):
    """`text` + ', suffix' for each suffix, each going to a new line (indented) where it would pass the line
    width, + ')': PyTorch's `_add_suffixes`, down to its count of the last line's length. A dtype counts as
    PyTorch spells it (`dtype=torch.float16`), so lines break where PyTorch's do."""
    parts = [text]
    last = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        length = len(suffix) + len("torch.") * suffix.startswith("dtype=")
        if last + length + 2 > options["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            last = indent + length
        else:
            parts.append(", " + suffix)
            last += length + 2
    return "".join(parts) + ")"


def printed_name(node):
    """The node's name as PyTorch prints it (reprs, `grad_fn=<...>`): a C++ node's name() such as
    'torch::autograd::CopySlices' prints as its class, 'CopySlices'."""
    return node.name().rpartition("::")[2]


def meta_repr(t, default_dtype):
    """PyTorch's repr of a tensor with no data (the meta device): its device, size and dtype, no values."""
    extras = [f"device='{t.device.name}'", f"size={tuple(t.shape)}"]
    if t.dtype != default_dtype:
        extras.append(f"dtype={t.dtype}")
    if t._node is not None:
        extras.append(f"grad_fn=<{printed_name(t._node)}>")
    elif t.requires_grad:
        extras.append("requires_grad=True")
    return add_suffixes("tensor(...", extras, indent=7)


def _shown(values):
    """The values a summarized print shows (`edgeitems` at each end of each dim), flat: they set the format."""
    edge = options["edgeitems"]
    if values.ndim == 0:
        return values.reshape(-1)
    if values.ndim > 1 and not edge:
        return values.reshape(-1)[:0]
    rows = values if values.shape[0] <= 2 * edge else np.concatenate([values[:edge], values[-edge:]])
    if values.ndim == 1:
        return rows
    return np.concatenate([_shown(row) for row in rows])


def _nested(values, indent, summarize, fmt):
    """PyTorch's `_tensor_str_with_formatter`: nested brackets, one line per row, blank lines between blocks."""
    if values.ndim == 0:
        return fmt(values.item())
    edge = options["edgeitems"]
    long = summarize and values.shape[0] > 2 * edge
    if values.ndim == 1:
        per_line = max(1, math.floor((options["linewidth"] - indent) / (fmt.width + 2)))
        if summarize and not edge:
            data = ["..."]
        elif long:
            data = [fmt(v) for v in values[:edge].tolist()] + [" ..."] + [fmt(v) for v in values[-edge:].tolist()]
        else:
            data = [fmt(v) for v in values.tolist()]
        lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = list(range(edge)) + [None] + list(range(len(values) - edge, len(values))) if long else range(len(values))
    slices = ["..." if i is None else _nested(values[i], indent + 1, summarize, fmt) for i in rows]
    return "[" + ("," + "\n" * (values.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _formatter(shown):
    """A function formatting one element as this tensor's elements all print, right-aligned to `.width`."""
    if shown.dtype.kind == "c":
        return _complex_formatter(shown)
    if shown.dtype.kind != "f":
        width = max((len(str(v)) for v in shown.tolist()), default=1)
        one = str
    else:
        one, width = _float_format(shown)

    def fmt(v):
        return one(v).rjust(width)
    fmt.width = width
    return fmt


def _complex_formatter(shown):
    """Complex elements as PyTorch prints them: the real parts in one float format (right-aligned), the
    imaginary parts in another with their sign and a `j` (`1.+2.j`, `3.0000-1.5000j`)."""
    real, real_width = _float_format(shown.real)
    imag, imag_width = _float_format(shown.imag)

    def fmt(v):
        v = complex(v)
        tail = imag(v.imag).rjust(imag_width).lstrip() + "j"
        return real(v.real).rjust(real_width) + (tail if tail[0] in "+-" else "+" + tail)
    fmt.width = real_width + imag_width + 1
    return fmt


def _float_format(values):
    """A function formatting one float as this tensor's elements all print, and the widest it makes."""
    precision = options["precision"]
    finite = values[np.isfinite(values) & (values != 0)].astype(np.float64)
    scientific, integers = False, True
    if finite.size:
        magnitudes = np.abs(finite)
        low, high = magnitudes.min(), magnitudes.max()
        integers = bool(np.all(finite == np.ceil(finite)))
        with np.errstate(over="ignore"):   # a subnormal `low` overflows the ratio to inf: scientific all the same
            scientific = high / low > 1000.0 or high > 1.0e8 or (not integers and low < 1.0e-4)
    if options["sci_mode"] is not None and finite.size:   # all zeros (or nan/inf) print as `0.` in any mode
        scientific = options["sci_mode"]

    def one(v):
        if scientific:
            return f"{v:.{precision}e}"
        if integers:
            return f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        return f"{v:.{precision}f}"
    return (lambda v: one(float(v))), max((len(one(v)) for v in finite.tolist()), default=1)
