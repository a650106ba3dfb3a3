"""PyTorch vision programs (a DCGAN, a tiny U-Net for segmentation, a spatial transformer) run on deepgrad with only
their imports changed: they must print what PyTorch prints, number for number (float64 weights and data from
seeded NumPy generators). Below them, one focused regression test per deepgrad bug the programs exposed."""
import numpy as np
import pytest

from tests.test_pytorch_programs import assert_same_printout, printed_by_both

PROGRAM_NAMES = ["torch_dcgan", "torch_unet_segmentation", "torch_spatial_transformer"]


@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys)
    assert len(ours.splitlines()) >= 10
    # float64 throughout: the two libraries agree to rounding
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)


# --- regression tests for the bugs the programs exposed ---------------------------------------------------------

LINSPACE_CASES = [(-1, 1, n) for n in (6, 7, 14, 100)] + [(0.5, 9.7, 5), (-7.9, 3.2, 6), (-3.5, 7.25, 33), (2, -5.3, 11)]


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "int64", "int32"])
@pytest.mark.parametrize("start,end,steps", LINSPACE_CASES)
def test_linspace_gives_pytorchs_values_bit_for_bit(dtype, start, end, steps):
    # was: NumPy's linspace, 1 ulp off PyTorch's (which steps up from start and down from end, each a fused
    # multiply-add) and truncating integer dtypes from the float ends ([0, 2, 5, 7, 9] for PyTorch's [0, 2, 4, 6, 9])
    torch = pytest.importorskip("torch")
    import autograd as ag
    ours = ag.linspace(start, end, steps, dtype=getattr(ag, dtype)).numpy()
    theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_linspace_takes_pytorchs_argument_names():
    # was: TypeError for end= and steps=
    torch = pytest.importorskip("torch")
    import autograd as ag
    np.testing.assert_array_equal(ag.linspace(-2, end=3, steps=7).numpy(), torch.linspace(-2, end=3, steps=7).numpy())
    np.testing.assert_array_equal(ag.linspace(3, 1, 1).numpy(), torch.linspace(3, 1, 1).numpy())
    assert ag.linspace(0, 1, 0).shape == (0,)
    with pytest.raises(ValueError, match="non-negative"):
        ag.linspace(0, 1, -1)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_affine_grid_is_pytorchs_grid_bit_for_bit(dtype, align_corners):
    # was: a base grid from NumPy's linspace in float64, a few points 1 ulp off PyTorch's
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    theta = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]] * 2, dtype=dtype)
    for size in [(2, 1, 14, 14), (2, 3, 7, 9), (2, 1, 6, 5)]:
        ours = F.affine_grid(ag.tensor(theta), size, align_corners=align_corners).numpy()
        theirs = torch.nn.functional.affine_grid(torch.tensor(theta), size, align_corners=align_corners).numpy()
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("size", [(2, 1, 14, 14), (2, 2, 7, 9)])
def test_grid_sample_gradient_at_the_identity_transform_matches_pytorch(padding_mode, size):
    # The STN tutorial starts theta at the identity, where every grid point sits on a pixel centre and bilinear
    # sampling's gradient jumps from one side's difference to the other's. Was: theta's gradient off by O(1) (the
    # grid 1 ulp off, and the pixel coordinate rounded twice where PyTorch's 2-D kernel fuses the multiply-add).
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    rng = np.random.default_rng(0)
    image = rng.normal(size=size)
    weights = rng.normal(size=size)
    theta = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]] * size[0])
    grads = []
    for lib, functional in ((ag, F), (torch, torch.nn.functional)):
        t = lib.tensor(theta, requires_grad=True)
        grid = functional.affine_grid(t, size, align_corners=False)
        out = functional.grid_sample(lib.tensor(image), grid, padding_mode=padding_mode, align_corners=False)
        (out * lib.tensor(weights)).sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name,kwargs", [("BCELoss", {}), ("BCEWithLogitsLoss", {}), ("MSELoss", {"reduction": "sum"}),
                                         ("CrossEntropyLoss", {"label_smoothing": 0.1}), ("NLLLoss", {}),
                                         ("HuberLoss", {"delta": 2.0}), ("TripletMarginWithDistanceLoss", {})])
def test_loss_modules_print_as_pytorchs(name, kwargs):
    # was: every loss printed its reduction, BCELoss(reduction='mean') for PyTorch's BCELoss()
    torch = pytest.importorskip("torch")
    import nn
    assert repr(getattr(nn, name)(**kwargs)) == repr(getattr(torch.nn, name)(**kwargs))



@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sample_bicubic_matches_pytorch(padding_mode, align_corners):
    # was: ValueError "bicubic is not supported"
    torch = pytest.importorskip("torch")
    import autograd as ag
    import nn.functional as F
    rng = np.random.default_rng(3)
    image, grid = rng.normal(size=(2, 3, 5, 6)), rng.uniform(-1.4, 1.4, size=(2, 4, 5, 2))
    weights = rng.normal(size=(2, 3, 4, 5))
    results = []
    for lib, functional in ((ag, F), (torch, torch.nn.functional)):
        x, g = lib.tensor(image, requires_grad=True), lib.tensor(grid, requires_grad=True)
        out = functional.grid_sample(x, g, mode="bicubic", padding_mode=padding_mode, align_corners=align_corners)
        (out * lib.tensor(weights)).sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy(), g.grad.numpy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_histogram_bin_edges_are_pytorchs_bit_for_bit(dtype):
    # was: edges from a linspace without PyTorch's fused multiply-add, 1 ulp off in most calls
    torch = pytest.importorskip("torch")
    import autograd as ag
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = (rng.normal(size=50) * rng.uniform(0.1, 100)).astype(dtype)
        bins = int(rng.integers(3, 40))
        ours, theirs = ag.histogram(ag.tensor(x), bins=bins), torch.histogram(torch.tensor(x), bins=bins)
        np.testing.assert_array_equal(ours[1].numpy(), theirs.bin_edges.numpy())
        np.testing.assert_array_equal(ours[0].numpy(), theirs.hist.numpy())
