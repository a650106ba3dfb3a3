"""Keras 3.15 APIs added in this round: keras.RematScope and keras.remat (gradient checkpointing),
keras.StatelessScope, keras.Operation and keras.Function, keras.applications.NASNetMobile / NASNetLarge,
keras.callbacks.RemoteMonitor and keras.utils.audio_dataset_from_directory.

The programs (tests/programs/keras_*.py) print the same lines under real Keras (recorded) and deepgrad; the
other tests check what Keras cannot show: that rematerialized calls really run again in backward and give the
very values and gradients of plain calls, with batch normalization and dropout too (Keras 3.15 updates a
rematerialized BatchNormalization's moving statistics twice per step; deepgrad does not)."""
import os

import numpy as np
import pytest

import autograd as ag
from nn import keras
from nn.keras import layers

from .oracle import real_keras
from .test_keras_programs import _assert_same_lines, printed_by_both

PROGRAMS = ["keras_remat_scope_modes", "keras_stateless_scope_state", "keras_operation_function_graphs"]


@pytest.mark.parametrize("program", PROGRAMS)
def test_extras6_programs_print_what_keras_prints(program, capsys, tmp_path, monkeypatch, one_torch_thread):
    theirs, mine = printed_by_both(program, capsys, tmp_path, monkeypatch)
    assert len(theirs) >= 10
    _assert_same_lines(mine, theirs)


# ----- remat -------------------------------------------------------------------------------------------------
def _trained(mode, steps=3):
    """Weights and losses of a small model with batch normalization and dropout, its layers made in a RematScope
    of `mode`, after `steps` training steps."""
    keras.utils.set_random_seed(11)
    x = np.random.RandomState(0).randn(12, 4).astype("float32")
    y = np.random.RandomState(1).randn(12, 2).astype("float32")
    with keras.RematScope(mode):
        hidden = layers.Dense(6, activation="relu")
        norm = layers.BatchNormalization()
        drop = layers.Dropout(0.3, seed=4)
        noise = layers.GaussianNoise(0.1, seed=5)
        out = layers.Dense(2)
    inputs = keras.Input((4,))
    model = keras.Model(inputs, out(noise(drop(norm(hidden(inputs))))))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    losses = [float(model.train_on_batch(x, y)) for _ in range(steps)]
    return losses, [w.numpy() for w in model.weights]


@pytest.mark.parametrize("mode", ["full", "activations", "larger_than"])
def test_remat_trains_exactly_as_without_it_with_norm_and_random_layers(mode):
    base_losses, base_weights = _trained(None)
    losses, weights = _trained(mode)
    assert losses == base_losses
    for a, b in zip(weights, base_weights):   # moving statistics included: the recomputation updates nothing
        np.testing.assert_array_equal(a, b)


def test_remat_runs_the_call_again_in_backward_only_when_the_mode_says():
    ran_in_backward = []
    in_backward = [False]

    def spy(layer):
        call = layer.call

        def wrapped(*args, **kwargs):
            if in_backward[0]:
                ran_in_backward.append(layer.name)
            return call(*args, **kwargs)
        layer.call = wrapped
        return layer
    x = ag.tensor(np.random.RandomState(2).randn(3, 4).astype("float32"), requires_grad=True)
    for mode, kwargs, expected in [("full", {}, ["r1", "r2"]), ("list_of_layers", {"layer_names": ["r2"]}, ["r2"]),
                                   ("larger_than", {"output_size_threshold": 20}, ["r1"]), (None, {}, [])]:
        ran_in_backward.clear()
        with keras.RematScope(mode, **kwargs):
            first, second = spy(layers.Dense(8, name="r1")), spy(layers.Dense(2, name="r2"))
        y = second(first(x))
        plain = layers.Dense(2)
        in_backward[0] = True
        try:
            y.sum().backward()
        finally:
            in_backward[0] = False
        assert sorted(ran_in_backward) == expected, mode
        assert isinstance(plain, layers.Layer) and plain._remat_mode is None
        keras.backend.clear_session()


