"""Regression tests for the bugs found by the twenty-second round of ported Keras programs
(tests/keras/test_keras_programs_round22.py), each compared with real Keras 3 (torch backend)."""
import numpy as np

from .oracle import fresh_sessions


def _numpy(K, t):
    return np.asarray(K.ops.convert_to_numpy(t))


def test_lambda_from_config_gives_output_shape_back_as_a_tuple():
    """A Lambda's output_shape read back from a config (a list after JSON or a .keras file) is a tuple again, as
    Keras's Lambda.from_config makes it (nn.keras kept the list, so a reloaded model printed [3, 4] where Keras
    prints (3, 4))."""
    K, ours = fresh_sessions()
    seen = {}
    for lib in (K, ours):
        layer = lib.layers.Lambda(_times_two, output_shape=(3, 4), name="double")
        config = layer.get_config()
        config["output_shape"] = [3, 4]
        with lib.saving.custom_object_scope({"_times_two": _times_two}):
            again = lib.layers.Lambda.from_config(config)
        model = lib.Sequential([lib.Input((3, 4)), again])
        seen[lib] = (again.get_config()["output_shape"], model.output_shape)
    assert seen[ours] == seen[K] == ((3, 4), (None, 3, 4))


def _times_two(t):
    return t * 2.0


def _mask_after_attention(K, attention):
    tokens = np.array([[1, 4, 3, 0, 0, 0], [2, 2, 0, 0, 0, 0]])
    K.utils.set_random_seed(42)
    inputs = K.Input((6,), dtype="int32")
    embedded = K.layers.Embedding(9, 4, mask_zero=True)(inputs)
    attended = attention(K)(embedded, embedded)
    added = K.layers.Add()([embedded, attended])
    pooled = K.layers.Attention()([added, embedded])
    model = K.Model(inputs, pooled)
    return _numpy(K, model(tokens))


def test_group_query_attention_leaves_the_masks_on_its_inputs():
    """Keras's GroupedQueryAttention reads its inputs' masks without taking them off (MultiHeadAttention takes
    them off): a later layer given the same embedded tensor still sees its padding mask. nn.keras's GQA took the
    masks off as MHA does, so an Attention over [Add([e, gqa(e)]), e] attended to the padding (and did not zero
    the padded rows)."""
    K, ours = fresh_sessions()
    for make in (lambda lib: lib.layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1),
                 lambda lib: lib.layers.MultiHeadAttention(num_heads=2, key_dim=2)):
        theirs, mine = _mask_after_attention(K, make), _mask_after_attention(ours, make)
        np.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-6)
    gqa = _mask_after_attention(ours, lambda lib: lib.layers.GroupQueryAttention(2, 2, 1))
    assert np.all(gqa[0, 3:] == 0) and np.all(gqa[1, 2:] == 0)


def _logged_reads(K):
    log = []

    class Reads(K.utils.PyDataset):
        def __init__(self, tag, n, **kwargs):
            super().__init__(**kwargs)
            self.tag, self.n = tag, n

        def __len__(self):
            return self.n

        def __getitem__(self, index):
            log.append(f"{self.tag}{index}")
            return np.full((2, 1), index, "float32"), np.zeros((2, 1), "float32")

        def on_epoch_begin(self):
            log.append(f"{self.tag}<")

        def on_epoch_end(self):
            log.append(f"{self.tag}>")

    model = K.Sequential([K.Input((1,)), K.layers.Dense(1)])
    model.compile("sgd", "mse")
    K.utils.set_random_seed(21)
    model.evaluate(Reads("e", 3), verbose=0)
    model.fit(Reads("t", 5), validation_data=Reads("v", 2), epochs=2, verbose=0)
    model.fit(Reads("s", 4), epochs=1, verbose=0)
    other = K.Sequential([K.Input((1,)), K.layers.Dense(1)])
    other.compile("sgd", "mse")
    other.fit(Reads("n", 3), shuffle=False, epochs=2, steps_per_epoch=2, verbose=0)
    return log


