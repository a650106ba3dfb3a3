"""keras.config, the missing keras.backend / keras.initializers names and keras.utils' dataset, image and registry
helpers, each checked against real Keras 3 (torch backend) where it runs without TensorFlow."""
import importlib.util

import numpy as np
import pytest

from nn import keras as dk
from tests.keras.oracle import real_keras


@pytest.fixture
def settings():
    """Both libraries' global settings back to their defaults after the test."""
    keras = real_keras()
    yield keras
    for lib in (keras, dk):
        lib.config.set_floatx("float32")
        lib.config.set_epsilon(1e-7)
        lib.config.set_image_data_format("channels_last")
        lib.config.set_max_epochs(None)
        lib.config.set_max_steps_per_epoch(None)
        lib.backend.clear_session(free_memory=False)


def _both(fn):
    """fn(lib) for real Keras and for deepgrad: (keras's, ours), an exception as ('raises', type, message)."""
    def run(lib):
        try:
            return fn(lib)
        except Exception as exc:   # noqa: BLE001 - the error itself is compared
            return ("raises", type(exc).__name__, str(exc))
    keras = real_keras()
    return run(keras), run(dk)


# ---------------------------------------------------------------- keras.config and keras.backend

@pytest.mark.parametrize("case", [
    lambda k: (k.config.floatx(), k.config.epsilon(), k.config.image_data_format()),
    lambda k: (k.config.set_floatx("float64"), k.config.floatx(), k.backend.floatx()),
    lambda k: (k.config.set_epsilon(1e-5), k.config.epsilon(), k.backend.epsilon()),
    lambda k: (k.backend.set_image_data_format("CHANNELS_FIRST"), k.config.image_data_format()),
    lambda k: k.config.set_image_data_format("nhwc"),
    lambda k: (k.config.set_max_epochs(3), k.config.max_epochs(), k.config.set_max_steps_per_epoch(5),
               k.config.max_steps_per_epoch()),
    lambda k: (k.config.is_interactive_logging_enabled(), k.config.disable_interactive_logging(),
               k.utils.is_interactive_logging_enabled(), k.utils.enable_interactive_logging(),
               k.config.is_interactive_logging_enabled()),
    lambda k: (k.config.is_flash_attention_enabled(), k.config.disable_flash_attention(),
               k.config.is_flash_attention_enabled(), k.config.enable_flash_attention(),
               k.config.is_flash_attention_enabled()),
    lambda k: (k.config.is_traceback_filtering_enabled(), k.config.disable_traceback_filtering(),
               k.config.is_traceback_filtering_enabled(), k.config.enable_traceback_filtering()),
    lambda k: (repr(k.config.dtype_policy()), k.config.dtype_policy().compute_dtype),
    lambda k: (k.config.set_dtype_policy("mixed_float16"), repr(k.config.dtype_policy()),
               k.config.dtype_policy().compute_dtype, k.config.dtype_policy().variable_dtype),
    lambda k: (k.config.set_floatx("float64"), repr(k.config.dtype_policy())),
    lambda k: k.config.set_dtype_policy(3),
    lambda k: k.config.set_dtype_policy("nope32"),
    lambda k: (k.config.set_dtype_policy("bfloat16"), k.backend.clear_session(free_memory=False),
               k.config.disable_interactive_logging(), k.backend.clear_session(free_memory=False),
               repr(k.config.dtype_policy()), k.config.is_interactive_logging_enabled()),
    lambda k: k.config.enable_unsafe_deserialization(),
], ids=["defaults", "set_floatx", "set_epsilon", "set_layout", "bad_layout", "max_epochs_steps",
        "interactive_logging", "flash_attention", "traceback_filtering", "dtype_policy", "set_dtype_policy",
        "policy_from_floatx", "bad_policy_type", "bad_policy_name", "clear_session_resets", "unsafe"])
def test_config_matches_keras(settings, case):
    keras, ours = _both(case)
    assert ours == keras


def test_bad_floatx_error_matches_keras(settings):
    """The message lists the accepted names as a Python set, whose order varies between runs."""
    import ast
    keras, ours = _both(lambda k: k.config.set_floatx("int32"))
    assert ours[:2] == keras[:2] == ("raises", "ValueError")
    head, _, accepted = ours[2].partition("{")
    assert head == keras[2].partition("{")[0] == "Unknown `floatx` value: int32. Expected one of "
    assert ast.literal_eval("{" + accepted) == ast.literal_eval("{" + keras[2].partition("{")[2])


