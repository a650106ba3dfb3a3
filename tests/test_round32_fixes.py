"""Regressions for the differences from PyTorch that round 32 found while writing its programs
(tests/test_pytorch_programs_round32.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import check_gradcheck, require_torch

RNG = np.random.default_rng(32)
X4 = RNG.standard_normal((2, 3, 7, 7))
SAMPLES = RNG.uniform(size=(2, 3, 2))
SAMPLES3 = RNG.uniform(size=(1, 2, 3))


def _fractional_names(lib, functional):
    x = lib.tensor(X4, requires_grad=True)
    s = lib.tensor(SAMPLES)
    batched = functional.fractional_max_pool2d(x, 2, output_size=(4, 3), _random_samples=s)
    single, _ = functional.fractional_max_pool2d(x[0], 2, output_size=3, return_indices=True,
                                                 _random_samples=s[:1])
    v = lib.tensor(RNG.standard_normal((1, 2, 5, 5, 5)), requires_grad=True)
    three = functional.fractional_max_pool3d(v, 2, output_size=2, _random_samples=lib.tensor(SAMPLES3))
    return batched.grad_fn.name(), single.grad_fn.name(), three.grad_fn.name()


def test_fractional_max_pool_shows_pytorchs_one_node_batched_or_not():
    # PyTorch: FractionalMaxPool2DBackward0 / FractionalMaxPool3DBackward0 (deepgrad showed its gather's ViewBackward0)
    expected = ("FractionalMaxPool2DBackward0", "FractionalMaxPool2DBackward0", "FractionalMaxPool3DBackward0")
    assert _fractional_names(ag, F) == expected
    torch = require_torch()
    import torch.nn.functional as TF
    assert _fractional_names(torch, TF) == expected


def test_fractional_max_pool_gradient_still_checks():
    s = ag.tensor(SAMPLES)
    check_gradcheck(lambda x: F.fractional_max_pool2d(x, 2, output_size=(4, 3), _random_samples=s), [X4[:, :, :5, :5]])


def _reduction_fields(lib):
    x = lib.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    out = []
    for y in (x.sum(-1), x.sum((0, 1), keepdim=True), x.sum(), x.mean(1), x.mean(-1, keepdim=True), x.mean()):
        node = y.grad_fn
        fields = sorted(a for a in dir(node) if a.startswith("_saved_"))
        out.append((node.name(), [(f, getattr(node, f)) for f in fields]))
    return out


def test_sum_and_mean_nodes_show_their_saved_dims_flags_and_sizes():
    ours = _reduction_fields(ag)
    assert ours[0] == ("SumBackward1", [("_saved_dim", (2 ** 64 - 1,)), ("_saved_keepdim", False),
                                        ("_saved_self_sym_sizes", (2, 3))])
    assert ours[3] == ("MeanBackward1", [("_saved_dim", (1,)), ("_saved_keepdim", False),
                                         ("_saved_self_sym_numel", 6), ("_saved_self_sym_sizes", (2, 3))])
    torch = require_torch()
    assert ours == _reduction_fields(torch)


def _queued(lib):
    log = []
    w = lib.tensor([1.0, 2.0], requires_grad=True)

    def hook(g):
        lib.autograd.Variable._execution_engine.queue_callback(lambda: log.append(("callback", w.grad is not None)))
        log.append("hook")
        return g
    w.register_hook(hook)
    (w * 3).sum().backward()
    log.append("after")
    return log


def test_queue_callback_through_variables_execution_engine_runs_after_the_pass():
    # FSDP-style code reaches the engine as torch.autograd.Variable._execution_engine
    assert _queued(ag) == ["hook", ("callback", True), "after"]
    torch = require_torch()
    assert _queued(torch) == _queued(ag)


def _dirty_versions(lib):
    class Twice(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            x.add_(1)
            x.mul_(2)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Touch(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    a = lib.tensor([1.0, -1.0], requires_grad=True).clone()
    versions = [a._version]
    Touch.apply(a)
    versions.append(a._version)
    out = Twice.apply(a)
    versions.append(a._version)
    out.sum().backward()
    return versions, out is a


def test_in_place_changes_in_a_custom_functions_forward_count_on_the_callers_tensor():
    # PyTorch's forward gets the caller's tensor itself: its two in-place ops and mark_dirty's bump give 1 + 3
    assert _dirty_versions(ag) == ([0, 1, 4], True)
    torch = require_torch()
    assert _dirty_versions(torch) == _dirty_versions(ag)


def _optimizer_hook_log(optim, lib):
    w = (nn.Parameter if lib is ag else lib.nn.Parameter)(lib.tensor([1.0, 2.0]))
    opt = optim.NAdam([w], lr=0.1)
    log = []
    opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre"))
    opt.register_state_dict_pre_hook(lambda o: log.append("sd_pre_first"), prepend=True)

    def post(o, sd):
        log.append("sd_post")
        sd["extra"] = 1
    opt.register_state_dict_post_hook(post)

    def load_pre(o, sd):
        log.append(("load_pre", sd.get("extra")))
        sd = dict(sd)
        sd.pop("extra")
        sd["param_groups"] = [dict(g, lr=0.5) for g in sd["param_groups"]]
        return sd
    handle = opt.register_load_state_dict_pre_hook(load_pre)
    opt.register_load_state_dict_post_hook(lambda o: log.append("load_post"))
    (w ** 2).sum().backward()
    opt.step()
    sd = opt.state_dict()
    opt.load_state_dict(sd)
    lr = opt.param_groups[0]["lr"]
    handle.remove()
    opt.load_state_dict(opt.state_dict())
    return log, lr, sorted(sd)


def test_optimizer_state_dict_hooks_run_once_around_a_subclasss_own_load():
    # NAdam's load_state_dict calls the base's: the hooks run once, the pre hook sees the user's dict and its
    # returned dict is what loads
    ours = _optimizer_hook_log(nn.optim, ag)
    assert ours == (["sd_pre_first", "sd_pre", "sd_post", ("load_pre", 1), "load_post", "sd_pre_first", "sd_pre",
                     "sd_post", "load_post"], 0.5, ["extra", "param_groups", "state"])
    torch = require_torch()
    assert _optimizer_hook_log(torch.optim, torch) == ours


def test_sparse_embedding_refuses_scale_grad_by_freq_at_backward_as_pytorch():
    emb = nn.Embedding(5, 2, sparse=True, scale_grad_by_freq=True)
    out = emb(ag.tensor([0, 1, 1]))   # forward runs, as PyTorch's
    with pytest.raises(RuntimeError, match="^embedding_backward: scale_grad_by_freq not supported with sparse"):
        out.sum().backward()
    torch = require_torch()
    t_emb = torch.nn.Embedding(5, 2, sparse=True, scale_grad_by_freq=True)
    with pytest.raises(RuntimeError, match="^embedding_backward: scale_grad_by_freq not supported with sparse"):
        t_emb(torch.tensor([0, 1, 1])).sum().backward()


def test_sparse_embedding_without_frequency_scaling_still_gives_a_sparse_gradient():
    emb = nn.Embedding(5, 2, sparse=True, padding_idx=0)
    emb(ag.tensor([0, 1, 1, 3])).sum().backward()
    grad = emb.weight.grad.coalesce()
    assert grad.indices().tolist() == [[1, 3]]
    np.testing.assert_array_equal(grad.values().numpy(), [[2.0, 2.0], [1.0, 1.0]])


def test_max_embedding_bag_refuses_sparse_weights_as_pytorch():
    with pytest.raises(ValueError, match="max mode does not support sparse weights"):
        F.embedding_bag(ag.tensor([[0, 1]]), ag.randn(3, 2), mode="max", sparse=True)
    torch = require_torch()
    with pytest.raises(ValueError, match="^max mode does not support sparse weights"):
        torch.nn.functional.embedding_bag(torch.tensor([[0, 1]]), torch.randn(3, 2), mode="max", sparse=True)


def _rrelu_double_backward_name(lib, functional):
    x = lib.tensor(RNG.standard_normal(5), requires_grad=True)
    (g,) = lib.autograd.grad(functional.rrelu(x, 0.1, 0.3, training=False).pow(2).sum(), x, create_graph=True)
    return g.grad_fn.name()


def test_rrelu_in_eval_shows_pytorchs_double_backward_node():
    assert _rrelu_double_backward_name(ag, F) == "RreluWithNoiseBackwardBackward0"
    torch = require_torch()
    import torch.nn.functional as TF
    assert _rrelu_double_backward_name(torch, TF) == "RreluWithNoiseBackwardBackward0"


def test_rrelu_in_eval_second_derivative_still_checks():
    x = RNG.standard_normal(6)
    x[np.abs(x) < 0.1] = 0.5   # away from the kink
    check_gradcheck(lambda t: F.rrelu(t, 0.1, 0.3, training=False).pow(3), [x])


def _stft_names(lib):
    window = lib.hann_window(16, dtype=lib.float64)
    single = lib.stft(lib.tensor(RNG.standard_normal(64), requires_grad=True), 16, window=window, return_complex=True)
    batch = lib.stft(lib.tensor(RNG.standard_normal((2, 64)), requires_grad=True), 16, window=window,
                     return_complex=True)
    return single.grad_fn.name(), batch.grad_fn.name()


def test_stft_shows_pytorchs_in_place_transpose_and_squeeze_nodes():
    assert _stft_names(ag) == ("SqueezeBackward4", "TransposeBackward1")
    torch = require_torch()
    assert _stft_names(torch) == ("SqueezeBackward4", "TransposeBackward1")


def _view_fields(lib):
    x = lib.tensor(RNG.standard_normal((2, 3)), requires_grad=True)
    out = []
    for y in (x.view(3, 2), x.reshape(6), x.expand(4, 2, 3), x.reshape(3, -1).view(-1), x.t().reshape(6)):
        node = y.grad_fn
        fields = sorted(a for a in dir(node) if a.startswith("_saved_"))
        out.append((node.name(), [(f, getattr(node, f)) for f in fields]))
    return out


def test_view_and_expand_nodes_show_the_input_sizes_they_saved():
    ours = _view_fields(ag)
    assert ours[2] == ("ExpandBackward0", [("_saved_self_sym_sizes", (2, 3))])
    assert ours[4] == ("UnsafeViewBackward0", [("_saved_self_sym_sizes", (3, 2))])
    torch = require_torch()
    assert ours == _view_fields(torch)


def _sdpa_names(lib, functional, attention):
    q = lib.tensor(RNG.standard_normal((1, 2, 3, 4)), requires_grad=True)
    names = []
    for backends in ([attention.SDPBackend.MATH], [attention.SDPBackend.MATH, attention.SDPBackend.FLASH_ATTENTION],
                     [attention.SDPBackend.MATH, attention.SDPBackend.EFFICIENT_ATTENTION]):
        with attention.sdpa_kernel(backends):
            names.append(functional.scaled_dot_product_attention(q, q, q).grad_fn.name())
    names.append(functional.scaled_dot_product_attention(q, q, q).grad_fn.name())
    return names


def test_sdpa_kernel_without_flash_shows_the_math_paths_node():
    # PyTorch's CPU dispatch runs the math path when sdpa_kernel leaves FLASH_ATTENTION out: its last node is a reshape
    import nn.attention
    expected = ["UnsafeViewBackward0", "ScaledDotProductFlashAttentionForCpuBackward0", "UnsafeViewBackward0",
                "ScaledDotProductFlashAttentionForCpuBackward0"]
    assert _sdpa_names(ag, F, nn.attention) == expected
    torch = require_torch()
    import torch.nn.attention
    import torch.nn.functional as TF
    assert _sdpa_names(torch, TF, torch.nn.attention) == expected


def test_strict_autograd_functional_refusal_begins_with_pytorchs_sentence():
    from autograd.autograd.functional import jacobian
    sentence = "^Output 0 of the user-provided function does not require gradients. The outputs must be computed"
    with pytest.raises(RuntimeError, match=sentence):
        jacobian(lambda a: a.detach() * 2, ag.ones(3), strict=True)
    torch = require_torch()
    with pytest.raises(RuntimeError, match=sentence):
        torch.autograd.functional.jacobian(lambda a: a.detach() * 2, torch.ones(3), strict=True)
