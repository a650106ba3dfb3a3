"""Keras differences left by earlier rounds, checked against Keras 3 (torch backend) directly: the input_spec of the
recurrent, pooling, reshaping and other built-in layers (before and after build, and the refusal of another rank);
compile(steps_per_execution=N), which Keras's torch backend refuses in fit/evaluate/predict; fit(class_weight=...)
with one-hot, (N, T) and (N, T, C) targets; fit/evaluate/predict(verbose=1) and keras.utils.Progbar writing Keras's
redrawn bar into a stdout that is not a terminal; a subclassed model built for a None batch size or by an eager first
call (build shapes, weights, summary); keras.ops.var rounded as torch's var."""
import re

import numpy as np
import pytest

from tests.keras.oracle import fresh_sessions


def _outcome(call):
    """('ok', value) or ('raises', exception type name, message's first words) of a call."""
    try:
        value = call()
    except Exception as error:   # the type and Keras's opening words are what is compared
        return "raises", type(error).__name__, str(error)[:80]
    return "ok", value


# ----- 1. input_spec ---------------------------------------------------------------------------------------------
# name: (layer factory, an input it is built on, an input of another rank or size it must refuse afterwards)
_SPECS = {
    "MaxPooling1D": (lambda L: L.MaxPooling1D(), (2, 6, 3), (2, 6)),
    "MaxPooling2D": (lambda L: L.MaxPooling2D(), (2, 4, 4, 3), (2, 4, 4)),
    "MaxPooling3D": (lambda L: L.MaxPooling3D(), (1, 4, 4, 4, 2), (1, 4, 4, 4)),
    "AveragePooling1D": (lambda L: L.AveragePooling1D(2), (2, 6, 3), (2, 6, 3, 1)),
    "AveragePooling2D": (lambda L: L.AveragePooling2D(2), (2, 4, 4, 3), (2, 4, 4)),
    "AveragePooling3D": (lambda L: L.AveragePooling3D(2), (1, 4, 4, 4, 2), (1, 4, 4, 4)),
    "GlobalMaxPooling1D": (lambda L: L.GlobalMaxPooling1D(), (2, 6, 3), (2, 6)),
    "GlobalMaxPooling2D": (lambda L: L.GlobalMaxPooling2D(), (2, 4, 4, 3), (2, 4, 4)),
    "GlobalMaxPooling3D": (lambda L: L.GlobalMaxPooling3D(), (1, 4, 4, 4, 2), (1, 4, 4, 4)),
    "GlobalAveragePooling1D": (lambda L: L.GlobalAveragePooling1D(), (2, 6, 3), (2, 6)),
    "GlobalAveragePooling2D": (lambda L: L.GlobalAveragePooling2D(), (2, 4, 4, 3), (2, 4, 4)),
    "GlobalAveragePooling3D": (lambda L: L.GlobalAveragePooling3D(), (1, 4, 4, 4, 2), (1, 4, 4, 4)),
    "SimpleRNN": (lambda L: L.SimpleRNN(2), (2, 5, 3), (2, 5)),
    "LSTM": (lambda L: L.LSTM(2), (2, 5, 3), (2, 5)),
    "GRU": (lambda L: L.GRU(2), (2, 5, 3), (2, 5, 3, 1)),
    "Bidirectional": (lambda L: L.Bidirectional(L.LSTM(2)), (2, 5, 3), (2, 5)),
    "BidirectionalSimpleRNN": (lambda L: L.Bidirectional(L.SimpleRNN(2)), (2, 5, 3), (2, 5, 3, 1)),
    "ConvLSTM1D": (lambda L: L.ConvLSTM1D(2, 3), (1, 3, 5, 2), (1, 3, 5)),
    "ConvLSTM2D": (lambda L: L.ConvLSTM2D(2, 3), (1, 3, 5, 5, 2), (1, 3, 5, 5)),
    "ConvLSTM3D": (lambda L: L.ConvLSTM3D(2, 3), (1, 2, 4, 4, 4, 1), (1, 2, 4, 4, 4)),
    "PReLU": (lambda L: L.PReLU(), (2, 3, 4), (2, 3)),
    "PReLUShared": (lambda L: L.PReLU(shared_axes=[1]), (2, 3, 4), (2, 3, 5)),
    "STFTSpectrogram": (lambda L: L.STFTSpectrogram(frame_length=8, frame_step=4, fft_length=8), (1, 32, 1),
                        (1, 32)),
    "SpatialDropout1D": (lambda L: L.SpatialDropout1D(0.5), (2, 5, 3), (2, 5)),
    "SpatialDropout2D": (lambda L: L.SpatialDropout2D(0.5), (2, 4, 4, 3), (2, 4, 4)),
    "SpatialDropout3D": (lambda L: L.SpatialDropout3D(0.5), (1, 4, 4, 4, 2), (1, 4, 4, 4)),
    "UpSampling1D": (lambda L: L.UpSampling1D(), (2, 5, 3), (2, 5)),
    "UpSampling2D": (lambda L: L.UpSampling2D(), (2, 4, 4, 3), (2, 4, 4)),
    "UpSampling3D": (lambda L: L.UpSampling3D(), (1, 2, 2, 2, 2), (1, 2, 2, 2)),
    "RepeatVector": (lambda L: L.RepeatVector(3), (2, 4), (2, 4, 1)),
    "Cropping1D": (lambda L: L.Cropping1D(1), (2, 5, 3), (2, 5)),
    "Cropping2D": (lambda L: L.Cropping2D(1), (2, 4, 4, 3), (2, 4, 4)),
    "Cropping3D": (lambda L: L.Cropping3D(1), (1, 4, 4, 4, 2), (1, 4, 4, 4)),
    "ZeroPadding1D": (lambda L: L.ZeroPadding1D(1), (2, 5, 3), (2, 5)),
    "ZeroPadding2D": (lambda L: L.ZeroPadding2D(1), (2, 4, 4, 3), (2, 4, 4)),
    "ZeroPadding3D": (lambda L: L.ZeroPadding3D(1), (1, 4, 4, 4, 2), (1, 4, 4, 4)),
    "Flatten": (lambda L: L.Flatten(), (2, 3, 4), None),
    "Permute": (lambda L: L.Permute((2, 1)), (2, 3, 4), (2, 3)),
    "EinsumDense": (lambda L: L.EinsumDense("ab,bc->ac", output_shape=4), (2, 3), (2, 3, 1)),
    "SeparableConv1D": (lambda L: L.SeparableConv1D(2, 3), (1, 6, 3), (1, 6)),
    "SeparableConv2D": (lambda L: L.SeparableConv2D(2, 3), (1, 6, 6, 3), (1, 6, 6, 4)),
    "Conv1D": (lambda L: L.Conv1D(2, 3), (1, 6, 3), (6, 3)),
    "Conv3D": (lambda L: L.Conv3D(2, 3), (1, 4, 4, 4, 1), (1, 4, 4, 4)),
    "Conv1DTranspose": (lambda L: L.Conv1DTranspose(2, 3), (1, 6, 3), (1, 6)),
    "Conv3DTranspose": (lambda L: L.Conv3DTranspose(2, 3), (1, 3, 3, 3, 1), (1, 3, 3, 3, 2)),
    "DepthwiseConv1D": (lambda L: L.DepthwiseConv1D(3), (1, 6, 3), (1, 6)),
    "Dense": (lambda L: L.Dense(2), (2, 3), (3,)),
}


