"""Round 2 of newcomer mistakes in PyTorch spelling (round 1: tests/test_bad_input_sweep.py), in the areas round 1
left out: functional ops given wrong ranks, shapes or dtypes, tensor ops (products, einsum, views, reshapes, cat,
indexing, gather/scatter), autograd misuse (in-place on leaves, backward twice, non-scalar outputs, integer
tensors), modules, state dicts, optimizers and DataLoader options. Each must raise the exception type PyTorch
raises (so `except RuntimeError` and friends in ported code keep working), with a message that names the op and
the shapes or dtypes involved; where PyTorch accepts the call, we accept it and give PyTorch's result."""
import numpy as np
import pytest

import autograd as ag
import nn

from nn.module import StateDictError
from tests.bad_input_checks import check_mistake, check_oracle, pytorch_names, value_of

LSTM_X = "torch.randn(7, 2, 3)"
LSD = "nn.Linear(3, 2).load_state_dict"
PARAMS = "nn.Linear(3, 2).parameters()"
DS = "TensorDataset(torch.randn(4, 2))"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it), substrings the message must hold (the op, the shapes/dtypes, the fix)
FUNCTIONAL = [
    ("conv2d_unbatched_channels", "nn.Conv2d(3, 4, 3)(torch.randn(5, 8, 8))", RuntimeError, ValueError,
     ("Conv2d", "3 channels", "[5, 8, 8]")),
    ("F_conv2d_groups_channels", "F.conv2d(torch.randn(1, 4, 5, 5), torch.randn(6, 4, 3, 3), groups=2)",
     RuntimeError, ValueError, ("conv2d", "groups=2", "[6, 4, 3, 3]", "[1, 4, 5, 5]", "8 channels")),
    ("F_conv1d_unbatched_channels", "F.conv1d(torch.randn(4, 10), torch.randn(2, 3, 3))", RuntimeError, ValueError,
     ("conv1d", "4 channels", "[2, 3, 3]", "[4, 10]")),
    ("F_conv2d_int_input", "F.conv2d(torch.ones(1, 3, 5, 5, dtype=torch.int64), torch.randn(4, 3, 3, 3))",
     RuntimeError, TypeError, ("conv2d", "int64", "float32", ".float()")),
    ("conv2d_groups_divide", "nn.Conv2d(3, 4, 3, groups=2)", ValueError, ValueError,
     ("Conv2d", "in_channels=3", "groups=2")),
    ("conv2d_same_strided", "nn.Conv2d(3, 4, 3, stride=2, padding='same')", ValueError, ValueError,
     ("Conv2d", "padding='same'", "stride=2")),
    ("conv2d_padding_string", "nn.Conv2d(3, 4, 3, padding='full')", ValueError, ValueError,
     ("Conv2d", "'full'", "'same', 'valid'")),
    ("conv2d_kernel_too_big", "nn.Conv2d(3, 4, 5)(torch.randn(1, 3, 3, 3))", RuntimeError, ValueError,
     ("conv2d", "(5, 5)", "(1, 3, 3, 3)")),
    ("max_pool2d_pad_too_big", "F.max_pool2d(torch.randn(1, 1, 4, 4), 2, padding=2)", RuntimeError, ValueError,
     ("max_pool2d", "padding (2, 2)", "kernel (2, 2)")),
    ("max_pool2d_stride_zero", "F.max_pool2d(torch.randn(1, 1, 4, 4), 2, stride=0)", RuntimeError, ValueError,
     ("max_pool2d", "stride", "got 0")),
    ("max_pool2d_output_empty", "nn.MaxPool2d(3)(torch.randn(1, 1, 2, 2))", RuntimeError, ValueError,
     ("max_pool2d", "kernel 3", "size 2")),
    ("avg_pool1d_kernel_too_big", "F.avg_pool1d(torch.randn(1, 2, 3), 4)", RuntimeError, ValueError,
     ("avg_pool", "kernel 4", "size 3")),
    ("adaptive_avg_pool2d_rank", "F.adaptive_avg_pool2d(torch.randn(4), 2)", RuntimeError, ValueError,
     ("adaptive_avg_pool2d", "[4]")),
    ("interpolate_bilinear_3d", "F.interpolate(torch.randn(1, 4, 4), scale_factor=2, mode='bilinear')",
     NotImplementedError, ValueError, ("interpolate", "'bilinear'", "[1, 4, 4]", "unsqueeze")),
    ("interpolate_unknown_mode", "F.interpolate(torch.randn(1, 1, 4, 4), scale_factor=2, mode='cubic')",
     NotImplementedError, ValueError, ("interpolate", "'cubic'", "'bicubic'")),
    ("interpolate_size_and_scale", "F.interpolate(torch.randn(1, 1, 4, 4), size=8, scale_factor=2)", ValueError,
     ValueError, ("interpolate", "size", "scale_factor")),
    ("interpolate_size_length", "F.interpolate(torch.randn(1, 1, 4, 4), size=(2, 2, 2))", ValueError, ValueError,
     ("interpolate", "(2, 2, 2)", "(2)")),
    ("interpolate_align_corners_nearest",
     "F.interpolate(torch.randn(1, 1, 4, 4), scale_factor=2, mode='nearest', align_corners=True)", ValueError,
     ValueError, ("interpolate", "align_corners", "'nearest'")),
    ("interpolate_scale_zero", "F.interpolate(torch.randn(1, 1, 4, 4), scale_factor=0)", RuntimeError, ValueError,
     ("interpolate", "scale_factor", "0")),
    ("pad_too_long", "F.pad(torch.randn(2, 3), (1, 1, 1, 1, 1, 1))", RuntimeError, ValueError,
     ("pad", "(1, 1, 1, 1, 1, 1)", "[2, 3]", "at most 4")),
    ("pad_reflect_too_big", "F.pad(torch.randn(1, 2, 3), (3, 3), mode='reflect')", RuntimeError, ValueError,
     ("pad", "reflect", "(3, 3)", "[1, 2, 3]")),
    ("pad_unknown_mode", "F.pad(torch.randn(1, 2, 3), (1, 1), mode='wrap')", NotImplementedError, ValueError,
     ("pad", "'wrap'", "'reflect'")),
    ("pad_reflect_2d_four_pads", "F.pad(torch.randn(2, 3), (1, 1, 1, 1), mode='reflect')", NotImplementedError,
     ValueError, ("pad", "'reflect'", "length 4", "[2, 3]")),
    ("embedding_index_oob", "nn.Embedding(10, 3)(torch.tensor([3, 10]))", IndexError, IndexError,
     ("embedding", "index 10", "num_embeddings=10", "(2,)")),
    ("embedding_negative_index", "F.embedding(torch.tensor([-1, 2]), torch.randn(10, 3))", IndexError, IndexError,
     ("embedding", "index -1", "0 to 9")),
    ("embedding_weight_shape", "nn.Embedding(10, 3, _weight=torch.randn(5, 3))", AssertionError, ValueError,
     ("Embedding", "(5, 3)", "(10, 3)")),
    ("cross_entropy_class_oob", "F.cross_entropy(torch.randn(4, 3), torch.tensor([0, 1, 3, 1]))", IndexError,
     IndexError, ("cross_entropy", "class 3", "3 classes")),
    ("cross_entropy_negative_class", "F.cross_entropy(torch.randn(4, 3), torch.tensor([0, -1, 2, 1]))", IndexError,
     IndexError, ("cross_entropy", "class -1", "ignore_index=-100")),
    ("cross_entropy_target_column", "F.cross_entropy(torch.randn(4, 3), torch.tensor([[0], [1], [2], [1]]))",
     RuntimeError, ValueError, ("cross_entropy", "(4,)", "(4, 3)", "(4, 1)")),
    ("cross_entropy_batch_mismatch", "F.cross_entropy(torch.randn(4, 3), torch.tensor([0, 1, 2]))", ValueError,
     ValueError, ("cross_entropy", "(4, 3)", "(3,)")),
    ("cross_entropy_float_class_indices", "F.cross_entropy(torch.randn(4, 3), torch.tensor([0.0, 1.0, 2.0, 1.0]))",
     RuntimeError, TypeError, ("cross_entropy", "[4, 3]", "(4,)", "int64")),
    ("cross_entropy_spatial_target", "F.cross_entropy(torch.randn(2, 3, 4, 4), torch.zeros(2, 4, 5, dtype=torch.long))",
     RuntimeError, ValueError, ("cross_entropy", "[2, 3, 4, 4]", "[2, 4, 4]", "(2, 4, 5)")),
    ("nll_loss_class_oob", "F.nll_loss(torch.randn(4, 3).log_softmax(1), torch.tensor([0, 1, 5, 1]))", IndexError,
     IndexError, ("nll_loss", "class 5", "3 classes")),
    ("nll_loss_batch_mismatch", "F.nll_loss(torch.randn(4, 3), torch.tensor([0, 1]))", ValueError, ValueError,
     ("nll_loss", "[4, 3]", "[4]", "(2,)")),
    ("nll_loss_3d_target", "F.nll_loss(torch.randn(2, 3, 5), torch.zeros(2, 3, dtype=torch.long))", RuntimeError,
     ValueError, ("nll_loss", "[2, 3, 5]", "[2, 5]", "(2, 3)")),
    ("one_hot_negative", "F.one_hot(torch.tensor([-1, 0]), 3)", RuntimeError, ValueError, ("one_hot", "-1")),
    ("grid_sample_grid_last_dim",
     "F.grid_sample(torch.randn(1, 1, 4, 4), torch.randn(1, 3, 3, 3), align_corners=False)",
     RuntimeError, ValueError, ("grid_sample", "(1, 1, 4, 4)", "(1, 3, 3, 3)")),
    ("grid_sample_batch", "F.grid_sample(torch.randn(2, 1, 4, 4), torch.randn(1, 3, 3, 2), align_corners=False)",
     RuntimeError, ValueError, ("grid_sample", "(2, 1, 4, 4)", "(1, 3, 3, 2)")),
    ("grid_sample_unbatched", "F.grid_sample(torch.randn(1, 4, 4), torch.randn(1, 3, 3, 2), align_corners=False)",
     RuntimeError, ValueError, ("grid_sample", "(1, 4, 4)")),
    ("grid_sample_mode", "F.grid_sample(torch.randn(1, 1, 4, 4), torch.randn(1, 3, 3, 2), mode='cubic', "
     "align_corners=False)", ValueError, ValueError, ("grid_sample", "'cubic'")),
    ("layer_norm_leading_dims", "F.layer_norm(torch.randn(2, 4), (2,))", RuntimeError, ValueError,
     ("layer_norm", "(2,)", "[2, 4]")),
    ("layer_norm_swapped_dims", "nn.LayerNorm([3, 4])(torch.randn(2, 4, 3))", RuntimeError, ValueError,
     ("layer_norm", "(3, 4)", "[2, 4, 3]")),
    ("layer_norm_bias_shape", "F.layer_norm(torch.randn(2, 4), (4,), torch.ones(4), torch.ones(3))", RuntimeError,
     ValueError, ("layer_norm", "bias", "(3,)", "(4,)")),
    ("batch_norm_running_mean_size", "F.batch_norm(torch.randn(4, 3), torch.zeros(5), torch.ones(5))", RuntimeError,
     ValueError, ("batch_norm", "running_mean", "(5,)", "[4, 3]", "num_features=3")),
    ("batch_norm_weight_size", "F.batch_norm(torch.randn(4, 3), torch.zeros(3), torch.ones(3), torch.ones(4))",
     RuntimeError, ValueError, ("batch_norm", "weight", "(4,)", "(3,)")),
    ("batch_norm_train_batch_1", "nn.BatchNorm1d(3)(torch.randn(1, 3))", ValueError, ValueError,
     ("batch_norm", "[1, 3]", "eval mode")),
    ("batch_norm2d_train_1x1", "nn.BatchNorm2d(3)(torch.randn(1, 3, 1, 1))", ValueError, ValueError,
     ("batch_norm", "[1, 3, 1, 1]")),
    ("softmax_int", "F.softmax(torch.tensor([1, 2, 3]), dim=0)", NotImplementedError, TypeError,
     ("softmax", "int64", ".float()")),
    ("softmax_dim_out_of_range", "nn.Softmax(dim=2)(torch.randn(2, 3))", IndexError, IndexError,
     ("softmax", "dim 2", "[-2, 1]")),
    ("dropout_p_above_1", "F.dropout(torch.randn(3), p=1.5)", ValueError, ValueError, ("dropout", "1.5")),
    ("cosine_similarity_shapes", "F.cosine_similarity(torch.randn(4, 3), torch.randn(4, 5))", RuntimeError,
     ValueError, ("cosine_similarity", "(4, 3)", "(4, 5)")),
    ("pixel_unshuffle_indivisible", "F.pixel_unshuffle(torch.randn(1, 1, 5, 5), 2)", RuntimeError, ValueError,
     ("pixel_unshuffle", "[1, 1, 5, 5]", "downscale_factor 2")),
    ("huber_zero_delta", "F.huber_loss(torch.randn(3), torch.randn(3), delta=0.0)", RuntimeError, RuntimeError,
     ("huber_loss", "delta", "0.0")),
    ("cross_entropy_label_smoothing_above_1",
     "F.cross_entropy(torch.randn(4, 3), torch.tensor([0, 1, 2, 1]), label_smoothing=1.5)", RuntimeError, ValueError,
     ("cross_entropy", "label_smoothing", "1.5")),
    ("smooth_l1_negative_beta", "F.smooth_l1_loss(torch.randn(3), torch.randn(3), beta=-1.0)", RuntimeError,
     ValueError, ("smooth_l1_loss", "beta", "-1.0")),
    ("clip_grad_norm_type_string", "nn.utils.clip_grad_norm_([nn.Parameter(torch.ones(2))], 1.0, norm_type='fro')",
     ValueError, ValueError, ("clip_grad_norm_", "'fro'")),
]

