"""einops's layers as deepgrad modules: `Rearrange`, `Reduce` and `EinMix`, as `einops.layers.torch` gives them to
PyTorch (which cannot hold deepgrad modules). Needs the optional einops package:
`from nn.layers.einops_layers import Rearrange, Reduce, EinMix`."""
from einops.layers import RearrangeMixin, ReduceMixin
from einops.layers._einmix import _EinmixMixin

import autograd as ag

from ..module import Module
from ..parameter import Parameter


class Rearrange(RearrangeMixin, Module):
    """einops.rearrange(input, pattern, **axes_lengths) as a layer."""

    def forward(self, input):
        return self._apply_recipe(input)


class Reduce(ReduceMixin, Module):
    """einops.reduce(input, pattern, reduction, **axes_lengths) as a layer."""

    def forward(self, input):
        return self._apply_recipe(input)


class EinMix(_EinmixMixin, Module):
    """A linear map written as an einsum pattern, with a weight (and optional bias) of the shapes it names."""

    def _create_parameters(self, weight_shape, weight_bound, bias_shape, bias_bound):
        # the same draws as einops's torch EinMix: uniform in (-bound, bound), weight first
        self.weight = Parameter(ag.zeros(weight_shape).uniform_(-weight_bound, weight_bound))
        self.bias = None
        if bias_shape is not None:
            self.bias = Parameter(ag.zeros(bias_shape).uniform_(-bias_bound, bias_bound))

    def _create_rearrange_layers(self, pre_reshape_pattern, pre_reshape_lengths, post_reshape_pattern,
                                 post_reshape_lengths):
        self.pre_rearrange = None
        if pre_reshape_pattern is not None:
            self.pre_rearrange = Rearrange(pre_reshape_pattern, **pre_reshape_lengths)
        self.post_rearrange = None
        if post_reshape_pattern is not None:
            self.post_rearrange = Rearrange(post_reshape_pattern, **post_reshape_lengths)

    def forward(self, input):
        if self.pre_rearrange is not None:
            input = self.pre_rearrange(input)
        result = ag.einsum(self.einsum_pattern, input, self.weight)
        if self.bias is not None:
            result = result + self.bias
        if self.post_rearrange is not None:
            result = self.post_rearrange(result)
        return result
