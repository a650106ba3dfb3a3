"""Regressions for what more keras.io examples (nlp/text_classification_with_transformer, nlp/lstm_seq2seq,
vision/image_classification_with_vision_transformer, vision/conv_lstm, vision/mlp_image_classification,
structured_data/imbalanced_classification, keras_recipes/antirectifier, keras_recipes/endpoint_layer_pattern, ...)
found when run with only their import changed, each compared with real Keras 3 on its torch backend."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _endpoint_layer(K):
    class LogisticEndpoint(K.layers.Layer):
        """keras_recipes/endpoint_layer_pattern's layer: the loss comes from add_loss, the model has no compiled loss."""

        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = K.losses.BinaryCrossentropy(from_logits=True)

        def call(self, logits, targets=None, sample_weight=None):
            if targets is not None:
                self.add_loss(self.loss_fn(targets, logits, sample_weight))
            return K.ops.sigmoid(logits)

    return LogisticEndpoint


def _endpoint_data():
    rng = np.random.default_rng(0)
    return {"inputs": rng.random((50, 6)), "targets": rng.random((50, 1)), "sample_weight": rng.random((50, 1))}


def _functional_endpoint_losses(K):
    K.utils.set_random_seed(9)
    inputs, targets, weights = K.Input((6,), name="inputs"), K.Input((1,), name="targets"), \
        K.Input((1,), name="sample_weight")
    preds = _endpoint_layer(K)()(K.layers.Dense(1)(inputs), targets, weights)
    model = K.Model([inputs, targets, weights], preds)
    model.compile(K.optimizers.Adam(1e-2))
    history = model.fit(_endpoint_data(), epochs=3, batch_size=16, verbose=0)
    return history.history["loss"]


def test_a_model_compiled_without_loss_or_metrics_shuffles_as_keras():
    """compile(optimizer) alone (the loss from add_loss): Keras reads no batch to build a compiled loss, so its first
    shuffle takes the global stream one draw earlier than a model compiled with a loss; deepgrad drew that batch's
    seeds anyway and trained on other batches (the endpoint-layer example's losses differed in the 3rd digit)."""
    theirs_k, ours_k = fresh_sessions()
    np.testing.assert_allclose(_functional_endpoint_losses(ours_k), _functional_endpoint_losses(theirs_k),
                               rtol=2e-5)


def _subclassed_endpoint_run(K):
    K.utils.set_random_seed(4)
    endpoint = _endpoint_layer(K)

    class LogReg(K.Model):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(1)
            self.logistic_endpoint = endpoint()

        def call(self, inputs):
            logits = self.dense(inputs["inputs"])
            return self.logistic_endpoint(logits=logits, targets=inputs["targets"],
                                          sample_weight=inputs["sample_weight"])

    model = LogReg()
    model.compile(K.optimizers.Adam(1e-2))
    history = model.fit(_endpoint_data(), epochs=2, batch_size=16, verbose=0)
    evaluated = model.evaluate(_endpoint_data(), batch_size=16, verbose=0)
    predicted = model.predict(_endpoint_data(), batch_size=16, verbose=0)
    return history.history["loss"], evaluated, predicted


