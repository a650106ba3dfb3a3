"""Every module class deepgrad shares with torch.nn takes its forward arguments under PyTorch's names, so calls by
keyword (`layer(input=x)`, `AdaptiveLogSoftmaxWithLoss(...)(input_=x, target_=y)`) and hooks registered with
`with_kwargs=True` see the same names. Forwards that pass everything on (`*args, **kwargs`: the lazy modules and
the containers) are left out."""
import inspect

import nn
from tests.helpers import require_torch


def _names(forward):
    return [p.name for p in list(inspect.signature(forward).parameters.values())[1:]]


def test_forward_parameter_names_are_pytorchs():
    torch = require_torch()
    differing, compared = [], 0
    for name in sorted(dir(torch.nn)):
        theirs, ours = getattr(torch.nn, name), getattr(nn, name, None)
        if not (inspect.isclass(theirs) and issubclass(theirs, torch.nn.Module) and inspect.isclass(ours)):
            continue
        our_parameters = inspect.signature(ours.forward).parameters.values()
        if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in our_parameters) or name == "RNNBase":
            continue
        compared += 1
        if _names(theirs.forward) != _names(ours.forward):
            differing.append((name, _names(theirs.forward), _names(ours.forward)))
    assert compared > 100
    assert differing == []
