"""Keras differences left by earlier rounds, checked against Keras 3 (torch backend) directly: cross-entropies of a
softmax or sigmoid output taken from the clipped probabilities as Keras's torch backend takes them (losses, metrics,
keras.ops, fit's first loss)."""
import numpy as np
import pytest

import autograd as ag
from tests.keras.oracle import fresh_sessions

RNG = np.random.default_rng(13)
X = (RNG.normal(size=(32, 6)) * 4).astype(np.float32)     # large enough that some probabilities saturate
KERNEL = RNG.normal(size=(6, 5)).astype(np.float32) * 2
BIAS = RNG.normal(size=5).astype(np.float32)
LABELS = RNG.integers(0, 5, 32)
ONE_HOT = np.eye(5, dtype=np.float32)[LABELS]
BITS = (RNG.random((32, 5)) > 0.5).astype(np.float32)

# (activation of the output layer, loss name, target)
_CROSS_ENTROPIES = [("softmax", "categorical_crossentropy", ONE_HOT),
                    ("softmax", "sparse_categorical_crossentropy", LABELS),
                    ("sigmoid", "binary_crossentropy", BITS)]
_CLASSES = {"categorical_crossentropy": "CategoricalCrossentropy",
            "sparse_categorical_crossentropy": "SparseCategoricalCrossentropy",
            "binary_crossentropy": "BinaryCrossentropy"}


def _dense(keras, activation):
    layer = keras.layers.Dense(5, activation=activation)
    layer.build((None, 6))
    layer.set_weights([KERNEL, BIAS])
    return layer


def _cross_entropy_run(keras, activation, name, target, form):
    """(loss value(s), the kernel's gradient) of `form` ('function', 'loss', 'metric', 'ops') on a Dense output."""
    import torch
    theirs = keras.__name__ == "keras"
    layer = _dense(keras, activation)
    probabilities = layer(torch.tensor(X) if theirs else ag.tensor(X))
    if form == "function":
        value = getattr(keras.losses, name)(target, probabilities).sum()
    elif form == "loss":
        value = getattr(keras.losses, _CLASSES[name])()(target, probabilities)
    elif form == "metric":
        metric = getattr(keras.metrics, _CLASSES[name])()
        metric.update_state(target, probabilities)
        value = metric.result()
    else:
        value = getattr(keras.ops, name)(keras.ops.convert_to_tensor(target), probabilities).sum()
    if form == "metric":
        return float(value), None
    value.backward()
    grad = layer.kernel.value.grad if theirs else layer.kernel.grad
    return float(value.detach()), np.asarray(grad)


@pytest.mark.parametrize("form", ["function", "loss", "metric", "ops"])
@pytest.mark.parametrize("activation,name,target", _CROSS_ENTROPIES, ids=[c[1] for c in _CROSS_ENTROPIES])
def test_cross_entropy_of_probabilities_is_keras_torch_backends(activation, name, target, form):
    """Keras's torch backend clips the probabilities and takes their log; the logits form gave other values where
    the probabilities saturate (here by several units)."""
    keras, ours = fresh_sessions()
    k_value, k_grad = _cross_entropy_run(keras, activation, name, target, form)
    o_value, o_grad = _cross_entropy_run(ours, activation, name, target, form)
    assert o_value == pytest.approx(k_value, rel=2e-6)
    if k_grad is not None:
        np.testing.assert_allclose(o_grad, k_grad, rtol=1e-5, atol=1e-7)


def test_saturated_sigmoid_is_clipped_as_keras_does():
    """sigmoid(40) is 1 in float32: Keras's loss is -log(1e-7) for a 0 target, clipped, not the logits' 40."""
    keras, ours = fresh_sessions()
    import torch
    k = keras.losses.binary_crossentropy([[0.0]], keras.activations.sigmoid(torch.tensor([[40.0]])))
    o = ours.losses.binary_crossentropy([[0.0]], ours.activations.sigmoid(ag.tensor([[40.0]])))
    assert float(o[0]) == float(k[0]) == pytest.approx(15.942385, rel=1e-6)


def test_first_epoch_loss_of_a_softmax_classifier_is_keras():
    """fit's logged loss for a softmax classifier (the keras-io mixture-of-experts baseline differed by 0.036)."""
    keras, ours = fresh_sessions()
    losses = []
    for lib in (keras, ours):
        lib.utils.set_random_seed(0)
        model = lib.Sequential([lib.Input((6,)), lib.layers.Dense(5, activation="softmax")])
        model.set_weights([KERNEL, BIAS])
        model.compile(optimizer=lib.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy",
                      metrics=["sparse_categorical_crossentropy"])
        history = model.fit(X, LABELS, batch_size=8, epochs=2, shuffle=False, verbose=0)
        losses.append(history.history)
    assert losses[1].keys() == losses[0].keys()
    for key in losses[0]:
        np.testing.assert_allclose(losses[1][key], losses[0][key], rtol=2e-6, err_msg=key)