def test_a_subclassed_model_takes_a_dict_of_arrays_whole():
    """fit/evaluate/predict(dict) on a subclassed Model: its call receives the dict (deepgrad raised 'the input dict
    has keys [...]; the model's inputs are []')."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _subclassed_endpoint_run(ours_k), _subclassed_endpoint_run(theirs_k)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=2e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=2e-5)
    assert ours[2].shape == theirs[2].shape == (50, 1)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=2e-5, atol=1e-6)


_NOISY = np.array([[1.02], [0.0], [0.5]], "float32")   # dcgan_overriding_train_step's labels + 0.05 * uniform noise
_PROBS = np.array([[0.9], [0.2], [0.5]], "float32")


@pytest.mark.parametrize("call", ["BinaryCrossentropy", "binary_crossentropy", "ops", "BinaryFocalCrossentropy",
                                  "metric", "negative"])
def test_probability_cross_entropy_refuses_targets_outside_0_1_as_keras(call):
    """The DCGAN example's noisy labels (above 1) with a sigmoid discriminator: Keras's torch backend raises torch's
    RuntimeError 'all elements of target should be between 0 and 1'; deepgrad computed a loss."""
    calls = {"BinaryCrossentropy": lambda K, y: K.losses.BinaryCrossentropy()(y, _PROBS),
             "binary_crossentropy": lambda K, y: K.losses.binary_crossentropy(y, _PROBS),
             "ops": lambda K, y: K.ops.binary_crossentropy(y, _PROBS),
             "BinaryFocalCrossentropy": lambda K, y: K.losses.BinaryFocalCrossentropy()(y, _PROBS),
             "metric": lambda K, y: K.metrics.BinaryCrossentropy()(y, _PROBS),
             "negative": lambda K, y: K.losses.binary_crossentropy(-y, _PROBS)}
    theirs_k, ours_k = fresh_sessions()
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1"):
        calls[call](theirs_k, _NOISY)
    with pytest.raises(RuntimeError, match="all elements of target should be between 0 and 1.*from_logits=True"):
        calls[call](ours_k, _NOISY)


def test_targets_inside_0_1_after_smoothing_and_logits_are_taken_as_keras_takes_them():
    theirs_k, ours_k = fresh_sessions()
    for make in (lambda K: K.losses.BinaryCrossentropy(label_smoothing=0.1), lambda K: K.losses.BinaryCrossentropy(
            from_logits=True)):
        np.testing.assert_allclose(float(make(ours_k)(_NOISY, _PROBS)), float(make(theirs_k)(_NOISY, _PROBS)),
                                   rtol=1e-6)


def _keyword_built(K):
    class Endpoint(K.layers.Layer):
        def call(self, logits, targets=None):
            return logits * 2

    concrete, symbolic = Endpoint(), Endpoint()
    concrete(logits=np.ones((2, 1), "float32"), targets=np.ones((2, 1), "float32"))
    symbolic(logits=K.Input((3,)))
    return concrete.built, symbolic.built


def test_a_layer_called_with_its_first_argument_by_keyword_is_built():
    """endpoint(logits=x, targets=t): Keras builds the layer for call's first parameter wherever it was given;
    deepgrad left it unbuilt, and the subclassed endpoint model's summary showed '0 (unbuilt)' where Keras shows 0."""
    theirs_k, ours_k = fresh_sessions()
    assert _keyword_built(ours_k) == _keyword_built(theirs_k) == (True, True)


def _fit_without_call(K, built, what):
    inputs = K.Input((3,))
    encoder = K.Model(inputs, K.layers.Dense(1)(inputs))

    class VAE(K.Model):   # the VAE example's shape: train_step calls the sub-models, no call()
        def __init__(self):
            super().__init__()
            self.encoder = encoder
            if built:
                self.built = True

        def train_step(self, data):
            return {"loss": 1.0}

        def test_step(self, data):
            return {"loss": 2.0}

    model = VAE()
    model.compile(K.optimizers.SGD())
    x = np.ones((4, 3), "float32")
    return model.fit(x, epochs=1, verbose=0).history["loss"] if what == "fit" else model.evaluate(x, verbose=0)


@pytest.mark.parametrize("what", ["fit", "evaluate"])
def test_an_unbuilt_model_without_call_is_refused_as_keras_refuses_it(what):
    """Keras builds an unbuilt model by running its call on the first batch: a subclassed Model without call()
    raises RuntimeError('Unable to automatically build the model...'); deepgrad trained it. Built (self.built =
    True, as the DCGAN example does), both run the custom steps."""
    theirs_k, ours_k = fresh_sessions()
    with pytest.raises(RuntimeError, match="Unable to automatically build the model"):
        _fit_without_call(theirs_k, False, what)
    with pytest.raises(RuntimeError, match="(?s)Unable to automatically build the model.*define call"):
        _fit_without_call(ours_k, False, what)
    assert _fit_without_call(ours_k, True, what) == _fit_without_call(theirs_k, True, what)


def _softmax_warnings(K, call):
    import warnings
    x = np.ones((4, 1), "float32")
    calls = {"ops": lambda: K.ops.softmax(x), "ops_axis0": lambda: K.ops.softmax(np.ones((1, 3), "float32"), axis=0),
             "ops_tensor": lambda: K.ops.softmax(K.ops.convert_to_tensor(x)),
             "activation": lambda: K.activations.softmax(K.ops.convert_to_tensor(x)),
             "dense": lambda: K.layers.Dense(1, activation="softmax")(x), "layer": lambda: K.layers.Softmax()(x),
             "two_classes": lambda: K.ops.softmax(np.ones((4, 2), "float32"))}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calls[call]()
    return [str(w.message) for w in caught if "softmax" in str(w.message)]


