"""ag.jit replays equal eager mode for the nn functions and layers the PyTorch oracle tests cover: each entry
runs as a compiled step on four different inputs (eager, capture, two replays), with backward of a fixed
cotangent, and outputs, input and parameter gradients and buffers (running statistics) must match eager
mode bit for bit. Masks, offsets and padding indices are step inputs too, so a replay must read each call's."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
from tests.helpers import rand
from tests.jit_replay import assert_replays_equal_eager
from tests.nn.layer_table import LAYERS, LOSSES, example_inputs, loss_arrays
from tests.nn.test_3d_layers import CONV as CONV3D
from tests.nn.test_3d_layers import POOL as POOL3D
from tests.nn.test_activations import CASES as ACTIVATIONS
from tests.nn.test_adaptive_pooling import CASES_1D as ADAPTIVE_1D
from tests.nn.test_adaptive_pooling import CASES_2D as ADAPTIVE_2D
from tests.nn.test_attention import MASKS, SDPA_CASES, E, H, L, N, S
from tests.nn.test_conv import CONV2D_CASES
from tests.nn.test_conv_padding_mode import CASES as PADDING_MODES
from tests.nn.test_fold_unpool_lppool import FOLD_ARGS
from tests.nn.test_interpolate_bicubic import SIZES as BICUBIC_SIZES
from tests.nn.test_losses import GRADCHECKED as LOSS_CALLS
from tests.nn.test_padding import CASES as PADDINGS
from tests.nn.test_upsampling import MODES as RESIZE_MODES
from tests.nn.test_upsampling import SIZES as RESIZE_SIZES


def _stateful(build, call, device="cpu"):
    """fresh_state for assert_replays_equal_eager: the same module (seeded) for the eager and compiled runs;
    the extra state compared after each call is its parameters' gradients and its buffers."""
    def fresh():
        ag.manual_seed(0)
        module = build().to(device)

        def step_call(*xs):
            module.zero_grad()
            return call(module, *xs)

        def state():
            return [p.grad for p in module.parameters()] + [b for _, b in module.named_buffers()]
        return step_call, state
    return fresh


@pytest.mark.parametrize("case", ACTIVATIONS, ids=[c[0] for c in ACTIVATIONS])
def test_activations(case):
    _, name, kwargs, _ = case
    x = np.random.default_rng(0).uniform(-6, 6, size=(4, 5))
    assert_replays_equal_eager(lambda t: getattr(F, name)(t, **kwargs), [x])


@pytest.mark.parametrize("name", sorted(LOSS_CALLS))
def test_loss_functions(name):
    call, arrays = LOSS_CALLS[name]
    assert_replays_equal_eager(call, arrays)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_loss_modules(name, reduction):
    x, target = loss_arrays(name, 4)
    assert_replays_equal_eager(lambda a, b: LOSSES[name][0](reduction=reduction)(a, b), [x, target])


@pytest.mark.parametrize("name", sorted(LAYERS))
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_layers(name, mode):
    def build():
        layer = LAYERS[name][0]().to(ag.float64)
        return layer.train(mode == "train")
    arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in example_inputs(name, 3)]
    assert_replays_equal_eager(None, arrays, fresh_state=_stateful(build, lambda m, *xs: m(*xs)))


@pytest.mark.parametrize("case", sorted(SDPA_CASES))
def test_scaled_dot_product_attention(case):
    qs, ks, vs, mask, kwargs = SDPA_CASES[case]
    arrays = [rand(qs, seed=10), rand(ks, seed=11), rand(vs, seed=12)] + ([] if mask is None else [mask])
    assert_replays_equal_eager(lambda q, k, v, m=None: F.scaled_dot_product_attention(q, k, v, attn_mask=m, **kwargs),
                               arrays)


@pytest.mark.parametrize("mask", sorted(MASKS))
@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_masks(mask, need_weights):
    names = sorted(MASKS[mask])
    arrays = [rand((N, L, E), seed=1), rand((N, S, E), seed=2), rand((N, S, E), seed=3)] + \
        [MASKS[mask][k] for k in names]

    def call(m, q, k, v, *masks):
        return m(q, k, v, need_weights=need_weights, **dict(zip(names, masks)))
    assert_replays_equal_eager(None, arrays, fresh_state=_stateful(
        lambda: nn.MultiheadAttention(E, H, batch_first=True).to(ag.float64), call))


