"""PyTorch programs in the shape of its official tutorials (neural style transfer with L-BFGS, the spatial transformer
network, the character-level RNN name classifier with its nn.RNN and packed-sequence variants), run on deepgrad with
only their imports changed: they must print what PyTorch prints, number for number (float64 weights and data from
seeded NumPy generators). Below them, one focused regression test per deepgrad bug that writing them exposed."""
import numpy as np
import pytest

from tests.test_pytorch_programs import assert_same_printout, printed_by_both

#: the import lines these programs use beyond tests/test_pytorch_programs.py's, mapped the same way
TUTORIAL_IMPORTS = [("from torch.nn.utils.rnn import", "from nn.utils.rnn import")]

PROGRAM_NAMES = ["torch_style_transfer", "torch_stn_tutorial", "torch_name_classifier"]


@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    # PyTorch warns about the tutorial's torch.tensor(tensor) copies in Normalization
    ours, theirs = printed_by_both(program, capsys, TUTORIAL_IMPORTS, quiet=(UserWarning,))
    assert len(ours.splitlines()) >= 20
    # float64 throughout: the two libraries agree to rounding
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)


# --- regression tests for the bugs the programs exposed ---------------------------------------------------------

NAN_ROWS = [[2.0, np.nan, 1.0, np.inf, np.nan, -np.inf, 2.0], [np.nan, 0.5, -1.0, 3.0, 0.25, np.nan, -2.0]]


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
@pytest.mark.parametrize("stable", [False, True])
def test_sort_descending_puts_nan_first_as_pytorch(dtype, stable):
    # was: NaN last in a descending sort (sorted as -NaN), PyTorch puts it first: it counts as the largest value
    # (sort(descending=True) of [2, nan, 1, inf, nan, -inf, 2] gave values [inf, 2, 2, 1, -inf, nan, nan],
    # indices [3, 0, 6, 2, 5, 1, 4] for PyTorch's [nan, nan, inf, 2, 2, 1, -inf], [1, 4, 3, 0, 6, 2, 5])
    torch = pytest.importorskip("torch")
    import autograd as ag
    data = np.array(NAN_ROWS, dtype=dtype)
    for dim in (0, 1, -1):
        ours = ag.tensor(data).sort(dim=dim, descending=True, stable=stable)
        theirs = torch.tensor(data).sort(dim=dim, descending=True, stable=stable)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        np.testing.assert_array_equal(ag.argsort(ag.tensor(data), dim=dim, descending=True).numpy(),
                                      torch.argsort(torch.tensor(data), dim=dim, descending=True).numpy())


