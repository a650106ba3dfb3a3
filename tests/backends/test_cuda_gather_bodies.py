"""The index arithmetic of the cuda device's convolution gathers (backends/cupy_kernels/conv_sources.py),
checked without a GPU: each CUDA body is compiled as C++ on the host with both index types (32 and 64 bit),
run once per output element as CuPy runs it, and compared with the convolution's definition in NumPy.
Skips where no C++ compiler is installed."""
import ctypes
import shutil
import subprocess

import numpy as np
import pytest

from backends.cupy_kernels import conv_sources

CXX = shutil.which("g++") or shutil.which("clang++")
pytestmark = pytest.mark.skipif(CXX is None, reason="needs a C++ compiler (g++ or clang++)")
INDEX_TYPES = ("unsigned int", "long long")
_GEOMETRY_ARGS = "int n, int c, int h, int w, int ho, int wo, int kh, int kw, int sh, int sw, int ph, int pw, " \
                 "int dh, int dw"


def _loop(name, body, params, output):
    """A C++ function running `body` for every i < size, with `output` bound to element i, as a CuPy
    ElementwiseKernel runs it."""
    return (f'extern "C" void {name}({params}, T* {output}_all, long long size) {{\n'
            f"  for (long long i = 0; i < size; ++i) {{\n    T& {output} = {output}_all[i];\n{body}\n  }}\n}}\n")


def _program(index_type):
    return (f"typedef double T;\ntypedef {index_type} index_t;\n"
            + _loop("im2col", conv_sources.IM2COL, f"const T* x, {_GEOMETRY_ARGS}", "col")
            + _loop("col2im", conv_sources.COL2IM, f"const T* gcol, {_GEOMETRY_ARGS}", "gx")
            + _loop("swap_leading", conv_sources.SWAP_LEADING, "const T* src, int na, int nb, int len", "dst"))


@pytest.fixture(scope="module", params=INDEX_TYPES)
def bodies(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gather_bodies")
    source, library = folder / "bodies.cpp", folder / "bodies.so"
    source.write_text(_program(request.param))
    subprocess.run([CXX, "-O1", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)
    return ctypes.CDLL(str(library))


def _pointer(a):
    return a.ctypes.data_as(ctypes.c_void_p)


def _columns_by_definition(x, k, stride, padding, dilation, ho, wo):
    n, c, h, w = x.shape
    col = np.zeros((c, k[0], k[1], n, ho, wo))
    for i in range(k[0]):
        for j in range(k[1]):
            for oh in range(ho):
                for ow in range(wo):
                    y = oh * stride[0] - padding[0] + i * dilation[0]
                    xx = ow * stride[1] - padding[1] + j * dilation[1]
                    if 0 <= y < h and 0 <= xx < w:
                        col[:, i, j, :, oh, ow] = x[:, :, y, xx].T
    return col.reshape(c * k[0] * k[1], n * ho * wo)


# (N, C, H, W, kernel, stride, padding, dilation): odd sizes, strides 1-3, paddings 0-2, dilation 2
CASES = [(2, 3, 9, 8, (3, 3), (1, 1), (1, 1), (1, 1)), (3, 2, 11, 7, (3, 2), (2, 3), (1, 2), (1, 1)),
         (2, 2, 10, 10, (2, 3), (3, 1), (2, 0), (2, 1)), (1, 4, 7, 9, (3, 3), (1, 2), (0, 0), (2, 2)),
         (1, 1, 5, 5, (5, 5), (1, 1), (2, 2), (1, 1))]


@pytest.mark.parametrize("case", CASES)
def test_im2col_and_col2im_bodies_follow_the_definition(bodies, case):
    n, c, h, w, k, stride, padding, dilation = case
    ho = (h + 2 * padding[0] - dilation[0] * (k[0] - 1) - 1) // stride[0] + 1
    wo = (w + 2 * padding[1] - dilation[1] * (k[1] - 1) - 1) // stride[1] + 1
    geometry = [ctypes.c_int(v) for v in (n, c, h, w, ho, wo, *k, *stride, *padding, *dilation)]
    x = np.random.default_rng(0).standard_normal((n, c, h, w))
    expected = _columns_by_definition(x, k, stride, padding, dilation, ho, wo)
    col = np.full(expected.shape, np.nan)
    bodies.im2col(_pointer(x), *geometry, _pointer(col), ctypes.c_longlong(col.size))
    np.testing.assert_array_equal(col, expected)

    # col2im is im2col's adjoint: <im2col(x), g> = <x, col2im(g)> for every g
    g = np.random.default_rng(1).standard_normal(expected.shape)
    gx = np.full(x.shape, np.nan)
    bodies.col2im(_pointer(g), *geometry, _pointer(gx), ctypes.c_longlong(gx.size))
    for trial in range(3):
        probe = np.random.default_rng(2 + trial).standard_normal(x.shape)
        assert np.vdot(_columns_by_definition(probe, k, stride, padding, dilation, ho, wo), g) == \
            pytest.approx(np.vdot(probe, gx), rel=1e-12)


@pytest.mark.parametrize("shape", [(3, 4, 5), (1, 6, 7), (5, 1, 1), (2, 3, 0)])
def test_swap_leading_body_transposes_the_leading_axes(bodies, shape):
    src = np.random.default_rng(0).standard_normal(shape)
    dst = np.full((shape[1], shape[0], shape[2]), np.nan)
    bodies.swap_leading(_pointer(src), *(ctypes.c_int(v) for v in shape), _pointer(dst), ctypes.c_longlong(dst.size))
    np.testing.assert_array_equal(dst, src.transpose(1, 0, 2))
