"""The draws Keras 3's torch trainer takes from torch's global stream while it reads in-memory arrays, taken from
deepgrad's global stream at the same points, so that after keras.utils.set_random_seed the shuffles and the
unseeded Dropout masks of fit, evaluate and predict are Keras's.

Keras reads arrays through a torch DataLoader (a RandomSampler when shuffling), which draws a worker seed each
time it is iterated and, when shuffling, the sampler's seed at its first batch; deepgrad's DataLoader draws
both too. Keras's epoch iterator also makes a new DataLoader iterator after every full pass (one more worker
seed; also of a DataLoader the user passes: `LoaderPasses`; PyDatasets and generators are read through
DataLoaders too), and the first fit or evaluate after compile reads one batch to build the compiled loss and
metrics (a worker seed, and the sampler's seed when shuffling); while any layer of the model is unbuilt (a sub-layer its
call never reaches) every fit, evaluate and validation pass reads that batch again.
"""
from ..data.subsets import rng_from, seed_from
from ..training.inputs import Batches


def _global_draw():
    """One worker seed from the global stream, as torch.empty((), dtype=torch.int64).random_()."""
    seed_from(rng_from(None, "DataLoader"))


def keras_iterator_draw():
    """The worker seed a new iterator of the torch DataLoader Keras's torch trainer wraps a PyDataset or generator
    in takes from the global stream (it makes one for each pass, after each full pass, and for the build batch)."""
    _global_draw()


def _on_global_stream(loader):
    return getattr(loader, "_rng", True) is None


class ArrayPasses(Batches):
    """Batches over in-memory arrays that, after each full pass, take the extra worker seed Keras's epoch
    iterator takes when it makes its next DataLoader iterator."""

    #: called before each pass (fit sets it on validation batches: Keras validates through evaluate)
    before_pass = None

    def __iter__(self):
        if self.before_pass is not None:
            self.before_pass()
        yield from super().__iter__()
        if _on_global_stream(self.source):
            _global_draw()


class LoaderPasses(ArrayPasses):
    """Passes over the user's DataLoader that, after each full pass, take the worker seed of the DataLoader
    iterator Keras's epoch iterator makes then and never reads (from the loader's generator, or the global
    stream), so that the next pass shuffles as under Keras. The build batch is read from the loader itself."""

    def __iter__(self):
        if self.before_pass is not None:
            self.before_pass()
        yield from Batches.__iter__(self)   # not ArrayPasses': the loader itself draws, and the one extra seed is below
        loader = self.source
        if not (loader.num_workers > 0 and loader.persistent_workers):   # a persistent iterator draws no new seed
            seed_from(loader._rng if loader._rng is not None else rng_from(None, "DataLoader"))

    def read_build_batch(self):
        """The batch Keras's symbolic build reads: a new iterator's first batch (its worker seed and, when
        shuffling, its sampler's seed drawn, the batch itself fetched), then dropped."""
        next(iter(self.source), None)


def built_without_draws(model):
    """train_on_batch and test_on_batch: Keras builds the compiled loss and metrics from the batch given, drawing
    nothing, so a later fit or evaluate reads no batch to build them (unless some layer is still unbuilt). True
    when this is that build (the first such call after compile, or any while a layer is unbuilt)."""
    compiled = getattr(model, "_compiled", None)
    if compiled is None:
        return False
    builds = not getattr(compiled, "build_draws_taken", False) or _has_unbuilt_layer(model)
    compiled.build_draws_taken = True
    return builds


def _has_unbuilt_layer(model):
    return any(getattr(layer, "built", True) is False for layer in model.modules())


def _has_compiled_loss_or_metrics(compiled):
    """Whether compile gave a loss or metrics that no call has built yet (a compute_loss or compute_metrics call of
    the user's before fit builds them, as in Keras)."""
    loss, _, metrics, weighted_metrics = getattr(compiled, "_specs", (True, None, None, None))
    unbuilt_loss = loss is not None and not getattr(compiled, "loss_built", False)
    has_metrics = metrics is not None or weighted_metrics is not None
    return unbuilt_loss or (has_metrics and not getattr(compiled, "metrics_built", False))


def symbolic_build_draws(model, batches, shuffle):
    """The draws of the batch Keras reads to build the model, compiled loss and metrics: at the first fit or
    evaluate after compile, and at every one (and every validation pass) while some layer is still unbuilt. A
    PyDataset has that batch read from it (its order drawn with Python's `random` when shuffling), then is reset
    with on_epoch_end, as Keras's fit and evaluate reset it. True when Keras builds the model on that batch."""
    reads = _reads_build_batch(model)
    if reads and isinstance(batches, LoaderPasses):
        batches.read_build_batch()
    elif reads and (isinstance(batches, ArrayPasses) or getattr(batches, "reads_arrays", False)) \
            and _on_global_stream(batches.source):
        _global_draw()
        if shuffle:
            _global_draw()
    if reads and getattr(getattr(batches, "source", None), "wrapped_in_a_loader", False):
        keras_iterator_draw()
    start = getattr(getattr(batches, "source", None), "start", None)
    if callable(start):   # a PyDataset's passes
        start(reads)
    return reads


def _reads_build_batch(model):
    compiled = getattr(model, "_compiled", None)
    if compiled is None:
        return False
    unbuilt = _has_unbuilt_layer(model)
    # compile without a loss and without metrics keeps no compiled loss or metrics to build: Keras then reads
    # no batch unless a layer is unbuilt (an add_loss model of built layers starts its shuffles one draw earlier)
    if not unbuilt and (getattr(compiled, "build_draws_taken", False) or not _has_compiled_loss_or_metrics(compiled)):
        return False
    if unbuilt:
        _check_callable(model)
    compiled.build_draws_taken = True
    return True


def _check_callable(model):
    """Keras builds an unbuilt model by running its call on the first batch's shapes: a subclassed Model without
    call() (a VAE or GAN whose train_step calls its sub-models) cannot be built that way, and fit/evaluate raise
    Keras's RuntimeError."""
    from .layer import Layer
    if type(model).call is Layer.call:
        raise RuntimeError(
            "Unable to automatically build the model. Please build it yourself before calling fit/evaluate/predict. "
            "A model is 'built' when its variables have been created and its `self.built` attribute is True. "
            f"Usually, calling the model on a batch of data is the right way to build it.\nException encountered:\n"
            f"'Model {type(model).__name__} does not have a `call()` method implemented.' (define call(), or set "
            "self.built = True in __init__ when train_step calls the sub-models itself)")
