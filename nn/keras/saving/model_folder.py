"""Unzipped model folders (`model.save(path, zipped=False)`): the members of a `.keras` archive (metadata.json,
config.json, the weights) as files in a folder, which load_model reads back as it reads the archive."""
import os

CONFIG = "config.json"


def is_model_folder(path):
    """Whether `path` is a folder holding a saved model's config.json (as Keras's load_model tells one)."""
    return os.path.isdir(path) and os.path.isfile(os.path.join(path, CONFIG))


def write_model_folder(path, members):
    """Write each (name, bytes) member as a file in the folder `path`, made when missing."""
    os.makedirs(path, exist_ok=True)
    for name, data in members:
        os.makedirs(os.path.dirname(os.path.join(path, name)), exist_ok=True)   # assets/<layer>/... members
        with open(os.path.join(path, name), "wb") as file:
            file.write(data)


class ModelFolder:
    """A model folder read through the part of zipfile.ZipFile's interface that loading uses (namelist, read,
    a context manager)."""

    def __init__(self, path):
        self.path = path

    def namelist(self):
        """The names of the folder's files, those in sub-folders as 'sub/name' (a zip's member names)."""
        names = [os.path.relpath(os.path.join(root, name), self.path).replace(os.sep, "/")
                 for root, _, files in os.walk(self.path) for name in files]
        return sorted(names)

    def read(self, name):
        """The bytes of the file `name`; KeyError, as a zip archive raises, when there is none."""
        full = os.path.join(self.path, name)
        if not os.path.isfile(full):
            raise KeyError(f"There is no item named {name!r} in the model folder {self.path!r}")
        with open(full, "rb") as file:
            return file.read()

    def close(self):
        """Nothing to release (files are read whole)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
