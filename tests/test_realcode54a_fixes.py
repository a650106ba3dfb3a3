"""Regressions for what the model files of well-known research projects (openai/whisper, karpathy/llama2.c,
meta-llama/llama3, openai/CLIP, facebookresearch/dino and ConvNeXt, sgrvinod's image-captioning tutorial, lucidrains'
denoising-diffusion-pytorch) found when run with only their imports, data and step counts changed. Each test runs the
idiom under PyTorch and under deepgrad and compares them; the PyTorch side skips cleanly when torch is absent."""
import importlib
from collections import OrderedDict, defaultdict, deque, namedtuple

import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch

Pair = namedtuple("Pair", "a b")


class Row(list):
    """A list subclass: a leaf for PyTorch's pytree (only the exact container types are nodes)."""


def _trees():
    return [
        {"b": [1, (2, None)], "a": Pair(3, OrderedDict(x=4)), "c": deque([5]), "d": defaultdict(int, {"k": 6})},
        [1, [None, 2], Row([3, 4]), {}, ()],
        None,
        7,
        (Pair(1, 2), [3], {"z": 4, "y": (5,)}),
    ]


def _pytree_use(p):
    out = []
    for tree in _trees():
        leaves, spec = p.tree_flatten(tree)
        rebuilt = p.tree_unflatten([v if v is None or isinstance(v, Row) else v * 10 for v in leaves], spec)
        out.append((repr(leaves), spec.num_leaves, spec.num_nodes, repr(spec), repr(rebuilt), type(rebuilt).__name__,
                    repr(p.tree_map(lambda v: v if v is None or isinstance(v, Row) else v + 1, tree)),
                    p.tree_structure(tree) == spec, repr(p.tree_leaves(tree))))
    out.append(repr(p.tree_map(lambda x, y: (x, y), [1, {"q": 2, "r": 3}], [[5, 6], {"r": 8, "q": 7}])))
    out.append(repr(p.tree_map(lambda x: x, [1, [2]], is_leaf=lambda x: isinstance(x, list) and len(x) == 1)))
    out.append(repr(p.tree_map_only(int, lambda x: x * 2, [1, 2.0, "a", (3,)])))
    out.append((p.tree_all(lambda x: x > 0, [1, (2,)]), p.tree_any(lambda x: x > 1, [1, 2]),
                p.tree_structure([1, 2]) == p.tree_structure([3, 4]), p.tree_structure([1, 2]) == p.tree_structure((3, 4))))
    errors = []
    for bad in (lambda: p.tree_map(lambda x, y: x, [1, 2], [1]),
                lambda: p.tree_map(lambda x, y: x, {"a": 1, "b": 2}, {"a": 1, "c": 2}),
                lambda: p.tree_map(lambda x, y: x, [1, 2], (1, 2)),
                lambda: p.tree_unflatten([1], p.tree_structure([1, 2]))):
        with pytest.raises(ValueError) as caught:
            bad()
        errors.append(str(caught.value).split(" (")[0].split(";")[0])
    out.append(errors)
    return out


def test_torch_utils_pytree_imports_and_flattens_as_pytorchs():
    """lucidrains' denoising-diffusion-pytorch (`xm.py`) and x-transformers write `from torch.utils._pytree import
    tree_map, tree_flatten`: ported, the package died at its import (deepgrad had no autograd.utils._pytree). The
    module now flattens, rebuilds and maps trees by PyTorch's rules: the node types (list, tuple, dict, named tuples,
    OrderedDict, defaultdict, deque; a list subclass and None are leaves), insertion order, TreeSpec's counts and repr,
    tree_map over several trees (dicts matched by key) and ValueError on trees that do not match."""
    torch = require_torch()
    ours = importlib.import_module("autograd.utils._pytree")
    theirs = importlib.import_module("torch.utils._pytree")
    assert _pytree_use(ours) == _pytree_use(theirs)
    assert ag.utils._pytree is ours and torch.utils._pytree is theirs


def test_pytree_maps_tensors_inside_containers():
    """The diffusion package's use: tree_map over a nest of tensors, keeping the containers and the graph."""
    from autograd.utils._pytree import tree_flatten, tree_map, tree_unflatten
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    tree = {"h": (x, None), "c": [x * 3]}
    doubled = tree_map(lambda t: t if t is None else t * 2, tree)
    assert list(doubled) == ["h", "c"] and doubled["h"][1] is None
    (doubled["h"][0].sum() + doubled["c"][0].sum()).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [8.0, 8.0])
    leaves, spec = tree_flatten(tree)
    assert len(leaves) == 3 and leaves[0] is x and tree_unflatten(leaves, spec)["c"][0] is leaves[2]


def _weight_norm_warnings(nn_module, utils):
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        utils.weight_norm(nn_module.Linear(2, 3))
        utils.remove_weight_norm(utils.weight_norm(nn_module.Linear(2, 3), name="bias", dim=None), name="bias")
        utils.parametrizations.weight_norm(nn_module.Linear(2, 3))
    return [(w.category.__name__, "deprecated in favor of" in str(w.message),
             "parametrizations.weight_norm" in str(w.message), w.filename == __file__) for w in caught]


def test_deprecated_weight_norm_warns_as_pytorchs():
    """DINO's DINOHead wraps its last layer in `nn.utils.weight_norm`, which PyTorch 2.13 marks deprecated with a
    FutureWarning on each call (pointing to nn.utils.parametrizations.weight_norm); deepgrad said nothing. The
    parametrizations form stays silent in both."""
    torch = require_torch()
    import nn
    ours = _weight_norm_warnings(nn, nn.utils)
    theirs = _weight_norm_warnings(torch.nn, torch.nn.utils)
    assert [w[:3] for w in ours] == [w[:3] for w in theirs] == [("FutureWarning", True, True)] * 2
    assert all(w[3] for w in ours)       # reported at the caller's line
