"""torch.nn.parameter: Parameter, Buffer, the lazy layers' placeholders and is_lazy (`from torch.nn.parameter
import Parameter` ports as `from nn.parameter import Parameter`)."""
from .module import Buffer, Parameter
from .uninitialized import UninitializedBuffer, UninitializedParameter, UninitializedTensorMixin, is_lazy

__all__ = ["Buffer", "Parameter", "UninitializedBuffer", "UninitializedParameter", "UninitializedTensorMixin",
           "is_lazy"]
