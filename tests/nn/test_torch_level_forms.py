"""The torch.* spellings of nn.functional's losses, norms, pooling, cells and dropouts (torch.kl_div,
torch.batch_norm, torch.embedding_bag, torch.lstm_cell, ...), installed onto autograd by nn: each checked
against PyTorch's top-level function with the same positional arguments (forward and gradients, float64)."""
import numpy as np
import pytest

import autograd as ag
import nn  # noqa: F401  (installs the torch.* forms onto autograd)
from tests.helpers import check_against_torch, check_gradcheck, require_torch, torch

RNG = np.random.default_rng(0)


def _r(*shape):
    return RNG.standard_normal(shape)


@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_int_reduction_losses_match_torch(reduction):
    require_torch()
    x, y, t = _r(4, 5), _r(4, 5), np.sign(_r(4))
    prob = RNG.uniform(0.05, 1, (4, 5))
    cases = [
        ("kl_div", [x, prob / prob.sum(1, keepdims=True)], (reduction,), {}),
        ("kl_div", [x, np.log(prob)], (reduction,), {"log_target": True}),
        ("binary_cross_entropy_with_logits", [x, RNG.uniform(0, 1, (4, 5)), RNG.uniform(0.5, 2, 5),
                                              RNG.uniform(0.5, 2, 5)], (reduction,), {}),
        ("poisson_nll_loss", [x, np.abs(y)], (True, False, 1e-8, reduction), {}),
        ("poisson_nll_loss", [np.abs(x) + 0.1, np.abs(y)], (False, True, 1e-8, reduction), {}),
        ("cosine_embedding_loss", [x, y, t], (0.1, reduction), {}),
        ("hinge_embedding_loss", [x, np.sign(y)], (0.5, reduction), {}),
        ("margin_ranking_loss", [x[:, 0], y[:, 0], t], (0.2, reduction), {}),
        ("triplet_margin_loss", [x, y, _r(4, 5)], (1.0, 2.0, 1e-6, True, reduction), {}),
    ]
    for name, arrays, args, kwargs in cases:
        grads = [a.dtype.kind == "f" and k < 2 for k, a in enumerate(np.asarray(v) for v in arrays)]
        check_against_torch(lambda *ts: getattr(ag, name)(*ts, *args, **kwargs),
                            lambda *ts: getattr(torch, name)(*ts, *args, **kwargs), arrays, requires_grad=grads)
        check_gradcheck(lambda *ts: getattr(ag, name)(*ts, *args, **kwargs), arrays,
                        requires_grad=grads)


def test_int_reduction_is_required_as_in_torch():
    require_torch()
    x = ag.randn(3, 4)
    with pytest.raises(TypeError):
        torch.kl_div(torch.randn(3, 4), torch.rand(3, 4), "sum")
    with pytest.raises(TypeError, match="reduction"):
        ag.kl_div(x, x, "sum")
    with pytest.raises(ValueError, match="reduction"):
        ag.margin_ranking_loss(x[0], x[1], x[2], 0.0, 5)


@pytest.mark.parametrize("reduction", [0, 1, 2])
def test_ctc_loss_matches_torch(reduction):
    require_torch()
    T, N, C, S = 12, 3, 5, 4
    logits = _r(T, N, C)
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    targets = RNG.integers(1, C, (N, S))
    in_len, tg_len = np.array([12, 10, 9]), np.array([4, 3, 2])
    for lengths in ((in_len, tg_len), (tuple(in_len.tolist()), tuple(tg_len.tolist()))):
        def ours(lp, tg):
            return ag.ctc_loss(lp, tg, *[ag.tensor(v) if isinstance(v, np.ndarray) else v for v in lengths], 0,
                               reduction, False)

        def theirs(lp, tg):
            return torch.ctc_loss(lp, tg, *[torch.tensor(v) if isinstance(v, np.ndarray) else v for v in lengths],
                                  0, reduction, False)
        check_against_torch(ours, theirs, [log_probs, targets])


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_and_instance_norm_take_torch_positional_order(training):
    require_torch()
    x, w, b = _r(4, 3, 5), _r(3), _r(3)
    for name in ("batch_norm", "instance_norm"):
        rm, rv = _r(3), RNG.uniform(0.5, 2, 3)
        ours_stats = [ag.tensor(rm), ag.tensor(rv)]
        theirs_stats = [torch.tensor(rm), torch.tensor(rv)]
        use = training if name == "batch_norm" else True
        check_against_torch(lambda x, w, b: getattr(ag, name)(x, w, b, *ours_stats, use, 0.3, 1e-5, False),
                            lambda x, w, b: getattr(torch, name)(x, w, b, *theirs_stats, use, 0.3, 1e-5, False),
                            [x, w, b])
        for o, t in zip(ours_stats, theirs_stats):   # the running statistics moved alike
            np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-10, atol=1e-12)
        check_gradcheck(lambda x, w, b: getattr(ag, name)(x, w, b, None, None, True, 0.1, 1e-5, False), [x, w, b])


