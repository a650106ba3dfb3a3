"""PyTorch's weight housekeeping on the recurrent layers and cells: reset_parameters, and on the sequence layers
flatten_parameters (a cuDNN repacking step; a no-op here, since weights are never packed) and all_weights."""
from .. import init
from ._init import fan_in_bound


class CellWeights:
    """reset_parameters for recurrent cells and layers."""

    def reset_parameters(self):
        """Draws every parameter uniformly from +-1/sqrt(hidden_size), as PyTorch's RNNBase and RNNCellBase."""
        bound = fan_in_bound(self.hidden_size)
        for weight in self.parameters():
            init.uniform_(weight, -bound, bound)


class LayerWeights(CellWeights):
    """flatten_parameters and all_weights for the sequence layers (RNN, LSTM, GRU)."""

    def flatten_parameters(self):
        """Does nothing and returns None: PyTorch repacks weights for cuDNN here, and deepgrad never packs them."""
        return None

    @property
    def all_weights(self):
        """Per layer and direction, the list of that step's parameters in PyTorch's order (weight_ih, weight_hh,
        bias_ih, bias_hh, then weight_hr when proj_size is set)."""
        groups = []
        for layer in range(self.num_layers):
            for d in range(2 if self.bidirectional else 1):
                suffix = f"_l{layer}" + ("_reverse" if d else "")
                names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if self.bias else [])
                names += ["weight_hr"] if self.proj_size else []
                groups.append([getattr(self, name + suffix) for name in names])
        return groups

    @property
    def _flat_weights(self):
        """all_weights flattened: the `params` list torch.lstm / torch.gru / torch.rnn_tanh take, as PyTorch's."""
        return [w for group in self.all_weights for w in group]

    @property
    def _flat_weights_names(self):
        """The names of _flat_weights, in its order."""
        return [name for name, p in self.named_parameters(recurse=False) if any(p is w for w in self._flat_weights)]
