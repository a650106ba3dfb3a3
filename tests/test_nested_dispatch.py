"""@nested_dispatch (autograd/nested_dispatch.py), the one way a function form says that nested tensors take over its
calls. Every decorated function, found by walking autograd.ops and nn.functional (so a new one is checked without
being listed), hands a call with a nested argument to that argument's `nested_call`, with the call as Python bound
it; runs a plain call exactly as the undecorated function does; and keeps its name, docstring and signature. No
hand-written guard is left in the op files (only add/sub/mul/div keep theirs: the operators' hot path, see
elementwise._nested_binary). `nested_call` reads NumPy's spellings and `inplace` through call_forms.torch_form."""
import importlib
import inspect
import linecache
import pathlib
import pkgutil
import re
import traceback

import numpy as np
import pytest

import autograd as ag
import autograd.ops
import nn.functional
from autograd.nested.call_forms import torch_form
from autograd.nested_dispatch import nested_dispatch
from autograd.nested_kind import NestedBase

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _decorated():
    """{function: the dotted names it is reachable by} for every decorated function of autograd.ops and
    nn.functional."""
    found = {}
    for package in (autograd.ops, nn.functional):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, obj in vars(module).items():
                if callable(obj) and getattr(obj, "nested_operands", None) is not None:
                    found.setdefault(obj, []).append(f"{module.__name__}.{name}")
    return found


DECORATED = _decorated()
FUNCTIONS = sorted(DECORATED, key=lambda f: f"{f.__module__}.{f.__name__}")
IDS = [f"{f.__module__}.{f.__name__}" for f in FUNCTIONS]
HANDED = object()   # what the recorder's nested_call returns


class _Recorder(NestedBase):
    """A stand-in nested tensor that records the calls handed to it."""

    __slots__ = ("calls",)

    def __init__(self):
        self.calls = []

    def nested_call(self, func, args, kwargs):
        self.calls.append((func, args, kwargs))
        return HANDED


def test_the_table_holds_the_function_forms_that_take_nested_tensors():
    names = {f"{f.__module__}.{f.__name__}" for f in FUNCTIONS}
    for expected in ("autograd.ops.activation.relu", "autograd.ops.reduction.sum", "autograd.ops.joining.cat",
                     "autograd.ops.shape.transpose", "nn.functional.linear.linear",
                     "nn.functional.attention.scaled_dot_product_attention", "nn.functional.dropout.dropout"):
        assert expected in names
    assert len(FUNCTIONS) >= 37


def test_no_hand_written_guard_is_left_in_the_op_files():
    """A function form that takes nested tensors uses the decorator: `nested_call(` appears in the op files only in
    elementwise._nested_binary, the guard add/sub/mul/div share."""
    found = []
    for folder in ("autograd/ops", "nn/functional"):
        for path in sorted((ROOT / folder).glob("*.py")):
            function = None
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                function = re.match(r"def (\w+)", line).group(1) if line.startswith("def ") else function
                if "nested_call(" in line:
                    found.append((str(path.relative_to(ROOT)), function, number))
    assert [(path, function) for path, function, _ in found] == [("autograd/ops/elementwise.py", "_nested_binary")], \
        found


def _dispatch_positions(f):
    return [0] if f.nested_operands == "sequence" else list(range(f.nested_operands))


def _bound(f, args, kwargs):
    """The (args, kwargs) the decorator hands over: positional parameters by position, keyword-only by keyword,
    defaults filled in."""
    bound = inspect.signature(f).bind(*args, **kwargs)
    bound.apply_defaults()
    positional, keywords = [], {}
    for p in inspect.signature(f).parameters.values():
        if p.kind is p.KEYWORD_ONLY:
            keywords[p.name] = bound.arguments[p.name]
        else:
            positional.append(bound.arguments[p.name])
    return tuple(positional), keywords


