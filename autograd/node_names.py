"""Graph nodes under PyTorch's class names: a node's class is renamed for the user (`SumBackward0`), lazily."""
from .printing import printed_name
from .saved_fields import fields_of


#: the node classes renamed as PyTorch names their nodes, by (op class, name): see `shown`
_SHOWN = {}


def shown(node):
    """`node`, its class made a subclass of its op's named as PyTorch names the node ('SumBackward0'), so that
    `type(t.grad_fn).__name__` reads as in PyTorch. Done when a user first reaches the node (`grad_fn`,
    `next_functions`), so running an op never pays for it."""
    cls = type(node)
    full, name = node.name(), printed_name(node)
    if cls.__name__ == name:
        return node
    base = cls.__dict__.get("_shown_of", cls)
    renamed = _SHOWN.get((base, name))
    if renamed is None:
        attrs = {"_shown_of": base, "torch_name": full, "op_name": base.label(), "__module__": base.__module__,
                 "__qualname__": name, "__doc__": base.__doc__}
        if "_forward_cls" in base.__dict__:   # a user's Function's node class (tensor_function.py)
            attrs["_forward_cls"] = base._forward_cls
        for field, spec in fields_of(base, name).items():   # PyTorch's grad_fn._saved_<field> (saved_fields.py)
            attrs["_saved_" + field] = property(lambda node, spec=spec: node.saved_value(spec),
                                                doc=f"The value this node saved as PyTorch's _saved_{field}.")
        renamed = _SHOWN[(base, name)] = type(name, (base,), attrs)
    node.__class__ = renamed
    return node
