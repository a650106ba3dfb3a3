"""Regression tests for the bugs found by the twenty-sixth round of ported Keras programs
(tests/keras/test_keras_programs_round26.py), each compared with real Keras 3 (torch backend)."""
import random

import numpy as np

from .oracle import fresh_sessions


def _growing_dataset_run(K, shuffle):
    class Growing(K.utils.PyDataset):
        def __init__(self, x, y, name, log):
            super().__init__()
            self.x, self.y, self.name, self.log, self.batches = x, y, name, log, 2

        def __len__(self):
            return self.batches

        def __getitem__(self, index):
            self.log.append((self.name, index))
            return self.x[index * 4:(index + 1) * 4], self.y[index * 4:(index + 1) * 4]

        def on_epoch_end(self):
            self.batches = min(self.batches + 1, 5)

    x = np.linspace(-1, 1, 60, dtype="float32").reshape(20, 3)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    model = K.Sequential([K.Input((3,)), K.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.1, "float32"), np.zeros(1, "float32")])
    model.compile(optimizer=K.optimizers.SGD(0.1), loss="mse")
    log = []
    random.seed(7)
    history = model.fit(Growing(x, y, "train", log), validation_data=Growing(x, y, "val", log), epochs=3,
                        shuffle=shuffle, verbose=0)
    evaluated = model.evaluate(Growing(x, y, "eval", log), verbose=0)
    predicted = model.predict(Growing(x, y, "predict", log), verbose=0)
    return (log, [round(v, 6) for v in history.history["loss"]], [round(v, 6) for v in history.history["val_loss"]],
            round(evaluated, 6), predicted.shape)


def test_pydataset_keeps_the_batch_count_read_when_reading_starts():
    """Keras's epoch iterator reads a PyDataset's length when fit/evaluate start (and at each reset of validation
    data) and keeps it for every pass, even when `on_epoch_end` changes `__len__`; nn.keras read it before every
    pass, so a dataset growing by one batch per epoch trained on 3, 4, 5 batches where Keras trains on 2, 2, 2
    (keras_r26_utils_sequences_data printed losses 7.65, 5.41, ... for Keras's 8.22, 7.59, ...)."""
    K, ours = fresh_sessions()
    for shuffle in (False, True):
        assert _growing_dataset_run(ours, shuffle) == _growing_dataset_run(K, shuffle)


