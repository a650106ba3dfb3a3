"""keras.utils.get_file: fetch a file into the Keras cache (~/.keras/datasets by default), check its sha256 or
md5 hash and optionally extract a tar or zip archive, with Keras 3's arguments, cache layout and return values.

Origins are URLs (http, https, ftp, file://) or, beyond Keras, plain local paths; both of the last two work
offline. Archive members that would land outside the extraction folder (absolute paths, '..', links pointing
out) are skipped with a warning, as Keras does.
"""
import hashlib
import os
import pathlib
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from .progress import Progbar
from .settings import is_interactive_logging_enabled


def keras_home():
    """The Keras cache root: $KERAS_HOME, else ~/.keras (/tmp/.keras when the home folder is read-only)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    return os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")


def resolve_hasher(algorithm, file_hash=None):
    """The hashlib object for `algorithm`: sha256, or for 'auto' sha256 when `file_hash` has 64 hex digits, else
    md5."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The hex digest of the file at `fpath` ('sha256', 'md5', 'auto' = sha256, or a hashlib object)."""
    hasher = resolve_hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file at `fpath` has the hash `file_hash` (sha256 or md5; 'auto' tells them by length)."""
    return str(hash_file(fpath, resolve_hasher(algorithm, file_hash), chunk_size)) == str(file_hash)


def _inside(base, relative):
    """The resolved path of `relative` under `base` (resolved), or None when it falls outside `base`."""
    path = os.path.realpath(os.path.join(base, relative))
    try:
        return path if os.path.commonpath([path, base]) == base else None
    except ValueError:   # different drives
        return None


def _safe_tar_member(member, base):
    if member.islnk():   # a hard link's target is relative to the archive root
        return _inside(base, member.name) is not None and _inside(base, member.linkname) is not None
    if member.issym():   # a symbolic link's target is relative to the link's folder
        where = _inside(base, member.name)
        return where is not None and _inside(base, os.path.join(os.path.dirname(where), member.linkname)) is not None
    return _inside(base, member.name) is not None


def _safe_members(members, base, name_of, is_safe):
    base = os.path.realpath(base)
    for member in members:
        if is_safe(member, base):
            yield member
        else:
            warnings.warn(f"Skipping invalid path during archive extraction: '{name_of(member)}'.", stacklevel=3)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extract the tar (also gz/bz2/xz) or zip archive at `file_path` into `path`, skipping members that would
    land outside it. archive_format: 'auto' (= ['tar', 'zip']), 'tar', 'zip', a list of those, or None.
    Returns True when the file was an archive of one of those formats and was extracted, else False."""
    if archive_format is None:
        return False
    formats = ["tar", "zip"] if archive_format == "auto" else (
        [archive_format] if isinstance(archive_format, str) else list(archive_format))
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise ValueError(f"extract_archive: archive_format must be 'auto', 'tar', 'zip', a list of those or "
                             f"None, got {archive_format!r}")
        if kind == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                members = _safe_members(archive, path, lambda m: m.name, _safe_tar_member)
                _extract_or_clean(path, lambda: archive.extractall(path, members=members, **_tar_filter(archive)))
            return True
        if kind == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                members = _safe_members(archive.infolist(), path, lambda m: m.filename,
                                        lambda m, base: _inside(base, m.filename) is not None)
                _extract_or_clean(path, lambda: archive.extractall(path, members=members))
            return True
    return False


def _tar_filter(archive):
    # Python's 'data' filter (3.11.4+) also refuses device files and unsafe permissions
    return {"filter": "data"} if hasattr(tarfile, "data_filter") else {}


def _extract_or_clean(path, extract):
    """Run `extract`; on failure remove what it left at `path` and re-raise."""
    try:
        extract()
    except (tarfile.TarError, RuntimeError, KeyboardInterrupt):
        if os.path.isfile(path):
            os.remove(path)
        elif os.path.isdir(path):
            import shutil
            shutil.rmtree(path)
        raise


def _origin_url(origin):
    """`origin` as a URL: plain local paths become file:// URLs."""
    scheme = urllib.parse.urlsplit(origin).scheme
    if len(scheme) > 1:   # one letter is a Windows drive, not a scheme
        return origin
    return pathlib.Path(origin).expanduser().resolve().as_uri()


class _DownloadProgress:
    """urlretrieve's report hook drawing a Progbar of bytes."""

    def __init__(self):
        self.bar, self.finished = None, False

    def __call__(self, block_num, block_size, total_size):
        total = None if total_size == -1 else total_size
        if self.bar is None:
            self.bar = Progbar(total)
        current = block_num * block_size
        if total is None or current < total:
            self.bar.update(current)
        elif not self.finished:
            self.bar.update(total)
            self.finished = True


def _download(origin, target):
    url = _origin_url(origin)
    if is_interactive_logging_enabled():
        print(f"Downloading data from {origin}")
    hook = _DownloadProgress() if is_interactive_logging_enabled() else None
    try:
        try:
            urllib.request.urlretrieve(url, target, hook)
        except urllib.error.HTTPError as error:
            raise Exception(f"URL fetch failure on {origin}: {error.code} -- {error.msg}") from None
        except urllib.error.URLError as error:
            hint = ""
            if urllib.parse.urlsplit(url).scheme in ("http", "https", "ftp"):
                hint = (" (is this machine offline? Fetch the file elsewhere and pass its local path or a file:// URL "
                        f"as origin, or put it at {target})")
            raise Exception(f"URL fetch failure on {origin}: {error.errno} -- {error.reason}{hint}") from None
    except (Exception, KeyboardInterrupt):
        if os.path.exists(target):
            os.remove(target)
        raise


def _cache_folder(cache_dir, cache_subdir):
    base = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None else keras_home())
    folder = os.path.join(base, cache_subdir)
    try:
        os.makedirs(folder, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder
    except OSError:
        pass
    # as Keras: an unwritable cache falls back to the temporary folder
    folder = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras", cache_subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Download `origin` into cache_dir/cache_subdir (default ~/.keras/datasets) unless already cached, verify it
    against `file_hash` (sha256 or md5) and, with extract=True (or untar=True), extract the archive. Returns the
    downloaded file's path, or with extraction the extraction folder: cache/<fname> when fname is None or has no
    '.', else cache/<fname up to its first '.'>_extracted."""
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    origin = os.fspath(origin)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if hash_algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5', got {hash_algorithm!r}")
    folder = _cache_folder(cache_dir, cache_subdir)
    provided = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'.Please specify the "
                             "`fname` argument.")
    elif os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")

    if extract or untar:
        if provided and "." in fname:
            target = os.path.join(folder, fname)
            extraction_dir = os.path.join(folder, f"{fname[:fname.find('.')]}_extracted")
        else:
            extraction_dir = os.path.join(folder, fname)
            target = os.path.join(folder, f"{fname}_archive")
    else:
        target = os.path.join(folder, fname)

    download = force_download or not os.path.exists(target)
    if not download and file_hash is not None and not validate_file(target, file_hash, algorithm=hash_algorithm):
        print(f"A local file was found, but it seems to be incomplete or outdated because the {hash_algorithm} "
              f"file hash does not match the original value of {file_hash} so we will re-download the data.")
        download = True
    if download:
        _download(origin, target)
        if os.path.exists(target) and file_hash is not None and not validate_file(target, file_hash,
                                                                                  algorithm=hash_algorithm):
            raise ValueError(f"Incomplete or corrupted file detected. The {hash_algorithm} file hash does not match "
                             f"the provided value of {file_hash}.")

    if extract or untar:
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            warnings.warn("Could not extract archive.", stacklevel=2)
        return extraction_dir
    return target
