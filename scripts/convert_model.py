#!/usr/bin/python3
"""Converts a supernet file or training checkpoint of the old format (a libtorch zip archive, what
hwgpt wrote before 2026-12) into hwgpt's own model-file format (docs/FORMATS.md, "Model files").

    python3 scripts/convert_model.py OLD NEW

Reads OLD with PyTorch's TorchScript loader (Debian's python3-torch), so hwgpt itself keeps no zip or
pickle reader. Checks the old file's format version and, for version 2, its parameter checksum (the
64-bit word-wise FNV-1a over each name and its float32 bytes) before it writes; writes NEW
atomically (a temporary file, then rename). A converted checkpoint resumes exactly where the old
one stopped: the weights, AdamW moments, step, options and data fingerprint are carried over.
"""
import json
import os
import struct
import sys

FNV_OFFSET, FNV_PRIME, MASK = 0xCBF29CE484222325, 0x100000001B3, (1 << 64) - 1


class WordHash:
    """FNV-1a over 8-byte little-endian words, a tail zero-padded (hwgpt/core/hash.hpp)."""

    def __init__(self, state=FNV_OFFSET):
        self.state, self.pending = state, b""

    def update(self, data):
        data = self.pending + bytes(data)
        whole = len(data) // 8 * 8
        state = self.state
        for (word,) in struct.iter_unpack("<Q", data[:whole]):
            state = ((state ^ word) * FNV_PRIME) & MASK
        self.state, self.pending = state, data[whole:]

    def digest(self):
        if not self.pending:
            return self.state
        (word,) = struct.unpack("<Q", self.pending.ljust(8, b"\0"))
        return ((self.state ^ word) * FNV_PRIME) & MASK


def checksum(names, tensors):
    """The old version-2 checksums: each name and tensor hashed as its own zero-padded piece."""
    state = FNV_OFFSET
    for name, tensor in zip(names, tensors):
        for piece in (name.encode(), float32_bytes(tensor)):
            h = WordHash(state)
            h.update(piece)
            state = h.digest()
    return state


def float32_bytes(tensor):
    import torch

    return tensor.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()


# The options a checkpoint recorded (train/trainer.cpp, config_fields, before 2026-12).
CONFIG_FIELDS = ("seed", "max_steps", "batch", "sequence_length", "random_subnets", "peak_lr", "min_lr_fraction",
                 "warmup_steps", "weight_decay", "beta1", "beta2", "adam_eps", "grad_clip", "eval_every", "eval_tokens")


class OldFile:
    """The entries of an old archive, looked up by name (TorchScript attributes)."""

    def __init__(self, path):
        import torch

        self.path = path
        try:
            self.module = torch.jit.load(path, map_location="cpu")._c
        except Exception as e:  # the loader raises RuntimeError and others on damaged archives
            fail(f"'{path}' is not a readable libtorch archive: {e}")

    def has(self, name):
        return self.module.hasattr(name)

    def __getitem__(self, name):
        if not self.module.hasattr(name):
            fail(f"'{self.path}' lacks the entry '{name}' (damaged, or not written by hwgpt)")
        return self.module.getattr(name)


def fail(message):
    sys.exit("convert_model: " + message)


def convert(old_path, new_path):
    a = OldFile(old_path)
    if not a.has("magic") or a["magic"] != "hwgpt-supernet":
        fail(f"'{old_path}' is not an old hwgpt supernet file (magic 'hwgpt-supernet' missing)")
    version = int(a["version"])
    if version not in (1, 2):
        fail(f"'{old_path}' has old format version {version}; expected 1 or 2")
    space = json.loads(a["space"])
    order = parameter_order(space)
    tensors = [a["param/" + n] for n in order]
    if version == 2 and (int(a["checksum"]) & MASK) != checksum(order, tensors):
        fail(f"'{old_path}' is corrupt: its parameters do not match its checksum")
    meta = {"format": "hwgpt-supernet", "space": space}
    entries = [("param/" + n, t) for n, t in zip(order, tensors)]
    if a.has("train/step"):
        train = {
            "step": int(a["train/step"]),
            "config": {k: float(a["train/config/" + k]) for k in CONFIG_FIELDS},
            "standalone_arch": a["train/standalone_arch"] if a.has("train/standalone_arch") else "",
            "tokenizer": a["train/tokenizer"],
            "data_fingerprint": int(a["train/data_fingerprint"]) & MASK,
        }
        moments = []
        for n in order:
            moments += [("adam_m/" + n, a["train/adam_m/" + n]), ("adam_v/" + n, a["train/adam_v/" + n])]
        if version == 2:
            scalars = "step=%d;arch=%s;tokenizer=%s;data=%d" % (
                train["step"], train["standalone_arch"], train["tokenizer"], train["data_fingerprint"])
            state = checksum([k for k, _ in moments], [t for _, t in moments])
            h = WordHash(state)
            h.update(scalars.encode())
            if (int(a["train/checksum"]) & MASK) != h.digest():
                fail(f"'{old_path}' is corrupt: its training state does not match its checksum")
        meta["train"] = train
        entries += moments
    write_model_file(new_path, json.dumps(meta), entries)
    kind = "training checkpoint at step %d" % meta["train"]["step"] if "train" in meta else "supernet file"
    print(f"convert_model: wrote {new_path} ({kind}, space '{space['name']}', {len(entries)} tensors)")


def parameter_order(space):
    names = ["wte"]
    for i in range(max(space["layer_counts"])):
        for part in ("norm_1.weight", "norm_1.bias", "attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight",
                     "attn.proj.bias", "norm_2.weight", "norm_2.bias", "mlp.fc.weight", "mlp.fc.bias",
                     "mlp.proj.weight", "mlp.proj.bias"):
            names.append(f"h.{i}.{part}")
    return names + ["ln_f.weight", "ln_f.bias"]


def write_model_file(path, metadata, entries):
    """docs/FORMATS.md "Model files": header, tensors, word-wise FNV-1a of all before it, end marker."""
    h = WordHash()
    tmp = path + ".tmp"
    with open(tmp, "wb") as out:
        def emit(data):
            h.update(data)
            out.write(data)

        meta = metadata.encode()
        emit(b"HWGPTMDL" + struct.pack("<II", 1, len(meta)) + meta + struct.pack("<I", len(entries)))
        for name, tensor in entries:
            shape = list(tensor.shape)
            emit(struct.pack("<H", len(name)) + name.encode() + struct.pack("<B", len(shape)) +
                 struct.pack("<%dq" % len(shape), *shape))
            emit(float32_bytes(tensor))
        out.write(struct.pack("<Q", h.digest()) + b"HWGPTEND")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[0] + "\nusage: python3 scripts/convert_model.py OLD NEW")
    convert(sys.argv[1], sys.argv[2])
