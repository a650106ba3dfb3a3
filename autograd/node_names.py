"""Graph nodes under PyTorch's class names: a node's class is renamed for the user (`SumBackward0`), lazily."""
from .printing import printed_name
from .saved_fields import fields_of


#: the node classes renamed as PyTorch names their nodes, by (op class, name): see `shown`
_SHOWN = {}


def shown(node):
    """`node`, its class made a subclass of its op's named as PyTorch names the node ('SumBackward0'), so that
    `type(t.grad_fn).__name__` reads as in PyTorch. Done when a user first reaches the node (`grad_fn`,
    `next_functions`), so running an op never pays for it."""
    cls = type(node)
    full, name = node.name(), printed_name(node)
    if cls.__name__ == name:
        return node
    base = cls.__dict__.get("_shown_of", cls)
    renamed = _SHOWN.get((base, name))
    if renamed is None:
        attrs = {"_shown_of": base, "torch_name": full, "op_name": base.label(), "__module__": base.__module__,
                 "__qualname__": name, "__doc__": base.__doc__}
        if "_forward_cls" in base.__dict__:   # a user's Function's node class (tensor_function.py)
            attrs["_forward_cls"] = base._forward_cls
        for field, spec in fields_of(base, name).items():   # PyTorch's grad_fn._saved_<field> (saved_fields.py)
            attrs["_saved_" + field] = property(lambda node, spec=spec: node.saved_value(spec),
                                                doc=f"The value this node saved as PyTorch's _saved_{field}.")
        renamed = _SHOWN[(base, name)] = type(name, (base,), attrs)
    node.__class__ = renamed
    return node


#: the node PyTorch shows on a gradient that a create_graph backward of these nodes makes: their backward is one
#: ATen op (tanh_backward, threshold_backward, convolution_backward, ...), or a short formula, whose last node PyTorch
#: shows, where deepgrad records its own formula's ops; the last of them takes that name. A tuple names the gradient
#: of each input (None: leave that one as it is)
DOUBLE_BACKWARD = {
    "TanhBackward0": "TanhBackwardBackward0", "SigmoidBackward0": "SigmoidBackwardBackward0",
    "ReluBackward0": "ThresholdBackwardBackward0", "HardtanhBackward0": "HardtanhBackwardBackward0",
    "LeakyReluBackward0": "LeakyReluBackwardBackward0", "EluBackward0": "EluBackwardBackward0",
    "CeluBackward0": "EluBackwardBackward0", "GeluBackward0": "GeluBackwardBackward0",
    "SoftmaxBackward0": "SoftmaxBackwardDataBackward0", "LogSoftmaxBackward0": "LogSoftmaxBackwardDataBackward0",
    "NativeLayerNormBackward0": "NativeLayerNormBackwardBackward0",
    "NativeBatchNormBackward0": "NativeBatchNormBackwardBackward0",
    "ConvolutionBackward0": "ConvolutionBackwardBackward0",
    "MaxPool2DWithIndicesBackward0": "MaxPool2DWithIndicesBackwardBackward0",
    "AvgPool2DBackward0": "AvgPool2DBackwardBackward0",
    "UpsampleNearest1DBackward0": "UpsampleNearest1DBackwardBackward0",
    "UpsampleLinear1DBackward0": "UpsampleLinear1DBackwardBackward0",
    "UpsampleNearest2DBackward0": "UpsampleNearest2DBackwardBackward0",
    "UpsampleBilinear2DBackward0": "UpsampleBilinear2DBackwardBackward0",
    "MseLossBackward0": "MseLossBackwardBackward0",
    "TBackward0": "TBackward0", "UnsqueezeBackward0": "SqueezeBackward1",
    "SelectBackward0": "SelectBackwardBackward0", "SliceBackward0": "SliceBackwardBackward0",
    "DiagonalBackward0": "DiagonalBackwardBackward0", "IndexBackward0": "IndexPutImplBackward0",
    "EmbeddingBackward0": "EmbeddingDenseBackwardBackward0", "ConstantPadNdBackward0": "ConstantPadNdBackward0",
    "TriuBackward0": "TriuBackward0", "TrilBackward0": "TrilBackward0", "MaskedFillBackward0": "MaskedFillBackward0",
    "MaximumBackward0": "MaskedFillBackward0", "MinimumBackward0": "MaskedFillBackward0",
    "HypotBackward0": "DivBackward0", "XlogyBackward0": ("MaskedFillBackward0", None),
    # PyTorch's norm_backward, std_backward: formulas whose last op is a product
    "LinalgVectorNormBackward0": "MulBackward0", "NormBackward0": "MulBackward0", "NormBackward1": "MulBackward0",
    "DistBackward0": "MulBackward0", "StdBackward0": "MulBackward0", "StdMeanBackward0": "MulBackward0",
    "SoftplusBackward0": "SoftplusBackwardBackward0", "ThresholdBackward0": "ThresholdBackwardBackward0",
    "AdaptiveAvgPool2DBackward0": "AdaptiveAvgPool2DBackwardBackward0",
    "AdaptiveMaxPool2DBackward0": "AdaptiveMaxPool2DBackwardBackward0",
    # prod_backward, cumprod_backward and logcumsumexp_backward: formulas ending in a product, quotient, difference
    "ProdBackward0": "MulBackward0", "ProdBackward1": "MulBackward0", "CumprodBackward0": "DivBackward0",
    "LogcumsumexpBackward0": "SubBackward0",
    "MishBackward0": "MulBackward0", "HardswishBackward0": "HardswishBackwardBackward0",
    "GluBackward0": "GluBackwardBackward0", "RreluWithNoiseBackward0": "RreluWithNoiseBackwardBackward0",
}


