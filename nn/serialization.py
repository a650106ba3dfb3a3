"""Save and load state dicts as safetensors files, with our own small reader and writer.

Layout: an 8-byte little-endian header length N, N bytes of JSON header
(`{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}`, plus an
optional `"__metadata__": {str: str}`), then the raw little-endian tensor bytes. Nothing is
pickled or evaluated, and files are written atomically, so a crash never leaves half a checkpoint.
"""
import json
import os
import secrets
import struct

import numpy as np

# safetensors dtype name -> little-endian NumPy dtype
_DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"), "U8": np.dtype("u1"), "BOOL": np.dtype("?"),
    "BF16": np.dtype("<u2"),  # raw bits; widened to float32 on load
}
_NAMES = {dt.newbyteorder("<"): name for name, dt in _DTYPES.items() if name != "BF16"}
# The order the `safetensors` package writes tensors in (widest dtype first, then by name),
# which keeps every tensor aligned and makes our files byte-identical to theirs.
_WRITE_RANK = {"I64": 0, "F64": 1, "F32": 2, "I32": 3, "F16": 4, "I16": 5, "I8": 6, "U8": 7, "BOOL": 8}
_MAX_HEADER = 100_000_000
_METADATA_KEY = "__metadata__"


def save(state_dict, path, metadata=None):
    """Write `state_dict` (name -> NumPy array or object with `.numpy()`) to a safetensors file.

    `metadata` is an optional dict of str -> str stored in the header. The write is atomic:
    on any failure the previous file at `path` is left untouched and no temporary file remains.
    """
    arrays = _as_arrays(state_dict, path)
    header = _header_bytes(arrays, _check_metadata(metadata, path))
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(header)
            for _, arr in arrays:
                f.write(arr.reshape(-1).view(np.uint8).data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_directory(directory)


def load(path):
    """Read a safetensors file into a dict name -> NumPy array (BF16 becomes float32).

    Every part of the file is validated; a malformed file raises `ValueError` naming the file
    and the problem.
    """
    with open(path, "rb") as f:
        entries, _, data_start = _read_header(f, path)
        out = {}
        for name, (dtype_name, shape, begin, end) in entries.items():
            arr = np.empty(shape, dtype=_DTYPES[dtype_name])
            f.seek(data_start + begin)
            if f.readinto(memoryview(arr.reshape(-1).view(np.uint8))) != end - begin:
                raise _error(path, f"tensor {name!r}: file ended while reading its bytes")
            out[name] = _to_native(arr, dtype_name, name, path)
    return out


def load_metadata(path):
    """Return the `__metadata__` dict (str -> str) of a safetensors file, or {} if it has none."""
    with open(path, "rb") as f:
        return _read_header(f, path)[1]


def _error(path, problem):
    return ValueError(f"{os.fspath(path)!s} is not a valid safetensors file: {problem}")


def _as_arrays(state_dict, path):
    """Return [(name, contiguous little-endian array)] in the safetensors write order."""
    if not hasattr(state_dict, "items"):
        raise TypeError(f"nn.save({path!s}): state_dict must be a mapping name -> array, "
                        f"got {type(state_dict).__name__}")
    arrays = []
    for name, value in state_dict.items():
        if not isinstance(name, str) or name == _METADATA_KEY:
            raise TypeError(f"nn.save({path!s}): keys must be strings other than "
                            f"{_METADATA_KEY!r}, got {name!r}")
        if hasattr(value, "numpy") and not isinstance(value, (np.ndarray, np.generic)):
            value = value.numpy()
        if not isinstance(value, (np.ndarray, np.generic)):
            raise TypeError(f"nn.save({path!s}): value for {name!r} is a {type(value).__name__}; "
                            f"expected a NumPy array or a Tensor (an object with .numpy())")
        arr = np.asarray(value)
        dtype_name = _NAMES.get(arr.dtype.newbyteorder("<"))
        if dtype_name is None:
            raise TypeError(f"nn.save({path!s}): {name!r} has dtype {arr.dtype}, which safetensors "
                            f"files here cannot hold; cast it, e.g. .astype(np.float32) "
                            f"(supported: float64/32/16, int64/32/16/8, uint8, bool)")
        arrays.append((name, np.asarray(arr, dtype=_DTYPES[dtype_name], order="C"), dtype_name))
    arrays.sort(key=lambda item: (_WRITE_RANK[item[2]], item[0]))
    return [(name, arr) for name, arr, _ in arrays]


def _check_metadata(metadata, path):
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise TypeError(f"nn.save({path!s}): metadata must be a dict of str -> str, got {metadata!r}")
    return metadata


def _header_bytes(arrays, metadata):
    header = {} if metadata is None else {_METADATA_KEY: metadata}
    offset = 0
    for name, arr in arrays:
        header[name] = {"dtype": _NAMES[arr.dtype], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so the tensor bytes start 8-byte aligned
    return struct.pack("<Q", len(text)) + text


def _read_header(f, path):
    """Validate the header against the file size; return (entries, metadata, data_start)."""
    size = os.fstat(f.fileno()).st_size
    if size < 8:
        raise _error(path, f"the file is {size} bytes, shorter than the 8-byte header length")
    (n,) = struct.unpack("<Q", f.read(8))
    if n > min(_MAX_HEADER, size - 8):
        raise _error(path, f"header length {n} goes beyond the file ({size} bytes) "
                           f"or the {_MAX_HEADER}-byte limit")
    try:
        header = json.loads(f.read(n).decode("utf-8"), object_pairs_hook=_no_duplicates,
                            parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _error(path, f"the header is not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise _error(path, "the header is not a JSON object")
    metadata = header.pop(_METADATA_KEY, {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise _error(path, f"{_METADATA_KEY} must map strings to strings")
    entries = {name: _check_entry(path, name, info) for name, info in header.items()}
    _check_coverage(path, entries, size - 8 - n)
    return entries, metadata, 8 + n


def _check_entry(path, name, info):
    if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
        raise _error(path, f"tensor {name!r} must have exactly dtype, shape and data_offsets")
    dtype_name, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype_name not in _DTYPES:
        raise _error(path, f"tensor {name!r} has unknown dtype {dtype_name!r} "
                           f"(known: {', '.join(_DTYPES)})")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise _error(path, f"tensor {name!r} has invalid shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_count, offsets))
            and offsets[0] <= offsets[1]):
        raise _error(path, f"tensor {name!r} has invalid data_offsets {offsets!r}")
    nbytes = int(np.prod(shape, dtype=object)) * _DTYPES[dtype_name].itemsize
    if offsets[1] - offsets[0] != nbytes:
        raise _error(path, f"tensor {name!r} of shape {shape} and dtype {dtype_name} needs {nbytes} "
                           f"bytes but its data_offsets {offsets} span {offsets[1] - offsets[0]}")
    return dtype_name, tuple(shape), offsets[0], offsets[1]


def _check_coverage(path, entries, buffer_size):
    """The tensors must tile the data buffer exactly: no gaps, no overlaps, nothing past the end."""
    position = 0
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda e: (e[1][2], e[1][3])):
        if begin != position:
            problem = "overlaps the previous tensor" if begin < position else "leaves a gap before it"
            raise _error(path, f"tensor {name!r} at data_offsets [{begin}, {end}] {problem}")
        position = end
    if position != buffer_size:
        raise _error(path, f"the tensors cover {position} bytes but the data buffer holds "
                           f"{buffer_size} (file truncated, or offsets out of range)")


def _to_native(arr, dtype_name, name, path):
    if dtype_name == "BF16":
        return (arr.astype(np.uint32) << 16).view(np.float32)
    if dtype_name == "BOOL" and arr.view(np.uint8).max(initial=0) > 1:
        raise _error(path, f"BOOL tensor {name!r} holds bytes other than 0 and 1")
    return arr.astype(arr.dtype.newbyteorder("="), copy=False)


def _is_count(value):
    return type(value) is int and value >= 0


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate keys {sorted({k for k in keys if keys.count(k) > 1})}")
    return dict(pairs)


def _reject_constant(token):
    raise ValueError(f"non-standard constant {token}")


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