def test_config_layout_is_the_layers_default(settings):
    """set_image_data_format('channels_first') makes data_format=None layers channels-first, as in Keras."""
    keras = settings
    x = np.random.default_rng(0).normal(size=(2, 3, 8, 8)).astype("float32")
    shapes = []
    for lib in (keras, dk):
        lib.config.set_image_data_format("channels_first")
        conv, flat = lib.layers.Conv2D(4, 3), lib.layers.Flatten()
        shapes.append((conv.data_format, flat.data_format, tuple(conv(x).shape),
                       tuple(lib.layers.MaxPooling2D()(x).shape)))
    assert shapes[1] == shapes[0]


@pytest.mark.parametrize("dtype", [None, "float16", "int8", "uint32", "bool", "string", int, float, bool, str,
                                   np.float64, np.dtype("int16"), "bfloat16", "complex64", "float8", "object"])
def test_standardize_dtype_and_kinds(dtype):
    keras, ours = _both(lambda k: (k.backend.standardize_dtype(dtype), k.utils.standardize_dtype(dtype),
                                   k.backend.is_float_dtype(dtype), k.backend.is_int_dtype(dtype)))
    assert ours == keras


def test_standardize_dtype_of_torch_dtypes():
    torch = pytest.importorskip("torch")
    keras, ours = _both(lambda k: [k.backend.standardize_dtype(d) for d in (torch.float32, torch.int64, torch.bool)])
    assert ours == keras


@pytest.mark.parametrize("dtypes", [(), ("int32", "float32"), ("int8", "uint8"), ("bool", int), ("int16", float),
                                    ("float16", "bfloat16"), ("float64", "float64"), ("int64",), (int, float),
                                    ("uint32", "int32"), ("uint64", "int64"), ("complex64", float), (None, "int32"),
                                    ("float16", int), ("float8_e4m3fn", "float32"), ("bool", "bool"), (float,)])
def test_result_type(dtypes):
    keras, ours = _both(lambda k: k.backend.result_type(*dtypes))
    assert ours == keras


def test_get_uid_shares_the_automatic_names_counter():
    keras, ours = _both(lambda k: (k.backend.get_uid("gaps"), k.backend.get_uid("gaps"), k.layers.Dense(2).name,
                                   k.backend.get_uid("dense"), k.backend.get_uid()))
    assert ours == keras


# ---------------------------------------------------------------- keras.initializers

NAMES = ["constant", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal",
         "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "truncated_normal",
         "variance_scaling", "zeros", "IdentityInitializer", "OrthogonalInitializer"]


@pytest.mark.parametrize("name", NAMES)
def test_initializer_aliases_name_the_same_classes(name):
    keras, ours = _both(lambda k: getattr(k.initializers, name).__name__)
    assert ours == keras


def test_initializer_alias_values():
    keras = real_keras()
    for name, args in [("zeros", ()), ("ones", ()), ("constant", (2.5,)), ("identity", (3.0,))]:
        ours = getattr(dk.initializers, name)(*args)((3, 4))
        theirs = np.asarray(getattr(keras.initializers, name)(*args)((3, 4)))
        np.testing.assert_array_equal(ours, theirs)
    q = dk.initializers.OrthogonalInitializer(gain=2.0, seed=1)((5, 3))
    np.testing.assert_allclose(q.T @ q, 4.0 * np.eye(3), atol=1e-5)


# ---------------------------------------------------------------- keras.utils.timeseries_dataset_from_array

def _keras_windows(data, targets, sequence_length, sequence_stride=1, sampling_rate=1, batch_size=128,
                   shuffle=False, seed=None, start_index=None, end_index=None):
    """Keras's batches, by its own windowing logic (its tf.data pipeline without TensorFlow's buffer shuffle)."""
    start_index = start_index or 0
    end_index = len(data) if end_index is None else end_index
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    starts = np.arange(0, count, sequence_stride, dtype="int32")
    if shuffle:
        np.random.RandomState(seed).shuffle(starts)
    data, examples = np.asarray(data)[start_index:end_index], []
    for s in starts:
        window = data[s + np.arange(sequence_length) * sampling_rate]
        examples.append(window if targets is None else (window, np.asarray(targets)[start_index:end_index][s]))
    if batch_size is None:
        return examples
    chunks = [examples[i:i + batch_size] for i in range(0, len(examples), batch_size)]
    if targets is None:
        return [np.stack(c) for c in chunks]
    return [(np.stack([w for w, _ in c]), np.stack([t for _, t in c])) for c in chunks]


