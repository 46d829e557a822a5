"""Blinks in the drawn style: a lid curve in the drawing's line colour over the skin colour.

Anime and cartoon eyes are big, outlined shapes; warping the lid down smears the
iris and doubles the lash stroke. An animator closes such an eye by painting it over
with skin and drawing one curved line where the lid now is. So per eye and frame:

- the blink amount is the motion's lid opening against the rest opening;
- the part of the eye above the current lid — from the open lid raised past its
  lash stroke down to the current lid — is covered with the skin plate (the portrait
  with its eyes painted out, warped like the frame);
- a tapered lid line in the lash colour and thickness runs along the current lid.
  Closed, it lies on the lower lid: the familiar single curved line.

Everything fades in over the first ``FADE_IN`` of the blink, so the original lash
stroke hands over to the drawn one without a one-frame pop.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.landmarks.face_landmarks import EYE_CORNERS, LID_POINTS, RIG_LOWER_LIDS, RIG_UPPER_LIDS

FADE_IN = 0.08  # share of a blink over which the drawn lid fades in
SIDE_MARGIN = 0.12  # the cover reaches this share of the eye width beyond each corner


@dataclass(frozen=True)
class EyeLook:
    """One eye's lash stroke, measured once at rest (image px)."""

    rise: float  # how far the drawn lid line reaches above the upper-lid landmarks
    line_width: float  # the lash stroke's thickness
    colour: np.ndarray  # RGB 0..255
    skin: np.ndarray  # RGB 0..255 of the lid skin above the lash stroke
    fall: np.ndarray = field(default_factory=lambda: np.zeros(LID_POINTS + 2))  # drawn eye bottom below the
    # lower-lid landmarks, px per lid point (big anime eyes: the landmarks often sit inside the eye)


def shut_line(rig: np.ndarray, eye: int, look: EyeLook) -> np.ndarray:
    """Where a shut lid lies (9×2): the lower lid, lowered onto the drawn bottom of the eye."""
    upper, lower = lid_curves(rig, eye)
    axis = (upper[-1] - upper[0]) / max(float(np.linalg.norm(upper[-1] - upper[0])), 1e-6)
    return lower + look.fall[:, None] * np.array([-axis[1], axis[0]])


def lid_curves(rig: np.ndarray, eye: int) -> tuple[np.ndarray, np.ndarray]:
    """(upper, lower) lid polylines corner → corner (9×2) of one eye."""
    c0, c1 = rig[EYE_CORNERS[eye][0]], rig[EYE_CORNERS[eye][1]]
    upper = rig[RIG_UPPER_LIDS].reshape(2, LID_POINTS, 2)[eye]
    lower = rig[RIG_LOWER_LIDS].reshape(2, LID_POINTS, 2)[eye]
    return np.vstack([c0, upper, c1]), np.vstack([c0, lower, c1])


def lid_opening(rig: np.ndarray, eye: int) -> float:
    """Mean gap between the interior upper and lower lid points."""
    upper, lower = lid_curves(rig, eye)
    return float(np.mean(np.linalg.norm(lower[1:-1] - upper[1:-1], axis=1)))


def blink_amount(rig: np.ndarray, rest: np.ndarray, eye: int) -> float:
    """0 open as at rest … 1 shut, from the motion's lids."""
    return float(np.clip(1.0 - lid_opening(rig, eye) / max(lid_opening(rest, eye), 1e-6), 0.0, 1.0))


@dataclass(frozen=True)
class LidGeometry:
    """One eye's cover polygon and lid line in output pixels, and how much to show."""

    cover: np.ndarray  # polygon
    line: np.ndarray  # polyline
    alpha: float


def lid_geometry(still: np.ndarray, amount: float, eye: int, look: EyeLook, scale: float) -> LidGeometry:
    """Cover and lid line for a blink ``amount`` on the ``still`` rig (rest carried with the head)."""
    upper, _ = lid_curves(still, eye)
    lower = shut_line(still, eye, look)
    width = float(np.linalg.norm(upper[-1] - upper[0]))
    axis = (upper[-1] - upper[0]) / max(width, 1e-6)
    normal = np.array([-axis[1], axis[0]])
    eased = amount * amount * (3 - 2 * amount)  # the lid accelerates and lands softly
    # The drawn lid starts on the drawing's own lash stroke (above the landmarks), so the
    # hand-over from the original stroke never shows two lines.
    stroke = upper - max(look.rise - 0.5 * look.line_width, 0.0) * normal
    current = stroke + eased * (lower - stroke)
    raised = upper - raise_above(look, width) * normal
    side = SIDE_MARGIN * width
    spread = np.linspace(-1.0, 1.0, len(upper))[:, None] * axis * side
    top = raised + spread
    bottom = current + spread - 0.5 * look.line_width * normal * (1 - eased)
    cover = np.concatenate([top, bottom[::-1]])
    line = current + np.linspace(-1.0, 1.0, len(upper))[:, None] * axis * 0.5 * side
    return LidGeometry((cover + 0.5) * scale - 0.5, (line + 0.5) * scale - 0.5,
                       float(np.clip(amount / FADE_IN, 0.0, 1.0)))


def eye_cover_at_rest(rest: np.ndarray, eye: int, look: EyeLook) -> np.ndarray:
    """The whole region a blink may cover, at rest (image px): what the skin plate paints out."""
    upper, _ = lid_curves(rest, eye)
    lower = shut_line(rest, eye, look)
    width = float(np.linalg.norm(upper[-1] - upper[0]))
    axis = (upper[-1] - upper[0]) / max(width, 1e-6)
    normal = np.array([-axis[1], axis[0]])
    spread = np.linspace(-1.0, 1.0, len(upper))[:, None] * axis * SIDE_MARGIN * width
    top = upper - raise_above(look, width) * normal + spread
    bottom = lower + (look.line_width + 0.05 * width) * normal + spread  # the lower lash line too
    return np.concatenate([top, bottom[::-1]])


def raise_above(look: EyeLook, eye_width: float) -> float:
    """How far above the upper-lid landmarks the cover reaches: past the whole lash stroke."""
    return look.rise + 1.5 * look.line_width + 0.1 * eye_width
