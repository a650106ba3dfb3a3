"""Round 5 of newcomer mistakes in PyTorch spelling (rounds 1-4: tests/test_bad_input_sweep.py, _round2.py, _round3.py,
_round4.py), in the areas those left out: dtypes (integer tensors into ops that need floats: reductions, norms,
normalisations, losses, random draws; float64 or float16 batches into float32 layers; bool masks in arithmetic;
complex tensors into ops that are not defined for them), shapes in the commonest layers (an image batch into
nn.Linear without flatten, BatchNorm1d given (N, L, C), CrossEntropyLoss given (N, L, C) logits, views of
non-contiguous tensors, matmul of a vector with a batch), cuda without a GPU, DataLoader collation, and autograd
misuse (a second backward, grad of an input outside the graph). Each must raise the exception type PyTorch raises,
still an instance of the type deepgrad raised before, with a message that names the op and the shapes or dtypes
involved and the fix; where PyTorch accepts the call, we accept it and give PyTorch's result."""

import numpy as np
import pytest

import autograd as ag
import backends
import nn

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

INT = "torch.arange(6).reshape(2, 3)"
I64 = "dtype=torch.int64"
Z = "torch.tensor([1 + 1j, -1 + 0j])"
MHA = "m = nn.MultiheadAttention(8, 2)\nq = torch.randn(5, 2, 8)\n"


def _dataset(item):
    """A dataset class of two examples whose __getitem__ returns `item` (code, with i the index)."""
    return f"class D:\n    def __len__(self): return 2\n    def __getitem__(self, i): return {item}\n"


# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type's base where we accepted the call or raised something unrelated),
# substrings the message must hold
INTEGER_INPUTS = [
    ("mean_of_int64", f"{INT}.mean()", RuntimeError, TypeError, ("mean()", "int64", "(2, 3)", "x.float().mean()")),
    ("mean_over_a_dim_of_int64", f"torch.mean({INT}, dim=0)", RuntimeError, TypeError, ("mean()", "int64")),
    ("mean_of_a_bool_mask", "(torch.arange(4) > 1).mean()", RuntimeError, TypeError,
     ("mean()", "bool", "dtype=torch.float32")),
    ("std_of_int64", f"{INT}.std()", RuntimeError, TypeError, ("std()", "int64", "x.float().std()")),
    ("var_of_int64", f"torch.var({INT}, dim=1)", RuntimeError, TypeError, ("var()", "int64", "x.float().var()")),
    ("norm_of_int64", f"{INT}.norm()", RuntimeError, TypeError, ("norm", "int64", "(2, 3)", "x.float().norm()")),
    ("linalg_norm_of_int64", f"torch.linalg.norm({INT})", RuntimeError, TypeError,
     ("linalg.vector_norm", "int64", ".float()")),
    ("log_softmax_of_int64", f"F.log_softmax({INT}, dim=1)", NotImplementedError, TypeError,
     ("log_softmax", "int64", ".float()")),
    ("randn_of_int64", f"torch.randn(3, {I64})", NotImplementedError, TypeError,
     ("randn", "int64", "torch.randint")),
    ("rand_of_bool", "torch.rand(2, dtype=torch.bool)", NotImplementedError, TypeError, ("rand", "bool", "randint")),
    ("normal_fill_of_int64", f"torch.empty(3, {I64}).normal_()", NotImplementedError, TypeError,
     ("normal_", "int64", "(3,)", "random_(")),
    ("uniform_fill_of_int64", f"torch.zeros(3, {I64}).uniform_()", NotImplementedError, TypeError,
     ("uniform_", "int64", "t.float()")),
    ("randn_like_of_int64", f"torch.randn_like(torch.ones(3, {I64}))", NotImplementedError, TypeError,
     ("randn_like", "int64", "dtype=")),
    ("layer_norm_of_int64", f"F.layer_norm(torch.ones(2, 3, {I64}), (3,))", NotImplementedError, TypeError,
     ("layer_norm", "int64", "(2, 3)", "x.float()")),
    ("group_norm_of_int64", f"F.group_norm(torch.ones(2, 4, 3, {I64}), 2)", NotImplementedError, TypeError,
     ("group_norm", "int64", "(2, 4, 3)")),
    ("instance_norm_of_int64", f"F.instance_norm(torch.ones(2, 4, 3, {I64}))", NotImplementedError, TypeError,
     ("instance_norm", "int64", "x.float()")),
    ("batch_norm_of_int64", f"nn.BatchNorm1d(3)(torch.ones(2, 3, {I64}))", NotImplementedError, TypeError,
     ("batch_norm", "int64", "(2, 3)", "x.float()")),
    ("rms_norm_of_int64", f"F.rms_norm(torch.ones(2, 3, {I64}), (3,))", NotImplementedError, TypeError,
     ("rms_norm", "int64", ".float()")),
    ("cross_entropy_of_integer_logits", "F.cross_entropy(torch.tensor([[1, 2, 3]]), torch.tensor([0]))",
     NotImplementedError, TypeError, ("cross_entropy", "int64", "(1, 3)", "logits", "input.float()", "swapped")),
    ("CrossEntropyLoss_of_integer_logits", "nn.CrossEntropyLoss()(torch.tensor([[1, 2, 3]]), torch.tensor([0]))",
     NotImplementedError, TypeError, ("cross_entropy", "int64", "input.float()")),
    ("nll_loss_of_integer_scores", "F.nll_loss(torch.tensor([[1, 2, 3]]), torch.tensor([0]))", NotImplementedError,
     TypeError, ("nll_loss", "int64", "log-probabilities")),
    ("mse_loss_of_two_integer_tensors", "F.mse_loss(torch.tensor([1, 2]), torch.tensor([1, 3]))",
     NotImplementedError, TypeError, ("mse_loss", "int64", "(2,)", "input.float()")),
    ("l1_loss_of_two_integer_tensors", "F.l1_loss(torch.tensor([1, 2]), torch.tensor([1, 3]))", RuntimeError,
     TypeError, ("l1_loss", "int64", "input.float()")),
    ("smooth_l1_loss_of_two_integer_tensors", "F.smooth_l1_loss(torch.tensor([1, 2]), torch.tensor([1, 3]))",
     NotImplementedError, TypeError, ("smooth_l1_loss", "int64")),
    ("huber_loss_of_two_integer_tensors", "F.huber_loss(torch.tensor([1, 2]), torch.tensor([1, 3]))",
     NotImplementedError, TypeError, ("huber_loss", "int64")),
    ("dropout_of_int64", f"nn.Dropout(0.5)(torch.ones(3, {I64}))", RuntimeError, TypeError,
     ("dropout", "int64", "[3]", ".float()")),
    ("alpha_dropout_of_int64", f"F.alpha_dropout(torch.ones(3, {I64}), 0.5, training=True)", RuntimeError,
     TypeError, ("alpha_dropout", "int64", ".float()")),
    ("dropout2d_of_int64", f"F.dropout2d(torch.ones(2, 3, 4, 4, {I64}), 0.5)", RuntimeError, TypeError,
     ("dropout2d", "int64", "[2, 3, 4, 4]")),
    ("leaky_relu_of_int64", f"F.leaky_relu(torch.ones(3, {I64}))", NotImplementedError, TypeError,
     ("leaky_relu", "int64", "(3,)", ".float()")),
    ("gelu_of_int64", f"F.gelu(torch.ones(3, {I64}))", NotImplementedError, TypeError, ("gelu", "int64", ".float()")),
    ("silu_of_int64", f"nn.SiLU()(torch.ones(3, {I64}))", NotImplementedError, TypeError, ("silu", "int64")),
    ("elu_of_int64", f"F.elu(torch.ones(3, {I64}))", NotImplementedError, TypeError, ("elu", "int64", "(3,)")),
    ("softplus_of_int64", f"F.softplus(torch.ones(3, {I64}))", NotImplementedError, TypeError, ("softplus", "int64")),
    ("normalize_of_int64", f"F.normalize(torch.ones(2, 3, {I64}))", RuntimeError, TypeError,
     ("normalize", "int64", ".float()")),
    ("cosine_similarity_of_int64", f"F.cosine_similarity(torch.ones(2, 3, {I64}), torch.ones(2, 3, {I64}))",
     RuntimeError, TypeError, ("cosine_similarity", "int64")),
    ("cdist_of_int64", f"torch.cdist(torch.ones(1, 2, 3, {I64}), torch.ones(1, 2, 3, {I64}))", RuntimeError,
     TypeError, ("cdist", "int64", ".float()")),
    ("pdist_of_int64", f"F.pdist(torch.ones(3, 2, {I64}))", RuntimeError, TypeError, ("pdist", "int64")),
    ("quantile_of_int64", "torch.quantile(torch.tensor([1, 2]), 0.5)", RuntimeError, TypeError,
     ("quantile", "int64", ".float()")),
    ("nanmean_of_int64", "torch.tensor([1, 2]).nanmean()", RuntimeError, TypeError, ("nanmean", "int64")),
    ("frac_of_int64", "torch.tensor([1, 2]).frac()", NotImplementedError, TypeError, ("frac", "int64")),
    ("histc_of_int64", "torch.histc(torch.tensor([1, 2]), bins=2)", NotImplementedError, TypeError,
     ("histc", "int64", ".float()")),
    ("interpolate_of_int64", f"F.interpolate(torch.ones(1, 1, 2, 2, {I64}), scale_factor=2, mode='bilinear')",
     NotImplementedError, TypeError, ("interpolate", "int64", "(1, 1, 2, 2)", ".float()")),
    ("bitwise_and_of_floats", "torch.ones(2) & torch.ones(2)", NotImplementedError, TypeError,
     ("bitwise_and", "float32", "x > 0")),
    ("bitwise_not_of_floats", "torch.bitwise_not(torch.ones(2))", NotImplementedError, TypeError,
     ("bitwise_not", "float32")),
    ("masked_select_with_an_int_mask", f"torch.masked_select(torch.randn(2, 3), torch.ones(2, 3, {I64}))",
     RuntimeError, TypeError, ("masked_select", "bool", "int64", "x > 0")),
    ("masked_scatter_with_an_int_mask", f"torch.zeros(2, 3).masked_scatter(torch.ones(2, 3, {I64}), torch.ones(6))",
     RuntimeError, TypeError, ("masked_scatter", "bool", "int64")),
    ("masked_fill_with_an_int_mask", f"torch.randn(2, 3).masked_fill(torch.ones(2, 3, {I64}), 0.0)", RuntimeError,
     TypeError, ("masked_fill", "bool", "int64", "x > 0")),
    ("masked_fill_value_of_two_elements", "torch.randn(2, 3).masked_fill(torch.ones(2, 3, dtype=torch.bool), "
     "torch.ones(2))", RuntimeError, ValueError, ("masked_fill", "0-d tensor", "[2]")),
    ("index_fill_value_of_two_elements", "torch.zeros(2, 3).index_fill(1, torch.tensor([0]), torch.ones(2))",
     RuntimeError, ValueError, ("index_fill", "0-d tensor", "[2]")),
    ("where_with_an_int_condition", f"torch.where(torch.ones(3, {I64}), torch.ones(3), torch.zeros(3))",
     RuntimeError, TypeError, ("where", "bool", "int64", "mask.bool()")),
    ("requires_grad_on_an_int_tensor", "torch.tensor([1, 2], requires_grad=True)", RuntimeError, TypeError,
     ("floating-point", "int64")),
    ("backward_of_an_int_loss", f"torch.ones(3, {I64}).sum().backward()", RuntimeError, RuntimeError,
     ("backward", "does not require grad", "requires_grad=True")),
    ("one_hot_of_floats", "F.one_hot(torch.tensor([0., 1.]), 3)", RuntimeError, TypeError,
     ("one_hot", "float32", "int64")),
    ("embedding_of_float_indices", "nn.Embedding(10, 3)(torch.tensor([[1.0, 2.0]]))", RuntimeError, TypeError,
     ("embedding", "float32", "[1, 2]", "int64")),
]

