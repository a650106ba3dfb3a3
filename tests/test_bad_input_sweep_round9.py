"""Round 9 of newcomer mistakes in PyTorch spelling (rounds 1-8: tests/test_bad_input_sweep.py, _round2.py ...
_round8.py), in the areas those left out: custom torch.autograd.Function misuse (a backward that returns a number,
a gradient for an argument that was not a tensor, save_for_backward of a plain value) and the autograd calls around
it (grad_outputs of another count, empty inputs, requires_grad switched off on a computed tensor, detach_ on a view,
set_grad_enabled given a string); einsum equations that are not letters, repeat an output letter or mix dtypes;
dims named twice or past the rank (permute, flip, squeeze, sum, mean, amax) and the view-making ops around them
(unflatten with two -1s, narrow with a negative length, tensordot of unequal dims, repeat with a negative count,
tensor_split of a float, diag_embed onto one dim); containers and optimisers (Sequential.insert of a non-module,
a ModuleList or ModuleDict called like a layer, the other optimisers' hyperparameters, CyclicLR with a cycle of 0
steps, SequentialLR over another optimiser); recurrent and attention inputs (an LSTM given a bare h_0 or three
states, a GRU given a tuple, cells of the wrong rank, a 4-D query, is_causal without a mask, memory of another width,
grouped-query heads that do not divide, embedding_bag offsets and per-sample weights, unpad_sequence lengths). Each must raise the exception type PyTorch raises, still an instance of the type
deepgrad raised before, with a message naming the op, the shapes, dtypes or values involved and the fix; where
PyTorch accepts a call, we accept it and give PyTorch's result."""

import pytest

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

FN = ("class Fn(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x{args}):\n        {save}return x * 2\n"
      "    @staticmethod\n    def backward(ctx, g):\n        return {grads}\n")
LEAF = "x = torch.ones(2, requires_grad=True)\n"
RUN = "Fn.apply(x).sum().backward()"


def fn(grads="g", args="", save=""):
    """A custom Function doubling its input whose backward returns `grads`, defined and applied to a leaf."""
    return FN.format(grads=grads, args=args, save=save) + LEAF


# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type's base where we accepted the call), substrings the message must hold
AUTOGRAD = [
    ("Function_backward_returns_two_for_one", fn("g, g") + RUN, RuntimeError, RuntimeError,
     ("FnBackward", "incorrect number of gradients", "expected 1, got 2")),
    ("Function_backward_returns_a_float", fn("1.0") + RUN, RuntimeError, Exception,
     ("expected Variable or None (got float)", "FnBackward", "return a Tensor")),
    ("Function_backward_returns_a_list", fn("[1.0, 1.0]") + RUN, RuntimeError, Exception,
     ("got list", "FnBackward")),
    ("Function_gradient_that_does_not_sum_down", fn("torch.ones(1)") + RUN, RuntimeError, RuntimeError,
     ("FnBackward", "got [1]", "compatible with [2]")),
    ("Function_backward_wrong_shape", fn("torch.ones(3)") + RUN, RuntimeError, RuntimeError,
     ("FnBackward", "invalid gradient at index 0", "got [3]", "[2]")),
    ("Function_gradient_for_a_number_argument", fn("g * 2, torch.ones(1)", args=", k") + "Fn.apply(x, 2.0).sum()"
     ".backward()", RuntimeError, Exception, ("FnBackward", "position 2", "not a Variable", "float", "return None")),
    ("Function_saves_an_int", fn(save="ctx.save_for_backward(3)\n        ") + "Fn.apply(x)", TypeError, Exception,
     ("save_for_backward can only save variables", "argument 0", "int", "ctx.k = k")),
    ("Function_saves_a_list", fn(save="ctx.save_for_backward([x])\n        ") + "Fn.apply(x)", TypeError, Exception,
     ("save_for_backward", "list")),
    ("grad_two_outputs_one_grad_output", LEAF + "y = x * 2\ntorch.autograd.grad([y.sum(), y.sum()], x, grad_outputs="
     "[torch.tensor(1.0)])", RuntimeError, Exception, ("got 2 tensors and 1 gradients", "grad_outputs")),
    ("backward_two_tensors_one_grad_tensor", LEAF + "y = x * 2\ntorch.autograd.backward([y.sum(), y.sum()], "
     "grad_tensors=[torch.tensor(1.0)])", RuntimeError, Exception, ("got 2 tensors and 1 gradients",)),
    ("grad_of_no_inputs", LEAF + "torch.autograd.grad((x * 2).sum(), [])", RuntimeError, Exception,
     ("`inputs` argument to `grad()` cannot be empty", "pass the tensors")),
    ("backward_of_no_inputs", LEAF + "(x * 2).sum().backward(inputs=[])", RuntimeError, ValueError,
     ("`inputs` argument to `backward()` cannot be empty", "leave inputs out")),
    ("requires_grad_False_on_a_computed_tensor", LEAF + "(x * 2).requires_grad = False", RuntimeError, Exception,
     ("only change requires_grad flags of leaf variables", "var.detach()", "(2,)")),
    ("requires_grad__False_on_a_computed_tensor", LEAF + "(x * 2).requires_grad_(False)", RuntimeError,
     RuntimeError, ("leaf variables", "detach()")),
    ("detach__of_a_slice", LEAF + "y = (x * 2)[:1]\ny.detach_()", RuntimeError, Exception,
     ("Can't detach views in-place", "detach()", "(1,)")),
    ("detach__of_a_view_of_a_plain_tensor", "torch.ones(2, 3).t().detach_()", RuntimeError, Exception,
     ("Can't detach views in-place", "(3, 2)")),
    ("set_grad_enabled_given_a_string", "torch.set_grad_enabled('yes')", TypeError, Exception,
     ("set_grad_enabled()", "must be bool, not str")),
    ("set_grad_enabled_given_1", "torch.set_grad_enabled(1)", TypeError, Exception, ("must be bool, not int",)),
    ("grad_of_an_output_without_grad", "x = torch.ones(2)\ntorch.autograd.grad(x.sum(), x)", RuntimeError,
     RuntimeError, ("grad", "does not require grad")),
    ("grad_batched_wrong_shape", LEAF + "torch.autograd.grad(x * 2, x, grad_outputs=torch.ones(3, 3), "
     "is_grads_batched=True)", RuntimeError, RuntimeError, ("(3,)",)),
    ("hessian_of_a_vector_function", "torch.autograd.functional.hessian(lambda a: a * 2, torch.ones(2))",
     RuntimeError, RuntimeError, ("hessian", "one element", "(2,)")),
    ("Function_called_on_an_instance", fn() + "Fn()(x)", RuntimeError, RuntimeError,
     ("Legacy autograd function", "static forward")),
    ("Function_marks_an_input_dirty_it_does_not_return", "class Fn(torch.autograd.Function):\n    @staticmethod\n"
     "    def forward(ctx, x):\n        ctx.mark_dirty(x)\n        return x * 2\n    @staticmethod\n"
     "    def backward(ctx, g):\n        return g\n" + LEAF + "Fn.apply(x * 1)", RuntimeError, RuntimeError,
     ("marked as dirty", "returned as output")),
]

A = "torch.ones(2, 3)"

