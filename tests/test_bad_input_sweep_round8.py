"""Round 8 of newcomer mistakes in PyTorch spelling (rounds 1-7: tests/test_bad_input_sweep.py, _round2.py ...
_round7.py). First the differences earlier rounds left: the index ops' index dtypes and ranges (PyTorch's
index_add and index_select take int32 and int64, index_copy and index_fill int64 only, and only index_fill and
index_put count a negative index from the end; a uint8 tensor indexes as a mask), int32 class targets to
cross_entropy / nll_loss (PyTorch takes int64 and uint8 only), BatchNorm with 0 channels, and the calls PyTorch
accepts that deepgrad refused (negative clipping limits, a parameter listed twice in SGD). Then newcomer
mistakes in areas the earlier rounds left out: data loading, distributions, functional layer arguments, linear
algebra and FFTs. Each must raise the exception type PyTorch raises, still an instance of the type deepgrad
raised before, with a message naming the op, the shapes, dtypes or values involved and the fix; where PyTorch
accepts a call, we accept it and give PyTorch's result."""

import warnings

import numpy as np
import pytest

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

X = "torch.zeros(3, 2)"
S = "torch.ones(1, 2)"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type's base where we accepted the call), substrings the message must hold
INDEX_OPS = [
    ("index_add_past_the_end", f"{X}.index_add(0, torch.tensor([5]), {S})", RuntimeError, IndexError,
     ("index_add", "dim 0 of length 3", "(3, 2)", "from 5 to 5", "0 to 2")),
    ("index_add_negative", f"{X}.index_add(0, torch.tensor([-1]), {S})", RuntimeError, RuntimeError,
     ("index_add", "-1", "not counted from the end")),
    ("index_add_float_index", f"{X}.index_add(0, torch.tensor([1.0]), {S})", RuntimeError, TypeError,
     ("index_add", "int32 or int64", "float32", "index.long()")),
    ("index_add_int8_index", f"{X}.index_add(0, torch.tensor([1], dtype=torch.int8), {S})", RuntimeError,
     RuntimeError, ("index_add", "int8", "(1,)", "index.long()")),
    ("index_add_uint8_index", f"{X}.index_add(0, torch.tensor([1], dtype=torch.uint8), {S})", RuntimeError,
     RuntimeError, ("index_add", "uint8")),
    ("index_add_bool_index", f"{X}.index_add(0, torch.tensor([True, False, True]), {S})", RuntimeError, TypeError,
     ("index_add", "bool", "(3,)")),
    ("index_copy_past_the_end", f"{X}.index_copy(0, torch.tensor([5]), {S})", IndexError, IndexError,
     ("index_copy", "dim 0 of length 3", "from 5 to 5")),
    ("index_copy_negative", f"{X}.index_copy(0, torch.tensor([-1]), {S})", IndexError, IndexError,
     ("index_copy", "-1", "0 to 2")),
    ("index_copy_int32_index", f"{X}.index_copy(0, torch.tensor([1], dtype=torch.int32), {S})", RuntimeError,
     RuntimeError, ("index_copy", "int64", "int32", "index.long()")),
    ("index_copy_int8_index", f"{X}.index_copy(0, torch.tensor([1], dtype=torch.int8), {S})", RuntimeError,
     RuntimeError, ("index_copy", "int8")),
    ("index_copy_float_index", f"{X}.index_copy(0, torch.tensor([1.0]), {S})", RuntimeError, TypeError,
     ("index_copy", "float32")),
    ("index_copy_bool_index", f"{X}.index_copy(0, torch.tensor([True]), {S})", RuntimeError, TypeError,
     ("index_copy", "bool")),
    ("index_fill_past_the_end", f"{X}.index_fill(0, torch.tensor([5]), 7.0)", IndexError, IndexError,
     ("index_fill", "dim 0 of length 3", "-3 to 2")),
    ("index_fill_too_negative", f"{X}.index_fill(0, torch.tensor([-4]), 7.0)", IndexError, IndexError,
     ("index_fill", "from -4 to -4")),
    ("index_fill_int32_index", f"{X}.index_fill(0, torch.tensor([1], dtype=torch.int32), 7.0)", IndexError,
     RuntimeError, ("index_fill", "int64", "int32", "index.long()")),
    ("index_fill_float_index", f"{X}.index_fill(0, torch.tensor([1.0]), 7.0)", IndexError, TypeError,
     ("index_fill", "float32")),
    ("index_fill_uint8_index", f"{X}.index_fill(0, torch.tensor([1], dtype=torch.uint8), 7.0)", IndexError,
     RuntimeError, ("index_fill", "uint8")),
    ("index_fill_bool_index", f"{X}.index_fill(0, torch.tensor([True]), 7.0)", IndexError, TypeError,
     ("index_fill", "bool")),
    ("index_select_past_the_end", f"{X}.index_select(0, torch.tensor([5]))", IndexError, IndexError,
     ("index_select", "dim 0 of length 3", "(3, 2)", "0 to 2")),
    ("index_select_negative", f"{X}.index_select(0, torch.tensor([-1]))", IndexError, IndexError,
     ("index_select", "-1", "not counted from the end")),
    ("index_select_float_index", f"{X}.index_select(0, torch.tensor([1.0]))", RuntimeError, TypeError,
     ("index_select", "int32 or int64", "float32", "index.long()")),
    ("index_select_int8_index", f"{X}.index_select(0, torch.tensor([1], dtype=torch.int8))", RuntimeError,
     RuntimeError, ("index_select", "int8")),
    ("index_select_bool_index", f"{X}.index_select(0, torch.tensor([True]))", RuntimeError, TypeError,
     ("index_select", "bool")),
    ("index_put_past_the_end", f"{X}.index_put((torch.tensor([5]),), torch.tensor(7.0))", IndexError, IndexError,
     ("index 5 is out of bounds", "size 3")),
    ("index_put_float_index", f"{X}.index_put((torch.tensor([1.0]),), torch.tensor(7.0))", IndexError,
     IndexError, ("float", "idx.long()")),
    ("index_put_int8_index", f"{X}.index_put((torch.tensor([1], dtype=torch.int8),), torch.tensor(7.0))",
     IndexError, IndexError, ("int8", "long, int, byte or bool", "idx.long()")),
    ("getitem_int16_index", f"{X}[torch.tensor([1], dtype=torch.int16)]", IndexError, IndexError,
     ("int16", "(1,)", "long, int, byte or bool")),
    ("index_put_short_mask", f"{X}.index_put((torch.tensor([True]),), torch.tensor(7.0))", IndexError, IndexError,
     ("boolean index", "size of axis is 3")),
]

