"""Folding an eval-mode BatchNorm into the convolution or linear layer before it (PyTorch's
nn.utils.fusion): one layer that computes what the pair computed, for inference."""
import copy

import autograd as ag

from ..module import Parameter


def _check_eval(who, layer, bn):
    if layer.training or bn.training:
        raise AssertionError(f"{who}: fusion only for eval: call .eval() on both the {type(layer).__name__} and the "
                             f"{type(bn).__name__} first (training={layer.training} and {bn.training})")
    if bn.running_mean is None or bn.running_var is None:
        raise AssertionError(f"{who}: bn.running_mean and bn.running_var must not be None (the BatchNorm was built "
                             "with track_running_stats=False, so it has no statistics to fold in)")


def fuse_conv_bn_weights(conv_w, conv_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b, transpose=False):
    """The (weight, bias) Parameters of one convolution equal to conv (conv_w, conv_b, None for no bias) then
    an eval BatchNorm with running mean/var bn_rm/bn_rv, eps bn_eps and affine bn_w/bn_b (None: 1 and 0).
    `transpose`: conv_w is a transposed convolution's (in, out, ...) weight."""
    w_dtype = conv_w.dtype
    b_dtype = conv_b.dtype if conv_b is not None else w_dtype
    with ag.no_grad():
        conv_b = ag.zeros_like(bn_rm) if conv_b is None else conv_b
        bn_w = ag.ones_like(bn_rm) if bn_w is None else bn_w
        bn_b = ag.zeros_like(bn_rm) if bn_b is None else bn_b
        inv_std = ag.rsqrt(bn_rv + bn_eps)
        shape = ([1, -1] if transpose else [-1, 1]) + [1] * (conv_w.ndim - 2)
        weight = (conv_w * (bn_w * inv_std).reshape(shape)).to(w_dtype)
        bias = ((conv_b - bn_rm) * inv_std * bn_w + bn_b).to(b_dtype)
    return Parameter(weight, conv_w.requires_grad), Parameter(bias, conv_b.requires_grad)


def fuse_conv_bn_eval(conv, bn, transpose=False):
    """A new convolution (a deep copy of `conv`) that computes bn(conv(x)) for eval-mode conv and bn."""
    _check_eval("fuse_conv_bn_eval", conv, bn)
    fused = copy.deepcopy(conv)
    fused.weight, fused.bias = fuse_conv_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                    bn.eps, bn.weight, bn.bias, transpose)
    return fused


def fuse_linear_bn_weights(linear_w, linear_b, bn_rm, bn_rv, bn_eps, bn_w, bn_b):
    """The (weight, bias) Parameters of one linear layer equal to linear (linear_w, linear_b, None for no bias)
    then an eval BatchNorm over its output features (running mean/var bn_rm/bn_rv, eps, affine bn_w/bn_b)."""
    w_dtype = linear_w.dtype
    b_dtype = linear_b.dtype if linear_b is not None else w_dtype
    with ag.no_grad():
        linear_b = ag.zeros_like(bn_rm) if linear_b is None else linear_b
        scale = bn_w * ag.rsqrt(bn_rv + bn_eps)
        weight = linear_w * scale.unsqueeze(-1).to(w_dtype)
        bias = ((linear_b - bn_rm) * scale + bn_b).to(b_dtype)
    return Parameter(weight, linear_w.requires_grad), Parameter(bias, linear_b.requires_grad)


def fuse_linear_bn_eval(linear, bn):
    """A new linear layer (a deep copy of `linear`) that computes bn(linear(x)) for eval-mode linear and bn
    (bn.num_features must equal linear.out_features, or be 1)."""
    _check_eval("fuse_linear_bn_eval", linear, bn)
    if linear.out_features != bn.num_features and bn.num_features != 1:
        raise AssertionError(f"fuse_linear_bn_eval: needs linear.out_features == bn.num_features or "
                             f"bn.num_features == 1, got linear.out_features={linear.out_features} and "
                             f"bn.num_features={bn.num_features}")
    fused = copy.deepcopy(linear)
    fused.weight, fused.bias = fuse_linear_bn_weights(fused.weight, fused.bias, bn.running_mean, bn.running_var,
                                                      bn.eps, bn.weight, bn.bias)
    return fused
