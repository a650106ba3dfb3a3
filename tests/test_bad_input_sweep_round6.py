"""Round 6 of newcomer mistakes in PyTorch spelling (rounds 1-5: tests/test_bad_input_sweep.py, _round2.py ...
_round5.py), in the areas those left out: module constructor arguments (negative or fractional sizes, empty
kernels, recurrent layers' dropout, sizes and proj_size, containers given a list or a single module), optimiser and
scheduler misuse (one beta, nesterov with dampening, a state dict from another optimizer kind, zero step sizes),
loss arguments (reduction=None, the inputs given to the loss's constructor, targets of another shape, weights that
do not fit), state dicts holding numbers instead of tensors, and nn.init on the wrong thing or an empty range. Each
must raise the exception type PyTorch raises, still an instance of the type deepgrad raised before, with a message
naming the op, the shapes or values involved and the fix; where PyTorch accepts the call, we accept it and give
PyTorch's result, and where PyTorch warns, we warn too."""
import warnings

import pytest

from tests.bad_input_checks import check_accepted, check_mistake, check_oracle_quietly, pytorch_names, raised

P = "nn.Parameter(torch.ones(2))"
SGD = f"o = optim.SGD([{P}], lr=0.1)\n"
X4 = "torch.randn(1, 1, 4, 4)"

