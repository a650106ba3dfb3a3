"""Mistakes users make in the GAN, VAE, Transformer, seq2seq and fine-tuning programs: PyTorch refuses each
one, and so does deepgrad, with an error that names the op, the shapes or dtypes, and the fix."""
import numpy as np
import pytest

#: (name, the mistake written against a `torch` namespace, deepgrad's error type, what its message must say)
MISTAKES = [
    ("noise without spatial dims into ConvTranspose2d",
     lambda torch: torch.nn.ConvTranspose2d(8, 4, 4)(torch.randn(4, 8)),
     ValueError, r"ConvTranspose2d\(8, 4.*expected input \(N, C, H, W\) or \(C, H, W\), got a 2-D input "
                 r"of shape Size\(\[4, 8\]\)"),
    ("images with the wrong channel count into the discriminator",
     lambda torch: torch.nn.Conv2d(3, 4, 4, 2, 1)(torch.randn(2, 1, 16, 16)),
     ValueError, r"Conv2d\(3, 4.*expected input with 3 channels.*got 1 \(input shape Size\(\[2, 1, 16, 16\]\)\)"),
    ("BatchNorm2d sized for another layer",
     lambda torch: torch.nn.BatchNorm2d(8)(torch.randn(2, 4, 3, 3)),
     ValueError, r"BatchNorm2d\(8.*C = 8 channels, got shape Size\(\[2, 4, 3, 3\]\)"),
    ("integer labels from torch.full((b,), 1) into BCEWithLogitsLoss",
     lambda torch: torch.nn.BCEWithLogitsLoss()(torch.randn(3), torch.full((3,), 1)),
     TypeError, r"binary_cross_entropy_with_logits: target is int64 \(shape Size\(\[3\]\)\).*target\.float\(\)"),
    ("integer targets into F.binary_cross_entropy",
     lambda torch: torch.nn.functional.binary_cross_entropy(torch.rand(3), torch.tensor([1, 0, 1])),
     TypeError, r"binary_cross_entropy: target is int64.*target\.float\(\)"),
    ("unnormalised pixels as BCE targets",
     lambda torch: torch.nn.functional.binary_cross_entropy(torch.rand(3), torch.tensor([1.0, 0.0, 255.0])),
     ValueError, r"binary_cross_entropy.*every target must be in \[0, 1\], got values from 0\.0 to 255\.0"),
    ("decoder logits (not probabilities) into F.binary_cross_entropy",
     lambda torch: torch.nn.functional.binary_cross_entropy(torch.tensor([-2.0, 3.0]), torch.tensor([0.0, 1.0])),
     ValueError, r"binary_cross_entropy.*probability in \[0, 1\].*binary_cross_entropy_with_logits"),
    ("VAE input not flattened to the Linear's features",
     lambda torch: torch.nn.Linear(20, 12)(torch.rand(5, 4, 4)),
     ValueError, r"Linear\(in_features=20.*expected input with 20 features.*got shape \(5, 4, 4\)"),
    ("causal mask for another sequence length",
     lambda torch: _encoder(torch)(torch.randn(2, 5, 8), mask=torch.zeros(4, 4)),
     ValueError, r"attn_mask must have shape \(5, 5\), got \(4, 4\)"),
    ("key padding mask as (seq, batch)",
     lambda torch: _encoder(torch)(torch.randn(2, 5, 8), src_key_padding_mask=torch.zeros(5, 2, dtype=torch.bool)),
     ValueError, r"key_padding_mask must have shape \(N, S\) = \(2, 5\), got \(5, 2\)"),
    ("a 3-D attention mask with the batch but not the heads",
     lambda torch: _encoder(torch)(torch.randn(2, 5, 8), mask=torch.zeros(2, 5, 5, dtype=torch.bool)),
     ValueError, r"3-D attn_mask must have shape \(4, 5, 5\), got \(2, 5, 5\)"),
    ("an integer 0/1 attention mask into scaled_dot_product_attention",
     lambda torch: torch.nn.functional.scaled_dot_product_attention(
         torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4), torch.randn(1, 2, 3, 4),
         attn_mask=torch.ones(3, 3, dtype=torch.int64)),
     TypeError, r"scaled_dot_product_attention: attn_mask must be bool.*or float.*got int64"),
    ("embedding width not a multiple of the heads",
     lambda torch: torch.nn.MultiheadAttention(8, 3),
     ValueError, r"embed_dim \(8\) must be divisible by num_heads \(3\)"),
    ("an int 0/1 mask into masked_fill",
     lambda torch: torch.randn(2, 3).masked_fill(torch.tensor([[1, 0, 1], [0, 0, 1]]), 0.0),
     TypeError, r"masked_fill: mask must be a bool tensor, got int64; compare first"),
    ("a source mask for another batch into masked_fill",
     lambda torch: torch.randn(4, 5).masked_fill(torch.zeros(3, 5, dtype=torch.bool), 0.0),
     ValueError, r"masked_fill \(input and mask\): shapes \(4, 5\), \(3, 5\) cannot be broadcast"),
    ("bidirectional encoder outputs bmm'd with a one-direction query",
     lambda torch: torch.bmm(torch.randn(4, 5, 12), torch.randn(4, 6, 1)),
     ValueError, r"shapes Size\(\[4, 5, 12\]\) and Size\(\[4, 6, 1\]\) are not aligned.*\(12\).*\(6\)"),
    ("a decoder hidden state without the layer dim",
     lambda torch: torch.nn.GRU(5, 6)(torch.randn(3, 2, 5), torch.randn(2, 6)),
     ValueError, r"GRU\(5, 6\): initial state h_0 must have shape \(1, 2, 6\).*got \(2, 6\)"),
    ("unsorted lengths into pack_padded_sequence",
     lambda torch: torch.nn.utils.rnn.pack_padded_sequence(torch.randn(3, 4, 5), [2, 4, 3], batch_first=True),
     ValueError, r"pack_padded_sequence: lengths \[2, 4, 3\] are not sorted.*enforce_sorted=False"),
    ("token ids past the vocabulary",
     lambda torch: torch.nn.Embedding(10, 3)(torch.tensor([[1, 10]])),
     IndexError, r"embedding.*shapes \(1, 2\) and \(10, 3\).*index 10 is out of range for num_embeddings=10"),
    ("targets for the flattened logits left unflattened",
     lambda torch: torch.nn.functional.cross_entropy(torch.randn(6, 11), torch.zeros(2, 3, dtype=torch.int64)),
     ValueError, r"cross_entropy.*\(6, 11\)"),
    ("a checkpoint saved from DistributedDataParallel",
     lambda torch: torch.nn.Linear(3, 2).load_state_dict(
         {"module." + k: v for k, v in torch.nn.Linear(3, 2).state_dict().items()}),
     RuntimeError, r"(?s)Missing key\(s\) in state_dict: \"weight\", \"bias\".*"
                   r"Unexpected key\(s\) in state_dict: \"module\.weight\".*removeprefix\('module\.'\)"),
    ("a checkpoint with a different head size, even with strict=False",
     lambda torch: torch.nn.Linear(6, 3).load_state_dict(torch.nn.Linear(6, 5).state_dict(), strict=False),
     RuntimeError, r"size mismatch for weight: copying a param with shape torch\.Size\(\[5, 6\]\) from checkpoint, "
                   r"the shape in current model is torch\.Size\(\[3, 6\]\)"),
    ("a float64 batch into a float32 model",
     lambda torch: torch.nn.Linear(4, 2)(torch.randn(3, 4).double()),
     TypeError, r"linear: input is float64 but weight is float32.*same dtype"),
]


def _encoder(torch):
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=True)
    return torch.nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)


@pytest.mark.parametrize("name, mistake, error, message", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistake_is_refused_with_a_clear_error_as_torch_refuses_it(name, mistake, error, message):
    import autograd as ag
    import nn  # noqa: F401  (ag.nn is then torch.nn's counterpart)
    with pytest.raises(error, match=message):
        mistake(ag)
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception):
        mistake(torch)
