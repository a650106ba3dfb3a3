"""The gate layouts shared by Keras's recurrent layers and cells: Keras's GRU gate blocks in PyTorch's order,
and the LSTM bias initializer of unit_forget_bias."""
import numpy as np

import autograd as ag

from .. import initializers


def _gru_to_torch(t, units, axis):
    """Keras's GRU gate blocks (z, r, h) along `axis` reordered as PyTorch's (r, z, n)."""
    z, r, h = t.split(units, dim=axis)
    return ag.cat([r, z, h], dim=axis)


def forget_gate_ones(bias_init, units):
    """Keras's `unit_forget_bias` initializer of an LSTM bias (gates i, f, c, o): `bias_init` for every
    gate but the forget gate, which starts at ones."""
    base = initializers.get(bias_init)

    def forget_ones(shape, dtype=None):
        return np.concatenate([np.asarray(base((units,)), np.float32), np.ones(units, np.float32),
                               np.asarray(base((2 * units,)), np.float32)])
    return forget_ones
