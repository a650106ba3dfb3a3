"""Indexing t[...], take_along_axis, one_hot and t[...] = v: values and gradients against PyTorch, gradcheck."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, torch


MASK_23 = np.array([[True, False, True], [False, False, True]])

# name, input shape, index (NumPy style; integer arrays may repeat), torch's equivalent when it differs
INDEXES = [
    ("int", (3, 4), 1, None),
    ("negative_int", (3, 4), -1, None),
    ("ints_to_0d", (3, 4), (1, -2), None),
    ("slice", (5, 2), slice(1, 4), None),
    ("slice_step", (5, 2), slice(None, None, 2), None),
    ("slice_negative_bounds", (5, 2), slice(-3, -1), None),
    ("slice_empty", (5, 2), slice(2, 2), None),
    ("slice_negative_step", (5, 2), slice(None, None, -1), lambda t: t.flip(0)),
    ("slice_negative_step_2", (5, 2), (slice(None), slice(None, None, -2)), lambda t: t.flip(1)[:, ::2]),
    ("none_front", (2, 3), None, None),
    ("none_middle", (2, 3), (slice(None), None), None),
    ("ellipsis_last", (2, 3, 4), (Ellipsis, 1), None),
    ("ellipsis_middle", (2, 3, 4), (0, Ellipsis, None, 2), None),
    ("ellipsis_0d", (), Ellipsis, None),
    ("none_0d", (), None, None),
    ("int_array_repeats", (4, 2), np.array([0, 2, 0, 0]), None),
    ("int_array_2d_repeats", (4, 2), np.array([[0, 1], [1, 1]]), None),
    ("int_array_negative", (4, 2), np.array([-1, 0, -1]), None),
    ("int_list", (4, 2), [3, 3, 1], None),
    ("int_arrays_two_axes", (3, 4), (np.array([0, 1, 1]), np.array([2, 0, 2])), None),
    ("int_array_after_slice", (3, 4), (slice(None), np.array([0, 0, 3])), None),
    ("int_arrays_around_slice", (3, 4, 2), (np.array([1, 0, 1]), slice(None), np.array([1, 1, 0])), None),
    ("int_array_empty", (3, 4), np.array([], dtype=np.int64), None),
    ("bool_mask_full", (2, 3), MASK_23, None),
    ("bool_mask_axis0", (3, 2), np.array([True, False, True]), None),
    ("bool_mask_after_slice", (2, 4), (slice(None), np.array([True, False, True, True])), None),
    ("bool_mask_all_false", (2, 3), np.zeros((2, 3), dtype=bool), None),
]
IDS = [i[0] for i in INDEXES]


def _torch_index(index):
    parts = index if isinstance(index, tuple) else (index,)
    parts = tuple(torch.from_numpy(p) if isinstance(p, np.ndarray) else p for p in parts)
    return parts if isinstance(index, tuple) else parts[0]


@pytest.mark.parametrize("name,shape,index,theirs", INDEXES, ids=IDS)
def test_getitem_matches_torch(device, name, shape, index, theirs):
    theirs = theirs or (lambda t: t[_torch_index(index)])
    check_against_torch(lambda t: t[index], theirs, [rand(shape, seed=1)], device=device)


@pytest.mark.parametrize("name,shape,index,theirs", INDEXES, ids=IDS)
def test_getitem_gradcheck(device, name, shape, index, theirs):
    check_gradcheck(lambda t: t[index], [rand(shape, seed=2)], device=device)


def test_repeated_indices_accumulate_their_gradients(device):
    x = ag.tensor([1.0, 2.0, 3.0], device=device, requires_grad=True)
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 0.0, 1.0])


def test_index_with_an_integer_tensor_and_a_bool_tensor(device):
    x = rand((4, 3), seed=3)
    idx = np.array([2, 2, 0])
    mask = np.array([True, False, False, True])
    check_against_torch(lambda t: t[ag.tensor(idx, device=t.device)], lambda t: t[torch.from_numpy(idx)], [x],
                        device=device)
    check_against_torch(lambda t: t[ag.tensor(mask, device=t.device)] * 2, lambda t: t[torch.from_numpy(mask)] * 2,
                        [x], device=device)
    check_gradcheck(lambda t: t[ag.tensor(idx, device=t.device)], [x], device=device)
    check_gradcheck(lambda t: t[ag.tensor(mask, device=t.device)] * 2, [x], device=device)


@pytest.mark.parametrize("index,match", [
    ((slice(None), 5), "(?i)index 5 is out of bounds"), (np.array([0.5]), "float"), ((0, 0, 0), "too many indices")],
    ids=["out_of_range", "float_index", "too_many"])
def test_bad_index_gives_a_clear_error(device, index, match):
    with pytest.raises(IndexError, match=match):
        ag.zeros((2, 3), device=device)[index]


# take_along_axis: input shape, indices (repeats allowed), axis
TAKES = [
    ((3, 4), np.array([[0, 0], [3, 1], [2, 2]]), 1),
    ((3, 4), np.array([[2, 0, 1, 2]]), 0),
    ((2, 3, 4), np.array([[[0, 0, 3, 3, 1]] * 3] * 2), -1),
    ((3, 4), np.array([[1, 1]]), 1),  # indices broadcast along axis 0
    ((4,), np.array([3, 3, 0]), 0),
    ((3, 0), np.zeros((3, 0), dtype=np.int64), 1),
]


@pytest.mark.parametrize("shape,indices,axis", TAKES, ids=str)
def test_take_along_axis_matches_torch(device, shape, indices, axis):
    def ours(t):
        return ag.take_along_axis(t, indices, axis)

    def theirs(t):
        return torch.take_along_dim(t, torch.from_numpy(indices), dim=axis)
    x = rand(shape, seed=4)
    check_against_torch(ours, theirs, [x], device=device)
    check_gradcheck(ours, [x], device=device)
    np.testing.assert_array_equal(ag.tensor(x, device=device).take_along_axis(indices, axis).numpy(),
                                  np.take_along_axis(x, indices, axis))


def test_take_along_axis_rejects_bad_indices(device):
    x = ag.zeros((2, 3), device=device)
    with pytest.raises(IndexError, match="take_along_axis.*range"):
        ag.take_along_axis(x, np.array([[3], [0]]), 1)
    with pytest.raises(ValueError, match=r"take_along_axis.*\(2,\).*Size\(\[2, 3\]\)"):
        ag.take_along_axis(x, np.array([0, 1]), 1)
    with pytest.raises(IndexError, match="integers"):
        ag.take_along_axis(x, np.array([[0.0], [1.0]]), 1)


@pytest.mark.parametrize("indices,num_classes", [
    (np.array([0, 2, 1, 2]), 3), (np.array([[1, 0], [3, 3]]), 4), (np.array(2), 5), (np.array([], np.int64), 2)],
    ids=["1d", "2d", "0d", "empty"])
def test_one_hot_matches_torch(device, indices, num_classes):
    out = ag.one_hot(ag.tensor(indices, device=device), num_classes)
    expected = torch.nn.functional.one_hot(torch.from_numpy(indices), num_classes).numpy()
    assert out.dtype == np.float32 and not out.requires_grad and out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    assert ag.one_hot(indices, num_classes, dtype=ag.int64).dtype == np.int64


def test_one_hot_rejects_bad_classes(device):
    with pytest.raises(ValueError, match=r"one_hot.*5.*\[0, 3\)"):
        ag.one_hot(ag.tensor([0, 5], device=device), 3)
    with pytest.raises(TypeError, match="one_hot.*integers"):
        ag.one_hot(ag.tensor([0.0, 1.0], device=device), 3)


# t[index] = value inside a graph: index, value shape
SETITEMS = [(slice(1, 3), (2, 3)), (slice(1, 3), (3,)), (np.array([0, 3]), (2, 3)), (np.array([True, False, True, True]), ()),
            ((Ellipsis, 1), (4,)), ((np.array([0, 2]), np.array([1, 1])), (2,))]


@pytest.mark.parametrize("index,value_shape", SETITEMS, ids=str)
def test_setitem_gradients_match_torch(device, index, value_shape):
    def ours(x, v):
        y = x * 1.0
        y[index] = v
        return y * y

    def theirs(x, v):
        y = x.clone()
        y[_torch_index(index)] = v
        return y * y
    arrays = [rand((4, 3), seed=5), rand(value_shape, seed=6)]
    check_against_torch(ours, theirs, arrays, device=device)
    check_gradcheck(ours, arrays, device=device)
