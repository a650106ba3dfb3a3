"""PyTorch programs on sequences and reinforcement learning (a character-level GRU language model with truncated
BPTT, DQN on a grid world, an LSTMCell / packed-LSTM forecaster), run on deepgrad with only their imports changed:
they must print what PyTorch prints, number for number (float64 weights and data from seeded NumPy generators).
Below them, one regression test per deepgrad bug these programs found, each checked against PyTorch."""
import warnings

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from nn.utils import rnn as ours_rnn
from tests.test_pytorch_programs import assert_same_printout, printed_by_both
from tests.test_pytorch_programs_more import MORE_IMPORTS

PROGRAM_NAMES = ["torch_char_rnn", "torch_dqn_gridworld", "torch_lstm_forecaster"]


@pytest.mark.parametrize("program", PROGRAM_NAMES)
def test_program_prints_what_pytorch_prints_with_only_imports_changed(program, capsys):
    ours, theirs = printed_by_both(program, capsys, MORE_IMPORTS)
    assert len(ours.splitlines()) >= 10
    assert_same_printout(ours, theirs, rtol=1e-7, atol=1e-9)


def _copy_weights(ours, theirs):
    """theirs' (a torch module's) parameters into ours, as float64."""
    ours.to(ag.float64).load_state_dict({k: v.detach().double().numpy() for k, v in theirs.state_dict().items()})


# -- recurrent layers ---------------------------------------------------------------------------------------------

def test_recurrent_layers_have_flatten_parameters_all_weights_and_reset_parameters():
    torch = pytest.importorskip("torch")
    for ours, theirs in [(nn.GRU(3, 4, num_layers=2, bidirectional=True), torch.nn.GRU(3, 4, 2, bidirectional=True)),
                         (nn.LSTM(3, 5, proj_size=2), torch.nn.LSTM(3, 5, proj_size=2)),
                         (nn.RNN(3, 4, bias=False), torch.nn.RNN(3, 4, bias=False))]:
        assert ours.flatten_parameters() is None and theirs.flatten_parameters() is None
        assert [[tuple(w.shape) for w in group] for group in ours.all_weights] == \
            [[tuple(w.shape) for w in group] for group in theirs.all_weights]
        assert ours.all_weights[0][0] is ours.weight_ih_l0
        ours.reset_parameters()
        bound = 1 / np.sqrt(ours.hidden_size)
        assert all(float(p.abs().max()) <= bound for p in ours.parameters())
    cell = nn.LSTMCell(2, 9)
    cell.reset_parameters()
    assert float(cell.weight_hh.abs().max()) <= 1 / 3


def test_rnn_repr_leaves_out_the_nonlinearity_as_pytorch():
    torch = pytest.importorskip("torch")
    assert repr(nn.RNN(2, 3, nonlinearity="relu", num_layers=2)) == \
        repr(torch.nn.RNN(2, 3, nonlinearity="relu", num_layers=2))
    assert repr(nn.RNNCell(2, 3, nonlinearity="relu")) == repr(torch.nn.RNNCell(2, 3, nonlinearity="relu"))


def test_one_layer_recurrent_dropout_warns_as_pytorch():
    torch = pytest.importorskip("torch")
    messages = []
    for module in (torch.nn, nn):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module.GRU(3, 4, dropout=0.2)
            module.LSTM(3, 4, num_layers=2, dropout=0.2)
        messages.append([(w.category, str(w.message)) for w in caught])
    assert len(messages[1]) == 1 and messages[0] == messages[1]


