"""Regression tests for four known differences from Keras 3 (README's Keras section listed them as not done), each
program written once against the module `K` (real Keras on the torch backend, or ours) and run in both:

1. the preprocessing layers take `training=` and their call's default (True) reaches the layers after them;
2. a `training` value given positionally binds as Keras 3's does: None counts as an explicit flag; a Python bool is
   refused (ValueError), and so is a tensor or array (Keras's call then gets the flag twice: TypeError);
3. TorchModuleWrapper sets the wrapped module's mode from the flag: eval() for False, train() otherwise;
4. keras.ops.convert_to_tensor / ops.array use Keras's dtypes (float64 arrays stay float64, [1, 2] is int32).
"""
import numpy as np
import pytest

import nn
from nn import keras as ours

from .oracle import fresh_sessions

RNG = np.random.default_rng(5)
IMAGES = RNG.uniform(0, 255, (2, 9, 7, 3)).astype(np.float32)
X = (RNG.standard_normal((16, 4)) * 2.0 + 1.0).astype(np.float32)
Y = RNG.standard_normal((16, 4)).astype(np.float32)


def _both():
    return fresh_sessions()


def _numpy(K, value):
    return np.asarray(K.ops.convert_to_numpy(value))


def _probe_class(K):
    class Probe(K.layers.Layer):
        """Records the flag its call receives."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.seen = []

        def call(self, inputs, training=None):
            self.seen.append(None if training is None else bool(training))
            return inputs
    return Probe


# ----- 1. preprocessing layers and `training` ---------------------------------------------------------------------

PREPROCESSING = [
    ("CenterCrop", lambda K: K.layers.CenterCrop(4, 5)),
    ("CenterCrop upscaling", lambda K: K.layers.CenterCrop(12, 10)),
    ("Resizing", lambda K: K.layers.Resizing(5, 4)),
    ("Resizing crop", lambda K: K.layers.Resizing(6, 6, crop_to_aspect_ratio=True)),
    ("Rescaling", lambda K: K.layers.Rescaling(1 / 255.0)),
    ("Normalization", lambda K: K.layers.Normalization(mean=3.0, variance=4.0)),
    ("RandomFlip", lambda K: K.layers.RandomFlip(seed=1)),   # the identity for training=False
]


@pytest.mark.parametrize("name, make", PREPROCESSING, ids=[p[0] for p in PREPROCESSING])
@pytest.mark.parametrize("training", [True, False])
def test_preprocessing_layers_take_training_as_keras(name, make, training):
    """CenterCrop, Resizing and the other preprocessing layers take training=True/False as Keras's: the result is
    Keras's, the flag changing nothing for the deterministic ones (RandomFlip is the identity in inference)."""
    K, _ = _both()
    if name == "RandomFlip" and training:
        pytest.skip("random: compared for training=False only")
    theirs, mine = make(K)(IMAGES, training=training), make(ours)(IMAGES, training=training)
    np.testing.assert_allclose(_numpy(ours, mine), _numpy(K, theirs), rtol=1e-5, atol=1e-3)
    assert str(mine.dtype) == K.backend.standardize_dtype(theirs.dtype)


@pytest.mark.parametrize("crop", [lambda K: K.layers.CenterCrop(4, 4), lambda K: K.layers.Resizing(4, 4)],
                         ids=["CenterCrop", "Resizing"])
@pytest.mark.parametrize("functional", [False, True])
def test_their_default_training_true_reaches_the_layers_after_them(crop, functional):
    """As in Keras, `call(data, training=True)`: a model called without training= gives the later layers True
    (ours gave them None); a flag given to the model wins."""
    K, _ = _both()
    seen = {}
    for lib in (K, ours):
        probe = _probe_class(lib)()
        layers = [crop(lib), probe]
        model = lib.Sequential(([lib.Input((9, 7, 3))] if functional else []) + layers)
        model(IMAGES)
        model(IMAGES, training=False)
        model(IMAGES, training=True)
        seen[lib] = probe.seen[-3:]
    assert seen[ours] == seen[K] == [True, False, True]


# ----- 2. a positional `training` ---------------------------------------------------------------------------------

