"""Regressions for what a seventh round of keras.io examples found when run with only their import changed, and for
two Keras leftovers (`parameters()` names and order, `ops.repeat` with a list), each compared with real Keras 3 on
its torch backend."""
import numpy as np
import pytest

from .oracle import fresh_sessions


def _parameter_listings(K):
    """named_parameters() of a functional model with Dropout and BatchNormalization (before and after freezing a
    layer, with a prefix), of a Sequential before and after build, of an unbuilt and a built Dense, and of a
    subclassed model with its own weight before and after its first call: (name, shape, requires_grad)."""
    def listing(model, **kwargs):
        return [(name, tuple(p.shape), bool(p.requires_grad)) for name, p in model.named_parameters(**kwargs)]

    inputs = K.Input((4,))
    x = K.layers.Dense(3, name="zz")(inputs)
    x = K.layers.Dropout(0.5)(x)
    x = K.layers.BatchNormalization()(x)
    functional = K.Model(inputs, K.layers.Dense(2, name="aa")(x))
    rows = [listing(functional), listing(functional, prefix="pre"), len(list(functional.parameters()))]
    functional.layers[1].trainable = False
    rows.append(listing(functional))
    sequential = K.Sequential([K.layers.Dense(2), K.layers.Dense(1)])
    rows.append(listing(sequential))
    sequential.build((None, 3))
    rows += [listing(sequential), listing(sequential.layers[0])]
    dense = K.layers.Dense(3)
    rows.append(listing(dense))
    dense.build((None, 2))
    rows.append(listing(dense))

    class Sub(K.Model):
        def __init__(self):
            super().__init__()
            self.a = K.layers.Dense(2)
            self.z = K.layers.Dense(3)
            self.w = self.add_weight(shape=(1,), name="own")

        def call(self, x):
            return self.a(self.z(x)) + self.w

    sub = Sub()
    rows.append(listing(sub))
    sub(np.ones((1, 4), "float32"))
    rows.append(listing(sub))
    return rows


def test_parameters_have_keras_torch_backend_names_and_order():
    """Keras's torch backend lists a layer's variables as `_torch_params.<path>`, sorted, moving statistics and
    seed states included (requires_grad False); deepgrad listed module attribute names in module order."""
    theirs, ours = fresh_sessions()
    assert _parameter_listings(ours) == _parameter_listings(theirs)


def _fit_after_listing(K):
    """A fit whose optimizer is built after parameters() was read: the losses (the optimizer keeps its order)."""
    inputs = K.Input((4,))
    x = K.layers.Dense(3, kernel_initializer="ones", name="zz")(inputs)
    model = K.Model(inputs, K.layers.Dense(2, kernel_initializer="ones", name="aa")(x))
    list(model.parameters())
    model.compile(K.optimizers.Adam(0.1), "mse")
    rng = np.random.default_rng(0)
    history = model.fit(rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 2)).astype("float32"),
                        epochs=3, batch_size=4, shuffle=False, verbose=0)
    return history.history["loss"], [v.path for v in model.optimizer.variables]


def test_training_is_unchanged_by_the_keras_parameter_order():
    theirs, ours = fresh_sessions()
    (loss_ours, names_ours), (loss_theirs, names_theirs) = _fit_after_listing(ours), _fit_after_listing(theirs)
    np.testing.assert_allclose(loss_ours, loss_theirs, rtol=1e-5)
    assert names_ours == names_theirs


@pytest.mark.parametrize("repeats, axis", [([2], None), ([2], 0), ((2,), 0), ([1, 2, 3], 0), ([1, 2, 3], None)])
def test_repeat_refuses_a_python_list_of_counts_as_keras(repeats, axis):
    """Keras's torch backend raises ValueError for a list or tuple `repeats` (deepgrad accepted `[n]`)."""
    theirs, ours = fresh_sessions()
    x = np.arange(3.0)
    with pytest.raises(ValueError):
        theirs.ops.repeat(x, repeats=repeats, axis=axis)
    with pytest.raises(ValueError, match="keras.ops.repeat: repeats="):
        ours.ops.repeat(x, repeats=repeats, axis=axis)


def test_repeat_of_an_array_of_counts_matches_keras():
    theirs, ours = fresh_sessions()
    x = np.arange(6.0).reshape(2, 3)
    for repeats, axis in ((np.array([2]), None), (np.array([1, 0, 2]), 1), (2, 0)):
        np.testing.assert_array_equal(np.asarray(ours.ops.repeat(x, repeats, axis=axis)),
                                      np.asarray(theirs.ops.repeat(x, repeats, axis=axis)))


