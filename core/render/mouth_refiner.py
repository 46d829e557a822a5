"""The mouth stage of the learned photo renderer: teeth and the mouth interior at 2× density.

After the face refinement (core.render.neural_renderer.FaceRefiner) the open mouth is
re-painted from its own crop (core.render.mouth_crop: centred and levelled on the
lips, the mouth 64 crop pixels wide) by MouthNet, a small U-Net: input the refined
frame's mouth crop (RGB) and a drawing of the target lips (2 channels); output an RGB
residual and a blend mask, applied **only inside the inner-lip opening**.

Weights: weights/renderer/mouth_refiner.pt (sha256 sidecar, ``weights_only=True``).
The stage is optional: without its weights, or with damaged ones, the renderer works as
before (FaceRefiner alone) and ``MouthModel.load_optional`` says why in one line.
"""

from __future__ import annotations

import pickle
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from core.errors import ModelWeightsError
from core.render.mouth_crop import (LIPS, MOUTH_CROP_SIZE, OUTER_LIP_COUNT, extract_mouth_from_frame, mouth_box,
                                    mouth_drawing, paste_mouth)
from core.render.neural_net import SeparableUNet, refine
from core.weights_file import load_checked_model
from core.weights_location import shipped_weights

MOUTH_WEIGHTS_NAME = "mouth_refiner.pt"
DEFAULT_MOUTH_WEIGHTS = shipped_weights("renderer", MOUTH_WEIGHTS_NAME)
MOUTH_INPUT_CHANNELS = 5  # refined crop RGB + lips drawing (2)
FULL_COLOUR_SPREAD = 12.0  # grey levels of median channel spread (max − min) from which a crop counts as colour
HUE_MARGIN = 4.0  # grey levels green or blue may exceed red inside the mouth beyond what the crop's skin shows


@dataclass(frozen=True)
class MouthNetConfig:
    """Widths at ½, ¼ and ⅛ of the crop and blocks per scale; ``head`` channels at full size."""

    widths: tuple[int, int, int] = (16, 32, 64)
    blocks: tuple[int, int, int] = (1, 2, 2)
    head: int = 8

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @staticmethod
    def from_dict(values: dict) -> MouthNetConfig:
        return MouthNetConfig(tuple(values["widths"]), tuple(values["blocks"]), int(values["head"]))


class MouthNet(SeparableUNet):
    """x: B×5×h×w in 0..1 → (residual B×3×h×w in −1..1, mask B×1×h×w in 0..1); h, w divisible by 8.

    A stride-2 stem and depthwise-separable blocks keep it cheap; the last 3×3 conv sees the
    full-size input again, so edges (teeth, the inner lip line) can be placed to the pixel."""

    def __init__(self, config: MouthNetConfig = MouthNetConfig()):
        super().__init__(MOUTH_INPUT_CHANNELS, config.widths, config.blocks)
        self.config = config
        self.up1 = nn.Conv2d(config.widths[0], config.head * 4, 1)
        self.head = nn.Conv2d(config.head + MOUTH_INPUT_CHANNELS, 4, 3, padding=1)
        nn.init.zeros_(self.head.weight)  # starts as "no change"
        nn.init.constant_(self.head.bias, 0.0)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        full = F.relu(F.pixel_shuffle(self.up1(self.decoded(x)), 2))
        out = self.head(torch.cat([full, x], 1))
        return torch.tanh(out[:, :3]), torch.sigmoid(out[:, 3:4] + 2.0)


def match_colourfulness(correction: np.ndarray, crop: np.ndarray) -> np.ndarray:
    """``correction`` with its colour (each channel minus their mean) scaled by how colourful the crop is.

    The net learned from colour video: on a black-and-white photo it would paint green or red
    specks into the mouth. A grey crop gets a grey correction; a colour photo keeps it whole."""
    spread = float(np.median(crop.max(axis=-1).astype(np.int16) - crop.min(axis=-1)))
    colour = min(1.0, spread / FULL_COLOUR_SPREAD)
    if colour >= 1.0:
        return correction
    grey = correction.mean(axis=-1, keepdims=True)
    return (grey + colour * (correction - grey)).astype(np.float32)


