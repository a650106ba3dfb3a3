"""keras.ops' linear algebra (keras.ops.linalg) and Fourier transforms against real Keras 3 on the torch backend:
values, dtype kinds and gradients; complex results are (real, imag) pairs on both sides."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .ops_compare import check_against_keras
from .oracle import real_keras

RNG = np.random.default_rng(5)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


M = rand(3, 4, 4)
SPD = M @ M.transpose(0, 2, 1) + 4 * np.eye(4, dtype=np.float32)
LOWER = np.linalg.cholesky(SPD).astype(np.float32)
UPPER = LOWER.transpose(0, 2, 1).copy()
RHS = rand(3, 4, 2)
TALL = rand(5, 3)
DEFICIENT = np.concatenate([TALL, TALL[:, :1] * 2], 1)

LINALG = {
    "cholesky": (lambda o, x: o.linalg.cholesky(x), [SPD]),
    "cholesky_upper": (lambda o, x: o.cholesky(x, upper=True), [SPD[:1]]),
    "cholesky_inverse": (lambda o, x: o.linalg.cholesky_inverse(x), [LOWER]),
    "cholesky_inverse_upper": (lambda o, x: o.cholesky_inverse(x, upper=True), [UPPER]),
    "det": (lambda o, x: o.det(x), [M]),
    "inv": (lambda o, x: o.inv(x), [SPD]),
    "logdet": (lambda o, x: o.logdet(x), [SPD]),
    "slogdet": (lambda o, x: o.slogdet(x), [M]),
    "eigh": (lambda o, x: o.eigh(x)[0], [SPD]),
    "eigh_vectors_abs": (lambda o, x: o.abs(o.eigh(x)[1]), [SPD[0]]),
    "lstsq_vector": (lambda o, a, b: o.lstsq(a, b), [TALL, rand(5)]),
    "lstsq_matrix": (lambda o, a, b: o.linalg.lstsq(a, b), [TALL, rand(5, 2)]),
    "pinv": (lambda o, x: o.pinv(x), [TALL]),
    "pinv_rcond": (lambda o, x: o.pinv(x, rcond=0.5), [TALL]),
    "qr": (lambda o, x: o.qr(x), [TALL]),
    "qr_complete": (lambda o, x: o.qr(x, mode="complete"), [TALL.T.copy()]),
    "solve": (lambda o, a, b: o.solve(a, b), [SPD, RHS]),
    "solve_vector": (lambda o, a, b: o.solve(a, b), [SPD[0], RHS[0, :, 0].copy()]),
    "solve_triangular_lower": (lambda o, a, b: o.solve_triangular(a, b, lower=True), [LOWER, RHS]),
    "solve_triangular_upper": (lambda o, a, b: o.linalg.solve_triangular(a, b), [UPPER, RHS]),
    "svd_values": (lambda o, x: o.svd(x, compute_uv=False), [TALL]),
    "svd_reduced_singular_values": (lambda o, x: o.svd(x, full_matrices=False)[1], [M]),
    "matrix_rank": (lambda o, x: o.linalg.matrix_rank(x), [DEFICIENT]),
    "matrix_rank_tol": (lambda o, x: o.matrix_rank(x, tol=0.5), [TALL]),
    "lu_factor": (lambda o, x: o.lu_factor(x), [M]),
    "lu_factor_single": (lambda o, x: o.lu_factor(x), [M[0]]),
    "lu_factor_pivoting": (lambda o, x: o.lu_factor(x), [np.array([[0.1, 2.0, 1.0], [3.0, -1.0, 0.5],
                                                                      [1.0, 1.0, 4.0]], np.float32)]),
    "norm": (lambda o, x: o.linalg.norm(x), [TALL]),
    "norm_nuc": (lambda o, x: o.norm(x, ord="nuc"), [TALL]),
    "norm_2": (lambda o, x: o.norm(x, ord=2), [TALL]),
    "norm_-2": (lambda o, x: o.norm(x, ord=-2), [TALL]),
    "norm_1": (lambda o, x: o.norm(x, ord=1), [TALL]),
    "norm_inf": (lambda o, x: o.norm(x, ord=np.inf), [TALL]),
    "norm_axes_keepdims": (lambda o, x: o.norm(x, ord="fro", axis=(1, 2), keepdims=True), [M]),
    "norm_vector_3": (lambda o, x: o.norm(x, ord=3, axis=0), [TALL]),
    "norm_matrix_axes_1": (lambda o, x: o.norm(x, ord=1, axis=(0, 2)), [M]),
}

SIGNAL = rand(2, 40)
SPECTRUM = [np.asarray(a) for a in
            (lambda s: (s.real.astype(np.float32), s.imag.astype(np.float32)))(np.fft.rfft(rand(2, 3, 8)))]
RE, IM = rand(2, 3, 8), rand(2, 3, 8)
FFT = {
    "fft": (lambda o, r, i: o.fft((r, i)), [RE, IM]),
    "fft2": (lambda o, r, i: o.fft2((r, i)), [RE, IM]),
    "ifft2": (lambda o, r, i: o.ifft2((r, i)), [RE, IM]),
    "rfft": (lambda o, x: o.rfft(x), [RE]),
    "rfft_cut_odd": (lambda o, x: o.rfft(x, 7), [RE]),
    "rfft_padded": (lambda o, x: o.rfft(x, 11), [RE]),
    "irfft": (lambda o, r, i: o.irfft((r, i)), SPECTRUM),
    "irfft_odd": (lambda o, r, i: o.irfft((r, i), 7), SPECTRUM),
    "irfft_padded": (lambda o, r, i: o.irfft((r, i), 12), SPECTRUM),
    "stft": (lambda o, x: o.stft(x, 8, 4, 8), [SIGNAL]),
    "stft_uncentred_hamming": (lambda o, x: o.stft(x, 6, 3, 8, window="hamming", center=False), [SIGNAL]),
    "stft_3d_no_window": (lambda o, x: o.stft(x, 8, 2, 16, window=None), [SIGNAL.reshape(2, 1, 40)]),
    "istft": (lambda o, x: o.istft(o.stft(x, 8, 4, 8), 8, 4, 8), [SIGNAL]),
    "istft_length": (lambda o, x: o.istft(o.stft(x, 8, 4, 8), 8, 4, 8, length=37), [SIGNAL]),
    "istft_padded_frames": (lambda o, x: o.istft(o.stft(x, 6, 3, 8, center=False), 6, 3, 8, center=False),
                            [SIGNAL]),
    "istft_padded_frames_centred": (lambda o, x: o.istft(o.stft(x, 6, 3, 8), 6, 3, 8), [SIGNAL]),
}

ALL = {**LINALG, **FFT}


@pytest.mark.parametrize("name", sorted(ALL))
def test_matches_keras_values_and_gradients(name):
    fn, inputs = ALL[name]
    check_against_keras(fn, inputs, atol=1e-4)


@pytest.mark.parametrize("matrix", [SPD[0], np.array([[0.0, 1.0], [-1.0, 0.0]], np.float32),
                                    RNG.standard_normal((2, 3, 3)).astype(np.float32)])
def test_eig_gives_keras_complex_eigenvalues(matrix):
    keras = real_keras()
    w, v = ours.ops.eig(matrix)
    theirs = keras.ops.convert_to_numpy(keras.ops.eig(matrix)[0])
    assert str(w.dtype) == str(theirs.dtype) == "complex64"
    np.testing.assert_allclose(np.sort_complex(w.numpy().reshape(-1)), np.sort_complex(theirs.reshape(-1)),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(matrix @ v.numpy(), v.numpy() * w.numpy()[..., None, :], rtol=1e-4, atol=1e-4)


def test_eig_is_differentiable_through_its_eigenvalues():
    x = ag.tensor(RNG.standard_normal((3, 3)), requires_grad=True)
    assert ag.gradcheck(lambda t: ours.ops.eig(t)[0].abs(), [x])


def test_lu_factor_gradient_passes_gradcheck():
    x = ag.tensor(RNG.standard_normal((2, 4, 4)), requires_grad=True)
    assert ag.gradcheck(lambda t: ours.ops.lu_factor(t)[0], [x])


def test_lu_factor_reconstructs_the_matrix():
    lu, pivots = (t.numpy() for t in ours.ops.lu_factor(M[1]))
    lower, upper = np.tril(lu, -1) + np.eye(4), np.triu(lu)
    permuted = M[1].copy()
    for k, p in enumerate(pivots):
        permuted[[k, p]] = permuted[[p, k]]
    np.testing.assert_allclose(lower @ upper, permuted, rtol=1e-4, atol=1e-5)


def test_fft_gradients_pass_gradcheck():
    r = ag.tensor(RNG.standard_normal((3, 6)), requires_grad=True)
    i = ag.tensor(RNG.standard_normal((3, 6)), requires_grad=True)
    assert ag.gradcheck(lambda a, b: ours.ops.fft2((a, b))[0] * 2 + ours.ops.fft2((a, b))[1], [r, i])
    assert ag.gradcheck(lambda a, b: ours.ops.irfft((a, b), 9), [r, i])


def test_linalg_namespace_extends_keras_with_logdet_and_slogdet():
    assert ours.ops.linalg.solve is ours.ops.solve
    assert ours.ops.linalg.slogdet is ours.ops.slogdet and ours.ops.numpy.slogdet is ours.ops.slogdet


BAD = {
    "cholesky not square": (lambda: ours.ops.cholesky(TALL), "keras.ops.cholesky: needs square matrices"),
    "solve not square": (lambda: ours.ops.solve(TALL, TALL), "keras.ops.solve: needs square"),
    "lstsq shapes": (lambda: ours.ops.lstsq(TALL, rand(4)), "keras.ops.lstsq"),
    "qr mode": (lambda: ours.ops.qr(TALL, mode="r"), "mode must be"),
    "norm matrix ord on vector": (lambda: ours.ops.norm(TALL[0], ord="nuc"), "matrix norm"),
    "norm three axes": (lambda: ours.ops.norm(M, axis=(0, 1, 2)), "one axis or two"),
    "fft not a pair": (lambda: ours.ops.fft(RE), "\\(real, imag\\) pair"),
    "fft mismatched": (lambda: ours.ops.fft((RE, IM[0])), "same shape"),
    "stft fft_length": (lambda: ours.ops.stft(SIGNAL, 8, 4, 4), "fft_length"),
    "stft window": (lambda: ours.ops.stft(SIGNAL, 8, 4, 8, window="kaiser"), "window must be"),
    "stft ints": (lambda: ours.ops.stft(np.ones((2, 20), np.int32), 8, 4, 8), "float32 or float64"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_gets_a_clear_error(name):
    fn, message = BAD[name]
    with pytest.raises((ValueError, TypeError), match=message):
        fn()