def _spec_story(L, make, good, bad):
    layer = make(L)
    before = repr(layer.input_spec)
    layer(np.ones(good, "float32"))
    after = repr(layer.input_spec)
    refused = None if bad is None else _outcome(lambda: layer(np.ones(bad, "float32")))
    return before, after, refused


@pytest.mark.parametrize("name", sorted(_SPECS))
def test_input_spec_before_and_after_build_and_the_refusal_are_kerass(name):
    """Keras sets these specs in the constructor (the recurrent, pooling and reshaping layers, the minimum rank of
    Dense and the convolutions) or in build (PReLU, EinsumDense); nn.keras had none and refused another rank in its
    own words, after Keras's check would have run."""
    K, ours = fresh_sessions()
    theirs = _spec_story(K.layers, *_SPECS[name])
    mine = _spec_story(ours.layers, *_SPECS[name])
    assert mine[:2] == theirs[:2]
    if theirs[2] is not None:
        assert theirs[2][:2] == ("raises", "ValueError")
        assert mine[2][:2] == theirs[2][:2]
        assert mine[2][2] == theirs[2][2]   # Keras's words, the layer's name among them


def test_the_rank_refusal_adds_what_to_use_after_kerass_words():
    from nn import keras
    with pytest.raises(ValueError, match=r"^Input 0 with name 'None' of layer 'gap' is incompatible with the layer: "
                                         r"expected ndim=4, found ndim=3\. Full shape received: \(2, 4, 3\); "
                                         r"GlobalAveragePooling2D takes 4-D inputs: for 3-D inputs use "
                                         r"keras\.layers\.GlobalAveragePooling1D$"):
        keras.layers.GlobalAveragePooling2D(name="gap")(np.zeros((2, 4, 3), "float32"))
    with pytest.raises(ValueError, match=r"layer 'g'.*found ndim=2\. Full shape received: \(2, 4\); GRU takes 3-D "
                                         r"inputs \(batch, time, features\): reshape them first"):
        keras.layers.GRU(2, name="g")(np.zeros((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"layer 'd'.*expected min_ndim=2, found ndim=1.*Dense takes at least 2-D"):
        keras.layers.Dense(2, name="d")(np.zeros(3, "float32"))


def test_a_symbolic_input_of_another_rank_is_refused_as_keras_refuses_it():
    K, ours = fresh_sessions()
    found = [_outcome(lambda: lib.layers.LSTM(2)(lib.Input((4,)))) for lib in (K, ours)]
    assert found[0][:2] == ("raises", "ValueError") and found[1] == found[0]


def test_input_spec_repr_config_and_checks_are_kerass():
    K, ours = fresh_sessions()
    for kwargs in ({"ndim": 3}, {"shape": (None, 3), "dtype": "float32"}, {"min_ndim": 2, "axes": {-1: 3}},
                   {"ndim": 0}, {"max_ndim": 4, "axes": {}}):
        assert repr(ours.InputSpec(**kwargs)) == repr(K.InputSpec(**kwargs))
        assert ours.InputSpec(**kwargs).get_config() == K.InputSpec(**kwargs).get_config()
    for kwargs in ({"ndim": 2, "axes": {2: 3}}, {"axes": {"a": 1}}, {"min_ndim": 2, "axes": {5: 1}}):
        theirs = _outcome(lambda: repr(K.InputSpec(**kwargs)))
        assert _outcome(lambda: repr(ours.InputSpec(**kwargs)))[:2] == theirs[:2]

    def dtype_checked(lib):
        class Typed(lib.layers.Layer):
            def __init__(self):
                super().__init__()
                self.input_spec = lib.InputSpec(dtype="int32")

            def call(self, x):
                return x
        with pytest.raises(ValueError) as refused:
            Typed()(np.ones((2, 3), "float32"))
        return str(refused.value).split("' is incompatible")[1]
    assert dtype_checked(ours) == dtype_checked(K) == " with the layer: expected dtype=int32, found " \
                                                      "dtype=float32"


# ----- 2. steps_per_execution ------------------------------------------------------------------------------------
def _steps_story(keras):
    events = []

    class Log(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_train_batch_end(self, batch, logs=None):
            events.append(("batch", batch))
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=2)
    found = [model.steps_per_execution]
    for call in (lambda: model.fit(x, y, batch_size=2, verbose=0, callbacks=[Log()]),
                 lambda: model.evaluate(x, y, verbose=0), lambda: model.predict(x, verbose=0),
                 lambda: model.train_on_batch(x, y), lambda: model.test_on_batch(x, y),
                 lambda: model.predict_on_batch(x)):
        outcome = _outcome(call)
        found.append(outcome if outcome[0] == "raises" else "ok")
    found += [model.built, events]
    model.compile("sgd", "mse")
    found.append(_outcome(lambda: model.fit(x, y, batch_size=4, verbose=0, callbacks=[Log()]) and None))
    found.append(events)
    return found


def test_steps_per_execution_above_one_is_refused_by_fit_evaluate_and_predict_as_keras_torch_backend():
    """Keras's torch trainer builds the model and then refuses any steps_per_execution but 1 before a callback runs
    (TensorFlow and JAX group the batches); nn.keras accepted it and ran every step as N=1 does."""
    K, ours = fresh_sessions()
    theirs, mine = _steps_story(K), _steps_story(ours)
    assert theirs[1][:2] == ("raises", "ValueError")
    assert mine == theirs


def test_the_steps_per_execution_refusal_says_what_to_do():
    from nn import keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", steps_per_execution=4)
    with pytest.raises(ValueError, match=r"steps_per_execution=4; compile again without it"):
        model.fit(np.ones((4, 3), "float32"), np.ones((4, 1), "float32"), verbose=0)


# ----- 3. class_weight with one-hot and sequence targets -----------------------------------------------------------
_WEIGHTS = {0: 1.0, 1: 2.0, 2: 0.5}
_SEQ = np.array([[0, 1, 1], [1, 0, 1], [2, 2, 0], [0, 0, 1], [1, 1, 1], [2, 0, 2], [0, 1, 2], [1, 2, 0]])


def _class_weight_fit(keras, x, y, loss, units):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Dense(units, kernel_initializer="ones")])
    model.compile("sgd", loss)
    history = model.fit(x, y, class_weight=_WEIGHTS, verbose=0, batch_size=4, epochs=1, shuffle=False)
    return history.history["loss"], model.get_weights()[0]


