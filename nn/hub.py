"""torch.hub's download cache for weight files: `load_state_dict_from_url`, `download_url_to_file`, `get_dir` and
`set_dir`, with PyTorch's cache layout ($TORCH_HOME/hub/checkpoints) and hash check. What is downloaded is read by
`nn.load`, so a safetensors file loads and a pickled PyTorch checkpoint is refused (deepgrad never unpickles);
`torch.hub.load` of a GitHub repository's hubconf (which runs the repository's code) is not offered."""
import hashlib
import os
import re
import shutil
import sys
import tempfile
from urllib.parse import urlparse  # noqa: F401 (torch.hub offers it: `from torch.hub import urlparse`)
from urllib.request import Request, urlopen

from .serialization import load

#: the hash in a weight file's name, 'resnet18-5c106cde.pth' -> '5c106cde', as PyTorch's HASH_REGEX
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_READ_CHUNK = 128 * 1024
_hub_dir = None


def _get_torch_home():
    """$TORCH_HOME, else $XDG_CACHE_HOME/torch, else ~/.cache/torch (PyTorch's private helper, which timm imports
    as get_dir)."""
    cache = os.getenv("XDG_CACHE_HOME", os.path.join("~", ".cache"))
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(cache, "torch")))


def get_dir():
    """The hub's cache directory: the one given to `set_dir`, else $TORCH_HOME/hub."""
    return _hub_dir if _hub_dir is not None else os.path.join(_get_torch_home(), "hub")


def set_dir(d):
    """Make `d` (a path; `~` expanded) the hub's cache directory."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """Download `url` to the path `dst`, through a temporary file in the same directory, so `dst` is never left
    half-written. With `hash_prefix`, the file's SHA-256 must begin with it (else PyTorch's RuntimeError, and
    nothing is written). `progress` is accepted; no progress bar is shown."""
    dst = os.path.expanduser(os.fspath(dst))
    folder = os.path.dirname(os.path.abspath(dst))
    sha256 = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".partial", delete=False) as partial:
        try:
            with urlopen(Request(url, headers={"User-Agent": "torch.hub"})) as source:
                for buffer in iter(lambda: source.read(_READ_CHUNK), b""):
                    partial.write(buffer)
                    sha256.update(buffer)
            partial.close()
            digest = sha256.hexdigest()
            if hash_prefix is not None and digest[:len(hash_prefix)] != hash_prefix:
                raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}")')
            shutil.move(partial.name, dst)
        finally:
            partial.close()
            if os.path.exists(partial.name):
                os.remove(partial.name)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """The checkpoint at `url`, downloaded once into `model_dir` (default: get_dir()/checkpoints) under `file_name`
    (default: the URL's file name) and read with `nn.load` (`map_location` and `weights_only` as there). With
    `check_hash`, the file name's `-<hex>.` part must begin the file's SHA-256."""
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached_file = os.path.join(model_dir, filename)
    if not os.path.exists(cached_file):
        sys.stdout.write(f'Downloading: "{url}" to {cached_file}\n')
        found = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached_file, found.group(1) if found else None, progress=progress)
    return load(cached_file, map_location=map_location, weights_only=weights_only)