def test_layer_norm_and_group_norm_accept_the_cudnn_flag():
    require_torch()
    x, w, b = _r(2, 4, 3), _r(3), _r(3)
    check_against_torch(lambda x, w, b: ag.layer_norm(x, (3,), w, b, 1e-5, True),
                        lambda x, w, b: torch.layer_norm(x, (3,), w, b, 1e-5, True), [x, w, b])
    w4, b4 = _r(4), _r(4)
    check_against_torch(lambda x, w, b: ag.group_norm(x, 2, w, b, 1e-5, False),
                        lambda x, w, b: torch.group_norm(x, 2, w, b, 1e-5, False), [x, w4, b4])


@pytest.mark.parametrize("pad", [[1, 2], [-1, 2, 0, 1], [0, 0], [2, -2, 1, 0, 1, 1]])
def test_constant_pad_nd_matches_torch(pad):
    require_torch()
    x = _r(2, 3, 4)
    check_against_torch(lambda x: ag.constant_pad_nd(x, pad, 1.5), lambda x: torch.constant_pad_nd(x, pad, 1.5), [x])
    check_against_torch(lambda x: ag.constant_pad_nd(x, pad), lambda x: torch.constant_pad_nd(x, pad), [x])
    check_gradcheck(lambda x: ag.constant_pad_nd(x, pad, 1.5), [x])


@pytest.mark.parametrize("shape", [(2, 3, 9), (3, 9)])
def test_max_pool1d_with_indices_matches_torch(shape):
    require_torch()
    x = _r(*shape)
    for args in ((3,), (3, []), (3, 2, 1), (2, 1, 0, 2, True)):
        check_against_torch(lambda x: ag.max_pool1d_with_indices(x, *args),
                            lambda x: torch.max_pool1d_with_indices(x, *args), [x])


@pytest.mark.parametrize("bias", [True, False])
def test_recurrent_cells_match_torch(bias):
    require_torch()
    B, I, H = 3, 4, 5
    x = _r(B, I)
    for name, gates in (("lstm_cell", 4), ("gru_cell", 3), ("rnn_tanh_cell", 1), ("rnn_relu_cell", 1)):
        arrays = [x, _r(B, H), _r(gates * H, I), _r(gates * H, H)] + ([_r(gates * H), _r(gates * H)] if bias else [])
        if name == "lstm_cell":
            arrays.insert(2, _r(B, H))

            def ours(x, h, c, *rest):
                return ag.lstm_cell(x, (h, c), *rest)

            def theirs(x, h, c, *rest):
                return torch.lstm_cell(x, [h, c], *rest)
        else:
            def ours(*ts, name=name):
                return getattr(ag, name)(*ts)

            def theirs(*ts, name=name):
                return getattr(torch, name)(*ts)
        check_against_torch(ours, theirs, arrays)
        check_gradcheck(ours, arrays)
    with pytest.raises(TypeError, match="hx"):
        ag.lstm_cell(ag.tensor(x), ag.zeros(B, H), ag.zeros(4 * H, I), ag.zeros(4 * H, H))


