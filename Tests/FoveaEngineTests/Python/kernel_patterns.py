"""Small networks, one per layer pattern that oneDNN 2.6 runs only on a
reference kernel, or on a slow plain-layout one, when the engine takes its
first choice: the squeeze-and-excitation gate (a blocked activation times
a per-channel vector), grouped convolutions whose groups are narrower than
a channel block, per-channel scales and shifts written as Mul/Add with a
[C,1,1] constant (how older exporters spell BatchNormalization), a 5×5
depthwise convolution with stride 2, padding exported as its own Pad
node before a pooling or a convolution, MixNet's mixed convolutions
(channel parts with convolutions of their own, concatenated), and
ShuffleNet v1's grouped pointwise convolutions (a generic kernel, not the
pointwise one, on AVX2); and max poolings, which Fovea computes itself on
channel-blocked activations.

`build(name)` returns the network for a name of `NAMES`.
"""
import torch
from torch import nn


class SqueezeExcitation(nn.Module):
    """EfficientNet's SE block (spatial mean, two 1×1 convolutions, a
    sigmoid gate) or MobileNetV3's (global average pooling, ReLU,
    hard-sigmoid gate)."""

    def __init__(self, channels, squeezed, mobilenet_v3):
        super().__init__()
        self.mobilenet_v3 = mobilenet_v3
        self.reduce = nn.Conv2d(channels, squeezed, 1)
        self.expand = nn.Conv2d(squeezed, channels, 1)

    def forward(self, x):
        if self.mobilenet_v3:
            s = nn.functional.adaptive_avg_pool2d(x, 1)
            s = nn.functional.hardsigmoid(self.expand(torch.relu(self.reduce(s))))
        else:
            s = x.mean((2, 3), keepdim=True)
            s = torch.sigmoid(self.expand(nn.functional.silu(self.reduce(s))))
        return x * s


class SqueezeExcitationNet(nn.Module):
    def __init__(self, mobilenet_v3):
        super().__init__()
        activation = nn.Hardswish() if mobilenet_v3 else nn.SiLU()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1), nn.BatchNorm2d(32), activation)
        self.depthwise = nn.Sequential(nn.Conv2d(32, 32, 3, 1, 1, groups=32), nn.BatchNorm2d(32), activation)
        self.gate = SqueezeExcitation(32, 8, mobilenet_v3)
        self.project = nn.Sequential(nn.Conv2d(32, 24, 1), nn.BatchNorm2d(24))
        self.expand = nn.Sequential(nn.Conv2d(24, 72, 1), nn.BatchNorm2d(72), activation)
        self.depthwise_strided = nn.Sequential(nn.Conv2d(72, 72, 5, 2, 2, groups=72), nn.BatchNorm2d(72), activation)
        self.gate_strided = SqueezeExcitation(72, 24, mobilenet_v3)
        self.head = nn.Linear(72, 10)

    def forward(self, x):
        x = self.gate(self.depthwise(self.stem(x)))
        x = self.expand(self.project(x))
        x = self.gate_strided(self.depthwise_strided(x))
        return self.head(x.mean((2, 3)))