#: the nodes whose PyTorch backward is one op that takes the forward's input tensors (avg_pool2d_backward(grad, self,
#: ...), convolution_backward(grad, input, weight, ...)), even where the gradient is linear in the incoming one and
#: reads only the input's shape: under create_graph PyTorch's gradient is then on the graph whenever one of those
#: inputs is, and differentiates to zeros (True) or to nothing (False) with respect to them. Each entry: (the
#: forward arguments read, None for every one; zeros?; PyTorch's double-backward node). deepgrad's formulas read
#: only the shape, so the engine ties such a gradient to those inputs (composed_backward.tie_to_inputs). A fused
#: node shown under another name (a 1-d pool's SqueezeBackward1) is looked up under its class's name too.
BACKWARD_READS = {
    "AvgPool2DBackward0": ((0,), True, "AvgPool2DBackwardBackward0"),
    "AvgPool3DBackward0": (None, True, "AvgPool3DBackwardBackward0"),
    "AdaptiveAvgPool2DBackward0": ((0,), True, "AdaptiveAvgPool2DBackwardBackward0"),
    "AdaptiveAvgPool3DBackward0": (None, True, "AdaptiveAvgPool3DBackwardBackward0"),
    "AdaptiveMaxPool2DBackward0": ((0,), True, "AdaptiveMaxPool2DBackwardBackward0"),
    "MaxPool2DWithIndicesBackward0": ((0,), True, "MaxPool2DWithIndicesBackwardBackward0"),
    "MaxPool3DWithIndicesBackward0": (None, True, "MaxPool3DWithIndicesBackwardBackward0"),
    "ConvolutionBackward0": ((0, 1), False, "ConvolutionBackwardBackward0"),
    "ReflectionPad1DBackward0": (None, True, "ReflectionPad1DBackwardBackward0"),
    "ReflectionPad2DBackward0": (None, True, "ReflectionPad2DBackwardBackward0"),
    "ReflectionPad3DBackward0": (None, True, "ReflectionPad3DBackwardBackward0"),
    "ReplicationPad1DBackward0": (None, True, "ReplicationPad1DBackwardBackward0"),
    "ReplicationPad2DBackward0": (None, True, "ReplicationPad2DBackwardBackward0"),
    "ReplicationPad3DBackward0": (None, True, "ReplicationPad3DBackwardBackward0"),
    "ThresholdBackward0": (None, True, "ThresholdBackwardBackward0"),
    "HardshrinkBackward0": (None, True, "HardshrinkBackwardBackward0"),
    "SoftshrinkBackward0": (None, True, "SoftshrinkBackwardBackward0"),
    "PreluKernelBackward0": (None, True, "PreluKernelBackwardBackward0"),
    "NllLossBackward0": (None, True, "NllLossBackwardBackward0"),
    "NllLoss2DBackward0": (None, True, "NllLoss2DBackwardBackward0"),
    "GridSampler2DBackward0": (None, False, "GridSampler2DBackwardBackward0"),
    "MeanBackward1": None,   # adaptive_avg_pool2d to 1 x 1 is PyTorch's mean, whose backward reads no input
}


#: fused nodes shown under a name in BACKWARD_READS that stand for more of PyTorch's graph: cross_entropy's node shows
#: nll_loss's, but PyTorch's nll_loss reads log_softmax's result, whose own gradient is on the graph anyway
_READS_NOTHING_MORE = {"autograd.ops.loss.CrossEntropy"}


def backward_reads(node):
    """The BACKWARD_READS entry of `node` (under its shown name, else its class's), or None."""
    cls = type(node)
    cls = cls.__dict__.get("_shown_of", cls)
    if f"{cls.__module__}.{cls.__qualname__}" in _READS_NOTHING_MORE:
        return None
    name = node.name()
    if name in BACKWARD_READS:
        return BACKWARD_READS[name]
    return BACKWARD_READS.get(cls.torch_name)


def shown_double_backward(tensor, name):
    """`tensor`, the gradient that a create_graph backward of the node that made it computes shown as PyTorch's
    node `name`: for a composite's first node on its input, where PyTorch's first node is another op
    (cross_entropy's transpose of an image's logits, PyTorch's log_softmax: 'LogSoftmaxBackwardDataBackward0')."""
    node = getattr(tensor, "_node", None)
    if node is not None:
        node.double_backward = name
    return tensor


def show_double_backward(node, grads, first_seq):
    """Name, as PyTorch does, the last node of each gradient that node's create_graph backward made (the nodes
    numbered from first_seq on); grads are returned unchanged."""
    shown = node.__dict__.get("double_backward") or DOUBLE_BACKWARD.get(node.name())
    if shown is not None:
        for k, g in enumerate(grads):
            made = getattr(g, "_node", None)
            name = shown if isinstance(shown, str) else (shown[k] if k < len(shown) else None)
            if name is not None and made is not None and getattr(made, "seq", -1) >= first_seq:
                made.torch_name = name
    return grads