# id, code (PyTorch spelling), PyTorch's exception type, the type deepgrad raised before (kept, so that existing
# `except` clauses still catch it; the new type's base where we accepted the call or raised something unrelated),
# substrings the message must hold
CONSTRUCTORS = [
    ("Linear_negative_in_features", "nn.Linear(-1, 3)", RuntimeError, ValueError,
     ("Linear", "in_features", "-1", "x.shape[-1]")),
    ("Linear_fractional_in_features", "nn.Linear(3.0, 2)", TypeError, TypeError,
     ("Linear", "in_features", "float", "int(n)")),
    ("Conv2d_kernel_size_0", f"nn.Conv2d(1, 1, 0)({X4})", RuntimeError, RuntimeError,
     ("conv2d", "kernel size should be greater than zero", "(0, 0)", "kernel_size >= 1")),
    ("Conv1d_kernel_size_0", "nn.Conv1d(1, 1, 0)(torch.randn(1, 1, 4))", RuntimeError, RuntimeError,
     ("conv1d", "kernel size", "(0,)")),
    ("Conv3d_kernel_size_0", "nn.Conv3d(1, 1, 0)(torch.ones(1, 1, 4, 4, 4))", RuntimeError, RuntimeError,
     ("conv3d", "kernel size", "(0, 0, 0)")),
    ("ConvTranspose2d_kernel_size_0", f"nn.ConvTranspose2d(1, 1, 0)({X4})", RuntimeError, RuntimeError,
     ("conv_transpose2d", "kernel size", "(0, 0)")),
    ("F_conv2d_empty_kernel", f"F.conv2d({X4}, torch.ones(1, 1, 0, 3))", RuntimeError, RuntimeError,
     ("conv2d", "[1, 1, 0, 3]")),
    ("Conv2d_out_channels_not_divisible_by_groups", "nn.Conv2d(4, 6, 3, groups=4)", ValueError, ValueError,
     ("Conv2d", "out_channels=6", "groups=4")),
    ("Conv2d_padding_Same", "nn.Conv2d(3, 4, 3, padding='Same')", ValueError, ValueError,
     ("Conv2d", "'Same'", "'same'", "padding=1")),
    ("Conv1d_padding_of_two_values", "nn.Conv1d(3, 4, 3, padding=(1, 1))(torch.ones(1, 3, 5))", RuntimeError,
     ValueError, ("Conv1d", "padding", "(1, 1)", "1 ints")),
    ("ConvTranspose2d_padding_same", "nn.ConvTranspose2d(3, 4, 3, padding='same')(torch.ones(1, 3, 5, 5))",
     TypeError, ValueError, ("ConvTranspose2d", "'same'", "output_padding")),
    ("ConvTranspose2d_reflect_padding", "nn.ConvTranspose2d(3, 4, 3, padding_mode='reflect')", ValueError,
     ValueError, ("ConvTranspose2d", "'zeros'", "'reflect'")),
    ("LSTM_dropout_1_5", "nn.LSTM(3, 4, num_layers=2, dropout=1.5)", ValueError, ValueError,
     ("LSTM", "dropout", "[0, 1]", "1.5")),
    ("LSTM_dropout_True", "nn.LSTM(3, 4, num_layers=2, dropout=True)", ValueError, ValueError,
     ("LSTM", "dropout", "not a bool", "True")),
    ("LSTM_num_layers_0", "nn.LSTM(3, 4, num_layers=0)", ValueError, ValueError,
     ("LSTM", "num_layers must be greater than zero", "0")),
    ("LSTM_hidden_size_0", "nn.LSTM(3, 0)", ValueError, ValueError, ("LSTM", "hidden_size must be greater than zero")),
    ("LSTM_fractional_hidden_size", "nn.LSTM(3, 4.0)", TypeError, TypeError,
     ("LSTM", "hidden_size should be of type int", "float", "int(n)")),
    ("LSTM_fractional_num_layers", "nn.LSTM(3, 4, num_layers=2.0)", TypeError, TypeError,
     ("LSTM", "num_layers", "float")),
    ("LSTM_proj_size_of_hidden_size", "nn.LSTM(3, 4, proj_size=4)", ValueError, ValueError,
     ("LSTM", "proj_size (4)", "smaller than hidden_size (4)")),
    ("GRU_proj_size", "nn.GRU(3, 4, proj_size=2)", ValueError, ValueError,
     ("GRU", "proj_size=2", "only supported for LSTM", "nn.LSTM")),
    ("RNN_proj_size", "nn.RNN(3, 4, proj_size=2)", ValueError, ValueError, ("RNN", "proj_size", "LSTM")),
    ("RNN_sigmoid", "nn.RNN(3, 4, nonlinearity='sigmoid')", ValueError, ValueError,
     ("RNN", "'sigmoid'", "'tanh' or 'relu'")),
    ("RNNCell_sigmoid", "nn.RNNCell(3, 4, nonlinearity='sigmoid')(torch.ones(2, 3))", RuntimeError, ValueError,
     ("RNNCell", "'sigmoid'", "'tanh' or 'relu'")),
    ("Embedding_padding_idx_of_num_embeddings", "nn.Embedding(10, 3, padding_idx=10)", AssertionError, ValueError,
     ("Embedding", "padding_idx=10", "[-10, 10)")),
    ("Dropout_negative", "nn.Dropout(p=-0.1)", ValueError, ValueError, ("Dropout", "[0, 1]", "-0.1")),
    ("Dropout2d_p_2", "nn.Dropout2d(p=2)", ValueError, ValueError, ("Dropout2d", "2")),
    ("AlphaDropout_negative", "nn.AlphaDropout(-0.5)", ValueError, ValueError, ("AlphaDropout", "-0.5")),
    ("GroupNorm_groups_do_not_divide", "nn.GroupNorm(3, 4)", ValueError, ValueError,
     ("GroupNorm", "num_channels (4)", "num_groups (3)")),
    ("GroupNorm_zero_groups", "nn.GroupNorm(0, 4)", ZeroDivisionError, ValueError,
     ("GroupNorm", "num_groups", "0", "GroupNorm(1, C)")),
    ("Upsample_size_and_scale_factor", "nn.Upsample(size=4, scale_factor=2)(torch.ones(1, 1, 2, 2))", ValueError,
     ValueError, ("interpolate", "exactly one of size and scale_factor")),
    ("Upsample_without_size_or_scale", "nn.Upsample()(torch.ones(1, 1, 2, 2))", ValueError, ValueError,
     ("interpolate", "size", "scale_factor")),
    ("Upsample_mode_typo", "nn.Upsample(scale_factor=2, mode='bilinar')(torch.ones(1, 1, 2, 2))",
     NotImplementedError, ValueError, ("interpolate", "'bilinar'", "'bilinear'")),
    ("TransformerEncoderLayer_heads_do_not_divide", "nn.TransformerEncoderLayer(10, 3)", AssertionError, ValueError,
     ("MultiheadAttention", "embed_dim (10)", "num_heads (3)")),
    ("TransformerEncoderLayer_activation_swish", "nn.TransformerEncoderLayer(8, 2, activation='swish')",
     RuntimeError, ValueError, ("activation", "'relu' or 'gelu'", "'swish'", "F.silu")),
    ("MultiheadAttention_embed_dim_0", "nn.MultiheadAttention(0, 2)", ValueError, ValueError,
     ("MultiheadAttention", "embed_dim=0")),
    ("MultiheadAttention_key_of_embed_dim_with_kdim", "m = nn.MultiheadAttention(8, 2, kdim=4, vdim=4)\n"
     "q = torch.randn(5, 2, 8)\nm(q, q, q)", AssertionError, ValueError,
     ("MultiheadAttention", "key with 4 features", "(5, 2, 8)")),
    ("Hardtanh_bounds_swapped", "nn.Hardtanh(1.0, -1.0)", AssertionError, ValueError,
     ("Hardtanh", "max_val (-1.0)", "min_val (1.0)", "nn.Hardtanh(min_val=-1.0, max_val=1.0)")),
    ("Hardtanh_empty_range", "nn.Hardtanh(0.0, 0.0)", AssertionError, ValueError,
     ("Hardtanh", "must be greater than min_val")),
    ("PixelShuffle_0", "nn.PixelShuffle(0)(torch.ones(1, 4, 2, 2))", RuntimeError, ValueError,
     ("pixel_shuffle", "upscale_factor", "positive", "0")),
    ("PixelShuffle_fractional", "nn.PixelShuffle(2.0)(torch.ones(1, 4, 2, 2))", TypeError, ValueError,
     ("pixel_shuffle", "upscale_factor", "float", "2.0")),
    ("pixel_unshuffle_0", "F.pixel_unshuffle(torch.ones(1, 1, 4, 4), 0)", RuntimeError, ValueError,
     ("pixel_unshuffle", "downscale_factor")),
    ("MaxPool2d_dilation_0", f"nn.MaxPool2d(2, dilation=0)({X4})", RuntimeError, ValueError,
     ("max_pool2d", "dilation", "0")),
    ("AvgPool2d_negative_padding", f"nn.AvgPool2d(2, padding=-1)({X4})", RuntimeError, ValueError,
     ("avg_pool2d", "padding", "-1")),
    ("AdaptiveAvgPool2d_negative_size", f"nn.AdaptiveAvgPool2d(-1)({X4})", RuntimeError, ValueError,
     ("adaptive_avg_pool2d", "output_size", "-1")),
    ("PReLU_without_parameters", "nn.PReLU(0)(torch.ones(2, 3))", RuntimeError, ValueError,
     ("prelu", "Size([0])", "PReLU(num_parameters=3)")),
    ("Sequential_of_a_list", "nn.Sequential([nn.Linear(3, 2), nn.ReLU()])", TypeError, TypeError,
     ("Sequential", "list", "not a Module", "nn.Sequential(*layers)")),
    ("ModuleList_of_one_module", "nn.ModuleList(nn.Linear(3, 2))", TypeError, TypeError,
     ("ModuleList", "iterable", "Linear", "nn.ModuleList([layer])")),
    ("ModuleDict_of_a_list_of_modules", "nn.ModuleDict([nn.Linear(3, 2)])", TypeError, TypeError,
     ("ModuleDict", "element #0", "Linear", "nn.ModuleDict({'fc'", "nn.ModuleList")),
    ("ModuleList_index_past_the_end", "nn.ModuleList([nn.Linear(2, 1)])[3]", IndexError, IndexError,
     ("index 3", "ModuleList of 1")),
    ("Sequential_index_past_the_end", "nn.Sequential(nn.Linear(3, 2), nn.ReLU())[5]", IndexError, IndexError,
     ("index 5", "Sequential of 2")),
    ("ModuleList_append_an_int", "nn.ModuleList().append(3)", TypeError, TypeError, ("Module", "int")),
    ("Unflatten_dim_past_the_rank", "nn.Unflatten(3, (2, 2))(torch.ones(2, 4))", IndexError, ValueError,
     ("Unflatten", "dim 3", "[2, 4]", "[-2, 1]")),
    ("Flatten_start_dim_past_the_rank", "nn.Flatten(3)(torch.ones(2, 3))", IndexError, IndexError,
     ("flatten", "dim 3", "[-2, 1]")),
    ("train_given_1", "nn.Linear(2, 1).train(1)", ValueError, ValueError, ("train", "boolean", "True or False")),
    ("get_submodule_missing", "nn.Sequential(nn.Linear(2, 1)).get_submodule('1')", AttributeError, AttributeError,
     ("get_submodule", "'1'", "['0']")),
    ("get_parameter_typo", "nn.Linear(2, 1).get_parameter('weights')", AttributeError, AttributeError,
     ("'weights'", "'weight'")),
    ("register_buffer_of_a_float", "m = nn.Module()\nm.register_buffer('x', 3.0)", TypeError, TypeError,
     ("register_buffer", "'x'", "float")),
    ("Parameter_of_int64", "nn.Parameter(torch.ones(2, dtype=torch.int64))", RuntimeError, TypeError,
     ("floating-point", "int64")),
    ("half_layer_float_input", "nn.Linear(3, 2).half()(torch.ones(1, 3))", RuntimeError, TypeError,
     ("linear", "float32", "float16", "x.to(weight.dtype)")),
    ("module_to_a_device_typo", "nn.Linear(3, 2).to('cpuu')", RuntimeError, TypeError, ("'cpuu'", "'cpu'")),
]