def test_feature_dropouts_and_their_inplace_forms():
    require_torch()
    ag.manual_seed(0)
    x = ag.ones(6, 8, 3, 3)
    y = ag.feature_dropout(x, 0.5, True)
    maps = y.numpy().reshape(6, 8, -1)
    assert set(np.unique(maps)) <= {0.0, 2.0} and np.all(maps.min(-1) == maps.max(-1))   # whole maps zeroed
    tx = torch.ones(2, 2)
    assert ag.feature_dropout(x, 0.5, False) is x and torch.feature_dropout(tx, 0.5, False) is tx
    with pytest.raises(RuntimeError):
        torch.feature_dropout(torch.ones(6), 0.5, True)
    with pytest.raises(RuntimeError, match="2 dims"):
        ag.feature_dropout(ag.ones(6), 0.5, True)
    for name in ("feature_dropout_", "alpha_dropout_", "feature_alpha_dropout_"):
        z = ag.ones(4, 6, 5)
        data = z._data
        assert getattr(ag, name)(z, 0.5, True) is z and z._data is data
        assert (z.numpy() != 1).any()
        w = ag.ones(4, 6, 5)
        assert getattr(ag, name)(w, 0.5, False) is w and (w.numpy() == 1).all()
        leaf = ag.ones(4, 6, requires_grad=True)
        with pytest.raises(RuntimeError):
            getattr(ag, name)(leaf, 0.5, True)
        tleaf = torch.ones(4, 6, requires_grad=True)
        with pytest.raises(RuntimeError):
            getattr(torch, name)(tleaf, 0.5, True)


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("padding_idx", [None, 4])
@pytest.mark.parametrize("include_last_offset", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_embedding_bag_four_outputs_match_torch(mode, padding_idx, include_last_offset, dtype):
    require_torch()
    w = _r(10, 3).astype(dtype)
    idx = np.array([1, 2, 4, 5, 4, 3, 2, 9, 7])
    offsets = np.array([0, 4, 4, 9]) if include_last_offset else np.array([0, 4, 4, 6])
    args = (False, mode, False, None, include_last_offset, padding_idx)
    ours = ag.embedding_bag(ag.tensor(w, requires_grad=True), ag.tensor(idx), ag.tensor(offsets), *args)
    tw = torch.tensor(w, requires_grad=True)
    theirs = torch.embedding_bag(tw, torch.tensor(idx), torch.tensor(offsets), *args)
    assert len(ours) == 4
    for k, (o, t) in enumerate(zip(ours, theirs)):
        assert tuple(o.shape) == tuple(t.shape) and o.dtype == t.detach().numpy().dtype, k
        np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-6, err_msg=f"output {k}")
    check_against_torch(lambda w: ag.embedding_bag(w, ag.tensor(idx), ag.tensor(offsets), *args)[0],
                        lambda w: torch.embedding_bag(w, torch.tensor(idx), torch.tensor(offsets), *args)[0], [w])


def test_embedding_bag_per_sample_weights_and_errors():
    require_torch()
    w, psw = _r(10, 3), _r(6)
    idx, offsets = np.array([1, 2, 4, 5, 4, 3]), np.array([0, 2])
    check_against_torch(lambda w, p: ag.embedding_bag(w, ag.tensor(idx), ag.tensor(offsets), False, 0, False, p)[0],
                        lambda w, p: torch.embedding_bag(w, torch.tensor(idx), torch.tensor(offsets), False, 0, False,
                                                         p)[0], [w, psw])
    with pytest.raises(ValueError, match="mode"):
        ag.embedding_bag(ag.tensor(w), ag.tensor(idx), ag.tensor(offsets), False, "sum")
    with pytest.raises(TypeError, match="offsets"):
        ag.embedding_bag(ag.tensor(w), ag.tensor(idx), None)


# ----- the native_* forms: the output plus its statistics or mask ------------------------------------------
def _compare_all(ours, theirs):
    assert len(ours) == len(theirs)
    for k, (o, t) in enumerate(zip(ours, theirs)):
        t = t.detach().numpy()
        assert tuple(o.shape) == t.shape and o.dtype == t.dtype, k
        np.testing.assert_allclose(o.numpy(), t, rtol=1e-10, atol=1e-12, err_msg=f"output {k}")


@pytest.mark.parametrize("affine", [True, False])
def test_native_norms_match_torch(affine):
    require_torch()
    x = _r(4, 3, 5)
    w5, b5, w3, b3 = (_r(5), _r(5), _r(3), _r(3)) if affine else (None,) * 4

    def both(v):
        return (None, None) if v is None else (ag.tensor(v), torch.tensor(v))
    (aw5, tw5), (ab5, tb5), (aw3, tw3), (ab3, tb3) = map(both, (w5, b5, w3, b3))
    _compare_all(ag.native_layer_norm(ag.tensor(x), (5,), aw5, ab5, 1e-5),
                 torch.native_layer_norm(torch.tensor(x), (5,), tw5, tb5, 1e-5))
    _compare_all(ag.native_layer_norm(ag.tensor(x), [3, 5], None, None, 1e-3),
                 torch.native_layer_norm(torch.tensor(x), [3, 5], None, None, 1e-3))
    for training in (True, False):
        stats = RNG.uniform(0.5, 2, (2, 3))
        ours_rs, theirs_rs = [ag.tensor(s) for s in stats], [torch.tensor(s) for s in stats]
        _compare_all(ag.native_batch_norm(ag.tensor(x), aw3, ab3, *ours_rs, training, 0.2, 1e-5),
                     torch.native_batch_norm(torch.tensor(x), tw3, tb3, *theirs_rs, training, 0.2, 1e-5))
        for o, t in zip(ours_rs, theirs_rs):
            np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-12)
    _compare_all(ag.native_group_norm(ag.tensor(x), aw3, ab3, 4, 3, 5, 3, 1e-5),
                 torch.native_group_norm(torch.tensor(x), tw3, tb3, 4, 3, 5, 3, 1e-5))
    check_against_torch(lambda x: ag.native_layer_norm(x, (5,), None, None, 1e-5)[0],
                        lambda x: torch.native_layer_norm(x, (5,), None, None, 1e-5)[0], [x])
    check_against_torch(lambda x: ag.native_group_norm(x, None, None, 4, 3, 5, 1, 1e-5)[0],
                        lambda x: torch.native_group_norm(x, None, None, 4, 3, 5, 1, 1e-5)[0], [x])
    with pytest.raises(RuntimeError, match="native_group_norm"):
        ag.native_group_norm(ag.tensor(x), None, None, 4, 3, 4, 3, 1e-5)


