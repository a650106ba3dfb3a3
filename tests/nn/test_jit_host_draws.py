"""Paths that computed step-dependent values as raw arrays (so an ag.jit capture baked them in) now run
through recorded ops: the Keras augmentation layers (random draws from their own generator, flip
indices, contrast factors, affine sampling grids), affine_transform with a transform computed in the
step, and Embedding(max_norm=...)'s in-place renormalisation. Every replay must equal eager mode bit
for bit while the inputs change between calls."""
import numpy as np
import pytest

import autograd as ag
import nn
from nn import keras
from nn.functional.affine_warp import affine_transform

LAYERS = {
    "flip": lambda: keras.layers.RandomFlip(seed=1),
    "flip horizontal": lambda: keras.layers.RandomFlip("horizontal", seed=1),
    "rotation": lambda: keras.layers.RandomRotation(0.2, seed=2),
    "zoom constant": lambda: keras.layers.RandomZoom(0.3, fill_mode="constant", fill_value=2.0, seed=3),
    "translation nearest": lambda: keras.layers.RandomTranslation(0.2, 0.1, interpolation="nearest", seed=4),
    "contrast": lambda: keras.layers.RandomContrast(0.5, value_range=(0, 1), seed=5),
}


def _batches(device, count=6, shape=(4, 7, 6, 3)):
    rng = np.random.default_rng(0)
    return [ag.tensor(rng.random(shape).astype(np.float32), device=device) for _ in range(count)]


def _run(step, batches, compile_it, modules=()):
    compiled = ag.jit(step, modules=modules) if compile_it else step
    results = [[t.numpy() for t in compiled(x)] for x in batches]
    if compile_it:
        assert compiled.replays == len(batches) - 2
    return results


def _assert_same(eager, jit):
    for k, (a_call, b_call) in enumerate(zip(eager, jit)):
        for j, (a, b) in enumerate(zip(a_call, b_call)):
            np.testing.assert_array_equal(a, b, err_msg=f"call {k}, output {j}")


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_augmentation_layers_draw_anew_on_every_replay(device, name):
    batches = _batches(device)
    results = {}
    for compile_it in (False, True):
        layer = LAYERS[name]()
        scale = ag.tensor(np.linspace(0.5, 1.5, 3).astype(np.float32), device=device, requires_grad=True)
        opt = nn.optim.SGD([scale], lr=0.1, momentum=0.9)

        def step(x):
            opt.zero_grad()
            out = layer(x * scale, training=True)
            loss = (out * out).mean()
            loss.backward()
            opt.step()
            return out.detach(), loss.detach(), scale.detach().clone()
        if compile_it and not ag.device(device).host_memory:
            with pytest.raises(ag.CaptureError, match=type(layer).__name__):
                _run(step, batches, True, modules=[layer])
            return
        results[compile_it] = _run(step, batches, compile_it, modules=[layer])
    _assert_same(results[False], results[True])
    outs = [r[0] for r in results[True]]
    assert not all(np.array_equal(outs[2], o) for o in outs[3:])   # the replays did not repeat one draw


@pytest.mark.parametrize("fill_mode,interpolation", [("reflect", "bilinear"), ("constant", "bilinear"),
                                                     ("wrap", "nearest"), ("nearest", "bilinear")])
def test_affine_transform_follows_a_transform_computed_in_the_step(device, fill_mode, interpolation):
    images = _batches(device, count=1)[0]
    rng = np.random.default_rng(1)
    angles = [ag.tensor(rng.uniform(-1, 1, 4), device=device) for _ in range(6)]
    boxes = [tuple(ag.tensor(v, device=device) for v in (rng.uniform(0, 2, 4), rng.uniform(0, 2, 4),
                                                         rng.uniform(3, 5, 4), rng.uniform(3, 4, 4)))
             for _ in range(6)]

    def step(angle, box):
        cos, sin = ag.cos(angle), ag.sin(angle)
        zeros = ag.zeros_like(angle)
        transform = ag.stack([cos, -sin, 3 - 3 * cos + 2.5 * sin, sin, cos, 2.5 - 3 * sin - 2.5 * cos,
                              zeros, zeros], 1)
        out = affine_transform(images, transform, interpolation, fill_mode, 7.0, output_size=(5, 8),
                               source_box=box)
        return (out,)
    eager = [[t.numpy() for t in step(a, b)] for a, b in zip(angles, boxes)]
    compiled = ag.jit(step)
    jit = [[t.numpy() for t in compiled(a, b)] for a, b in zip(angles, boxes)]
    assert compiled.replays == 4
    _assert_same(eager, jit)


