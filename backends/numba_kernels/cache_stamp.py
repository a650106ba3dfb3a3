"""Numba's on-disk cache for this package's kernels, invalidated when ANY kernel source changes.

Numba stamps a cached kernel with the content hash of the kernel's own file only. A kernel that
inlines a helper from another file (vecmath's exp/sigmoid/tanh, jit's compile options, a constant
table from array_kernels) would keep loading the machine code of the old helper after that file
changed. The locator installed here stamps every kernel of backends/numba_kernels (and the fused
kernels that fused.py generates) with its own file's stamp plus one digest of all the package's
kernel sources and the modules they import from the rest of `backends`, so any edit there
recompiles them. Where the cache lives does not change (Numba's own rules pick the folder).
"""
import functools
import hashlib
import os
import re

from numba.core import caching

KERNEL_DIR = os.path.dirname(os.path.abspath(__file__))
BACKENDS_DIR = os.path.dirname(KERNEL_DIR)
#: module name prefix of fused.py's generated kernels (they inline vecmath too)
FUSED_PREFIX = "deepgrad_fused_"
_RELATIVE_IMPORT = re.compile(r"^from \.\.(\w*)(?:\.(\w+))? import ([\w, ]+)", re.M)


def _imported_files(source):
    """Paths of the `backends` modules outside this package that `source` imports (from ..x import y)."""
    paths = []
    for package, module, names in _RELATIVE_IMPORT.findall(source):
        if module:
            paths.append(os.path.join(BACKENDS_DIR, package, module + ".py"))
            continue
        for name in (n.strip().split(" ")[0] for n in names.split(",")):
            folder = os.path.join(BACKENDS_DIR, package) if package else BACKENDS_DIR
            paths.append(os.path.join(folder, name + ".py"))
    return [p for p in paths if os.path.isfile(p)]


def kernel_sources():
    """The sorted source files whose contents decide the compiled kernels of this package."""
    files = {os.path.join(KERNEL_DIR, name) for name in os.listdir(KERNEL_DIR) if name.endswith(".py")}
    for path in list(files):
        with open(path, encoding="utf-8") as f:
            files.update(_imported_files(f.read()))
    return sorted(files)


@functools.lru_cache(maxsize=None)
def sources_digest():
    """SHA-256 of the names and contents of kernel_sources() (computed once per process)."""
    digest = hashlib.sha256()
    for path in kernel_sources():
        digest.update(os.path.relpath(path, BACKENDS_DIR).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()


def is_kernel_file(py_file):
    """True for a source file of this package or a fused kernel that fused.py generated."""
    folder, name = os.path.split(os.path.abspath(py_file))
    return folder == KERNEL_DIR or name.startswith(FUSED_PREFIX)


class KernelSourcesLocator(caching._CacheLocator):
    """Numba's own locator for the file (same folder, same file names), with a source stamp that
    also covers every kernel source (see the module docstring)."""

    #: Numba's locators that this one wraps, in Numba's order of preference
    wrapped = (caching.UserProvidedCacheLocator, caching.InTreeCacheLocator, caching.UserWideCacheLocator)

    def __init__(self, inner):
        self._inner = inner
        self._py_file = inner._py_file   # Numba's cache warnings read it

    def ensure_cache_path(self):
        self._inner.ensure_cache_path()

    def get_cache_path(self):
        return self._inner.get_cache_path()

    def get_source_stamp(self):
        return self._inner.get_source_stamp(), sources_digest()

    def get_disambiguator(self):
        return self._inner.get_disambiguator()

    @classmethod
    def from_function(cls, py_func, py_file):
        if not is_kernel_file(py_file):
            return None
        for locator_class in cls.wrapped:
            inner = locator_class.from_function(py_func, py_file)
            if inner is not None:
                return cls(inner)
        return None


def install():
    """Put KernelSourcesLocator first in Numba's locator list (once); False when this Numba has no
    such list (its cache then only sees each kernel's own file)."""
    locators = getattr(getattr(caching, "CacheImpl", None), "_locator_classes", None)
    if not isinstance(locators, list):
        return False
    if KernelSourcesLocator not in locators:
        locators.insert(0, KernelSourcesLocator)
    return True
