"""A small network whose 3×3 convolutions cover the cases of the engine's
native kernels. Winograd F(4×4): no padding and padding 2, output sizes that
are not a multiple of the tile, a convolution without bias, a residual sum
followed by ReLU, ReLU6 and LeakyReLU epilogues. Winograd F(2×2): an odd 9×9
image. Direct kernel (the smallest images): stride 1 with a residual and
stride 2. All sit between oneDNN primitives."""
import torch
from torch import nn


class Conv3x3Cases(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=4, padding=1)
        self.unpadded = nn.Conv2d(16, 16, 3)
        self.wide_pad = nn.Conv2d(16, 32, 3, padding=2)
        self.first = nn.Conv2d(32, 32, 3, padding=1, bias=False)
        self.second = nn.Conv2d(32, 32, 3, padding=1)
        self.clipped = nn.Conv2d(32, 48, 3, padding=1)
        self.leaky = nn.Conv2d(48, 64, 3, padding=1)
        self.small = nn.Conv2d(64, 64, 3, padding=1)
        self.late = nn.Conv2d(64, 64, 3, padding=1)
        self.strided = nn.Conv2d(64, 32, 3, stride=2, padding=1)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.relu(self.stem(x))                      # 56×56, 3 input channels: oneDNN
        x = torch.relu(self.unpadded(x))                  # 54×54, Winograd
        x = self.wide_pad(x)                              # 56×56, Winograd
        x = nn.functional.max_pool2d(x, 3, stride=2)      # 27×27: edge tiles are partial
        x = torch.relu(self.second(torch.relu(self.first(x))) + x)
        x = torch.clamp(self.clipped(x), 0, 6)
        x = nn.functional.leaky_relu(self.leaky(x), 0.1)
        x = nn.functional.max_pool2d(x, 3)                # 9×9: F(2×2), partial edge tiles
        x = torch.relu(self.small(x))
        x = nn.functional.max_pool2d(x, 2)                # 4×4: direct kernel
        y = torch.relu(self.late(x) + x)
        x = torch.relu(self.strided(y))                   # 4×4 → 2×2, stride 2
        return self.head(x.mean([2, 3]))
