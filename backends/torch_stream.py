"""PyTorch's CPU random stream: a Mersenne Twister (mt19937) seeded and read as PyTorch's CPU generator reads
it, so that on the host devices a seed gives PyTorch's numbers.

`TorchStream` is a `numpy.random.Generator` over an `MT19937` bit generator. The draws PyTorch defines on
the CPU (`rand`, `randn`, `randint`, `randperm`, `uniform_`, `normal_`, `bernoulli_`, `random_`) are
overridden to take the same 32- and 64-bit words from the same engine and transform them as PyTorch
does; NumPy's other distributions (gamma, poisson, ...) stay available and draw from the same engine.
"""
import math
import sys

import numpy as np

_MASK32 = 0xFFFF_FFFF
_F32 = np.float32
_F64 = np.float64
#: elements of a scalar-probability bernoulli drawn at a time: a dropout mask of 4M elements drawn whole took two
#: 32 MB word arrays, which the allocator maps fresh (and the kernel zero-fills) on every call: 290 ms the first
#: time, 45-60 ms after; chunks of this size stay in cache (30-40 ms)
_BERNOULLI_CHUNK = 1 << 16
#: below this length PyTorch's randperm takes one 32-bit word per swap; above it, one 64-bit word
_RANDPERM_64_FROM = _MASK32 // 20


def _mt19937_key(seed):
    """The 624-word state mt19937 starts from for a 32-bit seed (the reference initialisation)."""
    key = [seed & _MASK32]
    for i in range(1, 624):
        prev = key[-1]
        key.append((1812433253 * (prev ^ (prev >> 30)) + i) & _MASK32)
    return np.array(key, dtype=np.uint32)


def draw_dtype(dtype):
    """The dtype a draw for `dtype` is made in: a float dtype itself (float16/32/64, ml_dtypes' bfloat16), whose
    PyTorch transforms apply; float64, then cast, for any other."""
    dtype = np.dtype(dtype)
    return dtype if dtype.kind == "f" or dtype.name == "bfloat16" else np.dtype(_F64)


def _split(a):
    """a as hi + lo, each with at most 26 significant bits (Veltkamp's split), so their products are exact."""
    t = a * 134217729.0          # 2**27 + 1
    hi = t - (t - a)
    return hi, a - hi


