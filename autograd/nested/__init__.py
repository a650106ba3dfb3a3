"""torch.nested for deepgrad: jagged nested tensors (`layout=torch.jagged`), batches of tensors whose one
dimension has a different length in each, with autograd through their values; and strided ones (the default
layout), whose components may differ in every dimension."""
from .construct import as_nested_tensor, narrow, nested_tensor, nested_tensor_from_jagged, to_padded_tensor
from ..nested_kind import is_nested
from .ragged import RaggedInt
from .strided import StridedNestedTensor
from .tensor import NestedTensor

__all__ = ["NestedTensor", "RaggedInt", "StridedNestedTensor", "as_nested_tensor", "is_nested", "narrow",
           "nested_tensor", "nested_tensor_from_jagged", "to_padded_tensor"]