MIXED_FLOATS = [
    ("F_linear_with_an_int_weight", "F.linear(torch.randn(4, 3), torch.ones(2, 3, dtype=torch.int64))", RuntimeError,
     TypeError, ("linear", "float32", "int64", "same dtype")),
    ("F_conv2d_with_an_int_weight", "F.conv2d(torch.randn(1, 3, 5, 5), torch.ones(4, 3, 3, 3, dtype=torch.int64))",
     RuntimeError, TypeError, ("conv2d", "float32", "int64")),
    ("float64_conv_float32_input", "nn.Conv2d(3, 4, 3).double()(torch.randn(1, 3, 5, 5))", RuntimeError, TypeError,
     ("conv2d", "float32", "float64", "layer.to(")),
    ("float64_lstm_float32_input", "nn.LSTM(3, 4).double()(torch.randn(5, 2, 3))", ValueError, ValueError,
     ("lstm", "float32", "float64", "layer.to(")),
    ("float64_batchnorm_float32_input", "nn.BatchNorm1d(3).double()(torch.randn(4, 3))", RuntimeError, TypeError,
     ("batch_norm", "float32", "float64")),
    ("float32_batchnorm_float64_input", "nn.BatchNorm1d(3)(torch.randn(4, 3, dtype=torch.float64))", RuntimeError,
     TypeError, ("batch_norm", "float64", "float32", "x.float()")),
    ("float32_linear_half_input", "nn.Linear(3, 2)(torch.randn(4, 3).half())", RuntimeError, TypeError,
     ("linear", "float16", "float32")),
    ("float32_conv_half_input", "nn.Conv2d(3, 4, 3)(torch.randn(1, 3, 5, 5).half())", RuntimeError, TypeError,
     ("conv2d", "float16", "float32")),
    ("float32_layernorm_int_input", f"nn.LayerNorm(3)(torch.ones(2, 3, {I64}))", RuntimeError, TypeError,
     ("layer_norm", "int64", "x.float()")),
]