OPTIMIZERS = [
    ("SGD_nesterov_with_dampening", f"optim.SGD([{P}], lr=0.1, momentum=0.9, nesterov=True, dampening=0.1)",
     ValueError, ValueError, ("SGD", "nesterov", "dampening = 0", "dampening=0.1")),
    ("SGD_given_the_parameters_method", "m = nn.Linear(3, 2)\noptim.SGD(m.parameters, lr=0.1)", TypeError,
     TypeError, ("SGD", "method", "model.parameters()")),
    ("Adam_one_beta", f"optim.Adam([{P}], betas=(0.9,))", IndexError, ValueError,
     ("Adam", "betas", "(0.9,)", "betas=(0.9, 0.999)")),
    ("RMSprop_negative_momentum", f"optim.RMSprop([{P}], momentum=-0.1)", ValueError, ValueError,
     ("RMSprop", "momentum", "-0.1")),
    ("RMSprop_negative_eps", f"optim.RMSprop([{P}], eps=-1e-8)", ValueError, ValueError, ("RMSprop", "eps")),
    ("Adagrad_negative_initial_accumulator", f"optim.Adagrad([{P}], initial_accumulator_value=-1)", ValueError,
     ValueError, ("Adagrad", "initial_accumulator_value", "-1")),
    ("Adam_negative_weight_decay", f"optim.Adam([{P}], weight_decay=-0.1)", ValueError, ValueError,
     ("Adam", "weight_decay", "-0.1")),
    ("SGD_lr_None", f"optim.SGD([{P}], lr=None)", TypeError, TypeError, ("SGD", "lr", "NoneType")),
    ("load_state_dict_without_param_groups", SGD + "o.load_state_dict({'state': {}})", KeyError, ValueError,
     ("SGD.load_state_dict", "'param_groups'", "optimizer.state_dict()", "['state']")),
    ("SGD_loads_an_Adam_state_dict", f"w = {P}\na = optim.Adam([w], lr=0.1)\nw.grad = torch.ones(2)\na.step()\n"
     "s = optim.SGD([w], lr=0.1, momentum=0.9)\ns.load_state_dict(a.state_dict())\ns.step()", KeyError, ValueError,
     ("SGD.load_state_dict", "'betas'", "'momentum'", "another optimizer kind")),
    ("StepLR_step_size_0", SGD + "s = optim.lr_scheduler.StepLR(o, 0)\no.step()\ns.step()", ZeroDivisionError,
     ValueError, ("StepLR", "step_size", "0", "scheduler.step()")),
    ("CosineAnnealingLR_T_max_0", SGD + "s = optim.lr_scheduler.CosineAnnealingLR(o, 0)\no.step()\ns.step()",
     ZeroDivisionError, ValueError, ("CosineAnnealingLR", "T_max", "0", "T_max=epochs")),
    ("StepLR_of_None", "optim.lr_scheduler.StepLR(None, 2)", TypeError, TypeError, ("StepLR", "NoneType")),
    ("scheduler_resumed_without_initial_lr", SGD + "optim.lr_scheduler.StepLR(o, 2, last_epoch=5)", KeyError,
     KeyError, ("StepLR", "'initial_lr'", "last_epoch=5", "state_dict")),
    ("LinearLR_end_factor_2", SGD + "optim.lr_scheduler.LinearLR(o, end_factor=2.0)", ValueError, ValueError,
     ("LinearLR", "end_factor", "2.0")),
    ("OneCycleLR_max_lr_per_group_count", f"o = optim.SGD([{P}], lr=0.1, momentum=0.9)\n"
     "optim.lr_scheduler.OneCycleLR(o, max_lr=[0.1, 0.2], total_steps=10)", ValueError, ValueError,
     ("OneCycleLR", "2 max_lr", "1 param groups")),
    ("clip_grad_norm_of_an_inf_gradient", f"w = {P}\nw.grad = torch.tensor([float('inf'), 1.0])\n"
     "nn.utils.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)", RuntimeError, RuntimeError,
     ("clip_grad_norm_", "inf", "error_if_nonfinite=False")),
    ("vector_to_parameters_of_a_list", "nn.utils.vector_to_parameters([1.0, 2.0, 3.0], nn.Linear(2, 1).parameters())",
     TypeError, TypeError, ("vector_to_parameters", "list")),
]

