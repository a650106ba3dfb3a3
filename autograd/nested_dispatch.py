"""`nested_dispatch`: the decorator by which a function form says that a nested tensor among its arguments takes
over the call (through the tensor's `nested_call`), written once instead of a guard at the top of every op."""
import functools
import inspect
import linecache
import types

from .nested_kind import NestedBase

# The wrapper is generated with the function's own parameter list rather than written as `(*args, **kwargs)`: a
# plain call then costs one Python frame and one isinstance check, as the `if is_nested(x)` guard it replaces did
# (measured: within 0.01 us of it), where packing and unpacking *args/**kwargs cost 0.07 us more per call. For the
# same reason it passes keyword-only parameters on by position, to a copy of the function that takes them so (see
# _by_position).
_TEMPLATE = """\
def _make({dense}, {nested}):
    def {name}({header}):
{checks}
        return {dense}({forward})
    return {name}
"""


def nested_dispatch(func=None, *, operands=1, sequence=False):
    """Decorate a function form so that a call whose first argument is a nested tensor runs as that tensor's
    `nested_call(func, args, kwargs)`; with `operands=n`, the first nested tensor among the first n arguments takes
    it (binary and ternary ops: a dense operand may come first); with `sequence=True` the first argument is a list
    or tuple of tensors whose first one decides (cat, stack). Other calls run `func` unchanged. The decorated
    function keeps `func`'s name, docstring, signature and defaults; `nested_call` receives the call as Python bound
    it to that signature: every positional parameter by position, every keyword-only one by keyword, defaults
    filled in (the nested side reads NumPy's spellings and `inplace`, see autograd/nested/call_forms.py)."""
    if func is None:
        return lambda f: _dispatching(f, operands, sequence)
    return _dispatching(func, operands, sequence)


def _dispatching(func, operands, sequence):
    params = list(inspect.signature(func).parameters.values())
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if not 1 <= operands <= len(positional) or (sequence and operands != 1):
        raise TypeError(f"nested_dispatch({func.__qualname__}): operands={operands}, sequence={sequence} does not "
                        f"fit its positional parameters {positional}")
    dense, nested = "_dense_" + func.__name__, "_Nested"
    clash = {dense, nested, "isinstance", "list", "tuple", func.__name__} & {p.name for p in params}
    if clash:
        raise TypeError(f"nested_dispatch({func.__qualname__}): parameter names {sorted(clash)} clash with the "
                        "wrapper's own names; rename them")
    by_position = _by_position(func, params)
    header, forward, nested_args, nested_kwargs = _call_parts(params, by_position is not func)

    def hand_over(holder):
        return f"return {holder}.nested_call({func.__name__}, {nested_args}, {{{nested_kwargs}}})"
    if sequence:
        first = positional[0]
        checks = [f"if isinstance({first}, (list, tuple)) and {first} and isinstance({first}[0], {nested}):",
                  "    " + hand_over(f"{first}[0]")]
    else:
        checks = []
        for name in positional[:operands]:
            checks += [f"if isinstance({name}, {nested}):", "    " + hand_over(name)]
    source = _TEMPLATE.format(dense=dense, nested=nested, name=func.__name__, header=header, forward=forward,
                              checks="\n".join(" " * 8 + line for line in checks))
    filename = f"<nested_dispatch of {func.__module__}.{func.__qualname__}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)   # for tracebacks
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    wrapper = namespace["_make"](by_position, NestedBase)
    wrapper.__defaults__, wrapper.__kwdefaults__ = func.__defaults__, func.__kwdefaults__
    wrapper = functools.wraps(func)(wrapper)
    wrapper.nested_operands = "sequence" if sequence else operands
    return wrapper


def _by_position(func, params):
    """`func` itself, or, when it has keyword-only parameters (and no *args or **kwargs), a copy of it that takes
    them by position after the others: the wrapper always passes every parameter, and a call by position skips
    matching each keyword to its name (0.03 us a call of sum, with its three)."""
    kinds = {p.kind for p in params}
    if inspect.Parameter.KEYWORD_ONLY not in kinds or kinds & {inspect.Parameter.VAR_POSITIONAL,
                                                                 inspect.Parameter.VAR_KEYWORD}:
        return func
    code = func.__code__   # the keyword-only names follow the positional ones in co_varnames, so only counts change
    code = code.replace(co_argcount=code.co_argcount + code.co_kwonlyargcount, co_kwonlyargcount=0)
    return types.FunctionType(code, func.__globals__, func.__name__, None, func.__closure__)


def _call_parts(params, keywords_by_position):
    """The wrapper's parameter list (no defaults: `__defaults__` is copied), the call forwarding them to the
    function (keyword-only ones by position when `keywords_by_position`), and the tuple and the dict items that
    hand them to `nested_call`."""
    header, forward, args, kwargs = [], [], [], []
    for k, p in enumerate(params):
        if p.kind is p.KEYWORD_ONLY and not any(q.kind in (q.KEYWORD_ONLY, q.VAR_POSITIONAL) for q in params[:k]):
            header.append("*")
        star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        header.append(star + p.name)
        keyword = p.kind is p.KEYWORD_ONLY and not keywords_by_position
        forward.append(f"{p.name}={p.name}" if keyword else star + p.name)
        if p.kind in (p.KEYWORD_ONLY, p.VAR_KEYWORD):
            kwargs.append(f"{p.name!r}: {p.name}" if p.kind is p.KEYWORD_ONLY else "**" + p.name)
        else:
            args.append(star + p.name)
        if p.kind is p.POSITIONAL_ONLY and (k + 1 == len(params) or params[k + 1].kind is not p.POSITIONAL_ONLY):
            header.append("/")
    nested_args = "(" + ", ".join(args) + ("," if len(args) == 1 else "") + ")"
    return ", ".join(header), ", ".join(forward), nested_args, ", ".join(kwargs)
