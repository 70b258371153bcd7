#!/usr/bin/python3
"""Independent PyTorch (torch.nn) reference for hwgpt's model, written from DESIGN.md ("Model");
the torch.nn model itself now lives in the product (hwgpt.torch_model, used by hwgpt.torch_profile).

Builds dense models of a few scale-t archs with torch.nn modules, fills them with the prefix slices
of deterministic super-weights (formula below, reproduced by tests/model/reference_test.cpp), runs
a fixed token batch and writes selected logits to tests/data/model/reference_logits.json.

Super-weights: parameters in hwgpt's fixed order (wte; per layer norm_1.{weight,bias},
attn.qkv.{weight,bias}, attn.proj.{weight,bias}, norm_2.{weight,bias}, mlp.fc.{weight,bias},
mlp.proj.{weight,bias}; ln_f.{weight,bias}); the k-th tensor's j-th element (row-major) is
    0.08 * sin(0.7 * j + 1.3 * k)          (plus 1.0 for LayerNorm weights)
computed in float64 and rounded to float32.

Run: /usr/bin/python3 tests/reference/model_reference.py  (Debian python3-torch 1.13; CPU; a few seconds)
"""
import importlib.util
import json
import math
import os

import torch

# The model is the product's (python/hwgpt/torch_model.py, which hwgpt.torch_profile profiles),
# loaded as a file (it imports only torch; no build needed); this file supplies the super-weights
# and the fixed batch.
_spec = importlib.util.spec_from_file_location(
    "torch_model", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python", "hwgpt", "torch_model.py"))
torch_model = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(torch_model)
Gpt, parse_arch = torch_model.Gpt, torch_model.parse_arch

V, E_MAX, HS, H_MAX, R_MAX, L_MAX = 256, 192, 32, 4, 4, 5  # scale t (DESIGN.md)
A_MAX, F_MAX = H_MAX * HS, R_MAX * E_MAX

ARCHS = [
    "gpt-t-3-64-2-3-4-1-2-4-True",
    "gpt-t-4-128-3-2-4-3-2-4-1-2-False",
    "gpt-t-5-192-4-3-2-4-3-4-1-2-4-1-True",
    "gpt-t-5-192-4-4-4-4-4-4-4-4-4-4-False",
]
BATCH, SEQ = 2, 7
VOCAB_IDS = list(range(0, V, 16))


def super_weights():
    shapes = [("wte", (V, E_MAX))]
    for i in range(L_MAX):
        p = f"h.{i}."
        shapes += [(p + "norm_1.weight", (E_MAX,)), (p + "norm_1.bias", (E_MAX,)),
                   (p + "attn.qkv.weight", (3 * A_MAX, E_MAX)), (p + "attn.qkv.bias", (3 * A_MAX,)),
                   (p + "attn.proj.weight", (E_MAX, A_MAX)), (p + "attn.proj.bias", (E_MAX,)),
                   (p + "norm_2.weight", (E_MAX,)), (p + "norm_2.bias", (E_MAX,)),
                   (p + "mlp.fc.weight", (F_MAX, E_MAX)), (p + "mlp.fc.bias", (F_MAX,)),
                   (p + "mlp.proj.weight", (E_MAX, F_MAX)), (p + "mlp.proj.bias", (E_MAX,))]
    shapes += [("ln_f.weight", (E_MAX,)), ("ln_f.bias", (E_MAX,))]
    weights = {}
    for k, (name, shape) in enumerate(shapes):
        n = math.prod(shape)
        j = torch.arange(n, dtype=torch.float64)
        w = 0.08 * torch.sin(0.7 * j + 1.3 * k)
        if name.endswith("norm_1.weight") or name.endswith("norm_2.weight") or name == "ln_f.weight":
            w = w + 1.0
        weights[name] = w.to(torch.float32).reshape(shape)
    return weights


def parse(arch):
    return parse_arch(arch)


@torch.no_grad()
def build(arch, sw):
    n_layers, e, ratios, heads, bias = parse(arch)
    m = Gpt(V, e, ratios, heads, bias, HS)
    m.wte.weight.copy_(sw["wte"][:, :e])
    m.ln_f.weight.copy_(sw["ln_f.weight"][:e])
    m.ln_f.bias.copy_(sw["ln_f.bias"][:e])
    for i, blk in enumerate(m.blocks):
        p, a, f = f"h.{i}.", heads[i] * HS, ratios[i] * e
        blk.norm_1.weight.copy_(sw[p + "norm_1.weight"][:e])
        blk.norm_1.bias.copy_(sw[p + "norm_1.bias"][:e])
        blk.norm_2.weight.copy_(sw[p + "norm_2.weight"][:e])
        blk.norm_2.bias.copy_(sw[p + "norm_2.bias"][:e])
        blk.qkv.weight.copy_(sw[p + "attn.qkv.weight"][:3 * a, :e])
        blk.proj.weight.copy_(sw[p + "attn.proj.weight"][:e, :a])
        blk.fc.weight.copy_(sw[p + "mlp.fc.weight"][:f, :e])
        blk.mlp_proj.weight.copy_(sw[p + "mlp.proj.weight"][:e, :f])
        if bias:
            blk.qkv.bias.copy_(sw[p + "attn.qkv.bias"][:3 * a])
            blk.proj.bias.copy_(sw[p + "attn.proj.bias"][:e])
            blk.fc.bias.copy_(sw[p + "mlp.fc.bias"][:f])
            blk.mlp_proj.bias.copy_(sw[p + "mlp.proj.bias"][:e])
    return m


def main():
    sw = super_weights()
    tokens = [(i * 37 + 11) % V for i in range(BATCH * SEQ)]
    idx = torch.tensor(tokens).view(BATCH, SEQ)
    out = {"generator": "tests/reference/model_reference.py", "torch": torch.__version__,
           "batch": BATCH, "sequence_length": SEQ, "tokens": tokens, "vocab_ids": VOCAB_IDS, "archs": []}
    for arch in ARCHS:
        model = build(arch, sw)
        with torch.no_grad():
            logits = model(idx).view(BATCH * SEQ, V)
        out["archs"].append({
            "arch": arch,
            "num_params": sum(p.numel() for p in model.parameters()),
            "logits": [[round(float(v), 7) for v in row[VOCAB_IDS]] for row in logits],
            "logsumexp": [round(float(v), 7) for v in torch.logsumexp(logits, dim=-1)],
        })
    path = os.path.join(os.path.dirname(__file__), "..", "data", "model", "reference_logits.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
