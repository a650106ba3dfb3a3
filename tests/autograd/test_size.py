"""ag.Size, the type of Tensor.shape and Tensor.size(): a tuple that combines as torch.Size does."""
import copy
import json
import pickle

import numpy as np
import pytest

import autograd as ag


def test_shape_and_size_are_sizes_that_compare_as_tuples(device):
    x = ag.zeros(2, 3, device=device)
    for s in (x.shape, x.size()):
        assert isinstance(s, ag.Size) and isinstance(s, tuple)
        assert s == (2, 3) and hash(s) == hash((2, 3)) and s.numel() == 6
    assert x.size(1) == 3 and type(x.size(1)) is int
    assert x.size == 6                                   # NumPy's spelling: the element count
    assert ag.zeros((), device=device).shape.numel() == 1 and ag.zeros(0, 4, device=device).shape.numel() == 0


def test_slicing_adding_and_repeating_give_sizes():
    s = ag.Size([2, 3])
    for combined, expected in ((s[1:], (3,)), (s + (4,), (2, 3, 4)), ((4,) + s, (4, 2, 3)), (s * 2, (2, 3, 2, 3)),
                               (2 * s, (2, 3, 2, 3))):
        assert isinstance(combined, ag.Size) and combined == expected
    assert type(s[0]) is int and s.index(3) == 1 and s.count(2) == 1


def test_sizes_build_tensors_and_survive_copies():
    s = ag.Size([np.int64(2), 3])
    assert ag.zeros(s).shape == s and np.zeros(s).shape == (2, 3) and ag.ones(2, 3).reshape(s[::-1]).shape == (3, 2)
    assert pickle.loads(pickle.dumps(s)) == s and type(copy.deepcopy(s)) is ag.Size and json.dumps(s) == "[2, 3]"


@pytest.mark.parametrize("bad", [[2.5], ["3"], [None]])
def test_non_integer_sizes_are_refused(bad):
    with pytest.raises(TypeError, match=r"Size\(\) takes an iterable of ints \(item 0 is"):
        ag.Size(bad)
