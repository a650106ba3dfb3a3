"""The distillation losses: how far a student's outputs (or intermediate features) are from a teacher's."""
from .. import losses as keras_losses
from .. import ops, tree
from ..saving.serialization import serialize_keras_object


def loss_function(identifier):
    """A loss from a name (keras.losses.get: 'mse' is the function, not the class), None for None, else as given."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        found = keras_losses.get(identifier)
        if found is None:
            raise ValueError(f"Unknown loss function: '{identifier}'.")
        return found
    return identifier


def _losses(loss, who):
    converted = tree.map_structure(loss_function, loss)
    if all(item is None for item in tree.flatten(converted)):
        raise ValueError(f"{who}: `loss` must contain at least one non-None loss, got {loss!r}; None only skips "
                         "one output of a multi-output model")
    return converted


def _shape_of(structure):
    return tree.map_structure(lambda _: "*", structure)


def _summed(values):
    return ops.sum(ops.stack([ops.convert_to_tensor(v, dtype="float32") for v in tree.flatten(values)]))


class DistillationLoss:
    """Base class of the distillation losses: a subclass defines compute_loss(teacher_outputs, student_outputs)
    returning a scalar, and may check the models (validate_model_compatibility) and outputs (validate_outputs)."""

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The scalar loss between the teacher's and the student's outputs (one tensor or a nested structure)."""
        raise NotImplementedError("Subclasses must implement compute_loss")

    def validate_outputs(self, teacher_outputs, student_outputs):
        """Raise ValueError when the teacher's and the student's outputs differ in nesting."""
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher, student):
        """Raise ValueError when the teacher and the student cannot be distilled with this loss (no check here)."""


class FeatureDistillation(DistillationLoss):
    """Matches the student's features to the teacher's: the final outputs, or the outputs of the layers named
    teacher_layer_name / student_layer_name (Functional or Sequential models only). `loss`: a name, a loss, or a
    structure of them matching the outputs (None skips that output)."""

    def __init__(self, loss="mse", teacher_layer_name=None, student_layer_name=None):
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = _losses(loss, "FeatureDistillation")

    def validate_model_compatibility(self, teacher, student):
        """Raise ValueError when a layer name is given for a subclassed model or names no layer of its model."""
        if self.teacher_layer_name is not None or self.student_layer_name is not None:
            subclassed = [role for role, model in (("teacher", teacher), ("student", student))
                          if getattr(model, "inputs", None) is None]
            if subclassed:
                raise ValueError(f"FeatureDistillation with specific layer names requires Functional or Sequential "
                                 f"models. The {' and '.join(subclassed)} model(s) appear to be subclassed (no "
                                 "symbolic inputs/outputs). Either use Functional/Sequential models, or use "
                                 "FeatureDistillation without layer names (to distill final outputs only), or use "
                                 "LogitsDistillation instead.")
        for role, model, name in (("teacher", teacher, self.teacher_layer_name),
                                  ("student", student, self.student_layer_name)):
            if name is not None:
                try:
                    model.get_layer(name=name)
                except ValueError as error:
                    raise ValueError(f"In {role} model: {error}") from None

    def validate_outputs(self, teacher_outputs, student_outputs):
        """Raise ValueError when the outputs differ in nesting or do not match the loss structure."""
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except ValueError as error:
            raise ValueError(f"Loss structure mismatch. Loss structure: {_shape_of(self.loss)}, Output "
                             f"structure: {_shape_of(teacher_outputs)}. Error: {error}") from None

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The sum over outputs of the mean of loss(teacher_features, student_features)."""
        def one(loss, teacher, student):
            return 0.0 if loss is None else ops.mean(loss(teacher, student))
        return _summed(tree.map_structure(one, self.loss, teacher_outputs, student_outputs))

    def get_config(self):
        """{'loss', 'teacher_layer_name', 'student_layer_name'}."""
        return {"loss": keras_losses.serialize(self.loss), "teacher_layer_name": self.teacher_layer_name,
                "student_layer_name": self.student_layer_name}

    @classmethod
    def from_config(cls, config):
        """The loss get_config described."""
        config = dict(config)
        config["loss"] = keras_losses.deserialize(config["loss"])
        return cls(**config)


class LogitsDistillation(DistillationLoss):
    """Matches the student's logits to the teacher's, both divided by `temperature` first. A KLDivergence loss
    instance compares their softmaxes and is scaled by temperature**2; any other loss (including the default name
    'kl_divergence', which keras.losses.get makes the plain function) gets the scaled logits as they are."""

    def __init__(self, temperature=3.0, loss="kl_divergence"):
        self.temperature = temperature
        self.loss = _losses(loss, "LogitsDistillation")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"LogitsDistillation: temperature must be a number, got {type(temperature)}")
        if temperature <= 0.0:
            raise ValueError(f"LogitsDistillation: temperature must be positive, got {temperature}")

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The sum over outputs of the loss between the temperature-scaled logits."""
        teacher = tree.map_structure(lambda t: ops.divide(t, self.temperature), teacher_outputs)
        student = tree.map_structure(lambda s: ops.divide(s, self.temperature), student_outputs)

        def one(loss, teacher_logits, student_logits):
            if loss is None:
                return 0.0
            if isinstance(loss, keras_losses.KLDivergence):
                value = ops.mean(loss(ops.softmax(teacher_logits, axis=-1), ops.softmax(student_logits, axis=-1)))
                return value * (self.temperature ** 2)
            return ops.mean(loss(teacher_logits, student_logits))
        return _summed(tree.map_structure(one, self.loss, teacher, student))

    def get_config(self):
        """{'temperature', 'loss'}."""
        return {"temperature": self.temperature, "loss": serialize_keras_object(self.loss)}

    @classmethod
    def from_config(cls, config):
        """The loss get_config described."""
        config = dict(config)
        config["loss"] = keras_losses.deserialize(config["loss"])
        return cls(**config)