BOOL_AND_COMPLEX = [
    ("negate_a_mask", "-torch.tensor([True, False])", RuntimeError, RuntimeError,
     ("neg", "bool", "(2,)", "~mask", "logical_not()")),
    ("neg_method_of_a_mask", "torch.tensor([True, False]).neg()", RuntimeError, RuntimeError, ("neg", "bool")),
    ("subtract_two_masks", "m = torch.tensor([True, False])\nm - m", RuntimeError, RuntimeError,
     ("sub", "bool", "a ^ b", "logical_xor", ".long()")),
    ("subtract_a_mask_from_a_number", "1 - torch.tensor([True, False])", RuntimeError, RuntimeError,
     ("sub", "bool", "~")),
    ("relu_of_complex", f"torch.relu({Z})", NotImplementedError, TypeError, ("relu", "complex64", "z.real")),
    ("max_of_complex", f"{Z}.max()", NotImplementedError, TypeError, ("complex64", "abs()")),
    ("sort_of_complex", f"torch.sort({Z})", RuntimeError, TypeError, ("sort", "complex64")),
    ("clamp_of_complex", f"{Z}.clamp(0, 1)", NotImplementedError, TypeError, ("complex64", "view_as_real")),
    ("less_than_of_complex", f"{Z} < 0", NotImplementedError, TypeError, ("lt", "complex64")),
    ("argmax_of_complex", f"{Z}.argmax()", RuntimeError, TypeError, ("argmax", "complex64")),
    ("topk_of_complex", f"{Z}.topk(1)", RuntimeError, TypeError, ("topk", "complex64")),
    ("floor_of_complex", f"{Z}.floor()", NotImplementedError, TypeError, ("floor", "complex64", "x.real.floor()")),
    ("mse_loss_of_complex", f"F.mse_loss({Z}, {Z})", NotImplementedError, TypeError,
     ("mse_loss", "complex64", ".abs() ** 2")),
]

TARGETS = [
    ("cross_entropy_float_class_indices", "F.cross_entropy(torch.randn(4, 3), torch.tensor([0., 1., 2., 1.]))",
     RuntimeError, TypeError, ("cross_entropy", "(4,)", "[4, 3]", "integers")),
    ("nll_loss_float_class_indices", "F.nll_loss(torch.randn(4, 3), torch.tensor([0., 1., 2., 1.]))", RuntimeError,
     TypeError, ("nll_loss", "float32", "integers")),
    ("cross_entropy_probabilities_of_the_wrong_width", "F.cross_entropy(torch.randn(4, 3), torch.rand(4, 2))",
     RuntimeError, TypeError, ("cross_entropy", "(4, 2)", "[4, 3]", "probabilities")),
    ("bce_target_above_1", "nn.BCELoss()(torch.rand(3), torch.tensor([0., 1., 2.]))", RuntimeError, ValueError,
     ("binary_cross_entropy", "target", "[0, 1]", "2.0")),
    ("bce_negative_input", "F.binary_cross_entropy(torch.tensor([-0.5, 0.5]), torch.tensor([0., 1.]))", RuntimeError,
     ValueError, ("binary_cross_entropy", "-0.5", "binary_cross_entropy_with_logits")),
    ("cross_entropy_of_batch_time_class_logits", "nn.CrossEntropyLoss()(torch.randn(2, 5, 10), "
     "torch.randint(0, 3, (2, 5)))", RuntimeError, ValueError, ("cross_entropy", "[2, 5, 10]", "(2, 5)",
                                                                "transpose(1, 2)")),
]

