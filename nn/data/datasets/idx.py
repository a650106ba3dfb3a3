"""Reader for IDX files, the format of MNIST and Fashion-MNIST (plain or gzipped)."""
import gzip
import struct
import zlib

import numpy as np

# IDX type code (third magic byte) -> big-endian element type
IDX_DTYPES = {0x08: np.dtype("u1"), 0x09: np.dtype("i1"), 0x0B: np.dtype(">i2"),
              0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


def read_idx(path):
    """Return the array stored in the IDX file at `path` (native byte order, a fresh copy).

    Raises `ValueError` naming the file when the magic number, the dimensions or the length of
    the data are wrong, or when the gzip stream is truncated or corrupt.
    """
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: its magic number is {raw[:4].hex() or 'missing'}, "
                         f"expected 0000 followed by a type code (08 for uint8) and a rank")
    dtype, ndim = IDX_DTYPES[raw[2]], raw[3]
    start = 4 + 4 * ndim
    if len(raw) < start:
        raise ValueError(f"{path} is truncated: its header declares {ndim} dimensions but the file "
                         f"holds only {len(raw)} bytes")
    shape = struct.unpack(f">{ndim}I", raw[4:start])
    needed = start + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != needed:
        state = "truncated" if len(raw) < needed else "longer than its header says"
        raise ValueError(f"{path} is {state}: a {dtype} array of shape {shape} needs {needed} bytes "
                         f"with its header, the file holds {len(raw)}")
    return np.frombuffer(raw, dtype, offset=start).reshape(shape).astype(dtype.newbyteorder("="))


def _read_bytes(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as exc:  # truncated stream, bad header, bad CRC
        raise ValueError(f"{path} is a truncated or corrupt gzip file ({exc}); "
                         f"delete it and download it again") from None