# ----- initializers return tensors ------------------------------------------------------------------------------
_INITIALIZERS = {
    "Zeros": (lambda I: I.Zeros(), (3, 2)), "Ones": (lambda I: I.Ones(), (3, 2)),
    "Constant": (lambda I: I.Constant(0.25), (3, 2)), "Identity": (lambda I: I.Identity(gain=2.0), (3, 4)),
    "RandomNormal": (lambda I: I.RandomNormal(seed=1), (3, 2)),
    "GlorotUniform": (lambda I: I.GlorotUniform(seed=2), (3, 2)),
    "HeNormal": (lambda I: I.HeNormal(seed=3), (3, 2)),
    "TruncatedNormal": (lambda I: I.TruncatedNormal(seed=4), (3, 2)),
    "Orthogonal": (lambda I: I.Orthogonal(seed=5), (4, 3)),
    "STFT": (lambda I: I.STFT(), (4, 1, 3)),
}


def _initializer_outcome(keras, factory, shape):
    init = factory(keras.initializers)
    values = init(shape)
    one = factory(keras.initializers)
    scalar = None if len(shape) == 3 else float(one((1, 1)))
    return (keras.ops.is_tensor(values), tuple(values.shape), keras.ops.convert_to_numpy(values),
            keras.ops.convert_to_numpy(keras.ops.sum(values, axis=0)), scalar,
            keras.ops.convert_to_numpy(init(shape, dtype="float64")).dtype)


@pytest.mark.parametrize("name", list(_INITIALIZERS))
def test_an_initializer_returns_a_tensor_as_keras(name):
    """`init(shape)` is a backend tensor in Keras: is_tensor, `.shape`, `float()` of a (1, 1) one, ops on it."""
    keras, ours = fresh_sessions()
    factory, shape = _INITIALIZERS[name]
    theirs, mine = _initializer_outcome(keras, factory, shape), _initializer_outcome(ours, factory, shape)
    assert mine[:2] == theirs[:2] == (True, shape)
    np.testing.assert_allclose(mine[2], theirs[2], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(mine[3], theirs[3], rtol=1e-6, atol=1e-6)
    assert mine[4] == pytest.approx(theirs[4], rel=1e-6)
    assert mine[5] == theirs[5]


def test_a_custom_initializer_overriding_call_still_builds_weights():
    """A subclass whose __call__ returns NumPy (or a tensor) gives the layer its values, as in Keras."""
    keras, ours = fresh_sessions()
    kernels = []
    for lib in (keras, ours):
        class Halves(lib.initializers.Initializer):
            def __call__(self, shape, dtype=None):
                return np.full(shape, 0.5, np.float32)

        class Doubled(lib.initializers.Initializer):
            def __call__(self, shape, dtype=None):
                return lib.initializers.Ones()(shape) * 2

        layer = lib.layers.Dense(2, kernel_initializer=Halves(), bias_initializer=Doubled())
        layer.build((None, 3))
        kernels.append([np.asarray(w) for w in layer.get_weights()])
    for mine, theirs in zip(kernels[1], kernels[0]):
        np.testing.assert_array_equal(mine, theirs)


# ----- the shapes and counts of the runs that find a custom layer's output shape ------------------------------------
def _probe_calls(keras, case):
    """The shapes a custom layer's call sees while a model is made of it, and the output shape Keras reports."""
    import torch
    seen = []

    class Doubler(keras.layers.Layer):
        def call(self, x):
            seen.append(tuple(x.shape))
            if isinstance(x, torch.Tensor) and x.device.type == "meta":
                return x * 2   # Keras traces on 'meta' tensors, whose values cannot be read
            assert float(keras.ops.convert_to_numpy(keras.ops.min(x))) == 1.0   # runs on ones, as Keras
            return x * 2

    class Block(keras.layers.Layer):   # no build(): Keras runs call once more to build the Dense
        def __init__(self, rule=False):
            super().__init__()
            self.dense = keras.layers.Dense(2)
            self.rule = rule

        def call(self, x):
            seen.append(tuple(x.shape))
            return self.dense(x)

    class RuledBlock(Block):
        def compute_output_shape(self, input_shape):
            return input_shape[:-1] + (2,)

    if case == "functional":
        out = Doubler()(keras.Input((4, 3)))
    elif case == "unknown_length":
        out = Doubler()(keras.Input((None, 3), batch_size=7))
    elif case == "fixed_batch":
        out = Doubler()(keras.Input((4, 3), batch_size=5))
    elif case == "sequential":
        out = keras.Sequential([keras.Input((3,)), Doubler(), keras.layers.Dense(1)]).outputs[0]
    elif case == "block":
        out = Block()(keras.Input((4, 3)))
    else:
        out = RuledBlock()(keras.Input((4, 3)))
    return seen, tuple(out.shape)


@pytest.mark.parametrize("case", ["functional", "unknown_length", "fixed_batch", "sequential", "block", "ruled_block"])
def test_a_custom_layer_is_probed_at_keras_sizes(case):
    """Keras runs a layer with no shape rule on ones with every unknown size at 83, then 89 (once when none is
    unknown), and a layer without build() holding unbuilt sub-layers once more first; a print in call shows them."""
    keras, ours = fresh_sessions()
    assert _probe_calls(ours, case) == _probe_calls(keras, case)


# ----- mixed_bfloat16 training: the optimizers' fused roundings -------------------------------------------------------
_MP_RNG = np.random.default_rng(31)
_MP_X = _MP_RNG.normal(size=(64, 8)).astype(np.float32)
_MP_Y = _MP_RNG.normal(size=(64, 1)).astype(np.float32)
_MP_WEIGHTS = [_MP_RNG.normal(size=(8, 16)).astype(np.float32) * 0.3, _MP_RNG.normal(size=16).astype(np.float32) * 0.1,
               _MP_RNG.normal(size=(16, 1)).astype(np.float32) * 0.3, np.zeros(1, np.float32)]


def _mixed_fit(keras, optimizer):
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])
        model.set_weights(_MP_WEIGHTS)
        model.compile(optimizer=optimizer(keras.optimizers), loss="mse")
        model.fit(_MP_X, _MP_Y, batch_size=16, epochs=2, shuffle=False, verbose=0)
        return [np.asarray(w) for w in model.get_weights()], np.asarray(model.predict(_MP_X, verbose=0), np.float32)
    finally:
        keras.mixed_precision.set_global_policy("float32")


