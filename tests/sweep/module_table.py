"""The module sweep's table: for each nn module class that PyTorch's torch.nn has too, the constructor
arguments to try (defaults and the options users set) and the inputs each takes.

An input is (kind, shape) with "B" standing for the batch: kind "f" normal floats, "p" floats in (0.05, 0.95),
"pos" floats in (0.5, 2), "logp" log-probabilities over the last dimension, "s" signs (+1/-1), "01" zeros and
ones (floats), "cN" class indices below N ("cN+" from 1), "lenN" and "varN" lengths N and N-2..N, "mask" padding
masks (True: ignore), "packed" a (T, B, F) batch passed as a PackedSequence, "causal" / "bcausal" float / bool
causal masks, "offsets" EmbeddingBag offsets into 8 indices. A list of inputs is passed as one tuple argument
(LSTM's (h0, c0)); `call` holds the forward's keyword arguments, given the same way; `inputs` may instead be a
function (rng, batch, dtype) -> host arrays. `Lib(fn)` stands for an argument built per library:
fn(nn_namespace, tensor_module)."""
import numpy as np

B = "B"


class Lib:
    """A constructor argument made per library (a weight tensor, a sub-module)."""

    def __init__(self, fn, text):
        self.fn, self.text = fn, text

    def __repr__(self):
        return self.text


class Case:
    """One constructor call and its inputs. train=False: compare eval mode only (random in training);
    unbatched / empty: whether to also try the input without its batch dimension / with batch 0."""

    def __init__(self, args, kwargs, inputs, train=True, unbatched=True, empty=True, backward=True, call=None):
        self.args, self.kwargs, self.inputs, self.call = args, kwargs, inputs, call or {}
        self.train, self.unbatched, self.empty, self.backward = train, unbatched, empty, backward

    def text(self):
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        called = "".join(f", {k}={v!r}" for k, v in self.call.items())
        return ", ".join(parts) + (f") called with (..{called}" if called else "")


def case(*args, inputs, train=True, unbatched=True, empty=True, backward=True, call=None, **kwargs):
    return Case(args, kwargs, inputs, train, unbatched, empty, backward, call)


def f(*shape):
    return ("f", shape)


def weights(n, low=0.5, high=1.5):
    """A float vector of n class weights made per library (in the dtype the sweep runs in)."""
    values = np.linspace(low, high, n)
    return Lib(lambda nnlib, lib: lib.tensor(values), f"weight[{n}]")


def layer(name, *args, **kwargs):
    """A sub-module argument: nn.name(*args, **kwargs) in each library."""
    text = f"{name}({', '.join([repr(a) for a in args] + [f'{k}={v!r}' for k, v in kwargs.items()])})"
    return Lib(lambda nnlib, lib: getattr(nnlib, name)(*args, **kwargs), text)


EW = [f(B, 4)]           # elementwise activations' input
SEQ = [f(5, B, 3)]       # recurrent layers' input (seq, batch, feature)
IMG1, IMG2, IMG3 = [f(B, 2, 6)], [f(B, 2, 5, 6)], [f(B, 2, 4, 4, 5)]


def _activations():
    rows = {name: [case(inputs=EW)] for name in (
        "CELU ELU GELU Hardshrink Hardsigmoid Hardswish Hardtanh LeakyReLU LogSigmoid Mish ReLU ReLU6 SELU SiLU "
        "Sigmoid Softplus Softshrink Softsign Tanh Tanhshrink Identity").split()}
    rows["CELU"].append(case(alpha=0.5, inputs=EW))
    rows["ELU"].append(case(alpha=0.3, inputs=EW))
    rows["GELU"].append(case(approximate="tanh", inputs=EW))
    rows["Hardshrink"].append(case(0.8, inputs=EW))
    rows["Softshrink"].append(case(0.8, inputs=EW))
    rows["Hardtanh"].append(case(-0.5, 2.0, inputs=EW))
    rows["LeakyReLU"].append(case(0.2, inputs=EW))
    rows["Softplus"].append(case(beta=2.0, threshold=1.0, inputs=EW))
    rows.update({
        "Threshold": [case(0.1, 20.0, inputs=EW)],
        "PReLU": [case(inputs=EW), case(num_parameters=4, init=0.1, inputs=EW)],
        "RReLU": [case(inputs=EW, train=False), case(0.2, 0.2, inputs=EW)],
        "GLU": [case(inputs=EW), case(dim=0, inputs=[f(4, B)])],
        "Softmax": [case(dim=1, inputs=EW), case(dim=-1, inputs=[f(B, 3, 4)])],
        "LogSoftmax": [case(dim=1, inputs=EW)],
        "Softmin": [case(dim=1, inputs=EW)],
        "Softmax2d": [case(inputs=[f(B, 3, 2, 2)])],
    })
    return rows


