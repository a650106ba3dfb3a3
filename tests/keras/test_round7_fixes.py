"""Regression tests for the bugs found by the seventh round of ported Keras programs
(tests/keras/test_keras_programs_round7.py and test_keras_lora.py), each compared with real Keras 3 (torch
backend)."""
import json

import numpy as np
import pytest

from nn import keras

from .oracle import real_keras


def _config(layer):
    config = json.loads(json.dumps(layer.get_config()))
    config.pop("dtype")
    return config


@pytest.mark.parametrize("make", [lambda L: L.Embedding(5, 3, mask_zero=True),
                                  lambda L: L.ReversibleEmbedding(5, 3, tie_weights=False, logit_soft_cap=2.0)])
def test_embedding_configs_as_keras(make):
    """Embedding's config listed 'input_length' (which Keras 3 removed) and lacked activity_regularizer and
    quantization_config; ReversibleEmbedding's put tie_weights among Embedding's keys."""
    K = real_keras()
    theirs, mine = _config(make(K.layers)), _config(make(keras.layers))
    assert list(mine) == list(theirs)
    assert mine == theirs


def test_subclass_get_config_keeps_the_built_in_arguments():
    """A subclass of Dense whose get_config returns {**super().get_config(), 'extra': ...} lost Dense's own
    arguments (units, activation, ...), so from_config failed: "missing 1 required positional argument: 'units'"."""
    K = real_keras()
    configs = []
    for L in (K.layers, keras.layers):
        class Scaled(L.Dense):
            def __init__(self, units, extra=1, **kwargs):
                super().__init__(units, **kwargs)
                self.extra = extra

            def get_config(self):
                return {**super().get_config(), "extra": self.extra}
        layer = Scaled(3, extra=2, activation="relu", lora_rank=None)
        configs.append(_config(layer))
        again = Scaled.from_config(layer.get_config())
        assert (again.units, again.extra) == (3, 2)
    assert configs[1] == configs[0]


@pytest.mark.parametrize("name", ["TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy"])
def test_top_k_metrics_take_k_first(name):
    """SparseTopKCategoricalAccuracy(2, name='top2') raised "got multiple values for argument 'name'": Keras's
    top-k metrics take k as their first argument (the others take name first)."""
    K = real_keras()
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(5), 6).astype("float32")
    labels = rng.integers(0, 5, 6)
    y_true = labels if name.startswith("Sparse") else np.eye(5, dtype="float32")[labels]
    theirs, mine = getattr(K.metrics, name)(2, name="top2"), getattr(keras.metrics, name)(2, name="top2")
    theirs.update_state(y_true, probs)
    mine.update_state(y_true, probs)
    assert float(mine.result()) == pytest.approx(float(theirs.result()))
    assert mine.get_config() == {**theirs.get_config(), "dtype": "float32"}


def _gc_and_momentum_classes(K):
    class GCSGD(K.optimizers.SGD):
        def apply(self, grads, trainable_variables=None):
            grads = [g - K.ops.mean(g, axis=list(range(len(g.shape) - 1)), keepdims=True) if len(g.shape) > 1 else g
                     for g in grads]
            return super().apply(grads, trainable_variables)

    class HeavyBall(K.optimizers.Optimizer):
        def __init__(self, learning_rate=0.1, momentum=0.5, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.vs = [self.add_variable_from_reference(v, name="v") for v in var_list]

        def update_step(self, gradient, variable, learning_rate):
            v = self.vs[self._get_variable_index(variable)]
            self.assign(v, v * self.momentum - K.ops.cast(learning_rate, variable.dtype) * gradient)
            self.assign_add(variable, v)
    return GCSGD, HeavyBall


@pytest.mark.parametrize("which", [0, 1])
def test_optimizer_subclasses_train_as_keras(which):
    """fit ignored a subclass's `apply` (gradient centralization trained as plain SGD: losses [1.1045, 1.0413,
    0.9979] where Keras gives [1.1017, 1.0642, 1.0341]), and a keras.optimizers.Optimizer subclass with build /
    update_step failed (AttributeError: no add_variable_from_reference)."""
    K = real_keras()
    rng = np.random.default_rng(3)
    x = rng.standard_normal((16, 3)).astype("float32")
    y = rng.standard_normal((16, 2)).astype("float32")
    start = [rng.normal(0, 0.5, s).astype("float32") for s in ((3, 4), (4,), (4, 2), (2,))]
    results = []
    for L in (K, keras):
        model = L.Sequential([L.Input((3,)), L.layers.Dense(4, activation="tanh"), L.layers.Dense(2)])
        model.set_weights(start)
        model.compile(optimizer=_gc_and_momentum_classes(L)[which](learning_rate=0.1), loss="mse")
        history = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.get_weights()))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5)
    for mine, theirs in zip(results[1][1], results[0][1]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)
    if which == 1:   # a subclass's config holds its base's settings, not its slot variables
        assert sorted(_gc_and_momentum_classes(keras)[1]().get_config()) == \
            sorted(_gc_and_momentum_classes(K)[1]().get_config())


