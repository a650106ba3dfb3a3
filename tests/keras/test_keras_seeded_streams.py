"""Seeded Keras programs give Keras's numbers: keras.random's draws with an int seed, a SeedGenerator or the
global generator (gamma, beta and binomial by PyTorch's rejection samplers), the initializers with a seed or
after set_random_seed, whole models' starting weights, the Dropout and noise layers' masks in training, and a
seeded fit (shuffles, validation_split, unseeded Dropout) printing Keras's losses. The oracle is real Keras 3 on
its torch backend. Draws built on normal() may differ from torch's by 2 ulps on a few elements (deepgrad's
randn), and Orthogonal by QR's rounding. Recurrent, attention and Bidirectional layers: in
test_keras_seeded_recurrent_attention.py."""
import numpy as np
import pytest

import autograd as ag
from nn import keras

from tests.helpers import skip_unless_pytorch_draws_generically

from .oracle import real_keras


def _np(value):
    return np.asarray(value.detach().cpu().numpy() if hasattr(value, "detach") else value)


def _same(ours, theirs, maxulp=0):
    ours, theirs = _np(ours), _np(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours.shape, theirs.shape, ours.dtype,
                                                                         theirs.dtype)
    if maxulp and ours.dtype.kind == "f":
        np.testing.assert_array_max_ulp(ours, theirs, maxulp=maxulp)
    else:
        np.testing.assert_array_equal(ours, theirs)


X = np.arange(60, dtype="float32").reshape(3, 20)
LOGITS = np.log(np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]], "float32"))
DRAWS = {
    "normal": lambda k, s: k.random.normal((3, 50), mean=1.0, stddev=2.0, seed=s),
    "normal_float64": lambda k, s: k.random.normal((30,), seed=s, dtype="float64"),
    "uniform": lambda k, s: k.random.uniform((4, 9), minval=-2.0, maxval=3.0, seed=s),
    "uniform_scalar": lambda k, s: k.random.uniform((), seed=s),
    "randint": lambda k, s: k.random.randint((40,), 2, 9, seed=s),
    "truncated_normal": lambda k, s: k.random.truncated_normal((5, 40), mean=0.5, stddev=0.3, seed=s),
    "shuffle_rows": lambda k, s: k.random.shuffle(X, seed=s),
    "shuffle_within_rows": lambda k, s: k.random.shuffle(X, axis=1, seed=s),
    "dropout": lambda k, s: k.random.dropout(k.ops.ones((6, 20)), 0.3, seed=s),
    "dropout_noise_shape": lambda k, s: k.random.dropout(k.ops.ones((6, 20)), 0.3, noise_shape=(None, 1), seed=s),
    "categorical": lambda k, s: k.random.categorical(LOGITS, 50, seed=s),
    # PyTorch's rejection samplers (torch.distributions'), which Keras seeds torch's global generator for
    "gamma": lambda k, s: k.random.gamma((4, 30), alpha=0.7, seed=s),
    "gamma_per_column": lambda k, s: k.random.gamma((3, 20), alpha=np.linspace(0.2, 9, 20, dtype="float32"), seed=s),
    "gamma_float64_alpha": lambda k, s: k.random.gamma((40,), alpha=np.full(40, 2.5), seed=s, dtype="float64"),
    "beta": lambda k, s: k.random.beta((5, 20), alpha=0.5, beta=np.linspace(0.5, 4, 20, dtype="float32"), seed=s),
    "binomial": lambda k, s: k.random.binomial((4, 25), counts=np.array([[3.0], [40.0], [300.0], [12.0]], "float32"),
                                               probabilities=np.linspace(0.05, 0.95, 25, dtype="float32"), seed=s),
}


@pytest.mark.parametrize("op", sorted(DRAWS))
def test_random_draws_are_kerass_with_int_seeds_seed_generators_and_the_global_generator(op):
    K = real_keras()
    draw = DRAWS[op]
    ulps = 2 if "normal" in op else 0   # deepgrad's randn: PyTorch's to 2 ulps on a few elements of 16 or more
    _same(draw(keras, 7), draw(K, 7), ulps)
    _same(draw(keras, 2 ** 33 + 5), draw(K, 2 ** 33 + 5), ulps)   # seeds wrap to 32 bits as Keras's
    mine, theirs = keras.random.SeedGenerator(42), K.random.SeedGenerator(42)
    for _ in range(2):   # a SeedGenerator advances: the second draw differs from the first, as Keras's
        _same(draw(keras, mine), draw(K, theirs), ulps)
    assert _np(mine.state).tolist() == _np(theirs.state).tolist() == [42, 2]
    unseeded = []
    for k in (keras, K):   # seed=None: the global SeedGenerator, seeded from Python's random, stepped as Keras's
        k.utils.set_random_seed(5)   # one after the other: both take their seeds from Python's one `random`
        unseeded.append([_np(draw(k, None)) for _ in range(3)])
    for ours, theirs in zip(*unseeded):
        _same(ours, theirs, ulps)


