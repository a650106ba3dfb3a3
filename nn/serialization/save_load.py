"""nn.save / nn.load: checkpoints to and from paths or open binary files, as torch.save/torch.load take them."""
import contextlib
import errno
import io
import os
from collections import OrderedDict

import autograd as ag

from . import safetensors_file, structure
from .atomic_file import write_atomically
from .structure import ORDER_KEY, STRUCTURE_KEY

# pickle.load's own options, which torch.load passes on; accepted and unused, since nothing is unpickled
_PICKLE_LOAD_ARGS = ("encoding", "errors", "fix_imports")


def save(obj, f, metadata=None):
    """Write `obj` to `f` as a safetensors file. Nothing is pickled.

    - `obj`: a state_dict (name -> Tensor or NumPy array), which becomes a plain safetensors file that
      any safetensors reader loads (an OrderedDict, as `state_dict()` returns, also keeps its key order on
      load); or a nested checkpoint such as an optimiser's `state_dict()` or
      `{"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 7}`: dicts, lists, tuples,
      numbers, strings, None and tensors, nested up to 100 levels (tensors become safetensors entries named by
      their place, e.g. 'optimizer.state.0.exp_avg'; the rest is JSON in the file's metadata).
      A whole Module or optimiser is refused: save its `state_dict()` instead.
    - `f`: a path (str or os.PathLike), written atomically: on any failure the previous file is left
      untouched and no temporary file remains; or a binary file object open for writing (`io.BytesIO`,
      `open(p, "wb")`), written from its current position and left open.
    - `metadata`: an optional dict str -> str stored in the file's `__metadata__`.
    """
    label = _label(f)
    who = f"nn.save({label})"
    _check_destination(f, who)
    if callable(getattr(obj, "state_dict", None)):
        _refuse_whole_object(obj, who, label)
    metadata = _check_metadata(metadata, who)
    if structure.is_flat(obj):
        values = obj
        if isinstance(obj, OrderedDict):
            metadata = {**(metadata or {}), ORDER_KEY: structure.order_text(obj)}
    else:
        values, text = structure.flatten(obj, who)
        metadata = {**(metadata or {}), STRUCTURE_KEY: text}
    arrays = {name: safetensors_file.as_array(value, name, who) for name, value in values.items()}
    if _is_path(f):
        write_atomically(os.fspath(f), lambda out: safetensors_file.write(out, arrays, metadata))
    else:
        safetensors_file.write(f, arrays, metadata)
        if callable(getattr(f, "flush", None)):
            f.flush()


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Read a checkpoint written by `save` (or any safetensors file) from `f`, a path or a binary file
    object open for reading (read from its current position to its end).

    Returns what was saved, with every tensor as a Tensor: a plain safetensors file as a dict
    name -> Tensor (BF16 tensors come back bfloat16, or float32 without the optional ml_dtypes package; a saved
    OrderedDict comes back as one, in its own order),
    a nested checkpoint as the same structure of dicts, lists, tuples, numbers and Tensors.
    `map_location` puts the tensors on a device: a name ('cpu', 'numba', 'cuda:0'), a device object
    (ours or a torch.device), a dict (safetensors tensors count as saved on 'cpu', so its 'cpu' entry is
    used) or a callable `fn(tensor, 'cpu')` whose result is kept; None puts them on the default device.
    The other arguments are accepted so that torch.load calls run unchanged, and change nothing:
    deepgrad never unpickles, so every load is already what `weights_only=True` asks for, and
    `weights_only=False` does NOT make it unpickle anything (a PyTorch pickle checkpoint is refused
    with a note on converting it); `pickle_module` must be None; `mmap` is ignored (files are read
    into memory). A malformed file raises ValueError naming the file and the problem.
    """
    unknown = sorted(set(pickle_load_args) - set(_PICKLE_LOAD_ARGS))
    if unknown:
        raise TypeError(f"nn.load: unexpected keyword arguments {', '.join(unknown)}")
    if pickle_module is not None:
        raise TypeError("nn.load: pickle_module must be None; deepgrad never unpickles checkpoints")
    label = _label(f)
    _check_map_location(map_location)
    try:
        with _source(f, label) as (stream, size):
            arrays, metadata = safetensors_file.read(stream, size, label)
    except safetensors_file.CheckpointFileError as exc:   # the same type, its message led by the op
        raise type(exc)(f"nn.load: {exc}") from None
    tensors = _to_tensors(arrays, map_location)
    if STRUCTURE_KEY in metadata:
        return structure.unflatten(metadata[STRUCTURE_KEY], tensors, label)
    if ORDER_KEY in metadata:
        return structure.reordered(metadata[ORDER_KEY], tensors, label)
    return tensors


def load_metadata(f):
    """The `__metadata__` dict (str -> str) that `save` stored in the file `f` (a path or binary file
    object), or {} if it has none."""
    label = _label(f)
    with _source(f, label) as (stream, size):
        metadata = safetensors_file.read_metadata(stream, size, label)
    metadata.pop(STRUCTURE_KEY, None)
    metadata.pop(ORDER_KEY, None)
    return metadata


def _refuse_whole_object(obj, who, label):
    """A Module or optimiser is saved through its state_dict: say so, with the two lines to write."""
    name = "model" if callable(getattr(obj, "forward", None)) else \
        "optimizer" if hasattr(obj, "param_groups") else "obj"
    raise TypeError(f"{who}: refusing to save a whole {type(obj).__name__}: deepgrad never pickles objects (loading "
                    f"a pickle can run any code). Save its state instead, nn.save({name}.state_dict(), {label!r}), "
                    f"and restore it into a {name} built in code with {name}.load_state_dict(nn.load({label!r}))")


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def _label(f):
    """How messages name the file: its path, else the file object's name, else its type."""
    if _is_path(f):
        return os.fspath(f)
    name = getattr(f, "name", None)
    return name if isinstance(name, str) else f"<{type(f).__name__} object>"