@pytest.mark.parametrize("layers,bidirectional", [(1, False), (2, True)])
def test_lstm_with_proj_size_runs_a_packed_sequence_as_pytorch(layers, bidirectional):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    theirs = torch.nn.LSTM(3, 6, num_layers=layers, bidirectional=bidirectional, proj_size=2,
                           batch_first=True).double()
    ours = nn.LSTM(3, 6, num_layers=layers, bidirectional=bidirectional, proj_size=2, batch_first=True)
    _copy_weights(ours, theirs)
    x, lengths = rng.standard_normal((4, 5, 3)), [3, 5, 1, 4]
    count = layers * (2 if bidirectional else 1)
    h0, c0 = rng.standard_normal((count, 4, 2)), rng.standard_normal((count, 4, 6))
    tx, ox = torch.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    t_out, (t_h, t_c) = theirs(torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, batch_first=True,
                                                                        enforce_sorted=False),
                               (torch.tensor(h0), torch.tensor(c0)))
    o_out, (o_h, o_c) = ours(ours_rnn.pack_padded_sequence(ox, lengths, batch_first=True, enforce_sorted=False),
                             (ag.tensor(h0), ag.tensor(c0)))
    t_pad = torch.nn.utils.rnn.pad_packed_sequence(t_out, batch_first=True)[0]
    o_pad = ours_rnn.pad_packed_sequence(o_out, batch_first=True)[0]
    w = rng.standard_normal(tuple(t_pad.shape))
    ((t_pad * torch.tensor(w)).sum() + t_h.sum() + (t_c ** 2).sum()).backward()
    ((o_pad * ag.tensor(w)).sum() + o_h.sum() + (o_c ** 2).sum()).backward()
    for got, want in [(o_pad, t_pad), (o_h, t_h), (o_c, t_c), (ox.grad, tx.grad)]:
        np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-10, atol=1e-12)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)


def test_packed_sequence_has_pytorchs_casts():
    torch = pytest.importorskip("torch")
    ours = ours_rnn.pack_sequence([ag.tensor([1.0, 2.0, 3.0]), ag.tensor([4.0, 5.0])])
    theirs = torch.nn.utils.rnn.pack_sequence([torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0])])
    for cast in ("double", "float", "half", "long", "int", "short", "char", "byte"):
        got, want = getattr(ours, cast)(), getattr(theirs, cast)()
        assert isinstance(got, ours_rnn.PackedSequence), cast
        assert str(got.data.dtype) == str(want.data.dtype).replace("torch.", ""), cast
        assert got.data.tolist() == want.data.tolist() and got.batch_sizes is ours.batch_sizes
    moved = ours.cpu()   # itself when already on cpu (not under DEEPGRAD_DEVICE=numba)
    assert str(moved.data.device) == "cpu" and (moved is ours) == (str(ours.data.device) == "cpu")
    assert ours.is_pinned() is False and not ours.is_cuda


# -- autograd -----------------------------------------------------------------------------------------------------

def test_detach_in_place_cuts_a_non_leaf_out_of_the_graph():
    # truncated BPTT's hidden.detach_() between chunks: PyTorch allows it on a non-leaf
    torch = pytest.importorskip("torch")
    for lib in (torch, ag):
        x = lib.ones(3, requires_grad=True)
        h = x * 2
        assert h.detach_() is h and h.requires_grad is False and h.grad_fn is None and h.is_leaf
        (h * x).sum().backward()
        assert x.grad.tolist() == [2.0, 2.0, 2.0]


def _grad_fn_names(lib):
    x = lib.ones(2, 1, 3, requires_grad=True)
    q = lib.ones(4, 3, requires_grad=True)
    cases = [x.max(), x.max(2).values, x.min(), x.min(dim=0)[0], x.amax(-1), x.amin((0, 2)), lib.max(x, 2)[0],
             x.norm(), x.norm(dim=1), lib.norm(x, p=1, dim=0), x.squeeze(), x.squeeze(1), x.squeeze((1,)),
             x.unsqueeze(0), x.view(6), x.reshape(3, 2), x.flatten(), x.permute(2, 0, 1), q.t(), x.expand(2, 4, 3),
             x.repeat(1, 2, 1), x.sum(), x.sum(dim=1), x.mean(), x.mean(1), q.gather(1, lib.tensor([[0], [2], [1], [1]])),
             q.index_select(0, lib.tensor([0, 2])), q.masked_fill(q > 0, 0.0), q.sort(1).values, q.topk(2).values]
    return [r.grad_fn.name() for r in cases]


