"""Grad-CAM (Selvaraju et al., 2017): a convolutional layer's channels weighted by the mean gradient of
the class score with respect to each, summed and rectified: where in the layer's map the class is seen."""

import autograd as ag
from autograd import Tensor

from .. import functional as F
from .scores import as_inputs, eval_mode, host, model_device, outputs_of, pick_targets, selected

_RESIZE = {3: "linear", 4: "bilinear", 5: "trilinear"}


def grad_cam(model, x, target=None, layer=None, relu=True, upsample=False):
    """The Grad-CAM map of each example for class `target` at `layer`, a sub-module of `model` (or its
    dotted name, as named_modules gives it) whose output is (N, C, ...spatial).

    weights[n, c] = mean over positions of d score / d A[n, c]; map = ReLU(sum over c of weights * A),
    where A is the layer's output (caught with a forward hook). relu=False keeps negative evidence.
    upsample=True resizes the maps to x's spatial size (bilinear, or linear/trilinear for 1-D/3-D).
    `x` and `target` as integrated_gradients. Returns a NumPy array (N, ...layer spatial) or
    (N, ...x spatial). The model runs in eval mode.
    """
    who = "grad_cam"
    module = find_layer(model, layer, who)
    inputs = as_inputs(x, model_device(model), who)
    caught = []

    def catch(mod, args, output):
        if not isinstance(output, Tensor) or output.ndim < 3:
            shape = tuple(output.shape) if isinstance(output, Tensor) else type(output).__name__
            raise ValueError(f"{who}: layer {type(mod).__name__} must return a Tensor (N, C, ...spatial), got "
                             f"{shape}; pick a convolutional layer")
        # a fresh leaf in place of the output: the gradient is wanted here, not below the layer
        leaf = output.detach().requires_grad_()
        caught.append(leaf)
        return leaf

    with eval_mode(model):
        picked = pick_targets(outputs_of(model, inputs), target, who)
        handle = module.register_forward_hook(catch)
        try:
            with ag.enable_grad():
                scores = selected(model(inputs), picked, who)
                if len(caught) != 1:
                    raise ValueError(f"{who}: layer {type(module).__name__} ran {len(caught)} times in one forward "
                                     "pass; pick a layer the model calls exactly once")
                (grads,) = ag.grad(scores.sum(), caught)
        finally:
            handle.remove()
    with ag.no_grad():
        activations = caught[0].detach()
        positions = tuple(range(2, activations.ndim))
        weights = grads.mean(dim=positions, keepdim=True)
        maps = (weights * activations).sum(1, keepdim=True)
        if relu:
            maps = ag.relu(maps)
        if upsample:
            if inputs.ndim != activations.ndim:
                raise ValueError(f"{who}: upsample needs x and the layer's output to have the same number of "
                                 f"dimensions, got x {tuple(inputs.shape)} and {tuple(activations.shape)}")
            maps = F.interpolate(maps, size=tuple(inputs.shape[2:]), mode=_RESIZE[maps.ndim], align_corners=False)
    return host(maps)[:, 0]


def find_layer(model, layer, who):
    """`layer` itself when it is a sub-module of `model`, or the sub-module named `layer`."""
    named = dict(model.named_modules())
    if isinstance(layer, str):
        if layer not in named:
            raise ValueError(f"{who}: the model has no sub-module named {layer!r}; names: "
                             f"{', '.join(n for n in named if n) or 'none'}")
        return named[layer]
    if layer is None or not any(m is layer for m in named.values()):
        raise ValueError(f"{who}: layer must be a sub-module of the model (or its name), got "
                         f"{type(layer).__name__}")
    return layer
