"""Keras differences left by earlier rounds, checked against Keras 3 (torch backend) directly: Python values among a
layer's positional arguments and nested arguments mixing tensors with other values; a mask given by keyword to a
layer that does not support masking; the shapes a multi-argument build() gets for array arguments; keras.ops.mean
of float64 and integer tensors."""
import warnings

import numpy as np
import pytest

from nn import keras as ours_keras
from tests.keras.oracle import fresh_sessions


def _outcome(call):
    """('ok', None) or ('raises', exception type name, message's first words) of a call."""
    try:
        call()
    except Exception as error:   # the type and Keras's opening words are what is compared
        return "raises", type(error).__name__, str(error)[:60]
    return "ok", None, None


def _first_only(keras):
    class FirstOnly(keras.layers.Layer):
        def call(self, x):
            return x[0]
    return FirstOnly()


# ----- 1. positional Python values, nested arguments mixing tensors and Python values ---------------------------------
_POSITIONAL = {
    "list_array_and_float": lambda k, l: l([np.ones((2, 3)), 1.5]),
    "tuple_array_and_int": lambda k, l: l((np.ones(2), 1)),
    "dict_array_and_float": lambda k, l: l({"a": np.ones(2), "b": 2.0}),
    "list_array_and_string": lambda k, l: l([np.ones(2), "s"]),
    "list_array_and_numpy_scalar": lambda k, l: l([np.ones((2, 3)), np.float32(1.5)]),
    "list_array_and_none": lambda k, l: l([np.ones(2), None]),
    "add_array_and_float": lambda k, l: k.layers.Add()([np.ones((2, 3)), 1.5]),
    "dense_on_a_float": lambda k, l: k.layers.Dense(2)(1.5),
    "activation_on_numbers": lambda k, l: k.layers.Activation("relu")([1.0, -2.0]),
    "activation_second_float": lambda k, l: k.layers.Activation("relu")(np.ones(2), 1.0),
    "sequential_array_and_float": lambda k, l: k.Sequential([k.layers.Dense(2)])([np.ones((2, 3)), 1.5]),
    "rescaling_mixed_list": lambda k, l: k.layers.Rescaling(2.0)([np.ones((2, 3)), 1.5]),
}


@pytest.mark.parametrize("case", sorted(_POSITIONAL))
def test_positional_python_values_are_refused_as_keras_refuses_them(case):
    theirs, ours = fresh_sessions()
    expected = _outcome(lambda: _POSITIONAL[case](theirs, _first_only(theirs)))
    assert _outcome(lambda: _POSITIONAL[case](ours, _first_only(ours))) == expected


def test_the_refusal_names_the_layer_the_value_and_the_fix():
    layer = _first_only(ours_keras)
    with pytest.raises(ValueError, match=r"Only input tensors may be passed as positional arguments\. The following "
                                         r"argument value should be passed as a keyword argument: 1\.5 \(of type "
                                         r"<class 'float'>\)\. Layer 'first_only.*' \(of type FirstOnly\) got it .*"
                                         r"make it an array \(np\.asarray\(1\.5\)\) or pass it by keyword"):
        layer([np.ones((2, 3)), 1.5])
    with pytest.raises(ValueError, match=r"(?s)In a nested call\(\) argument, you cannot mix tensors and non-tensors\. "
                                         r"Received invalid mixed argument: inputs=.*Layer 'rescaling.*' \(of type "
                                         r"Rescaling\) got 1\.5 .*make every entry an array"):
        ours_keras.layers.Rescaling(2.0)([np.ones((2, 3)), 1.5])


class _KeywordTaker:
    """A layer class (built per library) whose call takes nested keyword arguments."""

    @staticmethod
    def make(keras):
        class Taker(keras.layers.Layer):
            def call(self, x, extra=None, **kwargs):
                return x
        return Taker()


@pytest.mark.parametrize("kwargs", [{"extra": [np.ones(2), 1.5]}, {"extra": [1.5, "a"]}, {"extra": [np.ones(2), None]},
                                    {"extra": {"k": np.ones(2), "j": 2}}, {"a": np.ones(2), "b": 1.5},
                                    {"a": 1.5, "b": "s"}],
                         ids=["mixed_list", "python_list", "array_and_none", "mixed_dict", "mixed_var_keywords",
                              "python_var_keywords"])
