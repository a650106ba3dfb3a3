"""Round 12 of newcomer mistakes in PyTorch spelling (rounds 1-11: tests/test_bad_input_sweep.py, _round2.py ...
_round11.py), in the less covered corners of nn.functional (3-D pooling, unpooling, grid_sample and affine_grid, pad
modes on bool tensors, embedding_bag offsets, ctc_loss dtypes and lengths, multi_margin_loss weights and dtypes,
instance_norm, pdist, the argument checks of rrelu, gelu, celu, hardtanh and normalize), torch.linalg.vecdot's
dtypes, torch.distributions (sample shapes with negative or zero sizes, Multinomial's total_count, expand,
TransformedDistribution's base), nn.utils.rnn (pad_sequence of lists, pack_padded_sequence of a list or a vector,
invert_permutation of floats), optimizer state dicts of other shapes and torch.utils.data arguments (DataLoader's
num_workers and multiprocessing_context, WeightedRandomSampler's weights, TensorDataset of a 0-d tensor or indexed by
a string); grid_sample now mixes the host devices (cpu, numba) as every other op does.
Each must raise the exception type PyTorch raises, still an instance of the type deepgrad raised before, with a
message naming the op, the shapes, dtypes or values involved and the fix; where PyTorch accepts a call, we accept
it and give PyTorch's result. Refusals kept where PyTorch computes something malformed are checked at the end."""
import pytest

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