def _dropouts():
    rows = {}
    for name, inputs in (("Dropout", EW), ("AlphaDropout", EW), ("FeatureAlphaDropout", [f(B, 3, 4)]),
                         ("Dropout1d", [f(B, 3, 4)]), ("Dropout2d", [f(B, 3, 2, 2)]),
                         ("Dropout3d", [f(B, 3, 2, 2, 2)])):
        rows[name] = [case(0.0, inputs=inputs), case(inputs=inputs, train=False)]
    return rows


def _layers():
    return {
        "Linear": [case(3, 2, inputs=[f(B, 3)]), case(3, 2, bias=False, inputs=[f(B, 4, 3)])],
        "LazyLinear": [case(2, inputs=[f(B, 3)])],
        "Bilinear": [case(3, 4, 2, inputs=[f(B, 3), f(B, 4)]), case(3, 4, 2, bias=False, inputs=[f(B, 3), f(B, 4)])],
        "Embedding": [case(10, 3, inputs=[("c10", (B, 4))]), case(10, 3, padding_idx=0, inputs=[("c10", (B, 4))]),
                      case(10, 3, max_norm=1.0, inputs=[("c10", (B, 4))]),
                      case(10, 3, scale_grad_by_freq=True, inputs=[("c10", (B, 4))])],
        "EmbeddingBag": [case(10, 3, inputs=[("c10", (B, 4))], unbatched=False),
                         case(10, 3, mode="sum", inputs=[("c10", (B, 4))], unbatched=False),
                         case(10, 3, mode="max", inputs=[("c10", (B, 4))], unbatched=False),
                         case(10, 3, mode="sum", padding_idx=0, inputs=[("c10", (B, 4))], unbatched=False),
                         case(10, 3, mode="sum", inputs=[("c10", (B, 4)), None, f(B, 4)], unbatched=False)],
        "Flatten": [case(inputs=[f(B, 2, 3)]), case(0, -1, inputs=[f(B, 2, 3)])],
        "Unflatten": [case(1, (2, 3), inputs=[f(B, 6)])],
        "CosineSimilarity": [case(inputs=[f(B, 4), f(B, 4)]), case(dim=0, eps=1e-3, inputs=[f(B, 4), f(B, 4)])],
        "PairwiseDistance": [case(inputs=[f(B, 4), f(B, 4)]), case(p=1.0, keepdim=True, inputs=[f(B, 4), f(B, 4)])],
        "ChannelShuffle": [case(2, inputs=[f(B, 4, 2, 3)])],
        "PixelShuffle": [case(2, inputs=[f(B, 4, 2, 3)])],
        "PixelUnshuffle": [case(2, inputs=[f(B, 1, 4, 6)])],
        "Fold": [case((4, 5), 2, inputs=[f(B, 8, 12)]),
                 case((5, 5), 2, dilation=2, padding=1, stride=2, inputs=[f(B, 4, 9)])],
        "Unfold": [case(2, inputs=IMG2), case((2, 3), dilation=2, padding=1, stride=2, inputs=IMG2)],
        "Upsample": [case(scale_factor=2, inputs=IMG2), case(size=(4, 9), mode="bilinear", inputs=IMG2),
                     case(scale_factor=1.5, mode="bilinear", align_corners=True, inputs=IMG2),
                     case(scale_factor=2, mode="bicubic", inputs=IMG2), case(size=9, mode="linear", inputs=IMG1),
                     case(scale_factor=2, mode="trilinear", inputs=IMG3),
                     case(scale_factor=1.7, mode="nearest-exact", inputs=IMG2)],
        "UpsamplingNearest2d": [case(scale_factor=2, inputs=IMG2)],
        "UpsamplingBilinear2d": [case(size=(4, 9), inputs=IMG2)],
        "LocalResponseNorm": [case(3, inputs=[f(B, 4, 3, 3)]),
                              case(2, alpha=0.1, beta=0.5, k=2.0, inputs=[f(B, 4, 5)])],
        # 4-D inputs only: both libraries refuse an unbatched (C, H, W) one
        "CrossMapLRN2d": [case(3, inputs=[f(B, 4, 3, 3)], unbatched=False),
                          case(4, alpha=0.1, beta=0.5, k=2.0, inputs=[f(B, 5, 2, 3)], unbatched=False)],
    }


