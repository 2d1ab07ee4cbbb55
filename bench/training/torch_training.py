"""The PyTorch side of bench/training.sh: the same ViT + LoRA training step as `fedtransfer bench-training`.

The model is the reference ViT the parity tests use (tests/FedTransfer.Models.Tests/Assets/vit_reference.py), adapted the
PEFT way; the step is forward, cross-entropy, backward, grad-norm clip 1.0, AdamW on LoRA + head, loss.item() and the
count of correct predictions, as ours does. Prints samples_per_s=N.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from step_timing import adamw_step, step_arguments, time_steps  # noqa: E402
import vit_reference as ref  # noqa: E402


def main():
    args = step_arguments(64, 100, 10, adapter="lora:r=8,alpha=16,targets=attn.qkv|mlp.fc1")
    config = dict(image_size=28, channels=1, patch_size=7, dim=64, depth=4, heads=4, mlp_ratio=2.0, classes=5)
    model = ref.VisionTransformer(config)
    kind = ref.attach(model, config, args.adapter)
    for name, p in model.named_parameters():
        if name.endswith("lora_a"):
            torch.nn.init.kaiming_uniform_(p, a=5 ** 0.5)
        p.requires_grad_(ref.is_trainable(name, kind))
    params = [p for p in model.parameters() if p.requires_grad]
    images = torch.randn(args.batch_size, 1, 28, 28)
    labels = torch.arange(args.batch_size) % 5
    step = adamw_step(model, params, images, labels)

    model.train()
    time_steps("vit", step, args.warmup, args.steps, args.batch_size)


if __name__ == "__main__":
    main()
