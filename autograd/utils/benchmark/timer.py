"""torch.utils.benchmark.Timer: times a Python statement with timeit, under a set thread count, and returns a
Measurement."""
import contextlib
import enum
import importlib
import statistics
import textwrap
import timeit

from backends.threads import get_num_threads, set_num_threads

from .measurement import Measurement, TaskSpec


class Language(enum.Enum):
    """The language of a Timer's statement (deepgrad times Python only)."""
    PYTHON = 0
    CPP = 1


@contextlib.contextmanager
def _threads(n):
    before = get_num_threads()
    try:
        set_num_threads(n)
        yield
    finally:
        set_num_threads(before)


def _tidy(code):
    # a block string written inside a function: dedent it and drop its first newline and trailing blanks
    code = textwrap.dedent(code)
    return (code[1:] if code.startswith("\n") else code).rstrip()


class Timer:
    """Times `stmt` (run after `setup`, with `globals`) on `num_threads` threads; label, sub_label, description and
    env name it in its Measurement and in Compare tables."""

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timeit.default_timer, globals=None,
                 label=None, sub_label=None, description=None, env=None, num_threads=1, language=Language.PYTHON):
        if not isinstance(stmt, str):
            raise ValueError(f"Timer: only a str stmt is supported, got {type(stmt).__name__}; write the call as "
                             f"text, e.g. stmt='f(x)', globals={{'f': f, 'x': x}}")
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError(f"Timer: deepgrad times Python statements only, got language={language!r} (PyTorch's "
                             f"C++ timing needs a C++ toolchain and libtorch)")
        if global_setup:
            raise ValueError(f"Timer: global_setup is C++ only, got `{global_setup}`; move this code into setup")
        self._globals = dict(globals or {})
        self._globals.setdefault("torch", importlib.import_module("autograd"))   # PyTorch's convenience
        stmt, setup = _tidy(stmt), _tidy(setup)
        self._timer = timeit.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup, label=label,
                                   sub_label=sub_label, description=description, env=env, num_threads=num_threads)

    def _timeit(self, number):
        return max(self._timer.timeit(number), 1e-9)   # a floor that also keeps ratios finite

    def _measurement(self, number, raw_times):
        return Measurement(number_per_run=number, raw_times=raw_times, task_spec=self._task_spec)

    def timeit(self, number=1000000):
        """One run of `number` executions of stmt (after a warm-up of max(number // 100, 2)), as timeit.Timer."""
        with _threads(self._task_spec.num_threads):
            self._timeit(max(int(number // 100), 2))
            return self._measurement(number, [self._timeit(number)])

    def repeat(self, repeat=-1, number=-1):
        """Not offered (as in PyTorch): use blocked_autorange."""
        raise NotImplementedError("Timer.repeat: see Timer.blocked_autorange (PyTorch offers no repeat either)")

    def autorange(self, callback=None):
        """Not offered (as in PyTorch): use blocked_autorange."""
        raise NotImplementedError("Timer.autorange: see Timer.blocked_autorange (PyTorch offers no autorange either)")

    def _block_size(self, min_run_time):
        # grow the block tenfold until the timer's own overhead is negligible (this is also the warm-up)
        with _threads(self._task_spec.num_threads):
            overhead = statistics.median_low([self._timeit(0) for _ in range(5)])
            number = 1
            while True:
                taken = self._timeit(number)
                if (overhead / taken <= 1e-4 and taken >= min_run_time / 1000) or taken > min_run_time:
                    return number
                if number * 10 > 2147483647:
                    return number
                number *= 10

    def _loop(self, number, stop, min_run_time, max_run_time=None, callback=None):
        total, times, can_stop = 0.0, [], False
        with _threads(self._task_spec.num_threads):
            while total < min_run_time or not can_stop:
                spent = self._timeit(number)
                times.append(spent)
                total += spent
                if callback:
                    callback(number, spent)
                can_stop = stop(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Runs blocks of executions (sized so timer overhead is negligible) until min_run_time seconds passed."""
        number = self._block_size(min_run_time)
        return self._measurement(number, self._loop(number, lambda times: True, min_run_time, callback=callback))

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None):
        """As blocked_autorange, but runs on until iqr / median < threshold (after 4 blocks) or max_run_time."""
        number = self._block_size(0.05)

        def stop(times):
            return len(times) > 3 and self._measurement(number, times).meets_confidence(threshold=threshold)

        return self._measurement(number, self._loop(number, stop, min_run_time, max_run_time, callback))