def test_user_regularizer_without_get_config_raises_as_keras():
    """A keras.regularizers.Regularizer subclass of the user's that does not define get_config returned its
    attributes; Keras's base get_config raises NotImplementedError (built-in regularizers keep their configs)."""
    K = real_keras()
    for module in (K, keras):
        class Orthogonal(module.regularizers.Regularizer):
            def __init__(self, factor=0.1):
                self.factor = factor

            def __call__(self, x):
                return self.factor * module.ops.sum(x * x)
        with pytest.raises(NotImplementedError, match="does not implement get_config"):
            Orthogonal().get_config()
    assert keras.regularizers.L1L2(l1=0.1).get_config() == K.regularizers.L1L2(l1=0.1).get_config()


def test_global_average_pooling_takes_a_numpy_mask():
    """GlobalAveragePooling1D()(x, mask=<NumPy bool array>) failed ('numpy.ndarray' object has no attribute
    'unsqueeze'); Keras averages over the unmasked steps."""
    K = real_keras()
    x = np.arange(12, dtype="float32").reshape(2, 3, 2)
    mask = np.array([[True, False, True], [False, True, True]])
    theirs = K.ops.convert_to_numpy(K.layers.GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(keras.layers.GlobalAveragePooling1D()(x, mask=mask).numpy(), theirs)


def test_sparse_top_k_from_sorted_ids_as_keras():
    """SparseTopKCategoricalAccuracy(from_sorted_ids=True) raised TypeError (unexpected keyword argument); with it,
    y_pred holds class ids sorted by score and a hit is the label among the first k."""
    K = real_keras()
    labels, ids = np.array([1, 2, 0, 3]), np.array([[1, 2, 0], [0, 1, 2], [2, 0, 1], [3, 2, 1]])
    for k in (1, 2):
        theirs = K.metrics.SparseTopKCategoricalAccuracy(k=k, from_sorted_ids=True)
        mine = keras.metrics.SparseTopKCategoricalAccuracy(k=k, from_sorted_ids=True)
        theirs.update_state(labels, ids)
        mine.update_state(labels, ids)
        assert float(mine.result()) == pytest.approx(float(theirs.result()))
        assert mine.get_config() == {**theirs.get_config(), "dtype": "float32"}
    assert "from_sorted_ids" not in keras.metrics.SparseTopKCategoricalAccuracy(k=2).get_config()


@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_recurrent_layers_take_a_numpy_mask(name):
    """LSTM / GRU / SimpleRNN(x, mask=<NumPy bool array>) failed ('numpy.ndarray' object has no attribute
    'long'); Keras skips the masked steps (e.g. LSTM gives [[0.2714, 0.2714], [0.6413, 0.6413]] here)."""
    K = real_keras()
    x = np.random.default_rng(0).normal(size=(2, 3, 2)).astype("float32")
    mask = np.array([[True, True, False], [True, False, False]])
    outs = []
    for L in (K.layers, keras.layers):
        layer = getattr(L, name)(2, kernel_initializer="ones", recurrent_initializer="ones")
        outs.append(_np(layer(x, mask=mask)) if L is keras.layers else K.ops.convert_to_numpy(layer(x, mask=mask)))
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5, atol=1e-6)


def _np(value):
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


def test_plain_attributes_before_super_init_as_keras():
    """A layer or model whose __init__ sets plain values (self.factor = ...) before super().__init__() failed
    ("call super().__init__() before assigning 'factor'"); Keras allows it (a sub-layer still needs the base
    initialised first, in both)."""
    K = real_keras()
    outputs = []
    for module in (K, keras):
        class Scale(module.layers.Layer):
            def __init__(self, factor, **kwargs):
                self.factor = factor
                self.units = 2
                super().__init__(**kwargs)
                self.dense = module.layers.Dense(self.units, kernel_initializer="ones")

            def call(self, x):
                return self.dense(x) * self.factor

        layer = Scale(3.0, name="scaled")
        outputs.append((_np(layer(np.ones((2, 4), "float32"))), [w.path for w in layer.weights], layer.factor))

        class Early(module.layers.Layer):
            def __init__(self):
                self.dense = module.layers.Dense(2)
                super().__init__()
        with pytest.raises(AttributeError, match="before"):
            Early()
    np.testing.assert_allclose(outputs[1][0], outputs[0][0])
    assert outputs[1][1:] == outputs[0][1:]


