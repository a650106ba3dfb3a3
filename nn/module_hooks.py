"""Module hooks as PyTorch has them: forward pre-hooks, forward hooks, full backward (pre-)hooks.

Module.__call__ comes here only when a hook is registered. A full backward hook sees the gradients
with respect to one call of the module: the call's tensor inputs and outputs each pass through one
gradient tap (autograd.ops.tap), the output tap records grad_output (after the backward pre-hooks),
and the input tap calls the hooks with grad_input and grad_output.
"""
import warnings
import weakref

from autograd import Tensor, is_grad_enabled, zeros_like
from autograd.errors import ShapeError
from autograd.ops.tap import tap

from . import module_global_hooks as global_hooks


class HookResultError(TypeError, RuntimeError):
    """A module hook returned a value of the wrong form: a RuntimeError, as PyTorch raises, and a TypeError, as
    we raised before."""


class _BackwardCall:
    """The backward hooks of one module call: taps its inputs and outputs and calls the user hooks."""

    def __init__(self, module, hooks, pre_hooks):
        self.module, self.hooks, self.pre_hooks = module, hooks, pre_hooks
        self.grad_outputs = None
        self.n_inputs = 0
        self.input_positions = None   # positions of the tapped inputs; None when no input needs a gradient
        self.constant_inputs = {}     # position -> tensor input that needs no gradient (its grad_input is zeros)
        self.n_outputs = 0
        self.output_positions = None

    @staticmethod
    def _tap(values, on_grads, materialize=True):
        """values with every tensor that requires grad replaced by a tapped copy, and their positions."""
        positions = [k for k, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
        if not positions or not is_grad_enabled():
            return values, None
        tapped = tap(on_grads, *(values[k] for k in positions), materialize=materialize)
        out = list(values)
        for k, t in zip(positions, tapped):
            out[k] = t
        return tuple(out), positions

    @staticmethod
    def _spread(positions, grads, size):
        full = [None] * size
        for k, g in zip(positions, grads):
            full[k] = g
        return tuple(full)

    def setup_input(self, args):
        self.n_inputs = len(args)
        args, self.input_positions = self._tap(args, self._on_input_grads)
        if self.input_positions is not None:
            self.constant_inputs = {k: v for k, v in enumerate(args) if isinstance(v, Tensor) and not v.requires_grad}
        return args

    def setup_output(self, result):
        single = not isinstance(result, tuple)
        values = (result,) if single else result
        if not any(isinstance(v, Tensor) for v in values):
            warnings.warn(f"{type(self.module).__name__}: backward hooks are called only when the module returns a "
                          f"Tensor or a tuple of Tensors, got {type(result).__name__}", UserWarning, stacklevel=3)
        self.n_outputs = len(values)
        # an output that got no gradient shows None in grad_output, as PyTorch's; grad_input shows zeros
        values, self.output_positions = self._tap(values, self._on_output_grads, materialize=False)
        return values[0] if single else values

    def _on_output_grads(self, grads):
        grad_outputs = self._spread(self.output_positions, grads, self.n_outputs)
        for hook in self.pre_hooks:
            replaced = hook(self.module, grad_outputs)
            if replaced is None:
                continue
            replaced = (replaced,) if isinstance(replaced, Tensor) else tuple(replaced)
            if len(replaced) != len(grad_outputs):
                raise ShapeError(f"backward pre-hook of {type(self.module).__name__} returned {len(replaced)} "
                                 f"grad_output entries, expected {len(grad_outputs)} (one per output; None leaves "
                                 "one as is)")
            grad_outputs = replaced
        self.grad_outputs = grad_outputs
        if self.input_positions is None:
            # no input needs a gradient: the hooks run now, with grad_input all None, and may not change it
            warnings.warn("Full backward hook is firing when gradients are computed with respect to module outputs "
                          "since no inputs require gradients. See https://docs.pytorch.org/docs/main/generated/"
                          "torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for more details.",
                          UserWarning, stacklevel=6)
            none = (None,) * self.n_inputs
            for hook in self.hooks:
                replaced = hook(self.module, none, grad_outputs)
                if replaced is not None and any(g is not None for g in replaced):
                    raise ValueError(f"backward hook of {type(self.module).__name__}: no input of the module "
                                     "requires grad, so the hook must return None (or all-None grad_input)")
            self.grad_outputs = None
        return tuple(grad_outputs[k] for k in self.output_positions)

    def _on_input_grads(self, grads):
        if self.grad_outputs is None:
            return None
        grad_inputs = list(self._spread(self.input_positions, grads, self.n_inputs))
        for k, t in self.constant_inputs.items():
            grad_inputs[k] = zeros_like(t)   # as PyTorch: a tensor input without gradient shows zeros
        grad_inputs = tuple(grad_inputs)
        for hook in self.hooks:
            replaced = hook(self.module, grad_inputs, self.grad_outputs)
            if replaced is None:
                continue
            if not isinstance(replaced, (Tensor, tuple, list)):   # PyTorch's len() of it fails: a TypeError
                raise TypeError(f"backward hook of {type(self.module).__name__} returned {type(replaced).__name__} "
                                f"{replaced!r}; a full backward hook returns None or a tuple of grad_input "
                                f"entries (Tensors or None), {len(grad_inputs)} here")
            replaced = (replaced,) if isinstance(replaced, Tensor) else tuple(replaced)
            if len(replaced) != len(grad_inputs):
                raise ShapeError(f"backward hook of {type(self.module).__name__} returned {len(replaced)} "
                                 f"grad_input entries, expected {len(grad_inputs)} (one per input; None leaves "
                                 "one as is)")
            grad_inputs = replaced
        self.grad_outputs = None
        return tuple(grad_inputs[k] for k in self.input_positions)


def _forward_hooks(module):
    """(hook, with_kwargs, always_call) for every forward hook a call of `module` runs: the global ones first."""
    hooks = [(hook, key in global_hooks.WITH_KWARGS, key in global_hooks.ALWAYS_CALLED)
             for key, hook in list(global_hooks.FORWARD_HOOKS.items())]
    return hooks + [(hook, key in module._forward_hooks_with_kwargs, key in module._forward_hooks_always_called)
                    for key, hook in list(module._forward_hooks.items())]


def call_with_hooks(module, args, kwargs):
    """Run module.forward(*args, **kwargs) with the global hooks and the module's registered hooks, in PyTorch's
    order."""
    global_full = global_hooks.BACKWARD_KIND[0] is not False   # False: the deprecated hooks, on the output's node
    global_backward = (global_full and global_hooks.BACKWARD_HOOKS) or global_hooks.BACKWARD_PRE_HOOKS
    if not (module._forward_pre_hooks or module._forward_hooks or module._backward_hooks
            or module._backward_pre_hooks):
        if not global_hooks.active():
            object.__setattr__(module, "_has_hooks", False)   # every hook was removed: back to the fast path
            return module.forward(*args, **kwargs)
    for hook in list(global_hooks.FORWARD_PRE_HOOKS.values()):
        result = hook(module, args)
        if result is not None:
            args = result if isinstance(result, tuple) else (result,)
    for key, hook in list(module._forward_pre_hooks.items()):
        if key in module._forward_pre_hooks_with_kwargs:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    got = f"a tuple of {len(result)}" if isinstance(result, tuple) else type(result).__name__
                    raise HookResultError(f"forward pre-hook of {type(module).__name__} (with_kwargs=True) must "
                                          f"return None or a tuple (args, kwargs) of the new positional and keyword "
                                          f"arguments, got {got}")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    backward = None
    if module._backward_hooks or module._backward_pre_hooks or global_backward:
        # the global hooks run before the module's own, as in PyTorch
        backward_hooks = (list(global_hooks.BACKWARD_HOOKS.values()) if global_full else []) + \
            list(module._backward_hooks.values())
        pre_hooks = list(global_hooks.BACKWARD_PRE_HOOKS.values()) + list(module._backward_pre_hooks.values())
        backward = _BackwardCall(module, backward_hooks, pre_hooks)
        args = backward.setup_input(tuple(args))
    output = None
    hooks = _forward_hooks(module)
    called = 0
    try:
        output = module.forward(*args, **kwargs)
        for hook, with_kwargs, _ in hooks:
            called += 1
            result = _run_forward_hook(hook, with_kwargs, module, args, kwargs, output)
            if result is not None:
                output = result
    except Exception:
        for hook, with_kwargs, always in hooks[called:]:
            if always:
                try:
                    result = _run_forward_hook(hook, with_kwargs, module, args, kwargs, output)
                    if result is not None:
                        output = result
                except Exception as exc:   # the forward's own error is the one to raise
                    warnings.warn(f"forward hook of {type(module).__name__} with always_call=True raised {exc!r} "
                                  "while handling an error in forward; that error is raised instead",
                                  UserWarning, stacklevel=3)
        raise
    if backward is not None:
        output = backward.setup_output(output)
    if not global_full and global_hooks.BACKWARD_HOOKS:
        _node_hooks(module, args, output)
    return output


def _node_hooks(module, args, output):
    """The deprecated global backward hooks (register_module_backward_hook) put on the graph node that made the
    module's first output tensor, as PyTorch does, with PyTorch's FutureWarning where they will miss gradients."""
    found = output
    while not isinstance(found, Tensor):
        if isinstance(found, dict):
            found = next((v for v in found.values() if isinstance(v, Tensor)), None)
        elif isinstance(found, (list, tuple)) and found:
            found = found[0]
        else:
            return
    node = found.grad_fn
    if node is None:
        return
    owner = weakref.ref(module)   # the graph does not keep the module alive, as in PyTorch
    for hook in list(global_hooks.BACKWARD_HOOKS.values()):
        node.register_hook(lambda grad_inputs, grad_outputs, hook=hook: hook(_alive(owner), grad_inputs, grad_outputs))
    _warn_node_hooks(args, output, node)


def _alive(owner):
    module = owner()
    if module is None:
        raise RuntimeError("You are trying to call the hook of a dead Module! (a deprecated global backward hook "
                           "of a module that no longer exists, as in PyTorch; keep a reference to the module until "
                           "backward)")
    return module


def _warn_node_hooks(inputs, result, node):
    """PyTorch's FutureWarning when a node hook cannot see every gradient of the module's inputs or outputs."""
    advice = " Please use register_full_backward_hook to get the documented behavior."
    if isinstance(result, Tensor):
        result = (result,)
    elif not (isinstance(result, tuple) and all(isinstance(r, Tensor) for r in result)):
        warnings.warn("Using non-full backward hooks on a Module that does not return a single Tensor or a tuple of "
                      "Tensors is deprecated and will be removed in future versions. This hook will be missing some "
                      "of the grad_output." + advice, FutureWarning, stacklevel=4)
        return
    if not all(isinstance(i, Tensor) for i in inputs):
        warnings.warn("Using non-full backward hooks on a Module that does not take as input a single Tensor or a "
                      "tuple of Tensors is deprecated and will be removed in future versions. This hook will be "
                      "missing some of the grad_input." + advice, FutureWarning, stacklevel=4)
        return
    made_by = {r.grad_fn for r in result if r.grad_fn is not None}
    if not made_by or (len(made_by) == 1 and node not in made_by):
        warnings.warn("Using a non-full backward hook when outputs are nested in python data structure is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_output.", FutureWarning, stacklevel=4)
    elif len(made_by) > 1:
        warnings.warn("Using a non-full backward hook when outputs are generated by different autograd Nodes is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_output." + advice, FutureWarning, stacklevel=4)
    elif {i.grad_fn for i in inputs if i.grad_fn is not None} != {n[0] for n in node.next_functions}:
        warnings.warn("Using a non-full backward hook when the forward contains multiple autograd Nodes is "
                      "deprecated and will be removed in future versions. This hook will be missing some "
                      "grad_input." + advice, FutureWarning, stacklevel=4)


def _run_forward_hook(hook, with_kwargs, module, args, kwargs, output):
    if with_kwargs:
        return hook(module, args, kwargs, output)
    return hook(module, args, output)
