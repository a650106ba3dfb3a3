"""The in-place top-level activation spellings (torch.relu_, selu_, celu_, rrelu_, threshold_, dropout_): each
changes its input and returns it, with the version counting of the in-place Tensor methods."""
from .methods_inplace import inplace
from .ops import activation_forms as forms
from .ops.activation import relu

relu_ = inplace(relu, "relu_")
selu_ = inplace(forms.selu, "selu_")
celu_ = inplace(forms.celu, "celu_")
rrelu_ = inplace(forms.rrelu, "rrelu_")
threshold_ = inplace(forms.threshold, "threshold_")
dropout_ = inplace(forms.dropout, "dropout_")

__all__ = ["relu_", "selu_", "celu_", "rrelu_", "threshold_", "dropout_"]
