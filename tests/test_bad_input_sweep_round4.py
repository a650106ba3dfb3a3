"""Round 4 of newcomer mistakes in PyTorch spelling (rounds 1-3: tests/test_bad_input_sweep.py, _round2.py,
_round3.py), in the areas those left out: hooks that return the wrong thing (tensor hooks, module forward and
backward hooks, optimizer step hooks, load_state_dict post-hooks), nn.Module registration (names with dots, empty
or taken names, members registered before Module.__init__(), train()/requires_grad_() given a string),
nn.functional argument mistakes (unfold/fold sizes, conv strides, one_hot class counts, weights that do not
broadcast in losses), learning-rate schedulers and optimizer options (CyclicLR, OneCycleLR, ReduceLROnPlateau,
Muon), and ag.jit misuse. Each must raise the exception type PyTorch raises, still an instance of the type
deepgrad raised before, with a message that names the op and the shapes or dtypes involved; where PyTorch accepts
the call, we accept it and give PyTorch's result."""

import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F
import nn.optim as optim

from autograd.jit import CaptureError
from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

L = "nn.Linear(3, 2)"
X = "torch.randn(4, 3)"
XG = "x = torch.randn(4, 3, requires_grad=True)\n"
W = "w = torch.ones(3, requires_grad=True)\n"
SGD = "optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1)"
ADAM = "optim.Adam(nn.Linear(3, 2).parameters(), lr=0.1)"
S = "optim.lr_scheduler"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type where we accepted the call or raised something unrelated from deep
# inside), substrings the message must hold
HOOKS = [
    ("tensor_hook_wrong_shape", W + "w.register_hook(lambda g: torch.ones(4))\n(w * 2).sum().backward()",
     RuntimeError, RuntimeError, ("register_hook", "'<lambda>'", "changed the size", "(4,)", "(3,)")),
    ("non_leaf_hook_wrong_shape", W + "y = w * 2\ny.register_hook(lambda g: torch.ones(2))\ny.sum().backward()",
     RuntimeError, ValueError, ("register_hook", "changed the size", "(2,)", "(3,)")),
    ("tensor_hook_wrong_dtype", W + "w.register_hook(lambda g: g.double())\n(w * 2).sum().backward()",
     RuntimeError, TypeError, ("register_hook", "changed the type", "float64", "float32", ".to(torch.float32)")),
    ("tensor_hook_returns_a_float", W + "w.register_hook(lambda g: 1.0)\n(w * 2).sum().backward()", TypeError,
     TypeError, ("register_hook", "'<lambda>'", "'float'", "None or a Tensor")),
    ("tensor_hook_returns_an_array", W + "w.register_hook(lambda g: np.ones(3))\n(w * 2).sum().backward()",
     TypeError, TypeError, ("register_hook", "'ndarray'", "as_tensor")),
    ("hook_on_tensor_without_grad", "torch.ones(3).register_hook(lambda g: g)", RuntimeError, RuntimeError,
     ("register_hook", "doesn't require gradient", "(3,)", "requires_grad_()")),
    ("forward_pre_hook_with_kwargs_one_tuple", f"m = {L}\nm.register_forward_pre_hook(lambda mod, args, kw: (args,), "
     f"with_kwargs=True)\nm({X})", RuntimeError, TypeError,
     ("forward pre-hook", "Linear", "with_kwargs=True", "tuple (args, kwargs)", "a tuple of 1")),
    ("full_backward_hook_two_grads_for_one_input", f"m = {L}\nm.register_full_backward_hook(lambda mod, gi, go: "
     f"(gi[0], gi[0]))\n{XG}m(x).sum().backward()", RuntimeError, ValueError,
     ("backward hook", "Linear", "returned 2 grad_input", "expected 1")),
    ("full_backward_hook_wrong_shape", f"m = {L}\nm.register_full_backward_hook(lambda mod, gi, go: "
     f"(torch.ones(5, 3),))\n{XG}m(x).sum().backward()", RuntimeError, ValueError,
     ("backward hook", "changed the size", "(5, 3)", "(4, 3)")),
    ("full_backward_pre_hook_two_grads_for_one_output", f"m = {L}\nm.register_full_backward_pre_hook(lambda mod, "
     f"go: (go[0], go[0]))\n{XG}m(x).sum().backward()", RuntimeError, ValueError,
     ("backward pre-hook", "Linear", "returned 2 grad_output", "expected 1")),
    ("optimizer_step_pre_hook_returns_a_number", "w = nn.Parameter(torch.ones(2)); o = optim.SGD([w], lr=0.1)\n"
     "o.register_step_pre_hook(lambda opt, a, k: 5)\nw.grad = torch.ones(2)\no.step()", RuntimeError, RuntimeError,
     ("SGD.step", "pre-hook", "None or a tuple", "5")),
    ("post_accumulate_grad_hook_returns", W + "w.register_post_accumulate_grad_hook(lambda t: t * 2)\n"
     "(w * 2).sum().backward()", RuntimeError, RuntimeError,
     ("register_post_accumulate_grad_hook", "should return None", "(3,)", "in place")),
    ("load_state_dict_post_hook_returns", f"m = {L}\nm.register_load_state_dict_post_hook(lambda mod, keys: 5)\n"
     "m.load_state_dict(m.state_dict())", AssertionError, RuntimeError,
     ("register_load_state_dict_post_hook", "Linear", "returned int", "must return None", "in place")),
]

