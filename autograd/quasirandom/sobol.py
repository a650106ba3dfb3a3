"""SobolEngine: (scrambled) Sobol sequences as torch.quasirandom.SobolEngine draws them, point for point.

Point k of the sequence is shift XOR the direction numbers of the bits set in k's Gray code (the Antonov-Saleev
order PyTorch's kernel walks one rightmost-zero bit at a time); the points are 30-bit integers scaled by 2**-30.
Scrambling draws its random bits with `randint` from PyTorch's stream (a private Generator seeded with `seed`, or
the global one), so a seed gives PyTorch's points."""
import numpy as np

from ..creation import randint, tensor
from ..dtypes import get_default_dtype
from ..errors import ArgumentRangeError, UnsupportedDtypeError
from ..random_generator import Generator
from .sobol_directions import MAX_DIMENSION, direction_numbers

MAXBIT = 30
_TABLE = []   # (polys, inits), read once on first use


def _table():
    if not _TABLE:
        _TABLE.append(direction_numbers())
    return _TABLE[0]


def initial_state(dimension):
    """The (dimension, 30) int64 direction numbers, each scaled to a 30-bit integer (PyTorch's `sobolstate`)."""
    polys, inits = _table()
    state = np.ones((dimension, MAXBIT), np.int64)
    for d in range(1, dimension):
        p = int(polys[d])
        degree = p.bit_length() - 1
        v = [int(m) for m in inits[d]]
        for j in range(degree, MAXBIT):   # Bratley and Fox's recurrence over the polynomial's coefficients
            new = v[j - degree]
            for k in range(degree):
                if (p >> (degree - 1 - k)) & 1:
                    new ^= v[j - k - 1] << (k + 1)
            v.append(new)
        state[d] = v
    return state << np.arange(MAXBIT - 1, -1, -1, dtype=np.int64)


def _parity(values):
    """The parity of the set bits of each int64 in `values` (below 2**30)."""
    values = values.copy()
    for shift in (16, 8, 4, 2, 1):
        values ^= values >> shift
    return values & 1


def scrambled_state(state, ltm):
    """`state` with each dimension's direction numbers multiplied (over GF(2)) by its lower-triangular matrix
    `ltm[d]` (diagonal forced to 1), as PyTorch's _sobol_engine_scramble_."""
    ltm = ltm.copy()
    idx = np.arange(MAXBIT)
    ltm[:, idx, idx] = 1
    rows = (ltm << np.arange(MAXBIT - 1, -1, -1, dtype=np.int64)).sum(-1)   # row p as an integer, column 0 its top bit
    # bit (MAXBIT - 1 - p) of the result is the parity of row p AND the direction number
    bits = _parity(rows[:, None, :] & state[:, :, None])                 # (dimension, j, p)
    return (bits << np.arange(MAXBIT - 1, -1, -1, dtype=np.int64)).sum(-1)


def points(state, shift, start, n):
    """The integer points start .. start + n - 1 of the sequence (int64, shape (n, dimension))."""
    k = np.arange(start, start + n, dtype=np.int64)
    gray = k ^ (k >> 1)
    out = np.broadcast_to(shift, (n, state.shape[0])).copy()
    for bit in range(int(gray.max()).bit_length() if n else 0):
        np.bitwise_xor(out, state[:, bit], out=out, where=((gray >> bit) & 1).astype(bool)[:, None])
    return out