def _convolutions():
    rows = {}
    for dims, inputs in ((1, IMG1), (2, IMG2), (3, IMG3)):
        rows[f"Conv{dims}d"] = [case(2, 4, 3, inputs=inputs), case(2, 4, 3, bias=False, stride=2, inputs=inputs),
                                case(2, 4, 3, padding="same", dilation=2, inputs=inputs),
                                case(2, 4, 2, groups=2, padding=1, inputs=inputs),
                                case(2, 2, 3, groups=2, inputs=inputs)]   # depthwise: its own kernels
        rows[f"Conv{dims}d"] += [case(2, 4, 3, padding=1, padding_mode=mode, inputs=inputs)
                                 for mode in ("reflect", "replicate", "circular")]
        rows[f"ConvTranspose{dims}d"] = [case(2, 4, 3, inputs=inputs),
                                         case(2, 4, 3, bias=False, padding=1, inputs=inputs),
                                         case(2, 4, 3, stride=2, output_padding=1, inputs=inputs),
                                         case(2, 4, 3, groups=2, dilation=2, inputs=inputs),
                                         case(2, 2, 3, groups=2, stride=2, inputs=inputs)]
        rows[f"LazyConv{dims}d"] = [case(4, 3, inputs=inputs)]
        rows[f"LazyConvTranspose{dims}d"] = [case(4, 3, stride=2, inputs=inputs)]
    return rows


def _unpool_inputs(dims):
    """(values, indices) for MaxUnpool{dims}d(2) from max-pooling a random image with kernel 2."""
    spatial = (4, 6, 4)[:dims]

    def make(rng, batch, dtype):
        import torch   # only to make valid indices: the same arrays go to both libraries
        shape = (() if batch is None else (batch,)) + (2,) + spatial
        pool = getattr(torch.nn.functional, f"max_pool{dims}d")
        values, indices = pool(torch.tensor(rng.standard_normal(shape)), 2, return_indices=True)
        return [values.numpy().astype(dtype), indices.numpy()]
    return make


def _pools():
    rows = {}
    for dims, inputs in ((1, IMG1), (2, IMG2), (3, IMG3)):
        rows[f"MaxPool{dims}d"] = [case(2, inputs=inputs), case(3, stride=2, padding=1, ceil_mode=True, inputs=inputs),
                                   case(2, dilation=2, inputs=inputs), case(2, return_indices=True, inputs=inputs)]
        rows[f"AvgPool{dims}d"] = [case(2, inputs=inputs), case(3, stride=2, padding=1, inputs=inputs),
                                   case(3, stride=2, padding=1, count_include_pad=False, ceil_mode=True, inputs=inputs)]
        if dims > 1:
            rows[f"AvgPool{dims}d"].append(case(2, divisor_override=3, inputs=inputs))
        rows[f"AdaptiveAvgPool{dims}d"] = [case(3, inputs=inputs), case((None,) * (dims - 1) + (4,), inputs=inputs)]
        rows[f"AdaptiveMaxPool{dims}d"] = [case(3, inputs=inputs), case(4, return_indices=True, inputs=inputs)]
        rows[f"LPPool{dims}d"] = [case(2, 2, inputs=inputs), case(1.5, 3, stride=1, ceil_mode=True, inputs=inputs)]
        rows[f"MaxUnpool{dims}d"] = [case(2, inputs=_unpool_inputs(dims))]
    samples = lambda n: Lib(lambda nnlib, lib: lib.tensor(np.linspace(0.1, 0.9, 2 * 2 * n).reshape(2, 2, n)),
                            f"samples[2, 2, {n}]")
    rows["FractionalMaxPool2d"] = [case(2, output_size=3, _random_samples=samples(2), inputs=[f(2, 2, 5, 6)],
                                        unbatched=False, empty=False),
                                   case(2, output_ratio=0.5, _random_samples=samples(2), return_indices=True,
                                        inputs=[f(2, 2, 5, 6)], unbatched=False, empty=False)]
    rows["FractionalMaxPool3d"] = [case(2, output_size=2, _random_samples=samples(3), inputs=[f(2, 2, 4, 4, 5)],
                                        unbatched=False, empty=False)]
    return rows


def _pads():
    rows = {}
    for kind in ("Constant", "Reflection", "Replication", "Circular", "Zero"):
        for dims, inputs, padding in ((1, IMG1, (1, 2)), (2, IMG2, (1, 2, 0, 1)), (3, IMG3, (1, 0, 0, 1, 1, 1))):
            extra = (0.5,) if kind == "Constant" else ()
            rows[f"{kind}Pad{dims}d"] = [case(2, *extra, inputs=inputs), case(padding, *extra, inputs=inputs)]
    return rows


