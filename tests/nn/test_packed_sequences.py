"""nn.utils.rnn (pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence, PackedSequence) and the
recurrent layers on packed batches, against torch: packed data, padded outputs, h_n/c_n and every gradient."""
import itertools

import numpy as np
import pytest

import autograd as ag
import nn
from nn.utils import rnn
from tests.helpers import torch

trnn = torch.nn.utils.rnn


def _seqs(lengths, feature=3, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((n, feature)) for n in lengths]


@pytest.mark.parametrize("batch_first,padding_side,padding_value",
                         [(False, "right", 0.0), (True, "right", -1.5), (False, "left", 2.0), (True, "left", 0.0)])
def test_pad_sequence_matches_torch_with_gradients(batch_first, padding_side, padding_value):
    arrays = _seqs([3, 5, 1, 4])
    ours = [ag.tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = rnn.pad_sequence(ours, batch_first=batch_first, padding_value=padding_value, padding_side=padding_side)
    tout = trnn.pad_sequence(theirs, batch_first=batch_first, padding_value=padding_value, padding_side=padding_side)
    np.testing.assert_array_equal(out.numpy(), tout.detach().numpy())
    weight = np.random.default_rng(1).standard_normal(tout.shape)
    (out * ag.tensor(weight)).sum().backward()
    (tout * torch.tensor(weight)).sum().backward()
    for p, tp in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), atol=1e-12)


@pytest.mark.parametrize("lengths,enforce_sorted", [([5, 4, 4, 2, 1], True), ([3, 5, 1, 5, 2], False),
                                                    ([1, 1], True), ([2, 6], False), ([4], True)])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("as_tensor", [False, True])
def test_pack_and_pad_round_trip_match_torch(lengths, enforce_sorted, batch_first, as_tensor):
    padded = trnn.pad_sequence([torch.tensor(a) for a in _seqs(lengths)], batch_first=batch_first).numpy()
    x, tx = ag.tensor(padded, requires_grad=True), torch.tensor(padded, requires_grad=True)
    lens = ag.tensor(np.array(lengths)) if as_tensor else lengths
    packed = rnn.pack_padded_sequence(x, lens, batch_first=batch_first, enforce_sorted=enforce_sorted)
    tpacked = trnn.pack_padded_sequence(tx, torch.tensor(lengths), batch_first=batch_first,
                                        enforce_sorted=enforce_sorted)
    assert isinstance(packed, tuple) and len(packed) == 4
    data, batch_sizes, sorted_indices, unsorted_indices = packed
    np.testing.assert_array_equal(batch_sizes.numpy(), tpacked.batch_sizes.numpy())
    assert batch_sizes.dtype == np.int64
    if enforce_sorted:
        assert sorted_indices is None and unsorted_indices is None
    else:
        np.testing.assert_array_equal(sorted_indices.numpy(), tpacked.sorted_indices.numpy())
        np.testing.assert_array_equal(unsorted_indices.numpy(), tpacked.unsorted_indices.numpy())
    np.testing.assert_array_equal(data.numpy(), tpacked.data.detach().numpy())
    total = max(lengths) + 2
    out, out_lengths = rnn.pad_packed_sequence(packed, batch_first=batch_first, padding_value=-7.0,
                                               total_length=total)
    tout, tlengths = trnn.pad_packed_sequence(tpacked, batch_first=batch_first, padding_value=-7.0,
                                              total_length=total)
    np.testing.assert_array_equal(out.numpy(), tout.detach().numpy())
    np.testing.assert_array_equal(out_lengths.numpy(), tlengths.numpy())
    weight = np.random.default_rng(2).standard_normal(tout.shape)
    (out * ag.tensor(weight)).sum().backward()
    (tout * torch.tensor(weight)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-12)


def test_pack_sequence_unpack_and_to():
    arrays = _seqs([2, 4, 3])
    packed = rnn.pack_sequence([ag.tensor(a) for a in arrays], enforce_sorted=False)
    tpacked = trnn.pack_sequence([torch.tensor(a) for a in arrays], enforce_sorted=False)
    np.testing.assert_array_equal(packed.data.numpy(), tpacked.data.numpy())
    for got, want in zip(rnn.unpack_sequence(packed), arrays):
        np.testing.assert_array_equal(got.numpy(), want)
    as32 = packed.to(ag.float32)
    assert isinstance(as32, rnn.PackedSequence) and as32.data.dtype == np.float32
    assert as32.batch_sizes is packed.batch_sizes and not as32.is_cuda
    assert packed.to(packed.data.device) is packed
    with pytest.raises(ValueError, match="sorted in decreasing order"):
        rnn.pack_sequence([ag.tensor(a) for a in arrays])


