"""Regressions for what a fourth round of keras.io examples (vision/perceiver_image_classification,
vision/token_learner, structured_data/tabtransformer, ...) found when run with only their import changed, each
compared with real Keras 3 on its torch backend."""
import numpy as np

from .oracle import fresh_sessions


def _cross_attention_run(K):
    """perceiver_image_classification's cross-attention module: Attention(dropout=0.1) between Dense layers,
    weights and a training-mode output from the seeded streams."""
    K.utils.set_random_seed(5)
    latent = K.Input(shape=(6, 8))
    data = K.Input(shape=(10, 8))
    query = K.layers.Dense(8)(latent)
    key = K.layers.Dense(8)(data)
    attended = K.layers.Attention(use_scale=True, dropout=0.3)([query, key, key])
    model = K.Model([latent, data], K.layers.Dense(4)(attended))
    rng = np.random.default_rng(5)
    x = [rng.normal(size=(3, 6, 8)).astype("float32"), rng.normal(size=(3, 10, 8)).astype("float32")]
    weights = [np.asarray(K.ops.convert_to_numpy(w)) for w in model.weights]
    trained = [np.asarray(K.ops.convert_to_numpy(model(x, training=True))) for _ in range(2)]
    return weights + trained + [np.asarray(K.ops.convert_to_numpy(model(x, training=False)))]


def test_attention_with_dropout_takes_its_seed_at_construction():
    """Keras's Attention with dropout > 0 makes its SeedGenerator in __init__, which takes one default seed:
    every weight initialised after it (the next Dense) got the draw Keras gives the one before, so the perceiver's
    first loss was 5.1818 where Keras prints 4.9222. Its dropout mask now comes from that generator, as Keras's."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _cross_attention_run(ours_k), _cross_attention_run(theirs_k)
    assert len(ours) == len(theirs)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"array {k}")


def _subclassed_summary(K):
    """A subclassed model calling a functional sub-model, a GlobalAveragePooling1D and a Dense eagerly."""
    K.utils.set_random_seed(2)
    inner_in = K.Input(shape=(5, 4))
    inner = K.Model(inner_in, K.layers.Dense(4)(inner_in))

    class Outer(K.Model):
        def __init__(self):
            super().__init__()
            self.inner = inner
            self.pool = K.layers.GlobalAveragePooling1D()
            self.flat = K.layers.Flatten()
            self.head = K.layers.Dense(3)

        def call(self, x):
            return self.head(self.flat(self.pool(self.inner(x))[:, None]))

    model = Outer()
    model(np.zeros((2, 5, 4), "float32"))
    lines = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line))
    return "\n".join(lines)


def test_subclassed_summary_shapes_of_functional_and_default_build_layers():
    """In a subclassed model's summary Keras prints a functional sub-model's own output shape (deepgrad printed
    '?') and '?' for a layer whose Keras class keeps the default build(), such as the pooling layers and Flatten
    (deepgrad printed the shape of the eager call)."""
    theirs_k, ours_k = fresh_sessions()
    assert _subclassed_summary(ours_k) == _subclassed_summary(theirs_k)


def _scalar_feature_summary(K):
    """deep_neural_decision_forests' inputs: one Input(shape=()) per feature, expanded and concatenated."""
    inputs = {name: K.layers.Input(name=name, shape=(), dtype="float32") for name in ("age", "hours")}
    features = K.layers.concatenate([K.ops.expand_dims(t, -1) for t in inputs.values()])
    model = K.Model(inputs, K.layers.Dense(2)(features))
    lines = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line))
    return "\n".join(lines)


def test_summary_writes_a_one_axis_shape_as_keras():
    """Keras joins a shape's sizes with ', ' inside parentheses, so Input(shape=()) prints as (None); deepgrad
    printed Python's tuple, (None,)."""
    theirs_k, ours_k = fresh_sessions()
    ours = _scalar_feature_summary(ours_k)
    assert "(None)" in ours and "(None,)" not in ours
    assert ours == _scalar_feature_summary(theirs_k)


_PLOT_SCRIPT = """
import sys
{imports}
inputs = keras.Input(shape=(3,))
model = keras.Model(inputs, keras.layers.Dense(2)(inputs))
try:
    print("returned", keras.utils.plot_model(model, to_file=sys.argv[1], show_shapes=True, rankdir="LR"))
except ImportError as error:
    print("raised", error)
"""


