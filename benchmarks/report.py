"""Presenting rows: a text table for stdout, JSON, Markdown, and an optional bar chart of ratios."""
import json

from .case import OURS
from .floor import FLOOR

#: max/min of a side's samples above which its row is flagged as noisy
NOISY_SPREAD = 1.5

HEADERS = ("workload", "device", "unit", "deepgrad median [min-max]", "torch median [min-max]", "ours/torch",
           "goal", "met?", "note")


def fmt(value):
    """A number with about three significant digits and no exponent for everyday magnitudes."""
    if value is None:
        return "-"
    size = abs(value)
    if size >= 100 or size == 0:
        return f"{value:.0f}"
    if size >= 10:
        return f"{value:.1f}"
    if size >= 0.01:
        return f"{value:.2f}" if size >= 1 else f"{value:.3f}"
    return f"{value:.2e}"


def stats_cell(stats):
    """'median [min-max]' of a Stats; the single value when there is one sample."""
    if len(stats.samples) == 1:
        return fmt(stats.median)
    return f"{fmt(stats.median)} [{fmt(stats.min)}-{fmt(stats.max)}]"


def met_cell(met):
    """'yes', 'NO', or '-' when not judged."""
    return "-" if met is None else ("yes" if met else "NO")


def table_rows(rows):
    """(list of cell tuples, list of footnotes) for the rows; side errors become numbered footnotes."""
    cells, notes = [], []

    numbers = {}   # error text -> footnote number, so a repeated error is listed once

    def side(row, name):
        if name in row.stats:
            return stats_cell(row.stats[name])
        if name in row.errors:
            error = row.errors[name]
            if error not in numbers:
                numbers[error] = len(numbers) + 1
                notes.append(f"[{numbers[error]}] {error}")
            return f"{error.split(':')[0]} [{numbers[error]}]"
        return "-"

    for row in rows:
        goal, met = row.judge()
        extra = [f"{name} {stats_cell(s)}" for name, s in row.stats.items() if name not in (OURS, "torch")]
        extra += [f"{name} extra {fmt(d['peak_extra_bytes'] / 2 ** 20)} MB" for name, d in row.details.items()
                  if "peak_extra_bytes" in d]
        extra += [f"{name}: {side(row, name)}" for name in row.errors if name not in (OURS, "torch")]
        if FLOOR in row.stats and "torch" in row.stats:   # how low a ratio the machine allows at all
            extra.append(f"floor/torch {row.stats[FLOOR].median / row.stats['torch'].median:.2f}")
        noisy = [f"{name} x{s.spread:.1f}" for name, s in row.stats.items() if s.spread > NOISY_SPREAD]
        extra += [f"NOISY max/min {', '.join(noisy)}"] * bool(noisy)
        ratio = row.ratio
        cells.append((row.workload, row.device, row.unit, side(row, OURS), side(row, "torch"),
                      "-" if ratio is None else f"{ratio:.2f}", goal or "-", met_cell(met),
                      "; ".join([row.note] * bool(row.note) + extra)))
    return cells, notes


def format_table(rows, machine_lines=()):
    """The report as aligned text: machine summary, table, legend and footnotes."""
    cells, notes = table_rows(rows)
    widths = [max(len(str(c)) for c in column) for column in zip(HEADERS, *cells)]
    line = lambda values: "  ".join(str(v).ljust(w) for v, w in zip(values, widths)).rstrip()
    out = list(machine_lines) + [""] * bool(machine_lines)
    out += [line(HEADERS), line("-" * w for w in widths)] + [line(c) for c in cells]
    out += ["", "ours/torch is deepgrad's median over PyTorch's in the row's unit: below 1 is better for times "
            "and memory, above 1 for GFLOP/s."]
    if any("NOISY" in c[-1] for c in cells):
        out.append(f"NOISY: a side's slowest sample is over {NOISY_SPREAD}x its fastest (a busy machine); rerun "
                   "before trusting that row.")
    return "\n".join(out + notes) + "\n"


def format_markdown(rows, machine_lines=()):
    """The report as Markdown: machine summary as a list, then the table and footnotes."""
    cells, notes = table_rows(rows)
    esc = lambda v: str(v).replace("|", "\\|")
    out = ["# deepgrad benchmarks", ""] + [f"- {esc(l)}" for l in machine_lines] + [""] * bool(machine_lines)
    out += ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += ["| " + " | ".join(esc(v) for v in c) + " |" for c in cells]
    if notes:
        out += [""] + [f"{esc(n)}  " for n in notes]
    return "\n".join(out) + "\n"


def write_json(path, rows, machine=None, config=None):
    """Write rows, machine description and run settings to `path` as JSON."""
    data = {"machine": machine, "config": config, "rows": [row.to_dict() for row in rows]}
    with open(path, "w") as f:
        json.dump(data, f, indent=2)


def write_markdown(path, rows, machine_lines=()):
    """Write format_markdown's text to `path`."""
    with open(path, "w") as f:
        f.write(format_markdown(rows, machine_lines))


def write_plot(path, rows):
    """A bar chart of each row's judged ratio (ours/torch, or ours/numpy for matmul) with its goal marked.

    Needs matplotlib (uses the Agg backend, no display); raises ImportError naming it when missing.
    """
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("--plot needs matplotlib: pip install matplotlib") from None
    bars = []
    for row in rows:
        goal = row.goal
        ratio = goal.ratio(row) if goal is not None else row.ratio
        if ratio is not None:
            bars.append((f"{row.workload}\n{row.device}", ratio, getattr(goal, "limit", None), row.judge()[1]))
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * len(bars) + 2), 4.5))
    colors = {True: "tab:green", False: "tab:red", None: "tab:gray"}
    for i, (label, ratio, limit, met) in enumerate(bars):
        ax.bar(i, ratio, color=colors[met])
        ax.annotate(f"{ratio:.2f}", (i, ratio), ha="center", va="bottom", fontsize=8)
        if limit is not None:
            ax.hlines(limit, i - 0.45, i + 0.45, colors="black", linestyles="--", linewidth=1.5)
    ax.axhline(1.0, color="gray", linewidth=0.8)
    ax.set_xticks(range(len(bars)), [b[0] for b in bars], fontsize=8)
    ax.set_ylabel("deepgrad / reference (median)")
    ax.set_title("deepgrad vs PyTorch (matmul: vs NumPy)\ndashed: goal; green met, red missed, grey not judged",
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