_CLASS_WEIGHT_CASES = {
    "one_hot": (np.linspace(0, 1, 24, dtype="float32").reshape(8, 3), np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2, 1,
                                                                                                   1]],
                "categorical_crossentropy", 3),
    "index_column": (np.linspace(0, 1, 24, dtype="float32").reshape(8, 3), np.array([[0], [1], [2], [0], [1], [2],
                                                                                      [1], [1]]),
                     "sparse_categorical_crossentropy", 3),
    "sequence_labels_per_example_loss": (np.linspace(0, 1, 24, dtype="float32").reshape(8, 3),
                                         _SEQ.astype("float32"), "mse", 3),
    "one_hot_sequences": (np.linspace(0, 1, 48, dtype="float32").reshape(8, 3, 2), np.eye(3, dtype="float32")[_SEQ],
                          "categorical_crossentropy", 3),
}


@pytest.mark.parametrize("case", sorted(_CLASS_WEIGHT_CASES))
def test_class_weight_with_one_hot_and_sequence_targets_is_kerass(case):
    """Keras weighs each example by the argmax of its target's last axis ((N, C) one-hot, and (N, T) labels whose
    loss is one value per example), and refuses targets that leave several classes per example ((N, T, C)) with a
    TypeError; nn.keras took the first step's class there."""
    K, ours = fresh_sessions()
    theirs = _outcome(lambda: _class_weight_fit(K, *_CLASS_WEIGHT_CASES[case]))
    mine = _outcome(lambda: _class_weight_fit(ours, *_CLASS_WEIGHT_CASES[case]))
    assert mine[0] == theirs[0]
    if theirs[0] == "raises":
        assert mine[1] == theirs[1] == "TypeError"
        assert mine[2].startswith("class_weight: only 0-dimensional arrays can be converted to Python scalars")
        return
    np.testing.assert_allclose(mine[1][0], theirs[1][0], rtol=1e-6)
    np.testing.assert_allclose(mine[1][1], theirs[1][1], rtol=1e-6, atol=1e-7)


