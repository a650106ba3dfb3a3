"""Read chosen regular files out of a (gzipped) tar archive without extracting it to disk."""
import tarfile
import zlib


def read_members(path, wanted):
    """Return {member name: bytes} for the regular files in the archive at `path` that `wanted(name)`
    accepts, in one pass. A truncated or corrupt archive raises `ValueError` naming the file."""
    found = {}
    try:
        with tarfile.open(path, "r:*") as tar:
            for member in tar:
                name = member.name.removeprefix("./")
                if member.isfile() and wanted(name):
                    found[name] = tar.extractfile(member).read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise ValueError(f"{path} is not a readable tar archive, or is truncated or corrupt ({exc}); "
                         f"delete it and download it again") from None
    return found
