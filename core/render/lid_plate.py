"""The skin a photo's closing lid is made of: the portrait with each eye painted over with lid skin.

On a textured portrait (photo, painting, statue) the eyelid pass (``eyelid_pass``) fills
the closing lid by sampling this *lid plate*. Each eye's opening and the dark margin
above it (the lash line, eyeliner, the lid's own shadow) are filled from the skin around
them, by normalised convolution from a band of skin just above them (dark lash tips and lines left out):
a closed lid continues the portrait's own upper-lid skin, as light or as shaded as it is. The fine grain of the skin just above the filled area is mirrored
down onto it, so the lid has the photo's texture instead of a plastic smoothness.
Outside the filled area the plate *is* the portrait: a lid drawn from it has no outline
where it meets the skin above.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

GRAIN_SIGMA = 1.5  # portrait px: what counts as skin grain (finer than this) vs tone
EDGE_SOFTNESS = 1.0  # portrait px over which the filled area fades into the portrait
RELAX_STEPS = 400  # Jacobi steps of the membrane fill (the holes are a few dozen px)
SKIN_LUMA = 0.85  # band pixels darker than this share of its upper-quartile luma are not skin
BAND = 0.3  # the skin whose tone fills the eye: this deep above it (share of the eye width)


def fill_mask(shape: tuple[int, int], upper: np.ndarray, lower: np.ndarray, raise_by: np.ndarray,
              normal: np.ndarray) -> np.ndarray:
    """H×W uint8 mask of one eye: from its upper lid raised by ``raise_by`` px (per point, along
    -normal) down to just below its lower lid; ``upper``/``lower``: corner-to-corner polylines (N×2)."""
    top = upper - np.asarray(raise_by, np.float64).reshape(-1, 1) * normal
    bottom = lower + 0.5 * normal
    polygon = np.vstack([top, bottom[::-1]])
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(polygon * 16).astype(np.int32)], 255, cv2.LINE_8, 4)
    return mask


@dataclass(frozen=True)
class EyeFill:
    """What to paint over for one eye (portrait px)."""

    mask: np.ndarray  # H×W uint8 (``fill_mask``)
    eye_width: float
    grow: float  # how far the fill may reach up past the mask through dark lash tips
    depth: float  # how deep a band of skin above it lends the lid its grain (below the brow)


def lid_plate(portrait: np.ndarray, eyes: list[EyeFill]) -> np.ndarray:
    """H×W×3 uint8: ``portrait`` (RGBA) with each eye filled with lid skin (see module doc)."""
    plate = np.ascontiguousarray(portrait[:, :, :3]).copy()
    for eye in eyes:
        box = _box(eye.mask, pad=int(np.ceil(0.8 * eye.eye_width)) + 2)
        if box is None:
            continue
        y0, y1, x0, x1 = box
        plate[y0:y1, x0:x1] = _fill_eye(plate[y0:y1, x0:x1], eye.mask[y0:y1, x0:x1] > 0, eye)
    return plate


def _box(mask: np.ndarray, pad: int) -> tuple[int, int, int, int] | None:
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return None
    h, w = mask.shape
    return max(ys.min() - pad, 0), min(ys.max() + pad + 1, h), max(xs.min() - pad, 0), min(xs.max() + pad + 1, w)


def _fill_eye(rgb: np.ndarray, hole: np.ndarray, eye: EyeFill) -> np.ndarray:
    """One eye's neighbourhood with ``hole`` filled: the skin above it continued down, plus grain."""
    image = rgb.astype(np.float32)
    eye_width = eye.eye_width
    hole, rim = _hole_to_skin(image, hole, max(2, int(round(BAND * eye_width))), max(int(round(eye.grow)), 1))
    tone = np.zeros_like(image)
    columns = np.flatnonzero(hole.any(0))
    # Smoothed along the lid (a median first: one column's stray hair must not become a stripe).
    colours = np.stack([_median_along(rim[columns, c], 5) for c in range(3)], axis=1)
    colours = cv2.GaussianBlur(colours[:, None, :], (1, 0), max(0.08 * eye_width, 1.0))[:, 0, :]
    for x, colour in zip(columns, colours):
        tone[hole[:, x], x] = colour
    tone = np.where(hole[..., None], tone, image)
    y0, y1, x0, x1 = _box(hole, pad=2)  # the membrane needs only the hole and the pixels around it
    tone[y0:y1, x0:x1] = _relax(tone[y0:y1, x0:x1].copy(), hole[y0:y1, x0:x1], RELAX_STEPS)
    soft = cv2.GaussianBlur(hole.astype(np.float32), (0, 0), EDGE_SOFTNESS)[..., None]
    soft = np.maximum(soft, hole[..., None].astype(np.float32))
    tone = np.where(hole[..., None], tone, image)
    out = image + soft * (tone + _mirrored_grain(image, hole, max(2, int(round(eye.depth)))) - image)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def _relax(tone: np.ndarray, hole: np.ndarray, steps: int) -> np.ndarray:
    """Smooth the fill as a membrane held by the pixels around it above and to the sides (so it meets
    them without a step, corner shadows included) and free at the bottom (the lower lid and its
    lashes, where the closed lid's own lash line lies, must not bleed up into it)."""
    inside = hole[1:-1, 1:-1]
    below_free = ~hole[2:, 1:-1]  # the pixel under a hole pixel is outside: mirror instead of holding
    for _ in range(steps):
        up, left, right = tone[:-2, 1:-1], tone[1:-1, :-2], tone[1:-1, 2:]
        down = np.where(below_free[..., None], tone[1:-1, 1:-1], tone[2:, 1:-1])
        mean = 0.25 * (up + down + left + right)
        tone[1:-1, 1:-1] = np.where(inside[..., None], mean, tone[1:-1, 1:-1])
    return tone