# ----- 6. keras.ops.var ------------------------------------------------------------------------------------------
def test_ops_var_rounds_as_torch_var_bit_for_bit():
    """Keras's torch backend calls torch.var, which sums float32 data in float64; nn.keras's float32 sums differed
    in the last bit on about half the results."""
    K, ours = fresh_sessions()
    rng = np.random.default_rng(0)
    for _ in range(40):
        shape = tuple(int(n) for n in rng.integers(1, 30, size=rng.integers(1, 4)))
        x = (rng.standard_normal(shape) * rng.uniform(0.1, 100) + rng.uniform(-50, 50)).astype(np.float32)
        axis = None if rng.random() < 0.3 else int(rng.integers(0, len(shape)))
        theirs = K.ops.convert_to_numpy(K.ops.var(x, axis=axis))
        mine = ours.ops.convert_to_numpy(ours.ops.var(x, axis=axis))
        assert mine.dtype == theirs.dtype and mine.shape == theirs.shape
        np.testing.assert_array_equal(mine, theirs)
    for dtype in ("float16", "int32", "float64"):
        x = (rng.standard_normal((20, 9)) * 10).astype(dtype)
        theirs = K.ops.convert_to_numpy(K.ops.var(x, axis=1, keepdims=True))
        mine = ours.ops.convert_to_numpy(ours.ops.var(x, axis=1, keepdims=True))
        assert mine.dtype == theirs.dtype
        np.testing.assert_array_equal(mine, theirs)