VIEWS = [
    ("einsum_digit_subscript", f"torch.einsum('i1->i', {A})", RuntimeError, ValueError,
     ("einsum()", "invalid subscript given at index 1", "'1'", "[a-zA-Z]")),
    ("einsum_two_arrows", f"torch.einsum('ij->ji->ij', {A})", RuntimeError, ValueError,
     ("einsum()", "at most one '->'")),
    ("einsum_repeated_output_letter", f"torch.einsum('ij->ii', {A})", RuntimeError, ValueError,
     ("einsum()", "output subscript i appears more than once", "'ii->i'")),
    ("einsum_two_ellipses_in_one_operand", f"torch.einsum('...i...->i', {A})", RuntimeError, ValueError,
     ("einsum()", "for which an ellipsis was already found", "'...i...'")),
    ("einsum_two_dots", f"torch.einsum('..i->i', {A})", RuntimeError, ValueError,
     ("einsum()", "not part of any ellipsis", "three dots")),
    ("einsum_float_and_int", "torch.einsum('i,i->', torch.ones(3), torch.ones(3, dtype=torch.int64))",
     RuntimeError, RuntimeError, ("einsum", "expected scalar type float32 but found int64", "(3,)", "b.to(a.dtype)")),
    ("einsum_float32_and_float64", "torch.einsum('ij,jk->ik', torch.ones(2, 3), torch.ones(3, 2, "
     "dtype=torch.float64))", RuntimeError, RuntimeError, ("einsum", "float64", "(3, 2)")),
    ("einsum_more_operands_than_subscripts", f"torch.einsum('ij->ji', {A}, {A})", RuntimeError, ValueError,
     ("einsum", "1 operand subscripts for 2 operands")),
    ("einsum_ellipsis_sizes_differ", "torch.einsum('...i,...i->...i', torch.ones(2, 3), torch.ones(4, 3))",
     RuntimeError, ValueError, ("einsum", "(2, 3)", "(4, 3)")),
    ("einsum_diagonal_of_a_non_square", "torch.einsum('ii->i', torch.ones(2, 3))", RuntimeError, ValueError,
     ("einsum", "'ii'", "sizes 2 and 3")),
    ("permute_dim_past_the_rank", f"{A}.permute(0, 2)", IndexError, ValueError,
     ("permute", "dim 2 is out of range", "[-2, 1]")),
    ("permute_repeated_dim", f"{A}.permute(0, 0)", RuntimeError, ValueError,
     ("permute(): duplicate dims are not allowed", "(0, 0)", "(2, 3)", "(1, 0)")),
    ("permute_negative_repeat", f"{A}.permute(1, -1)", RuntimeError, ValueError, ("duplicate dims", "(1, -1)")),
    ("flip_repeated_dim", f"{A}.flip(0, 0)", RuntimeError, ValueError,
     ("dim 0 appears multiple times in the list of dims", "flip", "(2, 3)")),
    ("sum_repeated_dim", f"{A}.sum(dim=(0, 0))", RuntimeError, ValueError,
     ("dim 0 appears multiple times", "sum", "(0, 0)")),
    ("mean_dim_and_its_negative", f"{A}.mean(dim=(1, -1))", RuntimeError, ValueError,
     ("dim 1 appears multiple times", "mean")),
    ("amax_repeated_dim", f"{A}.amax(dim=(0, 0))", RuntimeError, ValueError, ("appears multiple times", "amax")),
    ("squeeze_repeated_dims", "torch.ones(1, 2, 1).squeeze((0, 0))", RuntimeError, ValueError,
     ("dim 0 appears multiple times", "squeeze", "(1, 2, 1)")),
    ("unflatten_two_inferred_sizes", "torch.ones(2, 12).unflatten(1, (-1, -1))", RuntimeError, ValueError,
     ("unflatten", "only one dimension can be inferred", "(-1, -1)", "length 12")),
    ("narrow_negative_length", f"{A}.narrow(1, 0, -1)", RuntimeError, IndexError,
     ("narrow()", "length must be non-negative", "got -1", "(2, 3)")),
    ("tensordot_unequal_dims", f"torch.tensordot({A}, torch.ones(4, 2), dims=([1], [0]))", RuntimeError, ValueError,
     ("tensordot", "contracted dimensions need to match", "size 3 in dim 1", "size 4 in dim 0")),
    ("tensordot_dim_lists_of_two_lengths", f"torch.tensordot({A}, torch.ones(3, 2), dims=([1], [0, 1]))",
     RuntimeError, ValueError, ("tensordot", "same length", "[1]", "[0, 1]")),
    ("repeat_negative_count", f"{A}.repeat(-1, 1)", RuntimeError, ValueError,
     ("repeat", "(-1, 1)", "negative", "0 or more")),
    ("tensor_split_of_a_float", f"{A}.tensor_split(1.5)", TypeError, TypeError,
     ("tensor_split()", "1.5", "(2, 3)", "x.tensor_split(2)")),
    ("diag_embed_onto_one_dim", "torch.diag_embed(torch.ones(3), dim1=0, dim2=0)", RuntimeError, ValueError,
     ("diag_embed", "diagonal dimensions cannot be identical 0, 0", "(3,)")),
    ("mT_of_a_vector", "torch.ones(3).mT", RuntimeError, RuntimeError, ("mT", "matrices", "(3,)")),
    ("expand_minus_1_in_a_new_dim", "torch.ones(3).expand(-1, 3)", RuntimeError, ValueError,
     ("expand", "-1", "(-1, 3)")),
]