def test_nested_keyword_arguments_mixing_tensors_are_refused_as_keras(kwargs):
    # a call(**kwargs) takes the extra keywords as one dict, so an array and a number there mix, as in Keras
    theirs, ours = fresh_sessions()
    expected = _outcome(lambda: _KeywordTaker.make(theirs)(np.ones((2, 3)), **kwargs))
    assert _outcome(lambda: _KeywordTaker.make(ours)(np.ones((2, 3)), **kwargs)) == expected


def test_a_layer_may_still_opt_in_to_python_positional_values():
    class TakesData(ours_keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self._allow_non_tensor_positional_args = True

        def call(self, x):
            return x
    assert TakesData()([1.0, 2.0]) is not None


def test_symbolic_calls_are_checked_too():
    theirs, ours = fresh_sessions()
    for keras in (theirs, ours):
        inp = keras.Input((3,))
        with pytest.raises(ValueError, match="Only input tensors may be passed as positional arguments"):
            _first_only(keras)([inp, 1.5])
    assert ours.ops.add(ours.Input((3,)), 1.5).shape == (None, 3)   # keras.ops nodes take Python numbers


# ----- 2. a mask by keyword to a layer that does not support masking ------------------------------------------------
def _mask_layers(keras):
    class NoMask(keras.layers.Layer):
        def call(self, x, mask=None):
            return x * 2

    class NoMaskKeywords(keras.layers.Layer):
        def call(self, x, **kwargs):
            return x * 2

    class Supports(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.supports_masking = True

        def call(self, x, mask=None):
            return x * 2
    return NoMask, NoMaskKeywords, Supports


def _warnings_of(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, [str(w.message) for w in caught if "mask" in str(w.message)]


_MASK = np.array([[True, False, True]] * 2)


@pytest.mark.parametrize("mask", [_MASK, None, [None], [_MASK]], ids=["array", "none", "list_of_none", "list"])
@pytest.mark.parametrize("which", [0, 1])
def test_a_mask_by_keyword_warns_as_keras_where_the_layer_does_not_support_masking(which, mask):
    theirs, ours = fresh_sessions()
    _, expected = _warnings_of(lambda: _mask_layers(theirs)[which]()(np.ones((2, 3), "float32"), mask=mask))
    _, got = _warnings_of(lambda: _mask_layers(ours)[which]()(np.ones((2, 3), "float32"), mask=mask))
    assert got == expected
    _, expected = _warnings_of(lambda: _mask_layers(theirs)[which]()(theirs.Input((3,)), mask=theirs.Input((3,))))
    _, got = _warnings_of(lambda: _mask_layers(ours)[which]()(ours.Input((3,)), mask=ours.Input((3,))))
    assert got == expected and len(got) == 1


def test_a_mask_by_keyword_is_kept_by_a_layer_that_supports_masking():
    from nn.keras import masking
    theirs, ours = fresh_sessions()
    out, caught = _warnings_of(lambda: _mask_layers(ours)[2]()(np.ones((2, 3), "float32"), mask=_MASK))
    k_out, k_caught = _warnings_of(lambda: _mask_layers(theirs)[2]()(np.ones((2, 3), "float32"), mask=_MASK))
    assert caught == k_caught == []
    np.testing.assert_array_equal(masking.get_mask(out).numpy(), k_out._keras_mask.numpy())


# ----- 3. build() shapes of array arguments ---------------------------------------------------------------------------
def _shapes_seen(keras, inputs, b):
    seen = []

    class Builds(keras.layers.Layer):
        def build(self, x_shape, b_shape=None):
            seen.append((tuple(x_shape), tuple(b_shape)))

        def call(self, x, b=None):
            return x + b
    out = Builds()(inputs(keras), b=b)
    return seen, tuple(out.shape)


@pytest.mark.parametrize("symbolic", [True, False], ids=["symbolic", "eager"])
@pytest.mark.parametrize("b", [np.ones(3), np.ones((4, 3)), np.float64(2.0)], ids=["vector", "matrix", "scalar"])
def test_array_keyword_arguments_reach_build_with_their_whole_shape(symbolic, b):
    # Keras converts them to tensors before build, so their first axis is no batch axis
    theirs, ours = fresh_sessions()
    inputs = (lambda k: k.Input((4, 3))) if symbolic else (lambda k: np.ones((2, 4, 3), "float32"))
    assert _shapes_seen(ours, inputs, b) == _shapes_seen(theirs, inputs, b)


def test_array_keyword_arguments_of_a_symbolic_call_reach_call_as_tensors_and_the_node_keeps_the_arrays():
    from autograd import Tensor
    seen = []

    class AddB(ours_keras.layers.Layer):
        def call(self, x, b=None):
            seen.append(b)
            return x + b
    inp = ours_keras.Input((3,))
    model = ours_keras.Model(inp, AddB()(inp, b=np.arange(3.0)))
    assert isinstance(seen[0], Tensor) and seen[0].dtype == np.float32
    np.testing.assert_array_equal(model.predict(np.zeros((2, 3), "float32"), verbose=0), [[0, 1, 2]] * 2)
    assert model.get_config()["layers"][-1]["inbound_nodes"][0]["kwargs"]["b"]["class_name"] == "__numpy__"


# ----- 4. keras.ops.mean -----------------------------------------------------------------------------------------------
def _host(t):
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


_MEAN_INPUTS = [np.array([0.1, 0.3]), np.array([[0.1, 0.3, 0.7], [0.2, 0.6, 0.9]]), np.array([1, 2, 4], "int32"),
                np.array([True, False, True]), np.array([0.1, 0.3, 0.7], "float16"), np.array([0.1, 0.3], "float32"),
                np.array([3, 5], "int64"), np.array([0.1, 0.7], "float16")]


@pytest.mark.parametrize("axis", [None, 0, -1, (), (0,)], ids=["all", "0", "-1", "empty", "tuple"])
@pytest.mark.parametrize("k", range(len(_MEAN_INPUTS)))
def test_ops_mean_gives_keras_dtype_and_value_to_the_last_digit(k, axis):
    theirs, ours = fresh_sessions()
    expected, got = _host(theirs.ops.mean(_MEAN_INPUTS[k], axis=axis)), _host(ours.ops.mean(_MEAN_INPUTS[k], axis=axis))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def test_ops_mean_of_float64_is_averaged_in_float32_as_keras_torch_backend():
    # Keras's result_type(float64, float32) is float32, so its torch backend averages a float64 tensor in float32
    # and returns float64: the mean of [0.1, 0.3] is 0.20000000298023224, not 0.2
    mean = ours_keras.ops.mean(np.array([0.1, 0.3]))
    assert mean.dtype == np.float64 and mean.item() == 0.20000000298023224
    import autograd as ag
    x = ag.tensor(np.array([0.1, 0.3]), requires_grad=True)
    ours_keras.ops.mean(x).backward()
    assert x.grad.dtype == np.float64 and x.grad.tolist() == [0.5, 0.5]


_LOSSES = ["mean_squared_error", "mean_absolute_error", "binary_crossentropy", "huber", "log_cosh",
           "mean_absolute_percentage_error", "kl_divergence", "poisson"]


@pytest.mark.parametrize("name", _LOSSES)
def test_float64_losses_built_on_mean_match_keras_to_the_last_digit(name):
    theirs, ours = fresh_sessions()
    y_true, y_pred = np.array([[0.1, 0.3, 0.6], [0.0, 1.0, 1.0]]), np.array([[0.2, 0.6, 0.2], [0.25, 0.5, 0.85]])
    expected = _host(getattr(theirs.losses, name)(y_true, y_pred))
    got = _host(getattr(ours.losses, name)(y_true, y_pred))
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


# ----- 5. a legacy HDF5 file's top_level_model_weights ------------------------------------------------------------------
def _own_weights_model(keras, units=2, scale_units=None):
    class OwnWeights(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d = keras.layers.Dense(units, name="dd")
            self.scale = self.add_weight(shape=(scale_units or units,), initializer="ones", name="scale")
            self.offset = self.add_weight(shape=(), initializer="zeros", name="offset", trainable=False)

        def call(self, x):
            return self.d(x) * self.scale + self.offset
    model = OwnWeights()
    model(np.ones((1, 3), "float32"))
    return model


def _saved_own_weights(tmp_path):
    pytest.importorskip("h5py")
    model = _own_weights_model(ours_keras)
    model.scale.assign(np.array([2.0, 3.0], "float32"))
    model.offset.assign(np.float32(0.5))
    model.d.kernel.assign(np.arange(6, dtype="float32").reshape(3, 2))
    path = str(tmp_path / "own.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.save(path)   # Keras 3.15 cannot write this file (its `v in model.weights` fails on tensors)
    return path


def _loaded(keras, path, units=2, **kwargs):
    model = _own_weights_model(keras, units)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.load_weights(path, **kwargs)
    return np.asarray(model.scale.numpy()).tolist(), float(model.offset.numpy()), model


@pytest.mark.parametrize("kwargs", [{}, {"skip_mismatch": True}, {"by_name": True},
                                    {"by_name": True, "skip_mismatch": True}],
                         ids=["positional", "positional_skip", "by_name", "by_name_skip"])
def test_load_weights_restores_a_models_own_weights_from_top_level_model_weights(tmp_path, kwargs):
    path = _saved_own_weights(tmp_path)
    scale, offset, model = _loaded(ours_keras, path, **kwargs)
    assert (scale, offset) == ([2.0, 3.0], 0.5)
    np.testing.assert_array_equal(model.d.kernel.numpy(), np.arange(6).reshape(3, 2))
    if kwargs.get("by_name"):   # Keras reads the file by name (its positional reader fails on tensors, a Keras bug)
        theirs, _ = fresh_sessions()
        assert _loaded(theirs, path, **kwargs)[:2] == (scale, offset)


def test_top_level_weights_that_do_not_fit_are_refused_or_skipped_as_keras(tmp_path):
    path = _saved_own_weights(tmp_path)
    # by name with skip_mismatch: the mismatched Dense and scale keep theirs, the offset loads (Keras too)
    scale, offset, _ = _loaded(ours_keras, path, units=3, by_name=True, skip_mismatch=True)
    assert (scale, offset) == ([1.0, 1.0, 1.0], 0.5)
    theirs, _ = fresh_sessions()
    assert _loaded(theirs, path, units=3, by_name=True, skip_mismatch=True)[:2] == (scale, offset)
    model = _own_weights_model(ours_keras)
    model.extra = model.add_weight(shape=(1,), initializer="zeros", name="extra")
    with pytest.raises(ValueError, match=r"Weight count mismatch for top-level weights when loading weights from "
                                         r"file\. Model expects 3 top-level weight\(s\)\. Received 2 saved"):
        model.load_weights(path)
    with pytest.warns(UserWarning, match="Skipping loading top-level weights for model due to mismatch in number"):
        model.load_weights(path, by_name=True, skip_mismatch=True)
    model = _own_weights_model(ours_keras, scale_units=1)
    with pytest.raises(ValueError, match=r"Shape mismatch in top-level model for weight .*scale\. Weight expects "
                                         r"shape \(1,\)\. Received saved weight with shape \(2,\)"):
        model.load_weights(path)


# ----- 6. optimizer wrappers' state in .weights.h5 ----------------------------------------------------------------------
def _multi(keras):
    parts = keras.optimizers.OptimizerMap(default_optimizer=keras.optimizers.SGD(momentum=0.9))
    parts[".*enc/.*"] = keras.optimizers.Adam()   # a loaded model's paths lose 'sequential/', in Keras too
    return keras.optimizers.MultiOptimizer(parts)


_WRAPPED = {
    "multi_optimizer": _multi,
    "multi_optimizer_callable": lambda k: (lambda adam, rms: k.optimizers.MultiOptimizer(
        lambda v: adam if "enc" in v.path else rms))(k.optimizers.Adam(), k.optimizers.RMSprop()),
    "loss_scale": lambda k: k.optimizers.LossScaleOptimizer(k.optimizers.Adam()),
    "loss_scale_sgd": lambda k: k.optimizers.LossScaleOptimizer(k.optimizers.SGD(momentum=0.9), dynamic_growth_steps=5),
    "ema": lambda k: k.optimizers.Adam(use_ema=True),
    "ema_sgd": lambda k: k.optimizers.SGD(use_ema=True, ema_overwrite_frequency=2),
    "loss_scale_ema": lambda k: k.optimizers.LossScaleOptimizer(k.optimizers.Adam(use_ema=True)),
    "gradient_accumulation": lambda k: k.optimizers.Adam(gradient_accumulation_steps=3),
}


def _trained(keras, make, seed=0, epochs=2):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="enc"), keras.layers.Dense(2, name="dec")])
    model.compile(optimizer=make(keras), loss="mse")
    x = np.random.default_rng(seed).normal(size=(8, 3)).astype("float32")
    model.fit(x, np.zeros((8, 2), "float32"), epochs=epochs, batch_size=4, verbose=0)
    return model


def _layout(path):
    import h5py
    found = []
    with h5py.File(path, "r") as handle:
        handle.visititems(lambda name, item: found.append((name, tuple(getattr(item, "shape", ())),
                                                           sorted(dict(item.attrs).items()))))
    return found


def _optimizer_values(model):
    return [np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in model.optimizer.variables]


@pytest.mark.parametrize("case", sorted(_WRAPPED))
def test_wrapped_optimizer_state_has_keras_layout_and_loads_both_ways(case, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, keras_model = _trained(ours, _WRAPPED[case]), _trained(theirs, _WRAPPED[case])
        mine.save_weights(tmp_path / "ours.weights.h5")
        keras_model.save_weights(tmp_path / "theirs.weights.h5")
        assert _layout(tmp_path / "ours.weights.h5") == _layout(tmp_path / "theirs.weights.h5")
        # a file written by one loads in the other, optimizer state included
        other_keras, other_mine = _trained(theirs, _WRAPPED[case], seed=1, epochs=1), \
            _trained(ours, _WRAPPED[case], seed=1, epochs=1)
        other_keras.load_weights(tmp_path / "ours.weights.h5")
        other_mine.load_weights(tmp_path / "theirs.weights.h5")
    for got, expected in [(_optimizer_values(other_keras), _optimizer_values(mine)),
                          (_optimizer_values(other_mine), _optimizer_values(keras_model))]:
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", ["multi_optimizer", "loss_scale_ema", "gradient_accumulation"])
def test_wrapped_optimizer_state_in_keras_files_loads_both_ways(case, tmp_path):
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine, keras_model = _trained(ours, _WRAPPED[case]), _trained(theirs, _WRAPPED[case])
        mine.save(tmp_path / "ours.keras")
        keras_model.save(tmp_path / "theirs.keras")
        loaded_by_keras = theirs.models.load_model(tmp_path / "ours.keras")
        loaded_by_us = ours.models.load_model(tmp_path / "theirs.keras")
    for got, expected in [(_optimizer_values(loaded_by_keras), _optimizer_values(mine)),
                          (_optimizer_values(loaded_by_us), _optimizer_values(keras_model))]:
        assert len(got) == len(expected)
        for a, b in zip(got, expected):
            np.testing.assert_array_equal(a, b)


def test_load_model_skips_an_optimizer_state_that_does_not_fit_with_a_warning_as_keras(tmp_path):
    # Keras's file routed 'sequential/enc/...' paths; the loaded model's are 'enc/...' (in Keras too), so the parts'
    # slots do not fit: Keras warns and starts from a fresh optimizer, and so does deepgrad (it raised before)
    pytest.importorskip("h5py")
    theirs, ours = fresh_sessions()

    def make(keras):
        parts = keras.optimizers.OptimizerMap(default_optimizer=keras.optimizers.SGD(momentum=0.9))
        parts["sequential.*/enc/.*"] = keras.optimizers.Adam()
        return keras.optimizers.MultiOptimizer(parts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _trained(theirs, make).save(tmp_path / "theirs.keras")
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer 'multi_optimizer'"):
        theirs.models.load_model(tmp_path / "theirs.keras")
    with pytest.warns(UserWarning, match="skipping the optimizer's variables, as Keras does"):
        loaded = ours.models.load_model(tmp_path / "theirs.keras")
    assert int(loaded.optimizer.iterations) == 0