@pytest.mark.parametrize("call", ["ops", "ops_axis0", "ops_tensor", "activation", "dense", "layer", "two_classes"])
def test_a_softmax_over_an_axis_of_size_one_warns_as_keras(call):
    """The endpoint-layer example's softmax over logits of shape (batch, 1): Keras warns 'You are using a softmax
    over axis -1 of a tensor of shape torch.Size([32, 1]). This axis has size 1...'; deepgrad was silent."""
    theirs_k, ours_k = fresh_sessions()
    assert _softmax_warnings(ours_k, call) == _softmax_warnings(theirs_k, call)


def _input_layer_model(K):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = K.Sequential([K.layers.InputLayer(input_shape=(5,)), K.layers.Dense(2)])
    return model.output_shape, [str(w.message) for w in caught]


def test_input_layer_takes_keras_2s_input_shape_with_keras_warning():
    """keras.layers.InputLayer(input_shape=...) (subclassing_conv_layers): Keras takes it with 'Argument
    `input_shape` is deprecated. Use `shape` instead.'; deepgrad raised 'Input: pass shape=(...)'."""
    theirs_k, ours_k = fresh_sessions()
    assert _input_layer_model(ours_k) == _input_layer_model(theirs_k)


def _standardized_convolutions(K, rank, padding):
    ops = K.ops
    base = {1: K.layers.Conv1D, 2: K.layers.Conv2D}[rank]

    def standardized(kernel):
        axes = list(range(rank + 1))
        mean, var = ops.mean(kernel, axis=axes, keepdims=True), ops.var(kernel, axis=axes, keepdims=True)
        return (kernel - mean) / ops.sqrt(var + 1e-10)

    class WithOverride(base):   # the example's first way: override convolution_op
        def convolution_op(self, inputs, kernel):
            return ops.conv(inputs, standardized(kernel), padding="valid", strides=list(self.strides))

    class WithCall(base):   # the second way: call convolution_op from call
        def call(self, inputs):
            result = self.convolution_op(inputs, standardized(self.kernel))
            return result + self.bias if self.use_bias else result

    K.utils.set_random_seed(6)
    rng = np.random.default_rng(0)
    shape = (6, 8, 3) if rank == 1 else (6, 8, 8, 3)
    x, y = rng.random(shape).astype("float32"), rng.random((6, 1)).astype("float32")
    results = []
    for cls in (WithOverride, WithCall):
        model = K.Sequential([K.Input(shape[1:]), cls(4, 3, activation="relu", padding=padding), K.layers.Flatten(),
                              K.layers.Dense(1)])
        model.compile(K.optimizers.SGD(0.05), "mse")
        results.append(model.fit(x, y, epochs=2, batch_size=3, shuffle=False, verbose=0).history["loss"])
        results.append(model.predict(x, verbose=0))
    return results


@pytest.mark.parametrize("rank, padding", [(2, "valid"), (1, "valid")])
def test_conv_layers_have_keras_convolution_op(rank, padding):
    """Conv.convolution_op (keras_recipes/subclassing_conv_layers): a subclass overriding it changes the layer's
    convolution, and call() may call it; deepgrad's Conv layers had no convolution_op (AttributeError). Keras's
    Conv1D calls ops.conv itself, so there an override changes nothing, in both."""
    theirs_k, ours_k = fresh_sessions()
    for mine, keras in zip(_standardized_convolutions(ours_k, rank, padding),
                           _standardized_convolutions(theirs_k, rank, padding)):
        np.testing.assert_allclose(mine, keras, rtol=2e-5, atol=1e-6)


def _convolution_ops(K):
    rng = np.random.default_rng(0)
    results = []
    for cls, shape, options in [(K.layers.Conv2D, (2, 7, 7, 4), dict(strides=2, padding="same", groups=2)),
                                (K.layers.Conv1D, (2, 9, 4), dict(dilation_rate=2, padding="same")),
                                (K.layers.Conv3D, (1, 5, 5, 5, 2), dict(padding="same", strides=(1, 2, 1))),
                                (K.layers.Conv2D, (2, 3, 7, 7), dict(data_format="channels_first", strides=2))]:
        layer = cls(4, 3, **options)
        layer.build(shape)
        layer.set_weights([rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()])
        results.append(K.ops.convert_to_numpy(layer.convolution_op(rng.random(shape).astype("float32"),
                                                                   layer.kernel)))
    return results


def test_convolution_op_convolves_as_keras_with_strides_dilation_groups_padding_and_layout():
    theirs_k, ours_k = fresh_sessions()
    for mine, keras in zip(_convolution_ops(ours_k), _convolution_ops(theirs_k)):
        np.testing.assert_allclose(mine, keras, rtol=1e-5, atol=1e-5)
