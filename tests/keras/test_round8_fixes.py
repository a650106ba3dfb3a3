"""Regression tests for the bugs found by the eighth round of ported Keras programs
(tests/keras/test_keras_programs_round8.py), each compared with real Keras 3 (torch backend)."""
import numpy as np
import pytest

from nn import keras

from .oracle import fresh_sessions


def _both():
    return fresh_sessions()


@pytest.mark.parametrize("value, kwargs", [
    (np.array([[1, 2], [3, 4]]), {"shape": (2, 2), "dtype": "int", "trainable": False}),   # Swin's index table
    (np.ones((2, 2)), {"shape": (3, 2)}),        # a value keeps its own shape: `shape` is not used
    ([1.0, 2.0], {}), (3, {"trainable": False}), (np.float32(2.0), {}), (np.ones(2), {})])
def test_variable_from_a_value_takes_its_shape_and_dtype_as_keras(value, kwargs):
    """keras.Variable(initializer=<array>, shape=..., dtype='int') raised 'an initializer must be a name ...'
    (a value with a shape went to the initializer lookup), 'int' meant int64, and every value became floatx."""
    K, ours = _both()
    theirs, mine = K.Variable(value, **kwargs), ours.Variable(value, **kwargs)
    assert K.backend.standardize_dtype(theirs.dtype) == str(mine.dtype)
    assert tuple(theirs.shape) == tuple(mine.shape)
    np.testing.assert_array_equal(K.ops.convert_to_numpy(theirs), mine.numpy())


def _weights_of(K, inner_weight_in_init):
    class Table(K.layers.Layer):
        def __init__(self):
            super().__init__()
            if inner_weight_in_init:
                self.bias_table = self.add_weight(shape=(2,), initializer="zeros")
            self.dense = K.layers.Dense(2)
            self.index = K.Variable(np.array([1, 0]), trainable=False)   # (Keras fails on one made in build)

        def build(self, input_shape):
            self.frozen = self.add_weight(shape=(1,), initializer="ones", trainable=False, name="frozen")
            self.scale = self.add_weight(shape=(1,), initializer="ones", name="scale")

        def call(self, x):
            return self.dense(x) * self.scale + self.frozen + K.ops.cast(self.index[0], "float32")

    class Outer(K.layers.Layer):
        def __init__(self):
            super().__init__()
            self.table = Table()

        def call(self, x):
            return self.table(x)

    layer = Outer()
    layer(np.ones((1, 3), "float32"))
    return ([(w.path, tuple(w.shape), bool(w.trainable)) for w in layer.weights], len(layer.trainable_weights),
            len(layer.non_trainable_weights))


@pytest.mark.parametrize("inner_weight_in_init", [False, True])
def test_variable_attributes_order_and_paths_as_keras(inner_weight_in_init):
    """A keras.Variable set as a layer attribute was not one of its weights; weights made non-trainable were
    listed in creation order (Keras lists the trainable ones first); unnamed weights were all 'variable' (Keras
    counts them up); and a weight made in __init__ pinned the layer's path, so sub-layers built in its call
    lost the enclosing layers' names ('table/dense/kernel' for 'outer/table/dense/kernel')."""
    K, ours = _both()
    assert _weights_of(ours, inner_weight_in_init) == _weights_of(K, inner_weight_in_init)


def test_fit_and_evaluate_without_targets_when_only_add_loss_trains():
    """compile() with no loss and a model whose only loss is an add_loss term (keras.io's CTC OCR model): fit(x)
    raised 'y (the targets) is missing', and with no compiled loss the total started from None."""
    K, ours = _both()
    rng = np.random.default_rng(0)
    x, init = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(3, 2)).astype("float32")
    results = []
    for L in (K, ours):
        class Penalty(L.layers.Layer):
            def call(self, y):
                self.add_loss(L.ops.mean(L.ops.square(y - 1.0)))
                return y

        inputs = L.Input((3,))
        model = L.Model(inputs, Penalty()(L.layers.Dense(2, use_bias=False)(inputs)))
        model.set_weights([init])
        model.compile(optimizer=L.optimizers.SGD(0.1))
        history = model.fit(x, batch_size=4, epochs=2, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.evaluate(x, verbose=0)))
    np.testing.assert_allclose(results[1][0], results[0][0], rtol=1e-5)
    assert results[1][1] == pytest.approx(results[0][1], rel=1e-5)


def test_utils_normalize_of_a_tensor_is_differentiable_as_keras():
    """keras.utils.normalize went through NumPy for every input, so a custom loss normalizing its features with it
    (keras.io's supervised contrastive loss) gave no gradient and the model never trained; a NumPy array also
    came back float32 where Keras keeps its dtype."""
    K, ours = _both()
    import torch
    values = np.array([[3.0, -4.0, 1.0], [0.5, 2.0, -1.0]], "float32")
    theirs = torch.tensor(values, requires_grad=True)
    (K.utils.normalize(theirs, axis=1) * torch.arange(3.0)).sum().backward()
    mine = ours.ops.convert_to_tensor(values)
    mine.requires_grad_(True)
    (ours.utils.normalize(mine, axis=1) * ours.ops.arange(3.0)).sum().backward()
    np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)
    array = np.array([[3.0, 4.0], [0.0, 0.0]])
    assert ours.utils.normalize(array).dtype == K.utils.normalize(array).dtype
    np.testing.assert_allclose(ours.utils.normalize(array), K.utils.normalize(array))


