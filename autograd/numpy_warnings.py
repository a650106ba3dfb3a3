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


def quiet_numpy():
    """Make sure the filter stands first among the warnings filters in force. `warnings.catch_warnings` puts back,
    on exit, the list it found on entry, so a filter installed inside one (an import under pytest, which wraps
    collection and every test in one) is gone afterwards; and a `simplefilter("always")` in front of it would let
    the warnings through again. Costs an index and an identity check while it stands first."""
    global _FILTER
    filters = warnings.filters
    if filters and filters[0] is _FILTER:
        return
    warnings.filterwarnings("ignore", _MESSAGES, RuntimeWarning, _MODULES)   # (moves an equal entry to the front)
    _FILTER = warnings.filters[0]
