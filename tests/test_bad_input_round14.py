"""Round 14 of newcomer mistakes in PyTorch spelling (rounds 1-13: tests/test_bad_input_sweep.py, _round2.py ...
_round11.py, test_bad_input_round12.py, test_bad_input_round13.py), probed where the earlier rounds went least: the
autograd API (gradients given to backward/grad as numbers, lists or NumPy arrays, outputs and inputs that are not
tensors, requires_grad flags that are not bools, detect_anomaly and autocast switches of the wrong type), linalg and
fft arguments (cholesky of a matrix holding NaN, upper and norm of the wrong type), the optimisation helpers
(GradScaler misuse, schedulers given a model, clip_grad_norm_ of a non-number, an LBFGS closure without a loss) and
layer arguments (Embedding, LayerNorm, Conv2d and LSTM sizes, Dropout's p, interpolate and Upsample sizes, full backward
hooks). Each must raise the exception type PyTorch
raises, still an instance of the type deepgrad raised before (Exception where deepgrad accepted the call), with a
message naming the op, the values involved and the fix; where PyTorch accepts a call, we accept it and give PyTorch's
result. Refusals kept where PyTorch computes something malformed, or accepts what it fails on later, come last."""
import numpy as np
import pytest

import autograd as ag

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names, raised

LinAlgError = ag.linalg.LinAlgError
# PyTorch warns that torch.cholesky is deprecated (the oracle runs it)
pytestmark = pytest.mark.filterwarnings("ignore:torch.cholesky is deprecated")

R = "x = torch.ones(3, requires_grad=True)\ny = x * 2\n"
Q = "x = torch.ones(3, requires_grad=True)\ny = (x * 2).sum()\n"
SCALER = "p = nn.Parameter(torch.ones(2))\no = optim.SGD([p], lr=0.1)\ns = torch.amp.GradScaler('cpu')\n"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; Exception where we accepted the call or raised another type), substrings the
# message must hold
AUTOGRAD = [
    ("backward_gradient_a_list_of_numbers", R + "y.backward([1.0, 1.0, 1.0])", TypeError, Exception,
     ("gradients can be either Tensors or None, but got float", "backward", "torch.tensor(values)")),
    ("backward_gradient_a_numpy_array", R + "y.backward(np.ones(3, 'float32'))", TypeError, Exception,
     ("but got float32", "backward")),
    ("backward_gradient_a_number", Q + "y.backward(2.0)", TypeError, Exception,
     ("backward", "got float 2.0", "torch.tensor(value)")),
    ("autograd_backward_gradient_a_nested_list", R + "torch.autograd.backward([y], [[1.0, 1.0, 1.0]])", TypeError,
     Exception, ("gradients can be either Tensors or None, but got list",)),
    ("grad_outputs_a_list_of_numbers", R + "torch.autograd.grad(y, x, grad_outputs=[1.0, 1.0, 1.0])", TypeError,
     Exception, ("but got float", "grad takes one Tensor")),
    ("grad_outputs_a_numpy_array", R + "torch.autograd.grad(y, x, grad_outputs=np.ones(3, 'float32'))", TypeError,
     Exception, ("but got float32", "grad")),
    ("grad_outputs_a_number", Q + "torch.autograd.grad(y, x, grad_outputs=2.0)", TypeError, TypeError,
     ("grad: the gradient must be a Tensor", "float 2.0")),
    ("grad_of_a_number", R + "torch.autograd.grad(3.0, x)", TypeError, TypeError,
     ("grad: outputs must be a Tensor or a sequence of Tensors", "float 3.0")),
    ("grad_with_respect_to_a_number", Q + "torch.autograd.grad(y, 3.0)", TypeError, TypeError,
     ("grad: inputs must be a Tensor or a sequence of Tensors", "float 3.0")),
    ("grad_of_a_list_holding_a_number", Q + "torch.autograd.grad([y, 3.0], x)", AssertionError, TypeError,
     ("Expected output to be a torch.Tensor", "got float")),
    ("requires_grad_set_to_a_string", "x = torch.ones(3)\nx.requires_grad = 'yes'", RuntimeError, Exception,
     ("requires_grad must be a bool", "str", "True or False")),
    ("requires_grad_set_to_none", "x = torch.ones(3)\nx.requires_grad = None", RuntimeError, Exception,
     ("requires_grad must be a bool", "NoneType")),
    ("requires_grad__of_a_string", "torch.ones(3).requires_grad_('yes')", TypeError, Exception,
     ("requires_grad_()", "must be bool, not str")),
    ("requires_grad__of_an_int", "torch.ones(3).requires_grad_(1)", TypeError, Exception,
     ("requires_grad_()", "must be bool, not int")),
    ("parameter_requires_grad_an_int", "nn.Parameter(torch.ones(2), requires_grad=1)", TypeError, Exception,
     ("must be bool, not int",)),
    ("detect_anomaly_check_nan_a_string", "with torch.autograd.detect_anomaly(check_nan='a'):\n    pass",
     TypeError, Exception, ("detect_anomaly", "check_nan", "must be bool, not str")),
    ("set_detect_anomaly_a_string", "torch.autograd.set_detect_anomaly('a')", TypeError, Exception,
     ("set_detect_anomaly", "'mode'", "must be bool, not str")),
    ("set_detect_anomaly_check_nan_an_int", "torch.autograd.set_detect_anomaly(True, check_nan=2)", TypeError,
     Exception, ("set_detect_anomaly", "check_nan", "not int")),
]