X4 = "torch.ones(1, 2, 4, 4)"
I64 = "torch.ones(2, dtype=torch.int64)"
LP = "torch.randn(5, 1, 3).log_softmax(2)"
CTC = f"F.ctc_loss({LP}, torch.tensor([[1, 2]]), "

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; Exception where we accepted the call), substrings the message must hold
FUNCTIONAL = [
    ("max_pool3d_of_a_3d_input", "F.max_pool3d(torch.ones(1, 2, 8), 2)", RuntimeError, ValueError,
     ("max_pool3d", "(N, C, D, H, W)", "Size([1, 2, 8])")),
    ("avg_pool3d_kernel_larger_than_the_input", f"F.avg_pool3d({X4}, 3)", RuntimeError, ValueError,
     ("avg_pool3d", "kernel 3", "spatial size 2", "smaller kernel")),
    ("conv3d_kernel_larger_than_the_input", "F.conv3d(torch.ones(1, 1, 2, 2, 2), torch.ones(1, 1, 3, 3, 3))",
     RuntimeError, ValueError, ("conv3d", "(3, 3, 3)", "smaller kernel")),
    ("avg_pool2d_divisor_override_0", f"F.avg_pool2d({X4}, 2, divisor_override=0)", RuntimeError, ValueError,
     ("avg_pool2d", "divisor_override", "got 0")),
    ("max_unpool2d_float_indices", f"F.max_unpool2d({X4}, torch.zeros(1, 2, 4, 4), 2)", RuntimeError, ValueError,
     ("max_unpool2d", "integer tensor", "float32")),
    ("max_unpool2d_indices_of_another_shape", f"F.max_unpool2d({X4}, torch.zeros(1, 2, 3, 3, dtype=torch.int64), 2)",
     RuntimeError, ValueError, ("max_unpool2d", "Size([1, 2, 4, 4])", "Size([1, 2, 3, 3])")),
    ("max_unpool2d_index_past_the_output", f"F.max_unpool2d({X4}, torch.full((1, 2, 4, 4), 100, dtype=torch.int64), "
     "2)", RuntimeError, ValueError, ("max_unpool2d", "[0, 64)", "100", "output_size")),
    ("grid_sample_bicubic_of_a_volume", "F.grid_sample(torch.ones(1, 1, 2, 2, 2), torch.zeros(1, 2, 2, 2, 3), "
     "mode='bicubic')", RuntimeError, ValueError, ("grid_sample", "bicubic", "(1, 1, 2, 2, 2)")),
    ("grid_sample_of_an_int_input", "F.grid_sample(torch.ones(1, 1, 4, 4, dtype=torch.int64), torch.zeros(1, 2, 2, 2))",
     NotImplementedError, TypeError, ("grid_sample", "int64", "input.float()")),
    ("affine_grid_size_of_three", "F.affine_grid(torch.zeros(1, 2, 3), (1, 1, 4))", NotImplementedError, ValueError,
     ("affine_grid", "(N, C, H, W)", "(1, 1, 4)")),
    ("affine_grid_int_theta", "F.affine_grid(torch.zeros(1, 2, 3, dtype=torch.int64), (1, 1, 4, 4))", ValueError,
     TypeError, ("affine_grid", "theta", "int64", ".float()")),
    ("pad_reflect_of_bool", "F.pad(torch.ones(1, 1, 4, dtype=torch.bool), (1, 1), mode='reflect')",
     NotImplementedError, Exception, ("pad", "'reflect'", "bool", ".to(torch.uint8)")),
    ("pad_replicate_of_bool", "F.pad(torch.ones(1, 1, 4, 4, dtype=torch.bool), (1, 1, 1, 1), mode='replicate')",
     NotImplementedError, Exception, ("pad", "'replicate'", "bool")),
    ("embedding_bag_float_offsets", "F.embedding_bag(torch.tensor([0, 1]), torch.randn(3, 2), torch.tensor([0.0]))",
     RuntimeError, ValueError, ("embedding_bag", "offsets", "float32", ".long()")),
    ("ctc_loss_of_int_log_probs", "F.ctc_loss(torch.ones(5, 1, 3, dtype=torch.int64), torch.tensor([[1, 2]]), "
     "torch.tensor([5]), torch.tensor([2]))", NotImplementedError, TypeError, ("ctc_loss", "int64", ".float()")),
    ("ctc_loss_negative_input_length", CTC + "torch.tensor([-1]), torch.tensor([2]))", RuntimeError, ValueError,
     ("ctc_loss", "input_lengths", "-1")),
    ("ctc_loss_float_lengths", CTC + "torch.tensor([5.0]), torch.tensor([2.0]))", RuntimeError, TypeError,
     ("ctc_loss", "input_lengths", "float32", ".long()")),
    ("multi_margin_loss_weight_of_another_length", "F.multi_margin_loss(torch.randn(2, 3), torch.tensor([0, 1]), "
     "weight=torch.ones(2))", RuntimeError, Exception, ("multi_margin_loss", "weight", "(3,)", "(2,)")),
    ("multi_margin_loss_of_int_scores", "F.multi_margin_loss(torch.ones(2, 3, dtype=torch.int64), "
     "torch.tensor([0, 1]))", NotImplementedError, Exception, ("multi_margin_loss", "int64", "input.float()")),
    ("instance_norm_running_mean_of_another_length", "F.instance_norm(torch.rand(1, 2, 4), "
     "running_mean=torch.zeros(3), running_var=torch.ones(3))", RuntimeError, ValueError,
     ("instance_norm", "2 channels", "(3,)")),
    ("pdist_of_a_3d_input", "F.pdist(torch.rand(2, 3, 4))", RuntimeError, ValueError,
     ("pdist", "2-D", "Size([2, 3, 4])", "cdist")),
    ("rrelu_lower_above_upper", "F.rrelu(torch.rand(2), 0.5, 0.1, training=True)", RuntimeError, ValueError,
     ("rrelu", "lower (0.5)", "upper (0.1)")),
    ("torch_rrelu_lower_above_upper", "torch.rrelu(torch.rand(2), 0.5, 0.1, training=True)", RuntimeError,
     ValueError, ("rrelu", "lower (0.5)")),
    ("gelu_approximate_unknown", "F.gelu(torch.rand(2), approximate='fast')", RuntimeError, ValueError,
     ("gelu", "approximate", "'fast'")),
    ("celu_alpha_0", "F.celu(torch.rand(2), alpha=0.0)", RuntimeError, ValueError, ("celu", "alpha", "non-zero")),
    ("torch_celu_alpha_0", "torch.celu(torch.rand(2), alpha=0.0)", RuntimeError, ValueError, ("celu", "alpha")),
    ("relu6_of_bool", "F.relu6(torch.ones(2, dtype=torch.bool))", RuntimeError, Exception,
     ("relu6", "bool", ".float()")),
    ("hardtanh_of_bool", "F.hardtanh(torch.ones(2, dtype=torch.bool))", RuntimeError, Exception,
     ("hardtanh", "bool", "shape (2,)")),
    ("ReLU6_module_of_bool", "nn.ReLU6()(torch.ones(2, dtype=torch.bool))", RuntimeError, Exception, ("relu6", "bool")),
    ("normalize_p_an_unknown_string", "F.normalize(torch.ones(2, 3), p='abc')", RuntimeError, ValueError,
     ("normalize", "'abc'", "'fro'")),
    ("multilabel_margin_loss_of_int_scores", "F.multilabel_margin_loss(torch.ones(2, 3, dtype=torch.int64), "
     "torch.zeros(2, 3, dtype=torch.int64))", NotImplementedError, Exception, ("multilabel_margin_loss", "int64")),
    ("adaptive_max_pool3d_of_ints", "F.adaptive_max_pool3d(torch.ones(1, 1, 2, 2, 2, dtype=torch.int64), 1)",
     NotImplementedError, Exception, ("adaptive_max_pool3d", "int64", "input.float()")),
    ("fractional_max_pool2d_of_ints", "F.fractional_max_pool2d(torch.ones(1, 1, 4, 4, dtype=torch.int64), 2, "
     "output_size=2)", NotImplementedError, TypeError, ("fractional_max_pool2d", "int64", ".float()")),
    ("unfold_of_ints", "F.unfold(torch.ones(1, 1, 4, 4, dtype=torch.int64), 2)", NotImplementedError, Exception,
     ("unfold", "int64", "input.float()")),
    ("fold_of_ints", "F.fold(torch.ones(1, 4, 9, dtype=torch.int64), (4, 4), 2)", NotImplementedError, Exception,
     ("fold", "int64")),
    ("one_hot_num_classes_a_float", "F.one_hot(torch.tensor([0, 1]), 2.5)", TypeError, Exception,
     ("one_hot", "num_classes", "float", "2.5")),
    ("rms_norm_of_another_shape", "F.rms_norm(torch.ones(2, 3), (4,))", RuntimeError, ValueError,
     ("rms_norm", "(4,)", "(2, 3)")),
    ("binary_cross_entropy_of_int_probabilities", f"F.binary_cross_entropy({I64}, {I64})", NotImplementedError,
     TypeError, ("binary_cross_entropy", "int64", ".float()")),
    ("binary_cross_entropy_int_input_float_target", f"F.binary_cross_entropy({I64}, torch.ones(2))", RuntimeError,
     Exception, ("binary_cross_entropy", "input is int64", "input.float()")),
    ("binary_cross_entropy_with_logits_of_int_logits", f"F.binary_cross_entropy_with_logits({I64}, torch.ones(2))",
     NotImplementedError, Exception, ("binary_cross_entropy_with_logits", "int64", "input.float()")),
    ("soft_margin_loss_of_int_scores", f"F.soft_margin_loss({I64}, torch.ones(2))", RuntimeError, Exception,
     ("soft_margin_loss", "int64", "input.float()")),
    ("hinge_embedding_loss_mean_of_int_distances", f"F.hinge_embedding_loss({I64}, torch.ones(2))", RuntimeError,
     Exception, ("hinge_embedding_loss", "int64", "input.float()")),
    ("cross_entropy_ignore_index_a_float", "F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]), "
     "ignore_index=-100.0)", TypeError, Exception, ("cross_entropy", "ignore_index", "float", "-100.0")),
]

