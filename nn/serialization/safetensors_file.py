"""The safetensors file format, read and written over binary file objects with NumPy arrays.

Layout: an 8-byte little-endian header length N, N bytes of JSON header
(`{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...}`, plus an
optional `"__metadata__": {str: str}`), then the raw little-endian tensor bytes. Nothing is
pickled or evaluated; every part of a file is validated before an array is allocated.
"""
import json
import pickle   # for its UnpicklingError type only: nothing here unpickles
import struct

import numpy as np

from autograd.bf16_dtype import bfloat16_available, bfloat16_dtype, is_bf16

# safetensors dtype name -> little-endian NumPy dtype
DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"), "U8": np.dtype("u1"), "BOOL": np.dtype("?"), "C64": np.dtype("<c8"),
    "BF16": np.dtype("<u2"),  # raw bits: bfloat16 on load (float32 without the optional ml_dtypes package)
}
_NAMES = {dt.newbyteorder("<"): name for name, dt in DTYPES.items() if name != "BF16"}
# The order the `safetensors` package writes tensors in (widest dtype first, then by name),
# which keeps every tensor aligned and makes our files byte-identical to theirs.
_WRITE_RANK = {"I64": 0, "F64": 1, "C64": 1.5, "F32": 2, "I32": 3, "F16": 4, "BF16": 4, "I16": 5, "I8": 6, "U8": 7,
               "BOOL": 8}
_MAX_HEADER = 100_000_000
_MAX_BYTES = np.iinfo(np.intp).max  # no array, even an empty one, may have a larger shape product
METADATA_KEY = "__metadata__"


class CheckpointFileError(ValueError, pickle.UnpicklingError, RuntimeError):
    """A file that is not a checkpoint deepgrad reads: a ValueError, and the UnpicklingError torch.load raises for
    a file it cannot read, or the RuntimeError it raises for a truncated or corrupt zip checkpoint (deepgrad never
    unpickles; the types are only for `except` clauses in ported code)."""


class EmptyCheckpointError(CheckpointFileError, EOFError):
    """A file with no bytes at all (or a stream already read to its end): also the EOFError torch.load raises."""


def error(label, problem, kind=CheckpointFileError):
    """The ValueError for a malformed file: names the file and the problem."""
    return kind(f"{label} is not a valid safetensors file: {problem}")


def is_array(value):
    """True for what a file stores as a tensor: NumPy arrays and scalars, and objects with `.numpy()`."""
    return isinstance(value, (np.ndarray, np.generic)) or callable(getattr(value, "numpy", None))


def as_array(value, name, who):
    """`value` (a NumPy array or scalar, or anything with `.numpy()`) as a contiguous little-endian array
    of a dtype safetensors holds; a TypeError naming `name` otherwise."""
    if not isinstance(value, (np.ndarray, np.generic)):
        # a bfloat16 tensor (ours or PyTorch's) has no .numpy(): its float32 values give the same bfloat16 back
        bf16 = str(getattr(value, "dtype", "")).endswith("bfloat16")
        value = value.float().numpy().astype(bfloat16_dtype(who)) if bf16 else value.numpy()
    arr = np.asarray(value)
    if is_bf16(arr.dtype):
        return np.ascontiguousarray(arr)
    dtype_name = _NAMES.get(arr.dtype.newbyteorder("<"))
    if dtype_name is None:
        hint = ("save its real view instead (ag.view_as_real(t), back with ag.view_as_complex)" if arr.dtype.kind == "c"
                else "cast it, e.g. .astype(np.float32)")
        raise TypeError(f"{who}: {name!r} has dtype {arr.dtype}, which safetensors files cannot hold; {hint} "
                        f"(supported: float64/32/16, bfloat16, complex64, int64/32/16/8, uint8, bool)")
    return np.asarray(arr, dtype=DTYPES[dtype_name], order="C")


def write(f, arrays, metadata=None):
    """Write `arrays` ({name: array from `as_array`}) and `metadata` (str -> str or None) to the binary
    file object `f` in the safetensors layout."""
    ordered = sorted(arrays.items(), key=lambda item: (_WRITE_RANK[_name(item[1].dtype)], item[0]))
    f.write(_header_bytes(ordered, metadata))
    for _, arr in ordered:
        f.write(arr.reshape(-1).view(np.uint8).data)


def read(f, size, label):
    """Read the safetensors file of `size` bytes that starts at `f`'s position.

    Returns ({name: NumPy array} in header order, BF16 as bfloat16, or widened to float32 without the ml_dtypes
    package; {metadata}). A malformed
    file raises `ValueError` naming `label` and the problem.
    """
    entries, metadata = _read_header(f, size, label)
    arrays = {}
    # the entries tile the data buffer exactly (checked), so reading them in offset order needs no seek
    for name, (dtype_name, shape, begin, end) in sorted(entries.items(), key=lambda e: e[1][2]):
        arr = np.empty(shape, dtype=DTYPES[dtype_name])
        if _read_into(f, memoryview(arr.reshape(-1).view(np.uint8))) != end - begin:
            raise error(label, f"tensor {name!r}: file ended while reading its bytes")
        arrays[name] = _to_native(arr, dtype_name, name, label)
    return {name: arrays[name] for name in entries}, metadata


def read_metadata(f, size, label):
    """The `__metadata__` dict (str -> str) of the safetensors file at `f`'s position ({} if none)."""
    return _read_header(f, size, label)[1]


