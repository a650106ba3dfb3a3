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

TD = "TensorDataset(torch.ones(4, 2))"
BS = "BatchSampler(SequentialSampler(range(4)), 2, False)"

DATA = [
    ("DataLoader_batch_size_0", f"DataLoader({TD}, batch_size=0)", ValueError, ValueError,
     ("DataLoader", "batch_size", "positive integer", "got 0")),
    ("DataLoader_negative_batch_size", f"DataLoader({TD}, batch_size=-1)", ValueError, ValueError, ("got -1",)),
    ("DataLoader_fractional_batch_size", f"DataLoader({TD}, batch_size=2.5)", ValueError, ValueError, ("2.5",)),
    ("DataLoader_shuffle_and_sampler", f"DataLoader({TD}, shuffle=True, sampler=SequentialSampler(range(4)))",
     ValueError, ValueError, ("DataLoader", "shuffle=True or a sampler", "not both")),
    ("DataLoader_sampler_and_batch_sampler", f"DataLoader({TD}, sampler=SequentialSampler(range(4)), "
     f"batch_sampler={BS})", ValueError, ValueError, ("DataLoader", "batch_sampler", "cannot be combined")),
    ("DataLoader_batch_size_and_batch_sampler", f"DataLoader({TD}, batch_size=2, batch_sampler={BS})", ValueError,
     ValueError, ("batch_sampler", "batch_size")),
    ("DataLoader_drop_last_and_batch_sampler", f"DataLoader({TD}, drop_last=True, batch_sampler={BS})", ValueError,
     ValueError, ("batch_sampler", "drop_last")),
    ("DataLoader_negative_num_workers", f"DataLoader({TD}, num_workers=-1)", ValueError, ValueError,
     ("num_workers", ">= 0", "-1")),
    ("DataLoader_negative_timeout", f"DataLoader({TD}, timeout=-1)", ValueError, ValueError, ("timeout", "-1")),
    ("DataLoader_prefetch_without_workers", f"DataLoader({TD}, prefetch_factor=2)", ValueError, ValueError,
     ("prefetch_factor", "num_workers > 0")),
    ("DataLoader_persistent_without_workers", f"DataLoader({TD}, persistent_workers=True)", ValueError, ValueError,
     ("persistent_workers", "num_workers > 0")),
    ("DataLoader_no_batching_drop_last", f"DataLoader({TD}, batch_size=None, drop_last=True)", ValueError,
     ValueError, ("batch_size=None", "drop_last")),
    ("BatchSampler_batch_size_0", "BatchSampler(SequentialSampler(range(4)), 0, False)", ValueError, ValueError,
     ("BatchSampler", "batch_size", "got 0")),
    ("BatchSampler_string_drop_last", "BatchSampler(SequentialSampler(range(4)), 2, 'no')", ValueError, ValueError,
     ("BatchSampler", "drop_last", "'no'")),
    ("RandomSampler_zero_samples", "RandomSampler(range(4), num_samples=0)", ValueError, ValueError,
     ("RandomSampler", "num_samples", "got 0")),
    ("RandomSampler_int_replacement", "RandomSampler(range(4), replacement=1)", TypeError, TypeError,
     ("RandomSampler", "replacement", "True or False")),
    ("random_split_counts_too_few", "random_split(range(10), [3, 3])", ValueError, ValueError,
     ("random_split", "10 examples", "[3, 3]", "sum 6")),
    ("random_split_counts_too_many", "random_split(range(10), [3, 8])", ValueError, ValueError, ("sum 11",)),
    ("random_split_fractions_over_1", "random_split(range(10), [0.5, 0.6])", ValueError, ValueError,
     ("fractions summing to 1", "[0.5, 0.6]")),
    ("random_split_fractions_under_1", "random_split(range(10), [0.5, 0.4])", ValueError, ValueError, ("0.9",)),
    ("TensorDataset_rows_differ", "TensorDataset(torch.ones(4, 2), torch.ones(3))", AssertionError, ValueError,
     ("TensorDataset", "(4, 2)", "(3,)", "one row per example")),
    ("TensorDataset_index_past_the_end", f"{TD}[4]", IndexError, IndexError,
     ("TensorDataset", "index 4", "4 examples", "0 to 3")),
    ("default_collate_shapes_differ", "default_collate([torch.ones(2), torch.ones(3)])", RuntimeError, ValueError,
     ("default_collate", "(2,)", "(3,)", "pad them")),
    ("default_collate_tensor_and_float", "default_collate([torch.ones(2), 1.0])", TypeError, ValueError,
     ("default_collate", "Tensor and float", "collate_fn")),
    ("default_collate_int_and_str", "default_collate([1, 'a'])", TypeError, TypeError,
     ("default_collate", "int and str")),
    ("default_collate_dict_keys_differ", "default_collate([{'a': 1}, {'b': 2}])", KeyError, ValueError,
     ("dict", "keys", "['a']", "same keys")),
    ("default_collate_tuples_differ", "default_collate([(1, 2), (1,)])", RuntimeError, ValueError,
     ("different numbers of fields", "[1, 2]", "equal size")),
    ("default_collate_None", "default_collate([None, None])", TypeError, TypeError,
     ("NoneType", "miss a return")),
    ("DataLoader_ragged_examples", "next(iter(DataLoader([torch.ones(2), torch.ones(3)], batch_size=2)))",
     RuntimeError, ValueError, ("default_collate", "different shapes")),
]

