"""keras.distillation.Distiller: a Model whose call is the student's and whose loss mixes the student's
supervised loss with distillation losses against a frozen teacher."""
import warnings

from .. import metrics as keras_metrics
from .. import ops, tree
from ..model import Model
from ..saving.serialization import deserialize_keras_object, serialize_keras_object
from ..sequential import Sequential
from .distillation_loss import loss_function


def _check_shapes(teacher_shape, student_shape, what):
    teacher_shape, student_shape = tuple(teacher_shape), tuple(student_shape)
    if len(teacher_shape) != len(student_shape):
        raise ValueError(f"Distiller: teacher and student {what} shapes have different dimensions. Teacher: "
                         f"{teacher_shape}, Student: {student_shape}.")
    if any(a is not None and b is not None and a != b for a, b in zip(teacher_shape, student_shape)):
        raise ValueError(f"Distiller: teacher and student {what} shapes are incompatible. Teacher: {teacher_shape}, "
                         f"Student: {student_shape}. All dimensions must match.")


def _check_dtypes(teacher_dtype, student_dtype, what):
    if teacher_dtype != student_dtype:
        raise ValueError(f"Distiller: teacher and student {what} dtypes must match. Teacher: {teacher_dtype}, "
                         f"Student: {student_dtype}.")


def _symbolic(model, what):
    """The model's symbolic inputs or outputs, None for a subclassed model (which has none)."""
    try:
        return getattr(model, what, None)
    except (AttributeError, ValueError):
        return None


