"""Recurrent Keras layers: SimpleRNN, LSTM, GRU and the Bidirectional wrapper, on (batch, time, features).

Weights keep Keras's names, shapes and gate layouts, so get_weights/set_weights match Keras:
- SimpleRNN: kernel (in, u), recurrent_kernel (u, u), bias (u,)
- LSTM: kernel (in, 4u), recurrent_kernel (u, 4u), bias (4u,); gates i, f, c, o (PyTorch's order)
- GRU (reset_after=True, Keras 3's default): kernel (in, 3u), recurrent_kernel (u, 3u), bias (2, 3u) (input
  and recurrent biases); gates z, r, h, reordered to PyTorch's r, z, n for deepgrad's fused recurrence
  (reset_after=False: bias (3u,)).
Each direction runs as one graph node (nn.functional.recurrence); other activations, GRU(reset_after=False) and
recurrent_dropout run step by step through Keras's cell instead (recurrent_steps.py). With a mask (batch, time), a direction runs
as Keras does (masked_recurrence.py: still one recurrence): a masked step keeps the previous state, and its
output is the previous output (zeros with zero_output_for_mask, which Bidirectional sets for returned
sequences). With stateful=True a layer carries its final states into its next call (rnn_state.py).
"""
import numbers

import autograd as ag
from autograd.errors import IdentifierError, KeywordError

from ... import functional as F
from .. import activations, constraints, initializers, masking, regularizers
from .. import random as keras_random
from ..autocast_scope import autocast_call, float_dtype, in_compute_dtype
from ..context import in_shape_probe
from ..input_spec import InputSpec
from ..layer import Layer
from ..layer_config import keras_forms
from ..naming import snake_case
from ..symbolic import flatten
from .masked_recurrence import masked_run
from .recurrent_gates import _gru_to_torch, forget_gate_ones
from .recurrent_steps import cell_of, stepwise_run
from .rnn_state import StatefulRNN

_MODES = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}


