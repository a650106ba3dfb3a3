"""Regressions for the differences from PyTorch that round 30 found while writing its programs
(tests/test_pytorch_programs_round30.py). Each test states PyTorch 2.13's answer and, where PyTorch is installed,
checks it against PyTorch too (gradcheck where a graph changed)."""
import numpy as np
import pytest

import autograd as ag
from tests.helpers import check_against_torch, check_gradcheck, require_torch


def _raised(fn):
    with pytest.raises(RuntimeError) as info:
        fn()
    return str(info.value)


def _both(make):
    """The messages deepgrad and PyTorch raise for make(library)."""
    ours = _raised(lambda: make(ag))
    torch = require_torch()
    return ours, _raised(lambda: make(torch))


# ----- error texts begin with PyTorch's sentence (code that matches them, as the programs print them) ----------

@pytest.mark.parametrize("case", ["backward", "grad", "second_output", "list_backward"])
def test_differentiating_an_output_that_needs_no_grad_says_pytorchs_sentence_first(case):
    def make(lib):
        x = lib.ones(3)
        w = lib.ones(3, requires_grad=True)
        if case == "backward":
            (x * 2).sum().backward()
        elif case == "grad":
            lib.autograd.grad((x * 2).sum(), w)
        elif case == "second_output":
            lib.autograd.grad([(w * 2).sum(), (x * 2).sum()], [w])
        else:
            lib.autograd.backward([(w * 2).sum(), (x * 2).sum()])
    ours = _raised(lambda: make(ag))
    index = 1 if case in ("second_output", "list_backward") else 0
    assert ours.startswith(f"element {index} of tensors does not require grad and does not have a grad_fn")
    assert "requires_grad=True" in ours   # deepgrad's advice follows
    torch = require_torch()
    assert ours.startswith(_raised(lambda: make(torch)))


@pytest.mark.parametrize("index", [0, 1, 2])
def test_unused_input_to_grad_says_pytorchs_sentence_with_its_index(index):
    def make(lib):
        ts = [lib.ones(2, requires_grad=True) for _ in range(3)]
        used = [t for i, t in enumerate(ts) if i != index]
        lib.autograd.grad(sum((t * t).sum() for t in used), ts)
    ours = _raised(lambda: make(ag))
    assert ours.startswith(f"The differentiated Tensor at index {index} appears to not have been used in the graph. "
                           "Set allow_unused=True if this is the desired behavior.")
    assert "materialize_grads=True" in ours
    torch = require_torch()
    assert ours.startswith(_raised(lambda: make(torch)))


def test_second_backward_through_a_freed_graph_says_pytorchs_sentence_first():
    def make(lib):
        x = lib.ones(3, requires_grad=True)
        y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    ours, theirs = _both(make)
    sentence = ("Trying to backward through the graph a second time (or directly access saved tensors after they "
                "have already been freed)")
    assert ours.startswith(sentence) and theirs.startswith(sentence)
    assert "retain_graph=True" in ours


# ----- sparse_coo_tensor and values() free their graph after backward, as PyTorch's nodes -----------------------

def _coo(lib, w):
    """A 3x3 sparse COO tensor with the values w at four fixed entries."""
    return lib.sparse_coo_tensor(lib.tensor([[0, 1, 2, 2], [1, 2, 0, 2]]), w, (3, 3))


def test_sparse_coo_tensor_reused_after_backward_is_refused_as_in_pytorch():
    """PyTorch's SparseCooTensorWithDimsAndTensorsBackward0 saves its result, so a sparse tensor built from values
    that require grad cannot be differentiated again once a backward freed that node (deepgrad went through)."""
    def make(lib):
        w = lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64, requires_grad=True)
        A = _coo(lib, w)
        A.to_dense().sum().backward()
        A.to_dense().sum().backward()
    ours, theirs = _both(make)
    assert ours.startswith("Trying to backward through the graph a second time") and theirs.startswith(ours[:50])
    assert "sparse_coo_tensor" in ours


def test_sparse_values_reused_after_backward_is_refused_as_in_pytorch():
    def make(lib):
        S = _coo(lib, lib.tensor([1.0, 2.0, 3.0, 4.0], dtype=lib.float64)).requires_grad_()
        v = S.coalesce().values()
        (v * 2).sum().backward()
        (v * 3).sum().backward()
    ours, theirs = _both(make)
    assert ours.startswith(theirs[:50]) and "values" in ours


