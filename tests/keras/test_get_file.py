"""keras.utils.get_file offline: file:// and local-path origins, the cache layout and return values compared with
real Keras 3's get_file, sha256/md5 checks, and safe tar/zip extraction (members escaping the folder skipped)."""
import hashlib
import io
import os
import tarfile
import urllib.error
import zipfile

import pytest

from nn.keras import utils
from nn.keras import utils_get_file

PAYLOAD = b"deepgrad get_file payload\n" * 10


def _write(path, data=PAYLOAD):
    path.write_bytes(data)
    return path


def _tar(path, files, mode="w:gz"):
    with tarfile.open(path, mode) as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _zip(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _tree(folder):
    return sorted(os.path.relpath(os.path.join(root, f), folder) for root, _, names in os.walk(folder) for f in names)


def _real_keras(tmp_path):
    """Real Keras, with the caches the tests name already made (Keras falls back to /tmp/.keras for a cache
    folder that does not exist yet)."""
    for name in ("ours", "theirs", "o", "t"):
        (tmp_path / name).mkdir()
    pytest.importorskip("torch")
    os.environ.setdefault("KERAS_BACKEND", "torch")
    return pytest.importorskip("keras")


@pytest.mark.parametrize("fname,extract,kind", [
    (None, False, "tar"), ("data.txt", False, "tar"), (None, True, "tar"), ("mydata", True, "tar"),
    ("mydata.tar.gz", True, "tar"), (None, True, "zip"), ("stuff.zip", True, "zip")])
def test_paths_and_files_match_real_keras(tmp_path, fname, extract, kind):
    keras = _real_keras(tmp_path)
    files = {"a.txt": b"alpha", "sub/b.txt": b"beta"}
    source = (_tar(tmp_path / "src.tar.gz", files) if kind == "tar" else _zip(tmp_path / "src.zip", files))
    origin = source.as_uri()
    ours = utils.get_file(fname, origin, extract=extract, cache_dir=str(tmp_path / "ours"))
    theirs = keras.utils.get_file(fname, origin, extract=extract, cache_dir=str(tmp_path / "theirs"))
    assert os.path.relpath(ours, tmp_path / "ours") == os.path.relpath(theirs, tmp_path / "theirs")
    assert _tree(tmp_path / "ours") == _tree(tmp_path / "theirs")
    if extract:
        assert open(os.path.join(ours, "sub", "b.txt"), "rb").read() == b"beta"


def test_untar_and_cache_subdir_match_real_keras(tmp_path):
    keras = _real_keras(tmp_path)
    origin = _tar(tmp_path / "src.tar", {"x.txt": b"x"}, mode="w").as_uri()
    ours = utils.get_file("pkg", origin, untar=True, cache_subdir="models", cache_dir=str(tmp_path / "o"))
    theirs = keras.utils.get_file("pkg", origin, untar=True, cache_subdir="models", cache_dir=str(tmp_path / "t"))
    assert os.path.relpath(ours, tmp_path / "o") == os.path.relpath(theirs, tmp_path / "t")
    assert os.path.relpath(ours, tmp_path / "o") == os.path.join("models", "pkg")
    assert _tree(tmp_path / "o") == _tree(tmp_path / "t")


def test_local_path_origin_and_absolute_cache_subdir(tmp_path):
    source = _write(tmp_path / "file.bin")
    target_dir = tmp_path / "elsewhere"
    path = utils.get_file(origin=str(source), cache_subdir=str(target_dir))
    assert path == str(target_dir / "file.bin")
    assert open(path, "rb").read() == PAYLOAD


def test_cached_file_is_not_downloaded_again(tmp_path):
    source = _write(tmp_path / "file.bin")
    first = utils.get_file(origin=source.as_uri(), cache_dir=str(tmp_path / "c"))
    source.unlink()   # the origin is gone: a second call must use the cache
    assert utils.get_file(origin=source.as_uri(), cache_dir=str(tmp_path / "c")) == first
    with pytest.raises(Exception, match="URL fetch failure"):
        utils.get_file(origin=source.as_uri(), cache_dir=str(tmp_path / "c"), force_download=True)
    assert not os.path.exists(first)   # a failed download leaves no partial file


@pytest.mark.parametrize("algorithm", ["sha256", "md5"])
def test_hash_verification(tmp_path, algorithm):
    source = _write(tmp_path / "file.bin")
    digest = hashlib.new(algorithm, PAYLOAD).hexdigest()
    path = utils.get_file(origin=source.as_uri(), file_hash=digest, cache_dir=str(tmp_path / "c"))
    assert utils_get_file.validate_file(path, digest)
    assert utils_get_file.hash_file(path, algorithm) == digest
    wrong = "0" * len(digest)
    with pytest.raises(ValueError, match=f"Incomplete or corrupted file detected. The auto file hash does not match "
                                         f"the provided value of {wrong}"):
        utils.get_file("other.bin", source.as_uri(), file_hash=wrong, cache_dir=str(tmp_path / "c"))


def test_md5_hash_argument_and_mismatch_message_match_real_keras(tmp_path):
    keras = _real_keras(tmp_path)
    source = _write(tmp_path / "file.bin")
    messages = []
    for module, cache in ((utils, "o"), (keras.utils, "t")):
        with pytest.raises(ValueError) as info:
            module.get_file(origin=source.as_uri(), md5_hash="f" * 32, cache_dir=str(tmp_path / cache))
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "The md5 file hash" in messages[0]


def test_stale_cached_file_is_downloaded_again(tmp_path, capsys):
    source = _write(tmp_path / "file.bin")
    cache = tmp_path / "c" / "datasets"
    cache.mkdir(parents=True)
    (cache / "file.bin").write_bytes(b"stale")
    digest = hashlib.sha256(PAYLOAD).hexdigest()
    path = utils.get_file(origin=source.as_uri(), file_hash=digest, cache_dir=str(tmp_path / "c"))
    assert open(path, "rb").read() == PAYLOAD
    assert "re-download" in capsys.readouterr().out


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="origin"):
        utils.get_file("x")
    with pytest.raises(ValueError, match="Paths are no longer accepted"):
        utils.get_file(os.path.join("a", "b"), "file:///nothing", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Can't parse the file name"):
        utils.get_file(origin="https://example.com/", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="hash_algorithm"):
        utils.get_file(origin="file:///x", hash_algorithm="sha1", cache_dir=str(tmp_path))


def test_offline_http_gives_clear_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    monkeypatch.setattr(utils_get_file.urllib.request, "urlretrieve", refuse)
    with pytest.raises(Exception, match="URL fetch failure on https://example.com/data.csv.*offline"):
        utils.get_file(origin="https://example.com/data.csv", cache_dir=str(tmp_path))
    assert not (tmp_path / "datasets" / "data.csv").exists()


def test_tar_members_escaping_the_folder_are_skipped(tmp_path):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        for name, data in {"ok.txt": b"ok", "../escape.txt": b"bad", "/abs.txt": b"bad"}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        links = (("link_out", "../../outside", tarfile.SYMTYPE), ("link_in", "ok.txt", tarfile.SYMTYPE),
                 ("hard_out", "../escape.txt", tarfile.LNKTYPE), ("abs_link", "/etc/passwd", tarfile.SYMTYPE))
        for name, target, kind in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info)
    with pytest.warns(UserWarning, match="Skipping invalid path during archive extraction"):
        path = utils.get_file("evil", archive.as_uri(), extract=True, cache_dir=str(tmp_path / "c"))
    assert sorted(os.listdir(path)) == ["link_in", "ok.txt"]
    assert os.readlink(os.path.join(path, "link_in")) == "ok.txt"
    assert not (tmp_path / "c" / "datasets" / "escape.txt").exists() and not (tmp_path / "escape.txt").exists()


def test_zip_members_escaping_the_folder_are_skipped(tmp_path):
    archive = _zip(tmp_path / "evil.zip", {"ok.txt": b"ok", "../escape.txt": b"bad", "d/../../up.txt": b"bad"})
    with pytest.warns(UserWarning, match="Skipping invalid path"):
        path = utils.get_file("evil.zip", archive.as_uri(), extract=True, cache_dir=str(tmp_path / "c"))
    assert path == str(tmp_path / "c" / "datasets" / "evil_extracted")
    assert _tree(path) == ["ok.txt"]
    assert not (tmp_path / "c" / "datasets" / "escape.txt").exists()


def test_not_an_archive_warns_and_returns_folder(tmp_path):
    source = _write(tmp_path / "plain.txt")
    with pytest.warns(UserWarning, match="Could not extract archive"):
        path = utils.get_file(origin=source.as_uri(), extract=True, cache_dir=str(tmp_path / "c"))
    assert path == str(tmp_path / "c" / "datasets" / "plain.txt")
    assert utils_get_file.extract_archive(str(source), str(tmp_path / "x"), archive_format=None) is False
