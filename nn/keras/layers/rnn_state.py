"""Keras's `stateful=True` for recurrent layers: the final states of one batch are the initial states of the
next, so a long sequence can be fed one chunk at a time.

As in Keras, the states live in non-trainable Variables named 'rnn_state' (`layer.states`, not among the
layer's weights), made for the batch size the layer is built with, which must therefore be fixed (an Input
with `batch_size`, or the first eager batch). Calls read them when no initial_state is given and write the new
states back (off the graph, so no gradient flows from one batch into the next); `reset_state()` sets them to
zeros. A shape probe (a functional call on KerasTensors) neither reads nor writes them.
"""
import autograd as ag

from ..autocast_scope import float_dtype, in_compute_dtype
from ..context import in_shape_probe, name_scope, scope_path
from ..symbolic import KerasTensor, flatten
from ..variables import Variable


def _map(structure, fn):
    if isinstance(structure, (list, tuple)):
        return [_map(item, fn) for item in structure]
    return fn(structure)


class StatefulRNN:
    """Mixed into a recurrent layer that sets `self.stateful` and defines `zero_states(batch_size)` (its initial
    states, nested as its cell's)."""

    states = None
    _expected_batch_size = None

    def _build_for(self, inputs):
        super()._build_for(inputs)
        if self.stateful and self.states is None:
            self.build_states(flatten(inputs)[0])

    def build_states(self, sequences):
        """Make the state Variables for the batch size of `sequences` (a Tensor or KerasTensor)."""
        batch = sequences.shape[0]
        if batch is None:
            raise ValueError("When using `stateful=True` in a RNN, the batch size must be static. Found dynamic "
                             f"batch size: sequence.shape={tuple(sequences.shape)}")
        with name_scope(self):
            path = f"{scope_path()}/rnn_state"

        def variable(value):   # in the variable dtype (float32 under a mixed policy), as Keras's
            state = Variable(value.detach().float().numpy(), dtype=float_dtype(self.variable_dtype),
                             trainable=False, name="rnn_state")
            state.path = path
            return state
        object.__setattr__(self, "states", _map(self.zero_states(int(batch)), variable))
        object.__setattr__(self, "_expected_batch_size", int(batch))

    def stored_states(self, sequences):
        """The initial states of a stateful call on `sequences`: the kept states (zeros in a shape probe)."""
        if in_shape_probe() or isinstance(sequences, KerasTensor):
            return self.zero_states(sequences.shape[0])
        if self.states is None:
            self.build_states(sequences)
        if sequences.shape[0] != self._expected_batch_size:
            raise ValueError("If an RNN is stateful, the batch size of the input sequences must be the same as the "
                             f"batch size of the initial state. \n- Expected batch size: "
                             f"{self._expected_batch_size}\n- Received batch size: {sequences.shape[0]}")
        # a copy (keep_states writes in place), in the compute dtype as Keras casts the states
        return _map(self.states, lambda state: in_compute_dtype(self, state.value.clone()))

    def keep_states(self, new_states):
        """Write a call's final states into the state Variables (not in a shape probe)."""
        if self.stateful and self.states is not None and not in_shape_probe():
            for state, value in zip(flatten(self.states), flatten(new_states)):
                state.assign(value)

    def reset_state(self):
        """Set the kept states to zeros (nothing to do for a layer that is not stateful)."""
        for state in flatten(self.states) if self.states is not None else ():
            state.assign(ag.zeros(tuple(state.shape)))

    def reset_states(self):
        """Keras's older name for reset_state."""
        self.reset_state()
