"""Regressions for the differences from PyTorch that round 23 found while writing its programs
(tests/test_pytorch_programs_round23.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


# ----- random states in PyTorch's layout, and Generator.clone_state ------------------------------------------------

@pytest.mark.parametrize("draws", [0, 3, 630])
def test_rng_states_have_pytorchs_bytes_and_restore_either_librarys_stream(draws):
    torch = require_torch()
    for lib in (torch, ag):
        lib.manual_seed(2024)
        lib.rand(draws)
        lib.randn(3, dtype=lib.float64)     # leaves a cached normal in the state
    ours, theirs = ag.get_rng_state(), torch.get_rng_state()
    assert ours.dtype == np.uint8 and tuple(ours.shape) == tuple(theirs.shape) == (5056,)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    ag.manual_seed(0)
    ag.set_rng_state(ag.tensor(theirs.numpy()))
    np.testing.assert_array_equal(ag.randn(5).numpy(), torch.randn(5).numpy())
    g, h = torch.Generator().manual_seed(8), ag.Generator().manual_seed(8)
    np.testing.assert_array_equal(h.get_state().numpy(), g.get_state().numpy())
    torch.rand(draws, generator=g)
    h.set_state(ag.tensor(g.get_state().numpy()))
    np.testing.assert_array_equal(ag.randint(0, 9, (6,), generator=h).numpy(), torch.randint(0, 9, (6,), generator=g))


def test_a_state_of_the_wrong_size_names_the_op_and_the_expected_size():
    with pytest.raises(ValueError, match=r"set_rng_state: the state must come from ag\.get_rng_state\(\).*5056"):
        ag.set_rng_state(ag.zeros(100, dtype=ag.uint8))
    with pytest.raises(ValueError, match="Generator.set_state.*uint8"):
        ag.Generator().set_state(ag.zeros(5056))


def test_generator_clone_state_continues_the_same_stream():
    torch = require_torch()
    g, h = torch.Generator().manual_seed(31), ag.Generator().manual_seed(31)
    torch.randn(5, generator=g), ag.randn(5, generator=h)
    g2, h2 = g.clone_state(), h.clone_state()
    assert isinstance(h2, ag.Generator) and h2.initial_seed() == g2.initial_seed() == 31
    for lib, a, b in ((torch, g, g2), (ag, h, h2)):
        np.testing.assert_array_equal(np.asarray(lib.rand(4, generator=a)), np.asarray(lib.rand(4, generator=b)))
    np.testing.assert_array_equal(ag.rand(4, generator=h2).numpy(), torch.rand(4, generator=g2).numpy())


# ----- dtype introspection ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["complex64", "complex128"])
def test_finfo_of_a_complex_dtype_is_its_real_parts(name):
    torch = require_torch()
    ours, theirs = ag.finfo(getattr(ag, name)), torch.finfo(getattr(torch, name))
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, field) == getattr(theirs, field), field


def test_iinfo_refuses_bool_as_pytorch_does():
    torch = require_torch()
    with pytest.raises(TypeError):
        torch.iinfo(torch.bool)
    with pytest.raises(TypeError, match="iinfo: bool is not supported"):
        ag.iinfo(ag.bool)


def test_bfloat16_tensors_are_signed():
    torch = require_torch()
    assert ag.ones(2, dtype=ag.bfloat16).is_signed() == torch.ones(2, dtype=torch.bfloat16).is_signed() is True
    assert ag.is_signed(ag.ones(2, dtype=ag.bfloat16))


# ----- *_like factories keep their input's layout (preserve_format by default) --------------------------------------

LAYOUTS = {
    "channels_last": lambda L, x: x.contiguous(memory_format=L.channels_last),
    "transposed": lambda L, x: x.transpose(2, 3),
    "permuted": lambda L, x: x.permute(3, 1, 0, 2),
    "sliced channels_last": lambda L, x: x.contiguous(memory_format=L.channels_last)[:, :, 1:3],
    "transposed with a step": lambda L, x: x.transpose(1, 3)[:, ::2],
    "size-1 axis": lambda L, x: x[:, :1].transpose(0, 3),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("factory", ["zeros_like", "ones_like", "empty_like", "full_like", "float64 zeros_like"])
def test_like_factories_lay_out_their_result_as_pytorchs(layout, factory):
    torch = require_torch()
    make = {"full_like": lambda L, x: L.full_like(x, 2.5),
            "float64 zeros_like": lambda L, x: L.zeros_like(x, dtype=L.float64)}.get(
        factory, lambda L, x: getattr(L, factory)(x))
    data = np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5)
    ours = make(ag, LAYOUTS[layout](ag, ag.tensor(data)))
    theirs = make(torch, LAYOUTS[layout](torch, torch.tensor(data)))
    assert ours.stride() == theirs.stride() and tuple(ours.shape) == tuple(theirs.shape)
    if factory != "empty_like":
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    contiguous = make(ag, LAYOUTS[layout](ag, ag.tensor(data))).contiguous()
    assert ag.zeros_like(ag.tensor(data).transpose(0, 1), memory_format=ag.contiguous_format).is_contiguous()
    assert contiguous.is_contiguous()


# ----- the graph nodes of losses and unpooling carry PyTorch's names -------------------------------------------------

def _node(lib, out):
    return type(out.grad_fn).__name__ if lib.__name__ == "torch" else out.grad_fn.name()


LOSS_NODES = {
    "margin_ranking none": lambda L, F, x: F.margin_ranking_loss(x[:, 0], x[:, 1], L.tensor([1.0, -1.0, 1.0, 1.0]),
                                                                 reduction="none"),
    "triplet none": lambda L, F, x: F.triplet_margin_loss(x, x.flip(0), x * 2, reduction="none"),
    "triplet with distance none": lambda L, F, x: F.triplet_margin_with_distance_loss(x, x.flip(0), x * 2,
                                                                                      reduction="none"),
    "multilabel_margin none": lambda L, F, x: F.multilabel_margin_loss(x, L.tensor([[0, 1, -1]] * 4),
                                                                       reduction="none"),
    "multilabel_margin mean": lambda L, F, x: F.multilabel_margin_loss(x, L.tensor([[2, -1, 0]] * 4)),
    "multilabel_margin sum 1-D": lambda L, F, x: F.multilabel_margin_loss(x[0], L.tensor([1, -1, 0]),
                                                                          reduction="sum"),
    "kl_div none": lambda L, F, x: F.kl_div(x, x.detach().abs(), reduction="none"),
    "max_unpool1d": lambda L, F, x: F.max_unpool1d(*F.max_pool1d(x.reshape(1, 4, 3), 2, return_indices=True), 2),
    "max_unpool2d": lambda L, F, x: F.max_unpool2d(*F.max_pool2d(x.reshape(1, 1, 4, 3), 2, return_indices=True), 2,
                                                   output_size=(4, 3)),
    "max_unpool3d": lambda L, F, x: F.max_unpool3d(*F.max_pool3d(x.reshape(1, 1, 2, 2, 3), 2, return_indices=True,
                                                                 ceil_mode=True), 2, output_size=(2, 2, 3)),
}


@pytest.mark.parametrize("case", sorted(LOSS_NODES))
def test_loss_and_unpool_nodes_are_named_as_pytorchs(case):
    torch = require_torch()
    import torch.nn.functional as TF
    import nn.functional as F
    data = np.random.default_rng(3).normal(size=(4, 3))
    theirs = LOSS_NODES[case](torch, TF, torch.tensor(data, requires_grad=True))
    ours = LOSS_NODES[case](ag, F, ag.tensor(data, requires_grad=True))
    assert _node(ag, ours) == _node(torch, theirs)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


def test_kl_div_gradient_for_the_target_is_pytorchs_at_zero_probabilities():
    torch = require_torch()
    import torch.nn.functional as TF
    import nn.functional as F
    logp = np.log([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]])
    q = np.array([[0.5, 0.0, 0.5], [0.2, 0.3, 0.5]])
    grads = []
    for lib, fn in ((torch, TF.kl_div), (ag, F.kl_div)):
        target = lib.tensor(q, requires_grad=True)
        fn(lib.tensor(logp), target, reduction="sum").backward()
        grads.append(np.asarray(target.grad))
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)   # nan where the target is 0, as PyTorch's


# ----- tensor metadata: type names of complex tensors, strides of empty tensors -------------------------------------

@pytest.mark.parametrize("name", ["complex64", "complex128"])
def test_type_names_complex_tensors_as_pytorch(name):
    torch = require_torch()
    ours, theirs = ag.zeros(2, dtype=getattr(ag, name)), torch.zeros(2, dtype=getattr(torch, name))
    assert ours.type() == theirs.type()
    assert ag.zeros(2).type(theirs.type()).dtype == ours.dtype


def test_type_with_a_cuda_name_moves_the_tensor_or_says_why_not():
    import backends
    if any(name.startswith("cuda") for name in backends.available()):
        pytest.skip("a GPU is present: the move itself is tested on the device")
    with pytest.raises(Exception, match="cuda"):
        ag.zeros(2).type("torch.cuda.FloatTensor")


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (2, 0, 3), (0,)])
def test_new_empty_tensors_have_pytorchs_row_major_strides(shape):
    torch = require_torch()
    for make in ("zeros", "empty", "ones"):
        assert getattr(ag, make)(*shape).stride() == getattr(torch, make)(*shape).stride(), make
    assert ag.zeros(*shape).stride(0) == torch.zeros(*shape).stride(0)


# ----- seeds and the *_like draws -------------------------------------------------------------------------------------

def test_a_negative_seed_is_taken_modulo_2_64_as_pytorchs():
    torch = require_torch()
    torch.manual_seed(-5)
    ag.manual_seed(-5)
    assert ag.initial_seed() == torch.initial_seed() == 2 ** 64 - 5
    np.testing.assert_array_equal(ag.rand(3).numpy(), torch.rand(3).numpy())
    with pytest.raises(ValueError, match="manual_seed: the seed must fit in 64 bits"):
        ag.manual_seed(2 ** 64)


@pytest.mark.parametrize("layout", ["transposed", "channels_last", "sliced"])
def test_randint_like_draws_in_the_memory_order_of_pytorchs_layout(layout):
    torch = require_torch()
    make = {"transposed": lambda L: L.zeros(2, 3).t(),
            "channels_last": lambda L: L.zeros(2, 3, 4, 5).contiguous(memory_format=L.channels_last),
            "sliced": lambda L: L.zeros(4, 6)[:, ::2].t()}[layout]
    results = []
    for lib in (torch, ag):
        lib.manual_seed(5)
        results.append(lib.randint_like(make(lib), 3, 10))
    assert results[1].stride() == results[0].stride()
    np.testing.assert_array_equal(results[1].numpy(), results[0].numpy())


@pytest.mark.parametrize("name", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo_prints_and_compares_as_pytorchs(name):
    torch = require_torch()
    ours, theirs = ag.iinfo(getattr(ag, name)), torch.iinfo(getattr(torch, name))
    assert str(ours) == str(theirs) and repr(ours) == repr(theirs)
    assert (ours == ag.iinfo(getattr(ag, name))) == (theirs == torch.iinfo(getattr(torch, name))) is True
    assert (ag.finfo(ag.float32) == ag.finfo()) is (torch.finfo(torch.float32) == torch.finfo()) is True
    assert (ag.finfo(ag.float32) == ag.finfo(ag.float64)) is (torch.finfo(torch.float32) == torch.finfo(torch.float64))


# ----- matrix_exp follows PyTorch's Taylor degrees ---------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matrix_exp_of_zero_and_nilpotent_matrices_is_exact_as_pytorchs(dtype):
    torch = require_torch()
    for m in (np.zeros((3, 3)), [[0.0, 1.5, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]], [[1e-9, 0.0], [0.0, 0.0]]):
        arr = np.array(m, dtype=dtype)
        ours = ag.linalg.matrix_exp(ag.tensor(arr))
        theirs = torch.linalg.matrix_exp(torch.tensor(arr))
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
        assert repr(ours) == repr(theirs).replace("torch.", "")


@pytest.mark.parametrize("scale", [1e-6, 0.02, 0.2, 1.0, 3.0, 40.0])
def test_matrix_exp_matches_pytorch_across_the_degree_ranges(scale):
    torch = require_torch()
    data = np.random.default_rng(1).normal(size=(3, 4, 4)) * scale / 4
    data[1] *= 1e-3
    ours = ag.linalg.matrix_exp(ag.tensor(data, requires_grad=True))
    theirs = torch.linalg.matrix_exp(torch.tensor(data, requires_grad=True))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-15)
    assert np.isnan(ag.linalg.matrix_exp(ag.tensor([[np.nan, 0.0], [0.0, 1.0]])).numpy()).all()


@pytest.mark.parametrize("a_shape, b_shape, dims", [((3, 2, 3, 2), (2, 3), None), ((2, 3, 2, 3), (2, 3), (0,))])
def test_tensorsolve_needs_only_matching_element_counts_as_pytorchs(a_shape, b_shape, dims):
    torch = require_torch()
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=a_shape), rng.normal(size=b_shape)
    theirs = torch.linalg.tensorsolve(torch.tensor(A), torch.tensor(B), dims=dims)
    ours = ag.linalg.tensorsolve(ag.tensor(A), ag.tensor(B), dims=dims)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-10)
    with pytest.raises(ValueError, match="linalg.tensorsolve: expected A's leading 2 dims"):
        ag.linalg.tensorsolve(ag.ones(6, 2, 3, dtype=ag.float64), ag.ones(3, 2, dtype=ag.float64))


# ----- lp_pool with an infinite norm_type ----------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["2d inf", "2d -inf", "1d inf stride 1", "3d inf", "2d inf ceil"])
def test_lp_pool_with_an_infinite_norm_type_pools_the_largest_magnitude_as_pytorch(case):
    torch = require_torch()
    import torch.nn.functional as TF
    import nn.functional as F
    inf = float("inf")
    run = {"2d inf": lambda F, x: F.lp_pool2d(x.reshape(1, 1, 4, 6), inf, 2),
           "2d -inf": lambda F, x: F.lp_pool2d(x.reshape(1, 4, 6), -inf, (2, 3)),
           "1d inf stride 1": lambda F, x: F.lp_pool1d(x.reshape(2, 2, 6), inf, 3, stride=1),
           "3d inf": lambda F, x: F.lp_pool3d(x.reshape(1, 1, 2, 3, 4), inf, 2),
           "2d inf ceil": lambda F, x: F.lp_pool2d(x.reshape(1, 1, 4, 6), inf, 3, ceil_mode=True)}[case]
    data = np.random.default_rng(2).normal(size=24)
    grads = []
    for lib, fn in ((torch, TF), (ag, F)):
        x = lib.tensor(data, requires_grad=True)
        out = run(fn, x)
        out.sum().backward()
        grads.append((np.asarray(out.detach()), np.asarray(x.grad)))
    np.testing.assert_array_equal(grads[1][0], grads[0][0])
    np.testing.assert_array_equal(grads[1][1], grads[0][1])


# ----- default_convert / default_collate of NumPy string arrays ---------------------------------------------------------

def test_default_convert_leaves_string_arrays_and_default_collate_refuses_them_as_pytorch():
    require_torch()
    from torch.utils.data import default_collate as torch_collate
    from torch.utils.data import default_convert as torch_convert
    from nn.data import default_collate, default_convert
    words = np.array(["a", "bc"])
    theirs, ours = torch_convert({"w": words, "v": np.array([1.5])}), default_convert({"w": words, "v": np.array([1.5])})
    assert isinstance(ours["w"], np.ndarray) and np.array_equal(ours["w"], theirs["w"])
    np.testing.assert_array_equal(ours["v"].numpy(), theirs["v"].numpy())
    with pytest.raises(TypeError):
        torch_collate([words, words])
    with pytest.raises(TypeError, match="default_collate: the examples are NumPy arrays of <U2"):
        default_collate([words, words])
