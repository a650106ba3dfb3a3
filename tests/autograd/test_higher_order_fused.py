"""Higher-order gradients through the fused ops (create_graph): batch_norm, cross_entropy, max and average
pooling, adaptive average pooling, interpolate, embedding, conv_transpose1d/2d, the recurrent layers and cells
(packed batches too), scaled_dot_product_attention (with dropout too) and exact GELU differentiate again,
checked by finite differences (gradgradcheck, float64) and against PyTorch's double backward; MAML's second-order meta-gradient through a BatchNorm CNN equals PyTorch's."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from autograd.gradcheck import gradgradcheck

CASES = {
    "gelu": ((2, 4), lambda x, L, F: F.gelu(x) * x),
    "batch_norm_train": ((3, 2, 4), lambda x, L, F: F.batch_norm(x, None, None, training=True) * x),
    "batch_norm_affine": ((3, 2, 4), lambda x, L, F: F.batch_norm(
        x, None, None, weight=x[0, :, 0] + 1, bias=x[1, :, 1], training=True)),
    "cross_entropy_mean": ((3, 4), lambda x, L, F: F.cross_entropy(x * x, L.tensor([1, 2, 0]))),
    "cross_entropy_smooth_ignore": ((3, 4), lambda x, L, F: F.cross_entropy(
        x * x, L.tensor([1, -100, 3]), label_smoothing=0.2)),
    "cross_entropy_sum": ((3, 4), lambda x, L, F: F.cross_entropy(x * x, L.tensor([1, 2, 0]), reduction="sum")),
    "max_pool2d": ((1, 2, 4, 4), lambda x, L, F: F.max_pool2d(x * x, 2)),
    "max_pool2d_padded": ((1, 1, 5, 5), lambda x, L, F: F.max_pool2d(x.sin(), 3, stride=2, padding=1)),
    "max_pool1d": ((2, 6), lambda x, L, F: F.max_pool1d((x * x).unsqueeze(0), 2)),
    "avg_pool2d": ((1, 2, 4, 4), lambda x, L, F: F.avg_pool2d(x * x, 2) * x[:, :, :2, :2]),
    "avg_pool2d_padded": ((1, 1, 5, 5), lambda x, L, F: F.avg_pool2d(
        x * x, 3, stride=2, padding=1, count_include_pad=False)),
    "adaptive_avg_pool2d": ((1, 2, 5, 5), lambda x, L, F: F.adaptive_avg_pool2d(x * x, 3)),
    "interpolate_bilinear": ((1, 1, 3, 3), lambda x, L, F: F.interpolate(
        x * x, scale_factor=2, mode="bilinear", align_corners=False) * 2),
    "interpolate_nearest": ((1, 2, 3), lambda x, L, F: F.interpolate(x * x, size=5, mode="nearest")),
    "embedding": ((4, 3), lambda x, L, F: F.embedding(L.tensor([[0, 1], [1, 3]]), x * x)),
    "embedding_padding": ((4, 3), lambda x, L, F: F.embedding(L.tensor([0, 1, 1, 2]), x * x, padding_idx=1)),
    "conv_transpose2d": ((1, 2, 3, 3), lambda x, L, F: F.conv_transpose2d(
        x * x, x.reshape(2, 1, 3, 3) * 2, stride=2, padding=1, output_padding=1)),
    "conv_transpose2d_groups": ((1, 4, 3, 3), lambda x, L, F: F.conv_transpose2d(
        x.sin(), x[0, :, :2, :2].reshape(4, 1, 2, 2), groups=2, dilation=2, stride=3, output_padding=1)),
    "conv_transpose1d": ((1, 2, 5), lambda x, L, F: F.conv_transpose1d(x * x, x[:, :, :3].reshape(2, 1, 3), stride=2)),
    "sdpa": ((1, 3, 4), lambda x, L, F: F.scaled_dot_product_attention(x, x * 2, x.sin())),
    "sdpa_causal": ((1, 3, 4), lambda x, L, F: F.scaled_dot_product_attention(x, x, x, is_causal=True)),
}


def _second_order(lib, functional, fn, x0):
    x = lib.tensor(x0, requires_grad=True)
    g, = lib.autograd.grad(fn(x, lib, functional).sum(), x, create_graph=True)
    (g * g).sum().backward()
    return g.detach().numpy(), x.grad.numpy()


@pytest.mark.parametrize("name", sorted(CASES))
def test_second_derivatives_match_pytorchs(name):
    torch = pytest.importorskip("torch")
    shape, fn = CASES[name]
    x0 = np.random.default_rng(sorted(CASES).index(name)).standard_normal(shape)
    for mine, theirs in zip(_second_order(ag, F, fn, x0), _second_order(torch, torch.nn.functional, fn, x0)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", ["gelu", "batch_norm_train", "cross_entropy_smooth_ignore", "max_pool2d_padded",
                                  "avg_pool2d_padded", "embedding_padding", "sdpa_causal", "conv_transpose2d_groups"])
def test_second_derivatives_pass_gradgradcheck(name):
    shape, fn = CASES[name]
    x = ag.tensor(np.random.default_rng(7).standard_normal(shape), requires_grad=True)
    assert gradgradcheck(lambda t: fn(t, ag, F), (x,))


def test_third_derivative_of_a_linear_op_is_the_op_again():
    torch = pytest.importorskip("torch")
    x0 = np.random.default_rng(3).standard_normal((1, 1, 4, 4))
    found = []
    for lib, functional in ((ag, F), (torch, torch.nn.functional)):
        x = lib.tensor(x0, requires_grad=True)
        g, = lib.autograd.grad((functional.avg_pool2d(x, 2) ** 3).sum(), x, create_graph=True)
        h, = lib.autograd.grad((g * g).sum(), x, create_graph=True)
        (h * x).sum().backward()
        found.append([g.detach().numpy(), h.detach().numpy(), x.grad.numpy()])
    for mine, theirs in zip(*found):
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


def _attention_with_dropout(q, k, v, p, mask=None, causal=False):
    ag.manual_seed(3)   # the same dropout masks on every call, so that finite differences see one function
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p, is_causal=causal)


@pytest.mark.parametrize("p, causal", [(0.4, False), (0.3, True)])
def test_attention_dropout_differentiates_again_with_the_masks_it_drew(p, causal):
    rng = np.random.default_rng(1)
    q, k, v = (ag.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True) for _ in range(3))
    assert gradgradcheck(lambda a, b, c: _attention_with_dropout(a, b.sin(), c, p, causal=causal), (q, k, v))


def test_attention_dropout_gradient_is_the_same_through_the_composed_form():
    """The create_graph gradient (the composed form, with the kept masks) equals the fused backward's."""
    rng = np.random.default_rng(2)
    q0, k0, v0 = (rng.standard_normal((2, 5, 3)) for _ in range(3))
    mask = ag.tensor(rng.random((5, 5)) > 0.2)
    found = []
    for create_graph in (False, True):
        q, v = ag.tensor(q0, requires_grad=True), ag.tensor(v0, requires_grad=True)
        out = _attention_with_dropout(q, ag.tensor(k0), v, 0.5, mask=mask)
        found.append([g.detach().numpy() for g in ag.autograd.grad((out ** 2).sum(), (q, v),
                                                                     create_graph=create_graph)])
    for fused, composed in zip(*found):
        np.testing.assert_allclose(composed, fused, rtol=1e-12, atol=1e-13)