L = "nn.Linear(2, 2)"
P = "[nn.Parameter(torch.ones(2))]"
SGD = f"opt = optim.SGD({P}, lr=0.1)\n"
SGDM = f"opt = optim.SGD({P}, lr=0.1, momentum=0.9)\n"
S = "optim.lr_scheduler."

MODULES_OPTIM = [
    ("Sequential_insert_a_number", f"nn.Sequential({L}).insert(0, 3)", AssertionError, TypeError,
     ("Sequential.insert", "module should be of type Module", "int")),
    ("Sequential_insert_past_the_end", f"nn.Sequential({L}).insert(5, {L})", IndexError, IndexError,
     ("Sequential.insert", "index 5", "1 modules")),
    ("ModuleList_called_like_a_layer", f"nn.ModuleList([{L}])(torch.ones(2))", NotImplementedError, TypeError,
     ("ModuleList", "missing the required \"forward\" function", "iterate over it")),
    ("ModuleDict_called_like_a_layer", f"nn.ModuleDict({{'a': {L}}})(torch.ones(2))", NotImplementedError,
     TypeError, ("ModuleDict", "forward", "index it")),
    ("ModuleDict_int_key", f"nn.ModuleDict({{1: {L}}})", TypeError, TypeError, ("module name should be a string",)),
    ("ModuleDict_value_not_a_module", "nn.ModuleDict({'a': 3})", TypeError, TypeError, ("'a'", "Module", "int")),
    ("ModuleList_extend_of_a_number", "nn.ModuleList().extend(3)", TypeError, TypeError,
     ("ModuleList.extend", "iterable", "int")),
    ("get_buffer_of_a_parameter", f"{L}.get_buffer('weight')", AttributeError, AttributeError,
     ("get_buffer", "Linear", "'weight'")),
    ("get_submodule_of_a_parameter", f"{L}.get_submodule('weight')", AttributeError, AttributeError,
     ("get_submodule", "'weight'")),
    ("register_forward_hook_of_a_number", f"m = {L}\nm.register_forward_hook(3)\nm(torch.ones(2))", TypeError,
     TypeError, ("hook must be callable", "int")),
    ("apply_of_a_number", f"{L}.apply(3)", TypeError, TypeError,
     ("'int' object is not callable", "Linear.apply(fn)", "pass a function")),
    ("MultiStepLR_milestones_an_int", SGD + f"{S}MultiStepLR(opt, milestones=5)", TypeError, TypeError,
     ("'int' object is not iterable", "MultiStepLR", "milestones=[30, 80]", "StepLR")),
    ("Rprop_etas_swapped", f"optim.Rprop({P}, etas=(1.5, 1.2))", ValueError, ValueError,
     ("Rprop", "(1.5, 1.2)", "0 < etaminus < 1 < etaplus")),
    ("Adadelta_rho_above_1", f"optim.Adadelta({P}, rho=1.5)", ValueError, ValueError, ("Adadelta", "rho 1.5")),
    ("NAdam_negative_momentum_decay", f"optim.NAdam({P}, momentum_decay=-1)", ValueError, ValueError,
     ("NAdam", "momentum_decay -1")),
    ("Adamax_beta1_of_1", f"optim.Adamax({P}, betas=(1.0, 0.99))", ValueError, ValueError,
     ("Adamax", "(1.0, 0.99)", "[0, 1)")),
    ("ASGD_negative_weight_decay", f"optim.ASGD({P}, weight_decay=-1)", ValueError, ValueError,
     ("ASGD", "weight_decay -1")),
    ("RAdam_negative_beta", f"optim.RAdam({P}, betas=(-0.1, 0.9))", ValueError, ValueError, ("RAdam", "-0.1")),
    ("Adam_three_betas", f"opt = optim.Adam({P}, betas=(0.9, 0.99, 0.9))\nopt.param_groups[0]['params'][0].grad = "
     "torch.ones(2)\nopt.step()", ValueError, ValueError, ("Adam", "(0.9, 0.99, 0.9)", "two values")),
    ("SparseAdam_dense_gradient", f"opt = optim.SparseAdam({P})\nopt.param_groups[0]['params'][0].grad = "
     "torch.ones(2)\nopt.step()", RuntimeError, RuntimeError, ("SparseAdam does not support dense gradients",)),
    ("SGD_momentum_as_a_string", f"optim.SGD({P}, lr=0.1, momentum='0.9')", TypeError, TypeError,
     ("SGD", "momentum", "str")),
    ("add_param_group_of_a_parameter", SGD + "opt.add_param_group(nn.Parameter(torch.ones(1)))", TypeError,
     TypeError, ("add_param_group", "dict", "Parameter")),
    ("add_param_group_of_a_set", SGD + "opt.add_param_group({'params': {nn.Parameter(torch.ones(1))}})",
     TypeError, TypeError, ("SGD", "ordered", "set")),
    ("CyclicLR_step_size_up_0", SGDM + f"s = {S}CyclicLR(opt, 0.01, 0.1, step_size_up=0)\nopt.step()\ns.step()",
     ZeroDivisionError, ValueError, ("CyclicLR", "step_size_up (0)", "> 0")),
    ("CosineAnnealingWarmRestarts_T_mult_0", SGD + f"{S}CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=0)",
     ValueError, ValueError, ("CosineAnnealingWarmRestarts", "T_mult", "got 0")),
    ("SequentialLR_schedulers_of_another_optimizer", SGD + f"opt2 = optim.SGD({P}, lr=0.1)\n{S}SequentialLR(opt, "
     f"[{S}ConstantLR(opt), {S}ConstantLR(opt2)], milestones=[2])", ValueError, ValueError, ("SequentialLR",)),
    ("SequentialLR_of_no_schedulers", SGD + f"{S}SequentialLR(opt, [], milestones=[])", ValueError, ValueError,
     ("SequentialLR", "at least one scheduler")),
    ("ConstantLR_negative_factor", SGD + f"{S}ConstantLR(opt, factor=-0.5)", ValueError, ValueError,
     ("ConstantLR", "factor", "-0.5")),
    ("MultiplicativeLR_of_a_number", SGD + f"{S}MultiplicativeLR(opt, 0.5)", TypeError, TypeError,
     ("MultiplicativeLR", "lr_lambda", "float")),
    ("SWALR_anneal_strategy_typo", SGD + "torch.optim.swa_utils.SWALR(opt, swa_lr=0.1, anneal_strategy='lin')",
     ValueError, ValueError, ("SWALR", "'cos' or 'linear'", "'lin'")),
]