MODULES = [
    ("register_buffer_dotted_name", f"{L}.register_buffer('a.b', torch.ones(2))", KeyError, KeyError,
     ("buffer name can't contain", "a.b", "Linear", "'a_b'")),
    ("register_buffer_empty_name", f"{L}.register_buffer('', torch.ones(2))", KeyError, KeyError,
     ("buffer name can't be empty",)),
    ("register_buffer_over_an_attribute", f"m = {L}\nm.scale = 2.0\nm.register_buffer('scale', torch.ones(2))",
     KeyError, KeyError, ("attribute 'scale' already exists", "Linear", "another buffer name")),
    ("register_buffer_over_a_method", f"{L}.register_buffer('forward', torch.ones(2))", KeyError, KeyError,
     ("attribute 'forward' already exists",)),
    ("register_buffer_int_name", f"{L}.register_buffer(3, torch.ones(2))", TypeError, TypeError,
     ("buffer name should be a string", "int", "'3'")),
    ("register_buffer_of_a_list", f"{L}.register_buffer('b', [1, 2])", TypeError, TypeError,
     ("register_buffer", "'b'", "Tensor or None", "list")),
    ("register_parameter_dotted_name", f"{L}.register_parameter('a.b', nn.Parameter(torch.ones(2)))", KeyError,
     KeyError, ("parameter name can't contain", "a.b")),
    ("register_parameter_empty_name", f"{L}.register_parameter('', nn.Parameter(torch.ones(2)))", KeyError,
     KeyError, ("parameter name can't be empty",)),
    ("register_parameter_of_a_tensor", f"{L}.register_parameter('p', torch.ones(2))", TypeError, TypeError,
     ("register_parameter", "'p'", "nn.Parameter")),
    ("add_module_dotted_name", f"{L}.add_module('a.b', {L})", KeyError, KeyError,
     ("module name can't contain", "got: a.b")),
    ("add_module_empty_name", f"{L}.add_module('', {L})", KeyError, KeyError, ("module name can't be empty",)),
    ("add_module_over_a_method", f"{L}.add_module('train', {L})", KeyError, KeyError,
     ("attribute 'train' already exists", "another module name")),
    ("add_module_int_name", f"{L}.add_module(1, {L})", TypeError, TypeError, ("module name should be a string",)),
    ("add_module_of_an_int", f"{L}.add_module('a', 5)", TypeError, TypeError, ("add_module", "'a'", "Module", "int")),
    ("child_replaced_by_a_tensor", f"m = nn.Sequential({L})\nm.add_module('a', {L})\nm.a = torch.ones(2)",
     TypeError, TypeError, ("sub-module 'a'", "Sequential", "Module or None")),
    ("weight_replaced_by_a_tensor", f"m = {L}\nm.weight = torch.ones(2, 3)", TypeError, TypeError,
     ("parameter 'weight'", "Linear", "nn.Parameter(")),
    ("submodule_before_super_init", "class M(nn.Module):\n    def __init__(self):\n        self.l = nn.Linear(3, 2)"
     "\nM()", AttributeError, AttributeError, ("M", "Linear 'l'", "before Module.__init__()", "super().__init__()")),
    ("parameter_before_super_init", "class M(nn.Module):\n    def __init__(self):\n"
     "        self.w = nn.Parameter(torch.ones(2))\nM()", AttributeError, AttributeError,
     ("Parameter 'w'", "before Module.__init__()")),
    ("buffer_before_super_init", "class M(nn.Module):\n    def __init__(self):\n"
     "        self.register_buffer('b', torch.ones(2))\nM()", AttributeError, AttributeError,
     ("M", "buffer 'b'", "before Module.__init__()", "super().__init__()")),
    ("train_given_a_string", f"{L}.train('False')", ValueError, ValueError,
     ("Linear.train", "boolean", "'False'", ".eval()")),
    ("requires_grad_given_a_string", f"{L}.requires_grad_('no')", TypeError, TypeError,
     ("requires_grad_()", "must be bool", "str")),
    ("float64_weight_in_a_float32_layer", f"m = {L}\nm.weight = nn.Parameter(torch.ones(2, 3, dtype=torch.float64))"
     f"\nm({X})", RuntimeError, TypeError, ("linear", "float32", "float64", "layer.to(")),
    ("int_parameter", "nn.Parameter(torch.ones(3, dtype=torch.int64))", RuntimeError, TypeError,
     ("floating-point", "int64")),
    ("flatten_start_after_end", "nn.Flatten(2, 1)(torch.ones(2, 3, 4))", RuntimeError, ValueError,
     ("flatten", "start_dim 2", "end_dim 1", "[2, 3, 4]")),
    ("unflatten_sizes_do_not_multiply", "nn.Unflatten(1, (2, 2))(torch.ones(2, 6))", RuntimeError, ValueError,
     ("Unflatten", "size 6", "(2, 2)")),
    ("prelu_parameters_per_channel", "nn.PReLU(3)(torch.ones(2, 4))", RuntimeError, ValueError,
     ("prelu", "Size([3])", "PReLU(num_parameters=4)")),
    ("bilinear_second_input_width", "nn.Bilinear(3, 4, 2)(torch.ones(5, 3), torch.ones(5, 3))", RuntimeError,
     ValueError, ("bilinear", "(*, 4)", "[5, 3]")),
    ("cosine_similarity_dim_out_of_range", "nn.CosineSimilarity(dim=2)(torch.ones(2, 3), torch.ones(2, 3))",
     IndexError, ValueError, ("cosine_similarity", "dim 2", "-2 to 1")),
    ("vector_to_parameters_too_short", "nn.utils.vector_to_parameters(torch.ones(5), nn.Linear(3, 2).parameters())",
     RuntimeError, ValueError, ("vector_to_parameters", "[5]", "8 values")),
    ("load_state_dict_every_shape_named", "nn.Linear(3, 2).load_state_dict({'weight': torch.ones(3, 3), "
     "'bias': torch.ones(3)})", RuntimeError, KeyError,
     ("Linear", "size mismatch for weight: copying a param with shape torch.Size([3, 3])",
      "the shape in current model is torch.Size([2])")),
]

