"""SimpleRNN, LSTM and GRU layers with options deepgrad's fused recurrence lacks — other activations,
GRU(reset_after=False), recurrent_dropout — run step by step through the matching Keras cell (rnn_cells.py),
which shares the layer's weights, as Keras 3 runs every recurrent layer through its cell."""
import autograd as ag

from ..naming import snake_case
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell

_CELLS = {"SimpleRNN": SimpleRNNCell, "LSTM": LSTMCell, "GRU": GRUCell}


def cell_of(layer):
    """The layer's cell, as Keras's `layer.cell` (made on first use, not tracked as a sub-layer), holding the
    layer's weights once it is built."""
    cell = layer.__dict__.get("_step_cell")
    if cell is None:
        kind = type(layer).__name__
        config = layer._config
        kernel_init, recurrent_init, bias_init = layer._inits   # made already: the cell draws no new seeds
        options = {"activation": config["activation"], "use_bias": layer.use_bias, "dropout": layer.dropout,
                   "recurrent_dropout": config["recurrent_dropout"], "seed": layer.seed,
                   "kernel_initializer": kernel_init, "recurrent_initializer": recurrent_init,
                   "bias_initializer": bias_init, "_seed_generator": layer.seed_generator,
                   **dict(zip(("kernel_regularizer", "recurrent_regularizer", "bias_regularizer"), layer._regs)),
                   **dict(zip(("kernel_constraint", "recurrent_constraint", "bias_constraint"), layer._constraints))}
        if kind != "SimpleRNN":
            options["recurrent_activation"] = config["recurrent_activation"]
            options["implementation"] = layer._implementation
        if kind == "LSTM":
            options["unit_forget_bias"] = layer.unit_forget_bias
        if kind == "GRU":
            options["reset_after"] = layer.reset_after
        # named as Keras names a recurrent layer's cell (the same name in every layer, no counter)
        cell = _CELLS[kind](layer.units, name=snake_case(kind) + "_cell", **options)
        cell.holds_owner_weights = True   # its weights are the layer's own (loading and saving go by the layer)
        object.__setattr__(layer, "_step_cell", cell)
    if "kernel" in layer._parameters:   # built: the layer's current weights (set_weights may swap them)
        names = [n for n in ("kernel", "recurrent_kernel", "bias") if getattr(layer, n) is not None]
        for name in names:
            setattr(cell, name, getattr(layer, name))
        cell.bias = getattr(layer, "bias")
        cell._weight_names = names
        cell.built = True
        # as Keras's cell, built inside the layer's scope: its path is where its weights live
        object.__setattr__(cell, "_path", layer.kernel.path.rsplit("/", 1)[0])
    return cell


def stepwise_run(layer, inputs, reverse, h, c, keep, training):
    """(outputs (batch, time, units) in time order, final states [h, (c)], last output) of one pass of `layer`
    over `inputs`, backwards when `reverse`; where keep[:, t] is False the states stay and the output is the
    previous output (zeros with zero_output_for_mask), as Keras."""
    cell = cell_of(layer)
    batch, steps = inputs.shape[0], inputs.shape[1]
    states = [h if h is not None else ag.zeros((batch, layer.units), dtype=inputs.dtype)]
    if type(layer).__name__ == "LSTM":
        states.append(c if c is not None else ag.zeros((batch, layer.units), dtype=inputs.dtype))
    outputs, previous = [None] * steps, None
    try:
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            output, new_states = cell.call(inputs[:, t], states, training=training)
            if keep is not None:
                kept = keep[:, t].reshape(-1, 1)
                if previous is None or layer.zero_output_for_mask:
                    previous = ag.zeros_like(output)
                output = ag.where(kept, output, previous)
                new_states = [ag.where(kept, new, old) for new, old in zip(new_states, states)]
            states, previous = list(new_states), output
            outputs[t] = output
    finally:
        cell.reset_dropout_mask()
        cell.reset_recurrent_dropout_mask()
    return ag.stack(outputs, dim=1), states, previous
