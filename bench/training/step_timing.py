"""The training step `fedtransfer bench-training` times, and its timing, printed as the same name=value lines."""
import argparse
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

# The reference models of the parity tests (vit_reference, resnet_reference) are the models both benches time.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "FedTransfer.Models.Tests", "Assets"))


def step_arguments(batch_size, steps, warmup, adapter=None):
    """The options `fedtransfer bench-training` takes, with these defaults; sets threads and seed 0 as ours does."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--warmup", type=int, default=warmup)
    if adapter is not None:
        parser.add_argument("--adapter", default=adapter)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    return args


def adamw_step(model, params, images, labels):
    """Forward, cross-entropy, backward, grad-norm clip 1.0, AdamW (lr 1e-3, wd 0.01) on `params`, loss and correct count."""
    optimizer = torch.optim.AdamW(params, lr=1e-3, weight_decay=0.01)

    def step():
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        with torch.no_grad():
            correct = (logits.argmax(1) == labels).sum()
        return loss.item(), correct.item()

    return step


def time_steps(label, step, warmup, steps, batch_size):
    """Runs `step` warmup times untimed, then `steps` times timed; prints samples per (CPU) second and peak RSS."""
    for _ in range(warmup):
        step()
    cpu_start = time.process_time()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    print(f"pytorch {torch.__version__} ({label}): {steps} steps of batch {batch_size} in {seconds:.3f} s with {torch.get_num_threads()} thread(s)")
    print(f"samples_per_cpu_s={steps * batch_size / cpu_seconds:.1f}")
    print(f"samples_per_s={steps * batch_size / seconds:.1f}")
    # ru_maxrss is in KiB on Linux.
    print(f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}")