@pytest.mark.parametrize("kwargs", CONV2D_CASES, ids=str)
def test_conv2d(kwargs):
    arrays = [rand((2, 4, 7, 6), seed=1), rand((8, 4 // kwargs.get("groups", 1), 3, 2), seed=2), rand((8,), seed=3)]
    assert_replays_equal_eager(lambda x, w, b: F.conv2d(x, w, b, **kwargs), arrays)


@pytest.mark.parametrize("mode,shape,pad", PADDINGS, ids=str)
def test_padding(mode, shape, pad):
    assert_replays_equal_eager(lambda x: F.pad(x, pad, mode=mode), [rand(shape, seed=1)])


@pytest.mark.parametrize("kwargs", BICUBIC_SIZES, ids=str)
@pytest.mark.parametrize("align_corners", [False, True])
def test_bicubic_interpolation(kwargs, align_corners):
    assert_replays_equal_eager(lambda x: F.interpolate(x, mode="bicubic", align_corners=align_corners, **kwargs),
                               [rand((2, 3, 4, 4), seed=1)])



@pytest.mark.parametrize("args,kwargs,shape", CONV3D, ids=str)
def test_conv3d_layers(args, kwargs, shape):
    assert_replays_equal_eager(None, [rand(shape, seed=1)], fresh_state=_stateful(
        lambda: nn.Conv3d(*args, **kwargs).to(ag.float64), lambda m, x: m(x)))


@pytest.mark.parametrize("kwargs", POOL3D, ids=str)
def test_max_pool3d_indices(kwargs):
    """The indices are step values (computed on the host, they used to stop the capture): reading the input
    at them must follow each call's maxima."""
    def call(x):
        out, indices = F.max_pool3d(x, return_indices=True, **kwargs)
        return out, indices, ag.gather(x.flatten(2), 2, indices.flatten(2))
    assert_replays_equal_eager(call, [rand((2, 3, 7, 6, 5), seed=5)])


@pytest.mark.parametrize("shape,size", ADAPTIVE_2D + ADAPTIVE_1D, ids=str)
def test_adaptive_pooling(shape, size):
    pool = F.adaptive_max_pool2d if isinstance(size, tuple) or len(shape) == 4 else F.adaptive_max_pool1d
    average = F.adaptive_avg_pool2d if pool is F.adaptive_max_pool2d else F.adaptive_avg_pool1d
    assert_replays_equal_eager(lambda x: pool(x, size, return_indices=True) + (average(x, size),), [rand(shape)])


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "zeros"])
@pytest.mark.parametrize("layer,torch_name,shape,kwargs", PADDING_MODES, ids=str)
def test_conv_padding_modes(mode, layer, torch_name, shape, kwargs):
    channels = shape[1] if len(shape) == {"Conv1d": 3, "Conv2d": 4, "Conv3d": 5}[torch_name] else shape[0]
    assert_replays_equal_eager(None, [rand(shape, seed=2)], fresh_state=_stateful(
        lambda: layer(channels, 4, padding_mode=mode, **kwargs).to(ag.float64), lambda m, x: m(x)))


@pytest.mark.parametrize("kwargs", FOLD_ARGS, ids=str)
def test_unfold_fold_and_max_unpool2d(kwargs):
    def call(x):
        cols = F.unfold(x, **kwargs)
        out, indices = F.max_pool2d(x, 2, return_indices=True)
        return cols, F.fold(cols, x.shape[2:], **kwargs), F.max_unpool2d(out, indices, 2, output_size=x.shape[2:])
    assert_replays_equal_eager(call, [rand((2, 3, 7, 6), seed=3)])


@pytest.mark.parametrize("kwargs", RESIZE_SIZES[::2], ids=str)
@pytest.mark.parametrize("mode,ndim", RESIZE_MODES, ids=str)
def test_interpolation_modes(mode, ndim, kwargs):
    corners = None if mode in ("nearest", "nearest-exact", "area") else True
    assert_replays_equal_eager(lambda x: F.interpolate(x, mode=mode, align_corners=corners, **kwargs),
                               [rand((2, 3) + (5,) * (ndim - 2), seed=3)])

R = np.random.default_rng(5)


def _calls(*makers):
    """arrays(k) for assert_replays_equal_eager: call k's inputs from one maker per input (rng -> array)."""
    calls = []
    for k in range(4):
        rng = np.random.default_rng(100 + k)
        calls.append([make(rng) for make in makers])
    return lambda k: calls[k]


def _floats(*shape):
    return lambda rng: rng.standard_normal(shape)


def _ints(low, high, *shape):
    return lambda rng: rng.integers(low, high, shape)


def _offsets(total, bags):
    """Sorted bag starts from 0, some bags empty: different lengths on every call."""
    return lambda rng: np.concatenate([[0], np.sort(rng.integers(0, total + 1, bags - 1))]).astype(np.int64)


# Losses and lookups whose targets, labels or indices are step inputs: a replay must use each call's.
TARGETS_AS_INPUTS = {
    "hinge_loss 0/1": (lambda x, y: F.hinge_loss(x, y), [_floats(3, 4), _ints(0, 2, 3, 4)]),
    "hinge_loss -1/1": (lambda x, y: F.hinge_loss(x, y * 2 - 1, reduction="none"), [_floats(3, 4), _ints(0, 2, 3, 4)]),
    "nll_loss weight ignore": (lambda x, y: F.nll_loss(F.log_softmax(x, 1), y, weight=np.array([1.0, 2.0, 0.5]),
                                                       ignore_index=1), [_floats(5, 3), _ints(0, 3, 5)]),
    "cross_entropy smoothing": (lambda x, y: F.cross_entropy(x, y, label_smoothing=0.2, reduction="sum"),
                                [_floats(5, 3), _ints(0, 3, 5)]),
    "cross_entropy 2-D targets": (lambda x, y: F.cross_entropy(x, y, weight=np.array([1.0, 2.0, 0.5])),
                                  [_floats(2, 3, 4), _ints(0, 3, 2, 4)]),
    "multi_margin_loss": (lambda x, y: F.multi_margin_loss(x, y, p=2,
                                                        weight=ag.tensor([1.0, 2.0, 0.5], device=x.device)),
                          [_floats(5, 3), _ints(0, 3, 5)]),
    "gaussian_nll_loss": (lambda x, t, v: F.gaussian_nll_loss(x, t, v.abs() + 0.1, full=True),
                          [_floats(4, 3), _floats(4, 3), _floats(4, 3)]),
    "multilabel_soft_margin_loss": (lambda x, y: F.multilabel_soft_margin_loss(x, y.double()),
                                    [_floats(4, 3), _ints(0, 2, 4, 3)]),
    "margin_ranking_loss": (lambda a, b, y: F.margin_ranking_loss(a, b, y * 2 - 1, margin=0.1),
                            [_floats(6), _floats(6), _ints(0, 2, 6)]),
    "cosine_embedding_loss": (lambda a, b, y: F.cosine_embedding_loss(a, b, y * 2 - 1, margin=0.2),
                              [_floats(4, 3), _floats(4, 3), _ints(0, 2, 4)]),
    "embedding padding_idx": (lambda i, w: F.embedding(i, w, padding_idx=0), [_ints(0, 4, 2, 3), _floats(4, 3)]),
    "one_hot": (lambda i, w: F.one_hot(i, 4).double() @ w, [_ints(0, 4, 5), _floats(4, 3)]),
    "embedding_bag 2-D": (lambda i, w: F.embedding_bag(i, w, mode="max"), [_ints(0, 5, 3, 4), _floats(5, 2)]),
}


@pytest.mark.parametrize("name", sorted(TARGETS_AS_INPUTS))
def test_targets_and_indices_are_step_inputs(name):
    call, makers = TARGETS_AS_INPUTS[name]
    assert_replays_equal_eager(call, _calls(*makers))


def test_a_model_reached_through_a_helper_function_is_found():
    """The step only names a helper that closes over the model: its zero_grad, BatchNorm statistics and
    train/eval flag are still the jit's to replay and guard (they used to be missed: gradients accumulated)."""
    def make():
        ag.manual_seed(0)
        model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).to(ag.float64)

        def forward(x):
            model.zero_grad()
            out = model(x)
            if model.training:
                out.sum().backward()
            return out
        return model, (lambda x: forward(x))

    runs = []
    for compiled in (False, True):
        model, step = make()
        step = ag.jit(step) if compiled else step
        run = []
        for k in range(8):
            model.train(k < 5)
            out = step(ag.tensor(np.random.default_rng(k).standard_normal((5, 3))))
            run.append([out.detach().numpy().copy(), model[1].running_mean.numpy().copy()]
                       + [p.grad.numpy().copy() for p in model.parameters() if p.grad is not None])
        runs.append(run)
    for k, (eager, jit) in enumerate(zip(*runs)):
        assert len(eager) == len(jit)
        for e, j in zip(eager, jit):
            np.testing.assert_array_equal(e, j, err_msg=f"call {k}")