# PyTorch's autocast fails inside __enter__ after switching autocast on: the oracle restores its switches
AUTOCAST = [
    ("autocast_dtype_a_string", "with torch.autocast('cpu', dtype='float16'):\n    pass", TypeError, Exception,
     ("autocast", "'dtype'", "not str 'float16'", "ag.float16")),
    ("autocast_enabled_a_string", "with torch.autocast('cpu', enabled='yes'):\n    pass", TypeError, Exception,
     ("autocast", "'enabled'", "must be bool, not str")),
]

NAN_PIVOT = "torch.tensor([[1.0, 0.0], [0.0, float('nan')]])"
LINALG_FFT = [
    ("cholesky_of_a_matrix_holding_nan", f"torch.linalg.cholesky({NAN_PIVOT})", LinAlgError, Exception,
     ("linalg.cholesky", "not positive-definite", "leading minor of order 2")),
    ("cholesky_of_a_nan_matrix", "torch.linalg.cholesky(torch.full((2, 2), float('nan')))", LinAlgError,
     Exception, ("linalg.cholesky", "leading minor of order 1")),
    ("cholesky_batch_holding_nan", f"torch.linalg.cholesky(torch.stack([torch.eye(2), {NAN_PIVOT}]))",
     LinAlgError, Exception, ("linalg.cholesky", "(Batch element 1)", "order 2")),
    ("cholesky_ex_check_errors_nan", f"torch.linalg.cholesky_ex({NAN_PIVOT}, check_errors=True)", LinAlgError,
     Exception, ("linalg.cholesky_ex", "order 2")),
    ("old_cholesky_names_itself", "torch.cholesky(torch.tensor([[1.0, 2.0], [2.0, 1.0]]))", LinAlgError,
     LinAlgError, ("cholesky: The factorization could not be completed",)),
    ("cholesky_upper_a_string", "torch.linalg.cholesky(torch.eye(2), upper='yes')", TypeError, Exception,
     ("linalg.cholesky()", "'upper' must be bool, not str")),
    ("cholesky_ex_upper_an_int", "torch.linalg.cholesky_ex(torch.eye(2), upper=1)", TypeError, Exception,
     ("linalg.cholesky_ex()", "'upper' must be bool, not int")),
    ("old_cholesky_upper_an_int", "torch.cholesky(torch.eye(2), 1)", TypeError, Exception,
     ("cholesky()", "'upper' must be bool")),
    ("fft_norm_an_int", "torch.fft.fft(torch.ones(4), norm=1)", TypeError, ValueError,
     ("fft.fft()", "'norm' must be str, not int", "'ortho'")),
    ("rfft_norm_an_int", "torch.fft.rfft(torch.ones(4), norm=1)", TypeError, ValueError,
     ("fft.rfft()", "'norm' must be str")),
]

