"""What Keras's fit/evaluate/predict accept, turned into nn.training Batches of (inputs, targets, weight).

Accepted: NumPy arrays / Tensors / lists (one row per example), a list or dict of them for several inputs
or outputs, nn DataLoaders and datasets, keras.utils.PyDataset, and Python generators. Batches from
loaders, PyDatasets and generators follow Keras's convention: `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`.
"""
import itertools
import math
import random
import types
import warnings

import numpy as np

import autograd as ag
from autograd import Tensor
from autograd.errors import ArgumentKindError

from ..data.dataset import TensorDataset
from ..data.loader import DataLoader
from ..training.inputs import Batches, RawInputs, as_array, is_loader_like
from . import settings
from .epoch_draws import ArrayPasses, LoaderPasses, keras_iterator_draw
from .symbolic import flatten, flatten_as, keyed_like, map_structure
from .nested_outputs import is_deep
from .output_keys import output_keys
from .py_dataset_queue import QueuedReads, uses_queue


class PyDataset:
    """Base class of Keras-style datasets of whole batches: define `__len__` (batches per epoch) and
    `__getitem__(index)` -> `x`, `(x, y)` or `(x, y, sample_weight)`; `on_epoch_begin()` is called before each
    pass and `on_epoch_end()` after it. As in Keras, fit and evaluate also call `on_epoch_end()` once before
    they start (and fit before each pass over validation data)."""

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    @property
    def num_batches(self):
        """Batches per epoch: `len(self)` (a subclass without `__len__` overrides this property)."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(f"{type(self).__name__}: a PyDataset needs `__len__` or a `num_batches` "
                                  "property giving its number of batches")

    def on_epoch_begin(self):
        """Called before every pass."""

    def on_epoch_end(self):
        """Called after every pass (e.g. to reshuffle)."""

    def __iter__(self):
        self.on_epoch_begin()
        for index in range(len(self)):
            yield self[index]
        self.on_epoch_end()


Sequence = PyDataset


def host_array(value, name):
    """A NumPy array with one row per example (float arrays -> floatx(), integer labels -> int64, an object array of
    str as a str array), as fit takes it."""
    if isinstance(value, np.ndarray) and value.dtype == object and value.size and isinstance(value.flat[0], str):
        value = value.astype(str)
    array = as_array(value, "keras", name)
    floatx = np.dtype(settings.floatx())
    if array.dtype.kind == "f" and array.dtype != floatx:   # Keras's data adapters cast float arrays to floatx
        array = (value.numpy() if isinstance(value, Tensor) else np.asarray(value)).astype(floatx)
    return array


def _tensor(value):
    if isinstance(value, Tensor):
        return value
    array = np.asarray(value)
    if array.dtype.kind in "US":   # strings stay NumPy arrays (Tensors hold numbers) for the text layers
        return array
    return ag.tensor(array.astype(settings.floatx()) if array.dtype == np.float64 else array)


def _whole_dict_keys(x, input_names):
    """The keys, in Keras's (sorted) order, of a dict of arrays given to a model that names no inputs (a subclassed
    Model): its call receives the dict whole. None for anything else."""
    if isinstance(x, dict) and not input_names and x:
        return sorted(x)
    return None


def _ordered(structure, names, what):
    """The leaves of a list/tuple/dict (dicts in the order of `names`)."""
    if isinstance(structure, dict):
        missing = [n for n in names if n not in structure]
        if missing or len(structure) != len(names):
            problem = f'Missing data for {what} "{missing[0]}"' if missing else f"Unexpected keys in the {what} dict"
            raise ValueError(f"{problem}: the {what} dict has keys {sorted(structure)}; the model's {what}s are "
                             f"{names} (a dict's keys must be the names of the model's keras.Input / output layers)")
        return [structure[n] for n in names]
    if isinstance(structure, (list, tuple)):
        return list(structure)
    return [structure]


def _from_pandas(value):
    """A pandas DataFrame or Series as its NumPy array, as Keras's fit, evaluate and predict take them; anything
    else as it is."""
    if type(value).__module__.startswith("pandas") and hasattr(value, "to_numpy"):
        return value.to_numpy()
    return value


def _without_pandas(*structures):
    """Each of x, y, sample_weight (one value, or a list/tuple/dict of them) with pandas objects as NumPy."""
    return tuple(map_structure(_from_pandas, v) if isinstance(v, (list, tuple, dict)) else _from_pandas(v)
                 for v in structures)


def _per_output(sample_weight, output_names):
    """Whether `sample_weight` gives one array per output (a dict by output name, or a list with one array for
    each of several outputs), as Keras takes it for multi-output models, rather than one array for all."""
    if isinstance(sample_weight, dict):
        return True
    return (isinstance(sample_weight, (list, tuple)) and len(output_names) > 1
            and len(sample_weight) == len(output_names) and all(np.ndim(w) >= 1 for w in sample_weight))


def unpack(data):
    """(x, y, sample_weight) of a Keras-style batch `data` (`x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`),
    None where absent; keras.utils.unpack_x_y_sample_weight, for a train_step's `data`."""
    batch = data
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return batch, None, None
    if len(batch) == 1:
        return batch[0], None, None
    if len(batch) == 2:
        return batch[0], batch[1], None
    if len(batch) == 3:
        return batch
    raise ValueError(f"a batch must be x, (x,), (x, y) or (x, y, sample_weight); got a tuple of {len(batch)}")


