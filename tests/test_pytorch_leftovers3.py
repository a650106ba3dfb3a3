"""PyTorch leftovers (third list), each compared with PyTorch directly: quantile/nanquantile of an empty input,
searchsorted/bucketize with NaN, and GroupNorm keeping a channels-last layout."""
import numpy as np
import pytest

import autograd as ag
import nn.functional as F

torch = pytest.importorskip("torch")


def _outcome(call):
    try:
        out = call()
    except RuntimeError as error:
        return ("RuntimeError", str(error).split(";")[-1].strip() if "non-empty" in str(error) else str(error))
    except Exception as error:   # a type PyTorch does not raise
        return (type(error).__name__, str(error))
    return ("ok", tuple(out.shape), np.asarray(out.numpy() if hasattr(out, "numpy") else out).tolist())


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
@pytest.mark.parametrize("shape, q, kwargs", [
    ((0,), 0.5, {}), ((0, 2), 0.5, {"dim": 1}), ((0, 2), 0.5, {"dim": 0}), ((2, 0), 0.5, {"dim": 0}),
    ((0, 2), [0.2, 0.5], {"dim": 1, "keepdim": True}), ((0, 3), 0.5, {"dim": None}),
    ((2, 3), [0.2, 0.5], {"dim": 1}),
])
def test_quantile_of_an_empty_input_raises_as_pytorch(name, shape, q, kwargs):
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)

    def run(lib):
        qq = lib.tensor(np.asarray(q, np.float32)) if isinstance(q, list) else q
        return _outcome(lambda: getattr(lib, name)(lib.tensor(x), qq, **kwargs))

    theirs, ours = run(torch), run(ag)
    assert ours[0] == theirs[0]
    if theirs[0] == "ok":
        assert ours[1] == theirs[1]
        np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)
    else:
        assert "quantile() input tensor must be non-empty" in ours[1]