def test_fit_and_evaluate_read_a_pydataset_in_kerass_order():
    """The first fit or evaluate after compile reads one batch to build the compiled loss and metrics before
    resetting the data, as Keras's symbolic build does: on_epoch_begin, a pass's order drawn with Python's
    random (so fit's shuffles after set_random_seed are Keras's), the first batch fetched, on_epoch_end. Each
    epoch calls on_epoch_begin before its order is drawn, and an epoch that goes on with a pass left unfinished
    by steps_per_epoch calls it too. nn.keras drew no order for that first batch, so every shuffled epoch of
    fit(PyDataset) read its batches in another order than Keras."""
    K, ours = fresh_sessions()
    theirs = _logged_reads(K)
    assert _logged_reads(ours) == theirs
    assert theirs[:4] == ["e<", "e0", "e>", "e<"]


def test_per_threshold_metric_results_are_logged_as_float32_arrays():
    """Precision(thresholds=[...]) and F1Score(average=None) log float32 arrays in History, evaluate and
    test_on_batch, as Keras's (nn.keras gave float64 arrays)."""
    K, ours = fresh_sessions()
    x = np.random.default_rng(0).normal(size=(20, 3)).astype("float32")
    found = {}
    for lib in (K, ours):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(3, activation="sigmoid")])
        model.set_weights([np.full((3, 3), 0.2, "float32"), np.array([0.1, -0.1, 0.0], "float32")])
        model.compile("sgd", "binary_crossentropy",
                      metrics=[lib.metrics.Precision(thresholds=[0.3, 0.6], name="p"),
                               lib.metrics.F1Score(average=None, name="f1")])
        history = model.fit(x, (x > 0).astype("float32"), epochs=1, verbose=0)
        logs = model.evaluate(x, (x > 0).astype("float32"), verbose=0, return_dict=True)
        found[lib] = [(type(v).__name__, str(v.dtype), np.round(v, 4).tolist())
                      for v in (history.history["p"][0], history.history["f1"][0], logs["p"], logs["f1"])]
    assert found[ours] == found[K]
    assert found[ours][0][:2] == ("ndarray", "float32")


def test_compile_metrics_entry_lists_its_metrics_and_says_when_built():
    """model.metrics[1] (Keras's CompileMetrics) has `metrics`, the compiled metrics unweighted then weighted,
    and `built`, False until the first batch; nn.keras's had neither (AttributeError)."""
    K, ours = fresh_sessions()
    found = {}
    for lib in (K, ours):
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
        model.compile("sgd", "mse", metrics=["mae", lib.metrics.RootMeanSquaredError()], weighted_metrics=["mse"])
        entry = model.metrics[1]
        before = (entry.built, list(entry.metrics))
        model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
        found[lib] = (before, entry.built, [(type(m).__name__, m.name) for m in entry.metrics],
                      [v.path for v in entry.metrics[0].variables])
    assert found[ours] == found[K]
    assert found[ours][1] is True and len(found[ours][2]) == 3