TENSOR_OPS = [
    ("matmul_1d_sizes", "torch.randn(3) @ torch.randn(4)", RuntimeError, ValueError, ("matmul", "[3]", "[4]")),
    ("matmul_batch_dims", "torch.randn(2, 3, 4) @ torch.randn(3, 4, 5)", RuntimeError, ValueError,
     ("matmul", "[2, 3, 4]", "[3, 4, 5]")),
    ("matmul_0d", "torch.matmul(torch.tensor(2.0), torch.randn(3))", RuntimeError, ValueError,
     ("matmul", "[]", "[3]")),
    ("bmm_2d", "torch.bmm(torch.randn(3, 4), torch.randn(4, 5))", RuntimeError, ValueError,
     ("bmm", "[3, 4]", "[4, 5]")),
    ("bmm_inner", "torch.bmm(torch.randn(2, 3, 4), torch.randn(2, 5, 6))", RuntimeError, ValueError,
     ("[2, 3, 4]", "[2, 5, 6]", "(4)", "(5)")),
    ("mm_same_shapes", "torch.mm(torch.randn(2, 3), torch.randn(2, 3))", RuntimeError, ValueError,
     ("[2, 3]", "(3)", "(2)", "transpose")),
    ("mv_sizes", "torch.mv(torch.randn(2, 3), torch.randn(4))", RuntimeError, ValueError, ("[2, 3]", "[4]")),
    ("dot_2d", "torch.dot(torch.randn(2, 3), torch.randn(2, 3))", RuntimeError, ValueError,
     ("dot", "[2, 3]", "matmul")),
    ("einsum_too_few_operands", "torch.einsum('ij,jk->ik', torch.randn(2, 3))", RuntimeError, ValueError,
     ("einsum", "'ij,jk->ik'", "2 operand subscripts", "1 operands")),
    ("einsum_size_mismatch", "torch.einsum('ij,jk->ik', torch.randn(2, 3), torch.randn(4, 5))", RuntimeError,
     ValueError, ("einsum", "'j'", "(2, 3)", "(4, 5)")),
    ("einsum_rank", "torch.einsum('ijk->i', torch.randn(2, 3))", RuntimeError, ValueError,
     ("einsum", "'ijk'", "2 dims")),
    ("einsum_unknown_output", "torch.einsum('ij->k', torch.randn(2, 3))", RuntimeError, ValueError,
     ("einsum", "'ij->k'")),
    ("view_after_t", "torch.randn(2, 3).t().view(6)", RuntimeError, RuntimeError,
     ("view", "[3, 2]", "(6,)", ".reshape(")),
    ("view_after_permute", "torch.randn(2, 3, 4).permute(0, 2, 1).view(2, 12)", RuntimeError, RuntimeError,
     ("view", "[2, 4, 3]", "(2, 12)")),
    ("reshape_inferred_size", "torch.randn(2, 3).reshape(4, -1)", RuntimeError, ValueError,
     ("reshape", "[2, 3]", "(4, -1)")),
    ("reshape_two_inferred", "torch.randn(2, 3).reshape(-1, -1)", RuntimeError, ValueError, ("reshape", "(-1, -1)")),
    ("reshape_negative_size", "torch.randn(2, 3).reshape(-2, 3)", RuntimeError, RuntimeError,
     ("reshape", "-2", "(-2, 3)", "[2, 3]")),
    ("cat_0d", "torch.cat([torch.tensor(1.0), torch.tensor(2.0)])", RuntimeError, ValueError,
     ("cat", "zero-dimensional", "stack")),
    ("cat_ranks", "torch.cat([torch.randn(2, 3), torch.randn(3)])", RuntimeError, ValueError,
     ("concatenate", "(2, 3)", "(3,)")),
    ("cat_dim_out_of_range", "torch.cat([torch.randn(2, 3), torch.randn(2, 3)], dim=2)", IndexError, IndexError,
     ("cat", "dim 2")),
    ("cat_tensor_not_list", "torch.cat(torch.randn(2, 3), torch.randn(2, 3))", TypeError, TypeError,
     ("cat", "wrap it in a list")),
    ("index_out_of_range", "torch.randn(3)[3]", IndexError, IndexError, ("[3]", "index 3", "size 3")),
    ("index_out_of_range_dim1", "torch.randn(2, 3)[:, 5]", IndexError, IndexError, ("[2, 3]", "index 5")),
    ("index_tensor_out_of_range", "torch.randn(3)[torch.tensor([0, 3])]", IndexError, IndexError,
     ("[3]", "index 3")),
    ("index_too_many", "torch.randn(3)[0, 0]", IndexError, IndexError, ("[3]", "too many indices")),
    ("index_mask_shape", "torch.randn(3)[torch.tensor([True, False])]", IndexError, IndexError,
     ("[3]", "bool array of shape (2,)")),
    ("setitem_out_of_range", "x = torch.zeros(3); x[3] = 1.0", IndexError, IndexError,
     ("setitem", "(3,)", "index 3")),
    ("select_out_of_range", "torch.randn(2, 3).select(1, 3)", IndexError, IndexError,
     ("select", "index 3", "(2, 3)")),
    ("narrow_past_the_end", "torch.randn(2, 3).narrow(1, 2, 2)", RuntimeError, IndexError,
     ("narrow", "start 2", "length 2", "(2, 3)")),
    ("topk_k_too_big", "torch.randn(3).topk(4)", RuntimeError, IndexError, ("topk", "k=4", "[3]")),
    ("gather_index_too_big", "torch.gather(torch.randn(3, 4), 1, torch.zeros(4, 2, dtype=torch.long))",
     RuntimeError, ValueError, ("gather", "(4, 2)", "[3, 4]")),
    ("scatter_float_index", "torch.zeros(3, 4).scatter(1, torch.tensor([[0.0, 1.0]]), torch.ones(1, 2))",
     RuntimeError, TypeError, ("scatter", "float32", ".long()")),
    ("scatter_src_smaller", "torch.zeros(3, 4).scatter(1, torch.tensor([[0, 1, 2]]), torch.ones(1, 2))",
     RuntimeError, ValueError, ("scatter", "[1, 2]", "(1, 3)")),
    ("scatter_index_rank", "torch.zeros(3, 4).scatter(1, torch.tensor([0, 1]), torch.ones(2))", RuntimeError,
     ValueError, ("scatter", "(2,)", "[3, 4]")),
    ("index_select_out_of_range", "torch.index_select(torch.randn(3, 4), 0, torch.tensor([3]))", IndexError,
     IndexError, ("(3, 4)", "indices from 3 to 3")),
    ("take_along_dim_float", "torch.take_along_dim(torch.randn(3, 4), torch.tensor([[0, 1]]).float(), dim=1)",
     RuntimeError, TypeError, ("take_along_dim", "float32", ".long()")),
    ("repeat_interleave_counts", "torch.randn(3).repeat_interleave(torch.tensor([1, 2]))", RuntimeError, ValueError,
     ("repeat_interleave", "[1, 2]", "3")),
    ("split_size_zero", "torch.split(torch.randn(4), 0)", RuntimeError, ValueError, ("split", "split_size", "0")),
    ("unfold_window_too_big", "torch.randn(3).unfold(0, 5, 1)", RuntimeError, ValueError,
     ("unfold", "size 5", "[3]")),
    ("expand_negative_size", "torch.randn(2, 1).expand(2, -2)", RuntimeError, ValueError,
     ("expand", "(2, -2)", "[2, 1]")),
    ("tile_negative_count", "torch.randn(2).tile((-1,))", RuntimeError, ValueError, ("tile", "(-1,)")),
    ("tril_of_a_vector", "torch.tril(torch.randn(3))", RuntimeError, ValueError, ("tril", "2 dims", "[3]")),
    ("diag_of_3d", "torch.diag(torch.randn(2, 2, 2))", RuntimeError, ValueError,
     ("diag", "[2, 2, 2]", "diagonal()")),
    ("outer_of_a_matrix", "torch.outer(torch.randn(2, 2), torch.randn(3))", RuntimeError, ValueError,
     ("outer", "[2, 2]", "[3]")),
    ("inv_non_square", "torch.linalg.inv(torch.randn(2, 3))", RuntimeError, ValueError,
     ("linalg.inv", "2 by 3", "(2, 3)")),
    ("solve_rows", "torch.linalg.solve(torch.randn(3, 3), torch.randn(4))", RuntimeError, ValueError,
     ("linalg.solve", "(3, 3)", "(4,)")),
    ("cross_length_4", "torch.linalg.cross(torch.randn(4), torch.randn(4))", RuntimeError, ValueError,
     ("linalg.cross", "length 3", "4")),
    ("cdist_columns", "torch.cdist(torch.randn(2, 3), torch.randn(4, 5))", RuntimeError, ValueError,
     ("cdist", "[2, 3]", "[4, 5]")),
    ("multinomial_negative_weight", "torch.multinomial(torch.tensor([0.5, -0.1]), 1)", RuntimeError, ValueError,
     ("multinomial", "negative", "softmax(logits)")),
    ("bernoulli_p_above_1", "torch.bernoulli(torch.tensor([1.5]))", RuntimeError, ValueError,
     ("bernoulli", "[0, 1]", "1.5")),
    ("truth_value_of_two_elements", "bool(torch.tensor([1.0, 2.0]))", RuntimeError, ValueError,
     ("truth value", "2 elements", ".any()")),
    ("arange_wrong_direction", "torch.arange(5, 0, 1)", RuntimeError, RuntimeError,
     ("arange", "end=0", "start=5", "step=1")),
    ("full_negative_size", "torch.full((2, -1), 1.0)", RuntimeError, ValueError, ("full", "(2, -1)")),
    ("eye_negative", "torch.eye(-2)", RuntimeError, ValueError, ("eye", "-2")),
    ("linspace_negative_steps", "torch.linspace(0, 1, -1)", RuntimeError, ValueError, ("linspace", "-1")),
    ("randint_low_above_high", "torch.randint(5, 2, (3,))", RuntimeError, ValueError, ("randint", "low=5", "high=2")),
    ("normalize_dim_range", "F.normalize(torch.ones(2, 3), dim=3)", IndexError, ValueError, ("normalize", "dim 3", "2-D")),
    ("index_select_2d_index", "torch.ones(3).index_select(0, torch.tensor([[0]]))", IndexError, ValueError,
     ("index_select", "(1, 1)", "reshape(-1)")),
    ("clamp_no_bounds", "torch.ones(2, 3).clamp()", RuntimeError, ValueError, ("clamp", "min and max", "(2, 3)")),
]