def pack(x, y=None, sample_weight=None):
    """The inverse of unpack: `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)` (keras.utils.pack_x_y_sample_weight)."""
    if y is None:
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def keras_loader_batch(batch, from_py_dataset=False):
    """A batch of a DataLoader, generator or PyDataset as Keras's torch backend hands it to a custom train_step /
    test_step: through a torch DataLoader, which turns every tuple into a list (a PyDataset's lone array first
    becomes `(x,)`), dicts kept, arrays as Tensors of their own dtype."""
    if from_py_dataset and not isinstance(batch, (tuple, list, dict)):
        batch = (batch,)

    def converted(item):
        if isinstance(item, (tuple, list)):
            return [converted(value) for value in item]
        if isinstance(item, dict):
            return {key: converted(value) for key, value in item.items()}
        if item is None or isinstance(item, Tensor):
            return item
        array = np.asarray(item)
        return array if array.dtype.kind in "USO" else ag.tensor(array)
    return converted(batch)


def class_weights(y, class_weight):
    """Per-example weights class_weight[class of y] (1 for classes not listed), y indices or one-hot. As Keras, a
    row of several values counts as the argmax over its last axis (so (N, T) sequence labels weigh each sequence by
    one class), and targets with more axes are refused with Keras's TypeError."""
    y = np.asarray(y)
    shape = y.shape
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y.reshape(y.shape[:-1])
    if y.ndim > 1:
        raise TypeError(f"class_weight: only 0-dimensional arrays can be converted to Python scalars: targets of "
                        f"shape {shape} give each example the classes of shape {y.shape[1:]}, where class_weight "
                        "needs one class per example (targets (N,), (N, 1) or one-hot (N, C)); for per-step classes "
                        "pass sample_weight of the targets' shape without the class axis instead: "
                        "np.vectorize(class_weight.get)(labels)")
    classes = np.round(y).astype(np.int64)
    return np.array([class_weight.get(int(c), 1.0) for c in classes], dtype=np.float32)


