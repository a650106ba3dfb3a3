"""The names a model's outputs go by in compile's loss / metric dicts, in the targets and sample weights fit takes,
and in the logs: the keys of a functional model's dict of outputs (sorted, as Keras flattens them), which need not
be the names of the layers that make them; otherwise the output layers' names."""


def output_keys(model):
    """Sorted dict keys for a model built with a flat dict of outputs, else model.output_names."""
    structure = getattr(model, "_outputs_struct", None)
    if isinstance(structure, dict) and not any(isinstance(v, (list, tuple, dict)) for v in structure.values()):
        return sorted(structure)
    return model.output_names