def test_on_batch_takes_arrays_of_different_lengths_as_keras():
    """train_on_batch / test_on_batch / predict_on_batch required every array to have the same number of rows,
    while Keras hands the one batch to the step as it is (keras.io's MPNN: a disjoint graph of atoms, bonds and
    one target per molecule)."""
    K, ours = _both()
    rng = np.random.default_rng(1)
    nodes, segments = rng.normal(size=(7, 2)).astype("float32"), np.array([0, 0, 1, 1, 1, 2, 2], "int32")
    targets, kernel = rng.normal(size=(3, 1)).astype("float32"), rng.normal(size=(2, 1)).astype("float32")
    results = []
    for L in (K, ours):
        class Pool(L.layers.Layer):
            def call(self, inputs):
                return L.ops.segment_sum(inputs[0], inputs[1], num_segments=3)

        x, s = L.Input((2,)), L.Input((), dtype="int32")
        model = L.Model([x, s], Pool()([L.layers.Dense(1, use_bias=False)(x), s]))
        model.set_weights([kernel])
        model.compile(optimizer=L.optimizers.SGD(0.1), loss="mse")
        losses = [model.train_on_batch([nodes, segments], targets) for _ in range(2)]
        results.append((losses, model.test_on_batch([nodes, segments], targets),
                        model.predict_on_batch([nodes, segments])))
    (their_losses, their_test, their_pred), (my_losses, my_test, my_pred) = results
    np.testing.assert_allclose(my_losses, their_losses, rtol=1e-5)
    assert my_test == pytest.approx(their_test, rel=1e-5)
    np.testing.assert_allclose(np.asarray(my_pred), K.ops.convert_to_numpy(their_pred), rtol=1e-5)


def _moving_means_after_fit(L, takes_training):
    class Plain(L.Model):
        def __init__(self):
            super().__init__()
            self.norm, self.dense = L.layers.BatchNormalization(), L.layers.Dense(1)

        def call(self, x):
            return self.dense(self.norm(x))

    class WithTraining(Plain):
        def call(self, x, training=None):
            return self.dense(self.norm(x))

    x = np.random.default_rng(0).normal(2.0, 1.0, (8, 3)).astype("float32")
    model = (WithTraining if takes_training else Plain)()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((8, 1), "float32"), epochs=1, batch_size=8, verbose=0)
    return L.ops.convert_to_numpy(model.norm.moving_mean)


@pytest.mark.parametrize("takes_training", [False, True])
def test_fit_of_a_model_whose_call_takes_no_training_runs_its_layers_in_inference_as_keras(takes_training):
    """Keras's fit calls a subclassed model with training=True only when its call takes `training`; otherwise its
    BatchNormalization runs in inference mode (keras.io's SimSiam trains so). deepgrad trained it in training
    mode."""
    K, ours = _both()
    np.testing.assert_allclose(_moving_means_after_fit(ours, takes_training),
                               _moving_means_after_fit(K, takes_training), atol=1e-6)


def test_compute_loss_override_with_more_outputs_than_targets_and_no_compiled_metrics():
    """A model whose compute_loss takes four outputs and no targets (SimSiam): without compiled metrics Keras's
    compute_metrics leaves them alone; deepgrad resolved compile's metrics against them and raised 'the model has
    4 output(s) ... but the data gives 1 target(s)'."""
    K, ours = _both()
    x = np.random.default_rng(3).normal(size=(6, 2)).astype("float32")
    kernel = np.random.default_rng(4).normal(size=(2, 2)).astype("float32")
    losses = []
    for L in (K, ours):
        class Pair(L.Model):
            def __init__(self):
                super().__init__()
                self.dense = L.layers.Dense(2, use_bias=False)

            def call(self, x):
                a = self.dense(x)
                return a, 2.0 * a, a + 1.0, -a

            def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
                return L.ops.mean(L.ops.square(y_pred[0] - y_pred[2])) + L.ops.mean(y_pred[1] * y_pred[3])

        model = Pair()
        model(x[:1])
        model.set_weights([kernel])
        model.compile(optimizer=L.optimizers.SGD(0.1))
        losses.append(model.fit(x, epochs=2, batch_size=3, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-5)


def test_class_weight_with_sample_weight_is_refused_as_keras():
    """fit(x, y, sample_weight=..., class_weight=...) multiplied the two where Keras raises a ValueError."""
    K, ours = _both()
    x, y = np.ones((4, 2), "float32"), np.array([0, 1, 0, 1])
    for L in (K, ours):
        model = L.Sequential([L.Input((2,)), L.layers.Dense(2, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        with pytest.raises(ValueError, match="class_weight"):
            model.fit(x, y, sample_weight=np.ones(4, "float32"), class_weight={0: 1.0, 1: 2.0}, verbose=0)
