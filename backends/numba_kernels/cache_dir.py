"""Where Numba keeps the compiled kernels: beside their source when that folder is writable,
else in a per-user cache folder. Imports nothing of Numba, so it can run before Numba loads."""
import os
import sys
import tempfile

KERNEL_DIR = os.path.dirname(os.path.abspath(__file__))


def is_writable(folder):
    """True when a file can be created in `folder` (creating the folder if it is missing)."""
    try:
        os.makedirs(folder, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".deepgrad-probe-")
        os.close(handle)
        os.remove(probe)
        return True
    except OSError:
        return False


def user_cache_dir(environ=None):
    """The per-user folder for deepgrad's compiled Numba kernels on this platform."""
    environ = os.environ if environ is None else environ
    if sys.platform.startswith("win"):
        base = environ.get("LOCALAPPDATA") or os.path.join(os.path.expanduser("~"), "AppData", "Local")
    elif sys.platform == "darwin":
        base = os.path.join(os.path.expanduser("~"), "Library", "Caches")
    else:
        base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "deepgrad", "numba")


def choose_cache_dir(kernel_dir=KERNEL_DIR, environ=None):
    """The NUMBA_CACHE_DIR to set, or None when the user set one or the kernels' own
    `__pycache__` (Numba's default place) is writable.

    A read-only package gets the per-user cache folder, or a folder in the temp dir when even
    that is read-only (Numba refuses to load `cache=True` kernels with no writable place)."""
    environ = os.environ if environ is None else environ
    if environ.get("NUMBA_CACHE_DIR"):
        return None
    if is_writable(os.path.join(kernel_dir, "__pycache__")):
        return None
    user = getattr(os, "getuid", lambda: "user")()
    for folder in (user_cache_dir(environ), os.path.join(tempfile.gettempdir(), f"deepgrad-numba-{user}")):
        if is_writable(folder):
            return folder
    return None


def configure_cache_dir(kernel_dir=KERNEL_DIR, environ=None):
    """Set NUMBA_CACHE_DIR in `environ` when the kernels' folder is read-only; returns the folder
    set, or None."""
    environ = os.environ if environ is None else environ
    folder = choose_cache_dir(kernel_dir, environ)
    if folder is not None:
        environ["NUMBA_CACHE_DIR"] = folder
    return folder
