"""CSVLogger: write one row of logs per epoch to a CSV file."""
import csv
import os
from collections.abc import Iterable

from .base import Callback


class CSVLogger(Callback):
    """Append each epoch's logs to the CSV file `filename` as a row: 'epoch' (from 0), then the log names
    in sorted order, as Keras's: when the first epoch logs no 'val_' names, their 'val_' columns are added
    (NA until a validation fills them), and a list value is written as "[a, b]". `append=True` continues an
    existing file instead of replacing it."""

    main_process_only = True  # under mpiexec, fit runs it on rank 0 only (one file, not one per rank)

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self._file = self._writer = self._keys = None

    def on_train_begin(self, logs=None):
        """Open the file."""
        has_rows = self.append and os.path.exists(self.filename) and os.path.getsize(self.filename) > 0
        self._file = open(self.filename, "a" if self.append else "w", newline="")
        self._keys = None
        self._header_written = has_rows

    def on_epoch_end(self, epoch, logs=None):
        """Write this epoch's row (a log missing from it is written as NA)."""
        logs = logs or {}
        if self._keys is None:
            self._keys = sorted(logs)
            if not any(k.startswith("val_") for k in self._keys):   # room for a later epoch's validation
                self._keys += [f"val_{k}" for k in self._keys]
            self._writer = csv.writer(self._file, delimiter=self.separator)
            if not self._header_written:
                self._writer.writerow(["epoch"] + self._keys)
        self._writer.writerow([epoch] + [_cell(logs.get(k, "NA")) for k in self._keys])
        self._file.flush()

    def on_train_end(self, logs=None):
        """Close the file."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _cell(value):
    """A log value as Keras writes it: strings and numbers as they are, any other iterable as "[a, b, ...]"."""
    if isinstance(value, str) or not isinstance(value, Iterable) or getattr(value, "ndim", None) == 0:
        return value
    return '"[' + ", ".join(map(str, value)) + ']"'