class _Generator:
    """A Python generator read as Keras's epoch iterator reads one. Its first two batches are taken at once (Keras
    peeks them for the data's spec) and every new pass over the data yields them again before going on with the
    generator. With `steps`, an epoch reads that many batches and the next epoch goes on with the same pass; a
    pass that runs out ends its epoch early (with a warning, as Keras) and the next epoch starts a new one. Without,
    every epoch is a new pass, read to the end, and after the first one runs out an epoch reads at most as many
    steps as that one tried (Keras's inferred count). A pass that yields nothing leaves its epoch without batches,
    which fit allows here (`may_run_dry`) where other data would be an error. `restart` (fit's validation data):
    the peek waits for the first pass, and every pass is a new one that forgets what the last one learnt (Keras
    resets its validation iterator before each evaluation)."""

    may_run_dry = True
    _PEEKED = 2   # Keras's NUM_BATCHES_FOR_TENSOR_SPEC
    #: Keras's torch trainer reads it through a torch DataLoader: each new pass (and the build batch) draws a seed
    wrapped_in_a_loader = True

    def __init__(self, generator, steps, restart=False):
        self.generator, self.steps, self.restart = generator, steps, restart
        self._first = None if restart else self._peek()
        self._pass, self._seen, self._num_batches = None, 0, None

    def _peek(self):
        first = list(itertools.islice(self.generator, self._PEEKED))
        if not first:
            raise ValueError("When passing a Python generator to a Keras model, the generator must yield at least "
                             "one batch. Received an empty generator.")
        if not isinstance(first[0], tuple):
            raise ValueError("When passing a Python generator to a Keras model, the generator must return a tuple, "
                             "either (input,) or (inputs, targets) or (inputs, targets, sample_weights). "
                             f"Received: {first[0]}")
        return first

    def __len__(self):
        return self.steps if self.steps is not None else 0

    def _new_pass(self):
        self._seen = 0
        keras_iterator_draw()
        return itertools.chain(self._first, self.generator)

    def _ran_out(self):
        if self._num_batches is None:
            self._num_batches = self._seen
        _interrupted()
        self._pass = None

    def __iter__(self):
        if self._first is None:
            self._first = self._peek()
        if self.restart:
            self._pass, self._seen, self._num_batches = None, 0, None
        limit = self.steps or self._num_batches
        if not limit:   # the first pass without steps: read to the end
            batches = self._new_pass()
            while True:
                self._seen += 1
                try:
                    batch = next(batches)
                except StopIteration:
                    self._ran_out()
                    return
                yield batch
        if self._pass is None or self.steps is None:
            self._pass = self._new_pass()
        for _ in range(limit):
            if self._num_batches and self._seen >= self._num_batches:
                if self.steps:
                    _interrupted()
                break
            self._seen += 1
            try:
                batch = next(self._pass)
            except StopIteration:
                self._ran_out()
                return
            yield batch
        if self._num_batches and self._seen >= self._num_batches:
            self._pass = self._new_pass()


def _interrupted():
    warnings.warn("Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
                  "generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` "
                  "function when building your dataset.", stacklevel=2)


