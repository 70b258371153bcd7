"""Profile architectures with PyTorch into a hwgpt measurement store: the route for GPUs (any CUDA
build of PyTorch, from whatever channel) and for CPUs without the C++ build.

    python3 -m hwgpt.torch_profile --scale s --sample 50 --db gpu.db --device h100 --compute cuda
    python3 -m hwgpt.torch_profile --scale t --archs archs.txt --db cpu.db --device box --batch 1 --seq 64

The runner is the C++ one of `hwgpt profile` (hwgpt._hwgpt.run_profile): warm-up, adaptive repeats
until the 95 % CI of the median is within the target, windowed energy (RAPL or NVML), peak memory,
one store transaction per arch, resume by run uid. This module supplies the executor: our model
(hwgpt.torch_model, the sub-network the C++ supernet extracts) with seeded weights and token ids,
timed with CUDA events on a GPU (after warm-up, synchronised) and time.perf_counter on the CPU;
GPU memory is the caching allocator's peak added by one forward pass. The store rows are the
CLI's, so `hwgpt fit` and `hwgpt store merge` take them as they take `hwgpt profile`'s.
"""

import argparse
import contextlib
import sys
import time

from . import _hwgpt


def _set_openblas_threads(threads):
    """Sets OpenBLAS's pool to `threads` when the process has OpenBLAS loaded; returns its size
    then, or -1 (not OpenBLAS), as the store's protocol records it."""
    import ctypes
    for name in ("libopenblas.so.0", "libblas.so.3"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_set_num_threads(ctypes.c_int(threads))
            return int(lib.openblas_get_num_threads())
        except (OSError, AttributeError):
            continue
    return -1


# Names accepted for the dtype option, to the one recorded.
_AUTOCAST = {"float32": "float32", "fp32": "float32", "bfloat16": "bfloat16", "bf16": "bfloat16",
             "float16": "float16", "fp16": "float16"}


class TorchExecutor:
    """Runs the dense model of one arch at a time on `compute` ("cpu", "cuda" or "cuda:N")."""

    def __init__(self, space, compute="cpu", seed=1, threads=1, dtype="float32"):
        import torch  # only this route needs PyTorch
        from . import torch_model

        self.torch, self.torch_model = torch, torch_model
        info = _hwgpt.space_info(space)
        self.vocab_size, self.head_size = info["vocab_size"], info["head_size"]
        self.device = torch.device(compute)
        if self.device.type == "cuda" and not torch.cuda.is_available():
            raise ValueError(f"compute device '{compute}': this PyTorch has no CUDA device "
                             f"(torch {torch.__version__}, CUDA build: {torch.version.cuda})")
        if self.device.type not in ("cpu", "cuda"):
            raise ValueError(f"compute device '{compute}'; expected cpu, cuda or cuda:N")
        # float32, or autocast to a 16-bit type around every timed call and the memory pass: the
        # original's GPU measurements ran under autocast (bfloat16 on a100/a40/h100/a6000, float16
        # on v100/P100/rtx2080/rtx3080), so only such runs compare with its GPU numbers.
        self.dtype = _AUTOCAST.get(dtype, dtype)
        if self.dtype not in _AUTOCAST.values():
            raise ValueError(f"dtype '{dtype}'; expected float32, bfloat16 or float16")
        if self.dtype == "float16" and self.device.type == "cpu":
            raise ValueError("dtype float16: autocast to float16 needs a GPU (the CPU autocasts to bfloat16)")
        self.seed = seed
        torch.set_num_threads(threads)
        # PyTorch's thread count does not bound OpenBLAS's own pool (Debian's torch calls it), as
        # `hwgpt profile` bounds it: set it too, or the two routes would time different threads.
        self.blas_threads = _set_openblas_threads(threads)
        self.model = self.tokens = self.next_token = self.caches = None

    # ---- the runner's interface (profile::ArchExecutor) ---------------------------------------

    def model_variant(self):
        return "hwgpt"

    def on_gpu(self):
        return self.device.type == "cuda"

    def timer(self):
        timer = ("CUDA events around one forward pass (PyTorch), recorded on the current stream"
                 if self.on_gpu() else "time.perf_counter around one forward pass (PyTorch)")
        return timer if self.dtype == "float32" else f"{timer}, under autocast to {self.dtype}"

    def prepare(self, arch, batch, seq):
        torch = self.torch
        self.model = None
        if self.on_gpu():
            torch.cuda.empty_cache()
        self.model = self.torch_model.build_model(arch, self.vocab_size, self.head_size, self.seed)
        self.model = self.model.to(self.device).eval()
        generator = torch.Generator().manual_seed(self.seed)
        self.tokens = torch.randint(0, self.vocab_size, (batch, seq), generator=generator).to(self.device)
        self.next_token = self.tokens[:, -1:].clone()
        self.seq = seq

    def forward(self):
        return self._timed(lambda: self.model(self.tokens))

    def reset_decode(self):
        # An empty KV cache, as the C++ executor's: each step feeds one token per row and attends
        # over the tokens fed since the reset.
        self.caches = [dict() for _ in self.model.blocks]

    def decode_token(self):
        return self._timed(lambda: self.model(self.next_token, self.caches))

    def gpu_forward_memory_mb(self):
        if not self.on_gpu():
            return None
        torch = self.torch
        torch.cuda.synchronize(self.device)
        before = torch.cuda.memory_allocated(self.device)
        torch.cuda.reset_peak_memory_stats(self.device)
        with torch.no_grad(), self._autocast():
            self.model(self.tokens)
        torch.cuda.synchronize(self.device)
        return (torch.cuda.max_memory_allocated(self.device) - before) / 1e6

    # ---- timing --------------------------------------------------------------------------------

    def _autocast(self):
        if self.dtype == "float32":
            return contextlib.nullcontext()
        return self.torch.autocast(device_type=self.device.type, dtype=getattr(self.torch, self.dtype))

    def _timed(self, run):
        torch = self.torch
        with torch.no_grad(), self._autocast():
            if self.on_gpu():
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                run()
                end.record()
                end.synchronize()
                return float(start.elapsed_time(end))
            begin = time.perf_counter()
            run()
            return (time.perf_counter() - begin) * 1000.0


def profile(space, archs, db, device=None, compute="cpu", seed=1, threads=1, dtype="float32", **options):
    """Profiles `archs` (canonical strings or dicts) of `space` into the store `db` and returns the
    runner's report (run_uid, device, profiled, already_done, energy, energy_failures, energy_stopped,
    memory_failures).
    options: batch, seq, warmup, min_repeats, max_repeats, target_ci, max_seconds, decode_tokens,
    memory, energy_updates, energy_window, energy_windows, run_uid (as `hwgpt profile`'s flags).
    dtype: float32, or bfloat16 / float16 (autocast, as the original's GPU measurements)."""
    executor = TorchExecutor(space, compute, seed, threads, dtype)
    torch = executor.torch
    strings = [a if isinstance(a, str) else _hwgpt.arch_string(a, space) for a in archs]
    opts = dict(options)
    if device is not None:
        opts["device"] = device
    opts["threads"] = threads
    opts["dtype"] = executor.dtype
    opts["blas_threads"] = executor.blas_threads
    opts.setdefault("revision", f"torch {torch.__version__}")
    if executor.on_gpu():
        if device is None:
            raise ValueError("a GPU run needs device=NAME (the GPU's name in the store, e.g. h100)")
        props = torch.cuda.get_device_properties(executor.device)
        opts.update(kind="gpu", gpu_name=props.name, gpu_memory_mb=props.total_memory / 1e6)
    return _hwgpt.run_profile(str(db), space, strings, executor, opts)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m hwgpt.torch_profile",
                                     description="Profile archs with PyTorch into a hwgpt store (as hwgpt profile).")
    parser.add_argument("--scale", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--archs", help="a file of arch strings, one per line")
    source.add_argument("--sample", type=int, help="profile N archs sampled with --seed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", required=True)
    parser.add_argument("--device", help="the device's name in the store (default: from the CPU model)")
    parser.add_argument("--compute", default="cpu", help="cpu, cuda or cuda:N")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--dtype", default="float32",
                        help="float32, or bfloat16/float16: autocast, as the original's GPU measurements")
    for name, kind in (("batch", int), ("seq", int), ("warmup", int), ("min-repeats", int), ("max-repeats", int),
                       ("target-ci", float), ("max-seconds", float), ("decode-tokens", int),
                       ("energy-updates", int), ("energy-window", float), ("energy-windows", int)):
        parser.add_argument("--" + name, type=kind)
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--run-uid")
    args = parser.parse_args(argv)
    if args.archs:
        with open(args.archs) as f:
            archs = [line.strip() for line in f if line.strip()]
    else:
        archs = [_hwgpt.arch_string(a, args.scale) for a in _hwgpt.sample_archs(args.scale, args.sample, args.seed)]
    options = {k: v for k, v in vars(args).items()
               if v is not None and k not in ("scale", "archs", "sample", "seed", "db", "device", "compute", "threads",
                                              "dtype", "no_memory")}
    options["memory"] = not args.no_memory
    options["command"] = "python3 -m hwgpt.torch_profile " + " ".join(argv if argv is not None else sys.argv[1:])
    report = profile(args.scale, archs, args.db, args.device, args.compute, args.seed, args.threads, args.dtype,
                     **options)
    print(f"run {report['run_uid']}: profiled {report['profiled']} archs, {report['already_done']} already done; "
          f"energy: {report['energy']}")
    for failure in report["energy_failures"]:
        print(f"no energy for {failure}", file=sys.stderr)
    for failure in report["memory_failures"]:
        print(f"no memory for {failure}", file=sys.stderr)
    if report["energy_stopped"]:
        print(f"energy stopped: {report['energy_stopped']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
