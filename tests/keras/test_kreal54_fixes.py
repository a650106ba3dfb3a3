"""Regressions for what a fifth round of keras.io examples (guides/custom_train_step_in_torch,
guides/making_new_layers_and_models_via_subclassing, guides/understanding_masking_and_padding, ...) found when run
with only their import changed, each compared with real Keras 3 on its torch backend."""
import warnings

import numpy as np
import pytest

from .oracle import fresh_sessions


def _describe(data):
    """The nesting of a train_step's `data`: list/tuple/dict with each tensor's shape."""
    if isinstance(data, (list, tuple)):
        return type(data).__name__ + "[" + ", ".join(_describe(v) for v in data) + "]"
    if isinstance(data, dict):
        return "dict{" + ", ".join(f"{k}: {_describe(v)}" for k, v in sorted(data.items())) + "}"
    return f"tensor{tuple(data.shape)}"


def _step_data_run(K, loader_module):
    """What a custom train_step receives from a DataLoader, a generator and a PyDataset, and what fit warns."""
    seen = []

    class Recorder(K.Model):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            seen.append(_describe(data))
            return {"n": 0}

    class Batches(K.utils.PyDataset):
        def __init__(self, items):
            super().__init__()
            self.items = items

        def __len__(self):
            return len(self.items)

        def __getitem__(self, index):
            return self.items[index]

    x, y = np.zeros((4, 3), "float32"), np.ones((4, 1), "float32")
    tx, ty = loader_module.tensor(x), loader_module.tensor(y)
    model = Recorder()
    model.compile(optimizer="sgd")
    data = loader_module.utils.data
    sources = [
        data.DataLoader(data.TensorDataset(tx, ty), batch_size=2),
        data.DataLoader(data.TensorDataset(tx), batch_size=2),
        data.DataLoader(tx, batch_size=2),
        (b for b in [(x[:2], y[:2]), (x[2:], y[2:])]),
        (b for b in [((x[:2], x[:2]), y[:2]), ((x[2:], x[2:]), y[2:])]),
        Batches([x[:2], x[2:]]),
        Batches([(x[:2], y[:2]), (x[2:], y[2:])]),
        Batches([{"a": x[:2]}, {"a": x[2:]}]),
    ]
    messages = []
    for source in sources:
        seen.append("--")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.fit(source, epochs=1, verbose=0, steps_per_epoch=None if hasattr(source, "__len__") else 2)
        messages += [str(w.message) for w in caught if "shuffle" in str(w.message)]
    with pytest.raises(ValueError, match="the generator must return a tuple"):
        model.fit((b for b in [[x[:2], y[:2]]]), epochs=1, verbose=0, steps_per_epoch=1)
    return seen, messages


def test_custom_train_step_gets_loader_batches_as_keras_torch_backend_hands_them():
    """Keras's torch backend reads a DataLoader, a generator or a PyDataset through a torch DataLoader, which turns
    tuples into lists: custom_train_step_in_torch's GAN (`if isinstance(real_images, tuple)`) fails there on a list,
    where deepgrad handed a tuple and ran on. A lone input of a PyDataset comes as [x], a DataLoader of one tensor as
    that tensor; fit warns that shuffle=True is ignored for a DataLoader or generator; a generator yielding a list
    is refused with Keras's ValueError."""
    import torch
    import autograd
    import nn  # noqa: F401  (installs autograd.utils.data)
    theirs_k, ours_k = fresh_sessions()
    assert _step_data_run(ours_k, autograd) == _step_data_run(theirs_k, torch)


def _noise_layer_run(K, functional):
    """A layer drawing keras.random.normal without a seed, in a functional or a subclassed model, then fit."""
    ops, layers = K.ops, K.layers

    class Noise(layers.Layer):
        def call(self, x):
            return x + K.random.normal(shape=ops.shape(x))

    class Plain(K.Model):
        def __init__(self):
            super().__init__()
            self.noise, self.dense = Noise(), layers.Dense(1)

        def call(self, x):
            return self.dense(self.noise(x))

    K.utils.set_random_seed(0)
    if functional:
        inputs = K.Input((2,))
        model = K.Model(inputs, layers.Dense(1)(Noise()(inputs)))
    else:
        model = Plain()
    model.compile("sgd", "mse")
    x = np.arange(40, dtype="float32").reshape(20, 2) / 40
    history = model.fit(x, x[:, :1] * 2, batch_size=4, epochs=2, verbose=0)
    return history.history["loss"], float(ops.convert_to_numpy(ops.sum(K.random.normal((3,)))))


@pytest.mark.parametrize("functional", [True, False])
def test_symbolic_call_draws_no_seed(functional):
    """Keras runs a symbolic call on torch's meta device, where keras.random draws seed nothing: building a
    functional model through a layer that draws without a seed left Keras's global SeedGenerator unmade (deepgrad's
    shape probe made and advanced it, so the model's weights and every later draw differed: a first loss of 1.1586
    where Keras prints 1.8962)."""
    theirs_k, ours_k = fresh_sessions()
    (ours_loss, ours_draw), (theirs_loss, theirs_draw) = (_noise_layer_run(K, functional) for K in (ours_k, theirs_k))
    np.testing.assert_allclose(ours_loss, theirs_loss, rtol=1e-5)
    np.testing.assert_allclose(ours_draw, theirs_draw, rtol=1e-6)


