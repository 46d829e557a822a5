"""A calibrated gain on S2L's mouth motion about the closed-mouth rest face.

L1 training puts an opening the audio only half explains at the median, so the
predicted mouth moves less than a real one: the 80-clip leave-speakers-out
cross-validation measured an openness amplitude ratio (std of predicted / std of
real openness) of 0.60. Scaling the lips' and jaw's displacement from the rest
face by a gain widens every opening and leaves their timing (lip-sync r) as it was.
The gain is fitted on people the scored model never saw (core.training.crossval_gain)
and stored in the S2L checkpoint as ``mouth_gain``.

A mouth that is shut stays shut: the gain ramps in from nothing at CLOSED_OPENNESS
to full at FULL_GAIN_OPENNESS, and it is applied after the bilabial closure, the rest
gate and the smoothing (core.motion.s2l_inference), so every frame they leave closed
stays closed. Cross-validated, a flat gain before them measured closed in short pauses
0.12 instead of 0.31 (real faces 0.30) and at /m b p/ 0.87 instead of 0.95; this one
leaves both rates exactly as they were.

Not the user's lip-opening curve (core.animation.lip_opening): that one scales only the
lip gap, by keys an animator sets, in compose, on top of this calibrated model output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.landmarks.face_geometry import mouth_openness

# The lips (48-67) and the lower jaw line (5-11), which drops with the lower lip: scaling
# the lips alone would stretch the chin's skin in the render.
MOUTH_GAIN_POINTS = np.r_[5:12, 48:68]
# Openness (core.landmarks.face_geometry.mouth_openness) below which the evaluation calls a
# mouth closed (core.evaluation.metrics.CLOSED_OPENNESS), and where the full gain applies.
CLOSED_OPENNESS = 0.05
FULL_GAIN_OPENNESS = 0.10
MAX_GAIN = 3.0  # a larger fitted gain means the model hardly moves the mouth: refuse to blow it up


def scaled_mouth(motion: np.ndarray, rest: np.ndarray, gain: float) -> np.ndarray:
    """A copy of ``motion`` (T×68×2) with the MOUTH_GAIN_POINTS' displacement from ``rest``
    (68×2|3, the closed-mouth face) multiplied, frame by frame, by a gain that rises from 1
    at CLOSED_OPENNESS to ``gain`` at FULL_GAIN_OPENNESS (monotone: openings keep their
    order, so their correlation with the real mouth barely moves). Gain 1: ``motion`` itself."""
    if gain == 1.0 or not len(motion):
        return motion
    ramp = np.clip((mouth_openness(motion) - CLOSED_OPENNESS) / (FULL_GAIN_OPENNESS - CLOSED_OPENNESS), 0.0, 1.0)
    frame_gain = (1.0 + (gain - 1.0) * ramp).astype(motion.dtype)[:, None, None]
    anchor = np.asarray(rest, motion.dtype)[MOUTH_GAIN_POINTS, :2]
    out = motion.copy()
    out[:, MOUTH_GAIN_POINTS] = anchor + frame_gain * (motion[:, MOUTH_GAIN_POINTS] - anchor)
    return out


def gain_for_ratios(amplitude_ratios: Sequence[float]) -> float:
    """The gain that brings the mean openness amplitude ratio of these clips to 1
    (NaNs skipped), between 1 (never damp) and MAX_GAIN."""
    ratios = np.asarray(amplitude_ratios, np.float64)
    ratios = ratios[np.isfinite(ratios)]
    if not len(ratios) or ratios.mean() <= 0:
        raise ValueError("no finite amplitude ratio to fit a mouth gain to")
    return float(np.clip(1.0 / ratios.mean(), 1.0, MAX_GAIN))