def _norms():
    rows = {}
    for dims, inputs in ((1, [f(B, 3, 5)]), (2, [f(B, 3, 4, 4)]), (3, [f(B, 3, 2, 3, 3)])):
        options = ({}, {"affine": False}, {"track_running_stats": False}, {"momentum": None},
                   {"eps": 1e-3, "momentum": 0.3})
        rows[f"BatchNorm{dims}d"] = [case(3, inputs=inputs, unbatched=False, **o) for o in options]
        rows[f"LazyBatchNorm{dims}d"] = [case(inputs=inputs, unbatched=False)]
        rows[f"InstanceNorm{dims}d"] = [case(3, inputs=inputs), case(3, affine=True, inputs=inputs),
                                        case(3, track_running_stats=True, inputs=inputs),
                                        case(3, affine=True, track_running_stats=True, momentum=None, inputs=inputs)]
        rows[f"LazyInstanceNorm{dims}d"] = [case(affine=True, inputs=inputs)]
    rows["BatchNorm1d"].append(case(3, inputs=[f(B, 3)], unbatched=False))
    rows["SyncBatchNorm"] = [case(3, inputs=[f(B, 3, 5)], train=False, unbatched=False)]
    rows["GroupNorm"] = [case(2, 4, inputs=[f(B, 4, 5)]), case(2, 4, affine=False, inputs=[f(B, 4, 2, 3)]),
                         case(4, 4, eps=1e-3, inputs=[f(B, 4, 5)])]
    rows["LayerNorm"] = [case(5, inputs=[f(B, 3, 5)]), case([3, 5], inputs=[f(B, 3, 5)]),
                         case(5, elementwise_affine=False, inputs=[f(B, 3, 5)]),
                         case(5, bias=False, inputs=[f(B, 3, 5)])]
    rows["RMSNorm"] = [case(5, inputs=[f(B, 3, 5)]), case([3, 5], eps=1e-5, inputs=[f(B, 3, 5)]),
                       case(5, elementwise_affine=False, inputs=[f(B, 3, 5)])]
    return rows


def _recurrent():
    rows = {}
    for name in ("RNN", "LSTM", "GRU"):
        state = [f(2, B, 4), f(2, B, 4)] if name == "LSTM" else f(2, B, 4)
        rows[name] = [case(3, 4, inputs=SEQ), case(3, 4, num_layers=2, inputs=SEQ),
                      case(3, 4, bidirectional=True, inputs=SEQ), case(3, 4, batch_first=True, inputs=[f(B, 5, 3)]),
                      case(3, 4, bias=False, inputs=SEQ), case(3, 4, num_layers=2, dropout=0.0, inputs=SEQ + [state]),
                      case(3, 4, num_layers=2, bidirectional=True, batch_first=True, inputs=[f(B, 5, 3)])]
    rows["RNN"].append(case(3, 4, nonlinearity="relu", inputs=SEQ))
    rows["LSTM"] += [case(3, 4, proj_size=2, inputs=SEQ),
                     case(3, 4, proj_size=2, num_layers=2, bidirectional=True, inputs=SEQ)]
    rows["RNNCell"] = [case(3, 4, inputs=[f(B, 3)]),
                       case(3, 4, bias=False, nonlinearity="relu", inputs=[f(B, 3), f(B, 4)])]
    rows["LSTMCell"] = [case(3, 4, inputs=[f(B, 3)]), case(3, 4, bias=False, inputs=[f(B, 3), [f(B, 4), f(B, 4)]])]
    rows["GRUCell"] = [case(3, 4, inputs=[f(B, 3)]), case(3, 4, bias=False, inputs=[f(B, 3), f(B, 4)])]
    rows["RNNBase"] = [case("LSTM", 3, 4, inputs=None), case("GRU", 3, 4, num_layers=2, inputs=None)]   # no forward
    return rows


def _attention():
    enc = dict(dim_feedforward=16, dropout=0.0)
    qkv = [f(5, B, 8), f(6, B, 8), f(6, B, 8)]
    return {
        "MultiheadAttention": [case(8, 2, inputs=qkv), case(8, 2, batch_first=True, inputs=[f(B, 5, 8)] * 3),
                               case(8, 2, bias=False, inputs=qkv),
                               case(8, 2, add_bias_kv=True, add_zero_attn=True, inputs=qkv),
                               case(8, 2, kdim=6, vdim=3, inputs=[f(5, B, 8), f(6, B, 6), f(6, B, 3)])],
        "TransformerEncoderLayer": [case(8, 2, inputs=[f(5, B, 8)], train=False),
                                    case(8, 2, inputs=[f(5, B, 8)], **enc),
                                    case(8, 2, batch_first=True, norm_first=True, activation="gelu",
                                         inputs=[f(B, 5, 8)], **enc),
                                    case(8, 2, bias=False, inputs=[f(5, B, 8)], **enc)],
        "TransformerDecoderLayer": [case(8, 2, inputs=[f(5, B, 8), f(6, B, 8)], **enc),
                                    case(8, 2, norm_first=True, batch_first=True, inputs=[f(B, 5, 8), f(B, 6, 8)],
                                         **enc)],
        "TransformerEncoder": [case(layer("TransformerEncoderLayer", 8, 2, **enc), 2, inputs=[f(5, B, 8)]),
                               case(layer("TransformerEncoderLayer", 8, 2, **enc), 1, norm=layer("LayerNorm", 8),
                                    inputs=[f(5, B, 8)])],
        "TransformerDecoder": [case(layer("TransformerDecoderLayer", 8, 2, **enc), 2, inputs=[f(5, B, 8), f(6, B, 8)]),
                               case(layer("TransformerDecoderLayer", 8, 2, batch_first=True, **enc), 1,
                                    norm=layer("LayerNorm", 8), inputs=[f(B, 5, 8), f(B, 6, 8)])],
        "Transformer": [case(8, 2, 1, 1, 16, 0.0, inputs=[f(6, B, 8), f(5, B, 8)]),
                        case(8, 2, 2, 1, 16, 0.0, activation=Lib(lambda nnlib, lib: nnlib.functional.gelu, "F.gelu"),
                             batch_first=True, norm_first=True, inputs=[f(B, 6, 8), f(B, 5, 8)])],
    }


