"""NumPy's floating-point warnings kept out of deepgrad's ops: PyTorch computes log(0) = -inf, 1 / 0 = inf and
0 * inf = nan without a word, where NumPy's kernels, which the ops call, warn for each. A warnings filter ignores
those raised inside deepgrad's own modules (a warning is attributed to the module that called NumPy), so a user's
own NumPy code warns as before."""
import warnings

_MODULES = r"(autograd|backends|nn)(\.|$)"
#: NumPy's floating-point messages (and its reductions' over nothing); other RuntimeWarnings of ours still show
_MESSAGES = (r"(divide by zero|overflow|underflow|invalid value) encountered|Mean of empty slice|"
             r"Degrees of freedom <= 0|All-NaN (slice|axis) encountered")
_FILTER = None   # the filter's entry in warnings.filters, once made
_CHECKED = None   # (the filters list, its first entry, its length) when the filter was last found in force


def quiet_numpy():
    """Make sure the filter is in force: in the filters list, behind nothing but other "ignore" entries.
    `warnings.catch_warnings` puts back, on exit, the list it found on entry, so a filter installed inside one (an
    import under pytest, which wraps collection and every test in one) is gone afterwards; and a
    `simplefilter("always")` in front of it would let the warnings through again. An "ignore" entry put in front
    (scipy's, imported later) is left alone: moving the filter back to the front changes the filters, which makes
    Python show every warning it has shown once already again. Costs an index and an identity check while it stands
    first, and a tuple comparison while the filters stay as last checked."""
    global _FILTER, _CHECKED
    filters = warnings.filters
    if filters and filters[0] is _FILTER:
        return
    state = (id(filters), filters[0] if filters else None, len(filters))
    if state == _CHECKED:
        return
    if _FILTER is not None and _in_force(filters):
        _CHECKED = state
        return
    warnings.filterwarnings("ignore", _MESSAGES, RuntimeWarning, _MODULES)   # (moves an equal entry to the front)
    _FILTER = warnings.filters[0]


def _in_force(filters):
    for entry in filters:
        if entry is _FILTER:
            return True
        if entry[0] != "ignore":
            return False
    return False
