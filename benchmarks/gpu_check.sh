#!/bin/bash
# Every GPU check in one pass, for a short lease on a CUDA machine whose python3 has CuPy, PyTorch,
# pytest-xdist and pytest-timeout: the GPU-specific tests first, then the benchmarks against PyTorch CUDA,
# the per-layer convolution profile, where a jit replay's host time goes, and last the whole test suite on cuda.
# Run from the repository root: bash benchmarks/gpu_check.sh [OUT_DIR]
# Optional: FOCUS_S, BENCH_S, PARTS_S, JIT_S, TESTS_S cap each stage's seconds; SUITES picks the benchmark
# workloads; FOCUS and TESTS pick the test paths of the first and last stages.
set -u
out=${1:-${OUT:-gpu_out}}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
python3 - <<'EOF' 2>&1 | tee "$out/versions.txt"
import cupy, numba, numpy, torch
print("numpy", numpy.__version__, "numba", numba.__version__, "cupy", cupy.__version__, "torch", torch.__version__)
print("gpu", cupy.cuda.runtime.getDeviceProperties(0)["name"].decode(), "cuda runtime", cupy.cuda.runtime.runtimeGetVersion())
EOF

run_tests() {   # log name, seconds, paths...
    local log=$1 seconds=$2
    shift 2
    DEEPGRAD_DEVICE=cuda DEEPGRAD_TEST_DEVICES=cuda:0 OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 \
        timeout "$seconds" python3 -m pytest -n 14 -p no:cacheprovider -v -rfE --timeout 120 "$@" >"$out/$log" 2>&1
    echo "pytest exit $?"
    grep -E "^(FAILED|ERROR) " "$out/$log" | cut -c1-220 | head -40
    grep -cE " PASSED " "$out/$log" | sed 's/^/passed lines: /'
    tail -1 "$out/$log"
}

echo "== GPU-specific tests"
run_tests focus.log "${FOCUS_S:-90}" ${FOCUS:-tests/backends/test_cupy_kernels.py tests/nn/test_jit.py tests/nn/test_jit_fusion.py tests/nn/test_jit_users_steps.py tests/backends/test_compile_check.py tests/autograd/test_determinism_api.py}

echo "== benchmarks on cuda"
timeout "${BENCH_S:-110}" python3 -m benchmarks --device cuda --suite "${SUITES:-ops,mlp,cnn,lstm,jit,large}" \
    --json "$out/bench.json" --markdown "$out/bench.md" >"$out/bench.log" 2>&1
echo "benchmarks exit $?"
sed -n '/^workload/,$p' "$out/bench.log" | cut -c1-160

echo "== convolution parts"
timeout "${PARTS_S:-30}" python3 -m benchmarks.conv_parts --device cuda >"$out/conv_parts.log" 2>&1
grep -E "layer|deepgrad|im2col|gemm|nchw|transpose|rows|col2im" "$out/conv_parts.log" | cut -c1-150

echo "== jit replay parts"
timeout "${JIT_S:-30}" python3 -m benchmarks.jit_parts --device cuda >"$out/jit_parts.log" 2>&1
head -60 "$out/jit_parts.log" | cut -c1-150

echo "== tests on cuda"
# the host kernels' own tests (numpy and numba algorithms, BLAS threads) do not touch the GPU
cpu_only=$(ls tests/backends/test_{numba,conv,numpy,tiled,split,layout,heap,blas,batch_norm_threads,thread,workers}*.py \
    | sed 's/^/--ignore=/')
run_tests tests.log "${TESTS_S:-200}" ${TESTS:-tests $cpu_only}