LOSSES = [
    ("CrossEntropyLoss_reduction_None", "nn.CrossEntropyLoss(reduction=None)(torch.randn(2, 3), torch.tensor([0, 1]))",
     ValueError, ValueError, ("None is not a valid value for reduction", "reduction='none'")),
    ("F_mse_loss_reduction_None", "F.mse_loss(torch.ones(2), torch.ones(2), reduction=None)", ValueError, ValueError,
     ("reduction", "'none'")),
    ("MSELoss_given_the_tensors", "nn.MSELoss(torch.ones(2), torch.zeros(2))", RuntimeError, RuntimeError,
     ("Tensor", "size_average", "nn.MSELoss()(input, target)")),
    ("CrossEntropyLoss_given_one_tensor", "nn.CrossEntropyLoss(torch.ones(3), reduce=torch.ones(2))", RuntimeError,
     RuntimeError, ("Tensor", "reduce")),
    ("cross_entropy_weight_of_shape_1_3", "F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]), "
     "weight=torch.ones(1, 3))", RuntimeError, ValueError, ("cross_entropy", "(3,)", "Size([1, 3])")),
    ("nll_loss_weight_of_four_classes", "F.nll_loss(torch.randn(2, 3), torch.tensor([0, 1]), weight=torch.ones(4))",
     RuntimeError, ValueError, ("nll_loss", "(3,)", "Size([4])")),
    ("cross_entropy_float64_weight", "F.cross_entropy(torch.randn(2, 3), torch.tensor([0, 1]), "
     "weight=torch.ones(3, dtype=torch.float64))", RuntimeError, TypeError, ("cross_entropy", "float64", "float32")),
    ("cross_entropy_bool_target", "F.cross_entropy(torch.randn(2, 3), torch.tensor([True, False]))", RuntimeError,
     ValueError, ("cross_entropy", "bool", "(2,)")),
    ("bce_target_without_the_column", "F.binary_cross_entropy(torch.rand(3, 1), torch.rand(3))", ValueError,
     ValueError, ("binary_cross_entropy", "Size([3, 1])", "Size([3])")),
    ("bce_with_logits_target_without_the_column", "F.binary_cross_entropy_with_logits(torch.randn(3, 1), "
     "torch.rand(3))", ValueError, ValueError, ("binary_cross_entropy_with_logits", "Size([3, 1])", "Size([3])")),
    ("BCEWithLogitsLoss_target_with_a_column", "nn.BCEWithLogitsLoss()(torch.randn(4), torch.rand(4, 1))",
     ValueError, ValueError, ("binary_cross_entropy_with_logits", "Size([4])", "Size([4, 1])")),
    ("bce_with_logits_int_target", "F.binary_cross_entropy_with_logits(torch.randn(3), torch.tensor([0, 1, 1]))",
     RuntimeError, TypeError, ("binary_cross_entropy_with_logits", "int64", "target.float()")),
    ("bce_with_logits_bool_target", "F.binary_cross_entropy_with_logits(torch.randn(3), "
     "torch.tensor([False, True, True]))", RuntimeError, TypeError, ("binary_cross_entropy_with_logits", "bool")),
    ("bce_weight_of_two_for_three", "F.binary_cross_entropy(torch.rand(3), torch.rand(3), weight=torch.ones(2))",
     RuntimeError, ValueError, ("binary_cross_entropy", "weight", "(2,)", "(3,)")),
    ("gaussian_nll_negative_var", "F.gaussian_nll_loss(torch.randn(3), torch.randn(3), -torch.ones(3))", ValueError,
     ValueError, ("gaussian_nll_loss", "negative")),
    ("gaussian_nll_var_of_another_shape", "F.gaussian_nll_loss(torch.randn(3, 2), torch.randn(3, 2), "
     "torch.ones(2, 2))", ValueError, ValueError, ("gaussian_nll_loss", "(2, 2)", "(3, 2)")),
    ("nll_loss_target_with_a_column", "F.nll_loss(torch.randn(4, 3).log_softmax(1), torch.randint(0, 3, (4, 1)))",
     RuntimeError, ValueError, ("nll_loss", "(4, 1)", "Size([4])")),
    ("huber_negative_delta", "F.huber_loss(torch.ones(3), torch.zeros(3), delta=-1.0)", RuntimeError, ValueError,
     ("huber_loss", "delta", "-1.0")),
    ("triplet_negative_margin", "F.triplet_margin_loss(torch.ones(2, 3), torch.zeros(2, 3), torch.ones(2, 3), "
     "margin=-1.0)", ValueError, ValueError, ("triplet_margin_loss", "margin", "-1.0")),
    ("ctc_padded_targets_shorter_than_a_length", "lp = torch.randn(10, 2, 5).log_softmax(2)\n"
     "F.ctc_loss(lp, torch.randint(1, 5, (2, 3)), torch.tensor([10, 10]), torch.tensor([4, 3]))", RuntimeError,
     ValueError, ("ctc_loss", "(2, 3)", "(4)")),
    ("multi_margin_p_3", "F.multi_margin_loss(torch.randn(2, 3), torch.tensor([0, 1]), p=3)", ValueError,
     ValueError, ("multi_margin_loss", "p=3")),
]

