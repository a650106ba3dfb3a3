"""The numba device's hot loops stay vectorised: LLVM turns them into SIMD loops, or they run 4-16x slower.

A loop stays scalar for reasons that no result check sees (a helper compiled with Python's
zero-division check, a range that starts at a non-zero value, one array too many written per
loop), so this reads the optimised LLVM IR of each key kernel and counts its vectorised loops: a
loop back-edge tagged `llvm.loop.isvectorized` whose body holds <N x float|double> operations.
Every kernel needs at least as many as it had when its loops were measured fast, and no gathers:
a loop vectorised with masked gathers and scatters (LLVM's way out when it cannot prove an access
contiguous, as for the LSTM cell's loop `for k in range(2 * hidden, 3 * hidden)`) counts as
vectorised but ran 2x slower than the same loop indexed from 0.

The kernels compile in a child process with an empty Numba cache folder: Numba shows no IR for
kernels it loads from the cache, and a cached helper could not be inlined into a fresh caller.
"""
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("numba")

from tests.helpers import fresh_compile_check  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The child: runs each kernel for float32 and float64 and writes {name: [IR of each signature]}.
CHILD = textwrap.dedent("""
    import json, sys
    import numpy as np
    import backends.numba_backend
    from numba import njit
    from backends.numba_kernels import (activation, batch_norm, conv_direct, fused, optim, pool, recurrence, rnn,
                                        scatter, softmax)
    from backends.numba_kernels.vecmath import vexp, vexpm1, vsigmoid, vtanh

    def loop(f, **options):
        def body(x, y):
            for k in range(x.shape[0]):
                y[k] = f(x[k])
        return njit(**options)(body)

    # each function in a loop compiled as the kernels are (error_model="numpy") and with Numba's
    # defaults (error_model="python", as in a user's own @njit code), without the disk cache
    probes = {}
    for f in (vexp, vtanh, vsigmoid, vexpm1):
        probes[f.__name__] = loop(f, error_model="numpy")
        probes[f.__name__ + " (numba defaults)"] = loop(f)
    rng = np.random.default_rng(0)
    fused_kernels = []
    for dt in (np.float32, np.float64):
        x = rng.standard_normal(64).astype(dt)
        for probe in probes.values():
            probe(x, np.empty_like(x))
        for name in activation.CODES:
            y = activation.act_forward(name, x)
            activation.act_backward(name, x, y, x)
        gates, c = rng.standard_normal((4, 64)).astype(dt), rng.standard_normal((4, 16)).astype(dt)
        h, c2, cache = rnn.lstm_cell(gates, c)
        rnn.lstm_cell_grad(cache, c, h, c2)
        gi, gh = rng.standard_normal((4, 48)).astype(dt), rng.standard_normal((4, 48)).astype(dt)
        h, cache = rnn.gru_cell(gi, gh, c)
        rnn.gru_cell_grad(cache, c, h)
        p = rng.standard_normal(64).astype(dt)
        optim.sgd_step(p, x, np.zeros_like(p), 0.1, 0.9, 0.0, False, 0.0, False)
        optim.adam_step(p, x, np.zeros_like(p), np.zeros_like(p), None, 1, 1e-3, 0.9, 0.999, 1e-8, 0.0, False, False)
        xb = rng.standard_normal((4, 3, 16)).astype(dt)
        mean, var = batch_norm.stats(xb)
        ones = np.ones(3, dt)
        batch_norm.normalize(xb, mean.astype(dt), ones, ones)
        batch_norm.backward(xb, xb, mean.astype(dt), ones, ones, True, True)
        rows = xb.reshape(-1, 3, 1)   # BatchNorm1d's (N, C) input: the row-by-row kernels
        batch_norm.backward(rows, rows, batch_norm.stats(rows)[0].astype(dt), ones, ones, True, True)
        logits = rng.standard_normal((4, 40)).astype(dt)
        softmax.softmax(logits)
        softmax.log_softmax(logits)
        softmax.cross_entropy_grad(softmax.log_softmax(logits), np.arange(4), np.ones(4, dt), -100, 0.1)
        for mode, parts in (("lstm", 4), ("gru", 3), ("rnn_tanh", 1)):
            gx = rng.standard_normal((3, 2, parts * 8)).astype(dt)
            h0, w = np.zeros((2, 8), dt), rng.standard_normal((parts * 8, 8)).astype(dt)
            c0 = h0 if mode == "lstm" else None
            b_hh = np.zeros(parts * 8, dt) if mode == "gru" else None
            ys, cs, cache = recurrence.recurrence_forward(mode, gx, h0, c0, w, b_hh, False)
            recurrence.recurrence_backward(mode, ys, None, None, ys, cs, h0, c0, cache, w, False)
        planes = rng.standard_normal((2, 3, 40, 40)).astype(dt)   # 20-window rows: the long-row kernel
        pool.max_pool2d(planes, (2, 2), (2, 2), (0, 0), (1, 1), False)
        scatter.index_add(np.zeros((5, 16), dt), np.array([0, 3, 3]), rng.standard_normal((3, 16)).astype(dt))
        images, filters = rng.standard_normal((2, 3, 8, 8)).astype(dt), rng.standard_normal((4, 3, 3, 3)).astype(dt)
        out = conv_direct.conv2d(images, filters, (8, 8), (1, 1), (1, 1))
        conv_direct.conv2d_grad_weight(out, images, filters.shape, (1, 1), (1, 1))
        kernel = fused.compile_program(np.dtype(dt).name, ["a", "b"], ["y", "g"],
                                       [("multiply", "t", "a", "b"), ("act_sigmoid", "y", "t"),
                                        ("subtract", "u", ("k", 1.0), "y"), ("multiply", "g", "u", "y")])
        kernel(x, x, np.empty_like(x), np.empty_like(x))
        fused_kernels.append(kernel)

    dispatchers = {**probes, "fused": fused_kernels[0]}
    for module in (activation, batch_norm, conv_direct, optim, pool, recurrence, rnn, scatter, softmax):
        for name, value in vars(module).items():
            if hasattr(value, "inspect_llvm") and value.__module__ == module.__name__:
                dispatchers[module.__name__.rsplit(".", 1)[1] + "." + name] = value
    out = {}
    for name, d in dispatchers.items():
        out[name] = [d.inspect_llvm(sig) for sig in d.signatures]
    out["fused"] += [fused_kernels[1].inspect_llvm(sig) for sig in fused_kernels[1].signatures]
    json.dump(out, open(sys.argv[1], "w"))
""")

