"""Mutation check: plant known bugs one at a time in a temporary copy of the repository and assert that each
one fails some test. Run on demand (minutes, not part of CI):

    python -m tests.mutation_check              # every mutation, then a table
    python -m tests.mutation_check --list       # the mutations and the tests each runs
    python -m tests.mutation_check --only var_denominator_off_by_one sgd_dampening_ignored

Each mutation is an exact text replacement that must match once, so a refactor that moves the code makes the
check fail loudly (update the snippet) instead of passing without planting anything. The tests run on the
`cpu` device with DEEPGRAD_REQUIRE_ORACLE=1, stopping at the first failure; first the same test files run on
the unchanged copy, which must pass. Exit status 0 when every mutation was caught.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Mutation:
    name: str
    path: str          # file to change, relative to the repository root
    old: str           # exact text, present once
    new: str
    tests: tuple       # pytest arguments: the files that should catch it


MUTATIONS = [
    Mutation("depthwise_stride1_grad_input_filter_not_flipped", "backends/numpy_kernels/conv_depthwise.py",
             "np.ascontiguousarray(w[:, :, ::-1, ::-1])", "np.ascontiguousarray(w)",
             ("tests/backends/test_conv_depthwise.py",)),
    Mutation("max_pool1d_output_detached", "nn/functional/pooling.py",
             '    op = "max_pool1d"\n    x_axes = _pool_input(op, input, 1)\n',
             '    op = "max_pool1d"\n    x_axes = _pool_input(op, input, 1)\n    input = input.detach()\n',
             ("tests/nn/test_pooling.py",)),
    Mutation("var_denominator_off_by_one", "autograd/ops/reduction.py",
             "return float(builtins.max(count - ddof, 0))", "return float(builtins.max(count - ddof + 1, 0))",
             ("tests/autograd/test_reductions.py",)),
    Mutation("sub_gradient_wrong_sign", "autograd/ops/elementwise.py",
             "unbroadcast(-gy, sb) if need[1]", "unbroadcast(gy, sb) if need[1]",
             ("tests/autograd/test_elementwise.py",)),
    Mutation("unbroadcast_skips_stretched_axes", "autograd/broadcast.py",
             "axes = tuple(range(extra)) + tuple(i + extra for i, n in enumerate(shape) if n == 1 and "
             "gshape[i + extra] != 1)",
             "axes = tuple(range(extra))",
             ("tests/autograd/test_elementwise.py",)),
    Mutation("float16_mean_1_percent_high", "autograd/ops/reduction.py",
             "        ctx.count = int(np.prod([x.shape[a] for a in ctx.axes])) if ctx.axes else 1\n"
             "        return x.mean(axis=ctx.axes, keepdims=keepdims)\n",
             "        ctx.count = int(np.prod([x.shape[a] for a in ctx.axes])) if ctx.axes else 1\n"
             "        out = x.mean(axis=ctx.axes, keepdims=keepdims)\n"
             "        return out * np.float16(1.01) if x.dtype == np.float16 else out\n",
             ("tests/autograd/test_reductions.py", "tests/autograd/test_reduced_precision.py")),
    Mutation("float32_var_gradient_0.1_percent_high", "autograd/ops/reduction.py",
             'return g * centered * (2.0 / ctx.denom if ctx.denom else float("inf"))',
             'return g * centered * (2.0 / ctx.denom if ctx.denom else float("inf")) * '
             '(1.001 if x.dtype == np.float32 else 1.0)',
             ("tests/autograd/test_reductions.py", "tests/autograd/test_reduced_precision.py")),
    Mutation("relu_gradient_one_at_zero", "backends/numpy_kernels/activation.py",
             "return np.multiply(gy, x > 0, dtype=np.result_type(gy, x))",
             "return np.multiply(gy, x >= 0, dtype=np.result_type(gy, x))",
             ("tests/autograd/test_elementwise.py",)),
    Mutation("softmax_gradient_drops_the_sum_term", "backends/array_kernels/softmax.py",
             "    xp.subtract(gy, s, out=g)\n", "    g[...] = gy\n",
             ("tests/nn/test_activations.py",)),
    Mutation("repeated_indices_not_accumulated", "backends/numpy_kernels/scatter.py",
             "    parts = index if isinstance(index, tuple) else (index,)\n    arrays = ",
             "    out[index] += src   # buffered: a repeated index counts once\n    return\n"
             "    parts = index if isinstance(index, tuple) else (index,)\n    arrays = ",
             ("tests/autograd/test_indexing.py",)),
    Mutation("version_counter_check_disabled", "autograd/engine.py",
             "        if modified_since(arr, node._save_tick):", "        if False:",
             ("tests/autograd/test_engine.py", "tests/autograd/test_errors.py")),
    Mutation("cross_entropy_label_smoothing_gradient_ignored", "backends/array_kernels/softmax.py",
             "        g -= label_smoothing / logp.shape[1]\n", "        pass\n",
             ("tests/nn/test_losses.py",)),
    Mutation("batch_norm_running_var_biased", "autograd/ops/normalization.py",
             "running_var += (momentum * count / (count - 1)) * var", "running_var += momentum * var",
             ("tests/nn/test_normalization.py",)),
    Mutation("embedding_padding_row_gets_gradient", "autograd/ops/embedding.py",
             "            gw[ctx.padding_idx] = 0\n", "            pass\n",
             ("tests/nn/test_embedding.py",)),
    Mutation("lstm_forget_gate_gradient_uses_input_gate", "backends/numpy_kernels/rnn.py",
             "np.multiply(dc, c_prev, out=g_gates[:, hidden:2 * hidden])",
             "np.multiply(dc, i, out=g_gates[:, hidden:2 * hidden])",
             ("tests/nn/test_recurrent.py",)),
    Mutation("attention_scale_1_over_d", "nn/functional/attention.py",
             "scale = 1.0 / math.sqrt(query.shape[-1])", "scale = 1.0 / query.shape[-1]",
             ("tests/nn/test_attention.py",)),
    Mutation("sgd_momentum_dampening_ignored", "nn/optim/sgd.py",
             "buf += d if dampening == 0 else (1 - dampening) * d", "buf += d",
             ("tests/nn/test_optim.py",)),
    Mutation("adam_bias_correction_one_step_ahead", "nn/optim/adam.py",
             "denom /= math.sqrt(1 - beta2 ** step)", "denom /= math.sqrt(1 - beta2 ** (step + 1))",
             ("tests/nn/test_optim.py",)),
    Mutation("clip_grad_norm_scales_up_small_gradients", "nn/utils/clip_grad.py",
             "scale = xp.minimum(max_norm / (total + 1e-6), 1.0)", "scale = max_norm / (total + 1e-6)",
             ("tests/nn/test_clip_grad.py",)),
    Mutation("step_lr_decays_one_epoch_early", "nn/optim/lr_scheduler.py",
             "factor = self.gamma ** (self.last_epoch // self.step_size)",
             "factor = self.gamma ** ((self.last_epoch + 1) // self.step_size)",
             ("tests/nn/test_lr_scheduler.py",)),
    Mutation("dataloader_drops_the_last_partial_batch", "nn/data/loader.py",
             "return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)",
             "return n // self.batch_size",
             ("tests/nn/test_dataloader.py",)),
]


def _copy_repository(dest):
    ignore = shutil.ignore_patterns(".git", "__pycache__", "*.pyc", ".pytest_cache", "*.egg-info", ".venv")
    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=True)


def _source(root, mutation):
    """The text of the mutated file under `root`, checked to hold the snippet exactly once."""
    with open(os.path.join(root, mutation.path), encoding="utf-8") as f:
        text = f.read()
    found = text.count(mutation.old)
    if found != 1:
        raise SystemExit(f"mutation {mutation.name}: the text to replace occurs {found} times in {mutation.path} "
                         f"(expected once); update the snippet in tests/mutation_check.py")
    return text


def _plant(copy, mutation):
    text = _source(copy, mutation)
    with open(os.path.join(copy, mutation.path), "w", encoding="utf-8") as f:
        f.write(text.replace(mutation.old, mutation.new))


def _pytest(copy, tests, timeout):
    """(return code, first failing test id or None, seconds) of pytest on `tests` inside `copy`."""
    env = dict(os.environ, DEEPGRAD_TEST_DEVICES="cpu", DEEPGRAD_REQUIRE_ORACLE="1", PYTHONPATH=copy,
               PYTHONDONTWRITEBYTECODE="1")
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider", *tests]
    start = time.perf_counter()
    try:
        run = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, time.perf_counter() - start
    seconds = time.perf_counter() - start
    first = re.search(r"^(?:FAILED|ERROR) (.+?)(?: - .*)?$", run.stdout, re.M)   # ids may hold spaces
    return run.returncode, first.group(1) if first else None, seconds


def _table(rows):
    lines = ["| mutation | caught by | time (s) |", "|---|---|---|"]
    lines += [f"| {name} | {caught or 'NOT CAUGHT'} | {seconds:.1f} |" for name, caught, seconds in rows]
    return "\n".join(lines)


def main(argv=None):
    """Run the mutations (all, or --only NAMES); print a table; exit 1 if one was not caught."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and exit")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run on the unchanged copy")
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed per pytest run")
    args = parser.parse_args(argv)
    chosen = MUTATIONS
    if args.only:
        unknown = set(args.only) - {m.name for m in MUTATIONS}
        if unknown:
            parser.error(f"unknown mutations {sorted(unknown)}; see --list")
        chosen = [m for m in MUTATIONS if m.name in args.only]
    for m in chosen:
        _source(ROOT, m)
    if args.list:
        for m in chosen:
            print(f"{m.name:50s} {m.path:40s} {' '.join(m.tests)}")
        return 0

    with tempfile.TemporaryDirectory(prefix="deepgrad-mutation-") as tmp:
        if not args.no_baseline:
            clean = os.path.join(tmp, "baseline")
            _copy_repository(clean)
            tests = sorted({t for m in chosen for t in m.tests})
            code, failed, seconds = _pytest(clean, tests, args.timeout)
            if code != 0:
                print(f"baseline: the unchanged code fails ({failed or f'exit status {code}'}); fix that first")
                return 2
            print(f"baseline: {len(tests)} test files pass on the unchanged code ({seconds:.0f} s)", flush=True)
        rows = []
        for k, mutation in enumerate(chosen):
            copy = os.path.join(tmp, f"m{k}")
            _copy_repository(copy)
            _plant(copy, mutation)
            code, failed, seconds = _pytest(copy, mutation.tests, args.timeout)
            caught = failed if code in (1, 2) else None   # 1: a test failed, 2: collection failed
            rows.append((mutation.name, caught, seconds))
            print(f"{mutation.name}: {caught or 'NOT CAUGHT'} ({seconds:.1f} s)", flush=True)
            shutil.rmtree(copy, ignore_errors=True)
    print()
    print(_table(rows))
    missed = [name for name, caught, _ in rows if not caught]
    if missed:
        print(f"\n{len(missed)} of {len(rows)} mutations not caught: {', '.join(missed)}")
        return 1
    print(f"\nall {len(rows)} mutations caught")
    return 0


if __name__ == "__main__":
    sys.exit(main())