OPTIMISATION = [
    ("scaler_step_of_an_optimizer_without_gradients", "q = nn.Parameter(torch.ones(2))\n" + SCALER +
     "s.scale(p.sum()).backward()\ns.step(o)\ns.step(optim.SGD([q], lr=0.1))", AssertionError, RuntimeError,
     ("GradScaler.step", "No inf checks were recorded for this optimizer", "backward() before step")),
    ("scaler_update_without_a_step", SCALER + "s.scale(torch.ones(1))\ns.update()", AssertionError, RuntimeError,
     ("GradScaler.update", "No inf checks were recorded prior to update", "scaler.step(optimizer)")),
    ("scaler_update_before_scale", SCALER + "s.update()", AssertionError, RuntimeError,
     ("GradScaler.update", "no scale yet", "scaler.scale(loss)")),
    ("scaler_growth_factor_below_one", "torch.amp.GradScaler('cpu', growth_factor=0.5)", AssertionError,
     ValueError, ("GradScaler", "growth factor must be > 1.0", "0.5")),
    ("scaler_backoff_factor_above_one", "torch.amp.GradScaler('cpu', backoff_factor=1.5)", AssertionError,
     ValueError, ("GradScaler", "backoff factor must be < 1.0", "1.5")),
    ("scaler_new_scale_of_two_values", SCALER + "s.scale(torch.ones(1))\ns.update(torch.ones(2))", AssertionError,
     ValueError, ("GradScaler.update", "1-element", "Size([2])")),
    ("scaler_new_scale_requiring_grad", SCALER + "s.scale(torch.ones(1))\n"
     "s.update(torch.ones(1, requires_grad=True))", AssertionError, ValueError,
     ("GradScaler.update", "without requires_grad", "requires_grad=True")),
    ("lambda_lr_of_a_model", "optim.lr_scheduler.LambdaLR(nn.Linear(2, 2), lambda e: 1.0)", AttributeError,
     TypeError, ("LambdaLR", "got Linear", "pass its optimizer")),
    ("multiplicative_lr_of_none", "optim.lr_scheduler.MultiplicativeLR(None, lambda e: 1.0)", AttributeError,
     TypeError, ("MultiplicativeLR", "got NoneType")),
    ("step_lr_of_a_number", "optim.lr_scheduler.StepLR(3, 1)", TypeError, TypeError,
     ("StepLR", "expected an nn.optim Optimizer, got int")),
    ("clip_grad_norm_max_norm_a_string", "p = nn.Parameter(torch.ones(2))\np.grad = torch.ones(2)\n"
     "nn.utils.clip_grad_norm_([p], 'a')", ValueError, ValueError, ("clip_grad_norm_", "max_norm", "str 'a'")),
    ("clip_grad_norm_max_norm_none", "p = nn.Parameter(torch.ones(2))\np.grad = torch.ones(2)\n"
     "nn.utils.clip_grad_norm_([p], None)", TypeError, TypeError, ("clip_grad_norm_", "max_norm", "NoneType")),
    ("lbfgs_closure_returning_nothing", "p = nn.Parameter(torch.ones(2))\noptim.LBFGS([p]).step(lambda: None)",
     TypeError, TypeError, ("LBFGS.step", "closure must return the loss", "return loss")),
]

