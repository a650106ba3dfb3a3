"""Regressions for what a sixth round of keras.io examples (guides/functional_api, keras_recipes/trainer_pattern,
vision/metric_learning, ...) found when run with only their import changed, each compared with real Keras 3 on its
torch backend (or PyTorch for a tensor's own behaviour)."""
import warnings

import numpy as np
import pytest

from .oracle import fresh_sessions


def _summary_rows(model):
    """The summary's table rows naming a layer (the '│ name (Type) │ shape │ params │' lines)."""
    lines = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return [row for row in "\n".join(lines).split("\n") if row.startswith("│") and "(" in row]


def _wrapped_summaries(K):
    """Summaries of a subclassed trainer wrapping a Sequential built from an Input, one built by its first call and
    a functional model, after an eager call and after fit (keras-io's trainer_pattern wraps such models)."""
    class Trainer(K.Model):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def call(self, x):
            return self.model(x)

    def inner(kind):
        if kind == "sequential from Input":
            return K.Sequential([K.Input((3,)), K.layers.Dense(4), K.layers.Dense(2)])
        if kind == "sequential":
            return K.Sequential([K.layers.Dense(4), K.layers.Dense(2)])
        inputs = K.Input((3,))
        return K.Model(inputs, K.layers.Dense(2)(K.layers.Dense(4)(inputs)))

    x, y = np.ones((5, 3), "float32"), np.zeros((5, 2), "float32")
    rows = []
    for kind in ("sequential from Input", "sequential", "functional"):
        for fitted in (False, True):
            model = Trainer(inner(kind))
            if fitted:
                model.compile("sgd", "mse")
                model.fit(x, y, verbose=0)
            else:
                model(x)
            rows.append(_summary_rows(model))
    return rows


def test_summary_of_a_sequential_inside_a_subclassed_model():
    """A Sequential built from keras.Input is a functional model in Keras: a subclassed model holding it (keras-io's
    trainer_pattern) prints its graph's output shape, `(None, 10)`; deepgrad printed `?`."""
    theirs, ours = fresh_sessions()
    assert _wrapped_summaries(ours) == _wrapped_summaries(theirs)


def test_float_of_a_tensor_requiring_grad_warns_once_as_pytorch():
    """float() of a tensor that requires grad warns as PyTorch does (once per process, TORCH_WARN_ONCE; int() and
    item() do not): keras-io's functional_api guide prints it after `float(ops.sum(features))`."""
    import importlib
    import autograd as ag
    importlib.import_module("autograd.warn_once")._given.discard("float() of a tensor requiring grad")
    t = ag.ones(1, requires_grad=True) * 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        int(t)
        t.item()
        float(ag.ones(1))
        assert float(t) == 2.0
        float(t)
    messages = [str(w.message) for w in caught]
    assert messages == ["Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
                        "Consider using tensor.detach() first."]
    assert caught[0].filename == __file__   # attributed to the caller's line, as PyTorch's


def _mismatched_pydataset_fit(K):
    """keras-io's metric_learning: a functional model whose custom train_step reads a PyDataset's single array of
    (anchor, positive) pairs, of shape (2, 10, 32, 32, 3) for an Input of (32, 32, 3)."""
    calls = []

    class Pairs(K.utils.PyDataset):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.zeros((2, 4, 6, 6, 3), "float32")

    class Embedding(K.Model):
        def train_step(self, data):
            calls.append(type(data).__name__)
            return {}

    inputs = K.Input((6, 6, 3))
    model = Embedding(inputs, K.layers.Dense(2)(K.layers.GlobalAveragePooling2D()(inputs)))
    model.compile(optimizer="adam", loss=K.losses.SparseCategoricalCrossentropy(from_logits=True))
    with pytest.raises(ValueError) as raised:
        model.fit(Pairs(), epochs=1, verbose=0)
    return calls, "(2, 4, 6, 6, 3)" in str(raised.value)


def test_graph_model_checks_the_build_batch_before_the_first_epoch():
    """Keras's symbolic build calls a functional model on the first batch before the first epoch, so a batch that
    does not fit its Input raises ValueError there; deepgrad printed "Epoch 1/3" and handed the batch to the custom
    train_step, which failed with an IndexError."""
    theirs, ours = fresh_sessions()
    assert _mismatched_pydataset_fit(ours) == _mismatched_pydataset_fit(theirs) == ([], True)


