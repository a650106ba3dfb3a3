"""Round 17 of newcomer mistakes in PyTorch spelling (rounds 1-16: tests/test_bad_input_sweep.py ... _round11.py,
test_bad_input_round12.py ... test_bad_input_round16.py). First round 16's leftovers, all taken silently before: a
dtype name ('float32') given to Tensor.to / Module.to (PyTorch reads a positional string as a device) or as the
`dtype=` of the reductions, scans, softmax and norms, and a NumPy scalar type (np.float32) as the `dtype=` of the
creation functions, the *_like and new_* factories and those reductions. deepgrad's own nn and nn.keras code still
passes both (Keras's dtypes are names), as do autograd's functions to each other. Then the ground earlier rounds
touched least: torch.linalg, torch.fft, stft, interpolate, pad, grid_sample, fold/unfold, pixel shuffles,
pack_padded_sequence, DataLoader, save/load paths, nn.init fans, clip_grad_norm_ / get_total_norm, schedulers and
GradScaler misuse (get_total_norm's norm_type='x' raised float()'s bare message). Each must raise the exception type
PyTorch raises, still an instance of the type deepgrad raised before (Exception where deepgrad accepted the call),
with a message naming the op, the values involved and the fix; where PyTorch accepts a call, we accept it and give
PyTorch's result."""
import numpy as np
import pytest

import autograd as ag
import nn

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names

NOT_A_DTYPE = "argument 'dtype' must be torch.dtype, not"
O = "o = torch.ones(2, 3)\n"
M = "m = nn.Linear(2, 2)\n"
GRADS = "m = nn.Linear(2, 2); m(torch.ones(1, 2)).sum().backward()\n"
OPT = "o = optim.SGD([torch.ones(2, requires_grad=True)], lr=0.1)\n"
SCALED = "p = torch.ones(2, requires_grad=True); o = optim.SGD([p], lr=0.1)\nsc = torch.amp.GradScaler('cpu')\n" \
         "sc.scale(p.sum()).backward()\n"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; Exception where we accepted the call), substrings the message must hold
TO_A_NAME = [
    ("to_a_dtype_name", O + "o.to('float32')", RuntimeError, Exception,
     ("to()", "invalid device string: 'float32'", "to(torch.float32)")),
    ("to_numpys_float_name", O + "o.to('float')", RuntimeError, Exception, ("to()", "'float'", "torch.float64")),
    ("to_dtype_keyword_a_name", O + "o.to(dtype='float64')", TypeError, Exception,
     ("to()", NOT_A_DTYPE + " str ('float64')", "dtype=torch.float64")),
    ("to_a_device_and_a_dtype_name", O + "o.to('cpu', 'float64')", TypeError, Exception,
     ("to()", "'float64'", "torch.float64")),
    ("to_device_and_dtype_keywords_a_name", O + "o.to(device='cpu', dtype='float32')", TypeError, Exception,
     ("to()", "str ('float32')")),
    ("module_to_a_dtype_name", M + "m.to('float64')", RuntimeError, Exception,
     ("Module.to()", "invalid device string: 'float64'", "torch.float64")),
    ("module_to_dtype_keyword_a_name", M + "m.to(dtype='float64')", TypeError, Exception,
     ("Module.to()", NOT_A_DTYPE + " str ('float64')", "dtype=torch.float64")),
    ("asarray_of_a_dtype_name", "torch.asarray([1.0], dtype='float64')", TypeError, TypeError,
     ("asarray()", NOT_A_DTYPE + " str ('float64')", "dtype=torch.float64")),
    # a layer hands its dtype= to the factory that makes its parameters, whose refusal PyTorch shows too
    ("linear_of_a_dtype_name", "nn.Linear(2, 2, dtype='float64')", TypeError, Exception,
     ("empty()", NOT_A_DTYPE + " str ('float64')", "dtype=torch.float64")),
    ("embedding_of_a_dtype_name", "nn.Embedding(3, 2, dtype='float32')", TypeError, Exception,
     ("randn()", "str ('float32')", "dtype=torch.float32")),
    ("layer_norm_of_a_dtype_name", "nn.LayerNorm(3, dtype='float64')", TypeError, Exception,
     ("ones()", "str ('float64')")),
]

