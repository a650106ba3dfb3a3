"""`nn.distributed.nn` (torch.distributed.nn): the collectives inside the graph, from `functional`."""
from .functional import ReduceOp, all_gather, all_reduce, broadcast

__all__ = ["ReduceOp", "all_gather", "all_reduce", "broadcast"]