def _draw_points(K, torch_like, data_module):
    """After keras.utils.set_random_seed, the global torch stream's next value following fit / evaluate / predict
    over a shuffling DataLoader (with a shuffling validation DataLoader), a PyDataset and a generator; and the
    order a DataLoader's items were read in."""
    seen = []

    class Items(data_module.Dataset):
        def __init__(self, tag):
            self.tag = tag

        def __len__(self):
            return 10

        def __getitem__(self, i):
            seen.append(f"{self.tag}{i}")
            return np.float32([i]), np.float32(i)

    class Batches(K.utils.PyDataset):
        def __init__(self, n, **kwargs):
            super().__init__(**kwargs)
            self.n = n

        def __len__(self):
            return self.n

        def __getitem__(self, i):
            return np.full((2, 1), i, "float32"), np.zeros((2,), "float32")

    def generator():
        for i in range(3):
            yield np.full((2, 1), i, "float32"), np.zeros((2,), "float32")

    def runs():
        model = K.Sequential([K.Input((1,)), K.layers.Dense(1)])
        model.compile("sgd", "mse")
        loader = data_module.DataLoader(Items("t"), batch_size=4, shuffle=True)
        validation = data_module.DataLoader(Items("v"), batch_size=4, shuffle=True)
        yield lambda: model.fit(loader, validation_data=validation, epochs=2, verbose=0)
        yield lambda: model.evaluate(validation, verbose=0)
        yield lambda: model.predict(loader, verbose=0)
        fresh = K.Sequential([K.Input((1,)), K.layers.Dense(1)])
        fresh.compile("sgd", "mse")
        yield lambda: fresh.fit(Batches(3), epochs=2, verbose=0)
        yield lambda: fresh.fit(Batches(3), validation_data=Batches(2), verbose=0)
        yield lambda: fresh.evaluate(Batches(3), verbose=0)
        yield lambda: fresh.predict(Batches(3, workers=2), verbose=0)
        yield lambda: fresh.fit(np.zeros((4, 1)), np.zeros(4), validation_data=Batches(2), verbose=0)
        yield lambda: fresh.fit(generator(), verbose=0)

    import warnings
    points = []
    for run in runs():
        K.utils.set_random_seed(1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run()
        points.append((round(float(torch_like.rand(1).item()), 6), " ".join(seen)))
        seen.clear()
    return points


def test_keras_draws_of_dataloaders_pydatasets_and_generators():
    """Keras's torch trainer makes a DataLoader iterator for the build batch, for each pass and after each full
    pass (each draws a worker seed from torch's global stream; a user's shuffling DataLoader also its sampler's
    seed), and reads PyDatasets and generators through DataLoaders too: keras-io's training_with_built_in_methods
    guide fit a torch DataLoader on another order (first loss 2.3405 where Keras prints 2.2693), and every
    shuffle after a PyDataset fit differed."""
    import torch
    import torch.utils.data as torch_data
    import autograd as ag
    import nn.data as our_data
    theirs, ours = fresh_sessions()
    assert _draw_points(ours, ag, our_data) == _draw_points(theirs, torch, torch_data)


def test_torch_utils_data_distributed_is_an_attribute():
    """keras-io's distributed_training_with_torch guide reaches `torch.utils.data.distributed.DistributedSampler`
    by attribute after `import torch`; deepgrad raised AttributeError (the submodule was never imported)."""
    torch = pytest.importorskip("torch")
    import nn  # noqa: F401  (installs nn.data as autograd.utils.data)
    import autograd as ag
    assert torch.utils.data.distributed.DistributedSampler.__name__ == "DistributedSampler"
    sampler = ag.utils.data.distributed.DistributedSampler(list(range(10)), num_replicas=2, rank=1, shuffle=False)
    reference = torch.utils.data.distributed.DistributedSampler(list(range(10)), num_replicas=2, rank=1, shuffle=False)
    assert list(sampler) == list(reference)


def _vocabulary_after_a_round_trip(K, folder, zipped):
    """keras-io's customizing_saving_and_serialization guide: a layer whose save_assets writes a file and whose
    load_assets reads it back (changed), saved and loaded as a .keras file (or a model folder)."""
    import os

    class Vocabulary(K.layers.Dense):
        def __init__(self, vocab=None, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.vocab = vocab

        def save_assets(self, inner_path):
            with open(os.path.join(inner_path, "vocabulary.txt"), "w") as f:
                f.write(self.vocab)

        def load_assets(self, inner_path):
            with open(os.path.join(inner_path, "vocabulary.txt")) as f:
                self.vocab = f.read().replace("<unk>", "little")

    model = K.Sequential([Vocabulary(vocab="Mary had a <unk> lamb.", units=5)])
    model(np.ones((2, 3), "float32"))
    path = os.path.join(folder, "assets_model.keras" if zipped else "assets_model")
    model.save(path, **({} if zipped else {"zipped": False}))
    restored = K.models.load_model(path, custom_objects={"Vocabulary": Vocabulary})
    return restored.layers[0].vocab


@pytest.mark.parametrize("zipped", [True, False])
def test_save_assets_and_load_assets_round_trip(tmp_path, zipped):
    """deepgrad never called save_assets / load_assets: the restored layer silently kept the vocabulary its
    constructor got ('Mary had a <unk> lamb.' where Keras gives 'Mary had a little lamb.')."""
    theirs, ours = fresh_sessions()
    (tmp_path / "k").mkdir()
    (tmp_path / "o").mkdir()
    expected = _vocabulary_after_a_round_trip(theirs, str(tmp_path / "k"), zipped)
    assert expected == "Mary had a little lamb."
    assert _vocabulary_after_a_round_trip(ours, str(tmp_path / "o"), zipped) == expected


def _dense_store(K):
    """The store Dense.save_own_variables fills for a Dense subclass holding one more variable (the guide's
    LayerWithCustomVariables), as {key: shape}."""
    class WithExtra(K.layers.Dense):
        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)
            self.extra = K.Variable(np.zeros((units,)), name="extra", dtype="float32")

    layer = WithExtra(2)
    layer.build((None, 3))
    store = {}
    layer.save_own_variables(store)
    embedding = K.layers.Embedding(4, 2)
    embedding.build((None, 1))
    embedding_store = {}
    embedding.save_own_variables(embedding_store)
    return ({key: tuple(np.shape(value)) for key, value in store.items()},
            {key: tuple(np.shape(value)) for key, value in embedding_store.items()})


def test_dense_stores_only_its_kernel_and_bias():
    """Keras's Dense (and EinsumDense, Embedding) save_own_variables stores its spec's weights only, so the
    guide's subclass that calls it and then loads `self.weights` by position fails under Keras (the extra variable
    comes first); deepgrad stored every weight and loaded the model."""
    theirs, ours = fresh_sessions()
    assert _dense_store(ours) == _dense_store(theirs)
