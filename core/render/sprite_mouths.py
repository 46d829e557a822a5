"""Sprite mouth sets: a folder of mouth drawings swapped along the mouth-shape track.

The convention of 2D lip sync (Rhubarb Lip Sync, after Preston Blair): one drawing
per mouth shape, named after the shape — ``A.png`` … ``F.png`` required, ``G.png``,
``H.png`` and ``X.png`` optional (a missing one is drawn as its basic shape, exactly as
Rhubarb maps them: G → B, H → C, X → A). Other names come with a ``mouths.json``:

    {"shapes": {"A": "mbp.png", "B": "etc.png", ...},
     "anchor": [0.5, 0.5],     # the point of the image put on the mouth centre (share of w, h)
     "mouth_width": 0.62,      # the closed mouth's width as a share of the image width
     "scale": 1.0}             # extra size factor

Every drawing of a set has the same canvas size and is placed on the mouth with the
head: its anchor on the rest mouth centre carried by the head, rotated by the head's
roll, scaled so the set's mouth width matches the portrait's mouth width. The shape
per frame comes from the cue track (core.export.mouth_cues); without one (a preview)
it is read from the motion's lip shape (``MouthSet.shape_for``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from core.errors import SpaceStudioError
from core.export.mouth_cues import BASIC_OF, BASIC_SHAPES, SHAPES
from core.input_limits import load_json_text, number, read_text_limited, short_list

if TYPE_CHECKING:
    from core.render.drawn_mouth import MouthShape
    from core.render.vector_canvas import Region

MAPPING_FILE = "mouths.json"
MAX_SPRITE_SIDE = 2048


class MouthSetError(SpaceStudioError):
    """A mouth set folder that cannot be used (missing shapes, unreadable images, bad mapping)."""


@dataclass(frozen=True)
class MouthSet:
    """Premultiplied RGBA float32 drawings per shape (all nine filled in) and their placement."""

    images: dict[str, np.ndarray]
    anchor: tuple[float, float] = (0.5, 0.5)
    mouth_width: float = 0.6  # share of the image width
    scale: float = 1.0
    folder: Path = field(default=Path("."))

    def shape_for(self, shape: MouthShape) -> str:
        """A shape letter read from the motion's lips (when no cue track is given)."""
        relative = shape.opening / max(shape.width, 1e-6)
        if relative < 0.04:
            return "A"
        if shape.rounding > 0.6:
            return "F" if relative < 0.35 else "E"
        return "B" if relative < 0.15 else "C" if relative < 0.35 else "D"


def _file_for(folder: Path, stem: str) -> Path | None:
    """``stem``.png in ``folder``, any case."""
    for path in folder.iterdir():
        if path.suffix.lower() == ".png" and path.stem.upper() == stem.upper():
            return path
    return None


def _read_mapping(folder: Path) -> tuple[dict[str, str], dict]:
    path = folder / MAPPING_FILE
    if not path.is_file():
        return {s: f"{s}.png" for s in SHAPES}, {}
    try:
        data = load_json_text(read_text_limited(path))
    except (ValueError, OSError) as err:
        raise MouthSetError(f"Mouth set mapping {path} cannot be read: {err}") from None
    shapes = data.get("shapes") if isinstance(data, dict) else None
    if not isinstance(shapes, dict) or not all(isinstance(v, str) for v in shapes.values()):
        raise MouthSetError(f"Mouth set mapping {path} needs \"shapes\": {{\"A\": \"file.png\", ...}}.")
    unknown = sorted(set(shapes) - set(SHAPES))
    if unknown:
        raise MouthSetError(f"Mouth set mapping {path} names unknown shapes {short_list(unknown)}; use A-H and X.")
    return dict(shapes), data


def _load_image(path: Path) -> np.ndarray:
    from core.image_io import load_portrait

    rgba = load_portrait(path, max_side=MAX_SPRITE_SIDE).rgba.astype(np.float32)
    rgba[:, :, :3] *= rgba[:, :, 3:] / 255.0  # premultiplied: clean edges when scaled and rotated
    return rgba