def test_native_dropout_returns_the_output_and_the_mask():
    require_torch()
    ag.manual_seed(1)
    x = ag.ones(4000, requires_grad=True)
    out, mask = ag.native_dropout(x, 0.25, True)
    tout, tmask = torch.native_dropout(torch.ones(4000), 0.25, True)
    assert mask.dtype == tmask.numpy().dtype == np.bool_ and out.shape == tout.shape
    np.testing.assert_allclose(out.numpy(), mask.numpy() / 0.75, rtol=1e-6)
    assert abs(mask.numpy().mean() - 0.75) < 0.03
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), mask.numpy() / 0.75, rtol=1e-6)
    same, keep = ag.native_dropout(x, 0.5, False)
    assert same is not x and np.array_equal(same.detach().numpy(), x.detach().numpy()) and keep.numpy().all()
    assert not ag.native_dropout(ag.ones(50), 1.0, None)[0].numpy().any()


# ----- convolution, conv_tbc, grid_sampler, affine_grid_generator -------------------------------------------
@pytest.mark.parametrize("dims", [1, 2, 3])
@pytest.mark.parametrize("transposed", [False, True])
def test_convolution_matches_torch(dims, transposed):
    require_torch()
    x = _r(2, 4, *([5] * dims))
    w = _r(4, 3, *([2] * dims)) if transposed else _r(6, 2, *([2] * dims))
    b = _r(6)
    stride, padding, dilation = [2] * dims, [1] * dims, [1] * dims
    out_pad = [1] * dims if transposed else [0] * dims
    args = (stride, padding, dilation, transposed, out_pad, 2)
    check_against_torch(lambda x, w, b: ag.convolution(x, w, b, *args),
                        lambda x, w, b: torch.convolution(x, w, b, *args), [x, w, b])
    if dims == 1:
        check_gradcheck(lambda x, w, b: ag.convolution(x, w, b, *args), [x, w, b])


def test_conv_tbc_matches_torch():
    require_torch()
    x, w, b = _r(7, 2, 3), _r(3, 3, 4), _r(4)
    for pad in (0, 1, 2):
        check_against_torch(lambda x, w, b: ag.conv_tbc(x, w, b, pad), lambda x, w, b: torch.conv_tbc(x, w, b, pad),
                            [x, w, b])
    check_gradcheck(lambda x, w, b: ag.conv_tbc(x, w, b, 1), [x, w, b])


@pytest.mark.parametrize("interpolation, padding", [(0, 0), (1, 1), (0, 2), (2, 0)])
@pytest.mark.parametrize("align_corners", [False, True])
def test_grid_sampler_and_affine_grid_generator_match_torch(interpolation, padding, align_corners):
    require_torch()
    x, theta = _r(2, 3, 5, 6), _r(2, 2, 3) * 0.5
    grid = RNG.uniform(-1.1, 1.1, (2, 4, 3, 2))
    check_against_torch(lambda t: ag.affine_grid_generator(t, (2, 3, 4, 5), align_corners),
                        lambda t: torch.affine_grid_generator(t, (2, 3, 4, 5), align_corners), [theta])
    for name in ("grid_sampler", "grid_sampler_2d"):
        check_against_torch(lambda x, g: getattr(ag, name)(x, g, interpolation, padding, align_corners),
                            lambda x, g: getattr(torch, name)(x, g, interpolation, padding, align_corners),
                            [x, grid], requires_grad=[True, interpolation != 1])
    with pytest.raises(ValueError, match="interpolation_mode"):
        ag.grid_sampler(ag.tensor(x), ag.tensor(grid), "bilinear", 0, False)
    with pytest.raises(RuntimeError, match="5-d"):
        ag.grid_sampler_3d(ag.tensor(x), ag.tensor(grid), 0, 0, False)