FUNCTIONAL = [
    ("conv1d_stride_of_two_values", "F.conv1d(torch.randn(1, 3, 5), torch.randn(4, 3, 3), stride=(1, 1))",
     RuntimeError, ValueError, ("conv1d", "stride", "(1, 1)")),
    ("conv2d_stride_of_three_values", "F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), stride=(1, 1, 1))",
     RuntimeError, ValueError, ("conv2d", "stride", "(1, 1, 1)")),
    ("conv2d_stride_0", "F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), stride=0)", RuntimeError,
     ValueError, ("conv2d", "stride", ">= 1", "0")),
    ("conv2d_negative_padding", "F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), padding=-1)",
     RuntimeError, ValueError, ("conv2d", "padding", "-1")),
    ("conv2d_dilation_0", "F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), dilation=0)", RuntimeError,
     ValueError, ("conv2d", "dilation", "0")),
    ("conv2d_groups_0", "F.conv2d(torch.randn(1, 4, 5, 5), torch.randn(4, 4, 3, 3), groups=0)", RuntimeError,
     ValueError, ("conv2d", "groups=0")),
    ("conv2d_weight_5d", "F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3, 1))", RuntimeError, ValueError,
     ("conv2d", "[1, 3, 5, 5]", "[4, 3, 3, 3, 1]", "4-D weight")),
    ("conv2d_padding_mode_name", "nn.Conv2d(3, 4, 3, padding_mode='mirror')", ValueError, ValueError,
     ("Conv2d", "padding_mode", "'mirror'", "'reflect'")),
    ("unfold_kernel_bigger_than_image", "F.unfold(torch.randn(1, 2, 3, 3), kernel_size=4)", RuntimeError,
     ValueError, ("unfold", "(4, 4)", "(3, 3)", "smaller kernel")),
    ("unfold_5d_input", "F.unfold(torch.randn(1, 1, 2, 3, 3), kernel_size=2)", RuntimeError, ValueError,
     ("unfold", "(N, C, H, W)", "[1, 1, 2, 3, 3]")),
    ("unfold_stride_0", "F.unfold(torch.randn(1, 2, 4, 4), kernel_size=2, stride=0)", RuntimeError, ValueError,
     ("unfold", "stride", "0")),
    ("fold_block_count", "F.fold(torch.randn(1, 8, 5), output_size=(4, 4), kernel_size=2)", RuntimeError, ValueError,
     ("fold", "[1, 8, 5]", "5 blocks", "3 x 3 = 9", "output_size")),
    ("fold_channels_not_a_kernel_multiple", "F.fold(torch.randn(1, 7, 9), output_size=(4, 4), kernel_size=2)",
     RuntimeError, ValueError, ("fold", "[1, 7, 9]", "multiple of kH * kW = 4")),
    ("fold_4d_input", "F.fold(torch.randn(1, 8, 9, 1), output_size=(4, 4), kernel_size=2)", RuntimeError,
     ValueError, ("fold", "[1, 8, 9, 1]", "(N, C * kH * kW, L)")),
    ("one_hot_class_past_num_classes", "F.one_hot(torch.tensor([0, 5]), num_classes=3)", RuntimeError, ValueError,
     ("one_hot", "5", "[0, 3)")),
    ("one_hot_num_classes_minus_2", "F.one_hot(torch.tensor([0, 1]), num_classes=-2)", RuntimeError, ValueError,
     ("one_hot", "num_classes", "-2", "-1")),
    ("one_hot_of_empty_without_num_classes", "F.one_hot(torch.tensor([], dtype=torch.int64))", RuntimeError,
     ValueError, ("one_hot", "infer", "(0,)", "pass num_classes")),
    ("gumbel_softmax_int_logits", "F.gumbel_softmax(torch.ones(2, 3, dtype=torch.int64))", RuntimeError, TypeError,
     ("gumbel_softmax", "int64", "(2, 3)", ".float()")),
    ("embedding_weight_1d", "F.embedding(torch.tensor([1, 2]), torch.randn(5))", RuntimeError, ValueError,
     ("embedding", "'weight' must be 2-D", "[5]")),
    ("interpolate_trilinear_on_4d", "F.interpolate(torch.randn(1, 1, 4, 4), size=8, mode='trilinear')",
     NotImplementedError, ValueError, ("interpolate", "'trilinear'", "5-D", "[1, 1, 4, 4]")),
    ("interpolate_2d_input", "F.interpolate(torch.randn(4, 4), size=8)", NotImplementedError, ValueError,
     ("interpolate", "3-D or 4-D or 5-D", "[4, 4]", "unsqueeze(0)")),
    ("interpolate_scale_factor_per_dim", "F.interpolate(torch.randn(1, 1, 4, 4), scale_factor=(2, 2, 2))",
     ValueError, ValueError, ("interpolate", "(2, 2, 2)", "spatial dimension (2)")),
    ("pad_replicate_of_1d", "F.pad(torch.randn(3), (1, 1), mode='replicate')", NotImplementedError, ValueError,
     ("pad", "'replicate'", "1-D", "2-D or 3-D")),
    ("pad_circular_wraps_twice", "F.pad(torch.randn(1, 1, 3), (4, 4), mode='circular')", RuntimeError, ValueError,
     ("pad", "wrap around more than once", "(4, 4)", "<= 3")),
    ("pad_crops_past_the_size", "F.pad(torch.randn(1, 2, 3), (-2, -2))", RuntimeError, ValueError,
     ("pad", "(-2, -2)", "size 3")),
    ("pad_float_amount", "F.pad(torch.randn(1, 2, 3), (1.5, 1))", TypeError, TypeError, ("pad", "ints", "(1.5, 1)")),
    ("bce_logits_pos_weight_per_class_count", "F.binary_cross_entropy_with_logits(torch.rand(4, 3), torch.rand(4, 3), "
     "pos_weight=torch.ones(2))", RuntimeError, ValueError,
     ("binary_cross_entropy_with_logits", "pos_weight", "(2,)", "(4, 3)", "(C,)")),
    ("bce_logits_weight_grows_the_loss", "F.binary_cross_entropy_with_logits(torch.rand(3), torch.rand(3), "
     "weight=torch.ones(2, 3))", RuntimeError, ValueError,
     ("binary_cross_entropy_with_logits", "weight", "(2, 3)", "(3,)")),
    ("margin_ranking_lengths", "F.margin_ranking_loss(torch.randn(4), torch.randn(3), torch.ones(4))", RuntimeError,
     ValueError, ("margin_ranking_loss", "input1 (4,)", "input2 (3,)")),
    ("triplet_widths", "F.triplet_margin_loss(torch.randn(4, 3), torch.randn(4, 3), torch.randn(4, 2))",
     RuntimeError, ValueError, ("triplet_margin_loss", "negative (4, 2)", "anchor (4, 3)")),
    ("cosine_embedding_target_length", "F.cosine_embedding_loss(torch.randn(4, 3), torch.randn(4, 3), torch.ones(3))",
     RuntimeError, ValueError, ("cosine_embedding_loss", "(4, 3)", "(3,)")),
    ("kl_div_shapes_that_do_not_broadcast", "F.kl_div(torch.randn(4, 3), torch.rand(4, 2), reduction='sum')",
     RuntimeError, ValueError, ("kl_div", "[4, 3]", "[4, 2]", "broadcast")),
    ("multilabel_margin_float_target", "F.multilabel_margin_loss(torch.randn(2, 3), torch.ones(2, 3))",
     RuntimeError, TypeError, ("multilabel_margin_loss", "float32", ".long()")),
    ("poisson_nll_widths", "F.poisson_nll_loss(torch.randn(4, 3), torch.randn(4, 2))", RuntimeError, ValueError,
     ("poisson_nll_loss", "(4, 3)", "(4, 2)")),
    ("hinge_embedding_lengths", "F.hinge_embedding_loss(torch.randn(4), torch.ones(3))", RuntimeError, ValueError,
     ("hinge_embedding_loss", "(4,)", "(3,)")),
    ("soft_margin_lengths", "F.soft_margin_loss(torch.randn(4), torch.ones(3))", RuntimeError, ValueError,
     ("soft_margin_loss", "(4,)", "(3,)")),
    ("multilabel_soft_margin_widths", "F.multilabel_soft_margin_loss(torch.randn(4, 3), torch.ones(4, 2))",
     RuntimeError, ValueError, ("multilabel_soft_margin_loss", "(4, 3)", "(4, 2)")),
    ("loss_reduction_name", "F.mse_loss(torch.randn(4), torch.randn(4), reduction='avg')", ValueError, ValueError,
     ("mse_loss", "reduction", "'avg'", "'mean'")),
]