def load_mouth_set(folder: str | Path) -> MouthSet:
    """Read a mouth set folder; MouthSetError names every missing drawing in one line."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MouthSetError(f"Mouth set folder '{folder}' does not exist.")
    names, settings = _read_mapping(folder)
    if settings:
        files = {s: folder / name for s, name in names.items()}
    else:
        files = {s: _file_for(folder, s) for s in names}
    found = {s: p for s, p in files.items() if p is not None and p.is_file()}
    missing = [s for s in BASIC_SHAPES if s not in found]
    if missing:
        wanted = [names.get(s, f"{s}.png") for s in missing]
        raise MouthSetError(f"Mouth set '{folder}' lacks {', '.join(wanted)} (shapes {''.join(missing)} are required; "
                            "G, H, X are optional).")
    images = {s: _load_image(p) for s, p in found.items()}
    sizes = {img.shape[:2] for img in images.values()}
    if len(sizes) > 1:
        raise MouthSetError(f"Mouth set '{folder}': all drawings must have the same size, found {short_list(sorted(sizes))}.")
    for extended, basic in BASIC_OF.items():
        images.setdefault(extended, images[basic])
    anchor = settings.get("anchor", [0.5, 0.5])
    if not (isinstance(anchor, list) and len(anchor) == 2):
        raise MouthSetError(f"Mouth set mapping in '{folder}': \"anchor\" must be [x, y] shares of the image.")
    return MouthSet(images, (number(anchor[0], "anchor x", 0, 1), number(anchor[1], "anchor y", 0, 1)),
                    number(settings.get("mouth_width", 0.6), "mouth_width", 0.01, 1.0),
                    number(settings.get("scale", 1.0), "scale", 0.1, 10.0), folder)


def sprite_transform(mouth_set: MouthSet, image_shape: tuple[int, int], centre: np.ndarray, axis: np.ndarray,
                     mouth_width: float) -> np.ndarray:
    """2×3 affine: sprite pixels → output pixels (anchor on ``centre``, x along ``axis``, sized to the mouth)."""
    height, width = image_shape
    factor = mouth_set.scale * mouth_width / max(mouth_set.mouth_width * width, 1e-6)
    anchor = np.array([mouth_set.anchor[0] * width - 0.5, mouth_set.anchor[1] * height - 0.5])
    rotation = np.array([[axis[0], -axis[1]], [axis[1], axis[0]]]) * factor
    return np.hstack([rotation, (centre - rotation @ anchor)[:, None]])


def draw_sprite(work: np.ndarray, region: Region, mouth_set: MouthSet, letter: str, shape: MouthShape,
                mouth_width: float) -> None:
    """Composite the drawing for ``letter`` over ``work`` (the region's H×W×3 float copy of the frame)."""
    image = mouth_set.images[letter if letter in mouth_set.images else BASIC_OF.get(letter, "A")]
    matrix = sprite_transform(mouth_set, image.shape[:2], shape.centre, shape.axis, mouth_width)
    factor = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    if factor < 0.5:  # strong reduction: area-average first so thin lines do not alias
        reduce = 2.0 * factor
        image = cv2.resize(image, None, fx=reduce, fy=reduce, interpolation=cv2.INTER_AREA)
        # Small-image pixel p sits at big-image pixel (p + 0.5) / reduce - 0.5.
        matrix = np.hstack([matrix[:, :2] / reduce, (matrix[:, 2] + matrix[:, :2] @ np.full(2, 0.5 / reduce - 0.5))[:, None]])
    matrix = matrix.copy()
    matrix[:, 2] -= (region.x0, region.y0)
    h, w = region.shape
    placed = cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    alpha = placed[:, :, 3:] / 255.0
    work *= 1.0 - alpha
    work += placed[:, :, :3]
