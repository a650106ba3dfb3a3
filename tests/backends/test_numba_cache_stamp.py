"""The numba kernels' disk cache is stamped with all kernel sources, not only each kernel's own file."""
import os

import pytest

pytest.importorskip("numba")

import backends.numba_backend  # noqa: E402,F401  (sets the cache folder, installs the locator)
from backends.numba_kernels import cache_stamp, rnn  # noqa: E402


def test_kernels_use_the_sources_stamp():
    locator = rnn.lstm_cell_kernel._cache._impl.locator
    assert isinstance(locator, cache_stamp.KernelSourcesLocator)
    own_stamp, digest = locator.get_source_stamp()
    assert digest == cache_stamp.sources_digest() and own_stamp


def test_sources_cover_the_inlined_helpers_and_imported_modules():
    names = {os.path.relpath(p, cache_stamp.BACKENDS_DIR).replace(os.sep, "/") for p in cache_stamp.kernel_sources()}
    assert {"numba_kernels/vecmath.py", "numba_kernels/jit.py", "numba_kernels/rnn.py",
            "numpy_kernels/activation.py", "array_kernels/rnn.py"} <= names


def test_only_kernel_files_get_the_locator(tmp_path):
    assert cache_stamp.is_kernel_file(rnn.__file__)
    assert cache_stamp.is_kernel_file(str(tmp_path / "deepgrad_fused_0123.py"))
    assert not cache_stamp.is_kernel_file(str(tmp_path / "user_code.py"))


def test_imported_files_resolve_relative_imports():
    source = "from ..array_kernels.rnn import check_gates\nfrom .. import workers\nfrom ..array_kernels import pool\n"
    found = {os.path.relpath(p, cache_stamp.BACKENDS_DIR).replace(os.sep, "/")
             for p in cache_stamp._imported_files(source)}
    assert found == {"array_kernels/rnn.py", "workers.py", "array_kernels/pool.py"}