SCHEDULERS_AND_OPTIMIZERS = [
    ("cyclic_lr_mode_name", f"{S}.CyclicLR({SGD}, 0.01, 0.1, mode='tri')", ValueError, ValueError,
     ("CyclicLR", "'tri'", "'triangular'")),
    ("cyclic_lr_base_lr_per_group", f"{S}.CyclicLR({SGD}, [0.01, 0.02], 0.1)", ValueError, ValueError,
     ("CyclicLR", "2 base_lr", "1 param groups")),
    ("onecycle_on_adagrad_with_cycle_momentum", "optim.lr_scheduler.OneCycleLR(optim.Adagrad(nn.Linear(3, 2)"
     ".parameters()), max_lr=0.1, total_steps=5)", ValueError, ValueError,
     ("OneCycleLR", "cycle_momentum", "Adagrad", "cycle_momentum=False")),
    ("onecycle_anneal_strategy_name", f"{S}.OneCycleLR({SGD}, max_lr=0.1, total_steps=5, anneal_strategy='lin')",
     ValueError, ValueError, ("OneCycleLR", "'cos' or 'linear'", "'lin'")),
    ("onecycle_pct_start_above_1", f"{S}.OneCycleLR({SGD}, max_lr=0.1, total_steps=5, pct_start=1.5)", ValueError,
     ValueError, ("OneCycleLR", "pct_start", "1.5")),
    ("onecycle_total_steps_0", f"{S}.OneCycleLR({SGD}, max_lr=0.1, total_steps=0)", ValueError, ValueError,
     ("OneCycleLR", "total_steps", "0")),
    ("onecycle_epochs_times_steps_too_few", f"s = {S}.OneCycleLR({SGD}, max_lr=0.1, epochs=1, steps_per_epoch=2)\n"
     "for _ in range(3):\n    s.step()", ValueError, ValueError, ("Tried to step 3 times", "total steps is 2")),
    ("plateau_threshold_mode_name", f"{S}.ReduceLROnPlateau({SGD}, threshold_mode='relative')", ValueError,
     ValueError, ("ReduceLROnPlateau", "'rel' or 'abs'", "'relative'")),
    ("plateau_min_lr_per_group", f"{S}.ReduceLROnPlateau({SGD}, min_lr=[0.1, 0.2])", ValueError, ValueError,
     ("ReduceLROnPlateau", "2 min_lr", "1 param groups")),
    ("plateau_metric_of_two_values", f"{S}.ReduceLROnPlateau({SGD}).step(torch.ones(2))", ValueError, ValueError,
     ("item()", "2 elements", "[2]")),
    ("lambda_lr_given_a_number", f"{S}.LambdaLR({SGD}, 0.5)", TypeError, TypeError, ("LambdaLR", "function", "float")),
    ("multiplicative_lr_lambdas_per_group", f"{S}.MultiplicativeLR({SGD}, [lambda e: 0.9, lambda e: 0.9])",
     ValueError, ValueError, ("MultiplicativeLR", "2 lr_lambda", "1 param groups")),
    ("chained_scheduler_of_two_optimizers", f"{S}.ChainedScheduler([{S}.StepLR({SGD}, 1), {S}.StepLR({SGD}, 1)])",
     ValueError, ValueError, ("ChainedScheduler", "same optimizer", "index 1")),
    ("warm_restarts_fractional_t_mult", f"{S}.CosineAnnealingWarmRestarts({SGD}, T_0=2, T_mult=1.5)", ValueError,
     ValueError, ("CosineAnnealingWarmRestarts", "T_mult", "1.5")),
    ("constant_lr_factor_above_1", f"{S}.ConstantLR({SGD}, factor=1.5)", ValueError, ValueError,
     ("ConstantLR", "factor", "1.5")),
    ("param_group_without_params", "optim.SGD([{'lr': 0.1}], lr=0.1)", KeyError, ValueError,
     ("SGD.add_param_group", "no 'params' entry", "'lr'")),
    ("optimizer_given_a_dict_of_parameters", "optim.SGD({'a': nn.Parameter(torch.ones(2))}, lr=0.1)", TypeError,
     ValueError, ("SGD", "no 'params' entry", "'a'")),
    ("named_and_plain_parameters_mixed", "optim.SGD([('w', nn.Parameter(torch.ones(2))), nn.Parameter(torch.ones(2))]"
     ", lr=0.1)", ValueError, ValueError, ("SGD", "with/without names", "named_parameters()")),
    ("plain_group_added_to_named_optimizer", "o = optim.SGD(nn.Linear(3, 2).named_parameters(), lr=0.1)\n"
     "o.add_param_group({'params': [nn.Parameter(torch.ones(2))]})", ValueError, ValueError,
     ("SGD", "param groups should be with/without names")),
    ("muon_on_a_bias", "optim.Muon([nn.Parameter(torch.ones(3))], lr=0.1)", ValueError, ValueError,
     ("Muon", "2-D", "[3]", "AdamW")),
    ("muon_on_a_conv_kernel", "optim.Muon([nn.Parameter(torch.ones(3, 3, 3))], lr=0.1)", ValueError, ValueError,
     ("Muon", "2-D", "[3, 3, 3]")),
    ("muon_negative_lr", "optim.Muon([nn.Parameter(torch.ones(3, 3))], lr=-0.1)", ValueError, ValueError,
     ("Muon", "lr", "-0.1")),
    ("muon_sparse_gradient", "w = nn.Parameter(torch.ones(3, 3)); o = optim.Muon([w])\n"
     "w.grad = torch.eye(3).to_sparse()\no.step()", RuntimeError, RuntimeError, ("Muon", "sparse")),
    ("parameter_resized_after_a_step", "w = nn.Parameter(torch.ones(2)); o = optim.Adam([w], lr=0.1)\n"
     "w.grad = torch.ones(2)\no.step()\nw.data = torch.ones(3)\nw.grad = torch.ones(3)\no.step()", RuntimeError,
     ValueError, ("Adam.step", "(3,)", "exp_avg (2,)", "new optimizer", "optimizer.state")),
]

