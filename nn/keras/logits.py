"""Which probability tensors came from which logits, so probability losses can use the stable logits form.

When a Keras activation turns logits z into probabilities p = softmax(z) or sigmoid(z), it records (p -> z).
A loss given p with from_logits=False then computes the cross-entropy from z (exact and stable at any
magnitude) instead of from log(clip(p)); the value is the same wherever p is not saturated.
"""
import weakref

_sources = {}


def remember(probabilities, logits, kind):
    """Record that `probabilities` is `kind` ('softmax' or 'sigmoid') of `logits`, for as long as it lives."""
    key = id(probabilities)
    _sources[key] = (weakref.ref(probabilities, lambda _, key=key: _sources.pop(key, None)), logits, kind)


def logits_of(probabilities, kind):
    """The logits `probabilities` was computed from by `kind`, or None when it was not."""
    entry = _sources.get(id(probabilities))
    if entry is None or entry[0]() is not probabilities or entry[2] != kind:
        return None
    return entry[1]