V = "torch.linalg.vecdot"
D = "torch.distributions."

LINALG_DISTRIBUTIONS = [
    ("vecdot_of_ints", f"{V}(torch.ones(3, dtype=torch.int64), torch.ones(3, dtype=torch.int64))", RuntimeError,
     Exception, ("linalg.vecdot", "int64", ".float()")),
    ("vecdot_of_bools", f"{V}(torch.ones(3, dtype=torch.bool), torch.ones(3, dtype=torch.bool))", RuntimeError,
     Exception, ("linalg.vecdot", "bool")),
    ("vecdot_of_two_dtypes", f"{V}(torch.ones(3), torch.ones(3, dtype=torch.float64))", RuntimeError, Exception,
     ("linalg.vecdot", "float32(3,)", "float64(3,)", "y.to(x.dtype)")),
    ("Categorical_sample_of_a_negative_size", f"{D}Categorical(torch.ones(3)).sample((-1,))", RuntimeError,
     Exception, ("Categorical.sample", "(-1,)", "non-negative")),
    ("Categorical_sample_of_0_draws", f"{D}Categorical(torch.ones(3)).sample((0,))", RuntimeError, ValueError,
     ("Categorical.sample", "0 samples", "(0,)")),
    ("Normal_sample_of_a_negative_size", f"{D}Normal(torch.zeros(2), torch.ones(2)).sample((2, -1))", RuntimeError,
     ValueError, ("Normal.sample", "(2, -1)", "non-negative")),
    ("Bernoulli_sample_of_a_negative_size", f"{D}Bernoulli(torch.ones(2) * 0.5).sample((-1,))", RuntimeError,
     ValueError, ("Bernoulli.sample", "(-1,)")),
    ("Multinomial_negative_total_count", f"{D}Multinomial(-1, torch.ones(3))", ValueError, Exception,
     ("Multinomial", "total_count", "-1", "non-negative")),
    ("Multinomial_sample_of_0_draws", f"{D}Multinomial(0, torch.ones(3)).sample()", RuntimeError, Exception,
     ("Multinomial.sample", "total_count=0", "total_count >= 1")),
    ("Normal_expand_to_another_size", f"{D}Normal(torch.zeros(2), torch.ones(2)).expand((3,))", RuntimeError,
     ValueError, ("Normal.expand", "(2,)", "(3,)")),
    ("TransformedDistribution_of_a_number", f"{D}TransformedDistribution(3, [])", AttributeError, ValueError,
     ("TransformedDistribution", "base_distribution", "int", "Normal(loc, scale)")),
]