#: kernel -> how many vectorised loops each of its float32/float64 versions has (Numba 0.68, LLVM 20).
#: More than the source's element loops where LLVM versions a loop (unswitching on a flag, an alias
#: check): the LSTM cell's 6 loops give 10. A lower count means some loop went scalar; a newer
#: LLVM that versions loops differently may need the table re-measured (vectorised_loops below).
EXPECTED = {
    **{name: 1 for name in ("vexp", "vtanh", "vsigmoid", "vexpm1")},
    **{name + " (numba defaults)": 1 for name in ("vexp", "vtanh", "vsigmoid", "vexpm1")},
    "rnn.lstm_cell_kernel": 10, "rnn.lstm_cell_grad_kernel": 6, "rnn._gru": 6, "rnn._gru_grad": 1,
    "activation._forward": 11, "activation._backward": 9,
    "optim._sgd": 12, "optim._adam": 7,
    "batch_norm._stats": 6, "batch_norm._stats_rows": 2, "batch_norm._normalize": 1, "batch_norm._sums_of": 5,
    "batch_norm._sums_of_rows": 1, "batch_norm._input_grad": 1,
    "softmax._softmax": 3, "softmax._log_softmax": 3, "softmax._cross_entropy_grad": 1,
    "recurrence._lstm_forward": 11, "recurrence._lstm_backward": 7, "recurrence._gru_forward": 7,
    "recurrence._gru_backward": 4, "recurrence._rnn_forward": 2, "recurrence._rnn_backward": 2,
    "pool._max_pool_2x2": 1, "scatter._index_add": 1,
    # the direct convolutions' passes are register tiles written with explicit vectors (simd.py), which
    # LLVM's loop vectoriser does not tag: only the copies in and out of the padded buffers are its
    # loops; the tiles are checked by test_register_tiles_are_vector_fmas
    "conv_direct._forward_3x3_stride1": 2, "conv_direct._grad_weight_3x3_stride1": 2,
    "fused": 1,
}
TILED = ("conv_direct._forward_3x3_stride1", "conv_direct._grad_weight_3x3_stride1")

_DEFINE = re.compile(r"^define ([^\n]*)\{$(.*?)^\}$", re.S | re.M)
_LABEL = re.compile(r"^([\w.$-]+):", re.M)
_TARGET = re.compile(r"label %([\w.$-]+)")
_VECTOR_FP = re.compile(r"<\d+ x (?:float|double)>")
_GATHER = re.compile(r"call [^\n]*@llvm\.masked\.(?:gather|scatter)")


