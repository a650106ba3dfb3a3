"""`ag.__version__` and `ag.version` (torch.version): the PyTorch release whose API deepgrad follows, marked as
deepgrad's ("2.13.0+deepgrad", as a CPU wheel says "2.13.0+cpu"), comparable with version strings as PyTorch's
TorchVersion is (`ag.__version__ >= "2.1"` compares numbers, not characters)."""
import re

#: the PyTorch release whose API autograd mirrors
API_RELEASE = "2.13.0"
_PRE_RELEASE = {"dev": 0, "a": 1, "alpha": 1, "b": 2, "beta": 2, "rc": 3, "c": 3}


def _key(text):
    """(release numbers, pre-release rank, its number, local part) of a version string such as "2.1", "2.0.0rc1"
    or "2.13.0+cpu"; ValueError for anything else. As in PyTorch (packaging's rules), a local part makes a version
    sort after the same release without one, and unequal to it: "2.13.0+cpu" > "2.13.0"."""
    match = re.fullmatch(r"\s*v?(\d+(?:\.\d+)*)(?:[.-]?(dev|alpha|beta|rc|a|b|c)\.?(\d*))?(?:\+([\w.]+))?\s*", text)
    if match is None:
        raise ValueError(f"TorchVersion: {text!r} is not a version string such as '2.1' or '2.0.0rc1'")
    numbers = [int(part) for part in match.group(1).split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()   # 2.0 == 2.0.0
    tag = match.group(2)
    rank = 4 if tag is None else _PRE_RELEASE[tag]
    local = () if match.group(4) is None else (1, match.group(4).lower())
    return tuple(numbers), rank, int(match.group(3) or 0), local


def _other_key(other):
    if isinstance(other, tuple):
        other = ".".join(map(str, other))
    if not isinstance(other, str):
        return NotImplemented
    return _key(other)


class TorchVersion(str):
    """A version string that compares by its release numbers with another version string or tuple, as
    torch.__version__ does: "2.13.0+deepgrad" > "2.9" and >= (2, 1)."""

    def _compare(self, other, test):
        theirs = _other_key(other)
        if theirs is NotImplemented:
            return NotImplemented
        return test(_key(self), theirs)

    def __eq__(self, other):
        try:
            result = self._compare(other, lambda a, b: a == b)
        except ValueError:   # not a version string: only the same text is equal
            result = NotImplemented
        return str.__eq__(self, other) if result is NotImplemented else result

    def __ne__(self, other):
        equal = self.__eq__(other)
        return not equal if isinstance(equal, bool) else equal

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)

    __hash__ = str.__hash__


__version__ = TorchVersion(API_RELEASE + "+deepgrad")
#: torch.version's other fields: deepgrad is not a CUDA or ROCm build of PyTorch (its GPU device runs on CuPy;
#: ag.cuda.is_available() says whether one works here)
cuda = None
hip = None
debug = False
git_version = "deepgrad"
