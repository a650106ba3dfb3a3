"""SyncBatchNorm: batch normalisation whose statistics cover the batch of every process of nn.distributed, so
a model trained data-parallel on small per-process batches normalises as one process on the global batch."""
import autograd as ag

from ..distributed import world
from ..distributed.differentiable import all_reduce_sum
from .normalization import _BatchNorm


class SyncBatchNorm(_BatchNorm):
    """Batch normalisation over (N, C, ...) per channel C, with the mean and variance of the training batch
    taken over every rank (two differentiable all-reduces a call); evaluation, and a run of one process, are
    BatchNorm's. PyTorch's arguments; `process_group` must be None (the whole world)."""

    ranks = tuple(range(2, 9))
    layout = "(N, C, ...)"

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 process_group=None, device=None, dtype=None):
        if process_group is not None:
            raise ValueError("SyncBatchNorm: process_group must be None: nn.distributed synchronises over the whole "
                             "world that mpiexec started")
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype)
        self.process_group = None

    def forward(self, input):
        if not (self.training and world.is_initialized() and world.world_size() > 1):
            return super().forward(input)
        self._check_input(input)
        dims = (0,) + tuple(range(2, input.ndim))
        count = all_reduce_sum(ag.tensor([float(input.numel() // self.num_features)], dtype=input.dtype,
                                         device=input.device))
        if float(count.item()) <= 1:
            raise ValueError(f"{self!r}: expected more than 1 value per channel over all ranks when training, got "
                             f"input shape {input.shape} on this rank")
        shape = (1, self.num_features) + (1,) * (input.ndim - 2)
        mean = all_reduce_sum(input.sum(dims)) / count
        centred = input - mean.reshape(shape)
        var = all_reduce_sum((centred * centred).sum(dims)) / count
        if self.track_running_stats:
            self._update_running_stats(mean.detach(), var.detach() * (count.detach() / (count.detach() - 1)))
        out = centred / (var.reshape(shape) + self.eps).sqrt()
        if self.weight is not None:
            out = out * self.weight.reshape(shape)
        if self.bias is not None:
            out = out + self.bias.reshape(shape)
        return out

    def _update_running_stats(self, mean, unbiased_var):
        momentum = self._running_momentum()
        with ag.no_grad():
            self.running_mean.mul_(1 - momentum).add_(momentum * mean.to(self.running_mean.dtype))
            self.running_var.mul_(1 - momentum).add_(momentum * unbiased_var.to(self.running_var.dtype))

    @classmethod
    def convert_sync_batchnorm(cls, module, process_group=None):
        """`module` with every BatchNorm1d/2d/3d in it replaced by a SyncBatchNorm holding the same parameters
        and running statistics (module itself replaced when it is one)."""
        converted = module
        if isinstance(module, _BatchNorm) and not isinstance(module, cls):
            converted = cls(module.num_features, module.eps, module.momentum, module.affine,
                            module.track_running_stats, process_group)
            for name in ("weight", "bias"):
                value = getattr(module, name)
                if value is not None:
                    setattr(converted, name, value)
                elif name in converted._parameters:
                    converted.register_parameter(name, None)
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                converted.register_buffer(name, getattr(module, name))
            converted.train(module.training)
        for name, child in list(module._modules.items()):
            if child is not None:
                new_child = cls.convert_sync_batchnorm(child, process_group)
                if new_child is not child:
                    converted.add_module(name, new_child)
        return converted
