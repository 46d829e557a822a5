"""Transparent portraits flattened over a background colour or image (for mp4, which has no alpha).

Two steps, both needed for clean edges:

1. ``premultiplied``: before the warp, every pixel's colour is multiplied by its alpha.
   The warp samples the portrait with bilinear (and mip-map) filtering; on straight
   alpha it would mix the undefined colour of transparent pixels (black in most
   files, white in some) into the edge — a dark or white fringe. Premultiplied
   colour filters exactly.
2. ``flatten``: ``colour + background × (1 − alpha)``, the "over" operator for
   premultiplied colour. Everything the renderers draw inside the face is opaque,
   so their output stays valid premultiplied colour.

A background is a colour (``#808080``, ``808080``, ``128,128,128`` or a few names) or an
image file, scaled to cover the frame and centre-cropped. The default is neutral grey.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from core.errors import ImageError

DEFAULT_BACKGROUND = (128, 128, 128)
NAMED_COLOURS = {
    "grey": (128, 128, 128), "gray": (128, 128, 128), "white": (255, 255, 255), "black": (0, 0, 0),
    "green": (0, 177, 64), "blue": (0, 71, 187),  # chroma-key green and blue
}
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")
_TRIPLE = re.compile(r"(\d{1,3}),(\d{1,3}),(\d{1,3})")


@dataclass(frozen=True)
class Background:
    """A flat colour (RGB) or an image (H×W×3 uint8 RGB) to put behind transparent pixels."""

    colour: tuple[int, int, int] = DEFAULT_BACKGROUND
    image: np.ndarray | None = None
    _plates: dict = field(default_factory=dict, compare=False, repr=False)  # size → plate, made once

    def plate(self, size: tuple[int, int]) -> np.ndarray:
        """The background at an output size (w, h) as H×W×3 uint8 (read-only, reused per frame)."""
        width, height = size
        if (width, height) not in self._plates:
            if self.image is None:
                plate = np.broadcast_to(np.array(self.colour, np.uint8), (height, width, 3)).copy()
            else:
                plate = _cover(self.image, width, height)
            plate.flags.writeable = False
            self._plates[(width, height)] = plate
        return self._plates[(width, height)]


def parse_background(text: str) -> Background:
    """``--background``: a colour or an existing image file; ImageError names what was expected."""
    value = text.strip()
    if value.lower() in NAMED_COLOURS:
        return Background(NAMED_COLOURS[value.lower()])
    if (match := _HEX.fullmatch(value)) is not None:
        digits = match.group(1)
        return Background(tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4)))
    if (match := _TRIPLE.fullmatch(value.replace(" ", ""))) is not None and max(map(int, match.groups())) <= 255:
        return Background(tuple(int(v) for v in match.groups()))
    path = Path(value)
    if not path.is_file():
        raise ImageError(f"--background '{text}' is neither a colour (#RRGGBB, R,G,B, grey, white, black, green, "
                         "blue) nor an image file.")
    from core.image_io import load_portrait

    return Background(image=np.ascontiguousarray(load_portrait(path).rgba[:, :, :3]))


def _cover(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """``image`` scaled to cover width×height, centre-cropped."""
    factor = max(width / image.shape[1], height / image.shape[0])
    scaled_w, scaled_h = max(width, round(image.shape[1] * factor)), max(height, round(image.shape[0] * factor))
    interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(image, (scaled_w, scaled_h), interpolation=interpolation)
    x0, y0 = (scaled_w - width) // 2, (scaled_h - height) // 2
    return np.ascontiguousarray(scaled[y0 : y0 + height, x0 : x0 + width])


def premultiplied(rgba: np.ndarray) -> np.ndarray:
    """RGBA with colour × alpha (rounded): what the warp should filter (see module doc)."""
    if bool((rgba[:, :, 3] == 255).all()):
        return rgba
    out = rgba.copy()
    alpha = rgba[:, :, 3:].astype(np.uint16)
    out[:, :, :3] = ((rgba[:, :, :3].astype(np.uint16) * alpha + 127) // 255).astype(np.uint8)
    return out


def flatten(frame_premultiplied: np.ndarray, plate: np.ndarray) -> np.ndarray:
    """H×W×3 uint8: premultiplied RGBA ``frame`` over the opaque ``plate`` (H×W×3)."""
    rgb = frame_premultiplied[:, :, :3].astype(np.uint16)
    alpha = frame_premultiplied[:, :, 3:].astype(np.uint16)
    out = rgb + (plate.astype(np.uint16) * (255 - alpha) + 127) // 255
    return np.minimum(out, 255).astype(np.uint8)
