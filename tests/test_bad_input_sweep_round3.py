"""Round 3 of newcomer mistakes in PyTorch spelling (round 1: tests/test_bad_input_sweep.py, round 2:
tests/test_bad_input_sweep_round2.py), in the areas the first two rounds left out: torch.linalg (non-square,
singular, batch and dtype mismatches), torch.fft arguments, torch.func transforms, torch.distributions
parameters and supports, nn.utils.rnn packing, sparse tensors, attention and Transformer masks, losses with class
weights and smoothing, optimizers, schedulers and DataLoader options, tensor creation, in-place writes and
checkpoint files. Each must raise the exception type PyTorch raises (so `except RuntimeError` and friends in ported
code keep working), still an instance of the type deepgrad raised before, with a message that names the op and the
shapes or dtypes involved; where PyTorch accepts the call, we accept it and give PyTorch's result."""
import numpy as np
import pytest

import autograd as ag

from tests.bad_input_checks import check_mistake, check_oracle, pytorch_names, raised, value_of

LinAlgError = ag.linalg.LinAlgError
# PyTorch's Transformer warns that batch_first=False rules out its nested-tensor fast path
pytestmark = [pytest.mark.filterwarnings("ignore:enable_nested_tensor"),
              pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")]

QKV = "torch.randn(2, 4, 8), torch.randn(2, 5, 8), torch.randn(2, 5, 8)"
TF = "nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1, dim_feedforward=16)"
CE = "torch.randn(5, 3), torch.tensor([0, 1, 2, 1, 0])"
RNN = "nn.utils.rnn"
INT = "torch.ones(3, dtype=torch.int64)"
D = "torch.distributions"
P = "nn.Linear(3, 2).parameters()"
SGD = f"optim.SGD({P}, lr=0.1)"
DS = "TensorDataset(torch.randn(4, 2))"
SP = "torch.eye(3).to_sparse()"

# id, code (PyTorch spelling; {tmp} is a fresh directory), PyTorch's exception type, the type deepgrad raised
# before (kept, so that existing `except` clauses still catch it), substrings the message must hold
LINALG = [
    ("inv_singular", "torch.linalg.inv(torch.zeros(2, 2))", LinAlgError, LinAlgError,
     ("linalg.inv", "singular", "linalg.pinv")),
    ("cholesky_not_positive_definite", "torch.linalg.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))", LinAlgError,
     LinAlgError, ("linalg.cholesky", "positive-definite", "cholesky_ex")),
    ("solve_singular", "torch.linalg.solve(torch.zeros(2, 2), torch.ones(2))", LinAlgError, LinAlgError,
     ("linalg.solve", "singular", "lstsq")),
    ("matrix_power_negative_of_singular", "torch.linalg.matrix_power(torch.zeros(2, 2), -1)", LinAlgError,
     LinAlgError, ("linalg.inv", "singular")),
    ("inv_non_square", "torch.linalg.inv(torch.randn(2, 3))", RuntimeError, ValueError,
     ("linalg.inv", "square", "(2, 3)")),
    ("solve_batch_mismatch", "torch.linalg.solve(torch.randn(2, 3, 3), torch.randn(4, 3, 1))", RuntimeError,
     ValueError, ("linalg.solve", "(2, 3, 3)", "(4, 3, 1)", "must match or be 1")),
    ("solve_complex_and_real", "torch.linalg.solve(torch.eye(2, dtype=torch.complex64), torch.ones(2))",
     RuntimeError, TypeError, ("linalg.solve", "complex64", "float32", ".to(")),
    ("solve_float64_and_float32", "torch.linalg.solve(torch.eye(2, dtype=torch.float64), torch.ones(2))",
     RuntimeError, TypeError, ("linalg.solve", "float64", "float32")),
    ("solve_rows_mismatch", "torch.linalg.solve(torch.randn(3, 3), torch.randn(4))", RuntimeError, ValueError,
     ("linalg.solve", "3x3", "(4,)", "3 rows")),
    ("det_of_a_vector", "torch.linalg.det(torch.randn(3))", RuntimeError, ValueError,
     ("linalg.det", "at least 2 dimensions", "(3,)", "unsqueeze")),
    ("inv_int", "torch.linalg.inv(torch.eye(2, dtype=torch.int64))", RuntimeError, TypeError,
     ("linalg.inv", "int64", ".double()")),
    ("eig_int", "torch.linalg.eig(torch.eye(2, dtype=torch.int64))", RuntimeError, TypeError,
     ("linalg.eig", "int64")),
    ("eigh_uplo", "torch.linalg.eigh(torch.eye(2), UPLO='X')", RuntimeError, ValueError,
     ("linalg.eigh", "UPLO", "'L' or 'U'", "'X'")),
    ("norm_fro_of_a_vector", "torch.linalg.norm(torch.randn(3), ord='fro')", RuntimeError, ValueError,
     ("linalg.norm", "'fro'", "(3,)", "ord=2")),
    ("matrix_norm_of_a_vector", "torch.linalg.matrix_norm(torch.randn(3))", RuntimeError, ValueError,
     ("linalg.matrix_norm", "(3,)", "vector_norm")),
    ("matrix_norm_order", "torch.linalg.matrix_norm(torch.randn(2, 2), ord=3)", RuntimeError, ValueError,
     ("linalg.matrix_norm", "Order 3", "'nuc'")),
    ("matrix_norm_same_dims", "torch.linalg.matrix_norm(torch.randn(2, 2), dim=(0, 0))", RuntimeError, ValueError,
     ("linalg.matrix_norm", "(0, 0)", "different")),
    ("norm_3d_with_ord", "torch.linalg.norm(torch.randn(2, 2, 2), ord=2)", RuntimeError, ValueError,
     ("linalg.norm", "(2, 2, 2)", "pass dim")),
    ("vector_norm_int", "torch.linalg.vector_norm(torch.tensor([1, 2]))", RuntimeError, TypeError,
     ("linalg.vector_norm", "int64", ".float()")),
    ("vector_norm_inf_of_empty", "torch.linalg.vector_norm(torch.randn(0), ord=float('inf'))", RuntimeError,
     ValueError, ("linalg.vector_norm", "inf", "(0,)", "empty")),
    ("cond_order", "torch.linalg.cond(torch.randn(2, 2), p=3)", RuntimeError, ValueError, ("linalg.cond", "3")),
    ("svd_of_a_vector", "torch.linalg.svd(torch.randn(3))", RuntimeError, ValueError, ("linalg.svd", "(3,)")),
    ("pinv_of_a_vector", "torch.linalg.pinv(torch.randn(3))", RuntimeError, ValueError, ("linalg.pinv", "(3,)")),
    ("lstsq_rows", "torch.linalg.lstsq(torch.randn(3, 2), torch.randn(4, 1))", RuntimeError, ValueError,
     ("linalg.lstsq", "3 rows", "(3, 2)", "(4, 1)")),
    ("matrix_power_non_square", "torch.linalg.matrix_power(torch.randn(2, 3), 2)", RuntimeError, ValueError,
     ("linalg.matrix_power", "square", "(2, 3)")),
    ("multi_dot_one_matrix", "torch.linalg.multi_dot([torch.randn(2, 2)])", RuntimeError, ValueError,
     ("linalg.multi_dot", "at least 2 tensors", "got 1")),
    ("multi_dot_shapes", "torch.linalg.multi_dot([torch.randn(2, 3), torch.randn(2, 3)])", RuntimeError,
     ValueError, ("linalg.multi_dot", "(2, 3)", "cannot be multiplied")),
    ("multi_dot_3d", "torch.linalg.multi_dot([torch.randn(2, 2, 2), torch.randn(2, 2)])", RuntimeError, ValueError,
     ("linalg.multi_dot", "1D or 2D", "(2, 2, 2)")),
    ("cross_ranks", "torch.linalg.cross(torch.randn(2, 3), torch.randn(3))", RuntimeError, ValueError,
     ("linalg.cross", "(2, 3)", "(3,)")),
    ("tensorinv_ind_0", "torch.linalg.tensorinv(torch.randn(4, 4), ind=0)", RuntimeError, ValueError,
     ("linalg.tensorinv", "'ind'", "0")),
    ("tensorsolve_shapes", "torch.linalg.tensorsolve(torch.randn(4, 4), torch.randn(3))", RuntimeError, ValueError,
     ("linalg.tensorsolve", "(3,)", "(4, 4)")),
    ("qr_mode", "torch.linalg.qr(torch.randn(2, 2), mode='full')", RuntimeError, ValueError,
     ("linalg.qr", "'full'", "'complete'")),
    ("lu_factor_of_a_vector", "torch.linalg.lu_factor(torch.randn(3))", RuntimeError, ValueError,
     ("linalg.lu_factor", "(3,)")),
    ("slogdet_int", "torch.linalg.slogdet(torch.eye(2, dtype=torch.int64))", RuntimeError, TypeError,
     ("linalg.slogdet", "int64")),
    ("matrix_rank_of_a_vector", "torch.linalg.matrix_rank(torch.randn(3))", RuntimeError, ValueError,
     ("linalg.matrix_rank", "(3,)")),
]

FFT = [
    ("fft_norm_name", "torch.fft.fft(torch.randn(8), norm='orthogonal')", RuntimeError, ValueError,
     ("fft.fft", "'orthogonal'", "'ortho'")),
    ("fft_n_zero", "torch.fft.fft(torch.randn(8), n=0)", RuntimeError, ValueError,
     ("fft.fft", "(0)", "(8,)", "at least 1")),
    ("irfft_n_negative", "torch.fft.irfft(torch.randn(8, dtype=torch.complex64), n=-2)", RuntimeError, ValueError,
     ("fft.irfft", "(-2)")),
    ("irfft_of_one_point", "torch.fft.irfft(torch.randn(1, dtype=torch.complex64))", RuntimeError, ValueError,
     ("fft.irfft", "(0)", "size 1", "pass n")),
    ("rfft_of_complex", "torch.fft.rfft(torch.randn(8, dtype=torch.complex64))", RuntimeError, TypeError,
     ("fft.rfft", "complex64", "fft.fft")),
    ("fftn_s_and_dim_lengths", "torch.fft.fftn(torch.randn(4, 4), s=(4, 4), dim=(0,))", RuntimeError, ValueError,
     ("fft.fftn", "2 sizes", "1 dims")),
    ("fftn_s_longer_than_rank", "torch.fft.fftn(torch.randn(4), s=(4, 4))", RuntimeError, ValueError,
     ("fft.fftn", "2 sizes", "1 dims")),
    ("fftn_repeated_dim", "torch.fft.fftn(torch.randn(4, 4), dim=(0, 0))", RuntimeError, ValueError,
     ("fft.fftn", "unique", "(0, 0)")),
    ("fft_of_0d", "torch.fft.fft(torch.tensor(1.0))", IndexError, ValueError, ("fft.fft", "0-d")),
]

ATTENTION = [
    ("sdpa_int_mask", f"F.scaled_dot_product_attention({QKV}, attn_mask=torch.ones(4, 5, dtype=torch.int64))",
     RuntimeError, TypeError, ("scaled_dot_product_attention", "attn_mask", "int64", "bool")),
    ("sdpa_mask_and_is_causal", "q = torch.randn(2, 4, 8)\nF.scaled_dot_product_attention(q, q, q, "
     "attn_mask=torch.ones(4, 4, dtype=torch.bool), is_causal=True)", RuntimeError, ValueError,
     ("scaled_dot_product_attention", "is_causal=True", "(4, 4)")),
    ("sdpa_mixed_dtypes",
     "F.scaled_dot_product_attention(torch.randn(2, 4, 8), torch.randn(2, 5, 8, dtype=torch.float64), "
     "torch.randn(2, 5, 8))", RuntimeError, TypeError, ("scaled_dot_product_attention", "float64", ".to(dtype)")),
    ("sdpa_vectors", "F.scaled_dot_product_attention(torch.randn(8), torch.randn(8), torch.randn(8))",
     RuntimeError, ValueError, ("scaled_dot_product_attention", "at least 2 dimensions", "(8,)", "unsqueeze")),
    ("sdpa_dropout_above_1", f"F.scaled_dot_product_attention({QKV}, dropout_p=1.5)", RuntimeError, ValueError,
     ("scaled_dot_product_attention", "dropout_p", "1.5")),
    ("sdpa_mask_shape", f"F.scaled_dot_product_attention({QKV}, attn_mask=torch.ones(4, 4, dtype=torch.bool))",
     RuntimeError, ValueError, ("scaled_dot_product_attention", "attn_mask Size([4, 4])", "(..., L, S)")),
    ("transformer_src_tgt_batch", f"{TF}(torch.randn(5, 2, 8), torch.randn(3, 3, 8))", RuntimeError, ValueError,
     ("Transformer", "(5, 2, 8)", "(3, 3, 8)", "batch size")),
    ("transformer_features_not_d_model", f"{TF}(torch.randn(5, 2, 6), torch.randn(3, 2, 6))", RuntimeError,
     ValueError, ("Transformer", "(5, 2, 6)", "d_model=8")),
    ("transformer_src_mask_shape", f"{TF}(torch.randn(5, 2, 8), torch.randn(3, 2, 8), src_mask=torch.zeros(4, 4))",
     RuntimeError, ValueError, ("attn_mask", "(5, 5)", "(4, 4)")),
    ("encoder_key_padding_transposed", "l = nn.TransformerEncoderLayer(8, 2, 16)\nnn.TransformerEncoder(l, 1, "
     "enable_nested_tensor=False)(torch.randn(5, 2, 8), src_key_padding_mask=torch.zeros(5, 2, dtype=torch.bool))",
     AssertionError, ValueError, ("key_padding_mask", "(2, 5)", "(5, 2)")),
    ("square_subsequent_mask_negative", "nn.Transformer.generate_square_subsequent_mask(-1)", RuntimeError,
     ValueError, ("generate_square_subsequent_mask", "-1")),
]

LOSSES_AND_EMBEDDINGS = [
    ("cross_entropy_int_class_weight", f"nn.CrossEntropyLoss(weight=torch.ones(3, dtype=torch.int64))({CE})",
     RuntimeError, TypeError, ("cross_entropy", "int64", "float32", "weight.to(")),
    ("nll_loss_float64_class_weight", f"F.nll_loss({CE}, weight=torch.ones(3, dtype=torch.float64))",
     RuntimeError, TypeError, ("nll_loss", "float64", "float32")),
    ("cross_entropy_weight_length", f"nn.CrossEntropyLoss(weight=torch.ones(4))({CE})", RuntimeError, ValueError,
     ("cross_entropy", "(3,)", "[4]", "4 values for 3 classes")),
    ("cross_entropy_ignore_index_with_probabilities",
     "F.cross_entropy(torch.randn(5, 3), torch.rand(5, 3), ignore_index=1)", RuntimeError, ValueError,
     ("cross_entropy", "ignore_index=1", "(5, 3)")),
    ("embedding_from_pretrained_vector", "nn.Embedding.from_pretrained(torch.randn(10))", AssertionError,
     ValueError, ("Embedding.from_pretrained", "2-D", "(10,)")),
    ("embedding_bool_indices", "nn.Embedding(10, 3)(torch.tensor([True, False]))", RuntimeError, TypeError,
     ("embedding", "bool", "int64")),
    ("embedding_padding_idx_below_range", "nn.Embedding(10, 3, padding_idx=-11)", AssertionError, ValueError,
     ("Embedding", "padding_idx=-11", "[-10, 10)")),
]

RNN_UTILS = [
    ("pack_unsorted_lengths", f"{RNN}.pack_padded_sequence(torch.randn(5, 3, 2), torch.tensor([2, 5, 3]))",
     RuntimeError, ValueError, ("pack_padded_sequence", "[2, 5, 3]", "enforce_sorted=False")),
    ("pack_sequence_unsorted", f"{RNN}.pack_sequence([torch.randn(2), torch.randn(3)])", RuntimeError, ValueError,
     ("pack_padded_sequence", "[2, 3]", "enforce_sorted=False")),
    ("pack_zero_length", f"{RNN}.pack_padded_sequence(torch.randn(5, 3, 2), torch.tensor([5, 3, 0]))", RuntimeError,
     ValueError, ("pack_padded_sequence", "[1, 5]", "[5, 3, 0]")),
    ("pack_lengths_count", f"{RNN}.pack_padded_sequence(torch.randn(5, 3, 2), torch.tensor([5, 3]))", RuntimeError,
     ValueError, ("pack_padded_sequence", "one length per sequence (3)", "(2,)")),
    ("pack_lengths_2d", f"{RNN}.pack_padded_sequence(torch.randn(5, 3, 2), torch.tensor([[5, 3, 2]]))",
     RuntimeError, ValueError, ("pack_padded_sequence", "(1, 3)")),
    ("pad_sequence_trailing_dims", f"{RNN}.pad_sequence([torch.randn(2, 3), torch.randn(4, 2)])", RuntimeError,
     ValueError, ("pad_sequence", "(3,)", "[4, 2]")),
    ("pad_sequence_empty", f"{RNN}.pad_sequence([])", RuntimeError, ValueError, ("pad_sequence", "no sequences")),
    ("pad_sequence_side", f"{RNN}.pad_sequence([torch.randn(2), torch.randn(3)], padding_side='middle')",
     RuntimeError, ValueError, ("pad_sequence", "'middle'", "'left'")),
    ("pad_packed_total_length_short", f"p = {RNN}.pack_padded_sequence(torch.randn(5, 3, 2), "
     f"torch.tensor([5, 3, 2]))\n{RNN}.pad_packed_sequence(p, total_length=3)", ValueError, ValueError,
     ("pad_packed_sequence", "total_length (3)", "(5)")),
    ("lstm_on_packed_wrong_features", f"p = {RNN}.pack_padded_sequence(torch.randn(5, 3, 2), "
     "torch.tensor([5, 3, 2]))\nnn.LSTM(4, 3)(p)", RuntimeError, ValueError, ("LSTM(4, 3)", "(N, 4)", "[10, 2]")),
]

FUNC = [
    ("vmap_mapped_sizes_differ", "torch.func.vmap(lambda a, b: a + b)(torch.randn(3, 2), torch.randn(4, 2))",
     ValueError, ValueError, ("vmap", "[3, 4]")),
    ("vmap_in_dims_too_short", "torch.func.vmap(lambda a, b: a + b, in_dims=(0,))(torch.randn(3, 2), "
     "torch.randn(3, 2))", ValueError, ValueError, ("vmap", "in_dims=(0,)", "one in_dim", "per positional")),
    ("vmap_in_dim_out_of_range", "torch.func.vmap(lambda a: a * 2, in_dims=2)(torch.randn(3, 2))", ValueError,
     ValueError, ("vmap", "in_dim=2", "(3, 2)", "-2 <= in_dim < 2")),
    ("vmap_returns_a_number", "torch.func.vmap(lambda a: 3)(torch.randn(3, 2))", ValueError, ValueError,
     ("vmap", "int", "ag.tensor")),
    ("vmap_out_dim_out_of_range", "torch.func.vmap(lambda a: a * 2, out_dims=3)(torch.randn(3, 2))", IndexError,
     ValueError, ("vmap", "out_dim 3", "(2,)", "-2 <= out_dim < 2")),
    ("vmap_of_a_0d_tensor", "torch.func.vmap(lambda a: a * 2)(torch.tensor(1.0))", ValueError, ValueError,
     ("vmap", "in_dim=0", "shape ()")),
    ("grad_of_non_scalar", "torch.func.grad(lambda x: x * 2)(torch.randn(3))", RuntimeError, RuntimeError,
     ("grad", "scalar", "(3,)", ".sum()", "jacrev")),
    ("grad_returns_a_float", "torch.func.grad(lambda x: 3.0)(torch.randn(3))", RuntimeError, RuntimeError,
     ("grad", "scalar Tensor", "float")),
    ("grad_argnums_out_of_range", "torch.func.grad(lambda x: x.sum(), argnums=1)(torch.randn(3))", RuntimeError,
     RuntimeError, ("grad", "argnums=1", "1 positional")),
    ("grad_of_int_input", f"torch.func.grad(lambda x: x.sum())({INT})", RuntimeError, TypeError,
     ("grad", "int64", "(3,)", ".double()")),
    ("vjp_of_int_input", f"torch.func.vjp(lambda x: x * 2, {INT})", RuntimeError, TypeError, ("vjp", "int64")),
    ("jacrev_of_int_input", f"torch.func.jacrev(lambda x: x * 2)({INT})", RuntimeError, TypeError,
     ("jacrev", "int64")),
    ("jacfwd_of_int_input", f"torch.func.jacfwd(lambda x: x * 2)({INT})", ValueError, TypeError,
     ("jacfwd", "int64")),
    ("jvp_of_int_input", f"torch.func.jvp(lambda x: x * 2, ({INT},), ({INT},))", ValueError, TypeError,
     ("jvp", "int64")),
    ("hessian_of_int_input", f"torch.func.hessian(lambda x: x.sum())({INT})", ValueError, TypeError,
     ("jacfwd", "int64")),
    ("grad_has_aux_without_a_tuple", "torch.func.grad(lambda x: x.sum(), has_aux=True)(torch.randn(3))",
     RuntimeError, RuntimeError, ("grad", "has_aux=True", "(output, aux)")),
    ("jacrev_returns_a_list_of_floats", "torch.func.jacrev(lambda x: [1.0])(torch.randn(3))", RuntimeError,
     RuntimeError, ("jacrev", "float", "Tensors only")),
    ("jacrev_empty_argnums", "torch.func.jacrev(lambda x: x, argnums=())(torch.randn(3))", RuntimeError,
     RuntimeError, ("jacrev", "argnums", "empty")),
    ("vjp_cotangent_shape", "o, f = torch.func.vjp(lambda x: x * 2, torch.randn(3))\nf(torch.ones(4))",
     RuntimeError, RuntimeError, ("vjp", "(3,)", "(4,)")),
    ("jvp_tangent_shape", "torch.func.jvp(lambda x: x * 2, (torch.randn(3),), (torch.ones(4),))", RuntimeError,
     RuntimeError, ("jvp", "(4,)", "(3,)")),
    ("jvp_primals_not_a_tuple", "torch.func.jvp(lambda x: x * 2, torch.randn(3), torch.ones(3))", RuntimeError,
     RuntimeError, ("jvp", "tuple", "(x,)")),
    ("functional_call_strict_keys", "torch.func.functional_call(nn.Linear(3, 2), {'weight': torch.ones(2, 3), "
     "'bogus': torch.ones(1)}, (torch.ones(1, 3),), strict=True)", RuntimeError, RuntimeError,
     ("functional_call", "missing: bias", "unexpected: bogus")),
]

DISTRIBUTIONS = [
    ("normal_negative_scale", f"{D}.Normal(0.0, -1.0, validate_args=True)", ValueError, ValueError,
     ("scale", "GreaterThan(lower_bound=0.0)", "-1.0", "validate_args=False")),
    ("bernoulli_probability_above_1", f"{D}.Bernoulli(probs=torch.tensor(1.5))", ValueError, ValueError,
     ("probs", "Bernoulli", "1.5")),
    ("bernoulli_probs_and_logits", f"{D}.Bernoulli(probs=torch.tensor(0.5), logits=torch.tensor(0.0))",
     ValueError, ValueError, ("Bernoulli", "probs or logits")),
    ("categorical_negative_probability", f"{D}.Categorical(probs=torch.tensor([0.5, -0.1, 0.6]))", ValueError,
     ValueError, ("probs", "Simplex()", "-0.1000")),
    ("categorical_log_prob_outside_support", f"{D}.Categorical(probs=torch.tensor([0.5, 0.5])).log_prob("
     "torch.tensor(2))", ValueError, ValueError, ("value argument", "IntegerInterval(lower_bound=0, upper_bound=1)")),
    ("exponential_log_prob_negative", f"{D}.Exponential(torch.tensor(1.0)).log_prob(torch.tensor(-1.0))",
     ValueError, ValueError, ("support", "GreaterThanEq(lower_bound=0.0)", "-1.0")),
    ("uniform_low_above_high", f"{D}.Uniform(torch.tensor(2.0), torch.tensor(1.0))", ValueError, ValueError,
     ("low", "Uniform", "LessThan")),
    ("poisson_log_prob_fraction", f"{D}.Poisson(torch.tensor(2.0)).log_prob(torch.tensor(1.5))", ValueError,
     ValueError, ("support", "IntegerGreaterThan", "1.5")),
    ("mvn_covariance_not_positive_definite", f"{D}.MultivariateNormal(torch.zeros(2), "
     "torch.tensor([[1.0, 2.0], [2.0, 1.0]]))", ValueError, ValueError, ("covariance_matrix", "PositiveDefinite()")),
    ("mvn_scalar_loc", f"{D}.MultivariateNormal(torch.tensor(0.0), torch.eye(1))", ValueError, ValueError,
     ("MultivariateNormal", "one-dimensional", "Normal")),
    ("mvn_two_matrices", f"{D}.MultivariateNormal(torch.zeros(2), torch.eye(2), precision_matrix=torch.eye(2))",
     ValueError, ValueError, ("MultivariateNormal", "exactly one", "got 2")),
    ("normal_shapes_do_not_broadcast", f"{D}.Normal(torch.zeros(3), torch.ones(4))", RuntimeError, ValueError,
     ("(3,)", "(4,)", "broadcast")),
    ("normal_log_prob_shape", f"{D}.Normal(torch.zeros(3), torch.ones(3)).log_prob(torch.zeros(4))", ValueError,
     ValueError, ("Normal.log_prob", "(4,)", "(3,)")),
    ("normal_fractional_sample_shape", f"{D}.Normal(0.0, 1.0).sample((2.5,))", TypeError, TypeError,
     ("(2.5,)", "int(n)")),
    ("kl_of_unregistered_pair", f"{D}.kl_divergence({D}.Normal(0.0, 1.0), "
     f"{D}.Categorical(probs=torch.tensor([0.5, 0.5])))", NotImplementedError, NotImplementedError,
     ("kl_divergence", "Normal || Categorical")),
]

OPTIM_AND_DATA = [
    ("adam_beta2_of_1", f"optim.Adam({P}, betas=(0.9, 1.0))", ValueError, ValueError, ("Adam", "(0.9, 1.0)", "[0, 1)")),
    ("adam_negative_beta1", f"optim.Adam({P}, betas=(-0.1, 0.999))", ValueError, ValueError, ("Adam", "-0.1")),
    ("adamw_negative_weight_decay", f"optim.AdamW({P}, weight_decay=-0.1)", ValueError, ValueError,
     ("AdamW", "weight_decay", "-0.1")),
    ("rmsprop_negative_alpha", f"optim.RMSprop({P}, alpha=-0.1)", ValueError, ValueError, ("RMSprop", "alpha")),
    ("adagrad_negative_lr_decay", f"optim.Adagrad({P}, lr_decay=-0.1)", ValueError, ValueError,
     ("Adagrad", "lr_decay", "-0.1")),
    ("lr_as_a_string", f"optim.SGD({P}, lr='0.1')", TypeError, TypeError, ("SGD", "lr", "str", "'0.1'")),
    ("load_state_dict_group_sizes", "a = optim.SGD(nn.Linear(3, 2).parameters(), lr=0.1)\n"
     "optim.SGD(nn.Linear(3, 2, bias=False).parameters(), lr=0.1).load_state_dict(a.state_dict())", ValueError,
     ValueError, ("SGD.load_state_dict", "2 parameters", "1 in this optimiser")),
    ("load_state_dict_group_count", "m = nn.Linear(3, 2)\na = optim.SGD([{'params': [m.weight]}, {'params': "
     "[m.bias]}], lr=0.1)\noptim.SGD(m.parameters(), lr=0.1).load_state_dict(a.state_dict())", ValueError,
     ValueError, ("SGD.load_state_dict", "2 param groups", "has 1")),
    ("lbfgs_param_groups", "m = nn.Linear(3, 2)\noptim.LBFGS([{'params': [m.weight]}, {'params': [m.bias]}])",
     ValueError, ValueError, ("LBFGS", "parameter groups")),
    ("lbfgs_step_without_closure", f"optim.LBFGS({P}).step()", TypeError, TypeError, ("LBFGS.step", "closure")),
    ("scheduler_before_optimizer", "optim.lr_scheduler.StepLR(None, 1)", TypeError, TypeError,
     ("StepLR", "Optimizer", "NoneType")),
    ("onecycle_without_total_steps", f"optim.lr_scheduler.OneCycleLR({SGD}, max_lr=0.1)", ValueError, ValueError,
     ("OneCycleLR", "total_steps", "steps_per_epoch")),
    ("onecycle_stepped_past_the_end", f"s = optim.lr_scheduler.OneCycleLR({SGD}, max_lr=0.1, total_steps=2)\n"
     "for _ in range(3):\n    s.step()", ValueError, ValueError, ("Tried to step 3 times", "total steps is 2")),
    ("warm_restarts_t0_zero", f"optim.lr_scheduler.CosineAnnealingWarmRestarts({SGD}, T_0=0)", ValueError,
     ValueError, ("CosineAnnealingWarmRestarts", "T_0", "0")),
    ("lambda_lr_one_lambda_per_group", f"optim.lr_scheduler.LambdaLR({SGD}, [lambda e: 1.0, lambda e: 0.5])",
     ValueError, ValueError, ("LambdaLR", "2 lr_lambda", "1 param groups")),
    ("plateau_mode", f"optim.lr_scheduler.ReduceLROnPlateau({SGD}, mode='minimum')", ValueError, ValueError,
     ("ReduceLROnPlateau", "'min' or 'max'", "'minimum'")),
    ("plateau_factor_1", f"optim.lr_scheduler.ReduceLROnPlateau({SGD}, factor=1.0)", ValueError, ValueError,
     ("ReduceLROnPlateau", "factor", "1.0")),
    ("plateau_step_without_metric", f"optim.lr_scheduler.ReduceLROnPlateau({SGD}).step()", TypeError, TypeError,
     ("ReduceLROnPlateau.step()", "'metrics'")),
    ("sequential_lr_milestones", f"o = {SGD}\noptim.lr_scheduler.SequentialLR(o, [optim.lr_scheduler.StepLR(o, 1), "
     "optim.lr_scheduler.StepLR(o, 1)], milestones=[1, 2])", ValueError, ValueError,
     ("SequentialLR", "2 schedulers", "2 milestones")),
    ("linear_lr_start_factor_zero", f"optim.lr_scheduler.LinearLR({SGD}, start_factor=0)", ValueError, ValueError,
     ("LinearLR", "start_factor", "(0, 1]")),
    ("loader_batch_size_none_with_drop_last", f"DataLoader({DS}, batch_size=None, drop_last=True)", ValueError,
     ValueError, ("DataLoader", "batch_size=None", "drop_last")),
    ("loader_collate_ragged_vectors", "list(DataLoader([torch.randn(2), torch.randn(3)], batch_size=2))",
     RuntimeError, ValueError, ("DataLoader", "(2,)", "(3,)", "collate_fn")),
    ("loader_of_an_iterator", "len(DataLoader(iter([1, 2, 3])))", TypeError, TypeError,
     ("DataLoader", "__len__", "list_iterator")),
]

TENSORS_AND_FILES = [
    ("to_unknown_device_string", "torch.ones(2).to('gpu')", RuntimeError, TypeError,
     ("to", "'gpu'", "'cuda:0'")),
    ("module_to_unknown_device", "nn.Linear(2, 2).to('gpu')", RuntimeError, TypeError, ("'gpu'", "device")),
    ("module_to_int_dtype", "nn.Linear(2, 2).to(torch.int64)", TypeError, TypeError,
     ("Module.to", "floating point", "int64")),
    ("device_unknown_type", "torch.device('tpu')", RuntimeError, RuntimeError, ("'tpu'", "cpu, cuda")),
    ("device_negative_index", "torch.device('cuda', -1)", RuntimeError, RuntimeError, ("'cuda:-1'", "non-negative")),
    ("tensor_of_ragged_lists", "torch.tensor([[[1, 2]], [[3, 4], [5, 6]]])", ValueError, ValueError,
     ("tensor", "different lengths", "dim 1", "pad_sequence")),
    ("tensor_with_none", "torch.tensor([1.0, None])", RuntimeError, TypeError,
     ("tensor", "object data", "np.asarray")),
    ("tensor_of_a_dict", "torch.tensor({'a': 1})", RuntimeError, TypeError, ("tensor", "object data")),
    ("tensor_int8_overflow", "torch.tensor([300], dtype=torch.int8)", RuntimeError, OverflowError,
     ("tensor", "300", "int8", "-128..127", "int64")),
    ("full_int8_overflow", "torch.full((2,), 300, dtype=torch.int8)", RuntimeError, OverflowError,
     ("full", "300", "int8")),
    ("view_of_transposed_3d", "torch.randn(2, 3, 4).transpose(0, 1).view(-1)", RuntimeError, RuntimeError,
     ("view", "[3, 2, 4]", "strides", ".reshape(")),
    ("view_of_expanded", "torch.randn(3, 1).expand(3, 4).view(12)", RuntimeError, RuntimeError,
     ("view", "[3, 4]", "(12,)", ".contiguous()")),
    ("view_as_wider_dtype", "torch.randn(3).view(torch.float64)", RuntimeError, RuntimeError,
     ("view", "divisible by 2", "got 3")),
    ("inplace_on_expanded", "torch.zeros(3, 1).expand(3, 4).add_(1)", RuntimeError, RuntimeError,
     ("in-place", "(3, 4)", "expand()", "clone()")),
    ("inplace_relu_on_leaf", "w = torch.ones(3, requires_grad=True)\nF.relu(w, inplace=True)", RuntimeError,
     RuntimeError, ("relu_", "leaf", "no_grad")),
    ("inplace_on_view_of_leaf", "w = torch.ones(3, requires_grad=True)\nw[0:2].add_(1)", RuntimeError,
     RuntimeError, ("add_", "view of a leaf", "(2,)", "(3,)")),
    ("inplace_broadcast_grows_the_tensor", "torch.ones(3).add_(torch.ones(2, 3))", RuntimeError, ValueError,
     ("add_", "[2, 3]", "[3]", "out-of-place")),
    ("inplace_float_into_int", "torch.ones(3, dtype=torch.int64).add_(0.5)", RuntimeError, TypeError,
     ("add_", "float32", "int64", ".float()")),
    ("setitem_value_shape", "x = torch.ones(3, 2)\nx[0] = torch.ones(3)", RuntimeError, ValueError,
     ("setitem", "(3,)", "(2,)", "(3, 2)", "broadcast")),
    ("setitem_mask_value_shape", "x = torch.ones(3, 2)\nx[x > 0] = torch.ones(4)", RuntimeError, ValueError,
     ("setitem", "(4,)", "(6,)")),
    ("backward_of_a_no_grad_result", "w = torch.ones(3, requires_grad=True)\nwith torch.no_grad():\n"
     "    y = (w * 2).sum()\ny.backward()", RuntimeError, RuntimeError,
     ("backward", "does not require grad", "requires_grad=True")),
    ("backward_from_inference_mode", "w = torch.ones(3, requires_grad=True)\nwith torch.inference_mode():\n"
     "    y = w * 2\ny.sum().backward()", RuntimeError, RuntimeError, ("backward", "does not require grad")),
    ("inference_tensor_changed_outside", "with torch.inference_mode():\n    y = torch.ones(3)\ny.add_(1)",
     RuntimeError, RuntimeError, ("inference tensor", "clone()")),
    ("retain_grad_without_grad", "torch.ones(3).retain_grad()", RuntimeError, RuntimeError,
     ("retain_grad", "(3,)", "requires_grad=True")),
    ("grad_of_other_shape_assigned", "w = torch.ones(3, requires_grad=True)\nw.grad = torch.ones(4)",
     RuntimeError, ValueError, ("gradient", "(4,)", "(3,)")),
    ("grad_of_other_dtype_assigned", "w = torch.ones(3, requires_grad=True)\n"
     "w.grad = torch.ones(3, dtype=torch.float64)", RuntimeError, TypeError, ("float64", "float32", ".to(")),
    ("autocast_unknown_device_type", "with torch.autocast('gpu'):\n    pass", RuntimeError, RuntimeError,
     ("autocast", "'gpu'", "'cuda' and 'cpu'")),
    ("save_into_a_missing_folder", "torch.save({'a': torch.ones(2)}, '{tmp}/nodir/x.pt')", RuntimeError,
     FileNotFoundError, ("save", "nodir", "does not exist", "os.makedirs")),
    ("load_a_missing_file", "torch.load('{tmp}/missing.pt')", FileNotFoundError, FileNotFoundError,
     ("missing.pt",)),
    ("load_state_dict_given_a_path", "nn.Linear(2, 2).load_state_dict('{tmp}/x.pt')", TypeError, TypeError,
     ("load_state_dict", "str", "nn.load(path)")),
    ("load_state_dict_of_another_model", "nn.Linear(3, 2).load_state_dict(nn.Sequential(nn.Linear(3, 2))"
     ".state_dict())", RuntimeError, KeyError, ('Missing key(s) in state_dict: "weight", "bias"',
                                                 'Unexpected key(s) in state_dict: "0.weight", "0.bias"',
                                                 "strict=False")),
]

SPARSE = [
    ("sparse_coo_values_count", "torch.sparse_coo_tensor(torch.tensor([[0, 1]]), torch.tensor([1.0, 2.0, 3.0]), (3,))",
     RuntimeError, ValueError, ("sparse_coo_tensor", "nnz from indices: 2", "nnz from values: 3")),
    ("sparse_coo_indices_1d", "torch.sparse_coo_tensor(torch.tensor([0, 1]), torch.tensor([1.0, 2.0]), (3,))",
     RuntimeError, TypeError, ("sparse_coo_tensor", "2-D", "(2,)", "(sparse_dim, nnz)")),
    ("sparse_mm_inner_size", f"torch.sparse.mm({SP}, torch.ones(4, 2))", RuntimeError, ValueError,
     ("mm", "(3, 3)", "(4, 2)", "K = 3")),
    ("sparse_plus_dense_of_other_shape", f"{SP} + torch.ones(4)", RuntimeError, ValueError, ("add", "(3, 3)", "(4,)")),
    ("view_of_sparse", f"{SP}.view(9)", NotImplementedError, TypeError, ("sparse COO", "(3, 3)", ".to_dense()")),
    ("exp_of_sparse", f"torch.exp({SP})", NotImplementedError, TypeError, ("exp", "sparse COO", ".to_dense()")),
    ("cumsum_of_sparse", f"torch.cumsum({SP}, 0)", NotImplementedError, TypeError, ("cumsum", "sparse COO")),
    ("softmax_of_sparse", f"F.softmax({SP}, 0)", NotImplementedError, TypeError, ("softmax", "sparse COO")),
    ("mean_of_sparse", f"{SP}.mean()", NotImplementedError, TypeError, ("mean", "sparse COO", "torch.sparse.sum")),
]

CASES = (LINALG + FFT + ATTENTION + LOSSES_AND_EMBEDDINGS + RNN_UTILS + FUNC + DISTRIBUTIONS + OPTIM_AND_DATA
         + TENSORS_AND_FILES + SPARSE)

# calls PyTorch accepts: ours must run too and give PyTorch's value (the last line is the value compared)
ACCEPTED = [
    ("inv_ex_of_singular", "r = torch.linalg.inv_ex(torch.zeros(2, 2))\nr.info"),
    ("cholesky_ex_info", "torch.linalg.cholesky_ex(torch.tensor([[1.0, 2.0], [2.0, 1.0]])).info"),
    ("solve_ex_of_singular", "torch.linalg.solve_ex(torch.zeros(2, 2), torch.ones(2)).info"),
    ("sdpa_negative_dropout_is_none", "torch.manual_seed(0); q = torch.arange(24.0).reshape(1, 4, 6) / 10\n"
     "F.scaled_dot_product_attention(q, q, q, dropout_p=-0.1)"),
    ("cross_entropy_negative_smoothing_is_none", "x = torch.arange(15.0).reshape(5, 3).sin()\n"
     "F.cross_entropy(x, torch.tensor([0, 1, 2, 1, 0]), label_smoothing=-0.1).item()"),
    ("cross_entropy_negative_smoothing_probabilities", "x = torch.arange(15.0).reshape(5, 3).sin()\n"
     "F.cross_entropy(x, F.softmax(x.cos(), 1), label_smoothing=-0.5).item()"),
    ("cross_entropy_probabilities_take_any_weight_dtype", "x = torch.arange(15.0).reshape(5, 3).sin()\n"
     "F.cross_entropy(x, F.softmax(x.cos(), 1), weight=torch.tensor([1, 2, 3])).item()"),
    ("pack_unsorted_without_enforce_sorted", f"x = torch.arange(15.0).reshape(5, 3, 1)\n"
     f"{RNN}.pad_packed_sequence({RNN}.pack_padded_sequence(x, torch.tensor([2, 5, 3]), enforce_sorted=False))[0]"),
    ("pad_sequence_of_a_tensor", f"{RNN}.pad_sequence(torch.arange(6.0).reshape(2, 3))"),
    ("step_lr_fractional_step_size", "o = optim.SGD([nn.Parameter(torch.ones(1))], lr=1.0)\n"
     "s = optim.lr_scheduler.StepLR(o, step_size=1.5)\nlrs = []\nfor _ in range(4):\n    o.step(); s.step(); "
     "lrs.append(o.param_groups[0]['lr'])\nlrs"),
    ("retain_grad_of_a_leaf_that_requires_grad", "w = torch.ones(3, requires_grad=True)\nw.retain_grad()\n"
     "(w * 2).sum().backward()\nw.grad"),
    ("embedding_negative_max_norm", "e = nn.Embedding.from_pretrained(torch.arange(8.0).reshape(4, 2), "
     "max_norm=-1.0)\ntorch.cat([e(torch.tensor([1, 3])).flatten(), e.weight.flatten()])"),
    ("embedding_zero_max_norm", "e = nn.Embedding.from_pretrained(torch.arange(8.0).reshape(4, 2), max_norm=0.0)\n"
     "torch.cat([e(torch.tensor([2])).flatten(), e.weight.flatten()])"),
]




def _with_tmp(case, tmp_path):
    """The case with its code's {tmp} placeholder made a real directory."""
    return (case[0], case[1].replace("{tmp}", str(tmp_path)), *case[2:])


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case, tmp_path):
    check_mistake(_with_tmp(case, tmp_path), pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case, tmp_path):
    """The oracle: PyTorch raises for the same code, and our error is an instance of its type (our LinAlgError
    stands for torch.linalg.LinAlgError: both are RuntimeErrors of their own library)."""
    torch = pytest.importorskip("torch")
    case = _with_tmp(case, tmp_path)
    if case[2] is LinAlgError:
        assert isinstance(raised(case[1], pytorch_names(torch)), torch.linalg.LinAlgError)
        assert isinstance(raised(case[1], pytorch_names()), LinAlgError)
        return
    check_oracle(case, pytorch_names(), pytorch_names(torch))


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    torch = pytest.importorskip("torch")
    _, code = case
    ours, theirs = value_of(code, pytorch_names()), value_of(code, pytorch_names(torch))
    if isinstance(theirs, (list, float, int)) and not isinstance(theirs, bool):
        assert np.shape(ours) == np.shape(theirs), (ours, theirs)
        np.testing.assert_allclose(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float), rtol=1e-6)
    else:
        assert ours == theirs