REDUCTION_NAMES = [
    (f"{op}_dtype_a_name", O + call, TypeError, Exception, (f"{op}()", NOT_A_DTYPE + " str (", "dtype=torch."))
    for op, call in [
        ("sum", "o.sum(dtype='float64')"), ("sum", "torch.sum(o, 0, dtype='float64')"),
        ("mean", "o.mean(dtype='float64')"), ("prod", "o.prod(dtype='float64')"),
        ("nansum", "o.nansum(dtype='float64')"), ("nanmean", "o.nanmean(dtype='float64')"),
        ("cumsum", "o.cumsum(0, dtype='float64')"), ("cumsum", "torch.cumsum(o, 1, dtype='int64')"),
        ("cumprod", "o.cumprod(0, dtype='float64')"), ("softmax", "o.softmax(0, dtype='float64')"),
        ("softmax", "F.softmax(o, 1, dtype='float64')"), ("log_softmax", "F.log_softmax(o, 1, dtype='float64')"),
        ("log_softmax", "torch.log_softmax(o, 1, dtype='float64')"), ("softmin", "F.softmin(o, 1, dtype='float64')"),
        ("norm", "o.norm(dtype='float64')"),
        ("norm", "torch.norm(o, dtype='float64')"), ("linalg.vector_norm", "torch.linalg.vector_norm(o, dtype='float64')"),
        ("linalg.matrix_norm", "torch.linalg.matrix_norm(o, dtype='float64')"),
        ("linalg.norm", "torch.linalg.norm(o, dtype='float64')"),
    ]
]

# the ground earlier rounds touched least: these matched PyTorch already; kept here so that they stay so
LINALG = [
    ("inv_of_a_non_square", "torch.linalg.inv(torch.ones(2, 3))", RuntimeError, ValueError,
     ("linalg.inv", "square", "2 by 3")),
    ("det_of_a_non_square", "torch.linalg.det(torch.ones(2, 3))", RuntimeError, ValueError, ("linalg.det", "2 by 3")),
    ("cholesky_of_a_non_square", "torch.linalg.cholesky(torch.ones(2, 3))", RuntimeError, ValueError,
     ("linalg.cholesky", "2 by 3")),
    ("solve_batch_mismatch", "torch.linalg.solve(torch.eye(3).expand(2, 3, 3), torch.ones(3, 3, 1))",
     RuntimeError, ValueError, ("linalg.solve", "(2, 3, 3)", "(3, 3, 1)")),
    ("lstsq_rows_mismatch", "torch.linalg.lstsq(torch.ones(3, 2), torch.ones(4, 1))", RuntimeError, ValueError,
     ("linalg.lstsq", "(3, 2)", "(4, 1)")),
    ("inv_of_integers", "torch.linalg.inv(torch.ones(2, 2, dtype=torch.int64))", RuntimeError, TypeError,
     ("linalg.inv", "int64", ".double()")),
    ("matrix_power_of_a_non_square", "torch.linalg.matrix_power(torch.ones(2, 3), 2)", RuntimeError, ValueError,
     ("linalg.matrix_power", "(2, 3)")),
    ("matrix_power_a_fraction", "torch.linalg.matrix_power(torch.eye(2), 1.5)", TypeError, TypeError,
     ("matrix_power",)),
    ("vector_norm_ord_fro", "torch.linalg.vector_norm(torch.ones(3), ord='fro')", TypeError, TypeError,
     ("linalg.vector_norm", "'fro'", "linalg.matrix_norm")),
    ("matrix_norm_ord_3", "torch.linalg.matrix_norm(torch.ones(3, 3), ord=3)", RuntimeError, ValueError,
     ("linalg.matrix_norm", "Order 3 not supported")),
    ("qr_mode_bad", "torch.linalg.qr(torch.ones(3, 3), mode='bad')", RuntimeError, ValueError,
     ("linalg.qr", "'bad'", "'complete'")),
]

FFT = [
    ("fft_n_zero", "torch.fft.fft(torch.ones(4), n=0)", RuntimeError, ValueError,
     ("fft.fft", "Invalid number of data points (0)".lower())),
    ("fft_dim_out_of_range", "torch.fft.fft(torch.ones(4), dim=1)", IndexError, IndexError, ("1",)),
    ("fft_norm_bad", "torch.fft.fft(torch.ones(4), norm='bad')", RuntimeError, ValueError,
     ("fft.fft", "'bad'", "'ortho'")),
    ("rfft_of_complex", "torch.fft.rfft(torch.ones(4, dtype=torch.complex64))", RuntimeError, TypeError,
     ("fft.rfft", "complex64", "fft.fft")),
    ("irfft_of_one_value", "torch.fft.irfft(torch.ones(1, dtype=torch.complex64))", RuntimeError, ValueError,
     ("fft.irfft", "(0)", "pass n")),
    ("fftn_dims_repeated", "torch.fft.fftn(torch.ones(4, 4), dim=(0, 0))", RuntimeError, ValueError,
     ("fft.fftn", "unique")),
    ("stft_without_return_complex", "torch.stft(torch.ones(100), 16)", RuntimeError, RuntimeError,
     ("stft", "return_complex")),
    ("stft_window_of_the_wrong_length", "torch.stft(torch.ones(100), 16, window=torch.ones(10), "
     "return_complex=True)", RuntimeError, RuntimeError, ("stft", "10")),
]