class GroupedConvolutionNet(nn.Module):
    """3×3 and 1×1 convolutions with `width` channels per group (RegNet,
    ResNeXt, ShuffleNet v1), each followed by BatchNorm and ReLU."""

    def __init__(self, width):
        super().__init__()
        channels = 96
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, 2, 1), nn.ReLU())
        self.grouped = nn.Sequential(
            nn.Conv2d(channels, channels, 3, 1, 1, groups=channels // width, bias=False), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, 2, 1, groups=channels // width, bias=False), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.Conv2d(channels, 2 * channels, 1, groups=channels // width, bias=False), nn.BatchNorm2d(2 * channels), nn.ReLU())
        self.head = nn.Linear(2 * channels, 10)

    def forward(self, x):
        return self.head(self.grouped(self.stem(x)).mean((2, 3)))


class GroupedSqueezeExcitationNet(nn.Module):
    """RegNetY's block: a grouped 3×3 convolution of 8 channels per group,
    then a squeeze-and-excitation gate, on 48 channels and on 104 (not a
    whole number of 16-channel blocks)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 48, 3, 2, 1), nn.BatchNorm2d(48), nn.ReLU())
        self.first = nn.Sequential(nn.Conv2d(48, 48, 3, 1, 1, groups=6, bias=False), nn.BatchNorm2d(48), nn.ReLU())
        self.first_gate = SqueezeExcitation(48, 12, mobilenet_v3=False)
        self.widen = nn.Sequential(nn.Conv2d(48, 104, 1, bias=False), nn.BatchNorm2d(104), nn.ReLU())
        self.second = nn.Sequential(nn.Conv2d(104, 104, 3, 2, 1, groups=13, bias=False), nn.BatchNorm2d(104), nn.ReLU())
        self.second_gate = SqueezeExcitation(104, 12, mobilenet_v3=False)
        self.head = nn.Linear(104, 10)

    def forward(self, x):
        x = self.widen(self.first_gate(self.first(self.stem(x))))
        return self.head(self.second_gate(self.second(x)).mean((2, 3)))


class ChannelAffineNet(nn.Module):
    """Per-channel Mul and Add with [C,1,1] constants: after a convolution
    (foldable into it), after pooling and before a ReLU (DenseNet's
    pre-activation), and alone."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 3, 2, 1)
        self.conv = nn.Conv2d(32, 48, 3, 1, 1)
        self.scales = nn.ParameterList([nn.Parameter(torch.rand(c, 1, 1) + 0.5) for c in (32, 32, 48)])
        self.shifts = nn.ParameterList([nn.Parameter(torch.randn(c, 1, 1) * 0.1) for c in (32, 32, 48)])
        self.head = nn.Linear(48, 10)

    def forward(self, x):
        x = self.stem(x) * self.scales[0] + self.shifts[0]
        x = nn.functional.max_pool2d(x, 2)
        x = torch.relu(x * self.scales[1] + self.shifts[1])
        x = self.conv(x)
        x = nn.functional.avg_pool2d(x, 2) * self.scales[2]
        x = x + self.shifts[2]
        return self.head(x.mean((2, 3)))


class ExplicitPaddingNet(nn.Module):
    """Pad nodes before an average pooling that counts padding (how PyTorch
    exports `avg_pool2d(padding=1)`), a convolution without padding of its
    own, and a max pooling (padding −∞); and a pad of nothing."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, 2, 1)
        self.conv = nn.Conv2d(16, 32, 3)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        x = nn.functional.avg_pool2d(x, 3, 1, 1)
        x = self.conv(nn.functional.pad(x, (1, 1, 1, 1)))
        x = nn.functional.max_pool2d(nn.functional.pad(x, (0, 1, 0, 1), value=float("-inf")), 2)
        x = nn.functional.pad(x, (0, 0, 0, 0))
        return self.head(x.mean((2, 3)))


class ChannelSplitNet(nn.Module):
    """The channels split in two halves on a block boundary, one through a
    depthwise convolution, the other through a max pooling, the halves
    concatenated again."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 3, 2, 1)
        self.depthwise = nn.Conv2d(16, 16, 3, 1, 1, groups=16)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        first, second = torch.split(torch.relu(self.stem(x)), 16, 1)
        x = torch.cat([self.depthwise(first), nn.functional.max_pool2d(second, 3, 1, 1)], 1)
        return self.head(x.mean((2, 3)))


class MixedConvolutionNet(nn.Module):
    """MixNet's mixed convolutions: the channels split into parts, one
    convolution per part, the parts concatenated, then BatchNorm and SiLU.
    Pointwise parts of 20 channels (not a multiple of any channel block);
    depthwise parts with 3×3, 5×5 and 11×11 kernels of stride 2, the last
    padded by 5."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 40, 3, 2, 1), nn.BatchNorm2d(40), nn.SiLU())
        self.pointwise = nn.ModuleList([nn.Conv2d(20, 60, 1, bias=False) for _ in range(2)])
        self.pointwise_after = nn.Sequential(nn.BatchNorm2d(120), nn.SiLU())
        self.depthwise = nn.ModuleList([nn.Conv2d(40, 40, k, 2, k // 2, groups=40, bias=False) for k in (3, 5, 11)])
        self.depthwise_after = nn.Sequential(nn.BatchNorm2d(120), nn.SiLU())
        self.head = nn.Linear(120, 10)

    def forward(self, x):
        x = self.stem(x)
        x = torch.cat([conv(part) for conv, part in zip(self.pointwise, torch.split(x, 20, 1))], 1)
        x = self.pointwise_after(x)
        x = torch.cat([conv(part) for conv, part in zip(self.depthwise, torch.split(x, 40, 1))], 1)
        x = self.depthwise_after(x)
        return self.head(x.mean((2, 3)))


class GhostModuleNet(nn.Module):
    """GhostNet's module: a 1×1 convolution to 36 channels, a depthwise
    convolution of those, the two halves concatenated — the second half
    starts inside a channel block."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1), nn.BatchNorm2d(16), nn.ReLU())
        self.primary = nn.Sequential(nn.Conv2d(16, 36, 1, bias=False), nn.BatchNorm2d(36), nn.ReLU())
        self.cheap = nn.Sequential(nn.Conv2d(36, 36, 3, 1, 1, groups=36, bias=False), nn.BatchNorm2d(36), nn.ReLU())
        self.project = nn.Conv2d(72, 24, 1)
        self.head = nn.Linear(24, 10)

    def forward(self, x):
        primary = self.primary(self.stem(x))
        x = self.project(torch.cat([primary, self.cheap(primary)], 1))
        return self.head(x.mean((2, 3)))


class ShuffleNetV1UnitNet(nn.Module):
    """ShuffleNet v1's unit: 1×1 convolutions in 4 groups — the first of 6
    input channels per group, the others of whole channel blocks (16 → 32,
    32 → 16) — a channel shuffle, a depthwise convolution, the shortcut
    added."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 24, 3, 2, 1), nn.BatchNorm2d(24), nn.ReLU())
        self.expand = nn.Sequential(nn.Conv2d(24, 64, 1, groups=4, bias=False), nn.BatchNorm2d(64), nn.ReLU())
        self.compress = nn.Sequential(nn.Conv2d(64, 128, 1, groups=4, bias=False), nn.BatchNorm2d(128), nn.ReLU())
        self.depthwise = nn.Sequential(nn.Conv2d(128, 128, 3, 1, 1, groups=128, bias=False), nn.BatchNorm2d(128))
        self.project = nn.Sequential(nn.Conv2d(128, 64, 1, groups=4, bias=False), nn.BatchNorm2d(64))
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        x = self.expand(self.stem(x))
        y = self.compress(x)
        n, c, h, w = y.shape
        y = y.reshape(n, 4, c // 4, h, w).transpose(1, 2).reshape(n, c, h, w)
        x = torch.relu(x + self.project(self.depthwise(y)))
        return self.head(x.mean((2, 3)))


class ShuffleUnit(nn.Module):
    """A ShuffleNet v1 unit of `channels` in 4 groups with the shortcut added."""

    def __init__(self, channels):
        super().__init__()
        self.compress = nn.Sequential(nn.Conv2d(channels, channels, 1, groups=4, bias=False), nn.BatchNorm2d(channels), nn.ReLU())
        self.depthwise = nn.Sequential(nn.Conv2d(channels, channels, 3, 1, 1, groups=channels, bias=False), nn.BatchNorm2d(channels))
        self.project = nn.Sequential(nn.Conv2d(channels, channels, 1, groups=4, bias=False), nn.BatchNorm2d(channels))

    def forward(self, x):
        y = self.compress(x)
        n, c, h, w = y.shape
        y = y.reshape(n, 4, c // 4, h, w).transpose(1, 2).reshape(n, c, h, w)
        return torch.relu(x + self.project(self.depthwise(y)))


class OffBlockShuffleNet(nn.Module):
    """ShuffleNet v1's units with groups that are not whole channel blocks:
    4 groups of 34 channels (light_shufflenet's second stage; no block
    divides them), then of 24 (8-channel blocks, not 16)."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 24, 3, 2, 1), nn.BatchNorm2d(24), nn.ReLU())
        self.expand = nn.Sequential(nn.Conv2d(24, 136, 1, groups=4, bias=False), nn.BatchNorm2d(136), nn.ReLU())
        self.first = ShuffleUnit(136)
        self.narrow = nn.Sequential(nn.Conv2d(136, 96, 1, bias=False), nn.BatchNorm2d(96), nn.ReLU())
        self.second = ShuffleUnit(96)
        self.head = nn.Linear(96, 10)

    def forward(self, x):
        x = self.second(self.narrow(self.first(self.expand(self.stem(x)))))
        return self.head(x.mean((2, 3)))


class FullyConnectedHeadNet(nn.Module):
    """A classifier head as AlexNet's: a flattened activation of 14 580
    values (no whole vector) through a layer of 70 outputs with ReLU, then
    one of 10."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(3, 20, 11, 8), nn.ReLU())
        self.classifier = nn.Sequential(nn.Linear(20 * 27 * 27, 70), nn.ReLU(), nn.Linear(70, 10))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class MaxPoolingCasesNet(nn.Module):
    """Max poolings over 20 channels (the last 8-channel block half
    padding): ResNet's 3×3 stride 2 with padding 1, Caffe's 3×3 stride 2
    rounding the output size up (the last window hangs over the edge), 2×2
    stride 2, 3×3 stride 1 with padding 1 (Inception), 5×5 stride 1 with
    padding 2 (YOLO's spatial pyramid), and a 3×2 window of strides 1 and 2
    with padding on one axis, on an odd-sized image."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 20, 3, 2, 1), nn.BatchNorm2d(20))
        self.middle = nn.Conv2d(20, 20, 1)
        self.shrink = nn.Conv2d(20, 20, (2, 1))
        self.head = nn.Linear(20, 10)

    def forward(self, x):
        x = nn.functional.max_pool2d(self.stem(x), 3, 2, 1)                   # 112 → 56
        x = nn.functional.max_pool2d(x, 3, 2, ceil_mode=True)                 # 56 → 28
        x = nn.functional.max_pool2d(torch.relu(self.middle(x)), 3, 1, 1)
        x = nn.functional.max_pool2d(x, 5, 1, 2)
        x = nn.functional.max_pool2d(x, 2, 2)                                 # 28 → 14
        x = nn.functional.max_pool2d(self.shrink(x), (3, 2), (1, 2), (1, 0))  # 13×14 → 13×7
        return self.head(x.mean((2, 3)))


class SoftmaxOverBatchNet(nn.Module):
    """A softmax across the images of a batch, for which oneDNN 2.6 has
    only its reference kernel: what a plan does when nothing else exists."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, 2, 1)

    def forward(self, x):
        return torch.softmax(self.conv(x).mean((2, 3)), 0)


BUILDERS = {
    "se_reduce_mean_sigmoid": lambda: SqueezeExcitationNet(mobilenet_v3=False),
    "se_global_pool_hard_sigmoid": lambda: SqueezeExcitationNet(mobilenet_v3=True),
    "grouped_conv_width4": lambda: GroupedConvolutionNet(4),
    "grouped_conv_width8": lambda: GroupedConvolutionNet(8),
    "grouped_conv_width16": lambda: GroupedConvolutionNet(16),
    "grouped_conv_width24": lambda: GroupedConvolutionNet(24),
    "grouped_se_width8": GroupedSqueezeExcitationNet,
    "channel_affine": ChannelAffineNet,
    "explicit_padding": ExplicitPaddingNet,
    "channel_split": ChannelSplitNet,
    "mixed_convolutions": MixedConvolutionNet,
    "ghost_module": GhostModuleNet,
    "shufflenet_v1_unit": ShuffleNetV1UnitNet,
    "shufflenet_v1_off_block": OffBlockShuffleNet,
    "max_pool_cases": MaxPoolingCasesNet,
    "fully_connected_head": FullyConnectedHeadNet,
    "softmax_over_batch": SoftmaxOverBatchNet,
}
NAMES = list(BUILDERS)


def build(name):
    return BUILDERS[name]()
