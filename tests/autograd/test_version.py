"""ag.__version__ and ag.version: the PyTorch release deepgrad's API follows, compared as PyTorch's TorchVersion
compares (numbers, not characters: "2.13" > "2.9"), so a version gate in a user's script takes PyTorch 2.13's
branch. It was missing: `print(torch.__version__)`, the first line of many scripts, raised AttributeError."""
import operator

import pytest

import autograd as ag
from tests.helpers import require_torch

_OTHERS = ["2.1", "2.9", "2.13", "2.13.0", "2.13.0+cpu", "2.13.1", "2.13.0rc1", "2.14.0.dev20260101", "3", "1.13.1",
           (2, 13), (2, 9), (2, 13, 0), (2, 14)]
_TESTS = [operator.lt, operator.le, operator.gt, operator.ge]


@pytest.mark.parametrize("other", _OTHERS, ids=str)
def test_version_compares_as_torch_version_does(other):
    torch = require_torch()
    ours = ag.__version__
    theirs = type(torch.__version__)(ours.replace("+deepgrad", "+cpu"))   # the same release, PyTorch's class
    mine = other.replace("+cpu", "+deepgrad") if isinstance(other, str) else other   # the same local label
    assert [test(ours, mine) for test in _TESTS] == [test(theirs, other) for test in _TESTS]
    assert (ours == mine) == (theirs == other)


def test_version_is_a_string_naming_the_release():
    assert isinstance(ag.__version__, str)
    assert ag.__version__.split("+")[0] == ag.version.API_RELEASE
    assert ag.version.__version__ is ag.__version__
    assert ag.version.cuda is None and ag.version.hip is None
    assert ag.__version__ != "not a version" and ag.__version__ == str(ag.__version__)
    with pytest.raises(ValueError, match="not a version string"):
        ag.__version__ < "abc"
