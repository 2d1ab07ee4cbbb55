"""The PyTorch side of bench/training.sh's conv figures: the step `fedtransfer bench-training --model resnet18` times.

A ResNet-18 (the parity tests' reference, named like torchvision) at 112x112 with a frozen backbone and a trained linear
head: forward in training mode, cross-entropy, backward, grad-norm clip 1.0, AdamW on the head, loss.item() and the count
of correct predictions, as ours does. Prints samples_per_s=N and peak_rss_mb=N (ru_maxrss of this process).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from step_timing import adamw_step, step_arguments, time_steps  # noqa: E402
import resnet_reference as ref  # noqa: E402


def main():
    args = step_arguments(16, 20, 3)
    model = ref.ResNet([2, 2, 2, 2], classes=5, channels=3, width=64)
    for name, p in model.named_parameters():
        p.requires_grad_(name.startswith("fc."))
    params = [p for p in model.parameters() if p.requires_grad]
    images = torch.randn(args.batch_size, 3, 112, 112)
    labels = torch.arange(args.batch_size) % 5
    step = adamw_step(model, params, images, labels)

    model.train()
    time_steps("resnet18", step, args.warmup, args.steps, args.batch_size)


if __name__ == "__main__":
    main()