def _reads_after_compute_loss(K, build_first, metrics):
    """The PyDataset indices fit reads (random.choice draws in keras-io's metric_learning data) when the compiled
    loss was built by a compute_loss call of the user's before fit, or not."""
    import random
    reads = []

    class Data(K.utils.PyDataset):
        def __len__(self):
            return 3

        def __getitem__(self, index):
            reads.append(index)
            return np.full((4, 3), random.random(), "float32"), np.zeros((4,), "int64")

    K.utils.set_random_seed(0)
    inputs = K.Input((3,))
    model = K.Model(inputs, K.layers.Dense(2)(inputs))
    model.compile(optimizer="sgd", loss=K.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"] if metrics else None)
    if build_first:
        model.compute_loss(y=np.zeros(4, "int64"), y_pred=model(np.ones((4, 3), "float32")))
    history = model.fit(Data(), epochs=2, verbose=0)
    return reads, np.round(history.history["loss"], 6).tolist()


@pytest.mark.parametrize("build_first", [False, True])
@pytest.mark.parametrize("metrics", [False, True])
def test_compute_loss_before_fit_builds_the_compiled_loss(build_first, metrics):
    """A compute_loss call before fit builds Keras's compiled loss: without compiled metrics left unbuilt, fit then
    reads no batch to build (deepgrad read one: every later random.choice of the data differed, metric_learning's
    first epoch loss 2.0935 where Keras prints 1.5676)."""
    theirs, ours = fresh_sessions()
    assert _reads_after_compute_loss(ours, build_first, metrics) == _reads_after_compute_loss(theirs, build_first,
                                                                                             metrics)


def _optimizer_count_run(K, custom_step):
    """summary() after fit of a subclassed model built in fit, with a keras.Variable made in __init__ (keras-io's
    patch_convnet: its class token beside the layers), through a torch-form train_step or Keras's own."""
    import importlib
    backend = importlib.import_module("torch" if K.__name__ == "keras" else "autograd")

    class Model(K.Model):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(3)
            self.token = K.Variable(K.ops.zeros((1, 2)))

        def call(self, x):
            return self.dense(x) + K.ops.sum(self.token)

        if custom_step:
            def train_step(self, data):
                x, y = data
                self.zero_grad()
                self.compute_loss(y=y, y_pred=self(x)).backward()
                weights = self.trainable_variables
                with backend.no_grad():
                    self.optimizer.apply([w.value.grad for w in weights], weights)
                return {}

    K.utils.set_random_seed(0)
    model = Model()
    model.compile(K.optimizers.AdamW(1e-3), "mse")
    model.fit(np.ones((4, 5), "float32"), np.zeros((4, 3), "float32"), verbose=0)
    lines = []
    model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
    return [row for row in "\n".join(lines).split("\n") if "params" in row]


@pytest.mark.parametrize("custom_step", [False, True])
def test_optimizer_params_of_a_model_built_in_fit(custom_step):
    """Keras builds the optimizer over the model's trainable weights after its symbolic build has built the model;
    deepgrad took them when fit began, before the layers were built, and counted the slots of the keras.Variable
    alone (Optimizer params: 6 where Keras prints 42; patch_convnet's 130 for 183,702)."""
    theirs, ours = fresh_sessions()
    assert _optimizer_count_run(ours, custom_step) == _optimizer_count_run(theirs, custom_step)


def _build_warnings(K, how, extra):
    """The 'does not have a build() method' warnings of a subclassed model holding a sub-layer its call never uses
    (keras-io's patch_convnet keeps its augmentation block for train_step alone), first called by fit, eagerly
    or by predict."""
    class Model(K.Model):
        def __init__(self):
            super().__init__()
            self.dense = K.layers.Dense(2)
            self.extra = extra(K)

        def call(self, x):
            return self.dense(x)

    model = Model()
    model.compile("sgd", "mse")
    x = np.ones((4, 5), "float32")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if how == "fit":
            model.fit(x, np.zeros((4, 2), "float32"), verbose=0)
        elif how == "eager":
            model(x)
        else:
            model.predict(x, verbose=0)
    return [str(w.message).replace(model.name, "M") for w in caught if "build()" in str(w.message)]


@pytest.mark.parametrize("how", ["fit", "eager", "predict"])
@pytest.mark.parametrize("extra", ["sequential", "dense", "dropout", "relu"])
def test_base_build_warns_of_a_sub_layer_left_unbuilt(how, extra):
    """Keras builds a user model without build() by running its call symbolically, then calls its base build(),
    which warns when a sub-layer is still unbuilt; deepgrad skipped the warning on that path (a Dropout or ReLU is
    built from __init__ in Keras: no warning for them)."""
    makers = {"sequential": lambda K: K.Sequential([K.layers.Dense(2)]), "dense": lambda K: K.layers.Dense(3),
              "dropout": lambda K: K.layers.Dropout(0.5), "relu": lambda K: K.layers.ReLU()}
    theirs, ours = fresh_sessions()
    expected = _build_warnings(theirs, how, makers[extra])
    assert _build_warnings(ours, how, makers[extra]) == expected
    assert len(expected) == (extra in ("sequential", "dense"))