def _check_destination(f, who):
    if not (_is_path(f) or callable(getattr(f, "write", None))):
        raise NotAFileError(f"{who}: f must be a path (str or os.PathLike) or a binary file object open for "
                            f"writing, got {type(f).__name__} (expected 'f' to be string, path, or a file-like object "
                            f"with a 'write' attribute)")
    if isinstance(f, io.TextIOBase):
        raise TypeError(f"{who}: the file is open in text mode; open it in binary mode ('wb')")
    if _is_path(f):
        if os.path.isdir(f):
            raise FolderAsFileError(f"{who}: {os.fspath(f)} is a folder, not a file; save to a file inside it, e.g. "
                                    f"{os.path.join(os.fspath(f), 'checkpoint.pt')!r}")
        parent = os.path.dirname(os.path.abspath(os.fspath(f)))
        if not os.path.isdir(parent):
            raise MissingFolderError(f"{who}: the folder {parent} does not exist; create it first "
                                     "(os.makedirs(folder, exist_ok=True)) or save elsewhere")


class NotAFileError(TypeError, AttributeError):
    """nn.save / nn.load given something that is neither a path nor a file object (an int, bytes, None): a
    TypeError, and the AttributeError torch.save / torch.load raise (they look for its write or seek)."""


class TextModeFileError(TypeError, AssertionError):
    """nn.load from a file opened in text mode: a TypeError, and the AssertionError torch.load raises."""


class FolderAsFileError(IsADirectoryError, RuntimeError):
    """nn.save to a path that is a folder: the IsADirectoryError Python raises, and a RuntimeError as
    torch.save raises ("open file failed ... Is a directory")."""


class MissingFolderError(FileNotFoundError, RuntimeError):
    """nn.save to a path whose folder does not exist: a FileNotFoundError, and a RuntimeError as PyTorch's
    torch.save raises ("Parent directory ... does not exist")."""


def _check_metadata(metadata, who):
    if metadata is None:
        return None
    if not isinstance(metadata, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise TypeError(f"{who}: metadata must be a dict of str -> str, got {metadata!r}")
    for key in (STRUCTURE_KEY, ORDER_KEY):
        if key in metadata:
            raise ValueError(f"{who}: the metadata key {key!r} is reserved for deepgrad's own checkpoints")
    return metadata


@contextlib.contextmanager
def _source(f, label):
    """Yield (binary stream at the file's start, its size in bytes) for `f`, a path or a file object."""
    if _is_path(f):
        if os.path.isdir(f):
            raise IsADirectoryError(errno.EISDIR, "nn.load: the path is a folder, not a checkpoint file; load a file "
                                    "inside it", os.fspath(f))
        if not os.path.exists(f):
            raise FileNotFoundError(errno.ENOENT, "nn.load: no such file; check the path, or write the checkpoint "
                                    "first with nn.save(obj, path)", os.fspath(f))
        with open(f, "rb") as opened:
            yield opened, os.fstat(opened.fileno()).st_size
        return
    if not callable(getattr(f, "read", None)):
        hint = "; wrap bytes in io.BytesIO" if isinstance(f, (bytes, bytearray, memoryview)) else ""
        raise NotAFileError(f"nn.load: f must be a path (str or os.PathLike) or a binary file object open for "
                            f"reading, got {type(f).__name__}{hint}")
    if isinstance(f, io.TextIOBase):
        raise TextModeFileError(f"nn.load({label}): the file is open in text mode; open it in binary mode ('rb')")
    if getattr(f, "seekable", lambda: False)():
        start = f.tell()
        size = f.seek(0, os.SEEK_END) - start
        f.seek(start)
        yield f, size
        return
    data = f.read()  # a pipe or socket: its length is only known once read
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"nn.load({label}): the file object returned {type(data).__name__}, not bytes; "
                        f"open it in binary mode ('rb')")
    yield io.BytesIO(data), len(data)


def _check_map_location(map_location):
    """Refuse a map_location that names no device (a number), with the TypeError torch.load raises."""
    if map_location is None or callable(map_location) or isinstance(map_location, (str, dict)) \
            or hasattr(map_location, "type"):
        return
    raise TypeError(f"nn.load: map_location must be a device name ('cpu', 'cuda:0'), a device, a dict or a function "
                    f"(tensor, location) -> tensor, got {type(map_location).__name__} {map_location!r}; for a GPU "
                    f"index write map_location='cuda:{map_location}'")


def _to_tensors(arrays, map_location):
    """NumPy arrays -> Tensors on the device `map_location` names (see `load`)."""
    if callable(map_location):
        return {name: map_location(ag.tensor(a, device="cpu"), "cpu") for name, a in arrays.items()}
    if isinstance(map_location, dict):
        map_location = map_location.get("cpu")
    if map_location is None:
        device = ag.get_default_device()
    else:
        device = ag.device(map_location if isinstance(map_location, str) else str(map_location))
    return {name: ag.tensor(a, device=device) for name, a in arrays.items()}