def _maml(lib, functional):
    """Two tasks of one inner SGD step each on a conv-BN-ReLU-pool-linear classifier; the meta-gradient."""
    rng = np.random.default_rng(0)
    shapes = [(4, 1, 3, 3), (4,), (4,), (4,), (3, 16), (3,)]
    params = [lib.tensor(rng.standard_normal(s) * 0.5, requires_grad=True) for s in shapes]

    def forward(weights, images):
        h = functional.conv2d(images, weights[0], weights[1], padding=1)
        h = functional.relu(functional.batch_norm(h, None, None, weights[2], weights[3], training=True))
        h = functional.max_pool2d(h, 2)
        return functional.linear(h.flatten(1), weights[4], weights[5])

    meta = 0
    for _ in range(2):
        support, query = (lib.tensor(rng.standard_normal((6, 1, 4, 4))) for _ in range(2))
        labels = lib.tensor(rng.integers(0, 3, 6))
        inner = functional.cross_entropy(forward(params, support), labels)
        grads = lib.autograd.grad(inner, params, create_graph=True)
        adapted = [p - 0.4 * g for p, g in zip(params, grads)]
        meta = meta + functional.cross_entropy(forward(adapted, query), labels)
    meta.backward()
    return [meta.item()] + [p.grad.numpy() for p in params]


