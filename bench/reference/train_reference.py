#!/usr/bin/python3
"""PyTorch (Python) side of the training-speed comparison with bench/train_bench.cpp.

Same model (tests/reference/model_reference.py's torch.nn implementation of DESIGN.md, arch
gpt-t-4-128-4-4-4-4-4-4-4-4-True), same batch 12x64, same byte corpus kind, same thread count,
torch.optim.AdamW (weight decay on matrices only) and global-norm clipping, one loss per step.
Also measures the matrix-multiply peak of the machine (float32 1024x1024 @ 1024x1024).

Run: OMP_WAIT_POLICY=passive /usr/bin/python3 bench/reference/train_reference.py --threads 1
"""
import argparse
import os
import random
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "reference"))
import model_reference as ref  # noqa: E402


def matmul_peak(seconds=3.0, n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(3):
        a @ b
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        a @ b
        count += 1
    flops = 2.0 * n ** 3 * count
    return flops / (time.perf_counter() - start), flops / (time.process_time() - cpu)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=5.0)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    rnd = random.Random(1)
    data = torch.tensor([ord("a") + rnd.randrange(26) for _ in range(200000)])
    model = ref.build("gpt-t-4-128-4-4-4-4-4-4-4-4-True", ref.super_weights())
    decay = [p for n, p in model.named_parameters() if p.dim() == 2 and not n.startswith("wte")]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() == 2 and not n.startswith("wte"))]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-3, betas=(0.9, 0.99))
    B, T = 12, 64

    def step():
        ix = torch.randint(len(data) - T - 1, (B,))
        x = torch.stack([data[i:i + T] for i in ix])
        y = torch.stack([data[i + 1:i + T + 1] for i in ix])
        loss = torch.nn.functional.cross_entropy(model(x).view(B * T, -1), y.view(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    for _ in range(3):
        step()
    steps, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        step()
        steps += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time (whole process) is the fairer measure when other processes share the cores.
    print(f"threads {args.threads}: {steps} steps in {elapsed:.2f} s wall, {cpu:.2f} s CPU; "
          f"{steps * B * T / elapsed:.0f} tokens/s wall, {steps * B * T / cpu:.0f} tokens/s CPU")
    wall, per_cpu = matmul_peak()
    print(f"matmul peak (float32 1024^3): {wall / 1e9:.2f} GFLOP/s wall, {per_cpu / 1e9:.2f} GFLOP/s CPU")


if __name__ == "__main__":
    main()