STATE_AND_INIT = [
    ("load_state_dict_of_a_float", "m = nn.Linear(2, 1)\nm.load_state_dict({'weight': 1.0, 'bias': torch.ones(1)})",
     RuntimeError, RuntimeError, ('"weight"', "expected torch.Tensor", "float", "torch.tensor(value)")),
    ("load_state_dict_of_None", "m = nn.Linear(2, 1)\nm.load_state_dict({'weight': None, 'bias': torch.ones(1)})",
     RuntimeError, RuntimeError, ('"weight"', "NoneType")),
    ("load_state_dict_of_a_list", "m = nn.Linear(2, 1)\n"
     "m.load_state_dict({'weight': [[1.0, 2.0]], 'bias': torch.ones(1)})", RuntimeError, RuntimeError,
     ('"weight"', "list")),
    ("load_state_dict_buffer_of_another_size", "m = nn.BatchNorm1d(3)\nsd = m.state_dict()\n"
     "sd['running_mean'] = torch.zeros(4)\nm.load_state_dict(sd)", RuntimeError, RuntimeError,
     ("size mismatch for running_mean", "Size([4])", "Size([3])")),
    ("load_state_dict_key_typo", "m = nn.Linear(2, 1)\n"
     "m.load_state_dict({'weight': torch.ones(1, 2), 'bais': torch.ones(1)})", RuntimeError, RuntimeError,
     ('Missing key(s) in state_dict: "bias"', 'Unexpected key(s) in state_dict: "bais"', "strict=False")),
    ("xavier_uniform_of_a_vector", "nn.init.xavier_uniform_(torch.empty(3))", ValueError, ValueError,
     ("fan in and fan out", "Size([3])")),
    ("kaiming_mode_typo", "nn.init.kaiming_normal_(torch.empty(3, 2), mode='fan_inn')", ValueError, ValueError,
     ("'fan_inn'", "'fan_in'")),
    ("calculate_gain_typo", "nn.init.calculate_gain('rely')", ValueError, ValueError, ("'rely'", "relu")),
    ("orthogonal_of_a_vector", "nn.init.orthogonal_(torch.empty(3))", ValueError, ValueError,
     ("orthogonal_", "(3,)")),
    ("eye_of_a_3d_tensor", "nn.init.eye_(torch.empty(2, 2, 2))", ValueError, ValueError, ("eye_", "(2, 2, 2)")),
    ("dirac_of_a_matrix", "nn.init.dirac_(torch.empty(2, 2))", ValueError, ValueError, ("dirac_", "(2, 2)")),
    ("init_uniform_bounds_swapped", "nn.init.uniform_(torch.empty(3), 1.0, 0.0)", RuntimeError, RuntimeError,
     ("uniform_", "a=1.0 > b=0.0", "uniform_(0.0, 1.0)")),
    ("tensor_uniform_bounds_swapped", "torch.empty(2, 3).uniform_(1.0, 0.0)", RuntimeError, RuntimeError,
     ("uniform_", "Size([2, 3])")),
    ("init_normal_negative_std", "nn.init.normal_(torch.empty(3), std=-1.0)", RuntimeError, ValueError,
     ("normal_", "std", "-1.0")),
    ("trunc_normal_bounds_swapped", "nn.init.trunc_normal_(torch.empty(3), a=2.0, b=-2.0)", RuntimeError, ValueError,
     ("trunc_normal_", "[2.0, -2.0]", "a < b")),
    ("init_of_a_layer", "nn.init.xavier_uniform_(nn.Linear(2, 3))", AttributeError, AttributeError,
     ("xavier_uniform_", "Linear", "layer.weight", "model.apply")),
    ("init_of_a_list", "nn.init.zeros_([torch.empty(2)])", AttributeError, AttributeError,
     ("zeros_", "list", "for t in tensors")),
]