def _padding_mask(lengths, total):
    """True past each sequence's length: a key padding mask computed in the step from a lengths input."""
    return ag.arange(total, device=lengths.device) >= lengths[:, None]


# Layers with buffers, options and masks computed in the step: (build, call(module, *tensors), input makers)
BUFFERED = {
    "BatchNorm1d momentum=None": (lambda: nn.BatchNorm1d(3, momentum=None), lambda m, x: m(x), [_floats(4, 3)]),
    "BatchNorm2d no affine": (lambda: nn.BatchNorm2d(2, affine=False), lambda m, x: m(x), [_floats(2, 2, 3, 3)]),
    "InstanceNorm1d running stats": (lambda: nn.InstanceNorm1d(2, affine=True, track_running_stats=True),
                                     lambda m, x: m(x), [_floats(3, 2, 5)]),
    "GroupNorm": (lambda: nn.GroupNorm(2, 4), lambda m, x: m(x), [_floats(3, 4, 5)]),
    "LayerNorm 2 dims": (lambda: nn.LayerNorm((3, 4)), lambda m, x: m(x), [_floats(2, 3, 4)]),
    "Dropout": (lambda: nn.Dropout(0.3), lambda m, x: m(x), [_floats(4, 5)]),
    "Embedding padding_idx": (lambda: nn.Embedding(5, 3, padding_idx=2), lambda m, i: m(i), [_ints(0, 5, 3, 4)]),
    "Embedding max_norm": (lambda: nn.Embedding(6, 3, max_norm=1.5), lambda m, i: (m(i), m.weight * 1.0),
                           [_ints(0, 6, 2, 3)]),
    "Embedding scale_grad_by_freq": (lambda: nn.Embedding(6, 3, scale_grad_by_freq=True), lambda m, i: m(i),
                                     [_ints(0, 6, 2, 3)]),
    "EmbeddingBag 2-D sum": (lambda: nn.EmbeddingBag(5, 3, mode="sum"), lambda m, i: m(i), [_ints(0, 5, 3, 4)]),
    "EmbeddingBag 2-D padding_idx": (lambda: nn.EmbeddingBag(5, 3, mode="mean", padding_idx=1), lambda m, i: m(i),
                                     [_ints(0, 5, 3, 4)]),
    "EmbeddingBag 2-D padding_idx max": (lambda: nn.EmbeddingBag(5, 3, mode="max", padding_idx=0), lambda m, i: m(i),
                                         [_ints(0, 3, 3, 4)]),
    "EmbeddingBag offsets": (lambda: nn.EmbeddingBag(5, 3, mode="max"), lambda m, i, o: m(i, o),
                             [_ints(0, 5, 7), _offsets(7, 3)]),
    "MultiheadAttention padding from lengths": (
        lambda: nn.MultiheadAttention(E, H, batch_first=True),
        lambda m, x, n: m(x, x, x, key_padding_mask=_padding_mask(n, L), need_weights=True,
                          attn_mask=ag.triu(ag.ones(L, L, dtype=ag.bool, device=x.device), 1)),
        [_floats(N, L, E), _ints(1, L + 1, N)]),
    "TransformerEncoderLayer padding from the input": (
        lambda: nn.TransformerEncoderLayer(E, H, dim_feedforward=16, batch_first=True),
        lambda m, x: m(x, src_key_padding_mask=x[..., 0] > 1.0),
        [_floats(N, L, E)]),
}
# (entry, mode) pairs whose capture refuses with CaptureError, since the layer reads values on the host:
BUFFERED_REFUSED = {
    # EmbeddingBag lays a 1-D input's bags out as a (bags, longest bag) table read from the offsets: the
    # table's shape follows the offsets' values
    ("EmbeddingBag offsets", "train"), ("EmbeddingBag offsets", "eval"),
    # the cumulative average's factor 1 / num_batches_tracked is read with .item() and handed to the kernel
    # as a Python float (not by nature: the kernels would need the factor as an array)
    ("BatchNorm1d momentum=None", "train"),
}


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("name", sorted(BUFFERED))
def test_layers_with_buffers_and_step_masks(name, mode):
    build, call, makers = BUFFERED[name]

    def fresh():
        return build().to(ag.float64).train(mode == "train")
    if (name, mode) in BUFFERED_REFUSED:
        with pytest.raises(ag.CaptureError):
            assert_replays_equal_eager(None, _calls(*makers), fresh_state=_stateful(fresh, call))
        return
    assert_replays_equal_eager(None, _calls(*makers), fresh_state=_stateful(fresh, call))


