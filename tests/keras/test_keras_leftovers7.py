"""Keras differences left by earlier rounds (round 7), each compared with real Keras 3.15 on its torch backend:
nested loss structures in compile; refusals of strides with dilation and of pooling without pool_size; KerasTensor
methods with unknown dims; applications on a backend tensor; Operation is no Layer; StatelessScope's variables."""
import numpy as np
import pytest

from .oracle import fresh_sessions

RNG = np.random.default_rng(7)
X = RNG.random((8, 4)).astype("float32")
Y_NESTED = {"a": RNG.random((8, 2)).astype("float32"),
            "b": [RNG.random((8, 1)).astype("float32"), RNG.random((8, 3)).astype("float32")]}


# ----- 1. nested loss structures in compile ------------------------------------------------------------------------

def _nested_model(k, weights=None):
    """Outputs {"a": x, "b": [y, z]} from three Dense layers (weights: copied from another such model)."""
    inp = k.Input((4,), name="x")
    a = k.layers.Dense(2, name="da")(inp)
    b1 = k.layers.Dense(1, name="db1")(inp)
    b2 = k.layers.Dense(3, name="db2")(inp)
    model = k.Model(inp, {"a": a, "b": [b1, b2]})
    if weights is not None:
        for name in ("da", "db1", "db2"):
            model.get_layer(name).set_weights(weights.get_layer(name).get_weights())
    return model


NESTED_COMPILES = {
    "nested": dict(loss={"a": "mse", "b": ["mae", "mse"]}, loss_weights={"a": 1.0, "b": [0.5, 2.0]},
                   metrics={"a": ["mae"], "b": [["mse"], None]}),
    "broadcast": dict(loss="mse"),
    "flat_weights": dict(loss={"a": "mae", "b": ["mse", "mae"]}, loss_weights=[2.0, 1.0, 0.25],
                         metrics={"a": None, "b": [None, ["mae"]]}),
    "partial": dict(loss={"b": [None, "mse"]}, metrics={"a": ["mse", "mae"], "b": [None, None]}),
}


def _run_nested(k, model, settings):
    model.compile(k.optimizers.SGD(0.1), **settings)
    history = model.fit(X, Y_NESTED, epochs=2, batch_size=4, shuffle=False, verbose=0)
    logs = model.evaluate(X, Y_NESTED, verbose=0, return_dict=True)
    listed = model.evaluate(X, Y_NESTED, verbose=0)
    return history.history, logs, listed


@pytest.mark.parametrize("case", sorted(NESTED_COMPILES))
def test_nested_losses_train_and_log_as_keras(case):
    theirs, ours = fresh_sessions()
    keras_model = _nested_model(theirs)
    our_model = _nested_model(ours, keras_model)
    their_history, their_logs, their_list = _run_nested(theirs, keras_model, NESTED_COMPILES[case])
    our_history, our_logs, our_list = _run_nested(ours, our_model, NESTED_COMPILES[case])
    assert sorted(our_history) == sorted(their_history)
    for key in their_history:
        np.testing.assert_allclose(our_history[key], their_history[key], rtol=1e-4, atol=1e-6, err_msg=key)
    assert list(our_logs) == list(their_logs)
    np.testing.assert_allclose(list(our_logs.values()), list(their_logs.values()), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(our_list, their_list, rtol=1e-4, atol=1e-6)


def test_nested_targets_with_validation_split_and_sample_weights():
    theirs, ours = fresh_sessions()
    weights = {"a": np.linspace(0.5, 1.5, 8).astype("float32"),
               "b": [np.ones(8, "float32"), np.linspace(2.0, 0.0, 8).astype("float32")]}
    keras_model = _nested_model(theirs)
    results = []
    for k, model in ((theirs, keras_model), (ours, _nested_model(ours, keras_model))):
        model.compile(k.optimizers.SGD(0.05), loss={"a": "mse", "b": ["mae", "mse"]})
        history = model.fit(X, Y_NESTED, sample_weight=weights, validation_split=0.25, epochs=2, batch_size=3,
                            shuffle=False, verbose=0)
        results.append((model, history.history))
    (_, their_history), (_, our_history) = results
    assert sorted(our_history) == sorted(their_history)
    for key in their_history:
        np.testing.assert_allclose(our_history[key], their_history[key], rtol=1e-4, atol=1e-6, err_msg=key)


def test_nested_loss_with_a_wrong_key_fails_as_keras():
    theirs, ours = fresh_sessions()
    raised = []
    for k in (theirs, ours):
        model = _nested_model(k)
        with pytest.raises(Exception) as info:
            model.compile("sgd", loss={"a": "mse", "c": ["mae", "mse"]})
            model.fit(X, Y_NESTED, epochs=1, verbose=0)
        raised.append(info.type)
    assert issubclass(raised[1], raised[0]) or issubclass(raised[0], raised[1])


def test_metrics_dict_missing_an_output_fails_as_keras():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):
        model = _nested_model(k)
        model.compile("sgd", loss="mse", metrics={"a": ["mae"]})
        with pytest.raises(ValueError):
            model.evaluate(X, Y_NESTED, verbose=0)