def _assert_same_batches(ours, expected):
    ours = list(ours)
    assert len(ours) == len(expected)
    for a, b in zip(ours, expected):
        if isinstance(b, tuple):
            assert isinstance(a, tuple) and len(a) == len(b)
            for x, y in zip(a, b):
                np.testing.assert_array_equal(x, y)
                assert np.asarray(x).dtype == np.asarray(y).dtype
        else:
            np.testing.assert_array_equal(a, b)


SERIES = [dict(sequence_length=5), dict(sequence_length=4, sequence_stride=3, batch_size=4),
          dict(sequence_length=3, sampling_rate=2, batch_size=5), dict(sequence_length=4, batch_size=None),
          dict(sequence_length=3, start_index=4, end_index=30, batch_size=7),
          dict(sequence_length=6, shuffle=True, seed=7, batch_size=8)]


@pytest.mark.parametrize("kwargs", SERIES)
@pytest.mark.parametrize("with_targets", [True, False])
def test_timeseries_windows(kwargs, with_targets):
    data = np.arange(40 * 2, dtype="float64").reshape(40, 2)
    targets = np.arange(40) * 10 if with_targets else None
    ours = dk.utils.timeseries_dataset_from_array(data, targets, **kwargs)
    _assert_same_batches(ours, _keras_windows(data, targets, **kwargs))


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="Keras's tf.data needs TensorFlow")
@pytest.mark.parametrize("kwargs", SERIES[:5])
def test_timeseries_against_keras_tf_data(kwargs):
    keras = real_keras()
    data, targets = np.arange(80, dtype="float64").reshape(40, 2), np.arange(40) * 10
    theirs = [tuple(np.asarray(v) for v in b) for b in keras.utils.timeseries_dataset_from_array(data, targets,
                                                                                               **kwargs)]
    _assert_same_batches(dk.utils.timeseries_dataset_from_array(data, targets, **kwargs), theirs)


@pytest.mark.parametrize("kwargs", [dict(start_index=-1), dict(start_index=50), dict(start_index=5, end_index=3),
                                    dict(end_index=40), dict(end_index=-2), dict(sampling_rate=0),
                                    dict(sampling_rate=40), dict(sequence_stride=0), dict(sequence_stride=41),
                                    dict(format="numpy")])
def test_timeseries_errors_match_keras(kwargs):
    data = np.arange(40)
    keras, ours = _both(lambda k: k.utils.timeseries_dataset_from_array(data, None, 3, **kwargs))
    assert keras[0] == "raises" and ours == keras