def test_remat_function_gives_the_same_values_and_gradients_in_float64():
    rng = np.random.RandomState(3)
    w = ag.tensor(rng.randn(4, 4), requires_grad=True)

    def block(v):
        return ag.tanh(v @ w).sin() * v

    x = ag.tensor(rng.randn(5, 4), requires_grad=True)
    plain = block(x)
    gx, gw = ag.grad(plain.sum(), [x, w])
    wrapped = keras.remat(block)(x)
    rx, rw = ag.grad(wrapped.sum(), [x, w])
    np.testing.assert_array_equal(wrapped.numpy(), plain.numpy())
    np.testing.assert_array_equal(rx.numpy(), gx.numpy())
    np.testing.assert_array_equal(rw.numpy(), gw.numpy())
    assert ag.gradcheck(lambda v: keras.remat(block)(v), (x,))


def test_remat_without_gradients_is_a_plain_call():
    with keras.RematScope("full"):
        dense = layers.Dense(3)
    x = np.ones((2, 4), "float32")
    with ag.no_grad():
        y = dense(x)
    assert y.grad_fn is None and y.shape == (2, 3)
    assert keras.RematScope().mode == "full"
    with pytest.raises(ValueError, match="Invalid mode 'partial'"):
        keras.RematScope(mode="partial")


# ----- StatelessScope ----------------------------------------------------------------------------------------
def test_stateless_scope_keeps_graphs_from_before_it_and_gradients_reach_the_variables():
    dense = layers.Dense(2, kernel_initializer="ones")
    x = ag.tensor(np.arange(6, dtype="float32").reshape(2, 3))
    before = dense(x).sum()
    with keras.StatelessScope([(dense.kernel, np.full((3, 2), 2.0, "float32"))]) as scope:
        inside = dense(x).sum()
        dense.kernel.assign(np.zeros((3, 2), "float32"))
    inside.backward()
    np.testing.assert_array_equal(dense.kernel.grad.numpy(), np.full((3, 2), [[3.0], [5.0], [7.0]]))
    dense.kernel.grad = None
    before.backward()   # recorded before the scope: its saved values were never written
    np.testing.assert_array_equal(dense.kernel.grad.numpy(), np.full((3, 2), [[3.0], [5.0], [7.0]]))
    assert float(inside.item()) == 2 * float(before.item())
    np.testing.assert_array_equal(dense.kernel.numpy(), np.ones((3, 2)))
    np.testing.assert_array_equal(scope.get_current_value(dense.kernel).numpy(), np.zeros((3, 2)))


def test_stateless_scopes_nest_and_restore_the_outer_one():
    from nn.keras.stateless_scope import get_stateless_scope
    v = keras.Variable(np.array([1.0, 2.0], "float32"))
    with keras.StatelessScope([(v, [5.0, 6.0])]) as outer:
        with keras.StatelessScope([(v, [7.0, 8.0])]) as inner:
            assert get_stateless_scope() is inner
            np.testing.assert_array_equal(v.numpy(), [7.0, 8.0])
        assert get_stateless_scope() is outer
        np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])
    assert get_stateless_scope() is None
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


# ----- Operation / Function ----------------------------------------------------------------------------------
def test_operation_without_call_and_disconnected_function_explain_themselves():
    with pytest.raises(NotImplementedError, match="must define call"):
        keras.Operation()(np.ones((1, 2), "float32"))
    a, b = keras.KerasTensor((None, 2)), keras.KerasTensor((None, 2))
    with pytest.raises(ValueError, match="Graph disconnected"):
        keras.Function(inputs=[a], outputs=a + b)
    with pytest.raises(ValueError, match="takes KerasTensors"):
        keras.Function(inputs=[a], outputs=[np.ones(2)])


# ----- NASNet ------------------------------------------------------------------------------------------------
NASNET_CASES = [
    ("nasnet_mobile_top", "nasnet.NASNetMobile", dict(weights=None, input_shape=(32, 32, 3), classes=10)),
    ("nasnet_mobile_notop_max", "nasnet.NASNetMobile",
     dict(weights=None, input_shape=(37, 45, 3), include_top=False, pooling="max")),
]
LARGE = pytest.mark.skipif(not os.environ.get("DEEPGRAD_LARGE_APPLICATIONS"),
                           reason="a large application: set DEEPGRAD_LARGE_APPLICATIONS=1 to compare its structure")


