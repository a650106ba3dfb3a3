"""PyTorch's CPU samplers for the gamma, Dirichlet, binomial and Poisson distributions (torch._standard_gamma,
torch._sample_dirichlet, torch.binomial, torch.poisson), drawing from a TorchStream so that a seed gives PyTorch's
numbers.

PyTorch draws these one element at a time, in memory order, with rejection loops (backends/torch_sampler_steps.py):
Marsaglia and Tsang's method for the gamma, for the binomial an inversion of geometric waiting times when
count * p < 10 and Hormann's BTRS otherwise, for the Poisson a product of uniforms below rate 10 and Hormann's
PTRS from 10 on. Every uniform is a float64 one made of a 64-bit word; every normal is Box-Muller on two of them
with the second value kept for the next normal, in the stream's own cache. The loops run compiled by Numba
(backends/numba_kernels/sampler_loops.py) over a buffer of the stream's words drawn ahead; the stream is then
left just past the words they used. Where Numba cannot load, Python runs the same loops.
"""
import numpy as np

from . import torch_sampler_steps as steps

#: uniforms left before an element starts: a draw that needs more is undone and redone with twice the margin
_MARGIN = 64
#: uniforms drawn ahead per element (a gamma draw takes about 2, a binomial or Poisson one 2 to 11): more are drawn
#: as the loops run short, and those left over are given back
_PER_ELEMENT = 2.5
#: uniforms drawn at most at once (1 MiB of words): the words left over, given back at the end, are redrawn
_CHUNK = 1 << 16
_compiled = None


def _loops():
    """The compiled loops, or the steps module itself (the same loops in Python) where Numba cannot load."""
    global _compiled
    if _compiled is None:
        try:
            from .numba_kernels.cache_dir import configure_cache_dir
            configure_cache_dir()      # before Numba loads, as the numba device does
            import numba
            numba.core.config.reload_config()
            from .numba_kernels import sampler_loops
            _compiled = sampler_loops
        except Exception:   # noqa: BLE001 (any failure to load or compile Numba leaves the Python loops)
            _compiled = steps
    return _compiled


def _run(stream, run_loop, n):
    """Draws n elements with run_loop(out, start, words, pos, cache, margin) -> next start, over 32-bit words drawn
    ahead in chunks, then leaves the stream just past the words used, its normal cache as the loop left it; returns
    out (float64)."""
    compiled = _loops() is not steps
    cache = [0.0, 0.0] if stream._next_normal is None else [1.0, float(stream._next_normal)]
    out, used, start, margin = [0.0] * n, 0, 0, _MARGIN
    if compiled:
        out, cache = np.zeros(n), np.array(cache)
    # each chunk's starting state and the words drawn before it, to give back the words left over at the end
    chunks, drawn, words = [], 0, np.zeros(0, np.uint32)
    while True:
        size = 2 * (min(int(_PER_ELEMENT * (n - start)), _CHUNK) + margin)
        chunks.append((stream.bit_generator.state, drawn))
        words = np.concatenate([words, stream.words32(size)])
        drawn += size
        pos = np.zeros(2, np.int64) if compiled else [0, 0]
        start = run_loop(out, start, words if compiled else words.tolist(), pos, cache, margin)
        used += 2 * int(pos[0])
        if start == n:
            break
        if len(words) // 2 - pos[0] >= margin:    # the element ran past the buffer inside its loop: give it more
            margin *= 2
        words = words[2 * pos[0]:]
    state, before = next((state, before) for state, before in reversed(chunks) if before <= used)
    stream.bit_generator.state = state
    if used > before:
        stream.words32(used - before)
    stream._next_normal = float(cache[1]) if cache[0] else None
    return np.asarray(out, np.float64)


def _float_elements(values, op):
    values = np.asarray(values)
    if values.dtype not in (np.float32, np.float64):
        raise TypeError(f"{op}: expects a float32 or float64 array, got {values.dtype}")
    return values


def _gammas(stream, alpha, in_float32):
    """float64 Gamma(alpha, 1) draws for the elements of alpha (flat), computed in float32 where asked."""
    loop, alpha = _loops().gamma_loop, alpha.astype(np.float64).ravel()
    return _run(stream, lambda out, start, words, pos, cache, margin:
                loop(alpha, in_float32, out, start, words, pos, cache, margin), alpha.size)


