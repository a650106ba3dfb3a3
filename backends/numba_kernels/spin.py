"""A wait that keeps its core awake: poll one word of memory, in compiled code with the GIL released,
yielding the core between reads, until another thread changes it or a budget of processor cycles runs
out.

The helper threads of backends/workers.py wait this way between the parts they are handed (and the
caller waits this way for them) before they fall back to sleeping on a lock. A thread that sleeps
gives its core back to the operating system, and under a hypervisor the virtual CPU halts: waking it
for the next part cost a median 0.1-0.3 ms and at times over 1 ms on a 2-core KVM guest, and the
woken core then ran its first half-millisecond of work up to 4x slower. A ResNet-20 training step
(batch 64) splits 54 convolution calls a step this way; polling first took it from 328 to 281 ms
(medians, alternating in one process). OpenMP's threads, and so PyTorch's, spin the same way.

Each read is followed by sched_yield(), not a busy PAUSE loop: OpenBLAS's worker threads poll the
same way for a while after every product, and a helper that polled without yielding shared its core
with them in whole scheduler slices (LeNet-5's step, whose dense layers are BLAS products, went from
10 to 27 ms); yielding, it hands the core over at once and sees its next part within microseconds.

x86-64 Linux and macOS only (the time stamp counter, sched_yield); elsewhere AVAILABLE is False and
the helpers sleep at once.
"""
import platform
import time

import numpy as np

AVAILABLE = platform.machine().lower() in ("x86_64", "amd64") and platform.system() in ("Linux", "Darwin")

if AVAILABLE:
    import llvmlite.ir as llvm_ir
    from numba import types
    from numba.core import cgutils
    from numba.extending import intrinsic

    from . import jit

    @intrinsic
    def _load_acquire(typingctx, words, index):
        """words[index] (int64) read with acquire ordering: a load the compiler re-issues every time."""
        def codegen(context, builder, signature, args):
            array_type = signature.args[0]
            array = context.make_array(array_type)(context, builder, args[0])
            pointer = cgutils.get_item_pointer(context, builder, array_type, array, [args[1]])
            return builder.load_atomic(pointer, "acquire", 8)
        return types.int64(words, index), codegen

    @intrinsic
    def _yield_core(typingctx):
        """sched_yield(): lets another runnable thread on this core (OpenBLAS's polling workers) run."""
        def codegen(context, builder, signature, args):
            call = cgutils.get_or_insert_function(builder.module, llvm_ir.FunctionType(llvm_ir.IntType(32), []),
                                                  "sched_yield")
            builder.call(call, [])
            return context.get_dummy_value()
        return types.void(), codegen

    @intrinsic
    def _cycles(typingctx):
        """The time stamp counter."""
        def codegen(context, builder, signature, args):
            counter = cgutils.get_or_insert_function(builder.module, llvm_ir.FunctionType(llvm_ir.IntType(64), []),
                                                     "llvm.readcyclecounter")
            return builder.call(counter, [])
        return types.int64(), codegen

    @jit.kernel
    def wait_while(words, index, value, cycles):
        """Poll words[index] while it equals `value`, for at most `cycles` time stamp counter cycles;
        returns the last value read (still `value` when the budget ran out)."""
        start = _cycles()
        seen = _load_acquire(words, index)
        while seen == value:
            if _cycles() - start > cycles:
                break
            _yield_core()
            seen = _load_acquire(words, index)
        return seen

    @jit.kernel
    def cycle_counter():
        """The time stamp counter now."""
        return _cycles()


def cycles_per_second(seconds=0.002):
    """The time stamp counter's rate, measured against time.perf_counter over `seconds`."""
    cycle_counter()   # compiled (or loaded from the disk cache) before the measurement
    t0, c0 = time.perf_counter(), cycle_counter()
    while time.perf_counter() - t0 < seconds:
        pass
    t1, c1 = time.perf_counter(), cycle_counter()
    return max(1.0, (c1 - c0) / (t1 - t0))


def warm():
    """Compile (or load) wait_while before the first wait needs it."""
    wait_while(np.zeros(1, np.int64), 0, 1, 0)