CLASS_TARGETS = [
    ("cross_entropy_int32_targets", "F.cross_entropy(torch.ones(3, 4), torch.tensor([0, 1, 2], dtype=torch.int32))",
     RuntimeError, RuntimeError, ("cross_entropy", "int64 (Long) or uint8 (Byte)", "int32", "(3,)", "target.long()")),
    ("cross_entropy_int16_targets", "F.cross_entropy(torch.ones(3, 4), torch.tensor([0, 1, 2], dtype=torch.int16))",
     RuntimeError, RuntimeError, ("cross_entropy", "int16")),
    ("cross_entropy_int32_image_targets", "F.cross_entropy(torch.ones(2, 4, 3, 3), torch.zeros(2, 3, 3, "
     "dtype=torch.int32))", RuntimeError, RuntimeError, ("cross_entropy", "int32", "(2, 3, 3)")),
    ("CrossEntropyLoss_int32_targets", "nn.CrossEntropyLoss()(torch.ones(3, 4), torch.tensor([0, 1, 2], "
     "dtype=torch.int32))", RuntimeError, RuntimeError, ("cross_entropy", "int32")),
    ("nll_loss_int32_targets", "F.nll_loss(torch.ones(3, 4), torch.tensor([0, 1, 2], dtype=torch.int32))",
     RuntimeError, RuntimeError, ("nll_loss", "int32", "target.long()")),
    ("NLLLoss_int8_targets", "nn.NLLLoss()(torch.ones(3, 4), torch.tensor([0, 1, 2], dtype=torch.int8))",
     RuntimeError, RuntimeError, ("nll_loss", "int8")),
    ("BatchNorm2d_0_channels", "nn.BatchNorm2d(0)(torch.ones(2, 0, 3, 3))", IndexError, Exception,
     ("batch_norm", "0 channels", "(2, 0, 3, 3)", "num_features >= 1")),
    ("BatchNorm1d_0_features", "nn.BatchNorm1d(0)(torch.ones(2, 0))", IndexError, Exception,
     ("batch_norm", "(2, 0)")),
    ("BatchNorm2d_0_channels_eval", "nn.BatchNorm2d(0).eval()(torch.ones(2, 0, 3, 3))", IndexError, Exception,
     ("batch_norm", "affine")),
    ("batch_norm_0_channels_weight", "F.batch_norm(torch.ones(2, 0, 3), None, None, torch.ones(0), training=True)",
     IndexError, Exception, ("batch_norm", "0 channels")),
]

