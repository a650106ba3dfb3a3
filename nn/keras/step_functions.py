"""Keras 3's `make_train_function` / `make_test_function` / `make_predict_function` and the `train_function`,
`test_function`, `predict_function` attributes they set, as on Keras's torch backend.

Each made function takes what Keras's epoch iterator hands it, a sequence holding one batch (`[(x, y)]`), and runs
the model's own step on that batch (`train_step`, or `test_step` / `predict_step` without gradients). `make_*` sets
the attribute and returns None when it makes the function, and returns the function already made otherwise (unless
`force=True`), exactly as Keras's torch trainer does. fit / evaluate / predict and the `*_on_batch` calls make them
first, so a subclass's `make_*_function` override runs; a function that deepgrad did not make (one assigned to
`model.train_function`, or made by such an override) is what those loops then call per batch.
"""
import autograd as ag

_OURS = "_deepgrad_step_function"   # set on the functions made here, to tell them from a user's own


def _one_step(model, step_name, gradients):
    """The function Keras calls `one_step_on_data`: the first batch of `data` through `model.<step_name>`."""
    def one_step_on_data(data):
        """Runs the model's step on the batch `data[0]` (Keras's epoch iterator hands a list of one batch)."""
        batch = data[0]
        if gradients:
            return getattr(model, step_name)(batch)
        with ag.no_grad():
            return getattr(model, step_name)(batch)
    setattr(one_step_on_data, _OURS, True)
    return one_step_on_data


def _check_one_step_per_execution(model):
    steps = model.steps_per_execution
    if steps > 1:
        raise ValueError("`steps_per_execution` must be 1 with the PyTorch backend. "
                         f"Received: steps_per_execution={steps}")


def _make(model, attribute, step_name, gradients, force):
    made = getattr(model, attribute)
    if made is not None and not force:
        return made
    _check_one_step_per_execution(model)
    object.__setattr__(model, attribute, _one_step(model, step_name, gradients))
    return None


def is_users_function(function):
    """Whether `function` (a model's train/test/predict_function) is one deepgrad's make_* did not make."""
    return function is not None and not getattr(function, _OURS, False)


def forget_step_functions(model):
    """Drop the made functions (compile does, as Keras's compile sets the three attributes to None)."""
    for attribute in ("train_function", "test_function", "predict_function"):
        object.__setattr__(model, attribute, None)


class StepFunctions:
    """The make_*_function methods keras.Model has, and their attributes (None until made)."""

    train_function = None
    test_function = None
    predict_function = None

    def make_train_function(self, force=False):
        """Set `train_function` to a function running `train_step` on the batch `data[0]`; return the one already
        made instead (None when it had to make it), unless `force`."""
        return _make(self, "train_function", "train_step", True, force)

    def make_test_function(self, force=False):
        """Set `test_function` to a function running `test_step` on the batch `data[0]` without gradients; return
        the one already made instead (None when it had to make it), unless `force`."""
        return _make(self, "test_function", "test_step", False, force)

    def make_predict_function(self, force=False):
        """Set `predict_function` to a function running `predict_step` on the batch `data[0]` without gradients;
        return the one already made instead (None when it had to make it), unless `force`."""
        return _make(self, "predict_function", "predict_step", False, force)