SHAPES = [
    ("linear_given_an_image_batch", "nn.Linear(16, 2)(torch.randn(2, 3, 4, 4))", RuntimeError, ValueError,
     ("Linear", "16 features", "(2, 3, 4, 4)", "mat1 and mat2 shapes cannot be multiplied (24x4 and 16x2)",
      "x.flatten(1)", "nn.Flatten()", "(2, 48)")),
    ("linear_given_an_unflattened_batch_that_fits", "nn.Linear(16, 2)(torch.randn(2, 1, 4, 4))", RuntimeError,
     ValueError, ("(8x4 and 16x2)", "x.flatten(1)", "(2, 16)")),
    ("F_linear_given_an_image_batch", "F.linear(torch.randn(2, 3, 4, 4), torch.randn(2, 48))", RuntimeError,
     ValueError, ("linear", "[2, 3, 4, 4]", "48")),
    ("conv2d_given_a_5d_batch", "nn.Conv2d(3, 4, 3)(torch.randn(1, 1, 3, 5, 5))", RuntimeError, ValueError,
     ("Conv2d", "(N, C, H, W)", "[1, 1, 3, 5, 5]")),
    ("batchnorm1d_given_batch_length_channels", "nn.BatchNorm1d(8)(torch.randn(4, 10, 8))", RuntimeError, ValueError,
     ("BatchNorm1d", "(N, C, L)", "C = 8", "[4, 10, 8]")),
    ("batchnorm1d_given_an_image_batch", "nn.BatchNorm1d(3)(torch.randn(4, 3, 2, 2))", ValueError, ValueError,
     ("BatchNorm1d", "[4, 3, 2, 2]")),
    ("batchnorm2d_given_one_image", "nn.BatchNorm2d(3)(torch.randn(3, 4, 4))", ValueError, ValueError,
     ("BatchNorm2d", "(N, C, H, W)", "[3, 4, 4]")),
    ("lstm_batch_first_features_in_the_middle", "nn.LSTM(3, 4, batch_first=True)(torch.randn(2, 3, 7))",
     RuntimeError, ValueError, ("LSTM(3, 4, batch_first=True)", "[2, 3, 7]")),
    ("mha_batch_first_wrong_embed_dim", "m = nn.MultiheadAttention(8, 2, batch_first=True)\nq = torch.randn(2, 5, 4)"
     "\nm(q, q, q)", AssertionError, ValueError, ("MultiheadAttention", "8 features", "(2, 5, 4)")),
    ("mha_key_padding_mask_too_short", MHA + "m(q, q, q, key_padding_mask=torch.zeros(2, 4, dtype=torch.bool))",
     AssertionError, ValueError, ("key_padding_mask", "(2, 5)", "(2, 4)")),
    ("mha_integer_key_padding_mask", MHA + f"m(q, q, q, key_padding_mask=torch.zeros(2, 5, {I64}))",
     AssertionError, TypeError, ("key_padding_mask", "bool", "int64", "(2, 5)", ".bool()")),
    ("view_of_a_transpose", "torch.randn(2, 3).t().view(6)", RuntimeError, RuntimeError,
     ("view", "[3, 2]", "not contiguous", ".reshape(")),
    ("view_minus_one_of_a_transpose", "torch.randn(2, 3, 4).transpose(0, 1).view(-1)", RuntimeError, RuntimeError,
     ("view", "[3, 2, 4]", ".reshape(", ".contiguous()")),
    ("expand_a_dim_of_size_2", "torch.randn(2, 3).expand(4, 3)", RuntimeError, ValueError,
     ("expand", "[2, 3]", "(4, 3)", "dim 0", "size 1")),
    ("cat_of_ranks_2_and_3", "torch.cat([torch.randn(2, 3), torch.randn(1, 2, 3)])", RuntimeError, ValueError,
     ("concatenate", "(2, 3)", "(1, 2, 3)")),
    ("stack_of_ranks_2_and_1", "torch.stack([torch.randn(2, 3), torch.randn(3)])", RuntimeError, ValueError,
     ("stack", "(2, 3)", "(3,)")),
    ("matmul_vector_with_a_batch", "torch.matmul(torch.randn(4), torch.randn(2, 3, 5))", RuntimeError, ValueError,
     ("matmul", "[4]", "[2, 3, 5]", "(3)")),
    ("matmul_batch_with_a_vector", "torch.matmul(torch.randn(2, 3, 5), torch.randn(4))", RuntimeError, ValueError,
     ("matmul", "[2, 3, 5]", "[4]", "(5)")),
    ("index_past_dim_2", "torch.randn(2, 3, 4)[:, :, 4]", IndexError, IndexError,
     ("[2, 3, 4]", "index 4", "axis 2", "size 4")),
    ("negative_index_past_dim_0", "torch.randn(2, 3)[-3]", IndexError, IndexError, ("[2, 3]", "index -3", "size 2")),
    ("negative_index_past_dim_1", "torch.randn(2, 3)[:, -4]", IndexError, IndexError, ("index -4", "axis 1")),
    ("embedding_index_minus_1", "nn.Embedding(10, 3)(torch.tensor([[1, -1]]))", IndexError, IndexError,
     ("embedding", "-1", "num_embeddings=10")),
    ("index_with_a_float_tensor", "torch.ones(3)[torch.tensor([1.0])]", IndexError, IndexError,
     ("float32", "(1,)", "idx.long()")),
    ("iterate_a_0d_tensor", "list(torch.tensor(1.0))", TypeError, TypeError,
     ("iteration over a 0-d tensor", ".item()")),
    ("max_pool2d_kernel_2_5", "F.max_pool2d(torch.randn(1, 1, 4, 4), 2.5)", TypeError, ValueError,
     ("max_pool2d", "kernel_size", "2.5")),
    ("MaxPool2d_kernel_as_a_string", "nn.MaxPool2d('2')(torch.randn(1, 1, 4, 4))", TypeError, ValueError,
     ("max_pool2d", "kernel_size", "'2'")),
    ("avg_pool2d_kernel_pair_with_a_float", "F.avg_pool2d(torch.randn(1, 1, 4, 4), (2, 2.0))", TypeError, ValueError,
     ("avg_pool2d", "(2, 2.0)")),
    ("conv2d_stride_1_5", "F.conv2d(torch.randn(1, 1, 4, 4), torch.randn(1, 1, 2, 2), stride=1.5)", TypeError,
     ValueError, ("conv2d", "stride", "1.5")),
    ("Conv2d_kernel_2_5", "nn.Conv2d(1, 1, 2.5)", TypeError, ValueError, ("Conv2d", "kernel_size", "2.5")),
    ("Conv2d_kernel_pair_with_a_float", "nn.Conv2d(1, 1, (2.5, 2))", TypeError, ValueError,
     ("Conv2d", "kernel_size", "(2.5, 2)")),
    ("conv3d_stride_1_5", "F.conv3d(torch.randn(1, 1, 4, 4, 4), torch.randn(1, 1, 2, 2, 2), stride=1.5)", TypeError,
     ValueError, ("conv3d", "stride", "1.5")),
]