def _losses():
    pairs = {
        "L1Loss": [f(B, 4), f(B, 4)], "MSELoss": [f(B, 4), f(B, 4)], "SmoothL1Loss": [f(B, 4), f(B, 4)],
        "HuberLoss": [f(B, 4), f(B, 4)], "BCELoss": [("p", (B, 4)), ("p", (B, 4))],
        "BCEWithLogitsLoss": [f(B, 4), ("p", (B, 4))], "CrossEntropyLoss": [f(B, 5), ("c5", (B,))],
        "NLLLoss": [("logp", (B, 5)), ("c5", (B,))], "NLLLoss2d": [("logp", (B, 5)), ("c5", (B,))],
        "KLDivLoss": [("logp", (B, 4)), ("p", (B, 4))], "PoissonNLLLoss": [f(B, 4), ("pos", (B, 4))],
        "GaussianNLLLoss": [f(B, 4), f(B, 4), ("pos", (B, 4))], "MarginRankingLoss": [f(B), f(B), ("s", (B,))],
        "HingeEmbeddingLoss": [f(B, 4), ("s", (B, 4))], "SoftMarginLoss": [f(B, 4), ("s", (B, 4))],
        "CosineEmbeddingLoss": [f(B, 4), f(B, 4), ("s", (B,))], "MultiLabelSoftMarginLoss": [f(B, 4), ("01", (B, 4))],
        "MultiMarginLoss": [f(B, 5), ("c5", (B,))], "TripletMarginLoss": [f(B, 4)] * 3,
        "TripletMarginWithDistanceLoss": [f(B, 4)] * 3, "MultiLabelMarginLoss": [f(B, 4), ("mlm", (B, 4))],
    }
    # PyTorch's multi-margin losses return uninitialised memory for an empty batch: nothing to compare there
    rows = {name: [case(reduction=r, inputs=inputs, empty=not name.startswith("MultiMargin") and
                        name != "MultiLabelMarginLoss") for r in ("mean", "sum", "none")]
            for name, inputs in pairs.items()}
    rows["SmoothL1Loss"].append(case(beta=0.5, inputs=pairs["SmoothL1Loss"]))
    rows["HuberLoss"].append(case(delta=0.5, inputs=pairs["HuberLoss"]))
    rows["BCELoss"].append(case(weight=weights(4), inputs=pairs["BCELoss"]))
    rows["BCEWithLogitsLoss"] += [case(pos_weight=weights(4), inputs=pairs["BCEWithLogitsLoss"]),
                                  case(weight=weights(4), reduction="sum", inputs=pairs["BCEWithLogitsLoss"])]
    ce = pairs["CrossEntropyLoss"]
    rows["CrossEntropyLoss"] += [case(label_smoothing=0.1, inputs=ce), case(ignore_index=1, inputs=ce),
                                 case(weight=weights(5), inputs=ce),
                                 case(weight=weights(5), label_smoothing=0.2, ignore_index=2, inputs=ce),
                                 case(inputs=[f(B, 5), ("p", (B, 5))]),
                                 case(label_smoothing=0.1, inputs=[f(B, 5), ("p", (B, 5))]),
                                 case(inputs=[f(B, 5, 3), ("c5", (B, 3))]),
                                 case(weight=weights(5), reduction="none", inputs=[f(B, 5, 3), ("c5", (B, 3))])]
    rows["NLLLoss"] += [case(weight=weights(5), inputs=pairs["NLLLoss"]), case(ignore_index=0, inputs=pairs["NLLLoss"]),
                        case(weight=weights(5), inputs=[("logp", (B, 5, 3)), ("c5", (B, 3))])]
    rows["NLLLoss2d"].append(case(inputs=[f(B, 5, 2, 3), ("c5", (B, 2, 3))], unbatched=False))
    rows["KLDivLoss"] += [case(reduction="batchmean", inputs=pairs["KLDivLoss"]),
                          case(log_target=True, inputs=[("logp", (B, 4)), ("logp", (B, 4))])]
    rows["PoissonNLLLoss"] += [case(log_input=False, inputs=[("pos", (B, 4)), ("pos", (B, 4))]),
                               case(full=True, inputs=[f(B, 4), ("pos", (B, 4))])]
    rows["GaussianNLLLoss"] += [case(full=True, inputs=pairs["GaussianNLLLoss"]),
                                case(inputs=[f(B, 4), f(B, 4), ("pos", (B, 1))])]
    rows["MarginRankingLoss"].append(case(margin=0.5, inputs=pairs["MarginRankingLoss"]))
    rows["HingeEmbeddingLoss"].append(case(margin=0.5, inputs=pairs["HingeEmbeddingLoss"]))
    rows["CosineEmbeddingLoss"].append(case(margin=0.3, inputs=pairs["CosineEmbeddingLoss"]))
    rows["MultiLabelSoftMarginLoss"].append(case(weight=weights(4), inputs=pairs["MultiLabelSoftMarginLoss"]))
    rows["MultiMarginLoss"] += [case(p=2, margin=0.5, inputs=pairs["MultiMarginLoss"], empty=False),
                                case(weight=weights(5), inputs=pairs["MultiMarginLoss"], empty=False)]
    rows["TripletMarginLoss"] += [case(margin=0.5, p=1.0, inputs=pairs["TripletMarginLoss"]),
                                  case(swap=True, inputs=pairs["TripletMarginLoss"])]
    rows["TripletMarginWithDistanceLoss"] += [case(margin=0.5, swap=True, inputs=pairs["TripletMarginLoss"])]
    ctc = [("ctc_lp", (6, B, 5)), ("c5+", (B, 3)), ("len6", (B,)), ("len3", (B,))]
    rows["CTCLoss"] = [case(reduction=r, inputs=ctc, unbatched=False) for r in ("mean", "sum", "none")]
    rows["CTCLoss"].append(case(zero_infinity=True, inputs=ctc, unbatched=False))
    rows["AdaptiveLogSoftmaxWithLoss"] = [case(8, 10, [4, 8], inputs=[f(B, 8), ("c10", (B,))]),
                                          case(8, 10, [3], div_value=2.0, head_bias=True,
                                               inputs=[f(B, 8), ("c10", (B,))])]
    rows["LinearCrossEntropyLoss"] = [case(8, 10, inputs=[f(B, 8), ("c10", (B,))]),
                                      case(8, 10, bias=True, reduction="sum", inputs=[f(B, 8), ("c10", (B,))]),
                                      case(8, 10, reduction="none", label_smoothing=0.1,
                                           inputs=[f(B, 8), ("c10", (B,))]),
                                      case(8, 10, out_features=(2,), bias=True, inputs=[f(B, 8), ("c10", (B, 2))],
                                           unbatched=False)]
    return rows


