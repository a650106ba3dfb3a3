"""Tensors print as PyTorch prints them (one format per tensor, chosen from its values), and
ag.set_printoptions changes it as torch.set_printoptions does."""
import numpy as np
import pytest

import autograd as ag

torch = pytest.importorskip("torch")

VALUES = [[1.5, 2.25, 3.0], [1.0, 2.0, 3.0], [0.0, 0.0], [1e-5, 1.0], [1e9, 1.0], [np.nan, 1.0], [np.inf, 2.5],
          [-np.inf, -3.0], [1234.5678, 0.5], [-1.5, 2.0], [[-2.7146, -0.2539, 0.3836], [1.3204, 1.0416, -1.2384]],
          2.5, 3.0, [], [[1, 2], [3, 40]], [True, False]]


@pytest.fixture(autouse=True)
def _default_options():
    yield
    ag.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


@pytest.mark.parametrize("values", VALUES, ids=str)
def test_repr_matches_pytorchs(values):
    assert repr(ag.tensor(values)) == repr(torch.tensor(values))


@pytest.mark.parametrize("options", [{"precision": 2}, {"precision": 6, "sci_mode": True}, {"sci_mode": False},
                                     {"profile": "short"}, {"threshold": 5, "edgeitems": 2}])
def test_set_printoptions_matches_pytorchs(options):
    ag.set_printoptions(**options)
    torch.set_printoptions(**options)
    for values in ([1e-5, 1.0, 2.5], [0.5, 1.25, 3.0, 4.0, 5.0, 6.0, 7.0]):
        assert repr(ag.tensor(values)) == repr(torch.tensor(values))


def test_full_profile_prints_every_element_and_bad_profiles_are_refused():
    ag.set_printoptions(profile="full")
    assert repr(ag.arange(1500.0)).count(",") == 1499
    with pytest.raises(ValueError, match="profile must be one of"):
        ag.set_printoptions(profile="long")


def _torch_repr_without_prefix(t):
    return repr(t).replace("torch.", "")


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([1, 2], dtype=lib.int32), lambda lib: lib.tensor([7], dtype=lib.uint8),
    lambda lib: lib.tensor([True]), lambda lib: lib.tensor(True), lambda lib: lib.zeros(0, dtype=lib.int32),
    lambda lib: lib.zeros(2, 0, dtype=lib.float16), lambda lib: lib.zeros(0, 3).requires_grad_(),
    lambda lib: lib.zeros(0), lambda lib: lib.tensor([[True, True], [True, True]])],
    ids=["int32", "uint8", "true", "0-d bool", "empty int32", "empty 2x0 float16", "empty 0x3 grad", "empty",
         "all true"])
def test_dtypes_sizes_and_booleans_print_as_pytorchs(make):
    assert repr(make(ag)) == _torch_repr_without_prefix(make(torch))


def test_shapes_print_as_pytorchs_sizes():
    assert str(ag.zeros(2, 3).shape) == _torch_repr_without_prefix(torch.zeros(2, 3).shape) == "Size([2, 3])"
    assert f"{ag.zeros(()).shape}" == "Size([])"


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor([[-1.12345, 2.5, 3.25, 4.0, 5.5, 6.25, 7.125, 8.0625, 9.5]]) * 2,
    lambda lib: lib.arange(30.0).reshape(2, 15) / 7,
    lambda lib: lib.arange(40, dtype=lib.int32).reshape(2, 2, 10) * 1000,
    lambda lib: lib.tensor([-2.0, 0.5, 3.0], dtype=lib.float64, requires_grad=True) / 7,
    lambda lib: lib.full((7,), 1.5, dtype=lib.float16, requires_grad=True) * 1,
    lambda lib: lib.arange(8.0, requires_grad=True)[1:7] * 1,
    lambda lib: lib.linspace(-1e-3, 1e4, 2000).reshape(40, 50),
], ids=["2-D row of 9", "two rows of 15", "3-D ints", "float64 grad_fn", "float16 grad_fn", "slice grad_fn",
        "summarized"])
def test_lines_and_suffixes_break_where_pytorchs_do(make):
    # PyTorch puts a fixed count of elements on each line and moves a suffix that would pass 80 columns to a
    # line of its own (counting `dtype=torch.float16` as printed there)
    assert repr(make(ag)) == _torch_repr_without_prefix(make(torch))


@pytest.mark.parametrize("options", [{"linewidth": 40}, {"edgeitems": 0, "threshold": 3}, {"sci_mode": True}])
def test_print_options_edge_cases_match_pytorchs(options):
    ag.set_printoptions(**options)
    torch.set_printoptions(**options)
    for make in (lambda lib: lib.arange(12.0).reshape(3, 4) / 3, lambda lib: lib.zeros(3),
                 lambda lib: lib.tensor([-0.0]), lambda lib: lib.arange(6).reshape(2, 3)):
        assert repr(make(ag)) == _torch_repr_without_prefix(make(torch))


def test_empty_tensors_show_a_dtype_other_than_the_default():
    # nothing in `[]` tells an int64 or bool tensor apart, so PyTorch shows their dtype too
    for make in (lambda lib: lib.zeros(0, dtype=lib.int64), lambda lib: lib.zeros(0, 3, dtype=lib.bool),
                 lambda lib: lib.zeros(2, 0)):
        assert repr(make(ag)) == _torch_repr_without_prefix(make(torch))


def test_named_tuple_results_print_one_field_a_line_as_pytorchs():
    x = [[1.0, 5.0, 2.0], [3.0, 2.0, 0.5]]
    for call in (lambda lib, t: t.max(1), lambda lib, t: t.sort(dim=0), lambda lib, t: lib.aminmax(t),
                 lambda lib, t: lib.linalg.slogdet(t[:, :2])):
        ours, theirs = call(ag, ag.tensor(x)), call(torch, torch.tensor(x))
        assert repr(ours) == str(ours) == _torch_repr_without_prefix(theirs)
    result = ag.tensor(x).max(1)
    assert isinstance(result, ag.return_types.max) and result.values is result[0] and result._fields == (
        "values", "indices")
