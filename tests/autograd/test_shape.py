"""Shape ops: values and gradients against PyTorch and gradcheck, with negative axes, 0-d and empty tensors."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, torch



def _torch_pad(pad_width, value=0.0):
    # torch.nn.functional.pad lists (before, after) from the last axis backwards
    flat = [n for pair in reversed(pad_width) for n in pair]
    return lambda t: torch.nn.functional.pad(t, flat, value=value)


def _torch_squeeze_all(t):
    return t.squeeze()


# name, input shape, ours, torch's
ONE_INPUT = [
    ("reshape", (2, 3, 4), lambda t: t.reshape(4, 6), lambda t: t.reshape(4, 6)),
    ("reshape_tuple_-1", (2, 3, 4), lambda t: ag.reshape(t, (-1, 4)), lambda t: t.reshape(-1, 4)),
    ("reshape_0d_to_1", (), lambda t: t.reshape(1, 1), lambda t: t.reshape(1, 1)),
    ("reshape_to_0d", (1,), lambda t: t.reshape(()), lambda t: t.reshape(())),
    ("reshape_empty", (0, 3), lambda t: t.reshape(3, 0, 1), lambda t: t.reshape(3, 0, 1)),
    ("transpose_reverse", (2, 3, 4), lambda t: ag.transpose(t), lambda t: t.permute(2, 1, 0)),
    ("transpose_axes", (2, 3, 4), lambda t: ag.transpose(t, (1, 2, 0)), lambda t: t.permute(1, 2, 0)),
    ("permute_negative_axes", (2, 3, 4), lambda t: t.permute(-1, 0, -2), lambda t: t.permute(2, 0, 1)),
    ("T", (2, 3), lambda t: t.T, lambda t: t.T),
    ("transpose_1d", (3,), lambda t: t.T, lambda t: t),
    ("swapaxes", (2, 3, 4), lambda t: ag.swapaxes(t, 0, 2), lambda t: t.transpose(0, 2)),
    ("swapaxes_negative", (2, 3, 4), lambda t: t.swapaxes(-1, -2), lambda t: t.transpose(-1, -2)),
    ("squeeze_all", (1, 3, 1, 2), ag.squeeze, _torch_squeeze_all),
    ("squeeze_axis", (1, 3, 1, 2), lambda t: ag.squeeze(t, 2), lambda t: t.squeeze(2)),
    ("squeeze_negative", (1, 3, 1, 2), lambda t: t.squeeze(-2), lambda t: t.squeeze(-2)),
    ("squeeze_tuple", (1, 3, 1, 2), lambda t: t.squeeze((0, -2)), lambda t: t.squeeze((0, 2))),
    ("squeeze_0d", (), ag.squeeze, _torch_squeeze_all),
    ("unsqueeze_front", (2, 3), lambda t: ag.unsqueeze(t, 0), lambda t: t.unsqueeze(0)),
    ("unsqueeze_back", (2, 3), lambda t: t.unsqueeze(-1), lambda t: t.unsqueeze(-1)),
    ("unsqueeze_0d", (), lambda t: t.unsqueeze(0), lambda t: t.unsqueeze(0)),
    ("expand_dims_middle", (2, 3), lambda t: ag.expand_dims(t, 1), lambda t: t.unsqueeze(1)),
    ("expand_dims_negative", (2, 3), lambda t: t.expand_dims(-2), lambda t: t.unsqueeze(-2)),
    ("broadcast_to_new_axes", (3,), lambda t: ag.broadcast_to(t, (2, 4, 3)), lambda t: t.expand(2, 4, 3)),
    ("broadcast_to_stretch", (2, 1), lambda t: t.broadcast_to((2, 5)), lambda t: t.expand(2, 5)),
    ("broadcast_to_0d", (), lambda t: ag.broadcast_to(t, (3, 2)), lambda t: t.expand(3, 2)),
    ("broadcast_to_empty", (1, 3), lambda t: ag.broadcast_to(t, (0, 3)), lambda t: t.expand(0, 3)),
    ("flatten", (2, 3, 4), ag.flatten, torch.flatten),
    ("flatten_range", (2, 3, 4, 5), lambda t: ag.flatten(t, 1, 2), lambda t: torch.flatten(t, 1, 2)),
    ("flatten_negative", (2, 3, 4), lambda t: t.flatten(-2), lambda t: torch.flatten(t, -2)),
    ("flatten_0d", (), ag.flatten, torch.flatten),
    ("flip_all", (2, 3), lambda t: ag.flip(t, (0, 1)), lambda t: t.flip((0, 1))),
    ("flip_axis", (2, 3, 4), lambda t: ag.flip(t, 1), lambda t: t.flip(1)),
    ("flip_negative", (2, 3, 4), lambda t: t.flip(-1), lambda t: t.flip(-1)),
    ("flip_tuple", (2, 3, 4), lambda t: ag.flip(t, (0, -1)), lambda t: t.flip((0, -1))),
    ("pad_int", (2, 3), lambda t: ag.pad(t, 1), _torch_pad(((1, 1), (1, 1)))),
    ("pad_pairs", (2, 3), lambda t: ag.pad(t, ((0, 2), (1, 0))), _torch_pad(((0, 2), (1, 0)))),
    ("pad_value", (2, 3, 2), lambda t: t.pad(((1, 0), (0, 0), (2, 1)), value=-1.5),
     _torch_pad(((1, 0), (0, 0), (2, 1)), value=-1.5)),
    ("pad_empty", (0, 2), lambda t: ag.pad(t, ((1, 1), (0, 1))), _torch_pad(((1, 1), (0, 1)))),
]
IDS = [o[0] for o in ONE_INPUT]


@pytest.mark.parametrize("name,shape,ours,theirs", ONE_INPUT, ids=IDS)
def test_shape_op_matches_torch(device, name, shape, ours, theirs):
    check_against_torch(ours, theirs, [rand(shape, seed=1)], device=device)


@pytest.mark.parametrize("name,shape,ours,theirs", ONE_INPUT, ids=IDS)
def test_shape_op_gradcheck(device, name, shape, ours, theirs):
    check_gradcheck(ours, [rand(shape, seed=2)], device=device)


# joining several tensors: name, input shapes, ours(*tensors), torch's(*tensors)
JOIN = [
    ("concatenate_axis0", [(2, 3), (1, 3), (4, 3)], lambda *t: ag.concatenate(t), lambda *t: torch.cat(t)),
    ("concatenate_axis1", [(2, 3), (2, 1)], lambda *t: ag.concatenate(t, axis=1), lambda *t: torch.cat(t, 1)),
    ("concatenate_negative", [(2, 3, 1), (2, 3, 2)], lambda *t: ag.concatenate(t, axis=-1),
     lambda *t: torch.cat(t, -1)),
    ("concatenate_with_empty", [(2, 3), (0, 3), (1, 3)], lambda *t: ag.concatenate(t), lambda *t: torch.cat(t)),
    ("concatenate_one", [(2, 3)], lambda *t: ag.concatenate(list(t)), lambda *t: torch.cat(t)),
    ("stack_axis0", [(2, 3), (2, 3), (2, 3)], lambda *t: ag.stack(t), lambda *t: torch.stack(t)),
    ("stack_axis1", [(2, 3), (2, 3)], lambda *t: ag.stack(t, axis=1), lambda *t: torch.stack(t, 1)),
    ("stack_negative", [(2, 3), (2, 3)], lambda *t: ag.stack(t, axis=-1), lambda *t: torch.stack(t, -1)),
    ("stack_0d", [(), (), ()], lambda *t: ag.stack(t), lambda *t: torch.stack(t)),
    ("stack_empty", [(0, 2), (0, 2)], lambda *t: ag.stack(t, axis=1), lambda *t: torch.stack(t, 1)),
]


@pytest.mark.parametrize("name,shapes,ours,theirs", JOIN, ids=[j[0] for j in JOIN])
def test_join_matches_torch(device, name, shapes, ours, theirs):
    arrays = [rand(s, seed=k) for k, s in enumerate(shapes)]
    check_against_torch(ours, theirs, arrays, device=device)
    check_gradcheck(ours, arrays, device=device)


def test_join_gradient_reaches_only_inputs_that_require_it(device):
    arrays = [rand((2, 3), seed=1), rand((1, 3), seed=2)]
    check_against_torch(lambda a, b: ag.concatenate([a, b]), lambda a, b: torch.cat([a, b]), arrays,
                        device=device, requires_grad=[False, True])


# tensor_split: input shape, sections (int) or indices (list), axis; NumPy's split meaning
SPLITS = [((6, 2), 3, 0), ((2, 6), [1, 4], 1), ((2, 3, 4), 2, -1), ((5,), [2, 2, 4], 0), ((4, 0), 2, 0),
          ((3,), [0], 0)]


@pytest.mark.parametrize("shape,sections,axis", SPLITS, ids=str)
def test_tensor_split_matches_torch(device, shape, sections, axis):
    def ours(t):
        return tuple(ag.tensor_split(t, sections, axis))

    def theirs(t):
        return torch.tensor_split(t, sections, dim=axis)
    x = rand(shape, seed=3)
    check_against_torch(ours, theirs, [x], device=device)
    check_gradcheck(ours, [x], device=device)


def test_tensor_split_method_and_gradient_through_one_piece(device):
    x = ag.tensor(rand((6, 2), seed=4), device=device, requires_grad=True)
    first, second, third = x.tensor_split(3)
    (second * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0], [0, 0], [2, 2], [2, 2], [0, 0], [0, 0]])


def test_split_sizes_that_do_not_add_up_are_an_error(device):
    with pytest.raises(ValueError, match=r"split: sizes \[2, 2\].*add up to 5"):
        ag.split(ag.zeros((5,), device=device), [2, 2])


@pytest.mark.parametrize("call,match", [
    (lambda t: t.reshape(4, 4), r"reshape.*Size\(\[2, 3\]\).*\(4, 4\)"),
    (lambda t: t.permute(0, 0), "permute.*permutation"),
    (lambda t: t.unflatten(1, (2, 2)), r"unflatten.*\(2, 2\).*3"),
    (lambda t: ag.broadcast_to(t, (4, 3)), r"broadcast_to.*Size\(\[2, 3\]\).*\(4, 3\)"),

    (lambda t: ag.pad(t, ((1, 1),)), "pad.*2 dimensions"),
    (lambda t: ag.concatenate([t, ag.zeros((2, 2), device=t.device)]), r"concatenate.*\(2, 3\).*\(2, 2\)"),
    (lambda t: ag.stack([t, ag.zeros((3, 2), device=t.device)]), r"stack.*\(2, 3\).*\(3, 2\)"),
], ids=["reshape", "permute", "unflatten", "broadcast_to", "pad", "concatenate", "stack"])
def test_bad_shapes_give_clear_errors(device, call, match):
    with pytest.raises(ValueError, match=match):
        call(ag.zeros((2, 3), device=device))


def test_reshape_to_the_same_shape_and_views_share_memory(device):
    x = ag.tensor(rand((2, 3)), device=device)
    same = ag.reshape(x, (2, 3))
    assert same is not x and same.shape == x.shape   # a new view, as PyTorch's
    if ag.device(device).host_memory:
        assert np.shares_memory(same.numpy(), x.numpy())
        assert np.shares_memory(x.reshape(3, 2).numpy(), x.numpy())
        assert np.shares_memory(x.T.numpy(), x.numpy())