_OPTIMIZERS = {"sgd": lambda O: O.SGD(0.1), "momentum": lambda O: O.SGD(0.05, momentum=0.9),
               "nesterov": lambda O: O.SGD(0.05, momentum=0.9, nesterov=True)}


@pytest.mark.parametrize("name", list(_OPTIMIZERS))
def test_mixed_bfloat16_fit_is_bit_identical_with_sgd(name):
    """bfloat16 forward and backward already agree bit for bit; Keras's torch SGD adds lr * g with torch's
    add_(alpha=), one fused multiply-add, which NumPy's w -= lr * g rounded differently on some elements (and the
    predictions then by one bfloat16 step)."""
    keras, ours = fresh_sessions()
    (k_weights, k_pred), (o_weights, o_pred) = _mixed_fit(keras, _OPTIMIZERS[name]), _mixed_fit(ours, _OPTIMIZERS[name])
    for k, o in zip(k_weights, o_weights):
        np.testing.assert_array_equal(o, k)
    np.testing.assert_array_equal(o_pred, k_pred)


def test_mixed_bfloat16_fit_with_adam_is_keras_but_for_torch_sqrt():
    """Adam's moments are Keras's bit for bit (fused roundings, float32 bias corrections); the weights differ only
    where torch's vectorised float32 sqrt (SLEEF, not correctly rounded) differs from NumPy's."""
    keras, ours = fresh_sessions()
    (k_weights, _), (o_weights, _) = _mixed_fit(keras, lambda O: O.Adam(0.01)), _mixed_fit(ours, lambda O: O.Adam(0.01))
    for k, o in zip(k_weights, o_weights):
        np.testing.assert_allclose(o, k, rtol=1e-6, atol=1e-7)
    assert np.mean(np.concatenate([(k == o).ravel() for k, o in zip(k_weights, o_weights)])) > 0.75   # none before (Adam in NumPy's order)


def test_iou_weights_of_another_size_raise_keras_runtime_error():
    """(N,) weights for (N, C) labels: Keras's torch backend cannot expand them (RuntimeError); it was NumPy's
    broadcasting message."""
    keras, ours = fresh_sessions()
    for lib in (keras, ours):
        metric = lib.metrics.BinaryIoU()
        with pytest.raises(RuntimeError):
            metric.update_state(BITS, np.full(BITS.shape, 0.7, np.float32), sample_weight=np.ones(len(BITS), np.float32))
    metric = ours.metrics.BinaryIoU()
    with pytest.raises(RuntimeError, match=r"binary_io_u(_1)?: sample_weight of shape \(32,\) has 32 values for 160 labels"):
        metric.update_state(BITS, np.full(BITS.shape, 0.7, np.float32), sample_weight=np.ones(len(BITS), np.float32))


def test_a_layer_with_its_own_shape_rule_is_not_run_at_keras_sizes():
    """A custom layer with compute_output_shape: Keras takes the rule and never runs call at 83 rows, so a call that
    only works at the real batch size (a noise weight of 16 rows sliced by the batch) builds a model as in Keras."""
    keras, ours = fresh_sessions()
    shapes = []
    for lib in (keras, ours):
        class Noisy(lib.layers.Layer):
            def build(self, input_shape):
                self.noise = self.add_weight(shape=(16, input_shape[-1]), initializer="ones")

            def call(self, x):
                return x * self.noise[: lib.ops.shape(x)[0]]

            def compute_output_shape(self, input_shape):
                return input_shape

        inputs = lib.Input((3,))
        model = lib.Model(inputs, Noisy()(inputs))
        shapes.append((model.output_shape, model.predict(np.ones((16, 3), np.float32), verbose=0).shape))
    assert shapes[1] == shapes[0]
