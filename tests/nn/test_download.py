"""nn.data.download against a local HTTP server (127.0.0.1, a thread): resume with Range, restart
when Range is ignored, checksum failures, mirrors, the cache folder, concurrent downloads of one file
(threads and processes), and one dataset end to end. No real network is used."""
import gzip
import hashlib
import http.server
import os
import socket
import struct
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from nn.data import download as dl
from nn.data.datasets import MNIST

PAYLOAD = bytes(np.random.default_rng(0).integers(0, 256, 300_000, dtype=np.uint8))
DIGEST = hashlib.sha256(PAYLOAD).hexdigest()


class FileServer(http.server.ThreadingHTTPServer):
    """Serves files from `files` (name -> bytes) with optional faults, logging every request."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), RangeHandler)
        self.files = {}
        self.requests = []  # (path, Range header or None)
        self.ignore_range = False
        self.drops = 0  # this many next responses stop after `drop_after` body bytes
        self.drop_after = 0
        self.bytes_sent = 0
        self.chunk_delay = 0.0  # seconds between 16 KB pieces of a body: a slow server

    def url(self, name):
        return f"http://127.0.0.1:{self.server_address[1]}/{name}"


class RangeHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        srv = self.server
        name, wanted = self.path.lstrip("/"), self.headers.get("Range")
        srv.requests.append((name, wanted))
        if name not in srv.files:
            return self.send_error(404)
        body, start = srv.files[name], 0
        if wanted and not srv.ignore_range:
            start = int(wanted.removeprefix("bytes=").rstrip("-"))
            if start >= len(body):
                return self.send_error(416)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        chunk = body[start:]
        if srv.drops:
            srv.drops -= 1
            chunk = chunk[: srv.drop_after]  # then the connection closes: a dropped download
        srv.bytes_sent += len(chunk)   # counted first: the client may finish reading before write() returns
        for piece in range(0, len(chunk), 1 << 14):
            if srv.chunk_delay:
                time.sleep(srv.chunk_delay)
            self.wfile.write(chunk[piece:piece + (1 << 14)])

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = FileServer()
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    srv.files["data.bin"] = PAYLOAD
    yield srv
    srv.shutdown()
    srv.server_close()


def fetch(server, tmp_path, **kwargs):
    kwargs.setdefault("sha256", DIGEST)
    return dl.download(server.url("data.bin"), root=tmp_path, progress=False, **kwargs)


def test_download_verifies_and_places_file(server, tmp_path):
    path = fetch(server, tmp_path)
    assert path == tmp_path / "data.bin" and path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]
    assert server.requests == [("data.bin", None)]


def test_verified_file_is_reused_without_network(server, tmp_path):
    fetch(server, tmp_path)
    fetch(server, tmp_path)
    assert len(server.requests) == 1


def test_damaged_final_file_is_not_trusted(server, tmp_path):
    (tmp_path / "data.bin").write_bytes(PAYLOAD[:-1] + b"x")
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD
    assert server.requests == [("data.bin", None)]


def test_dropped_connection_resumes_with_range(server, tmp_path):
    server.drops, server.drop_after = 2, 100_000
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD
    assert [r for _, r in server.requests] == [None, "bytes=100000-", "bytes=200000-"]
    assert server.bytes_sent == len(PAYLOAD)


def test_partial_file_from_an_earlier_run_is_resumed(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(PAYLOAD[:123_456])
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD
    assert server.requests == [("data.bin", "bytes=123456-")]
    assert server.bytes_sent == len(PAYLOAD) - 123_456


def test_server_ignoring_range_restarts_from_zero(server, tmp_path):
    server.ignore_range = True
    (tmp_path / "data.bin.part").write_bytes(b"stale bytes from some other file")
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD
    assert not (tmp_path / "data.bin.part").exists()


def test_complete_part_file_is_verified_after_416(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(PAYLOAD)
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD
    assert server.bytes_sent == 0


def test_bad_checksum_raises_and_leaves_nothing(server, tmp_path):
    wrong = "0" * 64
    with pytest.raises(dl.ChecksumError) as info:
        fetch(server, tmp_path, sha256=wrong)
    assert wrong in str(info.value) and DIGEST in str(info.value) and "data.bin" in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_corrupt_partial_file_fails_checksum_then_recovers(server, tmp_path):
    (tmp_path / "data.bin.part").write_bytes(b"\xff" * 1000)  # wrong bytes, resumed after
    with pytest.raises(dl.ChecksumError):
        fetch(server, tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD


def test_repeated_drops_keep_the_partial_file_for_next_time(server, tmp_path):
    server.drops, server.drop_after = 10, 50_000
    with pytest.raises(dl.DownloadError, match="closed early") as info:
        fetch(server, tmp_path, retries=1)
    assert "resumed next time" in str(info.value)
    assert (tmp_path / "data.bin.part").stat().st_size == 100_000
    assert not (tmp_path / "data.bin").exists()
    server.drops = 0
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD
    assert server.requests[-1] == ("data.bin", "bytes=100000-")


def test_mirrors_are_tried_in_order(server, tmp_path):
    urls = [server.url("missing.bin"), server.url("data.bin")]
    path = dl.download(urls, DIGEST, filename="data.bin", root=tmp_path, progress=False)
    assert path.read_bytes() == PAYLOAD
    assert [name for name, _ in server.requests] == ["missing.bin", "data.bin"]


def test_every_mirror_failing_names_each_one(server, tmp_path):
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/data.bin"
    with pytest.raises(dl.DownloadError) as info:
        dl.download([server.url("nope.bin"), closed], DIGEST, filename="data.bin", root=tmp_path,
                    retries=0, progress=False)
    message = str(info.value)
    assert "HTTP 404" in message and "cannot reach the server" in message and closed in message


def test_malformed_sha256_is_rejected(tmp_path):
    with pytest.raises(ValueError, match="64 hex digits"):
        dl.download("http://127.0.0.1:9/x", "abc", root=tmp_path)


def test_sha256_none_skips_verification(server, tmp_path):
    path = fetch(server, tmp_path, sha256=None)
    assert path.read_bytes() == PAYLOAD and sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]
    assert fetch(server, tmp_path, sha256=None) == path  # a finished file is reused as it is
    assert len(server.requests) == 1


def test_concurrent_downloads_in_threads_share_one_transfer(server, tmp_path):
    server.chunk_delay = 0.01
    results, errors = [], []

    def run():
        try:
            results.append(fetch(server, tmp_path))
        except Exception as exc:  # noqa: BLE001 -- reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and len(results) == 3
    assert all(p.read_bytes() == PAYLOAD for p in results)
    assert len(server.requests) == 1  # the others waited for the first download and took its file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]


def test_concurrent_downloads_in_processes_both_succeed(server, tmp_path):
    server.chunk_delay = 0.01
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = ("import sys; from nn.data.download import download; "
              "print(download(sys.argv[1], sys.argv[2], root=sys.argv[3], progress=False))")
    procs = [subprocess.Popen([sys.executable, "-c", script, server.url("data.bin"), DIGEST, str(tmp_path)],
                              cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
        assert out.strip() == str(tmp_path / "data.bin")
    assert (tmp_path / "data.bin").read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]
    assert len(server.requests) == 1  # the second process waited and took the first one's file


def test_a_killed_download_releases_its_lock_and_is_resumed(server, tmp_path):
    server.chunk_delay = 0.05  # about a second for the whole file
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    script = ("import sys; from nn.data.download import download; "
              "download(sys.argv[1], sys.argv[2], root=sys.argv[3], progress=False)")
    proc = subprocess.Popen([sys.executable, "-c", script, server.url("data.bin"), DIGEST, str(tmp_path)], cwd=root)
    part = tmp_path / "data.bin.part"
    deadline = time.monotonic() + 60
    while not (part.exists() and part.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()
    proc.wait()
    assert (tmp_path / "data.bin.lock").exists() and not (tmp_path / "data.bin").exists()
    server.chunk_delay = 0.0
    assert fetch(server, tmp_path).read_bytes() == PAYLOAD  # not blocked by the dead process's lock
    assert server.requests[-1][1] is not None  # resumed with a Range request
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]


def test_file_lock_excludes_threads_and_leaves_no_file(tmp_path):
    from nn.data.file_lock import file_lock
    inside, overlaps = [], []

    def work():
        for _ in range(20):
            with file_lock(tmp_path / "x.lock"):
                inside.append(1)
                if len(inside) > 1:
                    overlaps.append(len(inside))
                time.sleep(0.0005)
                inside.pop()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert overlaps == [] and list(tmp_path.iterdir()) == []


def test_cache_dir_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DEEPGRAD_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert dl.cache_dir() == tmp_path / "data"
    monkeypatch.delenv("DEEPGRAD_DATA")
    assert dl.cache_dir() == tmp_path / "xdg" / "deepgrad"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert dl.cache_dir() == tmp_path / "home" / ".cache" / "deepgrad"


def test_default_root_is_the_cache_dir(server, tmp_path, monkeypatch):
    monkeypatch.setenv("DEEPGRAD_DATA", str(tmp_path / "cache"))
    path = dl.download(server.url("data.bin"), DIGEST, progress=False)
    assert path == tmp_path / "cache" / "data.bin"


def idx_gz(array, type_code=0x08):
    header = bytes([0, 0, type_code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.tobytes())


def test_mnist_downloads_verifies_and_parses_end_to_end(server, tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (6, 28, 28), dtype=np.uint8)
    labels = np.array([3, 1, 4, 1, 5, 9], dtype=np.uint8)
    blobs = {"train-images-idx3-ubyte.gz": idx_gz(images), "train-labels-idx1-ubyte.gz": idx_gz(labels)}
    server.files.update({"mirror/" + name: blob for name, blob in blobs.items()})
    files = {"train": tuple((name, hashlib.sha256(blob).hexdigest()) for name, blob in blobs.items())}
    monkeypatch.setattr(MNIST, "mirrors", (server.url("dead/"), server.url("mirror/")))
    monkeypatch.setattr(MNIST, "files", files)
    monkeypatch.setenv("DEEPGRAD_DATA", str(tmp_path))
    server.drops, server.drop_after = 1, 500  # the first image download is cut short
    ds = MNIST(train=True, download=True)
    np.testing.assert_array_equal(ds.data, images)
    np.testing.assert_array_equal(ds.targets, labels)
    assert ds.targets.dtype == np.int64 and len(ds) == 6
    assert sorted(p.name for p in (tmp_path / "mnist").iterdir()) == sorted(blobs)
    requests = len(server.requests)
    MNIST(download=True)  # second time: verified from the cache, no network
    assert len(server.requests) == requests