def test_timeseries_dataset_trains_a_model():
    x = np.sin(np.arange(60, dtype="float32") / 5)[:, None]
    ds = dk.utils.timeseries_dataset_from_array(x[:-3], x[3:, 0], sequence_length=3, batch_size=16)
    model = dk.Sequential([dk.Input((3, 1)), dk.layers.Flatten(), dk.layers.Dense(1)])
    model.compile("sgd", "mse")
    history = model.fit(ds, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert model.predict(ds, verbose=0).shape == (len(x) - 3 - 2, 1)


# ---------------------------------------------------------------- images

def _write_images(root, size=(6, 5), mode="RGB"):
    """Three classes of small PNGs with distinct pixels; returns the folder."""
    image_module = pytest.importorskip("PIL.Image")
    rng = np.random.default_rng(0)
    for c, name in enumerate(["cat", "dog", "eel"]):
        (root / name).mkdir(parents=True)
        for i in range(3 + c):
            channels = {"RGB": 3, "L": 1, "RGBA": 4}[mode]
            pixels = rng.integers(0, 256, size=(size[0], size[1], channels), dtype=np.uint8)
            image_module.fromarray(pixels[..., 0] if channels == 1 else pixels, mode).save(root / name / f"{i}.png")
    (root / "cat" / "notes.txt").write_text("not an image")
    return root


def _keras_index(keras, root, formats, shuffle, seed, labels="inferred", class_names=None):
    from keras.src.utils import dataset_utils
    return dataset_utils.index_directory(str(root), labels, formats=formats, class_names=class_names,
                                         shuffle=shuffle, seed=seed, verbose=False)


@pytest.mark.parametrize("shuffle,seed", [(False, None), (True, 3)])
def test_index_directory_matches_keras(tmp_path, shuffle, seed):
    keras = real_keras()
    root = _write_images(tmp_path / "imgs")
    from nn.keras.utils_directory import IMAGE_FORMATS, index_directory
    theirs = _keras_index(keras, root, IMAGE_FORMATS, shuffle, seed)
    ours = index_directory(str(root), "inferred", IMAGE_FORMATS, shuffle=shuffle, seed=seed, verbose=False)
    assert ours[0] == theirs[0] and ours[2] == theirs[2]
    np.testing.assert_array_equal(ours[1], theirs[1])


@pytest.mark.parametrize("label_mode", ["int", "categorical", None])
@pytest.mark.parametrize("shuffle", [False, True])
def test_image_dataset_from_directory(tmp_path, label_mode, shuffle):
    keras = real_keras()
    root = _write_images(tmp_path / "imgs")
    ds = dk.utils.image_dataset_from_directory(root, label_mode=label_mode, image_size=(6, 5), batch_size=4,
                                               shuffle=shuffle, seed=11, verbose=False)
    paths, labels, names = _keras_index(keras, root, (".bmp", ".gif", ".jpeg", ".jpg", ".png"), shuffle, 11)
    assert ds.class_names == (names if label_mode else None) and names == ["cat", "dog", "eel"]
    assert ds.file_paths == paths and len(ds) == 3
    batches = list(ds)
    images = np.concatenate([b[0] if label_mode else b for b in batches])
    expected = np.stack([keras.utils.img_to_array(keras.utils.load_img(p)) for p in paths])
    np.testing.assert_array_equal(images, expected)
    assert images.dtype == np.float32 and images.shape == (12, 6, 5, 3)
    if label_mode == "int":
        got = np.concatenate([b[1] for b in batches])
        assert got.dtype == np.int32
        np.testing.assert_array_equal(got, labels)
    elif label_mode == "categorical":
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), np.eye(3, dtype="float32")[labels])


def test_image_dataset_grayscale_binary_split_and_resize(tmp_path):
    keras = real_keras()
    root = _write_images(tmp_path / "imgs", size=(8, 8), mode="L")
    import shutil
    shutil.rmtree(root / "eel")
    train, val = dk.utils.image_dataset_from_directory(root, label_mode="binary", color_mode="grayscale",
                                                       image_size=(4, 4), interpolation="nearest", batch_size=2,
                                                       seed=5, validation_split=0.4, subset="both", verbose=False)
    paths, labels, _ = _keras_index(keras, root, (".png",), True, 5)
    assert train.file_paths == paths[:-2] and val.file_paths == paths[-2:]
    x, y = next(iter(val))
    assert x.shape == (2, 4, 4, 1) and y.dtype == np.float32 and y.shape == (2, 1)
    np.testing.assert_array_equal(y[:, 0], labels[-2:])
    expected = keras.utils.img_to_array(keras.utils.load_img(paths[-2], color_mode="grayscale", target_size=(4, 4)))
    np.testing.assert_array_equal(x[0], expected)


@pytest.mark.parametrize("kwargs", [dict(label_mode="sparse"), dict(color_mode="hsv"), dict(image_size=(3,)),
                                    dict(interpolation="cubic"), dict(validation_split=0.2),
                                    dict(validation_split=0.2, subset="training"), dict(label_mode="binary"),
                                    dict(labels=[0, 1]), dict(subset="training"), dict(class_names=["cat", "owl"])])
def test_image_dataset_errors_match_keras(tmp_path, kwargs):
    root = _write_images(tmp_path / "imgs")

    def make(k):
        return k.utils.image_dataset_from_directory(str(root), verbose=False, **kwargs)
    keras, ours = _both(make)
    assert keras[0] == "raises" and ours[:2] == keras[:2]
    if "ValueError" == keras[1] and "directory" not in keras[2]:
        assert ours == keras


