"""Regressions for the differences from PyTorch that round 22 found while writing its programs
(tests/test_pytorch_programs_round22.py). Each test runs the same code with PyTorch and with deepgrad and compares
what they report."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import require_torch


def _grad_fn_name(lib, out):
    return type(out.grad_fn).__name__ if lib.__name__ == "torch" else out.grad_fn.name()


#: ops whose result's grad_fn deepgrad named after the last step of its composition (ViewBackward0 for
#: index_put(accumulate=True) and put, CopySlices for slice_scatter / select_scatter, PermuteBackward0 for
#: diagonal_scatter, ...) instead of PyTorch's one node
NODE_NAMES = {
    "index_put accumulate": lambda L, x: x.index_put((L.tensor([1, 1, -1]),), L.tensor(1.0, dtype=L.float64),
                                                     accumulate=True),
    "index_put_ accumulate 2-D": lambda L, x: x.reshape(2, 3).clone().index_put_(
        (L.tensor([1, 0]), L.tensor([2, 2])), L.tensor([1.0, 2.0], dtype=L.float64), accumulate=True),
    "index_put bool accumulate": lambda L, x: x.index_put((x.detach() > 2,), L.tensor(1.0, dtype=L.float64),
                                                          accumulate=True),
    "put": lambda L, x: x.reshape(2, 3).put(L.tensor([4, 0]), L.tensor([1.0, 2.0], dtype=L.float64)),
    "put accumulate": lambda L, x: x.put(L.tensor([4, 4]), L.tensor([1.0, 2.0], dtype=L.float64), accumulate=True),
    "slice_scatter": lambda L, x: L.slice_scatter(x.reshape(3, 2), L.zeros(2, 2, dtype=L.float64), start=0, step=2),
    "select_scatter": lambda L, x: L.select_scatter(x.reshape(3, 2), L.zeros(3, dtype=L.float64), 1, -1),
    "diagonal_scatter": lambda L, x: L.diagonal_scatter(x.reshape(2, 3), L.zeros(2, dtype=L.float64), 1),
    "take_along_dim without dim": lambda L, x: L.take_along_dim(x.reshape(2, 3), L.tensor([5, 0])),
    "index_reduce": lambda L, x: x.reshape(3, 2).index_reduce(0, L.tensor([2, 2]), L.ones(2, 2, dtype=L.float64),
                                                              "amax"),
    "scatter of a value": lambda L, x: x.scatter(0, L.tensor([2, 0]), 5.0),
    "scatter value=": lambda L, x: x.scatter(0, L.tensor([2, 0]), value=5.0),
    "atleast_2d": lambda L, x: L.atleast_2d(x),
    "atleast_3d": lambda L, x: L.atleast_3d(x.reshape(2, 3)),
    "combinations": lambda L, x: L.combinations(x[:4], r=3, with_replacement=True),
    "masked_select": lambda L, x: x.masked_select(x.detach() > 2),
}


@pytest.mark.parametrize("case", NODE_NAMES)
def test_composite_ops_name_their_node_as_pytorch(case):
    """out.grad_fn of these ops prints as PyTorch's node (IndexPutBackward0, PutBackward0, SliceScatterBackward0,
    GatherBackward0, IndexReduceBackward0, ScatterBackward1, UnsqueezeBackward0, StackBackward0,
    MaskedSelectBackward0), as a printed tensor's grad_fn= shows it."""
    torch = require_torch()
    names = []
    for lib in (torch, ag):
        x = lib.tensor(np.arange(6.0), requires_grad=True)
        names.append(_grad_fn_name(lib, NODE_NAMES[case](lib, x)))
    assert names[1] == names[0]


