"""How tensors print, as PyTorch prints them, and `ag.set_printoptions`.

Floats take one format for the whole tensor, chosen from its finite non-zero values: integers print as
`3.`; values spanning more than a factor of 1000, or beyond 1e8, or (non-integers) below 1e-4 print in
scientific notation; the rest with `precision` decimals. Every element is right-aligned to the widest.
Tensors over `threshold` elements show `edgeitems` at each end of each dimension.
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


def format_values(values, prefix):
    """The body of a tensor's repr for the host array `values`, continuation lines indented under `prefix`."""
    threshold = options["threshold"]
    kwargs = {"separator": ", ", "prefix": prefix, "max_line_width": options["linewidth"],
              "threshold": threshold if threshold != math.inf else np.iinfo(np.int64).max,
              "edgeitems": options["edgeitems"]}
    if values.dtype.kind == "f":
        kwargs["formatter"] = {"float_kind": _float_format(values)}
    elif values.dtype.kind == "b":   # PyTorch pads True to False's width only where a False is shown
        width = 5 if values.size and not values.all() else 4
        kwargs["formatter"] = {"bool": lambda v: str(bool(v)).rjust(width)}
    return np.array2string(values, **kwargs).replace(", ...,", ",  ...,")   # PyTorch's gap before the ellipsis


def _float_format(values):
    """A function formatting one float as this tensor's elements all print."""
    precision = options["precision"]
    finite = values[np.isfinite(values) & (values != 0)].astype(np.float64)
    scientific, integers = False, True
    if finite.size:
        magnitudes = np.abs(finite)
        low, high = magnitudes.min(), magnitudes.max()
        integers = bool(np.all(finite == np.ceil(finite)))
        scientific = high / low > 1000.0 or high > 1.0e8 or (not integers and low < 1.0e-4)
    if options["sci_mode"] is not None:
        scientific = options["sci_mode"]

    def one(v):
        if scientific:
            return f"{v:.{precision}e}"
        if integers:
            return f"{v:.0f}" + ("" if math.isinf(v) or math.isnan(v) else ".")
        return f"{v:.{precision}f}"
    width = max((len(one(v)) for v in finite.tolist()), default=1)
    if not scientific and integers and finite.size:
        width = max(width, 2)
    return lambda v: one(float(v)).rjust(width)
