"""A mouth drawn as vector shapes in the drawing's own line colour and weight.

A tiny drawn mouth cannot be stretched open: its line smears and a dark slab
appears. The drawn style instead reads three numbers from the motion's lip points
per frame — how open (the inner-lip gap), how wide (corner to corner) and how
round (narrower than at rest) — plus the smile of the corners, and draws the mouth
the way an animator would: a closed line; an open lens-to-oval shape with a dark
interior, a tongue low in it and a band of upper teeth when wide enough. The mouth
sits on the rest mouth carried rigidly with the head (the jaw does not move), so the
drawing's chin and cheeks never deform.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.landmarks.face_landmarks import INNER_LIP_PAIRS
from core.render.vector_canvas import Coverage, Region, mix

SAMPLES = 25
MAX_OPEN = 0.85  # mouth height / width at most (a cartoon's widest "AA")
# Drawn mouths open wider than filmed ones (the motion's open vowels reach ~0.2 of the mouth
# width; a cartoon's read at ~0.4): the animator's exaggeration.
OPEN_GAIN = 1.8
TEETH_FROM = 2.5  # line weights of opening before upper teeth show


@dataclass(frozen=True)
class MouthShape:
    """One frame's mouth in output pixels: where (centre, axis) and how (size, rounding, smile)."""

    centre: np.ndarray  # 2, the middle of the closed mouth line
    axis: np.ndarray  # 2, unit vector from left to right corner (head roll)
    width: float  # corner to corner
    opening: float  # inner gap
    rounding: float  # 0 wide .. 1 round (an "OO")
    smile: float  # corner lift / width (> 0: corners up)

    @property
    def normal(self) -> np.ndarray:
        """Unit vector pointing down the face."""
        return np.array([-self.axis[1], self.axis[0]])

    def to_frame(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Local mouth coordinates (x along the axis, y down) → output pixels (N×2)."""
        return self.centre + x[:, None] * self.axis + y[:, None] * self.normal


def inner_gap(rig: np.ndarray) -> float:
    """Mean distance between facing inner-lip points (pixels of ``rig``)."""
    return float(np.mean([np.linalg.norm(rig[low] - rig[up]) for up, low in INNER_LIP_PAIRS]))


def mouth_shape(still: np.ndarray, rig: np.ndarray, rest: np.ndarray, scale: float) -> MouthShape:
    """The frame's mouth: placed on the ``still`` rig (rest carried with the head), sized by ``rig``.

    ``rest`` is the portrait's rig; ``scale`` converts rig pixels to output pixels."""
    left, right = still[48], still[54]
    axis = (right - left) / max(float(np.linalg.norm(right - left)), 1e-6)
    normal = np.array([-axis[1], axis[0]])
    line_mid = 0.5 * (still[62] + still[66])  # where the lips meet at rest
    centre = (0.5 * (left + right) + line_mid) / 2
    rest_width = float(np.linalg.norm(rest[54] - rest[48]))
    width_now = float(np.linalg.norm(rig[54] - rig[48]))
    width = float(np.clip(width_now, 0.6 * rest_width, 1.3 * rest_width))
    # The drawing's own smile, plus the motion's corners rising (an opening mouth does not smile).
    rest_smile = ((line_mid - 0.5 * (left + right)) @ normal) / max(float(np.linalg.norm(right - left)), 1e-6)
    rise = ((0.5 * (left + right) - 0.5 * (rig[48] + rig[54])) @ normal) / max(rest_width, 1e-6)
    smile = float(np.clip(rest_smile + rise, -0.12, 0.2))
    # The open mouth stays clear of the drawn chin (its lower edge drops 3/4 of the opening).
    room = ((still[8] - centre) @ normal - 0.1 * rest_width) / 0.75
    opening = float(np.clip(OPEN_GAIN * inner_gap(rig), 0.0, max(0.0, min(MAX_OPEN * width, room))))
    rounding = float(np.clip((1.0 - width_now / max(rest_width, 1e-6)) / 0.22, 0.0, 1.0))
    return MouthShape((centre + 0.5) * scale - 0.5, axis, width * scale, opening * scale, rounding, smile)


def mouth_outline(shape: MouthShape, line_weight: float) -> tuple[np.ndarray, np.ndarray]:
    """(upper edge, lower edge), each SAMPLES×2 output px left → right; equal when closed."""
    t = np.linspace(-1.0, 1.0, SAMPLES)
    half = 0.5 * shape.width * (1.0 - 0.25 * shape.rounding)
    power = 1.5 + 0.8 * shape.rounding  # lens-like when wide, oval when round
    profile = np.clip(1.0 - np.abs(t) ** power, 0.0, 1.0) ** (1.0 / power)
    baseline = shape.smile * shape.width * (1.0 - t**2) - 0.5 * shape.smile * shape.width
    # Under one line weight of opening the lips read as closed: no sliver of interior.
    height = max(0.0, shape.opening - 0.5 * line_weight)
    upper = baseline - 0.25 * height * profile
    lower = baseline + 0.75 * height * profile
    x = half * t
    return shape.to_frame(x, upper), shape.to_frame(x, lower)


@dataclass(frozen=True)
class MouthColours:
    """RGB floats 0..255 of the drawn mouth's parts."""

    line: np.ndarray
    interior: np.ndarray
    tongue: np.ndarray
    teeth: np.ndarray

    @staticmethod
    def from_line(line: np.ndarray, chroma: float) -> MouthColours:
        """Interior, tongue and teeth that go with a line colour (greyed as far as the drawing is)."""
        def tone(rgb) -> np.ndarray:
            rgb = np.asarray(rgb, np.float64)
            grey = rgb @ np.array([0.299, 0.587, 0.114])
            return grey + chroma * (rgb - grey)

        interior = 0.5 * np.asarray(line, np.float64) + 0.5 * tone((95, 28, 36))
        return MouthColours(np.asarray(line, np.float64), interior, tone((214, 108, 116)), tone((250, 248, 242)))


def draw_mouth(frame: np.ndarray, region: Region, shape: MouthShape, colours: MouthColours,
               line_weight: float, alpha: float) -> None:
    """Draw the mouth into ``frame`` (the region's H×W×3 float copy) with overall ``alpha``."""
    coverage = Coverage(region)
    upper, lower = mouth_outline(shape, line_weight)
    polygon = np.concatenate([upper, lower[::-1]])
    height = float(np.max(np.linalg.norm(lower - upper, axis=1)))
    if height > 0.5:
        interior = coverage.fill(polygon)
        mix(frame, colours.interior, alpha * interior)
        tongue = _tongue(shape, upper, lower, height)
        mix(frame, colours.tongue, alpha * interior * coverage.fill(tongue) * min(1.0, height / (3 * line_weight)))
        if height > TEETH_FROM * line_weight:
            teeth = _teeth(shape, upper, height)
            show = min(1.0, (height - TEETH_FROM * line_weight) / line_weight)
            mix(frame, colours.teeth, alpha * show * interior * coverage.fill(teeth))
        line = coverage.stroke(polygon, line_weight, closed=True)
    else:
        line = coverage.tapered(upper, line_weight)
    mix(frame, colours.line, alpha * line)


def _tongue(shape: MouthShape, upper: np.ndarray, lower: np.ndarray, height: float) -> np.ndarray:
    """An ellipse resting on the lower edge, clipped by the interior when drawn."""
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    bottom = lower[SAMPLES // 2]
    half_w = 0.3 * shape.width * (1 - 0.4 * shape.rounding)
    half_h = 0.32 * height
    local_x, local_y = half_w * np.cos(angles), half_h * np.sin(angles) - 0.45 * half_h
    return bottom + local_x[:, None] * shape.axis + local_y[:, None] * shape.normal


def _teeth(shape: MouthShape, upper: np.ndarray, height: float) -> np.ndarray:
    """A band under the upper edge, across the middle two thirds."""
    keep = slice(SAMPLES // 6, SAMPLES - SAMPLES // 6)
    band = min(0.22 * height, 0.12 * shape.width)
    top = upper[keep] - 2.0 * shape.normal  # tucked under the line, no gap of interior above
    return np.concatenate([top, (upper[keep] + band * shape.normal)[::-1]])
