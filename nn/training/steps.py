"""The per-batch steps of fit, evaluate and predict, eager or compiled with `ag.jit` (compile(jit_compile=True)).

A compiled step is captured once per batch shape (the last, smaller batch of an epoch gets its own
capture after it has run eagerly once) and replayed afterwards; its loss and outputs are read on the
host only after the step returns.
"""
import warnings

import autograd as ag

from .modes import step_forward


def forward(model, inputs, training):
    """`model(*inputs)` as the loop's own forward pass in training (fit) or inference (evaluate, predict)."""
    with step_forward(training):
        return model(*inputs)


def train_step(model, optimizer, loss_fn, inputs, target):
    """Forward, loss, backward and one optimiser step on a batch; returns (loss, output)."""
    output = forward(model, inputs, True)
    loss = loss_fn(output, target)
    if loss.ndim != 0 and loss.size != 1:
        raise ValueError(f"fit: the loss returned shape {loss.shape}; it must be a single number (use "
                         "reduction='mean')")
    optimizer.zero_grad()
    backward_and_step(loss, optimizer)
    return loss, output.detach()


def backward_and_step(loss, optimizer):
    """loss.backward() then optimizer.step(); a loss that depends on no trainable weight (a model without
    any, or with all of them frozen) skips both with Keras's warning, as Keras's fit does."""
    if not loss.requires_grad:
        # Issued from this one line, as Keras issues it from its trainer's, so Python's default filter
        # shows it once per process whether fit, train_on_batch or a custom loop got here.
        warnings.warn("The model does not have any trainable weights.")
        return
    scaled_backward = getattr(optimizer, "backward", None)   # a loss-scaling optimizer seeds the pass itself
    if scaled_backward is not None:
        scaled_backward(loss)
    else:
        loss.backward()
    optimizer.step()


def eval_step(model, loss_fn, inputs, target):
    """The loss and the output on a batch, for evaluate (called without gradients)."""
    output = forward(model, inputs, False)
    return loss_fn(output, target), output


def predict_step(model, inputs):
    """The model's output on a batch, for predict (called without gradients)."""
    return forward(model, inputs, False)


class Steps:
    """The three steps of one compiled model: plain functions, or `ag.jit` wrappers when jit_compile."""

    def __init__(self, jit_compile):
        self.compiled = bool(jit_compile)
        wrap = ag.jit if jit_compile else (lambda fn: fn)
        self.train, self.eval, self.predict = wrap(train_step), wrap(eval_step), wrap(predict_step)


def steps_of(model):
    """The model's Steps (compiled ones when model.compile(..., jit_compile=True) was called)."""
    compiled = getattr(model, "_compiled", None)
    steps = getattr(compiled, "steps", None)
    return steps if steps is not None else _EAGER


_EAGER = Steps(False)
