"""hwgpt's model (DESIGN.md, "Model") in torch.nn, for profiling with PyTorch (hwgpt.torch_profile):
the dense sub-network of one arch, as the C++ supernet extracts it.

  token embedding tied to the LM head (vocabulary of the space); per layer a pre-norm block whose
  attention (heads of the layer's count, head size of the space, rotary embedding on the first
  half of each head's dims, GPT-NeoX layout) and GELU MLP (the layer's ratio x E) both read the
  block's input and add to it (parallel residual); LayerNorm at the end; biases on the linear
  layers when the arch has bias True.

tests/model/reference_test.cpp checks the C++ model against logits this code computes
(tests/reference/model_reference.py writes them), so the two are the same function. Imports torch:
the rest of the hwgpt package never does.
"""

import functools
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def parse_arch(arch):
    """(layers, E, per-layer MLP ratios, per-layer heads, bias) of a canonical arch string."""
    f = arch.split("-")
    n_layers, e = int(f[2]), int(f[3])
    ratios = [int(v) for v in f[4:4 + n_layers]]
    heads = [int(v) for v in f[4 + n_layers:4 + 2 * n_layers]]
    return n_layers, e, ratios, heads, f[-1] == "True"


@functools.lru_cache(maxsize=64)
def _rope_tables(hs, offset, t, device, dtype):
    """cos and sin of the rotary angles of positions offset .. offset + t - 1 (cached: a forward
    pass asks for the same tables in every layer, and profiling repeats it)."""
    n = hs // 2
    inv_freq = 1.0 / (10000 ** (torch.arange(0, n, 2, dtype=torch.float32, device=device) / n))
    positions = torch.arange(offset, offset + t, dtype=torch.float32, device=device)
    angle = torch.outer(positions, inv_freq)
    angle = torch.cat([angle, angle], dim=-1).to(dtype)
    return angle.cos(), angle.sin()


def rope(x, offset=0):
    """GPT-NeoX rotary on the first half of the head dims, base 10000. x: (B, h, T, hs); the
    positions are offset .. offset + T - 1 (decoding with a cache)."""
    hs, t = x.size(-1), x.size(2)
    n = hs // 2
    cos, sin = _rope_tables(hs, offset, t, x.device, x.dtype)
    xr, xp = x[..., :n], x[..., n:]
    x1, x2 = xr[..., : n // 2], xr[..., n // 2:]
    rotated = torch.cat([-x2, x1], dim=-1)
    return torch.cat([xr * cos + rotated * sin, xp], dim=-1)


class Block(nn.Module):
    def __init__(self, e, h, r, bias, head_size):
        super().__init__()
        self.h, self.hs = h, head_size
        self.norm_1 = nn.LayerNorm(e, eps=1e-5)
        self.qkv = nn.Linear(e, 3 * h * head_size, bias=bias)
        self.proj = nn.Linear(h * head_size, e, bias=bias)
        self.norm_2 = nn.LayerNorm(e, eps=1e-5)
        self.fc = nn.Linear(e, r * e, bias=bias)
        self.mlp_proj = nn.Linear(r * e, e, bias=bias)

    def attn(self, x, cache=None):
        b, t, _ = x.shape
        offset = 0 if cache is None or "k" not in cache else cache["k"].size(2)
        # LitGPT layout: rows grouped per head as [q k v].
        qkv = self.qkv(x).view(b, t, self.h, 3, self.hs).permute(0, 2, 3, 1, 4)
        q, k, v = rope(qkv[:, :, 0], offset), rope(qkv[:, :, 1], offset), qkv[:, :, 2]
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], dim=2), torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.hs)
        total = k.size(2)
        # Query i (position offset + i) sees keys 0 .. offset + i.
        mask = torch.ones(t, total, dtype=torch.bool, device=x.device).tril(diagonal=offset)
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, self.h * self.hs)
        return self.proj(y)

    def forward(self, x, cache=None):
        return x + self.attn(self.norm_1(x), cache) + self.mlp_proj(F.gelu(self.fc(self.norm_2(x))))


class Gpt(nn.Module):
    def __init__(self, vocab_size, e, ratios, heads, bias, head_size):
        super().__init__()
        self.wte = nn.Embedding(vocab_size, e)
        self.blocks = nn.ModuleList(Block(e, h, r, bias, head_size) for r, h in zip(ratios, heads))
        self.ln_f = nn.LayerNorm(e, eps=1e-5)

    def forward(self, idx, caches=None):
        """Logits (B, T, V) of token ids idx (B, T). With `caches` (a list of one dict per layer,
        empty at first), keys and values are kept there and idx continues the cached sequence."""
        x = self.wte(idx)
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i])
        return self.ln_f(x) @ self.wte.weight.t()  # tied LM head


def build_model(arch, vocab_size, head_size, seed=1):
    """The dense model of `arch` (a canonical string) with PyTorch's default initialisation from
    torch.manual_seed(seed): timing and memory depend on the shapes, not on the values."""
    n_layers, e, ratios, heads, bias = parse_arch(arch)
    torch.manual_seed(seed)
    return Gpt(vocab_size, e, ratios, heads, bias, head_size)