CASES = INDEX_OPS + CLASS_TARGETS

# calls near the mistakes above that PyTorch accepts: ours run and give PyTorch's result (the last line's value)
ACCEPTED = [
    ("index_add_int32_index", f"{X}.index_add(0, torch.tensor([1, 1], dtype=torch.int32), torch.ones(2, 2))"),
    ("index_select_int32_index", "torch.arange(6.0).reshape(3, 2).index_select(0, torch.tensor([2, 0], "
                                 "dtype=torch.int32))"),
    ("index_fill_negative", f"{X}.index_fill(0, torch.tensor([-1]), 7.0)"),
    ("index_put_negative", f"{X}.index_put((torch.tensor([-1]),), torch.tensor(7.0))"),
    ("index_put_int32", f"{X}.index_put((torch.tensor([1], dtype=torch.int32),), torch.tensor(7.0))"),
    ("index_put_mask", f"{X}.index_put((torch.tensor([True, False, True]),), torch.tensor(7.0))"),
    ("getitem_uint8_mask", "torch.arange(6.0).reshape(3, 2)[torch.tensor([1, 0, 1], dtype=torch.uint8)]"),
    ("getitem_0d_int8", "torch.arange(6.0).reshape(3, 2)[torch.tensor(1, dtype=torch.int8)]"),
    ("cross_entropy_uint8_targets", "F.cross_entropy(torch.tensor([[1.0, 2.0], [0.5, 0.1]]), "
                                    "torch.tensor([1, 0], dtype=torch.uint8))"),
    ("nll_loss_uint8_targets", "F.nll_loss(torch.tensor([[-1.0, -2.0], [-0.5, -0.1]]), "
                               "torch.tensor([1, 0], dtype=torch.uint8))"),
    ("batch_norm_0_channels_no_affine", "nn.BatchNorm2d(0, affine=False)(torch.ones(2, 0, 3, 3)).shape"),
    ("clip_grad_value_negative", "w = nn.Parameter(torch.ones(3))\nw.grad = torch.tensor([1.0, -2.0, 3.0])\n"
                                 "nn.utils.clip_grad_value_([w], -1.0)\nw.grad"),
    ("clip_grad_norm_negative", "w = nn.Parameter(torch.ones(3))\nw.grad = torch.tensor([1.0, -2.0, 3.0])\n"
                                "[nn.utils.clip_grad_norm_([w], -1.0), w.grad]"),
    ("SGD_same_parameter_twice", "w = nn.Parameter(torch.tensor([1.0, 2.0]))\n"
                                 "opt = optim.SGD([w, w], lr=0.1, momentum=0.9, weight_decay=0.1)\n"
                                 "for _ in range(3):\n    opt.zero_grad()\n    (w * w).sum().backward()\n"
                                 "    opt.step()\nw.detach()"),
]

IN_PLACE = ["index_add_(0, torch.tensor([0, 5]), torch.ones(2, 2))", "index_copy_(0, torch.tensor([0, -1]), "
            "torch.ones(2, 2))", "index_fill_(0, torch.tensor([0, 5]), 7.0)", "index_fill_(0, torch.tensor([0], "
            "dtype=torch.int32), 7.0)", "index_put_((torch.tensor([0, 5]),), torch.tensor(7.0))",
            "index_add_(0, torch.tensor([0.0]), torch.ones(1, 2))"]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-5)


@pytest.mark.parametrize("call", IN_PLACE)
def test_a_refused_in_place_index_write_leaves_the_tensor_as_it_was(call):
    import autograd as torch
    x = torch.zeros(3, 2)
    with pytest.raises((IndexError, RuntimeError)):
        eval(f"x.{call}", {"x": x, "torch": torch})
    assert x.tolist() == [[0.0, 0.0]] * 3


def test_a_uint8_index_warns_as_pytorch():
    import autograd as torch
    with pytest.warns(UserWarning, match="uint8 is now deprecated.*dtype bool"):
        torch.ones(3)[torch.tensor([1, 0, 1], dtype=torch.uint8)]


def test_a_parameter_listed_twice_warns_as_pytorch():
    import autograd as torch
    import nn
    w = nn.Parameter(torch.ones(2))
    with pytest.warns(UserWarning, match="duplicate parameters"):
        nn.optim.SGD([w, w], lr=0.1)
