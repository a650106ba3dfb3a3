"""Functional-model behaviour found by porting Keras 3 programs, against real Keras 3 (torch backend): a
functional model's own input/output after it is reused as a layer, keras.models.clone_model, a mask made by
a custom layer's compute_mask reaching the next custom layer's call while the graph is built, Keras's order
of model.losses, and the PyDataset epoch hooks fit / evaluate / predict call."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(31)
X = RNG.standard_normal((10, 6)).astype(np.float32)


def _backbone(K):
    inputs = K.Input(shape=(6,), name="features")
    hidden = K.layers.Dense(5, activation="relu", name="hidden")(inputs)
    return K.Model(inputs, K.layers.Dense(3, name="embedding")(hidden), name="backbone")


def test_a_reused_functional_model_keeps_its_own_input_and_output():
    keras = real_keras()
    found = []
    for K in (keras, ours):
        base = _backbone(K)
        left = K.Input(shape=(6,), name="left")
        K.Model(left, base(left))
        assert base.input is base.inputs[0] and base.output is base.outputs[0]
        extractor = K.Model(base.input, base.get_layer("hidden").output)
        found.append((extractor.input.name == base.input.name, tuple(extractor.output.shape)))
    assert found[1] == found[0] == (True, (None, 5))


def test_clone_model_rebuilds_functional_and_sequential_models_with_fresh_layers():
    keras = real_keras()
    for make in (_backbone, lambda K: K.Sequential([K.Input((6,)), K.layers.Dense(4, name="a"),
                                                    K.layers.Dense(2, name="b")], name="seq")):
        found = []
        for K in (keras, ours):
            model = make(K)
            clone = K.models.clone_model(model)
            assert all(a is not b for a, b in zip(clone.layers, model.layers))
            clone.set_weights(model.get_weights())
            np.testing.assert_allclose(clone.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)
            found.append((clone.name, [layer.name for layer in clone.layers if "input" not in layer.name],
                          [tuple(w.shape) for w in clone.weights]))
        assert found[1] == found[0]


def test_clone_model_with_a_clone_function_keeps_shared_layers_shared():
    inputs = ours.Input((6,))
    shared = ours.layers.Dense(3, name="shared")
    model = ours.Model(inputs, ours.layers.Add(name="sum")([shared(inputs), shared(inputs)]))
    renamed = ours.models.clone_model(
        model, clone_function=lambda layer: type(layer).from_config({**layer.get_config(), "name": "c_" + layer.name}))
    assert [layer.name for layer in renamed.layers][1:] == ["c_shared", "c_sum"]
    assert len(renamed.weights) == 2
    # a layer is cloned from its config, as Keras does (tests/keras/test_keras_leftovers6.py)
    assert type(ours.models.clone_model(ours.layers.Dense(2))).__name__ == "Dense"


def _masked_program(K):
    class Tokens(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embed = K.layers.Embedding(10, 4)

        def call(self, x):
            return self.embed(x)

        def compute_mask(self, x, mask=None):
            return K.ops.not_equal(x, 0)

    class MaskedMean(K.layers.Layer):
        def call(self, x, mask=None):
            keep = K.ops.expand_dims(K.ops.cast(mask, "float32"), -1)   # fails if the mask does not arrive
            return K.ops.sum(x * keep, axis=1) / K.ops.sum(keep, axis=1)

    inputs = K.Input((5,), dtype="int32")
    model = K.Model(inputs, MaskedMean()(Tokens()(inputs)))
    model.set_weights([np.arange(40, dtype=np.float32).reshape(10, 4) / 40])
    return model


def test_a_custom_layers_mask_reaches_the_next_custom_layer_when_the_graph_is_built():
    keras = real_keras()
    ids = np.array([[1, 2, 0, 0, 0], [3, 4, 5, 6, 0]], np.int32)
    expected = _masked_program(keras).predict(ids, verbose=0)
    np.testing.assert_allclose(_masked_program(ours).predict(ids, verbose=0), expected, rtol=1e-6)


def test_model_losses_list_added_losses_before_weight_penalties_as_keras():
    keras = real_keras()
    found = []
    for K in (keras, ours):
        class Penalised(K.layers.Layer):
            def build(self, shape):
                self.w = self.add_weight(shape=(shape[-1], 2), initializer="ones", regularizer=K.regularizers.L2(0.5),
                                         name="w")

            def call(self, x):
                y = K.ops.matmul(x, self.w)
                self.add_loss(K.ops.mean(y) * 0.0 + 7.0)
                return y

        inputs = K.Input((3,))
        hidden = K.layers.Dense(2, kernel_initializer="ones", kernel_regularizer=K.regularizers.L1(0.1),
                                activity_regularizer=K.regularizers.L2(0.01))(inputs)
        model = K.Model(inputs, Penalised()(hidden))
        model(np.ones((2, 3), np.float32))
        found.append([round(float(K.ops.convert_to_numpy(v)), 4) for v in model.losses])
    assert found[1] == found[0]


def test_pydataset_epoch_hooks_run_as_in_keras():
    keras = real_keras()
    logs = []
    for K in (keras, ours):
        class Data(K.utils.PyDataset):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.log = []

            def __len__(self):
                return 2

            def __getitem__(self, index):
                return np.ones((3, 2), np.float32), np.ones((3, 1), np.float32)

            def on_epoch_begin(self):
                self.log.append("begin")

            def on_epoch_end(self):
                self.log.append("end")

        model = K.Sequential([K.Input((2,)), K.layers.Dense(1)])
        model.compile("sgd", "mse")
        train, val = Data(), Data()
        model.fit(train, validation_data=val, epochs=2, verbose=0, shuffle=False)
        found = [train.log.count("end"), val.log]
        for run in (model.evaluate, model.predict):
            train.log.clear()
            run(train, verbose=0)
            found.append(list(train.log))
        logs.append(found)
    assert logs[1] == logs[0]
