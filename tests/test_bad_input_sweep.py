"""Newcomer mistakes, written as PyTorch or Keras code, raise what PyTorch/Keras raise for them (so `except
RuntimeError` and friends in ported code keep working) with a message that names the op and the shapes or
dtypes involved; where PyTorch accepts the call, so do we. Each case runs on deepgrad, and on PyTorch/Keras
as the oracle for the exception type."""
import os

import numpy as np
import pytest

import autograd as ag
import nn.functional as F
from tests.bad_input_checks import check_mistake, check_oracle, pytorch_names

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that
# existing `except` clauses still catch it), substrings the message must hold (the op, the shapes/dtypes)
CASES = [
    ("linear_in_features", "nn.Linear(5, 2)(torch.randn(4, 3))", RuntimeError, ValueError,
     ("Linear", "5 features", "(4, 3)")),
    ("linear_0d", "nn.Linear(3, 2)(torch.tensor(1.0))", RuntimeError, ValueError, ("Linear", "shape ()")),
    ("linear_f64_input", "nn.Linear(3, 2)(torch.randn(4, 3, dtype=torch.float64))", RuntimeError, TypeError,
     ("linear", "float64", "float32")),
    ("linear_int_input", "nn.Linear(3, 2)(torch.ones(4, 3, dtype=torch.int64))", RuntimeError, TypeError,
     ("linear", "int64", "float32")),
    ("F_linear_bias_shape", "F.linear(torch.randn(4, 3), torch.randn(2, 3), torch.randn(3))", RuntimeError,
     ValueError, ("linear", "(4, 3)", "(3,)")),
    ("conv1d_channels", "nn.Conv1d(3, 4, 3)(torch.randn(2, 5, 10))", RuntimeError, ValueError,
     ("Conv1d", "3 channels", "[2, 5, 10]")),
    ("conv1d_rank", "nn.Conv1d(3, 4, 3)(torch.randn(2, 3, 10, 10))", RuntimeError, ValueError,
     ("Conv1d", "4-D", "[2, 3, 10, 10]")),
    ("conv1d_kernel_too_big", "nn.Conv1d(3, 4, 7)(torch.randn(2, 3, 5))", RuntimeError, ValueError,
     ("conv", "kernel", "(2, 3, 1, 5)")),
    ("conv2d_nhwc", "nn.Conv2d(3, 4, 3)(torch.randn(2, 8, 8, 3))", RuntimeError, ValueError,
     ("Conv2d", "3 channels", "[2, 8, 8, 3]")),
    ("conv2d_rank", "nn.Conv2d(3, 4, 3)(torch.randn(8, 8))", RuntimeError, ValueError, ("Conv2d", "2-D", "[8, 8]")),
    ("conv2d_f64_input", "nn.Conv2d(3, 4, 3)(torch.randn(1, 3, 5, 5, dtype=torch.float64))", RuntimeError,
     TypeError, ("conv2d", "float64", "float32")),
    ("F_conv2d_weight_3d", "F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3))", RuntimeError, ValueError,
     ("conv2d", "[1, 3, 5, 5]", "[4, 3, 3]")),
    ("F_conv2d_bias_shape", "F.conv2d(torch.randn(1, 3, 5, 5), torch.randn(4, 3, 3, 3), torch.randn(3))",
     RuntimeError, ValueError, ("conv2d", "bias", "(4,)", "[3]")),
    ("conv3d_channels", "nn.Conv3d(3, 4, 3)(torch.randn(1, 2, 5, 5, 5))", RuntimeError, ValueError,
     ("Conv3d", "3 channels", "[1, 2, 5, 5, 5]")),
    ("convT2d_channels", "nn.ConvTranspose2d(3, 4, 3)(torch.randn(1, 5, 5, 5))", RuntimeError, ValueError,
     ("ConvTranspose2d", "3 channels", "[1, 5, 5, 5]")),
    ("convT2d_output_padding", "nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=2)(torch.randn(1, 3, 4, 4))",
     RuntimeError, ValueError, ("conv_transpose2d", "output_padding (2, 2)", "stride (2, 2)")),
    ("bn1d_features", "nn.BatchNorm1d(5)(torch.randn(4, 3))", RuntimeError, ValueError,
     ("BatchNorm1d", "C = 5", "[4, 3]")),
    ("bn2d_channels", "nn.BatchNorm2d(3)(torch.randn(2, 4, 5, 5))", RuntimeError, ValueError,
     ("BatchNorm2d", "C = 3", "[2, 4, 5, 5]")),
    ("layernorm_shape", "nn.LayerNorm(5)(torch.randn(4, 3))", RuntimeError, ValueError,
     ("layer_norm", "(5,)", "[4, 3]")),
    ("F_layer_norm_weight", "F.layer_norm(torch.randn(2, 4), (4,), torch.ones(3))", RuntimeError, ValueError,
     ("layer_norm", "(3,)", "(4,)")),
    ("groupnorm_channels", "nn.GroupNorm(2, 4)(torch.randn(2, 6, 3))", RuntimeError, ValueError,
     ("GroupNorm", "(N, 4, *)", "[2, 6, 3]")),
    ("embedding_float_idx", "nn.Embedding(10, 3)(torch.tensor([1.0, 2.0]))", RuntimeError, TypeError,
     ("embedding", "float32", "[2]")),
    ("embedding_padding_idx", "nn.Embedding(10, 3, padding_idx=10)", AssertionError, ValueError,
     ("Embedding", "padding_idx=10")),
    ("embedding_bag_oob", "nn.EmbeddingBag(10, 3)(torch.tensor([[1, 11]]))", RuntimeError, IndexError,
     ("embedding", "11", "num_embeddings=10")),
    ("rnn_input_size", "nn.RNN(5, 4)(torch.randn(7, 2, 3))", RuntimeError, ValueError, ("RNN(5, 4)", "[7, 2, 3]")),
    ("lstm_input_size", "nn.LSTM(5, 4)(torch.randn(7, 2, 3))", RuntimeError, ValueError, ("LSTM(5, 4)", "[7, 2, 3]")),
    ("gru_input_size", "nn.GRU(5, 4)(torch.randn(7, 3))", RuntimeError, ValueError, ("GRU(5, 4)", "[7, 3]")),
    ("rnn_h0_shape", "nn.RNN(3, 4)(torch.randn(7, 2, 3), torch.randn(1, 3, 4))", RuntimeError, ValueError,
     ("RNN(3, 4)", "h_0", "(1, 2, 4)", "(1, 3, 4)")),
    ("lstm_c0_shape", "nn.LSTM(3, 4)(torch.randn(7, 2, 3), (torch.randn(1, 2, 4), torch.randn(1, 3, 4)))",
     RuntimeError, ValueError, ("LSTM(3, 4)", "c_0", "(1, 2, 4)", "(1, 3, 4)")),
    ("gru_batch_first_confusion", "nn.GRU(3, 4, batch_first=True)(torch.randn(7, 2, 3), torch.randn(1, 2, 4))",
     RuntimeError, ValueError, ("batch_first=True", "h_0", "(1, 7, 4)", "(1, 2, 4)")),
    ("lstm_bidirectional_h0",
     "nn.LSTM(3, 4, bidirectional=True)(torch.randn(7, 2, 3), (torch.randn(1, 2, 4), torch.randn(1, 2, 4)))",
     RuntimeError, ValueError, ("bidirectional=True", "(2, 2, 4)", "(1, 2, 4)")),
    ("lstmcell_input", "nn.LSTMCell(3, 4)(torch.randn(2, 5))", RuntimeError, ValueError, ("LSTMCell(3, 4)", "[2, 5]")),
    ("grucell_h_shape", "nn.GRUCell(3, 4)(torch.randn(2, 3), torch.randn(3, 4))", RuntimeError, ValueError,
     ("GRUCell(3, 4)", "(2, 4)", "[3, 4]")),
    ("mha_embed_dim", "m = nn.MultiheadAttention(8, 2); q = torch.randn(5, 2, 6); m(q, q, q)", AssertionError,
     ValueError, ("MultiheadAttention", "8 features", "(5, 2, 6)")),
    ("mha_heads_divide", "nn.MultiheadAttention(8, 3)", AssertionError, ValueError,
     ("MultiheadAttention", "embed_dim (8)", "num_heads (3)")),
    ("mha_attn_mask_shape",
     "m = nn.MultiheadAttention(8, 2); q = torch.randn(5, 2, 8); m(q, q, q, attn_mask=torch.zeros(4, 5))",
     RuntimeError, ValueError, ("attn_mask", "(5, 5)", "(4, 5)")),
    ("mha_key_padding_shape", "m = nn.MultiheadAttention(8, 2); q = torch.randn(5, 2, 8); "
     "m(q, q, q, key_padding_mask=torch.zeros(5, 2, dtype=torch.bool))", AssertionError, ValueError,
     ("key_padding_mask", "(2, 5)", "(5, 2)")),
    ("mha_kv_len_mismatch",
     "m = nn.MultiheadAttention(8, 2); q = torch.randn(5, 2, 8); m(q, torch.randn(6, 2, 8), torch.randn(7, 2, 8))",
     AssertionError, ValueError, ("multi_head_attention_forward", "(6, 2, 8)", "(7, 2, 8)")),
    ("mha_batch_mismatch", "m = nn.MultiheadAttention(8, 2); q = torch.randn(5, 2, 8); k = torch.randn(5, 3, 8); "
     "m(q, k, k)", RuntimeError, ValueError, ("multi_head_attention_forward", "(5, 2, 8)", "(5, 3, 8)", "batch")),
    ("transformer_mask_shape", "layer = nn.TransformerEncoderLayer(8, 2, 16); "
     "nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)(torch.randn(5, 2, 8), mask=torch.zeros(4, 4))",
     RuntimeError, ValueError, ("attn_mask", "(5, 5)", "(4, 4)")),
    ("sdpa_shape", "F.scaled_dot_product_attention(torch.randn(2, 4, 8), torch.randn(2, 5, 6), torch.randn(2, 5, 6))",
     RuntimeError, ValueError, ("scaled_dot_product_attention", "(2, 4, 8)", "(2, 5, 6)")),
    ("ce_float_targets_wrong_shape", "F.cross_entropy(torch.randn(4, 3), torch.rand(4))", RuntimeError, TypeError,
     ("cross_entropy", "[4, 3]", "(4,)")),
    ("ce_weight_len", "nn.CrossEntropyLoss(weight=torch.ones(4))(torch.randn(4, 3), torch.tensor([0, 1, 2, 1]))",
     RuntimeError, ValueError, ("cross_entropy", "(3,)", "[4]")),
    ("ce_onehot_int", "F.cross_entropy(torch.randn(4, 3), torch.zeros(4, 3, dtype=torch.int64))", RuntimeError,
     ValueError, ("cross_entropy", "(4,)", "(4, 3)")),
    ("nll_float_target", "F.nll_loss(torch.randn(4, 3), torch.tensor([0.0, 1.0, 2.0, 1.0]))", RuntimeError,
     TypeError, ("nll_loss", "float32")),
    ("bce_outside_01", "F.binary_cross_entropy(torch.tensor([0.5, 1.5]), torch.tensor([0.0, 1.0]))", RuntimeError,
     ValueError, ("binary_cross_entropy", "(2,)", "1.5")),
    ("bce_int_target", "F.binary_cross_entropy(torch.rand(4), torch.tensor([0, 1, 1, 0]))", RuntimeError, TypeError,
     ("binary_cross_entropy", "int64", "float32")),
    ("kl_div_shape", "F.kl_div(torch.randn(4, 3), torch.rand(4, 2), reduction='batchmean')", RuntimeError,
     ValueError, ("kl_div", "[4, 3]", "[4, 2]")),
    ("mse_no_broadcast", "F.mse_loss(torch.randn(4, 3), torch.randn(5))", RuntimeError, ValueError,
     ("mse_loss", "(4, 3)", "(5,)")),
    ("ctc_input_lengths", "F.ctc_loss(torch.randn(10, 2, 5).log_softmax(2), torch.tensor([[1, 2], [3, 4]]), "
     "torch.tensor([11, 10]), torch.tensor([2, 2]))", RuntimeError, ValueError, ("ctc_loss", "T = 10", "11")),
    ("ctc_lengths_count", "F.ctc_loss(torch.randn(10, 2, 5).log_softmax(2), torch.tensor([[1, 2], [3, 4]]), "
     "torch.tensor([10]), torch.tensor([2, 2]))", RuntimeError, ValueError, ("ctc_loss", "input_lengths", "(2)")),
    ("ctc_blank", "F.ctc_loss(torch.randn(10, 2, 5).log_softmax(2), torch.tensor([[1, 2], [3, 4]]), "
     "torch.tensor([10, 10]), torch.tensor([2, 2]), blank=5)", RuntimeError, ValueError, ("ctc_loss", "blank", "5")),
    ("matmul_shapes", "torch.randn(2, 3) @ torch.randn(4, 5)", RuntimeError, ValueError,
     ("matmul", "[2, 3]", "[4, 5]")),
    ("matmul_f32_f64", "torch.randn(2, 3) @ torch.randn(3, 2, dtype=torch.float64)", RuntimeError, TypeError,
     ("matmul", "float32", "float64", "(2, 3)", "(3, 2)")),
    ("matmul_int_float", "torch.ones(2, 3, dtype=torch.int64) @ torch.randn(3, 2)", RuntimeError, TypeError,
     ("matmul", "int64", "float32")),
    ("mm_f32_f64", "torch.mm(torch.randn(2, 3), torch.randn(3, 2, dtype=torch.float64))", RuntimeError, TypeError,
     ("mm", "float32", "float64")),
    ("bmm_mixed_dtype", "torch.bmm(torch.randn(1, 2, 3), torch.randn(1, 3, 2, dtype=torch.float64))", RuntimeError,
     TypeError, ("bmm", "float32", "float64", "(1, 2, 3)")),
    ("mm_3d", "torch.mm(torch.randn(2, 3, 4), torch.randn(4, 5))", RuntimeError, ValueError,
     ("mm", "[2, 3, 4]", "[4, 5]")),
    ("bmm_batch", "torch.bmm(torch.randn(2, 3, 4), torch.randn(3, 4, 5))", RuntimeError, ValueError,
     ("bmm", "[2, 3, 4]", "[3, 4, 5]")),
    ("cat_shapes", "torch.cat([torch.randn(2, 3), torch.randn(2, 4)])", RuntimeError, ValueError,
     ("concatenate", "(2, 3)", "(2, 4)")),
    ("stack_shapes", "torch.stack([torch.randn(2, 3), torch.randn(3, 2)])", RuntimeError, ValueError,
     ("stack", "(2, 3)", "(3, 2)")),
    ("stack_empty", "torch.stack([])", RuntimeError, ValueError, ("stack", "at least one")),
    ("view_numel", "torch.randn(2, 3).view(4, 2)", RuntimeError, ValueError, ("reshape", "[2, 3]", "(4, 2)")),
    ("expand_bad", "torch.randn(2, 3).expand(4, 3)", RuntimeError, ValueError, ("expand", "[2, 3]", "(4, 3)")),
    ("expand_fewer_dims", "torch.randn(2, 3).expand(3)", RuntimeError, ValueError, ("expand", "(3,)", "[2, 3]")),
    ("permute_len", "torch.randn(2, 3).permute(1, 0, 2)", RuntimeError, ValueError, ("permute", "(1, 0, 2)", "[2, 3]")),
    ("repeat_fewer", "torch.randn(2, 3).repeat(2)", RuntimeError, ValueError, ("repeat", "[2, 3]", "(2,)")),
    ("unflatten_bad", "torch.randn(2, 6).unflatten(1, (4, 2))", RuntimeError, ValueError,
     ("unflatten", "(4, 2)", "[2, 6]")),
    ("split_sizes", "torch.split(torch.randn(5), [2, 2])", RuntimeError, ValueError, ("split", "[2, 2]", "[5]")),
    ("chunk_zero", "torch.chunk(torch.randn(5), 0)", RuntimeError, ValueError, ("chunk", "0")),
    ("add_broadcast", "torch.randn(2, 3) + torch.randn(4)", RuntimeError, ValueError, ("add", "(2, 3)", "(4,)")),
    ("gather_float_index", "torch.gather(torch.randn(3, 4), 1, torch.tensor([[0.0, 1.0]]))", RuntimeError,
     TypeError, ("gather", "float32")),
    ("gather_oob", "torch.gather(torch.randn(3, 4), 1, torch.tensor([[0, 4]]))", RuntimeError, IndexError,
     ("gather", "dim 1", "length 4")),
    ("gather_ndim", "torch.gather(torch.randn(3, 4), 1, torch.tensor([0, 1]))", RuntimeError, ValueError,
     ("gather", "(2,)", "[3, 4]")),
    ("scatter_oob", "torch.zeros(3, 4).scatter(1, torch.tensor([[0, 5]]), torch.ones(1, 2))", RuntimeError,
     IndexError, ("scatter", "dim 1", "length 4")),
    ("scatter_src_dtype",
     "torch.zeros(3, 4).scatter(1, torch.tensor([[0, 1]]), torch.ones(1, 2, dtype=torch.float64))",
     RuntimeError, TypeError, ("scatter", "float64", "float32", "(1, 2)", "(3, 4)")),
    ("scatter_add_src_dtype",
     "torch.zeros(3, 4, dtype=torch.int64).scatter_add(1, torch.tensor([[0, 1]]), torch.ones(1, 2))",
     RuntimeError, TypeError, ("scatter_add", "float32", "int64")),
    ("index_select_float", "torch.index_select(torch.randn(3, 4), 0, torch.tensor([0.0]))", RuntimeError,
     TypeError, ("index_select", "float32")),
    ("masked_fill_float_mask", "torch.randn(2, 3).masked_fill(torch.ones(2, 3), 0.0)", RuntimeError, TypeError,
     ("masked_fill", "float32")),
    ("masked_fill_shape", "torch.randn(2, 3).masked_fill(torch.ones(3, 2, dtype=torch.bool), 0.0)", RuntimeError,
     ValueError, ("masked_fill", "(2, 3)", "(3, 2)")),
    ("where_float_condition", "torch.where(torch.randn(3), torch.randn(3), torch.randn(3))", RuntimeError, TypeError,
     ("where", "float32", "(3,)")),
    ("one_hot_float", "F.one_hot(torch.tensor([0.0, 1.0]), 3)", RuntimeError, TypeError, ("one_hot", "float32")),
    ("one_hot_oob", "F.one_hot(torch.tensor([0, 3]), 3)", RuntimeError, ValueError, ("one_hot", "3", "[0, 3)")),
    ("pad_odd", "F.pad(torch.randn(2, 3), (1, 1, 1))", RuntimeError, ValueError, ("pad", "(1, 1, 1)")),
    ("max_pool2d_rank", "nn.MaxPool2d(2)(torch.randn(4, 4))", RuntimeError, ValueError, ("max_pool2d", "[4, 4]")),
    ("max_pool2d_kernel", "F.max_pool2d(torch.randn(1, 1, 2, 2), 3)", RuntimeError, ValueError,
     ("max_pool2d", "kernel 3", "2")),
    ("pixel_shuffle", "F.pixel_shuffle(torch.randn(1, 3, 2, 2), 2)", RuntimeError, ValueError,
     ("pixel_shuffle", "3", "[1, 3, 2, 2]")),
    ("item_multi", "torch.randn(3).item()", RuntimeError, ValueError, ("item()", "3 elements", "[3]")),
    ("int_requires_grad", "torch.tensor([1, 2], requires_grad=True)", RuntimeError, TypeError,
     ("require gradients", "int64")),
    ("zeros_negative", "torch.zeros(-1, 3)", RuntimeError, ValueError, ("zeros", "(-1, 3)")),
    ("randn_float_size", "torch.randn(2.5, 3)", TypeError, TypeError, ("randn", "(2.5, 3)")),
    ("arange_zero_step", "torch.arange(0, 5, 0)", RuntimeError, ValueError, ("arange", "step", "0")),
    ("tensordataset_rows", "TensorDataset(torch.randn(4, 2), torch.randn(5))", AssertionError, ValueError,
     ("TensorDataset", "(4, 2)", "(5,)")),
    ("collate_ragged", "list(DataLoader([torch.randn(2), torch.randn(3)], batch_size=2))", RuntimeError, ValueError,
     ("DataLoader", "(2,)", "(3,)")),
    ("tensor_ragged_rows", "torch.tensor([[1, 2], [3]])", ValueError, ValueError, ("tensor", "dim 1", "[1, 2]")),
    ("load_state_dict_not_a_mapping", "nn.Linear(3, 2).load_state_dict([1, 2])", TypeError, TypeError,
     ("load_state_dict", "Linear", "list")),
    ("optimizer_given_a_module", "optim.SGD(nn.Linear(3, 2), lr=0.1)", TypeError, TypeError,
     ("SGD", "Linear module", "model.parameters()")),
    ("optimizer_given_a_used_generator", "p = nn.Linear(3, 2).parameters(); optim.SGD(p, lr=0.1); "
     "optim.SGD(p, lr=0.1)", ValueError, ValueError, ("SGD", "empty parameter list", "used up")),
    ("module_without_forward", "class M(nn.Module):\n    pass\nM()(torch.randn(2))", NotImplementedError, TypeError,
     ("M", "forward")),
]

