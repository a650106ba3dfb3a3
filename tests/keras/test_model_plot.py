"""keras.utils.model_to_dot / plot_model against real Keras 3.15: the Graphviz source of the same models (layer ids
replaced by layer names, as the ids are object addresses) is identical, for Sequential, functional, shared-layer,
multi-input, nested (with and without expand_nested), keras.ops and subclassed models, under every display option;
and the errors match (an unbuilt model, removed or unknown arguments, Graphviz missing)."""
import re

import pytest

from tests.keras.oracle import real_keras

pydot = pytest.importorskip("pydot")


def _every_layer(model):
    found = [model]
    for layer in list(getattr(model, "operations", None) or []) + list(getattr(model, "layers", None) or []):
        found += _every_layer(layer) if hasattr(layer, "layers") else [layer]
    return found


def _source(k, build, **options):
    """The model's dot source with each node id (an object's address) replaced by the layer's name."""
    model = build(k)
    names = {str(id(layer)): layer.name for layer in _every_layer(model)}
    text = k.utils.model_to_dot(model, **options).to_string()
    return re.sub(r"\b\d{6,}\b", lambda m: names.get(m.group(0), "unknown"), text)


def _shared_two_inputs(k):
    a, b = k.Input((4,), name="a"), k.Input((4,), name="b")
    dense = k.layers.Dense(3, activation="relu", name="shared")
    x = k.layers.Concatenate(name="cat")([dense(a), dense(b)])
    inner = k.Sequential([k.layers.Dense(5, name="i1"), k.layers.Dense(2, activation="softmax", name="i2")],
                         name="inner")
    return k.Model([a, b], k.layers.Add(name="add")([inner(x), k.layers.Dense(2, name="skip")(x)]), name="outer")


def _sequential(k):
    return k.Sequential([k.Input((8, 8, 1)), k.layers.Conv2D(4, 3, activation="relu", name="conv"),
                         k.layers.MaxPooling2D(name="pool"), k.layers.Flatten(name="flat"),
                         k.layers.Dropout(0.2, name="drop"), k.layers.Dense(3, name="head")], name="seq")


def _nested_functional(k):
    x = k.Input((6,), name="x")
    block_in = k.Input((6,), name="block_in")
    block = k.Model(block_in, k.layers.Dense(6, activation="tanh", name="block_dense")(block_in), name="block")
    y = block(block(x))
    frozen = k.layers.Dense(2, name="frozen")
    frozen.trainable = False
    return k.Model(x, [frozen(y), k.layers.Dense(1, name="aux")(y)], name="twice")


def _with_ops(k):
    x = k.Input((5,), name="x")
    h = k.layers.Dense(4, name="h")(x)
    return k.Model(x, k.layers.Dense(1, name="o")(k.ops.relu(h) * 2.0), name="ops_model")


def _lstm_states(k):
    x = k.Input((7, 3), name="seq_in")
    out, h, c = k.layers.LSTM(4, return_state=True, name="lstm")(x)
    return k.Model(x, k.layers.Concatenate(name="join")([out, h, c]), name="states")


MODELS = {"shared_two_inputs": _shared_two_inputs, "sequential": _sequential, "nested_functional": _nested_functional,
          "keras_ops": _with_ops, "lstm_states": _lstm_states}
OPTIONS = {
    "defaults": {},
    "everything": {"show_shapes": True, "show_dtype": True, "show_layer_activations": True, "show_trainable": True},
    "nested": {"expand_nested": True, "show_shapes": True, "show_trainable": True},
    "no_names_lr": {"show_layer_names": False, "rankdir": "LR", "dpi": 96, "splines": "curved"},
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
@pytest.mark.parametrize("build", MODELS.values(), ids=MODELS.keys())
def test_dot_source_is_keras(build, options):
    from nn import keras as ours
    theirs = real_keras()
    assert _source(ours, build, **options) == _source(theirs, build, **options)


def test_subclassed_model_is_one_node_and_a_cluster_when_nested():
    from nn import keras as ours
    theirs = real_keras()

    def build(k):
        class Tower(k.Model):
            def __init__(self):
                super().__init__(name="tower")
                self.dense = k.layers.Dense(2)

            def call(self, x):
                return self.dense(x)
        model = Tower()
        model(k.ops.ones((1, 3)))
        return model
    assert _source(ours, build) == _source(theirs, build)
    assert _source(ours, build, subgraph=True) == _source(theirs, build, subgraph=True)


@pytest.mark.parametrize("call, kind, match", [
    (lambda k, m: k.utils.model_to_dot(m, layer_range=["a", "b"]), ValueError, "no longer supported"),
    (lambda k, m: k.utils.model_to_dot(m, show_colours=True), ValueError, "Unrecognized keyword arguments"),
    (lambda k, m: k.utils.model_to_dot(k.Sequential([k.layers.Dense(2)])), ValueError, "not yet been built"),
    (lambda k, m: k.utils.plot_model(k.Sequential([k.layers.Dense(2)])), ValueError, "not yet been built"),
])
def test_mistakes_raise_as_keras(call, kind, match):
    from nn import keras as ours
    theirs = real_keras()
    for k in (theirs, ours):
        with pytest.raises(kind, match=match):
            call(k, _sequential(k))


def test_plot_model_without_graphviz_does_what_keras_does(tmp_path, capsys):
    """Keras raises ImportError, or prints the message where IPython's magics are loaded (a notebook; the test
    process may have them through another package); deepgrad does the same in the same process."""
    from nn import keras as ours
    theirs = real_keras()
    try:
        pydot.Dot.create(pydot.Dot())
        pytest.skip("Graphviz is installed here: plot_model draws instead of refusing")
    except (OSError, pydot.PydotException):
        pass
    outcomes = []
    for k in (theirs, ours):
        try:
            result = k.utils.plot_model(_sequential(k), to_file=str(tmp_path / "m.png"), show_shapes=True)
            outcomes.append(("printed", capsys.readouterr().out, result))
        except ImportError as error:
            outcomes.append(("raised", str(error), None))
    assert outcomes[0] == outcomes[1]
    assert "graphviz" in outcomes[0][1]


def test_plot_model_writes_the_file_graphviz_draws(tmp_path):
    from nn import keras as ours
    try:
        pydot.Dot.create(pydot.Dot())
    except (OSError, pydot.PydotException):
        pytest.skip("Graphviz's dot program is not installed")
    target = tmp_path / "model.svg"
    ours.utils.plot_model(_sequential(ours), to_file=str(target), show_shapes=True)
    assert target.read_text().lstrip().startswith(("<?xml", "<svg"))