def _median_along(values: np.ndarray, size: int) -> np.ndarray:
    padded = np.pad(values, size // 2, mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(padded, size), axis=1)


def _hole_to_skin(image: np.ndarray, hole: np.ndarray, band: int, grow: int) -> tuple[np.ndarray, np.ndarray]:
    """The hole grown up each column through at most ``grow`` dark pixels just above it (lash tips,
    the top of a liner: left in place they would outline the closed lid; a wide dark eyeshadow is
    the lid's own colour and stays), and per column (W×3) the colour of what it then meets, which
    the fill continues downward so that it joins the skin above without a step."""
    luma = image[..., :3] @ np.array([0.299, 0.587, 0.114], np.float32)
    tops = {int(x): int(np.flatnonzero(hole[:, x])[0]) for x in np.flatnonzero(hole.any(0))}
    above = np.concatenate([luma[max(t - band, 0):t, x] for x, t in tops.items()] or [np.zeros(1)])
    skin = SKIN_LUMA * float(np.percentile(above, 75))
    grown = hole.copy()
    rim = np.zeros((hole.shape[1], 3), np.float32)
    for x, top in tops.items():
        y = top
        while y > max(top - grow, 1) and luma[y - 1, x] < skin:
            y -= 1
        grown[y:top, x] = True
        rim[x] = np.median(image[max(y - 3, 0):max(y, 1), x, :3], axis=0)
    return grown, rim


def _mirrored_grain(image: np.ndarray, hole: np.ndarray, depth: int) -> np.ndarray:
    """The fine detail of the ``depth`` rows of skin above the hole, mirrored back and forth down
    into it (zero outside the hole): the lid gets the skin's grain, never the brow's hairs."""
    detail = image - cv2.GaussianBlur(image, (0, 0), GRAIN_SIGMA)
    # Skin grain is small; a crease or a brow hair mirrored in must not become a line on the lid.
    limit = 3.0 * max(float(np.median(np.abs(detail[~hole]))), 0.5)
    detail = np.clip(detail, -limit, limit)
    grain = np.zeros_like(image)
    for x in np.flatnonzero(hole.any(0)):
        column = np.flatnonzero(hole[:, x])
        top = int(column[0])
        bounce = (column - top) % (2 * depth)
        source = np.clip(top - 1 - np.minimum(bounce, 2 * depth - 1 - bounce), 0, hole.shape[0] - 1)
        grain[column, x] = detail[source, x]
    return grain


def lash_colours(portrait: np.ndarray, points: np.ndarray, normal: np.ndarray, reach_up: float,
                 reach_down: float) -> np.ndarray:
    """N×3 floats 0..1: the portrait's own lash line along its open upper lid, the darkest pixel of
    each profile across the lid at ``points`` (N×2, portrait px) from ``reach_up`` px above to
    ``reach_down`` below, smoothed along the lid. A closed lid's lash line takes these colours, so it
    is as dark as this portrait's lashes and no darker, lighter where they are sparse."""
    offsets = np.arange(-reach_up, reach_down + 1e-6, 0.5)
    grid = (points[:, None, :] + offsets[None, :, None] * normal).astype(np.float32)
    rgb = cv2.remap(np.ascontiguousarray(portrait[:, :, :3]), grid[..., 0], grid[..., 1], cv2.INTER_LINEAR,
                    borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
    luma = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    darkest = rgb[np.arange(len(points)), np.argmin(luma, axis=1)]
    return cv2.GaussianBlur(darkest[:, None, :], (1, 0), 1.0)[:, 0, :] / 255.0
