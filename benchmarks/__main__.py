"""python -m benchmarks: run the workloads on every device, beside PyTorch, and report the ratios."""
import os
import sys

from .machine import THREAD_VARIABLES


def _threads_in(argv):
    """The value of --threads in `argv` as a string, or None."""
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return None


# BLAS and Numba read their thread counts once, when first imported: set them before anything imports numpy.
_EARLY_THREADS = _threads_in(sys.argv[1:]) if __name__ == "__main__" else None
if _EARLY_THREADS and _EARLY_THREADS.isdigit() and int(_EARLY_THREADS) > 0 and "numpy" not in sys.modules:
    for _name in THREAD_VARIABLES:
        os.environ[_name] = _EARLY_THREADS

import argparse  # noqa: E402
import time  # noqa: E402

from . import machine, report  # noqa: E402
from .case import OURS, Config  # noqa: E402
from .runner import run  # noqa: E402
from .sides import thread_count  # noqa: E402
from .workloads import WORKLOADS, resolve  # noqa: E402


def parse_args(argv=None):
    """The command line as an argparse Namespace."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--device", action="append", default=[],
                   help="device(s) to run, repeatable or comma-separated (default: every available one)")
    p.add_argument("--suite", default="",
                   help=f"comma-separated workloads (default: all): {', '.join(WORKLOADS)}, "
                        "or single cases such as mlp_autograd")
    p.add_argument("--quick", action="store_true", help="fewer repeats and smaller sizes (under a minute)")
    p.add_argument("--threads", type=int, default=None,
                   help="CPU threads for BLAS, Numba and PyTorch (default: every usable core)")
    p.add_argument("--isolate", action="store_true",
                   help="measure each side in a process of its own (no library's idle threads beside the other's)")
    p.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    p.add_argument("--markdown", metavar="PATH", help="also write the report as Markdown")
    p.add_argument("--plot", metavar="PATH", help="also draw a bar chart of the ratios (needs matplotlib)")
    args = p.parse_args(argv)
    if args.threads is not None and args.threads < 1:
        p.error(f"--threads must be a positive integer, got {args.threads}")
    args.device = [d.strip() for group in args.device for d in group.split(",") if d.strip()]
    args.suite = [s.strip() for s in args.suite.split(",") if s.strip()] or list(WORKLOADS)
    try:
        args.modules, args.cases = resolve(args.suite)
    except ValueError as exc:
        p.error(str(exc))
    return args


def available_devices():
    """backends.available(), or ['cpu'] with a warning when no device can be listed (its rows will say why)."""
    try:
        import backends
        names = backends.available()
    except Exception as exc:
        names, why = [], f"{type(exc).__name__}: {exc}"
    else:
        why = "backends.available() is empty"
    if not names:
        print(f"warning: no deepgrad device found ({why}); running 'cpu' so its rows say why", file=sys.stderr)
    return names or ["cpu"]


def apply_threads(threads, explicit):
    """Run PyTorch on `threads` threads; when `explicit` (--threads given), also limit BLAS and Numba
    if they were imported before the environment variables could take effect."""
    if explicit and "numpy" in sys.modules and os.environ.get("OPENBLAS_NUM_THREADS") != str(threads):
        try:
            from threadpoolctl import threadpool_limits
            threadpool_limits(threads)
        except ImportError:
            print("warning: NumPy was imported before --threads could take effect and threadpoolctl is not "
                  "installed; BLAS keeps its own thread count", file=sys.stderr)
    numba = sys.modules.get("numba")
    if explicit and numba is not None:
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        import torch
        torch.set_num_threads(threads)
    except ImportError:
        pass


def progress(row, started):
    """One line on stderr per finished row, so long runs show where they are."""
    parts = []
    for name in (OURS, "torch"):
        if name in row.stats:
            parts.append(f"{name} {report.fmt(row.stats[name].median)}")
        elif name in row.errors:
            error = row.errors[name]
            parts.append(f"{name} {error if len(error) < 100 else error[:97] + '...'}")
    print(f"[{time.perf_counter() - started:6.1f} s] {row.workload} on {row.device} ({row.unit}): "
          + ", ".join(parts), file=sys.stderr, flush=True)


def main(argv=None):
    """Run the suite as the command line says; returns 0, or 1 when any deepgrad measurement is missing."""
    args = parse_args(argv)
    threads = args.threads or thread_count()
    apply_threads(threads, explicit=args.threads is not None)
    config = Config(quick=args.quick, threads=threads, rounds=3 if args.quick else 7,
                    target_s=0.05 if args.quick else 0.2, warmup=1 if args.quick else 2, isolate=args.isolate)
    known = available_devices()
    devices = args.device or known
    for device in devices:
        if device not in known:
            print(f"warning: device {device!r} is not available here (available: {', '.join(known)}); "
                  "its rows will say why", file=sys.stderr)
    info = machine.describe()
    lines = machine.summary_lines(info) + [f"devices: {', '.join(devices)}; threads: {threads}; "
                                           f"{'quick' if args.quick else 'full'} run"
                                           f"{'; each side in its own process' if args.isolate else ''}"]
    started = time.perf_counter()
    rows = run(devices, args.modules, args.cases, config, on_row=lambda row: progress(row, started))
    if not rows:
        print("nothing to run: the chosen workloads have no case on the chosen devices "
              "(large runs on cuda devices only)", file=sys.stderr)
    print(report.format_table(rows, lines), end="", flush=True)
    if args.json:
        report.write_json(args.json, rows, info, {"devices": devices, "suite": args.suite, "quick": args.quick,
                                                  "threads": threads, "rounds": config.rounds,
                                                  "target_s": config.target_s})
    if args.markdown:
        report.write_markdown(args.markdown, rows, lines)
    if args.plot:
        report.write_plot(args.plot, rows)
    missing = [f"{row.workload} on {row.device}" for row in rows if OURS not in row.stats]
    if missing:
        print(f"error: deepgrad was not measured for {len(missing)} row(s): {', '.join(missing)} "
              "(the footnotes say why)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
