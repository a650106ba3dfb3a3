"""Compile every fused kernel of the cuda device with NVRTC, no GPU needed.

Run `python -m backends.cupy_kernels.compile_check`. CuPy compiles an ElementwiseKernel only when
it is first called on a GPU, so a typo in a kernel body would otherwise surface there. This tool
rebuilds the source CuPy generates (its headers, the `typedef <dtype> T;` line, the preamble, the
kernel with CArray parameters bound per element) and compiles it for float16, float32 and float64,
with contiguous 1-D and strided 2-D operands.
Needs CuPy and NVRTC (from a checkout: pip install -e ".[cuda]", or pip install cupy-cuda12x
nvidia-cuda-nvrtc-cu12 nvidia-cuda-runtime-cu12); without CuPy it says so and exits with status 2.
It reads CuPy internals (header list, kernel parameter info), so a new CuPy release may need an update.
"""
import argparse
import itertools
import os
import sys

try:
    import cupy
except ImportError as exc:
    if __name__ != "__main__":
        raise
    print(f"compile_check needs CuPy, which cannot be imported here ({exc}).\n"
          "Install it from a checkout with: pip install -e \".[cuda]\"  (CUDA 12; \".[cuda13]\" for CUDA 13)",
          file=sys.stderr)
    sys.exit(2)
import numpy as np
from cupy._core import core
from cupy._core._scalar import get_typename
from cupy_backends.cuda.libs import nvrtc

from . import activation, conv, cross_entropy, optim, pool, rnn

KERNELS = (list(activation._FORWARD.values()) + list(activation._BACKWARD.values())
           + [rnn._LSTM_FORWARD, rnn._LSTM_BACKWARD, rnn._GRU_FORWARD, rnn._GRU_BACKWARD,
              optim._SGD, optim._SGD_MOMENTUM, optim._ADAM, optim._ADAM_AMSGRAD,
              *conv._IM2COL.values(), *conv._COL2IM.values(), *conv._SWAP_LEADING.values(), pool._MAX_POOL,
              pool._MAX_POOL_GRAD,
              cross_entropy._FORWARD, cross_entropy._GRADIENT])
# the input parameters every caller passes as Python scalars (all others are arrays)
SCALARS = frozenset(("hidden", "lr", "wd", "momentum", "keep", "first", "nesterov", "decay", "small_weight",
                     "weight", "beta2", "one_minus_beta2", "bias2_sqrt", "eps", "step_size",
                     "n", "c", "h", "w", "ho", "wo", "na", "nb", "len", "kh", "kw", "sh", "sw", "ph", "pw", "dh", "dw", "hw", "pooled", "ignore", "ls"))


def _include_options():
    include = os.path.join(os.path.dirname(cupy.__file__), "_core", "include")
    cccl = os.path.join(include, "cupy", "_cccl")
    options = [f"-I{include}", f"-I{cccl}/thrust", f"-I{cccl}/libcudacxx", f"-I{cccl}/cub"]
    for root in sys.path:   # cuda_fp16.h from the CUDA 12 (cuda_runtime) or 13 (cu13) wheels, or a toolkit
        for wheel in (os.path.join(root, "nvidia", "cuda_runtime", "include"),
                      os.path.join(root, "nvidia", "cu13", "include")):
            if os.path.isfile(os.path.join(wheel, "cuda_fp16.h")):
                options.append(f"-I{wheel}")
    if os.environ.get("CUDA_PATH"):
        options.append(f"-I{os.path.join(os.environ['CUDA_PATH'], 'include')}")
    return options


def kernel_source(k, dtype, ndim):
    """The CUDA source CuPy generates for ElementwiseKernel `k` on `ndim`-D arrays of `dtype`."""
    tname = get_typename(np.dtype(dtype).type)
    params, binds = [], []
    for p in k.in_params + k.out_params:
        is_input = p in k.in_params
        ctype = tname if p.ctype == "T" else get_typename(p.dtype)
        const = "const " if is_input else ""
        if is_input and p.name in SCALARS:
            params.append(f"{const}{ctype} {p.name}")
        elif p.raw:
            params.append(f"{const}CArray<{ctype}, 2, 1, 0> {p.name}")
        else:
            params.append(f"{const}CArray<{ctype}, {ndim}, {int(ndim == 1)}, 0> _raw_{p.name}")
            binds.append(f"{const}{'T' if p.ctype == 'T' else ctype} &{p.name} = _raw_{p.name}[_ind.get()];")
    params.append(f"CIndexer<{ndim}, 0> _ind")
    header = "".join(f"#include <{h}>\n" for h in core._cupy_header_list)
    if np.dtype(dtype) == np.float16:
        header += '#include "cupy/float16.cuh"\n'   # CuPy adds it for float16 operands
    return (f"{header}typedef {tname} T;\n{k.preamble}\n"
            f'extern "C" __global__ void {k.name}({", ".join(params)}) {{\n'
            f"  CUPY_FOR(i, _ind.size()) {{\n    _ind.set(i);\n" + "\n".join(binds) + f"\n{k.operation};\n  }}\n}}\n")


def compile_all(arch="compute_90", verbose=False):
    """Compile every kernel for every dtype and rank; return the list of (what, compiler log) failures."""
    options = _include_options() + ["--std=c++17", f"-arch={arch}"]
    failures = []
    for k, dtype, ndim in itertools.product(KERNELS, (np.float16, np.float32, np.float64), (1, 2)):
        source = kernel_source(k, dtype, ndim)
        program = nvrtc.createProgram(source, f"{k.name}.cu", [], [])
        try:
            nvrtc.compileProgram(program, options)
            if k.name.encode() not in nvrtc.getPTX(program):
                raise RuntimeError("kernel missing from the PTX")
        except Exception as exc:
            failures.append((f"{k.name} {np.dtype(dtype)} {ndim}-D", f"{exc}\n{nvrtc.getProgramLog(program)}"
                             + (f"\n{source}" if verbose else "")))
        finally:
            nvrtc.destroyProgram(program)
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", default="compute_90", help="virtual architecture (default compute_90: H100)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the source of failing kernels")
    args = parser.parse_args()
    failures = compile_all(args.arch, args.verbose)
    for what, log in failures:
        print(f"FAILED {what}:\n{log}")
    print(f"NVRTC {'.'.join(map(str, nvrtc.getVersion()))}, {args.arch}: {len(KERNELS)} kernels x 3 dtypes x 2 ranks, "
          f"{len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