CASES = HOOKS + MODULES + FUNCTIONAL + SCHEDULERS_AND_OPTIMIZERS

# calls PyTorch accepts: ours must run too and give PyTorch's value (the last line is the value compared)
ACCEPTED = [
    ("plain_attribute_before_super_init", "class M(nn.Module):\n    def __init__(self):\n        self.k = 4\n"
     "        super().__init__()\n        self.l = nn.Linear(3, self.k)\n[M().k, M().l.out_features]"),
    ("forward_pre_hook_replaces_the_input", "m = nn.Linear(3, 2)\nm.register_forward_pre_hook(lambda mod, args: "
     "torch.zeros(5, 3))\nm(torch.ones(4, 3)).shape"),
    ("tensor_hook_returning_none_keeps_the_gradient", "w = torch.ones(3, requires_grad=True)\n"
     "w.register_hook(lambda g: None)\n(w * 2).sum().backward()\nw.grad"),
    ("register_buffer_replaces_a_buffer", "m = nn.Linear(3, 2)\nm.register_buffer('b', torch.ones(2))\n"
     "m.register_buffer('b', torch.zeros(3))\nm.b"),
    ("kl_div_broadcasts_the_target", "x = torch.arange(12.0).reshape(4, 3).sin()\n"
     "F.kl_div(x, torch.arange(4.0).reshape(4, 1) / 4, reduction='batchmean').item()"),
    ("kl_div_broadcasts_the_input", "x = torch.arange(4.0).reshape(4, 1).cos()\n"
     "F.kl_div(x, torch.arange(12.0).reshape(4, 3) / 12, reduction='sum').item()"),
    ("bce_logits_pos_weight_column", "x = torch.arange(12.0).reshape(4, 3).sin()\n"
     "F.binary_cross_entropy_with_logits(x, x.cos().abs(), pos_weight=torch.arange(4.0).reshape(4, 1)).item()"),
    ("cyclic_lr_on_adam_cycles_beta1", "o = optim.Adam([nn.Parameter(torch.ones(2))], lr=0.1)\n"
     "s = optim.lr_scheduler.CyclicLR(o, 0.01, 0.1, step_size_up=2)\nfor _ in range(3):\n    o.step(); s.step()\n"
     "[o.param_groups[0]['lr'], o.param_groups[0]['betas'][0]]"),
    ("conv2d_zero_in_channels", "nn.Conv2d(0, 4, 3).weight.shape"),
    ("mse_loss_broadcasts_a_column_with_a_warning", "x = torch.arange(4.0).reshape(4, 1)\n"
     "F.mse_loss(x, torch.arange(4.0) / 2).item()"),
    ("l1_loss_broadcasts_a_column_with_a_warning", "x = torch.arange(4.0).reshape(4, 1)\n"
     "F.l1_loss(x, torch.arange(4.0) / 2, reduction='none')"),
    ("embedding_max_norm_on_a_non_leaf_weight", "w = torch.arange(15.0).reshape(5, 3).requires_grad_() * 1\n"
     "F.embedding(torch.tensor([1, 2]), w, max_norm=1.0)"),
    ("optimizer_of_named_parameters", "m = nn.Linear(3, 2)\nm.weight.data.fill_(1.0); m.bias.data.fill_(0.5)\n"
     "o = optim.SGD(m.named_parameters(), lr=0.1)\nm(torch.ones(1, 3)).sum().backward(); o.step()\n"
     "o.state_dict()['param_groups'][0]['params'] + m.weight.flatten().tolist() + m.bias.tolist()"),
    ("polynomial_lr_zero_total_iters", "o = optim.SGD([nn.Parameter(torch.ones(2))], lr=0.1)\n"
     "s = optim.lr_scheduler.PolynomialLR(o, total_iters=0)\no.step(); s.step()\ns.get_last_lr()"),
]




