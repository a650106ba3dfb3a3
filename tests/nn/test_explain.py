"""nn.explain: Integrated Gradients, SmoothGrad, Grad-CAM and SHAP values checked against what each
must equal on models simple enough to work out by hand."""
import sys

import numpy as np
import pytest

import autograd as ag
import nn
from nn import explain


def _linear(device, n_in=5, n_out=3):
    ag.manual_seed(0)
    return nn.Linear(n_in, n_out).to(device)


def _small_cnn(device):
    ag.manual_seed(1)
    return nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 6, 3), nn.Tanh(),
                         nn.Flatten(), nn.Linear(6, 3)).to(device)


class Squares(nn.Module):
    """score = sum of the squared inputs: its gradient 2x is known everywhere."""

    def forward(self, x):
        return (x * x).reshape(x.shape[0], -1).sum(1)


@pytest.mark.parametrize("method", ["gausslegendre", "riemann_trapezoid"])
def test_integrated_gradients_of_a_linear_model_is_the_weights_times_the_distance(device, method):
    model = _linear(device)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    baseline = rng.standard_normal(5).astype(np.float32)
    w = model.weight.numpy()
    target = [0, 2, 1, 1]
    ig, error = explain.integrated_gradients(model, x, target=target, baseline=baseline, steps=7, method=method,
                                             return_error=True)
    assert isinstance(ig, np.ndarray) and ig.shape == x.shape
    np.testing.assert_allclose(ig, (x - baseline) * w[target], rtol=1e-5, atol=1e-6)
    assert np.abs(error).max() < 1e-5
    # a Tensor input on the device, the zero baseline, the predicted class, batches of one point
    predicted = (x @ w.T + model.bias.numpy()).argmax(1)
    ig_zero = explain.integrated_gradients(model, ag.tensor(x, device=device), steps=3, method=method, batch_size=1)
    np.testing.assert_allclose(ig_zero, x * w[predicted], rtol=1e-5, atol=1e-6)
    assert model.weight.grad is None


def test_integrated_gradients_is_complete_on_a_small_cnn(device):
    model = _small_cnn(device)
    x = np.random.default_rng(2).standard_normal((5, 1, 8, 8)).astype(np.float32) * 3
    baseline = np.zeros((1, 8, 8), np.float32)
    # ReLU and max pooling bend the path: 512 Gauss-Legendre points bring the sum within 1% of the change
    ig, error = explain.integrated_gradients(model, x, target=1, baseline=baseline, steps=512, return_error=True)
    with ag.no_grad():
        scores = model(ag.tensor(x, device=device)).numpy()[:, 1]
        base = model(ag.tensor(np.broadcast_to(baseline, x.shape).copy(), device=device)).numpy()[:, 1]
    change = scores.astype(np.float64) - base
    summed = ig.reshape(5, -1).astype(np.float64).sum(1)
    np.testing.assert_allclose(error, summed - change, atol=1e-5)
    assert np.all(np.abs(error) <= 0.01 * np.abs(change))
    batched = explain.integrated_gradients(model, x, target=1, baseline=baseline, steps=512, batch_size=300)
    np.testing.assert_allclose(batched, ig, rtol=1e-4, atol=1e-6)


def test_integrated_gradients_rejects_bad_arguments():
    model = _linear("cpu")
    x = np.zeros((2, 5), np.float32)
    with pytest.raises(ValueError, match=r"baseline shape \(3,\) fits neither one example \(5,\)"):
        explain.integrated_gradients(model, x, baseline=np.zeros(3))
    with pytest.raises(ValueError, match="method must be one of gausslegendre, riemann_trapezoid"):
        explain.integrated_gradients(model, x, method="simpson")
    with pytest.raises(ValueError, match="'riemann_trapezoid' needs steps >= 2"):
        explain.integrated_gradients(model, x, steps=1, method="riemann_trapezoid")
    with pytest.raises(TypeError, match="inputs must be floating point"):
        explain.integrated_gradients(model, np.zeros((2, 5), np.int64))
    with pytest.raises(ValueError, match="target 3 is outside classes 0-2"):
        explain.integrated_gradients(model, x, target=3)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        explain.integrated_gradients(model, x, batch_size=0)


