"""torch.jit.annotations: the typing names TorchScript code imports for its type comments (`List`, `Tuple`, ...),
which are Python's own typing names, as in PyTorch."""
from typing import Any, Dict, List, Optional, Tuple, Union

__all__ = ["Any", "Dict", "List", "Optional", "Tuple", "Union"]