DATA = [
    ("collate_a_dataset_returning_none", _dataset("None") + "list(DataLoader(D(), batch_size=2))", TypeError,
     TypeError, ("DataLoader", "NoneType", "return", "collate_fn")),
    ("collate_plain_objects", _dataset("object()") + "list(DataLoader(D(), batch_size=2))", TypeError, TypeError,
     ("default_collate", "object", "collate_fn")),
    ("collate_examples_of_two_lengths", _dataset("torch.ones(i + 1)") + "list(DataLoader(D(), batch_size=2))",
     RuntimeError, ValueError, ("default_collate", "(1,)", "(2,)", "collate_fn")),
    ("collate_fields_of_two_widths", _dataset("(torch.ones(2, i + 1), 1)") + "list(DataLoader(D(), batch_size=2))",
     RuntimeError, ValueError, ("field 0", "(2, 1)", "(2, 2)")),
    ("dataset_without_len_and_shuffle", "class D:\n    def __getitem__(self, i): return torch.ones(2)\n"
     "DataLoader(D(), batch_size=2, shuffle=True)", TypeError, TypeError, ("DataLoader", "__len__", "D")),
    ("loader_float_batch_size", "DataLoader(TensorDataset(torch.ones(4, 2)), batch_size=2.0)", ValueError,
     ValueError, ("DataLoader", "batch_size", "2.0")),
    ("tensordataset_rows_differ", "TensorDataset(torch.ones(4, 2), torch.ones(3))", AssertionError, ValueError,
     ("TensorDataset", "(4, 2)", "(3,)")),
]

