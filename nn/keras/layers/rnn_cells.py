"""Keras's recurrent cells: SimpleRNNCell, LSTMCell and GRUCell, one time step each, for keras.layers.RNN.

`cell(inputs (batch, features), states, training)` -> (output, new_states). Weights keep Keras's names,
shapes and gate layouts (see recurrent.py): kernel (in, g*u), recurrent_kernel (u, g*u), bias (g*u,) or,
for GRU with reset_after, (2, 3u). With the default activations the LSTM and GRU steps run as deepgrad's
fused cells (nn.functional.lstm_cell / gru_cell); other activations and GRU with reset_after=False are
composed from plain ops.

Dropout as Keras: in training, `dropout` multiplies the step inputs and `recurrent_dropout` the previous
output by one mask each, drawn at the first step of a sequence and kept until keras.layers.RNN resets it
after the sequence (a cell called by hand keeps its masks until reset_dropout_mask()). The masks are
keras.random.dropout's of ones with the cell's SeedGenerator: Keras's numbers after set_random_seed, from its
generator with a `seed`, from the global stream without one. A recurrent layer draws them on every call, in
inference too, as Keras does (draw_dropout_masks).
"""
import numbers

import autograd as ag

from ... import functional as F
from .. import activations, constraints, initializers, regularizers
from .. import random as keras_random
from ..autocast_scope import float_dtype
from ..layer import Layer
from ..layer_config import keras_forms
from ..signature_tail import with_parent_arguments
from .recurrent_gates import _gru_to_torch, forget_gate_ones


def _step_input(cell, inputs):
    if inputs.ndim != 2:
        raise ValueError(f"{cell.name}: a cell takes one time step (batch, features), got inputs of shape "
                         f"{tuple(inputs.shape)}; wrap the cell in keras.layers.RNN to run it over (batch, time, "
                         "features)")
    return inputs if inputs.is_floating_point() else inputs.float()


def _state_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


