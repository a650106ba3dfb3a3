"""keras.constraints against real Keras 3 (torch backend): each projection's values, and training with
constrained weights (applied after every optimizer step) leaves the same weights as Keras."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

RNG = np.random.default_rng(41)
W = (RNG.standard_normal((5, 4)) * 2).astype(np.float32)

CASES = [("MaxNorm", {}), ("MaxNorm", {"max_value": 1.5, "axis": 1}), ("MinMaxNorm", {}),
         ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.5, "axis": [0, 1]}), ("NonNeg", {}),
         ("UnitNorm", {}), ("UnitNorm", {"axis": 1})]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_projection_matches_keras(name, kwargs):
    keras = real_keras()
    theirs = keras.ops.convert_to_numpy(getattr(keras.constraints, name)(**kwargs)(keras.ops.convert_to_tensor(W)))
    constraint = getattr(ours.constraints, name)(**kwargs)
    np.testing.assert_allclose(constraint(W).numpy(), theirs, rtol=1e-6, atol=1e-7)
    again = ours.constraints.get({"class_name": name, "config": constraint.get_config()})
    np.testing.assert_array_equal(again(W).numpy(), constraint(W).numpy())


def test_constrained_training_matches_keras():
    keras = real_keras()
    x = RNG.standard_normal((48, 6)).astype(np.float32)
    y = (x[:, :2] * 3).astype(np.float32)
    theirs = keras.Sequential([keras.Input(shape=(6,)),
                               keras.layers.Dense(5, activation="relu", bias_constraint="non_neg",
                                                  kernel_constraint=keras.constraints.MaxNorm(0.5)),
                               keras.layers.Dense(2, kernel_constraint=keras.constraints.UnitNorm())])
    mine = ours.Sequential([ours.Input(shape=(6,)),
                            ours.layers.Dense(5, activation="relu", bias_constraint="non_neg",
                                              kernel_constraint=ours.constraints.MaxNorm(0.5)),
                            ours.layers.Dense(2, kernel_constraint=ours.constraints.UnitNorm())])
    mine.set_weights(theirs.get_weights())
    for model, K in ((theirs, keras), (mine, ours)):
        model.compile(K.optimizers.Adam(0.05), "mse")
        model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    # float32 training noise: after six Adam steps (lr 0.05) the weights (about 0.3 in size) differ by up to 2e-6
    # between the libraries, depending on the order of torch's sums; atol 1e-6 failed on an entry of 0.0034
    for a, b in zip(mine.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    assert np.linalg.norm(mine.get_weights()[0], axis=0).max() <= 0.5 + 1e-6 and mine.get_weights()[1].min() >= 0


def test_add_weight_constraint_in_a_custom_layer():
    class Positive(ours.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 1), initializer="ones", constraint="non_neg")

        def call(self, inputs):
            return inputs @ self.w
    model = ours.Sequential([ours.Input(shape=(3,)), Positive()])
    model.compile(ours.optimizers.SGD(1.0), "mse")
    x = np.ones((4, 3), np.float32)
    model.fit(x, np.full((4, 1), -5.0, np.float32), epochs=1, verbose=0)
    assert (model.get_weights()[0] >= 0).all() and (model.get_weights()[0] == 0).any()
    with pytest.raises(ValueError, match="unknown constraint 'bogus'"):
        ours.constraints.get("bogus")


def test_conv2d_kernel_constraint_matches_keras():
    keras = real_keras()
    x = RNG.standard_normal((8, 6, 6, 2)).astype(np.float32)
    y = RNG.standard_normal((8, 4, 4, 3)).astype(np.float32)
    models = [K.Sequential([K.Input((6, 6, 2)),
                            K.layers.Conv2D(3, 3, kernel_constraint=K.constraints.MaxNorm(0.3, axis=[0, 1, 2]))])
              for K in (keras, ours)]
    models[1].set_weights(models[0].get_weights())
    for model, K in zip(models, (keras, ours)):
        model.compile(K.optimizers.SGD(0.5), "mse")
        model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(models[1].get_weights(), models[0].get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