def _state_hook_results(torch_nn, lib):
    """What a module with the private state-dict hooks reports: a checkpoint's keys renamed by a
    _register_load_state_dict_pre_hook (with and without the module), and a state_dict replaced by a root's
    _register_state_dict_hook but not by a child's."""
    calls = []

    class Block(torch_nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = torch_nn.Linear(2, 2)
            self._register_load_state_dict_pre_hook(self._rename)
            self._register_load_state_dict_pre_hook(self._seen, with_module=True)
            self._register_state_dict_hook(lambda m, sd, prefix, meta: {"child": 1})

        @staticmethod
        def _rename(state_dict, prefix, local_metadata, strict, missing, unexpected, errors):
            for key in [k for k in state_dict if k.startswith(prefix + "old.")]:
                state_dict[prefix + "lin." + key[len(prefix + "old."):]] = state_dict.pop(key)

        @staticmethod
        def _seen(module, state_dict, prefix, *rest):
            calls.append((type(module).__name__, prefix))

    outer = torch_nn.Sequential(Block())
    old = {"0.old.weight": lib.ones(2, 2), "0.old.bias": lib.tensor([1.0, 2.0])}
    res = outer.load_state_dict(old)
    plain = list(outer.state_dict().keys())
    outer._register_state_dict_hook(lambda m, sd, prefix, meta: {"root": sorted(sd)})
    return (calls, outer[0].lin.bias.tolist(), list(res.missing_keys), plain, outer.state_dict())


def test_private_state_dict_hook_registrations():
    """Module._register_load_state_dict_pre_hook(hook, with_module=False) (the form libraries use to upgrade old
    checkpoints: the hook takes no module) and Module._register_state_dict_hook (whose returned dict replaces a
    root's state_dict); deepgrad had neither (AttributeError)."""
    torch = require_torch()
    import nn
    assert _state_hook_results(nn, ag) == _state_hook_results(torch.nn, torch)


@pytest.mark.parametrize("lib_name", ["torch", "deepgrad"])
def test_public_state_dict_post_hook_must_return_none(lib_name):
    """A hook from register_state_dict_post_hook that returns a value is refused with a RuntimeError, as PyTorch
    refuses it (its return is only honoured for the private _register_state_dict_hook)."""
    torch = require_torch()
    import nn
    module = torch.nn.Linear(2, 2) if lib_name == "torch" else nn.Linear(2, 2)
    module.register_state_dict_post_hook(lambda m, sd, prefix, meta: {})
    with pytest.raises(RuntimeError):
        module.state_dict()


@pytest.mark.parametrize("lib_name", ["torch", "deepgrad"])
def test_nonfinite_clip_error_says_non_finite(lib_name):
    """clip_grad_norm_(..., error_if_nonfinite=True) on a nan gradient raises a RuntimeError whose message says
    'non-finite', as PyTorch's does (code that catches it matches that word); deepgrad's said only 'is nan'."""
    torch = require_torch()
    import nn
    lib, utils = (torch, torch.nn.utils) if lib_name == "torch" else (ag, nn.utils)
    w = lib.ones(3, requires_grad=True)
    w.grad = lib.tensor([1.0, float("nan"), 2.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        utils.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


def _registration_log(torch_nn, lib, module_api):
    """The registrations a small model makes, as the global registration hooks see them, and what a hook that
    replaces values leaves in the module."""
    log = []
    handles = [
        module_api.register_module_parameter_registration_hook(
            lambda m, name, p: log.append(("param", type(m).__name__, name, tuple(p.shape)))),
        module_api.register_module_buffer_registration_hook(
            lambda m, name, b: log.append(("buffer", type(m).__name__, name, b is None))),
        module_api.register_module_module_registration_hook(
            lambda m, name, sub: log.append(("module", type(m).__name__, name, type(sub).__name__))),
    ]
    try:
        model = torch_nn.Sequential(torch_nn.Linear(2, 3), torch_nn.BatchNorm1d(3))
        model.add_module("act", torch_nn.Tanh())
        model[1].register_buffer("extra", None)
        model[1].extra = lib.zeros(1)
        model.act = None
        made = []
        replace = module_api.register_module_parameter_registration_hook(
            lambda m, name, p: made.append(torch_nn.Parameter(lib.zeros(p.shape))) or made[-1] if name == "bias"
            else None)
        handles.append(replace)
        linear = torch_nn.Linear(2, 2)
        replaced = (linear.bias is made[0], linear.weight is not made[0], len(made))
    finally:
        for h in handles:
            h.remove()
    after = len(log)
    torch_nn.Linear(1, 1)
    return log, replaced, len(log) == after


def test_global_registration_hooks():
    """torch.nn.modules.module.register_module_parameter_registration_hook / buffer / module: every registration
    (in __init__, by add_module, register_buffer, attribute assignment) is shown to the hooks, which may replace
    the value; deepgrad had none of the three (ImportError)."""
    torch = require_torch()
    import nn
    import nn.modules.module as module_api
    import torch.nn.modules.module as torch_module_api
    assert _registration_log(nn, ag, module_api) == _registration_log(torch.nn, torch, torch_module_api)


def _backward_hook_trace(torch_nn, lib, module_api):
    """The order and gradient norms the global full backward (pre-)hooks see beside a module's own hooks."""
    seen = []
    lib.manual_seed(0)
    model = torch_nn.Sequential(torch_nn.Linear(3, 4), torch_nn.Tanh(), torch_nn.Linear(4, 2)).double()
    model[2].register_full_backward_hook(lambda m, gi, go: seen.append(("own", round(gi[0].norm().item(), 8))))
    model[2].register_full_backward_pre_hook(lambda m, go: seen.append(("own pre", type(m).__name__)))
    handles = [
        module_api.register_module_full_backward_pre_hook(
            lambda m, go: seen.append(("pre", type(m).__name__, round(go[0].norm().item(), 8)))),
        module_api.register_module_full_backward_hook(
            lambda m, gi, go: seen.append(("hook", type(m).__name__, [None if g is None else round(g.norm().item(), 8)
                                                                     for g in gi]))),
        module_api.register_module_full_backward_pre_hook(lambda m, go: (go[0] * 2,)),
    ]
    x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3), requires_grad=True)
    try:
        model(x).pow(2).sum().backward()
    finally:
        for h in handles:
            h.remove()
    model(x).sum().backward()
    return seen, np.round(x.grad.numpy(), 10).tolist()


def test_global_full_backward_hooks():
    """register_module_full_backward_pre_hook / register_module_full_backward_hook run for every module call,
    before the module's own hooks, and may replace the gradients; deepgrad had neither (ImportError)."""
    torch = require_torch()
    import nn
    import nn.modules.module as module_api
    import torch.nn.modules.module as torch_module_api
    assert _backward_hook_trace(nn, ag, module_api) == _backward_hook_trace(torch.nn, torch, torch_module_api)


#: more ops whose grad_fn deepgrad named after a step of its composition
MORE_NODE_NAMES = {
    "pad circular": lambda L, F, x: F.pad(x.reshape(1, 2, 3), (1, 2), mode="circular"),
    "affine_grid": lambda L, F, x: F.affine_grid(x.reshape(1, 2, 3), (1, 1, 2, 2), align_corners=False),
    "vecdot of vectors": lambda L, F, x: L.linalg.vecdot(x, x),
    "vecdot batched": lambda L, F, x: L.linalg.vecdot(x.reshape(2, 3), x[:3]),
    "cond": lambda L, F, x: L.linalg.cond(x[:4].reshape(2, 2)),
    "cond fro": lambda L, F, x: L.linalg.cond(x[:4].reshape(2, 2), "fro"),
    "lu_factor": lambda L, F, x: L.linalg.lu_factor(x[:4].reshape(2, 2)).LU,
    "lu": lambda L, F, x: L.linalg.lu(x[:4].reshape(2, 2)).L,
    "lu_unpack": lambda L, F, x: L.lu_unpack(*L.linalg.lu_factor(x[:4].reshape(2, 2))).U,
    "cholesky_solve": lambda L, F, x: L.cholesky_solve(x[:4].reshape(2, 2),
                                                       L.eye(2, dtype=L.float64) + x[:4].reshape(2, 2).tril()),
    "unsafe_split": lambda L, F, x: x.unsafe_split(2)[1],
    "unsafe_chunk": lambda L, F, x: x.unsafe_chunk(3)[0],
    "unsafe_split_with_sizes": lambda L, F, x: x.unsafe_split_with_sizes([2, 4])[1],
}


@pytest.mark.parametrize("case", MORE_NODE_NAMES)
def test_more_ops_name_their_node_as_pytorch(case):
    """F.pad(mode='circular') (CopySlices), F.affine_grid, linalg.vecdot of two vectors (VdotBackward0),
    linalg.cond, lu_factor / lu / lu_unpack, cholesky_solve and the unsafe_split family show PyTorch's node."""
    torch = require_torch()
    import nn
    names = []
    for lib, F in ((torch, torch.nn.functional), (ag, nn.functional)):
        x = lib.tensor(np.linspace(0.5, 2.0, 6), requires_grad=True)
        names.append(_grad_fn_name(lib, MORE_NODE_NAMES[case](lib, F, x)).replace("torch::autograd::", ""))
    assert names[1] == names[0]


@pytest.mark.parametrize("reduce", ["prod", "amax", "mean"])
def test_scatter_reduce_without_self_gives_positive_zero_gradient(reduce):
    """With include_self=False, input's gradient at the written positions is +0 (PyTorch masks it), not the -0
    that multiplying a negative gradient by zero gave deepgrad (a printed grad showed '-0.')."""
    torch = require_torch()
    signs = []
    for lib in (torch, ag):
        s = lib.tensor([2.0, 0.0, 3.0, 5.0], dtype=lib.float64, requires_grad=True)
        v = lib.tensor([2.0, 0.0, 2.0, 3.0, 0.0, -1.0, 3.0], dtype=lib.float64)
        out = s.scatter_reduce(0, lib.tensor([0, 0, 1, 1, 2, 2, 2]), v, reduce, include_self=False)
        (out * lib.tensor([-1.0, -2.0, 3.0, -4.0], dtype=lib.float64)).sum().backward()
        signs.append((np.signbit(s.grad.numpy()).tolist(), s.grad.numpy().tolist()))
    assert signs[1] == signs[0]


def test_invert_permutation():
    """nn.utils.rnn.invert_permutation(p) gives the inverse permutation of an int64 p (None for None), as
    PyTorch's; deepgrad lacked it (ImportError)."""
    torch = require_torch()
    from nn.utils.rnn import invert_permutation
    from torch.nn.utils.rnn import invert_permutation as torch_invert
    assert invert_permutation(None) is None
    for perm, dtype in (([2, 0, 3, 1], "int64"), ([1, 0], "int64"), ([], "int64")):
        ours = invert_permutation(ag.tensor(np.array(perm, dtype=dtype)))
        theirs = torch_invert(torch.tensor(np.array(perm, dtype=dtype)))
        assert ours.tolist() == theirs.tolist() and str(ours.dtype) == str(theirs.dtype).replace("torch.", "")


def test_clip_grads_with_norm_refuses_a_number_total_norm():
    """clip_grads_with_norm_(params, max_norm, 4.0) raises a TypeError as PyTorch does (total_norm must be the
    tensor get_total_norm returns); deepgrad raised AttributeError ('float' object has no attribute 'clamp')."""
    torch = require_torch()
    import nn
    for lib, utils, linear in ((torch, torch.nn.utils, torch.nn.Linear), (ag, nn.utils, nn.Linear)):
        layer = linear(2, 2)
        layer.weight.grad = lib.ones(2, 2)
        with pytest.raises(TypeError):
            utils.clip_grads_with_norm_(layer.parameters(), 1.0, 4.0)


@pytest.mark.parametrize("value", [3, None])
def test_set_submodule_refuses_a_non_module_with_value_error(value):
    """model.set_submodule('0', 3) (or None) raises ValueError, as PyTorch's; deepgrad raised TypeError for 3 and
    set None."""
    torch = require_torch()
    import nn
    for model in (torch.nn.Sequential(torch.nn.Linear(1, 1)), nn.Sequential(nn.Linear(1, 1))):
        with pytest.raises(ValueError):
            model.set_submodule("0", value)


def _functional_results(lib, functional):
    x = lib.tensor([0.0, 1.0, -2.0], dtype=lib.float64)
    v = lib.tensor([0.0, 1.0, 1.0], dtype=lib.float64)
    f = lambda t: t.exp() / t * lib.tensor([1.0, 1.0, 0.0], dtype=lib.float64)
    unused = lib.tensor([float("inf"), -1.0], dtype=lib.float64)
    results = [functional.jacobian(f, x), functional.jacobian(lambda a, b: a * 2, (x, unused))[1],
               functional.hvp(lambda t: (t.exp() / t).sum(), x, v)[1],
               functional.vhp(lambda t: (t.exp() / t).sum(), x, v)[1],
               functional.hessian(lambda a, b: (a ** 3).sum(), (x[1:], -x))[0][1],
               functional.jvp(lambda t: t * 0 - 1, x, v)[1]]
    # the sign of a zero shows in a printout ('-0.'); a nan's sign does not
    return [((np.signbit(r.numpy()) & ~np.isnan(r.numpy())).tolist(), np.nan_to_num(r.numpy(), nan=7.0).tolist())
            for r in results]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # the divisions by zero the test makes on purpose
def test_autograd_functional_zeros_are_zeros():
    """autograd.functional fills an unused input's Jacobian with +0 (deepgrad used ref * 0: nan for an inf entry,
    -0 for a negative one), builds its basis and cotangent vectors from true zeros (out * 0 turned an inf output
    into nan rows and flipped signs of zero entries), so hvp / vhp keep a nan gradient entry to its own place."""
    torch = require_torch()
    from autograd.autograd import functional
    assert _functional_results(ag, functional) == _functional_results(torch, torch.autograd.functional)


def _container_registrations(torch_nn, module_api):
    seen = []
    handle = module_api.register_module_module_registration_hook(
        lambda m, name, sub: seen.append((type(m).__name__, name, type(sub).__name__)))
    try:
        seq = torch_nn.Sequential(torch_nn.ReLU(), torch_nn.Tanh())
        seq.insert(0, torch_nn.SiLU())
        del seq[1]
        seq.append(torch_nn.GELU())
        mods = torch_nn.ModuleList([torch_nn.ReLU()])
        mods.insert(0, torch_nn.Tanh())
        del mods[0]
        mods.extend([torch_nn.GELU()])
    finally:
        handle.remove()
    return seen, [type(m).__name__ for m in seq], [type(m).__name__ for m in mods]


def test_container_insert_and_del_register_nothing_new():
    """Sequential / ModuleList insert and del only move modules, as PyTorch's (which writes _modules directly):
    the global module registration hook sees neither the inserted module nor the renumbered ones (append, extend
    and construction it does see); deepgrad re-registered every module after the insertion point."""
    torch = require_torch()
    import nn
    import nn.modules.module as module_api
    import torch.nn.modules.module as torch_module_api
    assert _container_registrations(nn, module_api) == _container_registrations(torch.nn, torch_module_api)


def test_scatter_with_reduce_and_tensor_src_warns_deprecation_once(monkeypatch):
    """x.scatter(dim, index, src_tensor, reduce='add') warns (UserWarning, once per process) that the reduce
    argument with a Tensor src is deprecated, as PyTorch does; a number src does not warn. deepgrad was silent."""
    from autograd.ops import gather
    monkeypatch.setattr(gather, "DEPRECATION_WARNED", [])
    with pytest.warns(UserWarning, match="deprecated"):
        ag.zeros(3).scatter(0, ag.tensor([0]), ag.ones(1), reduce="add")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ag.zeros(3).scatter(0, ag.tensor([0]), ag.ones(1), reduce="multiply")   # once only
        ag.zeros(3).scatter(0, ag.tensor([0]), 2.0, reduce="add")
