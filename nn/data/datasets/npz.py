"""Read every array of a `.npz` archive with pickling off; object arrays through the pickle-free reader."""
import io
import zipfile

import numpy as np

from .pickle_data import read_object_array


def load_npz(path):
    """{name: array} for the `.npy` members of the `.npz` file at `path`. Numeric arrays load as NumPy's
    `np.load(allow_pickle=False)` would; object arrays (ragged sequences) are rebuilt from their pickle's
    data without running it (see pickle_data). A damaged or foreign file raises `ValueError` naming it."""
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".npy"):
                    arrays[member[:-len(".npy")]] = _read_member(archive.read(member), f"{path}:{member}")
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{path} is not a readable .npz archive, or is truncated or corrupt ({exc}); "
                         f"delete it and download it again") from None
    return arrays


def _read_member(blob, where):
    stream = io.BytesIO(blob)
    try:
        version = np.lib.format.read_magic(stream)
        # format 3.0 differs from 2.0 only in the header's text encoding, which 2.0's reader accepts too
        read_header = np.lib.format.read_array_header_1_0 if version[0] == 1 else np.lib.format.read_array_header_2_0
        shape, _fortran, dtype = read_header(stream)
        if not dtype.hasobject:
            stream.seek(0)
            return np.lib.format.read_array(stream, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"{where} is not a valid .npy array ({exc})") from None
    array = read_object_array(blob[stream.tell():], where)
    if array.shape != tuple(shape):
        raise ValueError(f"{where}: the header says shape {tuple(shape)}, the pickled array has {array.shape}")
    return array
