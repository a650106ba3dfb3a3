"""Regression tests for the differences the edge-shape sweep (tests/test_edge_shapes_sweep.py) found between
deepgrad and PyTorch on 0-d, one-element, empty and non-contiguous inputs: each failed before its fix."""
import numpy as np
import pytest

import autograd as ag
import nn
import nn.functional as F


def test_flip_of_a_0d_tensor_takes_dim_0_and_returns_a_copy():
    x = ag.tensor(3.0, requires_grad=True)
    y = x.flip(0)
    y.backward()
    assert y.shape == () and y.item() == 3.0 and x.grad.item() == 1.0
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times"):   # PyTorch 2.13 refuses it too
        ag.flip(ag.tensor(2.0), (0, -1))
    y = ag.tensor(5.0).flip(0)
    y.add_(1)
    assert y.item() == 6.0


def test_index_select_of_a_0d_tensor_stays_0d_and_takes_one_index_only():
    x = ag.tensor(3.0, requires_grad=True)
    y = x.index_select(0, ag.tensor([0]))
    y.backward()
    assert y.shape == () and y.item() == 3.0 and x.grad.item() == 1.0
    assert ag.tensor([3.0, 4.0]).index_select(0, ag.tensor(0)).shape == (1,)
    for index in ([0, 0], []):
        with pytest.raises(RuntimeError, match="exactly one value"):
            ag.tensor(3.0).index_select(0, ag.tensor(index, dtype=ag.int64))


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0)])
def test_glu_halves_an_empty_dim_into_empty_halves(shape):
    x = ag.zeros(*shape, requires_grad=True)
    y = F.glu(x, 0)
    y.sum().backward()
    assert y.shape == (0,) + shape[1:] if shape[0] == 0 else y.shape == (1, 0)
    assert x.grad.shape == shape


def test_glu_odd_size_is_a_runtime_error_as_in_pytorch_and_still_a_value_error():
    with pytest.raises(RuntimeError, match="even size") as info:
        F.glu(ag.zeros(3), 0)
    assert isinstance(info.value, ValueError)
    with pytest.raises(IndexError):
        F.glu(ag.zeros(3, 2), 5)


@pytest.mark.parametrize("shape, groups", [((1, 3, 1), 3), ((1, 2, 1, 1), 2), ((1, 1), 1)])
def test_group_norm_refuses_one_value_per_group_instead_of_returning_zeros(shape, groups):
    with pytest.raises(ValueError, match="more than 1 value per group"):
        F.group_norm(ag.ones(*shape), groups)
    with pytest.raises(ValueError, match="more than 1 value per group"):
        nn.GroupNorm(groups, shape[1])(ag.ones(*shape))
    # torch.group_norm (the native op) allows it and gives zeros
    assert np.array_equal(ag.group_norm(ag.ones(*shape), groups).numpy(), np.zeros(shape, np.float32))


def test_group_norm_with_several_samples_of_one_value_each_still_runs_as_pytorch():
    assert np.array_equal(F.group_norm(ag.ones(2, 2, 1), 2).numpy(), np.zeros((2, 2, 1), np.float32))


def test_instance_norm_of_an_empty_spatial_size_is_empty_and_leaves_running_stats():
    mean, var = ag.zeros(3), ag.ones(3)
    x = ag.zeros(2, 3, 0, requires_grad=True)
    y = F.instance_norm(x, mean, var)
    y.sum().backward()
    assert y.shape == (2, 3, 0) and x.grad.shape == (2, 3, 0)
    assert mean.tolist() == [0.0, 0.0, 0.0] and var.tolist() == [1.0, 1.0, 1.0]
    assert nn.InstanceNorm1d(3)(ag.zeros(2, 3, 0)).shape == (2, 3, 0)


def test_instance_norm_one_position_f_refuses_and_torch_level_form_allows_with_nan_running_var():
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(ag.ones(1, 2, 1))
    mean, var = ag.zeros(2), ag.ones(2)
    y = ag.instance_norm(ag.tensor([[[1.0], [2.0]]]), None, None, mean, var, True, 0.1, 1e-5, False)
    assert y.tolist() == [[[0.0], [0.0]]]
    assert np.allclose(mean.numpy(), [0.1, 0.2]) and np.isnan(var.numpy()).all()   # as torch.instance_norm


def _quadratic_steps(opt, param, n=3):
    for _ in range(n):
        opt.zero_grad()
        (param * param).sum().backward()
        opt.step()
    return param.detach().numpy().copy()


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam", "ASGD"])
def test_a_1_element_tensor_lr_steps_as_the_same_float_lr(name):
    a, b = (nn.Parameter(ag.tensor([0.5, -1.0])) for _ in range(2))
    with_tensor = _quadratic_steps(getattr(nn.optim, name)([a], lr=ag.tensor(0.1)), a)
    with_float = _quadratic_steps(getattr(nn.optim, name)([b], lr=0.1), b)
    assert np.array_equal(with_tensor, with_float)