def _containers():
    three = [layer("Linear", 3, 4), layer("ReLU"), layer("Linear", 4, 2)]
    return {
        "Sequential": [case(*three, inputs=[f(B, 3)])],
        "DataParallel": [case(layer("Linear", 3, 2), inputs=[f(B, 3)])],
        "ModuleList": [case(three, inputs=None)],
        "ModuleDict": [case({"a": three[0], "b": three[2]}, inputs=None)],
        "ParameterList": [case([Lib(lambda nnlib, lib: nnlib.Parameter(lib.ones(2)), "Parameter[2]")], inputs=None)],
        "ParameterDict": [case({"w": Lib(lambda nnlib, lib: nnlib.Parameter(lib.ones(2)), "Parameter[2]")},
                               inputs=None)],
        "Module": [case(inputs=None)],
        "Container": [case(fc=three[0], act=three[1], inputs=None)],   # deprecated (FutureWarning): kwargs -> modules
        "RNNCellBase": [case(3, 4, True, 4, inputs=None)],
    }


TABLE = {}
for _part in (_activations, _dropouts, _layers, _convolutions, _pools, _pads, _norms, _recurrent, _attention, _losses,
              _containers):
    TABLE.update(_part())


def _last_offsets(rng, batch, dtype):
    """8 indices in `batch` bags, as EmbeddingBag(include_last_offset=True) takes them: batch + 1 offsets."""
    inner = np.sort(rng.integers(0, 9, batch - 1))
    return [rng.integers(0, 10, 8), np.concatenate([[0], inner, [8]]).astype(np.int64)]


def _ctc_concatenated(rng, batch, dtype):
    """CTCLoss inputs with the targets of the whole batch in one 1-D tensor (unbatched: one sequence)."""
    shape = (6, 5) if batch is None else (6, batch, 5)
    x = rng.standard_normal(shape)
    log_probs = (x - np.log(np.exp(x).sum(-1, keepdims=True))).astype(dtype)
    target_lengths = rng.integers(1, 4, () if batch is None else (batch,))
    input_lengths = np.full(target_lengths.shape, 6, np.int64)
    return [log_probs, rng.integers(1, 5, int(target_lengths.sum())), input_lengths, target_lengths]


