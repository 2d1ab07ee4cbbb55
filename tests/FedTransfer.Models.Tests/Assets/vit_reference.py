"""Reference ViT (+ LoRA / bottleneck adapters) in plain torch.nn, named exactly like FedTransfer.Models.NN, so the
C# tests can compare logits, gradients and one AdamW step against PyTorch.

usage: vit_reference.py CONFIG_JSON WEIGHTS_SAFETENSORS INPUT_SAFETENSORS OUT_SAFETENSORS ADAPTER_SPEC [LR WEIGHT_DECAY | grads]
  ADAPTER_SPEC: 'none', 'lora:r=..,alpha=..,targets=a|b' or 'bottleneck:reduction=..'
  INPUT holds 'images' (F32 [B,C,H,W]) and 'labels' (I64 [B]).
  OUT gets 'logits' (before any step) and, when LR is given, every trainable tensor after one AdamW step; with 'grads',
  the cross-entropy 'loss' and 'grad.NAME' of every trainable tensor. The model takes the weights' dtype (F32 or F64).
safetensors is parsed with json+struct+numpy here because python3-safetensors is not installed.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[base + begin:base + end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        out[name] = torch.from_numpy(array.copy())
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        array = tensors[name].detach().contiguous().numpy()
        dtype = "F64" if array.dtype == np.float64 else "F32"
        raw = array.astype("<f8" if dtype == "F64" else "<f4").tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(blobs))


class LoraLinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.weight, self.bias = base.weight, base.bias
        self.lora_a = nn.Parameter(torch.zeros(r, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, r))
        self.scale = alpha / r

    def forward(self, x):
        return F.linear(x, self.weight, self.bias) + F.linear(F.linear(x, self.lora_a), self.lora_b) * self.scale


class Bottleneck(nn.Module):
    def __init__(self, dim, reduction):
        super().__init__()
        hidden = max(1, dim // reduction)
        self.down, self.up = nn.Linear(dim, hidden), nn.Linear(hidden, dim)

    def forward(self, x):
        return x + self.up(F.gelu(self.down(x)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.qkv, self.proj = nn.Linear(dim, dim * 3), nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, hidden), nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(round(dim * mlp_ratio)))
        self.adapter_attn = self.adapter_mlp = None

    def forward(self, x):
        h = self.attn(self.norm1(x))
        if self.adapter_attn is not None:
            h = self.adapter_attn(h)
        x = x + h
        h = self.mlp(self.norm2(x))
        if self.adapter_mlp is not None:
            h = self.adapter_mlp(h)
        return x + h


class PatchEmbed(nn.Module):
    def __init__(self, channels, patch, dim):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    def __init__(self, c):
        super().__init__()
        patches = (c["image_size"] // c["patch_size"]) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, c["dim"]))
        self.pos_embed = nn.Parameter(torch.zeros(1, patches + 1, c["dim"]))
        self.patch_embed = PatchEmbed(c["channels"], c["patch_size"], c["dim"])
        self.blocks = nn.Sequential(*[Block(c["dim"], c["heads"], c["mlp_ratio"]) for _ in range(c["depth"])])
        self.norm = nn.LayerNorm(c["dim"], eps=1e-6)
        self.head = nn.Linear(c["dim"], c["classes"])

    def forward(self, x):
        t = self.patch_embed(x)
        t = torch.cat([self.cls_token.expand(t.shape[0], -1, -1), t], dim=1) + self.pos_embed
        return self.head(self.norm(self.blocks(t))[:, 0])


def parse_spec(spec):
    if spec == "none":
        return None, {}
    kind, _, body = spec.partition(":")
    return kind, dict(kv.split("=", 1) for kv in body.split(",") if kv)


def matches(path, pattern):
    parts, pat = path.split("."), pattern.split(".")
    return len(parts) >= len(pat) and parts[len(parts) - len(pat):] == pat


def attach(model, config, spec):
    kind, args = parse_spec(spec)
    if kind == "lora":
        r, alpha = int(args["r"]), float(args["alpha"])
        targets = args.get("targets", "attn.qkv").split("|")
        for path, module in list(model.named_modules()):
            for name, child in list(module.named_children()):
                full = f"{path}.{name}" if path else name
                if isinstance(child, nn.Linear) and any(matches(full, t) for t in targets):
                    setattr(module, name, LoraLinear(child, r, alpha))
    elif kind == "bottleneck":
        for block in model.blocks:
            block.adapter_attn = Bottleneck(config["dim"], int(args["reduction"]))
            block.adapter_mlp = Bottleneck(config["dim"], int(args["reduction"]))
    return kind


def is_trainable(name, kind):
    if kind is None:
        return True
    leaf = name.split(".")[-1]
    return name.startswith("head.") or leaf in ("lora_a", "lora_b") or ".adapter_" in name


def main():
    config_path, weights_path, input_path, out_path, spec = sys.argv[1:6]
    with open(config_path) as f:
        config = json.load(f)
    torch.set_num_threads(1)
    model = VisionTransformer(config)
    kind = attach(model, config, spec)
    state = read_safetensors(weights_path)
    # load_state_dict converts to the model's dtype: match the file's, so a float64 comparison stays float64.
    model = model.to(state["pos_embed"].dtype)
    model.load_state_dict(state, strict=True)
    batch = read_safetensors(input_path)
    images, labels = batch["images"], batch["labels"]
    out = {"logits": model(images)}
    if len(sys.argv) > 6 and sys.argv[6] == "grads":
        for n, p in model.named_parameters():
            p.requires_grad_(is_trainable(n, kind))
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        out["loss"] = loss.detach().reshape(1)
        for n, p in model.named_parameters():
            if p.requires_grad:
                out["grad." + n] = p.grad
    elif len(sys.argv) > 6:
        lr, wd = float(sys.argv[6]), float(sys.argv[7])
        trainable = [(n, p) for n, p in model.named_parameters() if is_trainable(n, kind)]
        for n, p in model.named_parameters():
            p.requires_grad_(is_trainable(n, kind))
        optimizer = torch.optim.AdamW([p for _, p in trainable], lr=lr, weight_decay=wd)
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        out["loss"] = loss.detach().reshape(1)
        for n, p in trainable:
            out[n] = p
    write_safetensors(out_path, out)


if __name__ == "__main__":
    main()
