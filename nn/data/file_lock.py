"""An exclusive lock on a path, shared by threads and processes: `with file_lock(path): ...`.

POSIX: `flock` on `<path>` (each `open` is its own lock owner, so two threads exclude each other
too); the holder deletes the file on release, and a waiter that got the lock on a file deleted
meanwhile tries again, so no lock file is left behind. Windows: `msvcrt.locking` on its first byte;
the file is removed when no one holds it. A process that dies releases its lock with it.
"""
import contextlib
import os
import time

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt


@contextlib.contextmanager
def file_lock(path):
    """Hold an exclusive lock on `path` (created if missing) for the duration of the block."""
    path = os.fspath(path)
    fd = _acquire(path)
    try:
        yield
    finally:
        _release(path, fd)


def _acquire(path):
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        if fcntl is None:
            _lock_windows(fd)
            return fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.fstat(fd), os.stat(path)):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the previous holder removed this file after we opened it: lock the new one


def _release(path, fd):
    try:
        if fcntl is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)  # while still holding the lock, so no waiter can hold this same file
        else:
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(fd)
    if fcntl is None:
        with contextlib.suppress(OSError):  # another process has it open: it removes it later
            os.unlink(path)


def _lock_windows(fd):
    while True:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return
        except OSError:
            time.sleep(0.05)