X3 = "torch.ones(3, 2, 4)"
MHA = "nn.MultiheadAttention(4, 2)"

RECURRENT_ATTENTION = [
    ("LSTM_given_a_bare_h0", "nn.LSTM(3, 4)(torch.ones(5, 2, 3), torch.zeros(1, 2, 4))", IndexError, ValueError,
     ("LSTM(3, 4)", "two hidden states", "(h_0, c_0)", "Tensor")),
    ("LSTM_given_three_states", "nn.LSTM(3, 4)(torch.ones(5, 2, 3), (torch.zeros(1, 2, 4),) * 3)", RuntimeError,
     ValueError, ("lstm expects two hidden states", "tuple of 3")),
    ("GRU_given_h0_and_c0", "nn.GRU(3, 4)(torch.ones(5, 2, 3), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)))",
     AttributeError, ValueError, ("GRU(3, 4)", "one Tensor h_0", "tuple", "h_0 alone")),
    ("RNN_given_a_tuple", "nn.RNN(3, 4)(torch.ones(5, 2, 3), (torch.zeros(1, 2, 4),))", AttributeError, ValueError,
     ("RNN(3, 4)", "tuple")),
    ("LSTM_c0_of_another_width", "nn.LSTM(3, 4)(torch.ones(5, 2, 3), (torch.zeros(1, 2, 4), torch.zeros(1, 2, 5)))",
     RuntimeError, ValueError, ("c_0", "(1, 2, 4)", "(1, 2, 5)")),
    ("GRUCell_of_a_sequence", "nn.GRUCell(3, 4)(torch.ones(5, 2, 3))", ValueError, ValueError,
     ("GRUCell(3, 4)", "[5, 2, 3]", "unbatched")),
    ("LSTMCell_hx_of_another_batch", "nn.LSTMCell(3, 4)(torch.ones(2, 3), (torch.zeros(3, 4), torch.zeros(3, 4)))",
     RuntimeError, ValueError, ("LSTMCell(3, 4)", "(2, 4)", "[3, 4]")),
    ("LSTMCell_given_a_bare_h", "nn.LSTMCell(3, 4)(torch.ones(2, 3), torch.zeros(2, 4))", TypeError, TypeError,
     ("LSTMCell(3, 4)", "tuple (h, c)")),
    ("RNN_nonlinearity_gelu", "nn.RNN(3, 4, nonlinearity='gelu')", ValueError, ValueError, ("RNN", "'gelu'")),
    ("pack_padded_negative_length", "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), [3, -1])", RuntimeError,
     ValueError, ("pack_padded_sequence", "[3, -1]")),
    ("pack_padded_batch_first_confusion", "nn.utils.rnn.pack_padded_sequence(torch.ones(2, 3, 1), [3, 2])",
     RuntimeError, ValueError, ("pack_padded_sequence", "one length per sequence (3)")),
    ("pad_packed_of_a_tensor", "nn.utils.rnn.pad_packed_sequence(torch.ones(3, 2))", AttributeError, TypeError,
     ("pad_packed_sequence", "PackedSequence", "Tensor")),
    ("unpad_sequence_too_few_lengths", "nn.utils.rnn.unpad_sequence(torch.ones(3, 2, 1), torch.tensor([3]))",
     ValueError, ValueError, ("unpad_sequence", "1 lengths for a batch of 2", "(3, 2, 1)")),
    ("MultiheadAttention_4d_query", f"{MHA}(torch.ones(3, 2, 1, 4), torch.ones(3, 2, 1, 4), torch.ones(3, 2, 1, 4))",
     AssertionError, ValueError, ("3-D (batched)", "(3, 2, 1, 4)")),
    ("MultiheadAttention_unbatched_with_a_batched_padding_mask", f"{MHA}(torch.ones(3, 4), torch.ones(3, 4), "
     "torch.ones(3, 4), key_padding_mask=torch.zeros(2, 3, dtype=torch.bool))", AssertionError, ValueError,
     ("key_padding_mask", "(S,)", "(2, 3)")),
    ("MultiheadAttention_is_causal_without_a_mask", f"{MHA}({X3}, {X3}, {X3}, is_causal=True)", RuntimeError,
     ValueError, ("is_causal", "needs attn_mask", "generate_square_subsequent_mask")),
    ("MultiheadAttention_3d_mask_of_another_batch", f"{MHA}({X3}, {X3}, {X3}, attn_mask=torch.zeros(2, 3, 3))",
     RuntimeError, ValueError, ("attn_mask", "(4, 3, 3)", "(2, 3, 3)")),
    ("MultiheadAttention_query_of_another_width", f"{MHA}(torch.ones(3, 2, 5), {X3}, {X3})", AssertionError,
     ValueError, ("embed_dim=4", "query", "(3, 2, 5)")),
    ("MultiheadAttention_key_value_widths_differ", f"{MHA}({X3}, {X3}, torch.ones(3, 2, 5))", AssertionError,
     ValueError, ("value", "(3, 2, 5)", "vdim=5")),
    ("TransformerDecoderLayer_memory_of_another_width", "nn.TransformerDecoderLayer(4, 2)(torch.ones(3, 2, 4), "
     "torch.ones(5, 2, 6))", RuntimeError, ValueError, ("key", "4 features", "(5, 2, 6)", "kdim=6")),
    ("TransformerDecoderLayer_memory_of_another_batch", "nn.TransformerDecoderLayer(4, 2)(torch.ones(3, 2, 4), "
     "torch.ones(5, 3, 4))", RuntimeError, ValueError, ("different batch sizes", "(5, 3, 4)")),
    ("sdpa_gqa_heads_do_not_divide", "F.scaled_dot_product_attention(torch.ones(1, 4, 3, 2), torch.ones(1, 3, 3, 2), "
     "torch.ones(1, 3, 3, 2), enable_gqa=True)", RuntimeError, ValueError,
     ("scaled_dot_product_attention", "must divide the number of heads", "key 3", "(4)")),
    ("sdpa_value_length_differs", "F.scaled_dot_product_attention(torch.ones(1, 3, 4), torch.ones(1, 5, 4), "
     "torch.ones(1, 6, 4))", RuntimeError, ValueError, ("scaled_dot_product_attention", "(1, 6, 4)")),
    ("embedding_bag_offsets_not_from_0", "F.embedding_bag(torch.tensor([0, 1, 2]), torch.ones(3, 2), "
     "offsets=torch.tensor([1, 2]))", RuntimeError, ValueError, ("embedding_bag", "[1, 2]", "offsets[0] has to be 0")),
    ("embedding_bag_per_sample_weights_with_mean", "F.embedding_bag(torch.tensor([0, 1]), torch.ones(3, 2), "
     "offsets=torch.tensor([0]), per_sample_weights=torch.ones(2))", NotImplementedError, ValueError,
     ("embedding_bag", "per_sample_weights", "mode='sum'", "'mean'")),
    ("embedding_bag_2d_input_with_offsets", "F.embedding_bag(torch.tensor([[0, 1]]), torch.ones(3, 2), "
     "offsets=torch.tensor([0]))", ValueError, ValueError, ("embedding_bag", "offsets must be None")),
]