def test_grad_fn_names_are_pytorchs_for_reductions_shapes_and_selections():
    # printed in tensor reprs: tensor([0.64], grad_fn=<MaxBackward0>), <SqueezeBackward1>, <GatherBackward0>, ...
    torch = pytest.importorskip("torch")
    assert _grad_fn_names(ag) == _grad_fn_names(torch)


# -- losses -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_regression_loss_broadcasts_a_target_of_another_shape_with_pytorchs_warning(name):
    # DQN's classic slip: Q (B, 1) against a target (B,) gives B * B terms in PyTorch, with a warning
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((4, 1)), rng.standard_normal(4)
    results = []
    for lib, functional in ((torch, torch.nn.functional), (ag, F)):
        x = lib.tensor(a, requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loss = getattr(functional, name)(x, lib.tensor(b))
        loss.backward()
        message = str(caught[0].message).replace("torch.", "")
        assert len(caught) == 1 and caught[0].category is UserWarning and caught[0].filename == __file__
        results.append((loss.item(), x.grad.numpy().copy(), message))
    assert results[0][2] == results[1][2]
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-12)
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-12)
    with pytest.raises(ValueError, match=rf"{name}: input shape .*\(3, 2\).* target shape .*\(3,\)"):
        getattr(F, name)(ag.ones(3, 2), ag.ones(3))


def test_regression_losses_take_pytorchs_weight_and_legacy_arguments():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    a, b, w = rng.standard_normal((3, 2)), rng.standard_normal((3, 2)), rng.uniform(0, 2, (3, 2))

    def run(lib, functional):
        x = lib.tensor(a, requires_grad=True)
        y, weight = lib.tensor(b), lib.tensor(w)
        values = []
        for reduction in ("mean", "sum", "none"):
            values += [functional.mse_loss(x, y, reduction=reduction, weight=weight),
                       functional.l1_loss(x, y, reduction=reduction, weight=weight),
                       functional.huber_loss(x, y, reduction=reduction, delta=0.5, weight=weight)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # PyTorch's deprecation notice for size_average / reduce
            values += [functional.mse_loss(x, y, None, False), functional.l1_loss(x, y, False),
                       functional.mse_loss(x, y, size_average=False)]
        sum(v.sum() for v in values).backward()
        return [v.detach().numpy() for v in values] + [x.grad.numpy()]

    for got, want in zip(run(ag, F), run(torch, torch.nn.functional)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="mse_loss: weights and input must have the same size"):
        F.mse_loss(ag.ones(3, 2), ag.ones(3, 2), weight=ag.ones(2))


# -- schedulers ---------------------------------------------------------------------------------------------------

def test_reduce_lr_on_plateau_has_in_cooldown_mode_worse_and_follows_new_param_groups():
    torch = pytest.importorskip("torch")
    seen = []
    for lib, module in ((torch, torch.nn), (ag, nn)):
        opt = lib.optim.SGD([module.Parameter(lib.ones(2))], lr=1.0)
        plateau = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, cooldown=2)
        plateau.step(1.0)
        plateau.step(2.0)
        state = (plateau.in_cooldown, plateau.mode_worse, plateau.default_min_lr, opt.param_groups[0]["lr"])
        opt.add_param_group({"params": [module.Parameter(lib.ones(1))], "lr": 0.5})
        for metric in (3, 4, 5, 6):
            plateau.step(metric)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # the deprecated epoch argument
            plateau.step(7, epoch=10)
        seen.append(state + ([g["lr"] for g in opt.param_groups], plateau.min_lrs, plateau.last_epoch))
        fixed = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.1, 0.1])
        assert fixed.default_min_lr is None
    assert seen[0] == seen[1]
    opt = ag.optim.SGD([nn.Parameter(ag.ones(2))], lr=1.0)
    fixed = ag.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0, min_lr=[0.1])
    opt.add_param_group({"params": [nn.Parameter(ag.ones(1))]})
    fixed.step(1.0)
    with pytest.raises(RuntimeError, match="2 param groups but min_lr gave 1"):
        fixed.step(2.0)