RESAMPLING = [
    ("interpolate_size_and_scale", "F.interpolate(torch.ones(1, 1, 4), size=2, scale_factor=2.0)", ValueError,
     ValueError, ("interpolate", "size", "scale_factor")),
    ("interpolate_bilinear_on_3d", "F.interpolate(torch.ones(1, 1, 4), mode='bilinear', scale_factor=2.0)",
     NotImplementedError, ValueError, ("interpolate", "'bilinear'", "4-D")),
    ("interpolate_align_corners_nearest", "F.interpolate(torch.ones(1, 1, 4, 4), scale_factor=2.0, "
     "align_corners=True)", ValueError, ValueError, ("interpolate", "align_corners", "'nearest'")),
    ("interpolate_negative_size", "F.interpolate(torch.ones(1, 1, 4), size=-2)", RuntimeError, ValueError,
     ("interpolate", "(-2,)")),
    ("pad_odd_length", "F.pad(torch.ones(1, 2, 3), (1, 2, 3))", RuntimeError, ValueError,
     ("pad", "(1, 2, 3)", "odd")),
    ("reflect_pad_too_large", "F.pad(torch.ones(1, 2, 3), (3, 3), mode='reflect')", RuntimeError, ValueError,
     ("pad", "(3, 3)", "size 3")),
    ("pad_mode_bad", "F.pad(torch.ones(1, 2, 3), (1, 1), mode='bad')", NotImplementedError, ValueError,
     ("pad", "'bad'", "'reflect'")),
    ("grid_sample_grid_of_wrong_shape", "F.grid_sample(torch.ones(1, 1, 4, 4), torch.zeros(1, 2, 2, 3))",
     RuntimeError, ValueError, ("grid_sample", "(N, H_out, W_out, 2)")),
    ("unfold_kernel_too_large", "F.unfold(torch.ones(1, 2, 4, 4), kernel_size=5)", RuntimeError, ValueError,
     ("unfold", "(5, 5)", "(4, 4)")),
    ("fold_channels_not_divisible", "F.fold(torch.ones(1, 7, 9), output_size=(4, 4), kernel_size=2)",
     RuntimeError, ValueError, ("fold", "7", "4")),
    ("fold_block_count_mismatch", "F.fold(torch.ones(1, 8, 10), output_size=(4, 4), kernel_size=2)",
     RuntimeError, ValueError, ("fold", "10 blocks", "9")),
    ("upsample_bilinear_on_3d", "nn.Upsample(scale_factor=2.0, mode='bilinear')(torch.ones(1, 1, 4))",
     NotImplementedError, ValueError, ("interpolate", "'bilinear'")),
    ("pixel_shuffle_channels_not_divisible", "nn.PixelShuffle(2)(torch.ones(1, 3, 2, 2))", RuntimeError,
     ValueError, ("pixel_shuffle", "3", "4")),
]

SEQUENCES_AND_DATA = [
    ("pack_unsorted_lengths", "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), torch.tensor([1, 3]))",
     RuntimeError, ValueError, ("pack_padded_sequence", "[1, 3]", "enforce_sorted")),
    ("pack_zero_length", "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), torch.tensor([3, 0]))",
     RuntimeError, ValueError, ("pack_padded_sequence", "greater than 0")),
    ("loader_batch_size_zero", "DataLoader(TensorDataset(torch.ones(4)), batch_size=0)", ValueError, ValueError,
     ("DataLoader", "batch_size", "0")),
    ("loader_sampler_and_shuffle", "DataLoader(TensorDataset(torch.ones(4)), sampler=SequentialSampler(range(4)), "
     "shuffle=True)", ValueError, ValueError, ("DataLoader", "shuffle", "sampler")),
    ("loader_batch_sampler_and_batch_size", "DataLoader(TensorDataset(torch.ones(4)), batch_sampler="
     "BatchSampler(SequentialSampler(range(4)), 2, False), batch_size=2)", ValueError, ValueError,
     ("DataLoader", "batch_sampler", "batch_size")),
    ("loader_negative_workers", "DataLoader(TensorDataset(torch.ones(4)), num_workers=-1)", ValueError, ValueError,
     ("DataLoader", "num_workers", "-1")),
    ("collate_of_mismatched_shapes", "list(DataLoader([torch.ones(2), torch.ones(3)], batch_size=2))",
     RuntimeError, ValueError, ("default_collate", "(2,)", "(3,)")),
    ("load_a_missing_file", "torch.load('/nonexistent_deepgrad_dir/x.pt')", FileNotFoundError, FileNotFoundError,
     ("load", "x.pt")),
    ("load_a_folder", "torch.load('/')", IsADirectoryError, IsADirectoryError, ("load", "folder")),
]

