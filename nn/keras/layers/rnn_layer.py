"""keras.layers.RNN: any recurrent cell run over (batch, time, ...) sequences, and StackedRNNCells.

A cell is an object with `state_size` (an int, or a list with one int, or nested list, per state),
optionally `output_size` and `get_initial_state(batch_size)`, and `call(inputs, states[, training])` ->
(output, new_states) on one time step: deepgrad's SimpleRNNCell/LSTMCell/GRUCell or a user's own Layer.
RNN steps through time as Keras does: with a mask (batch, time), a masked step keeps every state, and its
output is the previous step's output (zeros before the first kept step), or zeros with zero_output_for_mask.
With go_backwards the steps run from the last to the first and returned sequences stay in that order; with
stateful=True the final states of one call are the initial states of the next (rnn_state.py).

A SimpleRNNCell (tanh or relu) runs as one whole-sequence recurrence (nn.functional.recurrence, or
masked_recurrence.py with a mask) when nothing will be differentiated (grad mode off, or neither the inputs nor
the weights require grad) and no dropout is in play: its outputs and states are then the step loop's bit for
bit (tests/keras/test_rnn_layer.py checks it). With gradients the loop runs, because the fused backward sums
the weight gradients over time in another order (about 1e-7 relative apart). LSTMCell and GRUCell always
run step by step (each step one fused deepgrad cell): the whole-sequence LSTM/GRU kernels round their
forward values differently (about 1e-7).
"""
import contextlib

import autograd as ag

from ... import functional as F
from ..autocast_scope import autocast_call, float_dtype, in_compute_dtype, policy_config
from .. import activations, masking
from ..context import in_shape_probe
from ..layer import Layer, _call_takes_training, as_tensor
from .masked_recurrence import masked_run
from .recurrent import _gru_to_torch
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell
from .rnn_state import StatefulRNN


def _is_nested(value):
    return isinstance(value, (list, tuple))


def _flatten(value):
    if _is_nested(value):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _pack_as(structure, leaves):
    """`leaves` (a flat list, consumed in order) arranged as `structure`."""
    it = iter(leaves)

    def pack(s):
        return [pack(item) for item in s] if _is_nested(s) else next(it)
    return pack(structure)


def _along(kept, like):
    """The (batch,) step mask shaped to broadcast against `like` (batch, ...)."""
    return kept.view((kept.shape[0],) + (1,) * (like.ndim - 1))


def _cell_output_size(cell):
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if _is_nested(state_size) else state_size


def _check_cell(owner, cell):
    if not callable(getattr(cell, "call", None)):
        raise ValueError(f"{owner}: the cell must have a `call(inputs, states)` method, got {cell!r}")
    if getattr(cell, "state_size", None) is None:
        raise ValueError(f"{owner}: the cell must have a `state_size` attribute (an integer, or a list of "
                         f"integers with one per state), got {cell!r}")


@contextlib.contextmanager
def _cells_autocast(cell):
    """The layer's autocast scope (mixed precision) for `cell` and the cells it stacks."""
    with contextlib.ExitStack() as stack:
        for each in [cell] + list(getattr(cell, "cells", ())):
            if isinstance(each, Layer):
                stack.enter_context(autocast_call(each))
        yield


def _call_cell(cell, inputs, states, training):
    if type(cell) in (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells) and cell.built \
            and cell.activity_regularizer is None:   # skips Layer.__call__'s per-step bookkeeping
        return cell.call(inputs, states, training=training)
    if isinstance(cell, Layer):
        return cell(inputs, states, training=training)
    if _call_takes_training(type(cell).call):
        return cell.call(inputs, states, training=training)
    return cell.call(inputs, states) if not callable(cell) else cell(inputs, states)


def _zero_states(cell, batch_size):
    getter = getattr(cell, "get_initial_state", None)
    if getter is not None:
        states = getter(batch_size=batch_size)
        return list(states) if _is_nested(states) else [states]
    sizes = cell.state_size if _is_nested(cell.state_size) else [cell.state_size]
    dtype = float_dtype(getattr(cell, "compute_dtype", "float32")) or ag.float32   # Keras: the cell's compute dtype
    return [[ag.zeros((batch_size, s), dtype=dtype) for s in size] if _is_nested(size)
            else ag.zeros((batch_size, size), dtype=dtype) for size in sizes]


def _drops(cell):
    """Whether `cell` (or a cell stacked in it) draws dropout masks."""
    if getattr(cell, "dropout", 0) or getattr(cell, "recurrent_dropout", 0):
        return callable(getattr(cell, "draw_dropout_masks", None))
    return any(_drops(inner) for inner in getattr(cell, "cells", None) or ())


def _draw_dropout_masks(cell, first_step, states, training):
    """Draw the dropout masks of this call before the loop, as Keras's RNN does on every call: each dropping
    cell's for the step input it will see (a stacked cell feeds the first step through its cells to find the
    next one's input) and its first state."""
    if callable(getattr(cell, "draw_dropout_masks", None)):
        cell.draw_dropout_masks(first_step, states[0] if _is_nested(states) else states)
    inner = getattr(cell, "cells", None) or ()
    for k, (stacked, state) in enumerate(zip(inner, states)):
        _draw_dropout_masks(stacked, first_step, state, training)
        if any(_drops(later) for later in inner[k + 1:]):
            with ag.no_grad():
                first_step, _ = _call_cell(stacked, first_step, list(state) if _is_nested(state) else [state],
                                           training)