@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-5)


# ag.jit has no PyTorch twin: its misuses must fail at once, naming the call and the fix
JIT = [
    ("jit_of_a_number", "ag.jit(5)", TypeError, TypeError, ("ag.jit", "int", "@ag.jit")),
    ("jit_cache_size_0", "ag.jit(lambda x: x, cache_size=0)", ValueError, ValueError,
     ("ag.jit", "cache_size", "0")),
    ("jit_modules_of_a_number", "ag.jit(lambda x: x, modules=5)", TypeError, TypeError,
     ("ag.jit", "modules=", "int")),
    ("jit_step_reads_item", "m = nn.Linear(3, 1)\n@ag.jit\ndef step(x):\n    return m(x).sum().item()\n"
     "for _ in range(3):\n    step(ag.ones(2, 3))", CaptureError, RuntimeError,
     ("item()", "compiled step", "loss.item()")),
    ("jit_step_branches_on_a_value", "m = nn.Linear(3, 1)\n@ag.jit\ndef step(x):\n    y = m(x).sum()\n"
     "    return y * 2 if y > 0 else y\nfor _ in range(3):\n    step(ag.ones(2, 3))", CaptureError,
     RuntimeError, ("bool()", "compiled step")),
    ("jit_step_passes_a_closure", "m = nn.Linear(3, 1); o = optim.SGD(m.parameters(), lr=0.1)\n@ag.jit\n"
     "def step(x):\n    def closure():\n        o.zero_grad(); loss = m(x).sum(); loss.backward(); return loss\n"
     "    return o.step(closure)\nfor _ in range(3):\n    step(ag.ones(2, 3))", CaptureError, RuntimeError,
     ("Optimizer.step", "closure", "without a closure")),
    ("jit_step_sets_lr", "m = nn.Linear(3, 1); o = optim.SGD(m.parameters(), lr=0.1)\nlrs = iter([0.1, 0.2, 0.3])\n"
     "@ag.jit\ndef step(x):\n    o.param_groups[0]['lr'] = next(lrs)\n    o.zero_grad(); loss = m(x).sum(); "
     "loss.backward(); o.step(); return loss\nfor _ in range(3):\n    step(ag.ones(2, 3))", CaptureError,
     RuntimeError, ("SGD.param_groups[0]['lr']", "outside the compiled step", "lr_scheduler")),
]