DISTRIBUTIONS = [
    ("Normal_negative_scale", "torch.distributions.Normal(0.0, -1.0, validate_args=True)", ValueError, ValueError,
     ("parameter scale", "Normal", "-1.0")),
    ("Normal_zero_scale", "torch.distributions.Normal(0.0, 0.0, validate_args=True)", ValueError, ValueError,
     ("parameter scale",)),
    ("Normal_shapes_differ", "torch.distributions.Normal(torch.zeros(2), torch.ones(3))", RuntimeError, ValueError,
     ("(2,)", "(3,)", "broadcast")),
    ("Normal_sample_int_shape", "torch.distributions.Normal(0.0, 1.0).sample(3)", TypeError, Exception,
     ("Normal.sample", "sample_shape", "got int 3", "(3,)")),
    ("Normal_rsample_int_shape", "torch.distributions.Normal(0.0, 1.0).rsample(sample_shape=5)", TypeError,
     Exception, ("sample_shape", "(5,)")),
    ("Categorical_sample_float_shape", "torch.distributions.Categorical(logits=torch.zeros(2)).sample(2.5)",
     TypeError, Exception, ("Categorical.sample", "float")),
    ("Normal_log_prob_nan", "torch.distributions.Normal(0.0, 1.0, validate_args=True).log_prob(torch.tensor("
     "float('nan')))", ValueError, ValueError, ("value argument", "support")),
    ("Categorical_negative_probs", "torch.distributions.Categorical(probs=torch.tensor([0.5, -0.5]), "
     "validate_args=True)", ValueError, ValueError, ("parameter probs", "Categorical")),
    ("Categorical_probs_and_logits", "torch.distributions.Categorical(probs=torch.tensor([0.5, 0.5]), "
     "logits=torch.zeros(2))", ValueError, ValueError, ("Categorical", "either probs or logits")),
    ("Categorical_0d_probs", "torch.distributions.Categorical(probs=torch.tensor(0.5))", ValueError, ValueError,
     ("Categorical", "at least one dimension")),
    ("Categorical_log_prob_past_the_classes", "torch.distributions.Categorical(probs=torch.tensor([0.5, 0.5]), "
     "validate_args=True).log_prob(torch.tensor(2))", ValueError, ValueError, ("value argument", "support")),
    ("Bernoulli_probs_above_1", "torch.distributions.Bernoulli(probs=torch.tensor(1.5), validate_args=True)",
     ValueError, ValueError, ("parameter probs", "Bernoulli")),
    ("Bernoulli_probs_and_logits", "torch.distributions.Bernoulli(probs=0.5, logits=0.0)", ValueError, ValueError,
     ("Bernoulli", "either probs or logits")),
    ("Bernoulli_log_prob_of_2", "torch.distributions.Bernoulli(0.5, validate_args=True).log_prob(torch.tensor(2.0))",
     ValueError, ValueError, ("support", "Boolean")),
    ("Uniform_low_above_high", "torch.distributions.Uniform(1.0, 0.0, validate_args=True)", ValueError, ValueError,
     ("parameter low", "Uniform")),
    ("Uniform_log_prob_outside", "torch.distributions.Uniform(0.0, 1.0).log_prob(torch.tensor(2.0))", ValueError,
     ValueError, ("value argument", "support")),
    ("Exponential_negative_rate", "torch.distributions.Exponential(-1.0, validate_args=True)", ValueError,
     ValueError, ("parameter rate", "Exponential")),
    ("Poisson_log_prob_fraction", "torch.distributions.Poisson(1.0, validate_args=True).log_prob(torch.tensor(1.5))",
     ValueError, ValueError, ("support", "Integer")),
    ("Beta_zero_concentration", "torch.distributions.Beta(0.0, 1.0, validate_args=True)", ValueError, ValueError,
     ("concentration1", "Beta")),
    ("MultivariateNormal_not_positive_definite", "torch.distributions.MultivariateNormal(torch.zeros(2), "
     "torch.tensor([[1.0, 2.0], [2.0, 1.0]]), validate_args=True)", ValueError, ValueError,
     ("covariance_matrix",)),
    ("MultivariateNormal_no_covariance", "torch.distributions.MultivariateNormal(torch.zeros(2))", ValueError,
     ValueError, ("MultivariateNormal", "exactly one of")),
    ("Dirichlet_negative_concentration", "torch.distributions.Dirichlet(torch.tensor([1.0, -1.0]), "
     "validate_args=True)", ValueError, ValueError, ("concentration", "(2,)")),
    ("kl_divergence_no_formula", "torch.distributions.kl_divergence(torch.distributions.Normal(0.0, 1.0), "
     "torch.distributions.Categorical(probs=torch.tensor([0.5, 0.5])))", NotImplementedError, NotImplementedError,
     ("kl_divergence", "Normal", "Categorical")),
]

