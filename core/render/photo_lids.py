"""How a photo's closing lid is shaped and skinned (the eyelid pass's photographic path).

A drawing's closing lid is measured colour with a crisp lid line (``eyelid_pass``). On a photo,
painting or statue that read as eyeliner drawn on the picture, so there the lid is:

- **raised over the portrait's whole dark lash margin** (``lid_raise``): the lash line, liner and
  their shadow plus a little skin are covered, so no outline of the open eye is left above the
  closed lid; toward the corners, where the margin narrows, only the lash line;
- **skinned from the lid plate** (``lid_plate``): the portrait with each eye painted over with
  the skin above it, so the lid has the portrait's own upper-lid tone and grain and *is* the
  portrait where it meets the skin above (``plate_fills`` says what is painted over,
  ``plate_sources`` where each lid vertex takes its skin);
- **edged by a soft lash line of the portrait's own lash colours** (``lash_profile``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from core.landmarks.face_landmarks import RIG_LOWER_LIDS, RIG_UPPER_LIDS
from core.render.lid_contours import local, polyline, resample, smooth
from core.render.lid_plate import EyeFill, fill_mask, lash_colours
from core.render.warp_mesh import eye_frame

if TYPE_CHECKING:
    from core.render.eyelid_pass import LidLook

MARGIN = 0.10  # the lid also covers this much skin (share of the eye width) above the lash margin
LASH_COLUMNS = 24  # lash-colour samples across each eye
FRINGE = 1.2  # the lash fringe hangs this many lash half-widths below the line (as in the shader)


def lid_raise(look: LidLook, across: np.ndarray) -> np.ndarray:
    """How far above the rest upper-lid landmarks the closing lid covers (image px) at ``across``
    (0..1, corner to corner). Near the corners only the lash line: a full-height lid there would
    end in a vertical edge. Never up to the brow: a fill held by its hairs would darken the lid."""
    full = min(look.rise + look.lash_width + MARGIN * look.eye_width, 0.5 * look.brow_gap)
    taper = np.sqrt(np.sin(np.pi * np.clip(across, 0.0, 1.0)))
    return look.lash_width + (full - look.lash_width) * taper


def plate_fills(portrait: np.ndarray, rest_rig: np.ndarray, looks: list[LidLook]) -> list[EyeFill]:
    """Per eye, what the lid plate paints over: the opening and its margin up to ``lid_raise`` + 1 px,
    and dark lash tips above that, but never up to the brow."""
    fills = []
    for eye, look in enumerate(looks):
        origin, axis, normal = eye_frame(rest_rig, eye)
        upper = smooth(polyline(rest_rig, eye, RIG_UPPER_LIDS))
        lower = smooth(polyline(rest_rig, eye, RIG_LOWER_LIDS))
        across = ((upper - origin) @ axis) / look.eye_width
        mask = fill_mask(portrait.shape[:2], upper, lower, lid_raise(look, across) + 1.0, normal)
        grow = max(0.5 * look.brow_gap - float(lid_raise(look, np.array([0.5]))[0]), 0.0) + 2.0
        fills.append(EyeFill(mask, look.eye_width, grow, depth=0.45 * look.brow_gap))
    return fills


def plate_sources(rest_rig: np.ndarray, eye: int, r_at: np.ndarray, top: np.ndarray, skin_top: np.ndarray,
                  edge: np.ndarray, scale: float, row_v: list[np.ndarray]) -> list[np.ndarray]:
    """Lid-plate points (portrait px, N×2) of the vertex rows at heights ``row_v`` (this frame's eye
    frame; ``r_at``: the columns in the rest frame). Down to the top of the full lid skin a row takes
    the skin that lies there at rest; below, the lid edge takes the skin at the rest lower lid, so
    the painted-over eye stretches down to wherever the edge has come."""
    r_origin, r_axis, r_normal = eye_frame(rest_rig, eye)
    ru, rv = local(smooth(polyline(rest_rig, eye, RIG_UPPER_LIDS)), r_origin, r_axis, r_normal)
    lu, lv = local(smooth(polyline(rest_rig, eye, RIG_LOWER_LIDS)), r_origin, r_axis, r_normal)
    rest_skin_top = resample(ru, rv, r_at) + (skin_top - top) / scale
    stretch = (resample(lu, lv, r_at) - rest_skin_top) / np.maximum(edge - skin_top, 1e-3)  # rest px per px
    sources = []
    for v in row_v:
        rest_v = np.where(v <= skin_top, rest_skin_top + (v - skin_top) / scale, rest_skin_top + (v - skin_top) * stretch)
        sources.append(r_origin + r_at[:, None] * r_axis + rest_v[:, None] * r_normal)
    return sources


def lash_profile(portrait: np.ndarray, rest_rig: np.ndarray, eye: int, look: LidLook) -> np.ndarray:
    """LASH_COLUMNS×3 (0..1): the portrait's own lash line along this eye's open upper lid."""
    origin, axis, normal = eye_frame(rest_rig, eye)
    u, v = local(smooth(polyline(rest_rig, eye, RIG_UPPER_LIDS)), origin, axis, normal)
    at = np.linspace(0.0, 1.0, LASH_COLUMNS) * look.eye_width
    points = origin + at[:, None] * axis + resample(u, v, at)[:, None] * normal
    return lash_colours(portrait, points, normal, look.rise + look.lash_width, 0.5 * look.lash_width + 1.0)