def test_maml_meta_gradient_through_batchnorm_and_pooling_equals_pytorchs():
    torch = pytest.importorskip("torch")
    for mine, theirs in zip(_maml(ag, F), _maml(torch, torch.nn.functional)):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)


def test_the_kept_arguments_go_with_the_graph():
    x = ag.randn(1, 4, 6, dtype=ag.float64, requires_grad=True)
    loss = F.cross_entropy(F.avg_pool1d(x, 2).reshape(4, 3), ag.tensor([0, 1, 2, 0]))
    # below the loss PyTorch shows its log_softmax (display only here) and the reshape's view; the pooling node shows
    # PyTorch's name for avg_pool1d's result (its 2-d pool's squeeze)
    nodes = [loss.grad_fn, loss.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]]
    assert [n.name() for n in nodes] == ["NllLossBackward0", "SqueezeBackward1"]
    assert all(n.kept is not None for n in nodes)
    loss.backward()   # the pooling op saved nothing, and its input is released too
    assert all(n.kept is None for n in nodes)


@pytest.mark.parametrize("cls, kwargs", [("LSTM", {}), ("GRU", {}), ("RNN", {}), ("RNN", {"nonlinearity": "relu"}),
                                         ("LSTM", {"bidirectional": True, "num_layers": 2}),
                                         ("GRU", {"batch_first": True}), ("LSTMCell", {}), ("GRUCell", {}),
                                         ("RNNCell", {})])
def test_recurrent_layers_second_derivatives_match_pytorchs(cls, kwargs):
    torch = pytest.importorskip("torch")
    import nn
    theirs_layer = getattr(torch.nn, cls)(3, 4, **kwargs).double()
    ours_layer = getattr(nn, cls)(3, 4, **kwargs).double()
    ours_layer.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in theirs_layer.state_dict().items()})
    x0 = np.random.default_rng(5).standard_normal((2, 3) if cls.endswith("Cell") else (5, 2, 3))
    found = []
    for lib, layer in ((ag, ours_layer), (torch, theirs_layer)):
        x = lib.tensor(x0, requires_grad=True)
        if cls.endswith("Cell"):   # two steps, the second from the first's state
            state = layer(x)
            out = layer(x * 2, state)
        else:
            out = layer(x)
        out = out[0] if isinstance(out, tuple) else out
        g, = lib.autograd.grad((out ** 2).sum(), x, create_graph=True)
        (g * g).sum().backward()
        found.append([g.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in layer.parameters()])
    for mine, theirs in zip(*found):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("cls, kwargs", [("LSTM", {}), ("GRU", {}), ("RNN", {}),
                                         ("LSTM", {"bidirectional": True, "num_layers": 2}),
                                         ("GRU", {"bidirectional": True})])
def test_packed_recurrences_second_derivatives_match_pytorchs(cls, kwargs):
    """A packed batch of lengths 5, 3 and 2: the LSTM's padding steps keep c (held), and the double backward
    through the padded run equals PyTorch's for the input, the final states and every weight."""
    torch = pytest.importorskip("torch")
    import nn
    from nn.utils.rnn import pack_padded_sequence as ours_pack
    theirs_layer = getattr(torch.nn, cls)(3, 4, **kwargs).double()
    ours_layer = getattr(nn, cls)(3, 4, **kwargs).double()
    ours_layer.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in theirs_layer.state_dict().items()})
    x0 = np.random.default_rng(8).standard_normal((5, 3, 3))
    found = []
    for lib, layer, pack in ((ag, ours_layer, ours_pack), (torch, theirs_layer, torch.nn.utils.rnn.pack_padded_sequence)):
        x = lib.tensor(x0, requires_grad=True)
        out, state = layer(pack(x, [5, 3, 2]))
        states = state if isinstance(state, tuple) else (state,)
        loss = (out.data ** 2).sum() + sum((s.sin() * s).sum() for s in states)
        g, = lib.autograd.grad(loss, x, create_graph=True)
        (g * g).sum().backward()
        found.append([g.detach().numpy(), x.grad.numpy()] + [p.grad.numpy() for p in layer.parameters()])
    for mine, theirs in zip(*found):
        np.testing.assert_allclose(mine, theirs, rtol=1e-9, atol=1e-11)