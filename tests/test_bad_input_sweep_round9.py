"""Round 9 of newcomer mistakes in PyTorch spelling (rounds 1-8: tests/test_bad_input_sweep.py, _round2.py ...
_round8.py), in the areas those left out: custom torch.autograd.Function misuse (a backward that returns a number,
a gradient for an argument that was not a tensor, save_for_backward of a plain value) and the autograd calls around
it (grad_outputs of another count, empty inputs, requires_grad switched off on a computed tensor, detach_ on a view,
set_grad_enabled given a string); einsum equations that are not letters, repeat an output letter or mix dtypes;
dims named twice or past the rank (permute, flip, squeeze, sum, mean, amax) and the view-making ops around them
(unflatten with two -1s, narrow with a negative length, tensordot of unequal dims, repeat with a negative count,
tensor_split of a float, diag_embed onto one dim). Each must raise the exception type PyTorch raises, still an instance of the type
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

CASES = AUTOGRAD + VIEWS

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