def vectorised_loops(ir):
    """How many loops of the module `ir` LLVM vectorised: back-edges tagged with loop metadata that
    says `llvm.loop.isvectorized` (LLVM tags the vector loop and its scalar remainder so) whose
    body, the blocks from the loop header to the back-edge, holds vector float operations. Numba's
    Python and C wrappers are skipped, and so are the epilogue vector loops that LLVM adds after a
    vectorised loop for its remainder (one source loop, one count)."""
    nodes = dict(re.findall(r"^(!\d+) = (?:distinct )?(!\{.*\})$", ir, re.M))
    flags = {k for k, v in nodes.items() if '"llvm.loop.isvectorized"' in v}
    tagged = {k for k, v in nodes.items() if flags.intersection(re.findall(r"!\d+", v))}
    count = 0
    for function in _DEFINE.finditer(ir):
        if "cpython" in function.group(1) or "@cfunc." in function.group(1):
            continue   # Numba's wrappers, which may hold an inlined copy of the kernel
        parts = _LABEL.split(function.group(2))
        labels = ["entry"] + parts[1::2]
        blocks = [parts[0]] + parts[2::2]
        index = {label: i for i, label in enumerate(labels)}
        for i, text in enumerate(blocks):
            if labels[i].startswith("vec.epilog"):
                continue   # a second, shorter vector loop for a vectorised loop's remainder
            last = text.strip().splitlines()[-1] if text.strip() else ""
            md = re.search(r"!llvm\.loop (!\d+)", last)
            if not md or md.group(1) not in tagged:
                continue
            headers = [index[t] for t in _TARGET.findall(last) if t in index and index[t] <= i]
            if headers and _VECTOR_FP.search("".join(blocks[min(headers):i + 1])):
                count += 1
    return count


@pytest.fixture(scope="module")
def kernel_ir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("numba_ir")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(folder / "cache"), PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, "-c", CHILD, str(folder / "ir.json")], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(folder / "ir.json") as f:
        return json.load(f)


def test_vectorised_loops_counts_the_vector_loops_of_known_ir():
    numba = pytest.importorskip("numba")
    import numpy as np

    def two_loops(x, y, z):
        for k in range(x.shape[0]):
            y[k] = x[k] * 2.0
        for k in range(x.shape[0]):
            z[k] = z[k - 1] + x[k]      # a recurrence: never vectorised
    kernel = numba.njit(error_model="numpy")(two_loops)
    x = np.ones(8)
    kernel(x, np.empty_like(x), np.zeros_like(x))
    assert vectorised_loops(kernel.inspect_llvm(kernel.signatures[0])) == 1


@fresh_compile_check
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_kernel_loops_are_vectorised(kernel_ir, name):
    versions = kernel_ir[name]
    assert len(versions) >= 2, f"{name}: expected float32 and float64 versions, got {len(versions)}"
    counts = [vectorised_loops(ir) for ir in versions]
    expected = EXPECTED[name]
    assert min(counts) >= expected, (
        f"{name}: LLVM vectorised {counts} loops (one count per compiled version), expected at least {expected} in each: "
        "a loop went scalar (a helper without error_model='numpy', a range starting off zero, a loop "
        "writing too many arrays?); see the module docstring")
    gathers = [len(_GATHER.findall(ir)) for ir in versions]
    assert not any(gathers), (
        f"{name}: {gathers} masked gathers/scatters (one count per compiled version): some loop's "
        "accesses are no longer provably contiguous (index it from 0, offsets inside the index)")


@fresh_compile_check
@pytest.mark.parametrize("name", sorted(TILED))
def test_register_tiles_are_vector_fmas(kernel_ir, name):
    """The register-tiled passes compile to fused multiply-adds on whole vectors of this host's width
    (simd.WIDTH: 16 float32 / 8 float64 lanes with AVX-512, 8 / 4 without), not to scalar code, in both
    versions of each kernel."""
    from backends.numba_kernels import simd
    fma = re.compile(rf"call [^\n]*@llvm\.fma\.v(?:{simd.WIDTH // 4}f32|{simd.WIDTH // 8}f64)\(")
    for ir in kernel_ir[name]:
        assert fma.search(ir), f"{name}: no {simd.WIDTH}-byte vector FMA in its IR"