@pytest.mark.parametrize("make,match", [
    (lambda: rnn.pack_padded_sequence(ag.zeros((4, 2, 3)), [4, 0]), r"\[1, 4\]"),
    (lambda: rnn.pack_padded_sequence(ag.zeros((4, 2, 3)), [5, 2]), r"\[1, 4\]"),
    (lambda: rnn.pack_padded_sequence(ag.zeros((4, 2, 3)), [4, 2, 1]), "one length per sequence"),
    (lambda: rnn.pad_packed_sequence(rnn.pack_sequence([ag.zeros((3, 1))]), total_length=2), "total_length"),
    (lambda: rnn.pad_sequence([ag.zeros((3, 2)), ag.zeros((3, 4))]), r"sequence 1"),
    (lambda: rnn.pad_sequence([ag.zeros((3, 2))], padding_side="middle"), "padding_side"),
])
def test_bad_input_is_named(make, match):
    with pytest.raises(ValueError, match=match):
        make()


CASES = list(itertools.product(["LSTM", "GRU", "RNN"], [1, 2], [False, True], [False, True], [False, True]))


@pytest.mark.parametrize("kind,layers,bidirectional,batch_first,enforce_sorted", CASES)
def test_recurrent_layers_on_packed_batches_match_torch(kind, layers, bidirectional, batch_first, enforce_sorted):
    lengths = [6, 4, 4, 2, 1] if enforce_sorted else [3, 6, 1, 4, 6]
    features, hidden = 3, 4
    ag.manual_seed(0)
    layer = getattr(nn, kind)(features, hidden, num_layers=layers, bidirectional=bidirectional,
                              batch_first=batch_first).to(ag.float64)
    tlayer = getattr(torch.nn, kind)(features, hidden, num_layers=layers, bidirectional=bidirectional,
                                     batch_first=batch_first).double()
    tlayer.load_state_dict({k: torch.tensor(v.numpy()) for k, v in layer.state_dict().items()})
    padded = trnn.pad_sequence([torch.tensor(a) for a in _seqs(lengths, features)], batch_first=batch_first).numpy()
    x, tx = ag.tensor(padded, requires_grad=True), torch.tensor(padded, requires_grad=True)
    rng = np.random.default_rng(3)
    count = layers * (2 if bidirectional else 1)
    h0 = rng.standard_normal((count, len(lengths), hidden))
    c0 = rng.standard_normal((count, len(lengths), hidden))
    hx = (ag.tensor(h0, requires_grad=True), ag.tensor(c0, requires_grad=True)) if kind == "LSTM" else \
        ag.tensor(h0, requires_grad=True)
    thx = (torch.tensor(h0, requires_grad=True), torch.tensor(c0, requires_grad=True)) if kind == "LSTM" else \
        torch.tensor(h0, requires_grad=True)

    out, state = layer(rnn.pack_padded_sequence(x, lengths, batch_first, enforce_sorted), hx)
    tout, tstate = tlayer(trnn.pack_padded_sequence(tx, lengths, batch_first, enforce_sorted), thx)
    assert isinstance(out, rnn.PackedSequence)
    np.testing.assert_allclose(out.data.numpy(), tout.data.detach().numpy(), atol=1e-12)
    padded_out, _ = rnn.pad_packed_sequence(out, batch_first)
    tpadded_out, _ = trnn.pad_packed_sequence(tout, batch_first)
    np.testing.assert_allclose(padded_out.numpy(), tpadded_out.detach().numpy(), atol=1e-12)
    states = state if kind == "LSTM" else (state,)
    tstates = tstate if kind == "LSTM" else (tstate,)
    for s, ts in zip(states, tstates):
        np.testing.assert_allclose(s.numpy(), ts.detach().numpy(), atol=1e-12)

    weights = [rng.standard_normal(t.shape) for t in (tpadded_out,) + tuple(tstates)]
    loss = sum((t * ag.tensor(w)).sum() for t, w in zip((padded_out,) + tuple(states), weights))
    tloss = sum((t * torch.tensor(w)).sum() for t, w in zip((tpadded_out,) + tuple(tstates), weights))
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-10)
    for h, th in zip(hx if kind == "LSTM" else (hx,), thx if kind == "LSTM" else (thx,)):
        np.testing.assert_allclose(h.grad.numpy(), th.grad.numpy(), atol=1e-10)
    tparams = dict(tlayer.named_parameters())
    for name, p in layer.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tparams[name].grad.numpy(), atol=1e-10, err_msg=name)


def test_packed_batch_without_initial_state_and_in_float32():
    lengths = [1, 5, 3]
    ag.manual_seed(0)
    layer = nn.LSTM(3, 4, bidirectional=True)
    tlayer = torch.nn.LSTM(3, 4, bidirectional=True)
    tlayer.load_state_dict({k: torch.tensor(v.numpy()) for k, v in layer.state_dict().items()})
    seqs = [a.astype(np.float32) for a in _seqs(lengths)]
    out, (h, c) = layer(rnn.pack_sequence([ag.tensor(a) for a in seqs], enforce_sorted=False))
    tout, (th, tc) = tlayer(trnn.pack_sequence([torch.tensor(a) for a in seqs], enforce_sorted=False))
    assert out.data.dtype == np.float32
    np.testing.assert_allclose(out.data.numpy(), tout.data.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(h.numpy(), th.detach().numpy(), atol=1e-6)
    np.testing.assert_allclose(c.numpy(), tc.detach().numpy(), atol=1e-6)