def test_smoothgrad_averages_the_gradient_over_noisy_copies(device):
    model = _linear(device)
    x = np.random.default_rng(3).standard_normal((3, 5)).astype(np.float32)
    # a linear model's gradient ignores the noise
    np.testing.assert_allclose(explain.smoothgrad(model, x, target=2, n_samples=4, seed=0),
                               np.broadcast_to(model.weight.numpy()[2], x.shape), rtol=1e-6)
    # score = sum x^2: E[2 (x + e)] = 2x and E[(2 (x + e))^2] = 4 x^2 + 4 sigma^2
    squares = Squares()
    n, level = 4000, 0.1
    sigma = level * (x.max(1) - x.min(1))[:, None]
    mean = explain.smoothgrad(squares, x, n_samples=n, noise_level=level, seed=1, batch_size=5000)
    np.testing.assert_allclose(mean, 2 * x, atol=5 * 2 * sigma.max() / np.sqrt(n))
    sq = explain.smoothgrad(squares, x, n_samples=n, noise_level=level, squared=True, seed=1)
    expected = 4 * x ** 2 + 4 * sigma ** 2
    np.testing.assert_allclose(sq, expected, atol=5 * np.sqrt(32 * x ** 2 * sigma ** 2 + 32 * sigma ** 4).max()
                               / np.sqrt(n))
    again = explain.smoothgrad(squares, x, n_samples=n, noise_level=level, seed=1, batch_size=7)
    np.testing.assert_allclose(again, mean, rtol=1e-5, atol=1e-6)   # the seed fixes the noise, batches or not


def _conv_valid(x, w, b):
    """A hand-written valid cross-correlation: x (C, H, W), w (O, C, k, k) -> (O, H-k+1, W-k+1)."""
    k = w.shape[-1]
    out = np.empty((w.shape[0], x.shape[1] - k + 1, x.shape[2] - k + 1))
    for o in range(w.shape[0]):
        for i in range(out.shape[1]):
            for j in range(out.shape[2]):
                out[o, i, j] = (x[:, i:i + k, j:j + k] * w[o]).sum() + b[o]
    return out


def test_grad_cam_matches_a_hand_computation_on_a_two_layer_convnet(device):
    ag.manual_seed(4)
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                          nn.Flatten(), nn.Linear(4, 5)).to(device)
    x = np.random.default_rng(5).standard_normal((2, 2, 9, 9)).astype(np.float32)
    target = [1, 4]
    w1, b1, w2, b2 = (p.numpy().astype(np.float64) for p in (model[0].weight, model[0].bias, model[2].weight,
                                                             model[2].bias))
    head = model[6].weight.numpy().astype(np.float64)
    for n in range(2):
        pre = _conv_valid(np.maximum(_conv_valid(x[n], w1, b1), 0), w2, b2)   # conv2's output (4, 5, 5)
        post = np.maximum(pre, 0)
        positions = pre[0].size
        # score = head[t] . mean over positions of relu(pre): d score / d post = head[t, c] / positions
        weights_post = head[target[n]] / positions
        expected_post = np.maximum(np.tensordot(weights_post, post, axes=1), 0)
        # at conv2 itself the ReLU gates the gradient: its mean is head[t, c] * (share of positive positions)
        weights_pre = head[target[n]] * (pre > 0).reshape(4, -1).mean(1) / positions
        expected_pre = np.tensordot(weights_pre, pre, axes=1)
        cam_post = explain.grad_cam(model, x, target=target, layer=model[3])
        cam_pre = explain.grad_cam(model, x, target=target, layer="2", relu=False)
        np.testing.assert_allclose(cam_post[n], expected_post, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(cam_pre[n], expected_pre, rtol=1e-4, atol=1e-6)
    assert cam_post.shape == (2, 5, 5) and isinstance(cam_post, np.ndarray)
    assert not model[3]._forward_hooks   # the hook is gone afterwards
    big = explain.grad_cam(model, x, target=target, layer=model[3], upsample=True)
    assert big.shape == (2, 9, 9) and big.min() >= 0


def test_grad_cam_against_pytorch_through_pooling():
    torch = pytest.importorskip("torch")
    model = _small_cnn("cpu")
    x = np.random.default_rng(6).standard_normal((3, 1, 8, 8)).astype(np.float32)
    ours = explain.grad_cam(model, x, target=[0, 1, 2], layer=model[1])
    ref = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                              torch.nn.Conv2d(4, 6, 3), torch.nn.Tanh(), torch.nn.Flatten(), torch.nn.Linear(6, 3))
    ref.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    act = ref[1](ref[0](torch.from_numpy(x)))
    act.retain_grad()
    scores = ref[6](ref[5](ref[4](ref[3](ref[2](act)))))
    scores[torch.arange(3), torch.tensor([0, 1, 2])].sum().backward()
    expected = torch.relu((act.grad.mean((2, 3), keepdim=True) * act).sum(1)).detach().numpy()
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-6)