@pytest.mark.parametrize("case,builder,kwargs", NASNET_CASES, ids=[c[0] for c in NASNET_CASES])
def test_nasnet_mobile_matches_keras_with_the_same_weights(case, builder, kwargs):
    from tests.keras.applications_oracle import check_against_keras
    check_against_keras(case, builder, kwargs)


@LARGE
def test_nasnet_large_has_keras_structure():
    from tests.keras.applications_oracle import check_against_keras
    check_against_keras("nasnet_large_notop", "nasnet.NASNetLarge",
                        dict(weights=None, input_shape=(32, 32, 3), include_top=False), batch=0)


def test_nasnet_signatures_and_preprocessing_match_keras():
    import inspect
    theirs = real_keras().applications
    for name in ("NASNetMobile", "NASNetLarge"):
        assert inspect.signature(getattr(keras.applications, name)) == inspect.signature(getattr(theirs, name))
        assert getattr(keras.applications.nasnet, name) is getattr(keras.applications, name)
    for fn in ("preprocess_input", "decode_predictions"):
        assert inspect.signature(getattr(keras.applications.nasnet, fn)) == \
            inspect.signature(getattr(theirs.nasnet, fn))
    x = np.random.default_rng(0).uniform(0, 255, (2, 5, 4, 3)).astype("float32")
    np.testing.assert_allclose(keras.applications.nasnet.preprocess_input(x.copy()),
                               theirs.nasnet.preprocess_input(x.copy()), rtol=1e-6)
    assert keras.applications.nasnet.decode_predictions is keras.applications.imagenet_utils.decode_predictions


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """An empty Keras cache and no network."""
    import urllib.error
    import urllib.request
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlretrieve", refuse)


@pytest.mark.parametrize("include_top,fname,remote", [(False, "nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5"),
                                                      (True, "nasnet_mobile.h5", "NASNet-mobile.h5")])
def test_nasnet_imagenet_offline_names_the_file_and_the_fix(offline, include_top, fname, remote):
    with pytest.raises(Exception, match=fname) as info:
        keras.applications.NASNetMobile(include_top=include_top, weights="imagenet",
                                        input_shape=None if include_top else (32, 32, 3))
    assert f"https://storage.googleapis.com/tensorflow/keras-applications/nasnet/{remote}" in str(info.value)
    assert "weights=" in str(info.value)


def test_nasnet_argument_errors_match_keras(offline):
    theirs = real_keras().applications
    cases = [(dict(weights="imagenet", classes=10), "`classes` should be 1000"),
             (dict(weights="nowhere.h5"), "`weights` argument should be either"),
             (dict(weights=None, include_top=False, input_shape=(16, 16, 3)), "Input size must be at least 32x32"),
             (dict(weights="imagenet", include_top=False, input_shape=(None, None, 3)), "must be static"),
             (dict(weights=None, include_top=True, input_shape=(None, None, 3)), "static `input_shape`")]
    for kwargs, gist in cases:
        with pytest.raises(ValueError, match=gist):
            theirs.NASNetLarge(**kwargs)
        with pytest.raises(ValueError, match=gist):
            keras.applications.NASNetLarge(**kwargs)
        with pytest.raises(ValueError, match=gist):
            keras.applications.NASNetMobile(**kwargs)
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="does not support the `channels_first`"):
            keras.applications.NASNetMobile(weights=None)
    finally:
        keras.config.set_image_data_format("channels_last")


