"""The profiler's summary table, laid out as PyTorch's `key_averages().table()`: right-aligned columns two
spaces apart, dashed rules, and 'Self CPU time total' under it."""

_COLUMN = 12
_GAP = 2


def build_table(events, sort_by=None, header=None, row_limit=100, max_src_column_width=75,
                max_name_column_width=55, max_shapes_column_width=80, with_flops=False, profile_memory=False,
                top_level_events_only=False, time_unit=None):
    """The table of `events` as a string ('' for no events); see EventList.table."""
    if len(events) == 0:
        return ""
    if sort_by is not None:
        attr = sort_by.replace("cuda", "device")
        if not hasattr(events[0], attr):
            raise AttributeError(f"table: cannot sort by {sort_by!r}: events have no such attribute; use one of "
                                 "'cpu_time', 'cpu_time_total', 'self_cpu_time_total', 'count', "
                                 "'cpu_memory_usage', 'self_cpu_memory_usage'")
        events = sorted(events, key=lambda e: getattr(e, attr), reverse=True)
    shown = [e for e in events if not (top_level_events_only and e.cpu_parent is not None)]
    if row_limit is not None and row_limit >= 0:
        shown = shown[:row_limit]
    with_shapes = any(e.input_shapes for e in events)
    stacks = any(e.stack for e in events)
    flops = [e.flops for e in events if e.flops > 0] if with_flops else []

    name_width = min(max(len(e.key) for e in events) + 4, max_name_column_width or 10 ** 9)
    widths = [name_width]
    headers = ["Name", "Self CPU %", "Self CPU", "CPU total %", "CPU total", "CPU time avg"]
    if profile_memory:
        headers += ["CPU Mem", "Self CPU Mem"]
    headers.append("# of Calls")
    widths += [_COLUMN] * (len(headers) - 1)
    if with_shapes:
        headers.append("Input Shapes")
        widths.append(min(max(len(str(e.input_shapes)) for e in events) + 4, max_shapes_column_width or 10 ** 9))
    if stacks:
        src_width = max(len(line) for e in events for line in e.stack) + 4
        headers.append("Source Location")
        widths.append(min(src_width, max_src_column_width or 10 ** 9))
    flops_scale = 1.0
    if flops:
        flops_scale, unit = _flops_unit(min(flops))
        headers.append(f"Total {unit}")
        widths.append(_COLUMN)
    align = [">"] * len(widths)
    if stacks:
        align[headers.index("Source Location")] = "<"

    def row(values):
        return "".join(f"{str(v):{a}{w}}" + " " * _GAP for v, a, w in zip(values, align, widths))

    rule = "".join("-" * w + " " * _GAP for w in widths)
    total = sum(e.self_cpu_time_total for e in events)

    def share(t):
        return "NaN" if total == 0 else f"{t * 100.0 / total:.2f}%"

    def fmt(t):
        if time_unit == "s":
            return f"{t / 1e6:.3f}s"
        if time_unit == "ms":
            return f"{t / 1e3:.3f}ms"
        if time_unit == "us":
            return f"{t:.3f}us"
        return format_time(t)

    lines = []
    if header is not None:
        lines += ["=" * (sum(widths) + _GAP * (len(widths) - 1)), header]
    if top_level_events_only:
        lines += ["=" * (sum(widths) + _GAP * (len(widths) - 1)), "This report only display top-level ops statistics"]
    lines += [rule, row(headers), rule]
    for e in shown:
        name = e.key
        if max_name_column_width is not None and len(name) >= max_name_column_width - 3:
            name = name[:max_name_column_width - 3] + "..."
        values = [name, share(e.self_cpu_time_total), fmt(e.self_cpu_time_total), share(e.cpu_time_total),
                  fmt(e.cpu_time_total), fmt(e.cpu_time)]
        if profile_memory:
            values += [format_memory(e.cpu_memory_usage), format_memory(e.self_cpu_memory_usage)]
        values.append(e.count)
        if with_shapes:
            values.append(str(e.input_shapes)[:widths[len(values)]])
        if stacks:
            values.append(_trim(e.stack[0], widths[len(values)]) if e.stack else "")
        if flops:
            values.append("--" if e.flops <= 0 else f"{e.flops * flops_scale:8.3f}")
        lines.append(row(values))
        if stacks and e.stack:
            blank = [""] * (headers.index("Source Location"))
            for entry in e.stack[1:]:
                lines.append(row(blank + [_trim(entry, widths[len(blank)])]))
            lines.append(row([""] * len(headers)))
    lines += [rule, f"Self CPU time total: {fmt(total)}"]
    return "\n".join(lines) + "\n"


def format_time(time_us):
    """A time in microseconds as PyTorch's tables show it: '12.345us', '1.234ms' or '2.000s'."""
    if time_us >= 1e6:
        return f"{time_us / 1e6:.3f}s"
    if time_us >= 1e3:
        return f"{time_us / 1e3:.3f}ms"
    return f"{time_us:.3f}us"


def format_memory(nbytes):
    """Bytes as PyTorch's tables show them: '96 B', '1.50 KB', '2.00 MB', '1.00 GB'."""
    for limit, unit in ((1024 ** 3, "GB"), (1024 ** 2, "MB"), (1024, "KB")):
        if abs(nbytes) >= limit:
            return f"{nbytes / limit:.2f} {unit}"
    return f"{nbytes} B"


def _flops_unit(smallest):
    units = ["FLOPs", "KFLOPs", "MFLOPs", "GFLOPs", "TFLOPs", "PFLOPs"]
    k = 0
    while k + 1 < len(units) and smallest >= 1000 ** (k + 1):
        k += 1
    return 1000.0 ** -k, units[k]


def _trim(path, width):
    if len(path) > width:
        path = "..." + path[len(path) - width + 3:]
    return path
