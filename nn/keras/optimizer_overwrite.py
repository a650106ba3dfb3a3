"""Keras's overwrite_with_gradient: an optimizer writes the gradient itself into a weight so marked (a weight whose
new value is computed as its "gradient", as float8 training's scales) instead of taking a step on it."""
from autograd import arrays, no_grad


def overwrite_marked(optimizer, pairs):
    """Write each gradient of `pairs` ((weight, gradient array)) whose weight has overwrite_with_gradient set into
    that weight, and return the other pairs. With gradient accumulation, as Keras: between update steps the
    weight keeps its value and the accumulator takes the running maximum of the gradients; on an update step the
    weight takes the maximum of the gradient and the accumulator, and the accumulator empties."""
    if not any(getattr(p, "overwrite_with_gradient", False) for p, _ in pairs):
        return pairs
    steps = optimizer.gradient_accumulation_steps
    update = bool(steps) and (optimizer._iterations + 1) % steps == 0
    rest = []
    with no_grad():
        for p, g in pairs:
            if not getattr(p, "overwrite_with_gradient", False):
                rest.append((p, g))
                continue
            w = arrays.array(p)
            g = g.astype(w.dtype, copy=False)
            if steps:
                xp = p.device.xp
                total = optimizer._state.setdefault(id(p), {}).setdefault("gradient_accumulator", xp.zeros_like(w))
                peak = xp.maximum(g, total)
                if update:
                    w[...] = peak
                    total[...] = 0
                else:
                    total[...] = peak
            else:
                w[...] = g
            arrays.mark_changed(p)
    return rest
