"""Regression tests for the bugs found by the thirteenth round of ported Keras programs
(tests/keras/test_keras_programs_round13.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _started_high_metric(K):
    class Peak(K.metrics.Metric):
        def __init__(self, name="peak", **kwargs):
            super().__init__(name=name, **kwargs)
            self.low = self.add_variable(shape=(), initializer=K.initializers.Constant(5.0), name="low")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.low.assign(K.ops.minimum(self.low, K.ops.min(y_pred)))

        def result(self):
            return self.low

    return Peak()


def _first_epoch_results(K):
    x = np.linspace(0.1, 0.8, 8, dtype="float32").reshape(8, 1)
    y = np.zeros((8, 1), "float32")
    results = []
    for run in ("fit", "evaluate", "train_on_batch", "test_on_batch"):
        model = K.Sequential([K.Input((1,)), K.layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer="sgd", loss="mse", metrics=[_started_high_metric(K)])
        if run == "fit":
            results.append(model.fit(x, y, epochs=1, verbose=0).history["peak"])
        elif run == "evaluate":
            results.append(model.evaluate(x, y, verbose=0))
        else:
            results.append(getattr(model, run)(x, y))
    return [np.round(np.asarray(r, "float64"), 4).tolist() for r in results]


def test_compiled_metric_objects_start_from_reset_state_as_keras():
    """A Metric given to compile kept its add_variable initializers for the first epoch (a running minimum
    started at 5.0 of positive predictions
    reported 0.1 where Keras, which resets the built metrics before the loop, reports 0.0)."""
    K, ours = fresh_sessions()
    assert _first_epoch_results(ours) == _first_epoch_results(K)


def _augmentation_configs(K):
    L = K.layers
    made = [L.RandomRotation(0.1), L.RandomRotation(1), L.RandomRotation([0.3, -0.2]), L.RandomContrast(0.3),
            L.RandomContrast((0.1, 0.2)), L.RandomFlip(data_format="channels_first"), L.RandomZoom(0.2),
            L.RandomTranslation(0.1, 0.2)]
    return [{k: v for k, v in layer.get_config().items() if k != "dtype"} for layer in made]


def test_rotation_and_contrast_configs_list_their_factor_pairs_and_data_format_as_keras():
    """RandomRotation(0.1).get_config()['factor'] printed 0.1 where Keras prints (-0.1, 0.1), RandomContrast's
    0.3 where Keras prints (0, 0.3), and the five core augmentation layers' configs had no data_format."""
    K, ours = fresh_sessions()
    assert _augmentation_configs(ours) == _augmentation_configs(K)


def _contrast_ratios(K):
    x = (np.arange(64 * 4 * 4).reshape(64, 4, 4, 1) % 17 * 8).astype("float32")
    out = K.ops.convert_to_numpy(K.layers.RandomContrast(0.5, seed=1)(x, training=True))
    centred = lambda a: a - a.mean(axis=(1, 2), keepdims=True)  # noqa: E731
    return centred(out).std(axis=(1, 2)).ravel() / centred(x).std(axis=(1, 2)).ravel()


def test_random_contrast_of_one_number_only_raises_contrast_as_keras():
    """Keras 3's RandomContrast(x) draws its contrast factor from [1, 1 + x] (its code sets lower = 0); ours drew
    from [1 - x, 1 + x], lowering the contrast of about half the images."""
    K, ours = fresh_sessions()
    for ratios in (_contrast_ratios(K), _contrast_ratios(ours)):
        assert ratios.min() >= 1.0 - 1e-4 and ratios.max() <= 1.5 + 1e-4


def _sequential_built_by_a_call(K):
    model = K.Sequential([K.layers.Dense(2, name="d")])
    model(np.ones((3, 4), "float32"))
    later = tuple(model(np.ones((5, 4), "float32")).shape)
    return (model.input_shape, model.output_shape, tuple(model.get_config()["build_input_shape"]), later,
            K.layers.InputLayer((3,)).name, tuple(model.get_layer("d").output.shape))


def test_sequential_built_by_an_eager_call_keeps_the_batch_size_and_an_input_layer_as_keras():
    """A Sequential without Input, built by its first call on an array of 3 rows: Keras builds it for (3, 4)
    behind an InputLayer (the next Input is 'input_layer_1'), output_shape (3, 2), its layers have outputs;
    ours reported (None, 2), named the next Input 'input_layer' and its layers had no output."""
    K, ours = fresh_sessions()
    assert _sequential_built_by_a_call(ours) == _sequential_built_by_a_call(K)


def _nested_summary(K, capsys):
    augment = K.Sequential([K.layers.RandomFlip(seed=1), K.layers.Rescaling(0.5)], name="augment")
    augment(np.ones((2, 6, 6, 3), "float32"))
    inputs = K.Input((6, 6, 3))
    model = K.Model(inputs, K.layers.Flatten()(augment(inputs)))
    capsys.readouterr()
    model.summary(expand_nested=True, line_length=90)
    return capsys.readouterr().out


def test_summary_of_a_nested_sequential_shows_its_own_graph_shapes_as_keras(capsys, monkeypatch):
    """The rows of a nested Sequential's layers show the shapes of the Sequential's own graph (the batch size
    of the call that built it); ours showed those of the outer model's call, (None, 6, 6, 3)."""
    monkeypatch.setenv("COLUMNS", "120")
    K, ours = fresh_sessions()
    assert _nested_summary(ours, capsys) == _nested_summary(K, capsys)


def _input_shapes_in_configs(K):
    sequential = K.Sequential([K.Input((3,)), K.layers.Dense(2)]).get_config()
    inputs = K.Input((4,))
    functional = K.Model(inputs, K.layers.Dense(1)(inputs)).get_config()
    return (sequential["build_input_shape"], sequential["layers"][0]["config"]["batch_shape"],
            functional["layers"][0]["config"]["batch_shape"],
            K.layers.InputLayer(shape=(5,)).get_config()["batch_shape"])


def test_configs_give_input_shapes_as_tuples_as_keras():
    """get_config's build_input_shape and InputLayer batch_shape printed [None, 3] where Keras prints (None, 3)
    (a saved file holds lists either way)."""
    K, ours = fresh_sessions()
    assert _input_shapes_in_configs(ours) == _input_shapes_in_configs(K)


def _regularizers_on_arrays(K):
    matrix = np.array([[0.5, -1.0, 0.2], [1.5, 0.3, -0.4], [-0.2, 0.8, 1.1]], "float32")
    made = [K.regularizers.L1(0.1), K.regularizers.L2(0.05), K.regularizers.L1L2(0.01, 0.02),
            K.regularizers.OrthogonalRegularizer(0.1, mode="rows")]
    return ([round(float(K.ops.convert_to_numpy(reg(matrix))), 5) for reg in made],
            [reg.get_config() for reg in made])


def test_regularizers_take_numpy_arrays_and_configs_read_as_keras():
    """L1L2 / L1 / L2 / OrthogonalRegularizer called on a NumPy array raised AttributeError ('numpy.ndarray'
    object has no attribute 'abs'); Keras converts the array. L1's and OrthogonalRegularizer's configs gave 0.1
    where Keras, which keeps the factor as a float32 tensor, gives 0.10000000149011612."""
    K, ours = fresh_sessions()
    assert _regularizers_on_arrays(ours) == _regularizers_on_arrays(K)