def test_functional_call_sees_the_declared_batch_size():
    """Input(shape, batch_size=8) into a layer that reshapes by the whole batch's token count (the Switch
    Transformer's ops.reshape(x, [batch * tokens, dim])) failed: the symbolic call ran the layer on a batch of 2
    ("cannot reshape a tensor of shape (2, 6, 8) into (48, 8)"); Keras traces it with the declared batch."""
    K = real_keras()
    shapes = []
    for module in (K, keras):
        class Flatten(module.layers.Layer):
            def call(self, x):
                return module.ops.reshape(x, [48, 8])
        inputs = module.Input(shape=(6, 8), batch_size=8)
        outputs = Flatten()(inputs)
        shapes.append(tuple(outputs.shape))
        model = module.Model(inputs, outputs)
        shapes.append(tuple(_np(model(np.ones((8, 6, 8), "float32"))).shape))
    assert shapes[2:] == shapes[:2] == [(48, 8), (48, 8)]


def test_layers_appended_to_a_list_attribute_are_tracked():
    """`self.ensemble = []` then `self.ensemble.append(tree)` (the neural decision forest) left the appended layers
    untracked: their weights were missing from model.weights (4 weights and 24 parameters where Keras has 13 and
    108) and never trained."""
    K = real_keras()
    found = []
    for module in (K, keras):
        class Stack(module.layers.Layer):
            def __init__(self):
                super().__init__()
                self.blocks = []
                for units in (3, 2):
                    self.blocks.append(module.layers.Dense(units))
                self.blocks += [module.layers.Dense(1)]

            def call(self, x):
                for block in self.blocks:
                    x = block(x)
                return x
        layer = Stack()
        layer(np.ones((2, 4), "float32"))
        found.append(([tuple(w.shape) for w in layer.weights], len(layer.trainable_weights)))
    assert found[1] == found[0]


@pytest.mark.parametrize("shape, size, data_format", [((7, 5, 3), (4, 4), "channels_last"),
                                                      ((2, 6, 9, 1), (3, 2), "channels_last"),
                                                      ((2, 3, 8, 5), (4, 6), "channels_first")])
def test_preprocessing_namespace_and_smart_resize_as_keras(shape, size, data_format):
    """keras.preprocessing (image.smart_resize, image.img_to_array, sequence.pad_sequences, ...) and
    keras.saving.save_weights / load_weights were missing (AttributeError)."""
    K = real_keras()
    x = np.random.default_rng(0).uniform(0, 255, shape).astype("float32")
    theirs = K.preprocessing.image.smart_resize(x, size, data_format=data_format)
    mine = keras.preprocessing.image.smart_resize(x, size, data_format=data_format)
    assert isinstance(mine, np.ndarray)
    np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-3)
    with pytest.raises(ValueError, match="Expected an image array with shape"):
        keras.preprocessing.image.smart_resize(x[0, 0], size)
    assert keras.preprocessing.sequence.pad_sequences([[1, 2], [3]]).tolist() == \
        K.preprocessing.sequence.pad_sequences([[1, 2], [3]]).tolist()
    assert keras.preprocessing.image.img_to_array is keras.utils.img_to_array


def test_saving_save_and_load_weights_functions(tmp_path):
    """keras.saving.save_weights(model, path) / load_weights(model, path) as model.save_weights / load_weights."""
    real_keras()
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    keras.saving.save_weights(model, tmp_path / "m.weights.h5")
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    keras.saving.load_weights(other, tmp_path / "m.weights.h5")
    for a, b in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="max_shard_size"):   # a sharded index must be named '.weights.json'
        keras.saving.save_weights(model, tmp_path / "n.h5", max_shard_size=1)


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates_as_keras(order, fill_mode):
    """keras.ops.image.map_coordinates was missing; values (float and integer inputs, points outside the array)
    and the gradients with respect to the array and the coordinates match Keras."""
    K = real_keras()
    import torch
    import autograd as ag
    rng = np.random.default_rng(order)
    x = rng.standard_normal((4, 5))
    coords = rng.uniform(-2.5, 6.5, (2, 3, 2))
    tx, tc = torch.tensor(x, requires_grad=True), torch.tensor(coords, requires_grad=True)
    theirs = K.ops.image.map_coordinates(tx, [tc[0], tc[1]], order, fill_mode=fill_mode, fill_value=0.5)
    theirs.sum().backward()
    ox, oc = ag.tensor(x, requires_grad=True), ag.tensor(coords, requires_grad=True)
    mine = keras.ops.image.map_coordinates(ox, [oc[0], oc[1]], order, fill_mode=fill_mode, fill_value=0.5)
    mine.sum().backward()
    np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    if order == 1:
        np.testing.assert_allclose(oc.grad.numpy(), tc.grad.numpy(), atol=1e-12)
    ints = rng.integers(0, 9, (4, 5)).astype("int32")
    expected = K.ops.convert_to_numpy(K.ops.image.map_coordinates(ints, list(coords.astype("float32")), order,
                                                                   fill_mode=fill_mode))
    got = keras.ops.image.map_coordinates(ints, list(coords.astype("float32")), order, fill_mode=fill_mode)
    np.testing.assert_array_equal(got.numpy(), expected)
    assert got.dtype == np.int32


