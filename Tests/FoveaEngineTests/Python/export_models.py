"""Exports the engine's test models to ONNX with random weights and
non-trivial BatchNorm statistics (no weight downloads).

usage: export_models.py OUT_DIR NAME [NAME ...]
Writes OUT_DIR/NAME.onnx; existing files are kept. NAME is a torchvision
model, one of the networks defined beside this script or in Scripts/models,
or `timm_` and a PyTorch Image Models architecture (e.g.
timm_efficientnet_b0), exported at its default input size.
"""
import os
import sys

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "Scripts"))
from models.mobilenet_v1 import MobileNetV1  # noqa: E402
from models.parnet import parnet_s  # noqa: E402
from concat_branches import ConcatBranches  # noqa: E402
from conv3x3_cases import Conv3x3Cases  # noqa: E402
from depthwise_pairs import DepthwisePairs  # noqa: E402
import kernel_patterns  # noqa: E402


def build(name):
    if name == "mobilenet_v1":
        return MobileNetV1()
    if name == "parnet_s":
        return parnet_s()
    if name == "concat_branches":
        return ConcatBranches()
    if name == "conv3x3_cases":
        return Conv3x3Cases()
    if name == "depthwise_pairs":
        return DepthwisePairs()
    if name in kernel_patterns.NAMES:
        return kernel_patterns.build(name)
    if name.startswith("timm_"):
        import timm
        return timm.create_model(name[len("timm_"):], pretrained=False)
    if name == "resnet18_transfer":
        model = torchvision.models.resnet18()
        model.fc = torch.nn.Linear(model.fc.in_features, 5)
        return model
    return getattr(torchvision.models, name)()


def randomize_batchnorm(model, generator):
    for module in model.modules():
        if isinstance(module, torch.nn.modules.batchnorm._BatchNorm):
            channels = module.num_features
            module.running_mean.copy_(torch.randn(channels, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(channels, generator=generator) * 0.5 + 0.75)
            module.weight.data.copy_(torch.rand(channels, generator=generator) * 0.5 + 0.75)
            module.bias.data.copy_(torch.randn(channels, generator=generator) * 0.1)


def main():
    out_dir, names = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        path = os.path.join(out_dir, f"{name}.onnx")
        if os.path.exists(path):
            continue
        torch.manual_seed(0)
        generator = torch.Generator().manual_seed(1)
        model = build(name)
        with torch.no_grad():
            randomize_batchnorm(model, generator)
        model.eval()
        size = model.default_cfg["input_size"][1:] if name.startswith("timm_") else (224, 224)
        example = torch.randn(1, 3, *size)
        temporary = path + ".partial"
        torch.onnx.export(model, example, temporary, opset_version=13, input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        os.replace(temporary, path)


if __name__ == "__main__":
    main()