DS = "TensorDataset(torch.arange(10.0))"
ADAM_STATE = ("p = nn.Parameter(torch.ones(2))\no = optim.Adam([p])\np.grad = torch.ones(2)\no.step()\n"
              "q = nn.Parameter(torch.ones(3))\no2 = optim.Adam([q])\no2.load_state_dict(o.state_dict())\n"
              "q.grad = torch.ones(3)\no2.step()")

DATA_OPTIM = [
    ("pad_sequence_of_lists", "nn.utils.rnn.pad_sequence([[1.0, 2.0], [1.0]])", TypeError, Exception,
     ("pad_sequence", "element 0", "list", "torch.tensor")),
    ("pad_sequence_a_list_after_a_tensor", "nn.utils.rnn.pad_sequence([torch.ones(2), [1.0]])", TypeError,
     ValueError, ("pad_sequence", "element 1", "list")),
    ("optimizer_load_state_dict_of_a_number", "optim.SGD([nn.Parameter(torch.ones(2))], lr=0.1).load_state_dict(3)",
     AttributeError, TypeError, ("SGD.load_state_dict", "int", "state_dict()")),
    ("optimizer_load_state_dict_of_a_list", "optim.SGD([nn.Parameter(torch.ones(2))], lr=0.1).load_state_dict([1])",
     TypeError, ValueError, ("SGD.load_state_dict", "list")),
    ("Adam_load_state_dict_of_other_shapes", ADAM_STATE, RuntimeError, ValueError,
     ("Adam.load_state_dict", "exp_avg", "(2,)", "Size([3])")),
    ("DataLoader_num_workers_a_string", f"DataLoader({DS}, num_workers='a')", TypeError, ValueError,
     ("DataLoader", "num_workers", "'a'")),
    ("DataLoader_multiprocessing_context_unknown", f"DataLoader({DS}, num_workers=1, multiprocessing_context='foo')",
     ValueError, Exception, ("DataLoader", "multiprocessing_context", "'foo'", "'spawn'")),
    ("WeightedRandomSampler_weights_a_string", "torch.utils.data.WeightedRandomSampler('ab', 2)", TypeError,
     ValueError, ("WeightedRandomSampler", "weights", "'ab'")),
    ("TensorDataset_of_a_0d_tensor", "TensorDataset(torch.tensor(1.0))", IndexError, ValueError,
     ("TensorDataset", "scalar", "first axis")),
    ("TensorDataset_indexed_by_a_string", f"{DS}['a']", TypeError, IndexError, ("TensorDataset", "'a'", "an int")),
    ("pack_padded_sequence_of_a_list", "nn.utils.rnn.pack_padded_sequence([[1.0]], torch.tensor([1]))", TypeError,
     ValueError, ("pack_padded_sequence", "Tensor (T, B, *)", "list")),
    ("pack_padded_sequence_of_a_vector", "nn.utils.rnn.pack_padded_sequence(torch.ones(3), torch.tensor([3]))",
     IndexError, ValueError, ("pack_padded_sequence", "(T, B, *)", "Size([3])")),
    ("invert_permutation_of_floats", "nn.utils.rnn.invert_permutation(torch.tensor([0.5]))", RuntimeError, TypeError,
     ("invert_permutation", "integer", "float32")),
]

CASES = FUNCTIONAL + LINALG_DISTRIBUTIONS + DATA_OPTIM