def test_a_seed_generator_without_a_seed_takes_pythons_random_after_set_random_seed():
    K = real_keras()
    keras.utils.set_random_seed(9)
    mine = keras.random.SeedGenerator()
    K.utils.set_random_seed(9)
    theirs = K.random.SeedGenerator()
    assert _np(mine.state).tolist() == _np(theirs.state).tolist()
    assert mine.get_config()["seed"] is None
    _same(keras.random.normal((5,), seed=mine), K.random.normal((5,), seed=theirs))


INITIALIZERS = ["GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal",
                "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling"]


@pytest.mark.parametrize("name", INITIALIZERS)
def test_initializers_draw_kerass_values_with_a_seed_and_after_set_random_seed(name):
    K = real_keras()
    for shape in ((6, 40), (3, 3, 4, 8)):
        _same(getattr(keras.initializers, name)(seed=17)(shape), getattr(K.initializers, name)(seed=17)(shape),
              maxulp=2)
    keras.utils.set_random_seed(3)
    mine = getattr(keras.initializers, name)()
    K.utils.set_random_seed(3)
    theirs = getattr(K.initializers, name)()
    _same(mine((7, 5)), theirs((7, 5)), maxulp=2)
    _same(mine((7, 5)), theirs((7, 5)), maxulp=2)   # the default seed is kept: the same values again, as Keras
    assert keras.initializers.serialize(mine) == K.initializers.serialize(theirs)   # seed None in the config


def test_variance_scaling_options_orthogonal_and_dtypes_are_kerass():
    K = real_keras()

    def both(make, shape, dtype=None):
        return make(keras.initializers)(shape, dtype=dtype), make(K.initializers)(shape, dtype=dtype)

    _same(*both(lambda i: i.VarianceScaling(2.0, "fan_out", "untruncated_normal", seed=1), (5, 9)))
    _same(*both(lambda i: i.VarianceScaling(2.0, "fan_avg", "uniform", seed=1), (5, 9)))
    _same(*both(lambda i: i.GlorotNormal(seed=2), (5, 9), "float64"))
    for shape in ((8, 20), (20, 8), (3, 4, 6)):
        ours, theirs = both(lambda i: i.Orthogonal(gain=2.0, seed=4), shape)
        np.testing.assert_allclose(ours, _np(theirs), atol=1e-5)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        keras.initializers.Orthogonal(seed=1)((4,))
    with pytest.raises(ValueError, match="seed must be an int or a keras.random.SeedGenerator"):
        keras.initializers.RandomNormal(seed="7")


def _models(k, which):
    k.utils.set_random_seed(42)
    L = k.layers
    if which == "mlp":
        return k.Sequential([k.Input((6,)), L.Dense(8, activation="relu"), L.Dropout(0.3), L.Dense(4),
                             L.LayerNormalization(), L.Dense(1)])
    if which == "cnn":
        return k.Sequential([k.Input((8, 8, 3)), L.Conv2D(4, 3, activation="relu"), L.BatchNormalization(),
                             L.Conv2D(2, 3), L.Flatten(), L.Dropout(0.2), L.Dense(3, kernel_initializer="he_normal")])
    if which == "recurrent":
        return k.Sequential([k.Input((5,), dtype="int32"), L.Embedding(20, 6), L.LSTM(7, return_sequences=True),
                             L.GRU(5), L.Dense(2)])
    if which == "simple_rnn_noise":
        return k.Sequential([k.Input((5, 3)), L.SimpleRNN(4, return_sequences=True), L.GaussianNoise(0.1),
                             L.LSTM(3), L.Dense(2, kernel_initializer="orthogonal")])
    inputs = k.Input((6,))
    a = L.Dense(5)(inputs)
    b = L.Dense(5, kernel_initializer=k.initializers.TruncatedNormal(stddev=0.1))(inputs)
    return k.Model(inputs, L.Dense(1)(L.Concatenate()([a, b])))


@pytest.mark.parametrize("which", ["mlp", "cnn", "recurrent", "simple_rnn_noise", "functional"])
def test_models_built_after_set_random_seed_start_from_kerass_weights(which):
    K = real_keras()
    ours, theirs = _models(keras, which).get_weights(), _models(K, which).get_weights()
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):   # orthogonal recurrent kernels: QR's rounding; normal draws: 2 ulps at most
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=2e-7)