def test_sparse_graph_kept_by_retain_graph_gives_pytorchs_gradients_twice():
    w = ag.tensor([1.0, 2.0, 3.0, 4.0], dtype=ag.float64, requires_grad=True)
    A = _coo(ag, w)
    weights = ag.arange(9.0, dtype=ag.float64).reshape(3, 3)
    (A.to_dense() * weights).sum().backward(retain_graph=True)
    (A.to_dense() * weights).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), 2 * np.array([1.0, 5.0, 6.0, 8.0]))
    check_gradcheck(lambda v: (_coo(ag, v).to_dense() * weights).sum(1), [np.array([1.0, 2.0, 3.0, 4.0])])
    check_gradcheck(lambda v: ag.sparse.mm(_coo(ag, v), weights), [np.array([0.5, -1.0, 2.0, 3.0])])
    torch = require_torch()
    check_against_torch(lambda v: ag.sparse.mm(_coo(ag, v), weights),
                        lambda v: torch.sparse.mm(_coo(torch, v), torch.arange(9.0, dtype=torch.float64).reshape(3, 3)),
                        [np.array([0.5, -1.0, 2.0, 3.0])], atol=1e-12, rtol=1e-12)


# ----- torch.masked.var / std divide last: PyTorch's DivBackward0 ----------------------------------------------

@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("dim", [None, 1, (0, 2)])
@pytest.mark.parametrize("unbiased", [False, True])
def test_masked_var_is_pytorchs_division_node_with_its_values_and_gradients(keepdim, dim, unbiased):
    x = np.random.default_rng(3).standard_normal((2, 3, 4))
    keep = np.arange(24).reshape(2, 3, 4) % 3 != 0
    out = ag.masked.var(ag.tensor(x, requires_grad=True), dim, unbiased, keepdim=keepdim, mask=ag.tensor(keep))
    assert out.grad_fn.name() == "DivBackward0"   # was SqueezeBackward2 without keepdim
    check_gradcheck(lambda t: ag.masked.var(t, dim, unbiased, keepdim=keepdim, mask=ag.tensor(keep)), [x])
    torch = require_torch()
    for name in ("var", "std"):
        check_against_torch(
            lambda t: getattr(ag.masked, name)(t, dim, unbiased, keepdim=keepdim, mask=ag.tensor(keep)),
            lambda t: getattr(torch.masked, name)(t, dim, unbiased, keepdim=keepdim, mask=torch.tensor(keep)),
            [x], atol=1e-12, rtol=1e-10)


# ----- Tensor._base / _is_view: the tensor a view shares memory with, followed to the root --------------------

_VIEWS = {
    "view": lambda x: x.view(6, 4), "reshape": lambda x: x.reshape(-1), "transpose": lambda x: x.transpose(0, 2),
    "permute": lambda x: x.permute(2, 0, 1), "slice": lambda x: x[:, 1:], "int index": lambda x: x[1],
    "advanced index": lambda x: x[[0, 1]], "mask": lambda x: x[x > 0], "unsqueeze": lambda x: x.unsqueeze(1),
    "flatten": lambda x: x.flatten(1), "expand": lambda x: x[:, :1].expand(2, 5, 4), "narrow": lambda x: x.narrow(1, 0, 2),
    "diagonal": lambda x: x[0].diagonal(), "unfold": lambda x: x.unfold(2, 2, 1), "split": lambda x: x.split(1)[0],
    "unbind": lambda x: x.unbind(0)[1], "detach": lambda x: x.detach(), "clone": lambda x: x.clone(),
    "contiguous": lambda x: x.contiguous(), "copying reshape": lambda x: x.transpose(0, 1).reshape(-1),
    "view of a view": lambda x: x.view(24)[3:], "flip": lambda x: x.flip(0), "mT": lambda x: x.mT,
    "product": lambda x: x * 1, "ellipsis": lambda x: x[...],
}


@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize("op", sorted(_VIEWS))
def test_base_and_is_view_answer_as_pytorchs(op, requires_grad):
    def answer(lib):
        x = lib.tensor(np.arange(24.0).reshape(2, 3, 4) - 5, requires_grad=requires_grad)
        y = _VIEWS[op](x)
        return ("x" if y._base is x else None if y._base is None else "other"), y._is_view(), x._base, x._is_view()
    ours = answer(ag)
    torch = require_torch()
    assert ours == answer(torch)


