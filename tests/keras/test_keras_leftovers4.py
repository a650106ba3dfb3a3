"""Keras differences left by earlier rounds, each compared with real Keras 3.15 on its torch backend: the JSON of
functional models that call nested models, recurrent cells' settings, layer and weight paths, rarer attributes."""
import json
import warnings

import numpy as np
import pytest

from .oracle import fresh_sessions


def _as_json(model):
    return json.loads(model.to_json())


def _sequential_inside(k):
    inner = k.Sequential([k.layers.Dense(4, name="d1")], name="inner")
    x = k.Input((3,), name="x")
    return k.Model(x, k.layers.Dense(2, name="d2")(inner(x)), name="outer")


def _functional_inside(k):
    i = k.Input((3,), name="xi")
    inner = k.Model(i, k.layers.Dense(4, name="d1")(i), name="inner")
    x = k.Input((3,), name="x")
    return k.Model(x, inner(x), name="outer")


def _shared_functional(k):
    i = k.Input((3,), name="xi")
    inner = k.Model(i, k.layers.Dense(3, name="d1")(i), name="inner")
    x = k.Input((3,), name="x")
    first = inner(x)
    return k.Model(x, [first, inner(first)], name="outer")


def _sequential_then_attention(k):
    x = k.Input((5, 4), name="x")
    inner = k.Sequential([k.layers.LSTM(3, return_sequences=True, name="l")], name="inner")
    h = inner(x)
    a = k.layers.MultiHeadAttention(2, 2, name="mha")(h, h)
    h = k.layers.Dropout(0.5, name="dr")(k.layers.Add(name="add")([a, h]))
    return k.Model(x, k.layers.BatchNormalization(name="bn")(h), name="outer")


GRAPHS = [_sequential_inside, _functional_inside, _shared_functional, _sequential_then_attention]


@pytest.mark.parametrize("make", GRAPHS, ids=lambda f: f.__name__.strip("_"))
def test_nested_model_json_is_keras_json(make):
    # Keras records {"mask": null} for each call of a nested model (and of any layer whose call takes a mask),
    # keeps the nested model's compile_config, counts a nested functional model's calls from 1 in
    # output_layers and names Functional as its registered_name; Add and Dropout list no shape arguments
    theirs, ours = fresh_sessions()
    assert json.dumps(_as_json(make(ours))) == json.dumps(_as_json(make(theirs)))


@pytest.mark.parametrize("make", GRAPHS, ids=lambda f: f.__name__.strip("_"))
def test_keras_json_of_nested_models_builds_the_same_model(make):
    theirs, ours = fresh_sessions()
    real = make(theirs)
    loaded = ours.models.model_from_json(real.to_json())
    loaded.set_weights(real.get_weights())
    x = np.random.default_rng(0).standard_normal((2,) + tuple(real.inputs[0].shape[1:])).astype(np.float32)
    want = real.predict(x, verbose=0)
    got = loaded.predict(x, verbose=0)
    for w, g in zip(want if isinstance(want, list) else [want], got if isinstance(got, list) else [got]):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert json.dumps(_as_json(loaded)) == json.dumps(_as_json(real))


def test_nested_models_take_a_mask_argument_as_keras():
    theirs, ours = fresh_sessions()
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], np.float32)[:, :, None]
    mask = np.array([[True, True, False], [True, False, False]])
    for k in (theirs, ours):
        inner = k.Sequential([k.Input((3, 1)), k.layers.LSTM(2, name="l")], name="inner")
        inner.layers[0].set_weights([np.full(w.shape, 0.1 * (n + 1), np.float32)
                                     for n, w in enumerate(inner.layers[0].get_weights())])
        out = np.asarray(k.ops.convert_to_numpy(inner(k.ops.convert_to_tensor(x), mask=k.ops.convert_to_tensor(mask))))
        if k is theirs:
            want = out
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)