class _PyDatasetPasses:
    """A PyDataset read pass after pass as Keras's fit reads it: on_epoch_begin, the batches (in a new order
    each pass with shuffle, from Python's `random`), on_epoch_end; with `reset_first`, an on_epoch_end before
    each pass too (Keras's reset of the validation data before each evaluation). With `steps`, a pass reads at
    most that many batches and still ends with on_epoch_end (Keras's validation_steps)."""

    def __init__(self, dataset, shuffle=False, reset_first=False, steps=None, reset_at_start=False):
        self.dataset, self.shuffle, self.reset_first, self.steps = dataset, shuffle, reset_first, steps
        #: fit and evaluate reset the data (on_epoch_end) once before their passes: `start` does it
        self.reset_at_start = reset_at_start
        self._next = 0   # an endless dataset's next index: its epochs go on where the last one stopped
        # as Keras's epoch iterator: the batches per pass are read when reading starts and at each reset, not
        # before every pass (a dataset whose on_epoch_end changes its length keeps the first count)
        self._count = dataset.num_batches
        # a finite dataset with workers: Keras's queue hands a pass the batches the last one left first
        self._queue = QueuedReads(dataset) if uses_queue(dataset) and dataset.num_batches is not None else None
        if dataset.num_batches is None and steps is None:
            raise ValueError(f"{type(dataset).__name__}: an endless PyDataset (num_batches None) needs a number of "
                             "steps; pass steps_per_epoch to fit (validation_steps, steps to evaluate / predict)")

    def __len__(self):
        count = self._count   # as Keras: the property, which defaults to len(dataset)
        if count is None:
            return int(self.steps)
        return count if self.steps is None else min(count, int(self.steps))

    @property
    def wrapped_in_a_loader(self):
        """Whether each pass, full pass and build batch draws a seed as Keras's torch DataLoader iterators do (not
        followed for an endless dataset, whose one iterator Keras keeps across epochs)."""
        return self.dataset.num_batches is not None

    def __iter__(self):
        if self.reset_first:
            self._count = self.dataset.num_batches
            self.dataset.on_epoch_end()
            self._next = 0
        self.dataset.on_epoch_begin()   # as Keras: before the pass's order is drawn
        loader_draws = self.wrapped_in_a_loader
        if loader_draws:
            keras_iterator_draw()
        order = self._order(self._next)
        if self.dataset.num_batches is None:
            self._next += len(self)
        read = 0
        for batch in (self._queue.read(order, len(self)) if self._queue is not None
                      else (self.dataset[index] for index in order[:len(self)])):
            read += 1
            yield batch
        if loader_draws and read >= self._count:   # Keras's next iterator, made once a pass has read every batch
            keras_iterator_draw()
        self.dataset.on_epoch_end()

    def _order(self, first):
        """The batch indices of a pass: from `first` on for an endless dataset, else all of them, shuffled with
        Python's `random` when the pass shuffles."""
        count = self.dataset.num_batches
        if count is None:
            return list(range(first, first + len(self)))
        order = list(range(count))
        if self.shuffle:
            random.shuffle(order)
        return order

    def start(self, read_build_batch):
        """What Keras's fit and evaluate do before their passes: with `read_build_batch`, read the batch that
        builds the model, compiled loss and metrics (on_epoch_begin, a pass's order drawn, its first batch
        fetched); then reset the data (on_epoch_end), when this reader is fit's or evaluate's."""
        if read_build_batch:
            self.dataset.on_epoch_begin()
            if self._queue is not None:
                # read to its end, so the queue keeps the batches fetched beyond the first, as Keras's workers do
                read = list(self._queue.read(self._order(self._next), 1))
                self.build_batch = read[0] if read else None
            else:
                self.build_batch = self.dataset[self._order(self._next)[0]]
        if self.reset_at_start or read_build_batch:
            self._count = self.dataset.num_batches
            self.dataset.on_epoch_end()

    def begin_epoch(self):
        """Keras's on_epoch_begin before an epoch that goes on with a pass an earlier epoch left unfinished."""
        self.dataset.on_epoch_begin()

    def end_epoch(self):
        """Keras's on_epoch_end after an epoch of steps_per_epoch batches that left the pass unfinished."""
        self.dataset.on_epoch_end()


class ContinuingBatches(Batches):
    """Batches over finite data with `steps` per epoch read as Keras reads them: each epoch goes on where the
    last one stopped, and the data starts again only once it is used up (the epoch that uses it up ends
    there, possibly with fewer than `steps` batches). A PyDataset gets on_epoch_end after every epoch, as in
    Keras."""

    def __init__(self, source, split, device, steps):
        super().__init__(source, split, device, steps)
        self._iterator, self._read = None, 0

    def __iter__(self):
        total = len(self.source)
        if self._iterator is None:
            self._iterator, self._read = iter(self.source), 0
        elif callable(getattr(self.source, "begin_epoch", None)):   # a pass carried over: Keras's on_epoch_begin
            self.source.begin_epoch()
        for _ in range(int(self.steps)):
            if self._read >= total:
                break
            batch = next(self._iterator)
            self._read += 1
            yield self.prepared(batch)
        if self._read >= total:
            self._iterator = None
        if callable(getattr(self.source, "end_epoch", None)):
            self.source.end_epoch()


class ArraySteps(Batches):
    """Batches over in-memory arrays read `steps` at a time (fit's steps_per_epoch, evaluate's and predict's
    steps) as Keras's epoch iterator reads them: one DataLoader iterator kept from epoch to epoch, the next one
    made (its worker seed drawn from the global stream) as soon as the data is used up, and an epoch that finds
    it used up ending there with Keras's warning. Its first read counts as arrays' for the build batch's draws."""

    reads_arrays = True

    def __init__(self, source, split, device, steps):
        super().__init__(source, split, device, steps)
        self._iterator, self._seen = None, 0

    def __iter__(self):
        total = len(self.source)
        if self._iterator is None:
            self._iterator, self._seen = iter(self.source), 0
        for _ in range(int(self.steps)):
            if self._seen >= total:
                _interrupted()
                break
            self._seen += 1
            yield self.prepared(next(self._iterator))
        if self._seen >= total:
            self._iterator, self._seen = iter(self.source), 0


