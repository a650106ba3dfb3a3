"""Regression tests for the bugs found by the twelfth round of ported Keras programs
(tests/keras/test_keras_programs_round12.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _one_d_sizes(K):
    made = [K.layers.Conv1D(2, 3, dilation_rate=2, padding="causal"), K.layers.Conv1D(2, (5,), strides=2),
            K.layers.MaxPooling1D(2), K.layers.AveragePooling1D(3, 2, padding="same")]
    return [[getattr(layer, key, None) for key in ("kernel_size", "strides", "dilation_rate", "pool_size", "padding")]
            for layer in made]


def test_one_d_conv_and_pooling_sizes_are_one_tuples_as_keras():
    """Conv1D's dilation_rate printed (1, 2) where Keras prints (2,) (a WaveNet's receptive field summed the
    tuples), its padding 'valid' for 'causal', and the 1-D pooling sizes were pairs too."""
    K, ours = fresh_sessions()
    assert _one_d_sizes(ours) == _one_d_sizes(K)


def test_one_d_layers_compute_as_before_with_one_tuple_sizes():
    K, ours = fresh_sessions()
    x = np.linspace(-1, 1, 2 * 11 * 3, dtype="float32").reshape(2, 11, 3)
    for make in (lambda M: M.layers.Conv1D(2, 3, dilation_rate=2, padding="causal", kernel_initializer="ones"),
                 lambda M: M.layers.Conv1D(2, 3, strides=2, padding="same", kernel_initializer="ones"),
                 lambda M: M.layers.MaxPooling1D(3, 2, padding="same"),
                 lambda M: M.layers.AveragePooling1D(3, 2, padding="same")):
        theirs, mine = make(K)(x), make(ours)(x)
        np.testing.assert_allclose(mine.numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)


def _confusion_matrix(K):
    metric = K.metrics.MeanIoU(num_classes=3)
    metric.update_state(np.array([0, 1, 2, 2]), np.array([0, 2, 2, 1]))
    return (metric.total_cm.name, metric.total_cm.path,
            K.ops.convert_to_numpy(metric.total_cm).astype(int).tolist())


def test_iou_metrics_expose_total_cm_as_keras():
    """MeanIoU had no `total_cm`, the attribute Keras code reads for the confusion matrix."""
    K, ours = fresh_sessions()
    assert _confusion_matrix(ours) == _confusion_matrix(K)


@pytest.mark.parametrize("name, kwargs", [("Huber", {"delta": 0.5}), ("CosineSimilarity", {"axis": 1}),
                                          ("CategoricalFocalCrossentropy", {"gamma": 3.0}),
                                          ("BinaryFocalCrossentropy", {"alpha": 0.4})])
def test_loss_configs_list_keras_keys_in_keras_order(name, kwargs):
    """Huber's config held delta and CosineSimilarity's axis, which Keras's leave out, and the focal losses listed
    alpha and gamma first where Keras lists them last: a printed config differed."""
    K, ours = fresh_sessions()
    theirs, mine = getattr(K.losses, name)(**kwargs).get_config(), getattr(ours.losses, name)(**kwargs).get_config()
    assert list(mine.items()) == list(theirs.items())


def _masks_on_outputs(K):
    tokens = np.array([[4, 7, 0], [9, 0, 0]], "int32")
    embedded = K.layers.Embedding(10, 2, mask_zero=True, embeddings_initializer="ones")(tokens)
    dense = K.layers.Dense(2, kernel_initializer="ones")(embedded)
    plain = K.ops.ones((1, 3, 2))
    set_by_hand = K.ops.ones((1, 4, 2)) * np.arange(4, dtype="float32")[None, :, None]
    set_by_hand._keras_mask = K.ops.convert_to_tensor(np.array([[True, True, False, False]]))
    symbolic = K.layers.Embedding(10, 2, mask_zero=True)(K.Input((3,), dtype="int32"))
    return (K.ops.convert_to_numpy(embedded._keras_mask).tolist(), K.ops.convert_to_numpy(dense._keras_mask).tolist(),
            hasattr(plain, "_keras_mask"),
            K.ops.convert_to_numpy(K.layers.GlobalAveragePooling1D()(set_by_hand)).tolist(),
            tuple(symbolic._keras_mask.shape), symbolic._keras_mask.dtype)


def test_layer_outputs_carry_keras_mask_attribute_as_keras():
    """Eager layer outputs had no `_keras_mask` (AttributeError): Keras code reads and sets it."""
    K, ours = fresh_sessions()
    assert _masks_on_outputs(ours) == _masks_on_outputs(K)


def _input_names(K):
    layers = K.layers
    first, named, second = K.Input((6,)), K.Input((6,), name="x"), K.Input((6,))
    out = layers.Dense(2)(first)
    models = [K.Sequential([layers.Dense(3, input_shape=(4,))]), K.Sequential([K.Input((4,)), layers.Dense(3)]),
              K.Sequential([layers.Dense(3)])]
    models[2].build((None, 4))
    return ([t.name for t in (first, named, second, out)] + [repr(first)] +
            [(m.get_config()["layers"][0]["config"]["name"], [t.name for t in m.inputs]) for m in models])


def test_unnamed_inputs_are_keras_tensors_named_as_keras():
    """An unnamed keras.Input's tensor was named after its layer ('input_layer') where Keras names it
    'keras_tensor', named tensors used up a number, a Sequential built from input_shape / build() wrote an
    InputLayer called 'keras_tensor_5', and a KerasTensor's repr left out 'ragged=False'."""
    K, ours = fresh_sessions()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # Keras's warning about input_shape= on a layer
        assert _input_names(ours) == _input_names(K)