def _fused64(a, b, c):
    """a * b + c for float64 arrays with one rounding at the end (as a fused multiply-add; the rare ties
    may round differently): the product's rounding error is recovered exactly and added back."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    s = p + c
    bb = s - p
    tail = (p - (s - bb)) + (c - bb)         # s + tail == p + c exactly
    return s + (tail + err)


def _fused(a, b, c):
    """a * b + c rounded once to float32, as a fused multiply-add does (a, b float32: the product is exact
    in float64)."""
    return (np.asarray(a, _F64) * np.asarray(b, _F64) + np.asarray(c, _F64)).astype(_F32)


# The float32 polynomials PyTorch's vectorised normal kernel evaluates (Cephes' single-precision log, sin
# and cos); matching them step by step makes float32 normal draws PyTorch's to the bit on almost every
# element (the rest within one ulp).
_LOG_POLY = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
             -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1)
_COS_POLY = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
_SIN_POLY = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)


def _horner(coefficients, x64):
    """c0 x^(k) + ... + ck by Horner's rule with each step a float32 fused multiply-add; x64 is the float32
    argument held as float64 (so that each product is exact before the one rounding)."""
    y = (x64 * coefficients[0] + coefficients[1]).astype(_F32)
    for c in coefficients[2:]:
        y = (y.astype(_F64) * x64 + c).astype(_F32)
    return y


def _log_f32(x):
    """Natural log of positive float32 x by the single-precision polynomial."""
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 0x7E).astype(_F32)                              # the exponent plus 1
    m = ((bits & np.int32(~0x7F800000)) | np.int32(0x3F000000)).view(_F32)    # x's significand in [0.5, 1)
    small = m < _F32(0.707106781186547524)
    exponent -= small
    m = (m - _F32(1)) + m * small                 # m * 1 or m * 0: exact, unlike a branchy select, and faster
    z = m * m
    y = _horner([float(_F32(c)) for c in _LOG_POLY], m.astype(_F64))
    y = (y * m) * z
    e64 = exponent.astype(_F64)
    y = (e64 * float(_F32(-2.12194440e-4)) + y).astype(_F32)
    y = (z.astype(_F64) * -0.5 + y).astype(_F32)
    return (e64 * 0.693359375 + (m + y)).astype(_F32)


def _sincos_f32(x):
    """(sin x, cos x) of non-negative float32 x by the single-precision polynomials."""
    octant = (x * _F32(1.27323954473516)).astype(np.int32)
    octant += 1
    octant &= ~1
    y64 = octant.astype(_F64)
    for part in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = (y64 * float(_F32(part)) + x).astype(_F32)
    z = x * x
    z64 = z.astype(_F64)
    cos_poly = _horner([float(_F32(c)) for c in _COS_POLY], z64)
    cos_poly = (z64 * -0.5 + (cos_poly * z) * z).astype(_F32) + _F32(1)
    sin_poly = _horner([float(_F32(c)) for c in _SIN_POLY], z64)
    sin_poly = ((sin_poly * z).astype(_F64) * x + x).astype(_F32)
    # the octant picks which polynomial is the sine and which signs flip: done on the bits (a select by mask, an
    # exclusive-or of the sign bit), exact and several times faster than np.where on a random pattern
    swapped = -((octant >> 1) & 1)                     # all ones where the polynomials swap roles
    sin_bits, cos_bits = sin_poly.view(np.int32), cos_poly.view(np.int32)
    sin = (sin_bits & ~swapped) | (cos_bits & swapped)
    cos = (cos_bits & ~swapped) | (sin_bits & swapped)
    sin ^= (octant & 4) << 29
    cos ^= (~(octant - 2) & 4) << 29
    return sin.view(_F32), cos.view(_F32)


#: elements per pass of the normal transform: its dozens of float64 temporaries then stay in the core's cache
#: (a million float32 draws took 2-3x as long in whole-array passes, which run from memory)
_CHUNK = 1 << 15


def _box_muller_blocks(u, dtype, mean, std):
    """Normal draws from uniforms `u` in blocks of 16: element j and j + 8 of a block come from one pair
    (radius from 1 - u[j], angle from u[j + 8]), as PyTorch's vectorised normal fill pairs them."""
    blocks = u.reshape(-1, 16)
    u1, u2 = 1 - blocks[:, :8], blocks[:, 8:]
    out = np.empty(blocks.shape, dtype)
    if dtype == _F32:
        radius = np.sqrt(_F32(-2) * _log_f32(u1))
        sin, cos = _sincos_f32(_F32(2 * math.pi) * u2)
        if std == 1 and mean == 0:      # x * 1 + 0 is x
            np.multiply(radius, cos, out=out[:, :8])
            np.multiply(radius, sin, out=out[:, 8:])
        else:
            out[:, :8] = _fused(radius * cos, _F32(std), _F32(mean))
            out[:, 8:] = _fused(radius * sin, _F32(std), _F32(mean))
    else:
        radius = np.sqrt(-2 * np.log(u1))
        theta = 2 * math.pi * u2
        out[:, :8] = _fused64(radius * np.cos(theta), np.float64(std), np.float64(mean))
        out[:, 8:] = _fused64(radius * np.sin(theta), np.float64(std), np.float64(mean))
    return out.reshape(-1)