AUTOGRAD = [
    ("backward_through_exp_twice", "x = torch.ones(3, requires_grad=True)\ny = x.exp().sum()\ny.backward()\n"
     "y.backward()", RuntimeError, RuntimeError, ("exp", "second time", "retain_graph=True")),
    ("backward_through_linear_twice", "y = nn.Linear(3, 2)(torch.ones(4, 3)).sum()\ny.backward()\ny.backward()",
     RuntimeError, RuntimeError, ("linear", "second time", "retain_graph=True")),
    ("autograd_grad_twice", "x = torch.ones(3, requires_grad=True)\ny = (x * x).sum()\ntorch.autograd.grad(y, x)\n"
     "torch.autograd.grad(y, x)", RuntimeError, RuntimeError, ("second time", "retain_graph=True")),
    ("grad_of_an_input_that_does_not_require_grad", "x = torch.ones(3, requires_grad=True)\nz = torch.ones(3)\n"
     "torch.autograd.grad((x * 2).sum(), [x, z])", RuntimeError, RuntimeError,
     ("grad", "does not require grad", "(3,)", "requires_grad=True")),
    ("grad_outputs_of_the_wrong_shape", "x = torch.ones(3, requires_grad=True)\n"
     "torch.autograd.grad(x * 2, x, grad_outputs=torch.ones(2))", RuntimeError, RuntimeError, ("(2,)", "[3]")),
    ("grad_of_a_grad_without_create_graph", "x = torch.ones(3, requires_grad=True)\n"
     "g, = torch.autograd.grad((x ** 3).sum(), x)\ng.sum().backward()", RuntimeError, RuntimeError,
     ("backward", "does not require grad")),
    ("fill_a_parameter_in_place", "nn.Linear(3, 2).weight.fill_(0)", RuntimeError, RuntimeError,
     ("fill_", "leaf", "[2, 3]", "no_grad()")),
    ("multiply_a_leaf_in_place", "x = torch.ones(3, requires_grad=True)\nx *= 2", RuntimeError, RuntimeError,
     ("*=", "leaf", "no_grad()")),
]

CASES = INTEGER_INPUTS + MIXED_FLOATS + BOOL_AND_COMPLEX + TARGETS + SHAPES + DATA + AUTOGRAD