@pytest.mark.parametrize("f", FUNCTIONS, ids=IDS)
def test_a_nested_argument_takes_the_call_as_bound(f):
    positional = [p for p in inspect.signature(f).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    given = positional[:max(_dispatch_positions(f)[-1] + 1, sum(p.default is p.empty for p in positional))]
    for position in _dispatch_positions(f):
        nested = _Recorder()
        values = [object() for _ in given]
        values[position] = [nested, object()] if f.nested_operands == "sequence" else nested
        assert f(*values) is HANDED
        assert f(**{p.name: v for p, v in zip(given, values)}) is HANDED   # by keyword: the same call
        expected = (f,) + _bound(f, values, {})
        assert nested.calls == [expected, expected]


def _keyword_only(f):
    return [p.name for p in inspect.signature(f).parameters.values() if p.kind is p.KEYWORD_ONLY]


@pytest.mark.parametrize("f", [f for f in FUNCTIONS if _keyword_only(f)],
                         ids=[i for f, i in zip(FUNCTIONS, IDS) if _keyword_only(f)])
def test_keyword_only_arguments_reach_the_nested_side_by_keyword(f):
    keyword_only = _keyword_only(f)
    nested = _Recorder()
    first = [nested] if f.nested_operands == "sequence" else nested
    given = {name: object() for name in keyword_only}
    required = [p for p in inspect.signature(f).parameters.values()
                if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD][1:]
    assert f(first, *[object() for _ in required], **given) is HANDED
    (func, args, kwargs), = nested.calls
    assert kwargs == given and args[0] is first


@pytest.mark.parametrize("f", FUNCTIONS, ids=IDS)
def test_the_decorated_function_keeps_name_docstring_and_signature(f):
    dense = f.__wrapped__
    assert (f.__name__, f.__qualname__, f.__module__, f.__doc__) == \
        (dense.__name__, dense.__qualname__, dense.__module__, dense.__doc__)
    assert f.__doc__ and inspect.signature(f) == inspect.signature(dense)
    assert inspect.signature(f, follow_wrapped=False) == inspect.signature(dense)   # its own parameters, too
    assert (f.__defaults__, f.__kwdefaults__) == (dense.__defaults__, dense.__kwdefaults__)
    # one frame with the function's own parameters, no *args/**kwargs to pack (the per-call cost of the guard)
    assert not f.__code__.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)


# ----- a plain call runs as the undecorated function does
_rng = np.random.default_rng(0)
_X = ag.tensor(_rng.normal(size=(2, 3)))
_SAMPLES = {"input": _X, "x": _X, "other": _X.flip(0), "exponent": 2.0, "condition": _X > 0, "tensor": _X,
            "query": _X, "key": _X, "value": _X, "tensors": [_X, _X], "dim": 1,
            "start": 0, "length": 2, "split_size_or_sections": 1, "chunks": 2, "normalized_shape": (3,),
            "weight": ag.tensor(_rng.normal(size=(4, 3)))}
_OVERRIDES = {   # calls whose samples by parameter name would only raise
    "embedding": ((ag.tensor([[0, 2], [3, 1]]), ag.tensor(_rng.normal(size=(4, 3)))), {}),
    "unsqueeze": ((_X, 0), {}), "clamp": ((_X,), {"min": 0.0}), "dropout": ((_X, 0.5, True), {}),
    "alpha_dropout": ((_X, 0.5, True), {}), "feature_alpha_dropout": ((ag.ones(2, 3, 4), 0.5, True), {}),
    "matmul": ((_X, _X.T), {}), "bmm": ((_X[None], _X.T[None]), {})}
_KEYWORD_SAMPLES = {"axis": 1, "keepdims": True, "dtype": ag.float64, "start_axis": 0, "end_axis": 1}