def test_image_dataset_trains_a_model(tmp_path):
    root = _write_images(tmp_path / "imgs")
    ds = dk.utils.image_dataset_from_directory(root, image_size=(6, 5), batch_size=4, seed=1, verbose=False)
    model = dk.Sequential([dk.Input((6, 5, 3)), dk.layers.Rescaling(1 / 255), dk.layers.Flatten(),
                           dk.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    assert len(model.fit(ds, epochs=2, verbose=0).history["accuracy"]) == 2
    assert model.predict(ds, verbose=0).shape == (12, 3)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_image_file_helpers_match_keras(tmp_path, mode):
    keras = real_keras()
    pytest.importorskip("PIL")
    rng = np.random.default_rng(1)
    channels = {"RGB": 3, "L": 1, "RGBA": 4}[mode]
    x = rng.normal(size=(7, 9, channels)).astype("float32")
    dk.utils.save_img(tmp_path / "ours.png", x)
    keras.utils.save_img(tmp_path / "theirs.png", x)
    for color_mode in ("rgb", "grayscale", "rgba"):
        for kwargs in ({}, dict(target_size=(4, 6), interpolation="bilinear"),
                       dict(target_size=(5, 5), keep_aspect_ratio=True)):
            ours = dk.utils.img_to_array(dk.utils.load_img(tmp_path / "ours.png", color_mode=color_mode, **kwargs))
            theirs = keras.utils.img_to_array(keras.utils.load_img(tmp_path / "theirs.png", color_mode=color_mode,
                                                                   **kwargs))
            np.testing.assert_array_equal(ours, theirs)
            assert ours.dtype == theirs.dtype
    for fmt in ("channels_first", "channels_last"):
        img = np.moveaxis(x, -1, 0) if fmt == "channels_first" else x
        ours, theirs = dk.utils.array_to_img(img, data_format=fmt), keras.utils.array_to_img(img, data_format=fmt)
        assert ours.mode == theirs.mode
        np.testing.assert_array_equal(dk.utils.img_to_array(ours, data_format=fmt, dtype="uint8"),
                                      keras.utils.img_to_array(theirs, data_format=fmt, dtype="uint8"))


@pytest.mark.parametrize("call", [lambda k: k.utils.array_to_img(np.zeros((2, 2))),
                                  lambda k: k.utils.array_to_img(np.zeros((2, 2, 2))),
                                  lambda k: k.utils.img_to_array(np.zeros((2, 2, 2, 2))),
                                  lambda k: k.utils.load_img(3)])
def test_image_helper_errors_match_keras(call):
    keras, ours = _both(call)
    assert keras[0] == "raises" and ours == keras


def test_pillow_missing_gives_a_clear_error(monkeypatch):
    import builtins
    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no PIL")
        return real_import(name, *args, **kwargs)
    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match="pip install pillow"):
        dk.utils.load_img("x.png")


# ---------------------------------------------------------------- text_dataset_from_directory

def test_text_dataset_from_directory(tmp_path):
    keras = real_keras()
    for c, name in enumerate(["neg", "pos"]):
        (tmp_path / name).mkdir()
        for i in range(4):
            (tmp_path / name / f"{i}.txt").write_text(f"{name} review number {i} " + "é" * c)
    (tmp_path / "pos" / "skip.md").write_text("ignored")
    train, val = dk.utils.text_dataset_from_directory(tmp_path, batch_size=3, max_length=12, seed=2,
                                                      validation_split=0.25, subset="both", label_mode="binary",
                                                      verbose=False)
    paths, labels, names = _keras_index(keras, tmp_path, (".txt",), True, 2)
    assert train.class_names == names == ["neg", "pos"] and train.file_paths == paths[:6]
    texts, y = zip(*train)
    assert [len(t) for t in texts] == [3, 3]
    expected = [open(p, encoding="utf-8").read()[:12] for p in paths[:6]]
    assert np.concatenate(texts).tolist() == expected
    np.testing.assert_array_equal(np.concatenate(y)[:, 0], labels[:6])
    only_text = dk.utils.text_dataset_from_directory(tmp_path, labels=None, shuffle=False, verbose=False)
    assert only_text.class_names is None and len(next(iter(only_text))) == 8


def test_text_dataset_errors_match_keras(tmp_path):
    (tmp_path / "a").mkdir()
    keras, ours = _both(lambda k: k.utils.text_dataset_from_directory(str(tmp_path), verbose=False))
    assert ours == keras
    keras, ours = _both(lambda k: k.utils.text_dataset_from_directory(str(tmp_path), labels=None,
                                                                       class_names=["a"], verbose=False))
    assert ours == keras


# ---------------------------------------------------------------- split_dataset, registry, symbolic helpers

@pytest.mark.parametrize("left,right", [(0.75, None), (None, 3), (5, 2), (0.5, 0.25)])
def test_split_dataset_sizes_and_order(left, right):
    """Keras's TensorFlow path (its torch one splits at random: tests/keras/test_keras_leftovers14.py)."""
    x, y = np.arange(24, dtype="float32").reshape(12, 2), np.arange(12)
    a, b = dk.utils.split_dataset((x, y), left_size=left, right_size=right, preferred_backend="tensorflow")
    from keras.src.utils.dataset_utils import _rescale_dataset_split_sizes
    real_keras()
    n_left, n_right = _rescale_dataset_split_sizes(left, right, 12)
    assert (len(a), len(b)) == (n_left, n_right)
    np.testing.assert_array_equal(np.stack([a[i][1].numpy() for i in range(len(a))]), y[:n_left])
    np.testing.assert_array_equal(np.stack([b[i][0].numpy() for i in range(len(b))]), x[12 - n_right:])


def test_split_dataset_shuffle_is_seeded_like_keras():
    import random
    a, b = dk.utils.split_dataset(np.arange(10), left_size=6, shuffle=True, seed=4, preferred_backend="tensorflow")
    order = list(range(10))
    random.seed(4)
    random.shuffle(order)   # Keras's (TensorFlow path) shuffle of the examples
    assert [int(a[i][0].item()) for i in range(6)] == order[:6]
    assert [int(b[i][0].item()) for i in range(4)] == order[6:]


@pytest.mark.parametrize("kwargs", [dict(), dict(left_size=0, right_size=0), dict(left_size=12), dict(left_size=1.5),
                                    dict(left_size="a", right_size="b"), dict(left_size="a"),
                                    dict(left_size=0.7, right_size=0.5), dict(left_size=8, right_size=7),
                                    dict(left_size=0.01)])
def test_split_dataset_errors_match_keras(kwargs):
    keras, ours = _both(lambda k: k.utils.split_dataset(np.arange(12.0), **kwargs))
    assert keras[0] == "raises" and ours == keras


def test_serialization_names_route_to_the_saving_registry():
    keras = real_keras()

    for lib in (keras, dk):
        @lib.saving.register_keras_serializable(package="Gaps")
        class Scale(lib.layers.Layer):
            def __init__(self, factor=2.0, **kwargs):
                super().__init__(**kwargs)
                self.factor = factor

            def get_config(self):
                return {**super().get_config(), "factor": self.factor}
        assert lib.utils.get_registered_name(Scale) == "Gaps>Scale"
        assert lib.utils.get_registered_object("Gaps>Scale") is Scale
        config = lib.utils.serialize_keras_object(Scale(3.0, name="s"))
        assert config["registered_name"] == "Gaps>Scale" and config["config"]["factor"] == 3.0
        restored = lib.utils.deserialize_keras_object(config)
        assert type(restored) is Scale and restored.factor == 3.0 and restored.name == "s"
    assert dk.utils.serialize_keras_object(dk.initializers.he_normal(seed=3)) == \
        keras.utils.serialize_keras_object(keras.initializers.he_normal(seed=3))


def test_symbolic_helpers_match_keras():
    def graph(k):
        a, b = k.Input((3,), name="a"), k.Input((3,), name="b")
        h = k.layers.Dense(2)(a)
        out = k.layers.Add()([h, k.layers.Dense(2)(b), h])
        return ([t.name for t in k.utils.get_source_inputs(out)], [t.name for t in k.utils.get_source_inputs(a)],
                k.utils.is_keras_tensor(out), k.utils.is_keras_tensor(np.zeros(2)), k.utils.get_source_inputs(5))
    keras, ours = _both(graph)
    assert ours == keras


def test_utils_clear_session_restarts_names():
    keras, ours = _both(lambda k: (k.layers.Dense(1).name, k.utils.clear_session(free_memory=False),
                                   k.layers.Dense(1).name))
    assert ours == keras == ("dense", None, "dense")


# ---------------------------------------------------------------- settings that fit and the progress output read

def _tiny_fit(lib, **kwargs):
    x = np.random.default_rng(0).normal(size=(40, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model, model.fit(x, y, batch_size=8, verbose=0, **kwargs)


def test_max_epochs_and_steps_cap_fit_evaluate_predict(settings):
    """Keras caps fit's epochs and every loop's steps per epoch, with its warnings."""
    results = []
    for lib in (settings, dk):
        lib.config.set_max_epochs(2)
        lib.config.set_max_steps_per_epoch(3)
        with pytest.warns(UserWarning) as record:
            model, history = _tiny_fit(lib, epochs=5)
            seen = []

            class Count(lib.callbacks.Callback):
                def on_predict_batch_end(self, batch, logs=None):
                    seen.append(batch)
            out = model.predict(np.zeros((40, 3), "float32"), batch_size=8, verbose=0, callbacks=[Count()])
        messages = sorted({str(w.message) for w in record if "Limiting" in str(w.message)})
        results.append((len(history.history["loss"]), len(seen), out.shape, messages))
    assert results[1] == results[0] == (2, 3, (24, 1), ["Limiting epochs to 2",
                                                         "Limiting steps_per_epoch to 3"])


def test_disabled_interactive_logging_keeps_fit_off_stdout(settings, capsys, caplog):
    printed = []
    for lib in (settings, dk):
        lib.config.disable_interactive_logging()
        x = np.ones((8, 3), "float32")
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(1)])
        model.compile("sgd", "mse")
        with caplog.at_level("INFO"):
            model.fit(x, x[:, :1], epochs=2, verbose=2)
        printed.append(capsys.readouterr().out)
        lib.config.enable_interactive_logging()
    assert printed == ["", ""]
    assert any("Epoch 2/2" in r.getMessage() for r in caplog.records if r.name == "keras")


def test_fit_keeps_the_batch_order_of_a_dataset_function(monkeypatch):
    """Keras's fit never reorders a tf.data.Dataset (shuffle=True is ignored for it); nor does deepgrad's for the
    dataset the *_dataset_from_* functions return."""
    ds = dk.utils.timeseries_dataset_from_array(np.arange(30.0)[:, None], np.arange(30.0), 2, batch_size=4)
    seen = []
    original = type(ds).__getitem__
    monkeypatch.setattr(type(ds), "__getitem__", lambda self, i: seen.append(i) or original(self, i))
    model = dk.Sequential([dk.Input((2, 1)), dk.layers.Flatten(), dk.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(ds, epochs=2, shuffle=True, verbose=0)
    # the first fit after compile reads batch 0 once before the epochs (as Keras's PyDataset adapter does)
    assert seen[:1] == [0] and seen[1:] == list(range(len(ds))) * 2


def test_image_dataset_with_explicit_labels(tmp_path):
    keras = real_keras()
    image_module = pytest.importorskip("PIL.Image")
    for i in range(4):
        image_module.fromarray(np.full((3, 3, 3), 40 * i, np.uint8)).save(tmp_path / f"{i}.png")
    ds = dk.utils.image_dataset_from_directory(tmp_path, labels=[0, 1, 1, 0], label_mode="categorical",
                                               image_size=(3, 3), shuffle=False, batch_size=3, verbose=False)
    paths, labels, names = _keras_index(keras, tmp_path, (".png",), False, None, labels=[0, 1, 1, 0])
    assert (ds.file_paths, ds.class_names) == (paths, names) == ([str(tmp_path / f"{i}.png") for i in range(4)],
                                                                   ["0", "1"])
    x, y = zip(*ds)
    np.testing.assert_array_equal(np.concatenate(x)[:, 0, 0, 0], [0, 40, 80, 120])
    np.testing.assert_array_equal(np.concatenate(y), np.eye(2, dtype="float32")[labels])
