"""Module-tree API as PyTorch code uses it, compared with PyTorch: ModuleList.insert, ParameterList,
ParameterDict, get_submodule/get_parameter, nn.init.constant_(tensor, val=...)."""
import numpy as np
import pytest

import autograd as ag
import nn


def _tree(lib):
    ml = lib.nn.ModuleList([lib.nn.Linear(2, 2) for _ in range(3)])
    ml.append(lib.nn.ReLU())
    ml.insert(0, lib.nn.Identity())
    ml.insert(4, lib.nn.Tanh())
    pl = lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2)) for _ in range(2)])
    pl.append(lib.nn.Parameter(lib.zeros(3)))
    pl.extend([lib.zeros(1)])                       # a plain tensor becomes a Parameter
    pd = lib.nn.ParameterDict({"scale": lib.nn.Parameter(lib.ones(1))})
    pd["shift"] = lib.nn.Parameter(lib.zeros(1))

    class Model(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.ml, self.pl, self.pd = ml, pl, pd

        def forward(self, x):
            for layer in self.ml:
                x = layer(x)
            return x * self.pd["scale"] + self.pd["shift"] + self.pl[0].sum()
    return Model()


def test_containers_register_what_pytorch_registers():
    torch = pytest.importorskip("torch")
    shapes = []
    for lib in (torch, ag):
        model = _tree(lib)
        names = [n for n, _ in model.named_modules()]
        params = [(n, tuple(p.shape)) for n, p in model.named_parameters()]
        kinds = [type(m).__name__ for m in model.ml]
        shapes.append((names, params, kinds, len(model.pl), list(model.pd.keys()), "scale" in model.pd,
                       isinstance(model.pl[3], lib.nn.Parameter), len(model.pl[1:3]),
                       sorted(model.state_dict())))
        out = model(lib.ones(1, 2))
        out.sum().backward()
        assert model.pd["shift"].grad is not None and model.pl[0].grad is not None
    assert shapes[0] == shapes[1]


def test_get_submodule_and_get_parameter():
    torch = pytest.importorskip("torch")
    for lib in (torch, ag):
        model = lib.nn.Sequential(lib.nn.Sequential(lib.nn.Linear(2, 3)), lib.nn.ReLU())
        assert type(model.get_submodule("0.0")).__name__ == "Linear"
        assert model.get_submodule("") is model
        assert tuple(model.get_parameter("0.0.weight").shape) == (3, 2)
        with pytest.raises(AttributeError):
            model.get_submodule("0.1")
        with pytest.raises(AttributeError):
            model.get_parameter("0.0.gain")
    with pytest.raises(AttributeError, match=r"get_submodule: 0 \(Sequential\) has no sub-module '1' \(it has \['0'\]\)"):
        nn.Sequential(nn.Sequential(nn.Linear(2, 3))).get_submodule("0.1")


def test_init_constant_takes_val_by_keyword():
    w = nn.Parameter(ag.zeros(2, 3))
    nn.init.constant_(w, val=0.25)
    np.testing.assert_array_equal(w.detach().numpy(), np.full((2, 3), 0.25, np.float32))
    nn.init.constant_(w, 1.5)
    assert float(w.sum()) == 9.0
    with pytest.raises(TypeError, match=r"constant_: give the fill value once"):
        nn.init.constant_(w)


def test_parameter_list_keeps_what_is_not_a_tensor():
    # as PyTorch: a list is held as it is (no Parameter made of it); see tests/test_pytorch_leftovers2.py
    pl = nn.ParameterList([[1.0, 2.0]])
    assert pl[0] == [1.0, 2.0] and list(pl.parameters()) == []


def test_module_list_concatenation_and_flatten_dims_as_pytorch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (torch, ag):
        first, second = lib.nn.ModuleList([lib.nn.ReLU(), lib.nn.Tanh()]), lib.nn.ModuleList([lib.nn.Linear(1, 1)])
        both = first + second
        first += second
        flat = lib.nn.Flatten(start_dim=2, end_dim=3)
        results.append(([type(m).__name__ for m in both], both[2] is second[0], len(first), repr(flat),
                         tuple(flat(lib.ones(2, 3, 4, 5, 6)).shape), tuple(lib.nn.Flatten(0)(lib.ones(2, 3)).shape)))
    assert results[0] == results[1]
    assert nn.Flatten(start_axis=2)(ag.ones(2, 3, 4, 5)).shape == (2, 3, 20)