AUTOGRAD = [
    ("inplace_on_leaf", "w = torch.randn(3, requires_grad=True); w.add_(1)", RuntimeError, RuntimeError,
     ("add_", "leaf", "[3]", "no_grad")),
    ("setitem_on_leaf", "w = torch.randn(3, requires_grad=True); w[0] = 1.0", RuntimeError, RuntimeError,
     ("setitem", "leaf")),
    ("zero_on_leaf", "w = torch.randn(3, requires_grad=True); w.zero_()", RuntimeError, RuntimeError,
     ("zero_", "leaf")),
    ("backward_twice", "a = torch.randn(3, requires_grad=True); y = (a * a).sum(); y.backward(); y.backward()",
     RuntimeError, RuntimeError, ("backward", "mul", "retain_graph=True")),
    ("backward_non_scalar", "a = torch.randn(3, requires_grad=True); (a * 2).backward()", RuntimeError, RuntimeError,
     ("backward", "[3]", "sum()")),
    ("backward_without_grad", "torch.randn(3).sum().backward()", RuntimeError, RuntimeError,
     ("backward", "requires_grad=True")),
    ("backward_gradient_shape", "a = torch.randn(3, requires_grad=True); (a * 2).backward(torch.ones(2))",
     RuntimeError, RuntimeError, ("backward", "(2,)", "[3]")),
    ("backward_of_no_grad_result", "a = torch.randn(3, requires_grad=True)\nwith torch.no_grad():\n"
     "    y = (a * 2).sum()\ny.backward()", RuntimeError, RuntimeError, ("backward", "does not require grad")),
    ("int_requires_grad_method", "torch.tensor([1, 2]).requires_grad_()", RuntimeError, TypeError,
     ("require", "int64")),
    ("int_requires_grad_attribute", "x = torch.ones(3, dtype=torch.int64); x.requires_grad = True", RuntimeError,
     RuntimeError, ("require gradients", "int64", "(3,)")),
    ("arange_requires_grad", "torch.arange(3, requires_grad=True)", RuntimeError, TypeError, ("int64",)),
    ("int_zeros_requires_grad", "torch.zeros(3, dtype=torch.int32, requires_grad=True)", RuntimeError, TypeError,
     ("int32",)),
    ("grad_of_int_tensor", "x = torch.ones(3, requires_grad=True); "
     "torch.autograd.grad((x * 2).sum(), torch.ones(3, dtype=torch.int64))", RuntimeError, RuntimeError,
     ("grad", "int64", "(3,)")),
    ("grad_unused_input", "x = torch.ones(3, requires_grad=True); z = torch.ones(3, requires_grad=True); "
     "torch.autograd.grad((x * 2).sum(), [x, z])", RuntimeError, RuntimeError, ("grad", "[3]", "allow_unused=True")),
    ("grad_non_scalar", "x = torch.ones(3, requires_grad=True); torch.autograd.grad(x * 2, x)", RuntimeError,
     RuntimeError, ("[3]", "sum()")),
]