def keep_mouth_hues(correction: np.ndarray, crop: np.ndarray) -> np.ndarray:
    """``correction`` such that crop + it is nowhere greener or bluer (relative to red) than the
    crop's own skin allows: a mouth holds white-to-yellow teeth, red gums and tongue, dark
    shadow — never cyan or green. On paintings out of the training data (a warm, saturated
    palette) the net's teeth otherwise came out teal."""
    out = crop.astype(np.float32) + correction
    skin = crop.astype(np.float32)
    for channel in (1, 2):
        allowance = max(0.0, float(np.median(skin[..., channel] - skin[..., 0]))) + HUE_MARGIN
        excess = np.maximum(out[..., channel] - out[..., 0] - allowance, 0.0)
        out[..., channel] -= excess
    return (out - skin).astype(np.float32)


def mouth_input(crop: np.ndarray, drawing: np.ndarray) -> torch.Tensor:
    """1×5×h×w float tensor from an h×w×3 uint8 crop and its h×w×2 drawing."""
    x = np.concatenate([crop, drawing], axis=-1)
    return torch.from_numpy(x).permute(2, 0, 1)[None].float().div_(255.0)


@dataclass
class MouthModel:
    """Loaded MouthNet and its crop size (width, height)."""

    net: MouthNet
    size: tuple[int, int] = MOUTH_CROP_SIZE

    @staticmethod
    def load(path: Path | None = None) -> MouthModel:
        """Checked weights (default: the shipped ones); ModelWeightsError when missing or damaged."""
        path = Path(path or DEFAULT_MOUTH_WEIGHTS)
        try:
            net, checkpoint = load_checked_model(
                path, "Mouth renderer weights", "train them with: python -m core.training.train_mouth_refiner",
                lambda ckpt: MouthNet(MouthNetConfig.from_dict(ckpt["config"])))
            size = tuple(int(v) for v in checkpoint["crop_size"])
        except (pickle.UnpicklingError, EOFError, KeyError, OSError, TypeError, ValueError) as err:
            raise ModelWeightsError(f"Mouth renderer weights at {path} cannot be read ({err})") from None
        net.eval()
        return MouthModel(net, (size[0], size[1]))

    @staticmethod
    def load_optional(path: Path | None = None) -> tuple[MouthModel | None, str | None]:
        """(model, None), or (None, a one-line note) when the mouth weights are missing or damaged:
        the renderer then refines the face without the mouth stage, as before it existed."""
        try:
            return MouthModel.load(path), None
        except ModelWeightsError as err:
            return None, f"mouth stage off ({err}); the face refinement still runs"

    @torch.no_grad()
    def correction(self, crop: np.ndarray, drawing: np.ndarray) -> np.ndarray:
        """h×w×3 float32: mask·residual in grey levels (clamped so crop + it stays in 0..255),
        no more colourful than the crop (see ``match_colourfulness``)."""
        x = mouth_input(crop, drawing)
        residual, mask = self.net(x)
        change = refine(x[:, :3], residual, mask) - x[:, :3]
        correction = match_colourfulness(change[0].permute(1, 2, 0).numpy() * np.float32(255.0), crop)
        return keep_mouth_hues(correction, crop)

    def refine(self, frame: np.ndarray, rig_out: np.ndarray, strength: float = 1.0, in_place: bool = False) -> np.ndarray:
        """``frame`` (H×W×C uint8) with its mouth opening repainted; ``rig_out``: 98×2 in frame pixels;
        ``strength`` 0..1 scales the change (0: the frame itself, untouched); ``in_place``: into ``frame``."""
        if strength <= 0:
            return frame
        box = mouth_box(rig_out)
        crop = extract_mouth_from_frame(frame, box, self.size)
        lips = box.points_to_crop(rig_out[LIPS], self.size)
        correction = self.correction(crop, mouth_drawing(lips, self.size))
        return paste_mouth(frame, box, correction, np.asarray(rig_out, np.float64)[LIPS][OUTER_LIP_COUNT:], strength,
                           in_place)
