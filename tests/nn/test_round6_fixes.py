"""Bugs that ported PyTorch programs met (tests/test_pytorch_programs_round6.py), checked against PyTorch:
torch.save / torch.load of a model's state_dict keeps its key order; model surgery on containers
(seq[i] = layer, del seq[i], insert/extend/pop, +, *, ModuleDict.pop/update/clear, ParameterDict's dict
methods, ParameterList +=); load_state_dict's result and containers print as PyTorch's (ModuleList runs as
"(0-5): 6 x Block(...)", parameter containers listing their entries); a user's Optimizer subclass with its own
step, and optimizer step hooks."""
import collections
import io

import numpy as np
import pytest

import autograd as ag
import nn
from nn import serialization


def _model(lib_nn):
    return lib_nn.Sequential(lib_nn.Conv2d(1, 2, 3), lib_nn.BatchNorm2d(2), lib_nn.Flatten(), lib_nn.Linear(2, 3))


@pytest.mark.parametrize("to_path", [False, True])
def test_a_saved_state_dict_loads_back_in_its_own_order_as_torch(to_path, tmp_path):
    # was: keys in the file's order (int64 num_batches_tracked first, then by name): ['1.num_batches_tracked',
    # '0.bias', ...] where PyTorch gives ['0.weight', '0.bias', '1.weight', ...]
    torch = pytest.importorskip("torch")
    loaded = []
    for lib, lib_nn in ((ag, nn), (torch, torch.nn)):
        state = _model(lib_nn).state_dict()
        target = tmp_path / f"{lib.__name__}.ckpt" if to_path else io.BytesIO()
        lib.save(state, target)
        if not to_path:
            target.seek(0)
        loaded.append(lib.load(target))
    assert list(loaded[0]) == list(loaded[1]) == list(_model(nn).state_dict())
    assert type(loaded[0]) is type(loaded[1]) is collections.OrderedDict


def test_order_is_kept_without_changing_plain_dict_files_or_user_metadata():
    state = collections.OrderedDict([("b", np.ones(2)), ("a", np.zeros(3, np.int64))])
    buffer = io.BytesIO()
    serialization.save(state, buffer, metadata={"note": "x"})
    buffer.seek(0)
    assert list(serialization.load(buffer)) == ["b", "a"]
    buffer.seek(0)
    assert serialization.load_metadata(buffer) == {"note": "x"}
    plain = io.BytesIO()
    serialization.save(dict(state), plain)
    plain.seek(0)
    assert type(serialization.load(plain)) is dict   # a plain dict stays a plain safetensors file
    with pytest.raises(ValueError, match="deepgrad.order"):
        serialization.save(state, io.BytesIO(), metadata={"deepgrad.order": "[]"})


def test_a_corrupt_order_entry_is_refused_naming_the_file():
    state = collections.OrderedDict([("b", np.ones(2)), ("a", np.zeros(3))])
    buffer = io.BytesIO()
    serialization.save(state, buffer)
    data = buffer.getvalue().replace(b'[\\"b\\",\\"a\\"]', b'[\\"b\\",\\"b\\"]')
    with pytest.raises(ValueError, match="deepgrad.order"):
        serialization.load(io.BytesIO(data))