# calls near the mistakes above that PyTorch accepts: ours run and give PyTorch's result (the last line's value)
ACCEPTED = [
    ("fftshift_of_one_dim_twice", "torch.fft.fftshift(torch.arange(4.0), dim=(0, 0))"),
    ("ifftshift_of_one_dim_twice", "torch.fft.ifftshift(torch.arange(5.0), dim=(0, 0))"),
    ("fftshift_of_a_dim_named_twice", "torch.fft.fftshift(torch.arange(6.0).reshape(2, 3), dim=(1, -1, 0))"),
    ("normalize_p_fro", "F.normalize(torch.tensor([[3.0, 4.0], [1.0, 0.0]]), p='fro')"),
    ("pad_circular_of_bool", "F.pad(torch.tensor([[[True, False, False]]]), (1, 1), mode='circular')"),
    ("pad_reflect_of_ints", "F.pad(torch.tensor([[[1, 2, 3]]]), (1, 1), mode='reflect')"),
    ("hardtanh_of_ints", "F.hardtanh(torch.tensor([-3, 0, 3]))"),
    ("relu6_of_ints", "F.relu6(torch.tensor([-3, 0, 9]))"),
    ("vecdot_of_float64", f"{V}(torch.tensor([1.0, 2.0], dtype=torch.float64), torch.tensor([3.0, 4.0], "
     "dtype=torch.float64))"),
    ("Normal_sample_of_0_draws", f"list({D}Normal(torch.zeros(2), torch.ones(2)).sample((0,)).shape)"),
    ("soft_margin_loss_of_int_targets", f"F.soft_margin_loss(torch.tensor([0.5, -1.0]), {I64})"),
    ("hinge_embedding_loss_of_int_targets", f"F.hinge_embedding_loss(torch.tensor([0.5, 2.0]), {I64})"),
    ("multi_margin_loss_weight_per_class", "F.multi_margin_loss(torch.tensor([[0.1, 0.2, 0.4], [0.3, 0.2, 0.1]]), "
     "torch.tensor([2, 0]), weight=torch.tensor([1.0, 2.0, 3.0]))"),
]

# refusals kept where PyTorch goes on with something malformed: deepgrad's clear error, its type and message
KEPT_REFUSALS = [
    ("ctc_loss_target_past_the_classes", CTC.replace("[[1, 2]]", "[[1, 7]]") + "torch.tensor([5]), torch.tensor([2]))",
     ValueError, ValueError, ("ctc_loss", "[0, 3)", "got 7")),
    ("pack_padded_sequence_length_past_the_padding", "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), "
     "torch.tensor([4, 1]))", ValueError, ValueError, ("pack_padded_sequence", "[1, 3]", "[4, 1]")),
    ("adaptive_avg_pool2d_to_0", f"F.adaptive_avg_pool2d({X4}, 0)", ValueError, ValueError,
     ("adaptive_avg_pool2d", "output_size", "0")),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-6)


@pytest.mark.parametrize("case", KEPT_REFUSALS, ids=[c[0] for c in KEPT_REFUSALS])
def test_refusals_kept_where_pytorch_computes_something_malformed(case):
    check_mistake(case, pytorch_names())


def test_a_multi_margin_weight_of_another_length_no_longer_gives_a_value():
    """weight of 2 values for 3 classes indexed weight[target] before: with targets below 2 it returned a number."""
    import autograd as torch
    import nn.functional as F
    with pytest.raises(RuntimeError):
        F.multi_margin_loss(torch.ones(2, 3), torch.tensor([0, 1]), weight=torch.ones(2))


def test_a_negative_categorical_sample_size_no_longer_draws_one_sample():
    """sample((-1,)) returned one draw of shape (1,) before: a silent wrong shape."""
    import autograd as torch
    with pytest.raises(RuntimeError):
        torch.distributions.Categorical(torch.ones(3)).sample((-1,))
    assert tuple(torch.distributions.Categorical(torch.ones(3)).sample((2,)).shape) == (2,)


def test_grid_sample_mixes_the_host_devices_as_every_op_does():
    """A cpu input with a numba grid was a ValueError; the host devices share memory and mix in every other op."""
    import backends
    if "numba" not in backends.available():
        pytest.skip("the numba device is not available here")
    import autograd as torch
    import nn.functional as F
    grid = torch.tensor([[[[0.1, -0.2], [0.5, 0.5]]]])
    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    mixed = F.grid_sample(x, grid.to("numba"), align_corners=False)
    assert mixed.tolist() == F.grid_sample(x, grid, align_corners=False).tolist()