def _reset_dropout_masks(cell):
    for name in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
        if callable(getattr(cell, name, None)):
            getattr(cell, name)()
    for inner in getattr(cell, "cells", None) or ():
        _reset_dropout_masks(inner)


class StackedRNNCells(Layer):
    """Several cells as one: each step feeds the input through the cells in turn; the states are one entry
    (itself a list for a cell with several states) per cell."""

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError("StackedRNNCells: needs at least one cell")
        for cell in cells:
            _check_cell("StackedRNNCells", cell)
        self.cells = cells

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return _cell_output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        """Each cell's initial states, in order."""
        states = []
        for cell in self.cells:
            cell_states = _zero_states(cell, batch_size)
            states.append(cell_states if _is_nested(cell.state_size) or getattr(cell, "get_initial_state", None)
                          else cell_states[0])
        return states

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer):
                cell._build_for_shape(tuple(input_shape))
            input_shape = (input_shape[0], _cell_output_size(cell))

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            was_list = _is_nested(cell_states)
            inputs, cell_states = _call_cell(cell, inputs, list(cell_states) if was_list else [cell_states],
                                             training)
            if _is_nested(cell_states) and len(cell_states) == 1 and not was_list:
                cell_states = cell_states[0]
            new_states.append(cell_states)
        return inputs, (new_states[0] if len(new_states) == 1 else new_states)

    def get_config(self):
        from ..saving.serialization import serialize_keras_object   # saving imports the layers package
        config = super().get_config()
        config["cells"] = [serialize_keras_object(cell) for cell in self.cells]
        return config


def _fused_mode(cell):
    """The fused recurrence's mode for a cell it reproduces bit for bit, else None."""
    if type(cell) is SimpleRNNCell:
        return {activations.tanh: "rnn_tanh", activations.relu: "rnn_relu"}.get(cell.activation)
    return None


def _torch_weights(cell, mode):
    """(w_ih, w_hh, b_ih, b_hh) in deepgrad's (PyTorch's) gate layout from a cell's Keras weights."""
    if mode == "gru":
        u = cell.units
        w_ih, w_hh = _gru_to_torch(cell.kernel, u, 1).T, _gru_to_torch(cell.recurrent_kernel, u, 1).T
        if cell.bias is None:
            return w_ih, w_hh, None, None
        return w_ih, w_hh, _gru_to_torch(cell.bias[0], u, 0), _gru_to_torch(cell.bias[1], u, 0)
    return cell.kernel.T, cell.recurrent_kernel.T, cell.bias, None


