"""Ensemble: several models combined into one by averaging their outputs or by majority vote."""
import autograd as ag

from ..containers import ModuleList
from ..module import Module

METHODS = ("average", "probabilities", "vote")


class Ensemble(Module):
    """A model whose output combines the outputs of `models` (all taking the same inputs):

    - "average": the mean of the raw outputs (e.g. regression values or logits);
    - "probabilities": the mean of the softmax probabilities over the last axis (soft voting);
    - "vote": majority vote; the output is the fraction of models voting for each class (N, C), so its
      argmax is the majority class (ties go to the lowest class index).
    The members are sub-modules (`ensemble.models`), so `to`, `eval`, `state_dict` and Keras-style
    `compile`/`fit`/`evaluate`/`predict` work on the whole ensemble.
    """

    def __init__(self, models, method="average"):
        super().__init__()
        models = list(models)
        if not models:
            raise ValueError("Ensemble: give at least one model")
        bad = [type(m).__name__ for m in models if not isinstance(m, Module)]
        if bad:
            raise TypeError(f"Ensemble: every member must be an nn.Module, got {', '.join(bad)}")
        if method not in METHODS:
            raise ValueError(f"Ensemble: unknown method {method!r}; accepted: {', '.join(METHODS)}")
        self.models = ModuleList(models)
        self.method = method

    def forward(self, *inputs):
        outputs = [model(*inputs) for model in self.models]
        shapes = {o.shape for o in outputs}
        if len(shapes) > 1:
            raise ValueError(f"Ensemble: the members' outputs differ in shape ({sorted(shapes)}); they must agree")
        if self.method == "average":
            return ag.stack(outputs).mean(axis=0)
        if self.method == "probabilities":
            return ag.stack([ag.exp(o - ag.logsumexp(o, axis=-1, keepdims=True)) for o in outputs]).mean(axis=0)
        classes = outputs[0].shape[-1]
        votes = [ag.one_hot(ag.argmax(o, axis=-1), classes).astype(outputs[0].dtype) for o in outputs]
        return ag.stack(votes).mean(axis=0)

    def extra_repr(self):
        return f"method={self.method!r}"