def test_grad_cam_names_the_layer_problem():
    model = _small_cnn("cpu")
    x = np.zeros((1, 1, 8, 8), np.float32)
    with pytest.raises(ValueError, match="no sub-module named 'head'"):
        explain.grad_cam(model, x, layer="head")
    with pytest.raises(ValueError, match="layer must be a sub-module of the model"):
        explain.grad_cam(model, x, layer=nn.ReLU())
    with pytest.raises(ValueError, match=r"must return a Tensor \(N, C, ...spatial\), got \(1, 3\)"):
        explain.grad_cam(model, x, layer=model[6])
    shared = nn.ReLU()
    twice = nn.Sequential(nn.Conv2d(1, 2, 3), shared, nn.Conv2d(2, 2, 3), shared, nn.Flatten(), nn.Linear(32, 2))
    with pytest.raises(ValueError, match="ran 2 times in one forward pass"):
        explain.grad_cam(twice, x, layer=shared)


def test_shap_values_of_a_linear_model_are_the_weights_times_the_offset_from_the_mean(device):
    pytest.importorskip("shap")
    rng = np.random.default_rng(7)
    for features, tolerance in ((4, 1e-4), (10, 0.02)):   # 4: every coalition enumerated; 10: sampled
        model = _linear(device, features, 3)
        x = rng.standard_normal((3, features)).astype(np.float32)
        background = rng.standard_normal((30, features)).astype(np.float32)
        values = explain.shap_values(model, x, background, target=[0, 1, 2], nsamples=600)
        expected = model.weight.numpy()[[0, 1, 2]] * (x - background.mean(0))
        assert isinstance(values, np.ndarray) and values.shape == x.shape
        np.testing.assert_allclose(values, expected, atol=tolerance * np.abs(expected).max())
        again = explain.shap_values(model, x, background, target=[0, 1, 2], nsamples=600)
        np.testing.assert_array_equal(values, again)   # seeded


def test_shap_values_name_the_extra_when_shap_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "shap", None)
    with pytest.raises(ImportError, match=r"'explain' extra: from a checkout pip install -e \"\.\[explain\]\""):
        explain.shap_values(_linear("cpu"), np.zeros((1, 5), np.float32), np.zeros((2, 5), np.float32))


def test_overlay_draws_an_attribution_over_its_image(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    image = np.random.default_rng(8).random((1, 12, 12))
    ax = explain.overlay(image, image - 0.5, title="signed")
    assert ax.get_title() == "signed" and ax.images[1].get_cmap().name == "RdBu_r"
    assert ax.images[1].get_extent() == ax.images[0].get_extent()
    cam_ax = explain.overlay(image, np.ones((3, 3)))   # a coarse map stretched over the image
    assert cam_ax.images[1].get_cmap().name == "jet" and cam_ax.images[1].get_extent() == [0, 12, 12, 0]
    path = tmp_path / "o.png"
    cam_ax.figure.savefig(path)
    assert path.read_bytes()[:4] == b"\x89PNG"
    plt.close("all")
    with pytest.raises(ValueError, match="attribution must be"):
        explain.overlay(image, np.ones(4))