class TorchStream(np.random.Generator):
    """A NumPy Generator whose `random`, `uniform`, `standard_normal`, `normal`, `integers`, `permutation`
    and `bernoulli` draw PyTorch's CPU numbers for the seed given to `manual_seed` (any other NumPy
    distribution draws from the same engine, with NumPy's transforms)."""

    def __init__(self, seed=None):
        super().__init__(np.random.MT19937())
        self.manual_seed(int(np.random.SeedSequence().generate_state(1, np.uint64)[0]) >> 1 if seed is None else seed)

    # ----- the engine ---------------------------------------------------------------------------------
    def manual_seed(self, seed):
        """Restart from `seed` (an int; as PyTorch, the engine keeps its low 32 bits); returns the stream."""
        self.initial_seed = int(seed) & 0xFFFF_FFFF_FFFF_FFFF
        self.bit_generator.state = {"bit_generator": "MT19937",
                                    "state": {"key": _mt19937_key(self.initial_seed), "pos": 624}}
        self._next_normal = None          # the second value of the last Box-Muller pair drawn one at a time
        return self

    def get_state(self):
        """The stream's position as a JSON-able dict, for set_state."""
        engine = self.bit_generator.state["state"]
        return {"bit_generator": "deepgrad.TorchStream", "key": [int(k) for k in engine["key"]],
                "pos": int(engine["pos"]), "seed": self.initial_seed, "next_normal": self._next_normal}

    def set_state(self, state):
        """Continue from a position taken by get_state (KeyError, TypeError or ValueError if it is not one)."""
        if state.get("bit_generator") != "deepgrad.TorchStream":
            raise ValueError(f"not a deepgrad random state (it names {state.get('bit_generator')!r})")
        key = np.asarray(state["key"], dtype=np.uint32)
        if key.shape != (624,):
            raise ValueError(f"the engine state holds {key.size} words, not 624")
        self.bit_generator.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": int(state["pos"])}}
        self.initial_seed = int(state["seed"])
        self._next_normal = None if state["next_normal"] is None else float(state["next_normal"])

    def words32(self, n):
        """The next n 32-bit words of the engine (a uint32 array)."""
        # NumPy's own integers over the full 32-bit range hand out the engine's words as they come
        return np.random.Generator.integers(self, 0, 1 << 32, size=n, dtype=np.uint32)

    def words64(self, n):
        """The next n 64-bit words, each made of two 32-bit words (the first the high half), as PyTorch's."""
        words = self.words32(2 * n)
        if sys.byteorder != "little":
            return (words[0::2].astype(np.uint64) << np.uint64(32)) | words[1::2]
        pairs = words.view(np.uint64)               # each pair with its first word in the low half
        return (pairs << np.uint64(32)) | (pairs >> np.uint64(32))

    # ----- PyTorch's draws ----------------------------------------------------------------------------
    def _unit(self, n, dtype):
        """n uniforms in [0, 1) holding exactly the bits PyTorch keeps for `dtype`: float64 ones (53 bits) for
        float64, float32 ones (24 bits) for the rest (half-precision draws are float32 draws rounded)."""
        if np.dtype(dtype) == _F64:
            return (self.words64(n) & np.uint64((1 << 53) - 1)).astype(_F64) * (2.0 ** -53)
        return (self.words32(n) & np.uint32((1 << 24) - 1)).astype(_F32) * _F32(2.0 ** -24)

    def random(self, size=None, dtype=np.float64, out=None):
        """Uniform [0, 1) samples of `dtype` (PyTorch's rand)."""
        return self.uniform(0.0, 1.0, size, dtype, out=out)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=np.float64, out=None):
        """Uniform [low, high) samples of float `dtype` (PyTorch's uniform_: low and high rounded to dtype)."""
        dtype = np.dtype(dtype)
        if np.ndim(low) or np.ndim(high):
            shape = np.broadcast_shapes(np.shape(low), np.shape(high), () if size is None else _as_shape(size))
            return _deliver(np.asarray(low + (np.asarray(high) - low) * self.random(shape), dtype), size, out)
        return _deliver(self._uniform_flat(_count(size), dtype, low, high), size, out)

    def _uniform_flat(self, n, dtype, low, high):
        x = self._unit(n, dtype)
        if low == 0 and high == 1:         # x * (1 - 0) + 0 is x itself
            values = x.astype(dtype, copy=False)
        elif dtype == _F64:
            return _fused64(x, np.float64(high) - np.float64(low), np.float64(low))
        else:
            lo, hi = _F32(low), _F32(high)
            values = _fused(x, hi - lo, lo).astype(dtype, copy=False)
        if dtype.itemsize == 2:   # a half-precision draw that rounds up to `high` becomes `low`, as in PyTorch
            values[values == dtype.type(high)] = dtype.type(low)
        return values

    def standard_normal(self, size=None, dtype=np.float64, out=None):
        """N(0, 1) samples of `dtype` (PyTorch's randn)."""
        return self.normal(0.0, 1.0, size, dtype, out=out)

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=np.float64, out=None):
        """N(loc, scale**2) samples of float `dtype` (PyTorch's normal_ for scalar loc and scale; arrays
        scale and shift standard draws, as PyTorch's normal(mean_tensor, std_tensor) does)."""
        dtype = np.dtype(dtype)
        if np.ndim(loc) or np.ndim(scale):
            shape = np.broadcast_shapes(np.shape(loc), np.shape(scale), () if size is None else _as_shape(size))
            z = self.normal(0.0, 1.0, shape, dtype)
            return _deliver(np.asarray(z * scale + loc, dtype), size, out)
        n = _count(size)
        if n < 16:
            return _deliver(self.serial_normal(loc, scale, n, dtype), size, out)
        if dtype.itemsize == 2:
            # half precision: float32 draws rounded. PyTorch draws uniforms for the whole blocks only, then 16
            # fresh ones for a partial last block, whose normals fill the last 16 places (overwriting the end of
            # the whole blocks): the float32 blocks of n rounded up to 16, their last block moved to the end
            whole = n - n % 16
            values = self.normal(loc, scale, whole + 16 if whole < n else n, _F32)
            values[n - 16:n] = values[-16:].copy()
            return _deliver(values[:n].astype(dtype), size, out)
        u = self._uniform_flat(n, dtype, 0.0, 1.0)
        values = np.empty(n, dtype)
        whole = n - n % 16
        for start in range(0, whole, _CHUNK):
            stop = min(whole, start + _CHUNK)
            values[start:stop] = _box_muller_blocks(u[start:stop], dtype, loc, scale)
        if whole < n:        # PyTorch redraws the last 16 values from fresh uniforms
            values[n - 16:] = _box_muller_blocks(self._uniform_flat(16, dtype, 0.0, 1.0), dtype, loc, scale)
        return _deliver(values, size, out)

    def serial_normal(self, loc, scale, n, dtype):
        """n N(loc, scale**2) samples of `dtype` drawn one element at a time, as PyTorch's normal_ draws a tensor
        of fewer than 16 elements or one that is not contiguous."""
        return _fused64(self.serial_normals(n), np.float64(scale), np.float64(loc)).astype(dtype)

    def serial_normals(self, n):
        """n float64 N(0, 1) draws as PyTorch draws them one element at a time (tensors of fewer than 16
        elements, log_normal_): Box-Muller on pairs of float64 uniforms, cos first, and a pair's unused
        second value kept for the next draw."""
        values = np.empty(n, _F64)
        start = 0
        if n and self._next_normal is not None:
            values[0], self._next_normal, start = self._next_normal, None, 1
        pairs = (n - start + 1) // 2
        u = self._unit(2 * pairs, _F64)
        both = np.empty(2 * pairs, _F64)
        if pairs <= 64:          # the C library's functions, as PyTorch's (NumPy's vector ones can differ by an ulp)
            for k, (u1, u2) in enumerate(zip(u[0::2].tolist(), u[1::2].tolist())):
                radius, theta = math.sqrt(-2.0 * math.log1p(-u2)), 2.0 * math.pi * u1
                both[2 * k], both[2 * k + 1] = radius * math.cos(theta), radius * math.sin(theta)
        else:
            radius = np.sqrt(-2.0 * np.log1p(-u[1::2]))
            theta = 2.0 * math.pi * u[0::2]
            both[0::2] = radius * np.cos(theta)
            both[1::2] = radius * np.sin(theta)
        values[start:] = both[:n - start]
        if (n - start) % 2:
            self._next_normal = float(both[-1])
        return values

    def integers(self, low, high=None, size=None, dtype=np.int64, endpoint=False):
        """Integers uniform in [low, high) (PyTorch's randint: a word modulo the range, plus low)."""
        if high is None:
            low, high = 0, low
        if np.ndim(low) or np.ndim(high):
            return super().integers(low, high, size, dtype, endpoint)
        low, high = int(low), int(high) + bool(endpoint)
        if high <= low:
            raise ValueError(f"integers: low must be less than high, got low={low}, high={high}")
        width = high - low
        if width < 1 << 32:    # one 32-bit word per draw
            offsets = self.words32(_count(size)) % np.uint32(width)
        else:                  # one 64-bit word per draw
            offsets = self.words64(_count(size)) % np.uint64(width)
        if width >= 1 << 63:   # offsets beyond int64: Python integers until low brings them back into range
            return _deliver(np.asarray(offsets.astype(object) + low).astype(dtype), size, None)
        values = offsets.astype(np.int64)
        if low:
            values += low
        return _deliver(values.astype(dtype, copy=False), size, None)

    def full_range(self, size, dtype):
        """PyTorch's random_() without bounds: integers in [0, 2**digits] for a float dtype, [0, max] for an
        integer one, {0, 1} for bool."""
        dtype = np.dtype(dtype)
        n = _count(size)
        if dtype == np.bool_:
            return _deliver((self.words32(n) & np.uint64(1)).astype(np.bool_), size, None)
        if dtype.kind == "f" or dtype.name == "bfloat16":
            modulus = (1 << (np.finfo(dtype).nmant + 1)) + 1
            words = self.words64(n) if dtype == _F64 else self.words32(n)
        else:
            modulus = int(np.iinfo(dtype).max) + 1
            words = self.words64(n) if dtype.itemsize == 8 else self.words32(n)
        return _deliver((words % np.uint64(modulus)).astype(dtype), size, None)

    def permutation(self, x):
        """A permutation of range(x) (PyTorch's randperm: a Fisher-Yates pass, one word per swap), or of
        the array x along its first axis."""
        if not isinstance(x, (int, np.integer)):
            x = np.asarray(x)
            return x[self.permutation(len(x))] if x.ndim else super().permutation(x)
        n = int(x)
        if n >= _RANDPERM_64_FROM:
            order = [0] * n
            for i, word in enumerate(self.words64(n).tolist()):
                j = word % (i + 1)
                order[i] = order[j]
                order[j] = i
            return np.array(order, dtype=np.int64)
        order = list(range(n))
        steps = np.arange(max(n - 1, 0))
        targets = steps + self.words32(steps.size) % (n - steps)     # swap i with i + word % (n - i)
        for i, j in enumerate(targets.tolist()):
            order[i], order[j] = order[j], order[i]
        return np.array(order, dtype=np.int64)

    def bernoulli(self, p, size=None):
        """Booleans true with probability p (PyTorch's bernoulli_: a uniform below p; a float64 uniform for
        a Python p or float64 probabilities, a float32 one for float32 probabilities)."""
        if np.ndim(p) == 0 and not isinstance(p, np.ndarray):
            # u < p for u = k / 2**53 is k < p * 2**53 (exact), for an integer k: k < ceil(p * 2**53)
            threshold = np.uint64(min(max(math.ceil(float(p) * 2.0 ** 53), 0), 2 ** 53))
            n = _count(size)
            hits = np.empty(n, bool)
            for start in range(0, n, _BERNOULLI_CHUNK):   # the words of a chunk stay in cache
                stop = min(n, start + _BERNOULLI_CHUNK)
                np.less(self.words64(stop - start) & np.uint64((1 << 53) - 1), threshold, out=hits[start:stop])
            return _deliver(hits, size, None)
        p = np.asarray(p)
        shape = np.broadcast_shapes(p.shape, () if size is None else _as_shape(size))
        dtype = _F64 if p.dtype == _F64 else _F32
        return self._unit(math.prod(shape), dtype).reshape(shape) < p


