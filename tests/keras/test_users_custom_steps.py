"""Users' subclassed keras.Model programs that override train_step / test_step the Keras 3 way (torch backend
style: self.compute_loss, loss.backward, optimizer.apply / apply_gradients, self.metrics), with a custom
Layer and a custom Metric: run with only the import changed, they give real Keras 3's histories and results."""
import pickle

import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(5)
X = RNG.standard_normal((64, 5)).astype(np.float32)
Y = ((X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0.5)).astype(np.int64)


def _program(K, no_grad, style):
    """The user's code, written once against the module `K` (real keras or ours)."""
    class Affine(K.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="w")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

        def call(self, inputs, training=None):
            return K.ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            config = super().get_config()
            config.update({"units": self.units})
            return config

    class Hits(K.metrics.Metric):
        def __init__(self, name="hits", **kwargs):
            super().__init__(name=name, **kwargs)
            self.total = self.add_variable(shape=(), initializer="zeros", name="total")
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, y_true, y_pred, sample_weight=None):
            pred = K.ops.cast(K.ops.argmax(y_pred, axis=-1), "int32")
            hit = K.ops.cast(K.ops.equal(pred, K.ops.cast(K.ops.reshape(y_true, (-1,)), "int32")), "float32")
            self.total.assign_add(K.ops.sum(hit))
            self.count.assign_add(K.ops.cast(K.ops.shape(hit)[0], "float32"))

        def result(self):
            return self.total / self.count

        def reset_state(self):
            self.total.assign(0.0)
            self.count.assign(0.0)

    class Custom(K.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = Affine(8)
            self.out = K.layers.Dense(3, activation="softmax")
            self.loss_tracker = K.metrics.Mean(name="loss")
            self.hits = Hits()

        def call(self, x, training=None):
            return self.out(K.ops.relu(self.hidden(x)))

        @property
        def metrics(self):
            return [self.loss_tracker, self.hits]

        def train_step(self, data):
            x, y = data
            self.zero_grad()
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
            loss.backward()
            weights = self.trainable_weights
            grads = [v.value.grad for v in weights]
            with no_grad():
                if style == "apply":
                    self.optimizer.apply(grads, weights)
                else:
                    self.optimizer.apply_gradients(zip(grads, weights))
            self.loss_tracker.update_state(loss)
            self.hits.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.loss_tracker.update_state(self.compute_loss(x=x, y=y, y_pred=y_pred))
            self.hits.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    return Custom, Affine


def _no_grads(K):
    if K is ours:
        import autograd
        return autograd.no_grad
    import torch
    return torch.no_grad


def _same_start(theirs, mine):
    theirs(X[:2])
    mine(X[:2])
    mine.set_weights(pickle.loads(pickle.dumps(theirs.get_weights())))


@pytest.mark.parametrize("style", ["apply", "apply_gradients"])
def test_custom_train_and_test_step_with_custom_metric_match_keras(style):
    keras = real_keras()
    models = []
    for K in (keras, ours):
        Custom, _ = _program(K, _no_grads(K), style)
        model = Custom()
        model.compile(optimizer=K.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
        models.append(model)
    theirs, mine = models
    _same_start(theirs, mine)
    kw = dict(epochs=3, batch_size=16, shuffle=False, validation_data=(X[:32], Y[:32]), verbose=0)
    h_theirs, h_mine = theirs.fit(X, Y, **kw), mine.fit(X, Y, **kw)
    assert sorted(h_mine.history) == sorted(h_theirs.history) == ["hits", "loss", "val_hits", "val_loss"]
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_mine.history[key], values, rtol=2e-4, atol=2e-5, err_msg=key)
    expected = theirs.evaluate(X, Y, verbose=0, return_dict=True)
    got = mine.evaluate(X, Y, verbose=0, return_dict=True)
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=2e-4, err_msg=key)
    np.testing.assert_allclose(mine.evaluate(X, Y, verbose=0), theirs.evaluate(X, Y, verbose=0), rtol=2e-4)


def test_custom_layer_config_keeps_its_arguments():
    _, Affine = _program(ours, None, "apply")
    config = Affine(3, name="affine").get_config()
    assert config["units"] == 3 and config["name"] == "affine"
    rebuilt = Affine.from_config(config)
    assert rebuilt.units == 3 and rebuilt.name == "affine"


def _super_step_model(K):
    class Counting(K.Sequential):
        def train_step(self, data):
            self.steps_seen = getattr(self, "steps_seen", 0) + 1
            return super().train_step(data)

        def test_step(self, data):
            return super().test_step(data)

    model = Counting([K.Input(shape=(5,)), K.layers.Dense(8, activation="relu"),
                      K.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=K.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_steps_that_call_super_keep_compiled_metrics_as_keras():
    keras = real_keras()
    theirs, mine = _super_step_model(keras), _super_step_model(ours)
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=2, batch_size=16, shuffle=False, validation_split=0.25, verbose=0)
    h_theirs, h_mine = theirs.fit(X, Y, **kw), mine.fit(X, Y, **kw)
    assert mine.steps_seen == theirs.steps_seen == 6
    assert sorted(h_mine.history) == sorted(h_theirs.history)
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_mine.history[key], values, rtol=2e-4, atol=2e-5, err_msg=key)
    assert [m.name for m in mine.metrics] == [m.name for m in theirs.metrics] == ["loss", "compile_metrics"]
    np.testing.assert_allclose(mine.evaluate(X, Y, verbose=0), theirs.evaluate(X, Y, verbose=0), rtol=2e-4)


