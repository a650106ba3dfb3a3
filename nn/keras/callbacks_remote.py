"""keras.callbacks.RemoteMonitor: posts each epoch's logs to a server (through the optional `requests` package)."""
import json
import warnings

import numpy as np

from ..callbacks import Callback


def _requests():
    try:
        import requests
    except ImportError:
        return None
    return requests


def _plain(value):
    """A log value as JSON takes it: NumPy scalars and arrays (and one-element tensors) unwrapped to numbers."""
    if isinstance(value, (np.ndarray, np.generic)):
        return value.item()
    if hasattr(value, "item") and hasattr(value, "shape") and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


class RemoteMonitor(Callback):
    """At each epoch's end, POST {'epoch': epoch, **logs} to root + path: as the form field `field` holding the
    JSON text, or as a JSON body with send_as_json=True; `headers` go with the request. An unreachable server
    warns; without the `requests` package the first post raises ImportError, as Keras's."""

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        self.root, self.path, self.field = root, path, field
        self.headers, self.send_as_json = headers, send_as_json

    def on_epoch_end(self, epoch, logs=None):
        """Post this epoch's number and logs."""
        requests = _requests()
        if requests is None:
            raise ImportError("RemoteMonitor requires the `requests` library; install it with `pip install requests`")
        send = {"epoch": epoch}
        send.update({key: _plain(value) for key, value in (logs or {}).items()})
        try:
            if self.send_as_json:
                requests.post(self.root + self.path, json=send, headers=self.headers)
            else:
                requests.post(self.root + self.path, {self.field: json.dumps(send)}, headers=self.headers)
        except requests.exceptions.RequestException:
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root}", stacklevel=2)