CASES = CONSTRUCTORS + OPTIMIZERS + LOSSES + STATE_AND_INIT

# calls PyTorch accepts: ours must run too and give PyTorch's value (the last line is the value compared)
ACCEPTED = [
    ("Linear_of_zero_features", "nn.Linear(0, 3)(torch.ones(2, 0)).shape"),
    ("Conv2d_same_with_dilation_2", "nn.Conv2d(1, 1, 3, padding='same', dilation=2)(torch.ones(1, 1, 5, 5)).shape"),
    ("Conv2d_valid_with_stride_2", "nn.Conv2d(3, 4, 3, stride=2, padding='valid')(torch.ones(1, 3, 7, 7)).shape"),
    ("BatchNorm1d_momentum_None_averages", "b = nn.BatchNorm1d(2, momentum=None)\n"
     "b(torch.tensor([[1., 2.], [3., 5.]]))\nb(torch.tensor([[0., 2.], [1., 1.]]))\n[b.running_mean, b.running_var]"),
    ("AdaptiveAvgPool2d_None_keeps_a_size", "nn.AdaptiveAvgPool2d((None, 2))(torch.arange(16.).reshape(1, 1, 4, 4))"),
    ("ZeroPad2d_negative_crops", "nn.ZeroPad2d(-1)(torch.arange(16.).reshape(1, 1, 4, 4))"),
    ("Identity_ignores_its_arguments", "nn.Identity(54, unused='x')(torch.arange(3.))"),
    ("optimizer_of_a_tensor_without_grad", "w = torch.ones(2)\no = optim.SGD([w], lr=0.1)\no.step()\nw"),
    ("param_group_params_as_one_tensor", f"w = {P}\noptim.SGD([{{'params': w}}], lr=0.1).param_groups[0]"
     "['params'][0].shape"),
    ("param_group_keeps_its_own_key", f"o = optim.SGD([{{'params': [{P}], 'foo': 3}}], lr=0.1)\n"
     "o.param_groups[0]['foo']"),
    ("param_group_without_lr_takes_the_default", f"optim.SGD([{{'params': [{P}]}}]).param_groups[0]['lr']"),
    ("zero_grad_set_to_none_False", f"w = {P}\n(w * 2).sum().backward()\no = optim.SGD([w], lr=0.1)\n"
     "o.zero_grad(set_to_none=False)\nw.grad"),
    ("MultiStepLR_unsorted_milestones", "o = optim.SGD([nn.Parameter(torch.ones(2))], lr=1.0)\n"
     "s = optim.lr_scheduler.MultiStepLR(o, [3, 1], 0.5)\nlrs = []\nfor _ in range(4):\n"
     "    o.step(); s.step(); lrs.append(o.param_groups[0]['lr'])\nlrs"),
    ("ReduceLROnPlateau_negative_patience", SGD + "s = optim.lr_scheduler.ReduceLROnPlateau(o, patience=-1)\n"
     "s.step(1.0)\no.param_groups[0]['lr']"),
    ("ReduceLROnPlateau_tensor_metric", SGD + "s = optim.lr_scheduler.ReduceLROnPlateau(o, patience=0)\n"
     "for v in [1.0, 2.0, 3.0]: s.step(torch.tensor(v))\no.param_groups[0]['lr']"),
    ("clip_grad_norm_without_gradients", f"nn.utils.clip_grad_norm_([{P}], 1.0)"),
    ("parameters_to_vector_of_one_tensor", "nn.utils.parameters_to_vector(torch.ones(3))"),
    ("MSELoss_size_average_False_sums", "nn.MSELoss(size_average=False)(torch.tensor([1., 2.]), torch.zeros(2))"),
    ("L1Loss_reduce_False_keeps_elements", "nn.L1Loss(reduce=False)(torch.tensor([1., -2.]), torch.zeros(2))"),
    ("CrossEntropyLoss_size_average_False", "nn.CrossEntropyLoss(size_average=False)("
     "torch.tensor([[1., 2.], [0., 1.]]), torch.tensor([0, 1]))"),
    ("F_mse_loss_reduce_False", "F.mse_loss(torch.tensor([1., 2.]), torch.zeros(2), reduce=False)"),
    ("cross_entropy_unbatched", "F.cross_entropy(torch.tensor([1., 2., 3.]), torch.tensor(1))"),
    ("cross_entropy_uint8_target", "F.cross_entropy(torch.tensor([[1., 2., 3.], [0., 1., 0.]]), "
     "torch.tensor([0, 1], dtype=torch.uint8))"),
    ("cross_entropy_all_targets_ignored_is_nan", "F.cross_entropy(torch.ones(2, 3), torch.tensor([-100, -100]))"),
    ("cross_entropy_ignore_index_with_weight", "F.cross_entropy(torch.tensor([[1., 2., 3.], [1., 0., 0.]]), "
     "torch.tensor([2, -1]), weight=torch.tensor([1., 2., 3.]), ignore_index=-1)"),
    ("nll_loss_ignore_index_past_the_classes", "F.nll_loss(torch.tensor([[1., 2., 3.], [0., 1., 0.]]), "
     "torch.tensor([5, 1]), ignore_index=5)"),
    ("margin_ranking_target_0", "F.margin_ranking_loss(torch.tensor([1., 2.]), torch.tensor([2., 1.]), "
     "torch.tensor([0., 1.]))"),
    ("cross_entropy_of_probabilities_as_logits", "F.cross_entropy(torch.tensor([[0.7, 0.2, 0.1]]), "
     "torch.tensor([0]))"),
    ("bce_with_logits_int_pos_weight", "F.binary_cross_entropy_with_logits(torch.tensor([0.5, -1.0, 2.0]), "
     "torch.tensor([1., 0., 1.]), pos_weight=torch.tensor([2]))"),
    ("load_state_dict_casts_int_values", "m = nn.Linear(2, 1)\n"
     "m.load_state_dict({'weight': torch.tensor([[1, 2]]), 'bias': torch.tensor([3])})\n"
     "[m.weight.dtype == torch.float32, m.weight, m.bias]"),
    ("load_state_dict_not_strict_reports", "m = nn.Linear(2, 1)\n"
     "r = m.load_state_dict({'weight': torch.ones(1, 2), 'extra': torch.ones(1)}, strict=False)\n"
     "[r.missing_keys, r.unexpected_keys]"),
    ("load_state_dict_assign", "m = nn.Linear(2, 1)\n"
     "m.load_state_dict({'weight': torch.ones(1, 2), 'bias': torch.zeros(1)}, assign=True)\nm.weight"),
    ("named_parameters_with_a_prefix", "[n for n, _ in nn.Linear(2, 1).named_parameters(prefix='m')]"),
    ("constant_of_an_int_tensor", "nn.init.constant_(torch.empty(3, dtype=torch.int64), 2.5)"),
    ("Adam_step_after_zero_grad_changes_nothing", f"w = {P}\no = optim.Adam([w], lr=0.1)\no.zero_grad()\n"
     "o.step()\nw"),
]

