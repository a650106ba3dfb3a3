"""Constructors that list their parent's arguments after their own, as Keras's do: a subclass written as
`__init__(self, <own arguments>, **kwargs)` that hands the rest to its parent gets the signature
(own arguments, the parent's arguments it does not list, **kwargs), and arguments passed by position past its
own go to those parent arguments in that order."""
import functools
import inspect

_KEYWORD, _VAR_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.VAR_KEYWORD


def with_parent_arguments(parent_init, *classes):
    """Give each class's own __init__ the signature own + parent's remaining arguments + **kwargs (see above);
    `parent_init` is the constructor whose arguments follow."""
    parent = [p for p in inspect.signature(parent_init).parameters.values() if p.kind is _KEYWORD][1:]
    for cls in classes:
        init = cls.__dict__["__init__"]
        own = [p for p in inspect.signature(init).parameters.values() if p.kind is not _VAR_KEYWORD]
        tail = [p for p in parent if p.name not in {q.name for q in own}]
        signature = inspect.Signature(own + tail + [inspect.Parameter("kwargs", _VAR_KEYWORD)])
        cls.__init__ = _positional_tail(init, len(own) - 1, tail, signature)


def _positional_tail(init, own_count, tail, signature):
    shown = signature.replace(parameters=list(signature.parameters.values())[1:])

    @functools.wraps(init)
    def __init__(self, *args, **kwargs):
        if len(args) > own_count:
            extra, args = args[own_count:], args[:own_count]
            if len(extra) > len(tail):
                raise TypeError(f"{type(self).__name__}() takes {own_count + len(tail)} positional arguments but "
                                f"{own_count + len(extra)} were given (its arguments: {shown})")
            for parameter, value in zip(tail, extra):
                if parameter.name in kwargs:
                    raise TypeError(f"{type(self).__name__}() got multiple values for argument {parameter.name!r}")
                kwargs[parameter.name] = value
        init(self, *args, **kwargs)
    __init__.__signature__ = signature
    return __init__