def test_base_of_a_view_changed_in_place_stays_its_root():
    x = ag.ones(4, requires_grad=True)
    y = x * 2
    v = y[1:][1:]
    v.mul_(2)
    assert v._base is y and y._base is None and v._is_view() and not y._is_view()


# ----- vmap's randomness refusal says PyTorch's sentence first ---------------------------------------------

def test_vmap_random_draw_in_error_mode_says_pytorchs_sentence():
    def make(lib):
        lib.func.vmap(lambda a: lib.rand(2) + a)(lib.zeros(3))
    ours, theirs = _both(make)
    sentence = "vmap: called random operation while in randomness error mode."
    assert ours.startswith(sentence) and theirs.startswith(sentence)
    assert "randomness='different'" in ours


# ----- nn.utils.parametrize: setting a parametrized tensor without right_inverse is refused ----------------------

def test_setting_a_parametrized_tensor_without_right_inverse_raises_as_pytorch():
    """PyTorch raises RuntimeError; deepgrad stored the value into the original as it was, so the weight silently
    became parametrization(value) (twice the value here)."""
    def make(lib):
        class Double(lib.nn.Module):
            def forward(self, X):
                return 2 * X
        m = lib.nn.Linear(2, 2)
        lib.nn.utils.parametrize.register_parametrization(m, "weight", Double())
        with lib.no_grad():
            m.weight = lib.eye(2)
    import nn  # noqa: F401  (makes ag.nn)
    ours, theirs = _both(make)
    assert ours.startswith("parametrization Double does not implement right_inverse.")
    assert ours.startswith(theirs)


