"""torch.utils.benchmark's counterpart: `Timer` (timeit, blocked_autorange, adaptive_autorange), the `Measurement`
it returns (median, mean, IQR, significant figures, PyTorch's repr) and `Compare` (a table of many measurements)."""
from .compare import Colorize, Compare
from .measurement import Measurement, TaskSpec, select_unit, trim_sigfig, unit_to_english
from .timer import Language, Timer

__all__ = ["Colorize", "Compare", "Language", "Measurement", "TaskSpec", "Timer", "select_unit", "trim_sigfig",
           "unit_to_english"]