def test_betas_given_as_tensors_step_as_floats():
    a, b = (nn.Parameter(ag.tensor([0.5, -1.0])) for _ in range(2))
    got = _quadratic_steps(nn.optim.Adam([a], lr=0.1, betas=(ag.tensor(0.9), ag.tensor(0.99))), a)
    betas = (float(ag.tensor(0.9)), float(ag.tensor(0.99)))   # the float32 values the tensors hold
    assert np.array_equal(got, _quadratic_steps(nn.optim.Adam([b], lr=0.1, betas=betas), b))


def test_a_tensor_lr_must_hold_one_real_value():
    with pytest.raises(ValueError, match="1-element"):
        nn.optim.SGD([nn.Parameter(ag.ones(2))], lr=ag.tensor([0.1, 0.2]))
    with pytest.raises(ValueError, match=">= 0"):
        nn.optim.SGD([nn.Parameter(ag.ones(2))], lr=ag.tensor(-0.1))


@pytest.mark.parametrize("make", [lambda opt: nn.optim.lr_scheduler.StepLR(opt, 1, gamma=0.5),
                                  lambda opt: nn.optim.lr_scheduler.CyclicLR(opt, 0.01, 0.1, step_size_up=2),
                                  lambda opt: nn.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)])
def test_schedulers_write_a_tensor_lr_in_place_and_keep_copies(make):
    lr = ag.tensor(0.1)
    opt = nn.optim.SGD([nn.Parameter(ag.ones(2))], lr=lr)
    scheduler = make(opt)
    last = []
    for _ in range(3):
        opt.step()
        scheduler.step(1.0) if isinstance(scheduler, nn.optim.lr_scheduler.ReduceLROnPlateau) else scheduler.step()
        last.append(scheduler.get_last_lr()[0])
    assert opt.param_groups[0]["lr"] is lr                   # the user's tensor, filled in place
    assert float(lr) == float(last[-1]) and float(last[0]) != float(last[1])   # get_last_lr: copies per step
    initial = opt.param_groups[0].get("initial_lr")
    assert initial is None or initial is not lr


INF = float("inf")


def test_lerp_keeps_infinite_inputs_and_gives_end_exactly_at_weight_1():
    x = ag.tensor([-INF, 0.0, INF])
    assert ag.lerp(x, ag.zeros(3), 0.5).tolist() == [-INF, 0.0, INF]
    assert ag.lerp(x, ag.zeros(3), ag.tensor([0.5, 0.2, 0.75])).tolist() == [-INF, 0.0, INF]
    start, end = ag.tensor([0.1, 3.3, -7.9]), ag.tensor([1e8, -0.7, 2.9])
    assert ag.lerp(start, end, 1.0).tolist() == end.tolist()
    assert ag.lerp(start, end, ag.ones(3)).tolist() == end.tolist()


@pytest.mark.parametrize("fn, grads", [(F.softplus, [0.0, 0.5, 1.0]), (F.logsigmoid, [1.0, 0.5, 0.0]),
                                       (lambda x: F.binary_cross_entropy_with_logits(x, ag.ones(3), reduction="sum"),
                                        [-1.0, -0.5, 0.0])])
def test_softplus_family_gradients_are_finite_at_infinite_inputs(fn, grads):
    x = ag.tensor([-INF, 0.0, INF], requires_grad=True)
    fn(x).sum().backward()
    assert x.grad.tolist() == grads


# The edge cases below raised another exception type than PyTorch (so a ported `except` clause missed them); each
# now raises PyTorch's type, and still the type deepgrad raised before.
RAISES = [
    ("argmax of an empty tensor", lambda: ag.zeros(0, 3).argmax(), IndexError, ValueError),
    ("amax over an empty dim", lambda: ag.zeros(0, 3).amax(0), IndexError, RuntimeError),
    ("chunk of a 0-d tensor", lambda: ag.tensor(3.0).chunk(1), RuntimeError, ValueError),
    ("add into a bool out", lambda: ag.add(ag.tensor(True), 1, out=ag.tensor(True)), RuntimeError, TypeError),
    ("multi_margin_loss target out of range", lambda: F.multi_margin_loss(ag.zeros(1, 3), ag.tensor([-100])),
     RuntimeError, IndexError),
    ("multi_margin_loss target shape", lambda: F.multi_margin_loss(ag.zeros(1, 3), ag.zeros(1, 3)), RuntimeError,
     ValueError),
    ("multilabel_margin_loss 4-d", lambda: F.multilabel_margin_loss(ag.zeros(1, 3, 2, 2), ag.zeros(1, 3, 2, 2,
                                                                                                   dtype=ag.int64)),
     RuntimeError, ValueError),
    ("cosine_embedding_loss 0-d", lambda: F.cosine_embedding_loss(ag.tensor(1.0), ag.tensor(1.0), ag.tensor(1.0)),
     RuntimeError, ValueError),
    ("adaptive_max_pool1d of an empty length", lambda: F.adaptive_max_pool1d(ag.zeros(2, 3, 0), 1), RuntimeError,
     ValueError),
    ("channel_shuffle groups", lambda: F.channel_shuffle(ag.zeros(2, 1, 4, 4), 2), RuntimeError, ValueError),
    ("conv_transpose1d of an empty length", lambda: F.conv_transpose1d(ag.zeros(2, 3, 0), ag.ones(3, 2, 1)),
     RuntimeError, ValueError),
    ("interpolate of an empty length", lambda: F.interpolate(ag.zeros(2, 3, 0), size=5, mode="linear"),
     RuntimeError, ValueError),
    ("reflect pad of an empty length", lambda: F.pad(ag.zeros(2, 3, 0), (1, 1), mode="reflect"), RuntimeError,
     ValueError),
    ("crop of an empty length", lambda: F.pad(ag.zeros(2, 3, 0), (-1, 0)), RuntimeError, ValueError),
    ("RNN over an empty sequence", lambda: nn.RNN(2, 3)(ag.zeros(0, 1, 2)), RuntimeError, ValueError),
    ("group_norm groups", lambda: F.group_norm(ag.zeros(2, 1, 4), 2), RuntimeError, ValueError),
    ("glu of a 0-d tensor", lambda: F.glu(ag.tensor(1.0)), RuntimeError, ValueError),
]


