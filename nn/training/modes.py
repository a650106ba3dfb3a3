"""Remembering and restoring the train/eval mode of every sub-module around fit, evaluate and predict, and the
flag of the loop's own forward pass (what Keras's built-in steps pass as `training=`)."""
import threading
from contextlib import contextmanager

_step = threading.local()


def step_training():
    """True inside fit's own forward pass, False inside evaluate's and predict's, None elsewhere (a custom
    train_step, a callback, a direct call)."""
    return getattr(_step, "training", None)


@contextmanager
def step_forward(training):
    """Run the body as the loop's own forward pass: a Keras model called there without `training=` gets
    `training` (Keras's train_step and test_step call `self(x, training=...)`); nn modules follow their mode."""
    previous = getattr(_step, "training", None)
    _step.training = training
    try:
        yield
    finally:
        _step.training = previous


def saved_modes(model):
    """The `training` flag of the model and of each of its sub-modules."""
    return [(m, m.training) for m in model.modules()]


def restore_modes(modes):
    """Put back the flags recorded by saved_modes, module by module (so a model whose batch-norm layers
    were deliberately left in eval mode keeps them that way)."""
    for module, training in modes:
        module.training = training


def enter_training(model):
    """Train mode for fit, except where training must not change a module:

    - a sub-module the user put in eval mode while the model itself is in train mode (`body.eval()`)
      stays in eval mode;
    - a frozen module holding running statistics (every parameter of its own has requires_grad False,
      e.g. a batch-norm layer of a body frozen with `requires_grad_(False)`) runs in eval mode, as Keras
      runs the batch-norm layers of a `trainable = False` body in inference mode.
    """
    kept = [m for m in model.modules() if not m.training] if model.training else []
    model.train()
    for module in kept:
        module.training = False
    for module in model.modules():
        own = [p for p in module.parameters(recurse=False)]
        if own and not any(p.requires_grad for p in own) and any(True for _ in module.buffers(recurse=False)):
            module.training = False