def test_layers_built_when_made_record_no_build_config():
    theirs, ours = fresh_sessions()
    for make, shape in [(lambda L: L.Dropout(0.5), (4,)), (lambda L: L.Reshape((2, 2)), (4,)),
                        (lambda L: L.SpatialDropout1D(0.1), (4, 2)), (lambda L: L.Flatten(), (2, 3)),
                        (lambda L: L.MaxPooling2D(), (4, 4, 1)), (lambda L: L.ZeroPadding2D(), (4, 4, 1))]:
        configs = []
        for k in (theirs, ours):
            layer = make(k.layers)
            layer(k.Input(shape))
            configs.append(json.loads(json.dumps(k.saving.serialize_keras_object(layer))))
        assert configs[1].get("build_config") == configs[0].get("build_config"), configs[0]["class_name"]


def test_base_shape_arguments_stay_out_of_configs():
    theirs, ours = fresh_sessions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for make in (lambda L: L.Dense(4, input_shape=(3,)), lambda L: L.Add(), lambda L: L.Flatten(input_shape=(3,)),
                     lambda L: L.Embedding(3, 4)):
            assert list(make(ours.layers).get_config()) == list(make(theirs.layers).get_config())


def test_attention_axes_read_back_after_build():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):
        layer = k.layers.MultiHeadAttention(2, 2)
        q = k.Input((5, 3))
        layer(q, q)
        if k is theirs:
            want = (layer.attention_axes, layer.get_config()["attention_axes"], layer.get_build_config())
    got = (layer.attention_axes, layer.get_config()["attention_axes"], layer.get_build_config())
    assert json.dumps(got) == json.dumps(want)


