"""The metrics layers own — a keras Metric held as a layer's attribute and updated by the layer's call — as Keras 3
lists them: Layer.metrics is the layer's own, then each direct sublayer's list in turn; Model.metrics adds, after
the compiled trackers, the model's own and the list of every layer nested in it (each layer once, nested models'
own lists skipped), so a metric two levels down is listed twice, as in Keras. fit and evaluate reset and report
them with the compiled metrics."""
from .metric_base import Metric


def own_metrics(layer, skip=frozenset()):
    """The Metrics held as `layer`'s attributes (in assignment order), except those whose id is in `skip`."""
    return [v for v in vars(layer).values() if isinstance(v, Metric) and id(v) not in skip]


def layer_metrics(layer):
    """Keras's Layer.metrics: the layer's own metrics, then each direct sublayer's layer_metrics."""
    found = own_metrics(layer)
    for child in layer.children():
        found += layer_metrics(child)
    return found


def nested_layer_metrics(model, is_model):
    """The part of Keras's Model.metrics after the model's own: every nested layer's layer_metrics, the layers in
    depth-first order, each once; the list of a nested layer for which is_model(layer) holds is left out (Keras:
    it belongs to that model's trainer)."""
    found, seen, stack = [], set(), list(reversed(list(model.children())))
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if not is_model(layer):
            found += layer_metrics(layer)
        stack.extend(reversed(list(layer.children())))
    return found