class _RNN(StatefulRNN, Layer):
    """Shared construction and running of SimpleRNN, LSTM and GRU."""
    input_layout = "(batch, time, features)"   # named in the message for an input of another rank

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        config = {k: v for k, v in locals().items() if k not in ("self", "kwargs", "__class__")}
        if isinstance(self, _Gated):   # Keras's LSTM/GRU arguments that pick a kernel (no config entry)
            self.use_cudnn = kwargs.pop("use_cudnn", "auto")
            if self.use_cudnn not in ("auto", True, False):
                raise ValueError(f"{type(self).__name__}: use_cudnn must be 'auto', True or False, got "
                                 f"{self.use_cudnn!r}")
            self._implementation = kwargs.pop("implementation", 2)
        config.update({k: v for k, v in kwargs.items() if k not in ("name", "input_shape", "batch_size")})
        unit_forget_bias = kwargs.pop("unit_forget_bias", True)
        reset_after = kwargs.pop("reset_after", True)
        seed = kwargs.pop("seed", None)   # Keras's seed of the dropout masks (deepgrad draws from its own RNG)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        # a fractional size was truncated before (LSTM(2.5) had 2 units); Keras fails building its weights
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
            raise ValueError(f"{type(self).__name__}: units must be a positive integer, got {units!r}")
        self.seed = seed
        self._config, self.unit_forget_bias, self.reset_after = config, unit_forget_bias, reset_after
        kind = type(self).__name__
        activations.get(activation)   # a misspelt name fails here, as Keras's, not at the first call
        if kind != "SimpleRNN":
            activations.get(recurrent_activation)
        if kind == "SimpleRNN":
            fused = activation in ("tanh", "relu")
            self.mode = "rnn_" + (activation if fused else "tanh")
        else:
            fused = activation == "tanh" and recurrent_activation == "sigmoid" and (kind == "LSTM" or reset_after)
            self.mode = kind.lower()
        # other options run step by step through Keras's cell (recurrent_steps.py)
        self._stepwise = not fused or bool(recurrent_dropout)
        self._constraints = (kernel_constraint, recurrent_constraint, bias_constraint)
        self.units, self.use_bias, self.dropout = int(units), use_bias, float(dropout)
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.stateful = bool(stateful)
        self.supports_masking = True
        # as Keras's cells: the initializers and the dropout SeedGenerator are made now, in the cell's order (a
        # SimpleRNNCell makes its SeedGenerator first), so that their default seeds come as Keras's do
        if kind == "SimpleRNN":
            self.seed_generator = keras_random.SeedGenerator(seed)
        self._inits = tuple(initializers.get(v) if isinstance(v, (str, dict, type)) else v
                            for v in (kernel_initializer, recurrent_initializer, bias_initializer))
        for key, made in zip(("kernel_initializer", "recurrent_initializer", "bias_initializer"), self._inits):
            if isinstance(config[key], dict):   # a serialized one (from_config): the config shows what it made
                config[key] = made
        if kind != "SimpleRNN":
            self.seed_generator = keras_random.SeedGenerator(seed)
        self._regs = (kernel_regularizer, recurrent_regularizer, bias_regularizer)

    def get_config(self):
        """Keras's config for SimpleRNN / LSTM / GRU: the RNN options, then the cell's arguments in Keras's order
        (LSTM's unit_forget_bias, GRU's reset_after and the dropout seed included)."""
        kind = type(self).__name__
        values = {**self._config, "unit_forget_bias": self.unit_forget_bias, "reset_after": self.reset_after,
                  "seed": self.seed, "activity_regularizer": self.activity_regularizer,
                  "zero_output_for_mask": self.zero_output_for_mask}   # Bidirectional sets it on its layers
        names = (["return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask",
                  "units", "activation"] + (["recurrent_activation"] if kind != "SimpleRNN" else [])
                 + ["use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer"]
                 + (["unit_forget_bias"] if kind == "LSTM" else [])
                 + ["kernel_regularizer", "recurrent_regularizer", "bias_regularizer", "activity_regularizer",
                    "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout"]
                 + (["reset_after"] if kind == "GRU" else []) + (["seed"] if kind != "SimpleRNN" else []))
        base = {k: v for k, v in Layer.get_config(self).items()
                if k in ("name", "trainable", "dtype", "activity_regularizer")}
        return {**base, **keras_forms({name: values[name] for name in names})}

    @classmethod
    def from_config(cls, config):
        """The layer made again from get_config's dict, its initializers left as configs for the constructor to
        make: as Keras's cell makes them, after a SimpleRNN's SeedGenerator, so that their default seeds come in
        Keras's order."""
        from ..saving.keras_config_compat import from_keras_config
        from ..saving.serialization import deserialize_keras_object
        config = from_keras_config(config)
        return cls(**{k: v if k.endswith("_initializer") else deserialize_keras_object(v) for k, v in config.items()})

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            raise ValueError(f"{self.name}: expects inputs (batch, time, features) with known features, got "
                             f"{input_shape}")
        gates = _MODES[type(self).__name__] * self.units
        kernel_init, recurrent_init, bias_init = self._inits
        self.kernel = self.add_weight((input_shape[-1], gates), kernel_init, regularizer=self._regs[0],
                                      constraint=self._constraints[0], name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, gates), recurrent_init, regularizer=self._regs[1],
                                                constraint=self._constraints[1], name="recurrent_kernel")
        if self.use_bias:
            shape = (2, gates) if self.mode == "gru" and self.reset_after else (gates,)
            self.bias = self.add_weight(shape, self._bias_initializer(bias_init), regularizer=self._regs[2],
                                        constraint=self._constraints[2], name="bias")
        else:
            self.bias = None
        cell = snake_case(type(self).__name__) + "_cell"   # Keras keeps these weights in a cell sub-layer
        for weight in self._own_weights():
            weight.path = f"{weight.path.rsplit('/', 1)[0]}/{cell}/{weight.name}"

    def _bias_initializer(self, bias_init):
        if self.mode != "lstm" or not self.unit_forget_bias:
            return bias_init
        return forget_gate_ones(bias_init, self.units)

    def _torch_weights(self):
        """(w_ih, w_hh, b_ih, b_hh) in deepgrad's (PyTorch's) layout, made from the Keras weights."""
        if self.mode == "gru":
            u = self.units
            w_ih = _gru_to_torch(self.kernel, u, 1).T
            w_hh = _gru_to_torch(self.recurrent_kernel, u, 1).T
            if self.bias is None:
                return w_ih, w_hh, None, None
            return w_ih, w_hh, _gru_to_torch(self.bias[0], u, 0), _gru_to_torch(self.bias[1], u, 0)
        return self.kernel.T, self.recurrent_kernel.T, self.bias, None

    @property
    def cell(self):
        """Keras's `layer.cell`: a SimpleRNNCell / LSTMCell / GRUCell with this layer's settings, holding its
        weights (kernel, recurrent_kernel, bias) once the layer is built."""
        return cell_of(self)

    # Keras's layer reads these through to its cell: the cell's settings, as objects
    @property
    def activation(self):
        """The output activation, as a function."""
        return activations.get(self._config["activation"])

    @property
    def kernel_initializer(self):
        return self._inits[0]

    @property
    def recurrent_initializer(self):
        return self._inits[1]

    @property
    def bias_initializer(self):
        return self._inits[2]

    @property
    def kernel_regularizer(self):
        return regularizers.get(self._regs[0])

    @property
    def recurrent_regularizer(self):
        return regularizers.get(self._regs[1])

    @property
    def bias_regularizer(self):
        return regularizers.get(self._regs[2])

    @property
    def kernel_constraint(self):
        return constraints.get(self._constraints[0])

    @property
    def recurrent_constraint(self):
        return constraints.get(self._constraints[1])

    @property
    def bias_constraint(self):
        return constraints.get(self._constraints[2])

    @property
    def recurrent_dropout(self):
        return float(self._config["recurrent_dropout"])

    @property
    def unroll(self):
        return self._config["unroll"]

    @property
    def state_size(self):
        """The size of each state, as a list ([units, units] for an LSTM's h and c)."""
        return [self.units] * (2 if self.mode == "lstm" else 1)

    def get_initial_state(self, batch_size):
        """The states a sequence starts from: zeros (batch_size, units) each."""
        return self.zero_states(batch_size)

    def zero_states(self, batch_size):
        """The initial states [h] ([h, c] for an LSTM): zeros (batch_size, units)."""
        dtype = float_dtype(self.compute_dtype) or ag.float32   # Keras: the compute dtype (float16 when mixed)
        return [ag.zeros((batch_size, size), dtype=dtype) for size in self.state_size]

    def run(self, inputs, reverse, initial_state=None, training=False, mask=None):
        """(outputs (batch, time, units) in time order, [h, (c)], last output) for one pass, backwards when
        `reverse`; a mask (batch, time) skips the masked steps as Keras does. A stateful layer starts from its
        kept states when no initial_state is given, and keeps the final ones."""
        if self.stateful and initial_state is None:
            initial_state = self.stored_states(inputs)
        elif initial_state is not None:   # as Keras: given states are cast to the compute dtype
            given = initial_state if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(given) < len(self.state_size):   # Keras indexes the missing state: an IndexError
                raise IndexError(f"{self.name} ({type(self).__name__}): initial_state holds {len(given)} state(s) "
                                 f"but the layer keeps {len(self.state_size)} (shapes (batch, {self.units}) each"
                                 f"{': [h, c] for an LSTM' if len(self.state_size) == 2 else ''}); pass one tensor "
                                 "per state")
            initial_state = [in_compute_dtype(self, s) for s in given]
        result = self._run_pass(inputs, reverse, initial_state, training, mask)
        self.keep_states(result[1])
        return result

    def _run_pass(self, inputs, reverse, initial_state, training, mask):
        if inputs.ndim != 3:
            raise ValueError(f"{self.name}: expects inputs (batch, time, features), got shape {inputs.shape}")
        if not inputs.is_floating_point():
            inputs = inputs.float()
        cell = self._draw_dropout_masks(inputs, initial_state)
        try:
            return self._run_drawn(inputs, reverse, initial_state, training, mask, cell)
        finally:
            if cell is not None:
                cell.reset_dropout_mask()
                cell.reset_recurrent_dropout_mask()

    def _draw_dropout_masks(self, inputs, initial_state):
        """The step cell holding this call's dropout masks, drawn now as Keras's RNN draws them before its loop
        (on every call, in inference too; none while finding a functional call's shapes); None without dropout."""
        if not (self.dropout or self._config["recurrent_dropout"]) or in_shape_probe():
            return None
        cell = cell_of(self)
        if initial_state is None:
            h = ag.zeros((inputs.shape[0], self.units), dtype=inputs.dtype)
        else:
            h = initial_state[0] if isinstance(initial_state, (list, tuple)) else initial_state
        cell.draw_dropout_masks(inputs[:, 0], h)
        return cell

    def _run_drawn(self, inputs, reverse, initial_state, training, mask, cell):
        if self._stepwise:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            return stepwise_run(self, inputs, reverse, states[0], states[1] if len(states) > 1 else None,
                                None if mask is None else masking.as_bool(mask), training)
        if self.dropout and training:  # one mask per sequence, shared by every step (as Keras)
            inputs = inputs * cell.get_dropout_mask(inputs[:, 0]).unsqueeze(1)
        h0 = c0 = None
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            h0 = states[0]
            c0 = states[1] if self.mode == "lstm" else None
        weights = self._torch_weights()
        if mask is not None:
            return self._run_masked(inputs, masking.as_bool(mask), reverse, h0, c0, weights)
        result = F.recurrence(self.mode, inputs.transpose(0, 1), h0, c0, *weights, reverse=reverse)
        return result[0].transpose(0, 1), list(result[1:]), result[1]

    def _run_masked(self, inputs, keep, reverse, h, c, weights):
        """The pass with a mask: where keep[:, t] is False the states stay and the output is the previous
        output (or zeros with zero_output_for_mask)."""
        batch, steps = inputs.shape[0], inputs.shape[1]
        if tuple(keep.shape) != (batch, steps):
            raise ValueError(f"{self.name}: the mask must have shape (batch, time) = {(batch, steps)}, got "
                             f"{tuple(keep.shape)}")
        return masked_run(self.mode, inputs, keep, reverse, h, c if self.mode == "lstm" else None, weights,
                          self.zero_output_for_mask)

    def call(self, inputs, initial_state=None, mask=None, training=False):   # Keras's default, as Dropout's
        sequence, states, last = self.run(inputs, self.go_backwards, initial_state, bool(training), mask)
        if self.return_sequences:
            output = ag.flip(sequence, (1,)) if self.go_backwards else sequence
        else:
            output = last
        return (output, *states) if self.return_state else output   # a tuple, as Keras returns

    def compute_mask(self, inputs, mask=None):
        """The input's mask for returned sequences, else None (and None for each returned state)."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * (2 if self.mode == "lstm" else 1)
        return output_mask


def _forwarded(arguments):
    """A constructor's locals() as keyword arguments for _RNN's (its **kwargs merged in)."""
    arguments = {k: v for k, v in arguments.items() if k not in ("self", "__class__")}
    kwargs = arguments.pop("kwargs")
    return {**arguments, **kwargs}


class SimpleRNN(_RNN):
    """h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias), activation 'tanh' or 'relu'."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, unroll=False,
                 seed=None, **kwargs):   # Keras's signature (it has no recurrent_activation)
        if "recurrent_activation" in kwargs:
            raise KeywordError("Unrecognized keyword arguments passed to SimpleRNN: recurrent_activation (a "
                               "SimpleRNN has no gates; use LSTM or GRU for a recurrent_activation)")
        super().__init__(**_forwarded(locals()))
        self.input_spec = [InputSpec(ndim=3)]   # as Keras: a list of one, where LSTM and GRU have the spec itself