def _calls():
    """More configs: forward keyword arguments (masks, output sizes) and the less common options."""
    causal, qkv = ("causal", (5, 5)), [f(5, B, 8), f(6, B, 8), f(6, B, 8)]
    enc = dict(dim_feedforward=16, dropout=0.0)
    bag = [("c10", (8,)), ("offsets", (B,))]
    return {
        "Softmax": [case(inputs=[f(B, 3, 4)]), case(inputs=[f(B, 4)])],
        "LogSoftmax": [case(inputs=[f(B, 3, 4)])],
        "Softmin": [case(inputs=[f(B, 3, 4)])],
        "PReLU": [case(num_parameters=3, inputs=[f(B, 3, 4)])],
        "Identity": [case(54, unused="x", inputs=EW)],
        "Linear": [case(0, 2, inputs=[f(B, 0)])],
        "Embedding": [case(10, 3, padding_idx=-1, inputs=[("c10", (B, 4))]),
                      case(10, 3, max_norm=0.5, norm_type=1.0, inputs=[("c10", (B, 4))])],
        # no empty batch with offsets: PyTorch 2.13's backward then crashes the process (a segmentation fault)
        "EmbeddingBag": [case(10, 3, mode=m, inputs=bag, unbatched=False, empty=False)
                         for m in ("mean", "sum", "max")] + [
            case(10, 3, include_last_offset=True, inputs=_last_offsets, unbatched=False, empty=False),
            case(10, 3, mode="sum", inputs=bag + [f(8)], unbatched=False, empty=False),
            case(10, 3, padding_idx=2, inputs=bag, unbatched=False, empty=False)],
        "ConstantPad2d": [case((-1, 1, 0, -1), 0.0, inputs=IMG2)],
        "ZeroPad2d": [case((-1, 2, 1, -1), inputs=IMG2)],
        "Conv2d": [case(2, 4, (2, 3), stride=(2, 1), padding=(1, 0), inputs=IMG2),
                   case(2, 4, 3, padding="valid", inputs=IMG2),
                   case(2, 4, 3, stride=2, padding=2, padding_mode="reflect", inputs=IMG2)],
        "Conv1d": [case(2, 4, 4, padding="same", inputs=IMG1), case(2, 2, 3, groups=2, bias=False, inputs=IMG1)],
        "ConvTranspose2d": [case(2, 4, 3, stride=2, inputs=IMG2, call={"output_size": [12, 14]}),
                            case(2, 4, (2, 3), stride=(2, 1), padding=(0, 1), inputs=IMG2)],
        "ConvTranspose1d": [case(2, 4, 3, stride=3, inputs=IMG1, call={"output_size": [20]})],
        "MaxPool2d": [case((2, 3), stride=(1, 2), inputs=IMG2)],
        "AvgPool1d": [case(4, stride=3, ceil_mode=True, inputs=IMG1)],
        "AdaptiveAvgPool2d": [case(7, inputs=IMG2)],
        "AdaptiveMaxPool2d": [case((7, 4), inputs=IMG2)],
        "BatchNorm1d": [case(3, momentum=0.0, inputs=[f(B, 3, 5)], unbatched=False)],
        "LSTM": [case(3, 4, proj_size=2, inputs=SEQ + [[f(1, B, 2), f(1, B, 4)]]),
                 case(3, 4, bidirectional=True, inputs=[("packed", (5, B, 3))], unbatched=False, empty=False),
                 case(3, 4, proj_size=2, inputs=[("packed", (5, B, 3))], unbatched=False, empty=False),
                 case(3, 4, num_layers=2, dropout=0.5, inputs=SEQ, train=False)],
        "GRU": [case(3, 4, bidirectional=True, inputs=SEQ + [f(2, B, 4)]),
                case(3, 4, num_layers=2, bidirectional=True, inputs=[("packed", (5, B, 3))], unbatched=False,
                     empty=False)],
        "RNN": [case(3, 4, num_layers=2, dropout=0.5, inputs=SEQ, train=False),
                case(3, 4, inputs=[("packed", (5, B, 3)), f(1, B, 4)], unbatched=False, empty=False)],
        "MultiheadAttention": [
            case(8, 2, inputs=qkv, call={"key_padding_mask": ("mask", (B, 6))}),
            case(8, 2, inputs=qkv, call={"need_weights": False}),
            case(8, 2, inputs=qkv, call={"average_attn_weights": False}),
            case(8, 2, inputs=qkv, call={"attn_mask": ("causal", (5, 6))}),
            case(8, 2, inputs=qkv, call={"attn_mask": ("bcausal", (5, 6)), "key_padding_mask": ("mask", (B, 6))}),
            case(8, 2, inputs=[f(5, B, 8)] * 3, call={"attn_mask": causal, "is_causal": True})],
        "TransformerEncoderLayer": [
            case(8, 2, inputs=[f(5, B, 8)], call={"src_key_padding_mask": ("mask", (B, 5))}, **enc),
            case(8, 2, inputs=[f(5, B, 8)], call={"src_mask": causal, "is_causal": True}, **enc)],
        "TransformerDecoderLayer": [
            case(8, 2, inputs=[f(5, B, 8), f(6, B, 8)], call={"tgt_mask": causal,
                                                             "memory_key_padding_mask": ("mask", (B, 6))}, **enc)],
        "TransformerEncoder": [case(layer("TransformerEncoderLayer", 8, 2, **enc), 2, inputs=[f(5, B, 8)],
                                    call={"src_key_padding_mask": ("mask", (B, 5))})],
        "Transformer": [case(8, 2, 1, 1, 16, 0.0, inputs=[f(6, B, 8), f(5, B, 8)],
                             call={"tgt_mask": causal, "src_key_padding_mask": ("mask", (B, 6))})],
        "GaussianNLLLoss": [case(eps=1e-3, inputs=[f(B, 4), f(B, 4), ("pos", (B,))])],
        "MSELoss": [case(size_average=False, inputs=[f(B, 4), f(B, 4)]), case(reduce=False, inputs=[f(B, 4), f(B, 4)])],
        "CrossEntropyLoss": [case(reduce=False, inputs=[f(B, 5), ("c5", (B,))]),
                             case(weight=weights(5), label_smoothing=0.3, inputs=[f(B, 5), ("p", (B, 5))])],
        "BCEWithLogitsLoss": [case(weight=weights(4), pos_weight=weights(4, 2.0, 3.0), reduction="none",
                                   inputs=[f(B, 4), ("p", (B, 4))])],
        "SmoothL1Loss": [case(beta=0.0, inputs=[f(B, 4), f(B, 4)])],
        "TripletMarginLoss": [case(p=3.0, eps=1e-3, inputs=[f(B, 4)] * 3)],
        "PoissonNLLLoss": [case(log_input=False, eps=1e-3, inputs=[("pos", (B, 4)), ("pos", (B, 4))])],
        "CTCLoss": [case(blank=4, reduction=r, inputs=[("ctc_lp", (6, B, 5)), ("c4", (B, 3)), ("var6", (B,)),
                                                        ("var3", (B,))], unbatched=False) for r in ("mean", "sum")]
                   + [case(reduction=r, inputs=_ctc_concatenated, empty=False) for r in ("mean", "none")],
        "TripletMarginWithDistanceLoss": [case(distance_function=layer("PairwiseDistance", p=1.0),
                                               inputs=[f(B, 4)] * 3)],
        "KLDivLoss": [case(reduction="batchmean", log_target=True, inputs=[("logp", (B, 4)), ("logp", (B, 4))])],
        "NLLLoss": [case(size_average=False, ignore_index=1, inputs=[("logp", (B, 5)), ("c5", (B,))]),
                    case(weight=weights(5), ignore_index=3, inputs=[("logp", (B, 5)), ("c5", (B,))])],
        "CosineSimilarity": [case(dim=-1, inputs=[f(B, 4), f(1, 4)])],
        "PairwiseDistance": [case(p=3.0, eps=1e-3, inputs=[f(B, 4), f(B, 4)])],
        "Sequential": [case(layer("Linear", 3, 4), layer("BatchNorm1d", 4), layer("Tanh"), inputs=[f(B, 3)],
                            unbatched=False)],
        "Upsample": [case(scale_factor=1.5, mode="bilinear", recompute_scale_factor=True, inputs=IMG2),
                     case(size=(3, 4), mode="area", inputs=IMG2), case(scale_factor=(1.5, 2.5), inputs=IMG2)],
        "AdaptiveAvgPool1d": [case(9, inputs=IMG1)],
        "MaxPool1d": [case(3, stride=2, ceil_mode=True, return_indices=True, inputs=IMG1)],
        "FractionalMaxPool2d": [case((2, 3), output_ratio=(0.5, 0.6), return_indices=True,
                                     _random_samples=Lib(lambda nnlib, lib: lib.tensor(np.full((2, 2, 2), 0.3)),
                                                         "samples[2, 2, 2]"),
                                     inputs=[f(2, 2, 6, 7)], unbatched=False, empty=False)],
    }


for _name, _cases in _calls().items():
    TABLE[_name] = TABLE[_name] + _cases
# in place (on a non-leaf: the sweep passes x * 1 to modules built with inplace=True)
for _name, _args in (("ReLU", ()), ("ReLU6", ()), ("LeakyReLU", (0.2,)), ("ELU", ()), ("CELU", ()), ("SELU", ()),
                     ("Hardtanh", ()), ("Hardsigmoid", ()), ("Hardswish", ()), ("SiLU", ()), ("Mish", ()),
                     ("Threshold", (0.1, 2.0)), ("RReLU", (0.2, 0.2)), ("Dropout", (0.0,)), ("AlphaDropout", (0.0,))):
    TABLE[_name] = TABLE[_name] + [case(*_args, inplace=True, inputs=EW)]
for _name in ("Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"):
    TABLE[_name] = TABLE[_name] + [case(0.0, inplace=True, inputs=TABLE[_name][0].inputs)]
