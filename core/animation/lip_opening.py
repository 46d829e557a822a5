"""The lip-opening curve: the user's keys *scale* the model's lip opening over time.

A key's value is a gain on how far the model (and the mouth-shape lane) opens the lips
beyond the portrait's own mouth: 1 = as generated, 0 = the portrait's mouth (no talking),
2 = twice as open; between keys the gain is interpolated with the key's easing, like every
curve. A gain rather than an offset, because a gain keeps every closure the lip sync
depends on: the lips still meet on /m/ /b/ /p/ and rest in pauses however far a key opens
them, while an offset would part them there. It reads as an animator's "exaggerate / tone
down the talking"; holding the mouth open where the model shut it is the mouth-shape
lane's job (a D block), so the two editors do not overlap.

The gap changes as a mouth-shape target does (``mouth_shape_lips``): the jaw carries the
lower lip, the upper lip rises a little, the mouth width stays, so ``mouth_openness`` (the
engine's one openness, which the renderers, cues and rig exports read) scales by the gain.
"""

from __future__ import annotations

import numpy as np

from core.animation.keyframes import Curve
from core.animation.mouth_shape_lips import set_gap, inner_gap

MAX_OPENING_GAIN = 2.0  # twice the model's widest opening is already a shout
DEFAULT_GAIN = 1.0


def opening_gain(curve: Curve, times: np.ndarray) -> np.ndarray | None:
    """T gains (0..MAX_OPENING_GAIN) of ``curve`` at ``times``; None when it has no keys (no change)."""
    if not len(curve):
        return None
    return np.clip(curve.evaluate_many(np.asarray(times, np.float64)), 0.0, MAX_OPENING_GAIN)


def scaled_opening(points: np.ndarray, gain: np.ndarray | None, rest_points: np.ndarray) -> np.ndarray:
    """``points`` (T×68×2 normalized) with each frame's opening beyond the portrait's own mouth
    (``rest_points``, 68×2|3; shut or parted) made ``gain`` times as large.

    Frames at or below the rest opening (closures, pauses) stay as they are."""
    if gain is None:
        return points
    gain = np.asarray(gain, np.float64).reshape(-1)
    rest_gap = max(float(inner_gap(np.asarray(rest_points, np.float64)[:, :2])), 0.0)
    gap = inner_gap(points)
    target = np.where(gap > rest_gap, rest_gap + (gap - rest_gap) * gain, gap)
    out = np.array(points, np.float64, copy=True)
    set_gap(out, target)
    return out


def with_opening_curve(base_norm: np.ndarray, tracks: object, rest_points: np.ndarray, fps: float) -> np.ndarray:
    """The speech motion (T×68×2 normalized) with ``tracks``' lip-opening curve applied, for the
    consumers that read the lips before compose (the mouth cues); unchanged without keys."""
    lips = getattr(tracks, "lips", None)
    if lips is None:
        return base_norm
    times = np.arange(np.asarray(base_norm).shape[0], dtype=np.float64) / fps
    return scaled_opening(base_norm, lips.opening_gain(times), rest_points)
