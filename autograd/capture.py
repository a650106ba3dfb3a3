"""Where a jit capture in progress is announced to the floors below the tracer.

`recorder` is None outside a capture. While `ag.jit` captures a step it holds the recorder, and
Function.apply, the backward engine and the Tensor's host reads report to it (or refuse). Nothing
here imports the tracer, so the lowest floors can consult it for the price of one attribute read.
"""


class CaptureError(RuntimeError):
    """A jit-compiled step did something that cannot be captured and replayed (a host read of tensor
    values, data-dependent control flow, a create_graph backward, ...); the message names the call."""


class _State:
    recorder = None


state = _State()


def refuse_host_read(call, shape):
    """Raise CaptureError for a read of tensor values on the host (`call`) during a jit capture."""
    raise CaptureError(
        f"jit: {call} on a tensor of shape {tuple(shape)} inside a compiled step reads its values on the host; "
        "a captured step replays its kernels without Python seeing any values, so the value read now would be "
        "baked in. Return the tensor from the step and read it after the call (e.g. `loss = step(x, y); "
        "loss.item()`), and replace Python `if`/`while` on tensor values by tensor ops (ag.where, clamp).")


def created(array):
    """A factory (ag.zeros, ag.tensor, ...) made `array` for a new tensor: during a capture, outside
    any op, the recorder makes each replay start from a fresh copy of its first values (a write into
    it in the step would otherwise build up from replay to replay)."""
    rec = state.recorder
    if rec is not None:
        rec.on_create(array)