def _plain_call(f):
    if f.__name__ in _OVERRIDES:
        return _OVERRIDES[f.__name__]
    required = [p.name for p in inspect.signature(f).parameters.values()
                if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    missing = [name for name in required if name not in _SAMPLES]
    assert not missing, f"{f.__name__}: give _SAMPLES a plain value for parameter(s) {missing}"
    return tuple(_SAMPLES[name] for name in required), {}


def _outcome(f, args, kwargs):
    ag.manual_seed(0)
    try:
        return _digest(f(*args, **kwargs))
    except Exception as error:   # the error is the outcome compared
        return type(error), str(error)


def _digest(x):
    if isinstance(x, (tuple, list)):
        return type(x).__name__, [_digest(v) for v in x]
    if isinstance(x, ag.Tensor):
        return str(x.dtype), tuple(x.shape), x.detach().numpy().tobytes(), x.requires_grad   # bytes: NaN == NaN
    return repr(x)


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore:Implicit dimension choice")   # log(-1), softmin(x)
@pytest.mark.parametrize("f", FUNCTIONS, ids=IDS)
def test_a_plain_call_runs_as_the_undecorated_function(f):
    args, kwargs = _plain_call(f)
    plain = _outcome(f, args, kwargs)
    assert plain == _outcome(f.__wrapped__, args, kwargs)
    assert not isinstance(plain[0], type), f"{f.__name__}'s plain sample call raised {plain}"
    keyword_only = {p.name for p in inspect.signature(f).parameters.values() if p.kind is p.KEYWORD_ONLY}
    spelled = {name: _KEYWORD_SAMPLES[name] for name in keyword_only if name in _KEYWORD_SAMPLES}
    if spelled:
        assert _outcome(f, args, spelled) == _outcome(f.__wrapped__, args, spelled)


def test_warnings_still_point_at_the_callers_line():
    """softmin's implicit-dim warning and where's uint8-condition warning count the wrapper's frame."""
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin") as record:
        nn.functional.softmin(_X)
    assert (record[0].filename, record[0].lineno) == (__file__, inspect.currentframe().f_lineno - 1)
    mask = ag.tensor(np.array([[1, 0, 1], [0, 1, 1]], dtype=np.uint8))
    with pytest.warns(UserWarning, match="uint8 condition") as record:
        autograd.ops.elementwise.where(mask, _X, 0.0)
    assert (record[0].filename, record[0].lineno) == (__file__, inspect.currentframe().f_lineno - 1)


def test_a_real_nested_tensor_goes_through_end_to_end():
    nt = ag.nested.nested_tensor([ag.tensor(_rng.normal(size=(n, 3))) for n in (2, 4)], layout=ag.jagged)
    out = ag.sum(nt, axis=-1, keepdims=True)
    for part, component in zip(out.unbind(), nt.unbind()):
        np.testing.assert_array_equal(part.numpy(), component.numpy().sum(-1, keepdims=True))
    joined = ag.cat([nt, nt], axis=-1)
    assert [tuple(p.shape) for p in joined.unbind()] == [(2, 6), (4, 6)]
    relu = nn.functional.relu(nt, inplace=True)   # the nested form returns a new tensor (inplace is dropped)
    assert relu is not nt and (relu.values().numpy() >= 0).all()


# ----- the decorator itself
def test_operands_picks_whichever_of_the_first_arguments_is_nested():
    @nested_dispatch(operands=2)
    def pair(a, b, c=None):
        """A pair."""
        return ("dense", a, b, c)

    left, right = _Recorder(), _Recorder()
    assert pair(left, 1) is HANDED and left.calls == [(pair, (left, 1, None), {})]
    assert pair(1, right, c=3) is HANDED and right.calls == [(pair, (1, right, 3), {})]
    third = _Recorder()
    assert pair(1, 2, third) == ("dense", 1, 2, third)   # only the first two are looked at
    assert pair(1, 2) == ("dense", 1, 2, None)


def test_sequence_looks_at_the_first_element_of_a_list_or_tuple():
    @nested_dispatch(sequence=True)
    def join(items, dim=None):
        """Join."""
        return ("dense", items, dim)

    nested = _Recorder()
    assert join((nested, 1), 2) is HANDED and nested.calls == [(join, ((nested, 1), 2), {})]
    assert join([]) == ("dense", [], None)
    assert join([1, nested]) == ("dense", [1, nested], None)   # only the first decides, as cat's guard did
    assert join(nested) == ("dense", nested, None)   # not a list or tuple


def test_every_kind_of_parameter_is_kept_and_forwarded():
    def f(a, /, b, *rest, c, d=4, **extra):
        """All kinds."""
        return a, b, rest, c, d, extra

    g = nested_dispatch(f)
    assert inspect.signature(g) == inspect.signature(f) == inspect.signature(g, follow_wrapped=False)
    assert g(1, 2, 3, c=5, e=6) == (1, 2, (3,), 5, 4, {"e": 6})
    nested = _Recorder()
    assert g(nested, 2, 3, c=5, e=6) is HANDED
    assert nested.calls == [(g, (nested, 2, 3), {"c": 5, "d": 4, "e": 6})]
    with pytest.raises(TypeError, match="missing 1 required keyword-only argument: 'c'"):
        g(1, 2)


def test_keyword_only_parameters_reach_the_function_by_position_with_their_values():
    @nested_dispatch
    def f(x, y=1, *, axis=None, keepdims=None):
        """Reduce."""
        return x, y, axis, keepdims

    assert f(0, keepdims=True) == (0, 1, None, True)
    assert f(0, 2, axis=3, keepdims=False) == (0, 2, 3, False)
    with pytest.raises(TypeError):
        f(0, 2, 3)   # still keyword-only for the caller


def test_a_traceback_shows_the_wrapper_line():
    @nested_dispatch
    def boom(x):
        """Fails."""
        raise ValueError("boom")

    with pytest.raises(ValueError) as caught:
        boom(1)
    text = "".join(traceback.format_exception(caught.value))
    assert "<nested_dispatch of" in text and "return _dense_boom(x)" in text
    assert linecache.getlines(boom.__code__.co_filename)


def test_the_decorator_refuses_what_it_cannot_generate():
    with pytest.raises(TypeError, match="operands=3"):
        nested_dispatch(operands=3)(lambda a, b: None)
    with pytest.raises(TypeError, match="clash"):
        nested_dispatch(lambda isinstance: None)


# ----- how nested_call reads the call
def _dims(input, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
    """A reduction's signature."""


def test_torch_form_folds_numpys_spellings_into_the_positions_the_nested_forms_read():
    nt = object()
    assert torch_form(_dims, (nt, None, False), {"dtype": None, "axis": 2, "keepdims": None}) == \
        ((nt, 2, False), {"dtype": None})
    assert torch_form(_dims, (nt, None, False), {"dtype": None, "axis": None, "keepdims": True}) == \
        ((nt, None, True), {"dtype": None})
    assert torch_form(_dims, (nt,), {"axis": 1}) == ((nt,), {"dim": 1})   # a call as made, not as bound
    with pytest.raises(TypeError, match="got dim=1 and axis=2"):   # as the dense forms refuse it
        torch_form(_dims, (nt, 1, False), {"axis": 2})
    assert torch_form(_dims, (nt, 2, False), {"axis": 2}) == ((nt, 2, False), {})

    def flatten(input, start_dim=0, end_dim=-1, *, start_axis=None, end_axis=None):
        """Flatten's signature."""
    assert torch_form(flatten, (nt, 0, -1), {"start_axis": 1, "end_axis": None}) == ((nt, 1, -1), {})


def test_torch_form_drops_inplace_and_gives_the_joining_ops_dim_zero():
    nt = object()

    def relu(input, inplace=False):
        """F.relu's signature."""

    def dropout(input, p=0.5, training=True, inplace=False):
        """F.dropout's signature."""

    def cat(tensors, dim=None, *, axis=None):
        """cat's signature."""

    assert torch_form(relu, (nt, True), {}) == ((nt,), {})
    assert torch_form(relu, (nt,), {"inplace": True}) == ((nt,), {})
    assert torch_form(dropout, (nt, 0.3, False, True), {}) == ((nt, 0.3, False), {})
    assert torch_form(cat, ([nt], None), {"axis": None}) == (([nt], 0), {})
    assert torch_form(cat, ([nt], None), {"axis": 2}) == (([nt], 2), {})
    assert torch_form(cat, ([nt],), {}) == (([nt],), {"dim": 0})

    def add(input, other, _other=None, *, alpha=1):
        """add's signature (its own guard passes the call as made)."""
    assert torch_form(add, (nt, 1), {"alpha": 2}) == ((nt, 1), {"alpha": 2})
