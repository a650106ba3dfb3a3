"""Regressions for what a seventh round of keras.io examples found when run with only their import changed, and for
two Keras leftovers (`parameters()` names and order, `ops.repeat` with a list), each compared with real Keras 3 on
its torch backend."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _parameter_listings(K):
    """named_parameters() of a functional model with Dropout and BatchNormalization (before and after freezing a
    layer, with a prefix), of a Sequential before and after build, of an unbuilt and a built Dense, and of a
    subclassed model with its own weight before and after its first call: (name, shape, requires_grad)."""
    def listing(model, **kwargs):
        return [(name, tuple(p.shape), bool(p.requires_grad)) for name, p in model.named_parameters(**kwargs)]

    inputs = K.Input((4,))
    x = K.layers.Dense(3, name="zz")(inputs)
    x = K.layers.Dropout(0.5)(x)
    x = K.layers.BatchNormalization()(x)
    functional = K.Model(inputs, K.layers.Dense(2, name="aa")(x))
    rows = [listing(functional), listing(functional, prefix="pre"), len(list(functional.parameters()))]
    functional.layers[1].trainable = False
    rows.append(listing(functional))
    sequential = K.Sequential([K.layers.Dense(2), K.layers.Dense(1)])
    rows.append(listing(sequential))
    sequential.build((None, 3))
    rows += [listing(sequential), listing(sequential.layers[0])]
    dense = K.layers.Dense(3)
    rows.append(listing(dense))
    dense.build((None, 2))
    rows.append(listing(dense))

    class Sub(K.Model):
        def __init__(self):
            super().__init__()
            self.a = K.layers.Dense(2)
            self.z = K.layers.Dense(3)
            self.w = self.add_weight(shape=(1,), name="own")

        def call(self, x):
            return self.a(self.z(x)) + self.w

    sub = Sub()
    rows.append(listing(sub))
    sub(np.ones((1, 4), "float32"))
    rows.append(listing(sub))
    return rows


def test_parameters_have_keras_torch_backend_names_and_order():
    """Keras's torch backend lists a layer's variables as `_torch_params.<path>`, sorted, moving statistics and
    seed states included (requires_grad False); deepgrad listed module attribute names in module order."""
    theirs, ours = fresh_sessions()
    assert _parameter_listings(ours) == _parameter_listings(theirs)


def _fit_after_listing(K):
    """A fit whose optimizer is built after parameters() was read: the losses (the optimizer keeps its order)."""
    inputs = K.Input((4,))
    x = K.layers.Dense(3, kernel_initializer="ones", name="zz")(inputs)
    model = K.Model(inputs, K.layers.Dense(2, kernel_initializer="ones", name="aa")(x))
    list(model.parameters())
    model.compile(K.optimizers.Adam(0.1), "mse")
    rng = np.random.default_rng(0)
    history = model.fit(rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 2)).astype("float32"),
                        epochs=3, batch_size=4, shuffle=False, verbose=0)
    return history.history["loss"], [v.path for v in model.optimizer.variables]


def test_training_is_unchanged_by_the_keras_parameter_order():
    theirs, ours = fresh_sessions()
    (loss_ours, names_ours), (loss_theirs, names_theirs) = _fit_after_listing(ours), _fit_after_listing(theirs)
    np.testing.assert_allclose(loss_ours, loss_theirs, rtol=1e-5)
    assert names_ours == names_theirs


@pytest.mark.parametrize("repeats, axis", [([2], None), ([2], 0), ((2,), 0), ([1, 2, 3], 0), ([1, 2, 3], None)])
def test_repeat_refuses_a_python_list_of_counts_as_keras(repeats, axis):
    """Keras's torch backend raises ValueError for a list or tuple `repeats` (deepgrad accepted `[n]`)."""
    theirs, ours = fresh_sessions()
    x = np.arange(3.0)
    with pytest.raises(ValueError):
        theirs.ops.repeat(x, repeats=repeats, axis=axis)
    with pytest.raises(ValueError, match="keras.ops.repeat: repeats="):
        ours.ops.repeat(x, repeats=repeats, axis=axis)


def test_repeat_of_an_array_of_counts_matches_keras():
    theirs, ours = fresh_sessions()
    x = np.arange(6.0).reshape(2, 3)
    for repeats, axis in ((np.array([2]), None), (np.array([1, 0, 2]), 1), (2, 0)):
        np.testing.assert_array_equal(np.asarray(ours.ops.repeat(x, repeats, axis=axis)),
                                      np.asarray(theirs.ops.repeat(x, repeats, axis=axis)))
