"""Measuring cases: building each side, calibrating timed steps, sampling the sides in turns."""
import gc

from .case import OURS, Row
from .timing import calibrate, describe_error, interleave, timed_sampler
from .workloads import cases_for


def measure(case, config, reused=None):
    """Measure every side of `case` -> Row; a side that cannot be built or run is kept as an error.

    `reused` (a dict kept across calls) holds the measurements of sides listed in `case.reuse`.
    """
    reused = {} if reused is None else reused
    sides, errors, samplers = {}, {}, {}
    for name, build in case.builders.items():
        if case.reuse.get(name) in reused:
            continue
        try:
            sides[name] = build()
        except Exception as exc:  # missing package, API mismatch, unavailable device
            errors[name] = f"unavailable: {describe_error(exc)}"
    try:
        stats, run_errors = _sample(sides, samplers, errors, case.rounds or config.rounds, config)
    finally:
        for side in sides.values():
            if side.close is not None:
                side.close()
    errors.update(run_errors)
    for name, side in sides.items():
        if name in stats and side.sampler is None:
            stats[name] = stats[name].convert(case.convert)
    details = {name: dict(side.details) for name, side in sides.items() if side.details}
    for name, key in case.reuse.items():
        if key in reused:
            stats[name], details[name], error = reused[key]
            if error:
                errors[name] = error
        elif name in stats or name in errors:
            reused[key] = (stats.get(name), details.get(name), errors.get(name))
    stats = {name: s for name, s in stats.items() if s is not None}
    details = {name: d for name, d in details.items() if d}
    row = Row(case.workload, case.device, case.unit, stats=stats, errors=errors, details=details,
              higher_is_better=case.higher_is_better, goal=case.goal, note=case.note)
    del sides, samplers
    gc.collect()   # free this case's models before the next one is built
    return row


def _sample(sides, samplers, errors, rounds, config):
    """Calibrate the timed sides, then sample every side in turns -> (stats, errors of the sampling)."""
    for name, side in sides.items():
        if side.sampler is not None:
            samplers[name] = side.sampler
            continue
        try:
            number = calibrate(side.step, side.sync, config.target_s, config.warmup)
        except Exception as exc:
            errors[name] = f"failed: {describe_error(exc)}"
            continue
        samplers[name] = timed_sampler(side.step, side.sync, number)
    return interleave(samplers, rounds)


def run(devices, modules, case_names, config, on_row=lambda row: None):
    """Measure the selected cases of `modules` on every device; `on_row` sees each row as it is done."""
    rows, reused = [], {}
    for device in devices:
        for module in modules:
            try:
                cases = cases_for(module, device, config)
            except Exception as exc:
                cases = []
                row = Row(module, device, "", errors={OURS: f"unavailable: {describe_error(exc)}"})
                rows.append(row)
                on_row(row)
            for case in cases:
                if case.workload in case_names:
                    if config.isolate:
                        from .isolated import measure_isolated
                        row = measure_isolated(module, case, config)
                    else:
                        row = measure(case, config, reused)
                    rows.append(row)
                    on_row(row)
    mark_best_cpu(rows)
    return rows


def mark_best_cpu(rows):
    """For goals judged on the best CPU device only, leave `judged` set on that device's row alone."""
    by_workload = {}
    for row in rows:
        if getattr(row.goal, "best_cpu_only", False) and not row.device.startswith("cuda"):
            by_workload.setdefault(row.workload, []).append(row)
    for group in by_workload.values():
        timed = [r for r in group if OURS in r.stats]
        best = None
        if timed:
            pick = max if group[0].higher_is_better else min
            best = pick(timed, key=lambda r: r.stats[OURS].median)
        for row in group:
            row.judged = row is best