def _variable_dtypes(K):
    dense = K.layers.Dense(2)
    dense.build((None, 3))
    norm = K.layers.BatchNormalization()
    norm.build((None, 3))
    variables = [K.Variable(np.zeros(2, "float32")), K.Variable(3, trainable=False), K.Variable(True, trainable=False),
                 K.Variable(initializer="ones", shape=(2,), dtype="float16"), dense.kernel, norm.moving_mean]
    dtypes = [v.dtype for v in variables]
    return (repr(dtypes), [isinstance(d, str) for d in dtypes], [d == "float32" for d in dtypes],
            {d: 1 for d in dtypes} == {"float32": 1, "int32": 1, "bool": 1, "float16": 1})


def test_variable_dtype_is_keras_string():
    """A Variable's (and a layer weight's) dtype was a NumPy dtype: a list of them printed [dtype('float32')] where
    Keras prints ['float32'], and a dict keyed by dtype names missed them."""
    K, ours = fresh_sessions()
    assert _variable_dtypes(ours) == _variable_dtypes(K)


def test_variable_dtype_still_answers_as_numpy_dtype():
    from nn import keras
    variable = keras.Variable(np.zeros(2, "float32"))
    assert variable.dtype == np.float32 and variable.dtype.kind == "f" and variable.dtype.itemsize == 4
    assert np.dtype(variable.dtype) == np.float32 and variable.dtype != np.float64
    assert (keras.ops.convert_to_numpy(variable * 2.0).dtype, (variable + 1).dtype) == (np.float32, np.float32)


def _iterations(K):
    optimizer = K.optimizers.SGD(0.1)
    model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), batch_size=2, verbose=0)
    step = optimizer.iterations
    return (step.dtype, step.name, step.path, tuple(step.shape), step.trainable, repr(step.numpy()),
            [(v.name, v.dtype) for v in optimizer.variables][:2])


def test_optimizer_iterations_is_an_int32_variable_as_keras():
    """optimizer.iterations had no dtype / name / path (an AttributeError in a program printing it), numpy() gave
    an int64 scalar, and optimizer.variables listed 'iteration' as int64: Keras's is an int32 variable."""
    K, ours = fresh_sessions()
    assert _iterations(ours) == _iterations(K)


def _counted_calls(K):
    class Counter(K.layers.Layer):
        def build(self, input_shape):
            self.calls = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="calls")
            self.seen = K.Variable(0.0, trainable=False, name="seen")

        def call(self, x):
            self.calls.assign_add(1)
            self.seen.assign_add(1.0)
            return x

    counter = Counter()
    inputs = K.Input((None, 3))   # an unknown length: deepgrad probes the call more than once
    model = K.Model(inputs, counter(inputs))
    after_build = (int(K.ops.convert_to_numpy(counter.calls)), float(K.ops.convert_to_numpy(counter.seen)))
    model.predict(np.ones((2, 4, 3), "float32"), verbose=0)
    return after_build, int(K.ops.convert_to_numpy(counter.calls)), float(K.ops.convert_to_numpy(counter.seen))


