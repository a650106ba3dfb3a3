"""Token generation with a small decoder-only Transformer (a character-level GPT of the size tutorials and
nanoGPT's Shakespeare example train on a CPU: 4 layers, width 64, 4 heads, 65 symbols, context 64): greedy
decoding of 32 tokens from a one-token prompt under no_grad, each token a forward over the whole sequence so
far, deepgrad against PyTorch. Every op runs on a tensor of a few thousand numbers, so the step measures
per-op cost and small products, not arithmetic."""
import numpy as np

from ..case import OURS, Case, Side
from ..sides import load_deepgrad, load_torch

VOCAB, WIDTH, HEADS, LAYERS, CONTEXT, NEW_TOKENS = 65, 64, 4, 4, 64, 32


def tiny_gpt(nn, F):
    """The model class from `nn` and `nn.functional` (deepgrad's or PyTorch's): pre-norm blocks of causal
    self-attention (one fused q/k/v Linear, scaled_dot_product_attention) and a GELU MLP."""
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
            self.qkv, self.proj = nn.Linear(WIDTH, 3 * WIDTH), nn.Linear(WIDTH, WIDTH)
            self.up, self.down = nn.Linear(WIDTH, 4 * WIDTH), nn.Linear(4 * WIDTH, WIDTH)

        def forward(self, x):
            batch, steps, width = x.shape
            q, k, v = (t.view(batch, steps, HEADS, width // HEADS).transpose(1, 2)
                       for t in self.qkv(self.ln1(x)).split(width, dim=2))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).contiguous().view(batch, steps, width))
            return x + self.down(F.gelu(self.up(self.ln2(x))))

    class TinyGPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens, self.places = nn.Embedding(VOCAB, WIDTH), nn.Embedding(CONTEXT, WIDTH)
            self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
            self.ln, self.head = nn.LayerNorm(WIDTH), nn.Linear(WIDTH, VOCAB, bias=False)

        def forward(self, idx, positions):
            x = self.tokens(idx) + self.places(positions[:idx.shape[1]])
            for block in self.blocks:
                x = block(x)
            return self.head(self.ln(x))
    return TinyGPT


def _side(lib, nn, F, to_device, sync):
    """A Side whose step generates NEW_TOKENS tokens greedily (argmax) with the library `lib`."""
    lib.manual_seed(0)
    model = to_device(tiny_gpt(nn, F)().eval())
    positions = to_device(lib.arange(CONTEXT))
    prompt = to_device(lib.zeros((1, 1), dtype=lib.int64))

    def step():
        with lib.no_grad():
            idx = prompt
            for _ in range(NEW_TOKENS):
                logits = model(idx[:, -CONTEXT:], positions)[:, -1, :]
                idx = lib.cat((idx, logits.argmax(dim=-1, keepdim=True)), dim=1)
        return idx
    return Side(step=step, sync=sync)


def build_ours(device):
    """deepgrad's generation step."""
    ag, nn, F, sync = load_deepgrad(device)
    return _side(ag, nn, F, lambda t: t.to(device), sync)


def build_torch(device, threads):
    """PyTorch's generation step."""
    torch, tdev, sync = load_torch(device, threads)
    return _side(torch, torch.nn, torch.nn.functional, lambda t: t.to(tdev), sync)


def cases(device, config):
    """The `generate` case on `device`, in ms per 32 generated tokens."""
    return [Case("generate", device, "ms/32 tokens",
                 {OURS: lambda: build_ours(device), "torch": lambda: build_torch(device, config.threads)},
                 note=f"greedy decoding of {NEW_TOKENS} tokens, GPT {LAYERS} layers x {WIDTH} wide, {HEADS} heads, "
                      f"no_grad")]
