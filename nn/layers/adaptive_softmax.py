"""AdaptiveLogSoftmaxWithLoss: the adaptive softmax of Grave et al. for large vocabularies, as PyTorch's. The
frequent classes (below cutoffs[0]) and one entry per rarer cluster share the head; each cluster's classes
come from its own two-layer tail, whose width shrinks by div_value per cluster."""
from collections import namedtuple

import autograd as ag

from .. import functional as F
from ..containers import ModuleList, Sequential
from ..module import Module
from .linear import Linear

ASMOutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """forward(input (N, in_features) or (in_features,), target (N,) or ()) -> (output, loss): output holds the
    log-probability of each target class, loss is mean(-output). log_prob(input) gives every class's
    log-probability, predict(input) the most likely class."""

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False, device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if not cutoffs:
            raise ValueError("AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError(f"AdaptiveLogSoftmaxWithLoss: cutoffs should be a sequence of unique, positive integers "
                             f"sorted in an increasing order, where each value is between 1 and n_classes-1 "
                             f"({n_classes - 1}); got {cutoffs}")
        self.in_features, self.n_classes, self.div_value, self.head_bias = in_features, n_classes, div_value, head_bias
        self.cutoffs = cutoffs + [n_classes]
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        self.head = Linear(in_features, self.head_size, bias=head_bias, device=device, dtype=dtype)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, device=device, dtype=dtype),
                                        Linear(hidden, size, bias=False, device=device, dtype=dtype)))

    def reset_parameters(self):
        """Draw the head's and tails' weights afresh."""
        self.head.reset_parameters()
        for cluster in self.tail:
            for layer in cluster:
                layer.reset_parameters()

    def forward(self, input_, target_):
        """(output, loss): each row's log-probability of its target and their negative mean (PyTorch's argument
        names, input_ and target_)."""
        input, target = input_, target_
        batched = input.ndim == 2
        if input.ndim not in (1, 2) or target.ndim != input.ndim - 1:
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: expected input (N, {self.in_features}) with target "
                               f"(N,), or input ({self.in_features},) with a 0-d target; got input "
                               f"{tuple(input.shape)} and target {tuple(target.shape)}")
        if not batched:
            input, target = input.unsqueeze(0), target.unsqueeze(0)
        if input.shape[0] != target.shape[0]:
            raise RuntimeError(f"AdaptiveLogSoftmaxWithLoss: input and target should have the same size in the batch "
                               f"dimension, got {input.shape[0]} and {target.shape[0]}")
        if target.numel() and (int(target.min()) < 0 or int(target.max()) >= self.n_classes):
            raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but values in range "
                               f"[{int(target.min())}, {int(target.max())}] were found. ")
        head_index = target.clone()
        output = ag.zeros(target.shape[0], dtype=input.dtype, device=input.device)
        for i in range(self.n_clusters):
            low, high = self.cutoffs[i], self.cutoffs[i + 1]
            rows = ((target >= low) & (target < high)).nonzero().reshape(-1)
            if rows.numel() == 0:
                continue
            head_index = head_index.index_fill(0, rows, self.shortlist_size + i)
            cluster_logprob = F.log_softmax(self.tail[i](input.index_select(0, rows)), dim=1)
            local = cluster_logprob.gather(1, (target.index_select(0, rows) - low).unsqueeze(1)).squeeze(1)
            output = output.index_add(0, rows, local)
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = output + head_logprob.gather(1, head_index.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        return ASMOutput(output if batched else output.squeeze(0), loss)

    def _full_log_prob(self, input, head_output):
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for i, cluster in enumerate(self.tail):
            cluster_logprob = F.log_softmax(cluster(input), dim=1)
            parts.append(cluster_logprob + head_logprob[:, self.shortlist_size + i].unsqueeze(1))
        return ag.cat(parts, dim=1)

    def log_prob(self, input):
        """The log-probability of every class, (N, n_classes) (or (n_classes,) for one input)."""
        batched = input.ndim == 2
        rows = input if batched else input.unsqueeze(0)
        out = self._full_log_prob(rows, self.head(rows))
        return out if batched else out.squeeze(0)

    def predict(self, input):
        """The most likely class of each input (int64), the same as log_prob(input).argmax(1)."""
        batched = input.ndim == 2
        out = self.log_prob(input if batched else input.unsqueeze(0)).argmax(1)
        return out if batched else out.squeeze(0)

    def extra_repr(self):
        return ""