def test_functional_call_on_keras_tensors_assigns_nothing_as_keras():
    """Building a functional model ran the layer's call for real, so a call counter kept in a variable counted
    the symbolic call(s) too (5 calls after 4 steps where Keras counts 4)."""
    K, ours = fresh_sessions()
    assert _counted_calls(ours) == _counted_calls(K)


def _dict_tracked(K):
    class Heads(K.layers.Layer):
        def __init__(self):
            super().__init__(name="heads")
            self.heads = {"left": K.layers.Dense(1, name="left"), "right": K.layers.Dense(1, name="right")}
            self.proj = K.layers.Dense(2, name="proj")
            self.heads["extra"] = K.layers.Dense(1, name="extra")
            self.heads["left"] = K.layers.Dense(1, name="left_2")
            del self.heads["right"]

        def call(self, x):
            return self.proj(x) + sum(head(x) for head in self.heads.values())

    layer = Heads()
    layer(np.ones((1, 3), "float32"))
    return [w.path for w in layer.weights], [w.path for w in layer.trainable_weights], layer.count_params()


def test_layers_held_in_a_dict_attribute_are_tracked_as_keras():
    """Layers a custom layer kept in a dict (`self.heads = {"left": Dense(1), ...}`) were not tracked: their
    weights were missing from layer.weights, so fit never trained them and get_weights left them out."""
    K, ours = fresh_sessions()
    assert _dict_tracked(ours) == _dict_tracked(K)


def _learning_rate(K):
    optimizer = K.optimizers.SGD(0.1)
    rate = optimizer.learning_rate
    first = (rate.name, rate.path, rate.dtype, tuple(rate.shape), rate.trainable, repr(rate.numpy()), str(rate),
             float(rate))
    optimizer.learning_rate = 0.05
    return first, repr(optimizer.learning_rate), float(optimizer.learning_rate)


def test_optimizer_learning_rate_prints_and_answers_as_keras_variable():
    """optimizer.learning_rate printed 0.1 where Keras prints its variable, had no name / path / dtype, and as a
    number was the float64 0.1 where Keras's float32 variable gives 0.10000000149011612."""
    K, ours = fresh_sessions()
    assert _learning_rate(ours) == _learning_rate(K)


def _bfloat16_state(K):
    dense = K.layers.Dense(2, dtype="bfloat16", kernel_initializer="ones")
    out = dense(np.ones((2, 3), "float32"))
    dense.kernel.assign_add(np.full((3, 2), 0.5, "float32"))
    variable = K.Variable(np.ones(2), dtype="bfloat16", name="b")
    variable.assign_add(np.array([0.5, 1.5]))
    as_float = lambda v: K.ops.convert_to_numpy(K.ops.cast(v, "float32")).tolist()
    return (dense.kernel.dtype, K.backend.standardize_dtype(out.dtype), as_float(dense.kernel), variable.dtype,
            variable.trainable, as_float(variable), str(variable.numpy().dtype))


def test_bfloat16_layers_and_variables_as_keras():
    """Dense(dtype="bfloat16") failed ("data type 'bfloat16' not understood"), as did keras.Variable(...,
    dtype="bfloat16"); a bfloat16 variable's assign_add and numpy() failed too."""
    pytest.importorskip("ml_dtypes")
    K, ours = fresh_sessions()
    assert _bfloat16_state(ours) == _bfloat16_state(K)


def _weight_settings(K):
    dense = K.layers.Dense(2, kernel_regularizer="l2", kernel_constraint="non_neg")
    dense.build((None, 3))
    norm = K.layers.BatchNormalization()
    norm.build((None, 3))
    variable = K.Variable(np.zeros(2, "float32"))
    found = []
    for weight in (dense.kernel, dense.bias, norm.moving_mean, variable):
        found.append((weight.aggregation, weight.synchronization, weight.overwrite_with_gradient,
                      type(weight.constraint).__name__, type(weight.regularizer).__name__))
    return found


def test_weights_answer_keras_variable_settings():
    """A layer weight had no aggregation / synchronization / regularizer / overwrite_with_gradient, and a
    keras.Variable no synchronization / constraint / regularizer (AttributeError where Keras gives them)."""
    K, ours = fresh_sessions()
    assert _weight_settings(ours) == _weight_settings(K)
