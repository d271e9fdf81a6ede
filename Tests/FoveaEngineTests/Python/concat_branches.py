"""A small network whose concats exercise every way the engine assembles
them: in place with a source that is not a convolution (a pooling branch),
channel offsets off the 8-channel block grid (the concat primitive's
fallback), and a three-way concat followed by a channel shuffle."""
import torch
from torch import nn


def branch(inputs, outputs, kernel):
    return nn.Sequential(nn.Conv2d(inputs, outputs, kernel, padding=kernel // 2), nn.ReLU())


class ConcatBranches(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = branch(3, 16, 3)
        self.aligned = nn.ModuleList([branch(16, 8, 1), nn.MaxPool2d(3, 1, 1), branch(16, 24, 3)])
        self.unaligned = nn.ModuleList([branch(48, 5, 1), branch(48, 11, 3)])
        self.shuffled = nn.ModuleList([branch(16, 12, 1), branch(16, 12, 3), branch(16, 12, 1)])
        self.head = nn.Linear(36, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(self.stem(x), 4)
        x = torch.cat([module(x) for module in self.aligned], 1)
        x = torch.cat([module(x) for module in self.unaligned], 1)
        x = torch.cat([module(x) for module in self.shuffled], 1)
        batch, channels, height, width = x.size()
        x = x.view(batch, 3, channels // 3, height, width).transpose(1, 2).contiguous().view(batch, channels, height, width)
        return self.head(x.mean([2, 3]))