class Distiller(Model):
    """Trains `student` on `student_loss_weight` x its compiled loss plus (1 - student_loss_weight) x the weighted
    sum of `distillation_losses` against the frozen `teacher`. Calling the distiller calls the student."""

    def __init__(self, teacher, student, distillation_losses, distillation_loss_weights=None,
                 student_loss_weight=0.5, name="distiller", **kwargs):
        super().__init__(name=name, **kwargs)
        self._check_models(teacher, student)
        self.teacher = teacher
        self.student = student
        if isinstance(student_loss_weight, bool) or not isinstance(student_loss_weight, (int, float)):
            raise ValueError(f"Distiller: student_loss_weight must be a number, got {type(student_loss_weight)}")
        if not 0.0 <= student_loss_weight <= 1.0:
            raise ValueError(f"Distiller: student_loss_weight must be between 0.0 and 1.0, got {student_loss_weight}")
        self.student_loss_weight = student_loss_weight
        if distillation_losses is None:
            raise ValueError("Distiller: 'distillation_losses' cannot be None. Provide a distillation loss (e.g. "
                             "LogitsDistillation or FeatureDistillation) or a list of distillation losses.")
        if not isinstance(distillation_losses, (list, tuple)):
            distillation_losses, distillation_loss_weights = [distillation_losses], [1.0]
        elif distillation_loss_weights is None:
            distillation_loss_weights = [1.0] * len(distillation_losses)
        elif len(distillation_loss_weights) != len(distillation_losses):
            raise ValueError(f"Distiller: the number of distillation_loss_weights ({len(distillation_loss_weights)}) "
                             f"must match the number of distillation_losses ({len(distillation_losses)})")
        # plain attributes: the losses are not layers, and a list of them must not be tracked as one
        object.__setattr__(self, "distillation_losses", distillation_losses)
        object.__setattr__(self, "distillation_loss_weights", distillation_loss_weights)
        for loss in distillation_losses:
            loss.validate_model_compatibility(teacher, student)
        object.__setattr__(self, "_teacher_features", self._extractor(teacher, "teacher_layer_name"))
        object.__setattr__(self, "_student_features", self._extractor(student, "student_layer_name"))
        self.teacher.trainable = False
        self.student_loss_tracker = keras_metrics.Mean(name="student_loss")
        self.distillation_loss_tracker = keras_metrics.Mean(name="distillation_loss")
        self.total_loss_tracker = keras_metrics.Mean(name="total_loss")

    def _check_models(self, teacher, student):
        for role, model in (("Teacher", teacher), ("Student", student)):
            if not isinstance(model, Model):
                raise ValueError(f"Distiller: {role} must be a keras.Model, got {type(model)}")
        for what in ("inputs", "outputs"):
            pair = _symbolic(teacher, what), _symbolic(student, what)
            if None in pair:
                return
            tree.map_structure(lambda t, s: _check_shapes(t.shape, s.shape, what[:-1]), *pair)
        for what in ("inputs", "outputs"):
            tree.map_structure(lambda t, s: _check_dtypes(t.dtype, s.dtype, what[:-1]),
                               _symbolic(teacher, what), _symbolic(student, what))

    def _extractor(self, model, attribute):
        """A functional model returning {'final_output': ..., layer name: its output} for the layers the
        distillation losses name on `model`, or None when they name none."""
        names = []
        for loss in self.distillation_losses:
            name = getattr(loss, attribute, None)
            if name and name not in names:
                names.append(name)
        if not names:
            return None
        inputs = _symbolic(model, "inputs")
        if inputs is None:
            raise ValueError(f"Cannot create feature extractor for {model.name}. The model has no symbolic inputs "
                             "attribute.")
        final = model.layers[-1].output if isinstance(model, Sequential) else model.output
        outputs = {"final_output": final, **{name: model.get_layer(name=name).output for name in names}}
        return Model(inputs=inputs, outputs=outputs, name=f"{model.name}_multi_feature_extractor")

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """Compile for training the student: `loss` is the student's supervised loss (required), `metrics` a list."""
        if loss is None:
            raise ValueError("Distiller.compile: 'loss' cannot be None; pass the student's supervised loss, e.g. "
                             "loss='sparse_categorical_crossentropy'")
        object.__setattr__(self, "_student_loss", tree.map_structure(loss_function, loss))
        object.__setattr__(self, "_student_loss_for_serialization", loss)
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"Distiller.compile: metrics must be a list or tuple, got {type(metrics)}")
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def get_compile_config(self):
        """The Model's compile config with the student's loss in place of the None the base compile gets (Keras
        writes None there, so its distillers load uncompiled; ours load compiled)."""
        config = super().get_compile_config()
        if config is not None and hasattr(self, "_student_loss_for_serialization"):
            config = {**config, "loss": serialize_keras_object(self._student_loss_for_serialization)}
        return config

    def compile_from_config(self, config):
        """compile() from get_compile_config's dict; a config without the student's loss (one Keras wrote) leaves
        the distiller uncompiled with Keras's warning."""
        if (config or {}).get("loss") is None:
            warnings.warn("`compile()` was not called as part of model loading because the model's `compile()` "
                          "method is custom and the saved compile config has no student loss (Keras writes none). "
                          "Call `compile()` manually after loading.", stacklevel=2)
            return
        super().compile_from_config(config)

    def call(self, inputs, training=None, **kwargs):
        """The student's predictions."""
        return self.student(inputs, training=training, **kwargs)

    def _features(self, extractor, x, training, fallback):
        if extractor is not None:
            return extractor(x, training=training)
        return {"final_output": fallback() if callable(fallback) else fallback}

    def _pair(self, loss, teacher_features, student_features, y_pred):
        """The teacher's and the student's values one distillation loss compares."""
        if getattr(loss, "teacher_layer_name", None) is None:
            return teacher_features["final_output"], y_pred
        chosen = []
        for features, name in ((teacher_features, loss.teacher_layer_name),
                               (student_features, getattr(loss, "student_layer_name", None))):
            name = name or "final_output"
            if name not in features:
                raise RuntimeError(f"Failed to extract features for {type(loss).__name__} targeting teacher layer "
                                   f"'{loss.teacher_layer_name}' and student layer '{loss.student_layer_name}'. "
                                   f"Original error: Layer '{name}' not found in extracted features. Available: "
                                   f"{list(features)}")
            chosen.append(features[name])
        return tuple(chosen)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """student_loss_weight x the student's loss + (1 - student_loss_weight) x the weighted distillation
        losses; sample_weight is not used (as in Keras)."""
        if y_pred is None:
            y_pred = self(x, training=training)
        student_loss = 0.0
        if self.student_loss_weight > 0.0 and y is not None:
            values = tree.flatten(tree.map_structure(lambda loss, target, pred: loss(target, pred),
                                                     self._student_loss, y, y_pred))
            student_loss = ops.sum(ops.stack(values)) if len(values) > 1 else values[0]
            if len(getattr(student_loss, "shape", ())) > 0:
                student_loss = ops.mean(student_loss)
        distillation_loss = 0.0
        if self.student_loss_weight < 1.0:
            teacher_features = self._features(self._teacher_features, x, False,
                                              lambda: self.teacher(x, training=False))
            student_features = self._features(self._student_features, x, True, y_pred)
            for loss, weight in zip(self.distillation_losses, self.distillation_loss_weights):
                teacher_value, student_value = self._pair(loss, teacher_features, student_features, y_pred)
                loss.validate_outputs(teacher_value, student_value)
                value = loss.compute_loss(teacher_value, student_value)
                if len(getattr(value, "shape", ())) > 0:
                    raise ValueError(f"Distillation loss {type(loss).__name__} returned a non-scalar loss with shape "
                                     f"{tuple(value.shape)}. The compute_loss method must return a scalar tensor.")
                distillation_loss = ops.add(distillation_loss, ops.multiply(weight, value))
        total = ops.add(ops.multiply(self.student_loss_weight, student_loss),
                        ops.multiply(ops.subtract(1.0, self.student_loss_weight), distillation_loss))
        self.student_loss_tracker.update_state(student_loss)
        self.distillation_loss_tracker.update_state(distillation_loss)
        self.total_loss_tracker.update_state(total)
        return total

    def reset_metrics(self):
        """Reset every metric, the three loss trackers included."""
        super().reset_metrics()
        for tracker in (self.student_loss_tracker, self.distillation_loss_tracker, self.total_loss_tracker):
            tracker.reset_state()

    def get_config(self):
        """The Model config plus the serialized teacher, student and distillation losses and the weights."""
        config = super().get_config()
        config.update({"teacher": serialize_keras_object(self.teacher),
                       "student": serialize_keras_object(self.student),
                       "distillation_losses": [serialize_keras_object(loss) for loss in self.distillation_losses],
                       "distillation_loss_weights": self.distillation_loss_weights,
                       "student_loss_weight": self.student_loss_weight})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The distiller get_config described (teacher and student rebuilt from their configs)."""
        config = dict(config)
        for key in ("teacher", "student"):
            config[key] = deserialize_keras_object(config[key], custom_objects)
        config["distillation_losses"] = [deserialize_keras_object(loss, custom_objects)
                                         for loss in config["distillation_losses"]]
        return cls(**config)