MODULES = [
    ("lstm_h0_hidden_size", f"nn.LSTM(3, 4)({LSTM_X}, (torch.randn(1, 2, 5), torch.randn(1, 2, 4)))", RuntimeError,
     ValueError, ("LSTM(3, 4)", "h_0", "(1, 2, 4)", "(1, 2, 5)")),
    ("lstm_unbatched_input_batched_h0", "nn.LSTM(3, 4)(torch.randn(7, 3), (torch.randn(1, 2, 4), "
     "torch.randn(1, 2, 4)))", RuntimeError, ValueError, ("LSTM(3, 4)", "(1, 4)", "(1, 2, 4)")),
    ("lstm_4d_input", "nn.LSTM(3, 4)(torch.randn(7, 2, 3, 1))", ValueError, ValueError,
     ("LSTM(3, 4)", "[7, 2, 3, 1]")),
    ("lstm_num_layers_h0", f"nn.LSTM(3, 4, num_layers=2)({LSTM_X}, (torch.randn(1, 2, 4), torch.randn(1, 2, 4)))",
     RuntimeError, ValueError, ("num_layers=2", "(2, 2, 4)", "(1, 2, 4)")),
    ("lstm_batch_first_features", "nn.LSTM(3, 4, batch_first=True)(torch.randn(2, 7, 5))", RuntimeError, ValueError,
     ("batch_first=True", "[2, 7, 5]")),
    ("lstm_int_input", "nn.LSTM(3, 4)(torch.ones(7, 2, 3, dtype=torch.int64))", ValueError, TypeError,
     ("lstm", "int64", "float32", ".float()")),
    ("gru_float64_input", "nn.GRU(3, 4)(torch.randn(7, 2, 3, dtype=torch.float64))", ValueError, TypeError,
     ("gru", "float64", "float32")),
    ("linear_1d_input", "nn.Linear(3, 2)(torch.randn(4))", RuntimeError, ValueError, ("Linear", "3 features", "(4,)")),
    ("linear_3d_input", "nn.Linear(3, 2)(torch.randn(2, 5, 4))", RuntimeError, ValueError, ("Linear", "(2, 5, 4)")),
    ("load_state_dict_missing", f"{LSD}({{'weight': torch.randn(2, 3)}})", RuntimeError, KeyError,
     ("load_state_dict", "Linear", "Missing", "bias", "strict=False")),
    ("load_state_dict_unexpected",
     f"{LSD}({{'weight': torch.randn(2, 3), 'bias': torch.randn(2), 'scale': torch.randn(2)}})", RuntimeError,
     KeyError, ("load_state_dict", "Unexpected", "scale")),
    ("load_state_dict_shape", f"{LSD}({{'weight': torch.randn(3, 3), 'bias': torch.randn(2)}})", RuntimeError,
     KeyError, ("load_state_dict", "weight", "[3, 3]", "[2, 3]")),
    ("load_state_dict_shape_not_strict",
     f"{LSD}({{'weight': torch.randn(3, 3), 'bias': torch.randn(2)}}, strict=False)", RuntimeError, KeyError,
     ("weight", "[3, 3]", "[2, 3]")),
    ("load_state_dict_module_prefix", "nn.Sequential(nn.Linear(3, 2)).load_state_dict("
     "{'module.0.weight': torch.randn(2, 3), 'module.0.bias': torch.randn(2)})", RuntimeError, KeyError,
     ("0.weight", "module.0.weight", "'module.'")),
    ("load_state_dict_batchnorm_stats", "nn.BatchNorm1d(3).load_state_dict({'weight': torch.ones(3), "
     "'bias': torch.zeros(3)})", RuntimeError, KeyError, ("BatchNorm1d", "running_mean", "running_var")),
    ("sequential_given_a_function", "nn.Sequential(nn.Linear(3, 2), torch.relu)", TypeError, TypeError,
     ("Module", "function")),
    ("modulelist_given_an_int", "nn.ModuleList([nn.Linear(3, 2), 5])", TypeError, TypeError, ("Module", "int")),
    ("module_attribute_typo", "nn.Linear(3, 2).weights", AttributeError, AttributeError, ("Linear", "weights")),
]

