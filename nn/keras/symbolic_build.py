"""Keras's symbolic build before the first fit, evaluate, train_on_batch or test_on_batch after compile: its trainer
runs the model once on stand-ins of the first batch with `training=False` (`compute_output_spec`) to build the
compiled loss and metrics. That run is the model's first call when the model has not been called yet, so what
its call builds on the way is built in that run's context: a `keras.Sequential` defined outside the model (a
`data_augmentation` block, as keras-io's vision examples write it) records its preprocessing layers with the
training flag False, and every later call of the block passes them False, which then reaches the model's later
layers through the call context. Building it during the first training step instead recorded the layers'
defaults (True), so dropout ran inside a model whose `call` takes no `training` argument and which Keras trains
with dropout off (keras-io's Perceiver: first loss 4.7274 where Keras prints 4.9222)."""
import numpy as np

from autograd import Tensor

from .symbolic import flatten, map_structure


def run_symbolic_build(model, x, batch_size=None, batches=None):
    """Run a subclassed `model` (one whose `call` is the user's) once, without gradients and with training False,
    on stand-ins shaped as the first batch of the arrays `x` (nothing for data that are not arrays). A functional
    or Sequential model's graph is built already: its inputs are checked against the first batch (of `x`, or the
    one a PyDataset's reader `batches` read to build), raising Keras's ValueError before the first epoch starts."""
    call = getattr(type(model), "call", None)
    if call is None or getattr(call, "__module__", "nn.keras").startswith("nn.keras"):
        _check_graph_inputs(model, x, batches, batch_size)
        return
    leaves = flatten(x)
    if not leaves or not all(isinstance(v, (np.ndarray, Tensor)) and v.ndim > 0 for v in leaves):
        return
    size = len(leaves[0]) if batch_size is None else min(int(batch_size), len(leaves[0]))
    if size == 0:
        return
    unbuilt = not model.built and model._builds_by_running()
    ran = model._build_by_symbolic_run(map_structure(lambda v: v[:size], x))   # its run is given training=False
    if unbuilt and ran:
        model._warn_if_left_unbuilt()   # Keras's base build() then runs


def _check_graph_inputs(model, x, batches, batch_size=None):
    """A graph model's input check on the batch Keras's symbolic build reads (x of (x, y, sample_weight)): the first
    `batch_size` rows of arrays (a keras.Input with a fixed batch size meets batches of that size, not the data)."""
    if flatten(x) and all(isinstance(v, (np.ndarray, Tensor)) and v.ndim > 0 for v in flatten(x)) \
            and batch_size is not None:
        x = map_structure(lambda v: v[:int(batch_size)], x)
    elif not flatten(x) or not all(isinstance(v, (np.ndarray, Tensor)) for v in flatten(x)):
        batch = getattr(getattr(batches, "source", None), "build_batch", None)
        if batch is None:
            return
        if isinstance(batch, list):
            batch = tuple(batch)
        x = batch[0] if isinstance(batch, tuple) and 1 <= len(batch) <= 3 else batch
        if not flatten(x) or not all(hasattr(v, "shape") for v in flatten(x)):
            return
    if hasattr(model, "_flat_inputs") and hasattr(model, "_graph_nodes"):
        model._flat_call_inputs(x)
    elif hasattr(model, "_checked_input"):
        model._checked_input(x)