def _batch_size(batch_size, who):
    """The batch size to use: Keras's default 32 for None (and, as Keras, for 0); a clear error for a fraction or a
    negative number, which int() would otherwise round or pass on."""
    if isinstance(batch_size, (str, bytes, list, tuple, dict)):   # Keras divides by it: a TypeError
        raise ArgumentKindError(f"{who}: batch_size should be a positive integer value, but got "
                                f"{type(batch_size).__name__} {batch_size!r}; pass an int such as batch_size=32")
    if not batch_size:
        return 32
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 0:
        raise ValueError(f"{who}: batch_size should be a positive integer value, but got batch_size={batch_size!r}; "
                         "pass an int such as batch_size=32")
    return int(batch_size)


def batches(model, x, y=None, sample_weight=None, class_weight=None, batch_size=None, shuffle=False, steps=None,
            seed=None, device=None, who="fit", need_y=True):
    """Batches for the shared loop from any input Keras accepts."""
    batch_size = _batch_size(batch_size, who)
    x, y, sample_weight = _without_pandas(x, y, sample_weight)
    input_names = getattr(model, "input_names", None) or []
    output_names = output_keys(model)
    structure = getattr(model, "_inputs_struct", None)
    if keyed_like(structure, x):   # {"tokens": x, "pair": (a, b)}: the model's inputs in its own order
        x = flatten_as(structure, x)
    y, sample_weight = (_flat_targets(model, v) for v in (y, sample_weight))

    def split(batch):
        bx, by, bw = unpack(batch)
        bx = flatten_as(structure, bx) if keyed_like(structure, bx) else bx
        keys = _whole_dict_keys(bx, input_names)
        inputs = ({k: _tensor(bx[k]) for k in keys},) if keys else \
            tuple(_tensor(v) for v in _ordered(bx, input_names, "input"))
        if by is None:
            if need_y:
                raise ValueError(f"{who}: the data yields no targets; batches must be (x, y) or (x, y, sample_weight)")
            return inputs, None, None
        by, bw = _flat_targets(model, by), _flat_targets(model, bw)
        targets = tuple(_tensor(v) for v in _ordered(by, output_names, "output"))
        if class_weight is not None and bw is not None:
            raise ValueError(f"{who}: the data yields sample weights and class_weight was given too; Keras refuses "
                             "both at once: drop class_weight or fold the class weights into the sample weights")
        if bw is None:
            weight = None
        elif _per_output(bw, output_names):
            weight = tuple(_tensor(v) for v in _ordered(bw, output_names, "output"))
        else:
            weight = _tensor(bw)
        if class_weight is not None:
            extra = _tensor(class_weights(targets[0].numpy(), class_weight))
            weight = extra if weight is None else weight * extra
        return inputs, targets, weight

    def split_keeping_batch(batch, split_fields=split):   # a custom step gets the batch as Keras's loader gives it
        inputs, targets, weight = split_fields(batch)
        inputs = RawInputs(inputs)
        inputs.raw = keras_loader_batch(batch, isinstance(x, PyDataset))
        return inputs, targets, weight

    if isinstance(x, PyDataset) or isinstance(x, DataLoader):
        _no_y(y, x, who, sample_weight)
        if shuffle and who == "fit" and (isinstance(x, DataLoader) or x.num_batches is None):
            warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` was provided as "
                          + ("a torch DataLoader. The DataLoader is expected to already be shuffled."
                             if isinstance(x, DataLoader) else
                             "an infinite PyDataset. The PyDataset is expected to already be shuffled."),
                          UserWarning, stacklevel=3)
        split = split_keeping_batch
        source = x
        if isinstance(x, PyDataset):
            validation = who.startswith("fit (validation")
            fixed = getattr(x, "fixed_order", False)   # stands for a tf.data.Dataset, which fit never reorders
            if validation:   # each validation starts the data again, validation_steps or not (as Keras)
                return Batches(_PyDatasetPasses(x, reset_first=True, steps=steps), split, device)
            endless = x.num_batches is None   # read `steps` batches per epoch, on from where the last stopped
            # Keras resets the data (on_epoch_end) before fit's or evaluate's passes: symbolic_build_draws calls
            # `start`, after the batch Keras may read first
            source = _PyDatasetPasses(x, shuffle=shuffle and not fixed, steps=steps if endless else None,
                                      reset_at_start=who in ("fit", "evaluate"))
        passes = _batches(source, split, device, steps)
        # Keras's epoch iterator makes a user's DataLoader iterators at the points LoaderPasses follows
        return LoaderPasses(x, split, device, steps) if source is x and type(passes) is Batches else passes
    if is_loader_like(x) and not isinstance(x, (dict,)):
        _no_y(y, x, who, sample_weight)
        return _batches(DataLoader(x, batch_size=batch_size, shuffle=shuffle, seed=seed), split, device, steps)
    if hasattr(x, "__next__") or (hasattr(x, "__iter__") and not isinstance(x, (np.ndarray, Tensor, list, tuple,
                                                                                 dict))):
        _no_y(y, x, who, sample_weight)
        if shuffle and who == "fit" and isinstance(x, types.GeneratorType):
            warnings.warn("`shuffle=True` was passed, but will be ignored since the data `x` was provided as a "
                          "generator. The generator is expected to yield already-shuffled data.", UserWarning,
                          stacklevel=3)
        return Batches(_Generator(iter(x), steps, restart=who.startswith("fit (validation")), split_keeping_batch,
                       device, steps)
    dict_keys = _whole_dict_keys(x, input_names)
    xs = [host_array(x[k], "x") for k in dict_keys] if dict_keys else \
        [host_array(v, "x") for v in _ordered(x, input_names, "input")]
    ys = [] if y is None else [host_array(v, "y") for v in _ordered(y, output_names, "output")]
    if need_y and not ys:
        raise ValueError(f"{who}: y (the targets) is missing; pass {who}(x, y) or data that yields (x, y)")
    for v in ys:
        if v.dtype.kind in "US":
            raise ValueError(f"{who}: Invalid dtype: {v.dtype} for y (targets of shape {v.shape} holding strings); "
                             "targets must be numbers: encode the labels first, e.g. with "
                             "keras.layers.StringLookup or np.unique(y, return_inverse=True)")
    ws = []
    if sample_weight is not None and _per_output(sample_weight, output_names):
        ws = [host_array(v, "sample_weight").astype(np.float32)
              for v in _ordered(sample_weight, output_names, "output")]
    elif sample_weight is not None:
        ws = [host_array(sample_weight, "sample_weight").astype(np.float32)]
    if class_weight is not None:
        if len(ys) != 1:
            raise ValueError(f"{who}: class_weight needs a model with one output")
        if ws:
            raise ValueError(f"{who}: class_weight and sample_weight cannot be given together (Keras refuses them "
                             "too); multiply the class weights into sample_weight instead")
        ws = [class_weights(ys[0], class_weight)]
    counts = {len(a) for a in xs + ys + ws}
    if len(counts) != 1:
        raise ValueError(f"{who}: x, y and sample_weight must have the same number of examples, got "
                         f"{[len(a) for a in xs]} inputs, {[len(a) for a in ys]} targets, {[len(a) for a in ws]} weights")
    if counts == {0}:
        raise ValueError(f"{who}: the data is empty")
    n_in, n_out = len(xs), len(ys)
    # string inputs cannot ride in the loader's Tensors: it carries their row numbers, and each batch takes its rows
    texts = {k: a for k, a in enumerate(xs) if a.dtype.kind in "US"}
    xs = [np.arange(len(a)) if k in texts else a for k, a in enumerate(xs)]

    def split_flat(batch):
        fields = tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)
        inputs, targets = fields[:n_in], fields[n_in:n_in + n_out]
        if texts:
            inputs = tuple(texts[k][v.numpy()] if k in texts else v for k, v in enumerate(inputs))
        if dict_keys:
            inputs = (dict(zip(dict_keys, inputs)),)
        weight = (fields[n_in + n_out] if len(ws) == 1 else tuple(fields[n_in + n_out:])) if ws else None
        return inputs, (targets if n_out else None), weight

    loader = DataLoader(TensorDataset(*xs, *ys, *ws), batch_size=batch_size, shuffle=shuffle, seed=seed)
    if steps is None:   # whole passes, with the global stream's draws of Keras's torch epoch iterator
        return ArrayPasses(loader, split_flat, device)
    if who.startswith("fit (validation"):   # validation_steps: every validation reads the first batches again
        return Batches(loader, split_flat, device, steps)
    return ArraySteps(loader, split_flat, device, steps)


def _flat_targets(model, y):
    """Targets (or per-output sample weights) given in the nesting of a model's nested outputs ({"a": y1, "b": [y2,
    y3]}) as one list in the outputs' flat order; anything else as it is."""
    outputs = getattr(model, "_outputs_struct", None)
    if isinstance(y, (dict, list, tuple)) and is_deep(outputs) and is_deep(y):
        return flatten_as(outputs, y)
    return y


def _batches(source, split, device, steps):
    if steps is None or not hasattr(source, "__len__") or steps >= len(source):
        return Batches(source, split, device, steps)
    return ContinuingBatches(source, split, device, steps)


def _no_y(y, x, who, sample_weight=None):
    if y is not None:
        raise ValueError(f"{who}: x ({type(x).__name__}) yields the targets itself; do not pass y")
    if sample_weight is not None:   # Keras refuses them; they were ignored here
        raise ValueError(f"{who}: x ({type(x).__name__}) yields its batches itself; do not pass sample_weight, "
                         "yield (x, y, sample_weight) batches instead")


def split_validation(x, y, sample_weight, fraction, input_names, output_names):
    """Keras's validation_split: the last `fraction` of every array (before shuffling). Returns
    ((x, y, sample_weight) to train on, (x, y, sample_weight) to validate on, or None when none is left).
    As Keras, a fraction outside (0, 1) is not refused: the cut is floor(n * (1 - fraction)), refused only when
    it is 0 or n, and used as a Python slice bound (so 1.5 of 8 examples trains on 4 and validates on 4, and
    -0.5 validates on none); a cut that leaves nothing to train on raises ValueError (Keras's data loader
    does, before the first epoch)."""
    x, y, sample_weight = _without_pandas(x, y, sample_weight)
    if (is_loader_like(x) and not isinstance(x, dict)) or hasattr(x, "__next__") or isinstance(x, (PyDataset,
                                                                                                   DataLoader)):
        raise ValueError("fit: validation_split needs arrays; with a DataLoader, dataset or generator pass "
                         "validation_data instead")
    n = len(host_array(flatten(x)[0], "x"))
    cut = int(math.floor(n * (1.0 - fraction)))  # Keras's rule: 90 examples, 0.3 -> 62 to train on
    if cut == 0 or cut == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it into a validation "
                         f"and training set as specified by `validation_split={fraction}`. Either provide more data, "
                         "or a different value for the `validation_split` argument.")

    def part(structure, names, lo, hi):
        if structure is None:
            return None
        if isinstance(structure, dict):
            return {k: part(v, None, lo, hi) for k, v in structure.items()}
        if isinstance(structure, (list, tuple)):
            return [part(v, None, lo, hi) for v in structure]
        return host_array(structure, "data")[lo:hi]
    if len(range(n)[0:cut]) == 0:
        raise ValueError(f"fit: validation_split={fraction} of {n} examples leaves none to train on (Keras trains on "
                         f"the examples [0:floor(n * (1 - validation_split))] = [0:{cut}]); use a validation_split "
                         "between 0 and 1")
    train = tuple(part(s, None, 0, cut) for s in (x, y, sample_weight))
    if len(range(n)[cut:n]) == 0:
        return train, None
    val = tuple(part(s, None, cut, n) for s in (x, y, sample_weight))
    return train, val


class NoBatches:
    """The validation part of a validation_split that kept no examples (a split below 0): fit runs its test
    callbacks over no batches, warns that the data ran out and logs no 'val_' entries, as Keras does."""
    source = None
    may_be_empty = True

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0