def test_one_loss_with_nested_loss_weights_fails_as_keras():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):
        model = _nested_model(k)
        model.compile("sgd", loss="mae", loss_weights={"a": 2.0, "b": [1.0, 0.25]})
        with pytest.raises(ValueError, match="loss_weights"):
            model.evaluate(X, Y_NESTED, verbose=0)


# ----- 3. refusals: strides with dilation; pooling without pool_size -----------------------------------------------

STRIDED_DILATED = [("Conv1D", (2, 3)), ("Conv2D", (2, 3)), ("Conv3D", (2, 3)), ("Conv1DTranspose", (2, 3)),
                   ("Conv2DTranspose", (2, 3)), ("Conv3DTranspose", (2, 3))]


@pytest.mark.parametrize("layer,args", STRIDED_DILATED)
@pytest.mark.parametrize("strides,dilation", [(2, 2), ((2, 1), (1, 2))])
def test_strides_with_dilation_refused_as_keras(layer, args, strides, dilation):
    theirs, ours = fresh_sessions()
    rank = 1 if "1D" in layer else 3 if "3D" in layer else 2
    if isinstance(strides, tuple):
        if rank == 1:
            pytest.skip("one axis: no mixed pair")
        strides, dilation = strides + (1,) * (rank - 2), dilation + (1,) * (rank - 2)
    with pytest.raises(ValueError) as their_error:
        getattr(theirs.layers, layer)(*args, strides=strides, dilation_rate=dilation)
    with pytest.raises(ValueError) as our_error:
        getattr(ours.layers, layer)(*args, strides=strides, dilation_rate=dilation)
    assert str(our_error.value).startswith(str(their_error.value))   # Keras's words, then the layer and the fix
    assert layer in str(our_error.value) and "dilation_rate=1" in str(our_error.value)


@pytest.mark.parametrize("layer,args,shape", [("SeparableConv1D", (2, 3), (1, 12, 3)),
                                              ("SeparableConv2D", (2, 3), (1, 12, 12, 3)),
                                              ("DepthwiseConv1D", (3,), (1, 12, 3)),
                                              ("DepthwiseConv2D", (3,), (1, 12, 12, 3))])
def test_separable_and_depthwise_take_strides_with_dilation_as_keras(layer, args, shape):
    """Keras builds and runs these with both above 1 (torch's convolution takes the pair): so do we."""
    theirs, ours = fresh_sessions()
    x = np.random.default_rng(3).random(shape).astype("float32")
    their_layer = getattr(theirs.layers, layer)(*args, strides=2, dilation_rate=2)
    expected = their_layer(x).detach().numpy()
    our_layer = getattr(ours.layers, layer)(*args, strides=2, dilation_rate=2)
    our_layer.build(shape)
    our_layer.set_weights(their_layer.get_weights())
    np.testing.assert_allclose(our_layer(x).numpy(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dims", ["1D", "2D", "3D"])
def test_pooling_without_pool_size_as_keras(dims):
    theirs, ours = fresh_sessions()
    for kind in ("AveragePooling", "MaxPooling"):
        name = kind + dims
        try:
            expected = getattr(theirs.layers, name)().pool_size
        except TypeError as error:
            with pytest.raises(TypeError, match="pool_size"):
                getattr(ours.layers, name)()
            assert "pool_size" in str(error)
        else:
            assert getattr(ours.layers, name)().pool_size == expected
