"""ParNet (Goyal et al., "Non-deep Networks", 2021), S-size variant: three
parallel streams of RepVGG-SSE blocks (3×3 + 1×1 convolutions plus a
skip-squeeze-excitation branch, SiLU), downsampling blocks with 2×2 average
pooling and SE gates, and fusion blocks that concatenate two streams,
shuffle channels and downsample with grouped convolutions."""
import torch
from torch import nn


def channel_shuffle(x, groups):
    n, c, h, w = x.size()
    x = x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous()
    return x.view(n, c, h, w)


class RepVGGSSE(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv3 = nn.Sequential(nn.Conv2d(channels, channels, 3, 1, 1, bias=False), nn.BatchNorm2d(channels))
        self.conv1 = nn.Sequential(nn.Conv2d(channels, channels, 1, bias=False), nn.BatchNorm2d(channels))
        self.sse_norm = nn.BatchNorm2d(channels)
        self.sse_gate = nn.Conv2d(channels, channels, 1)
        self.act = nn.SiLU()

    def forward(self, x):
        normalized = self.sse_norm(x)
        gate = torch.sigmoid(self.sse_gate(normalized.mean((2, 3), keepdim=True)))
        return self.act(self.conv3(x) + self.conv1(x) + normalized * gate)


class Downsample(nn.Module):
    def __init__(self, inputs, outputs, groups=1):
        super().__init__()
        self.pooled = nn.Sequential(nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False), nn.Conv2d(inputs, outputs, 1, groups=groups, bias=False), nn.BatchNorm2d(outputs))
        self.strided = nn.Sequential(nn.Conv2d(inputs, outputs, 3, 2, 1, groups=groups, bias=False), nn.BatchNorm2d(outputs))
        self.se = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(inputs, outputs, 1, groups=groups), nn.Sigmoid())
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act((self.pooled(x) + self.strided(x)) * self.se(x))


class Fusion(nn.Module):
    def __init__(self, inputs, outputs):
        super().__init__()
        self.down = Downsample(2 * inputs, outputs, groups=2)

    def forward(self, a, b):
        return self.down(channel_shuffle(torch.cat([a, b], 1), 2))


class ParNet(nn.Module):
    def __init__(self, widths=(64, 96, 192, 384, 1280), depth=(4, 5, 5), num_classes=1000):
        super().__init__()
        w = widths
        self.stem = nn.Sequential(Downsample(3, w[0]), Downsample(w[0], w[1]))
        self.down2 = Downsample(w[1], w[2])
        self.down3 = Downsample(w[2], w[3])
        self.stream1 = nn.Sequential(*[RepVGGSSE(w[1]) for _ in range(depth[0])], Downsample(w[1], w[2]))
        self.stream2 = nn.Sequential(*[RepVGGSSE(w[2]) for _ in range(depth[1])])
        self.stream3 = nn.Sequential(*[RepVGGSSE(w[3]) for _ in range(depth[2])])
        self.fuse12 = Fusion(w[2], w[3])
        self.fuse23 = Fusion(w[3], w[3])
        self.head = Downsample(w[3], w[4])
        self.classifier = nn.Linear(w[4], num_classes)

    def forward(self, x):
        x1 = self.stem(x)
        x2 = self.down2(x1)
        x3 = self.down3(x2)
        s1 = self.stream1(x1)
        s2 = self.stream2(x2)
        s3 = self.stream3(x3)
        fused = self.fuse23(self.fuse12(s1, s2), s3)
        return self.classifier(self.head(fused).mean((2, 3)))


def parnet_s(num_classes=1000):
    return ParNet(widths=(64, 96, 192, 384, 1280), num_classes=num_classes)