INIT_CLIP_SCHEDULES = [
    (f"{op}_of_a_vector", f"nn.init.{op}(torch.ones(3))", ValueError, ValueError, (op, "2 dimensions", "3"))
    for op in ("kaiming_uniform_", "kaiming_normal_", "xavier_normal_", "xavier_uniform_", "orthogonal_")
] + [
    ("clip_grad_norm_type_x", GRADS + "nn.utils.clip_grad_norm_(m.parameters(), 1.0, norm_type='x')", ValueError,
     ValueError, ("clip_grad_norm_", "norm_type", "'x'")),
    ("clip_grad_nonfinite", "m = nn.Linear(2, 2); (m(torch.ones(1, 2)).sum() * float('inf')).backward()\n"
     "nn.utils.clip_grad_norm_(m.parameters(), 1.0, error_if_nonfinite=True)", RuntimeError, RuntimeError,
     ("clip_grad_norm_", "non-finite")),
    ("get_total_norm_type_x", GRADS + "nn.utils.get_total_norm([p.grad for p in m.parameters()], norm_type='x')",
     ValueError, ValueError, ("get_total_norm", "norm_type", "'x'")),
    ("get_total_norm_type_none", GRADS + "nn.utils.get_total_norm([p.grad for p in m.parameters()], "
     "norm_type=None)", TypeError, TypeError, ("get_total_norm", "norm_type", "None")),
    ("one_cycle_past_total_steps", OPT + "s = optim.lr_scheduler.OneCycleLR(o, max_lr=1.0, total_steps=2)\n"
     "for _ in range(3): o.step(); s.step()", ValueError, ValueError, ("Tried to step 3 times", "total steps is 2")),
    ("lambda_lr_count_mismatch", OPT + "optim.lr_scheduler.LambdaLR(o, [lambda e: 1.0, lambda e: 1.0])",
     ValueError, ValueError, ("LambdaLR", "2", "1 param groups")),
    ("step_lr_step_size_zero", OPT + "s = optim.lr_scheduler.StepLR(o, step_size=0)\no.step(); s.step()",
     ZeroDivisionError, ValueError, ("StepLR", "step_size", "0")),
    ("scaler_unscale_twice", SCALED + "sc.unscale_(o); sc.unscale_(o)", RuntimeError, RuntimeError,
     ("unscale_", "already been called")),
    ("scaler_step_twice", SCALED + "sc.step(o); sc.step(o)", RuntimeError, RuntimeError,
     ("GradScaler.step", "already been called")),
]

CASES = (TO_A_NAME + REDUCTION_NAMES + LINALG + FFT + RESAMPLING + SEQUENCES_AND_DATA
         + INIT_CLIP_SCHEDULES)


def _ids(cases):
    """Unique ids: the REDUCTION_NAMES table names some ops twice (method and function forms)."""
    seen = {}
    out = []
    for case in cases:
        seen[case[0]] = seen.get(case[0], 0) + 1
        out.append(case[0] if seen[case[0]] == 1 else f"{case[0]}_{seen[case[0]]}")
    return out


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_mistake_raises_pytorchs_type_naming_the_op_and_values(case):
    check_mistake(case, pytorch_names())


@pytest.mark.parametrize("case", CASES, ids=_ids(CASES))
def test_pytorch_raises_the_type_we_match(case):
    check_oracle_quietly(case)


# PyTorch accepts these and reads past the padded sequence (its result depends on memory it does not own): deepgrad
# refuses them, with the error type PyTorch gives the other bad lengths
STRICTER = [
    ("pack_length_longer_than_the_sequence", "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), "
     "torch.tensor([4, 3]))", RuntimeError, ValueError, ("pack_padded_sequence", "[4, 3]", "[1, 3]")),
    ("pack_unsorted_length_longer_than_the_sequence", "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), "
     "torch.tensor([3, 4]), enforce_sorted=False)", RuntimeError, ValueError, ("pack_padded_sequence", "[3, 4]")),
]


