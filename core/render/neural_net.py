"""RefineNet: the small convolutional network of the learned photo renderer.

warped crop RGB + portrait crop RGB + landmark drawing (3) = 9 channels, n×n
→ RGB residual (added to the warped crop) + blend mask, n×n.

Shaped for a 2-core CPU (see ../shared/research/RENDERER_BUDGET.md): a stride-2
stem so no block runs at full resolution, depthwise-separable residual blocks at
three scales with skip connections, and a pixel-shuffle head back to full size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

INPUT_CHANNELS = 9


@dataclass(frozen=True)
class RefineNetConfig:
    """Widths of the three scales (n/2, n/4, n/8) and blocks per scale."""

    widths: tuple[int, int, int] = (32, 64, 96)
    blocks: tuple[int, int, int] = (1, 2, 3)

    def to_dict(self) -> dict:
        return {k: list(v) for k, v in asdict(self).items()}

    @staticmethod
    def from_dict(values: dict) -> RefineNetConfig:
        return RefineNetConfig(widths=tuple(values["widths"]), blocks=tuple(values["blocks"]))


class SeparableBlock(nn.Module):
    """Residual block: 3×3 depthwise → 1×1 expand → 1×1 project (inverted bottleneck)."""

    def __init__(self, channels: int, expand: int = 2):
        super().__init__()
        self.depthwise = nn.Conv2d(channels, channels, 3, padding=1, groups=channels)
        self.expand = nn.Conv2d(channels, channels * expand, 1)
        self.project = nn.Conv2d(channels * expand, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.project(F.relu(self.expand(self.depthwise(x))))


def _stage(channels: int, blocks: int) -> nn.Sequential:
    return nn.Sequential(*[SeparableBlock(channels) for _ in range(blocks)])


class SeparableUNet(nn.Module):
    """The encoder–decoder both renderer nets share (RefineNet, the mouth stage's MouthNet): a
    stride-2 stem, three stages of depthwise-separable blocks at 1/2, 1/4 and 1/8 size, and a
    pixel-shuffle decoder back to half size with skips. ``decoded(x)`` gives the half-size
    features; each net adds its own head. (Attribute names are the checkpoints' keys.)"""

    def __init__(self, in_channels: int, widths: tuple[int, int, int], blocks: tuple[int, int, int]):
        super().__init__()
        w1, w2, w3 = widths
        b1, b2, b3 = blocks
        self.stem = nn.Conv2d(in_channels, w1, 4, stride=2, padding=1)
        self.stage1 = _stage(w1, b1)
        self.down2 = nn.Conv2d(w1, w2, 3, stride=2, padding=1)
        self.stage2 = _stage(w2, b2)
        self.down3 = nn.Conv2d(w2, w3, 3, stride=2, padding=1)
        self.stage3 = _stage(w3, b3)
        self.up3 = nn.Conv2d(w3, w2 * 4, 1)
        self.merge2 = nn.Conv2d(w2 * 2, w2, 1)
        self.up_stage2 = _stage(w2, 1)
        self.up2 = nn.Conv2d(w2, w1 * 4, 1)
        self.merge1 = nn.Conv2d(w1 * 2, w1, 1)
        self.up_stage1 = _stage(w1, 1)

    def decoded(self, x: torch.Tensor) -> torch.Tensor:
        """B×widths[0]×(h/2)×(w/2) features of the input."""
        s1 = self.stage1(F.relu(self.stem(x)))
        s2 = self.stage2(F.relu(self.down2(s1)))
        s3 = self.stage3(F.relu(self.down3(s2)))
        u2 = F.pixel_shuffle(self.up3(s3), 2)
        u2 = self.up_stage2(F.relu(self.merge2(torch.cat([u2, s2], 1))))
        u1 = F.pixel_shuffle(self.up2(u2), 2)
        return self.up_stage1(F.relu(self.merge1(torch.cat([u1, s1], 1))))


class RefineNet(SeparableUNet):
    """x: B×9×n×n in 0..1 → (residual B×3×n×n in −1..1, mask B×1×n×n in 0..1); n divisible by 8."""

    def __init__(self, config: RefineNetConfig = RefineNetConfig()):
        super().__init__(INPUT_CHANNELS, config.widths, config.blocks)
        self.config = config
        self.head = nn.Conv2d(config.widths[0], 4 * 4, 3, padding=1)  # pixel shuffle ×2 → 4 channels
        nn.init.zeros_(self.head.weight)  # starts as "no change": the warp itself
        nn.init.constant_(self.head.bias, 0.0)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = F.pixel_shuffle(self.head(self.decoded(x)), 2)
        residual = torch.tanh(out[:, :3])
        mask = torch.sigmoid(out[:, 3:4] + 2.0)  # bias: the mask starts mostly open
        return residual, mask


def refine(warped: torch.Tensor, residual: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The refined crop: warped + mask·residual, in 0..1 (B×3×n×n)."""
    return (warped + mask * residual).clamp(0.0, 1.0)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