def _block(K):
    """A layer whose call defaults to training=True, holding BatchNormalization, Dropout and a probe."""
    Probe = _probe_class(K)

    class Block(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.norm = K.layers.BatchNormalization(momentum=0.5)
            self.drop = K.layers.Dropout(0.5)
            self.probe = Probe()

        def call(self, inputs, training=True):
            return self.probe(self.drop(self.norm(inputs)))
    return Block()


def _outer(K, inner_call):
    """A layer that calls a Block as inner_call(block, inputs) and is itself called with training=True."""
    class Outer(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.block = _block(K)

        def call(self, inputs, training=None):
            return inner_call(self.block, inputs)
    return Outer()


def test_a_positional_none_is_an_explicit_flag_for_the_nested_layers_as_keras():
    """Inside a call with training=True, block(x, None) binds None to `training` as an explicit value, as Keras does:
    the enclosing True is not inherited, the block's call gets None, and its BatchNormalization and Dropout run in
    inference (moving statistics used and kept). Ours passed None on while also adding the flag (TypeError
    'multiple values for argument training')."""
    K, _ = _both()
    results = {}
    for lib in (K, ours):
        outer = _outer(lib, lambda block, x: block(x, None))
        out = outer(X, training=True)
        results[lib] = (_numpy(lib, out), _numpy(lib, outer.block.norm.moving_mean), outer.block.probe.seen[-1])
    (o_out, o_mean, o_seen), (k_out, k_mean, k_seen) = results[ours], results[K]
    assert o_seen is False and k_seen is False   # Dropout's default (False) is what the probe inherits
    np.testing.assert_allclose(o_out, k_out, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(o_out, X / np.sqrt(1 + 1e-3), rtol=1e-5)   # moving statistics 0 and 1: inference
    np.testing.assert_array_equal(o_mean, k_mean)
    assert not o_mean.any()


def test_the_keyword_none_reaches_call_instead_of_its_default_as_keras():
    """block(x, training=None) gives the block's call None, not its default True (Keras passes the explicit None
    on); ours gave it the default."""
    K, _ = _both()
    seen = {}
    for lib in (K, ours):
        class Default(_probe_class(lib)):
            def call(self, inputs, training=True):
                self.seen.append(training)
                return inputs
        probe = Default()
        probe(X, training=None)
        probe(X, None)
        probe(X)
        seen[lib] = probe.seen[-3:]
    assert seen[ours] == seen[K] == [None, None, True]


@pytest.mark.parametrize("make", [lambda K: K.layers.Dropout(0.5), lambda K: _probe_class(K)(),
                                  lambda K: K.Sequential([K.Input((4,)), K.layers.Dense(2)]), _block],
                         ids=["Dropout", "custom", "Sequential", "nested"])
@pytest.mark.parametrize("flag, error", [(True, ValueError), (False, ValueError), (np.False_, TypeError),
                                         (np.array(True), TypeError)], ids=["True", "False", "np.False_", "array"])
def test_a_positional_flag_other_than_none_is_refused_as_keras(make, flag, error):
    """Keras 3 lets only tensors be positional (ValueError for layer(x, True)) and, for a tensor or array, passes it
    to call both positionally and as the keyword (TypeError); ours now refuses both, naming the fix."""
    K, _ = _both()
    with pytest.raises(error):
        make(K)(X, flag)
    with pytest.raises(error, match=r"training=\.\.\."):
        make(ours)(X, flag)


def test_a_model_takes_a_positional_none_and_refuses_a_positional_bool():
    """model(x, None) runs as Keras's (the explicit None reaches the model's call; the block inside then takes its
    own default, True, so BatchNormalization trains); model(x, False) is refused as Keras refuses it (ours used to
    take the flag for a second input)."""
    K, _ = _both()
    means = {}
    for lib in (K, ours):
        class Net(lib.Model):
            def __init__(self):
                super().__init__()
                self.block = _block(lib)
                self.seen = []

            def call(self, inputs, training=None):
                self.seen.append(training)
                return self.block(inputs)

        net = Net()
        with pytest.raises(ValueError):
            net(X, False)
        net(X, None)
        means[lib] = _numpy(lib, net.block.norm.moving_mean), net.seen[-1], net.block.probe.seen[-1]
    (o_mean, o_model, o_probe), (k_mean, k_model, k_probe) = means[ours], means[K]
    assert o_model is None and k_model is None
    assert o_probe is True and k_probe is True
    np.testing.assert_allclose(o_mean, k_mean, rtol=1e-5, atol=1e-6)
    assert o_mean.any()


# ----- 3. TorchModuleWrapper follows the flag ---------------------------------------------------------------------

def _torch_twin(torch, ours_module):
    """A torch copy of our Linear -> BatchNorm1d -> Dropout module, with the same weights."""
    twin = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4), torch.nn.Dropout(0.5))
    twin.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours_module.state_dict().items()})
    return twin


def _modes(module):
    return [m.training for m in module.modules()]