@pytest.mark.parametrize("case", STRICTER, ids=[c[0] for c in STRICTER])
def test_lengths_past_the_sequence_are_refused(case):
    check_mistake(case, pytorch_names())


# calls near the mistakes above that PyTorch accepts: the same value from both (the last line's value)
ACCEPTED = [
    ("to_a_device_name", O + "o.to('cpu')"),
    ("to_a_dtype", O + "o.to(torch.float64)"),
    ("to_python_float", O + "o.to(float).dtype == torch.float64"),
    ("to_device_and_dtype", O + "o.to('cpu', torch.float64)"),
    ("module_to_a_dtype", M + "m.to(torch.float64).weight.dtype == torch.float64"),
    ("sum_of_a_dtype", O + "o.sum(dtype=torch.float64)"),
    ("sum_of_python_float", "torch.tensor([1, 2]).sum(dtype=float)"),
    ("cumsum_of_a_dtype", O + "o.cumsum(1, dtype=torch.float64)"),
    ("softmax_of_a_dtype", O + "F.softmax(o, 1, dtype=torch.float64)"),
    ("norm_of_a_dtype", O + "torch.linalg.vector_norm(o, dtype=torch.float64)"),
    ("zeros_of_python_int", "torch.zeros(2, dtype=int)"),
    ("irfft_odd_size", "torch.fft.irfft(torch.tensor([1 + 1j, 2 - 1j, 3 + 2j]), n=5)"),
    ("step_lr_negative_step_size", OPT + "s = optim.lr_scheduler.StepLR(o, step_size=-1)\n"
     "for _ in range(2): o.step(); s.step()\no.param_groups[0]['lr']"),
    ("multistep_unsorted_milestones", OPT + "s = optim.lr_scheduler.MultiStepLR(o, milestones=[3, 1], gamma=0.5)\n"
     "lrs = []\nfor _ in range(4): o.step(); s.step(); lrs.append(o.param_groups[0]['lr'])\nlrs"),
    ("clip_grad_negative_norm_type", GRADS + "nn.utils.clip_grad_norm_(m.parameters(), 1.0, norm_type=-1)"),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_calls_pytorch_accepts_run_and_match(case):
    check_accepted(case, rtol=1e-6)


def test_deepgrad_dtypes_and_numpy_types_still_work():
    """deepgrad's dtypes are NumPy dtype objects and stay accepted everywhere; astype (NumPy's spelling) keeps
    taking names and NumPy types; NumPy scalar types stay accepted as dtype= and by Tensor.to / Module.to, where
    PyTorch refuses them (deepgrad's own tests pass np.float32 to ag.rand and move modules with .to(np.float64));
    autograd's own functions pass them to each other (GradScaler's scale, made by full(dtype=np.float32))."""
    assert ag.zeros(2, dtype=np.dtype("float64")).dtype == ag.float64
    assert ag.zeros(2, dtype=np.float64).dtype == ag.float64 and ag.rand(2, dtype=np.float64).dtype == ag.float64
    assert ag.ones(2).new_zeros(2, dtype=np.int32).dtype == ag.int32
    assert ag.ones(2).sum(dtype=np.float64).dtype == ag.float64
    assert ag.ones(2).sum(dtype=ag.float64).dtype == ag.float64
    assert ag.ones(2).astype("float64").dtype == ag.float64 and ag.ones(2).astype(np.int32).dtype == ag.int32
    assert ag.ones(2).to(np.float64).dtype == ag.float64
    assert nn.Linear(2, 2).to(np.float64).weight.dtype == ag.float64
    p = ag.ones(2, requires_grad=True)
    assert ag.amp.GradScaler("cpu").scale(p.sum()).item() == 131072.0


def test_nn_keras_still_passes_dtype_names():
    """nn.keras speaks Keras, whose dtypes are names: its casts, reductions and softmax hand them on."""
    from nn import keras
    x = np.arange(6.0, dtype=np.float32).reshape(2, 3)
    assert keras.ops.cast(x, "float64").dtype == ag.float64
    assert keras.ops.sum(x, axis=0).tolist() == [3.0, 5.0, 7.0]
    assert np.allclose(keras.ops.softmax(x).numpy().sum(-1), 1.0)
    assert keras.layers.Dense(2, dtype="float64")(x).dtype == ag.float64