LAYERS = [
    ("embedding_negative_num_embeddings", "nn.Embedding(-1, 3)", RuntimeError, RuntimeError,
     ("Embedding", "negative dimension -1", "num_embeddings must be >= 0")),
    ("embedding_negative_embedding_dim", "nn.Embedding(3, -1)", RuntimeError, RuntimeError,
     ("Embedding", "embedding_dim must be >= 0")),
    ("embedding_fractional_size", "nn.Embedding(2.5, 3)", TypeError, TypeError,
     ("Embedding", "num_embeddings must be an int", "float 2.5")),
    ("embedding_bag_negative_size", "nn.EmbeddingBag(-2, 3)", RuntimeError, RuntimeError,
     ("EmbeddingBag", "negative dimension -2")),
    ("full_backward_hook_returning_a_number", "m = nn.Linear(2, 2)\n"
     "m.register_full_backward_hook(lambda m, gi, go: 3)\nm(torch.ones(1, 2, requires_grad=True)).sum().backward()",
     TypeError, TypeError, ("backward hook of Linear", "returned int 3", "tuple of grad_input")),
    ("interpolate_size_a_float_tensor", "F.interpolate(torch.ones(1, 1, 4), size=torch.tensor(8.0))", TypeError,
     TypeError, ("interpolate", "size must be an int")),
    ("layer_norm_fractional_shape", "nn.LayerNorm((2.5,))", TypeError, Exception,
     ("LayerNorm", "normalized_shape must be an int or a tuple of ints", "(2.5,)")),
    ("layer_norm_shape_a_float", "nn.LayerNorm(2.5)", TypeError, TypeError, ("LayerNorm", "got 2.5")),
    ("functional_layer_norm_whole_float", "F.layer_norm(torch.ones(2, 3), (3.0,))", TypeError, Exception,
     ("layer_norm", "normalized_shape", "(3.0,)")),
    ("lstm_fractional_proj_size", "nn.LSTM(4, 5, proj_size=2.5)", TypeError, TypeError,
     ("LSTM", "proj_size should be of type int", "float 2.5")),
    ("dropout_p_a_string", "nn.Dropout('a')", TypeError, TypeError, ("Dropout", "p must be a probability", "str 'a'")),
    ("conv_fractional_out_channels", "nn.Conv2d(3, 2.5, 3)", ValueError, ValueError,
     ("Conv2d", "out_channels must be an int", "float 2.5")),
    ("conv_float_in_channels", "nn.Conv2d(3.0, 2, 3)", TypeError, TypeError,
     ("Conv2d", "in_channels must be an int", "float 3.0")),
    ("upsample_scale_factor_a_string", "nn.Upsample(scale_factor='a')(torch.ones(1, 1, 4))", ValueError, ValueError,
     ("Upsample", "scale_factor must be a number", "'a'")),
]

CASES = AUTOGRAD + LINALG_FFT + OPTIMISATION + LAYERS

# calls near the mistakes above that PyTorch accepts: the same value from both (the last line's value)
ACCEPTED = [
    ("backward_gradient_a_tuple_of_one_tensor", R + "y.backward((torch.tensor([1.0, 2.0, 3.0]),))\nx.grad"),
    ("backward_gradient_list_of_one_tensor", R + "torch.autograd.backward(y, [torch.tensor([1.0, 0.5, 2.0])])\n"
     "x.grad"),
    ("grad_outputs_a_tuple_of_one_tensor", R + "torch.autograd.grad(y, x, grad_outputs=(torch.ones(3),))[0]"),
    ("scaler_update_with_an_integer_tensor", SCALER + "s.scale(torch.ones(1))\ns.update(torch.tensor(2))\n"
     "s.get_scale()"),
    ("interpolate_size_a_0d_tensor", "F.interpolate(torch.arange(4.0).reshape(1, 1, 4), size=torch.tensor(8))"),
    ("interpolate_sizes_holding_a_0d_tensor", "F.interpolate(torch.arange(4.0).reshape(1, 1, 2, 2), "
     "size=(torch.tensor(4), 3))"),
    ("cholesky_ex_info_of_a_nan_pivot", f"torch.linalg.cholesky_ex({NAN_PIVOT}).info"),
    ("cholesky_ex_info_per_batch_element", f"torch.linalg.cholesky_ex(torch.stack([{NAN_PIVOT}, -torch.eye(2), "
     "torch.eye(2)])).info"),
    ("cholesky_with_upper_a_bool", "torch.linalg.cholesky(torch.tensor([[4.0, 2.0], [2.0, 3.0]]), upper=True)"),
    ("requires_grad_set_to_a_bool", "x = torch.ones(3)\nx.requires_grad = True\nx.requires_grad"),
    ("fft_norm_a_string", "torch.fft.fft(torch.ones(4), norm='ortho').real"),
]

