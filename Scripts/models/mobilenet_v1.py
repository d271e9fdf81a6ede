"""MobileNet v1 (Howard et al., 2017): a stack of depthwise-separable
convolutions with BatchNorm and ReLU6, global average pooling, a linear
classifier and a softmax head. Used as a test model for the engine."""
import torch
from torch import nn


def _conv_bn(inputs, outputs, stride, groups=1, kernel=3):
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU6(inplace=True),
    )


class MobileNetV1(nn.Module):
    # (output channels, stride) of each depthwise-separable block
    BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
              (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]

    def __init__(self, num_classes=1000, width=1.0):
        super().__init__()
        channels = int(32 * width)
        layers = [_conv_bn(3, channels, 2)]
        for outputs, stride in self.BLOCKS:
            outputs = int(outputs * width)
            layers.append(_conv_bn(channels, channels, stride, groups=channels))
            layers.append(_conv_bn(channels, outputs, 1, kernel=1))
            channels = outputs
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, num_classes)

    def forward(self, x):
        x = self.pool(self.features(x)).flatten(1)
        return torch.softmax(self.classifier(x), dim=1)
