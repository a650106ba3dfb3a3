"""Regression tests for the bugs found by the twenty-first round of ported Keras programs
(tests/keras/test_keras_programs_round21.py), each compared with real Keras 3 (torch backend)."""
import json

import numpy as np
import pytest

from .oracle import fresh_sessions


def _cross_layer(K):
    class Cross(K.layers.Layer):
        def build(self, x0_shape, x_shape):
            self.seen = (x0_shape, x_shape)
            self.dense = K.layers.Dense(x_shape[-1])
            self.dense.build(x_shape)

        def call(self, x0, x):
            return x0 * self.dense(x) + x
    return Cross


def _cross_model(K):
    inputs = K.Input((3,), name="features")
    first = _cross_layer(K)(name="cross_a")(inputs, inputs)
    second = _cross_layer(K)(name="cross_b")(inputs, first)
    return K.Model(inputs, second)


def test_a_build_taking_one_shape_per_call_argument_gets_each_by_name():
    """`build(self, x0_shape, x_shape)` beside `call(self, x0, x)` is given each argument's shape by keyword, in a
    functional model and on eager tensors, and get_build_config reports them as {"shapes_dict": ...}, as Keras
    does (nn.keras passed the first input's shape alone: TypeError, missing x_shape)."""
    K, ours = fresh_sessions()
    found = {}
    for lib in (K, ours):
        model = _cross_model(lib)
        layer = model.get_layer("cross_b")
        found[lib] = (layer.seen, layer.get_build_config(), [tuple(w.shape) for w in model.weights])
        eager = _cross_layer(lib)()
        out = eager(np.ones((2, 4), "float32"), np.full((2, 4), 2.0, "float32"))
        assert tuple(out.shape) == (2, 4) and sorted(eager.get_build_config()["shapes_dict"]) == ["x0_shape", "x_shape"]
    assert found[ours] == found[K]
    assert found[ours][0] == ((None, 3), (None, 3))
    assert found[ours][1] == {"shapes_dict": {"x0_shape": (None, 3), "x_shape": (None, 3)}}


def test_build_from_config_passes_shapes_dict_back():
    """build_from_config({"shapes_dict": ...}) calls build with those keywords, as Keras's."""
    K, ours = fresh_sessions()
    for lib in (K, ours):
        layer = _cross_layer(lib)()
        layer.build_from_config({"shapes_dict": {"x0_shape": [None, 5], "x_shape": [None, 5]}})
        assert layer.built and tuple(layer.dense.kernel.shape) == (5, 5)


def test_a_build_whose_arguments_match_no_call_argument_is_keras_value_error():
    """A build with several parameters not named <call argument>_shape is refused with Keras's ValueError."""
    K, ours = fresh_sessions()
    messages = []
    for lib in (K, ours):
        class Odd(lib.layers.Layer):
            def build(self, first, second):
                pass

            def call(self, a, b):
                return a + b
        with pytest.raises(ValueError) as error:
            Odd()(np.ones((1, 2), "float32"), np.ones((1, 2), "float32"))
        messages.append(str(error.value))
    assert messages[0] == messages[1]


def test_a_two_argument_layer_saves_and_loads():
    """A functional model over a registered two-argument layer goes through a .keras file and from_config of its
    in-memory get_config (whose call arguments are tuples, as Keras's)."""
    _, ours = fresh_sessions()

    @ours.saving.register_keras_serializable(package="round21")
    class Crossing(_cross_layer(ours)):
        pass
    inputs = ours.Input((3,))
    model = ours.Model(inputs, Crossing(name="crossing")(inputs, inputs))
    x = np.arange(6, dtype="float32").reshape(2, 3)
    rebuilt = ours.Model.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_functional_config_keeps_keras_tuples():
    """get_config of a functional model gives each call's arguments and each tensor's shape as tuples, as Keras's
    (nn.keras gave lists); the JSON is unchanged."""
    K, ours = fresh_sessions()
    configs = []
    for lib in (K, ours):
        model = _cross_model(lib)
        entry = [e for e in model.get_config()["layers"] if e["name"] == "cross_b"][0]
        configs.append(entry["inbound_nodes"])
    assert configs[1] == configs[0]
    assert isinstance(configs[1][0]["args"], tuple)
    assert isinstance(configs[1][0]["args"][0]["config"]["shape"], tuple)
    assert json.loads(json.dumps(configs[1])) == json.loads(json.dumps(configs[0]))


def _nested_on_dict(K):
    inner_inputs = {name: K.Input((1,), name=name) for name in ("zeta", "alpha", "mid")}
    inner = K.Model(inner_inputs, K.layers.Concatenate()(list(inner_inputs.values())), name="inner")
    outer_inputs = {name: K.Input((1,), name=name) for name in ("zeta", "alpha", "mid")}
    return K.Model(outer_inputs, K.layers.Dense(1, name="out")(inner(outer_inputs)), name="outer")


def _summaries(monkeypatch, columns, **options):
    monkeypatch.setenv("COLUMNS", str(columns))
    K, ours = fresh_sessions()
    printed = []
    for lib in (K, ours):
        lines = []
        _nested_on_dict(lib).summary(print_fn=lines.append, **options)
        printed.append("".join(lines))
    return printed


def test_summary_lists_a_dict_calls_inputs_in_sorted_key_order(monkeypatch):
    """The "Connected to" column of a nested model called on a dict lists the inputs with the keys sorted, as
    Keras's flattening does (nn.keras kept the dict's insertion order)."""
    theirs, mine = _summaries(monkeypatch, 200, line_length=120)
    assert mine == theirs
    assert mine.index("alpha[0][0]") < mine.index("mid[0][0]") < mine.index("zeta[0][0]")


def test_summary_wider_than_the_console_is_cut_at_its_width(monkeypatch):
    """A line_length wider than the console ($COLUMNS) prints the table cut at the console's width, as Keras's
    rich console does (nn.keras printed the whole width)."""
    theirs, mine = _summaries(monkeypatch, 80, line_length=120)
    assert mine == theirs
    table = [line for line in mine.splitlines() if line[:1] in "┏┃┡│├└"]
    assert table and max(len(line) for line in table) == 80
    assert _summaries(monkeypatch, 60)[1] == _summaries(monkeypatch, 60)[0]


def test_registered_functional_subclass_saves_under_its_registered_name(tmp_path):
    """A registered keras.Model subclass built with (inputs, outputs) is written with its registered name
    ('package>Class') and loads without custom_objects, as in Keras (nn.keras wrote the bare class name, so
    load_model could not find the class)."""
    K, ours = fresh_sessions()
    found = []
    for k, lib in enumerate((K, ours)):
        @lib.saving.register_keras_serializable(package=f"round21_{k}")
        class Scorer(lib.Model):
            pass
        inputs = lib.Input((2,))
        model = Scorer(inputs, lib.layers.Dense(1)(inputs), name="scorer")
        model.set_weights([np.array([[0.5], [-1.0]], "float32"), np.array([0.25], "float32")])
        written = lib.saving.serialize_keras_object(model)
        path = str(tmp_path / f"scorer_{k}.keras")
        model.save(path)
        loaded = lib.models.load_model(path)
        found.append((written["registered_name"], type(loaded).__name__,
                      loaded.predict(np.array([[1.0, 2.0]], "float32"), verbose=0).tolist()))
    assert found[0] == ("round21_0>Scorer", "Scorer", [[-1.25]])
    assert found[1] == ("round21_1>Scorer", "Scorer", [[-1.25]])