@pytest.mark.parametrize("largest", [True, False])
def test_topk_counts_nan_as_the_largest_value(largest):
    # was: topk(3) of [2, nan, 1, inf, nan, -inf, 2] gave [inf, 2, 2] for PyTorch's [nan, nan, inf] (a diverged
    # classifier's NaN scores were passed over); largest=False already left NaN out, as PyTorch does
    torch = pytest.importorskip("torch")
    import autograd as ag
    data = np.array(NAN_ROWS)
    for k, dim in ((3, 1), (1, 0), (2, -1)):
        x, xt = ag.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
        ours, theirs = x.topk(k, dim, largest), xt.topk(k, dim, largest)
        np.testing.assert_array_equal(ours.values.detach().numpy(), theirs.values.detach().numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        weights = np.arange(1.0, 1.0 + ours.values.numel()).reshape(tuple(ours.values.shape))
        (ours.values * ag.tensor(weights)).sum().backward()
        (theirs.values * torch.tensor(weights)).sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", ["float64", "float32", "float16"])
def test_adaptive_avg_pool2d_keeps_a_nan_or_inf_in_its_own_windows(bad, dtype):
    # was: windows of varying size went through products with averaging matrices, whose zeros carried one NaN or
    # inf pixel into every output (an inf at [0, 0] of a 5x6 image pooled to 3x4 gave [[inf, nan, nan, nan],
    # [nan, ...]] for PyTorch's [[inf, 4.5, 6.5, 7.5], [12.5, 13.5, 15.5, 16.5], ...]); now the windows are summed
    # row by row and divided by their height, then width, as PyTorch does, so finite outputs agree bit for bit
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn
    rng = np.random.default_rng(3)
    for shape, out in (((2, 3, 5, 6), (3, 4)), ((1, 2, 7, 4), (3, 3)), ((2, 1, 3, 10), (2, 4)), ((3, 4, 3), (5, 2))):
        x = rng.normal(size=shape).astype(dtype)
        x[..., 1, 2] = bad
        ours = nn.AdaptiveAvgPool2d(out)(ag.tensor(x)).numpy()
        theirs = torch.nn.AdaptiveAvgPool2d(out)(torch.tensor(x)).numpy()
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)
    line = np.arange(12.0).reshape(1, 1, 12)
    line[0, 0, 0] = bad
    np.testing.assert_array_equal(nn.functional.adaptive_avg_pool1d(ag.tensor(line), 5).numpy(),
                                  torch.nn.functional.adaptive_avg_pool1d(torch.tensor(line), 5).numpy())


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_adaptive_avg_pool3d_keeps_a_nan_or_inf_in_its_own_windows(bad):
    # was: the same averaging-matrix products per axis; one inf in a 3x4x5 volume pooled to 2x3x3 made 17 of its
    # 18 outputs NaN, where PyTorch has inf in the one window that holds it
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    x = np.random.default_rng(4).normal(size=(2, 2, 3, 4, 5))
    x[0, 1, 0, 2, 1] = bad
    xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ours, theirs = F.adaptive_avg_pool3d(xa, (2, 3, 3)), torch.nn.functional.adaptive_avg_pool3d(xt, (2, 3, 3))
    np.testing.assert_array_equal(np.isfinite(ours.detach().numpy()), np.isfinite(theirs.detach().numpy()))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-14)
    weights = np.random.default_rng(5).uniform(0.5, 1.5, size=tuple(theirs.shape))   # one sign: no inf - inf
    (ours * ag.tensor(weights)).sum().backward()
    (theirs * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-14)


def test_adaptive_avg_pool_gradients_pass_gradcheck():
    import autograd as ag
    import nn.functional as F
    rng = np.random.default_rng(6)
    x2 = ag.tensor(rng.normal(size=(2, 2, 5, 7)), requires_grad=True)
    x3 = ag.tensor(rng.normal(size=(1, 2, 4, 5, 3)), requires_grad=True)
    assert ag.autograd.gradcheck(lambda t: F.adaptive_avg_pool2d(t, (3, 4)), (x2,))
    assert ag.autograd.gradcheck(lambda t: F.adaptive_avg_pool3d(t, (3, 2, 2)), (x3,))


def test_set_default_device_none_drops_the_default_as_pytorch():
    # was: DeviceError "a device is named by a string such as 'cpu' ...; got None" for PyTorch's way of undoing
    # torch.set_default_device(device) (the style-transfer tutorial sets one)
    import autograd as ag
    ag.set_default_device("numba")
    try:
        assert ag.zeros(2).device == ag.device("numba")
    finally:
        ag.set_default_device(None)
    from backends import registry
    at_import = ag.device(registry._import_default_name)    # cpu unless DEEPGRAD_DEVICE named another
    assert ag.get_default_device() == at_import and ag.zeros(2).device == at_import


@pytest.mark.parametrize("k", [2.0, True])
def test_topk_refuses_a_float_or_bool_k_as_pytorch(k):
    # was: topk(2.0) failed deep inside with NumPy's "slice indices must be integers" (as a ShapeError), and
    # topk(True) returned one value; PyTorch raises TypeError for both
    torch = pytest.importorskip("torch")
    import autograd as ag
    with pytest.raises(TypeError):
        torch.arange(5.0).topk(k)
    with pytest.raises(TypeError, match="topk.*k must be an int"):
        ag.arange(5.0).topk(k)
    assert ag.arange(5.0).topk(np.int64(2)).values.tolist() == torch.arange(5.0).topk(np.int64(2)).values.tolist()
    assert ag.arange(5.0).topk(ag.tensor(2)).values.tolist() == [4.0, 3.0]