def _surgery(lib_nn):
    """What users do to pretrained containers; returns what each step shows."""
    seen = []
    seq = lib_nn.Sequential(lib_nn.Linear(2, 3), lib_nn.ReLU(), lib_nn.Linear(3, 1))
    seq[2] = lib_nn.Linear(3, 4)                 # a new classifier head (was: TypeError, no item assignment)
    seq[-2] = lib_nn.Tanh()
    seen += [repr(seq), [n for n, _ in seq.named_parameters()]]
    del seq[0]                                   # the rest renumbered from "0"
    seq.insert(0, lib_nn.Identity())
    seq.insert(-1, lib_nn.ReLU())
    popped = seq.pop(1)
    seq.extend([lib_nn.Sigmoid()])
    seq += lib_nn.Sequential(lib_nn.ELU())
    seen += [repr(seq), repr(popped), list(seq.state_dict())]
    both = seq + lib_nn.Sequential(lib_nn.GELU())
    del both[1:3]
    twice = 2 * lib_nn.Sequential(lib_nn.ReLU(), lib_nn.Tanh())
    twice *= 2
    seen += [repr(both), repr(twice), repr(seq[np.int64(-1)])]
    modules = lib_nn.ModuleList([lib_nn.ReLU(), lib_nn.Tanh(), lib_nn.ELU()])
    del modules[0]
    seen += [repr(modules.pop(-1)), repr(modules)]
    named = lib_nn.ModuleDict({"a": lib_nn.ReLU(), "b": lib_nn.Tanh()})
    named.update({"c": lib_nn.ELU()})
    named.update([("a", lib_nn.Identity())])
    seen += [repr(named), repr(named.pop("b"))]
    del named["a"]
    seen.append(list(named.keys()))
    named.clear()
    seen.append(len(named))
    for bad in (lambda: seq[10], lambda: seq.__setitem__(9, lib_nn.ReLU()), lambda: named.__delitem__("zz"),
                lambda: seq.insert(10, lib_nn.ReLU()), lambda: seq + [lib_nn.ReLU()], lambda: seq * 0):
        with pytest.raises(Exception) as info:
            bad()
        seen.append(type(info.value).__name__)
    return seen


def test_container_surgery_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _surgery(nn), _surgery(torch.nn)
    assert len(ours) == len(theirs)
    for mine, torchs in zip(ours, theirs):
        assert mine == torchs


def test_replacing_a_layer_trains_the_new_one():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
    old = seq[2]
    seq[2] = nn.Linear(3, 5)
    assert seq(ag.ones(4, 2)).shape == (4, 5)
    assert all(p is not old.weight for p in seq.parameters()) and len(list(seq.parameters())) == 4


def test_load_state_dict_result_prints_as_torch():
    # was: IncompatibleKeys(missing_keys=[...], ...) where PyTorch prints _IncompatibleKeys(...)
    torch = pytest.importorskip("torch")
    printed = []
    for lib_nn in (nn, torch.nn):
        model = lib_nn.Linear(2, 2)
        state = {"weight": model.weight.detach(), "extra": model.bias.detach()}
        printed.append((repr(model.load_state_dict(state, strict=False)), str(model.load_state_dict(state, False)),
                        repr(model.load_state_dict(model.state_dict()))))
    assert printed[0] == printed[1]


def _parameter_dict_steps(lib, lib_nn):
    seen = []

    def p(v):
        return lib_nn.Parameter(lib.tensor(np.array([v])))

    d = lib_nn.ParameterDict({"a": p(1.0), "b": p(2.0)})
    seen += [d.get("a").item(), d.get("z", 5), d.setdefault("c", p(3.0)).item(), d.setdefault("a", p(9.0)).item(),
             list(reversed(d))]
    key, value = d.popitem()
    seen += [(key, value.item()), d.copy()["a"] is d["a"], list((d | lib_nn.ParameterDict({"x": p(4.0)})).keys())]
    d |= {"y": p(5.0)}
    seen += [list(d.keys()), d.pop("a").item(), [n for n, _ in d.named_parameters()]]
    del d["b"]
    d.clear()
    seen.append(len(d))
    with pytest.raises(KeyError):
        del d["zz"]
    params = lib_nn.ParameterList([p(1.0)])
    params += [p(2.0)]
    seen.append([n for n, _ in params.named_parameters()])
    return seen


def test_parameter_dict_and_list_methods_match_torch():
    # was: AttributeError for get/pop/popitem/setdefault/clear/copy/|, TypeError for del d[k] and list +=
    torch = pytest.importorskip("torch")
    assert _parameter_dict_steps(ag, nn) == _parameter_dict_steps(torch, torch.nn)


