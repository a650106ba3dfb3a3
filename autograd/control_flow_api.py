"""torch.cond and torch.while_loop, with PyTorch's eager semantics: the branch or the loop body runs as ordinary
Python on the tensors, so gradients flow through the branch taken and through every iteration run.

PyTorch traces both branches (and the loop body) to check that they agree; here, for a tensor predicate, the
branch not taken runs too, under no_grad, for the same checks: the same nesting of outputs, each a tensor with
the same number of dims and dtype (sizes may differ), none of them an operand returned as is. A Python bool
predicate runs only its branch, unchecked, as PyTorch does. while_loop checks each body output against the
carried inputs (count, shapes and dtypes) at every step.
"""
import numbers

from .grad_mode import no_grad
from .pytree import tree_flatten
from .tensor import Tensor


def _pred_value(op, pred):
    if isinstance(pred, Tensor):
        if pred.numel() != 1:
            raise RuntimeError(f"{op}: Expected pred to be bool or single-element tensor, but got a tensor of shape "
                               f"{tuple(pred.shape)}; reduce it first, e.g. pred.all() or pred.any()")
        return bool(pred.detach().numpy().reshape(()).item())
    if isinstance(pred, (bool, numbers.Integral)):
        return bool(pred)
    raise RuntimeError(f"{op}: Expected pred to be bool or single-element tensor, but got {type(pred).__name__}")


def _check_operands(op, operands, tensors_only):
    if not isinstance(operands, (tuple, list)):
        raise RuntimeError(f"{op}: operands must be a tuple or list of tensors, got {type(operands).__name__}; "
                           f"wrap a single tensor as (x,)")
    leaves, _ = tree_flatten(tuple(operands))
    if tensors_only:
        bad = [type(leaf).__name__ for leaf in leaves if not isinstance(leaf, Tensor)]
        if bad:
            raise RuntimeError(f"{op}: Expect operands to be a tuple of possibly nested dict/list/tuple that only "
                               f"consists of tensor leaves, but got leaves of type {bad}; make them tensors "
                               f"(ag.tensor(v)) or capture them in the branch functions")
    return leaves


def _outputs(op, name, result, operand_ids):
    leaves, spec = tree_flatten(result)
    for leaf in leaves:
        if leaf is not None and not isinstance(leaf, Tensor):
            raise RuntimeError(f"{op}: Expect outputs of {name} to only contain tensors or None, got "
                               f"{type(leaf).__name__}")
        if id(leaf) in operand_ids:
            raise RuntimeError(f"{op}: {name} returns one of its inputs as is (aliasing), which PyTorch refuses; "
                               f"return input.clone() instead")
    return leaves, spec


def cond(pred, true_fn, false_fn, operands=()):
    """true_fn(*operands) if pred else false_fn(*operands): pred a bool or a one-element tensor, operands a
    tuple or list (of tensors, possibly nested, when pred is a tensor). With a tensor pred both branches must
    return the same structure of tensors with matching dims and dtypes. Differentiable through the branch taken."""
    op = "cond"
    if not callable(true_fn) or not callable(false_fn):
        raise RuntimeError(f"{op}: true_fn and false_fn must be callable, got {type(true_fn).__name__} and "
                           f"{type(false_fn).__name__}")
    taken = _pred_value(op, pred)
    _check_operands(op, operands, isinstance(pred, Tensor))
    branch, other = (true_fn, false_fn) if taken else (false_fn, true_fn)
    names = ("true_fn", "false_fn") if taken else ("false_fn", "true_fn")
    result = branch(*operands)
    if not isinstance(pred, Tensor):
        return result
    ids = {id(leaf) for leaf in tree_flatten(tuple(operands))[0]}
    leaves, spec = _outputs(op, names[0], result, ids)
    with no_grad():
        other_leaves, other_spec = _outputs(op, names[1], other(*operands), ids)
    if spec != other_spec:
        raise RuntimeError(f"{op}: true_fn and false_fn must return the same structure of outputs, got "
                           f"{len(leaves)} and {len(other_leaves)} leaves in different nestings; make both "
                           f"branches return matching tuples")
    for i, (a, b) in enumerate(zip(leaves, other_leaves)):
        if (a is None) != (b is None):
            raise RuntimeError(f"{op}: output {i} is None in one branch only")
        if a is None:
            continue
        if a.ndim != b.ndim:
            raise RuntimeError(f"{op}: When merging two branches' output in torch.cond, expected same dim but "
                               f"got {a.ndim} and {b.ndim} for output {i} (shapes {tuple(a.shape)} and "
                               f"{tuple(b.shape)}); make both branches return tensors of the same rank")
        if a.dtype != b.dtype:
            raise RuntimeError(f"{op}: When merging two branches' output in torch.cond, expected same dtype but "
                               f"got {a.dtype} and {b.dtype} for output {i}; cast one branch's output")
    return result


