"""Fetching the files the applications use (ImageNet weights, the class index) into ~/.keras/models through
keras.utils.get_file, with an error that says what to do when the machine is offline."""


class WeightsDownloadError(Exception):
    """A file Keras publishes could not be downloaded (usually: the machine is offline)."""


def fetch(fname, url, file_hash, who, then="pass its path instead"):
    """The local path of `fname` from `url` (cached in ~/.keras/models, checked against `file_hash`); a
    WeightsDownloadError naming the URL and the fix when it cannot be downloaded."""
    from ..utils_get_file import get_file
    try:
        return get_file(fname, url, cache_subdir="models", file_hash=file_hash)
    except Exception as error:   # get_file raises a bare Exception on fetch failures, as Keras's does
        raise WeightsDownloadError(
            f"{who}: could not download {fname} from {url} ({error}). Download the file on a machine with network "
            f"access and {then} (or put it in ~/.keras/models/{fname})") from None
