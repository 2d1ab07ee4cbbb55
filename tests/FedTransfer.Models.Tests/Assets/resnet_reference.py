"""Reference ResNet (basic blocks) in plain torch.nn, named exactly like torchvision and FedTransfer.Models.NN.ResNet, so
the parity tests can load our state dict strictly and compare what PyTorch computes.

usage: resnet_reference.py CONFIG.json WEIGHTS.safetensors INPUT.safetensors OUT.safetensors
CONFIG: {"blocks": [..], "classes": N, "channels": C, "width": W}. INPUT: images, labels. In training mode (batch statistics),
OUT gets logits, loss, grad.<parameter> for every parameter, and the running statistics after the step as state.<buffer>;
then, in evaluation mode, eval_logits.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vit_reference import read_safetensors, write_safetensors  # noqa: E402


class BasicBlock(nn.Module):
    def __init__(self, cin, c, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.downsample = None
        if stride != 1 or cin != c:
            self.downsample = nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + (self.downsample(x) if self.downsample is not None else x))


class ResNet(nn.Module):
    def __init__(self, blocks, classes, channels, width):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = width
        for stage, count in enumerate(blocks):
            c = width << stage
            layers = [BasicBlock(cin if i == 0 else c, c, (1 if stage == 0 else 2) if i == 0 else 1) for i in range(count)]
            setattr(self, f"layer{stage + 1}", nn.Sequential(*layers))
            cin = c
        self.stages = len(blocks)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        for stage in range(self.stages):
            x = getattr(self, f"layer{stage + 1}")(x)
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def main():
    config_path, weights_path, input_path, out_path = sys.argv[1:5]
    with open(config_path) as f:
        config = json.load(f)
    torch.set_num_threads(1)
    model = ResNet(config["blocks"], config["classes"], config["channels"], config["width"])
    state = read_safetensors(weights_path)
    model = model.to(next(v for v in state.values() if v.is_floating_point()).dtype)
    model.load_state_dict(state, strict=True)
    batch = read_safetensors(input_path)
    images, labels = batch["images"], batch["labels"]
    model.train()
    logits = model(images)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    out = {"logits": logits, "loss": loss.detach().reshape(1)}
    for name, p in model.named_parameters():
        out["grad." + name] = p.grad
    for name, b in model.named_buffers():
        if b.is_floating_point():
            out["state." + name] = b
    model.eval()
    with torch.no_grad():
        out["eval_logits"] = model(images)
    write_safetensors(out_path, out)


if __name__ == "__main__":
    main()