def parse_json(text, label, what):
    """Strict JSON (no NaN/Infinity, no duplicate keys, bounded nesting); a ValueError naming `label`."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except RecursionError:
        raise error(label, f"{what} is nested too deeply to be a safetensors header") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise error(label, f"{what} is not valid JSON ({exc})") from None


def _header_bytes(ordered, metadata):
    header = {} if metadata is None else {METADATA_KEY: metadata}
    offset = 0
    for name, arr in ordered:
        header[name] = {"dtype": _name(arr.dtype), "shape": list(arr.shape),
                        "data_offsets": [offset, offset + arr.nbytes]}
        offset += arr.nbytes
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)  # pad so the tensor bytes start 8-byte aligned
    return struct.pack("<Q", len(text)) + text


def _read_header(f, size, label):
    """Validate the header against the file size; return (entries, metadata), `f` at the data start."""
    if size < 8:
        raise error(label, f"the file is {size} bytes, shorter than the 8-byte header length" + (
            " (a file object already read to its end? call f.seek(0) first)" if size == 0 else ""),
            EmptyCheckpointError if size == 0 else CheckpointFileError)
    prefix = f.read(8)
    (n,) = struct.unpack("<Q", prefix)
    if n > min(_MAX_HEADER, size - 8):
        _refuse_pickle(prefix, label)
        raise error(label, f"header length {n} goes beyond the file ({size} bytes) "
                           f"or the {_MAX_HEADER}-byte limit")
    text = f.read(n)
    if len(text) != n:
        raise error(label, "file ended while reading the header")
    try:
        text = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(label, f"the header is not valid JSON ({exc})") from None
    header = parse_json(text, label, "the header")
    if not isinstance(header, dict):
        raise error(label, "the header is not a JSON object")
    metadata = header.pop(METADATA_KEY, {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise error(label, f"{METADATA_KEY} must map strings to strings")
    entries = {name: _check_entry(label, name, info) for name, info in header.items()}
    _check_coverage(label, entries, size - 8 - n)
    return entries, metadata


def _refuse_pickle(prefix, label):
    """Name the common mistake: a PyTorch checkpoint (a zip of pickles, or a bare pickle) is not safetensors."""
    if prefix.startswith(b"PK\x03\x04") or (prefix[:1] == b"\x80" and prefix[1:2] in b"\x02\x03\x04\x05"):
        raise error(label, "it looks like a PyTorch torch.save checkpoint (pickle), which deepgrad never "
                           "loads because unpickling can run arbitrary code; convert it once in PyTorch: "
                           "safetensors.torch.save_file(torch.load(path), 'model.safetensors')")


def _check_entry(label, name, info):
    if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
        raise error(label, f"tensor {name!r} must have exactly dtype, shape and data_offsets")
    dtype_name, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if dtype_name not in DTYPES:
        raise error(label, f"tensor {name!r} has unknown dtype {dtype_name!r} (known: {', '.join(DTYPES)})")
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise error(label, f"tensor {name!r} has invalid shape {shape!r}")
    itemsize = DTYPES[dtype_name].itemsize
    if int(np.prod([max(d, 1) for d in shape], dtype=object)) * itemsize > _MAX_BYTES:
        raise error(label, f"tensor {name!r} has shape {shape}, too large for any array "
                           f"(more than {_MAX_BYTES} bytes even with its zero dimensions left out)")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_count, offsets))
            and offsets[0] <= offsets[1]):
        raise error(label, f"tensor {name!r} has invalid data_offsets {offsets!r}")
    nbytes = int(np.prod(shape, dtype=object)) * itemsize
    if offsets[1] - offsets[0] != nbytes:
        raise error(label, f"tensor {name!r} of shape {shape} and dtype {dtype_name} needs {nbytes} "
                           f"bytes but its data_offsets {offsets} span {offsets[1] - offsets[0]}")
    return dtype_name, tuple(shape), offsets[0], offsets[1]


def _check_coverage(label, entries, buffer_size):
    """The tensors must tile the data buffer exactly: no gaps, no overlaps, nothing past the end."""
    position = 0
    for name, (_, _, begin, end) in sorted(entries.items(), key=lambda e: (e[1][2], e[1][3])):
        if begin != position:
            problem = "overlaps the previous tensor" if begin < position else "leaves a gap before it"
            raise error(label, f"tensor {name!r} at data_offsets [{begin}, {end}] {problem}")
        position = end
    if position != buffer_size:
        raise error(label, f"the tensors cover {position} bytes but the data buffer holds "
                           f"{buffer_size} (file truncated, or offsets out of range)")


def _read_into(f, view):
    """Fill `view` from `f` (raw streams may return short reads); returns the bytes read."""
    done = 0
    while done < len(view):
        n = f.readinto(view[done:])
        if not n:
            break
        done += n
    return done


def _name(dtype):
    """The safetensors name of an array dtype from `as_array`."""
    return "BF16" if is_bf16(dtype) else _NAMES[dtype]


def _to_native(arr, dtype_name, name, label):
    if dtype_name == "BF16":
        return arr.view(bfloat16_dtype()) if bfloat16_available() else (arr.astype(np.uint32) << 16).view(np.float32)
    if dtype_name == "BOOL" and arr.view(np.uint8).max(initial=0) > 1:
        raise error(label, f"BOOL tensor {name!r} holds bytes other than 0 and 1")
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