def test_plot_model_without_graphviz_in_a_script_does_what_keras_does(tmp_path):
    """tabtransformer calls keras.utils.plot_model in a plain script: without Graphviz, Keras prints its message
    and goes on wherever IPython is installed (`import keras` imports it, and Keras prints when IPython's magics are
    loaded); deepgrad raised ImportError unless another import had loaded IPython."""
    import os
    import subprocess
    import sys
    from .oracle import real_keras
    real_keras()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, KERAS_BACKEND="torch", PYTHONPATH=root, MPLBACKEND="Agg")
    outputs = []
    for imports in ("import keras", "from nn import keras"):
        script = tmp_path / "plot.py"
        script.write_text(_PLOT_SCRIPT.format(imports=imports))
        done = subprocess.run([sys.executable, str(script), str(tmp_path / "m.png")], capture_output=True, text=True,
                              env=env, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(done.stdout)
    if outputs[0].startswith("returned <"):
        import pytest
        pytest.skip("Graphviz is installed here: plot_model draws instead of refusing")
    assert outputs[1] == outputs[0]


def _no_argument_build_run(K, tmp_path):
    """classification_with_grn_and_vsn's layers: `def build(self): self.built = True` (no shape parameter), used
    in a functional model, eagerly, and through a .keras round trip."""
    class Gated(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.linear = K.layers.Dense(3)

        def call(self, inputs):
            return self.linear(inputs)

        def build(self):
            self.built = True

    K.utils.set_random_seed(4)
    inputs = K.Input((4,))
    layer = Gated()
    model = K.Model(inputs, layer(inputs))
    eager = Gated()
    x = np.arange(8, dtype="float32").reshape(2, 4)
    eager(x)
    path = str(tmp_path / f"gated_{K.__name__.replace('.', '_')}.keras")
    model.save(path)
    loaded = K.models.load_model(path, custom_objects={"Gated": Gated})
    return (layer.get_build_config(), eager.get_build_config(), model.count_params(),
            np.asarray(K.ops.convert_to_numpy(model(x))), np.asarray(K.ops.convert_to_numpy(loaded(x))))


def test_a_build_without_a_shape_parameter_is_called_with_nothing(tmp_path):
    """Keras calls a layer's `build(self)` without arguments (and records an empty shapes_dict); deepgrad passed
    the input shape: TypeError "build() takes 1 positional argument but 2 were given" as the model was made."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _no_argument_build_run(ours_k, tmp_path), _no_argument_build_run(theirs_k, tmp_path)
    assert ours[:3] == theirs[:3] == ({"shapes_dict": {}}, {"shapes_dict": {}}, 15)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-6)
    np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-6)


def _preprocessed_graph(K, mode):
    inputs = K.Input(shape=(8, 8, 3))
    model = K.Model(inputs, K.applications.imagenet_utils.preprocess_input(inputs, mode=mode))
    images = np.random.default_rng(3).uniform(0, 255, (2, 8, 8, 3)).astype("float32")
    lines = []
    model.summary(print_fn=lambda line, **kwargs: lines.append(line))
    return "\n".join(lines), np.asarray(K.ops.convert_to_numpy(model(images)))


def test_caffe_preprocessing_of_a_symbolic_input_records_keras_nodes():
    """deeplabv3_plus calls resnet50.preprocess_input on a keras.Input: Keras adds the negated channel means, so
    its summary lists `add (Add)`; deepgrad subtracted them and listed `subtract (Subtract)`."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _preprocessed_graph(ours_k, "caffe"), _preprocessed_graph(theirs_k, "caffe")
    assert ours[0] == theirs[0] and "add (Add)" in ours[0]
    np.testing.assert_array_equal(ours[1], theirs[1])


def _dict_of_layers_run(K):
    """classification_with_grn_and_vsn's VariableSelection: `self.embeddings = dict()`, then one layer per
    feature put into it; the model trains them."""
    class Selection(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.embeddings = dict()
            for name, size in (("a", 5), ("b", 3)):
                self.embeddings[name] = K.layers.Embedding(size, 4, name=name)
            self.head = K.layers.Dense(2)

        def call(self, inputs):
            return self.head(K.layers.concatenate([self.embeddings[k](inputs[k]) for k in ("a", "b")]))

    K.utils.set_random_seed(6)
    inputs = {k: K.Input(shape=(), dtype="int32", name=k) for k in ("a", "b")}
    model = K.Model(inputs, Selection()(inputs))
    model.compile("adam", "mse")
    rng = np.random.default_rng(6)
    x = {"a": rng.integers(0, 5, 16).astype("int32"), "b": rng.integers(0, 3, 16).astype("int32")}
    y = rng.normal(size=(16, 2)).astype("float32")
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0).history["loss"]
    return [w.path for w in model.weights], model.count_params(), history


def test_layers_put_into_an_empty_dict_attribute_are_tracked():
    """Keras tracks every dict attribute, so layers added to an empty one later are the layer's; deepgrad tracked
    only a dict that held a layer when assigned: the embeddings were no weights of the model (15,721 parameters
    where Keras counts 16,489) and were never trained."""
    theirs_k, ours_k = fresh_sessions()
    ours, theirs = _dict_of_layers_run(ours_k), _dict_of_layers_run(theirs_k)
    assert ours[:2] == theirs[:2]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5)
