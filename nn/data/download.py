"""Download files into the deepgrad cache, resuming partial downloads and verifying SHA-256.

A file only ever reaches its final name after its checksum matched; until then it lives at
`<name>.part`, which the next call resumes with an HTTP Range request. Downloads of one file from
several threads or processes take turns through `<name>.lock`: the first fetches it, the others
wait and then find it ready.
"""
import contextlib
import hashlib
import http.client
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

from .file_lock import file_lock

CHUNK = 1 << 20
_USER_AGENT = "deepgrad-downloader/1"


class DownloadError(OSError):
    """A download failed (network, HTTP status, or checksum); the message names the URL."""


class ChecksumError(DownloadError):
    """The downloaded bytes do not have the expected SHA-256."""


def cache_dir():
    """The data cache folder: $DEEPGRAD_DATA, else $XDG_CACHE_HOME/deepgrad, else ~/.cache/deepgrad."""
    if os.environ.get("DEEPGRAD_DATA"):
        return Path(os.environ["DEEPGRAD_DATA"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "deepgrad"


def sha256_file(path):
    """Hex SHA-256 digest of a file's contents."""
    return _hash_file(path, "sha256")


def _hash_file(path, algorithm):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def download(urls, sha256=None, filename=None, root=None, retries=3, timeout=60, progress=True, md5=None):
    """Return the path of the verified file `root/filename`, downloading it if needed.

    `urls` is one URL or a list of mirrors tried in order when one cannot be reached. An existing
    file is re-hashed before it is trusted; a dropped connection resumes where it stopped (up to
    `retries` times per mirror). `root` defaults to `cache_dir()`, `filename` to the URL's last part;
    `progress` shows a tqdm bar when tqdm is installed. Concurrent calls for the same file (threads or
    processes) are safe: one downloads, the others wait for it and return the same file.
    Raises `ChecksumError` (deleting the bad bytes) if the digest differs from `sha256`;
    `sha256=None` skips verification (an existing file at `root/filename` is then returned as it is);
    `md5` verifies with MD5 instead, for files whose publisher pins only that (ChecksumError alike).
    """
    urls = [urls] if isinstance(urls, str) else list(urls)
    expected = expected_digest(sha256, md5)
    final = Path(root if root is not None else cache_dir()) / (filename or _name_from_url(urls[0]))
    if file_has_digest(final, expected):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(final.with_name(final.name + ".lock")):
        if file_has_digest(final, expected):  # another thread or process finished it while we waited
            return final
        if final.exists():
            final.unlink()  # corrupted or from another version: never trusted, fetched again
        return _download_locked(urls, expected, final, retries, timeout, progress)


def expected_digest(sha256, md5=None):
    """The expected digest as (algorithm, lowercase hex), or None when nothing is to be verified."""
    if sha256 is not None and md5 is not None:
        raise ValueError("download: pass sha256 or md5, not both")
    algorithm, digest, digits = ("md5", md5, 32) if md5 is not None else ("sha256", sha256, 64)
    if digest is None:
        return None
    if not isinstance(digest, str) or not re.fullmatch(f"[0-9a-f]{{{digits}}}", digest.lower()):
        raise ValueError(f"download: {algorithm} must be {digits} hex digits (or None to skip verification), "
                         f"got {digest!r}")
    return algorithm, digest.lower()


def file_has_digest(path, expected):
    """True when the file at `path` exists and, when `expected` = (algorithm, hex) is given, has that digest."""
    try:
        return Path(path).exists() and (expected is None or _hash_file(path, expected[0]) == expected[1])
    except FileNotFoundError:  # removed by a download that found it corrupted
        return False


def _download_locked(urls, expected, final, retries, timeout, progress):
    part = final.with_name(final.name + ".part")
    failures = []
    for url in urls:
        try:
            _fetch_with_resume(url, part, retries, timeout, progress)
        except DownloadError as exc:
            failures.append(f"  {url}: {exc}")
            continue
        _verify_and_publish(url, part, final, expected)
        return final
    raise DownloadError(f"could not download {final.name}; every mirror failed:\n" + "\n".join(failures)
                        + f"\nA partial file, if any, is kept at {part} and resumed next time.")


def _name_from_url(url):
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    if not name:
        raise ValueError(f"download: cannot take a file name from URL {url!r}; pass filename=")
    return name


def _fetch_with_resume(url, part, retries, timeout, progress):
    """Fill `part` with the whole resource, resuming after dropped connections."""
    for attempt in range(retries + 1):
        try:
            if _fetch_once(url, part, timeout, progress):
                return
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
            if isinstance(exc, urllib.error.HTTPError) or attempt == retries:
                raise DownloadError(_describe(exc)) from exc
    raise DownloadError(f"the connection closed early {retries + 1} times")


def _fetch_once(url, part, timeout, progress):
    """One request; returns True when `part` holds the full body, False if it was cut short."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": _USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:  # nothing left past our offset: the part may be complete
            return True
        raise
    with response:
        if response.status == 206 and _range_start(response) != offset:
            part.unlink()  # an answer for some other range: start over on the next attempt
            return False
        if response.status != 206:
            offset = 0  # the server ignored the Range and sends everything: start over
        expected = response.headers.get("Content-Length")
        written = 0
        with open(part, "r+b" if offset else "wb") as f, _progress_bar(
                progress, part, offset, expected) as bar:
            f.seek(offset)
            f.truncate()
            for block in iter(lambda: response.read1(CHUNK), b""):  # written as it arrives
                f.write(block)
                written += len(block)
                bar.update(len(block))
    return expected is None or written == int(expected)


def _progress_bar(enabled, part, offset, expected):
    """A tqdm bar when asked for and tqdm is installed, else a do-nothing stand-in."""
    try:
        from tqdm import tqdm
    except ImportError:
        enabled = False
    if not enabled:
        return contextlib.nullcontext(_NoBar())
    total = offset + int(expected) if expected is not None else None
    return tqdm(total=total, initial=offset, unit="B", unit_scale=True,
                desc=part.name[: -len(".part")], leave=False)


class _NoBar:
    def update(self, n):
        pass


def _range_start(response):
    match = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
    return int(match.group(1)) if match else None


def _verify_and_publish(url, part, final, expected):
    actual = _hash_file(part, expected[0]) if expected is not None else None
    if expected is not None and actual != expected[1]:
        part.unlink()
        raise ChecksumError(f"checksum mismatch for {final.name} from {url}: expected {expected[0]} {expected[1]}, "
                            f"got {actual}. The download was deleted; try again, and if it persists "
                            f"the mirror serves a different file.")
    os.replace(part, final)


def _describe(exc):
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"cannot reach the server ({exc.reason}); check your network or proxy"
    return f"{type(exc).__name__}: {exc}"