FUNCTIONAL = [
    ("interpolate_size_and_scale", "F.interpolate(torch.ones(1, 1, 4, 4), size=(2, 2), scale_factor=2.0)",
     ValueError, ValueError, ("interpolate", "exactly one of size and scale_factor")),
    ("interpolate_neither", "F.interpolate(torch.ones(1, 1, 4, 4))", ValueError, ValueError, ("interpolate",)),
    ("interpolate_nearest_align_corners", "F.interpolate(torch.ones(1, 1, 4, 4), size=2, align_corners=True)",
     ValueError, ValueError, ("interpolate", "align_corners", "'nearest'")),
    ("interpolate_unknown_mode", "F.interpolate(torch.ones(1, 1, 4, 4), size=2, mode='bicubicc')",
     NotImplementedError, ValueError, ("interpolate", "'bicubicc'")),
    ("interpolate_bilinear_of_3d", "F.interpolate(torch.ones(1, 1, 4), size=2, mode='bilinear')",
     NotImplementedError, ValueError, ("interpolate", "4-D", "[1, 1, 4]")),
    ("interpolate_zero_scale", "F.interpolate(torch.ones(1, 1, 4, 4), scale_factor=0)", RuntimeError, ValueError,
     ("interpolate", "scale_factor", "got 0")),
    ("interpolate_size_0", "F.interpolate(torch.ones(1, 1, 4, 4), size=0)", RuntimeError, ValueError,
     ("interpolate", "greater than 0")),
    ("grid_sample_grid_last_dim_3", "F.grid_sample(torch.ones(1, 1, 4, 4), torch.zeros(1, 2, 2, 3))", RuntimeError,
     ValueError, ("grid_sample", "(N, H_out, W_out, 2)")),
    ("grid_sample_unknown_mode", "F.grid_sample(torch.ones(1, 1, 4, 4), torch.zeros(1, 2, 2, 2), mode='cubic')",
     ValueError, ValueError, ("grid_sample", "'cubic'")),
    ("grid_sample_float64_grid", "F.grid_sample(torch.ones(1, 1, 4, 4), torch.zeros(1, 2, 2, 2, "
     "dtype=torch.float64))", RuntimeError, TypeError, ("grid_sample", "float32 and float64", "grid.to")),
    ("affine_grid_theta_batch_differs", "F.affine_grid(torch.ones(2, 2, 3), (1, 1, 4, 4))", RuntimeError,
     ValueError, ("affine_grid", "(1, 2, 3)", "(2, 2, 3)")),
    ("pad_odd_length", "F.pad(torch.ones(1, 4), (1, 2, 3))", RuntimeError, ValueError,
     ("pad", "(1, 2, 3)", "odd length")),
    ("pad_reflect_wider_than_input", "F.pad(torch.ones(1, 1, 4), (5, 5), mode='reflect')", RuntimeError, ValueError,
     ("pad", "reflect", "(5, 5)", "size 4")),
    ("pad_unknown_mode", "F.pad(torch.ones(1, 1, 4), (1, 1), mode='mirror')", NotImplementedError, ValueError,
     ("pad", "'mirror'")),
    ("pad_replicate_with_value", "F.pad(torch.ones(1, 1, 4), (1, 1), mode='replicate', value=1.0)", RuntimeError,
     ValueError, ("pad", "'replicate'", "value=1.0", "'constant'")),
    ("pad_more_dims_than_input", "F.pad(torch.ones(1, 4), (1, 1, 1, 1, 1, 1))", RuntimeError, ValueError,
     ("pad", "3 dimensions", "[1, 4]")),
    ("pad_fractional", "F.pad(torch.ones(1, 4), (1.5, 1))", TypeError, TypeError, ("pad", "(1.5, 1)")),
    ("unfold_kernel_too_big", "F.unfold(torch.ones(1, 1, 4, 4), kernel_size=5)", RuntimeError, ValueError,
     ("unfold", "(5, 5)", "(4, 4)")),
    ("unfold_of_2d", "F.unfold(torch.ones(4, 4), kernel_size=2)", IndexError, ValueError,
     ("unfold", "[4, 4]", "unsqueeze")),
    ("fold_blocks_do_not_fit", "F.fold(torch.ones(1, 4, 5), output_size=(4, 4), kernel_size=2)", RuntimeError,
     ValueError, ("fold", "5 blocks")),
    ("fold_channels_not_multiple", "F.fold(torch.ones(1, 3, 9), output_size=(4, 4), kernel_size=2)", RuntimeError,
     ValueError, ("fold", "multiple of kH * kW = 4")),
    ("pixel_shuffle_channels_not_divisible", "F.pixel_shuffle(torch.ones(1, 3, 2, 2), 2)", RuntimeError, ValueError,
     ("pixel_shuffle", "channel dimension 3", "upscale_factor ** 2 = 4")),
    ("pixel_shuffle_of_2d", "F.pixel_shuffle(torch.ones(3, 2), 2)", RuntimeError, ValueError,
     ("pixel_shuffle", "(3, 2)", "at least 3 dimensions")),
    ("pixel_unshuffle_not_divisible", "F.pixel_unshuffle(torch.ones(1, 1, 3, 3), 2)", RuntimeError, ValueError,
     ("pixel_unshuffle", "height 3", "downscale_factor 2")),
    ("embedding_max_norm_of_int_weight", "F.embedding(torch.tensor([0, 1]), torch.ones(3, 2, dtype=torch.int64), "
     "max_norm=1.0)", RuntimeError, RuntimeError, ("embedding", "max_norm", "int64", "(3, 2)", "weight.float()")),
    ("embedding_padding_idx_past_the_table", "F.embedding(torch.tensor([0, 1]), torch.ones(3, 2), padding_idx=5)",
     AssertionError, ValueError, ("embedding", "padding_idx=5", "[-3, 3)", "(3, 2)")),
    ("one_hot_class_past_num_classes", "F.one_hot(torch.tensor([0, 3]), 3)", RuntimeError, ValueError,
     ("one_hot", "class index 3", "[0, 3)")),
    ("dropout_p_above_1", "F.dropout(torch.ones(3), p=1.5)", ValueError, ValueError, ("dropout", "[0, 1]", "1.5")),
    ("conv2d_same_with_stride", "F.conv2d(torch.ones(1, 3, 4, 4), torch.ones(2, 3, 2, 2), padding='same', "
     "stride=2)", RuntimeError, ValueError, ("conv2d", "padding='same'", "stride 1", "(2, 2)")),
    ("conv2d_unknown_padding_string", "F.conv2d(torch.ones(1, 3, 4, 4), torch.ones(2, 3, 2, 2), padding='full')",
     RuntimeError, ValueError, ("conv2d", "'full'", "'same', 'valid'")),
    ("lp_pool2d_norm_type_0", "F.lp_pool2d(torch.ones(1, 1, 4, 4), 0, 2)", ZeroDivisionError, ValueError,
     ("lp_pool2d", "norm_type", "got 0", "norm_type=2")),
    ("adaptive_max_pool2d_negative_size", "F.adaptive_max_pool2d(torch.ones(1, 1, 4, 4), -1)", RuntimeError,
     ValueError, ("adaptive_max_pool2d", "output_size", "-1", "(1, 1, 4, 4)")),
    ("adaptive_avg_pool1d_two_sizes", "F.adaptive_avg_pool1d(torch.ones(1, 1, 4), (2, 2))", RuntimeError,
     ValueError, ("adaptive_avg_pool1d", "(2, 2)")),
]

