"""The torch.* spellings of the losses (torch.kl_div, torch.ctc_loss, torch.binary_cross_entropy_with_logits,
torch.poisson_nll_loss, ...), installed onto autograd by nn.torch_forms. PyTorch's top-level forms take the
reduction as an int (0 'none', 1 'mean', 2 'sum') and some take their arguments in another order than
nn.functional's; each wrapper here follows the top-level signature and calls the nn.functional loss."""
import numbers

from . import functional as F
from .functional.loss import pointwise_kl_div

_REDUCTIONS = ("none", "mean", "sum")


def reduction_name(op, reduction):
    """The nn.functional reduction string for PyTorch's int code (0 none, 1 mean, 2 sum)."""
    if isinstance(reduction, bool) or not isinstance(reduction, numbers.Integral):
        raise TypeError(f"{op}(): argument 'reduction' must be int (0 'none', 1 'mean', 2 'sum'), not "
                        f"{type(reduction).__name__}; the string form is nn.functional.{op}(..., reduction=...)")
    if not 0 <= reduction < 3:
        raise ValueError(f"{op}: reduction must be 0 ('none'), 1 ('mean') or 2 ('sum'), got {reduction}")
    return _REDUCTIONS[reduction]


def kl_div(input, target, reduction=1, *, log_target=False):
    """torch.kl_div: the pointwise KL divergence target * (log target - input), reduced; 'mean' (1) averages
    over every element."""
    return pointwise_kl_div(input, target, reduction=reduction_name("kl_div", reduction), log_target=log_target)


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=1):
    """torch.binary_cross_entropy_with_logits: F.binary_cross_entropy_with_logits with pos_weight before the
    int reduction."""
    return F.binary_cross_entropy_with_logits(input, target, weight=weight, pos_weight=pos_weight,
                                              reduction=reduction_name("binary_cross_entropy_with_logits", reduction))


def poisson_nll_loss(input, target, log_input, full, eps, reduction):
    """torch.poisson_nll_loss: the Poisson negative log likelihood (every argument required, as in PyTorch)."""
    return F.poisson_nll_loss(input, target, log_input=log_input, full=full, eps=eps,
                              reduction=reduction_name("poisson_nll_loss", reduction))


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=1):
    """torch.cosine_embedding_loss: F.cosine_embedding_loss with an int reduction."""
    return F.cosine_embedding_loss(input1, input2, target, margin=margin,
                                   reduction=reduction_name("cosine_embedding_loss", reduction))


def hinge_embedding_loss(input, target, margin=1.0, reduction=1):
    """torch.hinge_embedding_loss: F.hinge_embedding_loss with an int reduction."""
    return F.hinge_embedding_loss(input, target, margin=margin,
                                  reduction=reduction_name("hinge_embedding_loss", reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=1):
    """torch.margin_ranking_loss: F.margin_ranking_loss with an int reduction."""
    return F.margin_ranking_loss(input1, input2, target, margin=margin,
                                 reduction=reduction_name("margin_ranking_loss", reduction))


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2.0, eps=1e-06, swap=False, reduction=1):
    """torch.triplet_margin_loss: F.triplet_margin_loss with an int reduction."""
    return F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=p, eps=eps, swap=swap,
                                 reduction=reduction_name("triplet_margin_loss", reduction))


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction=1, zero_infinity=False):
    """torch.ctc_loss: the connectionist temporal classification loss ('mean' (1) divides each sequence's loss
    by its target length, then averages), as F.ctc_loss."""
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=blank,
                      reduction=reduction_name("ctc_loss", reduction), zero_infinity=zero_infinity)


FUNCTIONS = (kl_div, binary_cross_entropy_with_logits, poisson_nll_loss, cosine_embedding_loss, hinge_embedding_loss,
             margin_ranking_loss, triplet_margin_loss, ctc_loss)
