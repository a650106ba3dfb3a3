"""How a layer called without `training=` gets its training flag, against real Keras 3 (torch backend): the
explicit argument, else the enclosing call context's value, else the default of the layer's `call`; fit's,
evaluate's and predict's own steps pass True / False to a model whose call takes `training`; the module mode
plays no part. Each program is written once against the module `K` (real keras or ours) and run in both, on the
same weights; the flags the layers receive, BatchNormalization's moving statistics and the outputs must agree."""
import numpy as np
import pytest

import autograd as ag
from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(11)
X = (RNG.standard_normal((32, 4)) * 2.0 + 3.0).astype(np.float32)
Y = RNG.standard_normal((32, 1)).astype(np.float32)
FIT = dict(epochs=1, batch_size=8, shuffle=False, verbose=0)


def _layers(K):
    """Custom layers both libraries run: Probe records the flag its call receives; DefaultOn's call defaults to
    training=True; Block calls a Probe inside its own call (a nested layer)."""
    class Probe(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = []

        def call(self, inputs, training=None):
            self.seen.append(training)
            return inputs

    class DefaultOn(Probe):
        def call(self, inputs, training=True):
            self.seen.append(training)
            return inputs

    class Block(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Probe()

        def call(self, inputs):   # no `training` parameter: the inner layer inherits the context
            return self.inner(inputs)

    return Probe, DefaultOn, Block


def _net(K, probe_cls):
    """BatchNormalization first (its moving statistics depend on the data only), then Dropout, GaussianNoise and
    a probe, as a Sequential sub-model."""
    probe = probe_cls()
    net = K.Sequential([K.Input(shape=(4,)), K.layers.BatchNormalization(momentum=0.5), K.layers.Dropout(0.5),
                        K.layers.GaussianNoise(1.0), probe])
    return net, probe


def _gan_like(K, with_training):
    """A Model whose custom train_step calls two sub-models, `net` without training= (as keras.io's DCGAN and
    WGAN examples call their generator) and `other` with or without it; it keeps what `net` returned."""
    Probe, _, _ = _layers(K)

    class Gan(K.Model):
        def __init__(self):
            super().__init__()
            self.net, self.net_probe = _net(K, Probe)
            self.other, self.other_probe = _net(K, Probe)

        def call(self, inputs, training=None):
            return self.other(self.net(inputs))

        def train_step(self, data):
            x, _ = data
            out = self.net(x)
            self.last_in, self.last_out = x, out
            other = self.other(x, training=True) if with_training else self.other(x)
            return {"m": K.ops.mean(out) + K.ops.mean(other)}

    model = Gan()
    model.compile(optimizer="sgd")
    model(X[:2])   # builds; its records are dropped below
    return model


def _numpy(value):
    """A copy as NumPy (moving statistics are updated in place)."""
    return np.array(value.detach().cpu().numpy() if hasattr(value, "cpu") else np.asarray(value))


def _clear(*probes):
    for probe in probes:
        probe.seen.clear()


def _moving(net):
    bn = net.layers[0]
    return _numpy(bn.moving_mean), _numpy(bn.moving_variance)


def _assert_moving_equal(mine, theirs):
    for a, b in zip(_moving(mine), _moving(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("with_training", [False, True], ids=["other_without_training", "other_training_true"])
def test_custom_train_step_sub_models(with_training):
    keras = real_keras()
    theirs, mine = _gan_like(keras, with_training), _gan_like(ours, with_training)
    mine.set_weights(theirs.get_weights())
    start = _moving(mine.net)
    for model in (theirs, mine):
        _clear(model.net_probe, model.other_probe)
        model.fit(X, Y, **FIT)
    # the sub-model called without training= runs in inference in Keras: moving statistics unchanged, Dropout and
    # GaussianNoise the identity; the probe after them sees the False of their `call(..., training=False)` default,
    # which stays in the call context
    assert theirs.net_probe.seen == [False] * 4
    assert mine.net_probe.seen == theirs.net_probe.seen
    for a, b in zip(_moving(mine.net), start):
        np.testing.assert_array_equal(a, b)
    _assert_moving_equal(mine.net, theirs.net)
    np.testing.assert_allclose(_numpy(mine.last_out), _numpy(theirs.last_out), rtol=1e-5, atol=1e-5)
    # the one called with training=True trains (its moving statistics move as Keras's); without it, it does not
    assert mine.other_probe.seen == theirs.other_probe.seen == [with_training] * 4
    _assert_moving_equal(mine.other, theirs.other)
    moved = not np.allclose(_moving(mine.other)[0], start[0])
    assert moved == with_training


def _nested(K):
    Probe, DefaultOn, Block = _layers(K)

    class Nested(K.Model):
        def __init__(self):
            super().__init__()
            self.block, self.after, self.default_on = Block(), Probe(), DefaultOn()
            self.frozen, self.sibling = Probe(), Probe()

        def call(self, inputs, training=None):
            x = self.block(inputs)
            x = self.after(x)
            x = self.default_on(x)
            x = self.frozen(x, training=False)   # as Keras: this flag stays in the context for the layers after it
            return self.sibling(x)

    model = Nested()
    model(X[:2])
    return model


def _flags(model):
    return [list(p.seen) for p in (model.block.inner, model.after, model.default_on, model.frozen, model.sibling)]


@pytest.mark.parametrize("given", [None, True, False], ids=["direct", "training_true", "training_false"])
def test_nested_layers_inherit_the_call_context(given):
    keras = real_keras()
    results = []
    for K in (keras, ours):
        model = _nested(K)
        for probe in (model.block.inner, model.after, model.default_on, model.frozen, model.sibling):
            probe.seen.clear()
        model(X[:4]) if given is None else model(X[:4], training=given)
        results.append(_flags(model))
    assert results[1] == results[0]
    expected_first = [None, None, True] if given is None else [given] * 3
    assert [f[0] for f in results[0][:3]] == expected_first   # what Keras gives, as documented above


def _plain(K, call_takes_training=True):
    """A subclassed Model: BatchNormalization, Dropout, GaussianNoise, a nested Block, a DefaultOn layer and a
    Dense head, trained by the built-in train_step."""
    Probe, DefaultOn, Block = _layers(K)

    class Plain(K.Model):
        def __init__(self):
            super().__init__()
            self.bn = K.layers.BatchNormalization(momentum=0.5)
            self.drop, self.noise = K.layers.Dropout(0.5), K.layers.GaussianNoise(1.0)
            self.block, self.default_on = Block(), DefaultOn()
            self.head = K.layers.Dense(1)

        def run(self, inputs):
            return self.head(self.default_on(self.block(self.noise(self.drop(self.bn(inputs))))))

    if call_takes_training:
        Plain.call = lambda self, inputs, training=None: self.run(inputs)
    else:
        Plain.call = lambda self, inputs: self.run(inputs)
    model = Plain()
    model.compile(optimizer="sgd", loss="mse")
    model(X[:2])
    return model


def _plain_pair(call_takes_training=True):
    keras = real_keras()
    theirs, mine = _plain(keras, call_takes_training), _plain(ours, call_takes_training)
    mine.set_weights(theirs.get_weights())
    for model in (theirs, mine):
        _clear(model.block.inner, model.default_on)
        model.drop.rate, model.noise.stddev = 0.0, 0.0   # fit's random draws differ between the libraries
    return theirs, mine


def _last(seen, count):
    """The flags of the last `count` calls (Keras's fit first traces the model once symbolically)."""
    return seen[len(seen) - count:]


def _bn_moving(model):
    return _numpy(model.bn.moving_mean), _numpy(model.bn.moving_variance)


@pytest.mark.parametrize("call_takes_training", [True, False], ids=["call_takes_training", "call_without_training"])
def test_default_fit_evaluate_predict(call_takes_training):
    theirs, mine = _plain_pair(call_takes_training)
    start = _bn_moving(mine)
    for model in (theirs, mine):
        model.fit(X, Y, **FIT)
    # Keras's train_step passes training=True to a model whose call takes it (every layer then trains), and
    # calls one that does not without it (its layers get their own defaults, Dropout's False then staying in the
    # context for the layers after it); before the first batch both run the model once with training=False
    # (Keras's symbolic build, nn/keras/symbolic_build.py)
    assert mine.block.inner.seen == theirs.block.inner.seen == [False] + [call_takes_training] * 4
    assert mine.default_on.seen == theirs.default_on.seen == [False] + [call_takes_training] * 4
    for a, b in zip(_bn_moving(mine), _bn_moving(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert (not np.allclose(_bn_moving(mine)[0], start[0])) == call_takes_training
    after_fit = _bn_moving(mine)
    for model in (theirs, mine):
        _clear(model.block.inner, model.default_on)
        model.evaluate(X, Y, batch_size=8, verbose=0)
        model.predict(X, batch_size=8, verbose=0)
    assert mine.block.inner.seen == _last(theirs.block.inner.seen, 8) == [False] * 8
    assert mine.default_on.seen == _last(theirs.default_on.seen, 8) == [False] * 8
    for a, b in zip(_bn_moving(mine), after_fit):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(mine.predict(X, verbose=0), theirs.predict(X, verbose=0), rtol=1e-4, atol=1e-5)


def test_direct_calls_after_fit():
    theirs, mine = _plain_pair()
    for model in (theirs, mine):
        model.fit(X, Y, **FIT)
        _clear(model.block.inner, model.default_on)
        model.drop.rate, model.noise.stddev = 0.5, 1.0
    # a direct call runs in inference (Dropout and GaussianNoise the identity, BatchNormalization its moving
    # statistics), whatever mode fit left the modules in; the layers after Dropout see its False default
    before = _bn_moving(mine)
    np.testing.assert_allclose(_numpy(mine(X)), _numpy(theirs(X)), rtol=1e-4, atol=1e-5)
    assert mine.block.inner.seen == theirs.block.inner.seen == [False]
    assert mine.default_on.seen == theirs.default_on.seen == [False]
    for a, b in zip(_bn_moving(mine), before):
        np.testing.assert_array_equal(a, b)
    # the module mode (.train()) changes nothing for Keras layers
    mine.train()
    theirs.train()
    np.testing.assert_allclose(_numpy(mine(X)), _numpy(theirs(X)), rtol=1e-4, atol=1e-5)
    # model(x, training=True): batch statistics, moving statistics updated as Keras's
    for model in (theirs, mine):
        model.drop.rate, model.noise.stddev = 0.0, 0.0   # leave only BatchNormalization's (deterministic) effect
        _clear(model.block.inner, model.default_on)
    np.testing.assert_allclose(_numpy(mine(X, training=True)), _numpy(theirs(X, training=True)), rtol=1e-4, atol=1e-4)
    assert mine.block.inner.seen == theirs.block.inner.seen == [True]
    for a, b in zip(_bn_moving(mine), _bn_moving(theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    assert not np.allclose(_bn_moving(mine)[0], before[0])


def test_dropout_and_noise_in_a_custom_train_step_are_the_identity():
    theirs, mine = _gan_like(real_keras(), False), _gan_like(ours, False)
    mine.set_weights(theirs.get_weights())
    for model in (theirs, mine):
        model.fit(X, Y, **FIT)
    bn = mine.net.layers[0]   # at its initial statistics, in inference: the identity but for epsilon
    expected = _numpy(mine.last_in) / np.sqrt(1.0 + bn.epsilon)   # moving mean 0, variance 1, gamma 1, beta 0
    np.testing.assert_allclose(_numpy(mine.last_out), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(_numpy(theirs.last_out), expected, rtol=1e-5, atol=1e-5)


def _functional_gan(K, with_training):
    Probe, DefaultOn, _ = _layers(K)
    inputs = K.Input(shape=(4,))
    x = K.layers.BatchNormalization(momentum=0.5)(inputs)
    x = K.layers.Dropout(0.5)(x)
    x = Probe(name="probe")(x)
    x = DefaultOn(name="default_on")(x)
    generator = K.Model(inputs, K.layers.Dense(2)(x))

    class Gan(K.Model):
        def __init__(self):
            super().__init__()
            self.generator = generator

        def call(self, inputs, training=None):
            return self.generator(inputs)

        def train_step(self, data):
            x, _ = data
            out = self.generator(x, training=True) if with_training else self.generator(x)
            return {"m": K.ops.mean(out)}

    model = Gan()
    model.compile(optimizer="sgd")
    model(X[:2])
    return model


@pytest.mark.parametrize("with_training", [False, True], ids=["without_training", "training_true"])
def test_functional_model_in_custom_train_step(with_training):
    theirs, mine = _functional_gan(real_keras(), with_training), _functional_gan(ours, with_training)
    mine.set_weights(theirs.get_weights())
    start = _numpy(mine.generator.layers[1].moving_mean)
    for model in (theirs, mine):
        for name in ("probe", "default_on"):
            model.generator.get_layer(name).seen.clear()
        model.fit(X, Y, **FIT)
    for name in ("probe", "default_on"):
        assert mine.generator.get_layer(name).seen == theirs.generator.get_layer(name).seen, name
    # without training=: Dropout's recorded False reaches the probe, DefaultOn keeps the True its node recorded
    assert theirs.generator.get_layer("probe").seen == [with_training] * 4
    assert theirs.generator.get_layer("default_on").seen == [True] * 4
    bn_mine, bn_theirs = mine.generator.layers[1], theirs.generator.layers[1]
    np.testing.assert_allclose(_numpy(bn_mine.moving_mean), _numpy(bn_theirs.moving_mean), rtol=1e-5, atol=1e-5)
    assert (not np.allclose(_numpy(bn_mine.moving_mean), start)) == with_training


def test_torch_style_modules_keep_their_mode():
    """nn's own modules outside nn.keras still follow .train()/.eval()."""
    import nn
    drop = nn.Dropout(0.5).train()
    assert (drop(ag.ones(1000)).numpy() == 0).any()
    drop.eval()
    np.testing.assert_array_equal(drop(ag.ones(1000)).numpy(), np.ones(1000, np.float32))