OPTIMIZERS_AND_DATA = [
    ("sgd_empty_list", "optim.SGD([], lr=0.1)", ValueError, ValueError, ("SGD", "empty parameter list")),
    ("sgd_negative_lr", f"optim.SGD({PARAMS}, lr=-0.1)", ValueError, ValueError, ("SGD", "lr", "-0.1")),
    ("adam_negative_lr", f"optim.Adam({PARAMS}, lr=-1e-3)", ValueError, ValueError, ("Adam", "lr", "-0.001")),
    ("adam_beta_1", f"optim.Adam({PARAMS}, betas=(1.0, 0.999))", ValueError, ValueError, ("Adam", "(1.0, 0.999)")),
    ("adam_negative_eps", f"optim.Adam({PARAMS}, eps=-1e-8)", ValueError, ValueError, ("Adam", "eps", "-1e-08")),
    ("sgd_negative_momentum", f"optim.SGD({PARAMS}, lr=0.1, momentum=-0.9)", ValueError, ValueError,
     ("SGD", "momentum", "-0.9")),
    ("sgd_nesterov_without_momentum", f"optim.SGD({PARAMS}, lr=0.1, nesterov=True)", ValueError, ValueError,
     ("SGD", "nesterov=True", "momentum")),
    ("sgd_negative_weight_decay", f"optim.SGD({PARAMS}, lr=0.1, weight_decay=-1)", ValueError, ValueError,
     ("SGD", "weight_decay", "-1")),
    ("param_in_two_groups", "w = nn.Parameter(torch.randn(3)); optim.SGD([{'params': [w]}, {'params': [w], "
     "'lr': 0.01}], lr=0.1)", ValueError, ValueError, ("SGD", "more than one parameter group")),
    ("add_param_group_again", "w = nn.Parameter(torch.randn(3)); o = optim.SGD([w], lr=0.1); "
     "o.add_param_group({'params': [w]})", ValueError, ValueError, ("SGD", "more than one parameter group")),
    ("non_leaf_param", "w = torch.randn(3, requires_grad=True) * 2; optim.SGD([w], lr=0.1)", ValueError, ValueError,
     ("SGD", "non-leaf", "[3]")),
    ("optimizer_given_one_tensor", "optim.SGD(torch.randn(3, requires_grad=True), lr=0.1)", TypeError, TypeError,
     ("SGD", "single Tensor", "[p]")),
    ("scheduler_given_a_module", "optim.lr_scheduler.StepLR(nn.Linear(3, 2), 1)", TypeError, TypeError,
     ("StepLR", "Linear")),
    ("loader_batch_size_0", f"DataLoader({DS}, batch_size=0)", ValueError, ValueError,
     ("DataLoader", "batch_size", "0")),
    ("loader_negative_batch_size", f"DataLoader({DS}, batch_size=-2)", ValueError, ValueError,
     ("DataLoader", "batch_size", "-2")),
    ("loader_float_batch_size", f"DataLoader({DS}, batch_size=2.5)", ValueError, ValueError,
     ("DataLoader", "batch_size", "2.5")),
    ("loader_sampler_and_shuffle", f"ds = {DS}; DataLoader(ds, sampler=SequentialSampler(ds), shuffle=True)",
     ValueError, ValueError, ("DataLoader", "shuffle=True", "sampler")),
    ("loader_batch_sampler_and_batch_size",
     f"ds = {DS}; DataLoader(ds, batch_size=2, batch_sampler=BatchSampler(SequentialSampler(ds), 2, False))",
     ValueError, ValueError, ("DataLoader", "batch_sampler", "batch_size")),
    ("loader_batch_sampler_and_drop_last",
     f"ds = {DS}; DataLoader(ds, drop_last=True, batch_sampler=BatchSampler(SequentialSampler(ds), 2, False))",
     ValueError, ValueError, ("DataLoader", "batch_sampler", "drop_last")),
    ("loader_negative_workers", f"DataLoader({DS}, num_workers=-1)", ValueError, ValueError,
     ("DataLoader", "num_workers", "-1")),
    ("loader_negative_timeout", f"DataLoader({DS}, timeout=-1)", ValueError, ValueError,
     ("DataLoader", "timeout", "-1")),
    ("loader_prefetch_without_workers", f"DataLoader({DS}, prefetch_factor=2)", ValueError, ValueError,
     ("DataLoader", "prefetch_factor=2", "num_workers > 0")),
    ("loader_persistent_without_workers", f"DataLoader({DS}, persistent_workers=True)", ValueError, ValueError,
     ("DataLoader", "persistent_workers", "num_workers > 0")),
    ("collate_ragged_tuples", "list(DataLoader([(torch.randn(2), 0), (torch.randn(3), 1)], batch_size=2))",
     RuntimeError, ValueError, ("DataLoader", "field 0", "(2,)", "(3,)", "collate_fn")),
    ("collate_ragged_dicts", "list(DataLoader([{'x': torch.randn(2)}, {'x': torch.randn(3)}], batch_size=2))",
     RuntimeError, ValueError, ("DataLoader", "'x'", "(2,)", "(3,)")),
    ("collate_ragged_matrices", "list(DataLoader([torch.randn(2, 3), torch.randn(2, 4)], batch_size=2))",
     RuntimeError, ValueError, ("DataLoader", "(2, 3)", "(2, 4)")),
    ("collate_tensor_and_string", "list(DataLoader([torch.randn(2), 'a'], batch_size=2))", TypeError, TypeError,
     ("DataLoader", "Tensor", "str", "collate_fn")),
    ("tensordataset_index_out_of_range", "TensorDataset(torch.randn(4, 2))[4]", IndexError, IndexError,
     ("TensorDataset", "index 4", "4 examples")),
    ("random_split_lengths", f"random_split({DS}, [2, 3])", ValueError, ValueError,
     ("random_split", "[2, 3]", "4 examples")),
    ("batch_sampler_size_0", "BatchSampler(SequentialSampler(range(4)), 0, False)", ValueError, ValueError,
     ("BatchSampler", "batch_size", "0")),
]

