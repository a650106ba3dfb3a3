"""The matrix exponential, torch.matrix_exp / torch.linalg.matrix_exp.

Forward: PyTorch's method (Bader, Blanes and Casas, "Computing the matrix exponential with an optimized Taylor
polynomial approximation", Mathematics 7, 2019): a single matrix gets the Taylor polynomial of degree 1, 2, 4, 8
or 12 that its 1-norm allows to full precision of its dtype, evaluated with few products, or beyond that the
degree-18 one after scaling A by 2^-s and squaring the result s times; a batch of several matrices gets the
degree-18 one throughout, as PyTorch's. Following PyTorch's choice of degree
matters beyond the last bits: exp of the zero matrix or of a nilpotent one comes out exact (I, I + A), as
PyTorch prints it.
Backward: the gradient is the Fréchet derivative at A^T applied to G, the top-right block of
exp([[A^T, G], [0, A^T]]); under create_graph that block comes from this same op, so it differentiates again.
"""

import numpy as np

from ..function import Function
from .linalg_checks import check_matrix

#: the largest 1-norm each degree (1, 2, 4, 8, 12, 18) takes to full float32 / float64 precision (from the paper)
THETAS = {4: (1.192092800768788e-07, 5.978858893805233e-04, 5.116619363445086e-02, 5.800524627688768e-01,
              1.461661507209034e+00, 3.010066362817634e+00),
          8: (2.220446049250313e-16, 2.580956802971767e-08, 3.397168839976962e-04, 4.991228871115323e-02,
              2.996158913811580e-01, 1.090863719290036e+00)}

_R177 = 13.30413469565007072504      # sqrt(177), which the degree-8 scheme's coefficients are built from
_X3 = 2.0 / 3.0
#: the degree-8 scheme: A4 = A2 (c1 A + c2 A2), A8 = (c3 A2 + A4)(c4 I + c5 A + c6 A2 + c7 A4), T8 = I + A + y2 A2 + A8
_T8 = (_X3 * (1 + _R177) / 88, _X3 * (1 + _R177) / 352, _X3, (-271 + 29 * _R177) / (315 * _X3),
       (-11 + 11 * _R177) / (1260 * _X3), (-99 + 11 * _R177) / (5040 * _X3), (89 - _R177) / (5040 * _X3),
       (857 - 58 * _R177) / 630)
#: the degree-12 scheme: B_i = sum_j b_ij A^j over (I, A, A^2, A^3); B2 += B3 B3; T12 = B0 + (B1 + B2) B2
_T12 = ((9.0198e-16, 0.46932117595418237389, -0.20099424927047284052, -0.04623946134063071740),
        (5.31597895759871264183, 1.19926790417132231573, 0.01179296240992997031, 0.01108844528519167989),
        (0.18188869982170434744, 0.05502798439925399070, 0.09351590770535414968, 0.00610700528898058230),
        (-2.0861320e-13, -0.13181061013830184015, -0.02027855540589259079, -0.00675951846863086359))
#: the degree-18 scheme: B_i = sum_j b_ij A^j over (I, A, A^2, A^3, A^6); B3 += B0 B4; T18 = B1 + (B2 + B3) B3
_T18 = ((0.0, -1.00365581030144618291e-01, -8.02924648241156932449e-03, -8.92138498045729985177e-04, 0.0),
        (0.0, 3.97849749499645077844e-01, 1.36783778460411720168e+00, 4.98289622525382669416e-01,
         -6.37898194594723280150e-04),
        (-1.09676396052962061844e+01, 1.68015813878906206114e+00, 5.71779846478865511061e-02,
         -6.98210122488052056106e-03, 3.34975017086070470649e-05),
        (-9.04316832390810593223e-02, -6.76404519071381882256e-02, 6.75961301770459654925e-02,
         2.95552570429315521194e-02, -1.39180257516060693404e-05),
        (0.0, 0.0, -9.23364619367118555360e-02, -1.69364939002081722752e-02, -1.40086798182036094347e-05))


