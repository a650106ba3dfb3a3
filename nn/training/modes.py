"""Remembering and restoring the train/eval mode of every sub-module around fit, evaluate and predict."""


def saved_modes(model):
    """The `training` flag of the model and of each of its sub-modules."""
    return [(m, m.training) for m in model.modules()]


def restore_modes(modes):
    """Put back the flags recorded by saved_modes, module by module (so a model whose batch-norm layers
    were deliberately left in eval mode keeps them that way)."""
    for module, training in modes:
        module.training = training