CASES = FUNCTIONAL + TENSOR_OPS + AUTOGRAD + MODULES + OPTIMIZERS_AND_DATA

# calls PyTorch accepts: ours must run too and give PyTorch's value (the last line is the value compared)
ACCEPTED = [
    ("batch_norm_eval_batch_1", "m = nn.BatchNorm1d(3); m.eval()\nm(torch.arange(3.0).reshape(1, 3) + 1)"),
    ("batch_norm2d_train_batch_1_spatial", "nn.BatchNorm2d(3)(torch.arange(12.0).reshape(1, 3, 2, 2))"),
    ("embedding_int32_indices", "e = nn.Embedding.from_pretrained(torch.arange(30.0).reshape(10, 3))\n"
     "e(torch.tensor([[1, 2]], dtype=torch.int32))"),
    ("gather_int32_index",
     "torch.gather(torch.arange(12.0).reshape(3, 4), 1, torch.tensor([[0, 3]], dtype=torch.int32))"),
    ("one_hot_infers_classes", "F.one_hot(torch.tensor([0, 4]))"),
    ("scatter_scalar_value", "torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 5.0)"),
    ("view_after_permute_that_fits", "torch.arange(24.0).reshape(2, 3, 4).permute(1, 0, 2).view(3, 2, 2, 2)"),
    ("backward_twice_with_retain_graph", "a = torch.ones(3, requires_grad=True); y = (a * a).sum()\n"
     "y.backward(retain_graph=True); y.backward()\na.grad"),
    ("inplace_on_leaf_under_no_grad", "w = torch.ones(3, requires_grad=True)\nwith torch.no_grad():\n    w.add_(1)\nw"),
    ("backward_with_int_gradient", "x = torch.ones(3, requires_grad=True)\n"
     "(x * 2).backward(torch.ones(3, dtype=torch.int64))\nx.grad"),
    ("load_state_dict_not_strict", "r = nn.Linear(3, 2).load_state_dict({'weight': torch.ones(2, 3), "
     "'x': torch.ones(1)}, strict=False)\n(list(r.missing_keys), list(r.unexpected_keys))"),
    ("load_batchnorm_without_num_batches_tracked", "m = nn.BatchNorm1d(3)\nr = m.load_state_dict({'weight': "
     "torch.ones(3) * 2, 'bias': torch.zeros(3), 'running_mean': torch.ones(3), 'running_var': torch.ones(3) * 4})\n"
     "(list(r.missing_keys), m.num_batches_tracked.item(), m.running_var.tolist())"),
    ("sgd_default_lr", "optim.SGD(nn.Linear(3, 2).parameters()).param_groups[0]['lr']"),
    ("cross_entropy_float64_probabilities", "F.cross_entropy(torch.arange(12.0).reshape(4, 3) / 5, "
     "torch.full((4, 3), 0.25, dtype=torch.float64)).item()"),
    ("unflatten_inferred_size", "nn.Unflatten(1, (2, -1))(torch.randn(4, 6)).shape"),
    ("random_split_fractions", "[len(s) for s in random_split(TensorDataset(torch.randn(10, 2)), [0.7, 0.3])]"),
    ("zero_grad_sets_none", "w = nn.Parameter(torch.ones(2)); o = optim.SGD([w], lr=0.1)\n(w * 2).sum().backward()\n"
     "o.zero_grad()\nw.grad is None"),
    ("eye_rectangular", "torch.eye(2, 3)"),
    ("full_from_list_size", "torch.full([2, 3], 1.5)"),
]




