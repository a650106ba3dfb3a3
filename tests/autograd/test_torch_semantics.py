"""PyTorch's tensor API on deepgrad tensors: each call written as PyTorch code, checked against PyTorch
(forward, gradients, dtypes) and by gradcheck; the calls where NumPy and PyTorch disagree included."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, rand, require_torch

A = (3, 4)
B = (2, 3, 4)

# name, input shapes, ours(*tensors), theirs(*torch_tensors); the same code runs on both sides where it can
CASES = [
    # reductions with dim/keepdim
    ("sum_dim_keepdim", [B], lambda x: x.sum(1, keepdim=True), None),
    ("sum_dims_tuple", [B], lambda x: x.sum(dim=(0, 2)), None),
    ("mean_dim", [B], lambda x: x.mean(-1), None),
    ("var_default_unbiased", [B], lambda x: x.var(1), None),
    ("var_all_default", [A], lambda x: x.var(), None),
    ("var_correction0", [B], lambda x: x.var(dim=2, correction=0, keepdim=True), None),
    ("var_unbiased_false", [A], lambda x: x.var(0, False), lambda x: x.var(0, unbiased=False)),
    ("std_default", [B], lambda x: x.std(0), None),
    ("std_module_fn", [A], lambda x: ag.std(x, 1, keepdim=True), "torch.std(x, 1, keepdim=True)"),
    ("max_dim_values_indices", [A], lambda x: tuple(x.max(1)), lambda x: tuple(x.max(1))),
    ("max_dim_keepdim", [B], lambda x: tuple(x.max(dim=0, keepdim=True)), lambda x: tuple(x.max(dim=0, keepdim=True))),
    ("min_dim", [A], lambda x: tuple(x.min(-1)), lambda x: tuple(x.min(-1))),
    ("max_all", [A], lambda x: x.max(), None),
    ("max_of_two", [A, A], lambda x, y: ag.max(x, y), "torch.max(x, y)"),
    ("amax_dims", [B], lambda x: x.amax((0, 2)), None),
    ("amin_keepdim", [B], lambda x: ag.amin(x, 1, keepdim=True), "torch.amin(x, 1, keepdim=True)"),
    ("argmax_dim", [A], lambda x: x.argmax(dim=1), None),
    ("argmin_keepdim", [A], lambda x: x.argmin(0, keepdim=True), None),
    ("logsumexp_dim", [B], lambda x: x.logsumexp(1), None),
    ("prod_dim", [A], lambda x: x.prod(1), None),
    ("norm_p_dim", [A], lambda x: x.norm(3, 1), "torch.norm(x, 3, 1)"),
    ("norm_default", [A], lambda x: x.norm(), None),
    ("cumsum", [B], lambda x: x.cumsum(1), None),
    ("cumsum_negative_dim", [A], lambda x: ag.cumsum(x, dim=-1), "torch.cumsum(x, dim=-1)"),
    ("cumprod", [A], lambda x: x.cumprod(1), None),
    ("softmax_dim", [B], lambda x: ag.softmax(x, dim=1), "torch.softmax(x, dim=1)"),
    ("log_softmax_dim", [B], lambda x: ag.log_softmax(x, 0), "torch.log_softmax(x, 0)"),
    # shape: the calls where NumPy means something else
    ("transpose_2d_swaps", [A], lambda x: x.transpose(0, 1), None),
    ("transpose_3d", [B], lambda x: ag.transpose(x, 0, 2), "torch.transpose(x, 0, 2)"),
    ("transpose_negative", [B], lambda x: x.transpose(-1, -2), None),
    ("t", [A], lambda x: x.t(), None),
    ("t_1d", [(4,)], lambda x: x.t(), None),
    ("permute_args", [B], lambda x: x.permute(2, 0, 1), None),
    ("permute_tuple", [B], lambda x: x.permute((1, 2, 0)), None),
    ("mT", [B], lambda x: x.mT, None),
    ("split_chunk_size", [(7, 2)], lambda x: x.split(3), None),
    ("split_sizes_dim", [(2, 7)], lambda x: x.split([2, 4, 1], dim=1), None),
    ("split_one_per_piece", [(2, 3)], lambda x: ag.split(x, 1, dim=1), "torch.split(x, 1, dim=1)"),
    ("chunk", [(7, 2)], lambda x: x.chunk(3), None),
    ("chunk_more_than_length", [(2, 3)], lambda x: x.chunk(5, dim=1), None),
    ("tensor_split_sections", [(7, 2)], lambda x: x.tensor_split(3), None),
    ("tensor_split_indices", [(2, 7)], lambda x: x.tensor_split([1, 5], dim=1), None),
    ("unbind", [A], lambda x: x.unbind(1), None),
    ("cat_dim", [A, A], lambda x, y: ag.cat([x, y], dim=1), "torch.cat([x, y], dim=1)"),
    ("cat_positional", [A, (1, 4)], lambda x, y: ag.cat((x, y), 0), "torch.cat((x, y), 0)"),
    ("concat_negative", [A, A], lambda x, y: ag.concat([x, y], -1), "torch.concat([x, y], -1)"),
    ("stack_dim", [A, A], lambda x, y: ag.stack([x, y], dim=2), "torch.stack([x, y], dim=2)"),
    ("squeeze_non_one_dim_is_noop", [(1, 3, 1)], lambda x: x.squeeze(1), None),
    ("squeeze_dim", [(1, 3, 1)], lambda x: x.squeeze(-1), None),
    ("unsqueeze", [A], lambda x: x.unsqueeze(1), None),
    ("view", [B], lambda x: x.view(4, 6), None),
    ("view_minus_one", [B], lambda x: x.view(-1), None),
    ("view_as", [B, (6, 4)], lambda x, y: x.view_as(y), None),
    ("reshape_as", [A, (2, 6)], lambda x, y: x.reshape_as(y), None),
    ("expand", [(3, 1)], lambda x: x.expand(2, 3, 4), None),
    ("expand_minus_one", [(3, 1)], lambda x: x.expand(-1, 5), None),
    ("expand_as", [(1, 4), A], lambda x, y: x.expand_as(y), None),
    ("narrow", [A], lambda x: x.narrow(1, 1, 2), None),
    ("narrow_negative_start", [A], lambda x: x.narrow(0, -2, 2), None),
    ("repeat", [A], lambda x: x.repeat(2, 3), None),
    ("repeat_new_dims", [(3,)], lambda x: x.repeat(2, 1, 2), None),
    ("repeat_interleave_int", [A], lambda x: x.repeat_interleave(2, dim=1), None),
    ("repeat_interleave_flat", [A], lambda x: x.repeat_interleave(3), None),
    ("flip_dims", [B], lambda x: x.flip(0, 2), lambda x: x.flip(0, 2)),
    ("flip_list", [B], lambda x: ag.flip(x, [1]), "torch.flip(x, [1])"),
    ("movedim", [B], lambda x: x.movedim(0, -1), None),
    ("unflatten", [(2, 12)], lambda x: x.unflatten(1, (3, 4)), None),
    ("flatten_dims", [B], lambda x: x.flatten(1), None),
    ("flatten_start_end", [(2, 3, 4, 5)], lambda x: ag.flatten(x, 1, 2), "torch.flatten(x, 1, 2)"),
    # indexing along a dim
    ("gather", [A], lambda x: x.gather(1, _idx(x, [[0, 3], [1, 1], [2, 0]])), None),
    ("gather_smaller_index", [A], lambda x: ag.gather(x, 0, _idx(x, [[2, 0, 1]])), "torch.gather(x, 0, IDX)"),
    ("index_select", [A], lambda x: x.index_select(1, _idx(x, [3, 0, 3])), None),
    ("masked_fill", [A], lambda x: x.masked_fill(x > 0, -1.5), None),
    ("scatter", [A, (3, 2)], lambda x, s: x.scatter(1, _idx(x, [[0, 3], [1, 2], [2, 0]]), s), None),
    ("scatter_add_repeats", [A, (3, 2)], lambda x, s: x.scatter_add(1, _idx(x, [[1, 1], [0, 0], [3, 3]]), s), None),
    ("scatter_value", [A], lambda x: x.scatter(0, _idx(x, [[2, 0, 1, 0]]), 7.0), None),
    # sorting
    ("sort", [A], lambda x: tuple(x.sort(1)), lambda x: tuple(x.sort(1))),
    ("sort_descending", [A], lambda x: tuple(x.sort(dim=0, descending=True)),
     lambda x: tuple(x.sort(dim=0, descending=True))),
    ("argsort", [A], lambda x: x.argsort(1), None),
    ("topk", [A], lambda x: tuple(x.topk(2)), lambda x: tuple(x.topk(2))),
    ("topk_smallest_dim0", [A], lambda x: tuple(ag.topk(x, 2, dim=0, largest=False)),
     lambda x: tuple(__import__("torch").topk(x, 2, dim=0, largest=False))),
    # products and elementwise with PyTorch's arguments
    ("mm", [A, (4, 2)], lambda x, y: x.mm(y), None),
    ("bmm", [(2, 3, 4), (2, 4, 2)], lambda x, y: ag.bmm(x, y), "torch.bmm(x, y)"),
    ("mv", [A, (4,)], lambda x, y: x.mv(y), None),
    ("dot", [(4,), (4,)], lambda x, y: x.dot(y), None),
    ("outer", [(3,), (4,)], lambda x, y: ag.outer(x, y), "torch.outer(x, y)"),
    ("add_alpha", [A, A], lambda x, y: x.add(y, alpha=2.5), None),
    ("sub_alpha", [A, (4,)], lambda x, y: ag.sub(x, y, alpha=-0.5), "torch.sub(x, y, alpha=-0.5)"),
    ("pow_method", [A], lambda x: x.abs().pow(1.5), None),
    ("clamp", [A], lambda x: x.clamp(min=-0.3, max=0.4), None),
    ("clamp_min_only", [A], lambda x: ag.clamp(x, min=0.1), "torch.clamp(x, min=0.1)"),
    ("clip_minmax", [A], lambda x: x.clip(-0.2, 0.2), None),
    ("rsqrt", [A], lambda x: (x.abs() + 0.5).rsqrt(), None),
    ("square", [A], lambda x: x.square(), None),
    ("reciprocal", [A], lambda x: (x + 3).reciprocal(), None),
    ("log2", [A], lambda x: (x.abs() + 0.5).log2(), None),
    ("log10", [A], lambda x: ag.log10(x.abs() + 0.5), "torch.log10(x.abs() + 0.5)"),
    ("floor_zero_gradient", [A], lambda x: (x * 3).floor() + x, None),
    ("round", [A], lambda x: (x * 3).round() * x, None),
    ("where_method", [A], lambda x: x.where(x > 0, x * 2), None),
]


def _idx(like, values):
    """An int64 index tensor next to `like` (a deepgrad or a torch tensor)."""
    if isinstance(like, ag.Tensor):
        return ag.tensor(np.array(values, dtype=np.int64), device=like.device)
    import torch
    return torch.tensor(values, dtype=torch.int64)


def _theirs(ours, theirs):
    if theirs is None:
        return ours          # the same code is PyTorch code
    if isinstance(theirs, str):
        torch = require_torch()

        def run(*ts):   # the PyTorch expression, with the inputs named x and y (IDX: gather's index)
            names = dict(zip("xy", ts), torch=torch, IDX=torch.tensor([[2, 0, 1]], dtype=torch.int64))
            return eval(theirs, names)
        return run
    return theirs


@pytest.mark.parametrize("name,shapes,ours,theirs", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(device, name, shapes, ours, theirs):
    arrays = [rand(s, seed=i + 3) for i, s in enumerate(shapes)]
    check_against_torch(ours, _theirs(ours, theirs), arrays, device=device)


@pytest.mark.parametrize("name,shapes,ours,theirs", CASES, ids=[c[0] for c in CASES])
def test_gradcheck(device, name, shapes, ours, theirs):
    if name.startswith(("argmax", "argmin", "argsort")):
        pytest.skip("integer output: nothing to differentiate")
    arrays = [rand(s, seed=i + 5) for i, s in enumerate(shapes)]
    if name.startswith(("floor", "round")):
        arrays = [a + 0.01 for a in arrays]   # keep finite differences away from the jumps
    check_gradcheck(lambda *ts: _float_outputs(ours(*ts)), arrays, device=device)


def _float_outputs(out):
    if isinstance(out, tuple):
        floats = tuple(o for o in out if o.dtype.kind == "f")
        return floats if len(floats) > 1 else floats[0]
    return out


EMPTY_AND_ZERO_D_CALLS = [
    ((0, 3), "x.sum(1)"), ((0, 3), "x.split(2, dim=1)"), ((2, 0), "x.transpose(0, 1)"), ((0, 3), "x.cumsum(0)"),
    ((0, 3), "x.amax(1)"), ((2, 0), "x.repeat(2, 2)"), ((), "x.sum(0)"), ((), "x.t()"), ((), "x.cumsum(0)"),
    ((), "x.unsqueeze(0)"), ((), "x.var(correction=0)"), ((), "x.max(0)[0]"), ((), "x.sort()[0]"),
]


# the calls are written as text so that each test's id names its call (a lambda's repr holds its address,
# which differs between pytest-xdist's workers and breaks their shared collection)
@pytest.mark.parametrize("shape,expression", EMPTY_AND_ZERO_D_CALLS, ids=str)
def test_empty_and_zero_d_shapes_match_torch(device, shape, expression):
    call = eval(f"lambda x: {expression}")
    check_against_torch(call, call, [rand(shape, seed=1)], device=device)
    check_gradcheck(lambda x: _float_outputs(call(x)), [rand(shape, seed=2)], device=device)


def test_split_and_transpose_follow_pytorch_where_numpy_differs(device):
    x = ag.tensor(rand((2, 3)), device=device)
    assert [p.shape for p in x.split(1, dim=1)] == [(2, 1)] * 3      # NumPy: one piece (sections)
    np.testing.assert_array_equal(x.transpose(0, 1).numpy(), x.numpy().T)   # NumPy: the identity permutation
    assert isinstance(x.split(2), tuple)
    values, indices = ag.max(x, 1)
    assert values.shape == (2,) and indices.dtype == np.int64
    assert x.var().item() == pytest.approx(float(np.var(x.numpy(), ddof=1)), rel=1e-5)


def test_numpy_spellings_stay_accepted(device):
    x = ag.tensor(rand((2, 3, 4)), device=device)
    assert x.sum(axis=1, keepdims=True).shape == (2, 1, 4)
    assert x.transpose((2, 0, 1)).shape == (4, 2, 3) and x.transpose().shape == (4, 3, 2)
    assert ag.concatenate([x, x], axis=2).shape == (2, 3, 8)
    assert x.swapaxes(0, 2).shape == (4, 3, 2) and x.expand_dims(0).shape == (1, 2, 3, 4)
    assert x.var(axis=1, ddof=0).numpy() == pytest.approx(np.var(x.numpy(), axis=1), rel=1e-5)
    assert x.astype(ag.float64).dtype == np.float64
    with pytest.raises(TypeError, match="sum: got dim=0 and axis=1"):
        x.sum(0, axis=1)
    with pytest.raises(TypeError, match="pass only one of unbiased, correction and ddof"):
        x.var(unbiased=True, ddof=0)


def test_size_numel_dim_and_dtype_methods(device):
    torch = pytest.importorskip("torch")
    x = ag.zeros(2, 3, device=device)
    assert x.size() == (2, 3) and x.size(1) == 3 and x.size(-2) == 2
    assert x.size == 6 and x.numel() == 6 and x.dim() == 2     # .size as a number stays for NumPy habits
    with pytest.raises(IndexError, match="size: dim 2"):
        x.size(2)
    assert x.type() == torch.zeros(2, 3).type() == "torch.FloatTensor"
    assert x.long().type() == "torch.LongTensor" and x.type(ag.float64).dtype == np.float64
    assert x.type("torch.IntTensor").dtype == np.int32
    for name, expected in [("float", np.float32), ("double", np.float64), ("half", np.float16), ("long", np.int64),
                           ("int", np.int32), ("bool", np.bool_), ("short", np.int16), ("byte", np.uint8)]:
        assert getattr(x, name)().dtype == expected
        assert name == "byte" or getattr(ag, name) == expected
    assert x.to(ag.double).dtype == np.float64 and x.to(device, ag.half).dtype == np.float16
    assert x.to(ag.zeros(1, dtype=ag.int64)).dtype == np.int64 and x.type_as(x.long()).dtype == np.int64
    assert x.is_floating_point() and not x.long().is_floating_point() and x.element_size() == 4


def test_new_and_like_constructors(device):
    x = ag.tensor(rand((2, 3)).astype(np.float64), device=device)
    for made in (x.new_zeros(4, 5), x.new_ones((4, 5)), x.new_empty(4, 5), x.new_full((4, 5), 2.0)):
        assert made.shape == (4, 5) and made.dtype == np.float64 and made.device == x.device
    assert x.new_tensor([1, 2]).dtype == np.float64
    assert x.new_zeros(2, dtype=ag.int64).dtype == np.int64
    for made in (ag.randn_like(x), ag.rand_like(x), ag.empty_like(x), ag.zeros_like(x), ag.ones_like(x, dtype=ag.float)):
        assert made.shape == (2, 3)
    assert ag.randint_like(x, 5).dtype == np.float64 and ag.randint(10, (3,)).shape == (3,)
    with pytest.raises(TypeError, match="randn_like.*floating"):
        ag.randn_like(x.long())


def test_from_numpy_shares_memory_and_as_tensor():
    a = np.arange(6, dtype=np.float64).reshape(2, 3)
    t = ag.from_numpy(a)
    a[0, 0] = 42.0
    assert t[0, 0].item() == 42.0 and t.dtype == np.float64
    assert np.shares_memory(ag.as_tensor(a).numpy(), a)
    assert ag.as_tensor(t) is t and ag.as_tensor([1.0, 2.0]).dtype == np.float32
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray"):
        ag.from_numpy([1, 2])


def test_format_index_and_grad_fn_like_pytorch():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    loss = (x * 3).sum()
    assert f"{loss:.2f}" == "9.00" and f"{loss}" == "9.0"   # a 0-d tensor formats as its number
    assert ["a", "b", "c"][ag.tensor(2)] == "c" and list(range(5))[ag.tensor(1):ag.tensor(3)] == [1, 2]
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        ["a"][ag.tensor(0.0)]
    assert loss.grad_fn.name() == "SumBackward0" and "grad_fn=<SumBackward0>" in repr(loss)
    (mul, idx), = loss.grad_fn.next_functions
    assert mul.name() == "MulBackward0" and idx == 0
    leaf, constant = mul.next_functions
    assert leaf[0].variable is x and leaf[0].name() == "torch::autograd::AccumulateGrad" and constant == (None, 0)


NODE_NAMES = [   # the graph node a call ends with, as grad_fn.name() and a tensor's repr show it
    "x[0]", "x[:2]", "x[:]", "x[...]", "x[:, :]", "x[0, :3]", "x[:, 0]", "x[None]", "x[0, None]", "x[None, 0]",
    "x[i]", "x[m]", "x[:, i]", "x[..., 0]", "x[:, None]", "x[torch.tensor(1)]", "x[1:, i]", "x[:, 0:4]",
    "F.linear(x[0], w, b)", "F.linear(x[0], w)", "F.linear(x, w, b)", "F.linear(x, w)", "F.linear(x[0, 0], w, b)",
    "F.linear(x[0, 0], w)", "F.log_softmax(x, 1)", "x.softmax(-1)", "torch.cat([x, x])",
    "F.cross_entropy(x[0], i[:1].repeat(4))", "F.cross_entropy(x[0], i[:1].repeat(4), label_smoothing=0.1)",
    "F.cross_entropy(x, i[:1].repeat(15).view(3, 5))", "F.nll_loss(x[0], i[:1].repeat(4), reduction='none')",
    "F.mse_loss(x, x.detach())", "F.smooth_l1_loss(x, x.detach(), reduction='sum')", "F.huber_loss(x, x.detach())",
    "F.binary_cross_entropy(x.sigmoid(), x.detach().sigmoid())", "F.binary_cross_entropy_with_logits(x, x.detach())",
]


@pytest.mark.parametrize("expression", NODE_NAMES)
def test_graph_nodes_carry_pytorchs_names(expression):
    torch = pytest.importorskip("torch")
    import nn.functional as ours_F
    import torch.nn.functional as torch_F

    def node(lib, F):
        x = lib.tensor(rand((3, 4, 5), seed=1), requires_grad=True)
        w, b = lib.tensor(rand((2, 5), seed=2)), lib.tensor(rand((2,), seed=3))
        i, m = lib.tensor([0, 2]), lib.tensor([True, False, True])
        return eval(expression, {"torch": lib, "F": F, "x": x, "w": w, "b": b, "i": i, "m": m}).grad_fn.name()
    assert node(ag, ours_F) == node(torch, torch_F)


def test_in_place_methods_update_values_and_versions(device):
    torch = pytest.importorskip("torch")
    a = rand((2, 3), seed=7)
    ours = ag.tensor(a, device=device)
    theirs = torch.tensor(a)
    for step in (lambda t: t.add_(1.5), lambda t: t.mul_(2), lambda t: t.sub_(t, alpha=0.5), lambda t: t.div_(3),
                 lambda t: t.clamp_(-0.5, 0.5), lambda t: t.abs_(), lambda t: t.sqrt_(), lambda t: t.neg_(),
                 lambda t: t.exp_(), lambda t: t.pow_(2), lambda t: t.masked_fill_(t > 1.5, 0.25)):
        assert step(ours) is ours
        step(theirs)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    w = ag.tensor(a, device=device, requires_grad=True)
    y = w * 1.0
    z = (y * y).sum()
    with ag.no_grad():
        y.mul_(2)             # changes the values that y * y saved: backward must refuse
    with pytest.raises(ag.GraphError, match="modified|changed"):
        z.backward()
    y = w * 1.0
    z = (y * y).sum()
    y.mul_(2)                 # recorded: y now names a new node, but z's graph saved y, so backward refuses (PyTorch)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.backward(retain_graph=True)
    (y.sum()).backward()
    np.testing.assert_allclose(w.grad.numpy(), np.full_like(a, 2.0), rtol=1e-6)
    with pytest.raises(ag.GraphError, match="add_: in-place change of a leaf"):
        w.add_(1)


@pytest.mark.parametrize("call,match", [
    (lambda t: t.add_(0.5), "add_.*float.*int64"), (lambda t: t.div_(2), "div_"),
    (lambda t: t.__iadd__(0.5), r"\+=.*int64"), (lambda t: t.bool().add_(1), "add_.*bool"),
])
def test_in_place_ops_refuse_lossy_casts(device, call, match):
    t = ag.tensor([1, 2, 3], device=device)
    with pytest.raises(TypeError, match=match):
        call(t)
    np.testing.assert_array_equal(t.numpy(), [1, 2, 3])


def test_in_place_int_ops_that_fit_stay_exact(device):
    t = ag.tensor([1, 2, 3], device=device)
    t += 2
    t.mul_(3)
    np.testing.assert_array_equal(t.numpy(), [9, 12, 15])
    assert t.dtype == np.int64


def test_device_helpers_as_pytorch_spells_them():
    assert ag.cuda.is_available() in (True, False)
    assert ag.cuda.device_count() == len([d for d in ag.available_devices() if d.startswith("cuda")])
    assert ag.accelerator.is_available() == ag.cuda.is_available()
    assert (ag.accelerator.current_accelerator() is None) == (not ag.cuda.is_available())
    assert ag.backends.mps.is_available() is False
    device = "cuda" if ag.cuda.is_available() else "mps" if ag.backends.mps.is_available() else "cpu"
    assert ag.zeros(2, device=device).device.type in ("cpu", "cuda")
    assert ag.device("cpu").type == "cpu" and str(ag.device("cpu")) == "cpu"


def test_randperm_is_a_seeded_permutation(device):
    ag.manual_seed(3)
    a = ag.randperm(10, device=device)
    ag.manual_seed(3)
    b = ag.randperm(10, device=device)
    assert sorted(a.tolist()) == list(range(10)) and a.tolist() == b.tolist() and a.dtype == np.int64


def test_out_keyword_writes_into_the_given_tensor(device):
    a = ag.tensor(rand((2, 3), seed=1), device=device)
    b = ag.tensor(rand((3, 2), seed=2), device=device)
    out = ag.zeros(2, 2, device=device)
    assert ag.matmul(a, b, out=out) is out
    np.testing.assert_allclose(out.numpy(), a.numpy() @ b.numpy(), rtol=1e-6)
    grown = ag.zeros(1, device=device)
    ag.cat([a, a], dim=0, out=grown)
    assert grown.shape == (4, 3)
    with pytest.raises(ag.GraphError, match="out="):
        ag.mul(a.requires_grad_(), a, out=ag.zeros(2, 3, device=device))
    with pytest.raises(TypeError, match="cannot be stored in out"):
        ag.add(a.detach(), 1.0, out=ag.zeros(2, 3, dtype=ag.int64, device=device))


def test_torch_nn_optim_and_utils_data_names_once_nn_is_imported():
    import nn
    assert ag.nn is nn and ag.optim is nn.optim and ag.utils.data is nn.data
    assert ag.nn.functional.relu is nn.functional.relu and ag.utils.data.DataLoader is nn.data.DataLoader
    assert ag.save is nn.save and ag.load is nn.load


def test_where_with_only_a_condition_gives_the_indices_of_its_true_elements():
    torch = pytest.importorskip("torch")
    x = rand((3, 4), seed=5)
    ours, theirs = ag.where(ag.tensor(x) > 0), torch.where(torch.tensor(x) > 0)
    assert isinstance(ours, tuple) and len(ours) == len(theirs) == 2
    for o, t in zip(ours, theirs):
        np.testing.assert_array_equal(o.numpy(), t.numpy())
    with pytest.raises(TypeError, match=r"where: takes where\(condition\) or where\(condition, input, other\)"):
        ag.where(ag.tensor(x) > 0, 1.0)