LINALG_FFT = [
    ("solve_rhs_too_long", "torch.linalg.solve(torch.eye(2), torch.ones(3))", RuntimeError, ValueError,
     ("solve",)),
    ("det_of_non_square", "torch.linalg.det(torch.ones(2, 3))", RuntimeError, ValueError, ("det", "square")),
    ("matrix_power_of_non_square", "torch.linalg.matrix_power(torch.ones(2, 3), 2)", RuntimeError, ValueError,
     ("matrix_power", "square")),
    ("eigh_of_non_square", "torch.linalg.eigh(torch.ones(2, 3))", RuntimeError, ValueError, ("eigh", "square")),
    ("fft_n_0", "torch.fft.fft(torch.ones(4), n=0)", RuntimeError, ValueError,
     ("fft.fft", "number of data points (0)")),
    ("fft_n_negative", "torch.fft.fft(torch.ones(4), n=-1)", RuntimeError, RuntimeError,
     ("fft.fft", "number of data points (-1)", "(4,)")),
    ("rfft_n_negative", "torch.fft.rfft(torch.ones(4), n=-1)", RuntimeError, RuntimeError, ("fft.rfft", "(-1)")),
    ("fft_norm_typo", "torch.fft.fft(torch.ones(4), norm='orthogonal')", RuntimeError, ValueError,
     ("fft.fft", "'ortho'", "'orthogonal'")),
    ("fft_dim_out_of_range", "torch.fft.fft(torch.ones(4), dim=1)", IndexError, IndexError, ("fft.fft", "dim 1")),
    ("rfft_of_complex", "torch.fft.rfft(torch.ones(4, dtype=torch.complex64))", RuntimeError, TypeError,
     ("rfft", "complex64")),
    ("fftfreq_negative_n", "torch.fft.fftfreq(-1)", RuntimeError, ValueError, ("fft.fftfreq", "n must be >= 0")),
]