def test_affine_transform_refuses_projective_tensor_transforms():
    transform = ag.tensor(np.array([[1, 0, 0, 0, 1, 0, 0.1, 0]], dtype=np.float64))
    with pytest.raises(ValueError, match="projective"):
        affine_transform(ag.zeros(1, 3, 3, 1), transform)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_embedding_max_norm_renormalises_each_replays_rows(device, norm_type):
    rng = np.random.default_rng(0)
    index_batches = [ag.tensor(rng.integers(0, 12, (3, 5)), device=device) for _ in range(7)]
    results = {}
    for compile_it in (False, True):
        ag.manual_seed(0)
        embedding = nn.Embedding(12, 4, max_norm=1.5, norm_type=norm_type).to(device)
        with ag.no_grad():
            embedding.weight.mul_(3.0)   # most rows start above max_norm
        head = nn.Linear(4, 2).to(device)
        opt = nn.optim.Adam(list(embedding.parameters()) + list(head.parameters()), lr=0.05)

        def step(indices):
            opt.zero_grad()
            loss = head(embedding(indices)).square().mean()
            loss.backward()
            opt.step()
            return loss.detach(), embedding.weight.detach().clone()
        results[compile_it] = _run(step, index_batches, compile_it, modules=[embedding, head])
    _assert_same(results[False], results[True])
    tables = [r[1] for r in results[True]]
    assert not np.array_equal(tables[-2], tables[-1])


def test_index_tensors_computed_in_the_step_follow_each_replay(device):
    """x[rows, cols] and out-of-graph t[index] = v with index tensors made in the step (an argmax, a
    comparison) are recomputed by every replay, gradients included."""
    rng = np.random.default_rng(2)
    inputs = [ag.tensor(rng.standard_normal((5, 4)).astype(np.float32), device=device) for _ in range(6)]
    results = {}
    for compile_it in (False, True):
        w = ag.tensor(np.linspace(-1, 1, 4).astype(np.float32), device=device, requires_grad=True)
        opt = nn.optim.SGD([w], lr=0.1)

        def step(x):
            opt.zero_grad()
            h = x * w
            picked = h[ag.arange(5, device=device), h.argmax(1)]     # the largest entry of each row
            loss = picked.sum() + h[:, (x[0] > 0).long()].sum()
            loss.backward()
            opt.step()
            marks = x * 0   # an op result (ag.zeros in a step is a constant of the capture)
            marks[ag.arange(5, device=device), x.argmin(1)] = 1.0
            return loss.detach(), marks, w.detach().clone()
        results[compile_it] = _run(step, inputs, compile_it)
    _assert_same(results[False], results[True])


def test_a_boolean_mask_made_in_the_step_is_refused_at_capture():
    x = ag.randn(6)
    compiled = ag.jit(lambda t: (t[t > 0].sum(),))
    compiled(x)
    with pytest.raises(ag.CaptureError, match=r"boolean mask \(x\[mask\]\)"):
        compiled(x)


def test_instance_norm_running_statistics_update_on_every_replay(device):
    """InstanceNorm(track_running_stats=True) writes its running statistics with arrays.assign_, which a
    capture records, so replays keep updating them as eager mode does."""
    rng = np.random.default_rng(3)
    inputs = [ag.tensor(rng.standard_normal((2, 3, 5)).astype(np.float32), device=device) for _ in range(6)]
    results = {}
    for compile_it in (False, True):
        norm = nn.InstanceNorm1d(3, track_running_stats=True).to(device)

        def step(x):
            return norm(x), norm.running_mean.clone(), norm.running_var.clone()
        results[compile_it] = _run(step, inputs, compile_it, modules=[norm])
    _assert_same(results[False], results[True])