def _subclassed(K):
    class Net(K.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = K.layers.Dense(5, activation="relu")
            self.head = K.layers.Dense(2)

        def call(self, x, training=False):
            return self.head(self.hidden(x))
    return Net


def test_a_subclassed_models_compute_output_shape_is_kerass_not_implemented_error():
    """A keras.Model subclass without its own compute_output_shape raises Keras's NotImplementedError (Layer's),
    and so builds nothing; nn.keras ran the model on zeros, building its layers as a side effect (after
    `model.trainable = False` it then listed 4 non-trainable weights where Keras lists none). Functional and
    Sequential models, and the subclass used inside them, keep their shapes."""
    K, ours = fresh_sessions()
    found = {}
    for lib in (K, ours):
        net = _subclassed(lib)(name="net")
        net.build((None, 4))
        try:
            net.compute_output_shape((None, 4))
            raised = None
        except NotImplementedError as error:
            raised = str(error)
        net.trainable = False
        inputs = lib.Input((4,))
        functional = lib.Model(inputs, lib.layers.Dense(1)(_subclassed(lib)(name="inner")(inputs)))
        found[lib] = (raised, len(net.weights), len(net.non_trainable_weights), functional.output_shape)
    assert found[ours] == found[K]
    assert found[ours][0].startswith("Layer Net does not have a `compute_output_shape` method implemented")


def _saved_folder(K, folder):
    model = K.Sequential([K.Input((4,)), K.layers.Dense(3, name="a"), K.layers.Dense(1, name="b")], name="s")
    model.set_weights([np.full(w.shape, 0.1 * (i + 1), "float32") for i, w in enumerate(model.weights)])
    model.compile("adam", "mse")
    model.fit(np.ones((4, 4), "float32"), np.ones((4, 1), "float32"), verbose=0)
    model.save(str(folder), zipped=False)
    return model


def test_save_with_zipped_false_writes_a_folder_that_both_libraries_load(tmp_path):
    """model.save(path, zipped=False) writes the archive's files into a folder, and load_model reads such a
    folder (weights, compile settings and optimizer state), as Keras 3 does; a '.keras' name is refused with
    Keras's ValueError. nn.keras refused zipped=False. Folders written by either library load in the other."""
    K, ours = fresh_sessions()
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    folder = {K: tmp_path / "by_keras", ours: tmp_path / "by_ours"}
    for lib in (K, ours):
        model = _saved_folder(lib, folder[lib])
        assert {"config.json", "metadata.json"} <= set(p.name for p in folder[lib].iterdir())
        try:
            model.save(str(tmp_path / "named.keras"), zipped=False)
            refused = None
        except ValueError as error:
            refused = str(error)
        assert refused is not None and refused.startswith("When using `zipped=False`")
    expected = _numpy(K, K.models.load_model(str(folder[K])).predict(x, verbose=0))
    for lib in (K, ours):
        for writer in (K, ours):
            loaded = lib.models.load_model(str(folder[writer]))
            np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-6)
            assert int(loaded.optimizer.iterations) == 1


_SPEC_CASES = [  # (layer factory, input shape it is built on, a shape it must refuse afterwards)
    (lambda L: L.Dense(2, name="d"), (1, 4), (4,)),
    (lambda L: L.Dense(2, name="d3"), (1, 2, 4), (1, 2, 3)),
    (lambda L: L.Conv1D(2, 1, name="c1"), (1, 3, 2), (1, 3, 4)),
    (lambda L: L.Conv2D(2, 1, data_format="channels_first", name="c2"), (1, 2, 3, 3), (1, 3, 3, 3)),
    (lambda L: L.Conv2DTranspose(2, 1, name="t2"), (1, 3, 3, 2), (1, 3, 3)),
    (lambda L: L.DepthwiseConv2D(1, name="dw"), (1, 3, 3, 2), (1, 3, 3, 1)),
    (lambda L: L.SeparableConv1D(2, 1, name="s1"), (1, 3, 2), (1, 3, 5)),
    (lambda L: L.BatchNormalization(axis=1, name="bn"), (2, 3, 4), (2, 4, 4)),
    (lambda L: L.GroupNormalization(2, name="gn"), (2, 4), (2, 6)),
]


def test_built_layers_have_kerass_input_spec_and_refuse_other_inputs_with_its_message():
    """Dense, the convolutions, BatchNormalization and GroupNormalization set Keras's input_spec when built, so a later call on
    another rank or channel count is refused with Keras's ValueError ("Input 0 ... is incompatible with the
    layer: ..."); nn.keras kept input_spec None, accepted a Dense call on a 1-D input (Keras refuses:
    min_ndim=2), and reported other mismatches from inside the op (a Conv1D's as 'conv2d', BatchNormalization's
    as 'batch_norm', GroupNormalization's as 'group_norm')."""
    K, ours = fresh_sessions()
    for make, good, bad in _SPEC_CASES:
        found = {}
        for lib in (K, ours):
            layer = make(lib.layers)
            layer(np.ones(good, "float32"))
            try:
                layer(np.ones(bad, "float32"))
                refused = None
            except ValueError as error:
                refused = str(error).splitlines()[0]
            found[lib] = (repr(layer.input_spec), refused)
        assert found[ours][0] == found[K][0]
        assert found[K][1] is not None and found[ours][1].startswith(found[K][1])   # ours adds the fix after it
        assert found[ours][1] is not None and "is incompatible with the layer" in found[ours][1]