class _Gated:
    @property
    def recurrent_activation(self):
        """The gates' activation, as a function."""
        return activations.get(self._config["recurrent_activation"])


class LSTM(_Gated, _RNN):
    """Long short-term memory (Keras's gates i, f, c, o; the forget bias starts at 1 with unit_forget_bias)."""
    _init_input_spec = {"ndim": 3}

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, use_cudnn="auto", **kwargs):   # Keras's signature
        super().__init__(**_forwarded(locals()))


class GRU(_Gated, _RNN):
    """Gated recurrent unit, Keras 3 flavour (reset gate applied after the recurrent matmul)."""
    _init_input_spec = {"ndim": 3}

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, seed=None, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, reset_after=True, use_cudnn="auto", **kwargs):   # Keras's signature
        super().__init__(**_forwarded(locals()))


def _removeprefix(name, prefix):
    return name[len(prefix):] if name.startswith(prefix) else name


class Bidirectional(Layer):
    """Runs `layer` forwards and a copy of it backwards and merges their outputs ('concat', 'sum', 'mul',
    'ave', or None for a list). Weights: the forward layer's, then the backward layer's."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, StatefulRNN):   # SimpleRNN, LSTM, GRU, and RNN over any cell (ConvLSTM too)
            raise IdentifierError(f"Bidirectional wraps a recurrent layer (SimpleRNN, LSTM, GRU, or RNN over a cell), "
                                  f"got {type(layer).__name__}; put the Dense after the recurrent layer (or wrap it "
                                  "in TimeDistributed)")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: "
                             f"{backward_layer}")
        super().__init__(**kwargs)
        if merge_mode not in ("concat", "sum", "mul", "ave", None):
            raise ValueError(f"Bidirectional: merge_mode must be 'concat', 'sum', 'mul', 'ave' or None, got "
                             f"{merge_mode!r}")
        self.merge_mode = merge_mode
        # as Keras: both directions are new layers made from the layer's config (so an initializer or dropout
        # seed left to its default is drawn again for each, from Python's `random`), the given one is not used
        from ..saving.serialization import deserialize_keras_object, serialize_keras_object
        config = serialize_keras_object(layer)
        config["config"]["name"] = f"forward_{_removeprefix(layer.name, 'forward_')}"
        forward_layer = deserialize_keras_object(config)
        if backward_layer is None:
            config = serialize_keras_object(layer)
            config["config"]["go_backwards"] = True   # as Keras: a go_backwards layer is then refused below
            config["config"]["name"] = f"backward_{_removeprefix(layer.name, 'backward_')}"
            backward_layer = deserialize_keras_object(config)
        layer = forward_layer
        self.forward_layer, self.backward_layer = layer, backward_layer
        _check_directions(layer, backward_layer)
        for direction in (layer, backward_layer):   # as Keras: masked steps of returned sequences are zeros
            direction.zero_output_for_mask = direction.return_sequences
            if isinstance(direction._constructor_arguments, dict):   # and their configs say so, as Keras's
                direction._constructor_arguments["zero_output_for_mask"] = direction.return_sequences
        self.supports_masking = True
        self.return_sequences, self.return_state = layer.return_sequences, layer.return_state
        self.stateful = layer.stateful
        self.input_spec = layer.input_spec   # as Keras: the wrapped layer's (None for RNN over a cell)
        if weights:
            # as Keras 3: each direction keeps its half as `initial_weights`, which nothing reads (the weights are
            # drawn fresh when built); set_weights after building sets them
            half = len(weights) // 2
            layer.initial_weights, backward_layer.initial_weights = weights[:half], weights[half:]

    def build(self, input_shape):
        for layer in (self.forward_layer, self.backward_layer):
            layer._build_for_shape(input_shape)

    def _build_for(self, inputs):
        super()._build_for(inputs)
        for layer in (self.forward_layer, self.backward_layer):   # stateful layers: states for this batch size
            if layer.stateful and layer.states is None:
                layer.build_states(flatten(inputs)[0])

    @property
    def states(self):
        """The forward layer's kept states, then the backward layer's (None unless stateful), as Keras."""
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states + self.backward_layer.states)
        return None

    def reset_state(self):
        """Set both directions' kept states to zeros; an AttributeError unless the layer is stateful."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def reset_states(self):
        """Keras's older name for reset_state."""
        self.reset_state()

    def call(self, inputs, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        # each direction in its own policy (its run skips __call__: its inputs and weights are cast here), the
        # results in this layer's compute dtype, as Keras
        fwd, fwd_states, fwd_last = _run_direction(self.forward_layer, inputs, forward_state, training, mask)
        bwd, bwd_states, bwd_last = _run_direction(self.backward_layer, inputs, backward_state, training, mask)
        fwd, fwd_last, bwd, bwd_last = (in_compute_dtype(self, t) for t in (fwd, fwd_last, bwd, bwd_last))
        if self.return_sequences:
            outputs = (fwd, bwd)
        else:
            outputs = (fwd_last, bwd_last)
        merged = self._merge(*outputs)
        if self.return_state:
            merged = (merged if isinstance(merged, tuple) else (merged,)) + tuple(fwd_states + bwd_states)
        return merged

    def get_config(self):
        """Keras's config: merge_mode and the forward and backward layers, serialized."""
        from ..saving.serialization import serialize_keras_object
        return {**Layer.get_config(self), "merge_mode": self.merge_mode,
                "layer": serialize_keras_object(self.forward_layer),
                "backward_layer": serialize_keras_object(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The wrapper made again from get_config's dict (its layers deserialized)."""
        from ..saving.serialization import deserialize_keras_object
        config = dict(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_keras_object(config["backward_layer"], custom_objects)
        return cls(**config)

    def compute_mask(self, inputs, mask=None):
        """The input's mask for returned sequences (a pair with merge_mode=None), else None; as Keras 3, no masks
        for the returned states."""
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = (mask, mask) if self.merge_mode is None else mask
        else:
            output_mask = (None, None) if self.merge_mode is None else None
        if self.return_state and self.states is not None:
            # Keras 3.15 fails here (it multiplies a generator of state masks), so it cannot call such a layer
            raise TypeError("Bidirectional: a stateful layer with return_state=True fails in Keras 3 (its compute_mask "
                            "raises unsupported operand type(s) for *: 'generator' and 'int'); pass "
                            "return_state=False or stateful=False")
        return output_mask

    def _merge(self, a, b):
        if self.merge_mode == "concat":
            return ag.cat([a, b], dim=-1)
        if self.merge_mode == "sum":
            return a + b
        if self.merge_mode == "mul":
            return a * b
        if self.merge_mode == "ave":
            return (a + b) * 0.5
        return (a, b)   # merge_mode=None: both directions, as a tuple (Keras's)


def _check_directions(forward, backward):
    """Keras's checks of a Bidirectional's two layers: opposite go_backwards, the same stateful, return_sequences
    and return_state (a ValueError naming the attribute otherwise)."""
    if forward.go_backwards == backward.go_backwards:
        raise ValueError(f"Forward layer and backward layer should have different `go_backwards` value. Received: "
                         f"forward_layer.go_backwards {forward.go_backwards}, backward_layer.go_backwards="
                         f"{backward.go_backwards} (Bidirectional runs a copy of the wrapped layer backwards: wrap "
                         "a layer with go_backwards=False, or give a backward_layer with go_backwards=True)")
    for name in ("stateful", "return_sequences", "return_state"):
        if getattr(forward, name) != getattr(backward, name):
            raise ValueError(f"Forward layer and backward layer are expected to have the same value for attribute "
                             f"\"{name}\", got \"{getattr(forward, name)}\" for forward layer and "
                             f"\"{getattr(backward, name)}\" for backward layer")


def _run_direction(layer, inputs, initial_state, training, mask):
    """(outputs (batch, time, ...) in time order, final states, last output) of one direction of a Bidirectional.
    SimpleRNN/LSTM/GRU run their pass directly, in their own policy (inputs and weights cast here); any other
    recurrent layer (RNN over a cell) is called as Keras calls it, and its returned sequence, in processing
    order, put back in time order."""
    if isinstance(layer, _RNN):
        with autocast_call(layer):
            return layer.run(in_compute_dtype(layer, inputs), layer.go_backwards, initial_state, bool(training), mask)
    result = layer(inputs, initial_state=initial_state, mask=mask, training=training)
    output, states = (result[0], list(result[1:])) if layer.return_state else (result, [])
    if not layer.return_sequences:
        return output, states, output
    ordered = ag.flip(output, (1,)) if layer.go_backwards else output
    return ordered, states, output[:, -1]