def standard_gamma(stream, alpha):
    """Gamma(alpha, 1) samples of alpha's shape and float dtype, as torch._standard_gamma(alpha) draws them on the
    CPU from `stream` (values below the dtype's smallest normal number, and NaN, become it: C++'s std::max)."""
    alpha = _float_elements(alpha, "standard_gamma")
    values = _gammas(stream, alpha, alpha.dtype == np.float32).astype(alpha.dtype)
    return np.fmax(values, np.finfo(alpha.dtype).tiny).reshape(alpha.shape)


def dirichlet(stream, concentration):
    """Dirichlet samples along the last axis of `concentration` (float32 or float64), as
    torch._sample_dirichlet draws them on the CPU: float64 gammas normalised, then kept inside (0, 1)."""
    concentration = _float_elements(concentration, "dirichlet")
    gammas = np.fmax(_gammas(stream, concentration, False), np.finfo(np.float64).tiny)
    gammas = gammas.reshape(concentration.shape)
    dtype = concentration.dtype
    values = (gammas / _row_sums(gammas)[..., None]).astype(dtype)
    return np.clip(values, np.finfo(dtype).tiny, np.nextafter(dtype.type(1), dtype.type(0)))


def _row_sums(x):
    """Sums of float64 x over its last axis in the order PyTorch's x86 CPU sum adds a contiguous row (exact for rows
    of fewer than 256; longer rows are summed by NumPy, within an ulp or two): four-lane vectors added into four
    accumulators in turn, the vectors beyond a multiple of four added to the first, the accumulators added
    together; then the elements beyond the last whole vector, then the four lanes, one after another."""
    keys = x.shape[-1]
    if keys >= 256:
        return x.sum(-1)
    whole = keys // 4
    vectors = x[..., :whole * 4].reshape(x.shape[:-1] + (whole, 4))
    partial = [np.zeros(x.shape[:-1] + (4,)) for _ in range(4)]
    for i in range(whole - whole % 4):
        partial[i % 4] = partial[i % 4] + vectors[..., i, :]
    for i in range(whole - whole % 4, whole):
        partial[0] = partial[0] + vectors[..., i, :]
    lanes = partial[0] + partial[1] + partial[2] + partial[3]
    total = np.zeros(x.shape[:-1])
    for k in range(whole * 4, keys):
        total = total + x[..., k]
    for lane in range(4):
        total = total + lanes[..., lane]
    return total


def binomial(stream, count, prob):
    """Binomial(count, prob) samples (count and prob float arrays of one shape and dtype), as torch.binomial
    draws them on the CPU from `stream`."""
    count, prob = _float_elements(count, "binomial"), _float_elements(prob, "binomial")
    if count.shape != prob.shape or count.dtype != prob.dtype:
        raise ValueError(f"binomial: count {count.shape} {count.dtype} and prob {prob.shape} {prob.dtype} must "
                         "have one shape and dtype (broadcast and cast them first)")
    loop, in_float32 = _loops().binomial_loop, count.dtype == np.float32
    n, p = count.astype(np.float64).ravel(), prob.astype(np.float64).ravel()
    values = _run(stream, lambda out, start, words, pos, cache, margin:
                  loop(n, p, in_float32, out, start, words, pos, margin), n.size)
    return values.astype(count.dtype).reshape(count.shape)


def poisson(stream, rates):
    """Poisson samples with the given rates (a float array; float16 and bfloat16 too), as torch.poisson draws them
    on the CPU from `stream`, in rates' dtype."""
    rates = np.asarray(rates)
    if rates.dtype.kind != "f" and rates.dtype.name != "bfloat16":
        raise TypeError(f"poisson: expects a float array of rates, got {rates.dtype}")
    loop, flat = _loops().poisson_loop, rates.astype(np.float64).ravel()
    values = _run(stream, lambda out, start, words, pos, cache, margin: loop(flat, out, start, words, pos, margin),
                  flat.size)
    with np.errstate(over="ignore"):     # a count beyond float16's range becomes inf, as PyTorch's cast makes it
        return values.astype(rates.dtype).reshape(rates.shape)
