"""Regression tests for the bugs found by the twenty-third round of ported Keras programs
(tests/keras/test_keras_programs_round23.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _numpy(K, t):
    return np.asarray(K.ops.convert_to_numpy(t), dtype=np.float64)


def _weighted_losses(K):
    rng = np.random.default_rng(0)
    a, b = rng.uniform(size=(4, 4, 3)).astype("float32"), rng.uniform(size=(4, 4, 3)).astype("float32")
    w4 = np.array([1.0, 2.0, 3.0, 4.0], "float32")
    mse, none = K.losses.MeanSquaredError(), K.losses.MeanSquaredError(reduction="none")
    return [mse(a, b, sample_weight=w4), none(a, b, sample_weight=w4), mse(a, b, sample_weight=w4[:, None]),
            none(a[:, 0], b[:, 0], sample_weight=w4[:, None]), mse(a[:, 0], b[:, 0], sample_weight=np.ones((4, 4))),
            mse(a, b, sample_weight=np.ones((4, 4, 1), "float32")), mse(a, b, sample_weight=np.float32(2.0))]


def test_loss_sample_weight_is_lined_up_as_keras_lines_it_up():
    """Keras 3 matches a sample weight to the per-example losses only when their ranks differ by one and the
    higher-ranked has a trailing axis of 1 (squeeze_or_expand_to_same_rank), then broadcasts from the right: (N,)
    weights on (N, T) losses weigh the T axis (when T == N), and (N, 1) weights on (N,) losses give (N, 1)
    losses under reduction='none'. nn.keras broadcast weights from the left (one weight per example), so a
    loss on sequence outputs printed another number than Keras."""
    K, ours = fresh_sessions()
    theirs, mine = _weighted_losses(K), _weighted_losses(ours)
    for k, (a, b) in enumerate(zip(mine, theirs)):
        assert tuple(a.shape) == tuple(b.shape), f"case {k}: shape {tuple(a.shape)}, Keras {tuple(b.shape)}"
        np.testing.assert_allclose(_numpy(ours, a), _numpy(K, b), rtol=1e-5, atol=1e-6, err_msg=f"case {k}")


@pytest.mark.parametrize("weight_shape, values_shape", [((4,), (4, 6)), ((8, 3), (8,)), ((4, 4, 3), (4, 4))])
def test_loss_sample_weight_that_keras_cannot_broadcast_is_refused_as_keras_refuses_it(weight_shape, values_shape):
    """Where Keras's torch backend fails to multiply the weights into the losses (a RuntimeError), nn.keras
    raises a RuntimeError naming the loss and both shapes; before, (4,) weights on (4, 6) losses weighed each
    example and returned a number Keras never gives."""
    K, ours = fresh_sessions()
    y = np.ones(values_shape + (2,), "float32")
    weight = np.ones(weight_shape, "float32")
    with pytest.raises(RuntimeError):
        K.losses.MeanAbsoluteError()(y, y * 0.5, sample_weight=weight)
    with pytest.raises(RuntimeError, match=rf"mean_absolute_error: sample_weight of shape \({weight_shape[0]},"):
        ours.losses.MeanAbsoluteError()(y, y * 0.5, sample_weight=weight)


def _evaluated(K, x, y, weight, masked):
    inputs = K.Input((x.shape[1], 3))
    hidden = K.layers.Masking(0.0)(inputs) if masked else inputs
    model = K.Model(inputs, K.layers.Dense(3)(hidden))
    model.set_weights([np.full((3, 3), 0.1, "float32"), np.zeros(3, "float32")])
    model.compile(loss="mse")
    return model.evaluate(x, y, sample_weight=weight, verbose=0)


def test_evaluate_with_per_example_weights_on_sequence_outputs_gives_keras_loss():
    """fit/evaluate pass (N,) sample weights to the loss as they are, so on (N, T) per-step losses Keras 3
    weighs the steps (T == N) and refuses other lengths (nn.keras weighed each example)."""
    K, ours = fresh_sessions()
    rng = np.random.default_rng(3)
    x, y = rng.uniform(size=(4, 4, 3)).astype("float32"), rng.uniform(size=(4, 4, 3)).astype("float32")
    weight = np.array([1.0, 2.0, 3.0, 4.0], "float32")
    assert _evaluated(ours, x, y, weight, False) == pytest.approx(_evaluated(K, x, y, weight, False), rel=1e-5)
    with pytest.raises(RuntimeError):
        _evaluated(K, x[:3], y[:3], weight[:3], False)
    with pytest.raises(RuntimeError, match="sample_weight of shape"):
        _evaluated(ours, x[:3], y[:3], weight[:3], False)


def test_masked_sequence_outputs_take_per_step_weights_and_refuse_per_example_ones_as_keras():
    """With a masked output Keras's torch backend multiplies the mask into the sample weights in place, so
    per-step (N, T) weights work and (N,) or (N, 1) weights raise its RuntimeError; nn.keras broadcast them
    and trained on an answer Keras never gives."""
    K, ours = fresh_sessions()
    rng = np.random.default_rng(3)
    x, y = rng.uniform(size=(4, 5, 3)).astype("float32"), rng.uniform(size=(4, 5, 3)).astype("float32")
    x[1, 2:] = 0.0
    steps = rng.uniform(0.5, 2.0, (4, 5)).astype("float32")
    assert _evaluated(ours, x, y, steps, True) == pytest.approx(_evaluated(K, x, y, steps, True), rel=1e-5)
    for weight in (steps[:, 0], steps[:, :1]):
        with pytest.raises(RuntimeError):
            _evaluated(K, x, y, weight, True)
        with pytest.raises(RuntimeError, match="cannot take the output's mask"):
            _evaluated(ours, x, y, weight, True)


def _scale_variables(K, when):
    optimizer = K.optimizers.LossScaleOptimizer(K.optimizers.Adam(0.01), initial_scale=1024.0)
    if when == "built":
        optimizer.build([K.Variable(np.ones(2, "float32"))])
    elif when == "fit":
        model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
        model.compile(optimizer=optimizer, loss="mse")
        model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)
    seen = [hasattr(optimizer, "dynamic_scale"), hasattr(optimizer, "step_counter"),
            [v.path.split("/")[-1] for v in optimizer.variables][:4]]
    if seen[0]:
        seen.append(float(np.asarray(K.ops.convert_to_numpy(optimizer.dynamic_scale))))
    return seen


@pytest.mark.parametrize("when", ["new", "built", "fit"])
def test_loss_scale_optimizer_has_its_scale_variables_once_built(when):
    """Keras's LossScaleOptimizer makes step_counter and dynamic_scale in build() (its first update or fit): a
    new one has neither attribute and lists only its iteration and learning rate. nn.keras had them from the
    start, so a program testing hasattr(optimizer, 'dynamic_scale') before fit printed a line Keras does not."""
    K, ours = fresh_sessions()
    assert _scale_variables(ours, when) == _scale_variables(K, when)


def _optimizer_params_after_surgery(K, tmp_path, reload):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(6, name="body"), K.layers.Dense(2, name="head")])
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="mse")
    model.fit(np.ones((8, 4), "float32"), np.ones((8, 2), "float32"), verbose=0)
    if reload:
        model.save(tmp_path / f"{K.__name__}.keras")
        model = K.models.load_model(tmp_path / f"{K.__name__}.keras")
    model.pop()
    model.add(K.layers.Dense(1, name="new_head"))
    model.get_layer("body").trainable = False
    lines = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line))
    return [line.strip() for line in "\n".join(lines).splitlines() if "params" in line]


@pytest.mark.parametrize("reload", [False, True])
def test_summary_counts_the_optimizer_variables_it_was_built_with(reload, tmp_path):
    """Keras builds an optimizer's slots for the model's trainable weights of that moment and keeps them: after
    Sequential.pop, add and freezing a layer, summary's "Optimizer params" still counts the popped head's and the
    frozen layer's slots and none for the new head. nn.keras counted slots for the current trainable weights
    (16 where Keras printed 222 in a program)."""
    K, ours = fresh_sessions()
    assert _optimizer_params_after_surgery(ours, tmp_path, reload) == _optimizer_params_after_surgery(K, tmp_path,
                                                                                                      reload)


def _masked_weighted_metric(K, x, y, weight):
    tokens = K.Input((x.shape[1],), dtype="int32")
    probs = K.layers.Dense(3, activation="softmax")(K.layers.Embedding(9, 3, mask_zero=True)(tokens))
    model = K.Model(tokens, probs)
    init = np.random.default_rng(5)
    model.set_weights([init.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.compile(loss="sparse_categorical_crossentropy", weighted_metrics=["sparse_categorical_accuracy"])
    return model.evaluate(x, y, sample_weight=weight, batch_size=4, verbose=0), weight.copy()


def test_weighted_metrics_of_a_masked_output_see_the_weights_the_loss_masked():
    """Keras's torch backend multiplies the mask's weights (valid steps total/valid, padding 0) into the batch's
    sample-weight tensor in place inside the loss, so fit's and evaluate's weighted metrics weigh each batch's
    steps by its total/valid too: a per-step accuracy over batches with different padding is not the plain
    weighted mean. nn.keras gave the plain weighted mean (0.6994 where Keras printed 0.6983 in a program); the
    caller's NumPy weights stay unchanged in both."""
    K, ours = fresh_sessions()
    rng = np.random.default_rng(7)
    x = np.zeros((10, 6), "int32")
    for i, k in enumerate(rng.integers(1, 7, 10)):
        x[i, :k] = rng.integers(1, 9, k)
    y = rng.integers(0, 3, (10, 6)).astype("int32")
    weight = (x > 0).astype("float32") * rng.uniform(0.5, 2.0, (10, 6)).astype("float32")
    (theirs, k_weight), (mine, o_weight) = _masked_weighted_metric(K, x, y, weight), _masked_weighted_metric(
        ours, x, y, weight)
    np.testing.assert_allclose(mine, theirs, rtol=1e-5)
    assert np.array_equal(k_weight, weight) and np.array_equal(o_weight, weight)