# refusals kept where PyTorch computes something malformed, or takes an argument it fails on only later
KEPT_REFUSALS = [
    # PyTorch packs lengths past the padded length: batch_sizes [2, 2, 1, 1] over 5 rows of data
    ("pack_lengths_past_the_padding", "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 4), torch.tensor([4, 2]))",
     RuntimeError, RuntimeError, ("pack_padded_sequence", "[1, 3]", "[4, 2]")),
    # PyTorch's no_grad(3) wraps the number as if it were a function
    ("no_grad_of_a_number", "torch.no_grad(3)", TypeError, TypeError, ("no_grad",)),
    # PyTorch takes mode='foo' and fails at the first forward
    ("embedding_bag_unknown_mode", "nn.EmbeddingBag(5, 3, mode='foo')", ValueError, ValueError,
     ("EmbeddingBag", "mode must be one of", "'foo'")),
    # PyTorch takes line_search_fn='foo' and fails at the first step
    ("lbfgs_unknown_line_search", "optim.LBFGS([nn.Parameter(torch.ones(2))], line_search_fn='foo')", ValueError,
     ValueError, ("LBFGS", "line_search_fn", "'strong_wolfe'")),
    # PyTorch leaves its autocast switches changed after this TypeError (not compared with the oracle)
    ("autocast_cache_enabled_a_string", "with torch.autocast('cpu', cache_enabled='yes'):\n    pass", TypeError,
     Exception, ("autocast", "'cache_enabled'", "must be bool")),
]


@pytest.mark.parametrize("case", CASES + AUTOCAST, ids=[c[0] for c in CASES + AUTOCAST])
def test_mistake_raises_pytorchs_type_naming_the_op_and_values(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_pytorch_raises_the_type_we_match(case):
    """The oracle (our LinAlgError stands for torch.linalg.LinAlgError: both are RuntimeErrors of their library)."""
    if case[2] is LinAlgError:
        torch = pytest.importorskip("torch")
        assert isinstance(raised(case[1], pytorch_names(torch)), torch.linalg.LinAlgError)
        assert isinstance(raised(case[1], pytorch_names()), LinAlgError)
        return
    check_oracle_quietly(case)


@pytest.mark.parametrize("case", AUTOCAST, ids=[c[0] for c in AUTOCAST])
def test_pytorch_autocast_raises_the_type_we_match(case):
    torch = pytest.importorskip("torch")
    enabled, dtype = torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu")
    try:
        check_oracle_quietly(case)
    finally:
        torch.set_autocast_enabled("cpu", enabled)
        torch.set_autocast_dtype("cpu", dtype)
    assert not ag.is_autocast_enabled("cpu")   # ours leaves nothing switched on


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-6)


@pytest.mark.parametrize("case", KEPT_REFUSALS, ids=[c[0] for c in KEPT_REFUSALS])
def test_refusals_kept_where_pytorch_computes_something_malformed(case):
    check_mistake(case, pytorch_names())


def test_a_list_gradient_is_no_longer_read_as_values():
    """y.backward([1.0, 2.0, 3.0]) seeded backward with those values before; PyTorch refuses it, and a gradient
    given as a Tensor still seeds it."""
    x = ag.ones(3, requires_grad=True)
    with pytest.raises(TypeError):
        (x * 2).backward([1.0, 2.0, 3.0])
    assert x.grad is None
    (x * 2).backward(ag.tensor([1.0, 2.0, 3.0]))
    assert x.grad.tolist() == [2.0, 4.0, 6.0]


def test_cholesky_of_nan_no_longer_returns_nan_silently():
    """OpenBLAS let a NaN pivot through: the factor came back NaN and info said 0."""
    a = ag.tensor([[4.0, 0.0], [0.0, float("nan")]])
    with pytest.raises(LinAlgError):
        ag.linalg.cholesky(a)
    assert ag.linalg.cholesky_ex(a).info.item() == 2
    np.testing.assert_allclose(ag.linalg.cholesky(ag.tensor([[4.0, 2.0], [2.0, 3.0]])).numpy(),
                               [[2.0, 0.0], [1.0, np.sqrt(2.0)]], rtol=1e-6)


def test_requires_grad_flags_still_take_numpy_bools():
    """NumPy bools (what comparisons of NumPy values give) stay accepted: PyTorch refuses them, deepgrad's own code
    passes them on."""
    x = ag.ones(2).requires_grad_(np.True_)
    assert x.requires_grad is True
    x.requires_grad = np.False_
    assert x.requires_grad is False


def test_layer_norm_no_longer_truncates_a_fractional_shape():
    """LayerNorm((2.5,)) normalised over 2 features before (int() truncated the size)."""
    import nn
    with pytest.raises(TypeError):
        nn.LayerNorm((2.5,))
    assert nn.LayerNorm(np.int64(3)).normalized_shape == (3,)
    assert nn.LayerNorm([2, 3])(ag.ones(4, 2, 3)).shape == (4, 2, 3)
