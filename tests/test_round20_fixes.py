"""Regressions for the differences from PyTorch that round 20 found while writing its programs
(tests/test_pytorch_programs_round20.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


def test_cumulative_trapezoid_over_sample_points_ends_in_divbackward1():
    """cumulative_trapezoid(y, x) divides the running sum by 2 last, so PyTorch prints grad_fn=<DivBackward1>;
    deepgrad's last node printed as DivBackward0."""
    torch = require_torch()
    for lib in (torch, ag):
        y = lib.ones(2, 5, dtype=lib.float64, requires_grad=True)
        x = lib.arange(5.0, dtype=lib.float64)
        assert lib.cumulative_trapezoid(y, x).grad_fn.name() == "DivBackward1"
        assert lib.cumulative_trapezoid(y, dx=2.0).grad_fn.name() == "CumsumBackward0"


def test_load_state_dict_error_carries_pytorchs_lines():
    """Code that catches load_state_dict's RuntimeError searches its text ("size mismatch for fc2.weight",
    "Unexpected key(s)"); deepgrad's message had its own wording ("mis-shaped keys: ...", "unexpected keys: ...")."""
    torch = require_torch()
    import nn
    for lib, mod in ((torch, torch.nn), (ag, nn)):
        wide, narrow = mod.Sequential(mod.Linear(4, 3), mod.Linear(3, 5)), mod.Sequential(mod.Linear(4, 3))
        with pytest.raises(RuntimeError) as shape:
            mod.Sequential(mod.Linear(4, 3), mod.Linear(3, 2)).load_state_dict(wide.state_dict(), strict=False)
        assert str(shape.value).startswith("Error(s) in loading state_dict for Sequential:\n\tsize mismatch for "
                                           "1.weight: copying a param with shape ")
        assert "from checkpoint, the shape in current model is " in str(shape.value)
        with pytest.raises(RuntimeError) as keys:
            narrow.load_state_dict(wide.state_dict())
        assert 'Unexpected key(s) in state_dict: "1.weight", "1.bias".' in str(keys.value)
        with pytest.raises(RuntimeError) as keys:
            wide.load_state_dict(narrow.state_dict())
        assert '\n\tMissing key(s) in state_dict: "1.weight", "1.bias".' in str(keys.value)


def _channels_last_outputs(lib, fn):
    """The strides of the CPU ops that keep a channels-last layout, for a channels-last input and weight."""
    rng = np.random.default_rng(0)
    cl = lib.channels_last
    x = lib.tensor(rng.normal(size=(2, 3, 8, 8)).astype(np.float32)).contiguous(memory_format=cl)
    w = lib.tensor(rng.normal(size=(4, 3, 3, 3)).astype(np.float32))
    outs = [fn.conv2d(x, w, padding=1), fn.conv2d(x.contiguous(), w.contiguous(memory_format=cl), stride=2),
            fn.conv_transpose2d(x, w.transpose(0, 1)), fn.batch_norm(x, None, None, training=True),
            fn.batch_norm(x, lib.zeros(3), lib.ones(3)), fn.max_pool2d(x, 2),
            fn.max_pool2d(x, 3, 2, 1, return_indices=True)[1], fn.avg_pool2d(x, 2), fn.adaptive_avg_pool2d(x, 1),
            fn.adaptive_avg_pool2d(x, 3), fn.adaptive_max_pool2d(x, 3),
            fn.interpolate(x, scale_factor=2), fn.interpolate(x, size=(5, 7), mode="bilinear")]
    return [tuple(t.stride()) for t in outs]


def test_convolution_normalisation_and_pooling_keep_a_channels_last_layout():
    """The performance guide's channels_last model: PyTorch's CPU conv (input or weight channels-last), batch norm,
    pooling and resampling answer in channels-last; deepgrad answered row-major, so is_contiguous(memory_format=
    channels_last) was False and a dropout mask drawn after them (in memory order) fell elsewhere."""
    torch = require_torch()
    import nn.functional as F
    assert _channels_last_outputs(ag, F) == _channels_last_outputs(torch, torch.nn.functional)
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 3, 5, 5)).astype(np.float32), rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    masks = []
    for lib, fn in ((torch, torch.nn.functional), (ag, F)):
        lib.manual_seed(0)
        masks.append(fn.dropout(fn.conv2d(lib.tensor(x).contiguous(memory_format=lib.channels_last), lib.tensor(w)),
                                0.5).numpy() == 0)
    np.testing.assert_array_equal(masks[0], masks[1])