KERAS_CASES = [
    ("fit_before_compile", "m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)]); "
     "m.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)", ValueError, RuntimeError, ("fit", "compile")),
    ("dense_float_units", "keras.layers.Dense(2.5)", ValueError, ValueError, ("Dense", "units", "2.5")),
]



@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_raises_pytorchs_type_naming_the_op_and_shapes(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    """The oracle: PyTorch raises for the same code, and our error is an instance of its type."""
    torch = pytest.importorskip("torch")
    check_oracle(case, pytorch_names(), pytorch_names(torch))


def _keras(module):
    os.environ.setdefault("KERAS_BACKEND", "torch")
    if module == "real":
        return pytest.importorskip("keras")
    import nn.keras as keras
    return keras


@pytest.mark.parametrize("case", KERAS_CASES, ids=[c[0] for c in KERAS_CASES])
def test_keras_mistake_raises_keras_type(case):
    ours = dict(keras=_keras("ours"), np=np)
    check_mistake(case, ours)
    check_oracle(case, ours, dict(keras=_keras("real"), np=np))


@pytest.mark.parametrize("target", [[2], 2])
@pytest.mark.parametrize("loss", ["nll_loss", "cross_entropy"])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_unbatched_input_takes_a_one_element_target_as_pytorch(loss, target, reduction):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(3)
    ours = getattr(F, loss)(ag.tensor(x, requires_grad=True), ag.tensor(target), reduction=reduction)
    theirs = getattr(torch.nn.functional, loss)(torch.tensor(x), torch.tensor(target), reduction=reduction)
    assert tuple(ours.shape) == tuple(theirs.shape) == ()
    np.testing.assert_allclose(ours.item(), theirs.item(), rtol=1e-12)
    ours.backward()
    with pytest.raises(ValueError, match=r"needs class-index targets of shape \(\) or \(1,\), got \(2,\)"):
        getattr(F, loss)(ag.tensor(x), ag.tensor([1, 2]))


def test_where_takes_a_uint8_condition_with_pytorchs_warning():
    with pytest.warns(UserWarning, match="uint8"):
        out = ag.where(ag.tensor([1, 0], dtype=ag.uint8), ag.tensor([1.0, 2.0]), ag.tensor([3.0, 4.0]))
    assert out.tolist() == [1.0, 4.0]


def test_same_dtype_products_and_autocast_still_run():
    a = ag.randn(2, 3, dtype=ag.float64, requires_grad=True)
    (a @ ag.randn(3, 2, dtype=ag.float64)).sum().backward()
    assert a.grad.shape == (2, 3)
    with ag.autocast("cpu", dtype=ag.float16):   # autocast casts mixed inputs itself, as PyTorch's
        assert (ag.randn(2, 3) @ ag.randn(3, 2, dtype=ag.float64)).shape == (2, 2)


def test_keras_ops_matmul_still_promotes_mixed_dtypes():
    keras = _keras("ours")
    out = keras.ops.matmul(ag.ones(2, 3), ag.ones(3, dtype=ag.int32))
    assert out.dtype == ag.float32 and out.tolist() == [3.0, 3.0]
    assert keras.ops.dot(ag.ones(2, 3), ag.ones(3, 2, dtype=ag.float64)).tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_sizes_are_whole_numbers():
    for make in (ag.zeros, ag.ones, ag.empty, ag.rand, ag.randn):
        with pytest.raises(TypeError, match=rf"{make.__name__}: sizes must be integers, got \(2.5, 3\)"):
            make(2.5, 3)
        assert make(np.int64(2), ag.tensor(3)).shape == (2, 3)
