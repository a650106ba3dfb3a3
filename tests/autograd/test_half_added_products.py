"""addmm and baddbmm on bfloat16 and float16 operands: computed in float32 and rounded once, as PyTorch's CPU
kernels do. Rounding the product, the scaled product and the sum each to the half dtype differed from PyTorch in
about a third of the elements. (addmv is computed the same way; PyTorch's half-precision addmv rounds somewhere
else as well, and 7-23% of its elements still differ by one rounding, against 37-41% before.)"""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

_SHAPES = {"addmm": ((6, 7), (6, 5), (5, 7)), "baddbmm": ((3, 4, 6), (3, 4, 5), (3, 5, 6))}


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("op", sorted(_SHAPES))
@pytest.mark.parametrize("beta, alpha", [(1, 1), (-4.775, 2.0315), (0.5, -3.0)])
def test_half_added_products_round_once_as_torch(op, dtype, beta, alpha):
    torch = require_torch()
    if dtype == "bfloat16":
        pytest.importorskip("ml_dtypes")
    rng = np.random.default_rng(0)
    values = [rng.standard_normal(shape).astype(np.float32) * 3 for shape in _SHAPES[op]]
    ours = getattr(ag, op)(*(ag.tensor(v).to(getattr(ag, dtype)) for v in values), beta=beta, alpha=alpha)
    theirs = getattr(torch, op)(*(torch.tensor(v).to(getattr(torch, dtype)) for v in values), beta=beta,
                                alpha=alpha)
    assert str(ours.dtype) == dtype
    np.testing.assert_array_equal(ours.float().numpy(), theirs.float().numpy())