# On the other devices, a sample (every entry runs on cpu above): losses with targets as step inputs, layers
# with parameters, recurrences and buffers, attention with masks computed in the step
DEVICE_TARGETS = ["nll_loss weight ignore", "cross_entropy smoothing", "cross_entropy 2-D targets", "hinge_loss 0/1",
                  "embedding padding_idx", "gaussian_nll_loss"]
DEVICE_LAYERS = ["Linear", "Conv2d", "BatchNorm2d", "LSTM", "GRU", "LayerNorm", "GroupNorm", "Embedding", "MaxPool2d",
                 "Dropout"]
DEVICE_BUFFERED = ["InstanceNorm1d running stats", "MultiheadAttention padding from lengths",
                   "TransformerEncoderLayer padding from the input"]


@pytest.mark.parametrize("name", DEVICE_TARGETS)
def test_targets_sample_on_each_device(device, name):
    if device == "cpu":
        pytest.skip("every entry runs on cpu in the tests above")
    call, makers = TARGETS_AS_INPUTS[name]
    assert_replays_equal_eager(call, _calls(*makers), device)


@pytest.mark.parametrize("name", DEVICE_LAYERS)
def test_layers_sample_on_each_device(device, name):
    if device == "cpu":
        pytest.skip("every entry runs on cpu in the tests above")
    arrays = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in example_inputs(name, 3)]
    assert_replays_equal_eager(None, arrays, device, fresh_state=_stateful(
        lambda: LAYERS[name][0]().to(ag.float64), lambda m, *xs: m(*xs), device))


@pytest.mark.parametrize("name", DEVICE_BUFFERED)
def test_buffered_sample_on_each_device(device, name):
    if device == "cpu":
        pytest.skip("every entry runs on cpu in the tests above")
    build, call, makers = BUFFERED[name]
    assert_replays_equal_eager(None, _calls(*makers), device, fresh_state=_stateful(
        lambda: build().to(ag.float64), call, device))


def test_an_optimizer_used_in_a_helper_function_steps_on_every_replay():
    """The step only calls a helper that uses the model and optimiser: replays must still run opt.step()
    (they used to skip it, since neither was discovered: the loss stopped falling after the capture)."""
    losses = {}
    for compiled in (False, True):
        ag.manual_seed(0)
        model = nn.Linear(3, 2)
        opt = nn.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

        def train(x, y):
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss

        step = (lambda x, y: train(x, y))
        step = ag.jit(step) if compiled else step
        rng = np.random.default_rng(0)
        losses[compiled] = [step(ag.tensor(rng.standard_normal((4, 3)).astype(np.float32)),
                                 ag.tensor(rng.standard_normal((4, 2)).astype(np.float32))).numpy().copy()
                            for _ in range(6)]
    np.testing.assert_array_equal(losses[True], losses[False])