def _own_loss_model(K, no_grad):
    """A model compiled without a loss whose train_step computes its own (the GAN / contrastive pattern)."""
    class OwnLoss(K.Model):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(1)
            self.tracker = K.metrics.Mean(name="mse")

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            self.zero_grad()
            loss = K.ops.mean(K.ops.square(self(x) - y))
            loss.backward()
            with no_grad():
                self.optimizer.apply([v.value.grad for v in self.trainable_weights], self.trainable_weights)
            self.tracker.update_state(loss)
            return {"mse": self.tracker.result()}

    model = OwnLoss()
    model.compile(optimizer=K.optimizers.SGD(0.05))
    return model


def test_model_compiled_without_a_loss_trains_with_its_own_step():
    keras = real_keras()
    y = (X @ np.arange(1, 6, dtype=np.float32))[:, None]
    theirs, mine = _own_loss_model(keras, _no_grads(keras)), _own_loss_model(ours, _no_grads(ours))
    _same_start(theirs, mine)
    kw = dict(epochs=3, batch_size=32, shuffle=False, verbose=0)
    h_theirs, h_mine = theirs.fit(X, y, **kw), mine.fit(X, y, **kw)
    assert list(h_mine.history) == list(h_theirs.history) == ["mse"]
    np.testing.assert_allclose(h_mine.history["mse"], h_theirs.history["mse"], rtol=2e-4)


def _guide_model(K, no_grad):
    """Keras's 'customizing what happens in fit' example for the torch backend: a keras.Model subclass built
    from (inputs, outputs), its train_step updating every entry of self.metrics."""
    class CustomModel(K.Model):
        def train_step(self, data):
            x, y = data
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            self.zero_grad()
            loss.backward()
            trainable_weights = [v for v in self.trainable_weights]
            gradients = [v.value.grad for v in trainable_weights]
            with no_grad():
                self.optimizer.apply(gradients, trainable_weights)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = K.Input(shape=(5,))
    model = CustomModel(inputs, K.layers.Dense(1)(inputs))
    model.compile(optimizer=K.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    return model


def test_keras_guide_custom_fit_on_a_functional_subclass_matches_keras():
    keras = real_keras()
    y = (X @ np.arange(1, 6, dtype=np.float32))[:, None]
    theirs, mine = _guide_model(keras, _no_grads(keras)), _guide_model(ours, _no_grads(ours))
    assert isinstance(mine, ours.Model) and type(mine).__name__ == "CustomModel"
    mine.set_weights(theirs.get_weights())
    kw = dict(epochs=3, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    h_theirs, h_mine = theirs.fit(X, y, **kw), mine.fit(X, y, **kw)
    # the step returned {"loss", "compile_metrics": {"mae"}}: sorted by those keys, then flattened (Keras)
    assert list(h_mine.history) == list(h_theirs.history) == ["mae", "loss", "val_loss", "val_mae"]
    for key, values in h_theirs.history.items():
        np.testing.assert_allclose(h_mine.history[key], values, rtol=2e-4, atol=2e-5, err_msg=key)
    np.testing.assert_allclose(mine.evaluate(X, y, verbose=0), theirs.evaluate(X, y, verbose=0), rtol=2e-4)


def _argmax_predictions(K):
    class Labels(K.Sequential):
        def predict_step(self, data):
            return K.ops.argmax(super().predict_step(data), axis=-1)

    a, b = K.Input(shape=(2,)), K.Input(shape=(3,))

    class Seen(K.Model):
        def predict_step(self, data):
            self.seen = (type(data).__name__, len(data), type(data[0]).__name__)
            return super().predict_step(data)

    return (Labels([K.Input(shape=(5,)), K.layers.Dense(3, activation="softmax")]),
            Seen([a, b], K.layers.Dense(1)(K.layers.Concatenate()([a, b]))))


def test_predict_step_overrides_shape_what_predict_returns_as_keras():
    keras = real_keras()
    (labels_t, seen_t), (labels_m, seen_m) = _argmax_predictions(keras), _argmax_predictions(ours)
    labels_m.set_weights(labels_t.get_weights())
    np.testing.assert_array_equal(labels_m.predict(X, batch_size=20, verbose=0),
                                  labels_t.predict(X, batch_size=20, verbose=0))
    pair = [X[:4, :2], X[:4, 2:]]
    assert seen_m.predict(pair, verbose=0).shape == seen_t.predict(pair, verbose=0).shape == (4, 1)
    assert seen_m.seen == seen_t.seen == ("tuple", 1, "list")


def test_base_classes_are_also_at_the_top_level_as_in_keras_3():
    keras = real_keras()
    for name, module in (("Metric", "metrics"), ("Loss", "losses"), ("Optimizer", "optimizers"),
                         ("Initializer", "initializers"), ("Regularizer", "regularizers")):
        assert getattr(keras, name) is getattr(getattr(keras, module), name)
        assert getattr(ours, name) is getattr(getattr(ours, module), name)

    class Total(ours.Metric):   # subclassed from the top-level name, as Keras 3 programs do
        def __init__(self, name="total"):
            super().__init__(name=name)
            self.total = self.add_variable(shape=(), initializer="zeros", name="total")

        def update_state(self, values, sample_weight=None):
            self.total.assign_add(ours.ops.sum(values))

        def result(self):
            return self.total

    metric = Total()
    metric.update_state(np.array([1.0, 2.5]))
    assert float(metric.result()) == 3.5