class SobolEngine:
    """An engine for (scrambled) Sobol sequences, as torch.quasirandom.SobolEngine: `draw(n)` gives the next n
    points of the `dimension`-dimensional sequence in [0, 1); `scramble=True` applies a random linear matrix
    scramble and digital shift (from `seed`, or the global generator when None)."""

    MAXBIT = MAXBIT
    MAXDIM = MAX_DIMENSION

    def __init__(self, dimension, scramble=False, seed=None):
        if dimension > self.MAXDIM or dimension < 1:
            raise ArgumentRangeError(f"SobolEngine: supported range of dimensionality is [1, {self.MAXDIM}], got "
                                     f"dimension={dimension} (deepgrad ships Joe and Kuo's direction numbers for "
                                     f"{self.MAXDIM} dimensions; PyTorch's table goes to 21201)")
        self.seed, self.scramble, self.dimension = seed, scramble, dimension
        state = initial_state(dimension)
        if scramble:
            state, shift = self._scrambled(state)
        else:
            shift = np.zeros(dimension, np.int64)
        self.sobolstate, self.shift = tensor(state), tensor(shift)
        self.quasi = tensor(shift.copy())
        # PyTorch divides in the default dtype when the engine is built, and later draws cast that value
        self._first_point = tensor((shift.astype(get_default_dtype()) / 2 ** MAXBIT).reshape(1, -1))
        self.num_generated = 0

    def _scrambled(self, state):
        generator = None
        if self.seed is not None:
            generator = Generator()
            generator.manual_seed(self.seed)
        shift_bits = randint(2, (self.dimension, MAXBIT), generator=generator).numpy()
        shift = shift_bits @ (np.int64(1) << np.arange(MAXBIT, dtype=np.int64))
        ltm = np.tril(randint(2, (self.dimension, MAXBIT, MAXBIT), generator=generator).numpy())
        return scrambled_state(state, ltm), shift

    def _draw(self, start, n, dtype):
        if n < 0:   # PyTorch fails on these too, the first draw taking its first point apart
            raise ArgumentRangeError(f"SobolEngine.draw: n must be >= 0 (and >= 1 for the first draw, as in "
                                     f"PyTorch), got n={n + (start == 1 and self.num_generated == 0)}")
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise UnsupportedDtypeError(f"SobolEngine.draw: dtype {np.dtype(dtype)} is not supported, as in "
                                        "PyTorch (its kernel draws float32 or float64); pass dtype=torch.float32 "
                                        "or torch.float64 and convert the result")
        ints = points(self.sobolstate.numpy(), self.shift.numpy(), start, n)
        if n:
            self.quasi = tensor(ints[-1].copy())
        # the integers rounded to the dtype first, then scaled by 2**-30 (exact), as PyTorch's kernel
        return tensor(ints.astype(dtype) * np.asarray(2.0 ** -MAXBIT, dtype))

    def draw(self, n=1, out=None, dtype=None):
        """The next `n` points, shape (n, dimension), in `dtype` (the default float dtype when None)."""
        dtype = get_default_dtype() if dtype is None else dtype
        if self.num_generated == 0 and n == 1:
            result = self._first_point.to(dtype)
        elif self.num_generated == 0:
            result = self._draw(1, n - 1, dtype)
            result = tensor(np.concatenate([self._first_point.to(dtype).numpy(), result.numpy()]))
        else:
            result = self._draw(self.num_generated, n, dtype)
        self.num_generated += n
        if out is not None:
            out.resize_as_(result).copy_(result)
            return out
        return result

    def draw_base2(self, m, out=None, dtype=None):
        """The next 2**m points; the points drawn in all must stay a power of 2 (Sobol's balance)."""
        n = 2 ** m
        total = self.num_generated + n
        if total & (total - 1) != 0:
            raise ValueError(f"SobolEngine.draw_base2: the balance properties of Sobol' points require n to be a "
                             f"power of 2. {self.num_generated} points have been previously generated, then: "
                             f"n={self.num_generated}+2**{m}={total}. If you still want to do this, please use "
                             "'SobolEngine.draw()' instead.")
        return self.draw(n=n, out=out, dtype=dtype)

    def reset(self):
        """Back to the first point; returns the engine."""
        self.quasi = tensor(self.shift.numpy().copy())
        self.num_generated = 0
        return self

    def fast_forward(self, n):
        """Skip `n` points, as drawing them would; returns the engine."""
        if n > 0:
            self.quasi = tensor(points(self.sobolstate.numpy(), self.shift.numpy(), self.num_generated + n - 1,
                                       1)[0])
        self.num_generated += n
        return self

    def __repr__(self):
        parts = [f"dimension={self.dimension}"]
        if self.scramble:
            parts.append("scramble=True")
        if self.seed is not None:
            parts.append(f"seed={self.seed}")
        return f"{type(self).__name__}({', '.join(parts)})"