def _described(value):
    """A cell setting as something both Keras and nn.keras can be compared by."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):   # Keras's TrackedList and a plain list alike
        return [_described(v) for v in value]
    if hasattr(value, "get_config"):
        return type(value).__name__, value.get_config()
    return getattr(value, "__name__", type(value).__name__)


CELL_SETTINGS = ["units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
                 "kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                 "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed", "state_size",
                 "output_size"]
GATED = {"LSTM": ["recurrent_activation", "unit_forget_bias", "implementation"],
         "GRU": ["recurrent_activation", "reset_after", "implementation"], "SimpleRNN": []}


@pytest.mark.parametrize("kind", ["SimpleRNN", "LSTM", "GRU"])
@pytest.mark.parametrize("recurrent_dropout", [0.0, 0.2])
def test_recurrent_cells_carry_the_layers_settings(kind, recurrent_dropout):
    theirs, ours = fresh_sessions()
    extra = {"SimpleRNN": {}, "LSTM": {"recurrent_activation": "hard_sigmoid", "unit_forget_bias": False},
             "GRU": {"recurrent_activation": "hard_sigmoid", "reset_after": False}}[kind]
    found = []
    for k in (theirs, ours):
        layer = getattr(k.layers, kind)(
            3, kernel_constraint=k.constraints.NonNeg(), recurrent_constraint=k.constraints.MaxNorm(2.0),
            bias_constraint=k.constraints.UnitNorm(), kernel_regularizer=k.regularizers.L2(0.01),
            recurrent_regularizer="l1", bias_regularizer=k.regularizers.L1L2(0.1, 0.2), kernel_initializer="he_normal",
            recurrent_initializer="zeros", bias_initializer="ones", dropout=0.1, recurrent_dropout=recurrent_dropout,
            activation="relu", seed=3, **extra)
        layer(k.Input((4, 2)))
        cell = layer.cell
        found.append({name: _described(getattr(cell, name)) for name in CELL_SETTINGS + GATED[kind]})
        found[-1]["has recurrent_activation"] = hasattr(cell, "recurrent_activation")
        found[-1]["layer use_cudnn"] = getattr(layer, "use_cudnn", None)
    assert found[1] == found[0]


def test_lstm_takes_kerass_kernel_choice_arguments():
    theirs, ours = fresh_sessions()
    for k in (theirs, ours):
        layer = k.layers.GRU(2, use_cudnn=False, implementation=1)
        got = (layer.use_cudnn, layer.cell.implementation, "implementation" in layer.get_config())
        if k is theirs:
            want = got
        with pytest.raises(ValueError, match="use_cudnn"):
            k.layers.LSTM(2, use_cudnn="yes")
    assert got == want


def _paths(k):
    """Layer and weight paths of layers in Sequential, functional, subclassed and nested models, as `k` gives
    them."""
    L = k.layers
    found = []
    seq = k.Sequential([k.Input((3,)), L.Dense(4, name="d1"), L.Dropout(0.1, name="dr"), L.Flatten(name="fl"),
                        L.Activation("relu", name="act")], name="seq")
    found += [(layer.name, layer.path, [w.path for w in layer.weights]) for layer in [seq] + seq.layers]
    lazy = L.Dense(2, name="lazy")
    found.append(("lazy, unbuilt", lazy.path))
    lazy(k.ops.ones((1, 3)))
    found.append(("lazy", lazy.path))

    class Sub(k.Model):
        def __init__(self):
            super().__init__(name="sub")
            self.a = L.Dense(4, name="a")
            self.block = k.Sequential([L.Dense(2, name="b")], name="blk")

        def call(self, x):
            return self.block(self.a(x))
    sub = Sub()
    found.append(("sub, unbuilt", sub.path, sub.a.path))
    sub(k.ops.ones((1, 3)))
    found.append(("sub", sub.path, sub.a.path, sub.block.path, sub.block.layers[0].path, [w.path for w in sub.weights]))

    class Block(L.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = L.Dense(2, name="inner")

        def build(self, shape):
            self.inner.build(shape)

        def call(self, x):
            return self.inner(x)
    block = Block(name="block")
    block(k.ops.ones((1, 3)))
    found.append(("block", block.path, block.inner.path))
    i = k.Input((3,))
    inner = k.Model(i, L.Dense(3, name="di")(i), name="inner_f")
    x = k.Input((3,))
    outer = k.Model(x, L.Dense(2, name="do")(inner(x)), name="outer_f")
    found += [(layer.name, layer.path) for layer in [outer, inner] + outer.layers + inner.layers]
    bi = L.Bidirectional(L.LSTM(2, name="lf"), name="bi")
    bi(k.ops.ones((1, 4, 3)))
    found.append(("bi", bi.path, bi.forward_layer.path, bi.forward_layer.cell.path, bi.forward_layer.cell.name))
    rnn = L.GRU(2, name="rnn")
    rnn.build((None, 4, 3))
    found.append(("rnn", rnn.path, rnn.cell.path, rnn.cell.name, [w.path for w in rnn.weights]))
    later = k.Sequential([L.Dense(2, name="e1")], name="later")
    found.append(("later, unbuilt", later.path))
    later.build((None, 3))
    found.append(("later", later.path, later.layers[0].path))
    return found


def test_layer_paths_are_kerass():
    theirs, ours = fresh_sessions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = _paths(theirs)
        got = _paths(ours)
    assert got == want


def _rarer_attributes(k):
    L = k.layers
    x = k.Input((2, 3), name="x")
    found = [("keras tensor", x.sparse, x.ragged, x.ragged_rank, x.row_splits_dtype, x.record_history)]
    y = x.reshape((-1, 6))
    found.append(("methods", y.shape, k.Input((1, 3)).squeeze(1).shape))
    model = k.Model(x, L.Dense(2, name="d")(y), name="m")
    found.append(("operations", [o.name for o in model.operations]))
    found.append(("input layer", model.layers[0].sparse, model.layers[0].ragged, model.layers[0].optional))
    found.append(("f-score axes", k.metrics.F1Score().axis, k.metrics.F1Score(average="micro").axis,
                  k.metrics.FBetaScore(average="macro").axis, k.metrics.FBetaScore(average="weighted").axis))
    given = k.layers.Normalization(mean=[1.0, 2.0], variance=[1.0, 4.0])
    found.append(("normalization", given.input_mean, given.input_variance, k.layers.Normalization().input_mean))
    found.append(("conv ranks", [getattr(L, c)(2, 3).rank for c in ["Conv1D", "Conv2D", "Conv3D"]]))
    auc = k.metrics.AUC(curve="ROC")
    auc.update_state(np.array([0, 1, 1, 0, 1.0]), np.array([0.1, 0.8, 0.4, 0.6, 0.9]))
    found.append(("auc", round(float(auc.interpolate_pr_auc()), 5), round(float(auc.result()), 5)))
    compiled = k.Sequential([k.Input((3,)), L.Dense(1)])
    compiled.compile("sgd", "mse", metrics=["mae"])
    compiled.evaluate(np.ones((4, 3), np.float32), np.ones((4, 1), np.float32), verbose=0)
    found.append(("metrics variables", [v.name for v in compiled.metrics_variables]))
    return found


def test_rarer_attributes_read_as_kerass():
    theirs, ours = fresh_sessions()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = _rarer_attributes(theirs)
        got = _rarer_attributes(ours)
    assert got == want


def _shown(k, value):
    if isinstance(value, dict):
        return {key: _shown(k, v) for key, v in value.items()}
    a = np.asarray(k.ops.convert_to_numpy(value))
    return a.dtype.name, a.shape, np.round(a, 5).tolist()


def _bounding_box_results(k):
    bu = k.utils.bounding_boxes
    found = []
    b = np.array([[10, 20, 30, 40], [5, 6, 50, 70]])
    for source, target in [("xyxy", "center_xywh"), ("xyxy", "yxyx"), ("xyxy", "xywh"), ("xywh", "center_yxhw"),
                           ("center_xywh", "rel_xyxy"), ("rel_yxyx", "rel_center_xywh"), ("XYXY", "rel_xywh"),
                           ("yxyx", "xyxy"), ("rel_center_xywh", "yxyx"), ("center_yxhw", "rel_yxyx")]:
        found.append((source, target, _shown(k, bu.convert_format(b, source, target, height=100, width=200))))
    found.append(_shown(k, bu.convert_format({"boxes": b, "labels": np.array([1, 2])}, "xyxy", "xywh")))
    found.append(_shown(k, bu.crop(np.array([[10, 20, 50, 60], [70, 80, 100, 120]]), 10, 20, 40, 30)))
    found.append(_shown(k, bu.pad(np.array([[10, 20, 50, 60]]), 10, 20)))
    found.append(_shown(k, bu.clip_to_image_size({"boxes": np.array([[-10.0, -20, 150, 160], [50, 40, 70, 80],
                                                                     [130, 0, 140, 10]]),
                                                  "labels": np.array([0, 1, 2])}, height=100, width=120)))
    found.append(_shown(k, bu.clip_to_image_size({"boxes": np.array([[-0.5, 0.2, 1.5, 0.6]], "float32")},
                                                 bounding_box_format="rel_xyxy")))
    found.append(_shown(k, bu.compute_iou(np.array([[0, 0, 2, 2.0], [1, 1, 3, 3]]), np.array([[0, 0, 2, 2.0]]),
                                          "xyxy")))
    found.append(_shown(k, bu.compute_iou(np.array([[[0, 0, 2, 2.0], [-1, -1, -1, -1]]]),
                                          np.array([[[0, 0, 2, 2.0], [1, 0, 2, 1]]]), "yxyx", use_masking=True)))
    found.append(_shown(k, bu.compute_iou(np.array([[[0, 0, 2, 2.0]]]), np.array([[0, 0, 1, 1.0], [0, 0, 2, 2]]),
                                          "xywh")))
    found.append(_shown(k, bu.compute_iou(np.array([[0, 0, 0.5, 0.5]]), np.array([[0.25, 0.25, 0.5, 0.5]]),
                                          "rel_xyxy", image_shape=(10, 20, 3))))
    for bad in [lambda: bu.convert_format(np.ones((2, 3)), "xyxy", "xywh"),
                lambda: bu.convert_format(b, "xyxy", "rel_xyxy"), lambda: bu.convert_format(b, "xyxy", "abc"),
                lambda: bu.compute_iou(np.ones((4,)), np.ones((1, 4)), "xyxy"),
                lambda: bu.crop(b, 1, 1, 5, 5, bounding_box_format="xywh")]:
        try:
            bad()
            found.append("no error")
        except Exception as error:   # noqa: BLE001 - the exception type is what is compared
            found.append(type(error).__name__)
    return found


def test_bounding_box_utilities_are_kerass():
    theirs, ours = fresh_sessions()
    assert _bounding_box_results(ours) == _bounding_box_results(theirs)


def _max_boxes_results(k):
    images = np.arange(2 * 4 * 4 * 3).reshape(2, 4, 4, 3).astype("float32")
    boxes = {"boxes": np.array([[[1, 2, 5, 6], [0, 0, 3, 3], [2, 2, 4, 4]], [[1, 1, 2, 2], [0, 0, 1, 1], [3, 3, 4, 4]]],
                               "float32"),
             "labels": np.array([[1, 2, 3], [4, 5, 6]], "int32")}
    padded = k.layers.MaxNumBoundingBoxes(max_number=4, fill_value=-7, bounding_box_format="xyxy")
    cut = k.layers.MaxNumBoundingBoxes(max_number=2, bounding_box_format="xyxy")
    found = [_shown(k, padded({"images": images, "bounding_boxes": boxes})),
             _shown(k, cut({"images": images, "bounding_boxes": boxes})),
             _shown(k, cut(images)),
             _shown(k, cut({"images": images[0], "bounding_boxes": {"boxes": boxes["boxes"][0],
                                                                     "labels": boxes["labels"][0]}})),
             cut.get_config()]
    try:
        k.layers.MaxNumBoundingBoxes(max_number=2)({"images": images, "bounding_boxes": boxes})
    except Exception as error:   # noqa: BLE001 - the exception type is what is compared
        found.append(type(error).__name__)
    return found


def test_max_num_bounding_boxes_is_kerass():
    theirs, ours = fresh_sessions()
    assert _max_boxes_results(ours) == _max_boxes_results(theirs)


def _box_encoding_results(k):
    bu = k.utils.bounding_boxes
    a = np.array([[0, 0, 10, 10], [5, 5, 20, 25]], "float32")
    b = np.array([[1, 2, 9, 12], [4, 6, 22, 20]], "float32")
    deltas = bu.encode_box_to_deltas(a, b, "xyxy", "xyxy")
    found = [_shown(k, bu.compute_ciou(a, b, "xyxy")), _shown(k, bu.compute_ciou(a[None], b[None], "xywh")),
             _shown(k, deltas),
             _shown(k, bu.encode_box_to_deltas(a, b, "xyxy", "xywh", encoding_format="center_xywh",
                                               variance=[0.1, 0.1, 0.2, 0.2])),
             _shown(k, bu.decode_deltas_to_boxes(a, deltas, "xyxy", "xyxy")),
             _shown(k, bu.decode_deltas_to_boxes({"p3": a}, {"p3": k.ops.convert_to_tensor(np.full((2, 4), 0.5,
                                                                                                   "float32"))},
                                                 "xyxy", "center_xywh", variance=[0.1, 0.1, 0.2, 0.2])),
             _shown(k, bu.encode_box_to_deltas(a / 40, b / 40, "rel_xyxy", "rel_xyxy", image_shape=(40, 40, 3)))]
    for bad in [lambda: bu.compute_ciou(a, b, "rel_xyxy"),
                lambda: bu.encode_box_to_deltas(a, b, "xyxy", "xyxy", encoding_format="xyxy"),
                lambda: bu.decode_deltas_to_boxes(a, b, "xyxy", "xyxy", variance=[1, 2])]:
        try:
            bad()
            found.append("no error")
        except Exception as error:   # noqa: BLE001 - the exception type is what is compared
            found.append(type(error).__name__)
    return found


def test_box_encodings_and_complete_iou_are_kerass():
    theirs, ours = fresh_sessions()
    assert _box_encoding_results(ours) == _box_encoding_results(theirs)


def test_convert_to_numpy_reads_a_tensor_that_requires_grad():
    theirs, ours = fresh_sessions()
    got = []
    for k in (theirs, ours):
        layer = k.layers.Dense(2, kernel_initializer="ones")
        got.append(k.ops.convert_to_numpy(layer(k.ops.ones((1, 3)))))
    np.testing.assert_allclose(got[1], got[0])