def test_bfloat16_cast_works_in_a_fresh_process():
    """`keras.ops.cast(x, "bfloat16")` (and `saturate_cast`) raised "Invalid dtype: 'bfloat16'" unless something
    had already imported ml_dtypes (NumPy knows the name only then); Keras takes it in any process."""
    import subprocess
    import sys
    code = ("import numpy as np\nfrom nn import keras\n"
            "x = keras.ops.cast(np.array([1.5, -2.25, 3e38], 'float32'), 'bfloat16')\n"
            "y = keras.ops.saturate_cast(np.array([1e39, 2.5]), 'bfloat16')\n"
            "print(keras.backend.standardize_dtype(x.dtype), keras.ops.convert_to_numpy(x).astype('float64').tolist(),"
            " keras.ops.convert_to_numpy(y).astype('float64').tolist())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    K, _ = fresh_sessions()
    x = K.ops.cast(np.array([1.5, -2.25, 3e38], "float32"), "bfloat16")
    y = K.ops.saturate_cast(np.array([1e39, 2.5]), "bfloat16")
    expected = (f"bfloat16 {K.ops.convert_to_numpy(x).astype('float64').tolist()} "
                f"{K.ops.convert_to_numpy(y).astype('float64').tolist()}")
    assert done.stdout.strip() == expected


def _saturated(K):
    ops = K.ops
    found = []
    sources = [np.array([1e39, -1e39, 1.5, np.inf, -np.inf, 7e4, -2.5]),
               np.array([3e38, -1e38, 1.5, np.inf, -np.inf, 7e4, -2.5], "float32"),
               ops.cast(np.array([3e38, -1e38, 1.5, np.inf, -np.inf, 7e4, -2.5], "float32"), "bfloat16"),
               np.array([6e4, -6e4, 1.5, np.inf, -np.inf, 7e3, -2.5], "float16")]
    for x in sources:
        for target in ("bfloat16", "float16", "float32", "uint8", "int8"):
            value = ops.saturate_cast(x, target)
            found.append((K.backend.standardize_dtype(value.dtype),
                          ops.convert_to_numpy(ops.cast(value, "float64")).tolist()))
    return found


def test_saturate_cast_clips_infinities_and_takes_bfloat16():
    """Keras's saturate_cast clips to the smaller of the two dtypes' ranges (nudged towards zero in the input's
    dtype) before casting, always: infinities become the largest finite value, and a bfloat16 input saturates to
    65280 in float16. nn.keras kept infinities, failed on a bfloat16 input or target (np.finfo / numpy() of
    bfloat16), and gave inf for bfloat16 -> float16."""
    K, ours = fresh_sessions()
    assert _saturated(ours) == _saturated(K)


def _image_dtypes(K):
    ops = K.ops
    images = np.random.default_rng(26).integers(0, 256, size=(2, 6, 7, 3))
    found = []
    for dtype in ("uint8", "int32", "int64"):
        x = images.astype(dtype)
        patches = ops.image.extract_patches(x, 2)
        found.append(("patches", K.backend.standardize_dtype(patches.dtype), ops.convert_to_numpy(patches).tolist()))
        edges = ops.image.sobel_edges(x)
        found.append(("sobel", K.backend.standardize_dtype(edges.dtype), ops.convert_to_numpy(edges).tolist()))
        try:
            ops.image.gaussian_blur(x, data_format="channels_last")
        except RuntimeError:
            found.append(("blur", dtype, "RuntimeError"))
    blurred = ops.cast(ops.image.gaussian_blur(ops.cast(images[:1, :4, :4], "bfloat16")), "float32")
    found.append(("bf16 to numpy", str(ops.convert_to_numpy(ops.cast(images[:1], "bfloat16")).dtype),
                  tuple(blurred.shape)))
    return found


def test_integer_images_in_patches_sobel_and_blur():
    """On integer images Keras's `extract_patches` keeps the dtype (nn.keras returned float32), `sobel_edges` of
    uint8 wraps around as Keras's uint8 kernel does (nn.keras raised OverflowError), and `gaussian_blur` refuses
    them with a RuntimeError (nn.keras returned all zeros: its kernel was cast to the integer dtype). Also
    `convert_to_numpy` of a bfloat16 tensor gives an ml_dtypes bfloat16 array as Keras's (it raised)."""
    K, ours = fresh_sessions()
    assert _image_dtypes(ours) == _image_dtypes(K)


_BFLOAT16_CALLS = [
    "ops.convert_to_tensor(np.array([1.3, -2.7]), dtype='bfloat16')", "ops.array([1.3, 2.0], 'bfloat16')",
    "ops.convert_to_tensor(2.3, dtype='bfloat16')", "ops.full((2,), 3.3, dtype='bfloat16')",
    "ops.full_like(np.ones(2), 3.3, dtype='bfloat16')", "ops.eye(2, dtype='bfloat16')",
    "ops.identity(2, dtype='bfloat16')", "ops.tri(2, dtype='bfloat16')",
    "ops.one_hot(np.array([0, 1]), 2, dtype='bfloat16')", "keras.random.normal((3,), dtype='bfloat16', seed=1)",
    "keras.random.uniform((3,), dtype='bfloat16', seed=1)",
    "keras.random.truncated_normal((3,), dtype='bfloat16', seed=1)"]


def _bfloat16_lines(keras):
    ops = keras.ops
    lines = []
    for call in _BFLOAT16_CALLS:
        value = eval(call, {"keras": keras, "ops": ops, "np": np})
        lines.append(f"{keras.backend.standardize_dtype(value.dtype)} "
                     f"{ops.convert_to_numpy(ops.cast(value, 'float32')).tolist()}")
    return lines


def test_bfloat16_dtype_arguments_in_a_fresh_process():
    """`dtype='bfloat16'` in convert_to_tensor/array, full/full_like, eye/identity/tri, one_hot and the random draws
    raised NumPy's "data type 'bfloat16' not understood" in a process where nothing had imported ml_dtypes yet
    (and truncated_normal raised in any process: it read its bfloat16 draws through Tensor.numpy())."""
    import subprocess
    import sys
    code = ("import numpy as np\nfrom nn import keras\nfrom tests.keras.test_round26_fixes import _bfloat16_lines\n"
            "print('\\n'.join(_bfloat16_lines(keras)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert done.returncode == 0, done.stderr[-2000:]
    K, _ = fresh_sessions()
    assert done.stdout.splitlines() == _bfloat16_lines(K)


def _bfloat16_warps(K):
    ops = K.ops
    rng = np.random.default_rng(3)
    images = ops.cast(rng.uniform(0, 255, size=(2, 6, 7, 3)).astype("float32"), "bfloat16")
    start = np.array([[0, 0], [6, 0], [0, 5], [6, 5]], "float32")
    end = np.array([[1, 0], [5, 1], [0, 4], [6, 5]], "float32")
    found = []
    for interpolation in ("bilinear", "nearest"):
        out = ops.image.perspective_transform(images, start, end, interpolation=interpolation)
        found.append((K.backend.standardize_dtype(out.dtype), ops.convert_to_numpy(ops.cast(out, "float32"))))
    grid = np.stack(np.meshgrid(np.linspace(-0.5, 5.5, 4), np.linspace(0, 6.2, 3)))
    coordinates = ops.cast(grid.astype("float32"), "bfloat16")
    out = ops.image.map_coordinates(images[0, :, :, 0], coordinates, order=1)
    found.append((K.backend.standardize_dtype(out.dtype), ops.convert_to_numpy(ops.cast(out, "float32"))))
    return found


def test_bfloat16_images_warp():
    """`perspective_transform` and `map_coordinates` of bfloat16 images or coordinates raised TypeError (their
    sampling read the coordinates through Tensor.numpy(), which refuses bfloat16); Keras warps them, and now
    deepgrad gives Keras's values exactly."""
    K, ours = fresh_sessions()
    theirs, mine = _bfloat16_warps(K), _bfloat16_warps(ours)
    assert len(mine) == len(theirs) == 3
    for (dtype_t, t), (dtype_m, m) in zip(theirs, mine):
        assert dtype_m == dtype_t == "bfloat16"
        np.testing.assert_array_equal(m, t)