class RNN(StatefulRNN, Layer):
    """Runs `cell` (or StackedRNNCells of a list of cells) over sequences (batch, time, ...): returns the last
    output, or every output with return_sequences, followed by the final states with return_state."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if _is_nested(cell):
            cell = StackedRNNCells(cell)
        _check_cell("RNN", cell)
        state_size = cell.state_size
        if not isinstance(state_size, (int, list, tuple)):
            raise ValueError(f"RNN: the cell's state_size must be an integer or a list of integers (one per "
                             f"state), got {state_size!r}")
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful, self.unroll = bool(go_backwards), bool(stateful), bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self._fuse = True   # tests turn it off to compare the fused path with the loop
        self.supports_masking = True

    @property
    def state_size(self):
        size = self.cell.state_size
        return list(size) if _is_nested(size) else [size]

    def build(self, sequences_shape, initial_state_shape=None):
        if len(sequences_shape) < 3:
            raise ValueError(f"{self.name}: expects sequences (batch, time, features...), got input shape "
                             f"{tuple(sequences_shape)}")
        if isinstance(self.cell, Layer):
            self.cell._build_for_shape((sequences_shape[0],) + tuple(sequences_shape[2:]))

    def get_initial_state(self, batch_size):
        """The cell's initial states (zeros unless the cell defines get_initial_state)."""
        return _zero_states(self.cell, batch_size)

    def zero_states(self, batch_size):
        """The states a stateful layer starts from and reset_state restores: get_initial_state's."""
        return self.get_initial_state(batch_size)

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if sequences.ndim < 3:
            raise ValueError(f"{self.name}: expects sequences (batch, time, features...), got shape "
                             f"{tuple(sequences.shape)}")
        if not sequences.is_floating_point():
            sequences = sequences.float()
        batch, steps = sequences.shape[0], sequences.shape[1]
        if steps == 0:
            raise ValueError(f"{self.name}: the input sequence is empty (shape {tuple(sequences.shape)})")
        if initial_state is None:
            states = self.stored_states(sequences) if self.stateful else self.get_initial_state(batch)
        else:
            states = list(initial_state) if _is_nested(initial_state) else [initial_state]
        # as Keras: the steps and states in the cell's compute dtype (float16 under a mixed policy), the results
        # in this layer's
        cell_policy = self.cell if isinstance(self.cell, Layer) else self
        sequences = in_compute_dtype(cell_policy, sequences)
        states = _pack_as(states, [in_compute_dtype(cell_policy, as_tensor(s)) for s in _flatten(states)])
        keep = None
        if mask is not None:
            keep = masking.as_bool(mask[0] if _is_nested(mask) else mask)
            if tuple(keep.shape) != (batch, steps):
                raise ValueError(f"{self.name}: the mask must have shape (batch, time) = {(batch, steps)}, got "
                                 f"{tuple(keep.shape)}")
        # only on `cpu`, whose fused loop repeats the cell's NumPy arithmetic: numba's compiled loop rounds
        # tanh differently in the last bit
        mode = _fused_mode(self.cell) if self._fuse and sequences.device.type == "cpu" else None
        dropping = training and (getattr(self.cell, "dropout", 0) or getattr(self.cell, "recurrent_dropout", 0))
        with _cells_autocast(self.cell):   # the cells run by their call, not __call__: read their weights' casts
            try:
                if _drops(self.cell) and not in_shape_probe():
                    _draw_dropout_masks(self.cell, sequences[:, 0], states, bool(training))
                if mode is not None and not dropping and not self._differentiated(sequences, states):
                    outputs, last, states = self._run_fused(mode, sequences, states, keep)
                else:
                    outputs, last, states = self._run_steps(sequences, states, keep, bool(training))
            finally:
                _reset_dropout_masks(self.cell)
        outputs, last = in_compute_dtype(self, outputs), in_compute_dtype(self, last)
        states = _pack_as(states, [in_compute_dtype(self, s) for s in _flatten(states)])
        self.keep_states(states)
        output = outputs if self.return_sequences else last
        if self.return_state and in_shape_probe():
            states = self._symbolic_states(states)
        return (output, *states) if self.return_state else output   # a tuple, as Keras returns

    def _symbolic_states(self, states):
        """The returned states arranged as Keras's symbolic outputs are (its compute_output_shape): one tensor per
        int entry of state_size, a list per list entry. Eager calls keep the cell's own nesting, so a stacked
        SimpleRNNCell's state is [h] there but h on a keras.Input."""
        return [s[0] if isinstance(size, int) and _is_nested(s) and len(s) == 1 else s
                for s, size in zip(states, self.state_size)]

    def _differentiated(self, sequences, states):
        """Whether a gradient can flow back through this call."""
        if not ag.is_grad_enabled():
            return False
        tensors = [sequences] + _flatten(states) + list(self.trainable_weights)
        return any(getattr(t, "requires_grad", False) for t in tensors)

    def _run_steps(self, sequences, states, keep, training):
        """(outputs (batch, time, units) in processing order, last output, final states) from the cell, step
        by step."""
        order = range(sequences.shape[1] - 1, -1, -1) if self.go_backwards else range(sequences.shape[1])
        outputs, previous = [], None
        for t in order:
            output, new_states = _call_cell(self.cell, sequences[:, t], states, training)
            new_states = list(new_states) if _is_nested(new_states) else [new_states]
            flat = _flatten(new_states)
            if len(flat) == len(_flatten(states)):   # Keras keeps the initial states' nesting (one stacked cell)
                new_states = _pack_as(states, flat)
            if keep is not None:
                kept = keep[:, t]
                if previous is None or self.zero_output_for_mask:
                    previous = ag.zeros_like(output)
                output = ag.where(_along(kept, output), output, previous)
                new_states = _pack_as(states, [ag.where(_along(kept, new), new, old) for new, old in
                                               zip(_flatten(new_states), _flatten(states))])
            states, previous = new_states, output
            outputs.append(output)
        return ag.stack(outputs, dim=1), outputs[-1], states

    def _run_fused(self, mode, sequences, states, keep):
        """The same results from deepgrad's whole-sequence recurrence (built-in cells only)."""
        h0 = states[0]
        c0 = states[1] if mode == "lstm" else None
        weights = _torch_weights(self.cell, mode)
        if keep is not None:
            outputs, new_states, last = masked_run(mode, sequences, keep, self.go_backwards, h0, c0, weights,
                                                   self.zero_output_for_mask)
        else:
            result = F.recurrence(mode, sequences.transpose(0, 1), h0, c0, *weights, reverse=self.go_backwards)
            outputs, new_states, last = result[0].transpose(0, 1), list(result[1:]), result[1]
        if self.go_backwards:
            outputs = ag.flip(outputs, (1,))
        return outputs, last, new_states

    def compute_mask(self, inputs, mask=None):
        """The input's mask for returned sequences, else None (and None for each returned state)."""
        if _is_nested(mask):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def get_config(self):
        from ..saving.serialization import serialize_keras_object   # saving imports the layers package
        config = {"name": self.name, "trainable": self.trainable, "dtype": policy_config(self),
                  "return_sequences": self.return_sequences, "return_state": self.return_state,
                  "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                  "zero_output_for_mask": self.zero_output_for_mask, "cell": serialize_keras_object(self.cell)}
        return config