def _loop_test(cond_fn, carried):
    value = cond_fn(*carried)
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(f"while_loop: Expected cond_fn to return a scalar tensor or a bool but got a tensor "
                               f"of shape {tuple(value.shape)}; reduce it, e.g. .all() or .squeeze()")
        return bool(value.detach().numpy().item())
    if isinstance(value, bool):
        return value
    raise RuntimeError(f"while_loop: Expected cond_fn to return a scalar tensor or a bool but got "
                       f"{type(value).__name__}")


def _check_step(carried, out):
    have, _ = tree_flatten(tuple(carried))
    got, _ = tree_flatten(tuple(out) if isinstance(out, (tuple, list)) else (out,))
    if len(have) != len(got):
        raise RuntimeError(f"while_loop: Expected body_fn_output and carried_inputs to have same number of outputs "
                           f"but got {len(got)} and {len(have)}; return one value per carried input")
    ids = {id(leaf) for leaf in have}
    for i, (a, b) in enumerate(zip(got, have)):
        if isinstance(a, Tensor) and id(a) in ids:
            raise RuntimeError(f"while_loop: body_fn returns carried input {i} as is (aliasing), which PyTorch "
                               f"refuses; return it .clone()d")
        if isinstance(a, Tensor) != isinstance(b, Tensor):
            raise RuntimeError(f"while_loop: body_fn output {i} is a {type(a).__name__} where the carried input "
                               f"is a {type(b).__name__}")
        if isinstance(a, Tensor) and (tuple(a.shape) != tuple(b.shape) or a.dtype != b.dtype):
            raise RuntimeError(f"while_loop: Expected body_fn_output and carried_inputs to have same metadata but "
                               f"output {i} is {a.dtype} {tuple(a.shape)} where the carried input is {b.dtype} "
                               f"{tuple(b.shape)}")


def while_loop(cond_fn, body_fn, carried_inputs):
    """Run carried = body_fn(*carried) while cond_fn(*carried) (a bool or a 0-d tensor) holds, starting from
    carried_inputs (a tuple or list of tensors and ints), and return the last carried values. Each step's
    outputs must match the carried inputs in count, shape and dtype. Differentiable through every step run."""
    if not callable(cond_fn) or not callable(body_fn):
        raise RuntimeError(f"while_loop: cond_fn and body_fn must be callable, got {type(cond_fn).__name__} and "
                           f"{type(body_fn).__name__}")
    if not isinstance(carried_inputs, (tuple, list)):
        raise RuntimeError(f"while_loop: carried_inputs must be a tuple or list, got "
                           f"{type(carried_inputs).__name__}; wrap a single tensor as (x,)")
    carried = carried_inputs
    while _loop_test(cond_fn, carried if isinstance(carried, (tuple, list)) else (carried,)):
        args = carried if isinstance(carried, (tuple, list)) else (carried,)
        out = body_fn(*args)
        _check_step(args, out)
        carried = out
    return carried