def test_a_channels_last_parameter_gets_a_channels_last_gradient():
    """AccumulateGrad's layout contract: .grad of a dense leaf takes the leaf's strides, also after a second
    backward adds to it; deepgrad's gradient of a channels-last conv weight came back row-major."""
    torch = require_torch()
    import nn
    strides = []
    for lib, mod in ((torch, torch.nn), (ag, nn)):
        conv = mod.Conv2d(3, 4, 3).to(memory_format=lib.channels_last)
        x = lib.ones(2, 3, 6, 6)
        conv(x).sum().backward()
        first = conv.weight.grad.stride()
        conv(x).sum().backward()
        strides.append((first, conv.weight.grad.stride(), conv.bias.grad.stride()))
    assert strides[0] == strides[1] == ((27, 1, 9, 3), (27, 1, 9, 3), (1,))


def test_unique_keeps_every_nan_as_pytorch():
    """nan != nan, so PyTorch's sorted unique lists each nan (with its own inverse index and a count of 1);
    NumPy's unique merged them into one."""
    torch = require_torch()
    data = [2.0, float("nan"), 1.0, float("nan"), 2.0]
    results = []
    for lib in (torch, ag):
        values, inverse, counts = lib.unique(lib.tensor(data), return_inverse=True, return_counts=True)
        results.append((values.numpy().tolist(), inverse.tolist(), counts.tolist()))
    assert str(results[0]) == str(results[1])
    assert len(results[1][0]) == 4


def test_block_diag_of_nothing_is_an_empty_row():
    """torch.block_diag() with no tensors returns an empty (1, 0) matrix of the default dtype; deepgrad refused."""
    torch = require_torch()
    theirs, ours = torch.block_diag(), ag.block_diag()
    assert tuple(ours.shape) == tuple(theirs.shape) == (1, 0)
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_bincount_of_an_empty_input_counts_in_int64_even_with_weights():
    """PyTorch answers an empty input with int64 zeros of length minlength, weights or not; deepgrad gave the
    weights' float dtype."""
    torch = require_torch()
    for lib in (torch, ag):
        out = lib.bincount(lib.tensor([], dtype=lib.int64), weights=lib.tensor([], dtype=lib.float64), minlength=3)
        assert str(out.dtype).replace("torch.", "") == "int64" and out.tolist() == [0, 0, 0]


def test_every_hook_handle_has_an_id_and_removes_its_hook_as_a_context_manager():
    """PyTorch's RemovableHandle has an int .id and is a context manager (`with module.register_..._hook(fn):`);
    deepgrad's state-dict, tensor and optimizer hook handles had neither."""
    torch = require_torch()
    import nn
    for lib, mod in ((torch, torch.nn), (ag, nn)):
        model = mod.Linear(2, 2)
        calls = []
        with model.register_state_dict_pre_hook(lambda *args: calls.append("pre")) as handle:
            model.state_dict()
        model.state_dict()
        weight = lib.ones(2, requires_grad=True)
        with weight.register_hook(lambda g: g * 2):
            (weight * 3).sum().backward()
        (weight * 3).sum().backward()
        assert isinstance(handle.id, int) and calls == ["pre"] and weight.grad.tolist() == [9.0, 9.0]


def test_a_meta_tensor_has_no_data_address():
    """PyTorch's data_ptr() of a meta tensor is 0 (no memory behind it), as code that tells materialised tensors
    from meta ones may check; deepgrad answered the address of its placeholder array."""
    torch = require_torch()
    for lib in (torch, ag):
        assert lib.ones(2, 3, device="meta").data_ptr() == 0
        assert lib.ones(2, 3).data_ptr() != 0


def test_pixel_and_channel_shuffle_keep_a_channels_last_layout():
    """PyTorch's CPU pixel_shuffle and channel_shuffle answer a channels-last input in channels-last (an ESPCN or
    ShuffleNet head after a channels_last conv); deepgrad's reshapes gave row-major results."""
    torch = require_torch()
    import nn.functional as F
    strides = []
    for lib, fn in ((torch, torch.nn.functional), (ag, F)):
        x = lib.tensor(np.arange(256.0, dtype=np.float32).reshape(2, 8, 4, 4))
        x = x.contiguous(memory_format=lib.channels_last)
        strides.append([tuple(fn.pixel_shuffle(x, 2).stride()), tuple(fn.channel_shuffle(x, 2).stride()),
                        tuple(fn.pixel_shuffle(x.contiguous(), 2).stride())])
    assert strides[0] == strides[1]