@pytest.mark.parametrize("case", [((1, 1), (1, 2), (1, 3), (0, 1), (2, 2), True),
                                  ((1, 5), (2, 3), (2, 2), (1, 0), (2, 1), False),
                                  ((4, 5), (2, 3), (2, 2), (1, 0), (2, 1), False)])
def test_max_pool2d_window_wholly_in_padding_has_no_gradient(case):
    # was: ValueError "cannot reshape array of size 5 into shape (2,2,1,1)" from inside the NumPy kernel, since
    # such a window's index (PyTorch's, which we print) lies past the input; PyTorch's own backward writes out of
    # bounds there (glibc aborts with "malloc_consolidate(): invalid chunk size"), so only its forward is compared
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    hw, kernel, stride, padding, dilation, ceil = case
    x = np.random.default_rng(7).normal(size=(2, 2) + hw)
    xa = ag.tensor(x, requires_grad=True)
    ours, index = F.max_pool2d(xa, kernel, stride, padding, dilation, ceil_mode=ceil, return_indices=True)
    theirs, their_index = torch.nn.functional.max_pool2d(torch.tensor(x), kernel, stride, padding, dilation,
                                                         ceil_mode=ceil, return_indices=True)
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.numpy())
    np.testing.assert_array_equal(index.numpy(), their_index.numpy())
    gy = np.random.default_rng(8).normal(size=tuple(theirs.shape))
    ours.backward(ag.tensor(gy))
    expected = np.zeros((4, hw[0] * hw[1]))
    real = np.isfinite(theirs.numpy()).reshape(4, -1)
    for plane in range(4):
        np.add.at(expected[plane], their_index.numpy().reshape(4, -1)[plane][real[plane]],
                  gy.reshape(4, -1)[plane][real[plane]])
    np.testing.assert_array_equal(xa.grad.numpy(), expected.reshape(x.shape))


@pytest.mark.filterwarnings("ignore::UserWarning")   # PyTorch's note on nested tensors in TransformerEncoder
def test_print_of_a_model_with_multihead_attention_is_pytorchs():
    # was: MultiheadAttention printed an extra line "embed_dim=8, num_heads=2, dropout=0.0, batch_first=False" and
    # its out_proj as Linear(...), where PyTorch prints no arguments and NonDynamicallyQuantizableLinear(...)
    torch = pytest.importorskip("torch")
    import nn
    for build in (lambda m: m.MultiheadAttention(8, 2), lambda m: m.TransformerEncoderLayer(8, 2, 16),
                  lambda m: m.Transformer(8, 2, 1, 1, 16)):
        assert repr(build(nn)) == repr(build(torch.nn))
    assert isinstance(nn.MultiheadAttention(8, 2).out_proj, nn.Linear)


@pytest.mark.parametrize("p", [float("-inf"), -1, -1.5, 0])
def test_tensor_norm_and_clip_grad_norm_take_negative_orders_as_pytorch(p):
    # was: ValueError "norm: p (NumPy's ord) = -inf is not supported" from t.norm(p) and from
    # clip_grad_norm_(params, 1.0, norm_type=-inf); PyTorch gives -inf: the smallest magnitude (1.0 for
    # gradients [1, 2] and [[3]]), and (sum |x|^p)^(1/p) for other negative p
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn
    x = np.random.default_rng(9).normal(size=(3, 4))
    for dim in (None, 1):
        xa, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        ours, theirs = xa.norm(p, dim), xt.norm(p, dim)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-13)
        if p != 0:
            ours.sum().backward()
            theirs.sum().backward()
            np.testing.assert_allclose(xa.grad.numpy(), xt.grad.numpy(), rtol=1e-12)
    grads = []
    for lib, clip in ((ag, nn.utils.clip_grad_norm_), (torch, torch.nn.utils.clip_grad_norm_)):
        a, b = lib.zeros(2, requires_grad=True), lib.zeros(1, 1, requires_grad=True)
        a.grad, b.grad = lib.tensor([1.0, 2.0]), lib.tensor([[3.0]])
        total = float(clip([a, b], 1.0, norm_type=p))
        grads.append([total] + a.grad.tolist() + b.grad.flatten().tolist())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12)