def _noise_outputs(k):
    k.utils.set_random_seed(11)
    L = k.layers
    x = np.linspace(-1, 1, 2 * 4 * 5 * 3, dtype="float32").reshape(2, 4, 5, 3)
    layers = [L.Dropout(0.4), L.Dropout(0.4, seed=3), L.Dropout(0.5, noise_shape=(None, 1, None, 3)),
              L.SpatialDropout2D(0.5), L.GaussianNoise(0.3), L.GaussianDropout(0.3), L.AlphaDropout(0.3)]
    outs = [_np(layer(k.ops.convert_to_tensor(x), training=True)) for layer in layers for _ in range(2)]
    outs.append(_np(L.SpatialDropout1D(0.5)(k.ops.convert_to_tensor(x[:, 0]), training=True)))
    outs.append(_np(layers[0](k.ops.convert_to_tensor(x), training=False)))
    return outs


def test_dropout_and_noise_layers_draw_kerass_masks_in_training():
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")   # an unseeded Dropout is torch's F.dropout
    ours, theirs = _noise_outputs(keras), _noise_outputs(K)
    for k, (a, b) in enumerate(zip(ours, theirs)):   # the masks exactly; normal noise to deepgrad's randn's ulps
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6, err_msg=f"output {k}")
        np.testing.assert_array_equal(a == 0, b == 0, err_msg=f"output {k}")
    with pytest.raises(ValueError, match="noise_shape entries must be positive integers"):
        keras.layers.Dropout(0.5, noise_shape=(None, 0))


def _seeded_program(k):
    """set_random_seed, a small model with Dropout, fit with shuffling and validation_split, evaluate, predict,
    and a second fit: the lines it prints."""
    k.utils.set_random_seed(1234)
    x = np.random.normal(size=(200, 10)).astype("float32")
    y = (x[:, :3].sum(axis=1) > 0).astype("int64")
    L = k.layers
    model = k.Sequential([k.Input((10,)), L.Dense(16, activation="relu"), L.Dropout(0.3),
                          L.Dense(8, activation="relu"), L.Dropout(0.2), L.Dense(2)])
    model.compile(optimizer=k.optimizers.SGD(0.1, momentum=0.9),
                  loss=k.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=3, shuffle=True, validation_split=0.2, verbose=0)
    lines = [f"{name} {['%.5f' % v for v in values]}" for name, values in history.history.items()]
    loss, accuracy = model.evaluate(x, y, batch_size=64, verbose=0)
    lines.append("evaluate %.5f %.5f" % (loss, accuracy))
    lines.append(f"predict {np.round(model.predict(x[:3], verbose=0), 4).tolist()}")
    history = model.fit(x, y, batch_size=50, epochs=2, verbose=0)
    lines.append(f"again {['%.5f' % v for v in history.history['loss']]}")
    return lines


def test_a_seeded_fit_prints_kerass_losses_and_leaves_the_stream_where_keras_does():
    K = real_keras()
    skip_unless_pytorch_draws_generically("bernoulli")   # its unseeded Dropout layers are torch's F.dropout
    import torch
    ours = _seeded_program(keras)
    after_ours = ag.rand(4).numpy()
    theirs = _seeded_program(K)
    after_theirs = torch.rand(4).numpy()
    assert ours == theirs
    np.testing.assert_array_equal(after_ours, after_theirs)   # the same number of global draws as Keras's


def test_bad_seeds_are_refused_as_keras_refuses_them():
    with pytest.raises(ValueError, match="keras.random.uniform: seed must be"):
        keras.random.uniform((2,), seed=1.5)
    with pytest.raises(ValueError, match="SeedGenerator: seed must be an integer"):
        keras.random.SeedGenerator("7")
    with pytest.raises(ValueError, match="set_random_seed: expected an integer seed"):
        keras.utils.set_random_seed("7")


def test_bad_distribution_parameters_are_refused_as_keras_refuses_them():
    K = real_keras()
    calls = [lambda k: k.random.gamma((3,), alpha=-1.0, seed=1),
             lambda k: k.random.beta((3,), alpha=1.0, beta=0.0, seed=1),
             lambda k: k.random.binomial((3,), counts=10.0, probabilities=1.5, seed=1),
             lambda k: k.random.binomial((3,), counts=-2.0, probabilities=0.5, seed=1)]
    for call in calls:
        with pytest.raises(ValueError):
            call(K)
    for call, message in zip(calls, ["gamma: alpha must be positive", "beta: beta must be positive",
                                     r"binomial: probabilities must be in \[0, 1\]",
                                     "binomial: counts must be whole numbers"]):
        with pytest.raises(ValueError, match=message):
            call(keras)
    with pytest.raises(ValueError, match="gamma: alpha of shape .4,. does not broadcast to the sample shape .3,."):
        keras.random.gamma((3,), alpha=np.ones(4, "float32"), seed=1)
