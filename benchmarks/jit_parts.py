"""Where an `ag.jit` replay's time goes: `python -m benchmarks.jit_parts --device cuda`.

Times the `ops` and `mlp` steps eager and replayed, then profiles the replays (cProfile, host time per
function), so that a replay slower than its kernels can be traced to the Python around them: guards,
input copies, graph launches, host entries, output copies.
"""
import argparse
import cProfile
import io
import pstats
from .conv_parts import median_ms
from .workloads import mlp, ops


def profile(device, calls, rows):
    """Print eager and replay times of each step and the replay's cProfile table (top `rows` by own time)."""
    import autograd as ag
    for name, build in (("ops", lambda: ops.build_ours(device)), ("mlp", lambda: mlp.build_ours(device))):
        side = build()
        compiled = ag.jit(side.step)
        compiled()
        compiled()                     # eager, then the capture
        eager = median_ms(side.step, side.sync, repeats=5, number=calls)
        replay = median_ms(compiled, side.sync, repeats=5, number=calls)
        print(f"\n{name} on {device}: eager {eager:.3f} ms/step, replay {replay:.3f} ms/step")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            compiled()
        side.sync()
        profiler.disable()
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(rows)
        print(text.getvalue().split("\n", 4)[-1], flush=True)


def main(argv=None):
    """Parse arguments and print the tables."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.jit_parts", description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rows", type=int, default=15)
    args = parser.parse_args(argv)
    profile(args.device, args.calls, args.rows)


if __name__ == "__main__":
    main()
