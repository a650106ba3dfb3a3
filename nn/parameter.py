"""torch.nn.parameter: Parameter and Buffer (`from torch.nn.parameter import Parameter` ports as
`from nn.parameter import Parameter`)."""
from .module import Buffer, Parameter

__all__ = ["Buffer", "Parameter"]