# calls PyTorch accepts: ours must run too and give PyTorch's value (the last line is the value compared)
ACCEPTED = [
    ("pairwise_distance_of_int64", "F.pairwise_distance(torch.tensor([[1, 2, 3]]), torch.tensor([[0, 0, 0]]))"),
    ("pairwise_distance_of_int64_and_float64", "F.pairwise_distance(torch.tensor([[1, 2, 3]]), "
     "torch.zeros(1, 3, dtype=torch.float64))"),
    ("mean_of_int64_in_a_float_dtype", f"{INT}.mean(dtype=torch.float32)"),
    ("mse_loss_of_an_int_target", "F.mse_loss(torch.tensor([0.5, 2.0]), torch.tensor([1, 3]))"),
    ("adding_two_masks", "m = torch.tensor([True, False])\nm + m"),
    ("sigmoid_of_complex", f"torch.sigmoid({Z}).abs()"),
    ("silu_of_complex", f"torch.view_as_real(F.silu({Z}))"),
    ("gather_with_an_int32_index", "x = torch.arange(6.0).reshape(2, 3)\n"
     "x.gather(1, torch.tensor([[2], [0]], dtype=torch.int32))"),
    ("scatter_with_an_int32_index", "torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]], dtype=torch.int32), 1.0)"),
    ("index_select_with_an_int32_index", "torch.arange(6.0).reshape(2, 3).index_select(1, "
     "torch.tensor([0, 2], dtype=torch.int32))"),
    ("float_key_padding_mask", MHA.replace("torch.randn(5, 2, 8)", "torch.ones(5, 2, 8)") +
     "m(q, q, q, key_padding_mask=torch.zeros(2, 5))[0].shape"),
    ("unbatched_conv2d", "nn.Conv2d(3, 4, 3)(torch.randn(3, 5, 5)).shape"),
    ("index_with_a_list_of_floats", "(torch.arange(5.0) * 10)[[0.5, 2.7]]"),
    ("lstm_of_batch_first_data_without_the_flag", "nn.LSTM(3, 4)(torch.randn(2, 7, 3))[0].shape"),
    ("second_backward_through_additions_only", "x = torch.ones(3, requires_grad=True)\ny = (x + 1).sum()\n"
     "y.backward()\ny.backward()\nx.grad"),
    ("float_loss_then_int_tensor_statistics", "x = torch.arange(6).reshape(2, 3)\n"
     "[x.float().mean().item(), x.float().std().item(), x.sum().item(), x.max().item()]"),
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


# cuda asked for on a machine without it: PyTorch built without CUDA raises AssertionError ("Torch not compiled with
# CUDA enabled"), one with CUDA but no GPU a RuntimeError; ours is both, and names the devices that do work here
NO_CUDA = [
    ("tensor_to_cuda", "torch.ones(2).to('cuda')"),
    ("tensor_cuda_method", "torch.ones(2).cuda()"),
    ("module_cuda_method", "nn.Linear(3, 2).cuda()"),
    ("module_to_cuda", "nn.Linear(3, 2).to('cuda')"),
    ("zeros_on_cuda", "torch.zeros(2, device='cuda')"),
    ("randn_on_cuda_5", "torch.randn(2, device='cuda:5')"),
]


@pytest.mark.skipif("cuda" in backends.available(), reason="this machine has a cuda device")
@pytest.mark.parametrize("code", [c[1] for c in NO_CUDA], ids=[c[0] for c in NO_CUDA])
def test_cuda_without_a_gpu_raises_pytorchs_types_naming_the_fix(code):
    from tests.bad_input_checks import raised
    error = raised(code, pytorch_names())
    assert isinstance(error, AssertionError) and isinstance(error, RuntimeError), repr(error)
    assert "cuda" in str(error) and "Available on this machine: cpu" in str(error) and "pip install" in str(error)


def test_numba_batch_into_a_cpu_layer_runs_on_the_layer_and_matches_cpu():
    """cpu and numba share host memory: a numba tensor into a cpu module is no device mix, and gives cpu's result."""
    if "numba" not in backends.available():
        pytest.skip("numba is not installed")
    ag.manual_seed(0)
    layer = nn.Linear(3, 2)
    x = ag.randn(4, 3)
    np.testing.assert_allclose(layer(x.to("numba")).numpy(), layer(x).numpy(), rtol=1e-6)


IN_PLACE = [("add_", lambda t: t.add_(1), lambda t: t + 1), ("mul_", lambda t: t.mul_(2), lambda t: t * 2),
            ("tanh_", lambda t: t.tanh_(), lambda t: t.tanh())]


@pytest.mark.parametrize("in_place,out_of_place", [c[1:] for c in IN_PLACE], ids=[c[0] for c in IN_PLACE])
def test_in_place_change_of_a_saved_output_refuses_backward_as_torch(in_place, out_of_place):
    """exp's saved output changed in place: PyTorch refuses the backward (its version counter), and so does deepgrad
    (it used to run it, differentiating what the program computed: tests/test_pytorch_leftovers10.py)."""
    torch = pytest.importorskip("torch")
    values = [0.5, -0.2, 0.3]
    for lib in (ag, torch):
        x = lib.tensor(values, requires_grad=True)
        y = x.exp()
        in_place(y)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
    x = ag.tensor(values, requires_grad=True)   # the out-of-place form runs, as PyTorch's
    out_of_place(x.exp()).sum().backward()
    reference = torch.tensor(values, requires_grad=True)
    out_of_place(reference.exp()).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), reference.grad.numpy(), rtol=1e-6)