def _recompile_run(K):
    """making_new_layers_and_models_via_subclassing's add_loss model: fit with loss='mse', compile again without a
    loss, fit again; then the next draw of torch's global generator (what the next shuffle starts from)."""
    class ActivityRegularization(K.layers.Layer):
        def call(self, inputs):
            self.add_loss(1e-2 * K.ops.mean(inputs))
            return inputs

    K.utils.set_random_seed(0)
    inputs = K.Input((3,))
    model = K.Model(inputs, ActivityRegularization()(inputs))
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((2, 3)), np.ones((2, 3)), verbose=0)
    model.compile(optimizer="adam")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # the model has no trainable weights, as the guide's
        losses = model.fit(np.ones((4, 3)), np.full((4, 3), 0.5), batch_size=2, verbose=0).history["loss"]
    draw = K.random.normal((2,), seed=None)   # unseeded: Keras's global SeedGenerator, from Python's random
    return losses, float(K.ops.convert_to_numpy(K.ops.sum(draw)))


def _torch_global_draw(module):
    state = module.get_rng_state()
    value = float(module.rand(1).item())
    module.set_rng_state(state)
    return value


def test_recompiling_without_a_loss_reads_no_batch_to_build():
    """Compiling again without a loss or metrics keeps the built compiled loss (Keras's too), so Keras's next fit
    reads no batch to build it and its shuffles draw as before; deepgrad read one (two extra draws of the global
    generator), and the guide's VAE trained after it began at 0.4425 where Keras prints 0.4595."""
    import torch
    import autograd
    theirs_k, ours_k = fresh_sessions()
    ours = _recompile_run(ours_k), _torch_global_draw(autograd)
    theirs = _recompile_run(theirs_k), _torch_global_draw(torch)
    np.testing.assert_allclose(ours[0][0], theirs[0][0], rtol=1e-6)
    np.testing.assert_allclose(ours[0][1], theirs[0][1], rtol=1e-6)
    assert ours[1] == pytest.approx(theirs[1], rel=1e-7)


def test_l1_and_l2_regularizers_end_in_a_product():
    """Keras's L1 and L2 return the factor times the sum (printed `grad_fn=<MulBackward0>` in the subclassing
    guide's `layer.losses`, where deepgrad printed AddBackward0); L1L2 adds its terms to a zero (AddBackward0)."""
    theirs_k, ours_k = fresh_sessions()
    import torch
    w = torch.tensor(np.array([[0.5, -1.25], [2.0, 0.1]], "float32"), requires_grad=True)
    theirs = [(r(w).grad_fn.name(), round(float(r(w).detach()), 7))
              for r in (theirs_k.regularizers.L2(1e-3), theirs_k.regularizers.L1(0.1),
                        theirs_k.regularizers.L1L2(0.1, 0.2))]
    import autograd
    v = autograd.tensor(np.array([[0.5, -1.25], [2.0, 0.1]], "float32"), requires_grad=True)
    ours = [(r(v).grad_fn.name(), round(float(r(v).detach()), 7))
            for r in (ours_k.regularizers.L2(1e-3), ours_k.regularizers.L1(0.1), ours_k.regularizers.L1L2(0.1, 0.2))]
    assert ours == theirs


def _eager_build_run(K):
    """understanding_masking_and_padding's MyLayer (an Embedding and an LSTM built by the first eager call, no
    build()), with a print in call: how often call runs, the KerasTensor counter after it, the output."""
    calls = []

    class MyLayer(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embedding = K.layers.Embedding(input_dim=50, output_dim=4, mask_zero=True)
            self.lstm = K.layers.LSTM(3)

        def call(self, inputs):
            calls.append(type(inputs).__name__ == "KerasTensor")
            x = self.embedding(inputs)
            return self.lstm(x, mask=self.embedding.compute_mask(inputs))

    K.utils.set_random_seed(0)
    layer = MyLayer()
    x = (np.random.default_rng(0).random((5, 6)) * 50).astype("int32")
    out = K.ops.convert_to_numpy(layer(x))
    return len(calls), K.Input(shape=(1,)).name, np.asarray(out)


def test_first_eager_call_of_a_layer_with_unbuilt_sublayers_runs_a_symbolic_build():
    """Keras builds such a layer by running its call once symbolically before the eager call: the call runs twice
    and the run's output takes a KerasTensor name, so every later symbolic tensor's name (the guide prints
    'Mask found: <KerasTensor ... name=keras_tensor_7>') was one lower in deepgrad."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _eager_build_run(ours_k), _eager_build_run(theirs_k)
    assert ours[:2] == theirs[:2]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5, atol=1e-6)


def _strided_conv_dropout_run(K):
    """wgan_gp's critic block: a strided Conv2D, LeakyReLU and an unseeded Dropout in training mode."""
    K.utils.set_random_seed(0)
    results = []
    for cin, k, s, bias in ((3, 3, 1, True), (64, 5, 2, True), (3, 5, 2, False), (8, 3, 1, False)):
        x = np.random.default_rng(cin).random((2, 12, 12, cin)).astype("float32")
        y = K.layers.LeakyReLU(0.2)(K.layers.Conv2D(8, k, strides=s, padding="same", use_bias=bias)(x))
        out = K.layers.Dropout(0.3)(y, training=True)
        results.append(np.asarray(K.ops.convert_to_numpy(out)))
    return results


def test_conv2d_output_is_contiguous_channels_last_so_dropout_draws_as_keras():
    """Keras's torch backend leaves a channels-last Conv2D's output contiguous; deepgrad's strided convolutions
    returned a permuted view of an NCHW array, so a Dropout after them drew the same number of zeros in another
    order (wgan_gp's critic in training mode gave -0.0111 where Keras gives 0.0232)."""
    theirs_k, ours_k = fresh_sessions()
    for k, (a, b) in enumerate(zip(_strided_conv_dropout_run(ours_k), _strided_conv_dropout_run(theirs_k))):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5, err_msg=f"case {k}")
