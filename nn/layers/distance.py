"""CosineSimilarity and PairwiseDistance as modules."""
from ..functional.distance import cosine_similarity, pairwise_distance
from ..module import Module


class CosineSimilarity(Module):
    """forward(x1, x2): the cosine similarity of x1 and x2 along `dim` (norms below eps count as eps)."""

    def __init__(self, dim=1, eps=1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return cosine_similarity(x1, x2, self.dim, self.eps)


class PairwiseDistance(Module):
    """forward(x1, x2): the p-norm of x1 - x2 + eps along the last dimension."""

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)
