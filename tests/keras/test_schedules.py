"""keras.optimizers.schedules against real Keras 3 (torch backend): every schedule's values over the steps,
its config and from_config round trip, and how an optimizer reports a schedule or a rate in get_config."""
import numpy as np
import pytest

from nn import keras as ours

from .oracle import real_keras

SCHEDULES = {
    "exponential": ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=3, decay_rate=0.5)),
    "exponential_staircase": ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=3, decay_rate=0.5,
                                                       staircase=True)),
    "piecewise": ("PiecewiseConstantDecay", dict(boundaries=[3, 7], values=[0.1, 0.05, 0.01])),
    "polynomial": ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=6, end_learning_rate=0.01,
                                           power=2.0)),
    "polynomial_cycle": ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=4, cycle=True)),
    "inverse_time": ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5)),
    "inverse_time_staircase": ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=2, decay_rate=0.5,
                                                        staircase=True)),
    "cosine": ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=8, alpha=0.2)),
    "cosine_warmup": ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=8, warmup_target=0.1,
                                          warmup_steps=3)),
    "cosine_restarts": ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=3, t_mul=2.0,
                                                    m_mul=0.5, alpha=0.1)),
    "cosine_restarts_t1": ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=3, t_mul=1.0)),
}


@pytest.mark.parametrize("key", sorted(SCHEDULES))
def test_schedule_values_and_config_match_keras(key):
    keras = real_keras()
    name, kwargs = SCHEDULES[key]
    theirs, mine = getattr(keras.optimizers.schedules, name)(**kwargs), getattr(ours.optimizers.schedules, name)(**kwargs)
    steps = range(0, 25)
    expected = [float(keras.ops.convert_to_numpy(theirs(s))) for s in steps]
    got = [float(ours.ops.convert_to_numpy(mine(s))) for s in steps]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-8)
    assert mine.get_config() == theirs.get_config()
    again = type(mine).from_config(mine.get_config())
    assert [again(s) for s in steps] == [mine(s) for s in steps]


def test_optimizer_config_holds_a_float_rate_or_the_serialized_schedule_as_keras():
    keras = real_keras()
    for K in (keras, ours):
        plain = K.optimizers.Adam(0.02).get_config()["learning_rate"]
        assert type(plain) is float and plain == pytest.approx(0.02)
    schedule = dict(initial_learning_rate=0.1, decay_steps=8, warmup_target=0.2, warmup_steps=2)
    theirs = keras.optimizers.SGD(keras.optimizers.schedules.CosineDecay(**schedule)).get_config()["learning_rate"]
    mine = ours.optimizers.SGD(ours.optimizers.schedules.CosineDecay(**schedule)).get_config()["learning_rate"]
    assert isinstance(mine, dict) and mine["class_name"] == theirs["class_name"] == "CosineDecay"
    assert mine["config"] == theirs["config"]
    again = ours.optimizers.SGD.from_config(ours.optimizers.SGD(ours.optimizers.schedules.CosineDecay(**schedule))
                                            .get_config())
    assert float(again.learning_rate) == pytest.approx(0.1)


def test_a_model_trained_with_a_warmup_schedule_saves_and_loads(tmp_path):
    model = ours.Sequential([ours.Input((3,)), ours.layers.Dense(1)])
    schedule = ours.optimizers.schedules.PolynomialDecay(0.1, decay_steps=4, end_learning_rate=0.01)
    model.compile(optimizer=ours.optimizers.Adam(schedule), loss="mse")
    x = np.ones((8, 3), np.float32)
    model.fit(x, np.ones((8, 1), np.float32), epochs=1, batch_size=4, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = ours.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer._schedule).__name__ == "PolynomialDecay"
    assert loaded.optimizer._schedule.get_config() == schedule.get_config()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
