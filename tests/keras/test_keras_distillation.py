"""keras.distillation against real Keras 3.15 (torch backend): a Distiller trained with compile/fit on a small
teacher/student pair (Keras's weights copied in) gives Keras's history, metrics, evaluate results and student
weights; the distillation losses' values, configs and errors match Keras's."""
import json

import numpy as np
import pytest

from .oracle import fresh_sessions

RNG = np.random.default_rng(5)
X = RNG.standard_normal((30, 4)).astype(np.float32)   # 30 rows in batches of 8: a short last batch
Y = RNG.integers(0, 3, size=(30,))


def _pair(lib, student_units=5, activation=None):
    def model(units, name):
        return lib.Sequential([lib.Input((4,)), lib.layers.Dense(units, activation="relu", name=f"{name}_h"),
                               lib.layers.Dense(3, activation=activation, name=f"{name}_out")], name=name)
    return model(8, "teacher"), model(student_units, "student")


def _train(lib, teacher, student, losses, epochs=2, **kwargs):
    distiller = lib.distillation.Distiller(teacher, student, losses(lib), **kwargs)
    distiller.compile(optimizer=lib.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
    history = distiller.fit(X, Y, epochs=epochs, batch_size=8, verbose=0, shuffle=False).history
    return distiller, history


def _both(losses, student_units=5, activation=None, **kwargs):
    """(Keras's, ours): distiller, history, evaluate's dict and the student's weights after the same training."""
    theirs, ours = fresh_sessions()
    theirs.utils.set_random_seed(0)
    k_teacher, k_student = _pair(theirs, student_units, activation)
    o_teacher, o_student = _pair(ours, student_units, activation)
    o_teacher.set_weights(k_teacher.get_weights())
    o_student.set_weights(k_student.get_weights())
    results = []
    for lib, teacher, student in ((theirs, k_teacher, k_student), (ours, o_teacher, o_student)):
        distiller, history = _train(lib, teacher, student, losses, **kwargs)
        results.append((distiller, history, distiller.evaluate(X, Y, verbose=0, return_dict=True),
                        student.get_weights()))
    return results


def _assert_same_training(k, o):
    (k_model, k_history, k_eval, k_weights), (o_model, o_history, o_eval, o_weights) = k, o
    assert sorted(o_history) == sorted(k_history)
    for key in k_history:
        np.testing.assert_allclose(o_history[key], k_history[key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert sorted(o_eval) == sorted(k_eval)
    for key in k_eval:
        np.testing.assert_allclose(o_eval[key], k_eval[key], rtol=1e-4, atol=1e-5, err_msg=key)
    assert [m.name for m in o_model.metrics] == [m.name for m in k_model.metrics]
    assert (len(o_model.weights), len(o_model.trainable_weights)) == \
           (len(k_model.weights), len(k_model.trainable_weights))
    for a, b in zip(o_weights, k_weights):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=2e-5)


CASES = {
    "logits_default": (lambda lib: lib.distillation.LogitsDistillation(temperature=2.0), {}),
    "logits_kl_instance": (lambda lib: lib.distillation.LogitsDistillation(4.0, loss=lib.losses.KLDivergence()),
                           {"student_loss_weight": 0.2}),
    "logits_cce_from_logits": (lambda lib: lib.distillation.LogitsDistillation(
        3.0, loss=lib.losses.CategoricalCrossentropy(from_logits=True)), {"student_loss_weight": 0.7}),
    "feature_final_mse": (lambda lib: lib.distillation.FeatureDistillation(), {"student_loss_weight": 0.0}),
    "several_weighted": (lambda lib: [
        lib.distillation.LogitsDistillation(temperature=2.0),
        lib.distillation.LogitsDistillation(4.0, loss=lib.losses.KLDivergence()),
        lib.distillation.FeatureDistillation(loss="mae", teacher_layer_name="teacher_out",
                                             student_layer_name="student_out")],
        {"distillation_loss_weights": [1.0, 0.5, 0.25], "student_loss_weight": 0.3}),
    "only_student_loss": (lambda lib: lib.distillation.LogitsDistillation(), {"student_loss_weight": 1.0}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_distiller_fit_matches_keras(case):
    losses, kwargs = CASES[case]
    k, o = _both(losses, **kwargs)
    _assert_same_training(k, o)
    assert not o[0].teacher.trainable


def test_feature_distillation_of_hidden_layers_matches_keras():
    """Hidden features of the same width (8 units in both), cosine similarity, softmax outputs."""
    k, o = _both(lambda lib: [lib.distillation.FeatureDistillation(
        loss=lib.losses.CosineSimilarity(), teacher_layer_name="teacher_h", student_layer_name="student_h"),
        lib.distillation.LogitsDistillation()], student_units=8, activation="softmax",
        distillation_loss_weights=[0.5, 2.0])
    _assert_same_training(k, o)
    np.testing.assert_allclose(o[0].predict(X[:5], verbose=0), k[0].predict(X[:5], verbose=0), rtol=1e-4,
                               atol=1e-5)


def test_distillation_losses_compute_loss_match_keras():
    theirs, ours = fresh_sessions()
    teacher = RNG.standard_normal((6, 5)).astype(np.float32)
    student = RNG.standard_normal((6, 5)).astype(np.float32)
    makers = [lambda lib: lib.distillation.LogitsDistillation(),
              lambda lib: lib.distillation.LogitsDistillation(0.5, loss=lib.losses.KLDivergence()),
              lambda lib: lib.distillation.LogitsDistillation(2.0, loss=["mse", None]),
              lambda lib: lib.distillation.FeatureDistillation(loss=["mae", "cosine_similarity"])]
    for make in makers:
        k_loss, o_loss = make(theirs), make(ours)
        pair = ([teacher, student], [student, teacher]) if isinstance(k_loss.loss, list) else (teacher, student)
        k_value = k_loss.compute_loss(*pair)
        o_value = o_loss.compute_loss(*pair)
        np.testing.assert_allclose(np.asarray(o_value), k_value.detach().cpu().numpy(), rtol=1e-5, atol=1e-6)
        assert o_loss.get_config() == k_loss.get_config()


def test_configs_match_keras_and_round_trip():
    theirs, ours = fresh_sessions()
    configs = []
    for lib in (theirs, ours):
        teacher, student = _pair(lib)
        distiller = lib.distillation.Distiller(
            teacher, student, [lib.distillation.LogitsDistillation(2.0, loss=lib.losses.KLDivergence()),
                               lib.distillation.FeatureDistillation(teacher_layer_name="teacher_out",
                                                                    student_layer_name="student_out")],
            distillation_loss_weights=[0.5, 1.5], student_loss_weight=0.25)
        configs.append(json.loads(json.dumps(distiller.get_config())))
    assert configs[1] == configs[0]
    # Keras's JSON config builds our distiller, and ours survives its own round trip
    rebuilt = ours.distillation.Distiller.from_config(configs[0])
    assert isinstance(rebuilt, ours.distillation.Distiller)
    assert json.loads(json.dumps(rebuilt.get_config())) == configs[0]
    assert [type(loss).__name__ for loss in rebuilt.distillation_losses] == ["LogitsDistillation",
                                                                             "FeatureDistillation"]
    assert isinstance(rebuilt.distillation_losses[0].loss, ours.losses.KLDivergence)
    assert not rebuilt.teacher.trainable and rebuilt.student_loss_weight == 0.25
    loaded = ours.saving.deserialize_keras_object(ours.saving.serialize_keras_object(rebuilt.distillation_losses[1]))
    assert loaded.get_config() == rebuilt.distillation_losses[1].get_config()


def _error(make):
    with pytest.raises(Exception) as info:
        make()
    return type(info.value), str(info.value)


BAD = {
    "temperature_zero": lambda lib, t, s: lib.distillation.LogitsDistillation(temperature=0.0),
    "temperature_string": lambda lib, t, s: lib.distillation.LogitsDistillation(temperature="3"),
    "all_none_losses": lambda lib, t, s: lib.distillation.LogitsDistillation(loss=[None, None]),
    "feature_all_none": lambda lib, t, s: lib.distillation.FeatureDistillation(loss=None),
    "unknown_loss_name": lambda lib, t, s: lib.distillation.FeatureDistillation(loss="not_a_loss"),
    "student_weight_above_one": lambda lib, t, s: lib.distillation.Distiller(
        t, s, lib.distillation.LogitsDistillation(), student_loss_weight=1.5),
    "no_losses": lambda lib, t, s: lib.distillation.Distiller(t, s, None),
    "weights_length": lambda lib, t, s: lib.distillation.Distiller(
        t, s, [lib.distillation.LogitsDistillation()], distillation_loss_weights=[1.0, 2.0]),
    "missing_layer": lambda lib, t, s: lib.distillation.Distiller(
        t, s, lib.distillation.FeatureDistillation(teacher_layer_name="nope")),
    "teacher_not_a_model": lambda lib, t, s: lib.distillation.Distiller(
        lib.layers.Dense(3), s, lib.distillation.LogitsDistillation()),
    "output_shapes": lambda lib, t, s: lib.distillation.Distiller(
        t, lib.Sequential([lib.Input((4,)), lib.layers.Dense(2)]), lib.distillation.LogitsDistillation()),
    "compile_without_loss": lambda lib, t, s: lib.distillation.Distiller(
        t, s, lib.distillation.LogitsDistillation()).compile(optimizer="sgd"),
    "compile_metrics_not_a_list": lambda lib, t, s: lib.distillation.Distiller(
        t, s, lib.distillation.LogitsDistillation()).compile(loss="mse", metrics="accuracy"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_errors_match_keras(case):
    theirs, ours = fresh_sessions()
    k_type, _ = _error(lambda: BAD[case](theirs, *_pair(theirs)))
    o_type, o_message = _error(lambda: BAD[case](ours, *_pair(ours)))
    assert o_type is k_type, (o_type, o_message)
    assert len(o_message) > 20


def test_layer_names_need_symbolic_models():
    _, ours = fresh_sessions()

    class Sub(ours.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = ours.layers.Dense(3, name="d")

        def call(self, x):
            return self.dense(x)

    teacher, student = _pair(ours)
    with pytest.raises(ValueError, match="requires Functional or Sequential models. The student"):
        ours.distillation.Distiller(teacher, Sub(), ours.distillation.FeatureDistillation(
            teacher_layer_name="teacher_h", student_layer_name="d"))
    with pytest.raises(ValueError, match="In student model: .*nope"):
        ours.distillation.Distiller(teacher, student, ours.distillation.FeatureDistillation(student_layer_name="nope"))


def test_sequential_config_round_trip_keeps_the_input_layer_name():
    """Keras's Sequential.from_config keeps the InputLayer's name ('input_layer'); ours made a new one, so a
    distiller's config changed at every round trip."""
    theirs, ours = fresh_sessions()
    names = []
    for lib in (theirs, ours):
        model = lib.Sequential([lib.Input((4,), name="pixels"), lib.layers.Dense(3)])
        config = json.loads(json.dumps(model.get_config()))
        again = lib.Sequential.from_config(config)
        names.append(again.get_config()["layers"][0]["config"]["name"])
    assert names == ["pixels", "pixels"]


def test_distiller_save_and_load(tmp_path):
    """Ours saves the student's loss in the compile config and loads compiled; a distiller Keras saved (its
    compile config has loss None) loads uncompiled with Keras's warning, as Keras loads it."""
    theirs, ours = fresh_sessions()
    models = {}
    for name, lib in (("theirs", theirs), ("ours", ours)):
        teacher, student = _pair(lib)
        distiller = lib.distillation.Distiller(teacher, student, lib.distillation.LogitsDistillation())
        distiller.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        distiller.fit(X, Y, epochs=1, verbose=0)
        distiller.save(str(tmp_path / f"{name}.keras"))
        models[name] = distiller
    loaded = ours.saving.load_model(str(tmp_path / "ours.keras"))
    assert isinstance(loaded, ours.distillation.Distiller) and loaded.compiled
    np.testing.assert_allclose(loaded.predict(X, verbose=0), models["ours"].predict(X, verbose=0), rtol=1e-6)
    loaded.fit(X, Y, epochs=1, verbose=0)
    with pytest.warns(UserWarning, match="compile"):
        from_keras = ours.saving.load_model(str(tmp_path / "theirs.keras"))
    assert isinstance(from_keras, ours.distillation.Distiller) and not from_keras.compiled
    np.testing.assert_allclose(from_keras.predict(X, verbose=0),
                               models["theirs"].predict(X, verbose=0), rtol=1e-5, atol=1e-6)