@pytest.mark.parametrize("what, call, pytorch_type, old_type", RAISES, ids=[r[0] for r in RAISES])
def test_edge_case_raises_pytorchs_type_and_the_old_one(what, call, pytorch_type, old_type):
    with pytest.raises(pytorch_type) as info:
        call()
    assert isinstance(info.value, old_type)


@pytest.mark.parametrize("divide", [lambda a, b: a // b, lambda a, b: a.div(b, rounding_mode="trunc"),
                                    lambda a, b: a.div(b, rounding_mode="floor"), lambda a, b: a % b,
                                    lambda a, b: a.fmod(b), lambda a, b: a.floor_divide_(b)],
                         ids=["//", "trunc", "floor", "%", "fmod", "floor_divide_"])
@pytest.mark.parametrize("dtype", [ag.int64, ag.uint8])
def test_integer_division_by_zero_raises_as_pytorch_instead_of_giving_0(divide, dtype):
    with pytest.raises(RuntimeError, match="division by zero") as info:
        divide(ag.tensor([4, 6], dtype=dtype), ag.tensor(0, dtype=dtype))
    assert isinstance(info.value, ZeroDivisionError)
    assert divide(ag.zeros(0, dtype=dtype), ag.tensor(0, dtype=dtype)).shape == (0,)   # nothing divided: no error
    assert divide(ag.tensor([4.0]), 0.0).shape == (1,)                                # floats give inf / nan


def test_fill_with_a_0d_tensor_that_requires_grad_passes_it_the_gradient():
    w, v = ag.ones(3, requires_grad=True), ag.tensor(2.0, requires_grad=True)
    x = w * 1
    x.fill_(v)
    (x * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.tolist() == [2.0, 2.0, 2.0] and w.grad.tolist() == [0.0, 0.0, 0.0] and v.grad.item() == 6.0
    base, v = ag.zeros(4), ag.tensor(2.0, requires_grad=True)
    base[1:3].fill_(v)
    base.sum().backward()
    assert base.tolist() == [0.0, 2.0, 2.0, 0.0] and v.grad.item() == 2.0
    with pytest.raises(RuntimeError, match="0-d tensor"):
        ag.zeros(3).fill_(ag.tensor([1.0]))


def test_an_empty_list_index_selects_nothing():
    assert ag.zeros(3)[[]].shape == (0,) and ag.zeros(2, 3)[:, []].shape == (2, 0)
    x = ag.zeros(3)
    x[[]] = 5
    assert x.tolist() == [0.0, 0.0, 0.0]


def test_scatter_into_a_0d_tensor_with_a_0d_index():
    x = ag.zeros(())
    x.scatter_(0, ag.tensor(0), ag.tensor(5.0))
    assert x.shape == () and x.item() == 5.0
    src = ag.tensor(5.0, requires_grad=True)
    y = ag.zeros(()).scatter(0, ag.tensor(0), src)
    y.backward()
    assert y.shape == () and src.grad.item() == 1.0
    assert ag.zeros(()).scatter_add(0, ag.tensor(0), ag.tensor(2.0)).item() == 2.0


def test_load_state_dict_takes_a_1_element_entry_for_a_0d_parameter_or_buffer_as_pytorch():
    module = nn.Module()
    module.a = nn.Parameter(ag.tensor(0.5))
    module.register_buffer("c", ag.tensor(3))
    param = module.a
    module.load_state_dict({"a": ag.tensor([2.0]), "c": np.array([5])})
    assert module.a is param and module.a.shape == () and module.a.item() == 2.0
    assert module.c.shape == () and module.c.item() == 5
    source = ag.tensor([4.0])
    module.load_state_dict({"a": source, "c": ag.tensor(1)}, assign=True)
    source.add_(1)   # assign shares the entry's memory, as PyTorch's
    assert module.a.shape == () and module.a.item() == 5.0 and isinstance(module.a, nn.Parameter)
    with pytest.raises(RuntimeError, match="size mismatch for a"):
        module.load_state_dict({"a": ag.tensor([2.0, 3.0]), "c": ag.tensor(1)})