class _DropoutCell(Layer):
    """Shared construction, dropout masks and initial states of the three cells."""

    _GATES = 1
    _SEED_FIRST = False   # whether the SeedGenerator comes before the initializers even with several gates

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        # a recurrent layer's own step cell draws from the layer's SeedGenerator (and makes none of its own)
        shared_generator = kwargs.pop("_seed_generator", None)
        implementation = kwargs.pop("implementation", 2) if self._GATES > 1 else None
        super().__init__(**kwargs)
        if implementation is not None:   # Keras's LSTMCell/GRUCell setting (recurrent dropout makes it 1)
            self.implementation = 1 if recurrent_dropout else implementation
        kind = type(self).__name__
        # a fractional size was truncated before (LSTM(2.5) had 2 units); Keras fails building its weights
        if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
            raise ValueError(f"{kind}: units must be a positive integer, got {units!r}")
        for name, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0.0 <= float(rate) < 1.0:
                raise ValueError(f"{kind}: {name} must be in [0, 1), got {rate!r}")
        self.units, self.use_bias = int(units), bool(use_bias)
        self.activation_name, self.recurrent_activation_name = activation, recurrent_activation
        self.activation = activations.get(activation)
        if self._GATES > 1:   # a SimpleRNNCell has no gates, and Keras's has no recurrent_activation
            self.recurrent_activation = activations.get(recurrent_activation)
        self.dropout, self.recurrent_dropout, self.seed = float(dropout), float(recurrent_dropout), seed
        # as Keras's cells: the initializers and the SeedGenerator are made now, in the cell's order (a
        # SimpleRNNCell makes its SeedGenerator first), so that their default seeds come as Keras's do
        given = (kernel_initializer, recurrent_initializer, bias_initializer)
        seed_first = self._GATES == 1 or self._SEED_FIRST
        if seed_first:
            self.seed_generator = shared_generator or keras_random.SeedGenerator(seed)
        self._inits = given   # as given, for get_config
        self._initializers = tuple(initializers.get(v) if isinstance(v, (str, dict, type)) else v for v in given)
        if not seed_first:
            self.seed_generator = shared_generator or keras_random.SeedGenerator(seed)
        self._regs = (kernel_regularizer, recurrent_regularizer, bias_regularizer)
        self._constraints = tuple(constraints.get(c) for c in (kernel_constraint, recurrent_constraint,
                                                                bias_constraint))
        self._dropout_mask = self._recurrent_dropout_mask = None

    def get_config(self):
        """The constructor's arguments under Keras's keys (and the layer's name, trainable flag and dtype)."""
        config = super().get_config()
        config.update({"units": self.units, "activation": self.activation_name})
        if self._GATES > 1:
            config["recurrent_activation"] = self.recurrent_activation_name
        config["use_bias"] = self.use_bias
        # in Keras's serialized forms, as its cells give them (an initializer's name becomes its config)
        config.update(keras_forms(dict(zip(("kernel_initializer", "recurrent_initializer", "bias_initializer"),
                                           self._inits))))
        config.update(keras_forms(dict(zip(("kernel_regularizer", "recurrent_regularizer", "bias_regularizer"),
                                           self._regs))))
        config.update(keras_forms(dict(zip(("kernel_constraint", "recurrent_constraint", "bias_constraint"),
                                           self._constraints))))
        config.update({"dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed})
        return config

    # the settings as objects, as Keras's cells keep them
    kernel_initializer = property(lambda self: self._initializers[0])
    recurrent_initializer = property(lambda self: self._initializers[1])
    bias_initializer = property(lambda self: self._initializers[2])
    kernel_regularizer = property(lambda self: regularizers.get(self._regs[0]))
    recurrent_regularizer = property(lambda self: regularizers.get(self._regs[1]))
    bias_regularizer = property(lambda self: regularizers.get(self._regs[2]))
    kernel_constraint = property(lambda self: self._constraints[0])
    recurrent_constraint = property(lambda self: self._constraints[1])
    bias_constraint = property(lambda self: self._constraints[2])

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def build(self, input_shape):
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(f"{self.name}: a cell is built for one time step (batch, features) with known "
                             f"features, got input shape {tuple(input_shape)}")
        gates = self._GATES * self.units
        kernel_init, recurrent_init, bias_init = self._initializers
        self.kernel = self.add_weight((input_shape[-1], gates), kernel_init, regularizer=self._regs[0],
                                      constraint=self._constraints[0], name="kernel")
        self.recurrent_kernel = self.add_weight((self.units, gates), recurrent_init, regularizer=self._regs[1],
                                                constraint=self._constraints[1], name="recurrent_kernel")
        if self.use_bias:
            self.bias = self.add_weight(self._bias_shape(gates), self._bias_initializer(bias_init),
                                        regularizer=self._regs[2], constraint=self._constraints[2], name="bias")
        else:
            self.bias = None

    def _bias_shape(self, gates):
        return (gates,)

    def _bias_initializer(self, bias_init):
        return bias_init

    def get_initial_state(self, batch_size=None):
        """Zero states, one (batch_size, units) array per entry of state_size."""
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        dtype = float_dtype(self.compute_dtype) or ag.float32   # Keras: the compute dtype (float16 when mixed)
        return [ag.zeros((batch_size, size), dtype=dtype) for size in sizes]

    def _mask_count(self):
        """Masks per dropout kind: one, or (as Keras with recurrent_dropout) one per gate block."""
        return self._GATES if self._GATES > 1 and self.recurrent_dropout > 0 else None

    def _draw(self, like, rate):
        ones = ag.ones_like(like.detach())
        count = self._mask_count()
        if count is None:
            return keras_random.dropout(ones, rate, seed=self.seed_generator)
        return [keras_random.dropout(ones, rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The input dropout mask of this sequence (drawn on first use, scaled by 1 / (1 - dropout); a list of
        one mask per gate block when recurrent_dropout is set)."""
        if self._dropout_mask is None and self.dropout > 0:
            self._dropout_mask = self._draw(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        """The recurrent dropout mask of this sequence (drawn on first use)."""
        if self._recurrent_dropout_mask is None and self.recurrent_dropout > 0:
            self._recurrent_dropout_mask = self._draw(step_state, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def reset_dropout_mask(self):
        """Forget the input dropout mask: the next sequence draws a new one."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        """Forget the recurrent dropout mask."""
        self._recurrent_dropout_mask = None

    def draw_dropout_masks(self, first_step, state):
        """Draw this sequence's masks now, as Keras's RNN does before its loop (in inference too): the input
        masks for `first_step` (batch, features), then the recurrent ones for `state` (batch, units)."""
        self.get_dropout_mask(first_step)
        self.get_recurrent_dropout_mask(state)

    def _per_gate(self, inputs, h_prev, training):
        """With recurrent_dropout: (input projections, previous outputs) per gate block, each with its own
        masks in training (input projections without bias)."""
        count = self._GATES
        dp = self.get_dropout_mask(inputs) if training and self.dropout > 0 else None
        rdp = self.get_recurrent_dropout_mask(h_prev) if training else None
        kernels = self.kernel.split(self.units, dim=1)
        xs = [(inputs if dp is None else inputs * dp[g]) @ kernels[g] for g in range(count)]
        hs = [h_prev if rdp is None else h_prev * rdp[g] for g in range(count)]
        return xs, hs

    def _dropped(self, inputs, h_prev, training):
        """(inputs, previous output) with this sequence's single dropout masks applied in training."""
        if training and self.dropout > 0:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and self.recurrent_dropout > 0:
            h_prev = h_prev * self.get_recurrent_dropout_mask(h_prev)
        return inputs, h_prev

    def _default_activations(self):
        return self.activation is activations.tanh and self.recurrent_activation is activations.sigmoid


class SimpleRNNCell(_DropoutCell):
    """output = activation(x @ kernel + bias + h_prev @ recurrent_kernel); the state is the output."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None, **kwargs):
        super().__init__(units, activation, "sigmoid", use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                         kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed,
                         **kwargs)

    def call(self, inputs, states, training=False):
        inputs = _step_input(self, inputs)
        h_prev = _state_list(states)[0]
        inputs, h_prev = self._dropped(inputs, h_prev, training)
        h = inputs @ self.kernel
        if self.bias is not None:
            h = h + self.bias
        output = self.activation(h + h_prev @ self.recurrent_kernel)
        return output, ([output] if isinstance(states, (list, tuple)) else output)


class LSTMCell(_DropoutCell):
    """Long short-term memory step (gates i, f, c, o); states [h, c], output h."""

    _GATES = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def get_config(self):
        """The cell's config with unit_forget_bias after use_bias, as Keras's lists it."""
        items = list(super().get_config().items())
        at = [k for k, _ in items].index("use_bias") + 1
        return dict(items[:at] + [("unit_forget_bias", self.unit_forget_bias)] + items[at:])

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self, bias_init):
        return forget_gate_ones(bias_init, self.units) if self.unit_forget_bias else bias_init

    def call(self, inputs, states, training=False):
        inputs = _step_input(self, inputs)
        h_prev, c_prev = _state_list(states)[:2]
        if self._mask_count() is not None:   # Keras's per-gate masks
            xs, hs = self._per_gate(inputs, h_prev, training)
            recurrent = self.recurrent_kernel.split(self.units, dim=1)
            z = ag.cat([x + h @ k for x, h, k in zip(xs, hs, recurrent)], dim=1)
            if self.bias is not None:
                z = z + self.bias
            return self._carry(z, c_prev)
        inputs, h_prev = self._dropped(inputs, h_prev, training)
        gates_x = inputs @ self.kernel
        if self.bias is not None:
            gates_x = gates_x + self.bias
        if self._default_activations():
            h, c = F.lstm_cell(gates_x, h_prev, c_prev, self.recurrent_kernel.T)
            return h, [h, c]
        return self._carry(gates_x + h_prev @ self.recurrent_kernel, c_prev)

    def _carry(self, z, c_prev):
        i, f, g, o = z.split(self.units, dim=1)
        c = self.recurrent_activation(f) * c_prev + self.recurrent_activation(i) * self.activation(g)
        h = self.recurrent_activation(o) * self.activation(c)
        return h, [h, c]


class GRUCell(_DropoutCell):
    """Gated recurrent unit step (gates z, r, h); with reset_after (Keras 3's default) the reset gate
    multiplies the recurrent matmul, and bias holds the input and the recurrent biases (2, 3u)."""

    _GATES = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
                 reset_after=True, seed=None, **kwargs):   # Keras's signature (reset_after before seed)
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, **kwargs)
        self.reset_after = bool(reset_after)

    def get_config(self):
        """The cell's config with reset_after before seed, as Keras's lists it."""
        items = [(k, v) for k, v in super().get_config().items() if k != "seed"]
        return dict(items + [("reset_after", self.reset_after), ("seed", self.seed)])

    def _bias_shape(self, gates):
        return (2, gates) if self.reset_after else (gates,)

    def call(self, inputs, states, training=False):
        inputs = _step_input(self, inputs)
        h_prev = _state_list(states)[0]
        u = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            input_bias, recurrent_bias = (self.bias[0], self.bias[1]) if self.reset_after else (self.bias, None)
        if self._mask_count() is not None:   # Keras's per-gate masks
            xs, hs = self._per_gate(inputs, h_prev, training)
            x = ag.cat(xs, dim=1)
            h_z, h_r, h_h = hs
        else:
            dropped, h_z = self._dropped(inputs, h_prev, training)
            h_r = h_h = h_z
            x = dropped @ self.kernel
        if input_bias is not None:
            x = x + input_bias
        if self.reset_after and self._default_activations() and self._mask_count() is None:
            h = F.gru_cell(_gru_to_torch(x, u, 1), h_prev, _gru_to_torch(self.recurrent_kernel, u, 1).T,
                           None if recurrent_bias is None else _gru_to_torch(recurrent_bias, u, 0))
            return h, ([h] if isinstance(states, (list, tuple)) else h)
        x_z, x_r, x_h = x.split(u, dim=1)
        k_z, k_r, k_h = self.recurrent_kernel.split(u, dim=1)
        b_z, b_r, b_h = recurrent_bias.split(u, dim=0) if recurrent_bias is not None else (0, 0, 0)
        z = self.recurrent_activation(x_z + h_z @ k_z + b_z)
        r = self.recurrent_activation(x_r + h_r @ k_r + b_r)
        if self.reset_after:
            candidate = self.activation(x_h + r * (h_h @ k_h + b_h))
        else:
            candidate = self.activation(x_h + (r * h_h) @ k_h)
        h = z * h_prev + (1 - z) * candidate
        return h, ([h] if isinstance(states, (list, tuple)) else h)


# as Keras's: the regularizers, constraints, dropouts and seed after unit_forget_bias
with_parent_arguments(_DropoutCell.__init__, LSTMCell)
