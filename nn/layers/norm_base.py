"""What BatchNorm and InstanceNorm layers share (PyTorch's _NormBase): resetting the running statistics and the
affine parameters in place."""
import autograd as ag

from ..module import Module


class _NormBase(Module):
    """A normalisation layer with optional running statistics (`track_running_stats`) and optional affine
    `weight`/`bias`; subclasses create them."""

    def reset_running_stats(self):
        """Running mean 0, running variance 1, no batches seen (in place, as PyTorch: a state_dict taken earlier
        sees the reset, and each tensor's _version moves)."""
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1.0)
            self.num_batches_tracked.zero_()

    def reset_parameters(self):
        """reset_running_stats, then weight 1 and bias 0 (in place)."""
        self.reset_running_stats()
        with ag.no_grad():
            if self.weight is not None:
                self.weight.fill_(1.0)
            if self.bias is not None:
                self.bias.zero_()