# ----- RemoteMonitor -----------------------------------------------------------------------------------------
@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 (a free port) in a thread, recording each POST as (path, headers, body)."""
    import http.server
    import threading
    posts = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            posts.append((self.path, dict(self.headers), body.decode()))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", posts
    finally:
        server.shutdown()
        server.server_close()


def _fit_with(K, callback):
    K.utils.set_random_seed(0)
    model = K.Sequential([K.Input((3,)), K.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x = np.arange(12, dtype="float32").reshape(4, 3) / 10
    model.fit(x, x[:, :1], epochs=2, batch_size=2, verbose=0, callbacks=[callback])


def _payloads(posts):
    import json
    import urllib.parse
    found = []
    for path, headers, body in posts:
        if headers.get("Content-Type") == "application/json":
            found.append((path, "json", json.loads(body)))
        else:
            (field, value), = urllib.parse.parse_qsl(body)
            found.append((path, field, json.loads(value)))
    return found


@pytest.mark.parametrize("send_as_json", [False, True])
def test_remote_monitor_posts_what_keras_posts(local_server, send_as_json):
    pytest.importorskip("requests")
    root, posts = local_server
    theirs = real_keras()
    _fit_with(theirs, theirs.callbacks.RemoteMonitor(root=root, path="/epochs/", field="stats",
                                                     headers={"X-Run": "k"}, send_as_json=send_as_json))
    want = _payloads(posts)
    keras_headers = [h.get("X-Run") for _, h, _ in posts]
    posts.clear()
    _fit_with(keras, keras.callbacks.RemoteMonitor(root=root, path="/epochs/", field="stats",
                                                   headers={"X-Run": "k"}, send_as_json=send_as_json))
    got = _payloads(posts)
    assert [h.get("X-Run") for _, h, _ in posts] == keras_headers == ["k", "k"]
    assert [(p, f, sorted(d), d["epoch"]) for p, f, d in got] == [(p, f, sorted(d), d["epoch"]) for p, f, d in want]
    assert all(isinstance(v, float) for _, _, d in got for k, v in d.items() if k != "epoch")


def test_remote_monitor_warns_when_unreachable_and_needs_requests(monkeypatch):
    import socket
    import sys
    pytest.importorskip("requests")
    with socket.socket() as s:   # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monitor = keras.callbacks.RemoteMonitor(root=f"http://127.0.0.1:{port}")
    with pytest.warns(UserWarning, match="Could not reach RemoteMonitor root server"):
        monitor.on_epoch_end(0, {"loss": np.float32(0.5)})
    monkeypatch.setitem(sys.modules, "requests", None)
    with pytest.raises(ImportError, match="requires the `requests` library"):
        monitor.on_epoch_end(0, {"loss": 0.5})


# ----- audio_dataset_from_directory ----------------------------------------------------------------------------
def _write_wav(path, samples, width=2, rate=8000):
    """`samples` (frames, channels) integers of `width` bytes (8-bit ones unsigned) as a PCM WAV file."""
    import wave
    frames = np.asarray(samples)
    if width == 3:
        raw = (frames.astype("<i4").reshape(-1, 1).view(np.uint8)[:, :3]).tobytes()
    else:
        raw = frames.astype({1: "u1", 2: "<i2", 4: "<i4"}[width]).tobytes()
    with wave.open(str(path), "wb") as f:
        f.setnchannels(frames.shape[1])
        f.setsampwidth(width)
        f.setframerate(rate)
        f.writeframes(raw)


@pytest.fixture
def audio_folder(tmp_path):
    """Three classes of stereo 16-bit clips of different lengths; returns (folder, {path: int16 samples})."""
    rng = np.random.RandomState(0)
    clips = {}
    for c, name in enumerate(["bird", "car", "dog"]):
        (tmp_path / name).mkdir()
        for k in range(3):
            samples = rng.randint(-32768, 32767, (50 + 17 * k + 5 * c, 2))
            path = tmp_path / name / f"clip{k}.wav"
            _write_wav(path, samples)
            clips[str(path)] = samples
    (tmp_path / "dog" / "notes.txt").write_text("not audio")
    return tmp_path, clips


def test_audio_dataset_pads_each_batch_to_its_longest_clip(audio_folder):
    folder, clips = audio_folder
    ds = keras.utils.audio_dataset_from_directory(folder, batch_size=4, seed=3, verbose=False)
    assert ds.class_names == ["bird", "car", "dog"] and len(ds) == 3
    paths = ds.file_paths
    assert sorted(paths) == sorted(clips)
    seen = 0
    for audio, labels in ds:
        assert audio.dtype == np.float32 and labels.dtype == np.int32 and audio.ndim == 3 and audio.shape[2] == 2
        batch = paths[seen:seen + len(audio)]
        assert audio.shape[1] == max(len(clips[p]) for p in batch)
        for row, label, p in zip(audio, labels, batch):
            n = len(clips[p])
            np.testing.assert_array_equal(row[:n], clips[p] / 32768.0)
            assert not row[n:].any() and ds.class_names[label] == os.path.basename(os.path.dirname(p))
        seen += len(audio)
    unshuffled = keras.utils.audio_dataset_from_directory(folder, shuffle=False, verbose=False)
    assert unshuffled.file_paths == sorted(clips)   # class folders, then files, in sorted order


def test_audio_dataset_fixed_length_label_modes_and_splits(audio_folder):
    folder, clips = audio_folder
    ds = keras.utils.audio_dataset_from_directory(folder, batch_size=None, output_sequence_length=60,
                                                  label_mode="categorical", shuffle=False, verbose=False)
    for (audio, label), p in zip(ds, ds.file_paths):
        want = np.zeros((60, 2), np.float32)
        n = min(60, len(clips[p]))
        want[:n] = clips[p][:n] / 32768.0
        np.testing.assert_array_equal(audio, want)
        assert label.shape == (3,) and label.dtype == np.float32
    train, val = keras.utils.audio_dataset_from_directory(folder, validation_split=0.34, subset="both", seed=1,
                                                          batch_size=2, labels=None, verbose=False)
    assert len(train.file_paths) == 6 and len(val.file_paths) == 3
    assert not set(train.file_paths) & set(val.file_paths)
    assert all(isinstance(batch, np.ndarray) for batch in val)
    model = keras.Sequential([keras.Input((None, 2)), layers.GlobalAveragePooling1D(), layers.Dense(3)])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(keras.utils.audio_dataset_from_directory(folder, batch_size=4, seed=2, verbose=False), epochs=1,
              verbose=0)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
def test_audio_decoding_of_each_pcm_width(tmp_path, width):
    from nn.keras.utils_audio import read_wav
    bits = 8 * width
    rng = np.random.RandomState(width)
    if width == 1:
        samples = rng.randint(0, 256, (40, 1))
        want = (samples - 128) / 128.0
    else:
        samples = rng.randint(-(1 << (bits - 1)), (1 << (bits - 1)) - 1, (40, 1), dtype=np.int64)
        want = samples / float(1 << (bits - 1))
    _write_wav(tmp_path / "a.wav", samples, width=width)
    np.testing.assert_allclose(read_wav(tmp_path / "a.wav"), want.astype(np.float32), rtol=1e-7)
    wavfile = pytest.importorskip("scipy.io.wavfile")
    if width in (2, 4):   # an independent reader of the same file
        rate, raw = wavfile.read(tmp_path / "a.wav")
        np.testing.assert_allclose(read_wav(tmp_path / "a.wav")[:, 0], raw / float(1 << (bits - 1)), rtol=1e-7)


def test_audio_dataset_argument_errors(audio_folder, tmp_path):
    folder, _ = audio_folder
    make = keras.utils.audio_dataset_from_directory
    with pytest.raises(ValueError, match="Cannot set both `ragged` and `output_sequence_length`"):
        make(folder, ragged=True, output_sequence_length=10)
    with pytest.raises(ValueError, match="`sampling_rate` should have an integer value"):
        make(folder, sampling_rate=8000.0)
    with pytest.raises(ValueError, match="`sampling_rate` should be higher than 0"):
        make(folder, sampling_rate=0)
    # Keras's own answer where tensorflow-io is missing: an ImportError
    with pytest.raises(ImportError, match="resample the files beforehand"):
        make(folder, sampling_rate=8000)
    with pytest.raises(ValueError, match="ragged=True needs ragged tensors"):
        make(folder, ragged=True)
    with pytest.raises(ValueError, match="`label_mode` argument must be one of"):
        make(folder, label_mode="sparse")
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        make(folder, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="`labels` argument should be a list/tuple"):
        make(folder, labels="nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="No audio files found"):
        make(tmp_path / "empty", verbose=False)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "x.wav").write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(ValueError, match="cannot decode .*x.wav as a PCM WAV"):
        list(make(tmp_path / "bad", labels=None, verbose=False))