def test_setting_through_a_stack_calls_every_right_inverse_last_first():
    import nn
    import nn.utils.parametrize as P

    class Plus(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.c = c

        def forward(self, X):
            return X + self.c

        def right_inverse(self, Y):
            return Y - self.c
    m = nn.Linear(2, 2)
    P.register_parametrization(m, "weight", Plus(1.0))
    P.register_parametrization(m, "weight", Plus(10.0))
    with ag.no_grad():
        m.weight = ag.eye(2)
    np.testing.assert_allclose(m.parametrizations.weight.original.numpy(), np.eye(2) - 11.0)
    np.testing.assert_allclose(m.weight.detach().numpy(), np.eye(2))


# ----- nn.utils.rnn: PyTorch's nodes and refusals -------------------------------------------------------------

@pytest.mark.parametrize("enforce_sorted", [True, False])
@pytest.mark.parametrize("batch_first", [False, True])
def test_packing_and_padding_show_pytorchs_nodes_and_gradients(enforce_sorted, batch_first):
    x = np.random.default_rng(4).standard_normal((4, 3, 2))
    lengths = [4, 2, 1] if enforce_sorted else [2, 4, 1]

    def run(lib, rnn):
        t = lib.tensor(x, requires_grad=True)
        src = t.transpose(0, 1) if batch_first else t
        packed = rnn.pack_padded_sequence(src, lengths, batch_first=batch_first, enforce_sorted=enforce_sorted)
        out, lens = rnn.pad_packed_sequence(packed, batch_first=batch_first, padding_value=-1.0)
        (out * lib.arange(out.numel(), dtype=lib.float64).reshape(out.shape)).sum().backward()
        return (packed.data.grad_fn.name(), out.grad_fn.name(), lens.tolist(), out.detach().numpy(),
                t.grad.numpy())
    import nn.utils.rnn as ours_rnn
    ours = run(ag, ours_rnn)
    assert ours[0] == "PackPaddedSequenceBackward0"   # was IndexBackward0
    torch = require_torch()
    import torch.nn.utils.rnn as torch_rnn
    theirs = run(torch, torch_rnn)
    assert ours[:3] == theirs[:3]
    np.testing.assert_array_equal(ours[3], theirs[3])
    np.testing.assert_array_equal(ours[4], theirs[4])


@pytest.mark.parametrize("lengths, enforce_sorted", [([2, 4, 1], True), ([2, 0, 1], False)])
def test_pack_padded_sequence_refusals_say_pytorchs_sentence_first(lengths, enforce_sorted):
    def make(lib):
        rnn = __import__("nn.utils.rnn" if lib is ag else "torch.nn.utils.rnn", fromlist=["x"])
        rnn.pack_padded_sequence(lib.zeros(4, 3, 2), lengths, enforce_sorted=enforce_sorted)
    ours, theirs = _both(make)
    assert ours.startswith(theirs.split(".")[0])


# ----- expand keeps a size-1 dim's stride, as PyTorch's ----------------------------------------------------------

@pytest.mark.parametrize("source, target", [((1,), (2, 1)), ((3, 1), (2, 3, 1)), ((1, 1), (1, 4)), ((2, 1, 3), (2, 4, 3)),
                                            ((1, 1, 1), (5, 1, 1)), ((), (5, 1)), ((), (1, 5)), ((2, 1, 1), (2, 1, 3))])
def test_expand_strides_are_pytorchs(source, target):
    ours = ag.zeros(source).expand(*target)
    assert ours._data.flags.writeable is False   # still a read-only broadcast
    torch = require_torch()
    assert ours.stride() == torch.zeros(source).expand(*target).stride()
    assert ours.is_contiguous() == torch.zeros(source).expand(*target).is_contiguous()


def test_expand_of_a_transposed_slice_keeps_its_strides_and_gradient():
    x = ag.zeros(4, 3, requires_grad=True)
    e = x.t()[:1].expand(5, 1, 4)
    assert e.stride() == (0, 1, 3)   # PyTorch's
    (e * ag.arange(4.0)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[:, 0], 5 * np.arange(4.0))
    check_gradcheck(lambda t: t.t()[:1].expand(5, 1, 4) * 2, [np.ones((4, 3))])


# ----- distributions: a transform's inverse is one object; Binomial's refusal -----------------------------------

def test_transform_inverse_is_the_same_object_and_its_inverse_the_transform():
    from autograd.distributions.transforms import AffineTransform, ComposeTransform, SigmoidTransform, TanhTransform
    a = AffineTransform(1.0, 2.0)
    c = ComposeTransform([a, SigmoidTransform()])
    assert a.inv is a.inv and a.inv.inv is a
    assert c.inv is c.inv and c.inv.inv is c   # c.inv.inv was a new ComposeTransform
    cached = ComposeTransform([a, TanhTransform()], cache_size=1)
    x = ag.tensor([0.3])
    assert cached.inv(cached(x)) is x


def test_binomial_inhomogeneous_support_says_pytorchs_sentence():
    def make(lib):
        lib.distributions.Binomial(lib.tensor([2.0, 3.0]), lib.tensor([0.5, 0.5])).enumerate_support()
    with pytest.raises(NotImplementedError, match="^Inhomogeneous total count not supported by `enumerate_support`"):
        make(ag)


# ----- torch.sparse.sum's nodes ------------------------------------------------------------------------------

@pytest.mark.parametrize("dim", [None, (0, 1), 0, 1])
def test_sparse_sum_shows_pytorchs_node_with_its_gradient(dim):
    def run(lib):
        s = lib.sparse_coo_tensor(lib.tensor([[0, 1, 1], [2, 0, 2]]), lib.tensor([3.0, 4.0, 5.0]), (2, 3))
        s = s.requires_grad_()
        out = lib.sparse.sum(s) if dim is None else lib.sparse.sum(s, dim)
        name = out.grad_fn.name()
        (out.to_dense() if out.layout != lib.strided else out).sum().backward()
        return name, s.grad.to_dense().numpy()
    ours = run(ag)
    assert ours[0] == ("SumBackward0" if dim is None else "SparseSumBackward0")
    torch = require_torch()
    theirs = run(torch)
    assert ours[0] == theirs[0]
    np.testing.assert_array_equal(ours[1], theirs[1])


# ----- a lone output marked non-differentiable requires no grad ------------------------------------------------

@pytest.mark.parametrize("style", ["setup_context", "ctx_forward"])
@pytest.mark.parametrize("k", [0.0, 3.0])
def test_lone_output_marked_non_differentiable_requires_no_grad_as_in_pytorch(style, k):
    """PyTorch returns a tensor that requires no grad and has no grad_fn; deepgrad's single output kept the node
    (the mark was honoured only for tuple outputs)."""
    def run(lib):
        if style == "setup_context":
            class Scale(lib.autograd.Function):
                @staticmethod
                def forward(x, k):
                    return x * k

                @staticmethod
                def setup_context(ctx, inputs, output):
                    ctx.k = inputs[1]
                    if inputs[1] == 0:
                        ctx.mark_non_differentiable(output)

                @staticmethod
                def backward(ctx, g):
                    return g * ctx.k, None
        else:
            class Scale(lib.autograd.Function):
                @staticmethod
                def forward(ctx, x, k):
                    ctx.k = k
                    y = x * k
                    if k == 0:
                        ctx.mark_non_differentiable(y)
                    return y

                @staticmethod
                def backward(ctx, g):
                    return g * ctx.k, None
        x = lib.ones(2, requires_grad=True)
        y = Scale.apply(x, k)
        shown = (y.requires_grad, y.grad_fn is None, y.tolist())
        if y.requires_grad:
            y.sum().backward()
            shown += (x.grad.tolist(),)
        return shown
    ours = run(ag)
    assert ours[0] == (k != 0)
    torch = require_torch()
    assert ours == run(torch)


# ----- nn.init's refusals begin with PyTorch's sentence ----------------------------------------------------------

@pytest.mark.parametrize("case", ["gain", "slope", "dirac", "eye", "orthogonal", "sparse"])
def test_init_refusals_say_pytorchs_sentence_first(case):
    def make(lib):
        init = (__import__("nn").init if lib is ag else lib.nn.init)
        calls = {"gain": lambda: init.calculate_gain("gelu"), "slope": lambda: init.calculate_gain("leaky_relu", "x"),
                 "dirac": lambda: init.dirac_(lib.empty(3, 2)), "eye": lambda: init.eye_(lib.empty(3)),
                 "orthogonal": lambda: init.orthogonal_(lib.empty(3)), "sparse": lambda: init.sparse_(lib.empty(3), 0.5)}
        calls[case]()
    with pytest.raises(ValueError) as ours:
        make(ag)
    torch = require_torch()
    with pytest.raises(ValueError) as theirs:
        make(torch)
    assert str(ours.value).startswith(str(theirs.value))


@pytest.mark.parametrize("parametrized", [False, True])
def test_removing_a_missing_parametrization_says_pytorchs_sentence_first(parametrized):
    def make(lib):
        nn_ = __import__("nn") if lib is ag else lib.nn
        P = __import__("nn.utils.parametrize", fromlist=["x"]) if lib is ag else lib.nn.utils.parametrize

        class Double(nn_.Module):
            def forward(self, X):
                return 2 * X
        m = nn_.Linear(2, 2)
        if parametrized:
            P.register_parametrization(m, "weight", Double())
        P.remove_parametrizations(m, "bias")
    with pytest.raises(ValueError) as ours:
        make(ag)
    torch = require_torch()
    with pytest.raises(ValueError) as theirs:
        make(torch)
    assert str(ours.value).startswith(str(theirs.value))


@pytest.mark.parametrize("given", [{"0.weight"}, {"0.weight", "extra"}, {"zz", "extra"}])
def test_functional_call_strict_refusal_lists_keys_as_pytorch(given):
    def make(lib):
        nn_ = __import__("nn") if lib is ag else lib.nn
        m = nn_.Sequential(nn_.Linear(2, 2), nn_.BatchNorm1d(2))
        lib.func.functional_call(m, {k: lib.ones(2, 2) if k == "0.weight" else lib.ones(1) for k in sorted(given)},
                                 (lib.ones(3, 2),), strict=True)
    ours, theirs = _both(make)
    assert ours.startswith(theirs)


@pytest.mark.parametrize("case", ["in_dim", "sizes", "sizes_in_dims"])
def test_vmap_dimension_refusals_say_pytorchs_sentence_first(case):
    def make(lib):
        vmap = lib.func.vmap
        if case == "in_dim":
            vmap(lambda a: a, in_dims=2)(lib.ones(2, 2))
        elif case == "sizes":
            vmap(lambda a, b: a + b)(lib.ones(2, 3), lib.ones(3, 3))
        else:
            vmap(lambda a, b: a + b, in_dims=(0, 1))(lib.ones(2, 3), lib.ones(3, 4))
    with pytest.raises(ValueError) as ours:
        make(ag)
    torch = require_torch()
    with pytest.raises(ValueError) as theirs:
        make(torch)
    assert str(ours.value).startswith(str(theirs.value))