def test_torch_module_wrapper_follows_the_training_flag_as_keras():
    """Keras's TorchModuleWrapper calls eval() for training=False and train() otherwise (None included), and the
    mode stays after the call; ours ran the module in eval mode unless training=True and restored it after."""
    K, _ = _both()
    torch = pytest.importorskip("torch")
    mine_module = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(0.5))
    theirs_module = _torch_twin(torch, mine_module)
    theirs, mine = K.layers.TorchModuleWrapper(theirs_module), ours.layers.TorchModuleWrapper(mine_module)
    for kwargs in ({"training": False}, {}, {"training": True}, {"training": False}):
        k_out, o_out = theirs(X, **kwargs), mine(X, **kwargs)
        assert _modes(mine_module) == _modes(theirs_module) == [kwargs.get("training") is not False] * 4
        if kwargs.get("training") is False:   # no dropout: the same outputs
            np.testing.assert_allclose(o_out.numpy(), k_out.detach().numpy(), rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(mine_module[1].running_mean.numpy(), theirs_module[1].running_mean.numpy(),
                                   rtol=1e-5, atol=1e-6)


def _recorder(base):
    class Recorder(base):
        """Passes its input on and records the mode it ran in."""

        def __init__(self):
            super().__init__()
            self.log = []

        def forward(self, x):
            self.log.append(self.training)
            return x
    return Recorder()


def test_torch_module_wrapper_trains_in_fit_and_infers_in_predict_and_evaluate():
    """In a model, fit runs the wrapped module in train mode (BatchNorm1d's running statistics move as Keras's) and
    predict/evaluate in eval mode (they stay), as Keras's."""
    K, _ = _both()
    torch = pytest.importorskip("torch")
    mine_module = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), _recorder(nn.Module))
    theirs_module = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.BatchNorm1d(4), _recorder(torch.nn.Module))
    theirs_module.load_state_dict({k: torch.tensor(v.numpy()) for k, v in mine_module.state_dict().items()})
    stats = {}
    for lib, module in ((K, theirs_module), (ours, mine_module)):
        model = lib.Sequential([lib.Input((4,)), lib.layers.TorchModuleWrapper(module)])
        model.compile(optimizer=lib.optimizers.SGD(0.01), loss="mse")
        log, start = module[2].log, len(module[2].log)   # Keras's functional build adds calls of its own
        model.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
        fitted = np.array(module[1].running_mean.detach().numpy())
        prediction = model.predict(X, verbose=0, batch_size=8)
        model.evaluate(X, Y, verbose=0, batch_size=8)
        stats[lib] = log[start:], fitted, np.array(module[1].running_mean.detach().numpy()), prediction
    (o_log, o_fit, o_after, o_y), (k_log, k_fit, k_after, k_y) = stats[ours], stats[K]
    # Keras's fit first runs the model once in inference to build its metrics: that call is not compared
    assert o_log == k_log[-6:] == [True, True, False, False, False, False]
    np.testing.assert_allclose(o_fit, k_fit, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(o_after, k_after, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(o_y, k_y, rtol=1e-4, atol=1e-5)


# ----- 4. convert_to_tensor and array -----------------------------------------------------------------------------

VALUES = {
    "float64 array": np.linspace(0, 1, 5), "float32 array": np.ones(3, np.float32), "int64 array": np.arange(3),
    "uint32 array": np.arange(3, dtype=np.uint32), "uint8 array": np.arange(3, dtype=np.uint8),
    "int list": [1, 2, 3], "float list": [1.0, 2.5], "mixed list": [1, 2.5], "bool list": [True, False],
    "bool and int": [True, 2], "nested ints": [[1, 2], [3, 4]], "tuple": (4, 5), "empty list": [],
    "int": 3, "large int": 2 ** 40, "float": 2.5, "bool": True, "complex": 1 + 2j, "numpy float64": np.float64(2.5),
    "numpy int64": np.int64(3), "numpy bool": np.True_, "float64 scalars in a list": [np.float64(1.0), 2.0],
    "float64 arrays in a list": [np.ones(2), np.zeros(2)],
}


@pytest.mark.parametrize("op", ["convert_to_tensor", "array"])
@pytest.mark.parametrize("name", list(VALUES))
def test_convert_to_tensor_and_array_give_keras_dtypes(op, name):
    """Keras (torch backend) keeps a NumPy array's dtype (float64 stays float64, uint32 becomes int64), makes Python
    ints int32 (int64 beyond its range), floats float32 and complex complex64, and gives a list the 32-bit result
    type of its elements; ours made every float64 array float32 and int lists int64."""
    K, _ = _both()
    value = VALUES[name]
    theirs, mine = getattr(K.ops, op)(value), getattr(ours.ops, op)(value)
    assert str(mine.dtype) == K.backend.standardize_dtype(theirs.dtype)
    back = ours.ops.convert_to_numpy(mine)
    assert back.dtype == _numpy(K, theirs).dtype
    np.testing.assert_array_equal(back, _numpy(K, theirs))


@pytest.mark.parametrize("value, dtype", [([1, 2], "float32"), (np.ones(2), "float16"), (2.5, "float64"),
                                          (3, "int64"), ([True, False], "int32"), (np.arange(3), "float64")])
def test_an_explicit_dtype_wins_as_keras(value, dtype):
    K, _ = _both()
    theirs, mine = K.ops.convert_to_tensor(value, dtype=dtype), ours.ops.convert_to_tensor(value, dtype=dtype)
    assert str(mine.dtype) == K.backend.standardize_dtype(theirs.dtype) == dtype
    np.testing.assert_array_equal(mine.numpy(), _numpy(K, theirs))


def test_tensors_in_a_list_are_stacked_and_tensors_keep_their_dtype():
    K, _ = _both()
    parts = [np.ones(2, np.float64), np.zeros(2, np.float64)]
    theirs = K.ops.convert_to_tensor([K.ops.convert_to_tensor(p) for p in parts])
    mine = ours.ops.convert_to_tensor([ours.ops.convert_to_tensor(p) for p in parts])
    assert str(mine.dtype) == K.backend.standardize_dtype(theirs.dtype) == "float64"
    np.testing.assert_array_equal(mine.numpy(), _numpy(K, theirs))


def test_ints_that_do_not_fit_int32_in_a_list_are_refused():
    """Keras gives [2**40, 1] int32 and torch refuses the overflow; ours says which value and the fix."""
    K, _ = _both()
    with pytest.raises(Exception):
        K.ops.convert_to_tensor([2 ** 40, 1])
    with pytest.raises(ValueError, match="int32.*dtype='int64'"):
        ours.ops.convert_to_tensor([2 ** 40, 1])


# ----- 5. no new weights once build() has returned ----------------------------------------------------------------

def _lazy_layers(K):
    class LateWeight(K.layers.Layer):
        """Makes its kernel in build() and, wrongly, one more weight in its first call."""

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="kernel")

        def call(self, inputs):
            if not hasattr(self, "late"):
                self.late = self.add_weight(shape=(2,), initializer="zeros", name="late")
            return K.ops.matmul(inputs, self.kernel) + self.late

    class Child(LateWeight):
        """A build that calls super().build() first and then makes one more weight: allowed."""

        def build(self, input_shape):
            super().build(input_shape)
            self.extra = self.add_weight(shape=(2,), initializer="zeros", name="extra")

        def call(self, inputs):
            return K.ops.matmul(inputs, self.kernel) + self.extra

    return LateWeight, Child


def test_a_weight_made_after_build_is_refused_as_keras():
    """Keras locks a layer's state when its build() returns: add_weight in call (or later by hand) raises
    ValueError 'You cannot add new elements of state ...'; ours made the weight silently."""
    K, _ = _both()
    for lib in (K, ours):
        LateWeight, _ = _lazy_layers(lib)
        with pytest.raises(ValueError, match="cannot add new elements of state"):
            LateWeight()(X)
        layer = LateWeight()
        layer.build((None, 4))
        with pytest.raises(ValueError, match="cannot add new elements of state"):
            layer.add_weight(shape=(1,), name="more")


def test_weights_in_init_in_a_nested_build_and_for_lora_stay_allowed():
    """A subclass's build that calls super().build() and then adds a weight, weights made in __init__, and
    enable_lora / quantize on a built Dense all work, as in Keras; the outputs agree."""
    K, _ = _both()
    results = {}
    for lib in (K, ours):
        _, Child = _lazy_layers(lib)
        child = Child()
        out = child(X)
        dense = lib.layers.Dense(3, kernel_initializer="ones")
        dense(X)
        dense.enable_lora(2)
        quantized = lib.layers.Dense(3, kernel_initializer="ones")
        quantized(X)
        quantized.quantize("int8")
        results[lib] = (_numpy(lib, out), len(child.weights), len(dense.trainable_weights),
                        _numpy(lib, quantized(X)))
    (o_out, o_count, o_lora, o_q), (k_out, k_count, k_lora, k_q) = results[ours], results[K]
    np.testing.assert_allclose(o_out, k_out, rtol=1e-5)
    assert o_count == k_count == 2 and o_lora == k_lora
    np.testing.assert_allclose(o_q, k_q, rtol=1e-3, atol=1e-3)