def test_map_coordinates_errors_as_keras():
    """Keras's errors: a coordinate list of the wrong length, an unknown fill_mode, order above 1."""
    real_keras()
    x = np.zeros((3, 3), "float32")
    with pytest.raises(ValueError, match="First dim of `coordinates` must be the same as the rank"):
        keras.ops.image.map_coordinates(x, [np.zeros(2)], 1)
    with pytest.raises(ValueError, match="Invalid value for argument `fill_mode`"):
        keras.ops.image.map_coordinates(x, [np.zeros(2), np.zeros(2)], 1, fill_mode="edge")
    with pytest.raises(NotImplementedError, match="order<=1"):
        keras.ops.image.map_coordinates(x, [np.zeros(2), np.zeros(2)], 3)


def test_where_indices_and_running_dtypes_as_keras():
    """keras.ops.where(condition) (no x1/x2) raised ValueError; Keras (torch backend) returns the indices, one row
    per axis, int64. cumsum / cumprod of booleans gave int64 (Keras: int32) and of int8 int64 (Keras keeps int8)."""
    K = real_keras()
    cond = np.array([[True, False, True], [False, True, False]])
    theirs = K.ops.convert_to_numpy(K.ops.where(cond))
    mine = keras.ops.where(cond).numpy()
    np.testing.assert_array_equal(mine, theirs)
    assert mine.dtype == theirs.dtype
    for fn in ("cumsum", "cumprod"):
        for x in (np.array([True, False, True]), np.array([1, 2, 3], "int8"), np.array([1.5, 2.0], "float32")):
            a = K.ops.convert_to_numpy(getattr(K.ops, fn)(x))
            b = getattr(keras.ops, fn)(x).numpy()
            np.testing.assert_array_equal(b, a)
            assert b.dtype == a.dtype, (fn, x.dtype, b.dtype, a.dtype)
    with pytest.raises(ValueError, match="pass both x1 and x2, or neither"):
        keras.ops.where(cond, 1.0)


@pytest.mark.parametrize("interpolation", ["bilinear", "bicubic"])
@pytest.mark.parametrize("shape, size", [((2, 9, 7, 3), (4, 3)), ((1, 5, 6, 1), (2, 6)), ((1, 4, 4, 2), (3, 8))])
def test_resize_antialias_when_shrinking_as_keras(shape, size, interpolation):
    """ops.image.resize(..., antialias=True) and Resizing(antialias=True) refused to shrink ("antialias=True is not
    supported when shrinking"); Keras (torch backend) averages under a filter stretched by the shrink factor
    (triangle for bilinear, cubic for bicubic). Values and gradients match."""
    K = real_keras()
    import torch
    import autograd as ag
    x = np.random.default_rng(0).uniform(0, 1, shape)
    tx, ox = torch.tensor(x, requires_grad=True), ag.tensor(x, requires_grad=True)
    theirs = K.ops.image.resize(tx, size, interpolation=interpolation, antialias=True)
    mine = keras.ops.image.resize(ox, size, interpolation=interpolation, antialias=True)
    np.testing.assert_allclose(mine.detach().numpy(), theirs.detach().numpy(), rtol=1e-6, atol=1e-7)
    cotangent = np.random.default_rng(1).standard_normal(tuple(theirs.shape))
    (theirs * torch.tensor(cotangent)).sum().backward()
    (mine * ag.tensor(cotangent)).sum().backward()
    np.testing.assert_allclose(ox.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-7)
    layer_out = keras.layers.Resizing(*size, interpolation, antialias=True)(x.astype("float32"))
    k_layer = K.ops.convert_to_numpy(K.layers.Resizing(*size, interpolation, antialias=True)(x.astype("float32")))
    np.testing.assert_allclose(_np(layer_out), k_layer, rtol=1e-5, atol=1e-6)