CASES = INDEX_OPS + CLASS_TARGETS + DATA + DISTRIBUTIONS + FUNCTIONAL + LINALG_FFT

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
    ("DataLoader_batch_size_None_length", f"len(DataLoader({TD}, batch_size=None))"),
    ("RandomSampler_more_samples_than_data", "len(RandomSampler(range(4), num_samples=6))"),
    ("random_split_fractions", "[len(s) for s in random_split(range(10), [0.33, 0.33, 0.34])]"),
    ("default_collate_int_then_float", "default_collate([1, 2.5])"),
    ("default_collate_int_then_float_dtype", "str(default_collate([1, 2.5]).dtype).replace('torch.', '')"),
    ("default_collate_mixed_tensor_dtypes", "str(default_collate([torch.ones(2), torch.ones(2, "
                                            "dtype=torch.int64)]).dtype).replace('torch.', '')"),
    ("default_collate_bool_then_int", "str(default_collate([True, 1]).dtype).replace('torch.', '')"),
    ("Normal_sample_list_shape", "list(torch.distributions.Normal(0.0, 1.0).sample([2]).shape)"),
    ("adaptive_avg_pool2d_size_None", "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), (None, 2)).shape"),
    ("fftn_s_minus_1_keeps_the_size", "torch.fft.fftn(torch.ones(4), s=(-1,)).abs()"),
    ("fftfreq_0", "torch.fft.fftfreq(0)"),
    ("fftfreq_d_0", "torch.fft.fftfreq(4, d=0.0)"),
    ("rfftfreq_0", "torch.fft.rfftfreq(0)"),
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