@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    """The oracle: PyTorch raises for the same code, and our error is an instance of its type."""
    check_oracle(case, pytorch_names(), pytorch_names(pytest.importorskip("torch")))


def _numeric(value):
    try:
        np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    torch = pytest.importorskip("torch")
    _, code = case
    ours, theirs = value_of(code, pytorch_names()), value_of(code, pytorch_names(torch))
    if _numeric(theirs) and not isinstance(theirs, bool):
        assert np.shape(ours) == np.shape(theirs), (ours, theirs)
        np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-6)
    else:
        assert ours == theirs


def test_requires_grad_assignment_refuses_only_true_on_an_int_tensor():
    """requires_grad is a checked property over a slot: setting False (or True on a float tensor) still works,
    and ops still record the graph of a tensor it was set on."""
    x = ag.ones(3, dtype=ag.int64)
    x.requires_grad = False
    assert x.requires_grad is False
    w = ag.ones(3)
    w.requires_grad = True
    (w * 2).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]
    with pytest.raises(TypeError, match="only Tensors of floating point"):
        x.requires_grad = True
    assert x.requires_grad is False


def test_state_dict_error_is_what_ported_code_catches():
    """PyTorch's load_state_dict raises RuntimeError; ours is a StateDictError, a RuntimeError and a KeyError."""
    with pytest.raises(RuntimeError) as info:
        nn.Linear(3, 2).load_state_dict({"weight": ag.zeros(2, 3)})
    assert isinstance(info.value, StateDictError)


@pytest.mark.parametrize("bounds", [(3,), (3.0,), (1, 5), (0, 7, 2), (0.5, 4)])
def test_arange_of_0d_tensor_bounds_has_pytorchs_dtype(bounds):
    torch = pytest.importorskip("torch")
    ours = ag.arange(*(ag.tensor(b) for b in bounds))
    theirs = torch.arange(*(torch.tensor(b) for b in bounds))
    assert str(ours.dtype) == str(theirs.dtype).replace("torch.", "")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
