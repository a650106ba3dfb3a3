"""Reliability of every layer and loss: empty batches (N = 0) forward and backward as PyTorch, one rule for
NumPy arrays and lists (refused, with the fix), one rule for dtypes (a layer with parameters takes only
inputs of their dtype; the others compute in the input's dtype), each checked against PyTorch."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd as ag
import nn

from .layer_table import (LAYERS, LOSSES, PARAMETRIZED, as_tensors, example_inputs, loss_arrays, outputs,
                          torch_twin)

#: what a clear refusal may be (never AttributeError, ZeroDivisionError, a NumPy reshape error...)
CLEAR = (ValueError, TypeError, IndexError, RuntimeError)


#: layers where PyTorch goes wrong on an empty batch: an affine instance norm fails with an internal
#: indexing error, pixel_unshuffle returns its input unchanged. Ours return the empty result that the
#: layer gives any other batch size (checked against our own output for one example)
TORCH_WRONG_ON_EMPTY = {"InstanceNorm1d", "PixelUnshuffle"}


def _torch_run(theirs, arrays, torch, backward=True):
    """PyTorch's outputs and input tensors; `backward` also runs backward unless PyTorch itself fails there
    (pixel_shuffle's backward of an empty batch does), leaving .grad None."""
    ts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    outs = [o for o in outputs(theirs(*ts))]
    total = sum(o.sum() for o in outs if o.dtype.is_floating_point)
    if backward and isinstance(total, torch.Tensor) and total.requires_grad:
        try:
            total.backward()
        except RuntimeError:
            for t in ts + list(theirs.parameters()):
                t.grad = None
    return outs, ts


@pytest.mark.parametrize("training", [False, True], ids=["eval", "train"])
@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_on_an_empty_batch(device, name, training):
    """N = 0: the output and the gradients are empty with PyTorch's shapes; where PyTorch refuses, a clear error."""
    torch = pytest.importorskip("torch")
    ours = LAYERS[name][0]().to(device).train(training)
    theirs = torch_twin(name, ours).train(training)
    arrays = example_inputs(name, 0)
    if name in TORCH_WRONG_ON_EMPTY:
        one = ours(*as_tensors(example_inputs(name, 1), device))
        x = as_tensors(arrays, device)[0]
        y = ours(x)
        assert y.shape == (0,) + one.shape[1:]
        y.sum().backward()
        assert x.grad.shape == x.shape
        return
    try:
        their_outs, their_inputs = _torch_run(theirs, arrays, torch)
    except CLEAR as exc:
        with pytest.raises(CLEAR) as info:
            ours(*as_tensors(arrays, device))
        assert str(info.value), f"PyTorch refuses ({exc}); ours refuses without a message"
        return
    inputs = as_tensors(arrays, device)
    outs = outputs(ours(*inputs))
    assert [tuple(o.shape) for o in outs] == [tuple(o.shape) for o in their_outs]
    assert [o.dtype.name for o in outs] == [str(o.dtype).replace("torch.", "") for o in their_outs]
    total = sum((o.sum() for o in outs if o.requires_grad), ag.zeros((), device=device))
    if total.requires_grad:
        total.backward()
    for x, tx in zip(inputs, their_inputs):
        if tx.grad is not None:
            assert x.grad is not None and x.grad.shape == tuple(tx.grad.shape)
    for (pname, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
        if tp.grad is not None:
            assert p.grad is not None, pname
            np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-6, err_msg=pname)


@pytest.mark.parametrize("mode", ["lstm", "gru", "rnn"])
def test_recurrent_layer_on_time_major_empty_batch(device, mode):
    """(T, 0, F) input: empty outputs and states (T, 0, H) and (1, 0, H), as PyTorch."""
    layer = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[mode](3, 4).to(device)
    x = ag.zeros(5, 0, 3, device=device, requires_grad=True)
    out, state = layer(x)
    h = state[0] if mode == "lstm" else state
    assert out.shape == (5, 0, 4) and h.shape == (1, 0, 4)
    out.sum().backward()
    assert x.grad.shape == (5, 0, 3)


def test_max_pool_backward_on_empty_batch(device):
    x = ag.zeros(0, 2, 4, 4, device=device, requires_grad=True)
    y = nn.functional.max_pool2d(x, 2)
    assert y.shape == (0, 2, 2, 2)
    y.sum().backward()
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_on_an_empty_batch(device, name, reduction):
    """N = 0: 'none' gives an empty loss, 'sum' 0 and 'mean' NaN (as PyTorch), with empty gradients."""
    torch = pytest.importorskip("torch")
    ours_cls, torch_name, _, _ = LOSSES[name]
    x, target = loss_arrays(name, 0)
    tx = torch.tensor(x, requires_grad=True)
    expected = getattr(torch.nn, torch_name)(reduction=reduction)(tx, torch.tensor(target))
    xs = ag.tensor(x, device=device, requires_grad=True)
    loss = ours_cls(reduction=reduction)(xs, ag.tensor(target, device=device))
    assert loss.shape == tuple(expected.shape) and loss.dtype.name == "float32"
    np.testing.assert_allclose(loss.numpy(), expected.detach().numpy())
    loss.sum().backward()
    assert xs.grad.shape == x.shape


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_refuses_numpy_arrays_and_lists(device, name):
    """As PyTorch's layers: a NumPy array or a list is refused with a message that says how to make a tensor."""
    if name == "Identity":
        pytest.skip("Identity returns whatever it is given, as PyTorch's")
    layer = LAYERS[name][0]().to(device)
    arrays = example_inputs(name, 2)
    with pytest.raises(TypeError, match=r"must be a Tensor, got numpy\.ndarray.*ag\.tensor.*ag\.from_numpy"):
        layer(*arrays)
    with pytest.raises(TypeError, match=r"must be a Tensor, got list.*ag\.tensor"):
        layer(*[a.tolist() for a in arrays])


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_loss_refuses_lists(device, name):
    x, target = loss_arrays(name, 2)
    loss = LOSSES[name][0]()
    with pytest.raises(TypeError, match=r"input must be a Tensor, got list.*ag\.tensor"):
        loss(x.tolist(), ag.tensor(target, device=device))
    with pytest.raises(TypeError, match=r"target must be a Tensor, got numpy\.ndarray.*ag\.tensor"):
        loss(ag.tensor(x, device=device), target)


#: the layers that, as PyTorch's, take float16 input with float32 parameters
HALF_INPUT_NORMS = ("BatchNorm1d", "BatchNorm2d", "GroupNorm", "LayerNorm", "InstanceNorm1d")


@pytest.mark.parametrize("dtype", [np.float64, np.float16])
@pytest.mark.parametrize("name", sorted(n for n in LAYERS if LAYERS[n][3] == "float"))
def test_layer_dtype_rule_matches_torch(device, name, dtype):
    """A float32 layer given float64 (or float16) input: layers with parameters refuse it with a TypeError
    naming both dtypes (PyTorch refuses too), except the norms, which take float16 input with float32
    parameters, compute in float32 and return float16 (as PyTorch's, which ag.autocast relies on); layers
    without parameters compute in the input's dtype (as PyTorch)."""
    torch = pytest.importorskip("torch")
    layer = LAYERS[name][0]().to(device).eval()
    arrays = example_inputs(name, 2, dtype=dtype)
    if name in HALF_INPUT_NORMS and dtype is np.float16:
        outs = outputs(layer(*as_tensors(arrays, device)))
        their_outs, _ = _torch_run(torch_twin(name, layer).eval(), arrays, torch, backward=False)
        assert [o.dtype for o in outs] == [np.float16] * len(their_outs)
        for ours, theirs in zip(outs, their_outs):
            np.testing.assert_allclose(ours.numpy().astype(np.float32), theirs.detach().float().numpy(), rtol=2e-3, atol=2e-3)
        return
    if name in PARAMETRIZED:
        with pytest.raises(TypeError, match=rf"input is {np.dtype(dtype).name} but \w+ is float32"):
            layer(*as_tensors(arrays, device))
        if dtype is np.float64:
            with pytest.raises((RuntimeError, ValueError)):
                _torch_run(torch_twin(name, layer).eval(), arrays, torch)
        return
    outs = outputs(layer(*as_tensors(arrays, device)))
    if dtype is np.float64:   # PyTorch's CPU kernels lack some float16 ops; float64 it always runs
        their_outs, _ = _torch_run(torch_twin(name, layer).eval(), arrays, torch)
        assert [o.dtype.name for o in outs] == [str(o.dtype).replace("torch.", "") for o in their_outs]
    assert all(o.dtype == dtype for o in outs)


@pytest.mark.parametrize("name", PARAMETRIZED)
def test_layer_runs_in_float64_after_to(device, name):
    """layer.to(ag.float64) takes float64 input, and gives float64 outputs and gradients."""
    layer = LAYERS[name][0]().to(device).to(ag.float64).eval()
    inputs = as_tensors(example_inputs(name, 2, dtype=np.float64), device)
    outs = outputs(layer(*inputs))
    assert all(o.dtype == np.float64 for o in outs)
    sum(o.sum() for o in outs).backward()
    assert all(p.grad.dtype == np.float64 for p in layer.parameters())


@settings(derandomize=True, deadline=None, max_examples=30)
@given(name=st.sampled_from(sorted(LAYERS)), batch=st.integers(0, 3), seed=st.integers(0, 100))
def test_layers_at_any_batch_size_keep_batch_and_dtype(name, batch, seed):
    """Property: for any batch size (0 included), a layer's output has that batch size first and the
    float32 dtype of its input, and backward gives every input a gradient of its shape."""
    layer = LAYERS[name][0]().eval()
    inputs = as_tensors(example_inputs(name, batch, seed=seed), ag.get_default_device())
    outs = outputs(layer(*inputs))
    assert outs[0].shape[0] == batch and outs[0].dtype == np.float32
    total = sum((o.sum() for o in outs if o.requires_grad), ag.zeros(()))
    if total.requires_grad:
        total.backward()
        assert all(x.grad is not None and x.grad.shape == x.shape for x in inputs if x.requires_grad)
