"""torch.nn.modules' and torch.nn.parameter's import paths over nn's classes: every submodule name PyTorch has
holds the same objects nn does, the private bases custom code subclasses (_Loss with PyTorch's signature,
_WeightedLoss, _ConvNd, _BatchNorm) and the tuple helpers (_pair, ...) behave as PyTorch's."""
import importlib

import numpy as np
import pytest

import autograd as ag
import nn
import nn.modules as modules
from nn.modules.loss import _Loss, _WeightedLoss
from nn.modules.utils import _pair, _quadruple, _reverse_repeat_tuple, _single, _triple
from nn.modules.utils import consume_prefix_in_state_dict_if_present
from nn.parameter import Buffer, Parameter


def test_each_submodule_holds_pytorchs_names_as_nns_objects():
    torch = pytest.importorskip("torch")
    for name in modules.LAYOUT:
        ours = importlib.import_module(f"nn.modules.{name}")
        theirs = importlib.import_module(f"torch.nn.modules.{name}")
        public = getattr(theirs, "__all__", None) or [n for n in dir(theirs) if not n.startswith("_")]
        for attr in ours.__all__:
            assert attr in public and getattr(ours, attr) is getattr(nn, attr)
    assert modules.Linear is nn.Linear and modules.module.Module is nn.Module
    assert Parameter is nn.Parameter and Buffer is nn.Buffer


def test_private_bases_take_pytorchs_arguments():
    class AbsLoss(_Loss):
        def __init__(self, size_average=None, reduce=None, reduction="mean"):
            super(AbsLoss, self).__init__(size_average, reduce, reduction)

        def forward(self, a, b):
            diff = (a - b).abs()
            return diff.mean() if self.reduction == "mean" else diff.sum()

    assert AbsLoss().reduction == "mean" and AbsLoss(reduction="sum").reduction == "sum"
    assert AbsLoss(size_average=False).reduction == "sum" and AbsLoss(reduce=False).reduction == "none"
    with pytest.raises(ValueError, match="reduction must be one of"):
        AbsLoss(reduction="avg")

    class Weighted(_WeightedLoss):
        def forward(self, logits, target):
            return nn.functional.cross_entropy(logits, target, weight=self.weight)

    assert Weighted().weight is None and "weight" in dict(Weighted(ag.tensor([1.0, 2.0])).named_buffers())
    logits, target = ag.tensor(np.eye(2) * 3.0), ag.tensor([0, 1])
    np.testing.assert_allclose(Weighted(ag.tensor([1.0, 3.0], dtype=ag.float64))(logits, target).item(),
                               nn.functional.cross_entropy(logits, target).item())
    assert issubclass(nn.Conv2d, modules.conv._ConvNd) and issubclass(nn.BatchNorm2d, modules.batchnorm._BatchNorm)


def test_tuple_helpers_and_prefix_stripping_follow_pytorch():
    assert (_single(3), _pair(3), _triple([1, 2, 3]), _quadruple(0)) == ((3,), (3, 3), (1, 2, 3), (0, 0, 0, 0))
    assert _reverse_repeat_tuple((1, 2), 2) == (2, 2, 1, 1)
    state = {"module.a": 1, "module.b.c": 2, "d": 3}
    consume_prefix_in_state_dict_if_present(state, "module.")
    assert state == {"a": 1, "b.c": 2, "d": 3}