def _printed_model(lib, lib_nn):
    class Block(lib_nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = lib_nn.Linear(4, 4)
            self.act = lib_nn.GELU()

        def forward(self, x):
            return self.act(self.fc(x))

    class Lines(lib_nn.Module):
        def extra_repr(self):
            return "first=1\nsecond=2"

    class Net(lib_nn.Module):
        def __init__(self):
            super().__init__()
            self.blocks = lib_nn.ModuleList([Block() for _ in range(3)] + [lib_nn.Linear(4, 2)] * 2 + [Block()])
            self.empty = lib_nn.ModuleList()
            self.single = lib_nn.ModuleList([lib_nn.ReLU()])
            self.one = lib_nn.ParameterList([lib_nn.Parameter(lib.ones(2, 3))])
            self.two = lib_nn.ParameterList([lib_nn.Parameter(lib.ones(2, dtype=lib.float64)), lib.zeros(1)])
            self.named = lib_nn.ParameterDict({"a": lib_nn.Parameter(lib.zeros(4)),
                                               "b": lib_nn.Parameter(lib.zeros(2, 2, dtype=lib.float64))})
            self.lines = Lines()

    return repr(Net())


def test_containers_print_as_torch():
    # was: every ModuleList entry on a line of its own, and ParameterList/ParameterDict printed empty
    torch = pytest.importorskip("torch")
    from tests.test_pytorch_programs import assert_same_printout
    assert_same_printout(_printed_model(ag, nn), _printed_model(torch, torch.nn))


def _custom_optimizer_run(lib, lib_nn, optim):
    class SignSGD(optim.Optimizer):
        def __init__(self, params, lr=0.01, momentum=0.9):
            super().__init__(params, dict(lr=lr, momentum=momentum))

        @lib.no_grad()
        def step(self, closure=None):
            loss = None
            if closure is not None:
                with lib.enable_grad():
                    loss = closure()
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    state = self.state[p]
                    if not state:
                        state["buf"], state["step"] = lib.zeros_like(p), 0
                    state["step"] += 1
                    state["buf"].mul_(group["momentum"]).add_(p.grad, alpha=1 - group["momentum"])
                    p.add_(state["buf"].sign(), alpha=-group["lr"])
            return loss

    rng = np.random.default_rng(0)
    model = lib_nn.Linear(3, 1).double()
    with lib.no_grad():
        model.weight.copy_(lib.tensor([[0.1, 0.2, 0.3]]))
        model.bias.fill_(0.0)
    x, y = lib.tensor(rng.standard_normal((8, 3))), lib.tensor(rng.standard_normal((8, 1)))
    opt = SignSGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.05}], lr=0.02)
    seen = []
    opt.register_step_pre_hook(lambda o, args, kwargs: seen.append(("pre", len(args), sorted(kwargs))))
    handle = opt.register_step_post_hook(lambda o, args, kwargs: seen.append(("post", o.state[model.weight]["step"])))
    for i in range(4):
        def closure():
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            return loss
        seen.append(round(opt.step(closure).item(), 10))
        if i == 1:
            handle.remove()
    return seen, model.weight.detach().numpy().round(10).tolist(), opt.state_dict()["param_groups"]


def test_a_users_optimizer_subclass_with_its_own_step_and_step_hooks_match_torch():
    # was: TypeError: Can't instantiate abstract class SignSGD with abstract method _update; then
    # AttributeError: no register_step_pre_hook / register_step_post_hook
    torch = pytest.importorskip("torch")
    assert _custom_optimizer_run(ag, nn, nn.optim) == _custom_optimizer_run(torch, torch.nn, torch.optim)


def test_the_base_step_still_names_the_missing_method():
    class Bare(nn.optim.Optimizer):
        pass

    p = nn.Parameter(ag.ones(2))
    p.grad = ag.ones(2)
    with pytest.raises(NotImplementedError, match="must define step"):
        Bare([p], {"lr": 0.1}).step()