CASES = AUTOGRAD + VIEWS + MODULES_OPTIM + RECURRENT_ATTENTION

# calls near the mistakes above that PyTorch accepts: ours run and give PyTorch's result (the last line's value)
ACCEPTED = [
    ("Function_backward_returns_float64_for_float32", fn("g.double()") + RUN + "\nstr(x.grad.dtype).replace('torch.', '')"),
    ("Function_backward_returns_None", fn("None") + RUN + "\nx.grad is None"),
    ("Function_backward_trailing_None", fn("g, None") + RUN + "\nx.grad"),
    ("Function_forward_called_by_hand", fn() + "Fn.forward(None, x).detach()"),
    ("Function_gradient_summed_down_to_the_input", fn("torch.ones(3, 2)") + RUN + "\nx.grad"),
    ("backward_extra_grad_tensors_are_dropped", LEAF + "torch.autograd.backward([(x * 2).sum()], grad_tensors=["
     "torch.tensor(1.0), torch.tensor(5.0)])\nx.grad"),
    ("backward_float64_gradient_for_float32", LEAF + "(x * 2).backward(torch.ones(2, dtype=torch.float64))\nx.grad"),
    ("backward_inputs_a_tensor_it_does_not_reach", LEAF + "z = torch.ones(2, requires_grad=True) * 3\n"
     "(x * 2).sum().backward(inputs=[z])\n[x.grad is None, z.grad is None]"),
    ("detach__of_a_detached_tensor", "torch.ones(2, 3).detach().detach_()"),
    ("requires_grad_False_on_a_leaf", LEAF + "x.requires_grad = False\nx.requires_grad"),
    ("einsum_uppercase_letters", f"torch.einsum('IJ->JI', {A})"),
    ("einsum_spaces", f"torch.einsum(' i j -> j i ', torch.arange(6.0).reshape(2, 3))"),
    ("einsum_implicit_output_sorted", "torch.einsum('ba', torch.arange(6.0).reshape(2, 3))"),
    ("einsum_operands_as_a_list", f"torch.einsum('ij,jk', [{A}, torch.arange(12.0).reshape(3, 4)])"),
    ("einsum_ellipsis_only_in_the_output", f"torch.einsum('ij->...ij', {A}).shape"),
    ("squeeze_two_dims", "torch.ones(1, 2, 1).squeeze((0, 2)).shape"),
    ("squeeze_a_dim_that_is_not_1", f"{A}.squeeze(0).shape"),
    ("sum_two_different_dims", f"torch.arange(6.0).reshape(2, 3).sum(dim=(0, 1))"),
    ("narrow_zero_length", f"{A}.narrow(1, 3, 0).shape"),
    ("repeat_zero_count", f"{A}.repeat(0, 1).shape"),
    ("tensor_split_of_an_index_tensor", "[t.shape for t in torch.arange(5.0).tensor_split(torch.tensor([1, 3]))]"),
    ("T_of_a_3d_tensor", "torch.ones(2, 3, 4).T.shape"),
    ("SGD_of_a_set_of_parameters", "w = nn.Parameter(torch.ones(2))\nopt = optim.SGD({w}, lr=0.1)\n"
     "w.grad = torch.ones(2)\nopt.step()\nw.detach()"),
    ("StepLR_negative_step_size", SGD + f"s = {S}StepLR(opt, step_size=-1, gamma=0.5)\nlrs = []\n"
     "for _ in range(3):\n    opt.step()\n    s.step()\n    lrs.append(s.get_last_lr()[0])\nlrs"),
    ("CosineAnnealingLR_negative_T_max", SGD + f"s = {S}CosineAnnealingLR(opt, T_max=-2)\nlrs = []\n"
     "for _ in range(3):\n    opt.step()\n    s.step()\n    lrs.append(s.get_last_lr()[0])\nlrs"),
    ("CyclicLR_on_SGD_without_momentum", SGD + f"s = {S}CyclicLR(opt, 0.01, 0.1, step_size_up=2)\nopt.step()\n"
     "s.step()\ns.get_last_lr()"),
    ("Adam_lr_as_a_tensor", "w = nn.Parameter(torch.ones(2))\nopt = optim.Adam([w], lr=torch.tensor(0.1))\n"
     "w.grad = torch.ones(2)\nopt.step()\nw.detach()"),
    ("ReduceLROnPlateau_negative_min_lr", SGD + f"s = {S}ReduceLROnPlateau(opt, min_lr=-1)\ns.step(1.0)\n"
     "opt.param_groups[0]['lr']"),
    ("load_state_dict_not_strict_reports_both", f"m = {L}\nr = m.load_state_dict({{'weight': torch.ones(2, 2), "
     "'extra': torch.ones(1)}, strict=False)\n[r.missing_keys, r.unexpected_keys]"),
    ("named_modules_of_a_cycle", f"a = nn.Sequential({L})\nb = nn.Sequential(a)\na.add_module('back', b)\n"
     "len(list(b.named_modules()))"),
    ("Sequential_every_other_layer", f"len(nn.Sequential({L}, nn.ReLU(), {L})[::2])"),
    ("LSTM_hx_as_a_list", "nn.LSTM(3, 4)(torch.ones(5, 2, 3), [torch.zeros(1, 2, 4), torch.zeros(1, 2, 4)])[0]"
     ".shape"),
    ("MultiheadAttention_float_and_bool_masks", f"{MHA}({X3}, {X3}, {X3}, attn_mask=torch.zeros(3, 3), "
     "key_padding_mask=torch.zeros(2, 3, dtype=torch.bool))[0].shape"),
    ("sdpa_value_of_another_width", "F.scaled_dot_product_attention(torch.ones(1, 3, 4), torch.ones(1, 5, 4), "
     "torch.ones(1, 5, 7)).shape"),
    ("sdpa_causal_rectangle", "F.scaled_dot_product_attention(torch.arange(8.0).reshape(1, 2, 4), torch.ones(1, 3, 4),"
     " torch.arange(12.0).reshape(1, 3, 4), is_causal=True)"),
    ("TransformerEncoder_of_0_layers", "len(nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2), num_layers=0, "
     "enable_nested_tensor=False).layers)"),
    ("set_grad_enabled_False_then_True", "torch.set_grad_enabled(False)\nr = torch.is_grad_enabled()\n"
     "torch.set_grad_enabled(True)\n[r, torch.is_grad_enabled()]"),
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


def test_a_refused_requires_grad_switch_leaves_the_tensor_in_the_graph():
    import autograd as torch
    x = torch.ones(2, requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError):
        y.requires_grad = False
    assert y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]