def test_ops_var_keeps_its_gradient():
    import autograd as ag
    from nn import keras
    x = ag.tensor(np.random.default_rng(1).standard_normal((4, 5)).astype("float32"), requires_grad=True)
    keras.ops.var(x, axis=1).sum().backward()
    data = x.detach().numpy()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (data - data.mean(1, keepdims=True)) / 5, rtol=1e-5, atol=1e-6)
    assert x.grad.dtype == np.float32


# ----- 4. fit(verbose=1) when stdout is not a terminal --------------------------------------------------------------
_TIME = re.compile(r"(\x1b\[1m)\d+(?::\d\d)*s(\x1b\[0m)|\d+(?:ms|us|s)/step")


def _bar_text(keras):
    """What fit, evaluate and predict with verbose=1 write to a stdout that is not a terminal."""
    import contextlib
    import io
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 3)).astype("float32"), rng.random((40, 1)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile("sgd", "mse", metrics=["mae"])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        print("fit")
        model.fit(x, y, batch_size=8, epochs=2, verbose=1, validation_split=0.25, shuffle=False)
        print("fit, one epoch")
        model.fit(x, y, batch_size=16, epochs=1, verbose="auto", shuffle=False)
        print("evaluate")
        model.evaluate(x, y, verbose=1)
        print("predict")
        model.predict(x, verbose=1)
    return out.getvalue()


def _screen(text):
    """The lines a terminal shows at the end (each redraw backs over the last with backspaces and returns to the
    line's start), times masked; and a check that every redraw backs over exactly the width of the one before."""
    lines = []
    for line in text.split("\n"):
        width = 0
        shown = line
        for k, part in enumerate(line.split("\r")):
            backs = len(part) - len(part.rstrip("\b"))
            if k + 1 < len(line.split("\r")):
                visible = re.sub(r"\x1b\[\d+m", "", part.rstrip("\b"))
                assert k == 0 or backs == len(visible.rstrip(" ")) or backs == width, (line, k)
                width = len(visible)
            shown = part.rstrip("\b").rstrip(" ")
        lines.append(_TIME.sub(lambda m: (m.group(1) + "T" + m.group(2)) if m.group(1) else "T/step", shown))
    return lines


def test_verbose_1_into_a_pipe_writes_kerass_redrawn_bar():
    """Keras on a POSIX system redraws its bar in place whatever stdout is (backspaces over the last draw, a
    carriage return, ANSI bold/green/grey, the epoch's values and validation values on the last draw, a line per
    epoch); nn.keras wrote verbose=2's one line per epoch when stdout was not a terminal."""
    K, ours = fresh_sessions()
    theirs, mine = _bar_text(K), _bar_text(ours)
    assert "\r" in mine and "\b" in mine and "\x1b[32m" in mine
    assert _screen(mine) == _screen(theirs)
    last_fit_line = _screen(mine)[2]
    assert last_fit_line.startswith("\x1b[1m4/4\x1b[0m \x1b[32m" + "━" * 20 + "\x1b[0m\x1b[37m\x1b[0m \x1b[1mT\x1b[0m T/step"
                                    " - loss: ") and " - val_mae: " in last_fit_line


def test_the_keras_progbar_draws_as_keras_draws_it(monkeypatch):
    """keras.utils.Progbar with verbose=1: the same text as Keras's for the same updates (times masked)."""
    import contextlib
    import io
    K, ours = fresh_sessions()
    found = []
    for lib in (K, ours):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            bar = lib.utils.Progbar(5, interval=0, stateful_metrics=["acc"])
            for step in range(1, 5):
                bar.update(step, [("loss", 1.0 / step), ("acc", 0.1 * step), ("tiny", 1e-5 * step)])
            bar.update(5, [("loss", 0.1)], finalize=True)
            unknown = lib.utils.Progbar(None, interval=0)
            unknown.update(3, [("loss", 0.5)])
            two = lib.utils.Progbar(3, verbose=2)
            two.update(3, [("loss", 0.25), ("neg", -0.5)])
        found.append(_screen(out.getvalue()))
    assert found[1] == found[0]


# ----- 5. a subclassed model built with a None batch size, and eagerly ---------------------------------------------
def _subclassed_story(keras):
    import contextlib
    import io
    seen = []

    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            seen.append(("Scale.build", tuple(input_shape)))
            self.w = self.add_weight(shape=(input_shape[-1], 3), initializer="ones")

        def call(self, x):
            seen.append(("Scale.call", tuple(x.shape)))
            return x @ self.w

    class Net(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.scale, self.head = Scale(), keras.layers.Dense(2)

        def build(self, input_shape):
            seen.append(("Net.build", tuple(input_shape)))
            self.scale.build(input_shape)
            self.head.build((input_shape[0], 3))
            self.built = True

        def call(self, x):
            seen.append(("Net.call", tuple(x.shape)))
            return self.head(self.scale(x))

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        built = Net()
        built.build((None, 8))
        seen.append([tuple(w.shape) for w in built.weights])
        built.summary()
        called = Net()
        called(np.ones((2, 8), "float32"))
        seen.append([tuple(w.shape) for w in called.weights])
        called.summary()
    return seen, [line for line in out.getvalue().splitlines() if "(" in line]


def test_a_subclassed_model_built_for_none_or_called_eagerly_shows_kerass_shapes(monkeypatch):
    """Keras's summary shows a layer built by the model's build() at what its compute_output_shape gives for the
    build shape (nn.keras: '?'), and an eager first call builds for the whole input shape, batch size included
    (nn.keras built for batch None); call() does not run in either build."""
    monkeypatch.setenv("COLUMNS", "120")
    K, ours = fresh_sessions()
    theirs, mine = _subclassed_story(K), _subclassed_story(ours)
    assert mine == theirs
    assert ("Net.build", (2, 8)) in mine[0] and any("(2, 2)" in line for line in mine[1])
