"""Regressions for the differences from PyTorch that round 18 found while writing its programs
(tests/test_pytorch_programs_round18.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
import nn.data as ours_data
from tests.helpers import require_torch


@pytest.mark.parametrize("weights,num_samples", [([1.0, 2.0], 3), ([1.0, -2.0, 3.0], 2), ([0.0, 0.0], 1)])
def test_weighted_random_sampler_refusals_are_runtime_errors_as_in_pytorch(weights, num_samples):
    """More draws than weights without replacement, a negative weight and an all-zero weight vector: PyTorch's
    torch.multinomial raises RuntimeError; deepgrad raised a bare ValueError, which `except RuntimeError` missed."""
    torch = require_torch()
    from torch.utils.data import WeightedRandomSampler
    with pytest.raises(RuntimeError):
        list(WeightedRandomSampler(weights, num_samples, replacement=False))
    with pytest.raises(RuntimeError, match="WeightedRandomSampler"):
        list(ours_data.WeightedRandomSampler(weights, num_samples, replacement=False))


@pytest.mark.parametrize("call", [
    "x.broadcast_to(2, 3)", "x.broadcast_to(size=(2, 3))", "lib.broadcast_to(x, size=(2, 3))", "x.broadcast_to([1, 2, 3])",
    "x.broadcast_to(lib.Size([2, 3]))", "lib.broadcast_to(x, (2, 3))",
])
def test_broadcast_to_takes_pytorchs_size_forms(call):
    """Tensor.broadcast_to takes the sizes as separate ints and both forms take size=, as in PyTorch; deepgrad's took
    one positional `shape` only (TypeError: takes 2 positional arguments but 3 were given)."""
    torch = require_torch()
    ours = eval(call, {"lib": ag, "x": ag.tensor([1.0, 2.0, 3.0])})
    theirs = eval(call, {"lib": torch, "x": torch.tensor([1.0, 2.0, 3.0])})
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


@pytest.mark.parametrize("call", ["lib.hsplit(lib.ones(2, 3), 2)", "lib.ones(2, 3).vsplit(3)", "lib.dsplit(lib.ones(2, 2, 3), 2)",
                                  "lib.vsplit(lib.ones(3), 1)", "lib.hsplit(lib.tensor(1.0), 1)"])
def test_hsplit_vsplit_dsplit_refusals_are_runtime_errors_as_in_pytorch(call):
    """A section count that does not divide the dim, or too few dims: RuntimeError in PyTorch; deepgrad raised a bare
    ValueError, which a ported `except RuntimeError` missed."""
    torch = require_torch()
    with pytest.raises(RuntimeError):
        eval(call, {"lib": torch})
    with pytest.raises(RuntimeError, match="split"):
        eval(call, {"lib": ag})


@pytest.mark.parametrize("call", [
    "lib.arange(end=4)", "lib.arange(1, end=6, step=2)", "lib.arange(start=1, end=5)", "lib.reshape(x, shape=(3, 2))",
    "x.reshape(shape=(3, 2))", "x.view(size=(6,))", "x.permute(dims=(1, 0))", "lib.permute(x, dims=(1, 0))",
    "x.expand(size=(2, 2, 3))", "x.repeat(repeats=(1, 2))", "x.split(split_size=2, dim=1)", "lib.matmul(input=x, other=x.T)",
    "x.matmul(other=x.T)",
])
def test_pytorchs_keyword_names_for_sizes_and_bounds(call):
    """PyTorch's keyword names (arange's end=, reshape's shape=, view's and expand's size=, permute's dims=, repeat's
    repeats=, Tensor.split's split_size=, matmul's input=/other=) work as in PyTorch; deepgrad raised TypeError:
    unexpected keyword argument."""
    torch = require_torch()
    ours = eval(call, {"lib": ag, "x": ag.arange(6.0).reshape(2, 3)})
    theirs = eval(call, {"lib": torch, "x": torch.arange(6.0).reshape(2, 3)})
    for mine, want in zip(ours if isinstance(ours, tuple) else [ours], theirs if isinstance(theirs, tuple) else [theirs]):
        np.testing.assert_array_equal(mine.numpy(), want.numpy())


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("call", [
    "F.cross_entropy(x, y, size_average=False)", "F.cross_entropy(x, y, None, None, 1, False)",
    "F.nll_loss(x.log_softmax(1), y, reduce=False)", "F.binary_cross_entropy(x.sigmoid(), p, size_average=False)",
    "F.binary_cross_entropy_with_logits(x, p, None, True, False)", "F.kl_div(x.log_softmax(1), p, size_average=False)",
    "F.margin_ranking_loss(x[:, 0], x[:, 1], s, 0.1, False)", "F.cosine_embedding_loss(x, p, s, reduce=False)",
    "F.triplet_margin_loss(x, p, p.flip(0), size_average=False)", "F.cross_entropy(x, y, ignore_index=1, reduction='sum')",
    "nn.CrossEntropyLoss(ignore_index=2, label_smoothing=0.1)(x, y)", "nn.KLDivLoss(reduction='batchmean', log_target=True)(x, x.flip(0))",
    "nn.TripletMarginLoss(0.5, swap=True)(x, p, p.flip(0))", "nn.BCEWithLogitsLoss(pos_weight=lib.ones(3) * 2)(x, p)",
])
def test_losses_take_pytorchs_deprecated_size_average_and_reduce(call):
    """F.cross_entropy, nll_loss, binary_cross_entropy(_with_logits), kl_div, margin_ranking_loss,
    cosine_embedding_loss and triplet_margin_loss take size_average / reduce where PyTorch's do (by keyword and in
    PyTorch's positional order), as the other losses already did; deepgrad raised TypeError (old code's
    F.binary_cross_entropy(recon, x, size_average=False)) or read the positions differently."""
    torch = require_torch()
    import torch.nn.functional as TF
    import nn
    import nn.functional as F
    rng = np.random.default_rng(0)
    x, p = rng.standard_normal((4, 3)), rng.uniform(0.1, 0.9, (4, 3))
    y, s = np.array([0, 2, 1, 2]), np.array([1.0, -1.0, 1.0, -1.0])
    def env(lib, functional, layers):
        return {"lib": lib, "F": functional, "nn": layers, "x": lib.tensor(x), "p": lib.tensor(p),
                "y": lib.tensor(y), "s": lib.tensor(s)}
    ours, theirs = eval(call, env(ag, F, nn)), eval(call, env(torch, TF, torch.nn))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("call", [
    "lib.pow(x, exponent=2)", "x.pow(exponent=3)", "lib.mul(x, other=2)", "x.div(other=4)", "lib.div(x, other=x + 1)",
    "lib.maximum(x, other=x.flip(0))", "x.minimum(other=x.T.reshape(2, 3))", "lib.eq(x, other=x.round())", "x.lt(other=2)",
    "lib.where(x > 2, input=x, other=0.0)", "x.where(condition=x > 1, other=x.neg())", "x.requires_grad_(requires_grad=True)",
    "x.numpy(force=True)", "lib.swapdims(x, dim0=0, dim1=1)", "x.swapdims(dim0=1, dim1=0)", "x.new_zeros(size=(2, 4))",
    "x.new_ones(size=[3])",
])
def test_pytorchs_keyword_names_for_operands(call):
    """Keyword spellings PyTorch accepts: input= / other= on mul, div, maximum, minimum, comparisons and where,
    exponent= on pow, requires_grad_(requires_grad=...), numpy(force=True), swapdims(dim0=, dim1=) and
    new_zeros(size=); deepgrad named these a / b, flag, axis0 / axis1 or took no keyword (TypeError)."""
    torch = require_torch()
    ours = eval(call, {"lib": ag, "x": ag.tensor([[0.5, 1.5, 2.5], [3.0, -1.0, 2.0]])})
    theirs = eval(call, {"lib": torch, "x": torch.tensor([[0.5, 1.5, 2.5], [3.0, -1.0, 2.0]])})
    np.testing.assert_array_equal(np.asarray(ours), theirs.detach().numpy() if hasattr(theirs, "detach") else theirs)


@pytest.mark.parametrize("call", [
    "F.silu(input=x)", "F.gelu(input=x, approximate='tanh')", "F.sigmoid(input=x)", "F.tanh(input=x)", "F.elu(input=x)",
    "F.hardtanh(input=x, min_val=-0.5)", "F.leaky_relu(input=x, negative_slope=0.2)", "F.softplus(input=x, beta=2)",
    "F.linear(input=x, weight=x.T @ x)", "lib.relu(input=x)", "lib.sigmoid(input=x)",
])
def test_activations_and_linear_take_input_by_keyword(call):
    """F.silu(input=x) and the other activations, F.linear(input=...) and torch.relu / torch.sigmoid take PyTorch's
    keyword `input`; deepgrad named it x (TypeError: unexpected keyword argument 'input')."""
    torch = require_torch()
    import torch.nn.functional as TF
    import nn.functional as F
    data = [[0.5, -1.5], [2.0, -0.25]]
    ours = eval(call, {"lib": ag, "F": F, "x": ag.tensor(data, dtype=ag.float64)})
    theirs = eval(call, {"lib": torch, "F": TF, "x": torch.tensor(data, dtype=torch.float64)})
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)


def test_dataloader_takes_pytorchs_newer_options_and_reads_them_back():
    """DataLoader(pin_memory_device=, in_order=) load as PyTorch's do and the options read back as attributes;
    multiprocessing_context without workers is refused as PyTorch refuses it. deepgrad raised TypeError for the
    three keywords and had no pin_memory / timeout attributes."""
    torch = require_torch()
    from torch.utils.data import DataLoader
    options = dict(batch_size=2, pin_memory=False, pin_memory_device="cpu", in_order=False, timeout=0)
    theirs, ours = DataLoader(range(5), **options), ours_data.DataLoader(range(5), **options)
    assert [b.tolist() for b in ours] == [b.tolist() for b in theirs]
    for name in ("pin_memory", "pin_memory_device", "in_order", "timeout", "persistent_workers", "prefetch_factor"):
        assert getattr(ours, name) == getattr(theirs, name), name
    with pytest.raises(ValueError):
        DataLoader(range(3), multiprocessing_context="spawn")
    with pytest.raises(ValueError, match="multiprocessing_context"):
        ours_data.DataLoader(range(3), multiprocessing_context="spawn")


def test_module_modules_takes_remove_duplicate():
    """Module.modules(remove_duplicate=False) lists a shared sub-module once per path, as PyTorch's; deepgrad's
    modules() took no argument (TypeError)."""
    torch = require_torch()
    import nn

    def counts(lib):
        shared = lib.Linear(2, 2)
        model = lib.Sequential(shared, lib.ReLU(), shared)
        return [type(m).__name__ for m in model.modules(remove_duplicate=False)], len(list(model.modules()))
    assert counts(nn) == counts(torch.nn)


def test_module_get_name_names_the_module_in_repr():
    """Module._get_name() gives the class name and repr() prints what it returns, so a subclass overriding it (as
    some libraries do) is printed under that name, as in PyTorch; deepgrad had no _get_name (AttributeError)."""
    torch = require_torch()
    import nn

    def printed(lib):
        class Renamed(lib.Linear):
            def _get_name(self):
                return "Dense"
        return lib.Linear(2, 3)._get_name(), repr(lib.Sequential(Renamed(2, 3), lib.ReLU()))
    assert printed(nn) == printed(torch.nn)


@pytest.mark.parametrize("min_lr", [0.001, [0.001]])
def test_reduce_lr_on_plateau_state_dict_lists_pytorchs_keys_in_pytorchs_order(min_lr):
    """ReduceLROnPlateau.state_dict() printed in another key order than PyTorch's (min_lrs first, factor fifth)."""
    torch = require_torch()
    import nn
    import nn.optim as optim

    def keys(lib, optimizers, layers):
        opt = optimizers.SGD([layers.Parameter(lib.ones(2))], lr=0.1)
        scheduler = optimizers.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=min_lr)
        scheduler.step(1.0)
        scheduler.step(2.0)
        return list(scheduler.state_dict().items())
    assert repr(keys(ag, optim, nn)) == repr(keys(torch, torch.optim, torch.nn))


def test_device_repr_is_pytorchs():
    """repr(t.device) is device(type='cpu'), as torch.device's, so a device printed inside a tuple or list reads as
    PyTorch prints it; deepgrad printed device('cpu')."""
    torch = require_torch()
    assert repr(ag.ones(2).device) == repr(torch.ones(2).device)
    assert str([ag.device("cpu")]) == str([torch.device("cpu")])
    assert str(ag.ones(1).device) == "cpu"