# calls PyTorch accepts with a warning: ours warn too, of the same category, with the gist of PyTorch's text
WARNED = [
    ("LSTM_dropout_with_one_layer", "nn.LSTM(3, 4, dropout=0.5)", UserWarning, "num_layers greater than 1"),
    ("KLDivLoss_mean", "nn.KLDivLoss()(torch.randn(2, 3).log_softmax(1), torch.rand(2, 3).softmax(1))",
     UserWarning, "batchmean"),
    ("MSELoss_size_average", "nn.MSELoss(size_average=False)", UserWarning, "reduction='sum'"),
    ("nll_loss_reduce_False", "F.nll_loss(torch.randn(2, 3), torch.tensor([0, 1]), reduce=False)", UserWarning,
     "reduction='none'"),
    ("Softmax_without_dim", "nn.Softmax()(torch.ones(2, 3))", UserWarning, "dim=X"),
    ("Linear_of_zero_features", "nn.Linear(0, 3)", UserWarning, "zero-element tensors"),
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


@pytest.mark.parametrize("case", WARNED, ids=[c[0] for c in WARNED])
def test_calls_pytorch_warns_about_warn_here_too(case):
    torch = pytest.importorskip("torch")
    _, code, category, gist = case
    for names in (pytorch_names(), pytorch_names(torch)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert raised(code, names) is None
        assert any(issubclass(w.category, category) and gist in str(w.message) for w in caught), \
            [str(w.message) for w in caught]