def _as_shape(size):
    return (int(size),) if isinstance(size, (int, np.integer)) else tuple(int(s) for s in size)


def _count(size):
    return 1 if size is None else math.prod(_as_shape(size))


def _deliver(values, size, out):
    """values (flat) shaped as `size` (a scalar when size is None), or written into out."""
    if out is not None:
        out[...] = np.asarray(values).reshape(out.shape)
        return out
    if size is None:
        return values.reshape(-1)[0].item() if values.size == 1 and values.ndim <= 1 else values
    return np.asarray(values).reshape(_as_shape(size))


def memory_order(x):
    """The axes of array x from outermost to innermost in memory (largest stride first), or None when that is
    x's own order or cannot be told (a broadcast axis). PyTorch fills a strided tensor in memory order, and its
    *_like factories and dropout masks take their input's layout (empty_like), so a transposed tensor gets its
    draws transposed."""
    axes = [d for d in range(x.ndim) if x.shape[d] > 1]
    strides = [abs(x.strides[d]) for d in axes]
    if 0 in strides or strides == sorted(strides, reverse=True):
        return None
    inner = sorted(axes, key=lambda d: -abs(x.strides[d]))
    ones = [d for d in range(x.ndim) if x.shape[d] <= 1]
    return tuple(ones + inner)


def draw_in_memory_order(draw, x):
    """draw(shape), the array of values for x's elements, with the k-th value drawn at x's k-th place in memory."""
    order = memory_order(x)
    if order is None:
        return draw(x.shape)
    values = draw(tuple(x.shape[d] for d in order))
    inverse = sorted(range(x.ndim), key=order.__getitem__)
    return values.transpose(inverse)
