"""One direction of a Keras recurrent layer over a masked batch, as Keras runs it: a masked step keeps
the state, and its output is the previous output (zeros before the first kept step, or always zeros
with zero_output_for_mask).

A masked step changes nothing, so each sequence's kept steps are moved to the front, in order, and the
batch runs as one whole-sequence recurrence (nn.functional.recurrence); the steps past a sequence's
kept ones are padding whose outputs go unused, and for an LSTM they are `held` so that its final c is
its last kept step's. Outputs, final states and the last output are then gathered back. Every index
is computed by tensor ops on the device, so the mask's values are never read on the host (a jit
capture replays it with new masks). The same any-mask semantics as a step-by-step loop, at the cost
of one recurrence and a few gathers: b32 50 steps, 32->128 units, forward + backward, LSTM 15 ms
against 25 (cpu) and 28.5 (numba), GRU 13 against 20 and 27.
"""
import autograd as ag

from ... import functional as F


def masked_run(mode, inputs, keep, reverse, h0, c0, weights, zero_output_for_mask):
    """Run over inputs (batch, time, features) where keep (batch, time, bool) -> (outputs (batch, time, units)
    in time order, [h, (c)], last output); `reverse` goes from the last step to the first."""
    batch, steps = inputs.shape[0], inputs.shape[1]
    if reverse:   # the same compaction in the order of travel, flipped back at the end
        inputs, keep = ag.flip(inputs, (1,)), ag.flip(keep, (1,))
    kept_so_far = keep.long().cumsum(1)                      # (B, T): kept steps up to and including t
    lengths = kept_so_far[:, -1]                             # (B,)
    # source[b, k]: the step of sequence b's k-th kept step, `steps` (a zero frame) past its last
    slot = ag.where(keep, kept_so_far - 1, ag.full_like(kept_so_far, steps))
    times = ag.arange(steps, device=inputs.device).expand(batch, steps)
    source = ag.full((batch, steps + 1), steps, dtype=ag.int64, device=inputs.device).scatter(1, slot, times)
    frames = ag.cat([inputs, inputs.new_zeros((batch, 1, inputs.shape[2]))], 1)
    compact = frames.gather(1, source[:, :steps].unsqueeze(-1).expand(batch, steps, inputs.shape[2]))
    held = None
    if mode == "lstm":
        held = (ag.arange(steps, device=inputs.device).unsqueeze(1) >= lengths.unsqueeze(0))   # (T, B)
    result = F.recurrence(mode, compact.transpose(0, 1), h0, c0, *weights, held=held)
    # table[b, k]: zeros for k = 0, the k-th kept step's output after
    units = result[0].shape[-1]
    table = ag.cat([inputs.new_zeros((batch, 1, units)), result[0].transpose(0, 1)], 1)
    pick = ag.where(keep, kept_so_far, ag.zeros_like(kept_so_far)) if zero_output_for_mask else kept_so_far
    outputs = table.gather(1, pick.unsqueeze(-1).expand(batch, steps, units))
    h = table.gather(1, lengths.view(batch, 1, 1).expand(batch, 1, units)).squeeze(1)
    if h0 is not None:                                      # no kept step: the initial state stays
        h = ag.where((lengths > 0).unsqueeze(1), h, h0)
    states = [h, result[2]] if mode == "lstm" else [h]
    last = outputs[:, -1]
    if reverse:
        outputs = ag.flip(outputs, (1,))
    return outputs, states, last