def _combine(terms, coefficients):
    """sum_j coefficients[j] * terms[j], accumulated left to right."""
    out = coefficients[0] * terms[0]
    for c, t in zip(coefficients[1:], terms[1:]):
        out = out + c * t
    return out


def _taylor(degree, a, eye):
    """The degree-`degree` Taylor approximation of exp for the stack of matrices a."""
    if degree == 1:
        return eye + a
    a2 = a @ a
    if degree == 2:
        return eye + a + a2 / 2
    if degree == 4:
        return _combine((eye, a, a2 @ _combine((eye, a, a2), (1 / 2, 1 / 6, 1 / 24))), (1.0, 1.0, 1.0))
    if degree == 8:
        c1, c2, c3, c4, c5, c6, c7, y2 = _T8
        a4 = a2 @ _combine((a, a2), (c1, c2))
        a8 = _combine((a2, a4), (c3, 1.0)) @ _combine((eye, a, a2, a4), (c4, c5, c6, c7))
        return _combine((eye, a, a2, a8), (1.0, 1.0, y2, 1.0))
    powers = [eye, a, a2, a2 @ a]
    if degree == 12:
        b = [_combine(powers, row) for row in _T12]
        b[2] = b[2] + b[3] @ b[3]
        return b[0] + (b[1] + b[2]) @ b[2]
    powers.append(powers[3] @ powers[3])
    b = [_combine(powers, row) for row in _T18]
    b[3] = b[3] + b[0] @ b[4]
    return b[1] + (b[2] + b[3]) @ b[3]


def expm(xp, a):
    """exp of each square matrix of raw array a (..., n, n)."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    if n == 1:
        return xp.exp(a)
    flat = a.reshape(-1, n, n)
    thetas = THETAS[8 if flat.real.dtype.itemsize >= 8 else 4]
    norm = xp.abs(flat).sum(axis=-2).max(axis=-1)
    real = norm.dtype.type
    eye = xp.eye(n, dtype=a.dtype)
    out = xp.full(flat.shape, np.nan, dtype=a.dtype)    # a matrix with a nan norm stays nan
    low = real(-1.0) if flat.shape[0] == 1 else real(np.inf)   # (a batch: all by degree 18, as PyTorch)
    for degree, theta in zip((1, 2, 4, 8, 12), thetas):
        picked = xp.nonzero((norm > low) & (norm <= real(theta)))[0]
        if picked.size:
            out[picked] = _taylor(degree, flat[picked], eye)
        low = real(theta)
    big = xp.nonzero((norm >= real(thetas[4])) | (flat.shape[0] > 1))[0]
    if big.size:
        with np.errstate(divide="ignore"):
            scale = xp.maximum(xp.ceil(xp.log2(norm[big] / real(thetas[5]))), 0).astype(np.int64)
        result = _taylor(18, flat[big] / (2.0 ** scale).astype(real)[:, None, None], eye)
        for step in range(int(scale.max())):
            result = xp.where((scale > step)[:, None, None], result @ result, result)
        out[big] = result
    return out.reshape(a.shape)


class LinalgMatrixExp(Function):
    op_name = "linalg.matrix_exp"

    def forward(ctx, a):
        ctx.save_for_backward(a)
        return expm(ctx.xp, a)

    def backward(ctx, g):
        (a,) = ctx.saved_tensors
        xp = ctx.xp
        n = a.shape[-1]
        at = a.swapaxes(-1, -2)
        graph = xp is not ctx.device.xp
        zeros = g.new_zeros(g.shape) if graph else xp.zeros(g.shape, dtype=g.dtype)
        block = xp.concatenate([xp.concatenate([at, g], axis=-1), xp.concatenate([zeros, at], axis=-1)], axis=-2)
        big = LinalgMatrixExp.apply(block) if graph else expm(xp, block)
        return big[..., :n, n:]


def matrix_exp(A):
    """exp(A) = sum_k A^k / k! of each square matrix of A (..., n, n)."""
    check_matrix("linalg.matrix_exp", A)
    return LinalgMatrixExp.apply(A)
