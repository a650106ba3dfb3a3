"""torch.utils.benchmark.Compare: many Measurements as one table per label (rows: sub_label or stmt, grouped by
thread count; columns: description), in torch's printed layout."""
import enum
import math

from .measurement import Measurement, log10_f32, select_unit, trim_sigfig, unit_to_english

_BEST, _GOOD, _BAD, _VERY_BAD = "\033[92m", "\033[34m", "\033[2m\033[91m", "\033[31m"
_BOLD, _END = "\033[1m", "\033[0m"


class Colorize(enum.Enum):
    """How Compare colours the times: not at all, against the best of a column, or of a row."""
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


def _ordered_unique(items):
    return list(dict.fromkeys(items))


def _leading_digits(value):
    return int(math.ceil(log10_f32(value))) if value > 0 else 0


class _Column:
    """The number format of one column: wide enough for its largest time, decimals from its precision."""

    def __init__(self, grouped, scale, trim, highlight):
        self.grouped = grouped
        flat = [m for group in grouped for m in group]
        self._trim = trim
        self._highlight = highlight and any(m.has_warnings for m in flat if m)
        digits = [(_leading_digits(m.median / scale), m) for m in flat if m is not None]
        units = max(d for d, _ in digits)
        decimals = min(max(m.significant_figures - d, 0) for d, m in digits) if trim else 1
        width = units + decimals + (1 if decimals else 0)
        self._template = f"{{:>{width}.{decimals}f}}{{:>{7 if self._highlight else 0}}}"

    def text(self, value, figures, spread):
        if value is None:
            return " " * len(self.text(1, figures, None))
        if self._trim:
            value = trim_sigfig(value, figures)
        return self._template.format(value, f" (! {spread * 100:.0f}%)" if self._highlight and spread is not None
                                     else "")


def _colour(text, value, best):
    if value <= best * 1.01 or value <= best + 100e-9:
        return _BEST + _BOLD + text + _END * 2
    if value <= best * 1.1:
        return _GOOD + _BOLD + text + _END * 2
    if value >= best * 5:
        return _VERY_BAD + _BOLD + text + _END * 2
    if value >= best * 2:
        return _BAD + text + _END * 2
    return text


class _Table:
    """One label's measurements laid out as text."""

    def __init__(self, results, colorize, trim, highlight):
        self.results, self.label = results, results[0].label
        self._colorize, self._highlight = colorize, highlight
        self.unit, self.scale = select_unit(min(m.median for m in results))
        rows = _ordered_unique((m.num_threads, m.env, m.as_row_name) for m in results)
        rows.sort(key=lambda key: key[:2])   # stable: statements keep their order within a thread count and env
        self.row_keys, self.column_keys = rows, _ordered_unique(m.description for m in results)
        where = {key: i for i, key in enumerate(rows)}
        which = {key: j for j, key in enumerate(self.column_keys)}
        self.cells = [[None] * len(self.column_keys) for _ in rows]
        for m in results:
            self.cells[where[(m.num_threads, m.env, m.as_row_name)]][which[m.description]] = m
        groups, self.group_of, self.thread_break = [], [], []
        envs = {m.env for m in results}
        self.env_width = max(len(e) for e in envs) if len(envs) > 1 else None
        self.show_env, prior_threads, prior_env = [], None, ""
        for (threads, env, _), row in zip(rows, self.cells):
            if threads != prior_threads:
                prior_threads, prior_env = threads, ""
                groups.append([])
            self.thread_break.append(threads if not groups[-1] else None)
            self.show_env.append(self.env_width is not None and env != prior_env)
            self.group_of.append(len(groups) - 1)
            groups[-1].append(row)
            prior_env = env
        self.columns = [_Column([tuple(row[j] for row in group) for group in groups], self.scale, trim, highlight)
                        for j in range(len(self.column_keys))]

    def _row_strings(self, i):
        row = self.cells[i]
        first = next(m for m in row if m is not None)
        env = f"({first.env})" if self.show_env[i] else ""
        out = ["  " + env.ljust((self.env_width or 0) + 4) + first.as_row_name]
        for m, column in zip(row, self.columns):
            out.append(column.text(None, 1, None) if m is None else
                       column.text(m.median / self.scale, m.significant_figures,
                                   m.iqr / m.median if m.has_warnings else None))
        return out

    def _best(self, i):
        row = self.cells[i]
        if self._colorize == Colorize.ROWWISE:
            return [min(m.median for m in row if m is not None)] * len(row)
        if self._colorize == Colorize.COLUMNWISE:
            return [min((m.median for m in c.grouped[self.group_of[i]] if m is not None), default=None)
                    for c in self.columns]
        return [None] * len(row)

    def render(self):
        """The table's text, torch's layout (title rule, header, rows, the unit line)."""
        strings = [[""] + [str(k) if k is not None else "" for k in self.column_keys]]
        strings += [self._row_strings(i) for i in range(len(self.cells))]
        count = max(len(s) for s in strings)
        for s in strings:
            s.extend([""] * (count - len(s)))
        widths = [max(len(s[j]) for s in strings) for j in range(count)]
        lines = ["  |  ".join(text.center(w) for text, w in zip(strings[0], widths))]
        overall = len(lines[0])
        for i, s in enumerate(strings[1:]):
            if self.thread_break[i] is not None:
                lines.append(f"{self.thread_break[i]} threads: ".ljust(overall, "-"))
            cells = [s[0].ljust(widths[0])]
            for text, width, m, best in zip(s[1:], widths[1:], self.cells[i], self._best(i)):
                text = text.center(width)
                if self._colorize != Colorize.NONE and m is not None and best is not None:
                    text = _colour(text, m.median, best)
                cells.append(text)
            lines.append("  |  ".join(cells))
        warned = self._highlight and any(m.has_warnings for m in self.results)
        note = ("(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n" if warned else "")
        title = f" {self.label or ''} ".center(overall - 2, "-")
        return (f"[{title}]\n" + "\n".join(lines) + f"\n\nTimes are in {unit_to_english(self.unit)}s ({self.unit}).\n"
                + note)


class Compare:
    """A table of Measurements (print() it, or str() it): one block per label, replicates of a task pooled."""

    def __init__(self, results):
        self._results = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def extend_results(self, results):
        """Adds more Measurements to the table."""
        results = list(results)
        for r in results:
            if not isinstance(r, Measurement):
                raise ValueError(f"Compare: expected an instance of `Measurement`, got {type(r)} instead; pass what "
                                 f"Timer.timeit / blocked_autorange returned")
        self._results.extend(results)

    def trim_significant_figures(self):
        """Shows each time only to the figures its spread supports."""
        self._trim_significant_figures = True

    def colorize(self, rowwise=False):
        """Colours each time against the best of its column (or of its row when rowwise)."""
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self):
        """Marks times whose spread is large with (! XX%)."""
        self._highlight_warnings = True

    def __str__(self):
        by_label = {}
        for m in Measurement.merge(self._results):
            by_label.setdefault(m.label, []).append(m)
        return "\n".join(_Table(group, self._colorize, self._trim_significant_figures,
                                self._highlight_warnings).render() for group in by_label.values())

    def print(self):
        """Prints the table."""
        print(str(self))
