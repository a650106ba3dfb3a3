"""torch.nested for deepgrad: jagged nested tensors (`layout=torch.jagged`), batches of tensors whose one
dimension has a different length in each, with autograd through their values."""
from .construct import as_nested_tensor, narrow, nested_tensor, nested_tensor_from_jagged, to_padded_tensor
from ..nested_kind import is_nested
from .ragged import RaggedInt
from .tensor import NestedTensor

__all__ = ["NestedTensor", "RaggedInt", "as_nested_tensor", "is_nested", "narrow", "nested_tensor",
           "nested_tensor_from_jagged", "to_padded_tensor"]
