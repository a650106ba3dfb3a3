"""Writing a file so that a reader (or a crash) sees the old file or the whole new one, never a part (checkpoints,
Keras files, ONNX exports)."""
import os
import secrets


def write_atomically(path, write):
    """Call write(f) on a fresh temporary binary file in `path`'s folder, fsync it, then rename it over
    `path` (and fsync the folder); on any error the temporary file is removed and `path` is untouched."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory):
    """Persist the rename itself; not every platform can open a directory, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
