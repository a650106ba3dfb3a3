"""The Numba compile options of every kernel in this package, in one place.

Single-threaded: at this library's working sizes (LeNet-5 and MLP batches, LSTM steps, optimiser
updates of ~200k parameters) every kernel takes 5-150 us, and parallel=True versions measured
slower on 2 cores: waking a second thread costs 10-20 us, and a spinning one stalls for a whole
scheduler tick (4-20 ms) when other processes keep the cores busy. nogil lets Python threads
(a data-loader's, say) run kernels side by side; passes large enough to gain from a second core
(depthwise convolutions) split their range over helper threads that way (split.py).

error_model="numpy" gives IEEE division (x / 0 is inf or nan, as in NumPy) instead of Python's
ZeroDivisionError check, whose branch also stops loops from vectorising. fastmath stays off:
results round as NumPy's do and NaN/inf behave; except for the named variants below, which allow
only reassociation of sums and/or fusing multiply-adds (FMA), never nnan/ninf.
"""
from numba import njit

from . import cache_stamp

cache_stamp.install()   # before any kernel below is decorated: the cache is set up then

#: the decorator of every kernel and helper
kernel = njit(parallel=False, fastmath=False, cache=True, nogil=True, error_model="numpy")
#: a helper too big for LLVM to inline by itself, whose callers' loops only vectorise once it is
inlined = njit(parallel=False, fastmath=False, cache=True, nogil=True, error_model="numpy", forceinline=True)
#: a kernel whose float sums LLVM may reorder (reassociation only: NaN, inf and the rounding of each
#: product stay IEEE), so that its dot products vectorise; for sums whose order is arbitrary anyway
kernel_sums = njit(parallel=False, fastmath={"reassoc"}, cache=True, nogil=True, error_model="numpy")
#: an inlined helper of such a kernel (inlining keeps the callee's own flags, it does not take the caller's)
inlined_sums = njit(parallel=False, fastmath={"reassoc"}, cache=True, nogil=True, error_model="numpy",
                    forceinline=True)
#: a kernel whose multiply-adds LLVM may fuse into FMA instructions (contraction only: each fused
#: multiply-add rounds once instead of twice, so results differ from NumPy's by at most an ulp per
#: term; NaN and inf behave); for direct convolutions, whose speed is their FMA rate
kernel_fma = njit(parallel=False, fastmath={"contract"}, cache=True, nogil=True, error_model="numpy")
#: an inlined helper of such a kernel
inlined_fma = njit(parallel=False, fastmath={"contract"}, cache=True, nogil=True, error_model="numpy",
                   forceinline=True)
#: a kernel whose float sums LLVM may both reorder and fuse (kernel_sums plus kernel_fma's contraction)
kernel_sums_fma = njit(parallel=False, fastmath={"reassoc", "contract"}, cache=True, nogil=True,
                       error_model="numpy")
#: an inlined helper of such a kernel
inlined_sums_fma = njit(parallel=False, fastmath={"reassoc", "contract"}, cache=True, nogil=True,
                        error_model="numpy", forceinline=True)