@pytest.mark.parametrize("case", JIT, ids=[c[0] for c in JIT])
def test_jit_misuse_fails_at_once_naming_the_fix(case):
    check_mistake(case, dict(ag=ag, nn=nn, optim=optim))


def test_jit_takes_one_module_without_a_list():
    model = nn.Linear(3, 2)
    step = ag.jit(lambda x: model(x).sum(), modules=model)
    assert step.modules == (model,)


@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
def test_loss_broadcasting_a_column_warns_as_pytorch(loss):
    """(4, 1) against (4,) broadcasts to (4, 4), almost never what was meant: PyTorch warns, and so do we."""
    with pytest.warns(UserWarning, match=r"target size .*\[4\].* different to the input size .*\[4, 1\]"):
        getattr(F, loss)(ag.ones(4, 1), ag.ones(4))


def test_named_parameters_keep_their_names_in_the_state_dict_as_pytorch():
    torch = pytest.importorskip("torch")
    ours = optim.Adam(nn.Sequential(nn.Linear(3, 2), nn.ReLU(), nn.Linear(2, 1)).named_parameters())
    theirs = torch.optim.Adam(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(),
                                                  torch.nn.Linear(2, 1)).named_parameters())
    ours_group, their_group = ours.state_dict()["param_groups"][0], theirs.state_dict()["param_groups"][0]
    assert ours_group["param_names"] == their_group["param_names"] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert list(ours.param_groups[0])[:2] == list(theirs.param_groups[0])[:2] == ["params", "param_names"]
