"""keras.distillation (Keras 3.12+): train a small student model from a frozen teacher's outputs or features.

    distiller = keras.distillation.Distiller(teacher, student, keras.distillation.LogitsDistillation(3.0))
    distiller.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    distiller.fit(x, y, epochs=5)
    student = distiller.student
"""
from .distillation_loss import DistillationLoss, FeatureDistillation, LogitsDistillation
from .distiller import Distiller

__all__ = ["DistillationLoss", "FeatureDistillation", "LogitsDistillation", "Distiller"]

from ..saving.serialization import add_builtins as _add_builtins  # noqa: E402

# configs naming {'module': 'keras.distillation', 'class_name': 'LogitsDistillation', ...} load without custom_objects
_CLASSES = {"DistillationLoss": DistillationLoss, "FeatureDistillation": FeatureDistillation,
            "LogitsDistillation": LogitsDistillation, "Distiller": Distiller}
_add_builtins(_CLASSES, {}, {"keras.distillation": _CLASSES})
