"""torch.signal's counterpart: `ag.signal.windows` (import autograd.signal), the window functions with SciPy's
conventions (`sym=True` by default)."""
from . import windows

__all__ = ["windows"]
