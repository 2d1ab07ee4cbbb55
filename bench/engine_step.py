"""The PyTorch twin of bench/engine/Program.cs: the same ViT-shaped training step, op for op."""
import math
import sys
import time

import torch
import torch.nn.functional as F

opts = dict(a.lstrip("-").split("=", 1) for a in sys.argv[1:])
batch, dim, depth, heads = (int(opts.get(k, d)) for k, d in (("batch", 64), ("dim", 64), ("depth", 2), ("heads", 4)))
steps, warmup = int(opts.get("steps", 30)), int(opts.get("warmup", 10))
threads = int(opts.get("threads", torch.get_num_threads()))
IMAGE, PATCH, CLASSES = 28, 7, 10
tokens, head_dim = (IMAGE // PATCH) ** 2 + 1, dim // heads

torch.set_num_threads(threads)
torch.manual_seed(0)
params = []


def param(*shape):
    p = (torch.randn(*shape) * 0.02).requires_grad_(True)
    params.append(p)
    return p


def ones(n):
    p = torch.ones(n, requires_grad=True)
    params.append(p)
    return p


def zeros(n):
    p = torch.zeros(n, requires_grad=True)
    params.append(p)
    return p


patch_w, patch_b = param(dim, 1, PATCH, PATCH), zeros(dim)
cls, pos = param(1, 1, dim), param(1, tokens, dim)
blocks = [dict(ln1w=ones(dim), ln1b=zeros(dim), qkvw=param(3 * dim, dim), qkvb=zeros(3 * dim), projw=param(dim, dim),
               projb=zeros(dim), ln2w=ones(dim), ln2b=zeros(dim), fc1w=param(2 * dim, dim), fc1b=zeros(2 * dim),
               fc2w=param(dim, 2 * dim), fc2b=zeros(dim)) for _ in range(depth)]
norm_w, norm_b = ones(dim), zeros(dim)
head_w, head_b = param(CLASSES, dim), zeros(CLASSES)
optimizer = torch.optim.AdamW(params, lr=1e-3)
images = torch.randn(batch, 1, IMAGE, IMAGE)
labels = torch.randn(batch, CLASSES).argmax(1)


def step():
    optimizer.zero_grad(set_to_none=True)
    x = F.conv2d(images, patch_w, patch_b, stride=PATCH).flatten(2).transpose(1, 2)
    x = torch.cat([cls.expand(batch, -1, -1), x], 1) + pos
    for b in blocks:
        h = F.layer_norm(x, [dim], b["ln1w"], b["ln1b"])
        qkv = F.linear(h, b["qkvw"], b["qkvb"]).view(batch, tokens, 3, heads, head_dim).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q * (1.0 / math.sqrt(head_dim))).matmul(k.transpose(2, 3)).softmax(-1)
        context = attn.matmul(v).transpose(1, 2).reshape(batch, tokens, dim)
        x = x + F.linear(context, b["projw"], b["projb"])
        h = F.layer_norm(x, [dim], b["ln2w"], b["ln2b"])
        x = x + F.linear(F.gelu(F.linear(h, b["fc1w"], b["fc1b"])), b["fc2w"], b["fc2b"])
    logits = F.linear(F.layer_norm(x, [dim], norm_w, norm_b)[:, 0], head_w, head_b)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    optimizer.step()
    return loss.item()


for _ in range(warmup):
    step()
start, cpu_start = time.perf_counter(), time.process_time()
step_seconds, step_cpu_seconds = [], []
for _ in range(steps):
    t0, c0 = time.perf_counter(), time.thread_time()
    last = step()
    step_seconds.append(time.perf_counter() - t0)
    step_cpu_seconds.append(time.thread_time() - c0)
step_seconds.sort()
step_cpu_seconds.sort()
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
print(f"samples_per_second={batch * steps / seconds:.1f} best_samples_per_second={batch / step_seconds[0]:.1f} "
      f"median_step_ms={step_seconds[steps // 2] * 1000:.2f} samples_per_cpu_second={batch * steps / cpu_seconds:.1f} "
      f"best_samples_per_thread_cpu_second={batch / step_cpu_seconds[0]:.1f} median_thread_cpu_step_ms={step_cpu_seconds[steps // 2] * 1000:.2f} step_ms={seconds * 1000 / steps:.2f} loss={last:.4f} threads={torch.get_num_threads()}")
