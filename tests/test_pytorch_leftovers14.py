"""PyTorch leftovers 14, each checked against torch 2.13: NumPy arrays and scalars on the left of Tensor operators,
`Tensor(complex list)`, isclose/allclose across dtypes, the nodes recurrent cells show, create_graph nodes of
padding and grid_sample, the layout of binary ops' results, and ZeroRedundancyOptimizer."""
import operator
import warnings

import numpy as np
import pytest

import autograd as ag


def _torch():
    return pytest.importorskip("torch")


def _dtype_name(dtype):
    return str(dtype).replace("torch.", "")


def _outcome(call):
    """What `call()` gives, comparable across the libraries: the result's type, dtype and values, or the builtin
    exception types the raised error is an instance of."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = call()
    except Exception as error:   # noqa: BLE001 - the error's type is the outcome
        return ("raises", {c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"})
    if hasattr(out, "dtype"):
        return (type(out).__name__, _dtype_name(out.dtype), tuple(out.shape), out.tolist())
    return (type(out).__name__, out)


def _same(mine, theirs):
    if theirs[0] == "raises" and mine[0] == "raises":
        return theirs[1] <= mine[1]
    return mine == theirs


# ----- 1. a NumPy array or scalar on the left of a Tensor operator ---------------------------------------------------
_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
              "//": operator.floordiv, "%": operator.mod, "**": operator.pow, "@": operator.matmul,
              "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
              "!=": operator.ne, "&": operator.and_, "|": operator.or_, "^": operator.xor,
              "<<": operator.lshift, ">>": operator.rshift}

_LEFT = {
    "array f64": lambda: np.array([2.0, 3.0, 4.0]), "array f32": lambda: np.array([2, 3, 4], np.float32),
    "array i64": lambda: np.array([2, 3, 4]), "array bool": lambda: np.array([True, False, True]),
    "0-d array f64": lambda: np.array(2.0), "0-d array i32": lambda: np.array(3, np.int32),
    "np.float16": lambda: np.float16(2), "np.float32": lambda: np.float32(2.5), "np.float64": lambda: np.float64(2.5),
    "np.int8": lambda: np.int8(2), "np.uint8": lambda: np.uint8(2), "np.int64": lambda: np.int64(-2),
    "np.bool_": lambda: np.bool_(True), "np.complex64": lambda: np.complex64(1 + 1j),
    "np.complex128": lambda: np.complex128(2j), "True": lambda: True, "2": lambda: 2, "2.5": lambda: 2.5,
}


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "uint8", "bool"])
@pytest.mark.parametrize("left", sorted(_LEFT))
def test_numpy_operand_on_the_left_of_a_tensor(left, dtype):
    torch = _torch()
    differ = []
    for name, op in _OPERATORS.items():
        if name == "**" and left in ("np.complex128",) or dtype == "float16" and left == "np.complex128":
            continue   # a complex base: PyTorch's exp(log) roundings; float16 with complex: complex32 (README)
        outcomes = []
        for lib in (ag, torch):
            t = lib.tensor([1, 2, 3]).to(getattr(lib, dtype))
            outcomes.append(_outcome(lambda: op(_LEFT[left](), t)))
        if not _same(*outcomes):
            differ.append((name, outcomes))
    assert not differ


_SCALARS = {"np.float32": np.float32(2.5), "np.float64": np.float64(0.1), "np.int64": np.int64(3),
            "np.bool_": np.bool_(True)}


@pytest.mark.parametrize("op", ["*", "+", "-", "/", "**"])
@pytest.mark.parametrize("left", ["np.float32", "np.float64", "np.int64", "np.bool_"])
def test_numpy_scalar_on_the_left_keeps_the_tensor_dtype_and_gradient(left, op):
    torch = _torch()
    results = []
    for lib in (ag, torch):
        t = lib.tensor([0.5, 1.5, 3.0], requires_grad=True)
        y = _OPERATORS[op](_SCALARS[left], t)
        (y * lib.tensor([1.0, -2.0, 0.25])).sum().backward()
        results.append(((_dtype_name(y.dtype), y.grad_fn.name(), [(n and n.name(), i) for n, i in
                         y.grad_fn.next_functions], _dtype_name(t.grad.dtype)), y.detach().numpy(), t.grad.numpy()))
    (mine, values, grads), (theirs, torch_values, torch_grads) = results
    assert mine == theirs
    np.testing.assert_allclose(values, torch_values, rtol=1e-6)   # pow: PyTorch's own float32 roundings, ~1 ulp
    np.testing.assert_allclose(grads, torch_grads, rtol=1e-6)


def test_numpy_array_on_the_left_is_python_type_error_naming_the_operands():
    x = ag.ones(3)
    with pytest.raises(TypeError, match="unsupported operand type.*'numpy.ndarray' and 'Tensor'"):
        np.ones(3) * x
    with pytest.raises(TypeError, match="'<' not supported between instances of 'numpy.ndarray' and 'Tensor'"):
        np.ones(3) < x
    assert (np.ones(3) != x) is True and (x != np.ones(3)) is True   # identity, as in PyTorch
    assert (np.ones(3) == x).tolist() == [True] * 3
    assert (np.full(3, 2.0) / x).dtype == np.float64


# ----- 2. complex values given to the legacy constructors; isclose/allclose across dtypes ----------------------------
_LEGACY_CALLS = {
    "Tensor([1j])": lambda lib: lib.Tensor([1j]), "Tensor([1, 2j])": lambda lib: lib.Tensor([1, 2j]),
    "Tensor([[1, 1j]])": lambda lib: lib.Tensor([[1, 1j]]), "Tensor((1j,))": lambda lib: lib.Tensor((1j,)),
    "FloatTensor([1j])": lambda lib: lib.FloatTensor([1j]), "DoubleTensor([1j])": lambda lib: lib.DoubleTensor([1j]),
    "LongTensor([1j])": lambda lib: lib.LongTensor([1j]), "IntTensor([2j])": lambda lib: lib.IntTensor([2j]),
    "BoolTensor([1j, 0j])": lambda lib: lib.BoolTensor([1j, 0j]),
    "Tensor([np.complex64])": lambda lib: lib.Tensor([np.complex64(1 + 2j)]),
    "Tensor([np.complex128])": lambda lib: lib.Tensor([np.complex128(3 - 1j), 2.0]),
    "Tensor([tensor(1j)])": lambda lib: lib.Tensor([lib.tensor(1j)]),
    "new([1j])": lambda lib: lib.ones(2).new([1j]),
    "tensor([1j])": lambda lib: lib.tensor([1j]), "Tensor(tensor([1j]))": lambda lib: lib.Tensor(lib.tensor([1j])),
}


@pytest.mark.parametrize("call", sorted(_LEGACY_CALLS))
def test_legacy_constructor_of_complex_values(call):
    torch = _torch()
    assert _same(_outcome(lambda: _LEGACY_CALLS[call](ag)), _outcome(lambda: _LEGACY_CALLS[call](torch)))


def test_legacy_constructor_names_the_fix():
    with pytest.raises(TypeError, match=r"must be real number, not complex.*torch\.tensor"):
        ag.Tensor([1.0, 1j])


_CLOSE_PAIRS = [("float32", "int64"), ("int64", "float32"), ("float32", "float64"), ("float16", "float32"),
                ("bfloat16", "float32"), ("int64", "int32"), ("bool", "int64"), ("float32", "complex64"),
                ("float32", "float32"), ("int64", "int64"), ("bool", "bool"), ("complex128", "complex128")]


@pytest.mark.parametrize("fn", ["isclose", "allclose"])
@pytest.mark.parametrize("dtypes", _CLOSE_PAIRS, ids="-".join)
def test_isclose_and_allclose_need_one_dtype(fn, dtypes):
    torch = _torch()
    outcomes = []
    for lib in (ag, torch):
        a = lib.tensor([1.0, 2.0, 0.0]).to(getattr(lib, dtypes[0]))
        b = lib.tensor([1.0, 2.5, 0.0]).to(getattr(lib, dtypes[1]))
        outcomes.append(_outcome(lambda: getattr(lib, fn)(a, b)))
    assert _same(*outcomes)


@pytest.mark.parametrize("other", [1, 1.0, [1.0, 2.0]], ids=["int", "float", "list"])
def test_isclose_other_must_be_a_tensor(other):
    torch = _torch()
    outcomes = [_outcome(lambda: lib.isclose(lib.tensor([1.0, 2.0]), other)) for lib in (ag, torch)]
    assert _same(*outcomes)
    with pytest.raises(TypeError, match="must be Tensor"):
        ag.allclose(ag.tensor([1.0]), other)


# ----- 6. torch.distributed.optim.ZeroRedundancyOptimizer -------------------------------------------------------------
def _zero_run(lib, nn_mod, optim, dist, zero_cls, optimizer, options, bucket_view):
    """Three ZeroRedundancyOptimizer steps of a small net in a world of one: the parameters, the consolidated state
    dict (numbers and shapes), the error before consolidation, and the repr."""
    lib.manual_seed(0)
    weights = [np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 6), np.linspace(0, 0.3, 4, dtype=np.float32),
               np.linspace(0.5, -0.5, 8, dtype=np.float32).reshape(2, 4), np.array([0.1, -0.2], np.float32)]
    net = nn_mod.Sequential(nn_mod.Linear(6, 4), nn_mod.Tanh(), nn_mod.Linear(4, 2))
    with lib.no_grad():
        for p, w in zip(net.parameters(), weights):
            p.copy_(lib.tensor(w))
    opt = zero_cls(net.parameters(), optimizer_class=getattr(optim, optimizer), parameters_as_bucket_view=bucket_view,
                   **options)
    x = lib.tensor(np.linspace(-2, 2, 30, dtype=np.float32).reshape(5, 6))
    for _ in range(3):
        opt.zero_grad()
        (net(x) ** 2).mean().backward()
        opt.step()
    before = _outcome(opt.state_dict)
    opt.consolidate_state_dict()
    saved = opt.state_dict()
    state = {k: {n: np.asarray(v.detach().numpy() if hasattr(v, "detach") else v) for n, v in e.items()}
             for k, e in saved["state"].items()}
    local_order = [tuple(p.shape) for p in opt.optim.param_groups[0]["params"]]
    fresh = zero_cls(net.parameters(), optimizer_class=getattr(optim, optimizer), lr=0.5)
    fresh.load_state_dict(saved)
    return ((saved["param_groups"], before[0], local_order, repr(opt), fresh.param_groups[0]["lr"],
             fresh.optim.param_groups[0]["lr"], sorted(opt.defaults.items())),
            [p.detach().numpy() for p in net.parameters()], state)


@pytest.mark.parametrize("bucket_view", [False, True])
@pytest.mark.parametrize("optimizer, options", [("AdamW", {"lr": 0.01, "weight_decay": 0.1, "betas": (0.9, 0.95)}),
                                                ("SGD", {"lr": 0.1, "momentum": 0.9})])
def test_zero_redundancy_optimizer_in_a_world_of_one(optimizer, options, bucket_view):
    torch = _torch()
    pytest.importorskip("mpi4py")
    import torch.distributed as torch_dist
    from torch.distributed.optim import ZeroRedundancyOptimizer as TorchZero
    import nn
    from nn import distributed as dist
    from nn.distributed.optim import ZeroRedundancyOptimizer

    dist.init_process_group("gloo")
    torch_dist.init_process_group("gloo", store=torch_dist.HashStore(), rank=0, world_size=1)
    try:
        mine = _zero_run(ag, nn, nn.optim, dist, ZeroRedundancyOptimizer, optimizer, options, bucket_view)
        theirs = _zero_run(torch, torch.nn, torch.optim, torch_dist, TorchZero, optimizer, options, bucket_view)
    finally:
        dist.destroy_process_group()
        torch_dist.destroy_process_group()
    (facts, params, state), (torch_facts, torch_params, torch_state) = mine, theirs
    assert facts == torch_facts
    for p, q in zip(params, torch_params):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-7)
    assert {k: sorted(e) for k, e in state.items()} == {k: sorted(e) for k, e in torch_state.items()}
    for k, entries in torch_state.items():
        for name, value in entries.items():
            np.testing.assert_allclose(state[k][name], value, rtol=1e-5, atol=1e-7)


def test_zero_redundancy_optimizer_imports_as_torch_distributed_optim():
    import importlib

    import nn  # noqa: F401 - installs torch.distributed on autograd
    module = importlib.import_module("autograd.distributed.optim")
    assert module.ZeroRedundancyOptimizer.__name__ == "ZeroRedundancyOptimizer"
    from nn.distributed import is_initialized
    assert not is_initialized()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        module.ZeroRedundancyOptimizer([ag.ones(2, requires_grad=True)], optimizer_class=nn.optim.SGD, lr=0.1)


def test_zero_redundancy_optimizer_on_two_processes():
    """Each rank updates its shard and broadcasts it: the parameters, the consolidated state and a reload equal
    one AdamW in one process (tests/nn/distributed_workers/zero_optimizer.py)."""
    from tests.nn.test_distributed import MPIEXEC, _explain, run_workers
    if MPIEXEC is None:
        pytest.skip('needs mpi4py and mpiexec: pip install -e ".[distributed]"')
    proc = run_workers("zero_optimizer.py")
    assert proc.returncode == 0, _explain(proc)
    for name in ("steps", "consolidated", "loaded"):
        assert f"OK {name}" in proc.stdout, _explain(proc)


# ----- 3. the nodes of recurrent cells' outputs -------------------------------------------------------------------------
def _tree(node, index=0, depth=0):
    """The next_functions walk below `node` as nested (name, output index, children), to depth 9."""
    if node is None:
        return None
    children = [] if depth > 9 else [_tree(n, i, depth + 1) for n, i in node.next_functions]
    return (node.name(), index, children)


_CELLS = [("LSTMCell", {}), ("LSTMCell", {"bias": False}), ("GRUCell", {}), ("GRUCell", {"bias": False}),
          ("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu", "bias": False})]


@pytest.mark.parametrize("unbatched", [False, True])
@pytest.mark.parametrize("state", ["none", "given", "requires grad"])
@pytest.mark.parametrize("cell, options", _CELLS, ids=lambda v: str(v) if isinstance(v, str) else "-".join(v) or "")
def test_cell_outputs_show_pytorch_nodes(cell, options, state, unbatched):
    torch = _torch()
    trees = []
    for lib, nn_mod in ((ag, pytest.importorskip("nn")), (torch, torch.nn)):
        lib.manual_seed(0)
        module = getattr(nn_mod, cell)(3, 2, **options)
        x = lib.randn(3) if unbatched else lib.randn(2, 3)
        shape = (2,) if unbatched else (2, 2)
        hx = None
        if state != "none":
            h0, c0 = (lib.randn(*shape, requires_grad=state == "requires grad") for _ in range(2))
            hx = (h0, c0) if cell == "LSTMCell" else h0
        out = module(x, hx)
        outs = out if isinstance(out, tuple) else (out,)
        trees.append([_tree(o.grad_fn) for o in outs] + [_tree(o.grad_fn) for o in outs])   # asked twice
    assert trees[0] == trees[1]


def test_lstm_cell_state_node_is_the_one_under_h():
    nn = pytest.importorskip("nn")
    cell = nn.LSTMCell(3, 4)
    h, c = cell(ag.randn(2, 3))
    assert c.grad_fn.name() == "AddBackward0" and h.grad_fn.name() == "MulBackward0"
    assert c.grad_fn is h.grad_fn.next_functions[1][0].next_functions[0][0]
    assert (c * 2).grad_fn.next_functions[0][0] is c.grad_fn
    with pytest.raises(RuntimeError, match="only shows PyTorch's graph"):
        c.grad_fn.register_hook(lambda *grads: None)
    (h.sum() + c.sum()).backward()
    assert cell.weight_hh.grad is not None and cell.bias_ih.grad is not None
    from nn.distributed.reducer import count_edges
    assert count_edges((h, c), list(cell.parameters())) == [1, 1, 1, 1]   # DDP: one gradient per parameter


def test_linear_without_bias_shows_its_edges_twice():
    nn = pytest.importorskip("nn")
    y = nn.functional.linear(ag.randn(2, 3), ag.randn(4, 3, requires_grad=True))
    first = y.grad_fn.next_functions
    assert y.grad_fn.next_functions == first and first[1][0].name() == "TBackward0"   # the second look crashed


# ----- 5. the memory layout of elementwise results ----------------------------------------------------------------------
_LAYOUT_CALLS = {
    "cl + c": lambda lib, cl, c: cl + c, "c + cl": lambda lib, cl, c: c + cl, "cl * c": lambda lib, cl, c: cl * c,
    "c / cl": lambda lib, cl, c: c / cl, "cl / c": lambda lib, cl, c: cl / c, "c - cl": lambda lib, cl, c: c - cl,
    "cl - c": lambda lib, cl, c: cl - c, "cl + 1": lambda lib, cl, c: cl + 1, "exp(cl)": lambda lib, cl, c: cl.exp(),
    "where(c > 0, cl, c)": lambda lib, cl, c: lib.where(c > 0, cl, c),
    "where(cl > 0, c, cl)": lambda lib, cl, c: lib.where(cl > 0, c, cl),
    "cl + c[0]": lambda lib, cl, c: cl + c[0], "c[0] + cl": lambda lib, cl, c: c[0] + cl,
    "cl + bias": lambda lib, cl, c: cl + lib.ones(3, 1, 1), "bias + cl": lambda lib, cl, c: lib.ones(3, 1, 1) + cl,
    "cl > c": lambda lib, cl, c: cl > c, "c == cl": lambda lib, cl, c: c == cl, "cl + cl": lambda lib, cl, c: cl + cl,
    "relu(cl)": lambda lib, cl, c: lib.relu(cl), "cl.t-ish + c": lambda lib, cl, c: cl.permute(0, 1, 3, 2) + c[..., :4],
    "c + cl (2,1,4,5)": lambda lib, cl, c: c[:, :1] + cl[:, :1],
}


@pytest.mark.parametrize("call", sorted(_LAYOUT_CALLS))
def test_elementwise_result_layout_follows_pytorch(call):
    torch = _torch()
    seen = []
    for lib in (ag, torch):
        cl = lib.tensor(np.linspace(-1, 1, 120, dtype=np.float32).reshape(2, 3, 4, 5)).to(
            memory_format=lib.channels_last)
        c = lib.tensor(np.linspace(1, -1, 120, dtype=np.float32).reshape(2, 3, 4, 5))
        if call == "cl.t-ish + c":
            c = lib.tensor(np.linspace(1, -1, 150, dtype=np.float32).reshape(2, 3, 5, 5))
        out = _LAYOUT_CALLS[call](lib, cl, c)
        seen.append(((out.is_contiguous(), out.is_contiguous(memory_format=lib.channels_last), tuple(out.stride())),
                     np.asarray(out.numpy(), np.float64)))
    assert seen[0][0] == seen[1][0]
    np.testing.assert_allclose(seen[0][1], seen[1][1], rtol=1e-6)
